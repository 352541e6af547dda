"""A backtest result built from point forecasts only (as benchmarks/accuracy.py builds skforecast's) ranks."""

from __future__ import annotations

import dataclasses

import numpy as np

from crossingcast.evaluate import rolling_origin_backtest
from crossingcast.models import make_forecaster


def test_point_only_result_gets_nan_total_coverage_not_a_keyerror(frame):
    models = {"seasonal_naive": make_forecaster("seasonal_naive", n_paths=40)}
    res = rolling_origin_backtest(frame, models, origins=["2024-07-07", "2024-07-14"], horizon=7, progress=False)
    full = res.leaderboard().iloc[0]
    assert 0.0 <= full["total_coverage80"] <= 1.0
    point = dataclasses.replace(res, per_origin=res.per_origin.drop(columns=["total_p10", "total_p90"]))
    board = point.leaderboard().iloc[0]
    assert np.isnan(board["total_coverage80"])
    # everything that does not need the total's interval is unchanged
    for col in ("mae", "rmse", "crps", "coverage80", "wk_rmse", "n_origins"):
        assert board[col] == full[col]
