"""The official Home Office small-boats time series (OpenDocument spreadsheet).

GOV.UK publishes "Migrants detected crossing the English Channel in small
boats – time series" weekly as an ``.ods`` file with sheets ``SB_01`` (daily
arrivals and boats) and ``SB_02`` (weekly arrivals and, from May 2024, French
preventions).  This module

* parses both sheets **by meaning**: sheets are found by name or content and
  columns by their header text, so cosmetic drift between releases (renamed
  sheets, footnote markers, title rows above the header, reordered columns) is
  tolerated, while anything else is refused with an error naming the file,
  sheet and column;
* keeps ``"-"`` as *not available* (NaN), never as zero;
* compares releases ("vintages") and reports revisions;
* downloads the current release from its GOV.UK publication page, verifies it
  and archives it in the data home without overwriting older releases.
"""

from __future__ import annotations

import os
import re
import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import numpy as np
import pandas as pd

from crossingcast.data.home import DataHome, resolve_data_dir
from crossingcast.data.plausibility import check_release_tables
from crossingcast.data.sheets import (
    NOT_AVAILABLE,
    CellError,
    ensure_header_found,
    find_header,
    is_empty,
    normalise_header,
    parse_count,
    parse_date_column,
    read_workbook,
)
from crossingcast.errors import (
    DataError,
    DataQualityWarning,
    DownloadError,
    OfflineError,
    SchemaError,
)

__all__ = [
    "PUBLICATION_URL",
    "Release",
    "fetch_release",
    "find_ods_links",
    "find_releases",
    "load_counts",
    "load_vintages",
    "load_weekly",
    "read_release",
    "revisions",
]

PUBLICATION_URL = (
    "https://www.gov.uk/government/publications/"
    "migrants-detected-crossing-the-english-channel-in-small-boats"
)

# Column meanings: key -> predicate on the normalised header text.
_DAILY_SPEC: dict[str, Callable[[str], bool]] = {
    "date": lambda h: h in {"date", "day"} or h.startswith("date "),
    "migrants": lambda h: "migrant" in h and ("arriv" in h or "detected" in h) and "prevent" not in h,
    "boats": lambda h: "boat" in h and "arriv" in h and "uncontrolled" not in h,
    "uncontrolled_boats": lambda h: "uncontrolled" in h,
    "notes": lambda h: h.startswith("note"),
}
_WEEKLY_SPEC: dict[str, Callable[[str], bool]] = {
    "week_ending": lambda h: "week" in h and ("ending" in h or "end" in h),
    "migrants": _DAILY_SPEC["migrants"],
    "boats": _DAILY_SPEC["boats"],
    "uncontrolled_boats": _DAILY_SPEC["uncontrolled_boats"],
    "migrants_prevented": lambda h: "migrant" in h and "prevent" in h,
    "events_prevented": lambda h: bool({"event", "events", "attempt", "attempts"} & set(h.split()))
    and "prevent" in h,
    "notes": _DAILY_SPEC["notes"],
}
_REQUIRED_DAILY = ("date", "migrants", "boats")
_REQUIRED_WEEKLY = ("week_ending", "migrants", "boats", "migrants_prevented", "events_prevented")
_NOT_AVAILABLE = NOT_AVAILABLE
_TOTAL_ROW = re.compile(r"^(grand )?totals?\b|^all (days|weeks|dates)$")


def _sheet_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


@dataclass(frozen=True)
class Release:
    """A parsed release: its file, daily and weekly tables, and its load report.

    ``report`` lists, in reading order, every repair that changed the form of
    the data (rows skipped above or below a table, text read as numbers or
    dates, rows sorted, a sheet found under another name) and every
    plausibility warning; the same list is in ``daily.attrs["load_report"]``.
    """

    path: Path
    daily: pd.DataFrame
    weekly: pd.DataFrame
    report: tuple[str, ...] = ()

    @property
    def end(self) -> pd.Timestamp:
        """Last date covered by the daily series."""
        return self.daily.index[-1]


# --------------------------------------------------------------------------- reading
def _read_workbook(path: Path) -> dict[str, pd.DataFrame]:
    """All sheets of an ODS file as raw object tables (see :func:`crossingcast.data.sheets.read_workbook`)."""
    return read_workbook(path)


