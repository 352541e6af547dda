"""Metric correctness against hand computations and closed forms."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crossingcast.evaluate import metrics as M


def test_mae_rmse_by_hand():
    y = [0, 10, 0, 30]
    f = [5, 5, 5, 5]
    assert M.mae(y, f) == pytest.approx((5 + 5 + 5 + 25) / 4)
    assert M.rmse(y, f) == pytest.approx(np.sqrt((25 + 25 + 25 + 625) / 4))


def test_mae_rewards_zeros_rmse_rewards_mean():
    """The documented trap: on zero-inflated counts an all-zero forecast beats the true mean on MAE."""
    rng = np.random.default_rng(0)
    y = rng.binomial(1, 0.4, 20000) * rng.poisson(300, 20000)  # ~60 % zero days, mean 120
    zeros, mean = np.zeros_like(y, dtype=float), np.full(len(y), 120.0)
    assert M.mae(y, zeros) < M.mae(y, mean)
    assert M.rmse(y, mean) < M.rmse(y, zeros)


def test_shapes_must_match():
    with pytest.raises(ValueError):
        M.mae([1, 2], [1, 2, 3])


def test_mase_scale_and_value():
    y_train = np.array([1, 2, 3, 4, 5, 6, 7, 3, 2, 3, 4, 5, 6, 9], dtype=float)
    scale = M.mase_scale(y_train, 7)
    assert scale == pytest.approx(np.mean(np.abs(y_train[7:] - y_train[:7])))
    assert scale == pytest.approx((2 + 0 + 0 + 0 + 0 + 0 + 2) / 7)
    assert M.mase([3, 5], [4, 4], y_train, m=7) == pytest.approx(1.0 / scale)
    assert M.mase([3, 5], [4, 4], scale=2.0) == pytest.approx(0.5)
    assert np.isnan(M.mase([1], [1], scale=0.0))
    assert np.isnan(M.mase_scale([1, 2, 3], 7))


def test_crps_discrete_known_case():
    # Two equally likely values {0, 1}, observation 0: CRPS = int_0^1 (0.5 - 1)^2 dx = 0.25.
    assert M.crps_paths(np.array([[0.0], [1.0]]), [0.0])[0] == pytest.approx(0.25)
    # Observation 0.5 in the middle: int_0^0.5 0.25 + int_0.5^1 0.25 = 0.25.
    assert M.crps_paths(np.array([[0.0], [1.0]]), [0.5])[0] == pytest.approx(0.25)
    # Observation 2: int_0^1 0.25 + int_1^2 1 = 1.25.
    assert M.crps_paths(np.array([[0.0], [1.0]]), [2.0])[0] == pytest.approx(1.25)


def test_crps_point_forecast_is_absolute_error():
    paths = np.full((50, 3), 7.0)
    np.testing.assert_allclose(M.crps_paths(paths, [7.0, 10.0, 0.0]), [0.0, 3.0, 7.0])


def test_crps_matches_energy_form_bruteforce():
    rng = np.random.default_rng(1)
    x = rng.gamma(0.5, 100, size=(60, 4))
    y = np.array([0.0, 20.0, 80.0, 500.0])
    brute = np.mean(np.abs(x - y), axis=0) - 0.5 * np.mean(np.abs(x[:, None, :] - x[None, :, :]), axis=(0, 1))
    np.testing.assert_allclose(M.crps_paths(x, y), brute, rtol=1e-12)


def test_crps_normal_closed_form():
    rng = np.random.default_rng(2)
    mu, sigma = 3.0, 2.0
    x = rng.normal(mu, sigma, size=(200_000, 3))
    y = np.array([3.0, 0.0, 8.0])
    exact = M.crps_normal(mu, sigma, y)
    assert exact[0] == pytest.approx(sigma * (2 * 0.3989422804 - 1 / np.sqrt(np.pi)), rel=1e-6)
    np.testing.assert_allclose(M.crps_paths(x, y), exact, rtol=5e-3)


def test_pinball_by_hand():
    y = np.array([10.0, 0.0])
    q = np.array([4.0, 4.0])
    # level 0.9: 0.9*6 = 5.4 and (0.9-1)*(-4) = 0.4 -> mean 2.9
    assert M.pinball_loss(y, q, 0.9) == pytest.approx(2.9)
    # level 0.5: half the absolute error
    assert M.pinball_loss(y, q, 0.5) == pytest.approx(0.5 * M.mae(y, q))
    with pytest.raises(ValueError):
        M.pinball_loss(y, q, 1.0)


def test_coverage_closed_interval():
    y = np.array([0.0, 5.0, 10.0, 11.0])
    assert M.interval_coverage(y, np.zeros(4), np.full(4, 10.0)) == pytest.approx(0.75)


def test_weekly_totals_and_rmse():
    dates = pd.date_range("2024-06-03", "2024-06-19")  # Mon 3 Jun .. Wed 19 Jun: 2 complete weeks + 3 days
    y = np.arange(len(dates), dtype=float)
    wk = M.weekly_totals(dates, y)
    assert list(wk.index) == [pd.Timestamp("2024-06-09"), pd.Timestamp("2024-06-16")]
    assert wk.iloc[0] == sum(range(7)) and wk.iloc[1] == sum(range(7, 14))
    f = y + 1.0
    assert M.weekly_total_rmse(dates, y, f) == pytest.approx(7.0)


def test_total_error_and_mape():
    assert M.total_error([1, 2, 3], [2, 2, 2]) == pytest.approx(0.0)
    assert M.total_error([1, 2, 3], [3, 3, 3]) == pytest.approx(3.0)
    assert M.mape([100, 200], [110, 150]) == pytest.approx(100 * (0.1 + 0.25) / 2)
    assert M.mape([0, 100], [5, 90]) == pytest.approx(10.0)  # zero actuals excluded


# ----------------------------------------------------------------------------- randomised PIT (issue 15)

def test_randomized_pit_by_hand():
    # paths of one day: 0, 0, 0, 1, 2 -> F(-1)=0, F(0)=0.6, F(1)=0.8, F(2)=1
    paths = np.array([[0.0], [0.0], [0.0], [1.0], [2.0]])
    v = np.random.default_rng(5).random(1)[0]
    assert M.randomized_pit(paths, [0.0], seed=5)[0] == pytest.approx(0.0 + v * 0.6)
    assert M.randomized_pit(paths, [1.0], seed=5)[0] == pytest.approx(0.6 + v * 0.2)
    assert M.randomized_pit(paths, [2.0], seed=5)[0] == pytest.approx(0.8 + v * 0.2)
    assert M.randomized_pit(paths, [7.0], seed=5)[0] == pytest.approx(1.0)
    assert np.isnan(M.randomized_pit(paths, [np.nan])[0])


def test_randomized_pit_uniform_for_a_calibrated_zero_inflated_forecast():
    rng = np.random.default_rng(1)
    n_days, n_paths = 4000, 400
    p_cross = rng.uniform(0.05, 0.6, n_days)  # most days have > 80 % chance of zero for many of them
    lam = rng.uniform(20, 200, n_days)
    draw = lambda size: rng.binomial(1, p_cross, size) * rng.poisson(lam, size)  # noqa: E731
    paths = draw((n_paths, n_days)).astype(float)
    y = draw(n_days).astype(float)
    pit = M.randomized_pit(paths, y, seed=2)
    hist = M.pit_histogram(pit, bins=10)
    assert hist["count"].sum() == n_days
    np.testing.assert_allclose(hist["share"], 0.1, atol=0.025)
    assert M.pit_ks(pit) < 0.03
    # the closed-interval daily coverage of the same calibrated forecast reads far above 0.80
    q10, q90 = np.quantile(paths, 0.1, axis=0), np.quantile(paths, 0.9, axis=0)
    assert M.interval_coverage(y, q10, q90) > 0.85
    # an over-dispersed forecast (paths twice as spread) is detected by the PIT
    wide = paths * 2.0
    assert M.pit_ks(M.randomized_pit(wide, y, seed=2)) > 0.1


def test_pit_ks_and_histogram_by_hand():
    assert M.pit_ks([0.5]) == pytest.approx(0.5)
    assert M.pit_ks([0.25, 0.75]) == pytest.approx(0.25)
    h = M.pit_histogram([0.05, 0.15, 0.95, 1.0, np.nan], bins=10)
    assert h["count"].tolist() == [1, 1, 0, 0, 0, 0, 0, 0, 0, 2]
    assert h["share"].iloc[-1] == pytest.approx(0.5)
def test_empty_inputs_give_nan_and_defaults():
    for f in (M.mae, M.rmse, M.total_error):
        assert f([], []) == 0.0 if f is M.total_error else np.isnan(f([], []))
    assert np.isnan(M.pinball_loss([], [], 0.5)) and np.isnan(M.interval_coverage([], [], []))
    assert np.isnan(M.mape([0, 0], [1, 2]))
    y_train = np.array([1, 2, 3, 4, 5, 6, 7, 3, 2, 3, 4, 5, 6, 9], dtype=float)
    # default seasonal lag is 7 (same weekday last week), for the scale and for mase
    assert M.mase_scale(y_train) == pytest.approx(4 / 7)
    assert M.mase([3, 5], [4, 4], y_train) == pytest.approx(1.0 / (4 / 7))
    assert M.mase_scale(y_train, 1) == pytest.approx(np.mean(np.abs(np.diff(y_train))))
    # exactly m values: no seasonal difference -> NaN; m + 1 values: one difference
    assert np.isnan(M.mase_scale(np.arange(7.0), 7)) and M.mase_scale(np.r_[np.arange(7.0), 10.0], 7) == 10.0
    with pytest.raises(ValueError, match="give y_train or scale"):
        M.mase([1], [1])
    assert np.isnan(M.mase([1], [2], scale=-1.0)) and np.isnan(M.mase([1], [2], scale=np.inf))
    assert M.mase([1, 3], [2, 2], scale=4.0) == pytest.approx(0.25)


def test_pinball_levels_and_coverage_shapes():
    y, q = np.array([10.0, 0.0]), np.array([4.0, 4.0])
    # level 0.1: 0.1 * 6 = 0.6 and 0.9 * 4 = 3.6 -> mean 2.1
    assert M.pinball_loss(y, q, 0.1) == pytest.approx(2.1)
    for bad in (0.0, -0.5, 1.5):
        with pytest.raises(ValueError, match="level must be in"):
            M.pinball_loss(y, q, bad)
    with pytest.raises(ValueError, match="shapes differ"):
        M.pinball_loss(y, q[:1], 0.5)
    with pytest.raises(ValueError, match="shapes differ"):
        M.interval_coverage(y, q, q[:1])
    # lower and upper are not interchangeable: y inside [lower, upper] only
    assert M.interval_coverage([5.0, 5.0], [0.0, 6.0], [10.0, 10.0]) == 0.5
    assert M.interval_coverage([5.0, 5.0], [0.0, 0.0], [10.0, 4.0]) == 0.5


def test_weekly_totals_partial_weeks_and_mape_signs():
    dates = pd.date_range("2024-06-05", "2024-06-18")  # Wed 5 .. Tue 18 Jun: 5 days, 7 days, 2 days
    y = np.ones(len(dates))
    part = M.weekly_totals(dates, y, complete=False)
    assert list(part.index) == [pd.Timestamp("2024-06-09"), pd.Timestamp("2024-06-16"), pd.Timestamp("2024-06-23")]
    assert list(part) == [5.0, 7.0, 2.0]
    full = M.weekly_totals(dates, y)
    assert list(full.index) == [pd.Timestamp("2024-06-16")] and list(full) == [7.0]
    # W-SAT weeks (Sunday-Saturday) group differently
    sat = M.weekly_totals(dates, y, freq="W-SAT", complete=False)
    assert list(sat) == [4.0, 7.0, 3.0]
    # a week whose values are all NaN is dropped, not reported as 0
    y2 = y.copy()
    y2[:5] = np.nan
    assert list(M.weekly_totals(dates, y2, complete=False).index) == [pd.Timestamp("2024-06-16"),
                                                                      pd.Timestamp("2024-06-23")]
    assert M.weekly_total_rmse(dates, y, y + 2.0) == pytest.approx(14.0)  # one complete week, off by 7 * 2
    assert M.weekly_total_rmse(dates, y, y + 2.0, freq="W-SAT") == pytest.approx(14.0)
    # MAPE: absolute percentage, whatever the sign of the error or of the actual
    assert M.mape([100, -50], [90, -60]) == pytest.approx(100 * (0.1 + 0.2) / 2)
    assert M.mape([100], [130]) == pytest.approx(30.0)


# ------------------------------------------------------------ mutation-testing survivors (issue 16)

def test_empty_and_all_nan_inputs_give_a_quiet_nan():
    """No 'mean of empty slice' or 0/0 RuntimeWarning: the guards return NaN before numpy is asked."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for value in (M.mae([], []), M.rmse([], []), M.pinball_loss([], [], 0.5), M.interval_coverage([], [], []),
                      M.mase_scale(np.arange(7.0), 7), M.mase_scale([], 1), M.pit_ks([]), M.pit_ks([np.nan])):
            assert np.isnan(value)
        h = M.pit_histogram([np.nan, np.nan])
    assert len(h) == 10 and h["count"].sum() == 0
    assert h["share"].dtype == np.float64 and h["share"].isna().all()


