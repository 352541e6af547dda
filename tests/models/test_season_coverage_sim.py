"""Hurdle season totals and weekly totals against the SIMULATED Channel, where the truth is known (issue 15).

Each of ``N_SEEDS`` simulated Channels (:func:`crossingcast.simulate.simulate_channel`)
gets its own yearly demand, a log random walk with sd ``SD_YOY`` per year: the
level shifts a season-ahead forecast must allow for are random and
exchangeable across seeds (with the default anchors every seed would share
the same year-to-year changes, and coverage over seeds would count one
event ``N_SEEDS`` times).  The hurdle model is fitted weather-blind (weather
columns dropped, as on the real data) at 31 May 2023 and forecasts
1 June - 30 September 2023; the realised simulated counts are the truth.

Cost: the frames are passed without ``attrs`` (pandas deep-copies ``attrs``
into every slice a fit takes; the hurdle now drops them itself, see
``hurdle._plain``), a 3-year window with 2 hold-out seasons and 400 paths:
about 0.25 s per seed.
"""

from __future__ import annotations

import functools
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binom

from crossingcast.frame import future_frame, weather_columns
from crossingcast.models.baselines import Climatology, SeasonalNaive
from crossingcast.models.hurdle import HurdleForecaster
from crossingcast.simulate import simulate_channel

N_SEEDS = 40
SD_YOY = 0.25
ORIGIN = pd.Timestamp("2023-05-31")
END = pd.Timestamp("2023-09-30")
FIRST_MONDAY = 4  # 2023-06-05; 16 whole weeks Mon-Sun inside June-September
N_WEEKS = 16


