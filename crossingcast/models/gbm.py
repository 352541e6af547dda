"""Gradient-boosted trees (LightGBM, Poisson/Tweedie) with a direct multi-horizon strategy.

:class:`GBMForecaster` is crossingcast's most flexible model.  It learns the
daily predictive **mean** with a count objective (Poisson by default, which is
mean-unbiased: the fitted values sum to the observed total) and the
**probability of a crossing day** with a binary classifier, from

* the frame's exogenous columns: weather (when present), ``event_`` flags,
  public holidays, day of week, annual Fourier terms, trend;
* *horizon-aware* target features: lags and rolling means of arrivals, the
  rolling share of crossing days, arrivals per crossing day, the same period
  last year and the year-on-year level ratio.

Direct strategy by horizon bucket
---------------------------------
``horizons=(7, 14, 28, 63, 182)`` defines buckets ``1..7, 8..14, 15..28,
29..63, 64..182`` days ahead.  One pair of models (mean, crossing
probability) is trained per bucket, on target features shifted by the
bucket's **maximum** horizon ``H``: the feature row of day *t* uses arrivals
up to day *t - H* only (:func:`crossingcast.features.lag_features`).  A
forecast for day *t = origin + h* with ``h`` in the bucket therefore uses
data up to ``t - H <= origin`` and never the unknown future, and there is no
recursion (no simulated arrivals fed back as features).  Days further ahead
than the largest bucket use the largest bucket's model with features shifted
by the next multiple of 28 days past the bucket (``>= h``, so at most 27 days
staler than the origin; staler than the model was trained on: a documented
approximation, which lets the hold-out calibration reproduce it exactly).

Predictive distribution
-----------------------
Sample paths follow the hurdle model of
:func:`crossingcast.models.distributions.hurdle_paths` (Bernoulli crossing
day × one plus negative-binomial excess, with a per-path log-normal level
factor of mean one), so the daily mean equals the model's mean **exactly**.
Its negative-binomial ``shape`` and ``level_sd`` are estimated **out of
sample** inside :meth:`GBMForecaster.fit` (``calibration="holdout"``): the
models are refitted at ``calibration_years`` (default 3) month-end cuts one
year apart, each held-out year is forecast from weekly origins up to 366 days
ahead, and :func:`crossingcast.models.distributions.calibrate_hurdle` is run
per horizon band (``level_horizons_`` = the buckets plus 366) with the origin
as group.  The bands' ``level_sd`` are made non-decreasing and raised to the
floor of :func:`~crossingcast.models.distributions.level_sd_floor`; crossing
days are persistent (``persistence="auto"``, estimated on the hold-out).  The
final models are then refitted on all data; hold-out refits are cached so
fits whose data agree up to a cut share them.  One standard-normal draw per
path drives the level factor of every band, so the paths stay coherent across
horizons and season totals get wide enough intervals.  Days beyond the largest
bucket use the largest bucket's model with features shifted by the next
multiple of 28 days past the bucket (at least ``h`` days old).
"""

from __future__ import annotations

import time
import warnings
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from crossingcast.errors import ModelError
from crossingcast.features import lag_features
from crossingcast.frame import TARGET, feature_columns, weather_columns
from crossingcast.models.base import DEFAULT_QUANTILES, BaseForecaster, Forecast
from crossingcast.models.distributions import (calibrate_hurdle, consistent_hurdle, crossing_persistence,
                                               hurdle_paths, level_sd_floor, monotone_level_sd)

__all__ = ["GBMForecaster", "default_features", "target_features"]

_YEAR_LAG = 364  # same weekday last year
_FAR_STEP = 28  # beyond the largest bucket, feature shifts step by 28 days (>= the horizon)
_LEVEL_MAX_H = 366  # level_sd is calibrated to a year ahead
_HOLDOUT_CACHE: dict = {}  # hold-out refits shared by fits whose data up to the cut are identical
_HOLDOUT_CACHE_SIZE = 12


def _month_end_before(day: pd.Timestamp) -> pd.Timestamp:
    """The last day of the month before ``day`` (``day`` itself when it is a month end)."""
    day = pd.Timestamp(day).normalize()
    return day if day.is_month_end else day - pd.offsets.MonthEnd(1)


def default_features(frame: pd.DataFrame) -> list[str]:
    """The exogenous columns :class:`GBMForecaster` uses by default.

    All exogenous columns of ``frame`` (weather, events, holidays, ``dow``,
    Fourier terms) except the redundant ``dow_1..dow_6`` dummies (trees split
    on ``dow``) and ``trend`` (see the ``features`` parameter).
    """
    return [c for c in feature_columns(frame) if not (c.startswith("dow_") and c[4:].isdigit()) and c != "trend"]