def test_mase_passes_its_seasonal_lag_to_the_scale():
    y_train = np.array([1, 2, 3, 4, 5, 6, 7, 3, 2, 3, 4, 5, 6, 9], dtype=float)
    # lag 1: mean |diff| = (1+1+1+1+1+1+4+1+1+1+1+1+3) / 13 = 18/13; MAE of (3, 5) vs (4, 4) is 1
    assert M.mase_scale(y_train, 1) == pytest.approx(18 / 13)
    assert M.mase([3, 5], [4, 4], y_train, m=1) == pytest.approx(13 / 18)
    with pytest.raises(ValueError, match=r"^mase: give y_train or scale$"):
        M.mase([1], [1])


def test_crps_and_pit_of_a_single_day_given_as_1d_paths():
    # one day, samples {0, 1}, observation 0: CRPS 0.25 (as in test_crps_discrete_known_case)
    np.testing.assert_allclose(M.crps_paths([0.0, 1.0], 0.0), [0.25])
    # samples 0, 0, 0, 1, 2 and y = 1: F(0) = 0.6, F(1) = 0.8 -> u = 0.6 + v * 0.2
    v = np.random.default_rng(5).random(1)[0]
    np.testing.assert_allclose(M.randomized_pit([0.0, 0.0, 0.0, 1.0, 2.0], 1.0, seed=5), [0.6 + v * 0.2])
    # the default seed is 0; a Generator is used as given
    paths = np.array([[0.0, 3.0], [1.0, 3.0], [2.0, 3.0]])
    v0 = np.random.default_rng(0).random(2)
    np.testing.assert_allclose(M.randomized_pit(paths, [1.0, 3.0]), [1 / 3 + v0[0] / 3, v0[1]])
    np.testing.assert_allclose(M.randomized_pit(paths, [1.0, 3.0], seed=np.random.default_rng(0)),
                               [1 / 3 + v0[0] / 3, v0[1]])
    for f in (M.crps_paths, M.randomized_pit):
        with pytest.raises(ValueError, match="do not match observations"):
            f(paths, [1.0, 2.0, 3.0])