@functools.lru_cache(maxsize=None)
def _channel(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(1000 + seed)
    totals = dict(zip(range(2018, 2024), 20000 * np.exp(np.cumsum(np.r_[0, SD_YOY * rng.standard_normal(5)]))))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sim = simulate_channel("2019-06-01", END, seed=seed, trend=totals)
    out = sim.drop(columns=weather_columns(sim))
    out.attrs = {k: v for k, v in sim.attrs.items() if k != "truth"}
    return out


def _scores(fc, y: np.ndarray) -> dict:
    """Season-total hit, within-path weekly sd vs the truth's, weekly-total coverage."""
    tot = fc.paths.sum(axis=1)
    lo, hi = np.quantile(tot, [0.1, 0.9])
    sl = slice(FIRST_MONDAY, FIRST_MONDAY + 7 * N_WEEKS)
    W = fc.paths[:, sl].reshape(len(tot), N_WEEKS, 7).sum(axis=2)
    Y = y[sl].reshape(N_WEEKS, 7).sum(axis=1)
    wlo, whi = np.quantile(W, [0.1, 0.9], axis=0)
    sd_paths = W.std(axis=1, ddof=1)
    return {"actual": y.sum(), "mean": float(fc.mean.sum()), "p10": lo, "p90": hi,
            "hit": bool(lo <= y.sum() <= hi), "sd_paths": sd_paths.mean(), "sd_truth": Y.std(ddof=1),
            "sd_pit": float(np.mean(sd_paths < Y.std(ddof=1))),
            "wk_cover": float(np.mean((Y >= wlo) & (Y <= whi)))}


def _binomial_ok(hits: int) -> bool:
    lo, hi = binom.ppf(0.005, N_SEEDS, 0.8), binom.isf(0.005, N_SEEDS, 0.8)
    return lo <= hits <= hi < N_SEEDS


@pytest.fixture(scope="module")
def runs() -> pd.DataFrame:
    rows = []
    for seed in range(N_SEEDS):
        fr = _channel(seed)
        hist = fr.loc[:ORIGIN]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = HurdleForecaster(n_paths=400, train_years=3, calibration_seasons=2, random_state=seed).fit(hist)
            fc = m.predict(future_frame(hist, ORIGIN + pd.Timedelta(days=1), END))
        y = fr.loc[ORIGIN + pd.Timedelta(days=1):END, "migrants"].to_numpy()
        rows.append({"seed": seed, **_scores(fc, y), "rho": m.calibration_["persistence"]})
    return pd.DataFrame(rows)


def test_season_total_80pct_intervals_cover_80pct_over_seeds(runs):
    """Two-sided: the number of seeds whose Jun-Sep total lies in its 80% interval must be inside the 99%
    acceptance region of Binomial(N_SEEDS, 0.8) (25..38 of 40): too narrow intervals (the collapse of issue 15)
    and too wide ones (40/40) both fail.  Measured here: 37/40 (lag-1 persistence 37/40, independent crossing
    days 39/40: fails).  Over 120 seeds with the default 4-year window and 3 hold-out seasons: 0.817 (lag-1
    0.875, independent days 0.942)."""
    hits = int(runs["hit"].sum())
    assert _binomial_ok(hits), (hits, runs[["seed", "actual", "p10", "p90"]].to_string())
    # a total is the sum of the predictive means, and it is unbiased over seeds (median log ratio near 0)
    assert abs(np.median(np.log(runs["actual"] / runs["mean"]))) < 0.15


def test_weekly_totals_have_the_truths_spread(runs):
    """Week-to-week spread inside a path vs the simulated truth's, over 16 whole weeks of June-September.

    Measured (these 40 seeds): mean path sd / mean truth sd 0.93 (lag-1 persistence 0.90, independent crossing
    days 0.81: fails), the truth's sd above a share 0.59 of the paths' sds on average (0.5 if the spreads
    match; lag-1 0.62, independent days 0.685: fails), weekly totals inside their 80% interval 0.82 (0.80,
    0.79).  Over 120 seeds, default window: ratio 0.99 / 0.93 / 0.83, sd-PIT 0.51 / 0.56 / 0.65.  Bounds:
    the ratio within 0.85..1.2, the sd-PIT mean within 0.5 +- 0.15 (3 standard errors of a mean of 40
    uniforms), weekly coverage 0.72..0.88."""
    ratio = runs["sd_paths"].mean() / runs["sd_truth"].mean()
    assert 0.85 <= ratio <= 1.2, ratio
    assert abs(runs["sd_pit"].mean() - 0.5) <= 0.15, runs["sd_pit"].mean()
    assert 0.72 <= runs["wk_cover"].mean() <= 0.88, runs["wk_cover"].mean()
    assert (runs["rho"] > 0.1).all()  # persistence is estimated from the hold-out, never assumed


@pytest.mark.parametrize("cls", [SeasonalNaive, Climatology], ids=["seasonal_naive", "climatology"])
def test_baselines_season_and_weekly_coverage(cls):
    """The baselines' horizon-band calibration on the same 40 Channels (their means ignore weather too).

    Measured: seasonal naive 34/40 season totals in their 80% interval, weekly totals 0.81 (before issue 15's
    bands: 35/40, 0.80); climatology 36/40, 0.80 (before: 35/40, 0.73; its within-path weekly sd over the
    truth's 0.92, before 0.83: one 14-day level_sd and independent crossing days made weeks too regular).
    The seasonal naive's paths repeat last year's noisy days, so their weekly sd is 1.9x the truth's (not
    tested: a property of the naive mean).  Bounds: the binomial region of the hurdle test; weekly 0.72..0.88.
    """
    rows = []
    for seed in range(N_SEEDS):
        fr = _channel(seed)
        hist = fr.loc[:ORIGIN]
        fc = cls(n_paths=400, random_state=seed).fit(hist).predict(future_frame(hist, ORIGIN + pd.Timedelta(days=1),
                                                                                END))
        rows.append(_scores(fc, fr.loc[ORIGIN + pd.Timedelta(days=1):END, "migrants"].to_numpy()))
    r = pd.DataFrame(rows)
    assert _binomial_ok(int(r["hit"].sum())), int(r["hit"].sum())
    assert 0.72 <= r["wk_cover"].mean() <= 0.88, r["wk_cover"].mean()