def _locate_sheet(book: dict[str, pd.DataFrame], path: Path, wanted: str, spec: dict,
                  required: tuple[str, ...]) -> tuple[str, int, dict[str, int]]:
    """Find the sheet holding a table: by name first (``SB_01``/``SB 01``/``Table SB_01``), then by content."""
    key = _sheet_key(wanted)
    by_name = [s for s in book if key in _sheet_key(s)]
    candidates = by_name + [s for s in book if s not in by_name]
    for sheet in candidates:
        found = find_header(book[sheet], spec, required)
        if found is None:
            continue
        row, mapping = found
        ambiguous = [k for k, v in mapping.items() if v == -1]
        if ambiguous:
            raw = book[sheet].iloc[row]
            cols = {k: [str(raw.iloc[i]) for i in range(len(raw)) if isinstance(raw.iloc[i], str)
                        and spec[k](normalise_header(raw.iloc[i]))] for k in ambiguous}
            raise SchemaError(
                f"{str(path)!r}, sheet {sheet!r}, header row {row + 1}: more than one column matches "
                f"{ambiguous}: {cols}"
            )
        return sheet, row, mapping
    if by_name:
        ensure_header_found(None, book[by_name[0]], path, by_name[0], spec, required)
    raise SchemaError(
        f"{str(path)!r}: no sheet {wanted!r} (sheets are {list(book)}) and no other sheet has its "
        f"columns {list(required)}"
    )


def _to_numeric(values: pd.Series, path: Path, sheet: str, column: str, header_row: int,
                dates: pd.Series, allow_missing: bool, rows: list[int] | None = None,
                report: list[str] | None = None) -> pd.Series:
    """Convert a column to float: '-' -> NaN (not available); anything else non-numeric is an error.

    ``rows`` are the 1-based sheet rows of ``values`` (default: consecutive
    rows below ``header_row``).  Text read as a number is counted in ``report``.
    """
    rows = rows if rows is not None else [header_row + 2 + i for i in range(len(values))]
    out = np.full(len(values), np.nan)
    n_text = 0
    def where(i: int) -> str:
        return f"{str(path)!r}, sheet {sheet!r}, column {column!r}, row {rows[i]} (date {_fmt_date(dates.iloc[i])})"

    for i, v in enumerate(values.tolist()):
        try:
            fv, as_text = parse_count(v)
        except CellError as exc:
            raise DataError(f"{where(i)}: {exc}") from None
        if np.isnan(fv):
            if allow_missing:
                continue
            what = f"{v!r} (not available)" if as_text else "empty cell"
            raise DataError(f"{where(i)}: {what} where a count is required")
        n_text += as_text
        if fv < 0:
            raise DataError(f"{where(i)}: negative count {fv:g}")
        if not fv.is_integer():
            raise DataError(f"{where(i)}: non-integer count {fv:g} (a count of people or boats is whole)")
        out[i] = fv
    if n_text and report is not None:
        report.append(f"sheet {sheet!r}, column {column!r}: {n_text} number(s) typed as text read as numbers")
    return pd.Series(out, index=values.index)


def _fmt_date(d) -> str:
    try:
        return pd.Timestamp(d).date().isoformat()
    except Exception:
        return repr(d)


def _looks_like_date(v) -> bool:
    if is_empty(v):
        return False
    try:
        parse_date_column([v], [0])
        return True
    except CellError:
        return False


def _is_prose(v) -> bool:
    """Empty, or text with words in it (a footnote), as opposed to a number or a date."""
    return is_empty(v) or (isinstance(v, str) and len(re.findall(r"[A-Za-z]{3,}", v)) >= 2)


def _classify_rows(body: pd.DataFrame, date_col: int, count_cols: list[int]) -> tuple[list, list, list, list]:
    """Split rows below the header into data, blank, note and total rows (positions in ``body``)."""
    data, blank, notes, totals = [], [], [], []
    values = body.to_numpy(dtype=object)
    for i, row in enumerate(values):
        d = row[date_col]
        counts_empty = all(is_empty(row[c]) for c in count_cols)
        if is_empty(d) and counts_empty:
            (blank if all(is_empty(x) for x in row) else notes).append(i)
        elif isinstance(d, str) and _TOTAL_ROW.match(normalise_header(d)):
            totals.append(i)
        elif all(_is_prose(x) for x in row) and not _looks_like_date(d):
            notes.append(i)  # footnote text, wherever it sits in the row
        else:
            data.append(i)
    return data, blank, notes, totals


