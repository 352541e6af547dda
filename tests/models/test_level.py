"""LevelForecaster: last year's season x this year's level so far (real data where it matters)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crossingcast as cc
from crossingcast.errors import ModelError
from crossingcast.frame import future_frame
from crossingcast.models import make_forecaster
from crossingcast.models.level import LevelForecaster, level_features


@pytest.fixture(scope="module")
def frame(data_dir):
    return cc.build_frame(cc.load_counts(data_dir))


def _fit_predict(history, start, end, **kw):
    model = LevelForecaster(n_paths=400, **kw).fit(history)
    return model, model.predict(future_frame(history, start, end))


@pytest.mark.data
def test_level_features_are_log_ratios_against_52_weeks_earlier(frame):
    y = frame["migrants"].astype(float)
    o = pd.Timestamp("2024-05-31")
    x = level_features(y, o)
    ytd_now = y.loc["2024-01-01":o].sum()
    ytd_before = y.loc[pd.Timestamp("2024-01-01") - pd.Timedelta(days=364):o - pd.Timedelta(days=364)].sum()
    assert x[0] == pytest.approx(np.log((ytd_now + 50) / (ytd_before + 50)))
    last4 = y.loc[o - pd.Timedelta(days=27):o].sum()
    last4_before = y.loc[o - pd.Timedelta(days=27 + 364):o - pd.Timedelta(days=364)].sum()
    assert x[2] == pytest.approx(np.log((last4 + 50) / (last4_before + 50)))


@pytest.mark.data
def test_mean_is_exact_sum_and_paths_agree(frame):
    model, fc = _fit_predict(frame.loc[:"2025-05-31"], "2025-06-01", "2025-09-30")
    assert fc.total()["mean"] == pytest.approx(fc.mean.sum())
    # Path totals average to the analytic mean within Monte Carlo error (4 path standard errors).
    sums = fc.paths.sum(axis=1)
    assert abs(sums.mean() - fc.mean.sum()) < 4 * sums.std() / np.sqrt(len(sums))
    assert (fc.paths >= 0).all() and np.allclose(fc.paths, np.round(fc.paths))


@pytest.mark.data
def test_no_leakage_data_after_the_origin_cannot_move_the_forecast(frame):
    hist = frame.loc[:"2024-05-31"]
    _, a = _fit_predict(hist, "2024-06-01", "2024-09-30")
    perturbed = frame.copy()
    perturbed.loc["2024-06-01":, "migrants"] *= 3
    _, b = _fit_predict(perturbed.loc[:"2024-05-31"], "2024-06-01", "2024-09-30")
    np.testing.assert_array_equal(a.paths, b.paths)


@pytest.mark.data
def test_a_stronger_spring_raises_the_summer_forecast(frame):
    hist = frame.loc[:"2024-05-31"].copy()
    _, base = _fit_predict(hist, "2024-06-01", "2024-09-30")
    boosted = hist.copy()
    boosted.loc["2024-03-01":, "migrants"] *= 2
    _, up = _fit_predict(boosted, "2024-06-01", "2024-09-30")
    assert up.total()["mean"] > 1.1 * base.total()["mean"]


@pytest.mark.data
def test_spread_grows_with_the_horizon_and_has_a_floor(frame):
    model = LevelForecaster(n_paths=100, min_level_sd=0.1).fit(frame.loc[:"2025-04-30"])
    sd = model.level_sd_.to_numpy()
    assert (np.diff(sd) >= 0).all() and (sd >= 0.1).all()
    assert set(model.cv_["years"]) and model.cv_["origins"].min() > 50


@pytest.mark.data
def test_same_seed_same_paths_and_registered_name(frame):
    hist = frame.loc[:"2023-05-31"]
    a = make_forecaster("level", n_paths=200, random_state=3).fit(hist).predict(future_frame(hist, "2023-06-01",
                                                                                              "2023-06-30"))
    b = make_forecaster("level", n_paths=200, random_state=3).fit(hist).predict(future_frame(hist, "2023-06-01",
                                                                                              "2023-06-30"))
    np.testing.assert_array_equal(a.paths, b.paths)
    assert a.model == "level"


def test_refuses_short_history_and_gaps():
    idx = pd.date_range("2024-01-01", periods=400, freq="D")
    short = pd.DataFrame({"migrants": np.ones(len(idx))}, index=idx)
    with pytest.raises(ModelError, match="two years"):
        LevelForecaster().fit(short)
    idx = pd.date_range("2020-01-01", periods=1000, freq="D").delete(500)
    gappy = pd.DataFrame({"migrants": np.ones(len(idx))}, index=idx)
    with pytest.raises(ModelError, match="gaps"):
        LevelForecaster().fit(gappy)


@pytest.mark.data
def test_update_with_new_days_equals_a_fit_on_the_longer_history(frame):
    model = LevelForecaster(n_paths=200).fit(frame.loc[:"2024-05-05"])
    model.update(frame.loc["2024-05-06":"2024-05-31"])
    direct = LevelForecaster(n_paths=200).fit(frame.loc[:"2024-05-31"])
    fut = future_frame(frame.loc[:"2024-05-31"], "2024-06-01", "2024-06-30")
    np.testing.assert_array_equal(model.predict(fut).paths, direct.predict(fut).paths)
    with pytest.raises(ModelError, match="gap"):
        model.update(frame.loc["2024-07-01":"2024-07-10"])
