"""Value tests of :class:`crossingcast.models.Forecast`, each against a hand calculation.

The path arrays are chosen so that a quantile of the sum differs from the sum of the daily
quantiles: an implementation that adds daily quantiles (the classic mistake) fails.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from crossingcast.errors import ModelError
from crossingcast.models import Forecast
from crossingcast.models.base import DEFAULT_QUANTILES, quantile_label

# Four paths over three days.  Day quantiles (numpy "linear"): median of each day is 5.
# Path sums: 0+10+0=10, 10+0+10=20, 0+10+10=20, 10+0+0=10  -> median of the sums 15,
# while the sum of the daily medians is 5+5+5 = 15 too, so the P10/P90 are what differ:
# P10 of the sums = 10, sum of the daily P10s = 0;  P90 of the sums = 20, sum of daily P90s = 30.
PATHS = np.array([[0.0, 10.0, 0.0],
                  [10.0, 0.0, 10.0],
                  [0.0, 10.0, 10.0],
                  [10.0, 0.0, 0.0]])
IDX = pd.date_range("2024-07-01", periods=3, freq="D")


def _fc(paths=PATHS, idx=IDX, mean=None):
    return Forecast.from_paths(paths, idx, model="toy", mean=mean)


def test_quantile_label():
    assert [quantile_label(q) for q in (0.1, 0.05, 0.5, 0.975)] == ["p10", "p5", "p50", "p97.5"]


def test_from_paths_mean_and_daily_quantiles_by_hand():
    fc = _fc()
    np.testing.assert_array_equal(fc.mean.to_numpy(), [5.0, 5.0, 5.0])
    # numpy linear quantile of {0, 0, 10, 10}: position q*(n-1) = 3q -> P10 at 0.3 -> 0, P90 at 2.7 -> 10
    np.testing.assert_allclose(fc.quantile(0.1).to_numpy(), [0.0, 0.0, 0.0])
    np.testing.assert_allclose(fc.quantile(0.9).to_numpy(), [10.0, 10.0, 10.0])
    np.testing.assert_allclose(fc.quantile(0.5).to_numpy(), [5.0, 5.0, 5.0])
    assert list(fc.quantiles.columns) == list(DEFAULT_QUANTILES)
    # an analytic mean passes through unchanged (not the path average)
    np.testing.assert_array_equal(_fc(mean=[1.0, 2.0, 3.0]).mean.to_numpy(), [1.0, 2.0, 3.0])


def test_total_is_quantile_of_path_sums_not_sum_of_quantiles():
    fc = _fc(mean=[1.0, 2.0, 4.0])
    tot = fc.total(quantiles=(0.1, 0.5, 0.9))
    # mean: sum of the daily means (1 + 2 + 4), not the path average (15)
    assert tot["mean"] == 7.0
    # sums {10, 20, 20, 10} sorted {10, 10, 20, 20}: P10 at 0.3 -> 10, P50 at 1.5 -> 15, P90 at 2.7 -> 20
    assert tot["p10"] == pytest.approx(10.0)
    assert tot["p50"] == pytest.approx(15.0)
    assert tot["p90"] == pytest.approx(20.0)
    # ... and the sum of daily quantiles would have been 0 and 30
    assert fc.quantile(0.1).sum() == 0.0 and fc.quantile(0.9).sum() == 30.0


def test_total_over_a_sub_period_and_other_levels():
    fc = _fc(mean=[1.0, 2.0, 4.0])
    tot = fc.total(start="2024-07-02", end="2024-07-03", quantiles=(0.25, 0.75))
    # days 2-3: sums {10, 10, 20, 0} sorted {0, 10, 10, 20}; P25 at 0.75 -> 7.5, P75 at 2.25 -> 12.5
    assert tot["mean"] == 6.0
    assert tot["p25"] == pytest.approx(7.5) and tot["p75"] == pytest.approx(12.5)
    assert list(tot.index) == ["mean", "p25", "p75"]
    only_first = fc.total(end="2024-07-01")
    assert only_first["mean"] == 1.0 and only_first["p90"] == pytest.approx(10.0)
    with pytest.raises(ModelError, match="no dates"):
        fc.total(start="2025-01-01")


def test_total_without_paths_is_nan_never_faked():
    fc = _fc()
    bare = Forecast(mean=fc.mean, quantiles=fc.quantiles, model="bare")
    tot = bare.total()
    assert tot["mean"] == 15.0 and np.isnan(tot["p10"]) and np.isnan(tot["p90"])


def test_weekly_aggregate_by_hand():
    # Fri 5 Jul .. Tue 9 Jul 2024: week ending Sun 7 Jul has 3 days, week ending Sun 14 Jul has 2.
    idx = pd.date_range("2024-07-05", periods=5, freq="D")
    paths = np.array([[0, 10, 0, 5, 0],
                      [10, 0, 10, 0, 0],
                      [0, 10, 10, 0, 5],
                      [10, 0, 0, 0, 0]], dtype=float)
    fc = Forecast.from_paths(paths, idx, mean=[1.0, 2.0, 4.0, 8.0, 16.0])
    agg = fc.aggregate("W-SUN")
    assert list(agg["period"]) == [pd.Timestamp("2024-07-07"), pd.Timestamp("2024-07-14")]
    assert list(agg["n_days"]) == [3, 2]
    assert list(agg["mean"]) == [7.0, 24.0]
    # week 1 sums {10, 20, 20, 10} as in test_total_...: P10 10, P50 15, P90 20 (sum of daily P90s: 30)
    assert agg.loc[0, ["p10", "p50", "p90"]].tolist() == pytest.approx([10.0, 15.0, 20.0])
    # week 2 sums {5, 0, 5, 0} sorted {0, 0, 5, 5}: P10 0, P50 2.5, P90 5 (sum of daily P90s: 3.5 + 3.5 = 7)
    assert agg.loc[1, ["p10", "p50", "p90"]].tolist() == pytest.approx([0.0, 2.5, 5.0])
    assert fc.quantile(0.9).iloc[3:].sum() == pytest.approx(7.0)


def test_monthly_aggregate_and_empty_periods_skipped():
    idx = pd.date_range("2024-06-29", periods=4, freq="D")  # 29, 30 Jun, 1, 2 Jul
    fc = Forecast.from_paths(np.ones((5, 4)), idx, mean=[1.0, 2.0, 3.0, 4.0])
    agg = fc.aggregate("MS")
    assert list(agg["period"]) == [pd.Timestamp("2024-06-01"), pd.Timestamp("2024-07-01")]
    assert list(agg["mean"]) == [3.0, 7.0] and list(agg["n_days"]) == [2, 2]
    assert list(agg["p90"]) == [2.0, 2.0]


def test_exceedance_by_hand():
    fc = _fc()
    np.testing.assert_allclose(fc.exceedance(10).to_numpy(), [0.5, 0.5, 0.5])
    np.testing.assert_allclose(fc.exceedance(0).to_numpy(), [1.0, 1.0, 1.0])
    np.testing.assert_allclose(fc.exceedance(10.5).to_numpy(), [0.0, 0.0, 0.0])
    # ">=": a path exactly at the threshold counts
    fc2 = Forecast.from_paths(np.array([[3.0], [4.0], [5.0], [6.0]]), IDX[:1])
    assert fc2.exceedance(5).iloc[0] == 0.5 and fc2.exceedance(5).name == "p_ge_5"
    with pytest.raises(ModelError, match="sample paths"):
        Forecast(mean=fc.mean, quantiles=fc.quantiles).exceedance(1)


def test_quantile_from_paths_when_not_stored():
    fc = Forecast.from_paths(PATHS, IDX, quantiles=(0.5,))
    # 0.25 not stored: computed from the paths, {0,0,10,10} at position 0.75 -> 0
    np.testing.assert_allclose(fc.quantile(0.25).to_numpy(), [0.0, 0.0, 0.0])
    np.testing.assert_allclose(fc.quantile(0.75).to_numpy(), [10.0, 10.0, 10.0])
    bare = Forecast(mean=fc.mean, quantiles=fc.quantiles)
    with pytest.raises(ModelError, match="no quantile"):
        bare.quantile(0.25)


def test_post_init_clips_and_sorts_quantiles():
    idx = IDX[:2]
    q = pd.DataFrame({0.9: [5.0, -1.0], 0.1: [7.0, 2.0]}, index=idx)  # crossed and negative
    fc = Forecast(mean=pd.Series([-2.0, 3.0], index=idx), quantiles=q,
                  paths=np.array([[-1.0, 2.0], [3.0, 4.0]]))
    assert list(fc.quantiles.columns) == [0.1, 0.9]
    np.testing.assert_array_equal(fc.quantiles.to_numpy(), [[5.0, 7.0], [0.0, 2.0]])
    np.testing.assert_array_equal(fc.mean.to_numpy(), [0.0, 3.0])
    np.testing.assert_array_equal(fc.paths, [[0.0, 2.0], [3.0, 4.0]])
    with pytest.raises(ModelError, match="non-finite"):
        Forecast(mean=pd.Series([np.nan, 1.0], index=idx), quantiles=q)
    with pytest.raises(ModelError, match="same dates"):
        Forecast(mean=pd.Series([1.0, 1.0], index=idx), quantiles=q.iloc[:1])
    with pytest.raises(ModelError, match="shape"):
        Forecast(mean=pd.Series([1.0, 1.0], index=idx), quantiles=q, paths=np.ones((3, 3)))


def test_to_frame_columns_and_values():
    tab = _fc(mean=[1.0, 2.0, 4.0]).to_frame()
    assert list(tab.columns[:5]) == ["date", "mean", "p10", "p50", "p90"]
    assert tab["model"].eq("toy").all() and list(tab["mean"]) == [1.0, 2.0, 4.0]
    assert list(tab["p90"]) == pytest.approx([10.0, 10.0, 10.0])
    assert "p5" in tab.columns and "p95" in tab.columns


def test_default_weekly_aggregate_and_gaps_between_dates():
    # default freq is W-SUN; dates with empty weeks between them give no rows for the empty weeks
    idx = pd.DatetimeIndex(["2024-07-01", "2024-07-02", "2024-07-20"])
    paths = np.array([[1.0, 0.0, 5.0], [0.0, 1.0, 7.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no deprecated pandas alias behind the default
        agg = Forecast.from_paths(paths, idx).aggregate()
    assert list(agg["period"]) == [pd.Timestamp("2024-07-07"), pd.Timestamp("2024-07-21")]
    assert list(agg["n_days"]) == [2, 1] and list(agg["mean"]) == [1.0, 6.0]
    # week 1: both path sums are 1, so every quantile is 1 (the daily P90s would sum to 0.9 + 0.9)
    assert agg.loc[0, ["p10", "p50", "p90"]].tolist() == [1.0, 1.0, 1.0]
    assert agg.loc[1, ["p10", "p50", "p90"]].tolist() == pytest.approx([5.2, 6.0, 6.8])


def test_exceedance_differs_by_day_and_keeps_the_dates():
    paths = np.array([[0.0, 5.0, 9.0], [2.0, 6.0, 9.0], [4.0, 7.0, 9.0], [6.0, 8.0, 1.0]])
    ex = Forecast.from_paths(paths, IDX).exceedance(5)
    assert ex.index.equals(IDX)
    np.testing.assert_allclose(ex.to_numpy(), [0.25, 1.0, 0.75])


# ------------------------------------------------------------ mutation-testing survivors (issue 16)

def test_mean_and_quantiles_concat_into_a_labelled_table():
    # the mean is a Series named "mean" on an index named "date", and each quantile Series is named by its
    # label, stored (p90) or computed from the paths (p25): pd.concat gives a labelled tidy table
    fc = Forecast.from_paths(PATHS, IDX, quantiles=(0.5, 0.9))
    tab = pd.concat([fc.mean, fc.quantile(0.9), fc.quantile(0.25)], axis=1).reset_index()
    assert list(tab.columns) == ["date", "mean", "p90", "p25"]
    assert list(tab["date"]) == list(IDX)


def test_stored_quantiles_win_over_the_paths_and_computed_ones_are_per_day():
    # stored P50 of 3, 4, 5 while the paths' daily medians are 5: the stored level is returned, by its label
    q = pd.DataFrame({0.5: [3.0, 4.0, 5.0]}, index=IDX)
    fc = Forecast(mean=pd.Series([5.0, 5.0, 5.0], index=IDX), quantiles=q, paths=PATHS)
    med = fc.quantile(0.5)
    assert med.tolist() == [3.0, 4.0, 5.0] and med.name == "p50" and med.index.equals(IDX)
    # a level not stored comes from each day's paths: day values {0, 2, 4, 6}, {1, 1, 1, 9}, {7, 7, 7, 7};
    # P75 (position 2.25): 4.5, 3.0, 7.0 (pooled over all days it would be one number)
    paths = np.array([[0.0, 1.0, 7.0], [2.0, 1.0, 7.0], [4.0, 1.0, 7.0], [6.0, 9.0, 7.0]])
    p75 = Forecast.from_paths(paths, IDX, quantiles=(0.5,)).quantile(0.75)
    assert p75.tolist() == pytest.approx([4.5, 3.0, 7.0]) and p75.index.equals(IDX) and p75.name == "p75"


def test_from_paths_clips_negative_paths_before_the_mean_and_defaults():
    # paths -4 and 2 on one day: clipped to 0 and 2 -> mean 1, P50 1 (unclipped: mean -1 -> 0, P50 -1 -> 0)
    fc = Forecast.from_paths(np.array([[-4.0], [2.0]]), IDX[:1], quantiles=(0.5,))
    assert fc.mean.iloc[0] == 1.0 and fc.quantile(0.5).iloc[0] == 1.0
    assert fc.model == "" and fc.info == {}
    assert Forecast.from_paths(PATHS, IDX, info={"weather": "climatology"}).info == {"weather": "climatology"}


def test_integer_inputs_give_a_float_mean_and_errors_name_the_bad_day():
    # a seasonal-naive mean copies integer counts; the Forecast keeps a float mean (so a later fractional
    # adjustment is not truncated)
    q = pd.DataFrame({0.5: [1, 2, 3]}, index=IDX)
    fc = Forecast(mean=pd.Series([1, 2, 3], index=IDX), quantiles=q)
    assert fc.mean.dtype == np.float64
    fc.mean.iloc[0] = 0.5
    assert fc.mean.iloc[0] == 0.5
    # the non-finite mean is reported on its own date (the second day), not on the first finite one
    with pytest.raises(ModelError, match=r"non-finite mean on 2024-07-02"):
        Forecast(mean=pd.Series([1.0, np.inf, 2.0], index=IDX), quantiles=q)
    with pytest.raises(ModelError, match=r"^Forecast: quantiles and mean must share the same dates$"):
        Forecast(mean=pd.Series([1.0, 2.0], index=IDX[:2]), quantiles=q)


def test_young_ongoing_event_rule_by_hand():
    from crossingcast.models.base import young_ongoing_event

    daily = np.r_[np.zeros(100), np.ones(27)]
    assert young_ongoing_event(daily, 28).startswith("in force on only 27 training days")
    assert young_ongoing_event(np.r_[np.zeros(100), np.ones(28)], 28) is None  # exactly enough days
    assert young_ongoing_event(np.r_[np.ones(5), np.zeros(100)], 91) is None  # over: kept however short
    assert young_ongoing_event(daily, 0) is None  # the rule switched off
    # weekly shares: 12 full weeks and a week with 3 of 7 days in force = 87 days < 91
    weekly = np.r_[np.zeros(20), 3 / 7, np.ones(12)]
    assert young_ongoing_event(weekly, 91, days_per_row=7).startswith("in force on only 87 training days")
    assert young_ongoing_event(np.r_[weekly, 1.0], 91, days_per_row=7) is None  # 94 days


def test_indistinguishable_event_rule_by_hand():
    from crossingcast.models.base import indistinguishable_event

    a = np.r_[np.zeros(100), np.ones(50)]
    b = np.r_[np.zeros(105), np.ones(45)]  # in force 5 days later: differs on 5 days
    why = indistinguishable_event(b, {"event_a": a}, 28)
    assert why.startswith("indistinguishable from event_a") and "on 5 days < 28" in why
    assert indistinguishable_event(b, {}, 28) is None  # nothing kept yet
    c = np.r_[np.zeros(72), np.ones(78)]  # 28 days earlier than a: told apart
    assert indistinguishable_event(c, {"event_a": a}, 28) is None
    assert indistinguishable_event(b, {"event_a": a}, 0) is None  # the rule switched off
    # an event that ended in between is told apart from one still in force
    d = np.r_[np.zeros(100), np.ones(10), np.zeros(40)]
    assert indistinguishable_event(d, {"event_a": a}, 28) is None
    # short events never in force together are each identified on their own days (differ on 18 days)
    assert indistinguishable_event(np.r_[np.zeros(146), np.ones(4)], {"event_short": np.r_[np.ones(14), np.zeros(136)]},
                                   28) is None
    # weekly rows: one week apart = 7 days
    assert "on 7 days" in indistinguishable_event(np.r_[0.0, 0.0, 1.0, 1.0], {"event_a": [0.0, 0.5, 1.0, 1.0]}, 28,
                                                  days_per_row=7)
