"""Season-ahead backtest: how many people will cross this summer, and this year, asked in March-July.

Origins
-------
For every year ``Y`` of ``years`` (default 2021-2025): every Sunday from
1 March to 31 July, plus the fixed origins 30 April, 15 May and 31 May
(:func:`season_origins`), about 25 per year.  An origin ``o`` is the last
observed day: the model sees the data to ``o`` only (``frame.loc[:o]``, or
``frame_at(o)`` for as-of data vintages) and forecasts ``o + 1 .. 31 Dec Y``
**once**; every target is read from those same sample paths.

Targets (per origin)
--------------------
=================  ============================================================
``rest_of_season`` total of ``o + 1 .. 30 Sep``
``jun_sep``        total of 1 Jun - 30 Sep (origins before 1 June)
``may_aug20``      total of 1 May - 20 Aug (origins before 1 May; the peers' task)
``year``           calendar-year total: observed 1 Jan .. ``o`` + forecast to 31 Dec
``surge_days``     number of days with at least 500 arrivals in ``o + 1 .. 30 Sep``
=================  ============================================================

Scores (per model × target, :meth:`SeasonAheadResult.leaderboard`)
------------------------------------------------------------------
CRPS of the total from the sample-path totals
(:func:`~crossingcast.evaluate.metrics.crps_paths`); signed and absolute %
error of the **mean** (the sum of daily predictive means); coverage of the
80 % interval of the path totals; PIT values (mid-PIT for ties); skill
versus the best baseline, ``1 - CRPS / CRPS(best baseline)``; the
week-to-week **jump** of the forecast of a fixed period (the
rest-of-season target anchored at 1 January: observed so far + forecast),
as a share of its outcome.

Fitting
-------
``refit="origin"`` fits every model at every origin.  ``refit="year"``
(default) fits once per model × year at the year's first origin, then calls
``update(new days)`` at later origins (parameters estimated on data to the
first origin only, history for lags and levels extended): no fit or update
ever sees data after its origin.  Units of work are model × year, run with
joblib (``n_jobs``); every unit is seeded from ``random_state`` and the model
name, so tables do not depend on ``n_jobs``.

Ensemble
--------
Listing ``"ensemble"`` among the models evaluates a linear pool **without
refitting**: per origin the stored path totals of the members are pooled
(:func:`crossingcast.models.ensemble.pool_samples`) with weights estimated
on the rest-of-season totals of **earlier years only**
(:func:`crossingcast.models.ensemble.crps_weights`; equal weights in the
first year, and equal weights whenever they beat the optimised ones in a
leave-one-year-out check over the earlier years).  The same run also gives
``ensemble_qa``: the members' equal-weight **quantile average**
(:func:`crossingcast.models.ensemble.quantile_average`: sorted path totals
averaged rank by rank, so members that disagree about the level do not widen
it as they widen a pool), its mean the members' mean, its spread scaled about
that mean by a factor in [0.2, 1] with the lowest CRPS on the same target's
totals of earlier years (:func:`~crossingcast.models.ensemble.crps_spread_scale`;
1 in the first year; the factors per year are the ``qa_scale_<target>``
columns of ``ensemble_weights``).  The live forecaster is
``make_forecaster("ensemble_qa")`` (:class:`~crossingcast.models.ensemble.EnsembleForecaster`
with ``combine="quantiles"``): its paths ranked by total over the forecast
period give exactly these totals when that period is the target's window.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from crossingcast.evaluate import metrics as M
from crossingcast.evaluate.backtest import ORACLE_LABEL, _check_frame, _prepared, resolve_models
from crossingcast.frame import TARGET, future_frame, weather_columns
from crossingcast.models.ensemble import QA_MEMBERS

__all__ = ["SeasonAheadResult", "season_ahead_backtest", "season_origins", "TARGETS", "SURGE_THRESHOLD",
           "FIXED_ORIGINS", "DEFAULT_ENSEMBLE_MEMBERS"]

TARGETS = ("rest_of_season", "jun_sep", "may_aug20", "year", "surge_days")
SURGE_THRESHOLD = 500
FIXED_ORIGINS = ("04-30", "05-15", "05-31")
DEFAULT_ENSEMBLE_MEMBERS = QA_MEMBERS
#: The combinations pooled from the members' stored samples (no refit), in table order.
_POOLED = ("ensemble", "ensemble_qa")
_BASELINES = ("seasonal_naive", "climatology", "persistence")
_DAY = pd.Timedelta(days=1)


# ----------------------------------------------------------------- origins and windows
def season_origins(years: Iterable[int], *, first: str = "03-01", last: str = "07-31",
                   fixed: Sequence[str] = FIXED_ORIGINS, start: pd.Timestamp | None = None,
                   end: pd.Timestamp | None = None) -> dict[int, list[pd.Timestamp]]:
    """Origins per year: every Sunday from ``first`` to ``last`` plus the ``fixed`` ``MM-DD`` dates.

    Origins before ``start`` or on/after ``end`` (the last observed day) are dropped.
    """
    out = {}
    for year in years:
        ors = set(pd.date_range(f"{int(year)}-{first}", f"{int(year)}-{last}", freq="W-SUN"))
        ors |= {pd.Timestamp(f"{int(year)}-{f}") for f in fixed}
        ors = sorted(o for o in ors if (start is None or o >= start) and (end is None or o < end))
        if ors:
            out[int(year)] = ors
    return out


def _windows(origin: pd.Timestamp) -> dict[str, tuple[pd.Timestamp, pd.Timestamp]]:
    """Forecast window of each target that applies to ``origin`` (``year``: origin+1 .. 31 Dec)."""
    y = origin.year
    ts = pd.Timestamp
    out = {"rest_of_season": (origin + _DAY, ts(f"{y}-09-30")),
           "year": (origin + _DAY, ts(f"{y}-12-31")),
           "surge_days": (origin + _DAY, ts(f"{y}-09-30"))}
    if origin < ts(f"{y}-06-01"):
        out["jun_sep"] = (ts(f"{y}-06-01"), ts(f"{y}-09-30"))
    if origin < ts(f"{y}-05-01"):
        out["may_aug20"] = (ts(f"{y}-05-01"), ts(f"{y}-08-20"))
    return {k: v for k, v in out.items() if v[0] <= v[1]}


def _seed(random_state, name: str):
    from crossingcast.evaluate.backtest import _seed as seed

    return None if random_state is None else seed(random_state, name)


# ----------------------------------------------------------------- one unit: model x year
def _unit(name: str, est, frame: pd.DataFrame, origins: Sequence[pd.Timestamp], refit: str, weather: str,
          frame_at: Callable | None) -> list[dict]:
    """Fit/update and predict one model at every origin of one year; path totals per target."""
    out = []
    model, prev = None, None
    y_all = frame[TARGET]
    for origin in origins:
        hist = frame_at(origin) if frame_at is not None else frame
        hist = hist.loc[:origin]
        if hist.index[-1] != origin:
            raise ValueError(f"season_ahead_backtest: the data to origin {origin.date()} ends "
                             f"{hist.index[-1].date()}")
        end = pd.Timestamp(f"{origin.year}-12-31")
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if model is None or refit == "origin":
                model = _prepared(est, name, None).fit(hist)
                how = "fit"
            else:
                model.update(hist.loc[prev + _DAY:])
                how = "update"
            prev = origin
            if weather == "oracle":
                obs = frame.loc[origin + _DAY:end, weather_columns(frame)]
                fut = future_frame(hist, origin + _DAY, end, weather=obs, weather_mode=ORACLE_LABEL)
            else:
                fut = future_frame(hist, origin + _DAY, end)
            fc = model.predict(fut)
        secs = time.perf_counter() - t0
        if fc.paths is None:
            raise ValueError(f"season_ahead_backtest: model {name!r} gave no sample paths")
        idx = fc.index
        paths = fc.paths
        mean = fc.mean.to_numpy()
        ytd_seen = hist[TARGET].loc[f"{origin.year}-01-01":origin]
        for target, (s, e) in _windows(origin).items():
            sel = (idx >= s) & (idx <= e)
            if target == "surge_days":
                samples = (paths[:, sel] >= SURGE_THRESHOLD).sum(axis=1).astype(float)
                m = float(samples.mean())  # expected count = sum of daily exceedance probabilities
                act = float((y_all.loc[s:e] >= SURGE_THRESHOLD).sum())
                known = float((ytd_seen >= SURGE_THRESHOLD).sum())
                known_act = float((y_all.loc[f"{origin.year}-01-01":origin] >= SURGE_THRESHOLD).sum())
            else:
                samples = paths[:, sel].sum(axis=1)
                m = float(mean[sel].sum())
                act = float(y_all.loc[s:e].sum())
                known = known_act = 0.0
                if target == "rest_of_season":
                    known = float(ytd_seen.sum())
                    known_act = float(y_all.loc[f"{origin.year}-01-01":origin].sum())
                elif target == "year":
                    ytd = float(ytd_seen.sum())
                    samples, m = samples + ytd, m + ytd
                    act += float(y_all.loc[f"{origin.year}-01-01":origin].sum())
            out.append({"model": name, "year": origin.year, "origin": origin, "target": target, "start": s,
                        "end": e, "mean": m, "actual": act, "known": known, "known_actual": known_act,
                        "how": how, "seconds": secs, "samples": samples.astype(np.float64)})
            secs = 0.0  # count the time once per origin
    return out


# ----------------------------------------------------------------- scoring
def _score(rec: dict) -> dict:
    s, y, m = rec["samples"], rec["actual"], rec["mean"]
    p10, p50, p90 = np.quantile(s, (0.1, 0.5, 0.9))
    out = {k: v for k, v in rec.items() if k != "samples"}
    out.update({"p10": float(p10), "p50": float(p50), "p90": float(p90),
                "error": m - y, "pct_error": 100.0 * (m - y) / y if y else float("nan"),
                "covered80": bool(p10 <= y <= p90),
                "crps": float(M.crps_paths(s[:, None], np.array([y]))[0]),
                "pit": float(np.mean(s < y) + 0.5 * np.mean(s == y))})
    out["abs_pct_error"] = abs(out["pct_error"])
    return out


def _loyo_equal_wins(cases_by_year: dict[int, list], k: int) -> bool:
    """Leave-one-year-out over earlier years: do equal weights beat optimised ones on CRPS/actual?"""
    from crossingcast.models.ensemble import crps_weights, pool_samples

    if len(cases_by_year) < 2:
        return False
    eq = opt = 0.0
    for held, cases in cases_by_year.items():
        train = [c for y, cs in cases_by_year.items() if y != held for c in cs]
        w = crps_weights(train)
        for samples, actual in cases:
            for ww, acc in ((np.full(k, 1.0 / k), "eq"), (w, "opt")):
                pooled = pool_samples(samples, ww, random_state=0)
                v = float(M.crps_paths(pooled[:, None], np.array([actual]))[0]) / max(actual, 1.0)
                if acc == "eq":
                    eq += v
                else:
                    opt += v
    return eq <= opt


def _ensemble(records: list[dict], members: list[str],
              random_state: int) -> tuple[list[dict], pd.DataFrame, dict[str, float]]:
    """Pool the members' stored samples per origin/target; weights from earlier years only.

    Two combinations: ``ensemble`` (linear pool, CRPS weights) and
    ``ensemble_qa`` (equal-weight quantile average, its spread scaled by a
    factor in [0.2, 1] fitted per target to that target's totals of earlier
    years; 1 in the first year).  Also returns ``ensemble_qa``'s factor per
    target fitted on **all** seasons (what the live forecaster stores).
    """
    from crossingcast.models.ensemble import (crps_spread_scale, crps_weights, pool_samples, quantile_average,
                                              scale_spread)

    by = {(r["model"], r["origin"], r["target"]): r for r in records}
    years = sorted({r["year"] for r in records})
    keys = sorted({(r["origin"], r["target"]) for r in records if r["model"] == members[0]})
    keys = [kt for kt in keys if all((m, *kt) in by for m in members)]
    k = len(members)
    # per origin/target, once: the members' equal-weight quantile average, their mean mean, the outcome
    qa_base = {(o, t): (quantile_average([by[(m, o, t)]["samples"] for m in members]),
                        float(np.mean([by[(m, o, t)]["mean"] for m in members])), by[(members[0], o, t)]["actual"])
               for (o, t) in keys}

    def qa_scales(before: int | None = None) -> dict[str, float]:
        """One spread factor per target, from that target's totals of the years before ``before`` (None: all)."""
        scales = {}
        for target in TARGETS:
            cases = [qa_base[(o, t)] for (o, t) in keys if t == target and (before is None or o.year < before)]
            scales[target] = crps_spread_scale(cases) if cases else 1.0
        return scales

    out, wrows = [], []
    for year in years:
        past: dict[int, list] = {}
        for (o, t) in keys:
            if o.year < year and t == "rest_of_season":
                past.setdefault(o.year, []).append(([by[(m, o, t)]["samples"] for m in members],
                                                    by[(members[0], o, t)]["actual"]))
        if not past:
            w, source = np.full(k, 1.0 / k), "equal (first year)"
        elif _loyo_equal_wins(past, k):
            w, source = np.full(k, 1.0 / k), "equal (won leave-one-year-out)"
        else:
            w, source = crps_weights([c for cs in past.values() for c in cs]), "crps-optimal"
        qa_scale = qa_scales(before=year)
        wrows.append({"year": year, "source": source, "past_years": ",".join(map(str, sorted(past))),
                      **{m: float(v) for m, v in zip(members, w)},
                      **{f"qa_scale_{t}": v for t, v in qa_scale.items()}})
        for (o, t) in keys:
            if o.year != year:
                continue
            recs = [by[(m, o, t)] for m in members]
            seed = int(np.random.SeedSequence([int(random_state or 0), o.toordinal(), TARGETS.index(t)])
                       .generate_state(1)[0])
            pooled = pool_samples([r["samples"] for r in recs], w, random_state=seed)
            base = dict(recs[0])
            base.update({"model": "ensemble", "mean": float(sum(wk * r["mean"] for wk, r in zip(w, recs))),
                         "samples": pooled, "how": "pooled", "seconds": 0.0})
            out.append(base)
            qa_samples, qa_mean, _ = qa_base[(o, t)]
            qa = dict(recs[0])
            qa.update({"model": "ensemble_qa", "mean": qa_mean, "how": "quantile-averaged", "seconds": 0.0,
                       "samples": scale_spread(qa_samples, qa_mean, qa_scale[t])})
            out.append(qa)
    return out, pd.DataFrame(wrows), qa_scales()


