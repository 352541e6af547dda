"""Vectorised joint sample paths of a fitted statsmodels state-space model (shared by both SARIMAX designs)."""

from __future__ import annotations

import warnings

import numpy as np

__all__ = ["simulate_state_space", "parameter_draws"]


def _psd_sqrt(cov: np.ndarray) -> np.ndarray:
    """A matrix ``L`` with ``L @ L.T == cov`` for a (possibly singular) covariance matrix."""
    cov = (np.asarray(cov, dtype=float) + np.asarray(cov, dtype=float).T) / 2
    w, v = np.linalg.eigh(cov)
    return v * np.sqrt(np.clip(w, 0.0, None))


def simulate_state_space(results, X: np.ndarray, n_paths: int, rng: np.random.Generator) -> np.ndarray:
    """Joint sample paths of the next ``len(X)`` observations of a fitted statsmodels state-space model.

    The same distribution as ``results.simulate(len(X), anchor="end", repetitions=n_paths, exog=X)``
    (the initial state drawn from the one-step-ahead predicted state distribution at the end of the
    sample, then the transition and observation equations with Gaussian disturbances), vectorised
    over paths: statsmodels runs its simulation smoother once per repetition, which dominated the
    cost of a backtest.  The predictive mean path comes from ``results.get_forecast`` (which applies
    the regression and intercepts); only the zero-mean deviations are simulated here, so the system
    matrices must be time-invariant (they are for SARIMAX; otherwise this falls back to statsmodels).

    Parameters
    ----------
    results : statsmodels MLEResults
        Filtered results (e.g. of ``SARIMAX``).
    X : numpy.ndarray
        Exogenous regressors of the simulated days (``(n_days, k)``; ``k`` may be 0).
    n_paths : int
    rng : numpy.random.Generator

    Returns
    -------
    numpy.ndarray
        ``(n_days, n_paths)`` simulated observations.
    """
    nsim = X.shape[0]
    exog = X if X.shape[1] else None
    ssm = results.model.ssm
    mats = {k: np.asarray(ssm[k]) for k in ("design", "transition", "selection", "state_cov", "obs_cov")}
    if any(m.ndim == 3 and m.shape[2] != 1 for m in mats.values()) or results.model.k_endog != 1:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sims = results.simulate(nsim, anchor="end", repetitions=n_paths, exog=exog, rng=rng)
        return np.asarray(sims, dtype=float).reshape(nsim, -1)
    Z, T, R, Q, H = (m[..., 0] if m.ndim == 3 else m for m in
                     (mats["design"], mats["transition"], mats["selection"], mats["state_cov"], mats["obs_cov"]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mean = np.asarray(results.get_forecast(nsim, exog=exog).predicted_mean, dtype=float)
    p0 = np.asarray(results.predicted_state_cov)[:, :, -1]
    state = _psd_sqrt(p0) @ rng.standard_normal((p0.shape[0], n_paths))
    shock = _psd_sqrt(Q)
    obs_sd = float(np.sqrt(max(H[0, 0], 0.0)))
    out = np.empty((nsim, n_paths))
    for t in range(nsim):
        out[t] = Z[0] @ state
        if obs_sd > 0:
            out[t] += obs_sd * rng.standard_normal(n_paths)
        state = T @ state + R @ (shock @ rng.standard_normal((shock.shape[1], n_paths)))
    return out + mean[:, None]


def parameter_draws(params: np.ndarray, cov: np.ndarray, n: int, rng: np.random.Generator, *,
                    bounded=(), variances=(), bound: float = 0.98, variance_floor: float = 0.25) -> list[np.ndarray]:
    """``n`` parameter vectors: the estimate, then antithetic pairs from its covariance.

    Parameters
    ----------
    params : numpy.ndarray
        The estimate (draw 0).
    cov : numpy.ndarray
        Its covariance (symmetrised; a singular one is fine).
    n : int
        Number of vectors, the estimate included.  After the estimate they come in pairs
        ``params + L z`` and ``params - L z`` (``L L' = cov``, ``z`` standard normal); with an even ``n`` the
        last pair has only its first half.
    rng : numpy.random.Generator
    bounded : sequence of int
        Positions clipped to ``(-bound, bound)`` (AR/MA coefficients: stationary and invertible).
    variances : sequence of int
        Positions floored at ``variance_floor`` times the estimate (variances stay positive).

    Returns
    -------
    list of numpy.ndarray

    Notes
    -----
    The predictive mean averages a back-transformed forecast over the draws, a convex and skewed function of
    the parameters; with independent draws it moved with the seed (weekly SARIMAX, June-September 2026, eight
    seeds: coefficient of variation 7 % with 20 independent draws, 1.3 % with the estimate and 10 antithetic
    pairs; 300 independent draws agree with the pairs within 1 %).
    """
    params = np.asarray(params, dtype=float)
    draws = [params]
    if n <= 1:
        return draws
    L = _psd_sqrt(cov)
    bounded, variances = list(bounded), list(variances)
    z = rng.standard_normal((n // 2, len(params)))
    for zi in np.stack([z, -z], axis=1).reshape(-1, len(params))[: n - 1]:
        p = params + L @ zi
        p[bounded] = np.clip(p[bounded], -bound, bound)
        p[variances] = np.maximum(p[variances], variance_floor * params[variances])
        draws.append(p)
    return draws