def test_weekly_totals_keep_one_day_weeks_and_rmse_skips_weeks_with_a_missing_actual():
    dates = pd.date_range("2024-06-05", "2024-06-17")  # Wed 5 .. Mon 17 Jun: 5 days, 7 days, 1 day
    part = M.weekly_totals(dates, np.ones(len(dates)), complete=False)
    assert list(part) == [5.0, 7.0, 1.0] and part.index[-1] == pd.Timestamp("2024-06-23")
    # two complete weeks (Mon 3 .. Sun 16 Jun); one actual missing in the first: only the second is scored
    dates = pd.date_range("2024-06-03", "2024-06-16")
    y = np.ones(14)
    y[2] = np.nan
    f = np.r_[np.full(7, 5.0), np.full(7, 2.0)]  # week totals 35 and 14 against 7
    assert M.weekly_total_rmse(dates, y, f) == pytest.approx(7.0)


def test_pit_histogram_and_ks_by_hand():
    h = M.pit_histogram([0.35, 0.45])  # default 10 bins of [0, 1], whatever the range of the data
    assert list(h.columns) == ["bin_lo", "bin_hi", "count", "share"]
    np.testing.assert_allclose(h["bin_lo"], np.arange(10) / 10)
    np.testing.assert_allclose(h["bin_hi"], np.arange(1, 11) / 10)
    assert h["count"].tolist() == [0, 0, 0, 1, 1, 0, 0, 0, 0, 0]
    # KS of (0.3, 0.9, 0.95): D+ = max(1/3 - 0.3, 2/3 - 0.9, 1 - 0.95) = 0.05,
    # D- = max(0.3 - 0, 0.9 - 1/3, 0.95 - 2/3) = 17/30 (the step below the second value)
    assert M.pit_ks([0.9, 0.3, 0.95]) == pytest.approx(17 / 30)


