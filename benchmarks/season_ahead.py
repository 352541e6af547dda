"""Season-ahead benchmark on the real series: crossingcast's models vs honest baselines vs peers.

Design (see docs/season_ahead.md):

* :func:`crossingcast.evaluate.season_ahead_backtest`: origins every Sunday 1 March - 31 July plus
  30 April, 15 May and 31 May of each year (default 2021-2025); each model **fitted at every origin**
  (``--refit origin``, the default here: what a user asking in May does; ``--refit year`` fits once per
  model x year at the first origin and ``update``-s at later ones, 2-3x faster), always on data to the
  origin only; one forecast to 31 December per origin, every target read from its sample paths.
  Baselines (seasonal naive, climatology, level-adjusted persistence) have a spread calibrated on
  their own past errors at the same horizon.  ``ensemble`` pools the members' stored
  path totals with weights from earlier years only, ``ensemble_qa`` averages their quantiles with a
  spread factor from earlier years only (no refit).
* **Weather-blind**: no weather data offline; every table says ``weather=none``.
* **Peers** (``--peers``, needs ``pip install crossingcast[peers]``), on the peers' tasks only
  (30 Apr -> 1 May-20 Aug, 2022-2025; 31 May -> June-September, 2021-2025): Prophet (default
  settings; fitted on the daily series to the origin; total = sum of daily ``yhat``) and
  statsforecast AutoARIMA (on 7-day totals ending on the origin, the annual cycle as K=4 Fourier
  regressors -- see :func:`autoarima_total` for why not ``season_length=52``; a block's forecast is spread
  evenly over its days to cut the target window).  Point forecasts: MAPE only.

The ensemble's CRPS-optimal weights on all years (rest-of-season totals) and ``ensemble_qa``'s
spread factor per target (CRPS-best on all years; the live ``make_forecaster("ensemble_qa")`` uses
them) are written to ``crossingcast/resources/ensemble_weights.json`` with their provenance
(``--write-weights``).

Last line::

    RESULT sa_best_model=<name> sa_crps_skill=<..> sa_mape=<..> sa_coverage80=<..> sa_worst_error=<..>
           year_mape=<..> sa_origins=<n>

Usage::

    OMP_NUM_THREADS=1 python benchmarks/season_ahead.py --n-jobs 2 --peers --write-weights
    python benchmarks/season_ahead.py --quick     # 2024-2025, 30 Apr / 31 May / 2 July origins, 3 models
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import load_frame  # noqa: E402

from crossingcast.evaluate import season_ahead_backtest  # noqa: E402
from crossingcast.evaluate.leaderboard import format_markdown  # noqa: E402
from crossingcast.evaluate.metrics import paired_sign_flip  # noqa: E402
from crossingcast.models import BASELINE_NAMES, MODEL_NAMES, make_forecaster  # noqa: E402

ALL = "seasonal_naive,climatology,persistence,hurdle,gbm,sarimax,level,ensemble"
PEER_TASKS = {"may_aug20": ("04-30", ("05-01", "08-20"), (2022, 2023, 2024, 2025)),
              "jun_sep": ("05-31", ("06-01", "09-30"), (2021, 2022, 2023, 2024, 2025))}


def _available(name: str) -> bool:
    try:
        make_forecaster(name)
        return True
    except Exception:  # noqa: BLE001 - e.g. the lead's "level" model not merged yet
        return False


def prophet_total(y: pd.Series, origin: pd.Timestamp, start: pd.Timestamp, end: pd.Timestamp) -> float:
    """Prophet with default settings on the daily series to ``origin``; the sum of ``yhat`` over the window."""
    import logging

    from prophet import Prophet

    logging.getLogger("cmdstanpy").setLevel(logging.WARNING)
    logging.getLogger("prophet").setLevel(logging.WARNING)
    hist = y.loc[:origin]
    m = Prophet()
    m.fit(pd.DataFrame({"ds": hist.index, "y": hist.to_numpy(float)}))
    fut = pd.DataFrame({"ds": pd.date_range(origin + pd.Timedelta(days=1), end, freq="D")})
    fc = m.predict(fut).set_index("ds")["yhat"]
    return float(fc.loc[start:end].sum())


def _autoarima_class():
    """statsforecast's AutoARIMA model class.

    ``statsforecast/__init__`` imports its dataframe engine (``fugue``), which requires pandas < 3;
    the model classes do not, so the package is registered without running its ``__init__``.
    """
    import importlib.util
    import types

    if "statsforecast" not in sys.modules:
        spec = importlib.util.find_spec("statsforecast")
        if spec is None:
            raise ImportError("statsforecast is not installed: pip install 'crossingcast[peers]'")
        pkg = types.ModuleType("statsforecast")
        pkg.__path__ = list(spec.submodule_search_locations)
        sys.modules["statsforecast"] = pkg
    from statsforecast.models import AutoARIMA

    return AutoARIMA


def autoarima_total(y: pd.Series, origin: pd.Timestamp, start: pd.Timestamp, end: pd.Timestamp) -> float:
    """statsforecast AutoARIMA on 7-day totals ending on ``origin``, the annual cycle as Fourier regressors.

    A seasonal ARIMA with period 52 is what ``AutoARIMA(season_length=52)`` searches; its exact likelihood
    needs a 53+-dimensional state and took 300 s per fit here (``approximation=True``; the default search
    had not finished one fit after 5 minutes), so the peer uses statsforecast's documented alternative for
    long seasonal periods: ``season_length=1`` with ``K=4`` annual Fourier pairs as exogenous regressors
    (a dynamic harmonic regression; about 4 s per fit).  Blocks are spread evenly over their days.
    """
    AutoARIMA = _autoarima_class()
    hist = y.loc[:origin].to_numpy(float)
    n = len(hist) // 7
    blocks = hist[len(hist) - 7 * n:].reshape(n, 7).sum(axis=1)
    h = math.ceil((end - origin).days / 7)
    t = np.arange(n + h, dtype=float)
    period = 365.25 / 7
    X = np.column_stack([f(2 * np.pi * k * t / period) for k in range(1, 5) for f in (np.sin, np.cos)])
    fc = AutoARIMA(season_length=1).fit(blocks, X=X[:n]).predict(h=h, X=X[n:])["mean"]
    per_day = np.repeat(np.asarray(fc, dtype=float) / 7.0, 7)
    days = pd.date_range(origin + pd.Timedelta(days=1), periods=len(per_day), freq="D")
    return float(pd.Series(per_day, index=days).loc[start:end].sum())


def run_peers(frame: pd.DataFrame, years_ok) -> pd.DataFrame:
    y = frame["migrants"]
    rows = []
    for target, (o, (s, e), years) in PEER_TASKS.items():
        for year in years:
            if year not in years_ok:
                continue
            origin, start, end = (pd.Timestamp(f"{year}-{d}") for d in (o, s, e))
            act = float(y.loc[start:end].sum())
            for name, fn in (("prophet", prophet_total), ("autoarima_fourier", autoarima_total)):
                t0 = time.perf_counter()
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        mean = fn(y, origin, start, end)
                except Exception as exc:  # noqa: BLE001 - a peer that cannot run is reported, not fatal
                    print(f"peer {name} failed for {year} ({target}): {type(exc).__name__}: {exc}")
                    mean = float("nan")
                rows.append({"model": name, "target": target, "year": year, "origin": origin, "mean": mean,
                             "actual": act, "pct_error": 100 * (mean - act) / act,
                             "seconds": time.perf_counter() - t0})
    return pd.DataFrame(rows)


def peer_table(res, peers: pd.DataFrame | None) -> pd.DataFrame:
    """Mean |% error| (and signed per year) on the peers' two tasks, our models and the peers."""
    parts = []
    for target, (o, _, years) in PEER_TASKS.items():
        t = res.totals(target, origin=o)
        t = t[t["year"].isin(years)][["model", "year", "pct_error"]].assign(target=target)
        parts.append(t)
        if peers is not None and len(peers):
            parts.append(peers[peers["target"] == target][["model", "year", "pct_error", "target"]])
    d = pd.concat(parts, ignore_index=True)
    wide = d.pivot_table(index=["target", "model"], columns="year", values="pct_error", sort=False)
    wide = wide[sorted(wide.columns)]
    wide.columns = [f"err_{c}" for c in wide.columns]
    mape = d.assign(a=d["pct_error"].abs() / 100).groupby(["target", "model"], sort=False)["a"].mean()
    out = wide.assign(mape=mape).reset_index()
    return out.sort_values(["target", "mape"], kind="mergesort").reset_index(drop=True)


