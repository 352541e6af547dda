"""Ensembles of forecasters: a linear pool, a quantile average, and CRPS-optimal pool weights.

:class:`EnsembleForecaster` fits every member and combines their **sample
paths** in one of two ways (``combine``):

``"pool"`` (``make_forecaster("ensemble")``)
    A linear pool (mixture): each pooled path is a whole path of member *k*,
    drawn with probability ``w_k``.  Where members disagree about the level
    the pool is as wide as their disagreement.
``"quantiles"`` (``make_forecaster("ensemble_qa")``)
    A quantile average (Vincentization): every member's paths are ranked by
    their total over the forecast period; path *i* of the combination is one
    member's *i*-th ranked path rescaled to the weighted mean of the members'
    *i*-th totals (:func:`quantile_average_paths`), so the totals are exactly
    the quantile average of the members' totals (:func:`quantile_average`)
    and every path keeps the daily shape of a simulated one.  The spread of
    the totals is then scaled about the mean by a factor in [0.2, 1]
    (:func:`scale_path_totals`), estimated by the season-ahead backtest on
    past seasons (``spread_scale`` in the weights resource).  This is the
    design scored as ``ensemble_qa`` in
    :func:`crossingcast.evaluate.season_ahead_backtest`.

Either way the mean is ``sum_k w_k mean_k`` exactly (not the path average),
so a total is still the sum of daily means.

Weights
-------
``weights="equal"``: ``1 / K``.  A dict ``{member: weight}``: used as given
(normalised).  ``weights=None``: the weights stored in the package resource
``crossingcast/resources/ensemble_weights.json`` (written by
``benchmarks/season_ahead.py`` with its provenance: CRPS-optimal on the
season-ahead rest-of-season totals of all backtest years), restricted to the
members and renormalised; equal weights if the resource is missing or shares
no member.  The quantile average uses equal weights unless given others (the
stored weights are a linear pool's).

:func:`crps_weights` finds the CRPS-optimal weights of a linear pool from
stored sample totals: the CRPS of a mixture is a quadratic function of the
weights, ``CRPS(w) = sum_k w_k E|X_k - y| - 1/2 sum_kl w_k w_l E|X_k - X_l|``,
minimised over the simplex (``scipy.optimize.minimize``, SLSQP).  The
season-ahead backtest uses it with past years only.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from crossingcast.errors import ModelError
from crossingcast.frame import TARGET
from crossingcast.models.base import BaseForecaster, Forecast

__all__ = ["EnsembleForecaster", "crps_weights", "pool_samples", "mean_abs_diff", "load_weights",
           "DEFAULT_MEMBERS", "QA_MEMBERS", "quantile_average", "scale_spread", "crps_spread_scale",
           "quantile_average_paths", "scale_path_totals", "stored_spread_scale", "MIN_SCALED_HORIZON",
           "ranked_samples"]

#: Default members of ``make_forecaster("ensemble")``.
DEFAULT_MEMBERS = ("persistence", "hurdle", "sarimax", "gbm")
#: Members of ``make_forecaster("ensemble_qa")`` and of the season-ahead backtest's combinations.
QA_MEMBERS = ("persistence", "hurdle", "sarimax", "gbm", "level")
WEIGHTS_RESOURCE = "ensemble_weights.json"
#: The spread factor a quantile average gets when no stored factor exists (no narrowing).
_NO_SCALE = 1.0
#: Shortest horizon (days from the last observed day to the forecast's last day) that gets the stored factor:
#: the season-ahead backtest's shortest rest-of-season horizon (origin 31 July -> 30 September).
MIN_SCALED_HORIZON = 61


def mean_abs_diff(a: np.ndarray, b: np.ndarray) -> float:
    """``E|A - B|`` for independent draws from the samples ``a`` and ``b`` (O(n log n))."""
    a = np.sort(np.asarray(a, dtype=float))
    b = np.sort(np.asarray(b, dtype=float))
    cb = np.concatenate([[0.0], np.cumsum(b)])
    i = np.searchsorted(b, a, side="right")  # number of b <= a
    total = a * i - cb[i] + (cb[-1] - cb[i]) - a * (len(b) - i)
    return float(total.sum() / (len(a) * len(b)))


def _terms(samples: Sequence[np.ndarray], y: float) -> tuple[np.ndarray, np.ndarray]:
    k = len(samples)
    a = np.array([float(np.mean(np.abs(np.asarray(s, dtype=float) - y))) for s in samples])
    b = np.zeros((k, k))
    for i in range(k):
        for j in range(i, k):
            b[i, j] = b[j, i] = mean_abs_diff(samples[i], samples[j])
    return a, b


def crps_weights(cases: Sequence[tuple[Sequence[np.ndarray], float]], *, scale: bool = True) -> np.ndarray:
    """CRPS-optimal linear-pool weights over the simplex.

    Parameters
    ----------
    cases : sequence of (samples, actual)
        Per forecast case, one sample array (e.g. path totals) per member and
        the observed value.
    scale : bool
        Divide each case's CRPS by its actual (so large years do not dominate).

    Returns
    -------
    numpy.ndarray
        Weights ``>= 0`` summing to 1 (equal weights when ``cases`` is empty).
    """
    from scipy.optimize import minimize

    cases = list(cases)
    if not cases:
        raise ValueError("crps_weights: no cases")
    k = len(cases[0][0])
    A = np.zeros(k)
    B = np.zeros((k, k))
    for samples, y in cases:
        a, b = _terms(samples, float(y))
        s = 1.0 / max(abs(float(y)), 1.0) if scale else 1.0
        A += s * a
        B += s * b

    def f(w):
        return float(w @ A - 0.5 * w @ B @ w)

    def g(w):
        return A - B @ w

    w0 = np.full(k, 1.0 / k)
    res = minimize(f, w0, jac=g, method="SLSQP", bounds=[(0.0, 1.0)] * k,
                   constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1.0, "jac": lambda w: np.ones(k)}],
                   options={"ftol": 1e-12, "maxiter": 200})
    w = np.clip(res.x, 0.0, None)
    w = w / w.sum() if w.sum() > 0 else w0
    return w if f(w) <= f(w0) else w0


def pool_samples(samples: Sequence[np.ndarray], weights: Sequence[float], random_state=0) -> np.ndarray:
    """Linear pool of equally long sample arrays: element *i* is taken from member *k* with probability ``w_k``.

    ``samples`` are arrays with the same first dimension (paths); the result
    has that shape.  Same seed, same pool.
    """
    w = np.asarray(weights, dtype=float)
    arrs = [np.asarray(s, dtype=float) for s in samples]
    n = arrs[0].shape[0]
    if any(a.shape != arrs[0].shape for a in arrs):
        raise ModelError("pool_samples: members' samples must have the same shape")
    pick = np.random.default_rng(random_state).choice(len(arrs), size=n, p=w / w.sum())
    out = np.empty_like(arrs[0])
    for k, a in enumerate(arrs):
        sel = pick == k
        out[sel] = a[sel]
    return out


def _member_weights(weights, k: int, who: str) -> np.ndarray:
    """``k`` member weights: equal when None, else checked to be non-negative and to sum to 1."""
    w = np.full(k, 1.0 / k) if weights is None else np.asarray(weights, dtype=float)
    if w.shape != (k,) or np.any(w < 0) or not np.isclose(w.sum(), 1.0):
        raise ValueError(f"{who}: weights must be {k} non-negative numbers summing to 1, got {w.tolist()}")
    return w


def _even_ranks(size: int, n: int) -> np.ndarray:
    """``n`` evenly spaced ranks among ``0 .. size - 1`` (all of them when ``n == size``)."""
    return np.linspace(0, size - 1, n).round().astype(int)


def ranked_samples(samples: Sequence[np.ndarray], caller: str = "ranked_samples") -> np.ndarray:
    """The members' sorted samples thinned to the shortest one's length: row *k* holds member *k*'s quantiles.

    Parameters
    ----------
    samples : sequence of array-like
        One 1-D sample per member.
    caller : str
        Name given in the error message.

    Returns
    -------
    numpy.ndarray
        ``(k, n)`` with ``n`` the smallest sample size; a longer sample keeps
        evenly spaced order statistics.  Any combination of quantiles (mean:
        :func:`quantile_average`; median; trimmed mean) is a reduction over
        its rows.
    """
    arrays = [np.sort(np.asarray(x, dtype=float).ravel()) for x in samples]
    if not arrays or min(a.size for a in arrays) == 0:
        raise ValueError(f"{caller}: needs at least one non-empty sample per member")
    n = min(a.size for a in arrays)
    return np.vstack([a[_even_ranks(a.size, n)] for a in arrays])


def quantile_average(samples: Sequence[np.ndarray], weights: Sequence[float] | None = None) -> np.ndarray:
    """Quantile averaging ("Vincentization") of 1-D samples: the weighted mean of the members' quantiles.

    Each member's sample is sorted and thinned to the length ``n`` of the
    shortest (evenly spaced order statistics); element *i* of the result is
    ``sum_k w_k * sorted_k[i]``.  Its mean is the weighted mean of the
    members' means (exactly, when the samples are equally long) and its spread
    is the weighted mean of their spreads: members that disagree about the
    level do not widen it, as they do a linear pool's (Lichtendahl,
    Grushka-Cockayne & Winkler 2013, "Is it better to average probabilities
    or quantiles?", Management Science 59(7)).

    Parameters
    ----------
    samples : sequence of array-like
        One 1-D sample per member (e.g. season totals of the sample paths).
    weights : sequence of float, optional
        Non-negative, summing to 1; default equal weights.

    Returns
    -------
    numpy.ndarray
        Sorted sample of length ``n``.
    """
    ranked = ranked_samples(samples, caller="quantile_average")
    return np.tensordot(_member_weights(weights, ranked.shape[0], "quantile_average"), ranked, axes=1)


def scale_spread(samples: np.ndarray, mean: float, scale: float) -> np.ndarray:
    """``max(mean + scale * (samples - samples.mean()), 0)``: the spread scaled about an exact mean.

    With ``0 <= scale <= 1``, non-negative samples and ``mean`` equal to their
    own mean the result is a convex combination of each sample and the mean:
    non-negative, with mean ``mean`` exactly.  When ``mean`` lies below the
    samples' own mean (the exact mean of a combination against the mean of
    its finite sample), a value can fall below 0; it is set to 0, which moves
    the sample's mean up by at most that amount.
    """
    if not 0.0 <= float(scale) <= 1.0:
        raise ValueError(f"scale_spread: scale must be in [0, 1] (the spread is only narrowed), got {scale}")
    x = np.asarray(samples, dtype=float)
    return np.maximum(float(mean) + float(scale) * (x - x.mean()), 0.0)


def crps_spread_scale(cases: Sequence[tuple[np.ndarray, float, float]],
                      grid: Sequence[float] = tuple(np.round(np.arange(0.2, 1.0001, 0.05), 2))) -> float:
    """The spread scale on ``grid`` with the lowest mean CRPS over past ``cases`` ``(samples, mean, actual)``.

    A one-parameter post-processing of a combined forecast, estimated on
    past cases only (in the season-ahead backtest: the rest-of-season totals
    of earlier years).  Each case's CRPS is divided by its actual (at least 1),
    so that large seasons do not dominate.  Ties go to the larger scale.
    """
    if not cases:
        raise ValueError("crps_spread_scale: needs at least one past case")

    def crps(x: np.ndarray, y: float) -> float:  # one member's CRPS from the pool's terms: a - b / 2
        a, b = _terms([x], y)
        return float(a[0] - 0.5 * b[0, 0])

    best, best_score = None, np.inf
    for g in sorted((float(v) for v in grid), reverse=True):
        score = float(np.mean([crps(scale_spread(s, m, g), a) / max(a, 1.0) for s, m, a in cases]))
        if score < best_score - 1e-12:
            best, best_score = g, score
    return float(best)


def quantile_average_paths(paths: Sequence[np.ndarray], weights: Sequence[float] | None = None,
                           random_state=0) -> np.ndarray:
    """Sample paths whose totals are the quantile average of the members' path totals.

    Each member's paths (rows) are ranked by their total over the columns and
    thinned to the number ``n`` of the member with fewest paths (evenly spaced
    ranks, as :func:`quantile_average`).  Row *i* of the result is the *i*-th
    ranked path of one member, drawn with probabilities ``weights``
    (seed ``random_state``), rescaled so that its total is
    ``sum_k w_k * total_k[i]``: the row totals are therefore exactly
    ``quantile_average`` of the members' totals.  Each row keeps the day-to-day
    shape of a path one member simulated (its zero days and surges), which an
    average of *n* paths day by day would smooth away.  A drawn path with
    total 0 under a positive target is replaced by the weighted average of the
    members' *i*-th paths (whose total is the target).

    Parameters
    ----------
    paths : sequence of array-like
        One ``(n_paths, n_days)`` array per member, all with the same days.
    weights : sequence of float, optional
        Non-negative, summing to 1; default equal weights.
    random_state : int
        Seed of the draw of members.

    Returns
    -------
    numpy.ndarray
        ``(n, n_days)``, non-negative when the paths are, rows in increasing
        order of their total.
    """
    arrays = [np.asarray(p, dtype=float) for p in paths]
    if not arrays or any(a.ndim != 2 or a.shape[0] == 0 for a in arrays):
        raise ValueError("quantile_average_paths: needs one non-empty (paths, days) array per member")
    if any(a.shape[1] != arrays[0].shape[1] for a in arrays):
        raise ValueError("quantile_average_paths: members' paths must cover the same days, got "
                         f"{[a.shape[1] for a in arrays]} days")
    k = len(arrays)
    w = _member_weights(weights, k, "quantile_average_paths")
    n = min(a.shape[0] for a in arrays)
    ranked = np.stack([a[np.argsort(a.sum(axis=1), kind="stable")][_even_ranks(a.shape[0], n)] for a in arrays])
    averaged = np.tensordot(w, ranked, axes=1)  # (n, days): its row totals are the targets
    target = averaged.sum(axis=1)
    pick = np.random.default_rng(random_state).choice(k, size=n, p=w / w.sum())
    drawn = ranked[pick, np.arange(n)]
    totals = drawn.sum(axis=1)
    ok = totals > 0
    out = averaged.copy()
    out[ok] = drawn[ok] * (target[ok] / totals[ok])[:, None]
    return out


def scale_path_totals(paths: np.ndarray, mean: np.ndarray, scale: float) -> np.ndarray:
    """Paths whose totals are :func:`scale_spread` of their totals about ``mean.sum()``.

    Each path is multiplied by ``target_i / total_i`` with ``target =
    scale_spread(totals, mean.sum(), scale)``, so its day-to-day shape is kept
    and it stays non-negative; a path with total 0 gets ``target_i`` spread
    over the days in proportion to ``mean``.  The totals' spread shrinks by
    ``scale``; their mean is ``mean.sum()`` (up to the clipping of
    :func:`scale_spread`).

    Parameters
    ----------
    paths : numpy.ndarray
        ``(n_paths, n_days)``, non-negative.
    mean : numpy.ndarray
        The exact daily means (``n_days``) the combination should keep.
    scale : float
        In [0, 1].
    """
    p = np.asarray(paths, dtype=float)
    m = np.asarray(mean, dtype=float)
    if p.ndim != 2 or m.shape != (p.shape[1],):
        raise ValueError(f"scale_path_totals: paths {p.shape} and mean {m.shape} do not match")
    totals = p.sum(axis=1)
    target = scale_spread(totals, float(m.sum()), scale)
    out = np.empty_like(p)
    pos = totals > 0
    out[pos] = p[pos] * (target[pos] / totals[pos])[:, None]
    # a zero path's target is positive only when the mean is (scale_spread of non-negative totals)
    profile = m / m.sum() if m.sum() > 0 else np.zeros_like(m)
    out[~pos] = target[~pos, None] * profile[None, :]
    return out


def stored_spread_scale(end, horizon_days: int | None = None) -> tuple[float, str]:
    """The stored spread factor of a quantile-averaged forecast ending on ``end``, and its source.

    The season-ahead backtest (``benchmarks/season_ahead.py --write-weights``)
    stores one factor per target, estimated on all its seasons.  Forecasts
    ending by 30 September use the rest-of-season factor, longer ones the
    calendar-year factor.  The factor is 1 (no narrowing) without the
    resource, and for horizons shorter than :data:`MIN_SCALED_HORIZON` days
    (the shortest rest-of-season horizon of the backtest, origin 31 July):
    nothing measured that narrowing there.
    """
    if horizon_days is not None and int(horizon_days) < MIN_SCALED_HORIZON:
        return _NO_SCALE, (f"none (1): {int(horizon_days)} days ahead is shorter than the season-ahead "
                           f"backtest's horizons (>= {MIN_SCALED_HORIZON} days)")
    end = pd.Timestamp(end)
    target = "rest_of_season" if (end.month, end.day) <= (9, 30) else "year"
    stored = (load_weights() or {}).get("spread_scale", {})
    if target in stored:
        return float(stored[target]), f"resource ({target} totals)"
    return _NO_SCALE, "none stored (1)"


def load_weights() -> dict | None:
    """The stored ensemble weights resource (``{"weights": {...}, "provenance": {...}}``) or None."""
    try:
        text = resources.files("crossingcast.resources").joinpath(WEIGHTS_RESOURCE).read_text()
    except (FileNotFoundError, ModuleNotFoundError):
        return None
    return json.loads(text)


class EnsembleForecaster(BaseForecaster):
    """An ensemble of several forecasters: linear pool or quantile average of their sample paths.

    Parameters
    ----------
    members : sequence of str or dict
        Member model names (for :func:`crossingcast.models.make_forecaster`),
        or ``{name: unfitted forecaster}``.
    weights : None, "equal" or dict
        Member weights (see the module docstring): None = the stored resource
        (CRPS-optimal linear-pool weights from the season-ahead backtest) for
        ``combine="pool"`` and equal weights for ``combine="quantiles"``;
        "equal"; or ``{name: w}``.
    n_paths : int
        Paths of every member and of the combination.
    random_state : int
        Seed of the members (each gets its own derived seed) and of the pooling.
    combine : {"pool", "quantiles"}
        Linear pool of whole member paths, or quantile average of paths ranked
        by their total (module docstring).
    spread_scale : float, optional
        ``combine="quantiles"`` only: the factor in [0, 1] the spread of the
        totals is scaled by; None = the stored factor
        (:func:`stored_spread_scale`: rest-of-season or calendar-year, by the
        forecast's last day; 1 for forecasts less than
        :data:`MIN_SCALED_HORIZON` days ahead).

    Attributes
    ----------
    members_ : dict
        Fitted members.
    weights_ : dict
        Normalised weights used.
    weights_source_ : str
        ``"equal"``, ``"given"`` or ``"resource"`` (with provenance in ``info``).
    name_ : str
        ``"ensemble"`` (pool) or ``"ensemble_qa"`` (quantiles).

    Examples
    --------
    >>> from crossingcast.models import make_forecaster
    >>> qa = make_forecaster("ensemble_qa", n_paths=200)   # doctest: +SKIP
    >>> fc = qa.fit(frame).predict(future_frame(frame, "2026-06-01", "2026-09-30"))  # doctest: +SKIP
    >>> fc.info["spread_scale"]  # doctest: +SKIP
    """

    def __init__(self, members=DEFAULT_MEMBERS, weights=None, n_paths: int = 1000, random_state: int = 0,
                 combine: str = "pool", spread_scale: float | None = None):
        self.members = members
        self.weights = weights
        self.n_paths = n_paths
        self.random_state = random_state
        self.combine = combine
        self.spread_scale = spread_scale

    def _specs(self) -> dict:
        from crossingcast.models import make_forecaster

        items = self.members.items() if isinstance(self.members, Mapping) else [(m, m) for m in self.members]
        out = {}
        for i, (name, est) in enumerate(items):
            if name == "ensemble" or name == "best":
                raise ModelError(f"EnsembleForecaster: member {name!r} is not allowed")
            if isinstance(est, str):
                est = make_forecaster(est)
            params = est.get_params(deep=False)
            if "n_paths" in params:
                est.set_params(n_paths=int(self.n_paths))
            if "random_state" in params:
                est.set_params(random_state=int(self.random_state) + 7919 * (i + 1))
            out[str(name)] = est
        if not out:
            raise ModelError("EnsembleForecaster: no members")
        return out

    def _resolve_weights(self, names: list[str]) -> tuple[dict, str, dict]:
        if isinstance(self.weights, str):
            if self.weights != "equal":
                raise ModelError(f"EnsembleForecaster: weights must be None, 'equal' or a dict, got {self.weights!r}")
            return {n: 1.0 / len(names) for n in names}, "equal", {}
        if isinstance(self.weights, Mapping):
            unknown = set(self.weights) - set(names)
            if unknown:
                raise ModelError(f"EnsembleForecaster: weights for unknown members {sorted(unknown)}")
            w = {n: float(self.weights.get(n, 0.0)) for n in names}
            if any(v < 0 for v in w.values()) or sum(w.values()) <= 0:
                raise ModelError("EnsembleForecaster: weights must be >= 0 with a positive sum")
            s = sum(w.values())
            return {n: v / s for n, v in w.items()}, "given", {}
        if self.weights is not None:
            raise ModelError(f"EnsembleForecaster: weights must be None, 'equal' or a dict, got {self.weights!r}")
        if self.combine == "quantiles":  # the stored weights are a linear pool's
            return {n: 1.0 / len(names) for n in names}, "equal", {}
        stored = load_weights()
        if stored:
            w = {n: float(stored["weights"].get(n, 0.0)) for n in names}
            if sum(w.values()) > 0:
                s = sum(w.values())
                return {n: v / s for n, v in w.items()}, "resource", stored.get("provenance", {})
        return {n: 1.0 / len(names) for n in names}, "equal", {}

    def fit(self, frame: pd.DataFrame, target: str = TARGET) -> "EnsembleForecaster":
        """Fit every member on ``frame``.

        Returns
        -------
        EnsembleForecaster
            ``self``.
        """
        if self.combine not in ("pool", "quantiles"):
            raise ModelError(f"EnsembleForecaster: combine must be 'pool' or 'quantiles', got {self.combine!r}")
        if self.spread_scale is not None and (self.combine != "quantiles"
                                              or not 0.0 <= float(self.spread_scale) <= 1.0):
            raise ModelError("EnsembleForecaster: spread_scale is a factor in [0, 1] for combine='quantiles', "
                             f"got {self.spread_scale!r} with combine={self.combine!r}")
        specs = self._specs()
        self.weights_, self.weights_source_, self.provenance_ = self._resolve_weights(list(specs))
        # members with weight 0 are not fitted (they cannot contribute a path)
        self.weights_ = {n: w for n, w in self.weights_.items() if w > 0}
        self.members_ = {n: est.fit(frame) if target == TARGET else est.fit(frame, target=target)
                         for n, est in specs.items() if n in self.weights_}
        self.last_date_ = frame.index[-1]
        self.name_ = "ensemble_qa" if self.combine == "quantiles" else "ensemble"
        self.is_fitted_ = True
        return self

    def update(self, frame: pd.DataFrame) -> "EnsembleForecaster":
        """Pass new observations to every member's ``update``."""
        self._check_fitted()
        for m in self.members_.values():
            m.update(frame)
        self.last_date_ = frame.index[-1]
        return self

    def predict(self, future: pd.DataFrame) -> Forecast:
        """Combined forecast; its mean is the weighted mean of the members' means.

        ``combine="pool"``: paths drawn member-wise with probabilities
        ``weights_``.  ``combine="quantiles"``: paths ranked by their total,
        rescaled to the rank-by-rank average of the totals, the spread of the
        totals scaled about the mean (``info["spread_scale"]`` and its source).
        """
        self._check_fitted()
        names = list(self.members_)
        fcs = {n: self.members_[n].predict(future) for n in names}
        w = np.array([self.weights_[n] for n in names])
        paths = []
        for n in names:
            p = fcs[n].paths
            if p is None:
                raise ModelError(f"EnsembleForecaster: member {n!r} gave no sample paths")
            if p.shape[0] != int(self.n_paths):  # resample to a common count, deterministically
                idx = np.random.default_rng(int(self.random_state)).integers(0, p.shape[0], int(self.n_paths))
                p = p[idx]
            paths.append(p)
        mean = sum(wk * fcs[n].mean.to_numpy() for wk, n in zip(w, names))
        info = {"weather": next(iter(fcs.values())).info.get("weather", "none"), "members": names,
                "weights": {n: float(v) for n, v in zip(names, w)}, "weights_source": self.weights_source_,
                "provenance": self.provenance_}
        if self.combine == "quantiles":
            index = fcs[names[0]].index
            if self.spread_scale is None:
                scale, source = stored_spread_scale(index[-1], (index[-1] - self.last_date_).days)
            else:
                scale, source = float(self.spread_scale), "given"
            qa = quantile_average_paths(paths, w / w.sum(), random_state=int(self.random_state))
            combined = scale_path_totals(qa, mean, scale)
            info.update({"distribution": "member paths rescaled to the quantile average of their totals, "
                                         "spread scaled",
                         "spread_scale": scale, "spread_scale_source": source})
        else:
            combined = pool_samples(paths, w, random_state=int(self.random_state))
            info["distribution"] = "linear pool of member paths"
        return Forecast.from_paths(combined, fcs[names[0]].index, model=self.name_, mean=mean, info=info)
