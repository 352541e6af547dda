"""The daily design (``design="daily_sqrt"``): SARIMAX on a variance-stabilised scale of daily counts.

Model
-----
With :math:`g` the transform (``"sqrt"`` by default, ``"log1p"`` or ``"none"``),

.. math::

    g(y_t) = x_t^\\top \\beta + u_t, \\qquad
    \\phi(L)\\Phi(L^7)\\, u_t = \\theta(L)\\Theta(L^7)\\, \\varepsilon_t,

a regression with seasonal ARMA errors (:class:`statsmodels.tsa.statespace.sarimax.SARIMAX`).
The regressors :math:`x_t` are a constant, the weather columns (when the frame
has them), the ``event_`` columns that vary in the training window, the
public-holiday flags, the annual Fourier terms ``fourier_sin_k/fourier_cos_k``
(``k <= fourier_order``; the annual cycle is *not* an ``s=365`` seasonal
ARMA, which would be huge and slow) and ``trend``.  The weekly cycle is the
seasonal ARMA with period 7, so day-of-week dummies are not added by default
(pass them in ``features`` to use both).

Predictive mean (the trap)
--------------------------
The model is Gaussian on the transformed scale.  Back-transforming the
forecast mean, e.g. ``expm1(mean of log1p)``, gives the *median* of the
predictive distribution: with ~60 % zero days the median of a summer day is
near zero and a summer total computed that way is ~97 % too low.  This class
never does that.  It simulates joint sample paths on the transformed scale
(:func:`simulate_state_space`: the distribution of ``results.simulate(..., anchor="end",
repetitions=n_paths)``, vectorised over paths),
back-transforms each path (``sqrt``: ``max(z, 0)**2``; ``log1p``:
``expm1(max(z, 0))``; ``none``: ``max(z, 0)``) and returns the average of the
back-transformed paths as the mean.  Negative values on the transformed scale
are the model's zero days (a Gaussian cannot put mass exactly on 0; clipping
does).  ``mean_method="analytic"`` gives the same quantity in closed form from
the marginal forecast mean ``m`` and variance ``v`` of each day:
with :math:`s=\\sqrt v`, :math:`a=m/s`,

* ``sqrt``: :math:`E[\\max(Z,0)^2] = (m^2+v)\\Phi(a) + m s\\,\\varphi(a)`
  (≈ :math:`m^2+v` when :math:`m \\gg s`);
* ``log1p``: :math:`E[\\max(e^Z-1,0)] = e^{m+v/2}\\Phi(a + s) - \\Phi(a)`;
* ``none``: :math:`E[\\max(Z,0)] = m\\Phi(a) + s\\varphi(a)`.

Updating
--------
:meth:`DailySarimax.update` absorbs new observations with
``results.append(new, exog=..., refit=False)``: the parameters stay fixed and
the Kalman filter runs over the combined data, so later forecasts condition
on all observations (``update_method="extend"`` filters only the new rows,
starting from the last state, which is faster and gives the same forecasts).
"""

from __future__ import annotations

import time
import warnings
from typing import Sequence

import numpy as np
import pandas as pd

from crossingcast.errors import FrameError, ModelError
from crossingcast.features import calendar_features, fourier_terms
from crossingcast.frame import TARGET, event_columns, future_frame, weather_columns
from crossingcast.models.base import DEFAULT_QUANTILES, BaseForecaster, Forecast
from crossingcast.models.sarimax.simulate import simulate_state_space
from crossingcast.models.sarimax.transforms import (TRANSFORMS, clipped_backtransform_mean, transform_backward,
                                                     transform_forward)
from crossingcast.models.sarimax.updates import new_days

__all__ = ["DailySarimax"]

_MEAN_METHODS = ("simulate", "analytic")
_DAY = pd.Timedelta(days=1)


