"""Scales the SARIMAX designs are fitted on, and exact means of their back-transformed Gaussian forecasts.

A Gaussian forecast ``N(m, v)`` on a transformed scale is not a forecast of arrivals: its back-transform
``h^{-1}(m)`` is a *median*, and sums of medians are biased season totals.  These functions give the mean of
the back-transformed (and zero-clipped) variable instead, so that the models' totals are sums of means.

* daily design (:class:`~crossingcast.models.sarimax.daily.DailySarimax`): ``sqrt``, ``log1p`` or no
  transform of daily counts, :func:`clipped_backtransform_mean` in closed form;
* weekly design (:class:`~crossingcast.models.sarimax.weekly.WeeklySarimax`): Box-Cox with an offset on
  weekly totals, :func:`boxcox_offset_mean` (closed form on the log scale, Gauss-Hermite otherwise).
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from crossingcast.errors import ModelError

__all__ = ["TRANSFORMS", "transform_forward", "transform_backward", "clipped_backtransform_mean",
           "boxcox_forward", "boxcox_backward", "lognormal_offset_mean", "boxcox_offset_mean"]

#: Transforms of the daily design.
TRANSFORMS = ("sqrt", "log1p", "none")


def transform_forward(y: np.ndarray, transform: str) -> np.ndarray:
    """The daily design's variance-stabilising transform (one of :data:`TRANSFORMS`)."""
    y = np.asarray(y, dtype=float)
    if transform == "sqrt":
        return np.sqrt(y)
    if transform == "log1p":
        return np.log1p(y)
    return y


def transform_backward(z: np.ndarray, transform: str) -> np.ndarray:
    """Back-transform values on the model scale; negative model values are zero days."""
    z = np.maximum(np.asarray(z, dtype=float), 0.0)
    if transform == "sqrt":
        return z * z
    if transform == "log1p":
        return np.expm1(z)
    return z


def clipped_backtransform_mean(m, v, transform: str) -> np.ndarray:
    """Exact mean of the back-transformed, zero-clipped Gaussian ``Z ~ N(m, v)``.

    Parameters
    ----------
    m, v : array-like
        Mean and variance on the transformed scale.
    transform : {"sqrt", "log1p", "none"}
        The transform the model was fitted on.

    Returns
    -------
    numpy.ndarray
        ``E[h(max(Z, 0))]`` with ``h`` the inverse transform; this is the mean
        of the simulated back-transformed paths (up to Monte Carlo error).
    """
    m = np.asarray(m, dtype=float)
    v = np.clip(np.asarray(v, dtype=float), 1e-12, None)
    s = np.sqrt(v)
    a = m / s
    cdf, pdf = stats.norm.cdf(a), stats.norm.pdf(a)
    if transform == "sqrt":
        out = (m * m + v) * cdf + m * s * pdf
    elif transform == "log1p":
        # E[(e^Z - 1) 1{Z > 0}]; exp(m + v/2) Phi(a + s) computed on the log scale for stability.
        out = np.exp(m + v / 2 + stats.norm.logcdf(a + s)) - cdf
    elif transform == "none":
        out = m * cdf + s * pdf
    else:  # pragma: no cover - validated earlier
        raise ModelError(f"unknown transform {transform!r}")
    return np.clip(out, 0.0, None)


def lognormal_offset_mean(m, v, c: float) -> np.ndarray:
    """``E[max(exp(Z) - c, 0)]`` for ``Z ~ N(m, v)`` (``c >= 0``)."""
    m = np.asarray(m, dtype=float)
    v = np.clip(np.asarray(v, dtype=float), 1e-12, None)
    if c <= 0:
        return np.exp(m + v / 2)
    s = np.sqrt(v)
    a = (m - np.log(c)) / s
    return np.clip(np.exp(m + v / 2 + stats.norm.logcdf(a + s)) - c * stats.norm.cdf(a), 0.0, None)


def boxcox_forward(w, lam: float, c: float) -> np.ndarray:
    """``h(w) = ((w + c)^lam - 1) / lam`` (``log(w + c)`` at ``lam = 0``): the weekly design's scale."""
    w = np.asarray(w, dtype=float) + c
    return np.log(w) if lam == 0 else (w ** lam - 1.0) / lam


def boxcox_backward(z, lam: float, c: float) -> np.ndarray:
    """Inverse of :func:`boxcox_forward`, clipped at zero arrivals."""
    z = np.asarray(z, dtype=float)
    w = np.exp(z) if lam == 0 else np.clip(lam * z + 1.0, 0.0, None) ** (1.0 / lam)
    return np.clip(w - c, 0.0, None)


_GH_X, _GH_W = np.polynomial.hermite.hermgauss(40)


def boxcox_offset_mean(m, v, lam: float, c: float) -> np.ndarray:
    """``E[max(h^{-1}(Z), 0)]`` for ``Z ~ N(m, v)``, ``h(w) = ((w + c)^lam - 1) / lam`` (``log(w + c)`` at 0).

    Closed form for ``lam = 0`` (:func:`lognormal_offset_mean`), 40-node Gauss-Hermite quadrature otherwise.
    """
    if lam == 0:
        return lognormal_offset_mean(m, v, c)
    m = np.asarray(m, dtype=float)[..., None]
    s = np.sqrt(2 * np.clip(np.asarray(v, dtype=float), 0.0, None))[..., None]
    return (boxcox_backward(m + s * _GH_X, lam, c) * _GH_W).sum(axis=-1) / np.sqrt(np.pi)
