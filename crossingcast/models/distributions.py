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

Persistent crossing days
------------------------
Calm and windy spells last several days, so crossing days cluster.  With
``persistence = rho > 0`` the indicators :math:`B_t` follow a two-state Markov
chain (:func:`persistent_crossings`) whose transition probabilities keep each
day's marginal :math:`P(B_t = 1) = \\pi_t` **exactly** and give the
standardised indicators lag-1 correlation ``rho`` (lag-j correlation
``rho**j``): with :math:`d_t = \\rho\\, s_t / s_{t-1}`,
:math:`s_t = \\sqrt{\\pi_t (1 - \\pi_t)}`,

.. math::

    P(B_t = 1 \\mid B_{t-1} = 0) = \\pi_t - \\pi_{t-1} d_t, \\quad
    P(B_t = 1 \\mid B_{t-1} = 1) = \\pi_t - \\pi_{t-1} d_t + d_t,

with :math:`d_t` lowered where a probability would leave [0, 1] (the
marginal stays exact; only the correlation of that day is smaller).  Means
are unchanged; weekly totals get the spread of surge weeks and empty weeks.
``rho`` is estimated by :func:`crossing_persistence` from the Pearson
residuals ``(B_t - pi_t) / s_t`` of a model's own out-of-sample crossing
probabilities (so persistence the model already explains, e.g. through
observed weather, is not counted twice): either their lag-1 correlation or
(``block=7``, what the hurdle and the baselines use) the ``rho`` whose chain
reproduces the variance of their weekly sums.  On the real series the
residual correlation decays more slowly than ``rho**j`` (lags 1-5: 0.40,
0.24, 0.15, 0.14, 0.12), so the lag-1 value left weekly crossing-day counts
too regular (their variance 3.2x that of independent days against 2.0x for
the lag-1 chain); the weekly match gives rho about 0.5 instead of 0.4.
"""

from __future__ import annotations

import numpy as np

__all__ = ["hurdle_paths", "hurdle_variance", "calibrate_hurdle", "consistent_hurdle", "persistent_crossings",
           "crossing_persistence", "chain_block_ratio", "monotone_level_sd", "level_sd_floor", "LEVEL_HORIZONS",
           "band_level_sd", "level_sd_at", "missing_level_sd"]

#: Upper horizons (days) of the bands with their own ``level_sd`` (the last reaches a year).
LEVEL_HORIZONS = (7, 14, 28, 63, 182, 366)


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


def _level_factor(z: np.ndarray, level_sd, n_days: int) -> np.ndarray:
    """Per-path, per-day level factor ``exp(sd_t z - sd_t**2 / 2)`` (mean one), ``z`` of shape (n_paths, 1)."""
    sd = np.broadcast_to(np.asarray(level_sd, dtype=float), (n_days,))
    if not np.any(sd > 0):
        return np.ones((z.shape[0], 1))
    if np.any(sd < 0) or not np.all(np.isfinite(sd)):
        raise ValueError("level_sd must be finite and >= 0")
    return np.exp(sd[None, :] * z - sd[None, :] ** 2 / 2)


def persistent_crossings(u, p_cross, persistence: float = 0.0) -> np.ndarray:
    """Turn uniforms into crossing-day indicators with exact marginals and lag-1 persistence.

    Parameters
    ----------
    u : array-like
        Uniforms on [0, 1), shape ``(n_paths, n_days)`` (e.g. common random
        numbers of a paired scenario).
    p_cross : array-like
        Crossing probability per day, shape ``(n_days,)`` or ``(n_paths, n_days)``.
    persistence : float
        Lag-1 correlation ``rho`` in [0, 1) of the standardised indicators
        (two-state Markov chain, see the module notes); 0 gives independent
        days, ``u < p_cross`` exactly.

    Returns
    -------
    numpy.ndarray
        Boolean array ``(n_paths, n_days)``; ``P(B_t = 1) = p_cross_t`` exactly.

    Notes
    -----
    Day ``t`` is a crossing day when ``u_t < P(B_t = 1 | B_{t-1})``; with
    common uniforms two scenarios stay coupled, but (unlike independent days)
    raising ``p_cross`` on one day can lower the next day's chance on some
    paths, because the chain keeps the next day's marginal fixed.
    """
    u = np.asarray(u, dtype=float)
    rho = float(persistence)
    if not 0.0 <= rho < 1.0:
        raise ValueError(f"persistence must be in [0, 1), got {persistence}")
    pi = np.broadcast_to(np.clip(np.asarray(p_cross, dtype=float), 0.0, 1.0), u.shape)
    if rho == 0.0 or u.shape[1] < 2:
        return u < pi
    out = np.empty(u.shape, dtype=bool)
    out[:, 0] = u[:, 0] < pi[:, 0]
    s = np.sqrt(pi * (1.0 - pi))
    for t in range(1, u.shape[1]):
        p0, p1, s0, s1 = pi[:, t - 1], pi[:, t], s[:, t - 1], s[:, t]
        with np.errstate(divide="ignore", invalid="ignore"):
            d = np.where(s0 > 0, rho * s1 / s0, 0.0)
            hi = np.minimum(np.where(p0 > 0, p1 / p0, 0.0), np.where(p0 < 1, (1.0 - p1) / (1.0 - p0), 0.0))
        d = np.clip(np.minimum(d, hi), 0.0, 1.0)
        prob = p1 - p0 * d + d * out[:, t - 1]
        out[:, t] = u[:, t] < prob
    return out


def chain_block_ratio(rho: float, block: int) -> float:
    """Variance of a ``block``-day sum of standardised chain indicators over ``block`` (lag-j correlation ``rho**j``).

    ``1 + (2 / block) * sum_{j=1}^{block-1} (block - j) rho**j``: 1 for independent days.
    """
    j = np.arange(1, int(block))
    return float(1.0 + 2.0 * np.sum((int(block) - j) * float(rho) ** j) / int(block))


def crossing_persistence(y, p_cross, groups=None, *, max_rho: float = 0.9, block: int = 1) -> float:
    """Persistence of crossing days beyond what the crossing probabilities explain.

    With the Pearson residuals ``r_t = (B_t - pi_t) / sqrt(pi_t (1 - pi_t))``
    (pairs and blocks only inside a group when ``groups`` is given; days must
    be in date order):

    * ``block=1``: the lag-1 correlation of ``r`` over consecutive days;
    * ``block=b > 1``: the ``rho`` whose chain gives the observed variance of
      ``b``-day sums of ``r``: ``sum_w S_w**2 / sum_w sum_{t in w} r_t**2 =``
      :func:`chain_block_ratio` ``(rho, b)``, over consecutive non-overlapping
      ``b``-day blocks (complete ones) of each group, solved by bisection.
      A moment estimator at the scale the forecasts are judged on (weekly
      totals): when the residuals' correlation decays more slowly than
      ``rho**j`` (measured on the real series: lag 1..5 0.40 0.24 0.15 0.14
      0.12 against ``0.4**j``), the lag-1 value makes weeks too regular.

    The result is clipped to ``[0, max_rho]``.

    Parameters
    ----------
    y : array-like
        Observed daily arrivals (``B_t = y_t > 0``).
    p_cross : array-like
        The model's crossing probabilities for the same days (out of sample
        where possible).
    groups : array-like, optional
        Label per day; pairs and blocks of days are only formed inside a group.
    block : int
        1 (lag-1 correlation) or the block length of the variance match.

    Returns
    -------
    float
        ``rho`` for :func:`persistent_crossings` (0 when fewer than 30 pairs,
        or fewer than 30 blocks).
    """
    b = (np.asarray(y, dtype=float) > 0).astype(float)
    pi = np.clip(np.asarray(p_cross, dtype=float), 0.0, 1.0)
    ok = (pi > 1e-3) & (pi < 1 - 1e-3)
    r = np.where(ok, (b - pi) / np.sqrt(np.where(ok, pi * (1 - pi), 1.0)), 0.0)
    g = np.zeros(len(b), dtype=int) if groups is None else np.unique(np.asarray(groups), return_inverse=True)[1]
    block = int(block)
    if block < 1:
        raise ValueError(f"block must be >= 1, got {block}")
    if block == 1:
        pair = ok[1:] & ok[:-1] & (g[1:] == g[:-1])
        if pair.sum() < 30:
            return 0.0
        a, c = r[1:][pair], r[:-1][pair]
        den = np.sqrt((a ** 2).sum() * (c ** 2).sum())
        rho = float((a * c).sum() / den) if den > 0 else 0.0
        return float(np.clip(rho, 0.0, max_rho))
    # position of each day within its group -> complete, non-overlapping blocks
    start = np.r_[True, g[1:] != g[:-1]]
    first = np.maximum.accumulate(np.where(start, np.arange(len(g)), 0))
    pos = np.arange(len(g)) - first
    size = np.bincount(g)[g]
    full = pos < (size // block) * block
    if full.sum() < 30 * block:
        return 0.0
    key = g[full] * (len(g) + 1) + pos[full] // block
    _, w = np.unique(key, return_inverse=True)
    num = float(np.sum(np.bincount(w, weights=r[full]) ** 2))
    den = float(np.sum(r[full] ** 2))
    if den <= 0:
        return 0.0
    q = num / den
    if q <= 1.0:
        return 0.0
    if q >= chain_block_ratio(max_rho, block):
        return float(max_rho)
    lo, hi = 0.0, float(max_rho)
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if chain_block_ratio(mid, block) < q else (lo, mid)
    return float(0.5 * (lo + hi))


def level_sd_floor(y, horizons, *, fraction: float = 0.5, years: int = 5, default_sd: float = 0.4) -> dict:
    """A floor for the level factor's ``level_sd`` per horizon, from the year-to-year variability of the level.

    The level (mean daily arrivals) of each of the last ``years`` 365-day
    windows ending at the last date of ``y``; ``sd_yoy`` is the standard
    deviation of the changes of its log (``log1p``) from one window to the
    next (``default_sd`` when fewer than two changes are available).  The
    floor for a horizon ``H`` is ``fraction * sd_yoy * sqrt(min(H, 365) / 365)``:
    a model that reads the recent level explains part of the year-to-year
    change, but no backtest showed it explaining more than half of it (see
    docs/models.md), and level errors grow like a random walk's within a year.

    Parameters
    ----------
    y : pandas.Series
        Daily arrivals with a DatetimeIndex (the training data).
    horizons : iterable of int
        Upper horizons (days) of the buckets.
    fraction, years, default_sd : float, int, float
        See above.

    Returns
    -------
    dict
        ``{"sd_yoy": ..., "n_changes": ..., "fraction": ..., "floor": {H: value}}``.
    """
    v = np.asarray(y, dtype=float)
    n = len(v) // 365
    k = min(int(years), n)
    levels = [v[len(v) - 365 * (j + 1): len(v) - 365 * j].mean() for j in range(k)][::-1]
    changes = np.diff(np.log1p(levels)) if len(levels) >= 2 else np.array([])
    sd_yoy = float(np.std(changes, ddof=1)) if len(changes) >= 2 else float(default_sd)
    floor = {int(h): float(fraction * sd_yoy * np.sqrt(min(int(h), 365) / 365.0)) for h in horizons}
    return {"sd_yoy": sd_yoy, "n_changes": int(len(changes)), "fraction": float(fraction), "floor": floor}


def missing_level_sd(log_errors, own_sd: float) -> float:
    """The log-sd a level factor must add so that a total spreads as much as past errors say.

    ``sqrt(max(mean(e**2) - own_sd**2, 0))``: the root mean square of the
    past log errors of a total (``e = log((observed + 1) / (forecast + 1))``)
    is the spread the forecast total should have; the model's own paths already
    spread it by ``own_sd`` (the log-sd of their totals without a level
    factor), so only the rest is added.  Without this the two add up and a
    season total's interval is too wide.  Used by the season baselines
    (:mod:`crossingcast.models.persistence`) and the weekly SARIMAX's held-out
    level calibration.

    Parameters
    ----------
    log_errors : array-like
        Past log errors of the total (at least one).
    own_sd : float
        Log-sd of the model's path totals without a level factor.

    Returns
    -------
    float
        The missing log-sd (0 when the paths already spread enough).
    """
    e = np.asarray(log_errors, dtype=float)
    if e.size == 0 or not np.all(np.isfinite(e)):
        raise ValueError(f"missing_level_sd: needs finite past log errors, got {e.tolist()}")
    return float(np.sqrt(max(float(np.mean(np.square(e))) - float(own_sd) ** 2, 0.0)))


def monotone_level_sd(values, floor=0.0) -> np.ndarray:
    """Make per-bucket ``level_sd`` values (ordered by horizon) non-decreasing and at least ``floor``.

    Each value is raised to its floor, then to the running maximum over the
    shorter buckets (a total over a longer horizon cannot be more certain).
    """
    v = np.maximum(np.asarray(values, dtype=float), np.broadcast_to(np.asarray(floor, dtype=float),
                                                                      np.shape(values)))
    return np.maximum.accumulate(v)


def hurdle_paths(mu, p_cross, *, shape, level_sd=0.0, n_paths: int = 1000, random_state=None,
                 persistence: float = 0.0) -> np.ndarray:
    """Sample paths ``(n_paths, n_days)`` of daily arrivals with mean exactly ``mu``.

    Parameters
    ----------
    mu : array-like
        Predictive mean per day (>= 0).
    p_cross : array-like
        Probability that the day is a crossing day (lowered where needed so
        that a crossing day has at least one arrival).
    shape : float or array-like
        Negative-binomial shape of arrivals on a crossing day (smaller = more
        overdispersed); one value or one per day.
    level_sd : float or array-like
        Standard deviation of the log of the per-path level factor (0 = none);
        one value or one per day (e.g. growing with the horizon).  One
        standard-normal draw per path drives every day's factor, so paths
        stay coherent across horizons.
    n_paths : int
        Number of paths.
    random_state : int, numpy.random.Generator or None
        Seed; same seed -> identical paths.
    persistence : float
        Lag-1 persistence ``rho`` of crossing days (:func:`persistent_crossings`);
        0 = independent days.  Daily marginals and means are unchanged.

    Returns
    -------
    numpy.ndarray
        Non-negative integer-valued float array of shape ``(n_paths, n_days)``.
    """
    shape_arr = np.asarray(shape, dtype=float)
    if np.any(shape_arr <= 0) or not np.all(np.isfinite(shape_arr)):
        raise ValueError(f"shape must be > 0, got {shape}")
    rng = np.random.default_rng(random_state)
    mu, pi, a = consistent_hurdle(mu, p_cross)
    n_days = mu.shape[0]
    sd = np.broadcast_to(np.asarray(level_sd, dtype=float), (n_days,))
    # no draw without a level factor: the stream (and the paths) stay those of earlier versions
    factor = _level_factor(rng.standard_normal((n_paths, 1)), sd, n_days) if np.any(sd > 0) \
        else np.ones((n_paths, 1))
    cross = persistent_crossings(rng.random((n_paths, n_days)), pi, persistence)
    if shape_arr.ndim == 0:
        g = rng.gamma(float(shape_arr), 1.0, size=(n_paths, n_days))
    else:
        g = rng.gamma(np.broadcast_to(shape_arr, (n_paths, n_days)), 1.0)
    lam = g * (factor * a / shape_arr)
    excess = rng.poisson(lam)
    return (cross * (1.0 + excess)).astype(float)


def _persistence_cov(pi: np.ndarray, rho: float) -> np.ndarray:
    """Covariance of the Markov-chain crossing indicators of consecutive days, zero diagonal."""
    s = np.sqrt(pi * (1.0 - pi))
    lag = np.abs(np.subtract.outer(np.arange(len(pi)), np.arange(len(pi))))
    c = rho ** lag * np.outer(s, s)
    np.fill_diagonal(c, 0.0)
    return c


def calibrate_hurdle(y, mu, p_cross, groups=None, *, min_shape: float = 0.2,
                     max_shape: float = 100.0, persistence: float = 0.0) -> dict:
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
        With ``persistence`` the days of a group must be consecutive and in
        date order.
    persistence : float
        Lag-1 persistence of crossing days the paths will use
        (:func:`persistent_crossings`); the covariance it adds to the group
        totals is subtracted before the level factor is estimated, so the two
        are not counted twice.

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
    if groups is not None:  # per-group constants, computed once
        _, gi = np.unique(groups, return_inverse=True)
        ng = int(gi.max()) + 1
        dev2 = np.bincount(gi, weights=y - mu, minlength=ng) ** 2
        pia2 = np.bincount(gi, weights=pi * a, minlength=ng) ** 2
        c_num = np.zeros(ng)
        c_den = np.zeros(ng)
        if persistence > 0:
            # persistent crossing days add sum_{t != s} c_ts [(1 + a_t)(1 + a_s) + s2 a_t a_s]
            for g in range(ng):
                sel = np.flatnonzero(gi == g)
                if len(sel) > 1:
                    c = _persistence_cov(pi[sel], float(persistence))
                    c_num[g] = (1 + a[sel]) @ c @ (1 + a[sel])
                    c_den[g] = a[sel] @ c @ a[sel]
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
            num = float(np.sum(dev2 - np.bincount(gi, weights=var_day, minlength=ng) - c_num))
            den = float(np.sum(np.bincount(gi, weights=within, minlength=ng) + pia2 + c_den))
            if num > 0 and den > 0:
                new_sd = float(np.sqrt(np.log1p(num / den)))
        done = abs(new_shape - shape) < 1e-4 * shape and abs(new_sd - level_sd) < 1e-5
        shape, level_sd = new_shape, new_sd
        if done:
            break
    return {"shape": shape, "level_sd": level_sd, "n": int(len(y))}


def band_level_sd(records, shape: float, horizons=LEVEL_HORIZONS, persistence: float = 0.0) -> list[float]:
    """Raw ``level_sd`` per horizon band from out-of-sample forecasts of pooled origins.

    Parameters
    ----------
    records : list of tuple
        One ``(h, y, mu, p_cross)`` per forecast origin: horizons (days after
        the origin, consecutive, ascending), observed arrivals, predictive
        means and crossing probabilities of the days forecast from it.
    shape : float
        Negative-binomial shape, held fixed.
    horizons : tuple of int
        Upper horizons of the bands ``(0, H1], (H1, H2], ...``.
    persistence : float
        Crossing-day persistence of the paths (its covariance is not counted
        as level uncertainty, see :func:`calibrate_hurdle`).

    Returns
    -------
    list of float
        :func:`calibrate_hurdle` ``level_sd`` of each band with the origins as
        groups (the band's total from each origin); an origin enters a band
        longer than 7 days only with at least half of its days, and a band with
        fewer than 3 origins gets 0 (raise it with :func:`monotone_level_sd`).
    """
    raw = []
    for lo, hi in zip((0,) + tuple(horizons[:-1]), horizons):
        ys, mus, ps, gs = [], [], [], []
        for i, (h, yy, mu, p) in enumerate(records):
            sel = (np.asarray(h) > lo) & (np.asarray(h) <= hi)
            if hi - lo > 7 and sel.sum() < (hi - lo) // 2:  # a band needs most of its days
                continue
            if not sel.any():
                continue
            ys.append(np.asarray(yy)[sel]), mus.append(np.asarray(mu)[sel]), ps.append(np.asarray(p)[sel])
            gs.append(np.full(int(sel.sum()), i))
        if len(ys) < 3:
            raw.append(0.0)
            continue
        cal = calibrate_hurdle(*(np.concatenate(v) for v in (ys, mus, ps, gs)), min_shape=shape, max_shape=shape,
                               persistence=persistence)
        raw.append(float(cal["level_sd"]))
    return raw


def level_sd_at(table: dict, h) -> np.ndarray:
    """``level_sd`` of horizons ``h`` from a ``{upper horizon: level_sd}`` table (beyond the last: the last)."""
    h = np.asarray(h, dtype=int)
    H = np.array(sorted(table))
    vals = np.array([table[k] for k in H], dtype=float)
    return vals[np.minimum(np.searchsorted(H, h, side="left"), len(H) - 1)]
