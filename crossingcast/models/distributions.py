"""Predictive count distributions shared by the forecasters.

Daily crossings are a hurdle process: a day is either a crossing day (the
weather window opened and boats launched) or a zero day, and on crossing days
arrivals are overdispersed.  :func:`hurdle_paths` draws sample paths from

.. math::

    Y_t = B_t \\, (1 + N_t), \\quad B_t \\sim \\mathrm{Bernoulli}(\\pi_t), \\quad
    N_t \\mid F \\sim \\mathrm{NegBin}(\\text{mean } F a_t, \\text{shape } k),

where :math:`a_t = \\mu_t / \\pi_t - 1` and :math:`F` is a per-path level
factor with :math:`E[F] = 1` (log-normal, ``level_sd`` on the log scale),
shared by all days of a path.  The factor carries level uncertainty (trend
shifts, weather regimes) so that sums over days get realistic intervals; a
sum of independent daily draws would be far too narrow.

By construction :math:`E[Y_t] = \\mu_t` exactly, so a model's predictive
mean passes through unchanged and a forecast total is the sum of the daily
means.  :func:`calibrate_hurdle` estimates ``shape`` and ``level_sd`` from
out-of-sample residuals.
"""

from __future__ import annotations

import numpy as np

__all__ = ["hurdle_paths", "hurdle_variance", "calibrate_hurdle", "consistent_hurdle"]


