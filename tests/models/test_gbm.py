"""Tests of the gradient-boosting forecaster (short fits on the real data)."""

from __future__ import annotations

import copy
import sys

import numpy as np
import pandas as pd
import pytest

import crossingcast as cc
from crossingcast.errors import ModelError, NotFittedError
from crossingcast.frame import future_frame, weather_columns
from crossingcast.models import load_forecaster, make_forecaster
from crossingcast.models.base import DEFAULT_QUANTILES
from crossingcast.models.gbm import GBMForecaster, target_features

ORIGIN = pd.Timestamp("2024-05-31")
FAST = dict(horizons=(14,), n_estimators=50, n_paths=400)


@pytest.fixture(scope="module")
def hist(frame):
    return frame.loc[:ORIGIN]


@pytest.fixture(scope="module")
def fitted(hist):
    return GBMForecaster(**FAST).fit(hist)


@pytest.fixture(scope="module")
def future(hist):
    return future_frame(hist, ORIGIN + pd.Timedelta(days=1), ORIGIN + pd.Timedelta(days=21))


def _same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    return bool(((a == b) | (a.isna() & b.isna())).all().all())


@pytest.mark.parametrize("horizon", [1, 7, 30, 182])
def test_target_features_use_only_data_up_to_t_minus_h(frame, horizon):
    y = frame["migrants"].astype(float)
    cut = pd.Timestamp("2023-03-15")
    y2 = y.copy()
    rng = np.random.default_rng(1)
    y2[y2.index > cut] = rng.integers(0, 5000, (y2.index > cut).sum())
    f1, f2 = target_features(y, horizon), target_features(y2, horizon)
    ok = f1.index <= cut + pd.Timedelta(days=horizon)  # rows whose t - horizon <= cut
    assert _same(f1[ok], f2[ok])
    # ... and the features are not constant: the first rows after that do change
    later = (f1.index > cut + pd.Timedelta(days=horizon)) & (f1.index <= cut + pd.Timedelta(days=horizon + 30))
    assert not _same(f1[later], f2[later])


def test_predictions_ignore_values_after_origin(fitted, future):
    base = fitted.predict(future)
    leaky = copy.deepcopy(fitted)
    # Pretend (wrongly) that the future is in the stored series without moving the origin:
    # a correct direct model never reads it.
    extra = pd.Series(5000.0, index=pd.date_range(ORIGIN + pd.Timedelta(days=1), periods=60, freq="D"))
    leaky.y_ = pd.concat([leaky.y_, extra])
    out = leaky.predict(future)
    np.testing.assert_array_equal(base.mean.to_numpy(), out.mean.to_numpy())
    np.testing.assert_array_equal(base.paths, out.paths)


def test_fit_ignores_data_after_training_frame(frame, hist, future):
    """Changing arrivals after the origin cannot change a model fitted on the history."""
    changed = frame.copy()
    changed.loc[changed.index > ORIGIN, "migrants"] = 0
    a = GBMForecaster(**FAST).fit(hist).predict(future)
    b = GBMForecaster(**FAST).fit(changed.loc[:ORIGIN]).predict(future)
    np.testing.assert_array_equal(a.mean.to_numpy(), b.mean.to_numpy())


def test_forecast_is_a_valid_distribution(fitted, future):
    fc = fitted.predict(future)
    assert len(fc.mean) == len(future) and (fc.mean >= 0).all()
    assert list(fc.quantiles.columns) == list(DEFAULT_QUANTILES)
    assert (np.diff(fc.quantiles.to_numpy(), axis=1) >= 0).all()
    assert fc.paths.shape == (400, len(future)) and (fc.paths >= 0).all()
    assert np.allclose(fc.paths, np.round(fc.paths))
    # Summer: a sensible daily level and real uncertainty.
    assert 5 < fc.mean.mean() < 2000
    assert (fc.quantile(0.9) > fc.quantile(0.1)).any()
    info = fc.info
    assert info["weather"] == "none" and info["weather_blind"] is True
    assert info["backend"] == "lightgbm" and info["strategy"] == "direct by horizon bucket"
    assert "14" in info["calibration"] and info["calibration"]["14"]["shape"] > 0


def test_mean_equals_path_mean_within_mc_error(hist, future):
    m = GBMForecaster(**{**FAST, "n_paths": 4000}).fit(hist)
    fc = m.predict(future)
    tot = fc.paths.sum(axis=1)
    se = tot.std(ddof=1) / np.sqrt(len(tot))
    assert abs(tot.mean() - fc.mean.sum()) < 4 * se
    comp = m.predict_components(future)
    np.testing.assert_allclose(fc.mean.to_numpy(), comp["mu"].to_numpy())


