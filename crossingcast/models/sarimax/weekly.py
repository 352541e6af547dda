"""The weekly design (``design="weekly"``, the default ``sarimax``): SARIMAX on Box-Cox weekly totals, day shares below.

Model
-----
Days are grouped into 7-day weeks that end on the last observed day (so every
forecast starts at a week boundary).  With :math:`W_w` the total of week
:math:`w` and :math:`c` a small offset (``offset`` times the mean weekly total
of the training window, so that empty winter weeks are not extreme outliers),

.. math::

    h(W_w) = \\bar x_w^\\top \\beta + u_w, \\qquad \\phi(L)(1-L)^d u_w = \\theta(L)\\varepsilon_w, \\qquad
    h(W) = \\frac{(W + c)^\\lambda - 1}{\\lambda}\\ (\\log(W + c) \\text{ at } \\lambda = 0),

a regression with ARIMA errors (:class:`statsmodels.tsa.statespace.sarimax.SARIMAX`), ``boxcox=0.25``
by default.  :math:`\\bar x_w` holds the weekly means of the daily regressors: annual
Fourier terms, the share of the week's days under each event flag and
holiday, the weather means (when the frame has weather).  On the log scale
effects are exactly **multiplicative** (an event raising arrivals by 50 % has
:math:`e^{\\beta} \\approx 1.5`); on the Box-Cox 0.25 scale approximately so
(a shift of :math:`(W+c)^{1/4}` is a smaller relative change in busy weeks).
The log scale lost on the real series (its log-normal means exploded, see
docs/models.md).  ``order=(0, 1, 1)`` is a
local level (random-walk level plus noise), whose variance grows with the
horizon: the level uncertainty a season total needs.

Daily values come from :class:`~crossingcast.models.sarimax.shares.DayShareModel`
(day of week, weather, events, holidays; Dirichlet-multinomial), so a path's
days add up to its weeks and its weeks to the season.

Predictive mean
---------------
Never ``h^{-1}`` of the model-scale mean (that is the median).  For each parameter
draw :math:`j` the Kalman forecast gives :math:`Z_w \\sim N(m_{jw}, v_{jw})` and
:math:`E[\\max(h^{-1}(Z), 0)]` is computed by 40-node Gauss-Hermite quadrature
(on the log scale in closed form:
:math:`e^{m+v/2}\\Phi(a+s) - c\\,\\Phi(a)`, :math:`s=\\sqrt v`, :math:`a=(m-\\log c)/s`);
the weekly mean is the average over draws and the daily mean that times the
expected day share.  Paths are the back-transformed joint state-space
simulations (:func:`~crossingcast.models.sarimax.simulate.simulate_state_space`)
split into days.

Parameter uncertainty
---------------------
``n_param_draws`` parameter vectors are drawn from the estimated covariance
(``cov_type="opg"``, outer product of the score; AR/MA coefficients clipped to
(-0.98, 0.98), variances floored), each filtered through the data and given
``n_paths / n_param_draws`` paths.  Draw 0 is the estimate itself; the others
come in antithetic pairs (estimate ± the same deviation), which keeps the
predictive mean from depending on the seed.

Updating
--------
:meth:`WeeklySarimax.update` re-aggregates the days since the start of the
training window into weeks ending on the new last day and re-runs the Kalman
filter with the parameters fixed (a few hundred weekly observations: fast).
"""

from __future__ import annotations

import time
import warnings
from typing import Sequence

import numpy as np
import pandas as pd

from crossingcast.errors import FrameError, ModelError
from crossingcast.features import calendar_features
from crossingcast.frame import TARGET, event_columns, future_frame, weather_columns
from crossingcast.models.base import (DEFAULT_QUANTILES, MIN_ONGOING_EVENT_DAYS, BaseForecaster, Forecast,
                                      unidentified_event)
from crossingcast.models.distributions import (LEVEL_HORIZONS, _level_factor, level_sd_at, level_sd_floor,
                                               missing_level_sd, monotone_level_sd)
from crossingcast.models.sarimax.shares import DayShareModel
from crossingcast.models.sarimax.simulate import parameter_draws, simulate_state_space
from crossingcast.models.sarimax.transforms import boxcox_backward, boxcox_forward, boxcox_offset_mean
from crossingcast.models.sarimax.updates import new_days

