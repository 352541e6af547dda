"""Season-ahead baselines whose spread is calibrated at the horizon they forecast.

The baselines of :mod:`crossingcast.models.baselines` calibrate their
predictive spread per horizon band on origins of the last two years (pooled,
non-decreasing, floored): good for weeks ahead, but two years of origins hold
few independent season totals.  The classes here give each baseline a
distribution calibrated on **its own past errors at the same horizon and the
same dates of earlier years**, so that CRPS comparisons of season totals are
fair to them (a sharp but wrong baseline is easy to beat):

* at :meth:`predict` time the requested dates ``origin + 1 .. end`` are
  shifted back by ``k = 1 .. calibration_years`` years; for each such past
  window the baseline is re-run exactly as it would have been then (history
  to ``origin - k years`` only) and compared with what happened;
* :func:`~crossingcast.models.distributions.calibrate_hurdle` turns those
  out-of-sample (observed, forecast) days, grouped by past year, into the
  negative-binomial ``shape`` and the per-path ``level_sd`` of
  :func:`~crossingcast.models.distributions.hurdle_paths`.  ``level_sd`` is
  floored at ``min_level_sd`` (a handful of past years cannot prove a
  season total is known to better than that).

The mean is passed through exactly, so a total is the sum of daily means.

=====================  ========================================================
class                  mean for day *t* (origin *o*)
=====================  ========================================================
:class:`LevelPersistence`  last year's (smoothed) value at *t* − 364 days × the
                       year-to-date level ratio shrunk toward 1: ``r ** shrink``
                       with ``r = y[1 Jan .. o] / y[same dates last year]``
                       (``make_forecaster("persistence")``)
:class:`SeasonNaiveH`  ``y[t - 364 k]`` exactly (the seasonal naive mean)
                       (``make_forecaster("seasonal_naive", calibration="horizon")``)
:class:`ClimatologyH`  mean over ``years`` past seasons ± ``window`` days
                       (``make_forecaster("climatology", calibration="horizon")``)
=====================  ========================================================
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crossingcast.errors import ModelError
from crossingcast.frame import TARGET
from crossingcast.models.base import BaseForecaster, Forecast
from crossingcast.models.baselines import (SeasonalNaive, climatology_means, _check_future, _info, _merge_history,
                                           _target_series)
from crossingcast.models.distributions import calibrate_hurdle, hurdle_paths, missing_level_sd

__all__ = ["LevelPersistence", "SeasonNaiveH", "ClimatologyH", "ytd_ratio"]

_DAY = pd.Timedelta(days=1)
_LAG = 364


def ytd_ratio(y: pd.Series, origin: pd.Timestamp, min_days: int = 28) -> tuple[float, float, float]:
    """Year-to-date arrivals to ``origin`` against the same dates 364 days earlier.

    Returns ``(ratio, this_year, last_year)``.  When fewer than ``min_days``
    days of the year have passed, the last ``min_days`` days are used instead.
    A zero denominator gives ratio 1.
    """
    start = min(pd.Timestamp(year=origin.year, month=1, day=1), origin - pd.Timedelta(days=min_days - 1))
    now = float(y.loc[start:origin].sum())
    before = float(y.loc[start - _LAG * _DAY:origin - _LAG * _DAY].sum())
    return (now / before if before > 0 else 1.0), now, before


class _HorizonBaseline(BaseForecaster):
    """Shared fit/update/predict: subclasses define ``_mean(y, dates) -> (mu, p_cross, info)``."""

    _min_history = _LAG + 28
    _label = "baseline"

    def __init__(self, calibration_years: int = 3, min_level_sd: float = 0.1, max_level_sd: float = 0.6,
                 min_calibration_total: float = 1000.0, n_paths: int = 1000, random_state: int = 0):
        self.calibration_years = calibration_years
        self.min_level_sd = min_level_sd
        self.max_level_sd = max_level_sd
        self.min_calibration_total = min_calibration_total
        self.n_paths = n_paths
        self.random_state = random_state

    def fit(self, frame: pd.DataFrame, target: str = TARGET):
        """Store the history (the spread is calibrated at :meth:`predict`, for the requested horizon).

        Parameters
        ----------
        frame : pandas.DataFrame
            Daily frame with the target column (other columns are ignored).
        target : str
            Target column.

        Returns
        -------
        self
        """
        y = _target_series(frame, target, f"{type(self).__name__}.fit")
        if len(y) < self._min_history:
            raise ModelError(f"{type(self).__name__}.fit: needs at least {self._min_history} days of history, "
                             f"got {len(y)}")
        self.target_ = target
        self.y_ = y
        self.last_date_ = y.index[-1]
        self.features_ = []
        self.name_ = self._label
        self.is_fitted_ = True
        return self

    def update(self, frame: pd.DataFrame):
        """Replace/extend the stored history with ``frame`` (overlapping dates take its values)."""
        self._check_fitted()
        self.y_ = _merge_history(self.y_, frame, self.target_, f"{type(self).__name__}.update")
        self.last_date_ = self.y_.index[-1]
        return self

    def calibrate(self, dates: pd.DatetimeIndex) -> dict:
        """Shape and level_sd from this baseline's own errors over ``dates`` shifted back 1..k years."""
        y = self.y_
        ys, mus, ps, gs = [], [], [], []
        used = []
        for k in range(1, int(self.calibration_years) + 1):
            origin = self.last_date_ - pd.DateOffset(years=k)
            past = (pd.DatetimeIndex(dates) - pd.DateOffset(years=k)).unique()
            past = past[past > origin]
            if not len(past) or past[-1] > self.last_date_:
                continue
            hist = y[y.index <= origin]
            if len(hist) < self._min_history:
                break
            try:
                mu, p, _ = self._mean(hist, past)
            except ModelError:
                break
            if float(np.sum(mu)) < float(self.min_calibration_total):
                continue  # the series was still tiny then: its growth errors say nothing about today's level
            ys.append(y.reindex(past).to_numpy())
            mus.append(mu)
            ps.append(p)
            gs.append(np.full(len(past), k))
            used.append(origin.date().isoformat())
        if not used:
            return {"shape": 1.0, "level_sd": float(self.max_level_sd), "n": 0, "origins": []}
        cal = calibrate_hurdle(*(np.concatenate(v) for v in (ys, mus, ps)), groups=np.concatenate(gs))
        # total log-errors of the past windows: a direct, robust read of the level uncertainty
        logs = [np.log((yy.sum() + 1.0) / (mm.sum() + 1.0)) for yy, mm in zip(ys, mus)]
        rms = float(np.sqrt(np.mean(np.square(logs))))
        cal["hurdle_level_sd"] = cal["level_sd"]
        cal["level_sd"] = float(np.clip(rms, self.min_level_sd, self.max_level_sd))
        cal.update({"origins": used, "log_errors": [float(v) for v in logs], "total_log_rms": rms})
        return cal

    def _paths(self, mu: np.ndarray, p: np.ndarray, cal: dict) -> np.ndarray:
        """Hurdle paths whose **total** has the log spread of the past errors.

        The daily negative-binomial noise already spreads the total; the level
        factor adds only what is missing: ``level_sd**2 = rms**2 - sd0**2``
        (``sd0`` = the log-sd of the path totals without a level factor), then
        bounded to ``[min_level_sd, max_level_sd]``.  Without this the two add
        up and the intervals of a season total are too wide.
        """
        n, seed = int(self.n_paths), self.random_state
        rms = cal.get("total_log_rms")
        if rms is not None:
            base = hurdle_paths(mu, p, shape=cal["shape"], level_sd=0.0, n_paths=n, random_state=seed)
            sd0 = float(np.std(np.log1p(base.sum(axis=1))))
            cal["noise_log_sd"] = sd0
            cal["level_sd"] = float(np.clip(missing_level_sd(cal["log_errors"], sd0), self.min_level_sd,
                                            self.max_level_sd))
        return hurdle_paths(mu, p, shape=cal["shape"], level_sd=cal["level_sd"], n_paths=n, random_state=seed)

    def predict(self, future: pd.DataFrame) -> Forecast:
        """Predictive distribution for the dates of ``future`` (columns unused).

        Returns
        -------
        Forecast
            Mean exactly the baseline's; hurdle paths with the horizon-calibrated spread.
        """
        self._check_fitted()
        who = f"{type(self).__name__}.predict"
        idx = _check_future(future, self.last_date_, who)
        mu, p, extra = self._mean(self.y_, idx)
        cal = self.calibrate(idx)
        self.calibration_ = cal
        paths = self._paths(mu, p, cal)
        info = _info(future, self.last_date_, idx, shape=cal["shape"], level_sd=cal["level_sd"],
                     calibration_origins=cal["origins"],
                     distribution="hurdle_paths, level_sd from own errors at the same horizon", **extra)
        return Forecast.from_paths(paths, idx, model=self.name_, mean=mu, info=info)


