"""Plausibility checks on a parsed Home Office release: numbers that cannot be right.

Thresholds are anchored on the highest values ever published in the series,
measured from all three real releases in ``../shared/data`` (2025-11-14,
2025-12-31, 2026-05-01; the records are identical in each) and documented in
``docs/data.md``:

| quantity | record | where |
| --- | --- | --- |
| daily migrants (SB_01) | 1,305 | 2022-09-03 |
| daily boats (SB_01) | 36 | 2021-11-11 |
| weekly migrants (SB_02) | 3,564 | week ending 2022-08-28 |
| weekly boats (SB_02) | 77 | week ending 2022-08-28 |
| weekly migrants prevented | 1,524 | week ending 2024-09-01 |
| weekly events prevented | 47 | week ending 2024-09-01 |
| migrants per boat (one day) | 89 | 2025-10-12 |

Rules (each message names the file, sheet, column, date and value):

* a count above ``IMPLAUSIBLE_FACTOR`` (3) times its record is an **error**: it
  is far outside anything the series has shown and is almost surely a typing
  slip (an extra digit) — loaded silently it would flow into every forecast;
* a count above its record but within 3x is a **warning**: new records do
  happen, but the user should look;
* more boats than migrants on a day (or in a week) is an **error**: every
  counted boat carried at least one person (no such day in any real release;
  the usual cause is swapped columns);
* more boats in uncontrolled landings than boats is an **error** (a subset);
* more than twice the record of migrants per boat on a day is a **warning**;
* a date after the release date (from the file name, ``..._YYYY-MM-DD.ods``)
  is an **error**: a release cannot report days after it was published (weeks
  may end up to 6 days after it).  When the name carries no date, dates after
  today are refused instead.

Negative and fractional counts are refused while parsing (see
:mod:`crossingcast.data.homeoffice`).
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pandas as pd

from crossingcast.errors import DataError, DataQualityWarning

__all__ = ["IMPLAUSIBLE_FACTOR", "RECORDS", "check_release_tables", "release_date_of"]

IMPLAUSIBLE_FACTOR = 3.0
#: (table, column) -> (record value, where it was first reached)
RECORDS: dict[tuple[str, str], tuple[float, str]] = {
    ("daily", "migrants"): (1305, "2022-09-03"),
    ("daily", "boats"): (36, "2021-11-11"),
    ("weekly", "migrants"): (3564, "week ending 2022-08-28"),
    ("weekly", "boats"): (77, "week ending 2022-08-28"),
    ("weekly", "migrants_prevented"): (1524, "week ending 2024-09-01"),
    ("weekly", "events_prevented"): (47, "week ending 2024-09-01"),
}
#: Highest migrants per boat on one day in the real releases (2025-10-12).
RECORD_PER_BOAT = 89.0
WEEK_SLACK = pd.Timedelta(days=6)


def release_date_of(path: Path) -> pd.Timestamp | None:
    """The release date in a file name such as ``small_boats_time_series_2025-11-14.ods`` (else None)."""
    m = re.findall(r"(\d{4})-(\d{2})-(\d{2})", Path(path).name)
    if not m:
        return None
    y, mo, d = m[-1]
    try:
        return pd.Timestamp(year=int(y), month=int(mo), day=int(d))
    except ValueError:
        return None


def _examples(s: pd.Series, n: int = 3) -> str:
    return ", ".join(f"{d.date().isoformat()}: {v:,.0f}" for d, v in s.head(n).items())


def check_release_tables(table: pd.DataFrame, kind: str, path: Path, sheet: str,
                         report: list[str], today: pd.Timestamp | None = None) -> None:
    """Apply the documented plausibility rules to a parsed daily or weekly table.

    Parameters
    ----------
    table : pandas.DataFrame
        Parsed table with a DatetimeIndex.
    kind : {"daily", "weekly"}
        Which table (selects the records and the date rule).
    path, sheet : Path, str
        For messages.
    report : list of str
        The load report; warnings are also appended to it.
    today : Timestamp, optional
        "Now" for files without a release date in their name (default: today, UTC).

    Raises
    ------
    DataError
        For the error rules in the module docstring.
    """
    where = f"{str(path)!r}, sheet {sheet!r}"
    label = "week ending" if kind == "weekly" else "date"
    released = release_date_of(path)
    if released is not None:
        limit, why = released + (WEEK_SLACK if kind == "weekly" else pd.Timedelta(0)), \
            f"the release date {released.date()} (from the file name)"
    else:
        now = (today or pd.Timestamp.now(tz="UTC").tz_localize(None)).normalize()
        limit, why = now + (WEEK_SLACK if kind == "weekly" else pd.Timedelta(0)), f"today ({now.date()})"
    late = table.index[table.index > limit]
    if len(late):
        raise DataError(f"{where}: {label} {late[0].date()} is after {why}; a release cannot report it "
                        f"({len(late)} such row(s))")
    if {"migrants", "boats"} <= set(table.columns):
        m, b = table["migrants"], table["boats"]
        bad = b[(b > m) & b.notna() & m.notna()]
        if len(bad):
            raise DataError(
                f"{where}: more boats than migrants on {len(bad)} {label}(s), e.g. {label} "
                f"{bad.index[0].date()}: {b.loc[bad.index[0]]:,.0f} boats, {m.loc[bad.index[0]]:,.0f} migrants "
                "(every counted boat carried at least one person; swapped columns?)"
            )
    for (k, col), (record, when) in RECORDS.items():
        if k != kind or col not in table:
            continue
        values = table[col].dropna()
        huge = values[values > IMPLAUSIBLE_FACTOR * record]
        if len(huge):
            raise DataError(
                f"{where}, column {col!r}: implausible count on {label} {_examples(huge)} — more than "
                f"{IMPLAUSIBLE_FACTOR:g}x the series' record of {record:,.0f} ({when}); a typing slip? "
                "Correct the file (see docs/data.md, plausibility checks)"
            )
        high = values[values > record]
        if len(high):
            msg = (f"{where}, column {col!r}: {len(high)} value(s) above the series' record of "
                   f"{record:,.0f} ({when}): {label} {_examples(high)}; check the release")
            report.append(msg)
            warnings.warn(msg, DataQualityWarning, stacklevel=4)
    if kind == "daily" and {"migrants", "boats"} <= set(table.columns):
        m, b = table["migrants"], table["boats"]
        ratio = (m / b.where(b > 0)).dropna()
        odd = ratio[ratio > 2 * RECORD_PER_BOAT]
        if len(odd):
            d = odd.index[0]
            msg = (f"{where}: {m.loc[d]:,.0f} migrants in {b.loc[d]:,.0f} boat(s) on {d.date()} "
                   f"({odd.iloc[0]:.0f} per boat, more than twice the record of {RECORD_PER_BOAT:.0f}); "
                   f"{len(odd)} such day(s); check the release")
            report.append(msg)
            warnings.warn(msg, DataQualityWarning, stacklevel=4)
    if {"uncontrolled_boats", "boats"} <= set(table.columns):
        u, b = table["uncontrolled_boats"], table["boats"]
        bad = u[(u > b) & u.notna()]
        if len(bad):
            d = bad.index[0]
            raise DataError(
                f"{where}: more boats in uncontrolled landings ({u.loc[d]:,.0f}) than boats "
                f"({b.loc[d]:,.0f}) on {label} {d.date()} ({len(bad)} such row(s))"
            )
