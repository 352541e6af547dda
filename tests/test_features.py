"""Value tests of :mod:`crossingcast.features`: exact lag alignment, rolling windows, calendar terms."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crossingcast.features import TREND_ORIGIN, calendar_features, fourier_terms, lag_features

IDX = pd.date_range("2024-01-01", periods=40, freq="D")
# distinct values so that any misalignment by one day changes the feature
Y = pd.Series((np.arange(40) ** 2).astype(float), index=IDX)


@pytest.mark.parametrize("h", [1, 2, 7, 14])
def test_lag_feature_at_t_is_y_at_t_minus_h_exactly(h):
    f = lag_features(Y, horizon=h, lags=(0, 6), windows=(3,))
    assert list(f.columns) == [f"y_lag{h}", f"y_lag{h + 6}", "y_mean3"]
    y = Y.to_numpy()
    for t in range(len(Y)):
        lag0 = f[f"y_lag{h}"].iloc[t]
        lag6 = f[f"y_lag{h + 6}"].iloc[t]
        mean3 = f["y_mean3"].iloc[t]
        if t - h >= 0:
            assert lag0 == y[t - h]
        else:
            assert np.isnan(lag0)
        if t - h - 6 >= 0:
            assert lag6 == y[t - h - 6]
        else:
            assert np.isnan(lag6)
        if t - h - 2 >= 0:  # mean of the 3 days ending at t - h
            assert mean3 == pytest.approx((y[t - h] + y[t - h - 1] + y[t - h - 2]) / 3)
        else:
            assert np.isnan(mean3)


def test_lag_features_by_hand_small_case():
    y = pd.Series([3.0, 5.0, 7.0, 11.0, 13.0], index=IDX[:5])
    f = lag_features(y, horizon=2, lags=(0, 1), windows=(2,), prefix="m")
    np.testing.assert_array_equal(f["m_lag2"].to_numpy(), [np.nan, np.nan, 3.0, 5.0, 7.0])
    np.testing.assert_array_equal(f["m_lag3"].to_numpy(), [np.nan, np.nan, np.nan, 3.0, 5.0])
    np.testing.assert_array_equal(f["m_mean2"].to_numpy(), [np.nan, np.nan, np.nan, 4.0, 6.0])
    assert f.index.equals(y.index)
    with pytest.raises(ValueError, match="horizon"):
        lag_features(y, horizon=0)


def test_calendar_features_by_hand():
    idx = pd.DatetimeIndex(["2018-01-01", "2018-01-07", "2019-01-01"])  # Monday, Sunday, Tuesday
    f = calendar_features(idx, fourier_order=2)
    assert list(f["dow"]) == [0.0, 6.0, 1.0]
    assert list(f["dow_6"]) == [0.0, 1.0, 0.0] and list(f["dow_1"]) == [0.0, 0.0, 1.0]
    assert f.loc[:, [f"dow_{d}" for d in range(1, 7)]].iloc[0].sum() == 0.0  # Monday is the base level
    assert f["trend"].tolist() == pytest.approx([0.0, 6 / 365.25, 365 / 365.25])
    assert TREND_ORIGIN == pd.Timestamp("2018-01-01")
    assert f["fourier_sin_1"].iloc[0] == 0.0 and f["fourier_cos_1"].iloc[0] == 1.0
    assert f["fourier_sin_2"].iloc[1] == pytest.approx(np.sin(2 * np.pi * 2 * 6 / 365.25))
    assert f["fourier_cos_2"].iloc[2] == pytest.approx(np.cos(2 * np.pi * 2 * 365 / 365.25))


def test_fourier_terms_are_periodic_and_ordered():
    idx = pd.DatetimeIndex(["2020-03-01"])
    f = fourier_terms(idx, order=3, period=10.0)
    t = (idx[0] - TREND_ORIGIN).days
    assert list(f.columns) == ["fourier_sin_1", "fourier_cos_1", "fourier_sin_2", "fourier_cos_2",
                               "fourier_sin_3", "fourier_cos_3"]
    for k in (1, 2, 3):
        assert f[f"fourier_sin_{k}"].iloc[0] == pytest.approx(np.sin(2 * np.pi * k * t / 10.0))
        assert f[f"fourier_cos_{k}"].iloc[0] == pytest.approx(np.cos(2 * np.pi * k * t / 10.0))


def test_defaults_columns_and_dtypes():
    y = pd.Series(np.arange(60), index=pd.date_range("2024-01-01", periods=60, freq="D"))  # integers
    f = lag_features(y)  # horizon 1, lags (0, 6), windows (7, 28)
    assert list(f.columns) == ["y_lag1", "y_lag7", "y_mean7", "y_mean28"]
    assert (f.dtypes == "float64").all()
    assert f["y_lag1"].iloc[1] == 0.0 and f["y_lag7"].iloc[7] == 0.0
    assert np.isnan(f["y_mean28"].iloc[27]) and f["y_mean28"].iloc[28] == pytest.approx(13.5)
    # no lags and no windows: an empty table that keeps the dates
    empty = lag_features(y, lags=(), windows=())
    assert empty.shape == (60, 0) and empty.index.equals(y.index)
    with pytest.raises(ValueError, match=r"^horizon must be >= 1$"):
        lag_features(y, horizon=0)
    cal = calendar_features(y.index, fourier_order=2)
    assert list(cal.columns) == (["dow"] + [f"dow_{d}" for d in range(1, 7)]
                                 + ["fourier_sin_1", "fourier_cos_1", "fourier_sin_2", "fourier_cos_2", "trend"])
    assert (cal.dtypes == "float64").all()
    assert (fourier_terms(y.index).dtypes == "float64").all() and fourier_terms(y.index).shape == (60, 6)


def test_calendar_features_default_fourier_order_is_3():
    cal = calendar_features(pd.date_range("2024-01-01", periods=3, freq="D"))
    assert [c for c in cal.columns if c.startswith("fourier")] == [f"fourier_{f}_{k}" for k in (1, 2, 3)
                                                                   for f in ("sin", "cos")]
