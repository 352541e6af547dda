"""Hurdle negative-binomial regression: P(crossing day) × E[arrivals | crossing day].

The count reference model with readable coefficients (statsmodels).

Model
-----
Daily arrivals are ``Y_t = B_t (1 + N_t)``:

* crossing day ``B_t ~ Bernoulli(pi_t)``, ``logit(pi_t) = x_t' beta``
  (:class:`statsmodels.discrete.discrete_model.Logit`);
* excess arrivals on a crossing day ``N_t = Y_t - 1 ~ NegBin2(m_t, alpha)``,
  ``log(m_t) = x_t' gamma`` (:class:`statsmodels.discrete.discrete_model.NegativeBinomial`,
  NB2, fitted by maximum likelihood on the crossing days only, ``alpha``
  estimated jointly).

The two parts have separate likelihoods (the hurdle likelihood factorises),
so they are fitted separately; this is the same model as statsmodels'
``HurdleCountModel`` with a "shifted" NB instead of a zero-truncated NB.  The
shift ``Y - 1`` was chosen because it is exactly the distribution
:func:`~crossingcast.models.distributions.hurdle_paths` samples from
(``shape = 1/alpha``), so the fitted model *is* the simulated one, and
``E[Y | crossing] = 1 + m_t`` is analytic.  Predictive mean:
``mu_t = pi_t (1 + m_t)`` (exact in the sample paths).

Features
--------
``features=None`` uses the frame's weather columns (if any; not
``weather_filled``), ``event_*`` flags, ``holiday_uk``/``holiday_fr``,
``dow_1..dow_6`` and the Fourier terms.  Columns constant in the training
window (e.g. an event entirely before it, an open-ended step in force all
along) are unidentifiable and dropped (listed in ``dropped_features_``);
0/1-type columns that perfectly separate crossing from zero days are dropped
from the logit part.

Local level term ``level``: built from the mean arrivals over the
``level_window`` (default 56) days ending at the forecast origin.  For
training rows it is built with :func:`crossingcast.features.lag_features`
at a representative horizon ``level_lag`` (default 14): the row of day *t*
uses the window ending at *t - 14*, never later data.  At prediction the
window ends at ``last_date_`` for every forecast day, so its coefficient is
the 14-day-ahead one, applied as it is at longer horizons (documented
approximation).  Two forms (``level_mode``):

* ``"anomaly"`` (default): ``log1p(window mean) - log1p(mean of the same
  window 52, 104 and 156 weeks earlier)`` (those available): how far the
  recent weeks are above or below the same weeks of previous years.  It is
  free of the seasonal cycle, which the Fourier terms carry, so it works at
  long horizons (a spring origin does not drag a summer forecast down).
  Training rows need at least one earlier year in the frame (pass a frame
  with history before ``train_start``).
* ``"raw"``: ``log1p(window mean)``.  It is collinear with the season: fitted
  on 2022-06..2024-06 its logit coefficient was -1.2 (a high level follows
  the summer peak, when crossings become rarer), and from a 2023-03-31 origin
  the Apr-Sep 2023 total was forecast at 5,600 against 21,037 observed.

Measured on six rolling origins (31 Mar and 30 Jun of 2023-2025, forecasting
to 30 Sep, default 4-year window): mean |log(total forecast / actual)| 0.31
(anomaly) vs 0.33 (raw) vs 0.21 (no level term, ``level_window=0``); mean
daily CRPS 99.9 vs 100.8 vs 98.6 (seasonal naive 128.8); totals inside the
80% interval 5/6, 4/6, 4/6.  The level term adds little without weather.

Predictive distribution
-----------------------
Paths from :func:`~crossingcast.models.distributions.hurdle_paths` with the
per-day ``pi_t``, ``a_t = m_t`` and ``shape = 1/alpha``.  Daily NB noise
alone gives far too narrow totals (level shifts and weather regimes move many
days together), so a per-path log-normal level factor is calibrated on
held-out seasons: for each of the last ``calibration_seasons`` (default 3)
periods of ``calibration_days`` in the training window, the model is refitted
on the training data before it and the period is forecast from origins every
14 days, each up to 366 days ahead (to the end of the window).
:func:`~crossingcast.models.distributions.calibrate_hurdle` (shape held at
``1/alpha``) estimates ``level_sd`` per horizon band :data:`LEVEL_HORIZONS`
(groups = origin) from the pooled origins; the values are made
non-decreasing and raised to the floor of
:func:`~crossingcast.models.distributions.level_sd_floor`
(``calibration_["level_sd_by_horizon"]``; ``calibration_["level_sd"]`` is
the 366-day value).  Crossing days are persistent (two-state Markov chain,
``persistence="auto"``: ``rho`` matched to the variance of weekly
crossing-day counts in the hold-out's first 56 days per origin,
:func:`~crossingcast.models.distributions.crossing_persistence` with
``block=7``; ``"lag1"``: the lag-1 correlation, the estimator before the
weekly match; both are in ``calibration_``).  When the model uses weather, the hold-out is also forecast with
the climatology weather available at each refit, and futures labelled
``"climatology"`` use that calibration (the spread matches how the forecast
is made); given weather (forecast, weather year, oracle) uses the observed-
weather calibration.  With ``calibration="none"`` (or when the window is too
short for a hold-out) ``level_sd = 0`` and the reason is recorded in
``calibration_``.  Figures: docs/models.md.

Measured before issue 15 (two seasons, one 14-day-block value) on the same
six origins with the defaults: the Apr-Sep / Jul-Sep totals fell inside their
80% interval 5 times out of 6 (the miss: from 2023-03-31, 9,800 forecast, interval 1,700..20,600, actual 21,037); the
80% intervals are wide (e.g. 8,100..19,600 for Jul-Sep 2024, actual 11,755)
because year-to-year level shifts are large and not predictable here.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from crossingcast.errors import ModelError
from crossingcast.features import lag_features
from crossingcast.frame import TARGET, climatology_weather, event_columns, weather_columns
from crossingcast.models.base import MIN_ONGOING_EVENT_DAYS, BaseForecaster, Forecast, unidentified_event
from crossingcast.models.distributions import (LEVEL_HORIZONS, band_level_sd, crossing_persistence, hurdle_paths,
                                               level_sd_at, level_sd_floor, monotone_level_sd)

__all__ = ["HurdleForecaster", "LEVEL_HORIZONS"]

_DAY = pd.Timedelta(days=1)
_BLOCK = 14
_ORIGIN_STEP = 14  # days between hold-out origins
_PERSIST_DAYS = 56  # days after each hold-out origin used to estimate crossing-day persistence
_MAX_H = 366


def _fit_statsmodels(model_cls, y, X, maxiter: int, label: str, start_params=None, **kw):
    """Fit with Newton, falling back to BFGS; return (params, bse, pvalues, converged, notes)."""
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    notes = []
    res = None
    for method in ("newton", "bfgs"):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                mod = model_cls(y, X, **kw)
                res = mod.fit(method=method, maxiter=maxiter, disp=0, start_params=start_params)
            except Exception as exc:  # singular Hessian, overflow, separation...
                notes.append(f"{label}: {method} failed ({type(exc).__name__}: {exc})")
                res = None
                continue
        conv = bool(res.mle_retvals.get("converged", False))
        for w in caught:
            if issubclass(w.category, (ConvergenceWarning, RuntimeWarning)) or "converge" in str(w.message).lower():
                notes.append(f"{label} ({method}): {w.category.__name__}: {w.message}")
        params = np.asarray(res.params, dtype=float)
        bse = np.asarray(res.bse, dtype=float)
        if conv and np.isfinite(params).all():
            pv = np.asarray(res.pvalues, dtype=float)
            return params, bse, pv, True, notes
        notes.append(f"{label}: {method} did not converge")
    if res is None:
        raise ModelError(f"HurdleForecaster: the {label} part could not be fitted: {'; '.join(notes)}")
    return (np.asarray(res.params, dtype=float), np.asarray(res.bse, dtype=float),
            np.asarray(res.pvalues, dtype=float), False, notes)


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` without ``attrs`` (a shallow copy: the data are shared, not copied).

    pandas deep-copies ``attrs`` into every object derived from a frame
    (``__finalize__``: each row slice, column and ``copy``).  A fit creates
    about 3,500 of them; on a simulated frame (``attrs["truth"]`` holds four
    daily Series and the events calendar) the copies took 1.05 s of a 1.38 s
    profiled fit, and on the real frame (events calendar) half of the fit
    time (0.43 s -> 0.22 s).  Measured in issue 15.
    """
    if not frame.attrs:
        return frame
    out = frame.copy(deep=False)
    out.attrs = {}
    return out