# ----------------------------------------------------------------- result
@dataclass
class SeasonAheadResult:
    """Tables of a season-ahead backtest.

    Attributes
    ----------
    per_origin : pandas.DataFrame
        One row per model × origin × target: ``model, year, origin, target,
        start, end, mean`` (sum of daily means; ``year`` includes the observed
        year-to-date), ``p10, p50, p90`` (path totals), ``actual, error,
        pct_error, abs_pct_error, covered80, crps, pit, known, known_actual,
        how`` (fit/update/pooled), ``seconds``, ``weather``.
    samples : dict
        ``{(model, origin, target): path totals}`` (for pooling and PIT).
    ensemble_weights : pandas.DataFrame
        Pool weights per year with their source (empty without an ensemble).
    settings : dict
        Run settings; with the combinations, ``qa_scale_all_seasons`` is
        ``ensemble_qa``'s spread factor per target fitted on all seasons (what
        ``benchmarks/season_ahead.py --write-weights`` stores for the live
        forecaster).
    wall_seconds : float
    """

    per_origin: pd.DataFrame
    samples: dict = field(repr=False, default_factory=dict)
    ensemble_weights: pd.DataFrame = field(default_factory=pd.DataFrame)
    settings: dict = field(default_factory=dict)
    wall_seconds: float = float("nan")

    @property
    def models(self) -> list[str]:
        return list(dict.fromkeys(self.per_origin["model"]))

    def totals(self, target: str = "rest_of_season", origin: str | None = None) -> pd.DataFrame:
        """Rows of one target (optionally only origins on ``MM-DD`` ``origin``)."""
        self._check_target(target)
        t = self.per_origin[self.per_origin["target"] == target]
        if origin is not None:
            t = t[t["origin"].dt.strftime("%m-%d") == origin]
        return t.reset_index(drop=True)

    def _check_target(self, target: str) -> None:
        if target not in TARGETS:
            raise ValueError(f"unknown target {target!r}; choose one of {list(TARGETS)}")

    def jumps(self, target: str = "rest_of_season") -> pd.DataFrame:
        """Week-to-week jump of the forecast of a fixed period, per model × consecutive Sunday origins.

        The forecast of the fixed period is ``known + mean`` (for ``rest_of_season``: observed since
        1 January + forecast to 30 September); the jump is its absolute change between origins seven
        days apart, divided by the period's outcome ``known_actual + actual``.
        """
        t = self.totals(target)
        t = t[t["origin"].dt.day_of_week == 6].sort_values(["model", "origin"], kind="mergesort")
        anchored = t["known"] + t["mean"]
        outcome = t["known_actual"] + t["actual"]
        d = pd.DataFrame({"model": t["model"], "year": t["year"], "origin": t["origin"],
                          "forecast": anchored, "outcome": outcome})
        g = d.groupby(["model", "year"], sort=False)
        d["gap"] = g["origin"].diff().dt.days
        d["jump"] = g["forecast"].diff().abs() / d["outcome"].where(d["outcome"] > 0)
        return d[d["gap"] == 7].reset_index(drop=True)

    def leaderboard(self, target: str = "rest_of_season") -> pd.DataFrame:
        """Model table for one target, lowest mean CRPS first.

        Columns: ``crps`` (mean over origins, in arrivals or days), ``skill``
        (``1 - crps / crps of the best baseline``), ``mape`` (mean absolute %
        error of the mean), ``bias`` (mean signed %), ``worst`` (largest
        absolute %), ``coverage80``, ``pit_mean``, ``jump`` (mean week-to-week
        jump, %), ``n_origins``.
        """
        t = self.totals(target)
        rows = []
        jumps = self.jumps(target) if target != "surge_days" else pd.DataFrame(columns=["model", "jump"])
        for name in self.models:
            s = t[t["model"] == name]
            if not len(s):
                continue
            j = jumps[jumps["model"] == name]["jump"]
            rows.append({"model": name, "crps": float(s["crps"].mean()), "mape": float(s["abs_pct_error"].mean()),
                         "bias": float(s["pct_error"].mean()), "worst": float(s["abs_pct_error"].max()),
                         "coverage80": float(s["covered80"].mean()), "pit_mean": float(s["pit"].mean()),
                         "jump": 100.0 * float(j.mean()) if len(j) else float("nan"),
                         "n_origins": int(len(s))})
        board = pd.DataFrame(rows)
        if not len(board):
            return board
        base = board[board["model"].isin(_BASELINES)]
        ref = float(base["crps"].min()) if len(base) else float("nan")
        board.insert(2, "skill", 1.0 - board["crps"] / ref)
        board = board.sort_values(["crps", "model"], kind="mergesort").reset_index(drop=True)
        board.insert(0, "rank", np.arange(1, len(board) + 1))
        board["target"] = target
        board["weather"] = self.settings.get("weather_label", "none")
        return board

    def skill(self) -> pd.DataFrame:
        """CRPS skill versus the best baseline, model × target (baselines included; NaN = not scored)."""
        cols = {}
        for target in TARGETS:
            b = self.leaderboard(target) if (self.per_origin["target"] == target).any() else pd.DataFrame()
            if len(b):
                cols[target] = b.set_index("model")["skill"]
        return pd.DataFrame(cols).reindex(self.models)

    def skill_by_year(self, target: str = "rest_of_season") -> pd.DataFrame:
        """Each model against the best baseline, season by season: is the skill more than one good year?

        Origins of one year share one season, so the years, not the origins,
        are the independent cases.  Per model: the mean CRPS of each year,
        the yearly skill ``1 - crps / crps(reference)``, the number of years
        the model's CRPS is lower, and the exact sign-flip p-value of the mean
        yearly CRPS difference
        (:func:`~crossingcast.evaluate.metrics.paired_sign_flip`; with five
        years it cannot go below 0.0625).  The reference is the baseline with
        the lowest mean CRPS over all origins (as in :meth:`leaderboard`).

        Returns
        -------
        pandas.DataFrame
            ``model, reference, skill_<year>..., years, wins, p_two_sided``,
            the reference's row first.  Empty when no baseline was run.
        """
        board = self.leaderboard(target)
        base = board[board["model"].isin(_BASELINES)]
        if not len(base):
            return pd.DataFrame()
        ref = str(base["model"].iloc[0])
        per_year = self.totals(target).pivot_table(index="model", columns="year", values="crps", aggfunc="mean")
        rows = []
        for name in [ref] + [m for m in board["model"] if m != ref]:
            years = [y for y in per_year.columns if np.isfinite(per_year.loc[name, y])
                     and np.isfinite(per_year.loc[ref, y])]
            a = per_year.loc[name, years].to_numpy(float)
            b = per_year.loc[ref, years].to_numpy(float)
            row = {"model": name, "reference": ref}
            row.update({f"skill_{y}": float(1.0 - ai / bi) for y, ai, bi in zip(years, a, b)})
            test = M.paired_sign_flip(a, b) if years else {"n": 0, "wins_a": 0, "p_two_sided": float("nan")}
            row.update({"years": test["n"], "wins": test["wins_a"], "p_two_sided": test["p_two_sided"]})
            rows.append(row)
        return pd.DataFrame(rows)

    def pit_histogram(self, target: str = "rest_of_season", bins: int = 10) -> pd.DataFrame:
        """Counts of PIT values in ``bins`` equal bins of [0, 1], model × bin (flat = calibrated)."""
        t = self.totals(target)
        edges = np.linspace(0.0, 1.0, bins + 1)
        rows = {}
        for name in self.models:
            v = t[t["model"] == name]["pit"].to_numpy()
            rows[name] = np.histogram(np.clip(v, 0, 1), bins=edges)[0]
        return pd.DataFrame(rows, index=[f"{a:.1f}-{b:.1f}" for a, b in zip(edges[:-1], edges[1:])]).T

    def error_by_month(self, target: str = "rest_of_season") -> pd.DataFrame:
        """Mean absolute % error of the mean by origin month, model × month (for the plot)."""
        t = self.totals(target)
        t = t.assign(month=t["origin"].dt.month)
        return t.pivot_table(index="model", columns="month", values="abs_pct_error", aggfunc="mean",
                             sort=False).reindex(self.models)

    def table(self, which: str = "leaderboard", target: str = "rest_of_season") -> pd.DataFrame:
        """A table by name: ``leaderboard``, ``per_origin``, ``skill``, ``pit``, ``error_by_month``,
        ``jumps``, ``ensemble_weights``."""
        if which == "leaderboard":
            return self.leaderboard(target)
        if which == "per_origin":
            return self.per_origin
        if which == "skill":
            return self.skill().reset_index(names="model")
        if which == "pit":
            return self.pit_histogram(target).reset_index(names="model")
        if which == "error_by_month":
            return self.error_by_month(target).reset_index(names="model")
        if which == "jumps":
            return self.jumps(target)
        if which == "ensemble_weights":
            return self.ensemble_weights
        raise ValueError(f"unknown table {which!r}")

    def to_csv(self, path, which: str = "leaderboard", target: str = "rest_of_season",
               float_format: str = "%.6g") -> Path:
        """Write a table as CSV, atomically and byte-reproducibly."""
        from crossingcast.evaluate.leaderboard import write_csv

        return write_csv(self.table(which, target), path, float_format=float_format)

    def to_markdown(self, which: str = "leaderboard", target: str = "rest_of_season",
                    float_format: str = "%.4g") -> str:
        """A table as Markdown."""
        from crossingcast.evaluate.leaderboard import format_markdown

        return format_markdown(self.table(which, target), float_format=float_format)