def target_features(y: pd.Series, horizon: int, lags: Iterable[int] = (0, 6),
                    windows: Iterable[int] = (7, 28, 91), last_year: bool = True) -> pd.DataFrame:
    """Target-derived features usable ``horizon`` days ahead (names independent of the horizon).

    The row of day *t* uses ``y`` up to day *t - horizon* only:

    * ``y_lagH_{l}`` = ``y[t - horizon - l]`` for ``l`` in ``lags``;
    * ``y_mean{w}`` = mean of the ``w`` days ending at *t - horizon*;
    * ``share{w}`` = share of crossing days (``y > 0``) in the same window;
    * ``intensity{w}`` = ``y_mean{w} / share{w}`` (arrivals per crossing day);
    * with ``last_year``: ``ly_mean15``/``ly_mean29`` = mean of ``y`` over the
      15/29 days centred on *t - 364* (so they use ``y`` up to *t - 350*),
      ``ly_share29`` the share of crossing days there, ``ly3_mean29`` the
      same 29-day mean averaged over up to three past years, ``yoy91`` /
      ``yoy365`` = the ratio of the 91/365-day mean ending at *t - horizon*
      to the same window a year earlier, and ``ly_scaled`` =
      ``ly_mean29 * yoy91``, ``ly3_scaled`` = ``ly3_mean29 * yoy365`` (past
      seasons rescaled to the current level); ``level365`` = the 365-day mean
      ending at *t - horizon* over the same mean in up to three earlier
      years, and ``baseline`` = ``ly3_mean29 * (1 + level365) / 2`` (the
      seasonal level), for ``horizon <= 28`` averaged half-and-half with the
      28-day mean ending at *t - horizon* (used as the log offset of the
      mean model).  Past-year windows that would need
      data after *t - horizon* are left out (NaN when none is available).  They are NaN where the horizon exceeds
      350 days (they would need data after *t - horizon*).

    Parameters
    ----------
    y : pandas.Series
        Daily arrivals without gaps (may end with NaN for unknown future days).
    horizon : int
        Shift ``H >= 1``.
    lags, windows : iterable of int
        Lag offsets and rolling-window lengths.
    last_year : bool
        Add the same-period-last-year features.

    Returns
    -------
    pandas.DataFrame
        One row per day of ``y``.
    """
    y = y.astype(float)
    lags, windows = tuple(lags), tuple(windows)
    base = lag_features(y, horizon=horizon, lags=lags, windows=windows, prefix="y")
    base.columns = [f"y_lagH_{l}" for l in lags] + [f"y_mean{w}" for w in windows]
    crossed = (y > 0).astype(float).where(y.notna())
    share = lag_features(crossed, horizon=horizon, lags=(), windows=windows, prefix="s")
    share.columns = [f"share{w}" for w in windows]
    out = pd.concat([base, share], axis=1)
    for w in windows:
        with np.errstate(divide="ignore", invalid="ignore"):
            out[f"intensity{w}"] = np.where(out[f"share{w}"] > 0, out[f"y_mean{w}"] / out[f"share{w}"], 0.0)
        out.loc[out[f"share{w}"].isna(), f"intensity{w}"] = np.nan
    if last_year:
        def centred(series: pd.Series, half: int, lag: int) -> pd.Series:
            # mean of series[t-lag-half .. t-lag+half]; NaN when it would need data after t - horizon
            if lag - half < horizon:
                return pd.Series(np.nan, index=series.index)
            return series.rolling(2 * half + 1, min_periods=2 * half + 1).mean().shift(lag - half)

        out["ly_mean15"] = centred(y, 7, _YEAR_LAG)
        out["ly_mean29"] = centred(y, 14, _YEAR_LAG)
        out["ly_share29"] = centred(crossed, 14, _YEAR_LAG)
        past = pd.concat([centred(y, 14, k * _YEAR_LAG) for k in (1, 2, 3)], axis=1)
        out["ly3_mean29"] = past.mean(axis=1, skipna=True)  # same period, mean of up to 3 past years
        shifted = y.shift(horizon)
        for w in (91, 365):
            now = shifted.rolling(w, min_periods=w).mean()
            then = now.shift(_YEAR_LAG)
            out[f"yoy{w}"] = np.clip((now + 1.0) / (then + 1.0), 0.0, 10.0)
        now = shifted.rolling(365, min_periods=365).mean()
        ref = pd.concat([now.shift(k * _YEAR_LAG) for k in (1, 2, 3)], axis=1).mean(axis=1, skipna=True)
        out["level365"] = np.clip((now + 5.0) / (ref + 5.0), 0.1, 10.0)
        out["ly_scaled"] = out["ly_mean29"] * out["yoy91"]
        out["ly3_scaled"] = out["ly3_mean29"] * out["level365"]
        # a seasonal baseline: past seasons, half-way rescaled to the current annual level ...
        seasonal = out["ly3_mean29"] * (0.5 + 0.5 * out["level365"].fillna(1.0))
        # ... blended with the recent level at short horizons
        recent = shifted.rolling(28, min_periods=28).mean()
        w = 0.5 if horizon <= 28 else 0.0
        out["baseline"] = ((1 - w) * seasonal + w * recent).fillna(seasonal).fillna(recent)
    return out