__all__ = ["WeeklySarimax"]

_DAY = pd.Timedelta(days=1)
#: Horizons (days) from which the held-out level calibration applies; shorter ones keep the floor.
_MIN_CALIBRATED_H = 63
#: An event flag must be in force in at least this many training weeks (and out of force in as many) to get a
#: weekly coefficient: an event that began days before the origin is otherwise extrapolated from one
#: partial week (measured: -25.7 with standard error 19,547 for the 2022 Nationality and Borders Act at
#: origin 2022-04-30, which made the season paths overflow).
MIN_EVENT_WEEKS = 4


class WeeklySarimax(BaseForecaster):
    """SARIMAX on Box-Cox weekly totals (log at ``boxcox=0``) with a Dirichlet-multinomial day-share model.

    Parameters
    ----------
    order : tuple of int
        ``(p, d, q)`` of the weekly ARIMA errors; ``(0, 1, 1)`` (default) is a local level.
    fourier_order : int
        Annual Fourier harmonics (weekly means) as regressors.
    features : sequence of str, optional
        Daily columns used for both the weekly regression (as weekly means) and
        the day shares.  Default: weather columns (if any), ``event_`` columns,
        ``holiday_uk``/``holiday_fr``.  Fourier terms and day-of-week dummies are
        added by the model.
    train_years : float or None
        Fit on the last ``train_years`` years (None: all).
    offset : float
        ``c`` as a fraction of the mean weekly total in the training window.
    boxcox : float
        Box-Cox exponent ``lam`` of the weekly scale, ``h(w) = ((w + c)^lam - 1) / lam``; 0 is ``log(w + c)``.
    n_paths : int
    n_param_draws : int
        Parameter vectors: the estimate, then antithetic pairs drawn from the
        estimated covariance (1: estimate only; the default 21 is the
        estimate and 10 pairs).
    random_state : int
    maxiter : int
        L-BFGS iterations of the weekly fit.
    ridge : float
        Penalty of the day-share model.
    max_draw_variance_ratio : float
        A parameter draw whose forecast variance (model scale) exceeds this
        multiple of the estimate's at any week is discarded and its paths
        go to the estimate (``info["n_rejected_draws"]``).
    level_sd_fraction : float
        Floor of the per-path level factor (mean one): log-sd
        ``level_sd_fraction`` × the year-to-year variability of the level ×
        sqrt(horizon / 365) (:func:`~crossingcast.models.distributions.level_sd_floor`);
        0 switches the factor off.
    level_calibration : {"holdout", "floor"}
        ``"holdout"``: the level factor of horizons >= 63 days comes from this
        design's own errors on ``calibration_years`` held-out years
        (``level_calibration_``), at least the floor; ``"floor"``: the floor only.
        The season-level uncertainty a random-walk level on four years of weeks
        does not carry.  Measured on the season-ahead backtest (122 origins
        2021-2025, same folds, four seeds): rest-of-season 80% coverage 0.58
        (no factor), 0.62-0.67 (floor, fraction 1.0), 0.71-0.76 (holdout).
    calibration_years : int
        Held-out years of the ``"holdout"`` calibration.
    max_level_sd : float
        Cap of the calibrated level factor's log-sd (as the season baselines).
    min_event_days : int
        An ``event_*`` column still in force in the last training week but in
        force on fewer than this many training days (weekly shares × 7) gets
        no coefficient (``dropped_features_`` says why;
        :func:`crossingcast.models.base.young_ongoing_event`).  The default
        (28) leaves the Safety of Rwanda Act in a 31 May 2024 fit (37 days
        in force): the June-September total is then 29,750, against 17,925
        with ``min_event_days=56`` (outturn 14,796); 56 days costs elsewhere
        (docs/season_ahead.md).  Independently of it, an event in force in
        the same training weeks as an earlier kept event except fewer than
        28 days (four weeks) is dropped and the earlier one's coefficient
        carries both (:func:`crossingcast.models.base.unidentified_event`, the
        rules shared with the hurdle model).

    Attributes
    ----------
    results_ : statsmodels MLEResults
        Weekly model filtered through the last observed week.
    shares_ : DayShareModel
    features_, week_features_, dropped_features_, last_date_, offset_, aic_, converged_, fit_seconds_
    """

    def __init__(self, order: Sequence[int] = (0, 1, 1), fourier_order: int = 3,
                 features: Sequence[str] | None = None, train_years: float | None = 4, offset: float = 0.05,
                 boxcox: float = 0.25,
                 n_paths: int = 1000, n_param_draws: int = 21, random_state: int = 0, maxiter: int = 100,
                 ridge: float = 1.0, max_draw_variance_ratio: float = 4.0, level_sd_fraction: float = 1.0,
                 level_calibration: str = "holdout", calibration_years: int = 3, max_level_sd: float = 0.6,
                 min_event_days: int = MIN_ONGOING_EVENT_DAYS):
        self.order = order
        self.fourier_order = fourier_order
        self.features = features
        self.train_years = train_years
        self.offset = offset
        self.boxcox = boxcox
        self.n_paths = n_paths
        self.n_param_draws = n_param_draws
        self.random_state = random_state
        self.maxiter = maxiter
        self.ridge = ridge
        self.max_draw_variance_ratio = max_draw_variance_ratio
        self.level_sd_fraction = level_sd_fraction
        self.level_calibration = level_calibration
        self.calibration_years = calibration_years
        self.max_level_sd = max_level_sd
        self.min_event_days = min_event_days

    # ------------------------------------------------------------ helpers
    @staticmethod
    def _check_index(frame, what: str) -> pd.DatetimeIndex:
        if not isinstance(frame, pd.DataFrame):
            raise ModelError(f"{what}: expected a pandas DataFrame, got {type(frame).__name__}")
        if not isinstance(frame.index, pd.DatetimeIndex):
            raise ModelError(f"{what}: index must be a DatetimeIndex of dates, got {type(frame.index).__name__}")
        if len(frame) == 0:
            raise ModelError(f"{what}: no rows")
        idx = frame.index
        if not idx.equals(pd.date_range(idx[0], idx[-1], freq="D")):
            raise ModelError(f"{what}: dates must be daily, increasing and without gaps "
                             f"({idx[0].date()}..{idx[-1].date()}, {len(idx)} rows)")
        return idx

    def _daily_columns(self, frame: pd.DataFrame, what: str) -> np.ndarray:
        missing = [c for c in self.features_ if c not in frame.columns]
        if missing:
            raise ModelError(f"{what}: missing column(s) {missing} that the model was fitted with; build it with "
                             f"crossingcast.frame.future_frame(history, start, end)")
        X = frame[self.features_].to_numpy(dtype=float) if self.features_ else np.zeros((len(frame), 0))
        if not np.isfinite(X).all():
            bad = [c for j, c in enumerate(self.features_) if not np.isfinite(X[:, j]).all()]
            raise ModelError(f"{what}: non-finite values in column(s) {bad}")
        return X

    def _blocks(self, index: pd.DatetimeIndex, X: np.ndarray):
        """Weekly regressors ``(n_weeks, k)`` and day-share design ``(n_weeks, 7, m)`` of whole weeks."""
        n_weeks = len(index) // 7
        cal = calendar_features(index, int(self.fourier_order))
        fcols = [c for c in cal.columns if c.startswith("fourier_")]
        F = cal[fcols].to_numpy(dtype=float)
        dow = index.day_of_week.to_numpy()
        D = np.column_stack([(dow == k).astype(float) for k in range(1, 7)])
        daily_w = np.column_stack([F, X]).reshape(n_weeks, 7, -1).mean(axis=1)
        share = np.column_stack([D, X]).reshape(n_weeks, 7, -1)
        return daily_w, share, fcols

    def _weekly(self, frame: pd.DataFrame, end: pd.Timestamp):
        """Whole weeks ending on ``end`` from ``frame`` (rows from ``train_start_``): totals, regressors, shares."""
        start = self.train_start_
        n_weeks = ((end - start).days + 1) // 7
        first = end - pd.Timedelta(days=7 * n_weeks - 1)
        rows = frame.loc[first:end]
        idx = pd.DatetimeIndex(rows.index)
        y = rows[self.target_].to_numpy(dtype=float)
        Xw, S, _ = self._blocks(idx, self._daily_columns(rows, "frame"))
        return y.reshape(n_weeks, 7), Xw, S, pd.DatetimeIndex(idx[6::7])

    # ---------------------------------------------------------------- fit
    def fit(self, frame: pd.DataFrame, target: str = TARGET) -> "WeeklySarimax":
        """Estimate the weekly SARIMAX and the day-share model on the last ``train_years`` of ``frame``.

        Parameters
        ----------
        frame : pandas.DataFrame
            Daily frame from :func:`crossingcast.build_frame`.
        target : str
            Column to forecast.

        Returns
        -------
        WeeklySarimax
            ``self``, fitted.

        Raises
        ------
        ModelError
            Bad parameters, missing columns, bad target values, too little data or a failed fit.
        """
        from statsmodels.tsa.statespace.sarimax import SARIMAX

        if len(tuple(self.order)) != 3:
            raise ModelError(f"WeeklySarimax: order must be (p, d, q), got {self.order!r}")
        if int(self.n_paths) < 1 or int(self.n_param_draws) < 1:
            raise ModelError(f"WeeklySarimax: n_paths and n_param_draws must be >= 1, got "
                             f"{self.n_paths!r}, {self.n_param_draws!r}")
        if not float(self.offset) > 0:
            raise ModelError(f"WeeklySarimax: offset must be > 0, got {self.offset!r}")
        idx = self._check_index(frame, "fit frame")
        if target not in frame.columns:
            raise ModelError(f"fit frame: no target column {target!r}")
        if self.level_calibration not in ("holdout", "floor"):
            raise ModelError(f"WeeklySarimax: level_calibration must be 'holdout' or 'floor', "
                             f"got {self.level_calibration!r}")
        full = frame
        if self.train_years is not None:
            frame = frame.loc[frame.index > idx[-1] - pd.Timedelta(days=int(round(float(self.train_years) * 365.25)))]
        y = frame[target].to_numpy(dtype=float)
        if np.isnan(y).any() or (y < 0).any():
            bad = frame.index[np.isnan(y) | (y < 0)][0]
            raise ModelError(f"fit frame: target {target!r} must be non-negative without missing values "
                             f"(first bad date {bad.date()})")
        if len(y) < 7 * 30:
            raise ModelError(f"fit frame: {len(y)} days is too short for the weekly SARIMAX (need >= 210)")
        requested = list(self.features) if self.features is not None else (
            list(weather_columns(frame)) + list(event_columns(frame))
            + [c for c in ("holiday_uk", "holiday_fr") if c in frame.columns])
        lacking = [c for c in requested if c not in frame.columns]
        if lacking:
            raise ModelError(f"fit frame: feature column(s) {lacking} not in the frame")
        self.target_ = target
        self.features_ = requested
        self.train_start_ = pd.Timestamp(frame.index[0])
        Y, Xw, S, week_end = self._weekly(frame, frame.index[-1])
        _, _, fcols = self._blocks(pd.date_range(frame.index[-1], periods=7, freq="D"), np.zeros((7, len(requested))))
        names = fcols + requested
        # Weekly regressors: drop constant and exactly collinear ones (recorded).
        dropped: dict[str, str] = {}
        const = int(self.order[1]) == 0
        keep: list[int] = []
        kept_events: dict[str, np.ndarray] = {}
        base = [np.ones(len(Xw))] if const else []
        for j, c in enumerate(names):
            col = Xw[:, j]
            if np.ptp(col) < 1e-12:
                dropped[c] = "constant (weekly) in the training window"
                continue
            if c.startswith("event_") and min((col > 0).sum(), (col == 0).sum()) < MIN_EVENT_WEEKS:
                dropped[c] = f"in or out of force in fewer than {MIN_EVENT_WEEKS} training weeks"
                continue
            if c.startswith("event_") and (why := unidentified_event(col, kept_events, self.min_event_days,
                                                                     days_per_row=7)):
                dropped[c] = why
                continue
            B = np.column_stack(base + [Xw[:, k] for k in keep]) if (base or keep) else np.zeros((len(col), 0))
            if B.shape[1]:
                resid = col - B @ np.linalg.lstsq(B, col, rcond=None)[0]
                if np.sqrt(np.mean(resid ** 2)) < 1e-6 * max(np.std(col), 1e-12):
                    dropped[c] = "collinear with other weekly regressors in the training window"
                    continue
            keep.append(j)
            if c.startswith("event_"):
                kept_events[c] = col
        self.week_cols_ = keep
        self.week_features_ = (["const"] if const else []) + [names[j] for j in keep]
        W = Y.sum(axis=1)
        self.offset_ = float(self.offset) * max(float(W.mean()), 1.0)
        z = boxcox_forward(W, float(self.boxcox), self.offset_)
        self.shares_ = DayShareModel(ridge=self.ridge).fit(
            S, Y, [f"dow_{k}" for k in range(1, 7)] + requested)
        exog = self._week_exog(Xw)
        self.z_, self.exog_w_ = z, exog
        t0 = time.perf_counter()
        model = SARIMAX(z, exog=exog, order=tuple(self.order))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                fitted = model.fit(method="lbfgs", maxiter=int(self.maxiter), disp=False, cov_type="opg")
            except (np.linalg.LinAlgError, ValueError) as exc:
                raise ModelError(f"weekly SARIMAX fit failed on {frame.index[0].date()}..{frame.index[-1].date()}: "
                                 f"{exc}") from exc
        self.fit_seconds_ = time.perf_counter() - t0
        if not np.isfinite(fitted.llf):
            raise ModelError("weekly SARIMAX fit: non-finite log-likelihood")
        self.params_ = np.asarray(fitted.params, dtype=float)
        rename = {f"x{i + 1}": n for i, n in enumerate(self.week_features_)}
        self.param_names_ = [rename.get(n, n) for n in model.param_names]
        cov = np.asarray(fitted.cov_params(), dtype=float)
        self.param_cov_ = cov if np.isfinite(cov).all() else None
        self.results_ = fitted
        self.aic_ = float(fitted.aic)
        self.converged_ = bool(fitted.mle_retvals.get("converged", False)) if fitted.mle_retvals else False
        self.dropped_features_ = {**dropped, **{c: "no within-week variation (day shares)"
                                                for c in self.shares_.dropped_}}
        self.weather_features_ = [c for c in requested if c in weather_columns(frame)]
        self.history_ = self._history_rows(frame)
        self.last_date_ = pd.Timestamp(frame.index[-1])
        self.n_updates_ = 0
        self.name_ = "sarimax"
        self.is_fitted_ = True
        self.level_calibration_ = self._calibrate_level(full, target)
        return self

    def _calibrate_level(self, full: pd.DataFrame, target: str) -> dict:
        """Season-level uncertainty per horizon from this design's own held-out errors (see ``_level_sd``).

        For ``k = 1 .. calibration_years`` the same design (estimate only, no level factor) is fitted on the
        data to ``last date - 364 k`` days (at least two years of history) and forecasts up to a year from
        there; per horizon ``H >= 63`` of :data:`~crossingcast.models.distributions.LEVEL_HORIZONS` the log
        error of the total of days ``1..H`` is compared with the log-sd of that forecast's own path totals:
        ``level_sd(H)**2 = mean_k(error**2) - mean_k(own sd)**2``, then made non-decreasing, floored by
        :func:`~crossingcast.models.distributions.level_sd_floor` (``level_sd_fraction`` × the year-to-year
        variability) and capped at ``max_level_sd``.
        """
        y = full[target]
        floor = level_sd_floor(y, LEVEL_HORIZONS, fraction=float(self.level_sd_fraction))["floor"]
        out = {"method": self.level_calibration, "floor": floor, "origins": [], "log_errors": {}, "own_sd": {}}
        if self.level_calibration != "holdout" or float(self.level_sd_fraction) <= 0:
            return out
        errs = {H: [] for H in LEVEL_HORIZONS}
        own = {H: [] for H in LEVEL_HORIZONS}
        end = pd.Timestamp(full.index[-1])
        for k in range(1, int(self.calibration_years) + 1):
            o = end - pd.Timedelta(days=364 * k)
            hist = full.loc[:o]
            if len(hist) < 2 * 365:
                break
            n = min(366, (end - o).days)
            sub = type(self)(**{**self.get_params(), "n_param_draws": 1, "n_paths": 200, "level_sd_fraction": 0.0,
                                "level_calibration": "floor"})
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    sub.fit(hist, target)
                    fc = sub.predict(future_frame(hist, o + _DAY, o + n * _DAY))
            except (ModelError, FrameError):
                continue
            obs = y.loc[o + _DAY:o + n * _DAY].to_numpy(dtype=float)
            for H in LEVEL_HORIZONS:
                if H > n:
                    continue
                errs[H].append(float(np.log((obs[:H].sum() + 1.0) / (fc.mean[:H].sum() + 1.0))))
                own[H].append(float(np.std(np.log1p(fc.paths[:, :H].sum(axis=1)))))
            out["origins"].append(o.date().isoformat())
        raw = []
        for H in LEVEL_HORIZONS:
            # one origin a year: a one- to four-week total from it is noise, and the Kalman spread is calibrated
            # there (above_p90 0.145 on 14-day horizons); only the season bands take the held-out errors
            if H < _MIN_CALIBRATED_H or not errs[H]:
                raw.append(0.0)
                continue
            raw.append(missing_level_sd(errs[H], float(np.mean(own[H]))))
        sd = np.minimum(monotone_level_sd(raw, [floor[H] for H in LEVEL_HORIZONS]), float(self.max_level_sd))
        out.update({"log_errors": errs, "own_sd": own, "raw": dict(zip(LEVEL_HORIZONS, raw)),
                    "level_sd_by_horizon": {int(H): float(v) for H, v in zip(LEVEL_HORIZONS, sd)}})
        return out

    def _week_exog(self, Xw: np.ndarray) -> np.ndarray | None:
        cols = ([np.ones(len(Xw))] if int(self.order[1]) == 0 else []) + [Xw[:, j] for j in self.week_cols_]
        return np.column_stack(cols) if cols else None

    def _history_rows(self, frame: pd.DataFrame) -> pd.DataFrame:
        keep = [c for c in frame.columns if c == self.target_ or c in self.features_ or c.startswith("event_")
                or c.startswith("holiday_") or c in weather_columns(frame)]
        out = pd.DataFrame({c: frame[c].to_numpy() for c in keep},
                           index=pd.DatetimeIndex(frame.index, freq="D", name="date"))
        out.attrs = {k: frame.attrs[k] for k in ("events_calendar", "holidays", "fourier_order") if k in frame.attrs}
        return out

    # ------------------------------------------------------------- update
    def update(self, frame: pd.DataFrame) -> "WeeklySarimax":
        """Absorb observations after ``last_date_`` (parameters fixed; weeks re-anchored on the new last day).

        Raises
        ------
        ModelError
            If the frame does not extend the history (ends on or before ``last_date_`` or leaves a gap),
            lacks columns or has bad target values.
        """
        from statsmodels.tsa.statespace.sarimax import SARIMAX

        self._check_fitted()
        idx = self._check_index(frame, "update frame")
        new, y = new_days(frame, idx, self.target_, self.last_date_)
        self._daily_columns(new, "update frame")
        rows = self._history_rows(new).reindex(columns=self.history_.columns)
        old = self.history_.copy()
        attrs = dict(self.history_.attrs)
        old.attrs, rows.attrs = {}, {}
        hist = pd.concat([old, rows], axis=0)
        hist.index = pd.DatetimeIndex(hist.index, freq="D", name="date")
        hist.attrs = attrs
        Y, Xw, _, _ = self._weekly(hist, hist.index[-1])
        z = boxcox_forward(Y.sum(axis=1), float(self.boxcox), self.offset_)
        self.z_, self.exog_w_ = z, self._week_exog(Xw)
        model = SARIMAX(self.z_, exog=self.exog_w_, order=tuple(self.order))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.results_ = model.filter(self.params_)
        self.history_ = hist
        self.last_date_ = pd.Timestamp(hist.index[-1])
        self.n_updates_ += 1
        return self

    # ------------------------------------------------------------ predict
    def _param_draws(self, rng: np.random.Generator) -> list[np.ndarray]:
        n = min(int(self.n_param_draws), int(self.n_paths))
        if n <= 1 or self.param_cov_ is None:
            return [self.params_]
        names = self.param_names_
        return parameter_draws(self.params_, self.param_cov_, n, rng,
                               bounded=[i for i, p in enumerate(names) if p.startswith(("ar.", "ma."))],
                               variances=[i for i, p in enumerate(names) if p == "sigma2"])

    def _future_rows(self, future: pd.DataFrame, n_days: int) -> tuple[pd.DatetimeIndex, np.ndarray]:
        """Daily regressors for ``last_date_ + 1 .. last_date_ + n_days`` (gap and tail days from the history)."""
        lo, hi = self.last_date_ + _DAY, self.last_date_ + n_days * _DAY
        parts = []
        if lo < future.index[0]:
            parts.append(self._daily_columns(self._history_frame(lo, future.index[0] - _DAY), "gap frame"))
        parts.append(self._daily_columns(future, "future frame"))
        if future.index[-1] < hi:
            parts.append(self._daily_columns(self._history_frame(future.index[-1] + _DAY, hi), "tail frame"))
        return pd.date_range(lo, hi, freq="D", name="date"), np.vstack(parts)

    def _history_frame(self, a, b) -> pd.DataFrame:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                return future_frame(self.history_, a, b)
            except FrameError as exc:
                raise ModelError(f"cannot build regressors for {a.date()}..{b.date()} around the forecast: "
                                 f"{exc}") from exc

    def predict(self, future: pd.DataFrame) -> Forecast:
        """Predictive distribution of daily arrivals for the dates of ``future``.

        Parameters
        ----------
        future : pandas.DataFrame
            Exogenous columns for dates after ``last_date_`` (e.g. from
            :func:`crossingcast.frame.future_frame`).  Days between the data and
            ``future`` (a gap) and the days completing its last week are built
            from the stored history (climatology weather).

        Returns
        -------
        Forecast
            Predictive mean (sum of weekly means times day shares), quantiles, ``n_paths`` paths.

        Raises
        ------
        NotFittedError, ModelError
        """
        self._check_fitted()
        idx = self._check_index(future, "future frame")
        if idx[0] <= self.last_date_:
            raise ModelError(f"future frame starts on {idx[0].date()}, overlapping the model's data "
                             f"(through {self.last_date_.date()}); forecasts are for dates after it")
        self._daily_columns(future, "future frame")
        gap = (idx[0] - self.last_date_).days - 1
        n_days = gap + len(idx)
        n_weeks = -(-n_days // 7)
        days, rows = self._future_rows(future, 7 * n_weeks)
        Xw, S, _ = self._blocks(days, rows)
        exog = self._week_exog(Xw)
        names = [f"dow_{k}" for k in range(1, 7)] + list(self.features_)
        p = self.shares_.probs(S, names)  # (n_weeks, 7)
        rng = np.random.default_rng(self.random_state)
        draws = self._param_draws(rng)
        counts = np.full(len(draws), int(self.n_paths) // len(draws))
        counts[: int(self.n_paths) % len(draws)] += 1
        sims, means = [], []
        v_ref, n_rejected, k_extra = None, 0, 0
        # A fresh statsmodels model on the stored weekly data at every call: statsmodels models are stateful
        # (filter(params) sets the system matrices simulate_state_space reads) and a pickled/deep-copied
        # SARIMAX filtered differently after loading (measured: season means +24%), so the forecast depends
        # only on (data, parameters, seed), never on earlier calls or on a save/load round trip.
        from statsmodels.tsa.statespace.sarimax import SARIMAX

        model = SARIMAX(self.z_, exog=self.exog_w_, order=tuple(self.order))
        for params, k in zip(draws, counts):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = model.filter(params)
                fc = res.get_forecast(n_weeks, exog=exog)
            m, v = np.asarray(fc.predicted_mean, dtype=float), np.asarray(fc.var_pred_mean, dtype=float)
            if v_ref is None:
                v_ref, res_ref = v, res  # draw 0: the estimate
            elif not np.all(v <= float(self.max_draw_variance_ratio) * v_ref):
                # A draw whose forecast variance runs away (the OPG covariance of sigma2 and the MA term is poorly
                # estimated) makes the back-transformed mean explode: measured at origin 2025-03-02, rest-of-season
                # mean 3.4 million against 31,371 observed.  Such draws are discarded; their paths go to the estimate.
                n_rejected += 1
                k_extra += int(k)
                continue
            means.append(boxcox_offset_mean(m, v, float(self.boxcox), self.offset_))
            if k:
                X = exog if exog is not None else np.zeros((n_weeks, 0))
                sims.append(simulate_state_space(res, X, int(k), rng))
        if k_extra:
            X = exog if exog is not None else np.zeros((n_weeks, 0))
            sims.append(simulate_state_space(res_ref, X, k_extra, rng))
            means.extend([means[0]] * n_rejected)
        week_mean = np.mean(means, axis=0)  # E over parameter draws
        totals = boxcox_backward(np.column_stack(sims), float(self.boxcox), self.offset_).T  # (n_paths, n_weeks)
        if not (np.isfinite(totals).all() and np.isfinite(week_mean).all()) or totals.max() > 1e12:
            raise ModelError(f"weekly SARIMAX: simulated weekly totals overflow (max {np.nanmax(totals):.3g}) for "
                             f"{idx[0].date()}..{idx[-1].date()}; use a larger boxcox or a stationary order")
        level_sd = self._level_sd(n_weeks)
        if np.any(level_sd > 0):  # year-to-year level changes the random-walk level does not carry (mean one)
            totals = totals * _level_factor(rng.standard_normal((len(totals), 1)), level_sd, n_weeks)
        daily = self.shares_.sample(totals, p, rng).reshape(len(totals), -1)[:, gap:gap + len(idx)]
        mean = (week_mean[:, None] * p).reshape(-1)[gap:gap + len(idx)]
        weather = future.attrs.get("weather_mode", "none") if self.weather_features_ else "none"
        info = {
            "design": "weekly", "weather": weather, "weather_blind": not self.weather_features_,
            "order": tuple(self.order), "aic": self.aic_, "converged": self.converged_,
            "features": list(self.week_features_), "dropped_features": dict(self.dropped_features_),
            "train": f"{self.train_start_.date()}..{self.last_date_.date()}", "gap_days": gap,
            "offset": self.offset_, "boxcox": float(self.boxcox), "share_alpha": self.shares_.alpha_,
            "n_param_draws": len(draws), "n_rejected_draws": n_rejected,
            "level_sd_last_week": float(level_sd[-1]) if len(level_sd) else 0.0,
        }
        return Forecast.from_paths(daily, idx, model="sarimax", mean=mean, quantiles=DEFAULT_QUANTILES, info=info)

    def _level_sd(self, n_weeks: int) -> np.ndarray:
        """Per-week log-sd of the path level factor: ``level_sd_fraction`` × the year-to-year variability of the
        level × sqrt(horizon / 365) (:func:`~crossingcast.models.distributions.level_sd_floor`, the floor the
        hurdle and GBM use); 0 when ``level_sd_fraction`` is 0."""
        if float(self.level_sd_fraction) <= 0:
            return np.zeros(n_weeks)
        table = getattr(self, "level_calibration_", {}).get("level_sd_by_horizon")
        if table:
            return level_sd_at(table, 7 * np.arange(1, n_weeks + 1))
        y = self.history_[self.target_]
        h = 7 * np.arange(1, n_weeks + 1)
        floor = level_sd_floor(y, tuple(int(v) for v in h), fraction=float(self.level_sd_fraction))["floor"]
        return np.array([floor[int(v)] for v in h], dtype=float)

    def coef_table(self) -> pd.DataFrame:
        """Weekly coefficients and day-share coefficients.

        The weekly ones are on the model's Box-Cox scale of weekly totals: ``exp(coef)`` is a multiplicative
        effect only with ``boxcox=0`` (log); at the default 0.25 a coefficient is a fixed shift on that scale,
        so the multiplicative effect it means shrinks as the week's level grows (docs/models.md).  The
        day-share ones are within-week logits.
        """
        self._check_fitted()
        se = np.sqrt(np.diag(self.param_cov_)) if self.param_cov_ is not None else np.full(len(self.params_), np.nan)
        rows = [{"part": "weekly", "term": n, "coef": float(c), "se": float(s)}
                for n, c, s in zip(self.param_names_, self.params_, se)]
        rows += [{"part": "share", "term": n, "coef": c, "se": np.nan} for n, c in self.shares_.coef_.items()]
        return pd.DataFrame(rows)