def _parse_table(book, path, wanted, spec, required, date_key, allow_missing,
                 report: list[str]) -> tuple[pd.DataFrame, str]:
    sheet, header_row, mapping = _locate_sheet(book, path, wanted, spec, required)
    where = f"{str(path)!r}, sheet {sheet!r}"
    raw = book[sheet]
    if sheet != wanted:
        report.append(f"{wanted} table read from sheet {sheet!r}")
    if header_row > 0:
        above = [str(v) for v in raw.iloc[:header_row].to_numpy(dtype=object).ravel() if not is_empty(v)]
        report.append(f"sheet {sheet!r}: header on row {header_row + 1}; {header_row} row(s) above it skipped"
                      + (f" ({'; '.join(above)[:120]})" if above else ""))
    headers = [str(v) for v in raw.iloc[header_row].tolist()]
    extra = [h for i, h in enumerate(headers) if i not in mapping.values() and not is_empty(raw.iat[header_row, i])]
    if extra:
        report.append(f"sheet {sheet!r}: column(s) {extra} not used")
    body = raw.iloc[header_row + 1:]
    date_col = mapping[date_key]
    count_cols = [c for k, c in mapping.items() if k not in (date_key, "notes")]
    data, blank, notes, totals = _classify_rows(body, date_col, count_cols)
    sheet_rows = [int(r) + 1 for r in body.index]  # raw row i is sheet row i + 1
    if blank:
        report.append(f"sheet {sheet!r}: {len(blank)} blank row(s) dropped")
    if notes:
        texts = [str(x) for i in notes for x in body.iloc[i].tolist() if not is_empty(x)]
        report.append(f"sheet {sheet!r}: {len(notes)} note row(s) without a date or counts dropped "
                      f"(rows {[sheet_rows[i] for i in notes][:5]}: {'; '.join(texts)[:120]})")
    if not data:
        raise DataError(f"{where}: no data rows below the header (row {header_row + 1})")
    rows = [sheet_rows[i] for i in data]
    table = body.iloc[data]
    try:
        dates, date_notes = parse_date_column(table.iloc[:, date_col].tolist(), rows)
    except CellError as exc:
        raise DataError(f"{where}, column {headers[date_col]!r}, {exc}") from None
    report.extend(f"sheet {sheet!r}, column {headers[date_col]!r}: {n}" for n in date_notes)
    dates = pd.Series(pd.DatetimeIndex(dates), index=table.index)
    out = pd.DataFrame(index=pd.DatetimeIndex(dates.to_numpy(), name=date_key))
    for key, col in mapping.items():
        if key in (date_key, "notes"):
            continue
        optional = key not in required or key == "uncontrolled_boats"
        out[key] = _to_numeric(table.iloc[:, col], path, sheet, headers[col], header_row, dates,
                               allow_missing=optional or key in allow_missing, rows=rows, report=report).to_numpy()
    for i in totals:
        _check_total_row(body.iloc[i], sheet_rows[i], out, mapping, headers, path, sheet, report)
    if "notes" in mapping:
        notes_col = table.iloc[:, mapping["notes"]].astype(object)
        out["revised"] = notes_col.map(lambda s: isinstance(s, str) and "revis" in s.lower()).to_numpy(dtype=bool)
    else:
        out["revised"] = False
    dup = out.index[out.index.duplicated()]
    if len(dup):
        raise DataError(f"{where}, column {headers[date_col]!r}: duplicated date(s) "
                        f"{sorted({d.date().isoformat() for d in dup})[:10]}")
    if not out.index.is_monotonic_increasing:
        pos = int(np.argmax(np.diff(out.index.asi8) < 0))
        msg = (f"{where}: dates are out of order (row {rows[pos + 1]}, {out.index[pos + 1].date()}, follows "
               f"{out.index[pos].date()}); sorted them")
        report.append(msg)
        warnings.warn(msg, DataQualityWarning, stacklevel=4)
        out = out.sort_index()
    return out, sheet