def test_paired_sign_flip_by_hand():
    # d = (-3, -1): the four sign patterns give means -2, -1, 1, 2; |mean| >= 2 in two of them
    r = M.paired_sign_flip([1.0, 2.0], [4.0, 3.0])
    assert r == {"n": 2, "mean_diff": -2.0, "wins_a": 2, "p_two_sided": 0.5, "p_min": 0.5}
    # d = (-3, +1): patterns give -1, -2, 2, 1 -> |mean| >= 1 in all four
    r = M.paired_sign_flip([1.0, 4.0], [4.0, 3.0])
    assert r["mean_diff"] == -1.0 and r["wins_a"] == 1 and r["p_two_sided"] == 1.0
    # five seasons, A always better: only the all-minus and all-plus patterns reach |mean| = 1
    r = M.paired_sign_flip(np.zeros(5), np.ones(5))
    assert r["p_two_sided"] == pytest.approx(2 / 32) and r["p_min"] == pytest.approx(2 / 32)
    assert r["wins_a"] == 5
    # swapping the models flips the sign of the difference, not the p-value
    a, b = [0.1, 0.3, 0.2, 0.5], [0.2, 0.1, 0.4, 0.3]
    ra, rb = M.paired_sign_flip(a, b), M.paired_sign_flip(b, a)
    assert ra["mean_diff"] == pytest.approx(-rb["mean_diff"]) and ra["p_two_sided"] == rb["p_two_sided"]


