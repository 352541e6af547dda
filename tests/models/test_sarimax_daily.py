"""The daily_sqrt SARIMAX design (DailySarimax) on the real daily series (short fits: 2 training years, low maxiter)."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

import crossingcast as cc
from crossingcast.errors import ModelError, NotFittedError
from crossingcast.frame import WEATHER_FEATURES, future_frame
from crossingcast.models import make_forecaster
from crossingcast.models.base import DEFAULT_QUANTILES, load_forecaster
from crossingcast.models.sarimax import DailySarimax, clipped_backtransform_mean

ORIGIN = pd.Timestamp("2024-05-31")
SUMMER = (pd.Timestamp("2024-06-01"), pd.Timestamp("2024-09-30"))
FAST = dict(order=(1, 0, 0), seasonal_order=(1, 0, 0, 7), train_years=2, maxiter=20, n_paths=400)


def _day(ts, n=1):
    return pd.Timestamp(ts) + pd.Timedelta(days=n)


@pytest.fixture(scope="module")
def history(frame):
    return frame.loc[:ORIGIN]


@pytest.fixture(scope="module")
def fitted(history):
    return DailySarimax(**FAST).fit(history)


@pytest.fixture(scope="module")
def summer_future(history):
    return future_frame(history, *SUMMER)


@pytest.fixture(scope="module")
def summer_forecast(fitted, summer_future):
    return fitted.predict(summer_future)


def test_registry_and_not_fitted(summer_future):
    model = make_forecaster("sarimax", design="daily_sqrt", **FAST)
    assert isinstance(model, DailySarimax)
    with pytest.raises(NotFittedError):
        model.predict(summer_future)
    with pytest.raises(NotFittedError):
        model.update(summer_future)


def test_bad_params_rejected(history):
    with pytest.raises(ModelError, match="transform"):
        DailySarimax(transform="boxcox").fit(history)
    with pytest.raises(ModelError, match="mean_method"):
        DailySarimax(mean_method="median").fit(history)


def test_forecast_is_a_valid_distribution(fitted, summer_forecast, summer_future):
    fc = summer_forecast
    assert fc.model == "sarimax"
    assert fc.index.equals(summer_future.index)
    assert fc.paths.shape == (FAST["n_paths"], len(summer_future))
    assert (fc.paths >= 0).all() and (fc.mean >= 0).all()
    assert list(fc.quantiles.columns) == list(DEFAULT_QUANTILES)
    assert (np.diff(fc.quantiles.to_numpy(), axis=1) >= 0).all()
    # The model puts real mass on zero days (the clipped part of the Gaussian) but summer days are mostly positive.
    assert 0.02 < (fc.paths == 0).mean() < 0.8
    info = fc.info
    assert info["weather"] == "none" and info["weather_blind"] is True
    assert info["transform"] == "sqrt" and info["order"] == (1, 0, 0)
    assert np.isfinite(info["aic"])
    # Events not in force during training cannot be estimated and are reported, not silently used.
    assert "event_paris_olympics_2024" in fitted.dropped_features_
    assert "event_paris_olympics_2024" not in fitted.features_
    assert "dow_1" not in fitted.features_  # weekly cycle is the seasonal ARMA
    assert {"fourier_sin_1", "fourier_cos_3", "trend"} <= set(fitted.features_)


def test_mean_is_predictive_mean_not_median(history, frame, summer_future, summer_forecast, fitted):
    """The trap: h(E[z]) is the median of the back-transformed distribution, far below its mean."""
    actual = frame.loc[SUMMER[0]:SUMMER[1], "migrants"].sum()
    total = summer_forecast.total()["mean"]
    assert actual / 2 < total < 2 * actual, (total, actual)
    # Mean of the paths, not of the model-scale mean squared.
    naive_sqrt = (fitted.predict_transformed(summer_future)["mean"].clip(lower=0) ** 2).sum()
    assert total > 1.2 * naive_sqrt

    log_model = DailySarimax(**{**FAST, "transform": "log1p"}).fit(history)
    log_fc = log_model.predict(summer_future)
    naive_log = np.expm1(log_model.predict_transformed(summer_future)["mean"].clip(lower=0)).sum()
    # expm1(mean of log1p) is the median: a small fraction of what arrived (0.39 with the as-of events
    # calendar, 0.2-0.3 before it).
    assert naive_log < 0.45 * actual, (naive_log, actual)
    # The predictive mean of the same log1p model is many times larger and no longer "97% too low".
    assert log_fc.total()["mean"] > 4 * naive_log
    assert log_fc.total()["mean"] > actual / 2


def test_analytic_mean_matches_simulated(fitted, summer_future):
    for transform in ("sqrt",):
        sim = fitted.predict(summer_future)
        ana = copy.deepcopy(fitted).set_params(mean_method="analytic").predict(summer_future)
        se = sim.paths.std(axis=0) / np.sqrt(sim.paths.shape[0])
        z = (sim.mean - ana.mean).to_numpy() / np.maximum(se, 1e-9)
        assert np.mean(np.abs(z) < 3) > 0.95
        assert abs(sim.total()["mean"] / ana.total()["mean"] - 1) < 0.03
        # Paths are the same; only the mean differs.
        np.testing.assert_array_equal(sim.paths, ana.paths)


@pytest.mark.parametrize("transform", ["sqrt", "log1p", "none"])
def test_clipped_backtransform_mean_formula(transform):
    rng = np.random.default_rng(1)
    m = np.array([-3.0, -0.5, 0.0, 0.7, 2.0, 5.0])
    v = np.array([1.0, 0.3, 2.0, 0.5, 1.5, 4.0])
    z = m + np.sqrt(v) * rng.standard_normal((400_000, len(m)))
    zc = np.maximum(z, 0)
    mc = {"sqrt": zc ** 2, "log1p": np.expm1(zc), "none": zc}[transform].mean(axis=0)
    np.testing.assert_allclose(clipped_backtransform_mean(m, v, transform), mc, rtol=0.02, atol=2e-3)


def test_reproducible_and_seed_matters(history, fitted, summer_future, summer_forecast):
    again = fitted.predict(summer_future)
    np.testing.assert_array_equal(again.paths, summer_forecast.paths)
    refit = DailySarimax(**FAST).fit(history).predict(summer_future)
    np.testing.assert_array_equal(refit.paths, summer_forecast.paths)
    pd.testing.assert_series_equal(refit.mean, summer_forecast.mean)
    other = copy.deepcopy(fitted).set_params(random_state=1).predict(summer_future)
    assert not np.array_equal(other.paths, summer_forecast.paths)


def test_save_load_round_trip(tmp_path, fitted, summer_future, summer_forecast):
    path = fitted.save(tmp_path / "sarimax.joblib")
    loaded = load_forecaster(path)
    fc = loaded.predict(summer_future)
    np.testing.assert_array_equal(fc.paths, summer_forecast.paths)
    pd.testing.assert_series_equal(fc.mean, summer_forecast.mean)
    pd.testing.assert_frame_equal(fc.quantiles, summer_forecast.quantiles)


def test_predict_errors(fitted, history, summer_future):
    overlap = future_frame(history, "2024-05-20", "2024-06-10")
    with pytest.raises(ModelError, match="overlapping"):
        fitted.predict(overlap)
    with pytest.raises(ModelError, match="DataFrame"):
        fitted.predict(summer_future.to_numpy())
    with pytest.raises(ModelError, match="holiday_uk"):
        fitted.predict(summer_future.drop(columns=["holiday_uk"]))
    gappy = summer_future.drop(index=summer_future.index[3])
    with pytest.raises(ModelError, match="daily"):
        fitted.predict(gappy)


def test_gap_before_future_is_extra_horizon(fitted, history):
    full = fitted.predict(future_frame(history, _day(ORIGIN), "2024-07-15"))
    later = fitted.predict(future_frame(history, "2024-07-01", "2024-07-15"))
    assert later.info["gap_days"] == 30 and full.info["gap_days"] == 0
    # Same simulation over the same horizon: the later forecast is the tail of the full one.
    np.testing.assert_allclose(later.paths, full.paths[:, -15:])
    np.testing.assert_allclose(later.mean.to_numpy(), full.mean.to_numpy()[-15:])


def test_update_filters_without_reestimating(frame, history, fitted):
    new_end = pd.Timestamp("2024-07-15")
    appended = copy.deepcopy(fitted)
    appended.update(frame.loc[:new_end])
    assert appended.last_date_ == new_end
    assert appended.results_.nobs == fitted.results_.nobs + (new_end - ORIGIN).days
    pd.testing.assert_series_equal(appended.results_.params, fitted.results_.params)  # no re-estimation

    # Same as extending the statsmodels results by hand, and as update_method="extend".
    # (The model works on z_t / s_t with regressors x_t / s_t, s_t the seasonal residual scale.)
    new = frame.loc[_day(ORIGIN):new_end]
    X = np.column_stack([np.ones(len(new))] + [new[c].to_numpy(float) for c in fitted.features_])
    s = fitted._scale(X, new.index)
    by_hand = fitted.results_.extend(np.sqrt(new["migrants"].to_numpy(float)) / s, exog=X / s[:, None])
    extended = copy.deepcopy(fitted).set_params(update_method="extend").update(frame.loc[:new_end])
    fut = future_frame(frame.loc[:new_end], _day(new_end), "2024-08-15")
    Xf = np.column_stack([np.ones(len(fut))] + [fut[c].to_numpy(float) for c in fitted.features_])
    sf = fitted._scale(Xf, fut.index)
    want = np.asarray(by_hand.get_forecast(len(fut), exog=Xf / sf[:, None]).predicted_mean) * sf
    for model in (appended, extended):
        got = model.predict_transformed(fut)["mean"].to_numpy()
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
    a, e = appended.predict(fut), extended.predict(fut)
    np.testing.assert_allclose(a.mean.to_numpy(), e.mean.to_numpy(), rtol=1e-5)
    # Conditioning on the new data changes the forecast relative to the stale model (with a gap).
    stale = fitted.predict(fut)
    assert not np.allclose(stale.mean.to_numpy(), a.mean.to_numpy())


def test_seasonal_variance_scale(history, fitted, summer_future):
    """Residual variance on the sqrt scale is larger in late summer than in winter; the model scales for it."""
    idx = pd.DatetimeIndex(["2024-02-15", "2024-09-01"])
    X = np.ones((2, 1 + len(fitted.features_)))
    s_feb, s_sep = fitted._scale(X, idx)
    assert s_sep > 1.2 * s_feb
    flat = DailySarimax(**{**FAST, "variance_scale": None}).fit(history)
    np.testing.assert_array_equal(flat._scale(X, idx), [1.0, 1.0])
    fc = flat.predict(summer_future)
    assert (fc.mean >= 0).all() and fc.total()["mean"] > 0


def test_update_rejects_non_extending_frames(frame, fitted):
    model = copy.deepcopy(fitted)
    with pytest.raises(ModelError, match="does not extend"):
        model.update(frame.loc[:ORIGIN])
    with pytest.raises(ModelError, match="does not extend"):
        model.update(frame.loc["2024-01-01":"2024-03-01"])
    with pytest.raises(ModelError, match="gap"):
        model.update(frame.loc["2024-06-10":"2024-06-30"])
    with pytest.raises(ModelError, match="target"):
        model.update(frame.loc[:"2024-06-30"].drop(columns=["migrants"]))
    assert model.last_date_ == ORIGIN  # nothing absorbed


def test_backtest_totals_against_own_intervals(frame, fitted):
    """Fit once, update per origin, forecast the next month: how often is the actual total inside 80%/90%?"""
    model = copy.deepcopy(fitted)
    inside80 = inside90 = 0
    ratios = []
    origins = [pd.Timestamp("2024-06-30"), pd.Timestamp("2024-07-31"), pd.Timestamp("2024-08-31")]
    for origin in origins:
        model.update(frame.loc[:origin])
        end = origin + pd.offsets.MonthEnd(1)
        fc = model.predict(future_frame(frame.loc[:origin], _day(origin), end))
        tot = fc.total(quantiles=(0.05, 0.1, 0.9, 0.95))
        actual = frame.loc[_day(origin):end, "migrants"].sum()
        inside80 += tot["p10"] <= actual <= tot["p90"]
        inside90 += tot["p5"] <= actual <= tot["p95"]
        ratios.append(tot["mean"] / actual)
    assert all(0.5 < r < 2 for r in ratios), ratios
    assert inside90 >= 2, (inside80, inside90, ratios)


def _synthetic_weather_frame(counts, start="2022-01-01", end="2024-06-30", seed=3):
    """Real dates and calendar, synthetic weather, and arrivals that depend strongly on the wind."""
    rng = np.random.default_rng(seed)
    idx = pd.date_range(start, end, freq="D", name="date")
    n = len(idx)
    season = np.cos(2 * np.pi * (idx.day_of_year.to_numpy() - 15) / 365.25)
    wind = np.clip(6 + 3 * season + 2.5 * rng.standard_normal(n), 0.2, None)
    w = pd.DataFrame({
        "wind_mean": wind, "gust_max": wind * 1.6 + rng.gamma(2, 1, n),
        "wind_u": rng.standard_normal(n), "wind_v": rng.standard_normal(n),
        "ne_share": rng.uniform(0, 1, n), "precip": rng.gamma(0.5, 2, n),
        "temp": 11 - 6 * season + rng.standard_normal(n),
        "calm": (wind < 4).astype(float), "calm_spell": 0.0, "days_since_calm": 0.0, "weather_filled": 0.0,
    }, index=idx)
    w["calm_spell"] = w["calm"].groupby((w["calm"] == 0).cumsum()).cumsum()
    w["days_since_calm"] = (1 - w["calm"]).groupby((w["calm"] == 1).cumsum()).cumsum()
    assert set(w.columns) == set(WEATHER_FEATURES)
    lam = np.where(wind < 5, 40 * (5 - wind) ** 2, 0.0) * (1.3 - 0.7 * season)
    c = counts.loc[idx].copy()
    c["migrants"] = rng.poisson(lam)
    return cc.build_frame(c, weather=w), w


def test_uses_weather_columns_when_present(counts):
    wframe, weather = _synthetic_weather_frame(counts)
    hist = wframe.loc[:"2024-05-31"]
    model = DailySarimax(**FAST).fit(hist)
    assert "wind_mean" in model.features_ and "calm" in model.features_
    assert "weather_filled" in model.dropped_features_  # constant 0 in training
    coefs = model.results_.params
    assert coefs["wind_mean"] < 0  # arrivals fall with the wind

    clim = model.predict(future_frame(hist, "2024-06-01", "2024-06-30"))
    assert clim.info["weather"] == "climatology" and clim.info["weather_blind"] is False
    oracle = model.predict(future_frame(hist, "2024-06-01", "2024-06-30", weather=weather.loc["2024-06"],
                                        weather_mode="observed (oracle)"))
    assert oracle.info["weather"] == "observed (oracle)"
    # With the actual weather, calm days get more arrivals than windy days.
    w = weather.loc["2024-06"]
    med = w["wind_mean"].median()
    calm, windy = oracle.mean[w["wind_mean"] < med], oracle.mean[w["wind_mean"] > med]
    assert calm.mean() > 1.5 * windy.mean()
    assert np.corrcoef(oracle.mean.to_numpy(), w["wind_mean"].to_numpy())[0, 1] < -0.5
    # A gap before the forecast is filled with climatology weather and reported.
    later = model.predict(future_frame(hist, "2024-06-11", "2024-06-20"))
    assert later.info["gap_days"] == 10 and later.info["gap_weather"] == "climatology"


def test_level_factor_widens_totals_keeps_mean(fitted, summer_future, summer_forecast):
    wide = copy.deepcopy(fitted).set_params(level_sd=0.3).predict(summer_future)
    pd.testing.assert_series_equal(wide.mean, summer_forecast.mean)
    base, w = summer_forecast.total(), wide.total()
    assert (w["p90"] - w["p10"]) > 1.5 * (base["p90"] - base["p10"])
    assert abs(wide.paths.sum(axis=1).mean() / w["mean"] - 1) < 0.1  # paths still centred on the mean


def test_differenced_model_has_no_constant(history, summer_future):
    model = DailySarimax(**{**FAST, "order": (0, 1, 1)}).fit(history)
    assert model.const_ is False and "const" not in model.results_.params.index
    fc = model.predict(summer_future)
    assert (fc.mean >= 0).all() and np.isfinite(fc.total()["mean"]) and fc.total()["mean"] > 0


@pytest.mark.parametrize("orders", [((1, 0, 0), (1, 0, 0, 7)), ((1, 0, 1), (1, 0, 1, 7)), ((1, 1, 1), (0, 0, 0, 0))])
def test_vectorised_simulation_matches_statsmodels(history, orders):
    """simulate_state_space draws from the same joint distribution as statsmodels' simulate(anchor="end")."""
    from crossingcast.models.sarimax import simulate_state_space

    order, seasonal = orders
    model = DailySarimax(order=order, seasonal_order=seasonal, train_years=2, maxiter=20).fit(history)
    X, scale, gap, _ = model._future_design(future_frame(history, *SUMMER).iloc[:21])
    exog = X if X.shape[1] else None
    ours = simulate_state_space(model.results_, X, 20000, np.random.default_rng(1))
    theirs = np.asarray(model.results_.simulate(21, anchor="end", repetitions=4000, exog=exog,
                                                rng=np.random.default_rng(2)), dtype=float).reshape(21, -1)
    fc = model.results_.get_forecast(21, exog=exog)
    m, v = np.asarray(fc.predicted_mean), np.asarray(fc.var_pred_mean)
    # marginal moments against the Kalman filter's forecast (exact), Monte Carlo tolerance
    assert np.all(np.abs(ours.mean(1) - m) <= 4 * np.sqrt(v / 20000)), (ours.mean(1) - m) / np.sqrt(v / 20000)
    np.testing.assert_allclose(ours.var(1), v, rtol=0.05)
    # the joint structure (correlation across horizons) against statsmodels' own simulations
    np.testing.assert_allclose(np.corrcoef(ours), np.corrcoef(theirs), atol=0.08)
    # week totals: the quantity the intervals of totals depend on
    np.testing.assert_allclose(ours[:7].sum(0).std(), theirs[:7].sum(0).std(), rtol=0.06)