def paired_table(table: pd.DataFrame, reference: str) -> pd.DataFrame:
    """``reference`` against every other model of :func:`peer_table`, per task: paired by year.

    Wins (years where the reference's |error| is lower) and the exact sign-flip p-value of the mean
    |error| difference (:func:`crossingcast.evaluate.metrics.paired_sign_flip`): with 4-5 seasons no
    p-value can go below 0.125 / 0.0625, so a lower MAPE on these tasks is a ranking, not a proof.
    """
    rows = []
    err_cols = [c for c in table.columns if c.startswith("err_")]
    for target, part in table.groupby("target", sort=False):
        ref = part[part["model"] == reference]
        if ref.empty:
            continue
        for _, other in part[part["model"] != reference].iterrows():
            ok = [c for c in err_cols if np.isfinite(ref[c].iloc[0]) and np.isfinite(other[c])]
            if not ok:
                continue
            a = np.abs(ref[ok].iloc[0].to_numpy(float)) / 100
            b = np.abs(other[ok].to_numpy(float)) / 100
            t = paired_sign_flip(a, b)
            rows.append({"target": target, "reference": reference, "other": other["model"], "years": t["n"],
                         "mape_reference": float(a.mean()), "mape_other": float(b.mean()),
                         "wins_reference": f"{t['wins_a']}/{t['n']}", "p_two_sided": t["p_two_sided"],
                         "p_min": t["p_min"]})
    return pd.DataFrame(rows)