# ----------------------------------------------------------------- the backtest
def season_ahead_backtest(frame: pd.DataFrame, models, *, years=(2021, 2022, 2023, 2024, 2025), origins=None,
                          weather: str = "climatology", refit: str = "year", frame_at: Callable | None = None,
                          ensemble_members: Sequence[str] | None = None, n_jobs: int = 1, backend=None,
                          progress: bool = False, random_state: int | None = 0) -> SeasonAheadResult:
    """Season-ahead backtest: per origin, one forecast to 31 December scored on every target.

    Parameters
    ----------
    frame : pandas.DataFrame
        Daily frame with the target ``migrants`` (actuals always come from it).
    models : dict, list or str
        As in :func:`crossingcast.evaluate.rolling_origin_backtest`.  The names
        ``seasonal_naive`` and ``climatology`` get their horizon-calibrated
        versions (``make_forecaster(name, calibration="horizon")``) so that CRPS
        comparisons are fair.  ``"ensemble"`` (or ``"ensemble_qa"``) asks for
        both combinations of the other models (``ensemble`` and
        ``ensemble_qa``, see ``ensemble_members``), evaluated from their stored
        samples without refitting (in a dict, the key asks for them; its value
        is ignored).
    years : iterable of int
        Years whose origins are used (a year needs 31 December observed).
    origins : iterable, optional
        ``MM-DD`` strings (applied to every year) or explicit dates, instead of
        :func:`season_origins`.
    weather : {"climatology", "oracle"}
        Future weather (label ``"none"`` without weather columns).
    refit : {"year", "origin"}
        Fit once per model × year then ``update`` (fast), or fit at every origin.
    frame_at : callable, optional
        ``origin -> frame`` giving the data as known at the origin (e.g. an
        as-of vintage); default ``frame.loc[:origin]``.
    ensemble_members : sequence of str, optional
        Members of ``"ensemble"`` (default: those of
        :data:`DEFAULT_ENSEMBLE_MEMBERS` that are run, else all non-baseline models).
    n_jobs, backend, progress, random_state
        joblib workers (units: model × year), joblib backend, rich progress bar
        (stderr), seed (per model name).

    Returns
    -------
    SeasonAheadResult
    """
    from crossingcast.models import make_forecaster

    if refit not in ("year", "origin"):
        raise ValueError(f"refit must be 'year' or 'origin', got {refit!r}")
    label, mode = _check_frame(frame, weather)
    names = [m.strip() for m in models.split(",")] if isinstance(models, str) else models
    if isinstance(names, dict):
        want_ens = any(n in _POOLED for n in names)  # the combinations (their values are ignored)
        names = {n: e for n, e in names.items() if n not in _POOLED}
    else:
        names = list(names)
        want_ens = any(n in _POOLED for n in names)
        names = {n: (make_forecaster(n, calibration="horizon") if n in ("seasonal_naive", "climatology") else n)
                 for n in names if n not in _POOLED}
    specs = resolve_models(names) if names else {}
    if want_ens:
        members = [m for m in (ensemble_members or DEFAULT_ENSEMBLE_MEMBERS) if m in specs]
        if ensemble_members is None and len(members) < 2:
            members = [m for m in specs if m not in _BASELINES]
        if len(members) < 2 or any(m not in specs for m in members):
            raise ValueError(f"ensemble needs at least two members among the models run, got {members}")
    last = frame.index[-1]
    years = [int(y) for y in years if pd.Timestamp(f"{int(y)}-12-31") <= last]
    if origins is None:
        groups = season_origins(years, start=frame.index[0] + pd.Timedelta(days=400), end=last)
    else:
        groups = {}
        for o in origins:
            if isinstance(o, str) and len(o) == 5:
                for y in years:
                    groups.setdefault(y, set()).add(pd.Timestamp(f"{y}-{o}"))
            else:
                o = pd.Timestamp(o)
                if o.year in years:
                    groups.setdefault(o.year, set()).add(o)
        groups = {y: sorted(v) for y, v in sorted(groups.items())}
    bad = [o for ors in groups.values() for o in ors if o not in frame.index]
    if bad:
        raise ValueError(f"origins must be observed dates: {[o.date().isoformat() for o in bad[:5]]}")
    if not groups or not specs:
        raise ValueError("season_ahead_backtest: no origins with a fully observed year, or no models")
    units = []
    for name, est in specs.items():
        prepared = _prepared(est, name, random_state)
        for year, ors in groups.items():
            units.append((name, prepared, frame, ors, refit, mode, frame_at))
    t0 = time.perf_counter()
    results = _run(units, int(n_jobs), backend, progress,
                   f"season-ahead ({len(specs)} models, {sum(map(len, groups.values()))} origins)")
    records = [r for rs in results for r in rs]
    weights, qa_scale_all = pd.DataFrame(), {}
    if want_ens:
        pooled, weights, qa_scale_all = _ensemble(records, members, random_state)
        records += pooled
    wall = time.perf_counter() - t0
    per_origin = pd.DataFrame([_score(r) for r in records])
    per_origin["weather"] = label
    order = {n: i for i, n in enumerate(list(specs) + list(_POOLED))}
    per_origin["_o"] = per_origin["model"].map(order)
    per_origin["_t"] = per_origin["target"].map({t: i for i, t in enumerate(TARGETS)})
    per_origin = per_origin.sort_values(["_o", "origin", "_t"], kind="mergesort").drop(columns=["_o", "_t"])
    per_origin = per_origin.reset_index(drop=True)
    samples = {(r["model"], r["origin"], r["target"]): r["samples"] for r in records}
    settings = {"years": sorted(groups), "n_origins": sum(len(v) for v in groups.values()), "refit": refit,
                "weather": weather, "weather_label": label,
                "models": list(specs) + (list(_POOLED) if want_ens else []),
                "ensemble_members": members if want_ens else [], "qa_scale_all_seasons": qa_scale_all,
                "random_state": random_state,
                "n_jobs": n_jobs, "frame_at": getattr(frame_at, "__name__", None) if frame_at else None}
    return SeasonAheadResult(per_origin=per_origin, samples=samples, ensemble_weights=weights, settings=settings,
                             wall_seconds=wall)


def _run(units: list[tuple], n_jobs: int, backend, progress: bool, description: str) -> list[list[dict]]:
    """Run the units in order with joblib, with an optional rich progress bar (one tick per unit)."""
    import joblib
    from contextlib import nullcontext

    ctx = joblib.parallel_config(backend=backend) if backend else nullcontext()
    bar = None
    if progress:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    out = []
    with ctx:
        if bar is not None:
            bar.start()
            task = bar.add_task(description, total=len(units))
        try:
            if n_jobs == 1 and not backend:
                gen = (_unit(*u) for u in units)
            else:
                gen = joblib.Parallel(n_jobs=-1 if backend == "dask" else n_jobs, return_as="generator")(
                    joblib.delayed(_unit)(*u) for u in units)
            for res in gen:
                out.append(res)
                if bar is not None:
                    bar.advance(task)
        finally:
            if bar is not None:
                bar.stop()
    return out