def test_paired_sign_flip_rejects_bad_input():
    with pytest.raises(ValueError, match="one length"):
        M.paired_sign_flip([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="finite"):
        M.paired_sign_flip([1.0, np.nan], [1.0, 2.0])
    with pytest.raises(ValueError, match="n <= 16"):
        M.paired_sign_flip(np.zeros(17), np.ones(17))
    assert M.paired_sign_flip(np.zeros(16), np.ones(16))["p_two_sided"] == pytest.approx(2 / 2 ** 16)
    with pytest.raises(ValueError, match="^paired_sign_flip: every loss must be finite"):
        M.paired_sign_flip([1.0, np.inf], [1.0, 2.0])
    with pytest.raises(ValueError, match="^paired_sign_flip: needs two loss arrays"):
        M.paired_sign_flip([], [])


def test_paired_sign_flip_edge_cases():
    # one case is allowed (p = 1: both sign patterns reach the observed |mean|)
    assert M.paired_sign_flip([1.0], [2.0]) == {"n": 1, "mean_diff": -1.0, "wins_a": 1, "p_two_sided": 1.0,
                                                 "p_min": 1.0}
    # identical losses: no evidence either way, and no smaller p-value is possible
    r = M.paired_sign_flip([1.0, 2.0], [1.0, 2.0])
    assert r["p_two_sided"] == 1.0 and r["p_min"] == 1.0 and r["wins_a"] == 0
    # a tie (d = 0) and a loss (d = +0.5) are not wins
    assert M.paired_sign_flip([1.0, 1.0, 1.5], [1.0, 2.0, 1.0])["wins_a"] == 1
    # boolean losses (e.g. "interval missed") are numbers, not booleans (numpy cannot subtract booleans)
    r = M.paired_sign_flip(np.array([False, False, True]), np.array([True, True, True]))
    assert r["mean_diff"] == pytest.approx(-2 / 3) and r["wins_a"] == 2
    # ties computed in floating point count as ties: for d = (x, -y, y) the patterns (+,-,+) and (+,+,-)
    # have the same mean x/3 in exact arithmetic, but x - y + y and x + y - y differ in the last bits; with
    # y < x, 6 of the 8 patterns reach |mean| >= x/3 (not (x, -y, -y) and (-x, y, y): |x - 2y| < x)
    for x, y in ((0.7, 0.6), (3397.7, 1441.94)):  # the second needs a tolerance relative to the losses' size
        r = M.paired_sign_flip([x, -y, y], [0.0, 0.0, 0.0])
        assert r["p_two_sided"] == pytest.approx(6 / 8), (x, y)
