"""Hurdle negative-binomial forecaster: real-data fits, a 2024 summer backtest, simulated recovery."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crossingcast.errors import ModelError, NotFittedError
from crossingcast.frame import future_frame
from crossingcast.models import make_forecaster
from crossingcast.models.base import DEFAULT_QUANTILES, load_forecaster
from crossingcast.models.hurdle import HurdleForecaster


@pytest.fixture(scope="module")
def short(frame):
    # training 2022-06-01..2024-06-30; earlier rows only feed the level anomaly (same weeks of earlier years)
    return frame.loc["2019-01-01":"2024-06-30"]


@pytest.fixture(scope="module")
def fitted(short):
    return HurdleForecaster(calibration="none", train_start="2022-06-01").fit(short)


@pytest.fixture(scope="module")
def summer_2024(frame):
    hist = frame.loc[:"2024-06-30"]
    model = HurdleForecaster().fit(hist)
    fut = future_frame(hist, "2024-07-01", "2024-09-30")
    return model, fut, model.predict(fut), frame.loc["2024-07-01":"2024-09-30", "migrants"]


def test_registry():
    assert isinstance(make_forecaster("hurdle"), HurdleForecaster)


def test_fit_real_data_and_coef_table(fitted, short):
    m = fitted
    assert m.is_fitted_ and m.name_ == "hurdle" and m.last_date_ == short.index[-1]
    assert m.train_start_ == pd.Timestamp("2022-06-01")
    assert m.convergence_["cross_converged"] and m.convergence_["count_converged"]
    tab = m.coef_table()
    assert list(tab.columns) == ["part", "term", "coef", "std_err", "p_value", "exp_coef"]
    assert set(tab["part"]) == {"cross", "count"}
    assert {"const", "level", "fourier_cos_1", "dow_6"} <= set(tab.loc[tab.part == "cross", "term"])
    assert tab.loc[(tab.part == "count") & (tab.term == "alpha"), "coef"].item() == pytest.approx(1 / m.shape_)
    finite = tab.dropna(subset=["exp_coef"])
    assert np.isfinite(finite[["coef", "std_err", "p_value"]].to_numpy()).all()
    np.testing.assert_allclose(finite["exp_coef"], np.exp(finite["coef"]))
    # events entirely before the window (COVID lockdowns) or in force throughout (Brexit) are unidentifiable
    for ev in ("event_covid_france_lockdown_1", "event_brexit_end_of_transition"):
        assert ev in m.dropped_features_ and ev not in m.features_
    assert "event_uk_france_summit_2023" in m.features_


def test_summer_crossing_probability_higher(fitted, short):
    comp = fitted.predict_components(future_frame(short, "2024-07-01", "2025-01-31"))
    summer = comp.loc["2024-07-01":"2024-08-31", "p_cross"].mean()
    winter = comp.loc["2024-12-01":"2025-01-31", "p_cross"].mean()
    assert summer > winter + 0.1
    assert summer > comp.loc["2024-12-01":"2025-01-31", "mu"].mean() / comp["mu"].max()  # sanity: in (0, 1)
    assert (comp["mu"] > 0).all() and ((comp["p_cross"] > 0) & (comp["p_cross"] < 1)).all()
    np.testing.assert_allclose(comp["mu"], comp["p_cross"] * comp["mean_if_cross"])


def test_in_sample_crossing_share(fitted):
    s = fitted.in_sample_
    # a logit with an intercept reproduces the observed share at the MLE
    assert s["mean_p_cross"] == pytest.approx(s["observed_crossing_share"], abs=0.005)
    assert s["sum_mean"] == pytest.approx(s["sum_observed"], rel=0.1)


def test_forecast_distribution(fitted, short):
    fut = future_frame(short, "2024-07-01", "2024-08-31")
    fc = fitted.predict(fut)
    assert fc.paths.shape == (1000, len(fut)) and (fc.paths >= 0).all()
    assert np.array_equal(fc.paths, np.round(fc.paths))
    assert list(fc.quantiles.columns) == list(DEFAULT_QUANTILES)
    assert (np.diff(fc.quantiles.to_numpy(), axis=1) >= 0).all()
    comp = fitted.predict_components(fut)
    np.testing.assert_allclose(fc.mean.to_numpy(), comp["mu"].to_numpy())  # analytic mean passes through
    tot = fc.paths.sum(axis=1)
    assert abs(tot.mean() - fc.mean.sum()) < 4 * tot.std() / np.sqrt(len(tot))
    assert fc.info["weather"] == "none" and fc.info["weather_blind"] is True
    assert fc.info["horizon_days"] == [1, 62]


def test_summer_2024_total_within_own_interval(summer_2024):
    """Backtest from 2024-06-30 (default 4-year window, hold-out calibrated level factor).

    Measured when written: mean ~13,600 vs actual 11,755, 80% interval ~8,100..19,600 (before issue 15;
    with 3 held-out years, horizon bands and persistent crossing days: see docs/models.md).  With the
    as-of events calendar (issue 15: at 2024-06-30 the end of the Rwanda flag on 5 July was not yet
    known) the mean is 17,581 (+50%): the earlier +16% had used hindsight.  The error bound is the
    hurdle's worst measured season-ahead error (Jun-Sep from 31 May, 2021-2025: 66%,
    benchmarks/season_ahead.py), not a guess.
    """
    model, fut, fc, actual = summer_2024
    tot = fc.total(quantiles=(0.1, 0.9))
    assert tot["p10"] <= actual.sum() <= tot["p90"]
    assert abs(tot["mean"] / actual.sum() - 1) < 0.66
    cal = model.calibration_
    assert cal["method"] == "holdout" and cal["n_origins"] >= 70  # 14-day origins over 3 held-out years
    assert len(cal["seasons"]) == 3 and all(s["n_origins"] >= 25 for s in cal["seasons"])
    # level uncertainty per horizon band to a year, non-decreasing and never below the documented floor
    sd = [cal["level_sd_by_horizon"][h] for h in (7, 14, 28, 63, 182, 366)]
    assert all(b >= a for a, b in zip(sd, sd[1:]))
    assert all(v >= cal["floor"]["floor"][h] > 0 for h, v in zip((7, 14, 28, 63, 182, 366), sd))
    assert cal["level_sd"] == sd[-1] and 0 <= cal["persistence"] < 1
    daily = ((actual >= fc.quantile(0.1)) & (actual <= fc.quantile(0.9))).mean()
    assert daily > 0.7  # daily 80% intervals are not far too narrow


def test_reproducible_and_save_load(short, tmp_path):
    fut = future_frame(short, "2024-07-01", "2024-07-31")
    a = HurdleForecaster(calibration="none", random_state=3, train_start="2022-06-01").fit(short)
    b = HurdleForecaster(calibration="none", random_state=3, train_start="2022-06-01").fit(short)
    fa, fb = a.predict(fut), b.predict(fut)
    np.testing.assert_array_equal(fa.paths, fb.paths)
    pd.testing.assert_frame_equal(fa.to_frame(), fb.to_frame())
    c = load_forecaster(a.save(tmp_path / "h.joblib"))
    fc = c.predict(fut)
    np.testing.assert_array_equal(fa.paths, fc.paths)
    pd.testing.assert_frame_equal(fa.to_frame(), fc.to_frame())
    pd.testing.assert_frame_equal(a.coef_table(), c.coef_table())


def test_errors(fitted, short):
    fut = future_frame(short, "2024-07-01", "2024-07-10")
    with pytest.raises(NotFittedError):
        HurdleForecaster().predict(fut)
    with pytest.raises(NotFittedError):
        HurdleForecaster().coef_table()
    with pytest.raises(ModelError, match="lacks column"):
        fitted.predict(fut.drop(columns=["fourier_cos_1"]))
    with pytest.raises(ModelError, match="after the training period"):
        fitted.predict(future_frame(short, "2024-06-15", "2024-07-10"))
    with pytest.raises(ModelError, match="lacks feature"):
        HurdleForecaster(features=["wind_mean"]).fit(short)
    with pytest.raises(ModelError, match="usable training"):
        HurdleForecaster().fit(short.loc["2024-01-01":"2024-03-31"])
    with pytest.raises(ModelError, match="usable training"):  # the anomaly needs a year before each row
        HurdleForecaster().fit(short.loc["2023-10-01":"2024-06-30"])
    with pytest.raises(ModelError, match="level_mode"):
        HurdleForecaster(level_mode="x").fit(short)


def test_gap_is_extra_horizon(fitted, short):
    fc = fitted.predict(future_frame(short, "2024-08-01", "2024-08-10"))
    assert fc.info["horizon_days"] == [32, 41]


@pytest.mark.parametrize("mode", ["anomaly", "raw"])
def test_update_moves_level_without_refit(frame, mode):
    hist = frame.loc["2020-01-01":"2024-05-31"]
    m = HurdleForecaster(calibration="none", level_mode=mode, train_start="2022-06-01").fit(hist)
    params = m.coef_table().copy()
    fut = future_frame(hist, "2024-07-01", "2024-07-31")
    before = m.predict(fut)
    m.update(frame.loc["2024-06-01":"2024-06-30"])
    assert m.last_date_ == pd.Timestamp("2024-06-30")
    pd.testing.assert_frame_equal(m.coef_table(), params)
    after = m.predict(fut)
    y = frame["migrants"]
    expected = np.log1p(y.loc["2024-05-06":"2024-06-30"].mean())
    if mode == "anomaly":  # minus the same 56 days 52, 104, 156 weeks earlier
        past = [y.loc[pd.Timestamp("2024-05-06") - pd.Timedelta(days=364 * k):
                      pd.Timestamp("2024-06-30") - pd.Timedelta(days=364 * k)].mean() for k in (1, 2, 3)]
        expected -= np.log1p(np.mean(past))
    assert after.info["level"] == pytest.approx(expected)
    assert after.info["level"] != before.info["level"]
    assert not np.allclose(after.mean.to_numpy(), before.mean.to_numpy())
    with pytest.raises(ModelError, match="gap"):
        m.update(frame.loc["2024-08-01":"2024-08-31"])


@pytest.mark.parametrize("mode", ["anomaly", "raw"])
def test_level_term_has_no_leakage(frame, mode):
    """Training rows use the level window ending ``level_lag`` days earlier: changing later data does not move it."""
    m = HurdleForecaster(level_window=28, level_lag=14, level_mode=mode)
    y = frame["migrants"].astype(float).loc["2021-01-01":"2023-12-31"]
    lvl = m._level_train(y)
    y2 = y.copy()
    y2.loc["2023-07-01":] += 1000.0
    lvl2 = m._level_train(y2)
    pd.testing.assert_series_equal(lvl.loc[:"2023-07-14"], lvl2.loc[:"2023-07-14"])
    assert lvl.loc["2023-07-15"] != lvl2.loc["2023-07-15"]
    raw = np.log1p(y.loc["2023-06-04":"2023-07-01"].mean())
    if mode == "raw":
        assert lvl.loc["2023-07-15"] == pytest.approx(raw)
    else:
        past = [y.loc[pd.Timestamp("2023-06-04") - pd.Timedelta(days=364 * k):
                      pd.Timestamp("2023-07-01") - pd.Timedelta(days=364 * k)].mean() for k in (1, 2)]
        assert lvl.loc["2023-07-15"] == pytest.approx(raw - np.log1p(np.mean(past)))


def test_recovers_known_effects_on_simulated_data(frame):
    """Simulate from a known hurdle NB with an event and a weather effect; the 99% CIs cover the truth."""
    rng = np.random.default_rng(11)
    sim = frame.loc["2021-01-01":"2024-12-31"].copy()
    n = len(sim)
    sim["event_test"] = 0.0
    sim.loc["2023-03-01":"2023-08-31", "event_test"] = 1.0
    sim["wind_mean"] = rng.gamma(4.0, 2.0, n)
    eta = -0.3 + 0.8 * sim["fourier_cos_1"].to_numpy() * -1 - 0.15 * (sim["wind_mean"].to_numpy() - 8) \
        + 0.7 * sim["event_test"].to_numpy()
    p = 1 / (1 + np.exp(-eta))
    m = np.exp(3.5 - 0.4 * sim["fourier_cos_1"].to_numpy() - 0.5 * sim["event_test"].to_numpy())
    alpha = 0.6
    cross = rng.random(n) < p
    excess = rng.poisson(rng.gamma(1 / alpha, alpha * m))
    sim["migrants"] = (cross * (1 + excess)).astype(int)
    feats = ["event_test", "wind_mean", "fourier_sin_1", "fourier_cos_1", "dow_5", "dow_6"]
    model = HurdleForecaster(features=feats, level_window=0, calibration="none").fit(sim)
    tab = model.coef_table().set_index(["part", "term"])
    truth = {("cross", "event_test"): 0.7, ("cross", "wind_mean"): -0.15, ("cross", "fourier_cos_1"): -0.8,
             ("count", "event_test"): -0.5, ("count", "fourier_cos_1"): -0.4, ("count", "alpha"): alpha}
    for key, val in truth.items():
        row = tab.loc[key]
        assert abs(row["coef"] - val) < 2.58 * row["std_err"] + 1e-9, (key, row["coef"], row["std_err"])
    # the weather column makes the model weather-aware
    assert model.weather_features_ == ["wind_mean"]
    fut = future_frame(sim, "2025-01-01", "2025-01-10")
    assert "wind_mean" in fut.columns and fut.attrs["weather_mode"] == "climatology"
    fc = model.predict(fut)
    assert fc.info["weather_blind"] is False and fc.info["weather"] == "climatology"


def test_calibration_falls_back_when_window_too_short(short):
    m = HurdleForecaster(train_start="2023-09-01").fit(short)
    assert m.calibration_["method"] == "none" and m.calibration_["level_sd"] == 0.0
    assert "too short" in m.calibration_["reason"]
    one = HurdleForecaster(train_start="2022-06-01", calibration_seasons=1).fit(short)
    assert one.calibration_["method"] == "holdout" and len(one.calibration_["seasons"]) == 1
    assert one.calibration_["seasons"][0]["start"] == "2023-07-02"


def test_event_in_force_only_days_before_the_origin_is_dropped(frame):
    """The Safety of Rwanda Act took effect on 25 April 2024: fitted on 28 April it has four days in force.

    With the rule the June-September 2024 mean stays near the one fitted a week earlier; without it the
    four days' coefficient (logit +0.66) is carried into the whole summer (measured 17,339 -> 30,734; the
    outturn was 14,796).  A short event that is over keeps its coefficient.
    """
    def jun_sep(origin, **kw):
        hist = frame.loc[:origin]
        m = HurdleForecaster(n_paths=50, calibration="none", **kw).fit(hist)
        fc = m.predict(future_frame(hist, pd.Timestamp(origin) + pd.Timedelta(days=1), "2024-09-30"))
        return m, float(fc.mean.loc["2024-06-01":].sum())

    name = "event_safety_of_rwanda_act_2024"
    week_before, base = jun_sep("2024-04-21")
    assert name not in week_before.features_
    m, with_rule = jun_sep("2024-04-28")
    assert name not in m.cross_terms_ and name not in m.count_terms_
    assert m.dropped_features_[name].startswith("in force on only 4 training days")
    _, without_rule = jun_sep("2024-04-28", min_event_days=0)
    assert abs(with_rule / base - 1) < 0.15
    assert without_rule / base > 1.5
    # an event that is over is kept however short: the 2021 mass drowning (14 days in force)
    assert "event_channel_mass_drowning_2021" in m.cross_terms_


def test_events_in_force_together_share_one_coefficient(frame):
    """The French maritime interventions (27 Nov 2025) and the Border Security Act (2 Dec 2025) differ on 5 days.

    Fitted separately at 30 April 2026 their crossing-day logits were -16.9 and +16.8 (standard errors
    4,300): a scenario that switched one off would multiply crossing odds by 2e7.  The later one is dropped.
    """
    m = HurdleForecaster(n_paths=50).fit(frame.loc[:"2026-04-30"])
    why = m.dropped_features_["event_border_security_act_2025"]
    assert why.startswith("indistinguishable from event_french_maritime_interventions_2025")
    t = m.coef_table()
    kept = t[t["term"] == "event_french_maritime_interventions_2025"]
    assert len(kept) == 2 and (kept["coef"].abs() < 3).all() and (kept["std_err"] < 2).all()
