"""Channel weather over the network: observed history into the data home, and a weather forecast.

Two jobs, both through meteostat's own endpoint configuration
(``meteostat.config``, which reads ``MS_*`` environment variables such as
``MS_HOURLY_ENDPOINT``, ``MS_DAILY_ENDPOINT``, ``MS_METNO_FORECAST_ENDPOINT``):

* :func:`fetch_weather_history` downloads meteostat's station files
  (``hourly/{year}/{station}.csv.gz``, ``daily/{year}/{station}.csv.gz``, from
  ``config.hourly_endpoint`` / ``config.daily_endpoint``) into
  ``<data home>/weather/`` in **meteostat's own layout**, so the data home is a
  meteostat mirror that :func:`crossingcast.data.weather.load_weather` reads.
  Incremental by year: a closed year (before last year) already present and
  valid is not downloaded again.  Every download is verified (complete gzip,
  meteostat's columns, no duplicated timestamps, plausible values) and written
  atomically; a download that fails, or that has fewer rows than the file
  already there, never replaces it (a warning names the URL and what failed).
* :func:`forecast_weather` fetches an hourly weather forecast for the Channel
  stations through meteostat's forecast providers (``Provider.METNO_FORECAST``:
  MET Norway Locationforecast 2.0; ``Provider.DWD_MOSMIX`` for stations with a
  MOSMIX identifier) and turns it into the daily launch-window features of
  :func:`crossingcast.data.weather.load_weather`.  Each successful forecast is
  cached in ``<data home>/weather/forecast/``; when the provider fails
  (timeout, HTTP 5xx, malformed JSON) the cached forecast is used with a
  warning naming what failed.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import gzip
import io
import logging
import os
import time
import warnings
from pathlib import Path
from typing import Sequence

import pandas as pd

from crossingcast.data.home import atomic_write_bytes, atomic_write_text, default_home, sha256_bytes
from crossingcast.data.weather import (
    DEFAULT_STATIONS,
    LAUNCH_TZ,
    LAUNCH_WINDOW,
    WeatherStation,
    _check_mirror_file,
    _LogCapture,
    _parse_stations,
    station_features,
)
from crossingcast.errors import DataQualityWarning, WeatherError

__all__ = ["HISTORY_START", "FORECAST_PROVIDERS", "fetch_weather_history", "forecast_weather",
           "parse_station_ids"]

#: First year fetched by default: the Home Office daily series starts on 1 January 2018.
HISTORY_START = _dt.date(2018, 1, 1)
#: Forecast providers by crossingcast name -> meteostat ``Provider`` member name.
FORECAST_PROVIDERS = {"metno": "METNO_FORECAST", "mosmix": "DWD_MOSMIX"}
_USER_AGENT = "crossingcast/0.1 (Channel small-boat crossing forecasts; https://github.com/crossingcast)"
_FORECAST_VARS = ("wind_mean", "gust_max", "wind_u", "wind_v", "ne_share", "precip", "temp")


def parse_station_ids(ids: str | Sequence[str] | None) -> tuple[WeatherStation, ...]:
    """Stations from meteostat IDs (``"03797,07002"``); known IDs keep their coast and coordinates.

    Raises
    ------
    WeatherError
        For an ID that is not one of :data:`~crossingcast.data.weather.DEFAULT_STATIONS`
        (its coast and coordinates would be unknown), or when a coast has no station.
    """
    if ids is None:
        return tuple(DEFAULT_STATIONS)
    items = [s.strip() for s in (ids.split(",") if isinstance(ids, str) else ids) if str(s).strip()]
    known = {s.id: s for s in DEFAULT_STATIONS}
    unknown = [i for i in items if i not in known]
    if unknown:
        raise WeatherError(f"--stations: unknown station ID(s) {unknown}; known Channel stations: "
                           + ", ".join(f"{s.id} {s.name} ({s.coast})" for s in DEFAULT_STATIONS))
    return _parse_stations([known[i] for i in items])


# --------------------------------------------------------------------------- history

def _download(url: str, timeout: float, retries: int, backoff: float) -> bytes | None:
    """Bytes at ``url``; ``None`` for 404 (no file for this station-year). Raises WeatherError otherwise."""
    import requests

    last: Exception | str | None = None
    for attempt in range(retries + 1):
        try:
            resp = requests.get(url, timeout=timeout, headers={"User-Agent": _USER_AGENT})
            if resp.status_code == 404:
                return None
            if resp.status_code >= 500 or resp.status_code == 429:
                last = f"HTTP {resp.status_code}"
            elif resp.status_code >= 400:
                raise WeatherError(f"{url}: HTTP {resp.status_code}")
            else:
                data = resp.content
                expected = resp.headers.get("Content-Length")
                if expected is not None and expected.isdigit() and int(expected) != len(data):
                    last = f"truncated: {len(data)} of {expected} bytes"
                else:
                    return data
        except requests.RequestException as exc:
            last = f"{type(exc).__name__}: {exc}"
        if attempt < retries:
            time.sleep(backoff * (2 ** attempt))
    raise WeatherError(f"could not download {url} after {retries + 1} attempt(s): {last}")


def _verify(data: bytes, target: Path, kind: str, station: WeatherStation) -> int:
    """Rows of a downloaded meteostat file; WeatherError (naming the file) when it is not a valid one."""
    try:
        text = gzip.decompress(data)
    except (OSError, EOFError) as exc:  # BadGzipFile is an OSError; a cut stream raises EOFError
        raise WeatherError(f"{target.name} for {station.id} ({kind}): not a complete gzip file "
                           f"({type(exc).__name__}: {exc})") from None
    tmp = target.with_name(f".{target.name}.verify")
    tmp.parent.mkdir(parents=True, exist_ok=True)
    try:
        tmp.write_bytes(data)
        _check_mirror_file(tmp, kind, station)
    finally:
        tmp.unlink(missing_ok=True)
    return max(text.count(b"\n") - 1, 0)


def _rows(path: Path, kind: str, station: WeatherStation) -> int | None:
    """Rows of an existing file, or None if it is not a valid meteostat file."""
    try:
        return _verify(path.read_bytes(), path, kind, station)
    except (WeatherError, OSError):
        return None


def fetch_weather_history(home: str | os.PathLike | None = None, *, stations=None, since=HISTORY_START,
                          until=None, kinds: Sequence[str] = ("hourly", "daily"), timeout: float = 30.0,
                          retries: int = 2, backoff: float = 1.0) -> pd.DataFrame:
    """Download meteostat station files for the Channel stations into ``<home>/weather/``.

    Parameters
    ----------
    home : path-like, optional
        The data home (default ``$CROSSINGCAST_HOME`` or ``~/.crossingcast``).
    stations : sequence of WeatherStation or str, optional
        Stations (default :data:`~crossingcast.data.weather.DEFAULT_STATIONS`); a string
        of comma-separated IDs is accepted (:func:`parse_station_ids`).
    since, until : date-like, optional
        First and last date wanted (default 2018-01-01 .. today); whole years are fetched.
    kinds : sequence of {"hourly", "daily"}
        Which meteostat files.
    timeout, retries, backoff : float, int, float
        Per-request timeout (s), retries for timeouts, HTTP 5xx and truncated bodies, backoff base (s).

    Returns
    -------
    pandas.DataFrame
        One row per station, kind and year: ``station, kind, year, status, rows, file, url``.
        ``status`` is ``downloaded``, ``updated``, ``unchanged``, ``kept (closed year)``,
        ``not on server`` or ``failed: ... (kept cached file)`` / ``failed: ... (no file)``.

    Warns
    -----
    DataQualityWarning
        For every download that failed or was refused (URL and reason named); the file
        already in the data home, if any, is kept.
    """
    from meteostat import config

    root = Path(home).expanduser() if home is not None else default_home()
    sts = parse_station_ids(stations) if (stations is None or isinstance(stations, str)) else _parse_stations(stations)
    lo = pd.Timestamp(since).year
    today = pd.Timestamp(_dt.date.today())
    hi = pd.Timestamp(until).year if until is not None else today.year
    if hi < lo:
        raise WeatherError(f"fetch_weather_history: until {hi} is before since {lo}")
    endpoints = {"hourly": config.hourly_endpoint, "daily": config.daily_endpoint}
    rows = []
    for st in sts:
        for kind in kinds:
            if kind not in endpoints:
                raise WeatherError(f"fetch_weather_history: unknown kind {kind!r} (hourly, daily)")
            # hourly files are per UTC year: the first local hours of `lo` are in the previous year's file
            for year in range(lo - (1 if kind == "hourly" else 0), hi + 1):
                target = root / "weather" / kind / str(year) / f"{st.id}.csv.gz"
                url = endpoints[kind].format(station=st.id, year=year)
                row = {"station": st.id, "kind": kind, "year": year, "file": str(target), "url": url}
                old = _rows(target, kind, st) if target.exists() else None
                if old is not None and year < today.year - 1:
                    rows.append({**row, "status": "kept (closed year)", "rows": old})
                    continue
                try:
                    data = _download(url, timeout, retries, backoff)
                    if data is None:
                        rows.append({**row, "status": "not on server", "rows": old})
                        continue
                    n = _verify(data, target, kind, st)
                    if old is not None and n < old:
                        raise WeatherError(f"{url} has {n} rows, fewer than the {old} already in {target}")
                except WeatherError as exc:
                    keep = "kept cached file" if old is not None else "no file"
                    warnings.warn(f"weather fetch failed for station {st.id} {kind} {year}: {exc}; {keep}",
                                  DataQualityWarning, stacklevel=2)
                    rows.append({**row, "status": f"failed: {exc} ({keep})", "rows": old})
                    continue
                if target.exists() and sha256_bytes(target.read_bytes()) == sha256_bytes(data):
                    rows.append({**row, "status": "unchanged", "rows": n})
                    continue
                atomic_write_bytes(target, data)
                rows.append({**row, "status": "updated" if old is not None else "downloaded", "rows": n})
    cols = ["station", "kind", "year", "status", "rows", "file", "url"]
    return pd.DataFrame(rows, columns=cols)


# --------------------------------------------------------------------------- forecast

@contextlib.contextmanager
def _forecast_config():
    """meteostat settings for one forecast call: our user agent if none is set, no disk cache."""
    from meteostat import config

    saved = {k: (k in config.__dict__, getattr(config, k)) for k in ("metno_user_agent", "cache_enable")}
    logger = logging.getLogger("meteostat")
    handler = _LogCapture()
    logger.addHandler(handler)
    try:
        if not config.metno_user_agent:
            config.metno_user_agent = _USER_AGENT  # MET Norway's terms require an identifying User-Agent
        config.cache_enable = False  # our own cache (below) keeps the last good forecast
        yield handler
    finally:
        for k, (own, value) in saved.items():
            if own:
                setattr(config, k, value)
            elif k in config.__dict__:
                delattr(config, k)
        logger.removeHandler(handler)


def _fetch_station_forecast(st: WeatherStation, provider: str, start: pd.Timestamp,
                            end: pd.Timestamp, logs: _LogCapture) -> pd.DataFrame | None:
    import meteostat as ms
    from meteostat import Parameter, Provider, Station

    station = Station(id=st.id, name=st.name, country=st.country, latitude=st.latitude, longitude=st.longitude,
                      elevation=int(st.elevation) if st.elevation is not None else None, timezone=st.timezone,
                      identifiers={"mosmix": st.id})  # MOSMIX single-station IDs are the WMO numbers
    params = [Parameter.TEMP, Parameter.PRCP, Parameter.WDIR, Parameter.WSPD, Parameter.WPGT]
    n0 = len(logs.messages)
    try:
        ts = ms.hourly(station, start.to_pydatetime(), end.to_pydatetime(), timezone=LAUNCH_TZ,
                       parameters=params, providers=[getattr(Provider, FORECAST_PROVIDERS[provider])])
        df = ts.fetch(clean=False)
    except Exception as exc:  # meteostat raises for unexpected payloads in some paths
        logs.messages.append(f"{type(exc).__name__}: {exc}")
        return None
    if df is None or df.empty:
        if len(logs.messages) == n0:
            logs.messages.append("no forecast returned")
        return None
    df = df.copy()
    for c in df.columns:
        df[c] = pd.to_numeric(df[c], errors="coerce").astype(float)
    return df


def _cache_path(root: Path, provider: str, station: str) -> Path:
    return root / "weather" / "forecast" / provider / f"{station}.csv"


def forecast_weather(*, stations=None, provider: str = "metno", days: int = 9, home=None,
                     now=None) -> pd.DataFrame:
    """Hourly weather forecast for the Channel stations -> daily launch-window features.

    Parameters
    ----------
    stations : sequence of WeatherStation or str, optional
        Default :data:`~crossingcast.data.weather.DEFAULT_STATIONS`.
    provider : {"metno", "mosmix"}
        meteostat forecast provider: MET Norway Locationforecast 2.0 (endpoint
        ``meteostat.config.metno_forecast_endpoint``, env ``MS_METNO_FORECAST_ENDPOINT``)
        or DWD MOSMIX.
    days : int
        Days wanted after today (1..9; MET Norway covers about 9 days ahead).
    home : path-like, optional
        Data home holding the forecast cache (default ``$CROSSINGCAST_HOME`` or ``~/.crossingcast``).
    now : datetime-like, optional
        The current time (UTC); default: the clock.

    Returns
    -------
    pandas.DataFrame
        Daily rows for today+1 .. today+``days`` that the forecast covers, columns
        ``wind_mean, gust_max, wind_u, wind_v, ne_share, precip, temp`` (NaN where the
        forecast has no value: MET Norway's compact product has no gusts, and no hourly
        precipitation beyond about 60 hours) and ``hours`` (forecast hours in the launch
        window, over all stations).  ``attrs``: ``weather_source``, ``issued`` (fetch time),
        ``weather_report`` (failures and cache use), ``stations``.

    Raises
    ------
    WeatherError
        When no station has a forecast, fresh or cached (the message names what failed).

    Warns
    -----
    DataQualityWarning
        When a station's fresh forecast failed and its cached one was used, or a station has none.
    """
    if provider not in FORECAST_PROVIDERS:
        raise WeatherError(f"forecast provider {provider!r} unknown; use one of {sorted(FORECAST_PROVIDERS)}")
    if not 1 <= int(days) <= 9:
        raise WeatherError(f"forecast days must be 1..9, got {days}")
    sts = parse_station_ids(stations) if (stations is None or isinstance(stations, str)) else _parse_stations(stations)
    root = Path(home).expanduser() if home is not None else default_home()
    now = pd.Timestamp(now if now is not None else _dt.datetime.now(_dt.timezone.utc))
    now = now.tz_localize("UTC") if now.tz is None else now.tz_convert("UTC")
    today = now.tz_convert(LAUNCH_TZ).tz_localize(None).normalize()
    dates = pd.date_range(today + pd.Timedelta(days=1), today + pd.Timedelta(days=int(days)), freq="D", name="date")
    start = (today + pd.Timedelta(days=1)).tz_localize(LAUNCH_TZ)
    end = (dates[-1] + pd.Timedelta(hours=23)).tz_localize(LAUNCH_TZ)
    report: list[str] = []
    per_station: dict[str, pd.DataFrame] = {}
    issued = []
    with _forecast_config() as logs:
        for st in sts:
            n0 = len(logs.messages)
            hdf = _fetch_station_forecast(st, provider, start, end, logs)
            cache = _cache_path(root, provider, st.id)
            if hdf is not None:
                hdf = hdf[[c for c in ("temp", "prcp", "wdir", "wspd", "wpgt") if c in hdf.columns]]
                if hdf.index.tz is None:
                    hdf.index = hdf.index.tz_localize(LAUNCH_TZ)
                body = hdf.copy()
                body.index = body.index.tz_convert("UTC").tz_localize(None)
                atomic_write_text(cache, f"# fetched {now.isoformat(timespec='seconds')}\n"
                                  + body.to_csv(index_label="time_utc"))
                issued.append(f"{st.id} fetched {now.isoformat(timespec='seconds')}")
            else:
                why = "; ".join(logs.messages[n0:][:3]) or "no data"
                if cache.is_file():
                    text = cache.read_text(encoding="utf-8")
                    fetched = text.splitlines()[0].removeprefix("# fetched ").strip()
                    hdf = pd.read_csv(io.StringIO(text), comment="#", parse_dates=["time_utc"], index_col="time_utc")
                    hdf.index = hdf.index.tz_localize("UTC").tz_convert(LAUNCH_TZ)
                    msg = (f"{provider} forecast for station {st.id} {st.name} failed ({why}); "
                           f"using the cached forecast fetched {fetched} ({cache})")
                    issued.append(f"{st.id} CACHED {fetched}")
                else:
                    msg = f"{provider} forecast for station {st.id} {st.name} failed ({why}) and none is cached"
                report.append(msg)
                warnings.warn(msg, DataQualityWarning, stacklevel=2)
            if hdf is not None:
                sel = hdf[(hdf.index.hour >= LAUNCH_WINDOW[0]) & (hdf.index.hour < LAUNCH_WINDOW[1])]
                feats = station_features(hdf, dates, min_hours=1)
                day = pd.DatetimeIndex(sel.index.tz_localize(None)).normalize()
                feats["hours"] = sel["wspd"].notna().groupby(day).sum().reindex(dates).fillna(0)
                per_station[st.id] = feats
    if not per_station:
        raise WeatherError(f"no weather forecast for any station {[s.id for s in sts]} from {provider} and "
                           f"nothing cached in {root / 'weather' / 'forecast'}: " + " | ".join(report))
    out = pd.DataFrame(index=dates)
    coast = {}
    for c in ("english", "french"):
        members = [per_station[s.id] for s in sts if s.coast == c and s.id in per_station]
        coast[c] = ({v: pd.concat([m[v] for m in members], axis=1) for v in _FORECAST_VARS} if members else None)
    for v in _FORECAST_VARS:
        parts = [coast[c][v].max(axis=1) if v == "gust_max" else coast[c][v].mean(axis=1)
                 for c in ("english", "french") if coast[c] is not None]
        both = pd.concat(parts, axis=1)
        if v == "ne_share" and coast["french"] is not None:
            fr = coast["french"][v].mean(axis=1)
            out[v] = fr.fillna(both.mean(axis=1))
        else:
            out[v] = both.max(axis=1) if v == "gust_max" else both.mean(axis=1)
    out["hours"] = sum(per_station[s].get("hours", 0) for s in per_station)
    out = out[out["hours"] > 0].astype(float).round(3)
    if out.empty:
        raise WeatherError(f"the {provider} forecast has no hours in the launch window of "
                           f"{dates[0].date()}..{dates[-1].date()}: " + " | ".join(report or ["stale forecast?"]))
    out.index.name = "date"
    names = {"metno": "MET Norway Locationforecast 2.0", "mosmix": "DWD MOSMIX"}
    out.attrs["weather_source"] = f"forecast: {names[provider]} via meteostat ({'; '.join(issued)})"
    out.attrs["issued"] = now.isoformat(timespec="seconds")
    out.attrs["weather_report"] = report
    out.attrs["stations"] = [f"{s} ({'fresh' if not any(s in r for r in report) else 'cached'})" for s in per_station]
    return out
