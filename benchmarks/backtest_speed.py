"""Speed of crossingcast's rolling-origin backtest vs skforecast's refit backtest, on the SAME folds.

Folds: for each summer, every Sunday origin from 31 May to 29 September (``summer_origins``), the
model sees the data up to the origin and forecasts the next ``--horizon`` (14) days.  Real daily
series (Home Office small-boat arrivals), **weather-blind** (no weather data offline).

* crossingcast: :func:`crossingcast.evaluate.rolling_origin_backtest` with ``refit="season"``:
  one fit per summer at its first origin, then ``update`` at every later origin (parameters fixed;
  daily design: ``results.append(..., refit=False)``; weekly design: the weeks re-anchored on the
  new last day and re-filtered).  ``--designs`` times both SARIMAX designs against the same
  skforecast run: ``weekly`` (the default ``sarimax``: SARIMAX on log weekly totals with its own
  defaults, 20 parameter draws, day shares) and ``daily_sqrt`` (the specification below).  Timed end to end
  (fit + update + 1000-path predictive distribution + scoring).
* skforecast 0.26: ``backtesting_stats`` (``ForecasterStats(Sarimax)``) and
  ``backtesting_forecaster`` (``ForecasterRecursive(LGBMRegressor())``) with
  ``TimeSeriesFold(steps=horizon, initial_train_size=<first origin>, fold_stride=7, refit=True,
  allow_incomplete_fold=False)``: a refit at every fold (point forecasts only).

SARIMAX ``daily_sqrt`` and skforecast: order (1,0,1), seasonal (1,0,1,7), sqrt-transformed arrivals, the same
regressors (constant, the event/holiday columns that vary in the training window, annual Fourier
terms k<=3, trend), 4-year training window (skforecast: ``fixed_train_size=True``, sliding),
L-BFGS with maxiter=50 and ``cov_type="none"`` (skforecast given the same via ``sm_fit_kwargs``).
Difference: crossingcast divides the sqrt series and regressors by a seasonal residual scale
(``variance_scale="season"``, a least-squares step before the likelihood fit); skforecast fits
the unscaled series.

GBM: crossingcast's ``GBMForecaster`` (defaults: LightGBM, direct horizon buckets, hold-out
calibrated distribution, i.e. two fits of five bucket model pairs per summer) vs skforecast's
``ForecasterRecursive(LGBMRegressor(verbose=-1), lags=14)`` with the same exogenous columns
(events, holidays, day of week, Fourier terms), expanding window from 2019-01-01, refit each fold.

Everything runs on one core (``n_jobs=1``; set OMP_NUM_THREADS=1).  Last line:
``RESULT sarimax_speedup=<skforecast s / crossingcast s> gbm_speedup=<...> ...``.

Usage::

    python benchmarks/backtest_speed.py                 # summers 2023-2025 (~54 folds)
    python benchmarks/backtest_speed.py --summers 2024  # one summer
    python benchmarks/backtest_speed.py --quick         # summer 2025, June origins only (smoke run)
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import warnings

import numpy as np
import pandas as pd

from crossingcast.evaluate import metrics as M
from crossingcast.evaluate import rolling_origin_backtest, summer_origins
from crossingcast.frame import TARGET
from crossingcast.models.gbm import GBMForecaster, default_features
from crossingcast.models.sarimax import DailySarimax, WeeklySarimax

from _common import load_frame, require_skforecast  # benchmarks/_common.py (the script's folder is on sys.path)

ORDER, SEASONAL = (1, 0, 1), (1, 0, 1, 7)
TRAIN_YEARS = 4
GBM_START = pd.Timestamp("2019-01-01")


def _sarimax_exog(frame: pd.DataFrame, first_origin: pd.Timestamp) -> tuple[pd.DataFrame, list[str]]:
    """The regressors crossingcast's SARIMAX uses at ``first_origin`` (constant included), unscaled."""
    probe = DailySarimax(order=ORDER, seasonal_order=SEASONAL, train_years=TRAIN_YEARS, maxiter=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        probe.fit(frame.loc[:first_origin])
    X = probe._design(frame, probe.features_, "benchmark exog")  # [1, features...] for every day
    return pd.DataFrame(X, index=frame.index, columns=["const"] + list(probe.features_)), list(probe.features_)


def _fold(first_origin, horizon: int, refit=True, fixed=False):
    from skforecast.model_selection import TimeSeriesFold

    return TimeSeriesFold(steps=horizon, initial_train_size=first_origin, fold_stride=7, refit=refit,
                          fixed_train_size=fixed, allow_incomplete_fold=False, verbose=False)


def _check_folds(pred: pd.DataFrame, origins: list[pd.Timestamp], horizon: int, what: str) -> None:
    n = pred["fold"].nunique() if "fold" in pred.columns else len(pred) // horizon
    if n != len(origins):
        raise SystemExit(f"{what}: skforecast ran {n} folds, crossingcast {len(origins)} origins: folds differ")
    firsts = pred.groupby("fold").apply(lambda d: d.index.min(), include_groups=False).sort_values()
    want = [o + pd.Timedelta(days=1) for o in origins]
    if list(firsts) != want:
        raise SystemExit(f"{what}: skforecast fold starts {list(firsts)[:3]}... differ from {want[:3]}...")


def _timed_skforecast(backtest, forecaster, y, X, cv, origins, horizon, what) -> tuple[float, pd.DataFrame]:
    """Run one skforecast backtest function on one summer's folds; seconds spent and the checked predictions."""
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, pred = backtest(forecaster, y=y, exog=X, cv=cv, metric="mean_absolute_error", n_jobs=1,
                           show_progress=False, suppress_warnings=True)
    secs = time.perf_counter() - t0
    _check_folds(pred, origins, horizon, what)
    return secs, pred


def skforecast_sarimax(frame, groups, horizon):
    from sklearn.preprocessing import FunctionTransformer
    from skforecast.model_selection import backtesting_stats
    from skforecast.recursive import ForecasterStats
    from skforecast.stats import Sarimax

    secs, preds = 0.0, []
    for year, ors in groups.items():
        exog, _ = _sarimax_exog(frame, ors[0])  # outside the timing
        lo = ors[0] - pd.Timedelta(days=int(round(TRAIN_YEARS * 365.25))) + pd.Timedelta(days=1)
        hi = ors[-1] + pd.Timedelta(days=horizon)
        y = frame.loc[lo:hi, TARGET].astype(float)
        X = exog.loc[lo:hi]
        forecaster = ForecasterStats(
            estimator=Sarimax(order=ORDER, seasonal_order=SEASONAL, maxiter=50, method="lbfgs",
                              sm_fit_kwargs={"cov_type": "none"}),
            transformer_y=FunctionTransformer(np.sqrt, inverse_func=np.square, validate=False))
        t, pred = _timed_skforecast(backtesting_stats, forecaster, y, X, _fold(ors[0], horizon, fixed=True), ors,
                                    horizon, f"SARIMAX {year}")
        secs += t
        preds.append(pred.assign(summer=year))
    return secs, pd.concat(preds)


def skforecast_gbm(frame, groups, horizon, lags=14):
    from lightgbm import LGBMRegressor
    from skforecast.model_selection import backtesting_forecaster
    from skforecast.recursive import ForecasterRecursive

    cols = default_features(frame)
    secs, preds = 0.0, []
    for year, ors in groups.items():
        hi = ors[-1] + pd.Timedelta(days=horizon)
        y = frame.loc[GBM_START:hi, TARGET].astype(float)
        X = frame.loc[GBM_START:hi, cols].astype(float)
        forecaster = ForecasterRecursive(LGBMRegressor(verbose=-1, n_jobs=1, random_state=0), lags=lags)
        t, pred = _timed_skforecast(backtesting_forecaster, forecaster, y, X, _fold(ors[0], horizon), ors, horizon,
                                    f"GBM {year}")
        secs += t
        preds.append(pred.assign(summer=year))
    return secs, pd.concat(preds)


def _rmse(frame, pred):
    y = frame.loc[pred.index, TARGET].to_numpy(float)
    return M.rmse(y, pred["pred"].to_numpy(float))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--summers", default="2023,2024,2025", help="comma-separated years (default 2023,2024,2025)")
    ap.add_argument("--horizon", type=int, default=14)
    ap.add_argument("--quick", action="store_true", help="summer 2025, June origins only")
    ap.add_argument("--models", default="sarimax,gbm", help="which comparisons to run")
    ap.add_argument("--designs", default="weekly,daily_sqrt",
                    help="SARIMAX designs timed against the same skforecast run (first = RESULT sarimax_speedup)")
    args = ap.parse_args(argv)
    frame = load_frame()
    summers = [2025] if args.quick else [int(s) for s in args.summers.split(",") if s.strip()]
    last = "06-30" if args.quick else "09-30"
    groups = summer_origins(summers, last=last, end=frame.index[-1] - pd.Timedelta(days=args.horizon))
    n_folds = sum(len(v) for v in groups.values())
    todo = [m.strip() for m in args.models.split(",")]
    import lightgbm
    skforecast = require_skforecast()
    import statsmodels

    print(f"backtest speed: crossingcast vs skforecast {skforecast.__version__} (statsmodels "
          f"{statsmodels.__version__}, lightgbm {lightgbm.__version__}), {platform.machine()} "
          f"{os.cpu_count()} cores, OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}, n_jobs=1")
    print(f"real daily series to {frame.index[-1].date()}, WEATHER-BLIND (no weather data offline)")
    print(f"folds: summers {sorted(groups)}, {n_folds} weekly Sunday origins, horizon {args.horizon} days")
    out = {}
    for name in todo:
        if name == "sarimax":
            designs = [d.strip() for d in args.designs.split(",") if d.strip()]
            ests = {}
            for d in designs:
                if d == "weekly":  # the default ``sarimax``: weekly SARIMAX + day shares, its own defaults
                    ests[d] = WeeklySarimax(train_years=TRAIN_YEARS)
                elif d == "daily_sqrt":  # the same specification as skforecast's
                    ests[d] = DailySarimax(order=ORDER, seasonal_order=SEASONAL, train_years=TRAIN_YEARS, maxiter=50)
                else:
                    raise SystemExit(f"unknown SARIMAX design {d!r}")
        elif name == "gbm":
            ests = {"": GBMForecaster()}
        else:
            raise SystemExit(f"unknown model {name!r}")
        ours = {}
        for d, est in ests.items():
            t0 = time.perf_counter()
            res = rolling_origin_backtest(frame, {name: est}, origins=[o for v in groups.values() for o in v],
                                          horizon=args.horizon, refit="season", n_jobs=1, progress=False)
            ours[d] = time.perf_counter() - t0
            tm = res.timings.iloc[0]
            ours_rmse = M.rmse(res.forecasts["actual"], res.forecasts["mean"])
            tag = f"{name} {d}".strip()
            print(f"\n[{tag}] crossingcast: {ours[d]:.1f} s  ({int(tm.n_fit)} fits {tm.fit_s:.1f} s, "
                  f"{int(tm.n_update)} updates {tm.update_s:.1f} s, {int(tm.n_predict)} predictions "
                  f"{tm.predict_s:.1f} s)  daily RMSE {ours_rmse:.1f}")
        if name == "sarimax":
            theirs, pred = skforecast_sarimax(frame, groups, args.horizon)
        else:
            theirs, pred = skforecast_gbm(frame, groups, args.horizon)
        out[name] = (next(iter(ours.values())), theirs)
        n_sk = int(pred.groupby("summer")["fold"].nunique().sum())
        print(f"[{name}] skforecast (refit at each of {n_sk} folds, {len(groups)} summers): {theirs:.1f} s  daily RMSE {_rmse(frame, pred):.1f}"
              + ("  (daily sqrt SARIMAX; point = square of the sqrt-scale mean: a median-type forecast)"
                 if name == "sarimax" else ""))
        for d, t in ours.items():
            print(f"[{f'{name} {d}'.strip()}] speed-up skforecast / crossingcast = {theirs / t:.2f}x")
            if name == "sarimax" and d != next(iter(ours)):
                out[f"sarimax_{d}"] = (t, theirs)
    parts = []
    for name in ("sarimax", "sarimax_daily_sqrt", "gbm"):
        if name in out:
            ours, theirs = out[name]
            parts.append(f"{name}_speedup={theirs / ours:.2f}")
    for name in ("sarimax", "gbm"):
        if name in out:
            ours, theirs = out[name]
            parts.append(f"{name}_ours_s={ours:.1f} {name}_skforecast_s={theirs:.1f}")
    parts.append(f"folds={n_folds} horizon={args.horizon} weather=none")
    print("RESULT " + " ".join(parts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
