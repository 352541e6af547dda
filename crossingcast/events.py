"""The events calendar: dated events that may move crossings, each with a source.

The built-in calendar (:func:`default_calendar`) ships as a package resource
(``crossingcast/resources/events.csv``), one documented source per row.  Each
event has

* ``name`` (unique identifier, lower_snake_case),
* ``start``, ``end`` (inclusive; an empty ``end`` means *in force until
  further notice*, a step from ``start`` on),
* ``category``: ``enforcement``, ``policy``, ``event`` or ``shock``,
* ``sign``: the *expected* direction of the effect (+1, -1 or 0): documentation
  and a prior for scenarios, never imposed on a fitted model,
* ``intensity``: the value of the event's flag while it is in force (1.0 by
  default); a scenario turns an event up (>1), down (<1) or off (0),
* ``announced``: the date the event (its start) became publicly known, and
  ``end_announced``: the date its ``end`` became known (empty: known with the
  start), with ``announced_source``.  Empty ``announced``: known at any origin
  (e.g. a user's planned event).

**As of an origin** (:func:`calendar_as_of`, used by
:func:`crossingcast.frame.future_frame`) a forecast sees only events announced
by then; an event whose end was not yet known is **open-ended** (in force
until further notice, the reading of a law or agreement in force) -- so a
2024-05-31 origin carries the Safety of Rwanda Act through its whole horizon,
not to 5 July 2024.  Where a known-date was not sourced the calendar uses the
conservative rule *known on the day it happens* (``end_announced = end``).

Users extend it from a CSV or YAML file with the same columns
(:func:`read_calendar`, :func:`combine`).  Public holidays of the UK (England)
and France come from the ``holidays`` package (:func:`holiday_flags`); the
package offers no school holidays, so none are modelled.
"""

from __future__ import annotations

import os
import re
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from crossingcast.errors import EventsError

__all__ = [
    "CATEGORIES",
    "COLUMNS",
    "default_calendar",
    "read_calendar",
    "validate_calendar",
    "combine",
    "event_flags",
    "holiday_flags",
    "flag_column",
    "calendar_as_of",
]

CATEGORIES = ("enforcement", "policy", "event", "shock")
COLUMNS = ("name", "start", "end", "category", "sign", "intensity", "description", "source",
           "announced", "end_announced", "announced_source")
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")


def _parse_date(value) -> pd.Timestamp:
    """A date: ISO ``YYYY-MM-DD`` text or a date object; anything else is refused (no guessing)."""
    if isinstance(value, str):
        if not re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", value):
            raise ValueError(value)
        value = pd.Timestamp(value.strip())
    ts = pd.Timestamp(value)
    if pd.isna(ts) or not pd.Timestamp("1900-01-01") <= ts <= pd.Timestamp("2200-12-31"):
        raise ValueError(value)
    return ts


def flag_column(name: str) -> str:
    """Frame column of an event's flag: ``event_<name>``."""
    return f"event_{name}"


