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

import io
import os
import re
import time
import warnings
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable, Iterable
from urllib.parse import urljoin

import numpy as np
import pandas as pd

from crossingcast.data.home import DataHome, resolve_data_dir
from crossingcast.errors import DataError, DataQualityWarning, DownloadError, OfflineError, SchemaError

__all__ = [
    "PUBLICATION_URL",
    "load_counts",
    "load_weekly",
    "read_release",
    "find_releases",
    "load_vintages",
    "revisions",
    "find_ods_links",
    "fetch_release",
    "Release",
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
_NOT_AVAILABLE = {"-", "–", "—", "..", ":", "n/a", "na", "[x]", "[z]", "x", "z"}


def _normalise(text: object) -> str:
    """Lower-case header text without footnote markers, punctuation or extra spaces."""
    s = str(text).lower()
    s = re.sub(r"\[[^\]]*\]", " ", s)  # [note 1], [x]
    s = re.sub(r"\([^)]*\)", " ", s)
    s = re.sub(r"[^a-z0-9]+", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def _sheet_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


@dataclass(frozen=True)
class Release:
    """A parsed release: its file, daily and weekly tables."""

    path: Path
    daily: pd.DataFrame
    weekly: pd.DataFrame

    @property
    def end(self) -> pd.Timestamp:
        """Last date covered by the daily series."""
        return self.daily.index[-1]


# --------------------------------------------------------------------------- reading
def _read_workbook(path: Path) -> dict[str, pd.DataFrame]:
    """All sheets of an ODS file as raw object tables (no header inference)."""
    if not path.exists():
        raise DataError(f"{str(path)!r}: file not found")
    if path.stat().st_size == 0:
        raise DataError(f"{str(path)!r}: the file is empty")
    with open(path, "rb") as fh:
        head = fh.read(4)
    if head != b"PK\x03\x04":
        raise DataError(
            f"{str(path)!r}: not an OpenDocument spreadsheet (.ods is a zip archive; "
            f"this file starts with {head!r} — a CSV or HTML page saved as .ods?)"
        )
    try:
        with zipfile.ZipFile(path) as zf:
            bad = zf.testzip()
            if bad is not None:
                raise DataError(f"{str(path)!r}: corrupt member {bad!r} in the ODS archive")
            if "content.xml" not in zf.namelist():
                raise DataError(f"{str(path)!r}: ODS archive has no content.xml")
    except zipfile.BadZipFile as exc:
        raise DataError(f"{str(path)!r}: truncated or corrupt ODS file ({exc})") from exc
    try:
        return pd.read_excel(path, sheet_name=None, header=None, engine="calamine")
    except Exception as exc:  # calamine raises its own error types
        raise DataError(f"{str(path)!r}: could not read the spreadsheet ({type(exc).__name__}: {exc})") from exc


def _find_header(raw: pd.DataFrame, spec: dict, required: Iterable[str]) -> tuple[int, dict[str, int]] | None:
    """Locate the header row (within the first 30 rows) and map meanings to column positions."""
    for r in range(min(len(raw), 30)):
        cells = [_normalise(v) if isinstance(v, str) else "" for v in raw.iloc[r].tolist()]
        mapping: dict[str, int] = {}
        for key, pred in spec.items():
            hits = [i for i, h in enumerate(cells) if h and pred(h)]
            if len(hits) == 1:
                mapping[key] = hits[0]
            elif len(hits) > 1:
                mapping[key] = -1  # ambiguous
        if all(k in mapping for k in required):
            return r, mapping
    return None


def _locate_sheet(book: dict[str, pd.DataFrame], path: Path, wanted: str, spec: dict,
                  required: tuple[str, ...]) -> tuple[str, int, dict[str, int]]:
    """Find the sheet holding a table: by name first (``SB_01``/``SB 01``/``Table SB_01``), then by content."""
    key = _sheet_key(wanted)
    by_name = [s for s in book if key in _sheet_key(s)]
    candidates = by_name + [s for s in book if s not in by_name]
    for sheet in candidates:
        found = _find_header(book[sheet], spec, required)
        if found is None:
            continue
        row, mapping = found
        ambiguous = [k for k, v in mapping.items() if v == -1]
        if ambiguous:
            raise SchemaError(
                f"{str(path)!r}, sheet {sheet!r}: more than one column matches {ambiguous} "
                f"(header row {row + 1})"
            )
        return sheet, row, mapping
    # Build a precise message: which sheet should it have been and what is missing.
    if by_name:
        sheet = by_name[0]
        raw = book[sheet]
        best = None
        for r in range(min(len(raw), 30)):
            cells = [_normalise(v) if isinstance(v, str) else "" for v in raw.iloc[r].tolist()]
            present = [k for k, p in spec.items() if any(h and p(h) for h in cells)]
            if best is None or len(present) > len(best[1]):
                best = (r, present, [str(v) for v in raw.iloc[r].tolist()])
        missing = [k for k in required if best is None or k not in best[1]]
        headers = best[2] if best else []
        raise SchemaError(
            f"{str(path)!r}, sheet {sheet!r}: required column(s) {missing} not found "
            f"(header row {best[0] + 1 if best else '?'} reads {headers})"
        )
    raise SchemaError(
        f"{str(path)!r}: no sheet {wanted!r} (sheets are {list(book)}) and no other sheet has its "
        f"columns {list(required)}"
    )


def _to_numeric(values: pd.Series, path: Path, sheet: str, column: str, header_row: int,
                dates: pd.Series, allow_missing: bool) -> pd.Series:
    """Convert a column to float: '-' -> NaN (not available); anything else non-numeric is an error."""
    out = np.full(len(values), np.nan)
    for i, v in enumerate(values.tolist()):
        if v is None or (isinstance(v, float) and np.isnan(v)):
            if allow_missing:
                continue
            raise DataError(
                f"{str(path)!r}, sheet {sheet!r}, column {column!r}, row {header_row + 2 + i} "
                f"(date {_fmt_date(dates.iloc[i])}): empty cell where a count is required"
            )
        if isinstance(v, str):
            s = v.strip().replace(",", "")
            if s.lower() in _NOT_AVAILABLE:
                if allow_missing:
                    continue
                raise DataError(
                    f"{str(path)!r}, sheet {sheet!r}, column {column!r}, row {header_row + 2 + i} "
                    f"(date {_fmt_date(dates.iloc[i])}): {v!r} (not available) where a count is required"
                )
            try:
                v = float(s)
            except ValueError:
                raise DataError(
                    f"{str(path)!r}, sheet {sheet!r}, column {column!r}, row {header_row + 2 + i} "
                    f"(date {_fmt_date(dates.iloc[i])}): text {v!r} is not a number"
                ) from None
        if isinstance(v, bool):
            raise DataError(f"{str(path)!r}, sheet {sheet!r}, column {column!r}, row {header_row + 2 + i}: "
                            f"boolean {v!r} is not a count")
        fv = float(v)
        if fv < 0:
            raise DataError(
                f"{str(path)!r}, sheet {sheet!r}, column {column!r}, row {header_row + 2 + i} "
                f"(date {_fmt_date(dates.iloc[i])}): negative count {fv:g}"
            )
        if not float(fv).is_integer():
            raise DataError(
                f"{str(path)!r}, sheet {sheet!r}, column {column!r}, row {header_row + 2 + i} "
                f"(date {_fmt_date(dates.iloc[i])}): non-integer count {fv:g}"
            )
        out[i] = fv
    return pd.Series(out, index=values.index)


def _fmt_date(d) -> str:
    try:
        return pd.Timestamp(d).date().isoformat()
    except Exception:
        return repr(d)


def _parse_dates(values: pd.Series, path: Path, sheet: str, column: str, header_row: int) -> pd.Series:
    out = []
    for i, v in enumerate(values.tolist()):
        try:
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                if np.isnan(v):
                    raise ValueError("empty")
                ts = pd.Timestamp("1899-12-30") + pd.Timedelta(days=float(v))  # spreadsheet serial
            else:
                ts = pd.Timestamp(v) if not isinstance(v, str) else pd.to_datetime(v.strip(), dayfirst=True)
            if pd.isna(ts):
                raise ValueError("empty")
        except (ValueError, TypeError):
            raise DataError(
                f"{str(path)!r}, sheet {sheet!r}, column {column!r}, row {header_row + 2 + i}: "
                f"{v!r} is not a date"
            ) from None
        out.append(ts.normalize())
    return pd.Series(pd.DatetimeIndex(out), index=values.index)


def _parse_table(book, path, wanted, spec, required, date_key, allow_missing) -> tuple[pd.DataFrame, str]:
    sheet, header_row, mapping = _locate_sheet(book, path, wanted, spec, required)
    raw = book[sheet]
    headers = [str(v) for v in raw.iloc[header_row].tolist()]
    body = raw.iloc[header_row + 1:]
    # Drop fully empty rows (formatting), and trailing footnote rows with no date and no numbers.
    used = [c for c in mapping.values()]
    body = body[~body.iloc[:, used].isna().all(axis=1)]
    date_col = mapping[date_key]
    date_vals = body.iloc[:, date_col].tolist()
    others_empty = body.iloc[:, [c for c in used if c != date_col]].isna().all(axis=1).to_numpy()
    keep = [not (isinstance(v, str) and not re.search(r"\d", v) and empty)
            for v, empty in zip(date_vals, others_empty)]
    body = body[keep]
    if body.empty:
        raise DataError(f"{str(path)!r}, sheet {sheet!r}: no data rows below the header (row {header_row + 1})")
    dates = _parse_dates(body.iloc[:, date_col], path, sheet, headers[date_col], header_row)
    out = pd.DataFrame(index=pd.DatetimeIndex(dates.to_numpy(), name=date_key if date_key != "date" else "date"))
    for key, col in mapping.items():
        if key in (date_key, "notes"):
            continue
        optional = key not in required or key == "uncontrolled_boats"
        out[key] = _to_numeric(body.iloc[:, col], path, sheet, headers[col], header_row, dates,
                               allow_missing=optional or key in allow_missing).to_numpy()
    if "notes" in mapping:
        notes = body.iloc[:, mapping["notes"]].astype(object)
        out["revised"] = notes.map(lambda s: isinstance(s, str) and "revis" in s.lower()).to_numpy(dtype=bool)
    else:
        out["revised"] = False
    # Order and uniqueness of dates.
    dup = out.index[out.index.duplicated()]
    if len(dup):
        raise DataError(f"{str(path)!r}, sheet {sheet!r}, column {headers[date_col]!r}: duplicated date(s) "
                        f"{sorted({d.date().isoformat() for d in dup})[:10]}")
    if not out.index.is_monotonic_increasing:
        warnings.warn(f"{str(path)!r}, sheet {sheet!r}: dates are out of order; sorted them",
                      DataQualityWarning, stacklevel=3)
        out = out.sort_index()
    return out, sheet


def _daily_from_book(book, path: Path) -> pd.DataFrame:
    daily, sheet = _parse_table(book, path, "SB_01", _DAILY_SPEC, _REQUIRED_DAILY, "date", allow_missing=())
    full = pd.date_range(daily.index[0], daily.index[-1], freq="D")
    if len(full) != len(daily):
        missing = full.difference(daily.index)
        raise DataError(
            f"{str(path)!r}, sheet {sheet!r}: {len(missing)} missing date(s) in the daily series, e.g. "
            f"{[d.date().isoformat() for d in missing[:5]]}"
        )
    daily.index = pd.DatetimeIndex(daily.index, freq="D", name="date")
    for c in ("migrants", "boats"):
        daily[c] = daily[c].astype("int64")
    if "uncontrolled_boats" not in daily:
        daily["uncontrolled_boats"] = np.nan
    daily = daily[["migrants", "boats", "uncontrolled_boats", "revised"]]
    daily.attrs = {"source": str(path), "sheet": sheet}
    return daily


def _weekly_from_book(book, path: Path) -> pd.DataFrame:
    weekly, sheet = _parse_table(book, path, "SB_02", _WEEKLY_SPEC, _REQUIRED_WEEKLY, "week_ending",
                                 allow_missing=("migrants_prevented", "events_prevented"))
    weekly.index.name = "week_ending"
    cols = ["migrants", "boats", "uncontrolled_boats", "migrants_prevented", "events_prevented", "revised"]
    for c in cols:
        if c not in weekly:
            weekly[c] = np.nan
    weekly = weekly[cols]
    weekly.attrs = {"source": str(path), "sheet": sheet}
    return weekly


def read_release(path: str | os.PathLike) -> Release:
    """Parse one ``.ods`` release into its daily (SB_01) and weekly (SB_02) tables.

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

    Raises
    ------
    DataError
        Naming file, sheet, column and row/date for anything that cannot be
        parsed: missing sheets or columns, text in numeric cells, negative
        counts, duplicated or missing dates, empty/corrupt files.
    """
    path = Path(path)
    book = _read_workbook(path)
    return Release(path=path, daily=_daily_from_book(book, path), weekly=_weekly_from_book(book, path))


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
        if not href or not re.search(r"\.ods(\?|#|$)", href, flags=re.I):
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


def _get(session, url: str, timeout: float, retries: int, backoff: float) -> "object":
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
