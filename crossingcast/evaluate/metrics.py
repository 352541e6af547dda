"""Forecast accuracy metrics for daily crossing counts (pure numpy/pandas).

Which metric judges what
------------------------
About 60 % of days since 2021 have no arrivals.  On such zero-inflated counts
the **mean absolute error rewards forecasting zeros**: the median of a summer
day is small, and a forecaster that says "0" every day has a lower MAE than
one that forecasts the (correct) predictive mean, while its totals are badly
wrong.  crossingcast therefore judges

* **mean forecasts** (the quantity whose sum is an unbiased total) by
  :func:`rmse` of daily values, :func:`weekly_total_rmse` (W-SUN totals) and
  the error of period/season totals (:func:`total_error`, :func:`mape`);
* **distributions** by :func:`crps_paths` (from sample paths),
  :func:`pinball_loss` at quantiles, the **randomised PIT** of daily counts
  (:func:`randomized_pit`, :func:`pit_histogram`, :func:`pit_ks`) and the
  coverage of the 80 % interval of **weekly and period totals**
  (:func:`interval_coverage` on totals).  Daily closed-interval coverage is a
  secondary figure only: on days with more than 80 % chance of no arrival
  P10 = P90 = 0 and every zero day is "covered", so it reads high for any
  model.

:func:`mae` and :func:`mase` are reported for completeness and comparison with
other work, never used to rank.

All functions accept array-likes (pandas objects are converted with
``numpy.asarray``) and ignore nothing silently: NaN in the inputs gives NaN.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "mae",
    "rmse",
    "mase",
    "mase_scale",
    "crps_paths",
    "crps_normal",
    "pinball_loss",
    "interval_coverage",
    "randomized_pit",
    "pit_histogram",
    "pit_ks",
    "weekly_totals",
    "weekly_total_rmse",
    "total_error",
    "mape",
    "paired_sign_flip",
]


def _pair(y, yhat) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y, dtype=float)
    yhat = np.asarray(yhat, dtype=float)
    if y.shape != yhat.shape:
        raise ValueError(f"shapes differ: actual {y.shape} vs forecast {yhat.shape}")
    return y, yhat


def mae(y, yhat) -> float:
    """Mean absolute error ``mean(|y - yhat|)``.

    Parameters
    ----------
    y, yhat : array-like
        Actual and forecast values (same shape).

    Returns
    -------
    float

    Notes
    -----
    On zero-inflated counts MAE is minimised by the predictive *median*, which
    is often 0: it rewards forecasting zeros.  Do not rank mean forecasts by it.
    """
    y, yhat = _pair(y, yhat)
    return float(np.mean(np.abs(y - yhat))) if y.size else float("nan")


def rmse(y, yhat) -> float:
    """Root mean squared error ``sqrt(mean((y - yhat)**2))`` (minimised by the predictive mean).

    Parameters
    ----------
    y, yhat : array-like
        Actual and forecast values (same shape).

    Returns
    -------
    float
    """
    y, yhat = _pair(y, yhat)
    return float(np.sqrt(np.mean((y - yhat) ** 2))) if y.size else float("nan")


def mase_scale(y_train, m: int = 7) -> float:
    """In-sample MAE of the seasonal-naive forecast ``y[t-m]`` on ``y_train``.

    Parameters
    ----------
    y_train : array-like
        Training values (observed up to the forecast origin), in time order.
    m : int
        Seasonal lag (7: the same weekday last week).

    Returns
    -------
    float
        ``mean(|y[t] - y[t-m]|)`` over ``t = m .. n-1``; NaN if fewer than ``m + 1`` values.
    """
    y = np.asarray(y_train, dtype=float)
    if y.size <= m:
        return float("nan")
    return float(np.mean(np.abs(y[m:] - y[:-m])))


def mase(y, yhat, y_train=None, *, m: int = 7, scale: float | None = None) -> float:
    """Mean absolute scaled error (Hyndman & Koehler 2006).

    ``MAE(y, yhat) / scale`` where ``scale`` is the **in-sample** MAE of the
    seasonal-naive forecast ``y[t-m]`` on the training data (:func:`mase_scale`).
    crossingcast's backtests use ``m=7`` over the 365 days up to each origin.

    Parameters
    ----------
    y, yhat : array-like
        Actual and forecast values over the forecast period.
    y_train : array-like, optional
        Training values, used to compute ``scale`` when it is not given.
    m : int
        Seasonal lag of the naive scale.
    scale : float, optional
        Precomputed scale (overrides ``y_train``).

    Returns
    -------
    float
        < 1: better than the in-sample seasonal-naive error.  Inherits MAE's
        preference for zeros on zero-inflated counts.
    """
    if scale is None:
        if y_train is None:
            raise ValueError("mase: give y_train or scale")
        scale = mase_scale(y_train, m)
    if not np.isfinite(scale) or scale <= 0:
        return float("nan")
    return mae(y, yhat) / float(scale)


def crps_paths(paths, y, *, axis: int = 0) -> np.ndarray:
    """Continuous ranked probability score of a sample (ensemble) forecast, per day.

    Uses the exact CRPS of the empirical distribution of the samples
    (energy form, computed with the sorted-sample formula in O(n log n)):

    .. math::

        \\mathrm{CRPS}(\\hat F_n, y) = \\frac1n\\sum_i |x_i - y|
        - \\frac1{2n^2}\\sum_{i,j}|x_i - x_j|,
        \\qquad \\sum_{i,j}|x_i - x_j| = 2\\sum_{i=1}^n (2i - n - 1)\\, x_{(i)} .

    Parameters
    ----------
    paths : array-like, shape (n_paths, n_days)
        Sample paths (one row per path, one column per day), e.g. ``Forecast.paths``.
    y : array-like, shape (n_days,)
        Observed values.
    axis : int
        Axis of ``paths`` that indexes the samples (default 0).

    Returns
    -------
    numpy.ndarray, shape (n_days,)
        CRPS per day, in arrivals (same unit as ``y``; lower is better; equals
        the absolute error for a point forecast).
    """
    x = np.moveaxis(np.asarray(paths, dtype=float), axis, 0)
    y = np.asarray(y, dtype=float)
    if x.ndim == 1:
        x = x[:, None]
    if y.ndim == 0:
        y = y[None]
    if x.shape[1:] != y.shape:
        raise ValueError(f"crps_paths: paths {x.shape} do not match observations {y.shape}")
    n = x.shape[0]
    xs = np.sort(x, axis=0)
    w = (2.0 * np.arange(1, n + 1) - n - 1.0).reshape((n,) + (1,) * (x.ndim - 1))
    spread = 2.0 * np.sum(w * xs, axis=0) / (n * n)  # E|X - X'| under the empirical distribution
    return np.mean(np.abs(x - y), axis=0) - 0.5 * spread


def crps_normal(mu, sigma, y) -> np.ndarray:
    """Closed-form CRPS of a normal forecast ``N(mu, sigma**2)`` (Gneiting & Raftery 2007).

    ``sigma * (z (2 Phi(z) - 1) + 2 phi(z) - 1/sqrt(pi))`` with ``z = (y - mu) / sigma``;
    used to check :func:`crps_paths`.
    """
    from scipy import stats

    mu, sigma, y = (np.asarray(a, dtype=float) for a in (mu, sigma, y))
    z = (y - mu) / sigma
    return sigma * (z * (2 * stats.norm.cdf(z) - 1) + 2 * stats.norm.pdf(z) - 1 / np.sqrt(np.pi))


def pinball_loss(y, q, level: float) -> float:
    """Mean pinball (quantile) loss of quantile forecasts ``q`` at ``level``.

    ``mean(max(level * (y - q), (level - 1) * (y - q)))``.

    Parameters
    ----------
    y, q : array-like
        Actual values and forecast quantiles at ``level`` (same shape).
    level : float
        Quantile level in (0, 1).

    Returns
    -------
    float
        Averaged over all quantile levels and doubled, the pinball loss
        approximates the CRPS.
    """
    if not 0 < level < 1:
        raise ValueError(f"pinball_loss: level must be in (0, 1), got {level}")
    y, q = _pair(y, q)
    d = y - q
    return float(np.mean(np.maximum(level * d, (level - 1) * d))) if y.size else float("nan")


def interval_coverage(y, lower, upper) -> float:
    """Share of actual values inside the closed interval ``[lower, upper]``.

    For the 80 % interval pass P10 and P90.  Closed, because on zero days
    ``P10 = 0 = y`` is inside (a discrete distribution puts mass on the bound).
    """
    y, lo = _pair(y, lower)
    _, hi = _pair(y, upper)
    return float(np.mean((y >= lo) & (y <= hi))) if y.size else float("nan")


def weekly_totals(dates, values, freq: str = "W-SUN", complete: bool = True) -> pd.Series:
    """Totals of daily ``values`` per calendar week (``W-SUN``: Monday-Sunday, labelled by the Sunday).

    Parameters
    ----------
    dates : array-like of dates
        Daily dates (unique).
    values : array-like
        Daily values.
    freq : str
        pandas weekly offset.
    complete : bool
        Keep only weeks with 7 days present.

    Returns
    -------
    pandas.Series
        Indexed by period end.
    """
    s = pd.Series(np.asarray(values, dtype=float), index=pd.DatetimeIndex(dates))
    g = s.resample(freq)
    tot, n = g.sum(min_count=1), g.count()
    if complete:
        tot = tot[n == 7]
    return tot.dropna()


def weekly_total_rmse(dates, y, yhat, freq: str = "W-SUN") -> float:
    """RMSE of complete weekly (``W-SUN``) totals of actual ``y`` vs forecast means ``yhat``."""
    a = weekly_totals(dates, y, freq)
    f = weekly_totals(dates, yhat, freq)
    return rmse(a.to_numpy(), f.reindex(a.index).to_numpy())


def total_error(y, yhat) -> float:
    """Error of a total: ``sum(yhat) - sum(y)`` (positive = over-forecast)."""
    y, yhat = _pair(y, yhat)
    return float(np.sum(yhat) - np.sum(y))


def mape(actual, forecast) -> float:
    """Mean absolute percentage error ``100 * mean(|forecast - actual| / actual)``.

    Meant for **totals** (weeks, seasons), never for daily counts (zero days
    make it undefined); entries with ``actual == 0`` are excluded.
    """
    a, f = _pair(actual, forecast)
    ok = a != 0
    if not ok.any():
        return float("nan")
    return float(100.0 * np.mean(np.abs(f[ok] - a[ok]) / np.abs(a[ok])))


def randomized_pit(paths, y, *, seed=0, axis: int = 0) -> np.ndarray:
    """Randomised probability integral transform of counts from sample paths, per day.

    For a discrete predictive CDF ``F`` (here the empirical CDF of the paths)
    the PIT ``F(y)`` is not uniform even for a perfect forecast; the
    randomised PIT (Czado, Gneiting & Held 2009)

    .. math::

        u = F(y - 1) + V \\, (F(y) - F(y - 1)), \\qquad V \\sim U(0, 1),

    is uniform on (0, 1) when ``y`` is drawn from ``F``.  ``F(y - 1)`` is the
    share of paths below ``y`` and ``F(y)`` the share at or below it.

    Parameters
    ----------
    paths : array-like, shape (n_paths, n_days)
        Sample paths (integer counts).
    y : array-like, shape (n_days,)
        Observed counts.
    seed : int or numpy.random.Generator
        Source of ``V`` (same seed, same PIT values).
    axis : int
        Axis of ``paths`` that indexes the samples.

    Returns
    -------
    numpy.ndarray, shape (n_days,)
        Values in [0, 1]; NaN where ``y`` is NaN.
    """
    x = np.moveaxis(np.asarray(paths, dtype=float), axis, 0)
    y = np.asarray(y, dtype=float)
    if x.ndim == 1:
        x = x[:, None]
    if y.ndim == 0:
        y = y[None]
    if x.shape[1:] != y.shape:
        raise ValueError(f"randomized_pit: paths {x.shape} do not match observations {y.shape}")
    lo = np.mean(x < y, axis=0)  # F(y - 1) for integer counts
    hi = np.mean(x <= y, axis=0)  # F(y)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    v = rng.random(y.shape)
    out = lo + v * (hi - lo)
    return np.where(np.isnan(y), np.nan, out)


def pit_histogram(pit, bins: int = 10) -> pd.DataFrame:
    """Histogram of PIT values on ``bins`` equal bins of [0, 1] (flat at ``1/bins`` when calibrated).

    Returns
    -------
    pandas.DataFrame
        ``bin_lo, bin_hi, count, share`` (NaN values ignored; the share of
        the last bin includes 1.0).
    """
    u = np.asarray(pit, dtype=float)
    u = u[~np.isnan(u)]
    edges = np.linspace(0.0, 1.0, int(bins) + 1)
    counts, _ = np.histogram(u, bins=edges)
    share = counts / counts.sum() if counts.sum() else np.full(len(counts), np.nan)
    return pd.DataFrame({"bin_lo": edges[:-1], "bin_hi": edges[1:], "count": counts, "share": share})


def pit_ks(pit) -> float:
    """Kolmogorov-Smirnov distance of PIT values to the uniform distribution (0 = perfectly flat).

    ``max |ECDF(u) - u|`` over the sorted values (both sides of each step).
    """
    u = np.sort(np.asarray(pit, dtype=float))
    u = u[~np.isnan(u)]
    n = u.size
    if not n:
        return float("nan")
    i = np.arange(1, n + 1)
    return float(max(np.max(i / n - u), np.max(u - (i - 1) / n)))


def paired_sign_flip(loss_a, loss_b) -> dict:
    """Exact sign-flip (permutation) test of paired losses: is model A's mean loss below model B's?

    The differences ``d = loss_a - loss_b`` (one per independent case, e.g.
    one per season) are, under the null hypothesis that neither model is
    better, symmetric about zero, so each sign is equally likely: the exact
    null distribution of ``mean(d)`` enumerates all ``2**n`` sign patterns
    (a randomisation version of the Diebold-Mariano comparison that needs no
    variance estimate, exact for the handful of seasons a season-ahead
    backtest has).  With ``n`` cases no p-value can be below ``2 / 2**n``
    (two-sided): with 4 seasons 0.125, with 5 seasons 0.0625, so a "win" on
    four or five summers is never significant at 5 %.

    Parameters
    ----------
    loss_a, loss_b : array-like
        Losses of the two models on the same cases (e.g. absolute % errors
        of a season total per year).  At most 16 cases.

    Returns
    -------
    dict
        ``n``, ``mean_diff`` (A minus B; negative = A better), ``wins_a``
        (cases where A's loss is lower), ``p_two_sided`` and ``p_min``
        (the smallest p-value ``n`` cases allow).

    Raises
    ------
    ValueError
        Different lengths, no case, more than 16 cases, or a non-finite loss.
    """
    a = np.asarray(loss_a, dtype=float).ravel()
    b = np.asarray(loss_b, dtype=float).ravel()
    if a.shape != b.shape or a.size == 0:
        raise ValueError(f"paired_sign_flip: needs two loss arrays of one length >= 1, got {a.size} and {b.size}")
    if a.size > 16:
        raise ValueError(f"paired_sign_flip: exact enumeration of 2**n sign patterns is for n <= 16, got {a.size}")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise ValueError("paired_sign_flip: every loss must be finite (drop the cases a model could not forecast)")
    d = a - b
    n = d.size
    signs = 1 - 2 * ((np.arange(2 ** n)[:, None] >> np.arange(n)) & 1)  # all 2**n patterns of +-1
    null = (signs * np.abs(d)).mean(axis=1)
    obs = float(d.mean())
    tol = 1e-12 * max(1.0, float(np.abs(d).max()))
    p = float(np.mean(np.abs(null) >= abs(obs) - tol))
    return {"n": int(n), "mean_diff": obs, "wins_a": int(np.sum(d < 0)), "p_two_sided": p,
            "p_min": float(2.0 / 2 ** n) if np.any(d != 0) else 1.0}
