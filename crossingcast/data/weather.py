"""Daily Channel weather features from meteostat 2.x station data.

:func:`load_weather` turns hourly (fallback: daily) observations of weather
stations on both coasts of the Strait of Dover into the daily weather
features of the modelling frame (:data:`crossingcast.frame.WEATHER_FEATURES`).
The data are read by the *real* meteostat code path
(:func:`meteostat.hourly` / :func:`meteostat.daily` and their providers), either

* from a **local mirror** — the ``weather/`` folder of the data directory,
  laid out exactly like meteostat's data server
  (``hourly/{year}/{station}.csv.gz``, ``daily/{year}/{station}.csv.gz`` and
  optionally ``stations.db``); meteostat's configuration is pointed at the
  mirror for the duration of the call and restored afterwards; or
* from **meteostat's online endpoints** (``https://data.meteostat.net/...``)
  when no data directory is given.  Without network access this fails with a
  :class:`~crossingcast.errors.WeatherError` saying so.

Launch window
-------------
Crossings are launched from the French coast mostly at night and in the early
morning, so the features of a date are computed from the hourly observations
stamped ``LAUNCH_WINDOW = (0, 10)``, i.e. 00:00 to 09:00 inclusive,
**Europe/Paris** local time (:data:`LAUNCH_TZ`), for every station on both
coasts.  Where a station has fewer than ``min_hours`` hourly wind values in
the window, its **daily** record (24-hour values) is used instead (no wind
direction in meteostat's daily data) and the day is flagged.

Features (per date)
-------------------
* ``wind_mean`` — mean wind speed (km/h), mean over the two coasts of the
  mean over each coast's stations of the window mean;
* ``gust_max`` — maximum gust (km/h): the highest window gust of any station;
* ``wind_u``, ``wind_v`` — mean wind vector (km/h), meteorological
  convention (``u = -speed sin(dir)``, ``v = -speed cos(dir)``: the wind blows
  *from* ``dir``), averaged like ``wind_mean``;
* ``ne_share`` — share of window hours with wind from the north-east quadrant
  (direction in ``[0, 90)`` degrees) at the **French** coast stations;
* ``precip`` — precipitation over the window (mm; mean hourly amount x window
  length; daily fallback: the 24-hour total x window length / 24);
* ``temp`` — mean air temperature over the window (deg C);
* ``calm`` — 1 if ``wind_mean <= CALM_WIND`` (18 km/h) and
  ``gust_max <= CALM_GUST`` (35 km/h), the thresholds of the simulated
  Channel (:func:`crossingcast.simulate.calm_features`);
* ``calm_spell`` — consecutive calm days ending on the date (0 on a windy day);
* ``days_since_calm`` — 0 on a calm day, else days since the last calm day
  (counted from ``start``: days since ``start`` + 1 if there was none);
* ``weather_filled`` — 1 if any value of the date does not come from the full
  configured station set's hourly window (a station outage filled from the
  remaining stations or from the other coast, or a daily fallback), else 0.

Gaps are never filled silently: every station outage or daily fallback is
reported with a :class:`~crossingcast.errors.DataQualityWarning` naming the
station and the dates, and listed in ``attrs["weather_report"]``.  A date on
which **both** coasts lack a variable raises :class:`WeatherError` naming the
dates.  Impossible values (negative wind, gusts below the mean wind, wind
directions outside 0..360, temperatures outside -100..65 deg C), duplicated
timestamps, missing columns and wind that looks like m/s instead of km/h
raise :class:`WeatherError` naming the file or station, the column and the date.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gzip
import logging
import os
import threading
import warnings
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from crossingcast.data.home import weather_dir
from crossingcast.errors import DataQualityWarning, WeatherError

__all__ = [
    "WeatherStation",
    "DEFAULT_STATIONS",
    "FEATURES",
    "LAUNCH_WINDOW",
    "LAUNCH_TZ",
    "CALM_WIND",
    "CALM_GUST",
    "ONLINE_HOURLY_ENDPOINT",
    "ONLINE_DAILY_ENDPOINT",
    "load_weather",
    "station_features",
    "calm_features",
    "meteostat_mirror",
]

#: Local time zone of the launch window (the French coast).
LAUNCH_TZ = "Europe/Paris"
#: Launch window in local hours ``[first, end)``: observations stamped 00:00..09:00.
LAUNCH_WINDOW = (0, 10)
#: Calm-day thresholds (km/h), also those of the simulated Channel (:mod:`crossingcast.simulate`).
CALM_WIND = 18.0
CALM_GUST = 35.0
#: Hourly gusts more than this below the same hour's mean wind are impossible (km/h; rounding slack).
GUST_TOLERANCE = 1.0
#: A station whose median hourly wind over >= 72 hours is below this (km/h) is taken to report m/s.
MS_SUSPECT_MEDIAN = 5.0
#: A median gust / wind ratio above this means gusts and wind are in different units.
MIXED_UNITS_RATIO = 4.0

#: meteostat's own online endpoints (the package defaults in ``meteostat.config``).
ONLINE_HOURLY_ENDPOINT = "https://data.meteostat.net/hourly/{year}/{station}.csv.gz"
ONLINE_DAILY_ENDPOINT = "https://data.meteostat.net/daily/{year}/{station}.csv.gz"

_HOURLY_COLUMNS = ("temp", "prcp", "wdir", "wspd", "wpgt")
_DAILY_COLUMNS = ("temp", "prcp", "wspd", "wpgt")
#: Output columns, in the order of :data:`crossingcast.frame.WEATHER_FEATURES` (a test checks they agree;
#: data sources may not import the frame layer).
FEATURES = ("wind_mean", "gust_max", "wind_u", "wind_v", "ne_share", "precip", "temp",
            "calm", "calm_spell", "days_since_calm", "weather_filled")
_VARS = ("wind_mean", "gust_max", "wind_u", "wind_v", "ne_share", "precip", "temp")
_DIRECTION_VARS = ("wind_u", "wind_v", "ne_share")
_LOCK = threading.Lock()


@dataclasses.dataclass(frozen=True)
class WeatherStation:
    """A weather station used for the Channel features.

    Parameters
    ----------
    id : str
        meteostat station ID (for these stations the WMO SYNOP number).
    name : str
        Human-readable name.
    coast : {"english", "french"}
        Which side of the Strait of Dover it stands on.
    latitude, longitude : float, optional
        Degrees (WGS84), approximate.
    elevation : float, optional
        Metres above sea level, approximate.
    country : str, optional
        ISO 3166-1 alpha-2 code.
    timezone : str, optional
        IANA time zone of the station.
    """

    id: str
    name: str
    coast: str
    latitude: float | None = None
    longitude: float | None = None
    elevation: float | None = None
    country: str | None = None
    timezone: str | None = None


#: Default stations, two per coast.  IDs are WMO SYNOP numbers (meteostat uses
#: them as station IDs); coordinates are approximate.  They could not be checked
#: against meteostat's stations database offline: verify with
#: ``meteostat.stations.meta("03797")`` etc. when online, and override with
#: ``load_weather(..., stations=...)``.
DEFAULT_STATIONS: tuple[WeatherStation, ...] = (
    WeatherStation("03797", "Manston", "english", 51.346, 1.346, 54, "GB", "Europe/London"),
    WeatherStation("03796", "Langdon Bay (Dover)", "english", 51.133, 1.344, 43, "GB", "Europe/London"),
    WeatherStation("07002", "Boulogne-sur-Mer", "french", 50.733, 1.600, 73, "FR", "Europe/Paris"),
    WeatherStation("07010", "Dunkerque", "french", 51.050, 2.333, 11, "FR", "Europe/Paris"),
)

_COASTS = ("english", "french")


# --------------------------------------------------------------------------- calm features

def calm_features(wind_mean, gust_max, *, calm_wind: float = CALM_WIND,
                  calm_gust: float = CALM_GUST) -> pd.DataFrame:
    """Calm-day features from daily wind and gusts.

    The one definition of a calm day, also used by the simulated Channel
    (:mod:`crossingcast.simulate` re-exports it).

    Parameters
    ----------
    wind_mean, gust_max : pandas.Series
        Daily mean wind and maximum gust (km/h), same daily index.
    calm_wind, calm_gust : float
        A day is calm if ``wind_mean <= calm_wind`` and ``gust_max <= calm_gust``.

    Returns
    -------
    pandas.DataFrame
        ``calm`` (0/1), ``calm_spell`` (consecutive calm days ending on the
        day, 0 on a windy day) and ``days_since_calm`` (0 on a calm day, else
        days since the last calm day; days since the series start + 1 if there
        was none).
    """
    w = pd.Series(wind_mean)
    calm = ((w.to_numpy(dtype=float) <= calm_wind)
            & (pd.Series(gust_max).to_numpy(dtype=float) <= calm_gust)).astype(float)
    n = len(calm)
    pos = np.arange(n)
    last_calm = np.maximum.accumulate(np.where(calm == 1, pos, -1)) if n else np.array([], int)
    last_windy = np.maximum.accumulate(np.where(calm == 0, pos, -1)) if n else np.array([], int)
    spell = np.where(calm == 1, pos - last_windy, 0).astype(float)
    since = np.where(calm == 1, 0, pos - last_calm).astype(float)
    return pd.DataFrame({"calm": calm, "calm_spell": spell, "days_since_calm": since}, index=w.index)


# --------------------------------------------------------------------------- helpers

def _dates(idx: Iterable) -> str:
    """Compact description of dates: '2024-07-03..2024-07-05 (3 dates)'."""
    ds = sorted({pd.Timestamp(d).date() for d in idx})
    if not ds:
        return "no dates"
    if len(ds) == 1:
        return ds[0].isoformat()
    shown = ", ".join(d.isoformat() for d in ds[:4]) + (", ..." if len(ds) > 4 else "")
    return f"{len(ds)} dates {ds[0].isoformat()}..{ds[-1].isoformat()} ({shown})"


def _station_label(st: WeatherStation) -> str:
    return f"station {st.id} {st.name} ({st.coast} coast)"


def _parse_stations(stations) -> tuple[WeatherStation, ...]:
    if stations is None:
        out = tuple(DEFAULT_STATIONS)
    elif isinstance(stations, Mapping):
        out = []
        for coast, ids in stations.items():
            if coast not in _COASTS:
                raise WeatherError(f"stations: unknown coast {coast!r} (use 'english' / 'french')")
            if isinstance(ids, (str, WeatherStation)):
                ids = [ids]
            for sid in ids:
                if isinstance(sid, WeatherStation):
                    out.append(dataclasses.replace(sid, coast=coast))
                else:
                    known = {s.id: s for s in DEFAULT_STATIONS}
                    base = known.get(str(sid))
                    out.append(dataclasses.replace(base, coast=coast) if base is not None
                               else WeatherStation(str(sid), str(sid), coast))
        out = tuple(out)
    else:
        out = tuple(stations)
        for s in out:
            if not isinstance(s, WeatherStation):
                raise WeatherError(f"stations: expected WeatherStation objects or a mapping coast -> IDs, "
                                   f"got {s!r}")
    for s in out:
        if s.coast not in _COASTS:
            raise WeatherError(f"stations: station {s.id} has unknown coast {s.coast!r}")
    ids = [s.id for s in out]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise WeatherError(f"stations: station ID(s) listed twice: {dup}")
    for coast in _COASTS:
        if not any(s.coast == coast for s in out):
            raise WeatherError(f"stations: no station on the {coast} coast; both coasts are needed "
                               f"(got {ids})")
    return out


def _year_chunks(lo: pd.Timestamp, hi: pd.Timestamp) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Split [lo, hi] (dates) into calendar-year pieces (meteostat blocks long hourly requests)."""
    out = []
    cur = lo
    while cur <= hi:
        end = min(hi, pd.Timestamp(year=cur.year, month=12, day=31))
        out.append((cur, end))
        cur = end + pd.Timedelta(days=1)
    return out


