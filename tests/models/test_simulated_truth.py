"""Models against a known truth, on the SIMULATED Channel (never real data).

Every check here needs ground truth that the real series cannot give (a known
event effect, the true expected arrivals, the weather that actually drove the
crossings), so it runs on :func:`crossingcast.simulate.simulate_channel`.

Design shared by all tests
--------------------------
* ``N_SEEDS`` independent simulated Channels (seeds 0..N_SEEDS-1), 2020-01-01
  to 2024-09-30, with a *pulse* event: in force on alternate 14-day blocks
  (14 days on, 14 days off, all year round) with a known multiplicative effect
  :data:`EFFECT` on the expected arrivals.  Alternating blocks balance the
  event across seasons, weekdays and weather, so its effect is identified in a
  3-year training window; a single window (e.g. one 45-day summer event) is
  confounded with the season and gave estimates between 0.9 and 1.1 for a true
  1.5 in exploration, which would test the design, not the model.
* Each model is fitted (default parameters, short 3-year windows, 200 paths)
  on data up to 2024-05-31 and forecasts the held-out 2024-06-01..2024-09-30
  (122 days) with the *observed* simulated weather (``"observed (oracle)"``):
  the truth's expected arrivals are conditional on that weather, so oracle
  weather is what makes forecast and truth comparable.
* Tolerances are derived from the data (binomial variance with a dependence
  inflation estimated from the coverage indicators, t-intervals over seeds),
  never copied from a run.
"""

from __future__ import annotations

import functools
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from crossingcast import events as ev
from crossingcast.frame import future_frame, weather_columns
from crossingcast.models import make_forecaster
from crossingcast.simulate import SIMULATED_SOURCE, simulate_channel, simulate_future_weather

EFFECT = 1.5
N_SEEDS = 4
N_SEEDS_SARIMAX = 3  # weekly SARIMAX fits take ~3-5 s each (idle machine); 3 seeds keep the file short
N_PATHS = 200
ORIGIN = pd.Timestamp("2024-05-31")
HOLDOUT = pd.date_range("2024-06-01", "2024-09-30", freq="D", name="date")
ON_OFF = pd.date_range("2024-06-01", "2024-07-31", freq="D", name="date")
PARAMS = {"hurdle": {"train_years": 3}, "gbm": {"train_start": "2021-01-01"}, "sarimax": {"train_years": 3}}


def _pulse_calendar() -> pd.DataFrame:
    starts = pd.date_range("2020-01-06", "2024-12-31", freq="28D")
    rows = [{"name": f"pulse{i}", "start": s.date().isoformat(),
             "end": (s + pd.Timedelta(days=13)).date().isoformat(), "category": "enforcement", "sign": 1,
             "intensity": 1.0, "description": "simulated alternating 14-day pulse",
             "source": "simulated (test, not a real event)"} for i, s in enumerate(starts)]
    return ev.validate_calendar(pd.DataFrame(rows), origin="<test pulse calendar>")


@functools.lru_cache(maxsize=None)
def _simulate(seed: int) -> pd.DataFrame:
    cal = _pulse_calendar()
    sim = simulate_channel("2020-01-01", "2024-09-30", seed=seed, events=cal,
                           effects={n: EFFECT for n in cal["name"]})
    pulses = [c for c in sim.columns if c.startswith("event_pulse")]
    out = sim.drop(columns=pulses)
    out["event_pulse"] = sim[pulses].max(axis=1)  # one flag: the blocks never overlap
    out.attrs = sim.attrs
    return out