class LevelPersistence(_HorizonBaseline):
    """Level-adjusted persistence: last year's remaining season × this year's level so far, shrunk toward 1.

    Parameters
    ----------
    shrink : float
        Exponent applied to the year-to-date ratio ``r`` (0 = plain last
        year, 1 = full ratio); the default 0.5 turns a spring ratio of 3 into
        a factor of 1.73.
    clip : tuple of float
        Bounds of the shrunk factor.
    smooth : int
        Width (days, centred) of the rolling mean applied to last year's
        daily values before shifting them (a season total is unchanged by it;
        daily values are no longer single-day spikes).
    min_days : int
        Minimum length of the level window (see :func:`ytd_ratio`).
    calibration_years : int
        Past years whose errors at the same horizon calibrate the spread.
    min_level_sd, max_level_sd : float
        Bounds of the calibrated ``level_sd`` (the log-sd of the per-path level
        factor).  The cap 0.6 keeps the 80% band of a season total within about
        ×0.45–×2.2 of its median: the past errors of 2019–2021, when the series
        grew five-fold a year, would otherwise widen every later interval to
        ×0.3–×3.6 (measured: rest-of-season 80% coverage 1.00 with cap 1.0 against
        0.94 with 0.6, 122 origins 2021–2025, docs/season_ahead.md).
    min_calibration_total : float
        Past windows whose forecast total was below this are not used to
        calibrate (the series was then too small for its errors to say
        anything about a level of thousands).
    n_paths : int
        Number of sample paths.
    random_state : int
        Seed of the sample paths.

    Attributes
    ----------
    y_ : pandas.Series
        Stored history.
    last_date_ : pandas.Timestamp
        The forecast origin.
    calibration_ : dict
        ``shape``, ``level_sd`` and the past origins used (set by :meth:`predict`).
    """

    _label = "persistence"

    def __init__(self, shrink: float = 0.5, clip: tuple = (0.33, 3.0), smooth: int = 15, min_days: int = 28,
                 calibration_years: int = 3, min_level_sd: float = 0.1, max_level_sd: float = 0.6,
                 min_calibration_total: float = 1000.0, n_paths: int = 1000, random_state: int = 0):
        super().__init__(calibration_years, min_level_sd, max_level_sd, min_calibration_total, n_paths, random_state)
        self.shrink = shrink
        self.clip = clip
        self.smooth = smooth
        self.min_days = min_days

    def _mean(self, y: pd.Series, dates: pd.DatetimeIndex):
        origin = y.index[-1]
        ratio, now, before = ytd_ratio(y, origin, int(self.min_days))
        factor = float(np.clip(ratio ** float(self.shrink), *self.clip))
        w = int(self.smooth)
        sm = y.rolling(w, center=True, min_periods=1).mean() if w > 1 else y
        cr = (y > 0).astype(float).rolling(w, center=True, min_periods=1).mean() if w > 1 else (y > 0) * 1.0
        mu0 = SeasonalNaive._naive(sm, dates, _LAG)
        p = SeasonalNaive._naive(cr, dates, _LAG)
        return mu0 * factor, p, {"ytd_ratio": ratio, "level_factor": factor, "ytd": now, "ytd_last_year": before}


