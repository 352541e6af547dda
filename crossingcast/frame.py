"""The daily modelling frame: counts + weather features + event flags + calendar terms.

:func:`build_frame` joins the official counts with (optional) weather
features, the events calendar, public holidays and calendar terms into one
validated daily frame indexed by date.  :func:`future_frame` builds the same
exogenous columns for dates to be forecast.  Columns:

* counts (:data:`COUNT_COLUMNS`): ``migrants`` (the target), ``boats``,
  ``uncontrolled_boats`` (NaN = not available), ``revised``;
* weather (when given): ``wind_mean``, ``gust_max``, ``wind_u``, ``wind_v``,
  ``ne_share``, ``precip``, ``temp``, ``calm``, ``calm_spell``,
  ``days_since_calm``, ``weather_filled``;
* events: ``event_<name>`` (the event's intensity while in force, else 0);
* holidays: ``holiday_uk``, ``holiday_fr``;
* calendar: ``dow``, ``dow_1``..``dow_6``, ``fourier_sin_k``/``fourier_cos_k``, ``trend``.

``frame.attrs["report"]`` says what went in and what is missing (for example
"no weather: counts, events and calendar only").
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from crossingcast import events as _events
from crossingcast.errors import DataQualityWarning, FrameError
from crossingcast.features import calendar_features

__all__ = [
    "TARGET",
    "COUNT_COLUMNS",
    "WEATHER_FEATURES",
    "build_frame",
    "future_frame",
    "validate_frame",
    "feature_columns",
    "weather_columns",
    "event_columns",
    "event_changes",
    "climatology_weather",
    "shift_weather_year",
    "weather_years",
    "weather_year_frames",
]

TARGET = "migrants"
COUNT_COLUMNS = ("migrants", "boats", "uncontrolled_boats", "revised")
WEATHER_FEATURES = ("wind_mean", "gust_max", "wind_u", "wind_v", "ne_share", "precip", "temp",
                    "calm", "calm_spell", "days_since_calm", "weather_filled")


def feature_columns(frame: pd.DataFrame) -> list[str]:
    """All exogenous columns of a frame (everything but the counts)."""
    return [c for c in frame.columns if c not in COUNT_COLUMNS]


def weather_columns(frame: pd.DataFrame) -> list[str]:
    """The weather feature columns present in ``frame``."""
    return [c for c in WEATHER_FEATURES if c in frame.columns]


def event_columns(frame: pd.DataFrame) -> list[str]:
    """The ``event_<name>`` flag columns of ``frame``."""
    return [c for c in frame.columns if c.startswith("event_")]


def event_changes(history: pd.DataFrame, future: pd.DataFrame) -> list[str]:
    """What a forecast over ``future`` assumes about events: flags that differ from the last observed day.

    A model with an effect for an event carries its end (or start) into the
    forecast, so these assumptions can move a season total a lot (measured at
    30 April 2026: the UK-France returns pilot scheduled to end on 30 June
    2026 puts ``ensemble_qa``'s July-September total at 15,071 against
    12,393 with the pilot extended; docs/season_ahead.md).  Scenarios test
    other assumptions.

    Parameters
    ----------
    history : pandas.DataFrame
        The frame the model was fitted on (its last row is the origin).
    future : pandas.DataFrame
        The future frame (:func:`future_frame`); give it the days from the
        origin on, so that changes before the forecast period are seen.

    Returns
    -------
    list of str
        One sentence per event, in calendar order, e.g.
        ``"uk_france_returns_pilot_2025 ends on 2026-06-30"``.
    """
    if not len(history) or not len(future):
        return []
    last = history.iloc[-1]
    out = []
    for c in event_columns(future):
        if c not in history.columns:
            continue
        before = float(last[c])
        values = future[c].to_numpy(dtype=float)
        moved = np.flatnonzero(values != before)
        if not len(moved):
            continue
        day, after = future.index[moved[0]], float(values[moved[0]])
        name = c[len("event_"):]
        if before != 0 and after == 0:
            out.append(f"{name} ends on {(day - pd.Timedelta(days=1)).date().isoformat()}")
        elif before == 0:
            out.append(f"{name} starts on {day.date().isoformat()}")
        else:
            out.append(f"{name} changes from {before:g} to {after:g} on {day.date().isoformat()}")
    return out


def _as_daily_index(obj: pd.DataFrame, what: str) -> pd.DataFrame:
    if not isinstance(obj.index, pd.DatetimeIndex):
        raise FrameError(f"{what}: index must be a DatetimeIndex of dates, got {type(obj.index).__name__}")
    dup = obj.index[obj.index.duplicated()]
    if len(dup):
        raise FrameError(f"{what}: duplicated date(s) {[d.date().isoformat() for d in dup[:5]]}")
    if obj.index.tz is not None:
        obj = obj.tz_localize(None)
    return obj.sort_index()


def _exogenous(index: pd.DatetimeIndex, calendar: pd.DataFrame | None, holidays: bool,
               fourier_order: int) -> pd.DataFrame:
    parts = []
    if calendar is not None and len(calendar):
        parts.append(_events.event_flags(calendar, index))
    if holidays:
        parts.append(_events.holiday_flags(index))
    parts.append(calendar_features(index, fourier_order))
    return pd.concat(parts, axis=1)


def build_frame(counts: pd.DataFrame, weather: pd.DataFrame | None = None,
                events: pd.DataFrame | None = None, *, start=None, end=None,
                holidays: bool = True, fourier_order: int = 3) -> pd.DataFrame:
    """Join counts, weather, events and calendar terms into the validated daily frame.

    Parameters
    ----------
    counts : pandas.DataFrame
        From :func:`crossingcast.load_counts` (daily, no gaps).
    weather : pandas.DataFrame, optional
        From :func:`crossingcast.load_weather`.  Without it the frame holds
        counts, events and calendar only, and says so in ``attrs["report"]``.
    events : pandas.DataFrame, optional
        An events calendar; default :func:`crossingcast.events.default_calendar`.
        Pass an empty DataFrame for no events.
    start, end : date-like, optional
        Restrict the frame to ``[start, end]``.
    holidays : bool
        Add UK and French public-holiday flags.
    fourier_order : int
        Number of annual Fourier harmonics.

    Returns
    -------
    pandas.DataFrame
        Daily, DatetimeIndex ``date`` (freq ``D``), validated by :func:`validate_frame`.

    Raises
    ------
    FrameError
        If the counts are not daily without gaps, or the weather does not
        cover the frame's dates (the message names the missing dates).
    """
    missing = [c for c in ("migrants", "boats") if c not in counts.columns]
    if missing:
        raise FrameError(f"counts: missing column(s) {missing}")
    counts = _as_daily_index(counts, "counts")
    lo = pd.Timestamp(start) if start is not None else counts.index[0]
    hi = pd.Timestamp(end) if end is not None else counts.index[-1]
    if lo < counts.index[0] or hi > counts.index[-1]:
        raise FrameError(f"requested period {lo.date()}..{hi.date()} is outside the counts "
                         f"({counts.index[0].date()}..{counts.index[-1].date()})")
    index = pd.date_range(lo, hi, freq="D", name="date")
    gaps = index.difference(counts.index)
    if len(gaps):
        raise FrameError(f"counts: {len(gaps)} missing date(s), e.g. {[d.date().isoformat() for d in gaps[:5]]}")
    frame = counts.reindex(index)
    cols = [c for c in COUNT_COLUMNS if c in frame.columns]
    frame = frame[cols].copy()
    if "uncontrolled_boats" not in frame:
        frame["uncontrolled_boats"] = np.nan
    if "revised" not in frame:
        frame["revised"] = False
    report: dict = {"period": f"{lo.date()}..{hi.date()}", "source": counts.attrs.get("source")}
    if weather is not None:
        weather = _as_daily_index(weather, "weather")
        wcols = [c for c in weather.columns if c in WEATHER_FEATURES]
        if not wcols:
            raise FrameError(f"weather: none of the expected columns {list(WEATHER_FEATURES)} "
                             f"(got {list(weather.columns)[:10]})")
        w = weather[wcols].reindex(index)
        holes = w.index[w.isna().any(axis=1)]
        if len(holes):
            raise FrameError(
                f"weather: no values for {len(holes)} date(s) of the frame "
                f"({holes[0].date()}..{holes[-1].date()}, e.g. {[d.date().isoformat() for d in holes[:3]]}); "
                f"load weather for "
                f"{lo.date()}..{hi.date()} or restrict the frame with start/end"
            )
        frame = frame.join(w.astype(float))
        report["weather"] = "observed weather: " + ", ".join(wcols)
        report["weather_source"] = weather.attrs.get("weather_source")
        report["weather_report"] = list(weather.attrs.get("weather_report", []))
        filled = int(w["weather_filled"].sum()) if "weather_filled" in w else 0
        if filled:
            report["weather_filled_days"] = filled
    else:
        report["weather"] = "no weather: counts, events and calendar only"
    calendar = _events.default_calendar() if events is None else events
    frame = frame.join(_exogenous(index, calendar, holidays, fourier_order))
    report["events"] = [] if calendar is None or not len(calendar) else calendar["name"].tolist()
    report["uncontrolled_boats_not_available_days"] = int(frame["uncontrolled_boats"].isna().sum())
    frame.attrs["report"] = report
    frame.attrs["fourier_order"] = fourier_order
    frame.attrs["holidays"] = holidays
    frame.attrs["events_calendar"] = calendar
    return validate_frame(frame)


def validate_frame(frame: pd.DataFrame, *, future: bool = False) -> pd.DataFrame:
    """Validate a daily frame: DatetimeIndex, daily without gaps or duplicates, numeric features without NaN.

    With ``future=True`` the counts may be absent (dates to be forecast).
    Returns the frame (with ``freq='D'``) or raises :class:`FrameError`.
    """
    if not isinstance(frame.index, pd.DatetimeIndex):
        raise FrameError(f"frame: index must be a DatetimeIndex, got {type(frame.index).__name__}")
    if len(frame) == 0:
        raise FrameError("frame: no rows")
    if frame.index.has_duplicates:
        dup = frame.index[frame.index.duplicated()]
        raise FrameError(f"frame: duplicated date(s) {[d.date().isoformat() for d in dup[:5]]}")
    full = pd.date_range(frame.index[0], frame.index[-1], freq="D")
    if len(full) != len(frame) or not frame.index.is_monotonic_increasing:
        gaps = full.difference(frame.index)
        raise FrameError(f"frame: not daily without gaps, e.g. missing {[d.date().isoformat() for d in gaps[:5]]}")
    if not future:
        if TARGET not in frame:
            raise FrameError(f"frame: no target column {TARGET!r}")
        y = frame[TARGET]
        if y.isna().any():
            raise FrameError(f"frame: target {TARGET!r} is missing on {y.index[y.isna()][0].date()}")
        if (y < 0).any():
            raise FrameError(f"frame: negative {TARGET!r} on {y.index[y < 0][0].date()}")
    for c in feature_columns(frame):
        col = frame[c]
        if not pd.api.types.is_numeric_dtype(col):
            raise FrameError(f"frame: feature column {c!r} is not numeric (dtype {col.dtype})")
        if col.isna().any():
            raise FrameError(f"frame: feature column {c!r} is missing on {col.index[col.isna()][0].date()}")
        if not np.isfinite(col.to_numpy(dtype=float)).all():
            raise FrameError(f"frame: feature column {c!r} is not finite on "
                             f"{col.index[~np.isfinite(col.to_numpy(dtype=float))][0].date()}")
    out = frame.copy()
    out.index = pd.DatetimeIndex(out.index, freq="D", name="date")
    out.attrs = dict(frame.attrs)
    return out


def climatology_weather(history: pd.DataFrame, index: pd.DatetimeIndex, window: int = 15) -> pd.DataFrame:
    """Weather climatology for ``index``: per day of year, the mean over past years (±``window`` days).

    A documented stand-in when no weather forecast is given.  Continuous
    features are averaged; ``calm`` becomes the climatological probability of
    a calm day; spell features are averaged too.  Label forecasts that use it
    as "climatology weather".
    """
    wcols = weather_columns(history)
    if not wcols:
        raise FrameError("climatology_weather: the history frame has no weather columns")
    h = history[wcols]
    doy = h.index.day_of_year.to_numpy()
    target_doy = pd.DatetimeIndex(index).day_of_year.to_numpy()
    vals = h.to_numpy(dtype=float)
    out = np.empty((len(target_doy), len(wcols)))
    for i, d in enumerate(target_doy):
        dist = np.abs(doy - d)
        dist = np.minimum(dist, 366 - dist)
        out[i] = vals[dist <= window].mean(axis=0)
    res = pd.DataFrame(out, index=pd.DatetimeIndex(index, name="date"), columns=wcols)
    if "weather_filled" in res:
        res["weather_filled"] = 0.0
    return res


def shift_weather_year(history: pd.DataFrame, year: int, index: pd.DatetimeIndex) -> pd.DataFrame:
    """Weather of a past ``year`` shifted onto the dates of ``index`` (same month/day; 29 Feb -> 28 Feb).

    Used for weather-year ensembles: "what if this summer had 2022's weather".
    """
    wcols = weather_columns(history)
    if not wcols:
        raise FrameError("shift_weather_year: the history frame has no weather columns")
    index = pd.DatetimeIndex(index)
    src = []
    for d in index:
        day = 28 if (d.month == 2 and d.day == 29) else d.day
        src.append(pd.Timestamp(year=year + (d.year - index[0].year), month=d.month, day=day))
    src = pd.DatetimeIndex(src)
    missing = src.difference(history.index)
    if len(missing):
        raise FrameError(f"shift_weather_year: weather year {year} lacks {len(missing)} date(s), e.g. "
                         f"{[d.date().isoformat() for d in missing[:3]]}")
    out = history.loc[src, wcols].copy()
    out.index = pd.DatetimeIndex(index, name="date")
    return out


def weather_years(history: pd.DataFrame, start, end) -> list[int]:
    """Past years whose observed weather covers ``start..end`` shifted back (same month/day).

    Year ``y`` qualifies when the dates moved to ``y`` (``start`` to ``y``,
    ``end`` to ``y`` plus the span in years) lie inside the history's dates.
    Weather-blind history: an empty list.
    """
    if not weather_columns(history):
        return []
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    span = end.year - start.year
    out = []
    for y in range(history.index[0].year, history.index[-1].year + 1):
        lo_day = 28 if (start.month == 2 and start.day == 29) else start.day
        hi_day = 28 if (end.month == 2 and end.day == 29) else end.day
        lo = pd.Timestamp(year=y, month=start.month, day=lo_day)
        hi = pd.Timestamp(year=y + span, month=end.month, day=hi_day)
        if lo >= history.index[0] and hi <= history.index[-1]:
            out.append(y)
    return out


def weather_year_frames(history: pd.DataFrame, start, end, *, years=None,
                        events: pd.DataFrame | None = None) -> dict[int, pd.DataFrame]:
    """Future frames for ``start..end``, one per past weather year (a weather-year ensemble).

    Long-range forecasts without weather data should average the model's
    response over past weather *years* (each a realistic sequence of calm and
    windy spells), never plug in day-of-year mean weather
    (:func:`climatology_weather`): the models are nonlinear in the weather, so
    the response to average weather is not the average response.  Pool the
    sample paths of the frames returned here with equal weight.

    Parameters
    ----------
    history : pandas.DataFrame
        Frame with weather columns, up to the forecast origin.
    start, end : date-like
        Forecast period.
    years : iterable of int, optional
        Weather years to use; default :func:`weather_years` (all complete ones).
    events : pandas.DataFrame, optional
        Events calendar passed to :func:`future_frame`.

    Returns
    -------
    dict
        ``{year: future frame}`` (``attrs["weather_mode"] == "weather year <year>"``).

    Raises
    ------
    FrameError
        If the history has no weather columns, no complete weather year covers
        the dates, or a requested year lacks weather for them.
    """
    if not weather_columns(history):
        raise FrameError("weather_year_frames: the history frame has no weather columns")
    index = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq="D", name="date")
    avail = weather_years(history, index[0], index[-1])
    chosen = avail if years is None else sorted({int(y) for y in years})
    bad = [y for y in chosen if y not in avail]
    if bad:
        raise FrameError(f"weather_year_frames: weather year(s) {bad} do not cover {index[0].date()}..{index[-1].date()} "
                         f"in the history (available: {avail})")
    if not chosen:
        raise FrameError(f"weather_year_frames: no complete past weather year covers {index[0].date()}.."
                         f"{index[-1].date()} (the history's weather runs {history.index[0].date()}.."
                         f"{history.index[-1].date()})")
    return {y: future_frame(history, index[0], index[-1], weather=shift_weather_year(history, y, index),
                            events=events, weather_mode=f"weather year {y}") for y in chosen}


def future_frame(history: pd.DataFrame, start, end, *, weather: pd.DataFrame | None = None,
                 events: pd.DataFrame | None = None, weather_mode: str | None = None,
                 as_of_events: bool = True) -> pd.DataFrame:
    """Exogenous columns for the dates ``[start, end]`` to be forecast.

    Parameters
    ----------
    history : pandas.DataFrame
        The frame the model was fitted on (its columns define what is needed).
    start, end : date-like
        Forecast period.
    weather : pandas.DataFrame, optional
        Weather for the forecast dates (a forecast, observed weather as an
        oracle, or a shifted weather year).  If the history has weather
        columns and none is given, :func:`climatology_weather` is used and the
        frame says so (``attrs["weather_mode"] == "climatology"``).
    events : pandas.DataFrame, optional
        Events calendar (default: the one the history was built with); a
        scenario passes a modified calendar here (used as given).
    as_of_events : bool
        With the history's calendar, use it as known at the origin (the
        history's last day, :func:`crossingcast.events.calendar_as_of`): events
        announced later are left out and ends not yet known are open-ended.
    weather_mode : str, optional
        Label stored in ``attrs["weather_mode"]`` when ``weather`` is given
        (e.g. ``"observed (oracle)"``, ``"forecast"``, ``"weather year 2022"``).

    Returns
    -------
    pandas.DataFrame
        Daily frame of feature columns (same names and order as the history's), validated.
    """
    index = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq="D", name="date")
    if len(index) == 0:
        raise FrameError(f"future_frame: empty period {start}..{end}")
    calendar = history.attrs.get("events_calendar") if events is None else events
    if calendar is None:
        calendar = _events.default_calendar()
    if events is None and as_of_events and len(history):  # only what was announced by the origin
        calendar = _events.calendar_as_of(calendar, history.index[-1])
    exo = _exogenous(index, calendar, bool(history.attrs.get("holidays", True)),
                     int(history.attrs.get("fourier_order", 3)))
    wcols = weather_columns(history)
    mode = "none"
    if wcols:
        if weather is None:
            w = climatology_weather(history, index)
            mode = "climatology"
        else:
            w = _as_daily_index(weather, "future weather").reindex(index)
            lacking = [c for c in wcols if c not in w.columns]
            if lacking:
                raise FrameError(f"future weather: missing column(s) {lacking}")
            holes = w.index[w[wcols].isna().any(axis=1)]
            if len(holes):
                raise FrameError(f"future weather: no values for {[d.date().isoformat() for d in holes[:5]]}")
            mode = weather_mode or "given"
        exo = exo.join(w[wcols].astype(float))
    feats = feature_columns(history)
    lacking = [c for c in feats if c not in exo.columns]
    if lacking:
        # Events present in the history but not in the new calendar are off (0) in the future.
        ev = [c for c in lacking if c.startswith("event_")]
        for c in ev:
            exo[c] = 0.0
        lacking = [c for c in lacking if c not in ev]
        if lacking:
            raise FrameError(f"future_frame: cannot build column(s) {lacking} for future dates")
    extra = [c for c in exo.columns if c not in feats]
    if extra:
        warnings.warn(f"future_frame: column(s) {extra} are not in the history and are ignored",
                      DataQualityWarning, stacklevel=2)
    out = exo[feats]
    out.attrs = {"weather_mode": mode, "events_calendar": calendar}
    return validate_frame(out, future=True)