def validate_calendar(table: pd.DataFrame, origin: str = "<events table>") -> pd.DataFrame:
    """Check and normalise an events table.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns as in :data:`COLUMNS` (``end``, ``sign``, ``intensity``,
        ``description`` and ``source`` may be missing or empty).
    origin : str
        Name of the file it came from, used in error messages.

    Returns
    -------
    pandas.DataFrame
        Typed: ``start``/``end`` as Timestamps (``end`` NaT when open-ended),
        ``sign`` int, ``intensity`` float.

    Raises
    ------
    EventsError
        Naming the file, row and column: missing columns, bad names, unknown
        categories, unparseable dates, end before start, duplicate names,
        non-numeric sign or intensity.
    """
    missing = [c for c in ("name", "start", "category") if c not in table.columns]
    if missing:
        raise EventsError(f"{origin}: missing column(s) {missing}; expected columns {list(COLUMNS)}")
    unknown = [c for c in table.columns if c not in COLUMNS]
    if unknown:
        raise EventsError(f"{origin}: unknown column(s) {unknown}; allowed columns {list(COLUMNS)}")
    t = table.copy().reset_index(drop=True)
    for col, default in (("end", None), ("sign", 0), ("intensity", 1.0), ("description", ""), ("source", ""),
                         ("announced", None), ("end_announced", None), ("announced_source", "")):
        if col not in t:
            t[col] = default
    rows = []
    for i, r in t.iterrows():
        where = f"{origin}, row {i + 1}"
        name = str(r["name"]).strip() if not pd.isna(r["name"]) else ""
        if not _NAME_RE.match(name):
            raise EventsError(f"{where}, column 'name': {r['name']!r} is not a valid name "
                              "(lower_snake_case, starting with a letter)")
        cat = str(r["category"]).strip().lower() if not pd.isna(r["category"]) else ""
        if cat not in CATEGORIES:
            raise EventsError(f"{where} ({name}), column 'category': unknown category {r['category']!r}; "
                              f"use one of {list(CATEGORIES)}")
        try:
            start = _parse_date(r["start"])
        except (ValueError, TypeError):
            raise EventsError(f"{where} ({name}), column 'start': {r['start']!r} is not a date") from None
        end_raw = r["end"]
        if end_raw is None or (isinstance(end_raw, str) and end_raw.strip() == "") or \
                (not isinstance(end_raw, str) and pd.isna(end_raw)):
            end = pd.NaT
        else:
            try:
                end = _parse_date(end_raw)
            except (ValueError, TypeError):
                raise EventsError(f"{where} ({name}), column 'end': {end_raw!r} is not a date") from None
            if end < start:
                raise EventsError(f"{where} ({name}): end {end.date()} is before start {start.date()}")
        try:
            sign = int(float(r["sign"])) if not pd.isna(r["sign"]) else 0
        except (ValueError, TypeError):
            raise EventsError(f"{where} ({name}), column 'sign': {r['sign']!r} is not -1, 0 or 1") from None
        if sign not in (-1, 0, 1):
            raise EventsError(f"{where} ({name}), column 'sign': {sign} is not -1, 0 or 1")
        try:
            intensity = float(r["intensity"]) if not pd.isna(r["intensity"]) else 1.0
        except (ValueError, TypeError):
            raise EventsError(f"{where} ({name}), column 'intensity': {r['intensity']!r} is not a number") from None
        if not np.isfinite(intensity) or intensity < 0:
            raise EventsError(f"{where} ({name}), column 'intensity': {intensity} must be a finite number >= 0")
        known = {}
        for col in ("announced", "end_announced"):
            raw = r[col]
            if raw is None or (isinstance(raw, str) and raw.strip() == "") or (not isinstance(raw, str) and pd.isna(raw)):
                known[col] = pd.NaT
                continue
            try:
                known[col] = _parse_date(raw).normalize()
            except (ValueError, TypeError):
                raise EventsError(f"{where} ({name}), column {col!r}: {raw!r} is not a date") from None
        if not pd.isna(known["end_announced"]) and pd.isna(end):
            raise EventsError(f"{where} ({name}), column 'end_announced': {known['end_announced'].date()} given "
                              f"but the event has no end")
        if not pd.isna(known["end_announced"]) and not pd.isna(known["announced"]) and \
                known["end_announced"] < known["announced"]:
            raise EventsError(f"{where} ({name}), column 'end_announced': {known['end_announced'].date()} is "
                              f"before announced {known['announced'].date()}")
        rows.append({"name": name, "start": start.normalize(), "end": end if pd.isna(end) else end.normalize(),
                     "category": cat, "sign": sign, "intensity": intensity,
                     "description": "" if pd.isna(r["description"]) else str(r["description"]),
                     "source": "" if pd.isna(r["source"]) else str(r["source"]),
                     "announced": known["announced"], "end_announced": known["end_announced"],
                     "announced_source": "" if pd.isna(r["announced_source"]) else str(r["announced_source"])})
    out = pd.DataFrame(rows, columns=list(COLUMNS))
    dups = out["name"][out["name"].duplicated()].tolist()
    if dups:
        raise EventsError(f"{origin}: duplicated event name(s) {sorted(set(dups))}")
    out["start"] = pd.to_datetime(out["start"])
    out["end"] = pd.to_datetime(out["end"])
    out["announced"] = pd.to_datetime(out["announced"])
    out["end_announced"] = pd.to_datetime(out["end_announced"])
    out["sign"] = out["sign"].astype(int)
    out["intensity"] = out["intensity"].astype(float)
    return out


def default_calendar() -> pd.DataFrame:
    """The built-in events calendar (one documented source per row).

    Returns
    -------
    pandas.DataFrame
        Columns ``name, start, end, category, sign, intensity, description, source``.

    Examples
    --------
    >>> cal = default_calendar()
    >>> cal.set_index("name").loc["paris_olympics_2024", ["start", "end"]].dt.date.tolist()
    [datetime.date(2024, 7, 26), datetime.date(2024, 8, 11)]
    """
    with resources.files("crossingcast.resources").joinpath("events.csv").open("r", encoding="utf-8") as fh:
        table = pd.read_csv(fh, dtype=str, keep_default_na=False)
    return validate_calendar(table, origin="crossingcast/resources/events.csv")