class SeasonNaiveH(_HorizonBaseline):
    """Seasonal naive mean (``y[t - 364 k]``) with a spread calibrated at the forecast horizon.

    Parameters are those of :class:`LevelPersistence` that apply (``calibration_years``,
    ``min_level_sd``, ``max_level_sd``, ``min_calibration_total``, ``n_paths``, ``random_state``).
    """

    _label = "seasonal_naive"

    def _mean(self, y: pd.Series, dates: pd.DatetimeIndex):
        mu = SeasonalNaive._naive(y, dates, _LAG)
        # crossing probability of a positive naive day: last year's local crossing share
        cr = (y > 0).astype(float).rolling(15, center=True, min_periods=1).mean()
        p = np.where(mu > 0, np.maximum(SeasonalNaive._naive(cr, dates, _LAG), 1e-3), 0.0)
        return mu, p, {"lag_days": _LAG}


class ClimatologyH(_HorizonBaseline):
    """Multi-year day-of-year climatology with a spread calibrated at the forecast horizon.

    Parameters
    ----------
    window, years : int
        As in :class:`crossingcast.models.baselines.Climatology`.
    calibration_years, min_level_sd, max_level_sd, min_calibration_total, n_paths, random_state
        As in :class:`LevelPersistence`.
    """

    _label = "climatology"

    def __init__(self, window: int = 15, years: int = 3, calibration_years: int = 3, min_level_sd: float = 0.1,
                 max_level_sd: float = 0.6, min_calibration_total: float = 1000.0, n_paths: int = 1000,
                 random_state: int = 0):
        super().__init__(calibration_years, min_level_sd, max_level_sd, min_calibration_total, n_paths, random_state)
        self.window = window
        self.years = years

    @property
    def _min_history(self) -> int:  # type: ignore[override]
        return 366 + int(self.window) + 28

    def _mean(self, y: pd.Series, dates: pd.DatetimeIndex):
        mu, p = climatology_means(y, pd.DatetimeIndex(dates), int(self.window), int(self.years), who="ClimatologyH")
        return mu, p, {"window": int(self.window), "years": int(self.years)}
