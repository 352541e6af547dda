"""Calendar, Fourier and horizon-aware lag features.

Everything here is a pure function of dates or of *past* values, so a feature
at a forecast origin uses only information available then:

* :func:`calendar_features` — day of week, annual Fourier terms, trend; known
  in advance for any date;
* :func:`lag_features` — lags and rolling levels of the target that respect a
  forecast horizon: with ``horizon=h``, the feature on day *t* only uses
  values up to day *t - h*.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd

__all__ = ["TREND_ORIGIN", "calendar_features", "fourier_terms", "lag_features"]

#: Day zero of the ``trend`` feature (years since this date).
TREND_ORIGIN = pd.Timestamp("2018-01-01")
_YEAR = 365.25


def fourier_terms(index: pd.DatetimeIndex, order: int = 3, period: float = _YEAR) -> pd.DataFrame:
    """Annual Fourier terms ``fourier_sin_k``, ``fourier_cos_k`` for k = 1..order.

    The phase is days since :data:`TREND_ORIGIN` modulo ``period``, so the
    terms are continuous across leap years.
    """
    index = pd.DatetimeIndex(index)
    t = ((index - TREND_ORIGIN) / pd.Timedelta(days=1)).to_numpy(dtype=float)
    out = {}
    for k in range(1, order + 1):
        out[f"fourier_sin_{k}"] = np.sin(2 * np.pi * k * t / period)
        out[f"fourier_cos_{k}"] = np.cos(2 * np.pi * k * t / period)
    return pd.DataFrame(out, index=index)


def calendar_features(index: pd.DatetimeIndex, fourier_order: int = 3) -> pd.DataFrame:
    """Day of week (``dow`` 0=Monday, and ``dow_1``..``dow_6`` dummies), Fourier terms and ``trend``.

    ``trend`` is in years since :data:`TREND_ORIGIN`.
    """
    index = pd.DatetimeIndex(index)
    out = pd.DataFrame(index=index)
    out["dow"] = index.day_of_week.astype(float)
    for d in range(1, 7):
        out[f"dow_{d}"] = (index.day_of_week == d).astype(float)
    out = out.join(fourier_terms(index, fourier_order))
    out["trend"] = ((index - TREND_ORIGIN) / pd.Timedelta(days=_YEAR)).to_numpy(dtype=float)
    return out


def lag_features(y: pd.Series, horizon: int = 1, lags: Iterable[int] = (0, 6),
                 windows: Iterable[int] = (7, 28), prefix: str = "y") -> pd.DataFrame:
    """Lags and rolling means of ``y`` usable at forecast horizon ``horizon``.

    The feature on day *t* uses only ``y`` up to day *t - horizon*:
    ``{prefix}_lag{h+l}`` is ``y[t - horizon - l]`` and ``{prefix}_mean{w}``
    the mean of the ``w`` days ending at *t - horizon*.  The series must be
    daily without gaps; leading rows without enough history are NaN.
    """
    if horizon < 1:
        raise ValueError("horizon must be >= 1")
    y = y.astype(float)
    shifted = y.shift(horizon)
    out = {}
    for lag in lags:
        out[f"{prefix}_lag{horizon + lag}"] = shifted.shift(lag)
    for w in windows:
        out[f"{prefix}_mean{w}"] = shifted.rolling(w, min_periods=w).mean()
    return pd.DataFrame(out, index=y.index)