class HurdleForecaster(BaseForecaster):
    """Hurdle negative binomial: Logit for P(crossing day) × shifted NB2 for arrivals on crossing days.

    Parameters
    ----------
    features : list of str, optional
        Exogenous columns; default (``None``): weather columns (if present),
        ``event_*``, ``holiday_uk``, ``holiday_fr``, ``dow_1..dow_6`` and the
        ``fourier_*`` terms.  The ``level`` term is added unless
        ``level_window=0``.
    level_window : int
        Days in the local level term; 0 = no level term.
    level_lag : int
        Representative horizon of the level term in training: the row of day
        *t* uses the window ending at *t - level_lag*.
    level_mode : {"anomaly", "raw"}
        Form of the level term (see module notes).
    train_start : date-like, optional
        First training day; default: ``train_years`` before the last date.
    train_years : float
        Length of the training window when ``train_start`` is not given.
    calibration : {"holdout", "none"}
        How ``level_sd`` is set (see module notes).
    calibration_days : int
        Length of each held-out season for ``calibration="holdout"``.
    calibration_seasons : int
        Number of held-out seasons (the last ones of the training window, each
        forecast by a refit on the training data before it; fewer if the
        window is too short).  Pooling seasons steadies ``level_sd``.
    persistence : "auto", "lag1" or float
        Lag-1 persistence of crossing days in the paths
        (:func:`~crossingcast.models.distributions.persistent_crossings`):
        ``"auto"`` estimates it in the hold-out by matching the variance of
        weekly crossing-day counts, ``"lag1"`` by their lag-1 correlation
        (:func:`~crossingcast.models.distributions.crossing_persistence`), a
        number fixes it (0 = independent days).
    min_event_days : int
        An ``event_*`` column still in force on the last training day but in
        force on fewer than this many training days is dropped
        (``dropped_features_`` says why; :func:`crossingcast.models.base.young_ongoing_event`,
        with the measurements behind the default of 28).  Events that are
        over keep their coefficient however short.  Independently of it, an
        event in force on the same training days as an earlier kept event
        except fewer than 28 is dropped and the earlier one's coefficient
        carries both (:func:`crossingcast.models.base.unidentified_event`, the
        rules shared with the weekly SARIMAX).
    maxiter : int
        Maximum optimiser iterations per part.
    n_paths : int
        Number of sample paths.
    random_state : int
        Seed of the sample paths.

    Attributes
    ----------
    features_ : list of str
        Exogenous columns required from ``future`` (union of both parts, without ``level``).
    cross_terms_, count_terms_ : list of str
        Regressors of each part (``const``, features, ``level``).
    cross_params_, count_params_ : pandas.Series
        Coefficients (the count part ends with ``alpha``).
    shape_ : float
        ``1 / alpha``.
    calibration_ : dict
        ``level_sd`` and hold-out diagnostics.
    dropped_features_ : dict
        Dropped columns and why.
    convergence_ : dict
        Convergence flags and warnings per part.
    y_ : pandas.Series
        Stored arrivals history (for the level term), extended by :meth:`update`.

    Notes
    -----
    ``coef_table()`` gives the tidy coefficient table; ``exp_coef`` is an
    odds ratio in the ``cross`` part and a multiplicative effect on the mean
    excess arrivals of a crossing day in the ``count`` part.
    """

    def __init__(self, features=None, level_window: int = 56, level_lag: int = 14, level_mode: str = "anomaly",
                 train_start=None,
                 train_years: float = 4.0, calibration: str = "holdout", calibration_days: int = 365,
                 calibration_seasons: int = 3, persistence="auto", min_event_days: int = MIN_ONGOING_EVENT_DAYS,
                 maxiter: int = 200, n_paths: int = 1000, random_state: int = 0):
        self.features = features
        self.level_window = level_window
        self.level_lag = level_lag
        self.level_mode = level_mode
        self.train_start = train_start
        self.train_years = train_years
        self.calibration = calibration
        self.calibration_days = calibration_days
        self.calibration_seasons = calibration_seasons
        self.min_event_days = min_event_days
        self.persistence = persistence
        self.maxiter = maxiter
        self.n_paths = n_paths
        self.random_state = random_state

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def default_features(frame: pd.DataFrame) -> list[str]:
        """Default exogenous columns of ``frame`` (see class docstring)."""
        cols = [c for c in weather_columns(frame) if c != "weather_filled"]
        cols += event_columns(frame)
        cols += [c for c in ("holiday_uk", "holiday_fr") if c in frame.columns]
        cols += [f"dow_{d}" for d in range(1, 7) if f"dow_{d}" in frame.columns]
        cols += sorted([c for c in frame.columns if c.startswith("fourier_")],
                       key=lambda c: (int(c.rsplit("_", 1)[1]), "cos" in c))
        return cols

    def _level_series(self, y: pd.Series, lag: int) -> pd.Series:
        """Level term of each day from the ``level_window`` days ending ``lag`` days earlier (no later data)."""
        w = int(self.level_window)
        if lag >= 1:
            mean = lag_features(y, horizon=int(lag), lags=(), windows=(w,), prefix="y")[f"y_mean{w}"]
        else:
            mean = y.astype(float).rolling(w, min_periods=w).mean()
        level = np.log1p(mean)
        if self.level_mode == "anomaly":
            # the same window 52, 104 and 156 weeks earlier (those available)
            past = pd.concat([mean.shift(364 * k) for k in (1, 2, 3)], axis=1).mean(axis=1, skipna=True)
            level = level - np.log1p(past)
        return level

    def _level_train(self, y: pd.Series) -> pd.Series:
        return self._level_series(y, int(self.level_lag))

    def _level_origin(self, y: pd.Series) -> float:
        return float(self._level_series(y.iloc[-(364 * 3 + int(self.level_window) + 1):], 0).iloc[-1])

    @staticmethod
    def _design(exog: pd.DataFrame, terms: list[str], level) -> np.ndarray:
        cols = []
        for t in terms:
            if t == "const":
                cols.append(np.ones(len(exog)))
            elif t == "level":
                cols.append(np.broadcast_to(np.asarray(level, dtype=float), (len(exog),)))
            else:
                cols.append(exog[t].to_numpy(dtype=float))
        return np.column_stack(cols)

    def _fit_parts(self, exog: pd.DataFrame, y: np.ndarray, level: np.ndarray, feats: list[str]) -> dict:
        """Fit both parts on rows ``exog`` (already the training rows); return parameters and bookkeeping."""
        from statsmodels.discrete.discrete_model import Logit, NegativeBinomial

        cross = (y > 0).astype(float)
        pos = y > 0
        n_pos, n = int(pos.sum()), len(y)
        if n_pos < 20 or n - n_pos < 20:
            raise ModelError(f"HurdleForecaster: need at least 20 crossing and 20 zero days in the training "
                             f"window, got {n_pos} crossing / {n - n_pos} zero days")
        dropped = {}
        use = []
        kept_events: dict[str, np.ndarray] = {}
        for c in feats:
            v = exog[c].to_numpy(dtype=float)
            if np.ptp(v) == 0:
                dropped[c] = "constant in the training window"
            elif c.startswith("event_") and (why := unidentified_event(v, kept_events, self.min_event_days)):
                dropped[c] = why
            else:
                use.append(c)
                if c.startswith("event_"):
                    kept_events[c] = v
        lvl = level is not None
        # logit: drop 0/1-type columns that separate crossing from zero days
        cross_feats = []
        for c in use:
            v = exog[c].to_numpy(dtype=float)
            on = v != 0
            if len(np.unique(v)) <= 2 and on.any() and (~on).any():
                out_on = cross[on]
                if out_on.min() == out_on.max():
                    dropped[c] = "perfectly separates crossing days where non-zero (logit part only)"
                    cross_feats.append(None)
                    continue
            cross_feats.append(c)
        cross_terms = ["const"] + [c for c in cross_feats if c is not None] + (["level"] if lvl else [])
        count_terms = ["const"]
        for c in use:
            if np.ptp(exog[c].to_numpy(dtype=float)[pos]) == 0:
                dropped.setdefault(c, "constant on the crossing days (count part only)")
            else:
                count_terms.append(c)
        if lvl:
            count_terms.append("level")
        Xc = self._design(exog, cross_terms, level)
        Xn = self._design(exog[pos], count_terms, None if level is None else np.asarray(level)[pos])
        maxiter = int(self.maxiter)
        cp, cb, cpv, cconv, cnotes = _fit_statsmodels(Logit, cross, Xc, maxiter, "cross (logit)")
        # start the NB from a Poisson-like log-linear fit: intercept = log mean excess, others 0, alpha = 1
        excess = y[pos] - 1.0
        start = np.zeros(Xn.shape[1] + 1)
        start[0] = np.log(max(excess.mean(), 1e-3))
        start[-1] = 1.0
        np_, nb_, npv, nconv, nnotes = _fit_statsmodels(NegativeBinomial, excess, Xn, maxiter, "count (NB2)",
                                                        start_params=start, loglike_method="nb2")
        if not np.isfinite(np_).all() or np_[-1] <= 0:
            raise ModelError(f"HurdleForecaster: count part gave invalid parameters (alpha={np_[-1]})")
        return {
            "cross_terms": cross_terms, "count_terms": count_terms,
            "cross_params": pd.Series(cp, index=cross_terms), "cross_bse": pd.Series(cb, index=cross_terms),
            "cross_p": pd.Series(cpv, index=cross_terms),
            "count_params": pd.Series(np_, index=count_terms + ["alpha"]),
            "count_bse": pd.Series(nb_, index=count_terms + ["alpha"]),
            "count_p": pd.Series(npv, index=count_terms + ["alpha"]),
            "dropped": dropped,
            "convergence": {"cross_converged": cconv, "count_converged": nconv, "warnings": cnotes + nnotes},
            "n_train": n, "n_crossing_days": n_pos,
        }

    @staticmethod
    def _components(parts: dict, exog: pd.DataFrame, level) -> tuple[np.ndarray, np.ndarray]:
        """(p_cross, m = mean excess on a crossing day) for the rows of ``exog``."""
        Xc = HurdleForecaster._design(exog, parts["cross_terms"], level)
        Xn = HurdleForecaster._design(exog, parts["count_terms"], level)
        eta = Xc @ parts["cross_params"].to_numpy()
        p = 1.0 / (1.0 + np.exp(-np.clip(eta, -35, 35)))
        m = np.exp(np.clip(Xn @ parts["count_params"].to_numpy()[:-1], -30, 15))
        return p, m

    # ------------------------------------------------------------------ fit
    def fit(self, frame: pd.DataFrame, target: str = TARGET) -> "HurdleForecaster":
        """Fit the logit and NB2 parts on the training window and calibrate the level factor.

        Parameters
        ----------
        frame : pandas.DataFrame
            Daily frame (:func:`crossingcast.build_frame`) with the target and
            the feature columns; rows before the training window only feed
            the level term.
        target : str
            Target column.

        Returns
        -------
        HurdleForecaster
            ``self``.

        Raises
        ------
        ModelError
            If columns are missing, the window is too short, or a part cannot be fitted.
        """
        if not isinstance(frame, pd.DataFrame) or not isinstance(frame.index, pd.DatetimeIndex) or not len(frame):
            raise ModelError("HurdleForecaster.fit: frame must be a non-empty DataFrame indexed by date")
        if target not in frame.columns:
            raise ModelError(f"HurdleForecaster.fit: frame has no target column {target!r}")
        if self.level_mode not in ("raw", "anomaly"):
            raise ModelError(f"HurdleForecaster: level_mode must be 'raw' or 'anomaly', got {self.level_mode!r}")
        if self.calibration not in ("holdout", "none"):
            raise ModelError(f"HurdleForecaster: calibration must be 'holdout' or 'none', got {self.calibration!r}")
        if not (isinstance(self.persistence, str) and self.persistence in ("auto", "lag1")) and not (
                isinstance(self.persistence, (int, float)) and 0 <= float(self.persistence) < 1):
            raise ModelError(f"HurdleForecaster: persistence must be 'auto', 'lag1' or a number in [0, 1), "
                             f"got {self.persistence!r}")
        idx = pd.DatetimeIndex(frame.index)
        if not idx.is_monotonic_increasing or len(pd.date_range(idx[0], idx[-1], freq="D")) != len(idx):
            raise ModelError("HurdleForecaster.fit: frame must be daily without gaps")
        # the fit never reads attrs, but pandas deep-copies them into every slice and column it takes
        # (thousands in the hold-out calibration): with a simulated frame's truth or the events calendar
        # in attrs that copying was most of the fit time (see _plain)
        frame = _plain(frame)
        y = pd.Series(frame[target].to_numpy(dtype=float), index=pd.DatetimeIndex(idx, freq="D", name="date"))
        if y.isna().any() or (y < 0).any():
            raise ModelError(f"HurdleForecaster.fit: target {target!r} must be non-negative without gaps")
        feats = list(self.default_features(frame) if self.features is None else self.features)
        missing = [c for c in feats if c not in frame.columns]
        if missing:
            raise ModelError(f"HurdleForecaster.fit: frame lacks feature column(s) {missing}")
        if "level" in feats:
            raise ModelError("HurdleForecaster: 'level' is built by the model (level_window); do not pass it")
        use_level = int(self.level_window) > 0
        end = idx[-1]
        if self.train_start is not None:
            start = pd.Timestamp(self.train_start)
        else:
            start = end - pd.Timedelta(days=int(round(float(self.train_years) * 365.25)) - 1)
        start = max(start, idx[0])
        level_all = self._level_train(y) if use_level else None
        rows = (idx >= start) & (idx <= end)
        if use_level:
            rows &= level_all.notna().to_numpy()
        if rows.sum() < 90:
            raise ModelError(f"HurdleForecaster.fit: only {int(rows.sum())} usable training day(s) in "
                             f"{start.date()}..{end.date()} (the level term needs {int(self.level_window)} + "
                             f"{int(self.level_lag)} earlier days); need >= 90")
        exog = frame.loc[rows, feats]
        lvl = level_all.to_numpy()[rows] if use_level else None
        parts = self._fit_parts(exog, y.to_numpy()[rows], lvl, feats)
        self.target_ = target
        self.y_ = y
        self.last_date_ = end
        self.train_start_ = pd.DatetimeIndex(idx[rows])[0]
        self.train_end_ = end
        self.name_ = "hurdle"
        self.use_level_ = use_level
        self.parts_ = parts
        self.cross_terms_ = parts["cross_terms"]
        self.count_terms_ = parts["count_terms"]
        self.cross_params_ = parts["cross_params"]
        self.count_params_ = parts["count_params"]
        used = set(self.cross_terms_) | set(self.count_terms_)
        self.features_ = [c for c in feats if c in used]
        self.weather_features_ = [c for c in self.features_ if c in weather_columns(frame)]
        self.dropped_features_ = parts["dropped"]
        self.convergence_ = parts["convergence"]
        alpha = float(self.count_params_["alpha"])
        self.shape_ = 1.0 / alpha
        p_in, m_in = self._components(parts, exog, lvl)
        yy = y.to_numpy()[rows]
        self.in_sample_ = {"mean_p_cross": float(p_in.mean()), "observed_crossing_share": float((yy > 0).mean()),
                           "sum_mean": float((p_in * (1 + m_in)).sum()), "sum_observed": float(yy.sum()),
                           "n_days": int(len(yy))}
        self.calibration_ = self._calibrate(frame, y, feats, rows)
        self.is_fitted_ = True
        return self

    def _calibrate(self, frame, y, feats, rows) -> dict:
        if self.calibration == "none":
            return {"level_sd": 0.0, "level_sd_by_horizon": {}, "persistence": 0.0, "method": "none",
                    "reason": "calibration='none'"}
        idx = pd.DatetimeIndex(frame.index)
        train_idx = idx[rows]
        n_hold = int(self.calibration_days)
        n_seasons = min(int(self.calibration_seasons), (len(train_idx) - 365) // n_hold)
        if n_seasons < 1:
            return {"level_sd": 0.0, "level_sd_by_horizon": {}, "persistence": 0.0, "method": "none",
                    "reason": f"training window of {len(train_idx)} days too short for a {n_hold}-day hold-out "
                              f"after at least 365 training days"}
        rec, seasons, modes = self._holdout_records(frame, y, feats, rows, n_seasons)
        if not rec["given"]:
            return {"level_sd": 0.0, "level_sd_by_horizon": {}, "persistence": 0.0, "method": "none",
                    "reason": "every hold-out refit failed", "seasons": seasons}
        return self._calibrate_from(rec, seasons, modes, y, train_idx)

    def _holdout_records(self, frame, y, feats, rows, n_seasons) -> tuple[dict, list, tuple]:
        """Out-of-sample forecasts of the last ``n_seasons`` hold-out periods.

        Returns ``(rec, seasons, modes)``: ``rec[mode]`` is a list, one entry
        per origin, of ``(h, y, mu, p_cross)`` arrays over the days after the
        origin (to the end of the training window, at most 366 days).
        """
        idx = pd.DatetimeIndex(frame.index)
        train_idx = idx[rows]
        n_hold = int(self.calibration_days)
        level_all = self._level_train(y) if self.use_level_ else None
        end = train_idx[-1]
        wcols = [c for c in self.weather_features_ if c in feats]
        modes = ("given", "climatology") if wcols else ("given",)
        rec = {m: [] for m in modes}  # per origin: (h, y, mu, p)
        seasons = []
        for j in range(n_seasons):
            hold = train_idx[len(train_idx) - (j + 1) * n_hold: len(train_idx) - j * n_hold]
            sub_rows = rows & (idx < hold[0])
            lvl = level_all.to_numpy()[sub_rows] if self.use_level_ else None
            try:
                sub = self._fit_parts(frame.loc[sub_rows, feats], y.to_numpy()[sub_rows], lvl, feats)
            except ModelError as exc:
                seasons.append({"start": hold[0].date().isoformat(), "failed": str(exc)})
                continue
            span = pd.date_range(hold[0], end, freq="D")
            exo = {"given": frame.loc[span, feats]}
            if "climatology" in modes:  # the weather a forecast without weather data would use then
                past = frame.loc[frame.index < hold[0]]
                clim = exo["given"].copy()
                clim[wcols] = climatology_weather(past, span)[wcols].to_numpy()
                exo["climatology"] = clim
            n_orig = 0
            for o in pd.date_range(hold[0] - _DAY, hold[-1] - _DAY, freq=f"{_ORIGIN_STEP}D"):
                days = pd.date_range(o + _DAY, min(o + pd.Timedelta(days=_MAX_H), end), freq="D")
                level = self._level_origin(y[y.index <= o]) if self.use_level_ else None
                yy = y.reindex(days).to_numpy()
                h = np.arange(1, len(days) + 1)
                for m in modes:
                    p, mm = self._components(sub, exo[m].loc[days], level)
                    rec[m].append((h, yy, p * (1 + mm), p))
                n_orig += 1
            seasons.append({"start": hold[0].date().isoformat(), "end": hold[-1].date().isoformat(),
                            "refit_until": (hold[0] - _DAY).date().isoformat(), "n_origins": n_orig})
        return rec, seasons, modes

    def _calibrate_from(self, rec, seasons, modes, y, train_idx) -> dict:
        """``level_sd`` per horizon band and crossing-day persistence from the hold-out records."""
        end = train_idx[-1]
        k = self.shape_
        out = {"method": "holdout", "shape": k, "seasons": seasons, "origin_step_days": _ORIGIN_STEP,
               "n_origins": len(rec["given"]), "horizons": list(LEVEL_HORIZONS)}
        # persistence of crossing days beyond the model's probabilities (first 28 days of each origin)
        # (the first _PERSIST_DAYS days of each origin; groups = origin)
        short = [np.concatenate(v) for v in zip(*[(r[1][:_PERSIST_DAYS], r[3][:_PERSIST_DAYS],
                                                   np.full(min(_PERSIST_DAYS, len(r[1])), i))
                                                  for i, r in enumerate(rec["given"])])]
        rho_lag1 = crossing_persistence(*short)
        rho_week = crossing_persistence(*short, block=7)
        if self.persistence == "auto":
            rho = rho_week
        elif self.persistence == "lag1":
            rho = rho_lag1
        else:
            rho = float(self.persistence)
        out.update(persistence=rho, persistence_lag1=rho_lag1, persistence_weekly=rho_week)
        floor = level_sd_floor(y[y.index <= end].iloc[-len(train_idx):], LEVEL_HORIZONS)
        out["floor"] = floor
        for m in modes:
            raw = band_level_sd(rec[m], k, LEVEL_HORIZONS, persistence=rho)
            sd = monotone_level_sd(raw, [floor["floor"][H] for H in LEVEL_HORIZONS])
            key = "level_sd_by_horizon" if m == "given" else "level_sd_by_horizon_climatology"
            out[key] = {int(H): float(v) for H, v in zip(LEVEL_HORIZONS, sd)}
            out[("raw_" + key)] = {int(H): float(v) for H, v in zip(LEVEL_HORIZONS, raw)}
        out["level_sd"] = out["level_sd_by_horizon"][LEVEL_HORIZONS[-1]]  # the season-ahead value (summary)
        yv = np.concatenate([r[1][:_BLOCK] for r in rec["given"]])
        mv = np.concatenate([r[2][:_BLOCK] for r in rec["given"]])
        pv = np.concatenate([r[3][:_BLOCK] for r in rec["given"]])
        out.update({"holdout_sum_mean": float(mv.sum()), "holdout_sum_observed": float(yv.sum()),
                    "holdout_mean_p_cross": float(pv.mean()), "holdout_crossing_share": float((yv > 0).mean())})
        return out

    def level_sd_for(self, h, weather_mode: str = "given") -> np.ndarray:
        """``level_sd`` for horizons ``h`` (days after ``last_date_``) under a weather mode.

        ``weather_mode == "climatology"`` uses the values calibrated with
        climatology weather in the hold-out (when the model uses weather);
        any other mode the values calibrated with the observed weather.
        """
        self._check_fitted()
        cal = self.calibration_
        table = cal.get("level_sd_by_horizon_climatology") if weather_mode == "climatology" else None
        table = table or cal.get("level_sd_by_horizon") or {}
        h = np.asarray(h, dtype=int)
        if not table:
            return np.full(h.shape, float(cal.get("level_sd", 0.0)))
        return level_sd_at(table, h)

    # ------------------------------------------------------------------ update / predict
    def update(self, frame: pd.DataFrame) -> "HurdleForecaster":
        """Extend the arrivals history (the level term moves) without re-estimating parameters.

        Parameters
        ----------
        frame : pandas.DataFrame
            Daily frame with the target, starting no later than ``last_date_ + 1 day``;
            overlapping dates take its values.

        Returns
        -------
        HurdleForecaster
            ``self``.
        """
        self._check_fitted()
        if not isinstance(frame, pd.DataFrame) or self.target_ not in frame.columns or not len(frame):
            raise ModelError(f"HurdleForecaster.update: frame must be a non-empty DataFrame with {self.target_!r}")
        idx = pd.DatetimeIndex(frame.index)
        if idx[0] > self.last_date_ + _DAY:
            raise ModelError(f"HurdleForecaster.update: gap between the history (ends {self.last_date_.date()}) "
                             f"and the new frame (starts {idx[0].date()})")
        if not idx.is_monotonic_increasing or len(pd.date_range(idx[0], idx[-1], freq="D")) != len(idx):
            raise ModelError("HurdleForecaster.update: frame must be daily without gaps")
        new = pd.Series(frame[self.target_].to_numpy(dtype=float), index=idx)
        if new.isna().any() or (new < 0).any():
            raise ModelError(f"HurdleForecaster.update: target {self.target_!r} must be non-negative without gaps")
        y = pd.concat([self.y_[self.y_.index < idx[0]], new])
        y.index = pd.DatetimeIndex(y.index, freq="D", name="date")
        self.y_ = y
        self.last_date_ = y.index[-1]
        return self

    def _check_future(self, future) -> pd.DatetimeIndex:
        if not isinstance(future, pd.DataFrame) or not isinstance(future.index, pd.DatetimeIndex) or not len(future):
            raise ModelError("HurdleForecaster.predict: future must be a non-empty DataFrame indexed by date "
                             "(build it with crossingcast.frame.future_frame(history, start, end))")
        idx = pd.DatetimeIndex(future.index)
        if idx[0] <= self.last_date_:
            raise ModelError(f"HurdleForecaster.predict: future dates must start after the training period, "
                             f"which ends {self.last_date_.date()} (future starts {idx[0].date()})")
        if not idx.is_monotonic_increasing or len(pd.date_range(idx[0], idx[-1], freq="D")) != len(idx):
            raise ModelError("HurdleForecaster.predict: future must be daily without gaps")
        missing = [c for c in self.features_ if c not in future.columns]
        if missing:
            raise ModelError(f"HurdleForecaster.predict: future lacks column(s) {missing} "
                             "(build it with crossingcast.frame.future_frame(history, start, end))")
        bad = [c for c in self.features_ if future[c].isna().any()]
        if bad:
            raise ModelError(f"HurdleForecaster.predict: future has missing values in {bad}")
        return idx

    def predict_components(self, future: pd.DataFrame) -> pd.DataFrame:
        """Per-day model parts: ``p_cross``, ``mean_if_cross`` (= 1 + m), ``mu`` and ``level``.

        Parameters
        ----------
        future : pandas.DataFrame
            Exogenous columns for dates after ``last_date_``.

        Returns
        -------
        pandas.DataFrame
            Indexed by date.
        """
        self._check_fitted()
        idx = self._check_future(future)
        level = self._level_origin(self.y_) if self.use_level_ else None
        p, m = self._components(self.parts_, future, level)
        out = pd.DataFrame({"p_cross": p, "mean_if_cross": 1.0 + m, "mu": p * (1.0 + m)}, index=idx)
        out["level"] = np.nan if level is None else level
        return out

    def predict(self, future: pd.DataFrame) -> Forecast:
        """Predictive distribution for the dates of ``future``.

        Parameters
        ----------
        future : pandas.DataFrame
            Exogenous columns (``features_``) for dates strictly after
            ``last_date_`` (e.g. :func:`crossingcast.frame.future_frame`); it
            may start later than ``last_date_ + 1``.

        Returns
        -------
        Forecast
            Analytic mean ``P(cross) × E[Y | cross]`` and hurdle sample paths.
        """
        wmode = future.attrs.get("weather_mode", "none")
        comp = self.predict_components(_plain(future))
        idx = pd.DatetimeIndex(comp.index)
        h = ((idx - self.last_date_) / _DAY).to_numpy().astype(int)
        sd = self.level_sd_for(h, "climatology" if wmode == "climatology" else "given")
        rho = float(self.calibration_.get("persistence", 0.0))
        paths = hurdle_paths(comp["mu"].to_numpy(), comp["p_cross"].to_numpy(), shape=self.shape_,
                             level_sd=sd, n_paths=int(self.n_paths), random_state=self.random_state,
                             persistence=rho)
        info = {
            "weather": wmode,
            "weather_blind": not self.weather_features_,
            "weather_features": list(self.weather_features_),
            "origin": self.last_date_.date().isoformat(),
            "horizon_days": [int(h.min()), int(h.max())],
            "train": f"{self.train_start_.date()}..{self.train_end_.date()}",
            "level": None if not self.use_level_ else float(comp["level"].iloc[0]),
            "shape": self.shape_,
            "level_sd": [float(sd.min()), float(sd.max())],
            "persistence": rho,
            "dropped_features": dict(self.dropped_features_),
            "converged": bool(self.convergence_["cross_converged"] and self.convergence_["count_converged"]),
            "convergence_warnings": list(self.convergence_["warnings"]),
        }
        return Forecast.from_paths(paths, idx, model=self.name_, mean=comp["mu"].to_numpy(), info=info)

    def coef_table(self) -> pd.DataFrame:
        """Tidy coefficient table of both parts.

        Returns
        -------
        pandas.DataFrame
            Columns ``part`` (``"cross"``: logit of P(crossing day); ``"count"``:
            log mean excess arrivals on a crossing day, plus ``alpha``),
            ``term``, ``coef``, ``std_err``, ``p_value``, ``exp_coef``
            (odds ratio / multiplicative effect; NaN for ``alpha``).
        """
        self._check_fitted()
        rows = []
        for part, prm, se, pv in (("cross", self.parts_["cross_params"], self.parts_["cross_bse"],
                                   self.parts_["cross_p"]),
                                  ("count", self.parts_["count_params"], self.parts_["count_bse"],
                                   self.parts_["count_p"])):
            for term in prm.index:
                c = float(prm[term])
                rows.append({"part": part, "term": term, "coef": c, "std_err": float(se[term]),
                             "p_value": float(pv[term]),
                             "exp_coef": float(np.exp(c)) if term != "alpha" else float("nan")})
        return pd.DataFrame(rows)
