"""Reference forecasters: seasonal naive and day-of-year climatology.

Both are deliberately simple and honest: they are the yardsticks the other
models are scored against (MASE, "skill vs seasonal naive").

* :class:`SeasonalNaive` — the mean is exactly the value observed one season
  earlier: ``y[t - 364]`` (same weekday last year, ``season="year"``) or
  ``y[t - 7]`` (``season="week"``); beyond one season the last observed
  season is repeated (``y[t - 364 k]`` / ``y[t - 7 k]`` with the smallest
  ``k`` that reaches into the history).
* :class:`Climatology` — the mean over the same time of year (± ``window``
  days) in the ``years`` most recent seasons, optionally rescaled by the
  recent level (last ``level_weeks`` weeks against their own climatology).

Predictive distribution (both)
------------------------------
Sample paths come from the shared hurdle distribution
:func:`crossingcast.models.distributions.hurdle_paths`, so the forecast mean
is passed through *exactly* and sums of paths give intervals for totals.
Its crossing probability, negative-binomial shape, crossing-day persistence
and per-path level factor are calibrated out of sample on pooled origins:
every 14 days over the last ``calibration_days`` (default 730) of the
training history, each origin forecasts up to 366 days ahead (not past the
end of the history) using only the history up to it, exactly as
:meth:`predict` would.  The shape comes from the first 14 days of every
origin, the persistence from the first 56
(:func:`~crossingcast.models.distributions.crossing_persistence`, weekly
variance match), and ``level_sd`` from the band totals of each horizon band
:data:`~crossingcast.models.distributions.LEVEL_HORIZONS`
(:func:`~crossingcast.models.distributions.band_level_sd`), made
non-decreasing from band to band and raised to the floor of
:func:`~crossingcast.models.distributions.level_sd_floor` (half the
year-to-year sd of the log level, scaled by ``sqrt(H / 365)``).  A forecast
day at horizon ``h`` gets its band's ``level_sd`` (one normal draw per path
drives all of them, so paths stay coherent).  ``calibration_days=730`` is the
shortest window that gives the 182- and 366-day bands their own origins;
longer windows pooled the 2020-2022 growth years and widened every interval
for no coverage gain (docs/models.md).  Before issue 15 one ``level_sd``,
from 14-day blocks of the last year, served every horizon
(``calibration_["level_sd_14d_blocks"]`` is that estimate on the new origins).

A non-negative distribution whose mean is 0 is the point mass at 0, so on days
where the seasonal naive value is 0 the seasonal naive forecast is a sure
zero.  That is the honest consequence of "the mean is exactly last year's
value"; the misses it causes on those days are carried into the level factor
through the band totals, so totals still get realistic intervals.

Measured (six rolling origins: 31 Mar and 30 Jun of 2023-2025, forecasting to
30 Sep; mean |log(total forecast / actual)|, totals inside their 80%
interval, mean daily CRPS from the paths):

=============================  ============  ===========  ==========
model                          |log ratio|   in 80%       CRPS
=============================  ============  ===========  ==========
SeasonalNaive()                0.25          5/6          128.8
SeasonalNaive(season="week")   0.76          2/6          125.9
Climatology()                  0.15          6/6          100.5
Climatology(level="recent")    0.44          3/6          105.2
=============================  ============  ===========  ==========

(Those figures predate the horizon bands.)  The weekly naive is meant for
short horizons; repeating the last week for a season is far off, and its
long bands say so (``level_sd`` about 0.7 at 182-366 days against 0.04 at a
week).  The recent-level ratio (8 weeks, mostly spring) is a
poor guide to the summer level here, so ``level="none"`` stays the default.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crossingcast.errors import ModelError
from crossingcast.frame import TARGET
from crossingcast.models.base import BaseForecaster, Forecast
from crossingcast.models.distributions import (LEVEL_HORIZONS, band_level_sd, calibrate_hurdle, consistent_hurdle,
                                               crossing_persistence, hurdle_paths, level_sd_at, level_sd_floor,
                                               monotone_level_sd)

__all__ = ["SeasonalNaive", "Climatology"]

_DAY = pd.Timedelta(days=1)
_BLOCK = 14  # days after each calibration origin that estimate the shape (and the crossing share)
_STEP = 14  # days between calibration origins
_MAX_H = 366  # longest horizon forecast from a calibration origin
_PERSIST_DAYS = 56  # days after each calibration origin that estimate crossing-day persistence


# --------------------------------------------------------------------------- shared helpers
def _target_series(frame: pd.DataFrame, target: str, who: str) -> pd.Series:
    if not isinstance(frame, pd.DataFrame) or not isinstance(frame.index, pd.DatetimeIndex) or not len(frame):
        raise ModelError(f"{who}: frame must be a non-empty DataFrame indexed by date")
    if target not in frame.columns:
        raise ModelError(f"{who}: frame has no target column {target!r}")
    idx = pd.DatetimeIndex(frame.index)
    if not idx.is_monotonic_increasing or len(pd.date_range(idx[0], idx[-1], freq="D")) != len(idx):
        raise ModelError(f"{who}: frame must be daily without gaps")
    y = pd.Series(frame[target].to_numpy(dtype=float), index=pd.DatetimeIndex(idx, freq="D", name="date"))
    if y.isna().any() or (y < 0).any():
        raise ModelError(f"{who}: target {target!r} must be non-negative without missing values")
    return y


def _merge_history(old: pd.Series, frame: pd.DataFrame, target: str, who: str) -> pd.Series:
    """Replace/extend the history with the target of ``frame`` (overlapping dates take the new values)."""
    new = _target_series(frame, target, who)
    if new.index[0] > old.index[-1] + _DAY:
        raise ModelError(f"{who}: gap between the history (ends {old.index[-1].date()}) and the new frame "
                         f"(starts {new.index[0].date()})")
    y = pd.concat([old[old.index < new.index[0]], new])
    y.index = pd.DatetimeIndex(y.index, freq="D", name="date")
    return y


def _check_future(future: pd.DataFrame, last_date: pd.Timestamp, who: str) -> pd.DatetimeIndex:
    if not isinstance(future, pd.DataFrame) or not isinstance(future.index, pd.DatetimeIndex) or not len(future):
        raise ModelError(f"{who}: future must be a non-empty DataFrame indexed by date "
                         "(build it with crossingcast.frame.future_frame(history, start, end))")
    idx = pd.DatetimeIndex(future.index)
    if idx[0] <= last_date:
        raise ModelError(f"{who}: future dates must start after the training period, which ends "
                         f"{last_date.date()} (future starts {idx[0].date()})")
    if not idx.is_monotonic_increasing or len(pd.date_range(idx[0], idx[-1], freq="D")) != len(idx):
        raise ModelError(f"{who}: future must be daily without gaps")
    return idx


def _calibration_origins(y: pd.Series, days: int, min_origin: pd.Timestamp) -> list[pd.Timestamp]:
    """Calibration origins every 14 days over the last ``days`` days of ``y`` (none before ``min_origin``).

    The last origin is at least one day before the end of ``y``; origins are
    laid out backwards from there, so refits on a longer history keep the
    recent ones.
    """
    end = y.index[-1]
    first = max(end - pd.Timedelta(days=int(days)), min_origin)
    last = end - _DAY
    n = int((last - first) / _DAY) // _STEP
    return [last - pd.Timedelta(days=_STEP * k) for k in range(n, -1, -1)]


def _calibrate(y: pd.Series, origins, forecaster, persistence="auto") -> dict:
    """Horizon-band calibration of the hurdle paths from out-of-sample forecasts of pooled origins.

    Every origin forecasts the days after it up to 366 days ahead (not past the
    end of ``y``) with only the history up to it, exactly as :meth:`predict`
    would.  The negative-binomial ``shape`` comes from the first 14 days of every
    origin (:func:`~crossingcast.models.distributions.calibrate_hurdle`, groups =
    origin: the old 14-day blocks), the crossing-day persistence from the first
    56 days (:func:`~crossingcast.models.distributions.crossing_persistence`,
    weekly variance match), ``level_sd`` per horizon band
    :data:`~crossingcast.models.distributions.LEVEL_HORIZONS` from each band's
    totals (:func:`~crossingcast.models.distributions.band_level_sd`), made
    non-decreasing and raised to the floor of
    :func:`~crossingcast.models.distributions.level_sd_floor`.
    """
    end = y.index[-1]
    records = []
    for o in origins:
        dates = pd.date_range(o + _DAY, min(o + pd.Timedelta(days=_MAX_H), end), freq="D")
        mu, p = forecaster(y[y.index <= o], dates)
        records.append((np.arange(1, len(dates) + 1), y.reindex(dates).to_numpy(), np.asarray(mu, dtype=float),
                        np.asarray(p, dtype=float)))
    first = [np.concatenate(v) for v in zip(*[(r[1][:_BLOCK], r[2][:_BLOCK], r[3][:_BLOCK],
                                                np.full(min(_BLOCK, len(r[1])), i)) for i, r in enumerate(records)])]
    y_, mu_, p_, g_ = first
    cal = calibrate_hurdle(y_, mu_, p_, groups=g_)
    short = [np.concatenate(v) for v in zip(*[(r[1][:_PERSIST_DAYS], r[3][:_PERSIST_DAYS],
                                                np.full(min(_PERSIST_DAYS, len(r[1])), i))
                                               for i, r in enumerate(records)])]
    rho = crossing_persistence(*short, block=7) if persistence == "auto" else float(persistence)
    raw = band_level_sd(records, cal["shape"], LEVEL_HORIZONS, persistence=rho)
    floor = level_sd_floor(y, LEVEL_HORIZONS)
    sd = monotone_level_sd(raw, [floor["floor"][H] for H in LEVEL_HORIZONS])
    _, pi, _ = consistent_hurdle(mu_, p_)
    cal.update({"level_sd_14d_blocks": cal["level_sd"],
                "level_sd_by_horizon": {int(H): float(v) for H, v in zip(LEVEL_HORIZONS, sd)},
                "raw_level_sd_by_horizon": {int(H): float(v) for H, v in zip(LEVEL_HORIZONS, raw)},
                "floor": floor, "persistence": float(rho), "horizons": list(LEVEL_HORIZONS),
                "start": (origins[0] + _DAY).date().isoformat(), "end": end.date().isoformat(),
                "n_origins": len(origins), "origin_step_days": _STEP, "block_days": _BLOCK,
                "mean_p_cross": float(pi.mean()), "observed_crossing_share": float((y_ > 0).mean()),
                "sum_mean": float(mu_.sum()), "sum_observed": float(y_.sum())})
    cal["level_sd"] = cal["level_sd_by_horizon"][LEVEL_HORIZONS[-1]]  # the season-ahead value (summary)
    return cal


_DISTRIBUTION = "hurdle_paths, level_sd per horizon band from pooled calibration origins"


def _check_persistence(value, who: str) -> None:
    if not (isinstance(value, str) and value == "auto") and not (
            isinstance(value, (int, float)) and 0 <= float(value) < 1):
        raise ModelError(f"{who}: persistence must be 'auto' or a number in [0, 1), got {value!r}")


def _paths(model, mu, p, idx) -> tuple[np.ndarray, np.ndarray]:
    """Hurdle paths of a fitted baseline with the level_sd of each day's horizon; returns (paths, level_sd)."""
    cal = model.calibration_
    h = ((idx - model.last_date_) / _DAY).to_numpy().astype(int)
    table = cal.get("level_sd_by_horizon")
    sd = level_sd_at(table, h) if table else np.full(len(h), float(cal["level_sd"]))
    paths = hurdle_paths(mu, p, shape=cal["shape"], level_sd=sd, n_paths=int(model.n_paths),
                         random_state=model.random_state, persistence=float(cal.get("persistence", 0.0)))
    return paths, sd