def write_weights(res, path: Path, command: str, frame: pd.DataFrame) -> dict:
    from crossingcast.models.ensemble import crps_weights

    members = res.settings["ensemble_members"]
    t = res.totals("rest_of_season")
    cases = []
    for o in sorted(set(t["origin"])):
        try:
            cases.append(([res.samples[(m, o, "rest_of_season")] for m in members],
                          float(t[(t["model"] == members[0]) & (t["origin"] == o)]["actual"].iloc[0])))
        except KeyError:
            continue
    w = crps_weights(cases)
    doc = {"weights": {m: round(float(v), 4) for m, v in zip(members, w)},
           "spread_scale": {t: res.settings["qa_scale_all_seasons"][t]
                            for t in ("rest_of_season", "jun_sep", "may_aug20", "year")},
           "provenance": {"benchmark": "benchmarks/season_ahead.py", "command": command,
                          "target": "rest_of_season totals (origin+1 .. 30 Sep), CRPS/actual, linear pool",
                          "spread_scale": "ensemble_qa (equal-weight quantile average of the members): the factor "
                                          "in [0.2, 1] with the lowest CRPS/actual on each target's totals of all "
                                          "years (models.ensemble.crps_spread_scale)",
                          "years": res.settings["years"], "n_origins": len(cases),
                          "data_end": frame.index[-1].date().isoformat(), "weather": res.settings["weather_label"],
                          "refit": res.settings["refit"]}}
    path.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    return doc


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", default=ALL, help="comma-separated models (unavailable ones are skipped)")
    ap.add_argument("--years", default="2021,2022,2023,2024,2025")
    ap.add_argument("--refit", default="origin", choices=["year", "origin"],
                    help="fit every model at every origin (default), or once per model x year then update")
    ap.add_argument("--n-paths", type=int, default=500)
    ap.add_argument("--n-jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--peers", action="store_true", help="also run Prophet and AutoARIMA on the peers' tasks")
    ap.add_argument("--write-weights", action="store_true", help="write resources/ensemble_weights.json")
    ap.add_argument("--per-origin", type=Path, help="write the per-origin table (CSV)")
    ap.add_argument("--figures", type=Path, help="directory for PNG plots (error by origin month, PIT)")
    ap.add_argument("--quick", action="store_true", help="smoke run: 2 years, 3 origins each, 3 models")
    args = ap.parse_args(argv)
    t_start = time.perf_counter()
    frame = load_frame()
    names = [m.strip() for m in args.models.split(",") if m.strip()]
    years = [int(y) for y in args.years.split(",")]
    origins = None
    if args.quick:
        names = [n for n in names if n in ("seasonal_naive", "persistence", "hurdle")] or ["persistence"]
        years, origins = [2024, 2025], ["04-30", "05-15", "05-31"]
    skipped = [n for n in names if n != "ensemble" and not _available(n)]
    names = [n for n in names if n not in skipped]
    if skipped:
        print(f"skipped (not available in this checkout): {', '.join(skipped)}")
    models = {}
    for n in names:
        if n == "ensemble":
            continue
        if n not in MODEL_NAMES and n != "level":
            sys.exit(f"unknown model {n!r}")
        kw = {"calibration": "horizon"} if n in ("seasonal_naive", "climatology") else {}
        est = make_forecaster(n, **kw)
        if "n_paths" in est.get_params():
            est.set_params(n_paths=args.n_paths)
        models[n] = est
    if "ensemble" in names:
        models["ensemble"] = None  # pooled from the members' stored paths (no refit)
    print(f"season-ahead benchmark: models {list(models)}, years {years}, refit={args.refit}, "
          f"{args.n_paths} paths, n_jobs={args.n_jobs}, weather-blind")
    from crossingcast.evaluate.season_ahead import DEFAULT_ENSEMBLE_MEMBERS

    members = [m for m in DEFAULT_ENSEMBLE_MEMBERS if m in models]
    res = season_ahead_backtest(frame, models, years=years, origins=origins, refit=args.refit,
                                n_jobs=args.n_jobs, random_state=args.seed, progress=sys.stderr.isatty(),
                                ensemble_members=members if len(members) >= 2 else None)
    t_bt = res.wall_seconds
    peers = None
    t_peers = 0.0
    if args.peers:
        t0 = time.perf_counter()
        peers = run_peers(frame, set(res.settings["years"]) if not args.quick else {2024, 2025})
        t_peers = time.perf_counter() - t0
    pd.set_option("display.width", 200)
    for target in ("rest_of_season", "jun_sep", "may_aug20", "year", "surge_days"):
        board = res.leaderboard(target)
        if len(board):
            print(f"\n## {target} (mean over origins; crps in arrivals{' (days)' if target == 'surge_days' else ''}, "
                  "mape/bias/worst/jump in %)\n")
            print(format_markdown(board.drop(columns=["target"]), "%.4g"))
    by_year = res.skill_by_year("rest_of_season")
    if len(by_year):
        print("\n## rest_of_season skill by year against the best baseline (years are the independent cases: wins "
              "and the exact sign-flip p-value of the mean yearly CRPS difference)\n")
        print(format_markdown(by_year, "%.3g"))
    print("\n## Peers' tasks: signed % error per year and MAPE (30 Apr -> 1 May-20 Aug; 31 May -> Jun-Sep)\n")
    peer_board = peer_table(res, peers)
    print(format_markdown(peer_board, "%.3g"))
    board = res.leaderboard("rest_of_season")
    best = str(board["model"].iloc[0])
    paired = paired_table(peer_board, best)
    if len(paired):
        print(f"\n## {best} against each model on the peers' tasks, paired by year "
              "(wins; exact sign-flip p-value of the mean |error| difference)\n")
        print(format_markdown(paired, "%.3g"))
    if len(res.ensemble_weights):
        print("\n## Ensemble weights per backtest year (from earlier years only)\n")
        print(format_markdown(res.ensemble_weights, "%.3g"))
    if args.per_origin:
        res.to_csv(args.per_origin, "per_origin")
    if args.figures:
        from crossingcast.plots import save_figure, season_ahead_errors

        for target in ("rest_of_season", "jun_sep"):
            save_figure(season_ahead_errors(res, target), args.figures / f"season_ahead_{target}.png")
    if args.write_weights and "ensemble" in res.settings["models"] and not args.quick:
        path = Path(__file__).resolve().parents[1] / "crossingcast" / "resources" / "ensemble_weights.json"
        doc = write_weights(res, path, "python benchmarks/season_ahead.py " + " ".join(argv or sys.argv[1:]),
                            frame)
        print(f"\nwrote {path.name}: {doc['weights']}")
    base = board[board["model"].isin(BASELINE_NAMES)]["crps"].min()
    skill = 1 - float(board["crps"].iloc[0]) / float(base)
    js = res.totals("jun_sep", origin="05-31")
    js = js[js["model"] == best]
    yr = res.totals("year", origin="05-15")
    yr = yr[yr["model"] == best]
    ros = res.totals("rest_of_season")
    cov = float(ros[ros["model"] == best]["covered80"].mean())
    wall = time.perf_counter() - t_start
    print(f"\nwall time: {wall:.0f} s (backtest {t_bt:.0f} s, peers {t_peers:.0f} s)")
    print(f"RESULT sa_best_model={best} sa_crps_skill={skill:.3f} "
          f"sa_mape={js['abs_pct_error'].mean() / 100:.3f} sa_coverage80={cov:.3f} "
          f"sa_worst_error={js['abs_pct_error'].max() / 100:.3f} year_mape={yr['abs_pct_error'].mean() / 100:.3f} "
          f"sa_origins={res.settings['n_origins']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