def test_reproducible_and_seed_matters(hist, future, fitted):
    a = fitted.predict(future)
    b = GBMForecaster(**FAST).fit(hist).predict(future)
    np.testing.assert_array_equal(a.mean.to_numpy(), b.mean.to_numpy())
    np.testing.assert_array_equal(a.paths, b.paths)
    c = GBMForecaster(**{**FAST, "random_state": 7}).fit(hist).predict(future)
    assert not np.array_equal(a.paths, c.paths)


def test_save_load_round_trip(fitted, future, tmp_path):
    path = fitted.save(tmp_path / "gbm.joblib")
    back = load_forecaster(path)
    a, b = fitted.predict(future), back.predict(future)
    np.testing.assert_array_equal(a.mean.to_numpy(), b.mean.to_numpy())
    np.testing.assert_array_equal(a.paths, b.paths)
    pd.testing.assert_frame_equal(a.quantiles, b.quantiles)


def test_update_extends_history_without_refitting(frame, fitted):
    m = copy.deepcopy(fitted)
    trees = {H: m.models_[H]["mean"].booster_.model_to_string() for H in m.buckets_}
    new_origin = ORIGIN + pd.Timedelta(days=14)
    m.update(frame.loc[:new_origin])
    assert m.last_date_ == new_origin
    assert {H: m.models_[H]["mean"].booster_.model_to_string() for H in m.buckets_} == trees
    fut = future_frame(frame.loc[:new_origin], new_origin + pd.Timedelta(days=1), new_origin + pd.Timedelta(days=14))
    updated = m.predict(fut)
    # the stale model forecasts the same dates from the old origin (gap): different features
    stale = fitted.predict(fut)
    assert not np.allclose(updated.mean.to_numpy(), stale.mean.to_numpy())
    assert stale.info["origin"] == ORIGIN.date().isoformat()
    with pytest.raises(ModelError, match="extend"):
        m.update(frame.loc[:ORIGIN])
    with pytest.raises(ModelError, match="gap"):
        m.update(frame.loc[new_origin + pd.Timedelta(days=5):new_origin + pd.Timedelta(days=9)])


def test_not_fitted_and_input_errors(fitted, hist, future):
    m = GBMForecaster(**FAST)
    with pytest.raises(NotFittedError):
        m.predict(future)
    with pytest.raises(NotFittedError):
        m.update(hist)
    with pytest.raises(ModelError, match="no_such_column"):
        GBMForecaster(**{**FAST, "features": ["no_such_column"]}).fit(hist)
    with pytest.raises(ModelError, match="lacks column"):
        fitted.predict(future.drop(columns=["dow"]))
    overlap = future_frame(hist, ORIGIN - pd.Timedelta(days=3), ORIGIN + pd.Timedelta(days=3))
    with pytest.raises(ModelError, match="after the history"):
        fitted.predict(overlap)
    with pytest.raises(ModelError, match="target"):
        GBMForecaster(**FAST).fit(hist.drop(columns=["migrants"]))


def test_gap_and_horizons_beyond_the_largest_bucket(fitted, hist):
    fut = future_frame(hist, ORIGIN + pd.Timedelta(days=10), ORIGIN + pd.Timedelta(days=40))
    comp = fitted.predict_components(fut)
    assert comp["h"].iloc[0] == 10 and comp["h"].iloc[-1] == 40
    assert (comp["bucket"] == 14).all()
    fc = fitted.predict(fut)
    assert np.isfinite(fc.mean).all() and (fc.mean > 0).any()


def test_buckets_route_horizons(hist):
    m = GBMForecaster(horizons=(7, 28), n_estimators=30, n_paths=200).fit(hist)
    fut = future_frame(hist, ORIGIN + pd.Timedelta(days=1), ORIGIN + pd.Timedelta(days=28))
    comp = m.predict_components(fut)
    assert (comp.loc[comp["h"] <= 7, "bucket"] == 7).all()
    assert (comp.loc[comp["h"] > 7, "bucket"] == 28).all()
    assert set(m.calibration_) >= {7, 28}
    imp = m.feature_importances()
    assert set(imp["bucket"]) == {7, 28} and set(imp["model"]) == {"mean", "cross"}
    assert np.allclose(imp.groupby(["bucket", "model"])["share"].sum(), 1.0)


