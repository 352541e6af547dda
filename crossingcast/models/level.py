"""Level-aware season model: last year's season, scaled by how this year is running so far.

The question asked in spring is *how many this summer, this year?*  Daily
models that extrapolate lags or a trend swing widely at that range (issue 10:
the GBM said +82% and +40% for the 1 May-20 Aug totals of 2022 and 2023).
:class:`LevelForecaster` answers it with three steps that can each be read:

1. **Base**: last year's arrivals on the same days (52 weeks earlier, so the
   weekday matches), smoothed over ``smooth_days`` (default 29) so that last
   year's weather days do not repeat, times a day-of-week profile.
2. **Level ratio**: how far this year is running above or below last year,
   from three log ratios at the origin, each against the same days 52 weeks
   earlier: year to date, the last 13 weeks and the last 4 weeks
   (``log((S_now + c) / (S_last_year + c))`` with ``c = 50`` arrivals).  The
   ratio applied to a future day is ``exp(x' beta_b)``, with ``beta_b`` a
   ridge regression **without intercept** (no trend is extrapolated; with no
   information the forecast is last year's season) fitted per horizon bucket
   ``b`` on every past Sunday origin of the training data: the target is the
   log ratio of the bucket's total to the same days a year earlier.  The ridge
   penalty is chosen by leave-one-year-out cross-validation, so a spring ratio
   of 3 is shrunk as much as past years say it should be.
3. **Uncertainty**: the log level of a path is normal with the
   leave-one-year-out residual standard deviation of its horizon bucket
   (``level_sd_``), made non-decreasing over the buckets and never below
   ``min_level_sd``; daily arrivals are a hurdle process (crossing day or
   not, negative binomial arrivals on crossing days) around it.  The mean
   includes the log-normal correction ``exp(sd**2 / 2)``, so a forecast total
   is the sum of predictive means, not of medians (Duan's smearing factor from
   the held-out errors was tried and lost: the right-skewed errors of the
   growth years 2019-2021 pushed it higher still, Jun-Sep MAPE 0.42 vs 0.35).

Everything at an origin is built from data up to the origin (the level ratios
use the observed series only; no weather, no events).  The model is
weather-blind by design: it is a season-level model, for horizons of weeks to
a year; for the next days a daily model (``gbm``, ``hurdle``) knows more.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crossingcast.errors import ModelError
from crossingcast.frame import TARGET
from crossingcast.models.base import BaseForecaster, Forecast
from crossingcast.models.distributions import calibrate_hurdle, crossing_persistence, hurdle_paths

__all__ = ["LevelForecaster", "level_features", "HORIZON_BUCKETS"]

_DAY = pd.Timedelta(days=1)
_YEAR = 364  # 52 weeks: the same weekday a year earlier

#: Horizon buckets (first and last day ahead) with their own level ratio and spread.
HORIZON_BUCKETS: tuple[tuple[int, int], ...] = ((1, 7), (8, 28), (29, 91), (92, 182), (183, 366))

#: Names of the level features, in the order of :func:`level_features`.
FEATURE_NAMES = ("ytd", "last_13_weeks", "last_4_weeks")

_PSEUDO = 50.0  # pseudo-count in the log ratios (keeps near-empty winters from making huge ratios)


def _window_sum(csum: np.ndarray, first: int, last: int) -> float:
    """Sum of the series over positions ``first..last`` (inclusive) from its cumulative sum."""
    return float(csum[last] - (csum[first - 1] if first > 0 else 0.0))


def level_features(y: pd.Series, origin) -> np.ndarray:
    """The three log level ratios at ``origin`` (see module notes).

    Parameters
    ----------
    y : pandas.Series
        Daily arrivals (complete daily index, no gaps), at least 52 weeks before ``origin``.
    origin : date-like
        Last day of data used.

    Returns
    -------
    numpy.ndarray
        ``[ytd, last_13_weeks, last_4_weeks]`` log ratios against the same days 52 weeks earlier.
    """
    origin = pd.Timestamp(origin)
    csum = np.cumsum(y.to_numpy(dtype=float))
    pos = int((origin - y.index[0]) / _DAY)
    if pos - _YEAR - 90 < 0 or pos >= len(y):
        raise ModelError(f"level_features: origin {origin.date()} needs 52 weeks + 13 weeks of history before it "
                         f"(series starts {y.index[0].date()})")
    ytd_days = int((origin - pd.Timestamp(origin.year, 1, 1)) / _DAY)  # days before the origin this year
    out = []
    for back in (ytd_days, 90, 27):
        now = _window_sum(csum, pos - back, pos)
        before = _window_sum(csum, max(pos - back - _YEAR, 0), pos - _YEAR)
        out.append(np.log((now + _PSEUDO) / (before + _PSEUDO)))
    return np.array(out)


def _ridge(X: np.ndarray, z: np.ndarray, lam: float, w: np.ndarray) -> np.ndarray:
    """Weighted ridge without intercept; ``lam`` multiplies the total weight.

    Least squares on the normal equations, so an unpenalised fold with collinear features (a
    hold-out leaving one short year) gets the minimum-norm solution instead of an error.
    """
    Xw = X * w[:, None]
    return np.linalg.lstsq(X.T @ Xw + lam * w.sum() * np.eye(X.shape[1]), Xw.T @ z, rcond=None)[0]


class LevelForecaster(BaseForecaster):
    """Season-level forecaster: last year's season scaled by this year's level so far.

    Parameters
    ----------
    smooth_days : int
        Width of the centred moving average applied to last year's daily
        arrivals (the base).
    penalties : sequence of float
        Ridge penalties tried by leave-one-year-out cross-validation (per
        horizon bucket); the penalty multiplies the number of training origins.
    min_base : float
        Training origins start once the 52 weeks before the same day a year
        earlier held at least this many arrivals (an established base).
    half_life_years : float or None
        Training origins are weighted ``0.5 ** (age / half_life_years)`` (age in
        years before the origin's year), in the ridge fit and in the
        cross-validated spread: the growth years 2019-2022 say less about 2026
        than 2024-2025 do.  ``None``: equal weights.
    min_level_sd : float
        Floor of the log-level standard deviation (0.10: even a perfect level
        model leaves weather-driven season-to-season noise of this order).
    n_paths : int
        Number of sample paths.
    random_state : int
        Seed of the sample paths.

    Attributes
    ----------
    coef_ : pandas.DataFrame
        Ridge coefficients per horizon bucket (rows) and level feature (columns).
    penalty_ : pandas.Series
        Chosen penalty per bucket.
    level_sd_ : pandas.Series
        Log-level standard deviation per bucket (non-decreasing, floored).
    cv_ : pandas.DataFrame
        Per bucket: training origins, years, leave-one-year-out RMSE of the log ratio.
    x_ : numpy.ndarray
        The level features at the origin (``last_date_``).
    dow_profile_ : numpy.ndarray
        Day-of-week multipliers (Monday first) from the last two years.
    shape_ : float
        Negative-binomial shape of arrivals on crossing days.
    persistence_ : float
        Lag-1 persistence of crossing days (calm and rough spells) over the last year.
    last_date_ : pandas.Timestamp
        The origin.
    """

    def __init__(self, smooth_days: int = 29, penalties=(0.0, 0.05, 0.2, 1.0, 5.0), min_level_sd: float = 0.10,
                 min_base: float = 1000.0, half_life_years: float = 2.0, n_paths: int = 1000,
                 random_state: int = 0):
        self.smooth_days = smooth_days
        self.half_life_years = half_life_years
        self.min_base = min_base
        self.penalties = penalties
        self.min_level_sd = min_level_sd
        self.n_paths = n_paths
        self.random_state = random_state

    # ------------------------------------------------------------------ fit
    def fit(self, frame: pd.DataFrame, target: str = TARGET) -> "LevelForecaster":
        """Fit the level regressions and the daily distribution on ``frame`` (data to its last day).

        Parameters
        ----------
        frame : pandas.DataFrame
            Daily frame with the target column (other columns are not used).
        target : str
            Target column.

        Returns
        -------
        LevelForecaster
            ``self``.

        Raises
        ------
        ModelError
            Missing target, gaps, or less than two years of history.
        """
        if target not in frame.columns:
            raise ModelError(f"LevelForecaster.fit: the frame has no column {target!r}")
        # A plain series: the frame's attrs (events calendar, report) are not needed and pandas would
        # copy or compare them on every operation.
        y = pd.Series(frame[target].to_numpy(dtype=float), index=pd.DatetimeIndex(frame.index))
        if y.isna().any():
            raise ModelError(f"LevelForecaster.fit: {target!r} is missing on {y.index[y.isna()][0].date()}")
        full = pd.date_range(y.index[0], y.index[-1], freq="D")
        if len(full) != len(y):
            raise ModelError("LevelForecaster.fit: the frame must have one row per day (gaps found)")
        if len(y) < 2 * 365:
            raise ModelError(f"LevelForecaster.fit: needs at least two years of history, got {len(y)} days")
        self.target_ = target
        return self._fit_series(y)

    def _fit_series(self, y: pd.Series) -> "LevelForecaster":
        self.y_ = y
        self.last_date_ = y.index[-1]
        self.name_ = "level"
        self.features_ = []
        self._fit_levels(y)
        self._fit_daily(y)
        self.x_ = level_features(y, self.last_date_)
        self.is_fitted_ = True
        return self

    def update(self, frame: pd.DataFrame) -> "LevelForecaster":
        """Extend the history with ``frame`` (new days; overlapping dates take its values) and refit.

        The model is cheap to fit, so an update is a full refit on the extended
        series: the level ratios, the ridge fits and their spreads all move to the new origin.

        Parameters
        ----------
        frame : pandas.DataFrame
            Daily frame with the target column, starting no later than ``last_date_ + 1 day``.

        Returns
        -------
        LevelForecaster
            ``self``.
        """
        self._check_fitted()
        if self.target_ not in frame.columns:
            raise ModelError(f"LevelForecaster.update: the frame has no column {self.target_!r}")
        new = pd.Series(frame[self.target_].to_numpy(dtype=float), index=pd.DatetimeIndex(frame.index))
        if len(new) == 0:
            return self
        if new.isna().any():
            raise ModelError(f"LevelForecaster.update: {self.target_!r} is missing on "
                             f"{new.index[new.isna()][0].date()}")
        if new.index[0] > self.last_date_ + _DAY:
            raise ModelError(f"LevelForecaster.update: gap between the history (ends {self.last_date_.date()}) and "
                             f"the new frame (starts {new.index[0].date()})")
        y = pd.concat([self.y_[self.y_.index < new.index[0]], new])
        if len(pd.date_range(y.index[0], y.index[-1], freq="D")) != len(y):
            raise ModelError("LevelForecaster.update: the new frame must have one row per day (gaps found)")
        return self._fit_series(y)

    def _fit_levels(self, y: pd.Series) -> None:
        csum = np.cumsum(y.to_numpy(dtype=float))
        # Origins whose year-earlier base is established: the 52 weeks before the same day a year
        # earlier held at least ``min_base`` arrivals (in 2018-19 a few dozen arrivals a month made
        # year-on-year ratios of 5-10 that say nothing about later years).
        first = y.index[0] + pd.Timedelta(days=2 * _YEAR)
        trailing = pd.Series(csum, index=y.index).diff(_YEAR)
        established = trailing.index[(trailing >= float(self.min_base)).to_numpy()]
        if len(established):
            first = max(first, established[0] + pd.Timedelta(days=_YEAR))
        origins = pd.date_range(first, self.last_date_ - _DAY, freq="W-SUN")
        feats = {o: level_features(y, o) for o in origins}
        last_pos = len(y) - 1
        coefs, pens, sds, rows = [], [], [], []
        for lo, hi in HORIZON_BUCKETS:
            X, z, years, vol = [], [], [], []
            for o in origins:
                p = int((o - y.index[0]) / _DAY)
                if p + hi > last_pos:
                    continue
                now = _window_sum(csum, p + lo, p + hi)
                before = _window_sum(csum, p + lo - _YEAR, p + hi - _YEAR)
                X.append(feats[o])
                z.append(np.log((now + _PSEUDO) / (before + _PSEUDO)))
                years.append(o.year)
                vol.append(before + _PSEUDO)
            X, z, years = np.array(X).reshape(-1, len(FEATURE_NAMES)), np.array(z), np.array(years)
            age = (self.last_date_.year - years).astype(float)
            w = 0.5 ** (age / float(self.half_life_years)) if self.half_life_years else np.ones(len(z))
            # Volume weights: a log ratio of 30 winter arrivals is mostly noise; the totals that
            # matter (summers, whole seasons) are large ones.
            w = w * np.asarray(vol) / np.mean(vol) if len(vol) else w
            groups = np.unique(years)
            if len(groups) < 2:  # cannot cross-validate: no level information, last year's season
                coefs.append(np.zeros(len(FEATURE_NAMES)))
                pens.append(np.nan)
                sds.append(np.nan)
                rows.append({"bucket": f"{lo}-{hi}", "origins": len(z), "years": len(groups), "loyo_rmse": np.nan})
                continue
            best = None
            for lam in self.penalties:
                resid = np.empty(len(z))
                for g in groups:
                    tr = years != g
                    resid[~tr] = z[~tr] - X[~tr] @ _ridge(X[tr], z[tr], lam, w[tr])
                rmse = float(np.sqrt(np.sum(w * resid ** 2) / w.sum()))
                if best is None or rmse < best[1] - 1e-12:
                    best = (lam, rmse)
            lam, rmse = best
            coefs.append(_ridge(X, z, lam, w))
            pens.append(lam)
            sds.append(rmse)
            rows.append({"bucket": f"{lo}-{hi}", "origins": len(z), "years": len(groups), "loyo_rmse": rmse})
        names = [f"{lo}-{hi}" for lo, hi in HORIZON_BUCKETS]
        sd = pd.Series(sds, index=names, dtype=float)
        # The level spread is read from buckets of >= 29 days, where daily (weather) noise has
        # largely averaged out; shorter buckets take the 29-91-day value (their own residuals are
        # mostly weather noise, which the daily hurdle draws carry).  Buckets without a
        # cross-validated spread take the largest measured; the spread cannot shrink with the
        # horizon and never drops below the floor.
        long_from = next(i for i, (lo, _) in enumerate(HORIZON_BUCKETS) if lo >= 29)
        sd.iloc[:long_from] = sd.iloc[long_from]
        known = sd.dropna()
        fill = float(known.max()) if len(known) else 1.0
        sd = sd.fillna(fill).cummax().clip(lower=float(self.min_level_sd))
        self.coef_ = pd.DataFrame(coefs, index=names, columns=list(FEATURE_NAMES))
        self.penalty_ = pd.Series(pens, index=names, dtype=float)
        self.level_sd_ = sd
        self.cv_ = pd.DataFrame(rows)

    def _fit_daily(self, y: pd.Series) -> None:
        last2 = y.loc[self.last_date_ - pd.Timedelta(days=2 * _YEAR - 1):]
        dow = last2.groupby(last2.index.day_of_week).mean()
        self.dow_profile_ = (dow / dow.mean()).reindex(range(7), fill_value=1.0).to_numpy()
        # Crossing-day probability and NB shape from last year's days around their smoothed base.
        prev = y.loc[self.last_date_ - pd.Timedelta(days=_YEAR - 1):]
        base = self._base(prev.index)
        p = self._p_cross(prev.index)
        self.shape_ = float(calibrate_hurdle(prev.to_numpy(), base, p)["shape"])
        # Calm and rough spells: crossing days cluster beyond what the seasonal probability explains.
        self.persistence_ = float(crossing_persistence(prev.to_numpy(), p))

    # ------------------------------------------------------------------ predict helpers
    def _source(self, dates: pd.DatetimeIndex) -> np.ndarray:
        """Positions in ``y_`` of the same days ``k`` x 52 weeks earlier (smallest k with a complete window)."""
        half = int(self.smooth_days) // 2
        last = int((self.last_date_ - self.y_.index[0]) / _DAY)
        pos = ((dates - self.y_.index[0]) / _DAY).to_numpy().astype(int)
        k = np.maximum(1, -(-(pos + half - last) // _YEAR))
        src = pos - k * _YEAR
        if (src - half < 0).any():
            raise ModelError(f"LevelForecaster: history from {self.y_.index[0].date()} is too short for "
                             f"{dates[np.argmax(src - half < 0)].date()}")
        return src

    def _base(self, dates: pd.DatetimeIndex) -> np.ndarray:
        smooth = self.y_.rolling(int(self.smooth_days), center=True, min_periods=1).mean().to_numpy()
        return smooth[self._source(dates)] * self.dow_profile_[dates.day_of_week]

    def _p_cross(self, dates: pd.DatetimeIndex) -> np.ndarray:
        crossed = (self.y_ > 0).astype(float).rolling(int(self.smooth_days), center=True, min_periods=1).mean()
        return np.clip(crossed.to_numpy()[self._source(dates)], 0.02, 0.98)

    def _bucket(self, horizon: np.ndarray) -> np.ndarray:
        out = np.full(horizon.shape, len(HORIZON_BUCKETS) - 1)
        for i, (lo, hi) in reversed(list(enumerate(HORIZON_BUCKETS))):
            out[horizon <= hi] = i
        return out

    # ------------------------------------------------------------------ predict
    def predict(self, future: pd.DataFrame) -> Forecast:
        """Predictive distribution for the dates of ``future`` (its columns are not used).

        Parameters
        ----------
        future : pandas.DataFrame
            Frame indexed by consecutive forecast dates after ``last_date_``.

        Returns
        -------
        Forecast
            Daily means (sum = unbiased total), quantiles and hurdle sample paths whose level
            factor carries the bucket's spread.
        """
        self._check_fitted()
        idx = pd.DatetimeIndex(future.index)
        if len(idx) == 0 or idx[0] <= self.last_date_:
            raise ModelError(f"LevelForecaster.predict: forecast dates must start after {self.last_date_.date()}")
        horizon = ((idx - self.last_date_) / _DAY).to_numpy().astype(int)
        if horizon.max() > HORIZON_BUCKETS[-1][1]:
            raise ModelError(f"LevelForecaster.predict: {idx[-1].date()} is more than "
                             f"{HORIZON_BUCKETS[-1][1]} days after the origin {self.last_date_.date()}")
        b = self._bucket(horizon)
        log_ratio = (self.coef_.to_numpy() @ self.x_)[b]
        sd = self.level_sd_.to_numpy()[b]
        mu = self._base(idx) * np.exp(log_ratio + sd ** 2 / 2)
        # One level shock per path, scaled per day by its bucket's spread (a persistent level);
        # crossing days follow the fitted lag-1 persistence.
        paths = hurdle_paths(mu, self._p_cross(idx), shape=self.shape_, level_sd=sd, n_paths=int(self.n_paths),
                             random_state=self.random_state, persistence=self.persistence_)
        info = {"weather": "none (season-level model, weather-blind by design)",
                "origin": str(self.last_date_.date()),
                "level_ratio": {k: float(np.exp(v)) for k, v in
                                zip(self.coef_.index, self.coef_.to_numpy() @ self.x_)},
                "level_sd": {k: float(v) for k, v in self.level_sd_.items()},
                "persistence": self.persistence_,
                "level_features": dict(zip(FEATURE_NAMES, map(float, self.x_)))}
        return Forecast.from_paths(paths, idx, model=self.name_, mean=mu, info=info)
