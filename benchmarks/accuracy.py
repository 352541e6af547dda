"""Accuracy leaderboard on the real series: crossingcast's models vs seasonal naive vs a default skforecast LightGBM.

Design (see docs/backtests.md):

* **Rolling origin** (:func:`crossingcast.evaluate.rolling_origin_backtest`): for each summer, every
  Sunday origin from 31 May to 29 September; each model sees the data up to the origin and
  forecasts the next 14 days; fitted once per summer, then ``update`` at each later origin.
  Daily metrics are pooled over all (origin, day) pairs: MAE, RMSE of the predictive means, CRPS
  (from 1000 sample paths), coverage of the daily 80 % interval (P10-P90).
  **Weekly-total RMSE** (``wk_rmse``, the ranking metric): every 14-day forecast from a Sunday origin
  contains two complete Monday-Sunday weeks (days 1-7 and 8-14); the predicted total of a week is
  the sum of its 7 daily means, and ``wk_rmse`` is the RMSE of predicted minus observed week totals
  over all (origin, week) pairs, i.e. one- and two-week-ahead weekly totals pooled.
* **Season ahead** (:func:`crossingcast.evaluate.season_ahead_backtest`, 31 May origins only; the full
  season-ahead benchmark is benchmarks/season_ahead.py): fit on data to 31 May,
  forecast the June-September total; ``sa_mape`` is the mean absolute percentage error of that
  total over the summers, ``sa_error`` the mean signed error, ``sa_covered80`` the share of summers
  whose total lies inside the 80 % interval of the path totals.
* **skforecast default**: ``ForecasterRecursive(LGBMRegressor(), lags=14)`` (LightGBM default
  parameters) with the same exogenous columns as crossingcast's GBM (events, holidays, day of week,
  annual Fourier terms), trained from 2019-01-01 (expanding), refitted at every fold
  (``backtesting_forecaster``, ``TimeSeriesFold`` on the same origins), point forecasts; its 80 %
  interval is skforecast's built-in conformal interval from in-sample residuals
  (``interval=[0.1, 0.9], interval_method="conformal"``).  No sample paths: CRPS is left empty.

The data is **weather-blind** (no weather data offline): every model forecasts without weather,
and the tables say ``weather=none``.  Last line::

    RESULT best_model=<name> wk_rmse_vs_naive=<best / seasonal naive> wk_rmse_vs_skforecast=<best / skforecast>
           coverage80=<best's daily 80 % coverage> daily_crps=<best's> season_total_mape=<best's season-ahead MAPE>

Usage::

    python benchmarks/accuracy.py --out leaderboard.md            # summers 2021-2025
    python benchmarks/accuracy.py --summers 2023,2024,2025 --out lb.csv
    python benchmarks/accuracy.py --quick                         # summer 2025, June origins, 200 paths
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import crossingcast as cc
from crossingcast.evaluate import BacktestResult, rolling_origin_backtest, season_ahead_backtest, summer_origins
from crossingcast.evaluate import metrics as M
from crossingcast.evaluate.leaderboard import combine_leaderboards, format_markdown, write_csv, write_text
from crossingcast.frame import TARGET
from crossingcast.models import make_forecaster
from crossingcast.models.gbm import default_features

from _common import load_frame, require_skforecast  # benchmarks/_common.py (the script's folder is on sys.path)

MODELS = ("seasonal_naive", "climatology", "hurdle", "sarimax", "gbm")
SKF_NAME = "skforecast_lgbm_default"
SKF_START = pd.Timestamp("2019-01-01")
SKF_LAGS = 14


def _skforecast_forecaster():
    from lightgbm import LGBMRegressor
    from skforecast.recursive import ForecasterRecursive

    return ForecasterRecursive(LGBMRegressor(verbose=-1, n_jobs=1, random_state=0), lags=SKF_LAGS)


def skforecast_rolling(frame, groups, horizon) -> BacktestResult:
    """The default skforecast LightGBM on the same folds, as a BacktestResult (same leaderboard code)."""
    from skforecast.model_selection import TimeSeriesFold, backtesting_forecaster

    cols = default_features(frame)
    rows, per_origin, weekly = [], [], []
    t_all = time.perf_counter()
    y_all = frame[TARGET].to_numpy(float)
    for year, ors in groups.items():
        hi = min(ors[-1] + pd.Timedelta(days=horizon), frame.index[-1])
        y = frame.loc[SKF_START:hi, TARGET].astype(float)
        X = frame.loc[SKF_START:hi, cols].astype(float)
        cv = TimeSeriesFold(steps=horizon, initial_train_size=ors[0], fold_stride=7, refit=True,
                            fixed_train_size=False, allow_incomplete_fold=False, verbose=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _, pred = backtesting_forecaster(_skforecast_forecaster(), y=y, exog=X, cv=cv,
                                             metric="mean_absolute_error", interval=[0.1, 0.9],
                                             interval_method="conformal", use_in_sample_residuals=True,
                                             n_jobs=1, show_progress=False, suppress_warnings=True)
        for k, (_, d) in enumerate(pred.groupby("fold", sort=True)):
            origin = d.index.min() - pd.Timedelta(days=1)
            if origin != ors[k]:
                raise SystemExit(f"skforecast fold {k} of {year} starts after {origin.date()}, "
                                 f"crossingcast origin {ors[k].date()}: folds differ")
            dates = pd.DatetimeIndex(d.index)
            actual = frame.loc[dates, TARGET].to_numpy(float)
            mean = np.clip(d["pred"].to_numpy(float), 0, None)
            lo = np.clip(d["lower_bound"].to_numpy(float), 0, None)
            hi_ = np.clip(d["upper_bound"].to_numpy(float), 0, None)
            rows.append(pd.DataFrame({
                "model": SKF_NAME, "summer": year, "origin": origin, "date": dates,
                "horizon": ((dates - origin) / pd.Timedelta(days=1)).astype(int), "actual": actual,
                "mean": mean, "p10": lo, "p50": mean, "p90": hi_, "crps": np.nan, "weather": "none",
                "model_weather": "none"}))
            n_before = int(frame.index.get_loc(origin)) + 1
            per_origin.append({"model": SKF_NAME, "summer": year, "origin": origin, "weather": "none",
                               "n_days": len(dates), "mae": M.mae(actual, mean), "rmse": M.rmse(actual, mean),
                               "mase": M.mase(actual, mean, scale=M.mase_scale(y_all[:n_before][-365:], 7)),
                               "total_mean": float(mean.sum()), "total_actual": float(actual.sum())})
            fw = M.weekly_totals(dates, mean)
            aw = M.weekly_totals(dates, actual)
            for week_end, v in fw.items():
                weekly.append({"model": SKF_NAME, "summer": year, "origin": origin, "week_end": week_end,
                               "mean": float(v), "p10": np.nan, "p90": np.nan, "actual": float(aw[week_end]),
                               "weather": "none"})
    wall = time.perf_counter() - t_all
    return BacktestResult(forecasts=pd.concat(rows, ignore_index=True), per_origin=pd.DataFrame(per_origin),
                          weekly=pd.DataFrame(weekly), timings=pd.DataFrame(),
                          settings={"weather_label": "none"}, wall_seconds=wall)


def skforecast_season_ahead(frame, years) -> pd.DataFrame:
    """Default skforecast LightGBM fitted to 31 May, recursive forecast of June-September."""
    cols = default_features(frame)
    out = []
    for year in years:
        o, s, e = (pd.Timestamp(f"{year}-05-31"), pd.Timestamp(f"{year}-06-01"), pd.Timestamp(f"{year}-09-30"))
        if e > frame.index[-1]:
            continue
        f = _skforecast_forecaster()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            f.fit(y=frame.loc[SKF_START:o, TARGET].astype(float), exog=frame.loc[SKF_START:o, cols].astype(float))
            pred = f.predict(steps=len(pd.date_range(s, e)), exog=frame.loc[s:e, cols].astype(float))
        mean = float(np.clip(pred.to_numpy(float), 0, None).sum())
        act = float(frame.loc[s:e, TARGET].sum())
        out.append({"model": SKF_NAME, "year": year, "mean": mean, "actual": act, "error": mean - act,
                    "pct_error": 100 * (mean - act) / act, "covered80": np.nan})
    return pd.DataFrame(out)


def _season_summary(sa: pd.DataFrame) -> pd.DataFrame:
    g = sa.groupby("model", sort=False)
    return pd.DataFrame({
        "sa_error": g["error"].mean(),
        "sa_mape": g["pct_error"].apply(lambda s: float(np.mean(np.abs(s)))),
        "sa_covered80": g["covered80"].mean(),
    }).reset_index()


def _subset(res: BacktestResult, summers) -> BacktestResult:
    """The same backtest restricted to some summers (summers are fitted independently)."""
    keep = lambda df: df[df["summer"].isin(summers)].reset_index(drop=True)  # noqa: E731
    return BacktestResult(forecasts=keep(res.forecasts), per_origin=keep(res.per_origin), weekly=keep(res.weekly),
                          timings=res.timings, settings=res.settings, wall_seconds=res.wall_seconds)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--summers", default="2021,2022,2023,2024,2025")
    ap.add_argument("--horizon", type=int, default=14)
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--n-paths", type=int, default=1000)
    ap.add_argument("--n-jobs", type=int, default=1, help="joblib workers for the crossingcast backtests")
    ap.add_argument("--seed", type=int, default=0, help="random_state of the backtest (trees and paths)")
    ap.add_argument("--holdout-from", type=int, default=2023,
                    help="also print the leaderboard of summers >= this year (GBM defaults were chosen on "
                         "2021-2022 backtests)")
    ap.add_argument("--quick", action="store_true", help="summer 2025, June origins, 200 paths")
    ap.add_argument("--out", default=None, help="write the leaderboard here (.csv or .md; both are written)")
    args = ap.parse_args(argv)

    frame = load_frame()
    summers = [2025] if args.quick else [int(s) for s in args.summers.split(",") if s.strip()]
    last = "06-30" if args.quick else "09-30"
    n_paths = 200 if args.quick else args.n_paths
    names = [m.strip() for m in args.models.split(",") if m.strip()]
    if "seasonal_naive" not in names:
        names.insert(0, "seasonal_naive")
    models = {n: make_forecaster(n, n_paths=n_paths) for n in names}
    # origins whose whole horizon is observed (the same folds for every model)
    groups = summer_origins(summers, last=last, end=frame.index[-1] - pd.Timedelta(days=args.horizon - 1))
    origins = [o for v in groups.values() for o in v]
    import lightgbm
    skforecast = require_skforecast()

    print(f"accuracy leaderboard: crossingcast {getattr(cc, '__version__', '?')}, skforecast {skforecast.__version__}, "
          f"lightgbm {lightgbm.__version__}; {platform.machine()} {os.cpu_count()} cores, n_jobs={args.n_jobs}")
    print(f"real daily series to {frame.index[-1].date()}; WEATHER-BLIND (no weather data offline: weather=none)")
    print(f"rolling origin: summers {sorted(groups)}, {len(origins)} weekly Sunday origins, horizons 1-{args.horizon}, "
          f"fit once per summer + update; {n_paths} paths")

    t0 = time.perf_counter()
    res = rolling_origin_backtest(frame, models, origins=origins, horizon=args.horizon, refit="season",
                                  n_jobs=args.n_jobs, progress=False, random_state=args.seed)
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    skf = skforecast_rolling(frame, groups, args.horizon)
    t_skf = time.perf_counter() - t0
    t0 = time.perf_counter()
    sa_years = [y for y in summers if pd.Timestamp(f"{y}-09-30") <= frame.index[-1]]
    sa = season_ahead_backtest(frame, models, years=sa_years, origins=["05-31"], n_jobs=args.n_jobs,
                               random_state=args.seed).totals("jun_sep") if not args.quick else None
    sa_skf = skforecast_season_ahead(frame, sa_years) if not args.quick else None
    t_sa = time.perf_counter() - t0

    skf_board = skf.leaderboard()
    skf_board["wk_coverage80"] = np.nan  # point forecasts: no interval for weekly totals
    board = combine_leaderboards(res.leaderboard(), skf_board)
    if sa is not None:
        board = board.merge(_season_summary(pd.concat([sa, sa_skf], ignore_index=True)), on="model", how="left")
    if "sa_covered80" in board.columns:
        board["sa_covered80"] = board["sa_covered80"].astype(float)
    cols = ["rank", "model", "mae", "rmse", "crps", "coverage80", "above_p90", "below_p10", "wk_rmse", "wk_coverage80", "season_total_error",
            "season_total_mape", "sa_error", "sa_mape", "sa_covered80", "mase", "pinball", "n_origins", "n_days",
            "weather"]
    board = board[[c for c in cols if c in board.columns]]
    print(f"\ntimes: crossingcast backtest {t_ours:.1f} s, skforecast {t_skf:.1f} s, season-ahead {t_sa:.1f} s")
    print("\nLeaderboard (ranked by weekly-total RMSE; season_total_* = shortest-horizon forecasts tiled over each "
          "summer; sa_* = season-ahead Jun-Sep totals from 31 May):\n")
    print(format_markdown(board, "%.4g"))
    wk = pd.concat([res.weekly, skf.weekly], ignore_index=True)
    per_summer = (wk.assign(se=(wk["mean"] - wk["actual"]) ** 2).groupby(["model", "summer"])["se"].mean() ** 0.5)
    per_summer = per_summer.unstack("summer").reindex(board["model"])
    per_summer.columns = [f"wk_rmse_{c}" for c in per_summer.columns]
    print("Weekly-total RMSE per summer:\n")
    print(format_markdown(per_summer.reset_index(), "%.0f"))
    if sa is not None:
        print("Season-ahead Jun-Sep totals (mean = sum of daily means):\n")
        tab = pd.concat([sa, sa_skf], ignore_index=True)[["model", "year", "mean", "p10", "p90", "actual",
                                                           "pct_error"]]
        print(format_markdown(tab, "%.0f"))
    later = [y for y in sorted(groups) if y >= args.holdout_from]
    if later and later != sorted(groups):
        sub = combine_leaderboards(_subset(res, later).leaderboard(), _subset(skf, later).leaderboard())
        sub["wk_coverage80"] = sub["wk_coverage80"].where(sub["model"] != SKF_NAME)
        if sa is not None:
            tab = pd.concat([sa, sa_skf], ignore_index=True)
            sub = sub.merge(_season_summary(tab[tab["year"].isin(later)]), on="model", how="left")
            sub["sa_covered80"] = sub["sa_covered80"].astype(float)
        sub = sub[[c for c in cols if c in sub.columns]]
        sb = sub[sub["model"].isin(list(models))].iloc[0]
        sn, ss = sub.set_index("model").loc["seasonal_naive"], sub.set_index("model").loc[SKF_NAME]
        print(f"Leaderboard of summers {later[0]}-{later[-1]} only (the same forecasts; 2021-2022 were used to "
              f"choose the GBM defaults):\n")
        print(format_markdown(sub, "%.4g"))
        print(f"summers {later[0]}-{later[-1]}: best {sb['model']}, wk_rmse_vs_naive "
              f"{sb['wk_rmse'] / sn['wk_rmse']:.3f}, wk_rmse_vs_skforecast {sb['wk_rmse'] / ss['wk_rmse']:.3f}, "
              f"coverage80 {sb['coverage80']:.3f}, above_p90 {sb['above_p90']:.3f}\n")
    ours = board[board["model"].isin(list(models))]
    best = ours.sort_values("wk_rmse", kind="mergesort").iloc[0]
    naive = board.set_index("model").loc["seasonal_naive"]
    sk = board.set_index("model").loc[SKF_NAME]
    print(f"best crossingcast model by weekly-total RMSE: {best['model']}  "
          f"(wk_rmse {best['wk_rmse']:.0f} vs seasonal naive {naive['wk_rmse']:.0f}, skforecast {sk['wk_rmse']:.0f})")
    if args.out:
        out = Path(args.out)
        write_csv(board, out.with_suffix(".csv"))
        header = (f"<!-- benchmarks/accuracy.py {' '.join(argv or sys.argv[1:])}; summers {sorted(groups)}; "
                  f"weather-blind -->\n")
        write_text(out.with_suffix(".md"), header + format_markdown(board, "%.4g"))
        print(f"wrote {out.with_suffix('.csv')} and {out.with_suffix('.md')}")
    sa_mape = best.get("sa_mape", np.nan)
    print(f"RESULT best_model={best['model']} wk_rmse_vs_naive={best['wk_rmse'] / naive['wk_rmse']:.3f} "
          f"wk_rmse_vs_skforecast={best['wk_rmse'] / sk['wk_rmse']:.3f} coverage80={best['coverage80']:.3f} "
          f"daily_crps={best['crps']:.1f} season_total_mape={sa_mape:.1f} above_p90={best['above_p90']:.3f} summers={min(groups)}-{max(groups)} "
          f"weather=none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