class GBMForecaster(BaseForecaster):
    """Gradient-boosted trees, direct by horizon bucket, with a calibrated hurdle distribution.

    Parameters
    ----------
    backend : {"lightgbm", "sklearn"}
        ``"lightgbm"`` (falls back to ``"sklearn"`` automatically when
        LightGBM is not installed; the backend used is in ``backend_`` and in
        ``Forecast.info``) or scikit-learn's ``HistGradientBoostingRegressor``
        (``loss="poisson"``) / ``HistGradientBoostingClassifier``.
    objective : {"poisson", "tweedie"}
        Count objective of the mean model (both are mean-unbiased with a log
        link).  The sklearn backend has no Tweedie loss and uses Poisson.
    horizons : sequence of int
        Upper ends of the horizon buckets (days ahead).  One model pair per
        bucket; use e.g. ``(7, 14)`` for short-horizon work (faster).
    lags : sequence of int
        Lag offsets of the target beyond the bucket shift.
    windows : sequence of int
        Rolling windows (days) of mean arrivals and share of crossing days.
    features : list of str, optional
        Exogenous columns to use; default: all exogenous columns of the frame
        (weather, events, holidays, ``dow``, Fourier terms) except the
        redundant ``dow_1..dow_6`` dummies (trees split on ``dow``) and
        ``trend`` (trees cannot extrapolate it: it only lets them pick out
        the latest year and carry its off-season level into the summer, which
        made backtests worse).
    n_estimators, learning_rate, num_leaves, min_child_samples : int, float, int, int
        Tree-boosting settings (same meaning for both backends).  The small
        trees with >= 100 days per leaf and few boosting rounds (50 x 0.05)
        are deliberate: the mean starts from the seasonal baseline offset and
        the trees only make modest multiplicative corrections.  Weather-blind
        daily arrivals are mostly noise; more/larger trees memorise past
        seasons (rolling-origin summer backtests 2021-2022, used for choosing
        the defaults: weekly-total RMSE 630 with 50 rounds, 655 with 100,
        722 with 300; seasonal naive 817).
    train_start : date-like or None
        First training day (earlier days only feed the lag features).
    offset : bool
        Fit the mean model on the log scale *relative to* a seasonal baseline
        (``baseline`` of :func:`target_features`: the same period in up to
        three past years, rescaled half-way to the current annual level),
        passed as a log offset (LightGBM ``init_score``; for the sklearn
        backend the equivalent weighted Poisson fit of ``y / baseline``).  The
        trees then learn multiplicative corrections, which extrapolates to
        level shifts and does not shrink the summer peak towards the annual
        mean.  Where no baseline exists, the training mean is used.
    calibration : {"holdout", "insample"}
        How the hurdle ``shape``/``level_sd`` are estimated: out of sample on
        the last year (``"holdout"``, default, needs >= 2 years of data) or
        from in-sample fits (``"insample"``, fast, too narrow).
    calibration_years : int
        Held-out years of the ``"holdout"`` calibration (fewer when the data
        are too short; each needs a year of training before it).
    persistence : "auto" or float
        Persistence of crossing days in the paths (``"auto"``: weekly variance match,
        estimated on the hold-out; 0: independent days).
    n_paths : int
        Number of sample paths per forecast.
    random_state : int
        Seed of the trees (LightGBM ``seed``, ``deterministic=True``) and of the paths.
    n_jobs : int
        Threads per model.

    Attributes
    ----------
    buckets_ : list of int
        The bucket upper horizons.
    models_ : dict
        ``{H: {"mean": regressor, "cross": classifier}}``.
    calibration_ : dict
        ``{H: {"shape": k, "level_sd": s, "raw_level_sd": r, "n": n}}`` per band plus
        ``level_sd_by_horizon``, ``persistence``, ``floor`` and ``method``.
    level_horizons_ : list of int
        Upper horizons of the calibration bands (the buckets, plus 366 with ``"holdout"``).
    y_ : pandas.Series
        The stored arrivals history (extended by :meth:`update`).
    """

    def __init__(self, backend: str = "lightgbm", objective: str = "poisson",
                 horizons: Sequence[int] = (7, 14, 28, 63, 182), lags: Sequence[int] = (0, 6),
                 windows: Sequence[int] = (7, 28, 91), features: Sequence[str] | None = None,
                 n_estimators: int = 50, learning_rate: float = 0.05, num_leaves: int = 7,
                 min_child_samples: int = 100, train_start="2019-01-01", offset: bool = True,
                 calibration: str = "holdout", calibration_years: int = 3, persistence="auto",
                 n_paths: int = 1000, random_state: int = 0, n_jobs: int = 1):
        self.backend = backend
        self.objective = objective
        self.horizons = horizons
        self.lags = lags
        self.windows = windows
        self.features = features
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.train_start = train_start
        self.offset = offset
        self.calibration = calibration
        self.calibration_years = calibration_years
        self.persistence = persistence
        self.n_paths = n_paths
        self.random_state = random_state
        self.n_jobs = n_jobs

    # ------------------------------------------------------------ internals
    def _resolve_backend(self) -> str:
        if self.backend not in ("lightgbm", "sklearn"):
            raise ModelError(f"GBMForecaster: backend must be 'lightgbm' or 'sklearn', got {self.backend!r}")
        if self.backend == "lightgbm":
            try:
                import lightgbm  # noqa: F401
            except ImportError:
                warnings.warn("lightgbm is not installed: GBMForecaster falls back to scikit-learn's "
                              "HistGradientBoosting (backend='sklearn')", stacklevel=3)
                return "sklearn"
        return self.backend

    def _new_models(self):
        seed = int(self.random_state)
        if self.backend_ == "lightgbm":
            import lightgbm as lgb

            common = dict(n_estimators=int(self.n_estimators), learning_rate=float(self.learning_rate),
                          num_leaves=int(self.num_leaves), min_child_samples=int(self.min_child_samples),
                          subsample=0.8, subsample_freq=1, colsample_bytree=0.8, reg_lambda=1.0,
                          random_state=seed, deterministic=True, force_row_wise=True,
                          n_jobs=int(self.n_jobs), verbose=-1)
            if self.objective_ == "tweedie":
                reg = lgb.LGBMRegressor(objective="tweedie", tweedie_variance_power=1.5, **common)
            else:
                reg = lgb.LGBMRegressor(objective="poisson", **common)
            clf = lgb.LGBMClassifier(objective="binary", **common)
            return reg, clf
        from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

        common = dict(max_iter=int(self.n_estimators), learning_rate=float(self.learning_rate),
                      max_leaf_nodes=int(self.num_leaves), min_samples_leaf=int(self.min_child_samples),
                      l2_regularization=1.0, early_stopping=False, random_state=seed)
        return (HistGradientBoostingRegressor(loss="poisson", **common),
                HistGradientBoostingClassifier(**common))

    def _design(self, exog: pd.DataFrame, y: pd.Series, shift: int) -> pd.DataFrame:
        """Feature matrix for the rows of ``exog``: exogenous columns + target features with ``shift``."""
        tf = target_features(y, shift, self.lags, self.windows)
        return pd.concat([exog[self.features_].astype(float), tf.reindex(exog.index)], axis=1)

    def _log_offset(self, X: pd.DataFrame) -> np.ndarray:
        """Log of the seasonal baseline per row (zeros when ``offset=False``)."""
        if not self.offset:
            return np.zeros(len(X))
        b = X["baseline"].fillna(self.base_fill_)
        return np.log(b.to_numpy(dtype=float) + 0.5)

    def _fit_bucket(self, X: pd.DataFrame, y: np.ndarray):
        reg, clf = self._new_models()
        off = self._log_offset(X)
        if not self.offset:
            reg.fit(X, y)
        elif self.backend_ == "lightgbm":
            reg.fit(X, y, init_score=off)
        else:  # Poisson deviance with offset b == b-weighted Poisson deviance of y / b
            b = np.exp(off)
            reg.fit(X, y / b, sample_weight=b)
        crossed = (y > 0).astype(int)
        if crossed.min() == crossed.max():  # degenerate: all zero or all crossing days
            clf = float(crossed[0])
        else:
            clf.fit(X, crossed)
        return {"mean": reg, "cross": clf}

    def _predict_bucket(self, models: dict, X: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        off = self._log_offset(X)
        reg = models["mean"]
        if not self.offset:
            mu = np.asarray(reg.predict(X), dtype=float)
        elif self.backend_ == "lightgbm":
            mu = np.exp(np.asarray(reg.predict(X, raw_score=True), dtype=float) + off)
        else:
            mu = np.asarray(reg.predict(X), dtype=float) * np.exp(off)
        mu = np.clip(mu, 0.0, None)
        clf = models["cross"]
        p = np.full(len(X), clf) if isinstance(clf, float) else clf.predict_proba(X)[:, 1]
        return mu, np.asarray(p, dtype=float)

    def _fit_all(self, exog: pd.DataFrame, y: pd.Series, end: pd.Timestamp) -> dict:
        """Fit every bucket on training rows ``[train_start, end]`` (features from ``y``)."""
        start = exog.index[0] if self.train_start is None else max(pd.Timestamp(self.train_start), exog.index[0])
        rows = exog.index[(exog.index >= start) & (exog.index <= end)]
        if len(rows) < 60:
            raise ModelError(f"GBMForecaster: only {len(rows)} training day(s) in {start.date()}..{end.date()}; "
                             "need at least 60")
        self.base_fill_ = float(y.loc[rows].mean())
        models = {}
        for H in self.buckets_:
            X = self._design(exog.loc[rows], y, H)
            models[H] = self._fit_bucket(X, y.loc[rows].to_numpy(dtype=float))
        return models

    def _band_of(self, h: np.ndarray) -> np.ndarray:
        """Calibration band (upper horizon of ``level_horizons_``) of each horizon ``h``."""
        b = np.asarray(self.level_horizons_)
        return b[np.minimum(np.searchsorted(b, np.asarray(h), side="left"), len(b) - 1)]

    def _bucket_of(self, h: np.ndarray) -> np.ndarray:
        """Bucket upper horizon for each horizon ``h`` (largest bucket beyond it)."""
        b = np.asarray(self.buckets_)
        idx = np.searchsorted(b, h, side="left")
        return b[np.minimum(idx, len(b) - 1)]

    def _calibrate(self, exog: pd.DataFrame, y: pd.Series) -> dict:
        last = y.index[-1]
        if self.calibration == "insample":
            out = {}
            for H in self.buckets_:
                X = self._design(exog, y, H)
                keep = X.index >= pd.Timestamp(self.train_start or X.index[0])
                mu, p = self._predict_bucket(self.models_[H], X[keep])
                yy = y[keep].to_numpy(dtype=float)
                grp = np.arange(keep.sum()) // max(H, 7)
                out[H] = calibrate_hurdle(yy, mu, p, groups=grp)
            out["method"] = "in-sample residuals (optimistic)"
            return out
        if self.calibration != "holdout":
            raise ModelError(f"GBMForecaster: calibration must be 'holdout' or 'insample', got {self.calibration!r}")
        first = pd.Timestamp(self.train_start or y.index[0])
        cuts = []
        for j in range(1, int(self.calibration_years) + 1):
            cut = _month_end_before(last - pd.Timedelta(days=365 * j))
            if cut - max(first, y.index[0]) >= pd.Timedelta(days=365):
                cuts.append(cut)
        if not cuts:
            raise ModelError("GBMForecaster: calibration='holdout' needs at least two years of training data "
                             "(use calibration='insample' for short frames)")
        hmax = self.buckets_[-1]
        bands = list(self.level_horizons_)
        lo = {H: prev + 1 for prev, H in zip([0] + bands[:-1], bands)}
        rec = {H: ([], [], [], []) for H in bands}
        short = ([], [], [])  # the first 28 days of each origin, for the persistence of crossing days
        g = 0
        for cut in cuts:
            models, fill = self._holdout_models(exog, y, cut)
            self.base_fill_ = fill
            held = exog.index[(exog.index > cut) & (exog.index <= cut + pd.Timedelta(days=364 + bands[-1]))]
            shifts = [H for H in self.buckets_] + sorted({self._far_shift(h) for h in range(hmax + 1, bands[-1] + 1)})
            preds = {}
            for sh in shifts:
                X = self._design(exog.loc[held], y, sh)
                preds[sh] = self._predict_bucket(models[min(sh, hmax)], X)
            yy = y.loc[held].to_numpy(dtype=float)
            n_held = len(held)
            for origin in pd.date_range(cut, min(cut + pd.Timedelta(days=364), last - pd.Timedelta(days=1)),
                                        freq="7D"):
                o = (origin - cut).days  # day origin + h sits at position o + h - 1 of `held`
                hh = np.arange(1, bands[-1] + 1)
                ok = o + hh - 1 < n_held
                hh = hh[ok]
                sh = np.where(hh <= hmax, self._bucket_of(hh), [self._far_shift(x) for x in hh])
                ii = o + hh - 1
                mu = np.empty(len(hh))
                pp = np.empty(len(hh))
                for v in np.unique(sh):
                    m_ = sh == v
                    mu[m_], pp[m_] = preds[int(v)][0][ii[m_]], preds[int(v)][1][ii[m_]]
                for H in bands:
                    sel = (hh >= lo[H]) & (hh <= H)
                    if sel.sum() == 0 or (H - lo[H] >= 7 and sel.sum() < (H - lo[H] + 1) // 2):
                        continue  # a band needs at least half of its days
                    for lst, v in zip(rec[H], (yy[ii[sel]], mu[sel], pp[sel], np.full(sel.sum(), g))):
                        lst.append(v)
                first28 = hh <= 28
                for lst, v in zip(short, (yy[ii[first28]], pp[first28], np.full(first28.sum(), g))):
                    lst.append(v)
                g += 1
        if self.persistence == "auto":
            # weekly variance match (block=7), as the hurdle and the baselines: the lag-1 value left weeks too regular
            rho = crossing_persistence(*(np.concatenate(v) for v in short), block=7)
        else:
            rho = float(self.persistence)
        floor = level_sd_floor(y[y.index >= first], bands)
        out = {}
        raw = []
        for H in bands:
            ys, ms, ps, gs = rec[H]
            if len(ys) < 3:
                out[H] = {"shape": 1.0, "level_sd": 0.0, "n": 0, "n_origins": len(ys)}
            else:
                out[H] = calibrate_hurdle(*(np.concatenate(v) for v in (ys, ms, ps, gs)), persistence=rho)
                out[H]["n_origins"] = len(ys)
            raw.append(out[H]["level_sd"])
        sd = monotone_level_sd(raw, [floor["floor"][H] for H in bands])
        for H, r, v in zip(bands, raw, sd):
            out[H]["raw_level_sd"] = float(r)
            out[H]["level_sd"] = float(v)
        out["persistence"] = float(rho)
        out["floor"] = floor
        out["level_sd_by_horizon"] = {int(H): float(v) for H, v in zip(bands, sd)}
        out["method"] = (f"holdout: models refitted up to {', '.join(c.date().isoformat() for c in cuts)} "
                         f"({len(cuts)} held-out years), weekly origins in the year after each, "
                         f"calibrate_hurdle per horizon band to {bands[-1]} days (groups = origin), "
                         f"non-decreasing with a floor")
        return out

    def _far_shift(self, h: int) -> int:
        """Feature shift for a horizon beyond the largest bucket: the next multiple of 28 days past it."""
        hmax = self.buckets_[-1]
        return int(hmax + _FAR_STEP * int(np.ceil((int(h) - hmax) / _FAR_STEP)))

    def _holdout_models(self, exog: pd.DataFrame, y: pd.Series, cut: pd.Timestamp):
        """Models fitted on data up to ``cut`` (cached: origins in the same month share their hold-out refits)."""
        import joblib

        params = {k: v for k, v in self.get_params().items()
                  if k not in ("n_paths", "n_jobs", "persistence", "calibration_years", "calibration")}
        key = joblib.hash((params, self.backend_, self.objective_, list(self.buckets_), list(self.features_),
                           str(cut), y.loc[:cut].to_numpy(), exog.loc[:cut].to_numpy(), list(exog.columns)))
        hit = _HOLDOUT_CACHE.get(key)
        if hit is None:
            models = self._fit_all(exog, y, cut)
            hit = (models, self.base_fill_)
            _HOLDOUT_CACHE[key] = hit
            while len(_HOLDOUT_CACHE) > _HOLDOUT_CACHE_SIZE:
                _HOLDOUT_CACHE.pop(next(iter(_HOLDOUT_CACHE)))
        return hit

    # ------------------------------------------------------------------ API
    def fit(self, frame: pd.DataFrame, target: str = TARGET) -> "GBMForecaster":
        """Fit one (mean, crossing-probability) model pair per horizon bucket and calibrate the distribution.

        Parameters
        ----------
        frame : pandas.DataFrame
            Daily frame from :func:`crossingcast.build_frame` (target + exogenous columns).
        target : str
            Target column (default ``"migrants"``).

        Returns
        -------
        GBMForecaster
            ``self``.

        Raises
        ------
        ModelError
            If the target or requested feature columns are missing, or there is too little data.
        """
        t0 = time.perf_counter()
        if not isinstance(frame, pd.DataFrame) or not isinstance(frame.index, pd.DatetimeIndex):
            raise ModelError("GBMForecaster.fit: frame must be a DataFrame indexed by date")
        if target not in frame.columns:
            raise ModelError(f"GBMForecaster.fit: frame has no target column {target!r}")
        if self.objective not in ("poisson", "tweedie"):
            raise ModelError(f"GBMForecaster: objective must be 'poisson' or 'tweedie', got {self.objective!r}")
        buckets = sorted({int(h) for h in self.horizons})
        if not buckets or buckets[0] < 1:
            raise ModelError(f"GBMForecaster: horizons must be positive integers, got {self.horizons!r}")
        if self.features is None:
            feats = default_features(frame)
        else:
            feats = list(self.features)
            missing = [c for c in feats if c not in frame.columns]
            if missing:
                raise ModelError(f"GBMForecaster.fit: frame lacks feature column(s) {missing}")
        y = pd.Series(frame[target].to_numpy(dtype=float), index=pd.DatetimeIndex(frame.index), name=target)
        if y.isna().any() or (y < 0).any():
            raise ModelError(f"GBMForecaster.fit: target {target!r} must be non-negative without gaps")
        full = pd.date_range(frame.index[0], frame.index[-1], freq="D")
        if len(full) != len(frame):
            raise ModelError("GBMForecaster.fit: frame must be daily without gaps")
        self.backend_ = self._resolve_backend()
        self.objective_ = "poisson" if self.backend_ == "sklearn" else self.objective
        self.buckets_ = buckets
        self.level_horizons_ = (buckets + [_LEVEL_MAX_H] if buckets[-1] < _LEVEL_MAX_H and
                                self.calibration == "holdout" else list(buckets))
        if not (isinstance(self.persistence, str) and self.persistence == "auto") and not (
                isinstance(self.persistence, (int, float)) and 0 <= float(self.persistence) < 1):
            raise ModelError(f"GBMForecaster: persistence must be 'auto' or a number in [0, 1), "
                             f"got {self.persistence!r}")
        self.features_ = feats
        self.weather_features_ = [c for c in weather_columns(frame) if c in feats]
        self.target_ = target
        self.name_ = "gbm"
        exog = frame[feats]
        t1 = time.perf_counter()
        self.models_ = {}  # needed by insample calibration after the final fit
        if self.calibration == "holdout":
            self.calibration_ = self._calibrate(exog, y)
            self.models_ = self._fit_all(exog, y, y.index[-1])
        else:
            self.models_ = self._fit_all(exog, y, y.index[-1])
            self.calibration_ = self._calibrate(exog, y)
        self.y_ = y.copy()
        self.y_.index = pd.DatetimeIndex(y.index, freq="D", name="date")
        self.last_date_ = y.index[-1]
        self.train_end_ = self.last_date_
        self.fit_seconds_ = time.perf_counter() - t0
        self.fit_detail_ = {"prepare_s": t1 - t0, "total_s": self.fit_seconds_}
        self.is_fitted_ = True
        return self

    def update(self, frame: pd.DataFrame) -> "GBMForecaster":
        """Extend the stored arrivals history to the end of ``frame`` without refitting the trees.

        Target features (lags, rolling means, ...) of later forecasts are then
        computed up to the new origin ``last_date_``.  Overlapping dates take
        the values of ``frame`` (revised figures).

        Parameters
        ----------
        frame : pandas.DataFrame
            Daily frame with the target column, ending after ``last_date_`` and
            starting no later than ``last_date_ + 1 day``.

        Returns
        -------
        GBMForecaster
            ``self``.

        Raises
        ------
        ModelError
            If ``frame`` does not extend the history contiguously.
        """
        self._check_fitted()
        if self.target_ not in frame.columns:
            raise ModelError(f"GBMForecaster.update: frame has no target column {self.target_!r}")
        idx = pd.DatetimeIndex(frame.index)
        if len(idx) == 0 or idx[-1] <= self.last_date_:
            raise ModelError(f"GBMForecaster.update: the frame must extend the history beyond "
                             f"{self.last_date_.date()} (it ends {idx[-1].date() if len(idx) else 'empty'})")
        if idx[0] > self.last_date_ + pd.Timedelta(days=1):
            raise ModelError(f"GBMForecaster.update: gap between the history (ends {self.last_date_.date()}) "
                             f"and the new frame (starts {idx[0].date()})")
        if len(pd.date_range(idx[0], idx[-1], freq="D")) != len(idx):
            raise ModelError("GBMForecaster.update: frame must be daily without gaps")
        new = pd.Series(frame[self.target_].to_numpy(dtype=float), index=idx)  # no attrs
        if new.isna().any() or (new < 0).any():
            raise ModelError(f"GBMForecaster.update: target {self.target_!r} must be non-negative without gaps")
        y = pd.concat([self.y_[self.y_.index < idx[0]], new])
        y.index = pd.DatetimeIndex(y.index, freq="D", name="date")
        self.y_ = y
        self.last_date_ = y.index[-1]
        return self

    def _check_future(self, future: pd.DataFrame) -> pd.DataFrame:
        if not isinstance(future, pd.DataFrame) or not isinstance(future.index, pd.DatetimeIndex) or not len(future):
            raise ModelError("GBMForecaster.predict: future must be a non-empty DataFrame indexed by date")
        if future.index[0] <= self.last_date_:
            raise ModelError(f"GBMForecaster.predict: future dates must start after the history's last date "
                             f"{self.last_date_.date()} (future starts {future.index[0].date()})")
        if len(pd.date_range(future.index[0], future.index[-1], freq="D")) != len(future):
            raise ModelError("GBMForecaster.predict: future must be daily without gaps")
        missing = [c for c in self.features_ if c not in future.columns]
        if missing:
            raise ModelError(f"GBMForecaster.predict: future lacks column(s) {missing} "
                             "(build it with crossingcast.frame.future_frame(history, start, end))")
        bad = [c for c in self.features_ if future[c].isna().any()]
        if bad:
            raise ModelError(f"GBMForecaster.predict: future has missing values in {bad}")
        return future

    def predict_components(self, future: pd.DataFrame) -> pd.DataFrame:
        """Per-day model outputs: horizon, bucket, mean ``mu`` and crossing probability ``p_cross``.

        Parameters
        ----------
        future : pandas.DataFrame
            Exogenous columns for dates after ``last_date_``.

        Returns
        -------
        pandas.DataFrame
            Columns ``h, bucket, mu, p_cross`` indexed by date.
        """
        self._check_fitted()
        future = self._check_future(future)
        idx = pd.DatetimeIndex(future.index)
        h = ((idx - self.last_date_) / pd.Timedelta(days=1)).to_numpy().astype(int)
        bucket = self._bucket_of(h)
        full = pd.date_range(self.y_.index[0], idx[-1], freq="D", name="date")
        y_ext = self.y_.reindex(full)  # NaN after last_date_: never used (shift >= h)
        exog = future[self.features_]
        mu = np.empty(len(idx))
        p = np.empty(len(idx))
        hmax = self.buckets_[-1]
        def tail(shift: int, first: pd.Timestamp) -> pd.Series:
            # the target features of a row reach back at most shift + 3 years + 365 days (+ margin)
            return y_ext[y_ext.index >= first - pd.Timedelta(days=int(shift) + 3 * 364 + 400)]

        for H in self.buckets_:
            sel = (bucket == H) & (h <= H)
            if sel.any():
                X = self._design(exog[sel], tail(H, idx[sel][0]), H)
                mu[sel], p[sel] = self._predict_bucket(self.models_[H], X)
        far = np.array([self._far_shift(x) if x > hmax else 0 for x in h])
        for sh in np.unique(far[far > 0]):  # beyond the largest bucket: features at least h days old
            sel = far == sh
            X = self._design(exog[sel], tail(int(sh), idx[sel][0]), int(sh))
            mu[sel], p[sel] = self._predict_bucket(self.models_[hmax], X)
        return pd.DataFrame({"h": h, "bucket": bucket, "mu": mu, "p_cross": p}, index=idx)

    def predict(self, future: pd.DataFrame) -> Forecast:
        """Predictive distribution for the dates of ``future``.

        Parameters
        ----------
        future : pandas.DataFrame
            Exogenous columns for dates strictly after ``last_date_``, e.g.
            :func:`crossingcast.frame.future_frame`.  It may start later than
            ``last_date_ + 1``; horizons are counted from ``last_date_``.

        Returns
        -------
        Forecast
            Mean (exactly the boosted mean), quantiles at
            :data:`~crossingcast.models.base.DEFAULT_QUANTILES` and
            ``n_paths`` sample paths.
        """
        comp = self.predict_components(future)
        mu, pi, a = consistent_hurdle(comp["mu"].to_numpy(), comp["p_cross"].to_numpy())
        band = self._band_of(comp["h"].to_numpy())
        shape = np.array([self.calibration_[int(b)]["shape"] for b in band], dtype=float)
        sd = np.array([self.calibration_[int(b)]["level_sd"] for b in band], dtype=float)
        rho = float(self.calibration_.get("persistence", 0.0))
        # one level draw per path for every band (coherent paths); persistent crossing days
        paths = hurdle_paths(mu, pi, shape=shape, level_sd=sd, n_paths=int(self.n_paths),
                             random_state=self.random_state, persistence=rho)
        weather = future.attrs.get("weather_mode", "none")
        info = {
            "weather": weather,
            "weather_blind": not self.weather_features_,
            "weather_features": list(self.weather_features_),
            "backend": self.backend_,
            "objective": self.objective_,
            "strategy": "direct by horizon bucket",
            "buckets": list(self.buckets_),
            "origin": self.last_date_.date().isoformat(),
            "calibration": {str(k): v for k, v in self.calibration_.items()},
        }
        return Forecast.from_paths(paths, comp.index, model=self.name_, mean=mu, quantiles=DEFAULT_QUANTILES,
                                   info=info)

    def feature_importances(self, importance_type: str = "gain") -> pd.DataFrame:
        """Tidy table of feature importances per bucket and model.

        Parameters
        ----------
        importance_type : {"gain", "split"}
            LightGBM importance type (the sklearn backend has no built-in
            importances; the table is then empty).

        Returns
        -------
        pandas.DataFrame
            Columns ``bucket, model, feature, importance, share`` (share of the
            model's total), sorted by bucket, model and decreasing importance.
        """
        self._check_fitted()
        rows = []
        for H in self.buckets_:
            for kind in ("mean", "cross"):
                m = self.models_[H][kind]
                if not hasattr(m, "booster_"):
                    continue
                imp = m.booster_.feature_importance(importance_type=importance_type)
                names = m.booster_.feature_name()
                tot = float(np.sum(imp)) or 1.0
                for f, v in zip(names, imp):
                    rows.append({"bucket": H, "model": kind, "feature": f, "importance": float(v),
                                 "share": float(v) / tot})
        out = pd.DataFrame(rows, columns=["bucket", "model", "feature", "importance", "share"])
        if len(out):
            out = out.sort_values(["bucket", "model", "importance"], ascending=[True, True, False])
        return out.reset_index(drop=True)