def read_calendar(path: str | os.PathLike) -> pd.DataFrame:
    """Read a user events file (``.csv``, or ``.yaml``/``.yml`` holding a list of events).

    A CSV is found by its header names (``name``, ``start``, ``category``) wherever it sits: title,
    comment (``#``), blank and footnote lines are skipped, ``;`` or tab separators and a UTF-8 BOM
    are accepted, and dates not written ``YYYY-MM-DD`` are read when they have one reading
    (``31/01/2025``, ``31 January 2025``; day/month order decided per column, else refused).  Each
    such repair is listed in ``attrs["load_report"]``; rewritten dates also raise a
    ``DataQualityWarning``.

    Raises
    ------
    EventsError
        If the file cannot be read or any row is invalid (see :func:`validate_calendar`).
    """
    path = Path(path)
    if not path.exists():
        raise EventsError(f"{str(path)!r}: events file not found")
    suffix = path.suffix.lower()
    try:
        report: list[str] = []
        if suffix == ".csv":
            from crossingcast.data.sheets import read_text_table

            table, report = read_text_table(path, ("name", "start", "category"), ("start", "end"), EventsError)
        elif suffix in (".yaml", ".yml"):
            import yaml

            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and "events" in data:
                data = data["events"]
            if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
                raise EventsError(f"{str(path)!r}: expected a list of events (mappings), or a mapping with key 'events'")
            table = pd.DataFrame(data)
        else:
            raise EventsError(f"{str(path)!r}: unsupported events file type {suffix!r} (use .csv or .yaml)")
    except EventsError:
        raise
    except Exception as exc:
        raise EventsError(f"{str(path)!r}: could not read events file ({type(exc).__name__}: {exc})") from exc
    if table.empty:
        raise EventsError(f"{str(path)!r}: the events file holds no events")
    out = validate_calendar(table, origin=repr(str(path)))
    out.attrs["load_report"] = report
    if any("rewritten" in line for line in report):
        import warnings

        from crossingcast.errors import DataQualityWarning

        warnings.warn(f"{str(path)!r}: " + "; ".join(line for line in report if "rewritten" in line),
                      DataQualityWarning, stacklevel=2)
    return out


def combine(*tables: pd.DataFrame, replace: bool = False) -> pd.DataFrame:
    """Concatenate calendars.

    A name that appears twice is an error unless ``replace=True``, in which
    case the later table's row wins (so a user file can override a built-in
    event's dates or intensity).
    """
    out = pd.concat([t for t in tables if t is not None and len(t)], ignore_index=True)
    if replace:
        out = out.drop_duplicates("name", keep="last").reset_index(drop=True)
    return validate_calendar(out, origin="<combined events>")


def calendar_as_of(calendar: pd.DataFrame, origin) -> pd.DataFrame:
    """The calendar as it was known at ``origin``: no hindsight about events or their end dates.

    * events announced after ``origin`` are dropped;
    * an event whose end became known after ``origin`` (``end_announced`` later
      than the origin; when ``end_announced`` is empty the end is known with
      the start) gets an empty ``end``: in force until further notice, through
      the whole forecast horizon (the documented rule).

    Events without an ``announced`` date are kept unchanged (known at any origin).

    Parameters
    ----------
    calendar : pandas.DataFrame
        A validated calendar (:func:`validate_calendar`).
    origin : date-like
        The forecast origin (last day of information).

    Returns
    -------
    pandas.DataFrame
        A copy; ``attrs["as_of"]`` is the origin (ISO) and ``attrs["as_of_changes"]``
        lists what was dropped or opened.

    Examples
    --------
    >>> cal = calendar_as_of(default_calendar(), "2024-05-31").set_index("name")
    >>> pd.isna(cal.loc["safety_of_rwanda_act_2024", "end"])
    True
    """
    origin = pd.Timestamp(origin).normalize()
    cal = calendar.copy()
    for col in ("announced", "end_announced"):
        if col not in cal:
            cal[col] = pd.NaT
    changes = []
    unknown = cal["announced"].notna() & (cal["announced"] > origin)
    changes += [f"{n}: announced after {origin.date()}, left out" for n in cal.loc[unknown, "name"]]
    cal = cal.loc[~unknown].copy()
    end_known = cal["end_announced"].fillna(cal["announced"])
    open_end = cal["end"].notna() & end_known.notna() & (end_known > origin)
    changes += [f"{n}: end {e.date()} not known at {origin.date()}, open-ended"
                for n, e in zip(cal.loc[open_end, "name"], cal.loc[open_end, "end"])]
    cal.loc[open_end, "end"] = pd.NaT
    cal = cal.reset_index(drop=True)
    cal.attrs = {"as_of": origin.date().isoformat(), "as_of_changes": changes}
    return cal


def event_flags(calendar: pd.DataFrame, index: pd.DatetimeIndex) -> pd.DataFrame:
    """Daily flag columns ``event_<name>``: the event's intensity while in force, else 0."""
    index = pd.DatetimeIndex(index)
    out = {}
    for _, ev in calendar.iterrows():
        active = index >= ev["start"]
        if not pd.isna(ev["end"]):
            active &= index <= ev["end"]
        out[flag_column(ev["name"])] = np.where(active, float(ev["intensity"]), 0.0)
    return pd.DataFrame(out, index=index)


def holiday_flags(index: pd.DatetimeIndex) -> pd.DataFrame:
    """``holiday_uk`` (England & Wales bank holidays) and ``holiday_fr`` (jours fériés) as 0/1."""
    import holidays

    index = pd.DatetimeIndex(index)
    years = list(range(index.min().year, index.max().year + 1)) if len(index) else []
    uk = holidays.country_holidays("GB", subdiv="ENG", years=years)
    fr = holidays.country_holidays("FR", years=years)
    dates = index.date
    return pd.DataFrame({"holiday_uk": [float(d in uk) for d in dates],
                         "holiday_fr": [float(d in fr) for d in dates]}, index=index)