def _check_total_row(row, sheet_row, out, mapping, headers, path, sheet, report) -> None:
    """A 'Total' row below the table is dropped; when its numbers disagree with the rows, warn."""
    wrong = []
    for key, col in mapping.items():
        if key not in out.columns or is_empty(row.iloc[col]):
            continue
        try:
            v, _ = parse_count(row.iloc[col])
        except CellError as exc:
            raise DataError(f"{str(path)!r}, sheet {sheet!r}, column {headers[col]!r}, row {sheet_row} "
                            f"(total row): {exc}") from None
        if not np.isnan(v) and v != out[key].sum():
            wrong.append(f"{headers[col]} {v:,.0f} vs {out[key].sum():,.0f}")
    msg = f"sheet {sheet!r}: total row {sheet_row} ({row.iloc[mapping[next(iter(mapping))]]!s}) dropped"
    if wrong:
        msg += f"; it disagrees with the sum of the rows: {', '.join(wrong)}"
        warnings.warn(f"{str(path)!r}, {msg}", DataQualityWarning, stacklevel=5)
    report.append(msg)


def _daily_from_book(book, path: Path, report: list[str]) -> pd.DataFrame:
    daily, sheet = _parse_table(book, path, "SB_01", _DAILY_SPEC, _REQUIRED_DAILY, "date", allow_missing=(),
                                report=report)
    full = pd.date_range(daily.index[0], daily.index[-1], freq="D")
    if len(full) != len(daily):
        missing = full.difference(daily.index)
        raise DataError(
            f"{str(path)!r}, sheet {sheet!r}: {len(missing)} missing date(s) in the daily series, e.g. "
            f"{[d.date().isoformat() for d in missing[:5]]}"
        )
    daily.index = pd.DatetimeIndex(daily.index, freq="D", name="date")
    if "uncontrolled_boats" not in daily:
        daily["uncontrolled_boats"] = np.nan
    check_release_tables(daily, "daily", path, sheet, report)
    for c in ("migrants", "boats"):
        daily[c] = daily[c].astype("int64")
    daily = daily[["migrants", "boats", "uncontrolled_boats", "revised"]]
    daily.attrs = {"source": str(path), "sheet": sheet}
    return daily


def _weekly_from_book(book, path: Path, report: list[str]) -> pd.DataFrame:
    weekly, sheet = _parse_table(book, path, "SB_02", _WEEKLY_SPEC, _REQUIRED_WEEKLY, "week_ending",
                                 allow_missing=("migrants_prevented", "events_prevented"), report=report)
    weekly.index.name = "week_ending"
    not_sunday = weekly.index[weekly.index.day_of_week != 6]
    if len(not_sunday):
        raise DataError(f"{str(path)!r}, sheet {sheet!r}: week ending {not_sunday[0].date()} is not a Sunday "
                        f"({len(not_sunday)} such row(s)); SB_02 weeks end on Sundays")
    cols = ["migrants", "boats", "uncontrolled_boats", "migrants_prevented", "events_prevented", "revised"]
    for c in cols:
        if c not in weekly:
            weekly[c] = np.nan
    check_release_tables(weekly, "weekly", path, sheet, report)
    weekly = weekly[cols]
    weekly.attrs = {"source": str(path), "sheet": sheet}
    return weekly


def read_release(path: str | os.PathLike) -> Release:
    """Parse one ``.ods`` release into its daily (SB_01) and weekly (SB_02) tables.

    Each table is found by its header names wherever it sits in its sheet
    (title or notes rows above, blank, note or total rows below, columns
    reordered or added); dates and counts typed as text are read when they
    have one reading.  Every such repair is listed in ``Release.report`` (and
    ``daily.attrs["load_report"]``); the plausibility rules of
    :mod:`crossingcast.data.plausibility` are applied.

    Parameters
    ----------
    path : path-like
        The ``.ods`` file.

    Returns
    -------
    Release
        ``daily``: DatetimeIndex ``date`` (one row per day, no gaps) with
        ``migrants``, ``boats`` (int), ``uncontrolled_boats`` (float, NaN where
        the sheet says ``-``: not available), ``revised`` (bool).
        ``weekly``: index ``week_ending`` (Sundays) with the same counts plus
        ``migrants_prevented`` and ``events_prevented`` (NaN before May 2024).
        ``report``: the load report (tuple of str).

    Raises
    ------
    DataError
        Naming file, sheet, column and row/date for anything that cannot be
        parsed or cannot be right: missing sheets, header rows or columns,
        text that is not a number, ambiguous dates, negative or fractional
        counts, duplicated or missing dates, implausible values, an Excel,
        empty, truncated or corrupt file.
    """
    path = Path(path)
    book = _read_workbook(path)
    report: list[str] = []
    daily = _daily_from_book(book, path, report)
    weekly = _weekly_from_book(book, path, report)
    daily.attrs["load_report"] = list(report)
    weekly.attrs["load_report"] = list(report)
    return Release(path=path, daily=daily, weekly=weekly, report=tuple(report))