class _LogCapture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.INFO)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:  # pragma: no cover - trivial
        msg = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            msg += f": {type(record.exc_info[1]).__name__}: {record.exc_info[1]}"
        self.messages.append(msg)


def _escape_braces(path: str) -> str:
    return path.replace("{", "{{").replace("}", "}}")


@contextlib.contextmanager
def meteostat_mirror(mirror: str | os.PathLike | None):
    """Point meteostat at a local mirror (or its online endpoints) for the duration of a block.

    Parameters
    ----------
    mirror : path-like or None
        A folder laid out like meteostat's data server:
        ``hourly/{year}/{station}.csv.gz``, ``daily/{year}/{station}.csv.gz``
        and optionally ``stations.db``.  ``None`` selects meteostat's online
        endpoints (:data:`ONLINE_HOURLY_ENDPOINT`, :data:`ONLINE_DAILY_ENDPOINT`).

    Yields
    ------
    logging handler
        Collects meteostat's log messages (it logs, rather than raises, when a
        data file cannot be read).

    Notes
    -----
    meteostat 2.1 reads ``config.hourly_endpoint`` / ``config.daily_endpoint``
    into a module constant ``ENDPOINT`` when its provider modules
    (``meteostat.providers.meteostat.hourly`` / ``.daily``) are first
    imported, so changing ``config`` alone has no effect afterwards: both the
    config values and the module constants are set here, and restored on exit.
    In mirror mode meteostat's disk cache is switched off (its cache key is the
    station and year, not the URL, so cached online data would otherwise be
    served in place of the mirror and vice versa), the stations database is
    ``<mirror>/stations.db`` with an infinite TTL and no download endpoints.
    Not thread-safe across processes; a module lock serialises calls in one process.
    """
    from meteostat import config
    from meteostat.providers.meteostat import daily as _pd
    from meteostat.providers.meteostat import hourly as _ph

    keys = ("hourly_endpoint", "daily_endpoint", "cache_enable", "stations_db_file",
            "stations_db_endpoints", "stations_db_ttl")
    saved = {k: getattr(config, k) for k in keys}
    saved_in_dict = {k: k in config.__dict__ for k in keys}
    saved_ep = (_ph.ENDPOINT, _pd.ENDPOINT)
    logger = logging.getLogger("meteostat")
    handler = _LogCapture()
    with _LOCK:
        logger.addHandler(handler)
        try:
            if mirror is None:
                hourly_ep, daily_ep = ONLINE_HOURLY_ENDPOINT, ONLINE_DAILY_ENDPOINT
            else:
                root = _escape_braces(str(Path(mirror).resolve()))
                hourly_ep = os.path.join(root, "hourly", "{year}", "{station}.csv.gz")
                daily_ep = os.path.join(root, "daily", "{year}", "{station}.csv.gz")
                config.cache_enable = False
                config.stations_db_file = str(Path(mirror).resolve() / "stations.db")
                config.stations_db_endpoints = []
                config.stations_db_ttl = 10 ** 12
            config.hourly_endpoint, config.daily_endpoint = hourly_ep, daily_ep
            _ph.ENDPOINT, _pd.ENDPOINT = hourly_ep, daily_ep
            yield handler
        finally:
            _ph.ENDPOINT, _pd.ENDPOINT = saved_ep
            for k in keys:
                if saved_in_dict[k]:
                    setattr(config, k, saved[k])
                elif k in config.__dict__:
                    delattr(config, k)  # back to the class default
            logger.removeHandler(handler)


