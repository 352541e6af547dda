"""Evaluation: accuracy metrics, rolling-origin summer backtests, leaderboards.

* :mod:`crossingcast.evaluate.metrics` — MAE, RMSE, MASE, CRPS from sample
  paths, pinball loss, interval coverage, weekly-total RMSE, total errors.
* :mod:`crossingcast.evaluate.backtest` — :func:`rolling_origin_backtest`
  (weekly summer origins, 1..14 days ahead, fit once per summer then
  ``update``, parallel with joblib or dask).
* :mod:`crossingcast.evaluate.season_ahead` — :func:`season_ahead_backtest`
  (weekly March-July origins, rest-of-season / June-September / calendar-year
  totals and surge days, CRPS skill vs baselines, pooled ensemble).
* :mod:`crossingcast.evaluate.leaderboard` — reproducible CSV/Markdown writers.

Layering: this package imports ``models``, ``frame`` and ``features`` only,
never ``scenarios``, ``report`` or ``cli``.
"""

from crossingcast.evaluate.backtest import (
    BacktestResult,
    rolling_origin_backtest,
    summer_origins,
)
from crossingcast.evaluate.season_ahead import SeasonAheadResult, season_ahead_backtest, season_origins
from crossingcast.evaluate.leaderboard import combine_leaderboards
from crossingcast.evaluate.metrics import (
    crps_paths,
    interval_coverage,
    mae,
    mape,
    mase,
    pinball_loss,
    rmse,
    total_error,
    weekly_total_rmse,
)

__all__ = [
    "BacktestResult",
    "rolling_origin_backtest",
    "season_ahead_backtest",
    "SeasonAheadResult",
    "season_origins",
    "summer_origins",
    "combine_leaderboards",
    "mae",
    "rmse",
    "mase",
    "crps_paths",
    "pinball_loss",
    "interval_coverage",
    "weekly_total_rmse",
    "total_error",
    "mape",
]