def test_sklearn_backend_and_automatic_fallback(hist, future, monkeypatch):
    m = GBMForecaster(backend="sklearn", **FAST).fit(hist)
    fc = m.predict(future)
    assert fc.info["backend"] == "sklearn" and (fc.mean >= 0).all() and np.isfinite(fc.mean).all()
    assert fc.mean.mean() > 1
    monkeypatch.setitem(sys.modules, "lightgbm", None)  # import lightgbm -> ImportError
    with pytest.warns(UserWarning, match="falls back"):
        fb = GBMForecaster(**FAST).fit(hist)
    assert fb.backend_ == "sklearn"
    np.testing.assert_allclose(fb.predict(future).mean.to_numpy(), fc.mean.to_numpy())


def test_registry_builds_it():
    assert isinstance(make_forecaster("gbm", n_estimators=10), GBMForecaster)


@pytest.fixture(scope="module")
def weather_frame(counts):
    """The real counts with synthetic weather in which calm days are the crossing days (mostly)."""
    rng = np.random.default_rng(3)
    y = counts["migrants"].to_numpy()
    calm = np.where(y > 0, rng.random(len(y)) < 0.9, rng.random(len(y)) < 0.1).astype(float)
    wind = 5 + 6 * (1 - calm) + rng.normal(0, 1.5, len(y))
    w = pd.DataFrame({"wind_mean": wind, "gust_max": 1.5 * wind + rng.normal(0, 1, len(y)),
                      "precip": rng.gamma(0.5, 2, len(y)), "calm": calm}, index=counts.index)
    return cc.build_frame(counts, weather=w), w


def test_weather_aware_beats_weather_blind(weather_frame):
    frame_w, w = weather_frame
    origins = pd.date_range("2025-05-31", periods=4, freq="14D")
    aware = GBMForecaster(**FAST).fit(frame_w.loc[:origins[0]])
    blind_feats = [c for c in aware.features_ if c not in weather_columns(frame_w)]
    blind = GBMForecaster(**{**FAST, "features": blind_feats}).fit(frame_w.loc[:origins[0]])
    err_a, err_b = [], []
    for i, origin in enumerate(origins):
        if i:
            aware.update(frame_w.loc[:origin])
            blind.update(frame_w.loc[:origin])
        test_idx = pd.date_range(origin + pd.Timedelta(days=1), periods=14)
        fut = future_frame(frame_w.loc[:origin], test_idx[0], test_idx[-1], weather=w.loc[test_idx],
                           weather_mode="observed (oracle)")
        fa, fb = aware.predict(fut), blind.predict(fut)
        obs = frame_w.loc[test_idx, "migrants"].to_numpy()
        err_a.append(np.abs(fa.mean.to_numpy() - obs))
        err_b.append(np.abs(fb.mean.to_numpy() - obs))
    assert fa.info["weather_blind"] is False and fa.info["weather"] == "observed (oracle)"
    assert fb.info["weather_blind"] is True
    assert np.mean(err_a) < 0.8 * np.mean(err_b)
    # the crossing probability follows the calm days
    pa = aware.predict_components(fut)["p_cross"].to_numpy()
    calm = w.loc[test_idx, "calm"].to_numpy() > 0
    assert pa[calm].mean() > pa[~calm].mean() + 0.3


def test_level_sd_grows_with_horizon_to_a_year_and_never_collapses(fitted, hist):
    """Issue 15: pooled hold-out years, bands reaching 366 days, non-decreasing, above the floor.

    (Before: one held-out year, level_sd 0.0 for the 28/63/182-day buckets at origin 2024-09-30,
    and the 182-day value reused to a year.)"""
    cal = fitted.calibration_
    assert fitted.level_horizons_ == [14, 366]
    assert "3 held-out years" in cal["method"]
    sd = [cal["level_sd_by_horizon"][h] for h in (14, 366)]
    assert sd[0] <= sd[1]
    assert all(v >= cal["floor"]["floor"][h] > 0 for h, v in zip((14, 366), sd))
    assert cal[366]["n_origins"] >= 50 and 0 <= cal["persistence"] < 1
    fc = fitted.predict(future_frame(hist, fitted.last_date_ + pd.Timedelta(days=1),
                                     fitted.last_date_ + pd.Timedelta(days=300)))
    assert np.allclose(fc.total()["mean"], fc.mean.sum())
    assert fc.total(quantiles=(0.1, 0.9)).pipe(lambda t: t["p90"] / t["p10"]) > 1.5