class DailySarimax(BaseForecaster):
    """Regression with seasonal ARMA errors on a variance-stabilised scale.

    Parameters
    ----------
    order : tuple of int
        Non-seasonal ``(p, d, q)``.
    seasonal_order : tuple of int
        Seasonal ``(P, D, Q, s)``; ``s=7`` models the weekly cycle.
    transform : {"sqrt", "log1p", "none"}
        Scale the Gaussian model lives on.  ``"sqrt"`` (default) stabilises
        the variance of counts; ``"log1p"`` is offered for comparison (its
        predictive mean is dominated by the upper tail, see Notes).
    fourier_order : int
        Number of annual Fourier harmonics used as regressors.
    features : sequence of str, optional
        Exogenous columns to use.  Default: weather columns (if the frame
        has them), ``event_`` columns, ``holiday_uk``/``holiday_fr``,
        Fourier terms up to ``fourier_order`` and ``trend`` (if
        ``trend=True``).  Columns constant in the training window are dropped
        (they cannot be separated from the constant) and listed in
        ``dropped_features_``; so are exactly collinear ones.
    trend : bool
        Include the linear ``trend`` regressor in the default features.
    train_years : float or None
        Fit on the last ``train_years`` years of the frame (None: all of it).
    n_paths : int
        Number of simulated sample paths.
    random_state : int
        Seed of the path simulation; same data and seed give identical forecasts.
    mean_method : {"simulate", "analytic"}
        ``"simulate"``: mean of the back-transformed paths; ``"analytic"``:
        :func:`clipped_backtransform_mean` of the marginal Gaussian forecast
        (same quantity without Monte Carlo error).
    maxiter : int
        Maximum L-BFGS iterations (kept low: the likelihood is flat near its
        optimum and a few seconds of fitting is the goal).
    update_method : {"append", "extend"}
        How :meth:`update` absorbs new observations (parameters fixed either way).
    cov_type : str
        Passed to ``SARIMAX.fit``; ``"none"`` (default) skips the parameter
        covariance matrix, which costs as much as the fit itself.
    variance_scale : {"season", "level", "level+season", None}
        Heteroskedasticity on the transformed scale.  The residual variance of
        the sqrt series is ~3x larger in Aug-Nov than in Feb (crossing days
        alternate with zero days), so a constant variance under-states
        ``E[y] = m**2 + v`` in late summer and over-states it in winter.
        ``"season"`` (default) models the squared OLS residuals with
        ``variance_fourier`` annual harmonics and fits the SARIMAX to
        ``z_t / s_t`` with regressors ``x_t / s_t``; forecasts are scaled
        back by ``s_t``.  ``"level"`` uses ``a + b * (x_t' beta)**2`` instead,
        ``None`` a constant variance.
    variance_fourier : int
        Harmonics of the seasonal variance profile.
    level_sd : float
        Standard deviation of a per-path log-normal level factor (``E = 1``)
        applied to the back-transformed paths: widens intervals of totals
        without changing the mean.  Default 0: the Gaussian model's own
        uncertainty only (which is too narrow in years with level shifts,
        see Notes); set it from backtest residuals
        (e.g. :func:`crossingcast.models.distributions.calibrate_hurdle`).
    enforce_stationarity, enforce_invertibility : bool
        Passed to ``SARIMAX``.

    Attributes
    ----------
    results_ : statsmodels MLEResults
        Filtered results at the current end of the data (moves with :meth:`update`).
    features_ : list of str
        Frame columns used as regressors (a constant is added internally).
    dropped_features_ : dict
        Column -> reason it was not used.
    last_date_ : pandas.Timestamp
        Last observed date (fit or update).
    history_ : pandas.DataFrame
        Training (and updated) rows: target and feature columns, with the
        frame's attrs; used to build exogenous rows for gap days.
    aic_, converged_, fit_seconds_ : float, bool, float
        Fit diagnostics.

    Notes
    -----
    The predictive mean is ``E[h(max(Z, 0))]``, never ``h(E[Z])``.  The
    predictive distribution holds parameter estimates fixed (no parameter
    uncertainty), as statsmodels' forecasts do.

    Measured on the real series (weather-blind; default parameters; fit on
    the 4 years to 31 May, forecast 1 Jun-30 Sep), ``sum(mean)/sum(actual)``:
    2023 0.65, 2024 1.18, 2025 1.03 (constant variance: 0.64, 1.10, 0.95).
    With 14-day-ahead forecasts from origins every 14 days (``update``
    between origins): 2023 0.62, 2024 1.18, 2025 1.06.  The ``log1p``
    transform's predictive mean was 1.1-3.0x actual (constant variance; the
    mean of a wide log-normal is dominated by its upper tail) while
    ``expm1`` of its log-scale mean was ~0.14x actual in 2024: the trap.  The remaining errors have
    opposite signs in different years: they are year-to-year level shifts
    (2023 summer high relative to its spring, 2024 lower) that regression
    with short-memory ARMA errors cannot anticipate (ARIMA(1,1,1), AR(2),
    no trend, 2 or 6 training years did not remove them), not a
    back-transform bias, so no bias factor is applied.  The season-total
    80 % intervals covered 2024 and 2025 but not 2023: without
    ``level_sd`` they are too narrow for such shifts.
    """

    def __init__(self, order: Sequence[int] = (1, 0, 1), seasonal_order: Sequence[int] = (1, 0, 1, 7),
                 transform: str = "sqrt", fourier_order: int = 3, features: Sequence[str] | None = None,
                 trend: bool = True, train_years: float | None = 4, n_paths: int = 1000,
                 random_state: int = 0, mean_method: str = "simulate", maxiter: int = 50,
                 update_method: str = "append", cov_type: str = "none", variance_scale: str | None = "season",
                 variance_fourier: int = 2, level_sd: float = 0.0, enforce_stationarity: bool = True,
                 enforce_invertibility: bool = True):
        self.order = order
        self.seasonal_order = seasonal_order
        self.transform = transform
        self.fourier_order = fourier_order
        self.features = features
        self.trend = trend
        self.train_years = train_years
        self.n_paths = n_paths
        self.random_state = random_state
        self.mean_method = mean_method
        self.maxiter = maxiter
        self.update_method = update_method
        self.cov_type = cov_type
        self.variance_scale = variance_scale
        self.variance_fourier = variance_fourier
        self.level_sd = level_sd
        self.enforce_stationarity = enforce_stationarity
        self.enforce_invertibility = enforce_invertibility

    # ------------------------------------------------------------ helpers
    def _check_params(self) -> None:
        if self.transform not in TRANSFORMS:
            raise ModelError(f"DailySarimax: transform must be one of {TRANSFORMS}, got {self.transform!r}")
        if self.mean_method not in _MEAN_METHODS:
            raise ModelError(f"DailySarimax: mean_method must be one of {_MEAN_METHODS}, "
                             f"got {self.mean_method!r}")
        if self.update_method not in ("append", "extend"):
            raise ModelError(f"DailySarimax: update_method must be 'append' or 'extend', "
                             f"got {self.update_method!r}")
        if len(tuple(self.order)) != 3 or len(tuple(self.seasonal_order)) != 4:
            raise ModelError(f"DailySarimax: order must be (p, d, q) and seasonal_order (P, D, Q, s); "
                             f"got {self.order!r}, {self.seasonal_order!r}")
        if self.variance_scale not in (None, "season", "level", "level+season"):
            raise ModelError(f"DailySarimax: variance_scale must be None, 'season', 'level' or "
                             f"'level+season', got {self.variance_scale!r}")
        if int(self.n_paths) < 1:
            raise ModelError(f"DailySarimax: n_paths must be >= 1, got {self.n_paths!r}")

    def _default_features(self, frame: pd.DataFrame) -> list[str]:
        cols = list(weather_columns(frame)) + list(event_columns(frame))
        cols += [c for c in ("holiday_uk", "holiday_fr") if c in frame.columns]
        for k in range(1, int(self.fourier_order) + 1):
            cols += [f"fourier_sin_{k}", f"fourier_cos_{k}"]
        if self.trend:
            cols.append("trend")
        return cols

    @staticmethod
    def _check_index(frame: pd.DataFrame, what: str) -> pd.DatetimeIndex:
        if not isinstance(frame, pd.DataFrame):
            raise ModelError(f"{what}: expected a pandas DataFrame, got {type(frame).__name__}")
        if not isinstance(frame.index, pd.DatetimeIndex):
            raise ModelError(f"{what}: index must be a DatetimeIndex of dates, got {type(frame.index).__name__}")
        if len(frame) == 0:
            raise ModelError(f"{what}: no rows")
        idx = frame.index
        full = pd.date_range(idx[0], idx[-1], freq="D")
        if len(full) != len(idx) or not idx.equals(full):
            raise ModelError(f"{what}: dates must be daily, increasing and without gaps "
                             f"({idx[0].date()}..{idx[-1].date()}, {len(idx)} rows)")
        return idx

    def _design(self, frame: pd.DataFrame, columns: Sequence[str], what: str, const: bool = True) -> np.ndarray:
        """Regressor matrix ``[1, columns...]`` (without the 1 if not ``const``).

        Fourier/trend columns missing from the frame are computed from its dates.
        """
        calc = None
        data = [np.ones(len(frame))] if const else []
        missing = []
        for c in columns:
            if c in frame.columns:
                data.append(frame[c].to_numpy(dtype=float))
            elif c.startswith("fourier_") or c == "trend":
                if calc is None:
                    order = max([int(x.rsplit("_", 1)[1]) for x in columns if x.startswith("fourier_")] or [1])
                    calc = calendar_features(pd.DatetimeIndex(frame.index), order)
                data.append(calc[c].to_numpy(dtype=float))
            else:
                missing.append(c)
        if missing:
            raise ModelError(f"{what}: missing column(s) {missing} that the model was fitted with; build it with "
                             f"crossingcast.frame.future_frame(history, start, end)")
        X = np.column_stack(data)
        if not np.isfinite(X).all():
            bad = np.where(~np.isfinite(X).all(axis=0))[0]
            names = (["const"] if const else []) + list(columns)
            raise ModelError(f"{what}: non-finite values in column(s) {[names[i] for i in bad]}")
        return X

    # ------------------------------------------------------ variance scale
    def _scale_design(self, X: np.ndarray, index: pd.DatetimeIndex) -> np.ndarray:
        """Regressors of the residual variance (``X`` includes the constant column)."""
        if self.variance_scale == "season":
            F = fourier_terms(index, int(self.variance_fourier)).to_numpy(dtype=float)
            return np.column_stack([np.ones(len(index)), F])
        level = np.maximum(X @ self.scale_beta_, 0.0)
        if self.variance_scale == "level":
            return np.column_stack([np.ones(len(index)), level ** 2])
        F = fourier_terms(index, int(self.variance_fourier)).to_numpy(dtype=float)  # "level+season"
        return np.column_stack([np.ones(len(index)), level ** 2, F])

    def _fit_scale(self, z: np.ndarray, X: np.ndarray, index: pd.DatetimeIndex) -> None:
        """Two-step heteroskedasticity: OLS residuals -> linear model of their square -> scale ``s_t``."""
        self.scale_beta_ = np.linalg.lstsq(X, z, rcond=None)[0]
        if self.variance_scale is None:
            self.scale_coef_ = None
            self.scale_floor_ = 1.0
            return
        e2 = (z - X @ self.scale_beta_) ** 2
        W = self._scale_design(X, index)
        self.scale_coef_ = np.linalg.lstsq(W, e2, rcond=None)[0]
        self.scale_floor_ = 0.1 * float(np.mean(e2))
        self.scale_norm_ = 1.0
        self.scale_norm_ = float(np.sqrt(np.mean(self._scale(X, index) ** 2)))

    def _scale(self, X: np.ndarray, index: pd.DatetimeIndex) -> np.ndarray:
        """Standard-deviation multiplier ``s_t`` of the transformed series (mean square 1 on the training data)."""
        if self.variance_scale is None or self.scale_coef_ is None:
            return np.ones(len(index))
        v = np.maximum(self._scale_design(X, index) @ self.scale_coef_, self.scale_floor_)
        return np.sqrt(v) / self.scale_norm_

    def _scaled(self, z, X: np.ndarray, index: pd.DatetimeIndex, scale: np.ndarray | None = None):
        """``(z / s, X / s)`` with the constant column dropped when the model differences."""
        s = self._scale(X, index) if scale is None else scale
        Xm = X if self.const_ else X[:, 1:]
        return (None if z is None else z / s), Xm / s[:, None]

    # ---------------------------------------------------------------- fit
    def fit(self, frame: pd.DataFrame, target: str = TARGET) -> "DailySarimax":
        """Estimate the SARIMAX parameters on the last ``train_years`` of ``frame``.

        Parameters
        ----------
        frame : pandas.DataFrame
            Daily frame from :func:`crossingcast.build_frame`.
        target : str
            Column to forecast (default ``"migrants"``).

        Returns
        -------
        DailySarimax
            ``self``, fitted.

        Raises
        ------
        ModelError
            Bad parameters, missing target/feature columns, too little data, or
            the likelihood could not be evaluated.
        """
        from statsmodels.tsa.statespace.sarimax import SARIMAX

        self._check_params()
        idx = self._check_index(frame, "fit frame")
        if target not in frame.columns:
            raise ModelError(f"fit frame: no target column {target!r}")
        if self.train_years is not None:
            days = int(round(float(self.train_years) * 365.25))
            frame = frame.loc[frame.index > idx[-1] - pd.Timedelta(days=days)]
        y = frame[target].to_numpy(dtype=float)
        if np.isnan(y).any() or (y < 0).any():
            raise ModelError(f"fit frame: target {target!r} must be non-negative without missing values")
        min_obs = 2 * max(int(self.seasonal_order[3]), 1) * (1 + int(self.seasonal_order[0])
                                                             + int(self.seasonal_order[2])) + 30
        if len(y) < min_obs:
            raise ModelError(f"fit frame: {len(y)} days is too short for SARIMAX{tuple(self.order)}"
                             f"x{tuple(self.seasonal_order)} (need >= {min_obs})")

        requested = list(self.features) if self.features is not None else self._default_features(frame)
        lacking = [c for c in requested if c not in frame.columns
                   and not (c.startswith("fourier_") or c == "trend")]
        if lacking:
            raise ModelError(f"fit frame: feature column(s) {lacking} not in the frame")
        X = self._design(frame, requested, "fit frame")
        dropped: dict[str, str] = {}
        keep: list[int] = [0]  # the constant
        for j, c in enumerate(requested, start=1):
            col = X[:, j]
            if np.ptp(col) == 0:
                dropped[c] = "constant in the training window"
                continue
            # Exact collinearity with the columns kept so far (incl. the constant).
            B = X[:, keep]
            coef, *_ = np.linalg.lstsq(B, col, rcond=None)
            resid = col - B @ coef
            if np.sqrt(np.mean(resid ** 2)) < 1e-8 * max(np.std(col), 1e-12):
                dropped[c] = "collinear with other regressors in the training window"
                continue
            keep.append(j)
        features = [requested[j - 1] for j in keep[1:]]
        X = X[:, keep]
        # With differencing the level is a (diffuse) state: a constant regressor would not be identified.
        self.const_ = int(self.order[1]) + int(self.seasonal_order[1]) == 0
        exog_names = (["const"] if self.const_ else []) + features
        tidx = pd.DatetimeIndex(frame.index, freq="D", name="date")
        z_raw = transform_forward(y, self.transform)
        self._fit_scale(z_raw, X, tidx)
        z, X = self._scaled(z_raw, X, tidx)

        z = pd.Series(z, index=tidx, name=f"{self.transform}_{target}")
        Xdf = pd.DataFrame(X, index=tidx, columns=exog_names) if X.shape[1] else None
        t0 = time.perf_counter()
        model = SARIMAX(z, exog=Xdf, order=tuple(self.order), seasonal_order=tuple(self.seasonal_order),
                        enforce_stationarity=self.enforce_stationarity,
                        enforce_invertibility=self.enforce_invertibility)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ConvergenceWarning at low maxiter is expected; recorded below
            try:
                fitted = model.fit(method="lbfgs", maxiter=int(self.maxiter), disp=False,
                                   cov_type=self.cov_type, return_params=False)
            except (np.linalg.LinAlgError, ValueError) as exc:
                raise ModelError(f"SARIMAX fit failed on {tidx[0].date()}..{tidx[-1].date()}: {exc}") from exc
            # Keep filter-only results (no smoother): append/extend then only filter.
            self.results_ = model.filter(fitted.params, cov_type="none")
        self.fit_seconds_ = time.perf_counter() - t0
        if not np.isfinite(self.results_.llf):
            raise ModelError("SARIMAX fit: non-finite log-likelihood (check the features for extreme values)")

        self.params_ = fitted.params.copy()
        self.aic_ = float(fitted.aic)
        self.converged_ = bool(fitted.mle_retvals.get("converged", False)) if fitted.mle_retvals else False
        self.features_ = features
        self.exog_names_ = exog_names
        self.dropped_features_ = dropped
        self.weather_features_ = [c for c in features if c in weather_columns(frame)]
        self.target_ = target
        self.name_ = "sarimax"
        hist_cols = [target] + [c for c in features if c in frame.columns]
        self.history_ = self._history_rows(frame, hist_cols)
        self.train_start_ = tidx[0]
        self.last_date_ = tidx[-1]
        self.n_train_ = len(tidx)
        self.n_updates_ = 0
        self.is_fitted_ = True
        return self

    @staticmethod
    def _history_rows(frame: pd.DataFrame, cols: Sequence[str]) -> pd.DataFrame:
        keep = [c for c in frame.columns if c in set(cols) or c.startswith("event_") or c.startswith("holiday_")
                or c in weather_columns(frame)]
        out = pd.DataFrame({c: frame[c].to_numpy() for c in keep},
                           index=pd.DatetimeIndex(frame.index, freq="D", name="date"))
        out.attrs = {k: frame.attrs[k] for k in ("events_calendar", "holidays", "fourier_order")
                     if k in frame.attrs}
        return out

    # ------------------------------------------------------------- update
    def update(self, frame: pd.DataFrame) -> "DailySarimax":
        """Absorb observations after ``last_date_`` without re-estimating parameters.

        Parameters
        ----------
        frame : pandas.DataFrame
            Daily frame with the target and the feature columns, covering
            ``last_date_ + 1`` onwards (it may also include earlier rows, which
            are ignored: past observations are already in the model).

        Returns
        -------
        DailySarimax
            ``self`` with ``results_`` filtered through the end of ``frame``.

        Raises
        ------
        ModelError
            If the frame does not extend the fitted history (ends on or before
            ``last_date_``, or leaves a gap after it) or lacks columns.
        """
        self._check_fitted()
        idx = self._check_index(frame, "update frame")
        new, y = new_days(frame, idx, self.target_, self.last_date_)
        X = self._design(new, self.features_, "update frame")
        nidx = pd.DatetimeIndex(new.index, freq="D", name="date")
        z, X = self._scaled(transform_forward(y, self.transform), X, nidx)
        z = pd.Series(z, index=nidx, name=self.results_.model.endog_names)
        Xdf = pd.DataFrame(X, index=nidx, columns=self.exog_names_) if X.shape[1] else None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if self.update_method == "append":
                self.results_ = self.results_.append(z, exog=Xdf, refit=False)
            else:
                self.results_ = self.results_.extend(z, exog=Xdf)
        rows = self._history_rows(new, list(self.history_.columns))
        rows = rows.reindex(columns=self.history_.columns)
        old = self.history_.copy()
        old.attrs, rows.attrs = {}, {}  # attrs hold a DataFrame, which pandas cannot compare in concat
        hist = pd.concat([old, rows], axis=0)
        hist.index = pd.DatetimeIndex(hist.index, freq="D", name="date")
        hist.attrs = dict(self.history_.attrs)
        self.history_ = hist
        self.last_date_ = nidx[-1]
        self.n_updates_ += 1
        return self

    # ------------------------------------------------------------ predict
    def _future_design(self, future: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, int, str]:
        """Model-scale regressors and scale from ``last_date_ + 1`` to the end of ``future``.

        Gap rows between the data and ``future`` are built from the stored history.
        """
        idx = self._check_index(future, "future frame")
        if idx[0] <= self.last_date_:
            raise ModelError(f"future frame starts on {idx[0].date()}, overlapping the model's data "
                             f"(through {self.last_date_.date()}); forecasts are for dates after it")
        Xf = self._design(future, self.features_, "future frame")
        gap = int((idx[0] - self.last_date_) / _DAY) - 1
        gap_mode = "none"
        if gap > 0:
            lo, hi = self.last_date_ + _DAY, idx[0] - _DAY
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    gf = future_frame(self.history_, lo, hi)
                except FrameError as exc:
                    raise ModelError(f"cannot build regressors for the gap {lo.date()}..{hi.date()} between the "
                                     f"data and the forecast: {exc}") from exc
            gap_mode = gf.attrs.get("weather_mode", "none")
            Xf = np.vstack([self._design(gf, self.features_, "gap frame"), Xf])
        full_idx = pd.date_range(self.last_date_ + _DAY, idx[-1], freq="D")
        scale = self._scale(Xf, full_idx)
        _, Xf = self._scaled(None, Xf, full_idx, scale)
        return Xf, scale, gap, gap_mode

    def predict(self, future: pd.DataFrame) -> Forecast:
        """Predictive distribution of daily arrivals for the dates of ``future``.

        Parameters
        ----------
        future : pandas.DataFrame
            Exogenous columns for dates strictly after ``last_date_``, e.g.
            ``crossingcast.frame.future_frame(history, start, end)``.  If it
            starts later than ``last_date_ + 1`` the days in between are
            forecast too (longer horizon); their regressors come from the
            stored history (climatology weather if the model uses weather).

        Returns
        -------
        Forecast
            Mean (the predictive mean, see module notes), quantiles at
            :data:`DEFAULT_QUANTILES`, ``n_paths`` sample paths.

        Raises
        ------
        NotFittedError
            Before :meth:`fit`.
        ModelError
            If ``future`` overlaps the data, is not daily, or lacks a column
            the model uses.
        """
        self._check_fitted()
        X, scale, gap, gap_mode = self._future_design(future)
        rng = np.random.default_rng(self.random_state)
        sims = simulate_state_space(self.results_, X, int(self.n_paths), rng)
        # (n_days, n_paths) on the transformed scale (undo the variance scaling).
        sims = (sims * scale[:, None])[gap:]
        paths = transform_backward(sims, self.transform).T
        if self.mean_method == "analytic":
            m, v = self._marginal(X, scale)
            mean = clipped_backtransform_mean(m[gap:], v[gap:], self.transform)
        else:
            mean = paths.mean(axis=0)
        if self.level_sd and self.level_sd > 0:
            # Per-path level factor, E[F] = 1: widens intervals of totals, leaves the mean unchanged.
            sd = float(self.level_sd)
            paths = paths * np.exp(sd * rng.standard_normal((paths.shape[0], 1)) - sd ** 2 / 2)
        weather = future.attrs.get("weather_mode", "none") if self.weather_features_ else "none"
        info = {
            "weather": weather,
            "weather_blind": not self.weather_features_,
            "transform": self.transform,
            "order": tuple(self.order),
            "seasonal_order": tuple(self.seasonal_order),
            "aic": self.aic_,
            "converged": self.converged_,
            "mean_method": self.mean_method,
            "features": list(self.features_),
            "dropped_features": dict(self.dropped_features_),
            "train": f"{self.train_start_.date()}..{self.last_date_.date()}",
            "gap_days": gap,
            "variance_scale": self.variance_scale,
            "level_sd": float(self.level_sd or 0.0),
        }
        if gap:
            info["gap_weather"] = gap_mode
        return Forecast.from_paths(paths, future.index, model="sarimax", mean=mean,
                                   quantiles=DEFAULT_QUANTILES, info=info)

    def _marginal(self, X: np.ndarray, scale: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fc = self.results_.get_forecast(X.shape[0], exog=X if X.shape[1] else None)
        m = np.asarray(fc.predicted_mean, dtype=float) * scale
        v = np.asarray(fc.var_pred_mean, dtype=float) * scale ** 2
        return m, v

    def predict_transformed(self, future: pd.DataFrame) -> pd.DataFrame:
        """Marginal Gaussian forecast on the model scale: ``mean`` and ``var`` per day of ``future``.

        Useful to see the trap this model avoids: ``h(mean)`` (e.g.
        ``expm1`` of the log-scale mean) is the predictive median, not the mean.
        """
        self._check_fitted()
        X, scale, gap, _ = self._future_design(future)
        m, v = self._marginal(X, scale)
        return pd.DataFrame({"mean": m[gap:], "var": v[gap:]}, index=future.index)