# --------------------------------------------------------------------------- mirror file checks

def _mirror_file(mirror: Path, kind: str, year: int, station: str) -> Path:
    return mirror / kind / str(year) / f"{station}.csv.gz"


def _check_mirror_file(path: Path, kind: str, st: WeatherStation) -> None:
    """Raise WeatherError if a mirror file cannot be what meteostat expects (names file, column, date)."""
    ntime = 4 if kind == "hourly" else 3
    time_cols = ["year", "month", "day", "hour"][:ntime]
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            raw = pd.read_csv(fh, sep=",")
    except (OSError, EOFError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise WeatherError(f"weather file {path} ({_station_label(st)}): not a gzipped meteostat CSV "
                           f"({type(exc).__name__}: {exc})") from exc
    lacking = [c for c in time_cols if c not in raw.columns]
    if lacking or list(raw.columns[:ntime]) != time_cols:
        raise WeatherError(f"weather file {path} ({_station_label(st)}): the first columns must be "
                           f"{time_cols}, got {list(raw.columns[:ntime])}")
    needed = _HOURLY_COLUMNS if kind == "hourly" else _DAILY_COLUMNS
    missing = [c for c in needed if c not in raw.columns]
    if missing:
        raise WeatherError(f"weather file {path} ({_station_label(st)}): missing column(s) {missing} "
                           f"(meteostat {kind} files have {list(needed)} with <column>_source)")
    dup = raw.duplicated(subset=time_cols, keep=False)
    if dup.any():
        t = pd.to_datetime(raw.loc[dup, time_cols])
        raise WeatherError(f"weather file {path} ({_station_label(st)}): duplicated timestamp(s) "
                           f"{sorted({str(x) for x in t})[:5]} in column(s) {time_cols}")


# --------------------------------------------------------------------------- fetching

def _ms_station(st: WeatherStation, use_db: bool):
    """What to hand to meteostat: the ID (looked up in its stations DB) or a Station with our metadata."""
    from meteostat import Station

    if use_db:
        return st.id
    return Station(id=st.id, name=st.name, country=st.country, latitude=st.latitude,
                   longitude=st.longitude, elevation=st.elevation, timezone=st.timezone)


def _fetch(kind: str, st: WeatherStation, lo: pd.Timestamp, hi: pd.Timestamp, use_db: bool,
           tz: str) -> pd.DataFrame | None:
    """One station, one calendar-year chunk, through meteostat's public API; raw (clean=False)."""
    import meteostat as ms
    from meteostat import Parameter

    station = _ms_station(st, use_db)
    try:
        if kind == "hourly":
            params = [Parameter.TEMP, Parameter.PRCP, Parameter.WDIR, Parameter.WSPD, Parameter.WPGT]
            ts = ms.hourly(station, lo.to_pydatetime(),
                           (hi + pd.Timedelta(hours=23, minutes=59, seconds=59)).to_pydatetime(),
                           timezone=tz, parameters=params)
        else:
            params = [Parameter.TEMP, Parameter.PRCP, Parameter.WSPD, Parameter.WPGT]
            ts = ms.daily(station, lo.date(), hi.date(), parameters=params)
    except ValueError as exc:  # unknown station in meteostat's stations database
        raise WeatherError(f"meteostat could not resolve {_station_label(st)}: {exc}") from exc
    except Exception as exc:  # stations database missing and not downloadable, etc.
        raise WeatherError(f"meteostat failed for {_station_label(st)} ({kind}, {lo.date()}..{hi.date()}): "
                           f"{type(exc).__name__}: {exc}") from exc
    df = ts.fetch(clean=False)
    if df is None or df.empty:
        return None
    df = df.copy()
    for c in df.columns:
        df[c] = pd.to_numeric(df[c], errors="coerce").astype(float)
    return df


def _source_of(t, kind: str, st: WeatherStation, mirror: Path | None) -> str:
    """The file (mirror) or feed (online) a timestamp came from; hourly files are per UTC year."""
    if mirror is None:
        return f"meteostat {kind} data"
    ts = pd.Timestamp(t)
    year = ts.tz_convert("UTC").year if ts.tz is not None else ts.year
    return f"file {_mirror_file(mirror, kind, year, st.id)}"


def _validate(df: pd.DataFrame, kind: str, st: WeatherStation, mirror: Path | None) -> None:
    """Impossible values and wrong units -> WeatherError naming station, file/source, column and time."""
    def first(mask, col, what):
        if mask.any():
            t = df.index[mask.to_numpy()][0]
            raise WeatherError(f"weather {_source_of(t, kind, st, mirror)} ({_station_label(st)}): column "
                               f"{col!r} {what} at {t} (value {df.loc[t, col]!r}; {int(mask.sum())} such value(s))")

    for col in ("wspd", "wpgt", "prcp"):
        if col in df:
            first(df[col] < 0, col, "is negative")
    if "wspd" in df:
        first(df["wspd"] > (250 if kind == "hourly" else 150), "wspd", "exceeds meteostat's plausible maximum")
    if "wdir" in df:
        first((df["wdir"] < 0) | (df["wdir"] > 360), "wdir", "is outside 0..360 degrees")
    if "temp" in df:
        first((df["temp"] < -100) | (df["temp"] > 65), "temp", "is outside -100..65 deg C (wrong units?)")
    if "wspd" in df and "wpgt" in df:
        both = df["wspd"].notna() & df["wpgt"].notna()
        bad = both & (df["wpgt"] < df["wspd"] - GUST_TOLERANCE)
        if bad.any():
            t = df.index[bad.to_numpy()][0]
            raise WeatherError(f"weather {_source_of(t, kind, st, mirror)} ({_station_label(st)}): column 'wpgt' (gust "
                               f"{df.loc[t, 'wpgt']}) is below the mean wind 'wspd' ({df.loc[t, 'wspd']}) at {t} "
                               f"({int(bad.sum())} such value(s)); gusts cannot be weaker than the mean wind")
        w = df["wspd"].dropna()
        if kind == "hourly" and len(w) >= 72 and w.median() < MS_SUSPECT_MEDIAN:
            raise WeatherError(f"weather {_source_of(w.index[0], kind, st, mirror)} ({_station_label(st)}): "
                               f"column 'wspd' has median "
                               f"{w.median():.2f} over {len(w)} hours ({w.index[0]}..{w.index[-1]}); "
                               f"implausibly low for the Channel in km/h: wind in m/s? meteostat uses km/h")
        ok = both & (df["wspd"] >= 5)
        if ok.sum() >= 24:
            ratio = (df.loc[ok, "wpgt"] / df.loc[ok, "wspd"]).median()
            if ratio > MIXED_UNITS_RATIO:
                raise WeatherError(f"weather {_source_of(df.index[0], kind, st, mirror)} ({_station_label(st)}): "
                                   f"median gust/wind ratio "
                                   f"{ratio:.1f} ('wpgt' / 'wspd', {df.index[0]}..{df.index[-1]}); "
                                   f"wind and gusts in different units?")


def station_features(hourly: pd.DataFrame | None, dates: pd.DatetimeIndex, *,
                     window: tuple[int, int] = LAUNCH_WINDOW, min_hours: int = 6,
                     ne_sector: tuple[float, float] = (0.0, 90.0)) -> pd.DataFrame:
    """Daily launch-window features of one station from its hourly observations.

    Parameters
    ----------
    hourly : pandas.DataFrame or None
        meteostat hourly columns ``wspd``, ``wpgt``, ``wdir``, ``prcp``,
        ``temp`` (km/h, degrees, mm, deg C) on a local-time DatetimeIndex.
    dates : pandas.DatetimeIndex
        The dates wanted.
    window : (int, int)
        Local hours ``[first, end)`` of the launch window.
    min_hours : int
        A variable needs at least this many hourly values in the window,
        otherwise it is missing (NaN) for that date.
    ne_sector : (float, float)
        Directions (degrees the wind blows from) counted by ``ne_share``.

    Returns
    -------
    pandas.DataFrame
        ``wind_mean``, ``gust_max``, ``wind_u``, ``wind_v``, ``ne_share``,
        ``precip``, ``temp`` indexed by ``dates``; NaN where not observed.
    """
    out = pd.DataFrame(np.nan, index=dates, columns=list(_VARS))
    if hourly is None or hourly.empty:
        return out
    h0, h1 = window
    idx = hourly.index
    sel = hourly[(idx.hour >= h0) & (idx.hour < h1)]
    if sel.empty:
        return out
    day = pd.DatetimeIndex(sel.index.tz_localize(None) if sel.index.tz is not None else sel.index).normalize()
    g = sel.groupby(day)
    nwin = h1 - h0

    def enough(col):
        return g[col].count() >= min_hours if col in sel else pd.Series(False, index=list(g.groups))

    res = pd.DataFrame(index=pd.DatetimeIndex(list(g.groups.keys())).sort_values())
    if "wspd" in sel:
        res["wind_mean"] = g["wspd"].mean().where(enough("wspd"))
    if "wpgt" in sel:
        res["gust_max"] = g["wpgt"].max().where(enough("wpgt"))
    if "wspd" in sel and "wdir" in sel:
        rad = np.deg2rad(sel["wdir"])
        vec = pd.DataFrame({"u": -sel["wspd"] * np.sin(rad), "v": -sel["wspd"] * np.cos(rad),
                            "ne": ((sel["wdir"] >= ne_sector[0]) & (sel["wdir"] < ne_sector[1])).astype(float)
                            .where(sel["wdir"].notna() & (sel["wspd"] > 0))},  # calm hours: no direction
                       index=sel.index)
        gv = vec.groupby(day)
        okv = gv["u"].count() >= min_hours
        res["wind_u"] = gv["u"].mean().where(okv)
        res["wind_v"] = gv["v"].mean().where(okv)
        res["ne_share"] = gv["ne"].mean().where(gv["ne"].count() >= min_hours)
    if "prcp" in sel:
        res["precip"] = (g["prcp"].mean() * nwin).where(enough("prcp"))
    if "temp" in sel:
        res["temp"] = g["temp"].mean().where(enough("temp"))
    out.update(res.reindex(dates))
    return out


def _daily_features(daily: pd.DataFrame | None, dates: pd.DatetimeIndex, window: tuple[int, int]) -> pd.DataFrame:
    """Fallback features from meteostat daily records (24-hour values; no direction)."""
    out = pd.DataFrame(np.nan, index=dates, columns=list(_VARS))
    if daily is None or daily.empty:
        return out
    d = daily.copy()
    d.index = pd.DatetimeIndex(d.index).normalize()
    d = d.reindex(dates)
    if "wspd" in d:
        out["wind_mean"] = d["wspd"]
    if "wpgt" in d:
        out["gust_max"] = d["wpgt"]
    if "prcp" in d:
        out["precip"] = d["prcp"] * (window[1] - window[0]) / 24.0
    if "temp" in d:
        out["temp"] = d["temp"]
    return out


# --------------------------------------------------------------------------- main entry point

def load_weather(start, end, *, data_dir: str | os.PathLike | None = None,
                 stations: Sequence[WeatherStation] | Mapping[str, Sequence[str]] | None = None,
                 hourly: bool = True, window: tuple[int, int] = LAUNCH_WINDOW, min_hours: int = 6,
                 calm_wind: float = CALM_WIND, calm_gust: float = CALM_GUST,
                 mirror: str | os.PathLike | None = None) -> pd.DataFrame:
    """Daily Channel weather features for ``[start, end]`` from meteostat station data.

    Parameters
    ----------
    start, end : date-like
        First and last date (inclusive).
    data_dir : path-like, optional
        Data directory whose ``weather/`` folder is a meteostat mirror (see
        ``docs/weather.md``).  If omitted (and ``mirror`` too), meteostat's
        online endpoints are used.  A data directory without ``weather/`` is
        an error (no silent switch to the network).
    stations : sequence of WeatherStation or mapping, optional
        Stations to use; default :data:`DEFAULT_STATIONS`.  A mapping
        ``{"english": ["03797"], "french": ["07002", "07010"]}`` of meteostat
        IDs per coast is accepted too.  Both coasts need a station.
    hourly : bool
        Use hourly data over the launch window (default), with daily data as
        fallback.  ``False`` uses daily data only; the result then has no
        ``wind_u``, ``wind_v`` or ``ne_share`` (meteostat's daily data has no
        wind direction).
    window : (int, int)
        Launch window in local hours ``[first, end)`` (:data:`LAUNCH_TZ`).
    min_hours : int
        Hourly values a variable needs in the window to count as observed.
    calm_wind, calm_gust : float
        Calm-day thresholds (km/h).
    mirror : path-like, optional
        A meteostat mirror folder given directly (instead of ``data_dir``).

    Returns
    -------
    pandas.DataFrame
        Daily, DatetimeIndex ``date``, float columns of
        :data:`crossingcast.frame.WEATHER_FEATURES` (a subset with
        ``hourly=False``).  ``attrs``: ``weather_source`` (mirror path or
        online), ``weather_report`` (every fill and fallback), ``stations``.

    Raises
    ------
    WeatherError
        Bad input (impossible values, duplicated timestamps, missing columns,
        wrong units) naming file/station, column and date; dates on which
        both coasts lack data; no data at all (no network and no mirror).

    Warns
    -----
    DataQualityWarning
        For every station outage filled from other stations or the other
        coast, and every daily fallback (station and dates named).
    """
    lo, hi = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    if hi < lo:
        raise WeatherError(f"load_weather: end {hi.date()} is before start {lo.date()}")
    h0, h1 = window
    if not (0 <= h0 < h1 <= 24):
        raise WeatherError(f"load_weather: window must be local hours 0 <= first < end <= 24, got {window}")
    if not 1 <= min_hours <= h1 - h0:
        raise WeatherError(f"load_weather: min_hours must be in 1..{h1 - h0}, got {min_hours}")
    sts = _parse_stations(stations)
    if mirror is None and data_dir is not None:
        mirror = weather_dir(data_dir)
        if mirror is None:
            raise WeatherError(f"data directory {str(data_dir)!r} has no weather/ folder (a meteostat mirror; "
                               "see docs/weather.md); pass data_dir=None to use meteostat's online endpoints")
    mirror = Path(mirror) if mirror is not None else None
    if mirror is not None and not mirror.is_dir():
        raise WeatherError(f"weather mirror {str(mirror)!r} does not exist")
    dates = pd.date_range(lo, hi, freq="D", name="date")
    report: list[str] = []
    chunks = _year_chunks(lo, hi)

    if mirror is not None:  # check the files meteostat will read, so errors can name them
        for st in sts:
            for kind in (("hourly", "daily") if hourly else ("daily",)):
                # hourly: the first local hours of 1 January are in the previous UTC year's file
                first = lo.year - 1 if (kind == "hourly" and lo.month == 1 and lo.day == 1) else lo.year
                for year in range(first, hi.year + 1):
                    p = _mirror_file(mirror, kind, year, st.id)
                    if p.exists():
                        _check_mirror_file(p, kind, st)
    use_db = mirror is not None and (mirror / "stations.db").is_file()
    source = (f"meteostat mirror {mirror}" if mirror is not None
              else f"meteostat online ({ONLINE_HOURLY_ENDPOINT.split('/hourly')[0]})")

    per_station: dict[str, pd.DataFrame] = {}
    fallback: dict[str, pd.DatetimeIndex] = {}
    got_any = False
    with meteostat_mirror(mirror) as logs:
        for st in sts:
            feats = pd.DataFrame(np.nan, index=dates, columns=list(_VARS))
            if hourly:
                parts = [_fetch("hourly", st, a, b, use_db, LAUNCH_TZ) for a, b in chunks]
                parts = [p for p in parts if p is not None]
                hdf = pd.concat(parts) if parts else None
                if hdf is not None:
                    hdf = hdf[~hdf.index.duplicated(keep="first")]  # chunk borders (local vs UTC years)
                    got_any = True
                    _validate(hdf, "hourly", st, mirror)
                feats = station_features(hdf, dates, window=window, min_hours=min_hours)
            need = feats[["wind_mean", "gust_max", "precip", "temp"]].isna().any(axis=1)
            if need.any():
                parts = [_fetch("daily", st, a, b, use_db, LAUNCH_TZ) for a, b in chunks]
                parts = [p for p in parts if p is not None]
                ddf = pd.concat(parts) if parts else None
                if ddf is not None:
                    got_any = True
                    _validate(ddf, "daily", st, mirror)
                    dfe = _daily_features(ddf, dates, window)
                    used = pd.DatetimeIndex([])
                    for c in ("wind_mean", "gust_max", "precip", "temp"):
                        m = feats[c].isna() & dfe[c].notna()
                        feats.loc[m, c] = dfe.loc[m, c]
                        used = used.union(dates[m.to_numpy()])
                    if len(used) and hourly:  # with hourly=False the daily records are the source, not a fallback
                        fallback[st.id] = used
                        msg = (f"{_station_label(st)}: hourly data missing in the launch window on "
                               f"{_dates(used)}; used its daily (24-hour) record instead")
                        report.append(msg)
                        warnings.warn(msg, DataQualityWarning, stacklevel=2)
            per_station[st.id] = feats
        log_messages = list(logs.messages)

    if not got_any:
        if mirror is None:
            raise WeatherError(
                f"no weather data from meteostat's online endpoints for stations {[s.id for s in sts]} "
                f"({dates[0].date()}..{dates[-1].date()}): no network? Offline, put a meteostat mirror in "
                f"<data_dir>/weather (see docs/weather.md) and pass data_dir. meteostat said: "
                f"{log_messages[:2]}")
        raise WeatherError(f"weather mirror {mirror} has no data for stations {[s.id for s in sts]} "
                           f"in {dates[0].date()}..{dates[-1].date()} (expected files like "
                           f"{_mirror_file(mirror, 'hourly' if hourly else 'daily', lo.year, sts[0].id)})")

    vars_ = _VARS if hourly else tuple(v for v in _VARS if v not in _DIRECTION_VARS)
    filled = pd.Series(False, index=dates)
    for sid in fallback:
        filled[fallback[sid]] = True
    coast_vals: dict[str, pd.DataFrame] = {}
    for coast in _COASTS:
        members = [s for s in sts if s.coast == coast]
        stack = {s.id: per_station[s.id][list(vars_)] for s in members}
        agg = {}
        for v in vars_:
            m = pd.concat({sid: f[v] for sid, f in stack.items()}, axis=1)
            agg[v] = m.max(axis=1) if v == "gust_max" else m.mean(axis=1)
        coast_vals[coast] = pd.DataFrame(agg)
        for s in members:
            lack = per_station[s.id][list(vars_)].isna().any(axis=1)
            if lack.any():
                cols = [v for v in vars_ if per_station[s.id][v].isna().any()]
                msg = (f"{_station_label(s)}: no {cols} on {_dates(dates[lack.to_numpy()])}; "
                       "filled from the other stations of its coast or from the other coast (weather_filled=1)")
                report.append(msg)
                warnings.warn(msg, DataQualityWarning, stacklevel=2)
                filled[lack] = True

    en, fr = coast_vals["english"], coast_vals["french"]
    out = pd.DataFrame(index=dates)
    for v in vars_:
        a, b = en[v], fr[v]
        both_missing = a.isna() & b.isna()
        if both_missing.any():
            raise WeatherError(f"weather: no {v!r} from either coast (stations {[s.id for s in sts]}) on "
                               f"{_dates(dates[both_missing.to_numpy()])}; extend the mirror or restrict "
                               "the period")
        for which, gone in (("english", a.isna() & b.notna()), ("french", b.isna() & a.notna())):
            if gone.any():
                msg = (f"weather: {v!r} missing on the whole {which} coast on "
                       f"{_dates(dates[gone.to_numpy()])}; taken from the other coast (weather_filled=1)")
                report.append(msg)
                warnings.warn(msg, DataQualityWarning, stacklevel=2)
                filled[gone] = True
        if v == "ne_share":
            out[v] = b.fillna(a)
        elif v == "gust_max":
            out[v] = pd.concat([a, b], axis=1).max(axis=1)
        else:
            out[v] = pd.concat([a, b], axis=1).mean(axis=1)
    bad = out["gust_max"] < out["wind_mean"] - GUST_TOLERANCE
    if bad.any():
        raise WeatherError(f"weather: daily 'gust_max' below 'wind_mean' on {_dates(dates[bad.to_numpy()])} "
                           "(stations' gusts inconsistent with their mean wind)")
    out = out.round(3)
    out = out.join(calm_features(out["wind_mean"], out["gust_max"], calm_wind=calm_wind, calm_gust=calm_gust))
    out["weather_filled"] = filled.astype(float)
    out = out[[c for c in FEATURES if c in out.columns]].astype(float)
    out.index.name = "date"
    out.attrs["weather_source"] = source
    out.attrs["weather_report"] = report
    out.attrs["stations"] = [f"{s.id} {s.name} ({s.coast})" for s in sts]
    out.attrs["launch_window"] = f"{h0:02d}:00-{h1:02d}:00 {LAUNCH_TZ}" if hourly else "daily records"
    return out