def find_releases(path: str | os.PathLike | None = None) -> list[Path]:
    """All ``.ods`` releases under ``path`` (a file, a ``homeoffice/`` folder or a data directory).

    ``None`` uses ``$CROSSINGCAST_DATA``.  Sorted by file name.
    """
    p = Path(path) if path is not None else resolve_data_dir(None)
    if p.is_file():
        return [p]
    if not p.exists():
        raise DataError(f"{str(p)!r}: no such file or directory")
    folder = p / "homeoffice" if (p / "homeoffice").is_dir() else p
    files = sorted(f for f in folder.glob("*.ods") if not f.name.startswith("."))
    if not files:
        raise DataError(f"{str(folder)!r}: no .ods release found (expected homeoffice/*.ods)")
    return files


def _newest(path) -> Release:
    releases = [read_release(f) for f in find_releases(path)]
    # Newest = covers the latest date; ties broken by file name (later name wins).
    return max(releases, key=lambda r: (r.end, r.path.name))


def load_counts(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Daily official counts from an ``.ods`` release or a data directory (newest release).

    Parameters
    ----------
    path : path-like, optional
        An ``.ods`` file, a ``homeoffice/`` folder, or a data directory holding
        ``homeoffice/*.ods``.  Default: ``$CROSSINGCAST_DATA``.

    Returns
    -------
    pandas.DataFrame
        Daily, DatetimeIndex ``date`` with freq ``D`` and no gaps; columns
        ``migrants``, ``boats``, ``uncontrolled_boats``, ``revised``.
        ``attrs["source"]`` names the release used.

    Examples
    --------
    >>> counts = load_counts("../shared/data")            # doctest: +SKIP
    >>> counts.loc["2023", "migrants"].sum()               # doctest: +SKIP
    29437
    """
    return _newest(path).daily


def load_weekly(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Weekly SB_02 table (arrivals and French preventions) of the newest release; see :func:`read_release`."""
    return _newest(path).weekly


def load_vintages(path: str | os.PathLike | None = None) -> dict[str, pd.DataFrame]:
    """Daily tables of every release under ``path``, keyed by file name, oldest first."""
    releases = sorted((read_release(f) for f in find_releases(path)), key=lambda r: (r.end, r.path.name))
    return {r.path.name: r.daily for r in releases}


def revisions(old: pd.DataFrame, new: pd.DataFrame, columns: Iterable[str] = ("migrants", "boats")) -> pd.DataFrame:
    """Dates whose counts changed between two releases.

    Parameters
    ----------
    old, new : pandas.DataFrame
        Daily tables from :func:`load_counts` / :func:`load_vintages`.
    columns : iterable of str
        Columns to compare.

    Returns
    -------
    pandas.DataFrame
        One row per changed (date, column): ``date, column, old, new, change``,
        over the dates both releases cover.  Dates only in ``new`` are not
        revisions and are not listed.
    """
    common = old.index.intersection(new.index)
    rows = []
    for col in columns:
        a = old.loc[common, col].astype(float)
        b = new.loc[common, col].astype(float)
        changed = ~((a == b) | (a.isna() & b.isna()))
        for d in common[changed.to_numpy()]:
            rows.append({"date": d, "column": col, "old": a[d], "new": b[d], "change": b[d] - a[d]})
    return pd.DataFrame(rows, columns=["date", "column", "old", "new", "change"])


# --------------------------------------------------------------------------- downloading
class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href = dict(attrs).get("href")
            self._text = []

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append((self._href, " ".join("".join(self._text).split())))
            self._href = None


def find_ods_links(html: str, base_url: str = PUBLICATION_URL) -> list[str]:
    """Absolute URLs of the ``.ods`` attachments on a GOV.UK publication page.

    The time-series attachment (its link text or file name mentions a time
    series / small boats) comes first.
    """
    parser = _LinkParser()
    parser.feed(html)
    found: list[tuple[int, str]] = []
    for href, text in parser.links:
        if not href or not re.search(r"\.ods(\?|#|$)", href, flags=re.IGNORECASE):
            continue
        url = urljoin(base_url, href)
        blob = (text + " " + href).lower()
        score = 0 if ("time series" in blob or "time-series" in blob or "time_series" in blob) else 1
        if url not in [u for _, u in found]:
            found.append((score, url))
    return [u for _, u in sorted(found, key=lambda t: t[0])]


def _verify_ods_bytes(data: bytes, name: str) -> Release:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / (name if name.endswith(".ods") else name + ".ods")
        p.write_bytes(data)
        try:
            return read_release(p)
        except DataError as exc:
            raise DownloadError(f"downloaded file {name!r} failed verification: {exc}") from exc


def _get(session, url: str, timeout: float, retries: int, backoff: float) -> object:
    import requests

    last: Exception | None = None
    for attempt in range(retries + 1):
        try:
            resp = session.get(url, timeout=timeout)
            if resp.status_code >= 500 or resp.status_code == 429:
                raise requests.HTTPError(f"HTTP {resp.status_code} from {url}", response=resp)
            resp.raise_for_status()
            return resp
        except requests.HTTPError as exc:
            last = exc
            status = getattr(exc.response, "status_code", None)
            if status is not None and 400 <= status < 500 and status != 429:
                break  # client errors do not get better by retrying
        except requests.RequestException as exc:  # connection, timeout, truncated body, ...
            last = exc
        if attempt < retries:
            time.sleep(backoff * (2 ** attempt))
    raise DownloadError(f"could not fetch {url} after {retries + 1} attempt(s): {last}") from last


def fetch_release(page_url: str = PUBLICATION_URL, home: DataHome | str | os.PathLike | None = None, *,
                  timeout: float = 30.0, retries: int = 3, backoff: float = 1.0, session=None) -> Path:
    """Download the current release from its GOV.UK page into the data home.

    Finds the ``.ods`` link on the publication page, downloads it (with
    ``timeout``, ``retries`` and exponential ``backoff``), verifies that it
    opens as an ODS with parsable SB_01/SB_02 sheets, and archives it (never
    overwriting an older release).  When the network fails or the page has no
    usable link, warns clearly and returns the newest cached release.

    Parameters
    ----------
    page_url : str
        The publication page.
    home : DataHome or path, optional
        Where releases are archived (default ``$CROSSINGCAST_HOME`` or ``~/.crossingcast``).
    timeout, retries, backoff : float, int, float
        Per-request timeout (s), number of retries, base of the exponential backoff (s).
    session : requests.Session, optional
        For connection reuse or testing.

    Returns
    -------
    pathlib.Path
        The archived file (new or cached).

    Raises
    ------
    OfflineError
        If the download failed and nothing is cached.
    """
    import requests

    home = home if isinstance(home, DataHome) else DataHome(home)
    session = session or requests.Session()
    try:
        page = _get(session, page_url, timeout, retries, backoff)
        links = find_ods_links(page.text, page_url)
        if not links:
            raise DownloadError(f"no .ods attachment link found on {page_url} (has the GOV.UK page changed?)")
        url = links[0]
        resp = _get(session, url, timeout, retries, backoff)
        data = resp.content
        expected = resp.headers.get("Content-Length")
        if expected is not None and expected.isdigit() and int(expected) != len(data):
            raise DownloadError(f"truncated download of {url}: {len(data)} of {expected} bytes")
        name = Path(url.split("?")[0]).name
        release = _verify_ods_bytes(data, name)
        if not name.lower().endswith(".ods"):
            name += ".ods"
        stem = Path(name).stem
        if not re.search(r"\d{4}-\d{2}-\d{2}", stem):
            name = f"{stem}_{release.end.date().isoformat()}.ods"
        return home.archive(name, data, source_url=url).path
    except DownloadError as exc:
        cached = sorted(home.homeoffice.glob("*.ods")) if home.homeoffice.exists() else []
        if not cached:
            raise OfflineError(
                f"download failed and no cached release in {str(home.homeoffice)!r}: {exc}. "
                "Work offline with --data-dir / CROSSINGCAST_DATA pointing at a folder with homeoffice/*.ods."
            ) from exc
        newest = max(cached, key=lambda p: (read_release(p).end, p.name))
        warnings.warn(f"offline or download failed ({exc}); using the newest cached release {newest.name}",
                      DataQualityWarning, stacklevel=2)
        return newest