def _for_models(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` without the simulation's ``truth`` attribute (a dict of long Series).

    pandas deep-copies ``attrs`` on every column access, so a frame carrying the truth makes model fits
    about three times slower (measured: hurdle fit 30 s -> 10 s on a loaded machine); the models never
    read it.  Only :func:`simulate_future_weather` needs it, and it gets the full frame.
    """
    out = frame.copy()
    out.attrs = {k: v for k, v in frame.attrs.items() if k != "truth"}
    return out


def _crps(paths: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Sample CRPS per day: ``E|X - y| - E|X - X'| / 2`` from the sorted paths (exact for the sample)."""
    x = np.sort(paths, axis=0)
    m = x.shape[0]
    term1 = np.abs(x - y[None, :]).mean(axis=0)
    w = (2 * np.arange(1, m + 1) - m - 1)[:, None]
    term2 = (w * x).sum(axis=0) / (m * m)
    return term1 - term2


class _Case:
    """One simulated Channel with its fitted models and forecasts."""

    def __init__(self, seed: int, names: tuple[str, ...]):
        self.seed = seed
        self.sim = _simulate(seed)
        assert self.sim.attrs["report"]["source"] == SIMULATED_SOURCE
        weather = simulate_future_weather(self.sim.loc[:ORIGIN], HOLDOUT[0], HOLDOUT[-1])
        self.hist = _for_models(self.sim.loc[:ORIGIN])
        # the event flags as simulated in the hold-out, the weather as observed
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the per-block pulse columns of the calendar are merged into one
            self.future = future_frame(self.hist, HOLDOUT[0], HOLDOUT[-1], weather=weather,
                                       weather_mode="observed (oracle)")
        self.future["event_pulse"] = self.sim.loc[HOLDOUT, "event_pulse"].to_numpy()
        self.y = self.sim.loc[HOLDOUT, "migrants"].to_numpy(dtype=float)
        self.truth = self.sim.attrs["truth"]["mean"].loc[HOLDOUT].to_numpy(dtype=float)
        self.models, self.blind, self.fc, self.fc_blind = {}, {}, {}, {}
        wcols = set(weather_columns(self.hist))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for name in names:
                m = make_forecaster(name, n_paths=N_PATHS, **PARAMS[name]).fit(self.hist)
                self.models[name] = m
                self.fc[name] = m.predict(self.future)
                if name in ("hurdle", "gbm"):
                    feats = [c for c in m.features_ if c not in wcols]
                    b = make_forecaster(name, n_paths=N_PATHS, features=feats, **PARAMS[name]).fit(self.hist)
                    self.blind[name] = b
                    self.fc_blind[name] = b.predict(self.future.drop(columns=sorted(wcols)))

    def effect_ratio(self, name: str) -> float:
        """Ratio of the summed predictive means over ON_OFF with the event flag on vs off."""
        m = self.models[name]
        fut = self.future.loc[ON_OFF]
        on, off = fut.copy(), fut.copy()
        on["event_pulse"], off["event_pulse"] = 1.0, 0.0
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return float(m.predict(on).mean.sum() / m.predict(off).mean.sum())


@pytest.fixture(scope="module")
def cases() -> list[_Case]:
    return [_Case(s, ("hurdle", "gbm", "sarimax") if s < N_SEEDS_SARIMAX else ("hurdle", "gbm"))
            for s in range(N_SEEDS)]


def _t_interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    v = np.asarray(values, dtype=float)
    half = stats.t.ppf(0.5 + level / 2, len(v) - 1) * v.std(ddof=1) / np.sqrt(len(v))
    return float(v.mean() - half), float(v.mean() + half)


# --------------------------------------------------------------------------- (a) event effects

def _check_effect(cases, name):
    """The 95% t-interval over seeds of log(ratio on/off) must contain log(EFFECT)."""
    logs = np.log([c.effect_ratio(name) for c in cases if name in c.models])
    lo, hi = _t_interval(logs)
    assert lo <= np.log(EFFECT) <= hi, (
        f"{name}: effect estimates {np.round(np.exp(logs), 3).tolist()}, 95% interval "
        f"{np.exp(lo):.3f}..{np.exp(hi):.3f}, true {EFFECT}")


def test_hurdle_recovers_event_effect(cases):
    """Hurdle: ratio of summed predictive means, event on vs off, over Jun-Jul of the hold-out.

    The simulated effect multiplies the expected arrivals by ``EFFECT`` on
    every day it is in force (the backlog evolves without it, so there is no
    displacement); the model's implied effect is ``sum mu_on / sum mu_off``.
    Its sampling spread is measured over independent seeds, and the 95%
    t-interval of the mean log ratio must contain ``log(EFFECT)``.  A model
    that ignored the flag (ratio 1) or absorbed a biased share of it fails.
    The interval is not a one-seed coefficient interval because the
    hurdle's implied ratio mixes both parts (logit and NB2).
    """
    _check_effect(cases, "hurdle")
    # and the event coefficients point the right way in both parts, on every seed
    for c in cases:
        tab = c.models["hurdle"].coef_table().set_index(["part", "term"])
        assert tab.loc[("count", "event_pulse"), "coef"] > 0


@pytest.mark.xfail(strict=True, reason=(
    "GBM (default n_estimators=50, learning_rate=0.05, min_child_samples=100) shrinks the event effect: "
    "measured on/off ratios 1.10, 1.19, 1.01, 1.11 for a true 1.5 (seeds 0-3); likely cause (not "
    "verified): short, strongly regularised boosting rarely splits on the 0/1 flag"))
def test_gbm_recovers_event_effect(cases):
    """GBM: same design as :func:`test_hurdle_recovers_event_effect`."""
    _check_effect(cases, "gbm")


@pytest.mark.xfail(strict=True, reason=(
    "weekly SARIMAX underestimates a multiplicative event effect: on/off ratios 1.280, 1.388, 1.287 for a true "
    "1.5 (95% interval 1.177..1.475; the estimate alone, n_param_draws=1: 1.286, 1.383, 1.284, so it is the fit, "
    "not the parameter draws). The coefficient itself is small: the effect it implies at the average level of "
    "its training weeks is x1.30, x1.43, x1.33; the Box-Cox scale (the same shift means less at summer levels) "
    "costs only 0.02-0.04 more. It passed by 0.001 (upper bound 1.501) with independent parameter draws; "
    "docs/models.md"))
def test_sarimax_recovers_event_effect(cases):
    """SARIMAX: same design as :func:`test_hurdle_recovers_event_effect` (3 seeds).

    The default (weekly) design estimates the event on the Box-Cox 0.25 scale of weekly totals (the share of
    the week's days under the flag); its on/off ratio falls short of 1.5 (xfail, strict: a change that
    recovers the effect must say so).
    """
    _check_effect(cases, "sarimax")


# --------------------------------------------------------------------------- (b) coverage

def _coverage_bounds(cases, name, level_lo=0.1, level_hi=0.9):
    """Pooled daily coverage of the central 80% interval, closed and open, with a dependence-aware tolerance.

    Counts are discrete, so a correct 80% interval satisfies
    ``P(q10 < Y < q90) <= 0.8 <= P(q10 <= Y <= q90)``.  The tolerance is
    ``3 sqrt(0.16 deff / n)``: binomial with ``n`` pooled days, inflated by
    the design effect ``deff = (1 + r) / (1 - r)`` with ``r`` the lag-1
    autocorrelation of the closed-interval coverage indicators (estimated,
    floored at 0); days in a season share weather regimes and a path-level
    factor, so misses cluster.
    """
    closed, opened, above, at_or_above, r1 = [], [], [], [], []
    for c in cases:
        if name not in c.fc:
            continue
        fc = c.fc[name]
        lo, hi = fc.quantile(level_lo).to_numpy(), fc.quantile(level_hi).to_numpy()
        inside = (c.y >= lo) & (c.y <= hi)
        closed.append(inside)
        opened.append((c.y > lo) & (c.y < hi))
        above.append(c.y > hi)
        at_or_above.append(c.y >= hi)
        z = inside.astype(float) - inside.mean()
        r1.append(float((z[1:] * z[:-1]).sum() / max((z * z).sum(), 1e-12)))
    closed, opened = np.concatenate(closed), np.concatenate(opened)
    r = max(float(np.mean(r1)), 0.0)
    deff = (1 + r) / (1 - r)
    tol = 3.0 * np.sqrt(0.16 * deff / len(closed))
    tail = (float(np.concatenate(above).mean()), float(np.concatenate(at_or_above).mean()),
            3.0 * np.sqrt(0.09 * deff / len(closed)))
    return float(closed.mean()), float(opened.mean()), tol, tail


@pytest.mark.parametrize("name", [pytest.param("gbm", marks=pytest.mark.xfail(strict=True, reason=(
    "GBM's daily upper tail is slightly thin: P(Y > q90) = 0.152 against 0.10 + 0.048 (closed 0.846, open "
    "0.414, within tolerance). It passed before the horizon-band calibration of issue 15 (level_sd 0.04 in the "
    "7-day band, from 3 held-out years); on the real backtest 2024-25 pit_above90 = 0.151 (docs/backtests.md)"))),
    "sarimax"])
def test_daily_80pct_coverage(cases, name):
    """Daily 80% intervals on 122 held-out days per seed reach nominal coverage within the tolerance.

    With ~half the days zero, ``q10`` is usually 0 and the open-interval bound
    is loose, so the upper tail is checked on its own as well:
    ``P(Y > q90) <= 0.1 <= P(Y >= q90)`` within ``3 sqrt(0.09 deff / n)``
    (too-narrow upper tails, the usual failure of daily count intervals, fail it).
    """
    closed, opened, tol, (above, at_or_above, tol_tail) = _coverage_bounds(cases, name)
    print(f"{name}: closed {closed:.3f} open {opened:.3f} tol {tol:.3f}; "
          f"P(Y>q90) {above:.3f} P(Y>=q90) {at_or_above:.3f} tol {tol_tail:.3f}")
    assert closed >= 0.8 - tol, f"{name}: closed-interval coverage {closed:.3f} < 0.8 - {tol:.3f}"
    assert opened <= 0.8 + tol, f"{name}: open-interval coverage {opened:.3f} > 0.8 + {tol:.3f}"
    assert above <= 0.1 + tol_tail, f"{name}: P(Y > q90) = {above:.3f} > 0.1 + {tol_tail:.3f}"
    assert at_or_above >= 0.1 - tol_tail, f"{name}: P(Y >= q90) = {at_or_above:.3f} < 0.1 - {tol_tail:.3f}"


N_SEEDS_TOTALS = 20
N_BLOCKS = 8


@pytest.fixture(scope="module")
def hurdle_rolling() -> list[dict]:
    """The hurdle model rolled through Jun-Sep 2024 in 14-day blocks, on ``N_SEEDS_TOTALS`` simulated Channels.

    Per seed: fitted to 2024-05-31, then moved forward with
    :meth:`~crossingcast.models.hurdle.HurdleForecaster.update` (parameters
    fixed, level term updated) through ``N_BLOCKS`` consecutive 14-day blocks,
    each forecast from the day before it (the block length its level factor is
    calibrated for).  Returns, per seed, the block forecast totals (mean, P10,
    P90), the realised totals and the truth's expected totals.

    Slow-ish by design (one hurdle fit per seed, ~3 s unloaded): 20 seeds are what
    gives the bias and coverage checks below their power; both are marked ``slow``.
    """
    out = []
    blocks = [HOLDOUT[0] + pd.Timedelta(days=14 * k) for k in range(N_BLOCKS)]
    for seed in range(N_SEEDS_TOTALS):
        sim = _simulate(seed)
        truth = sim.attrs["truth"]["mean"]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            weather = simulate_future_weather(sim.loc[:ORIGIN], HOLDOUT[0], HOLDOUT[-1])
            data = _for_models(sim)
            hist = data.loc[:ORIGIN]
            future = future_frame(hist, HOLDOUT[0], HOLDOUT[-1], weather=weather, weather_mode="observed (oracle)")
            future["event_pulse"] = sim.loc[HOLDOUT, "event_pulse"].to_numpy()
            m = make_forecaster("hurdle", n_paths=N_PATHS, **PARAMS["hurdle"]).fit(hist)
            rows = []
            for start in blocks:
                end = start + pd.Timedelta(days=13)
                if start > HOLDOUT[0]:
                    m.update(data.loc[:start - pd.Timedelta(days=1)])
                tot = m.predict(future.loc[start:end]).total()
                rows.append({"mean": tot["mean"], "p10": tot["p10"], "p90": tot["p90"],
                             "actual": float(sim.loc[start:end, "migrants"].sum()),
                             "truth": float(truth.loc[start:end].sum())})
        out.append(pd.DataFrame(rows))
    return out


@pytest.mark.slow
def test_hurdle_block_total_80pct_coverage(hurdle_rolling):
    """14-day totals from rolling origins: 80% path intervals cover ~80% of the realised totals (two-sided).

    ``N_SEEDS_TOTALS`` x ``N_BLOCKS`` = 160 totals.  Totals from one seed share
    parameters, so the binomial tolerance uses a design effect of 2 (half as
    many independent totals), at 3 standard errors: ``3 sqrt(0.16 * 2 / 160) =
    0.134``, i.e. coverage must lie in 0.666..0.934, so intervals that are too
    wide (coverage near 1) fail as well as too narrow ones.  A model whose total
    intervals ignored the level uncertainty (daily noise only) covers about a
    third of them.  Measured (seeds 0-11 on 2026-12-02): per-seed coverage 0.5..1.0, pooled 0.79.
    """
    tab = pd.concat(hurdle_rolling, ignore_index=True)
    inside = (tab["p10"] <= tab["actual"]) & (tab["actual"] <= tab["p90"])
    cov = float(inside.mean())
    tol = 3.0 * np.sqrt(0.16 * 2.0 / len(tab))
    assert tol < 0.2 - 0.05, "the upper bound 0.8 + tol must stay well below 1"
    print(f"hurdle 14-day totals: coverage {cov:.3f} of {len(tab)}, tol {tol:.3f}")
    assert abs(cov - 0.8) <= tol, f"hurdle 14-day-total coverage {cov:.3f} ({len(tab)} totals), tol {tol:.3f}"


@pytest.mark.slow
def test_hurdle_totals_unbiased_with_power(hurdle_rolling):
    """The sum of the daily predictive means over Jun-Sep (8 rolling 14-day blocks) against the truth's
    expected total: ``|mean over seeds of log(sum mean / sum truth)| < 0.10``.

    Noise bound: the per-seed log ratios vary (the model cannot know the
    simulated Channel's latent level), measured sd 0.17 over seeds 0-11, so 20
    seeds give a standard error of about 0.038; the test requires SE < 0.05
    (asserted: with a larger noise the check would lose its power) so that a
    bias of 25 % (|log| >= 0.22, e.g. the count mean x 0.75 or x 1.3) fails by
    more than 2 SE and a 10 % bias fails about half the time.  The 95 %
    t-interval must also contain 0.  Measured mean log ratio (seeds 0-11): -0.04.
    """
    logs = np.array([np.log(t["mean"].sum() / t["truth"].sum()) for t in hurdle_rolling])
    mean, se = float(logs.mean()), float(logs.std(ddof=1) / np.sqrt(len(logs)))
    lo, hi = _t_interval(logs)
    print(f"hurdle log(total/truth): mean {mean:.3f} se {se:.3f} 95% {lo:.3f}..{hi:.3f}; {np.round(logs, 3).tolist()}")
    assert se < 0.05, f"noise bound: SE {se:.3f} over {len(logs)} seeds is too large to resolve a 10% bias"
    assert abs(mean) < 0.10, f"hurdle totals biased: mean log ratio {mean:.3f} (se {se:.3f})"
    assert lo <= 0.0 <= hi, f"hurdle totals biased: 95% interval {lo:.3f}..{hi:.3f}"


# --------------------------------------------------------------------------- (c) weather helps

@pytest.mark.parametrize("name", ["hurdle", "gbm"])
def test_weather_aware_beats_weather_blind(cases, name):
    """The same model with and without the weather columns, on held-out days with the observed weather.

    Pooled over seeds, the weather-aware model must have a lower daily RMSE
    of the mean *and* a lower mean CRPS; and the CRPS must be lower on every
    seed (under "no difference" that happens with probability 1/2**N_SEEDS).
    """
    rmse_w, rmse_b, crps_w, crps_b = [], [], [], []
    for c in cases:
        fw, fb = c.fc[name], c.fc_blind[name]
        assert fw.info["weather_blind"] is False and fb.info["weather_blind"] is True
        rmse_w.append(np.mean((fw.mean.to_numpy() - c.y) ** 2))
        rmse_b.append(np.mean((fb.mean.to_numpy() - c.y) ** 2))
        crps_w.append(_crps(fw.paths, c.y).mean())
        crps_b.append(_crps(fb.paths, c.y).mean())
    rw, rb = np.sqrt(np.mean(rmse_w)), np.sqrt(np.mean(rmse_b))
    assert rw < rb, f"{name}: RMSE with weather {rw:.1f} >= without {rb:.1f}"
    assert np.mean(crps_w) < np.mean(crps_b), (name, crps_w, crps_b)
    assert all(a < b for a, b in zip(crps_w, crps_b)), (name, crps_w, crps_b)


# --------------------------------------------------------------------------- (d) unbiased totals

@pytest.mark.parametrize("name", ["gbm", "sarimax"])
def test_totals_unbiased(cases, name):
    """Sum of daily predictive means vs the truth's expected total over the 122 held-out days.

    ``log(sum mean / sum truth mean)`` per seed; the 95% t-interval over
    seeds must contain 0 (a systematically low or high total fails, e.g.
    ``expm1(mean log1p)`` totals, which are medians, would be far too low).

    Weak by design (a smoke-level bias check): with ``N_SEEDS`` = 4 and a
    per-seed sd near 0.17 the interval is about +-0.27 wide, so totals from
    0.75x to 1.3x the truth can pass.  The hurdle model has the powered version
    (:func:`test_hurdle_totals_unbiased_with_power`, 20 seeds); GBM fits are
    too slow for 20 seeds in CI (not done: see issue 16).
    """
    logs = np.array([np.log(c.fc[name].mean.sum() / c.truth.sum()) for c in cases if name in c.fc])
    lo, hi = _t_interval(logs)
    assert lo <= 0.0 <= hi, f"{name}: log(total/truth) {np.round(logs, 3).tolist()}, interval {lo:.3f}..{hi:.3f}"