def consistent_hurdle(mu, p_cross) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Make (mean, crossing probability) consistent: ``0 <= pi <= min(1, mu)``, ``mu/pi >= 1``.

    Returns ``(mu, pi, a)`` with ``a = mu/pi - 1 >= 0`` the conditional mean
    of the excess over one arrival on a crossing day.
    """
    mu = np.clip(np.asarray(mu, dtype=float), 0.0, None)
    pi = np.clip(np.asarray(p_cross, dtype=float), 1e-6, 1.0)
    pi = np.minimum(pi, np.maximum(mu, 1e-12))  # a crossing day has >= 1 arrival
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(mu > 0, mu / pi - 1.0, 0.0)
    return mu, pi, np.clip(a, 0.0, None)


def hurdle_variance(mu, p_cross, shape: float, level_sd: float = 0.0) -> np.ndarray:
    """Daily predictive variance under :func:`hurdle_paths` (ignoring covariance across days)."""
    mu, pi, a = consistent_hurdle(mu, p_cross)
    s2 = np.expm1(level_sd ** 2)  # Var(F)
    e_n2 = a + (a ** 2) * (1 + s2) * (1.0 + 1.0 / shape)  # E[N^2] = E[Var(N|F)] + E[(F a)^2]
    e_y2 = pi * (1 + 2 * a + e_n2)
    return np.clip(e_y2 - mu ** 2, 0.0, None)


def hurdle_paths(mu, p_cross, *, shape: float, level_sd: float = 0.0, n_paths: int = 1000,
                 random_state=None) -> np.ndarray:
    """Sample paths ``(n_paths, n_days)`` of daily arrivals with mean exactly ``mu``.

    Parameters
    ----------
    mu : array-like
        Predictive mean per day (>= 0).
    p_cross : array-like
        Probability that the day is a crossing day (lowered where needed so
        that a crossing day has at least one arrival).
    shape : float
        Negative-binomial shape of arrivals on a crossing day (smaller = more
        overdispersed).
    level_sd : float
        Standard deviation of the log of the per-path level factor (0 = none).
    n_paths : int
        Number of paths.
    random_state : int, numpy.random.Generator or None
        Seed; same seed -> identical paths.

    Returns
    -------
    numpy.ndarray
        Non-negative integer-valued float array of shape ``(n_paths, n_days)``.
    """
    if shape <= 0:
        raise ValueError(f"shape must be > 0, got {shape}")
    rng = np.random.default_rng(random_state)
    mu, pi, a = consistent_hurdle(mu, p_cross)
    n_days = mu.shape[0]
    factor = np.exp(level_sd * rng.standard_normal((n_paths, 1)) - level_sd ** 2 / 2) if level_sd > 0 \
        else np.ones((n_paths, 1))
    cross = rng.random((n_paths, n_days)) < pi
    lam = rng.gamma(shape, 1.0, size=(n_paths, n_days)) * (factor * a / shape)
    excess = rng.poisson(lam)
    return (cross * (1.0 + excess)).astype(float)


def calibrate_hurdle(y, mu, p_cross, groups=None, *, min_shape: float = 0.2,
                     max_shape: float = 100.0) -> dict:
    """Estimate ``shape`` and ``level_sd`` for :func:`hurdle_paths` from out-of-sample forecasts.

    Parameters
    ----------
    y : array-like
        Observed daily arrivals.
    mu, p_cross : array-like
        Out-of-sample predictive means and crossing probabilities for the same days.
    groups : array-like, optional
        Group label per day (e.g. forecast origin, or week); the level factor
        is estimated from the excess variance of the group totals (see Notes).

    Returns
    -------
    dict
        ``{"shape": k, "level_sd": s, "n": n_days}``.

    Notes
    -----
    ``shape`` comes from the method of moments on crossing days
    (``Var(N) = a + a**2 ((1 + s2)(1 + 1/k) - 1)`` with ``N = y - 1`` and
    ``s2 = Var(F)`` of the level factor ``F``), ``level_sd`` from the excess
    variance of the group totals over what independent days would give:
    ``Var(T) = sum v0 + s2 (sum a**2 pi (1 - pi + 1/k) + (sum pi a)**2)``.
    The two are solved jointly by fixed-point iteration.
    """
    y = np.asarray(y, dtype=float)
    mu, pi, a = consistent_hurdle(mu, p_cross)
    pos = (y > 0) & (a > 0)
    n_excess = y[pos] - 1.0
    groups = None if groups is None else np.asarray(groups)
    shape, level_sd = max_shape, 0.0
    for _ in range(20):  # fixed point: shape given the level factor, level factor given shape
        s2 = np.expm1(level_sd ** 2)
        new_shape = max_shape
        if pos.sum() >= 10:
            ap = a[pos]
            # Var(N) = a + a^2 * ((1 + s2)(1 + 1/k) - 1)  =>  solve for 1/k
            excess = np.sum((n_excess - ap) ** 2 - ap) / np.sum(ap ** 2)
            inv_k = (excess + 1.0) / (1.0 + s2) - 1.0
            if inv_k > 0:
                new_shape = float(np.clip(1.0 / inv_k, min_shape, max_shape))
        new_sd = 0.0
        if groups is not None:
            # Var(T_g) = sum_d E[Var(Y_d | F)] + Var(E[T_g | F]) with F the path's level factor:
            #   E[Var(Y_d | F)] = v0_d + s2 * a_d^2 * pi_d * (1 - pi_d + 1/k)   (v0 = variance without F)
            #   Var(E[T_g | F]) = s2 * (sum_d pi_d a_d)^2                     (F scales the excess only)
            # so s2 is a ratio of sums: excess variance of the totals over its loading.
            var_day = hurdle_variance(mu, pi, new_shape, 0.0)
            within = a ** 2 * pi * (1.0 - pi + 1.0 / new_shape)
            num = den = 0.0
            for g in np.unique(groups):
                sel = groups == g
                num += (y[sel].sum() - mu[sel].sum()) ** 2 - var_day[sel].sum()
                den += within[sel].sum() + (pi[sel] * a[sel]).sum() ** 2
            if num > 0 and den > 0:
                new_sd = float(np.sqrt(np.log1p(num / den)))
        done = abs(new_shape - shape) < 1e-4 * shape and abs(new_sd - level_sd) < 1e-5
        shape, level_sd = new_shape, new_sd
        if done:
            break
    return {"shape": shape, "level_sd": level_sd, "n": int(len(y))}
