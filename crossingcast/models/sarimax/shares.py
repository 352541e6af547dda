"""Day-share model: how a week's total is split over its seven days.

Given the total :math:`N_w` of week :math:`w`, the daily counts are
Dirichlet-multinomial,

.. math::

    g_w \\sim \\mathrm{Dirichlet}(\\alpha\\, p_w), \\quad
    (y_{w,1}, \\dots, y_{w,7}) \\mid g_w \\sim \\mathrm{Multinomial}(N_w, g_w), \\quad
    p_{w,d} = \\frac{\\exp(x_{w,d}^\\top \\gamma)}{\\sum_{e} \\exp(x_{w,e}^\\top \\gamma)},

with :math:`x` the day-level columns that vary within a week (day of week,
weather, events, holidays).  :math:`\\gamma` is the conditional (within-week)
multinomial-logit estimate: the Poisson likelihood of daily counts with a free
level per week, so it measures effects on the *multiplicative* scale.  The
concentration :math:`\\alpha` (small = lumpy weeks: most arrivals on one or two
calm days) is the Dirichlet-multinomial maximum likelihood given :math:`p`.
:math:`E[y_{w,d} \\mid N_w] = N_w\\, p_{w,d}` exactly, so daily means are the
weekly predictive mean times :math:`p`.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize, special

from crossingcast.errors import ModelError

__all__ = ["DayShareModel"]


def _softmax_rows(eta: np.ndarray) -> np.ndarray:
    eta = eta - eta.max(axis=1, keepdims=True)
    e = np.exp(eta)
    return e / e.sum(axis=1, keepdims=True)


class DayShareModel:
    """Within-week multinomial logit for the shares, Dirichlet-multinomial concentration for the lumpiness.

    Parameters
    ----------
    ridge : float
        L2 penalty on the standardised coefficients, in units of one average week of arrivals
        (keeps the effects of rare flags finite).
    """

    def __init__(self, ridge: float = 1.0):
        self.ridge = ridge

    def fit(self, X: np.ndarray, Y: np.ndarray, names: list[str]) -> "DayShareModel":
        """Fit on weeks: ``X`` is ``(n_weeks, 7, k)``, ``Y`` is ``(n_weeks, 7)`` daily counts."""
        X = np.asarray(X, dtype=float)
        Y = np.asarray(Y, dtype=float)
        # Columns without within-week variation carry no information about shares.
        within = X - X.mean(axis=1, keepdims=True)
        sd = within.reshape(-1, X.shape[2]).std(axis=0) if X.shape[2] else np.zeros(0)
        keep = np.where(sd > 1e-9)[0]
        self.names_ = [names[j] for j in keep]
        self.dropped_ = [names[j] for j in range(len(names)) if j not in set(keep)]
        self.center_ = X[:, :, keep].reshape(-1, len(keep)).mean(axis=0) if len(keep) else np.zeros(0)
        self.scale_ = sd[keep] if len(keep) else np.zeros(0)
        Z = (X[:, :, keep] - self.center_) / np.where(self.scale_ > 0, self.scale_, 1.0)
        N = Y.sum(axis=1)
        use = N > 0
        Z, Y, N = Z[use], Y[use], N[use]
        if len(N) < 4:
            raise ModelError(f"day-share model: only {len(N)} weeks with arrivals in the training window")
        lam = float(self.ridge) * float(N.mean())  # in units of one average week of arrivals

        def nll(g):
            eta = Z @ g
            lse = special.logsumexp(eta, axis=1)
            p = np.exp(eta - lse[:, None])
            f = -(np.sum(Y * eta) - np.sum(N * lse)) + 0.5 * lam * g @ g
            grad = -np.einsum("wdk,wd->k", Z, Y - N[:, None] * p) + lam * g
            return f / N.sum(), grad / N.sum()

        k = Z.shape[2]
        if k:
            res = optimize.minimize(nll, np.zeros(k), jac=True, method="L-BFGS-B")
            self.coef_std_ = np.asarray(res.x)
        else:
            self.coef_std_ = np.zeros(0)
        p = self._probs_std(Z)
        # Dirichlet-multinomial concentration by maximum likelihood, p held at the fit.

        def dm_nll(log_a):
            a = np.exp(log_a)
            ap = np.clip(a * p, 1e-10, None)
            ll = (special.gammaln(a) - special.gammaln(N + a)).sum()
            ll += (special.gammaln(Y + ap) - special.gammaln(ap)).sum()
            return -ll

        best = optimize.minimize_scalar(dm_nll, bounds=(np.log(0.05), np.log(1e5)), method="bounded")
        self.alpha_ = float(np.exp(best.x))
        self.n_weeks_ = int(len(N))
        return self

    def _probs_std(self, Z: np.ndarray) -> np.ndarray:
        eta = Z @ self.coef_std_ if Z.shape[2] else np.zeros(Z.shape[:2])
        return _softmax_rows(eta)

    def _standardise(self, X: np.ndarray, names: list[str]) -> np.ndarray:
        pos = {n: j for j, n in enumerate(names)}
        cols = [pos[n] for n in self.names_]
        Xk = np.asarray(X, dtype=float)[:, :, cols]
        return (Xk - self.center_) / np.where(self.scale_ > 0, self.scale_, 1.0)

    def probs(self, X: np.ndarray, names: list[str]) -> np.ndarray:
        """Expected day shares ``p`` (``(n_weeks, 7)``, rows sum to 1)."""
        return self._probs_std(self._standardise(X, names))

    @property
    def coef_(self) -> dict[str, float]:
        """Coefficients on the original column scale (log multiplicative effect on a day's share)."""
        return {n: float(c / s) for n, c, s in zip(self.names_, self.coef_std_, self.scale_)}

    def sample(self, totals: np.ndarray, p: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Daily counts ``(n_paths, n_weeks, 7)`` for weekly ``totals`` ``(n_paths, n_weeks)``."""
        n = np.rint(np.clip(totals, 0.0, None)).astype(np.int64)
        shape = np.clip(self.alpha_ * p, 1e-8, None)  # (n_weeks, 7)
        g = rng.standard_gamma(np.broadcast_to(shape, n.shape + (7,)))
        s = g.sum(axis=-1, keepdims=True)
        g = np.where(s > 0, g / np.where(s > 0, s, 1.0), np.broadcast_to(p, g.shape))
        g = g / g.sum(axis=-1, keepdims=True)
        return rng.multinomial(n, g).astype(float)