def _info(future: pd.DataFrame, last_date: pd.Timestamp, idx: pd.DatetimeIndex, **extra) -> dict:
    h = ((idx - last_date) / _DAY).to_numpy().astype(int)
    info = {"weather": future.attrs.get("weather_mode", "none"), "weather_blind": True,
            "origin": last_date.date().isoformat(), "horizon_days": [int(h.min()), int(h.max())]}
    info.update(extra)
    return info


# --------------------------------------------------------------------------- seasonal naive
class SeasonalNaive(BaseForecaster):
    """Seasonal naive forecast: the value one season (a year of 52 weeks, or a week) earlier.

    Parameters
    ----------
    season : {"year", "week"}
        ``"year"``: the mean for day *t* is ``y[t - 364]`` (the same weekday
        52 weeks earlier); ``"week"``: ``y[t - 7]``.  For dates more than one
        season after the last observation the last observed season is repeated
        (``y[t - 364 k]`` / ``y[t - 7 k]``, smallest ``k`` reaching the history).
    n_paths : int
        Number of sample paths.
    random_state : int
        Seed of the sample paths.
    calibration_days : int
        Span of the calibration origins (every 14 days) at the end of the
        training history; each forecasts up to 366 days ahead.
    persistence : "auto" or float
        Crossing-day persistence of the paths: ``"auto"`` estimates it from
        the calibration origins, a number fixes it (0 = independent days).
    p_cross : {"calibrated", "naive"}
        Crossing probability on days whose naive value is positive:
        ``"calibrated"`` = the share of crossing days among such days in the
        calibration period; ``"naive"`` = 1 (a crossing day for sure).

    Attributes
    ----------
    y_ : pandas.Series
        The stored history (float), replaced/extended by :meth:`update`.
    last_date_ : pandas.Timestamp
        Last date of the history (the forecast origin).
    lag_ : int
        Season length in days (364 or 7).
    p_cross_ : float
        Crossing probability used on days with a positive naive value.
    calibration_ : dict
        ``shape``, ``persistence``, ``level_sd_by_horizon`` (upper horizon ->
        ``level_sd``; ``level_sd`` is the 366-day value),
        ``raw_level_sd_by_horizon`` (before the monotone rule and the floor),
        ``floor`` and diagnostics of the calibration origins.

    Notes
    -----
    The mean is exactly the naive value (this is the MASE reference).  On
    days where it is 0 the predictive distribution is the point mass at 0.
    """

    def __init__(self, season: str = "year", n_paths: int = 1000, random_state: int = 0,
                 calibration_days: int = 730, p_cross: str = "calibrated", persistence="auto"):
        self.season = season
        self.n_paths = n_paths
        self.random_state = random_state
        self.calibration_days = calibration_days
        self.p_cross = p_cross
        self.persistence = persistence

    def _lag(self) -> int:
        if self.season == "year":
            return 364
        if self.season == "week":
            return 7
        raise ModelError(f"SeasonalNaive: season must be 'year' or 'week', got {self.season!r}")

    @staticmethod
    def _naive(y: pd.Series, dates: pd.DatetimeIndex, lag: int) -> np.ndarray:
        """``y[t - lag k]`` with the smallest ``k >= 1`` such that the date is in ``y``."""
        last = y.index[-1]
        h = ((dates - last) / _DAY).to_numpy().astype(int)
        k = np.maximum(1, -(-h // lag))  # ceil(h / lag)
        src = dates - pd.to_timedelta(k * lag, unit="D")
        pos = ((src - y.index[0]) / _DAY).to_numpy().astype(int)
        if (pos < 0).any():
            raise ModelError(f"SeasonalNaive: history starting {y.index[0].date()} is too short for a "
                             f"{lag}-day season")
        return y.to_numpy()[pos]

    def fit(self, frame: pd.DataFrame, target: str = TARGET) -> "SeasonalNaive":
        """Store the history and calibrate the predictive distribution.

        Parameters
        ----------
        frame : pandas.DataFrame
            Daily frame with the target column (other columns are ignored).
        target : str
            Target column.

        Returns
        -------
        SeasonalNaive
            ``self``.

        Raises
        ------
        ModelError
            If the history is shorter than one season plus 28 calibration days,
        or ``persistence`` is invalid.
        """
        lag = self._lag()
        if self.p_cross not in ("calibrated", "naive"):
            raise ModelError(f"SeasonalNaive: p_cross must be 'calibrated' or 'naive', got {self.p_cross!r}")
        y = _target_series(frame, target, "SeasonalNaive.fit")
        if len(y) < lag + 28:
            raise ModelError(f"SeasonalNaive.fit: needs at least {lag + 28} days of history "
                             f"({lag}-day season + 28 calibration days), got {len(y)}")
        self.target_ = target
        self.lag_ = lag
        self.y_ = y
        self.last_date_ = y.index[-1]
        self.features_ = []
        self.name_ = "seasonal_naive"
        _check_persistence(self.persistence, "SeasonalNaive")
        origins = _calibration_origins(y, self.calibration_days, y.index[0] + pd.Timedelta(days=lag - 1))
        # crossing probability on days with a positive naive value (out of sample: the first 14 days after
        # each calibration origin)
        hits = n_pos = 0
        for origin in origins:
            dates = pd.date_range(origin + _DAY, min(origin + pd.Timedelta(days=_BLOCK), y.index[-1]), freq="D")
            naive = self._naive(y[y.index <= origin], dates, lag)
            obs = y.reindex(dates).to_numpy()
            hits += int(((naive > 0) & (obs > 0)).sum())
            n_pos += int((naive > 0).sum())
        p1 = (hits + 1.0) / (n_pos + 2.0) if self.p_cross == "calibrated" else 1.0
        self.p_cross_ = float(p1)

        def fc(hist, dates):
            mu = self._naive(hist, dates, lag)
            return mu, np.where(mu > 0, p1, 0.0)

        self.calibration_ = _calibrate(y, origins, fc, self.persistence)
        self.is_fitted_ = True
        return self

    def update(self, frame: pd.DataFrame) -> "SeasonalNaive":
        """Replace/extend the history with ``frame`` (no re-calibration).

        Parameters
        ----------
        frame : pandas.DataFrame
            Daily frame with the target column, starting no later than
            ``last_date_ + 1 day``; overlapping dates take its values.

        Returns
        -------
        SeasonalNaive
            ``self``.
        """
        self._check_fitted()
        self.y_ = _merge_history(self.y_, frame, self.target_, "SeasonalNaive.update")
        if len(self.y_) < self.lag_:
            raise ModelError(f"SeasonalNaive.update: history shorter than one season ({self.lag_} days)")
        self.last_date_ = self.y_.index[-1]
        return self

    def predict(self, future: pd.DataFrame) -> Forecast:
        """Predictive distribution for the dates of ``future``.

        Parameters
        ----------
        future : pandas.DataFrame
            Frame indexed by the forecast dates (strictly after ``last_date_``;
            e.g. :func:`crossingcast.frame.future_frame`); its columns are not used.

        Returns
        -------
        Forecast
            Mean = the naive value exactly; hurdle sample paths.
        """
        self._check_fitted()
        idx = _check_future(future, self.last_date_, "SeasonalNaive.predict")
        mu = self._naive(self.y_, idx, self.lag_)
        p = np.where(mu > 0, self.p_cross_, 0.0)
        paths, sd = _paths(self, mu, p, idx)
        info = _info(future, self.last_date_, idx, season=self.season, lag_days=self.lag_,
                     p_cross=self.p_cross_, shape=self.calibration_["shape"],
                     level_sd=[float(sd.min()), float(sd.max())],
                     persistence=float(self.calibration_.get("persistence", 0.0)), distribution=_DISTRIBUTION)
        return Forecast.from_paths(paths, idx, model=self.name_, mean=mu, info=info)


def climatology_means(y: pd.Series, dates: pd.DatetimeIndex, w: int, years: int,
                      who: str = "Climatology") -> tuple[np.ndarray, np.ndarray]:
    """Climatological (mean, crossing share) for ``dates``: the ``years`` latest seasons whose
    ``±w``-day window around the same date is observed in ``y`` (no level scaling)."""
    last, first = y.index[-1], y.index[0]
    vals = y.to_numpy()
    offsets = np.arange(-w, w + 1)
    k0 = np.ones(len(dates), dtype=int)
    shifted = {}

    def centre(k: int) -> pd.DatetimeIndex:
        if k not in shifted:
            shifted[k] = dates - pd.DateOffset(years=k)
        return shifted[k]

    for _ in range(200):
        cen = np.empty(len(dates), dtype="datetime64[ns]")
        for k in np.unique(k0):
            cen[k0 == k] = centre(int(k))[k0 == k].to_numpy()
        late = (pd.DatetimeIndex(cen) + pd.Timedelta(days=w)) > last
        if not late.any():
            break
        k0 = k0 + late.astype(int)
    sums = np.zeros(len(dates))
    cross = np.zeros(len(dates))
    counts = np.zeros(len(dates))
    for j in range(years):
        cen = np.empty(len(dates), dtype="datetime64[ns]")
        for k in np.unique(k0):
            cen[k0 == k] = centre(int(k + j))[k0 == k].to_numpy()
        pos = ((pd.DatetimeIndex(cen) - first) / _DAY).to_numpy().astype(int)[:, None] + offsets[None, :]
        ok = (pos >= 0) & (pos < len(vals))
        v = np.where(ok, vals[np.clip(pos, 0, len(vals) - 1)], 0.0)
        sums += v.sum(axis=1)
        cross += (v > 0).sum(axis=1)
        counts += ok.sum(axis=1)
    if (counts == 0).any():
        bad = dates[counts == 0][0]
        raise ModelError(f"{who}: no history in the {years} season(s) before {bad.date()} "
                         f"(history {first.date()}..{last.date()})")
    return sums / counts, cross / counts


# --------------------------------------------------------------------------- climatology
class Climatology(BaseForecaster):
    """Day-of-year climatology: the mean over the same time of year in recent seasons.

    Parameters
    ----------
    window : int
        Half-width (days) of the window around the same calendar date.
    years : int
        Number of past seasons averaged.
    level : {"none", "recent"}
        ``"recent"`` multiplies the climatological mean by the ratio of the
        arrivals of the last ``level_weeks`` weeks to the climatology of those
        same weeks (computed the same way from the seasons before them),
        clipped to ``level_clip``.  The crossing probability stays
        climatological (the level acts on the size of crossing days).
    level_weeks : int
        Length (weeks) of the recent period for ``level="recent"``.
    level_clip : tuple of float
        Bounds of the level ratio.
    n_paths : int
        Number of sample paths.
    random_state : int
        Seed of the sample paths.
    calibration_days : int
        Span of the calibration origins (every 14 days; see the module notes).
    persistence : "auto" or float
        Crossing-day persistence of the paths (as for :class:`SeasonalNaive`).

    Attributes
    ----------
    y_ : pandas.Series
        Stored history.
    last_date_ : pandas.Timestamp
        Forecast origin.
    calibration_ : dict
        As for :class:`SeasonalNaive`.

    Notes
    -----
    For a forecast date *t*, season *k* is the window
    ``[t - k years - window, t - k years + window]`` (calendar years, 29 Feb
    -> 28 Feb).  The seasons used are the ``years`` most recent ones that end
    on or before the origin ``last_date_``; days outside the history are
    skipped.  The mean is the average of all those days and the crossing
    probability the share of them with at least one arrival.
    """

    def __init__(self, window: int = 15, years: int = 3, level: str = "none", level_weeks: int = 8,
                 level_clip: tuple = (0.25, 4.0), n_paths: int = 1000, random_state: int = 0,
                 calibration_days: int = 730, persistence="auto"):
        self.window = window
        self.years = years
        self.level = level
        self.level_weeks = level_weeks
        self.level_clip = level_clip
        self.n_paths = n_paths
        self.random_state = random_state
        self.calibration_days = calibration_days
        self.persistence = persistence

    def _clim(self, y: pd.Series, dates: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
        """Climatological (mean, crossing share) for ``dates`` from history ``y`` (no level scaling)."""
        return climatology_means(y, pd.DatetimeIndex(dates), int(self.window), int(self.years))

    def _ratio(self, y: pd.Series) -> float:
        if self.level == "none":
            return 1.0
        n = 7 * int(self.level_weeks)
        recent = y.iloc[-n:]
        past = y[y.index < recent.index[0]]
        if len(past) < 366 - int(self.window):
            return 1.0
        clim, _ = self._clim(past, recent.index)
        den = float(clim.sum())
        if den <= 0:
            return 1.0
        lo, hi = self.level_clip
        return float(np.clip(float(recent.sum()) / den, lo, hi))

    def _forecast(self, y: pd.Series, dates: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
        mu, p = self._clim(y, dates)
        return mu * self._ratio(y), p

    def fit(self, frame: pd.DataFrame, target: str = TARGET) -> "Climatology":
        """Store the history and calibrate the predictive distribution.

        Parameters
        ----------
        frame : pandas.DataFrame
            Daily frame with the target column (other columns are ignored).
        target : str
            Target column.

        Returns
        -------
        Climatology
            ``self``.
        """
        if self.level not in ("none", "recent"):
            raise ModelError(f"Climatology: level must be 'none' or 'recent', got {self.level!r}")
        if int(self.years) < 1 or int(self.window) < 0:
            raise ModelError("Climatology: years must be >= 1 and window >= 0")
        y = _target_series(frame, target, "Climatology.fit")
        if len(y) < 366 + int(self.window) + 28:
            raise ModelError(f"Climatology.fit: needs at least {366 + int(self.window) + 28} days of history "
                             f"(one season + window + 28 calibration days), got {len(y)}")
        self.target_ = target
        self.y_ = y
        self.last_date_ = y.index[-1]
        self.features_ = []
        self.name_ = "climatology"
        _check_persistence(self.persistence, "Climatology")
        origins = _calibration_origins(y, self.calibration_days,
                                       y.index[0] + pd.Timedelta(days=366 + int(self.window)))
        self.calibration_ = _calibrate(y, origins, self._forecast, self.persistence)
        self.is_fitted_ = True
        return self

    def update(self, frame: pd.DataFrame) -> "Climatology":
        """Replace/extend the history with ``frame`` (no re-calibration).

        Parameters
        ----------
        frame : pandas.DataFrame
            Daily frame with the target column, starting no later than
            ``last_date_ + 1 day``; overlapping dates take its values.

        Returns
        -------
        Climatology
            ``self``.
        """
        self._check_fitted()
        self.y_ = _merge_history(self.y_, frame, self.target_, "Climatology.update")
        self.last_date_ = self.y_.index[-1]
        return self

    def predict(self, future: pd.DataFrame) -> Forecast:
        """Predictive distribution for the dates of ``future``.

        Parameters
        ----------
        future : pandas.DataFrame
            Frame indexed by the forecast dates (strictly after ``last_date_``);
            its columns are not used.

        Returns
        -------
        Forecast
            Mean = (level-scaled) climatology exactly; hurdle sample paths with
            the climatological crossing probability.
        """
        self._check_fitted()
        idx = _check_future(future, self.last_date_, "Climatology.predict")
        mu, p = self._clim(self.y_, idx)
        ratio = self._ratio(self.y_)
        mu = mu * ratio
        paths, sd = _paths(self, mu, p, idx)
        info = _info(future, self.last_date_, idx, window=int(self.window), years=int(self.years),
                     level=self.level, level_ratio=ratio, shape=self.calibration_["shape"],
                     level_sd=[float(sd.min()), float(sd.max())],
                     persistence=float(self.calibration_.get("persistence", 0.0)), distribution=_DISTRIBUTION)
        return Forecast.from_paths(paths, idx, model=self.name_, mean=mu, info=info)
