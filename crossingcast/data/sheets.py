"""Reading tables out of spreadsheets and hand-edited files by their header names.

The Home Office release and the user files crossingcast reads (events
calendars) are edited by people: title and notes rows appear above a table,
footnotes and blank rows below it, columns are reordered or added, values are
typed as text.  This module finds a table by its header names wherever it sits
and reads cell values that have exactly one reading:

* :func:`read_workbook` opens an OpenDocument spreadsheet and refuses, naming
  the file, anything else saved under an ``.ods`` name (an Excel workbook, a
  CSV or HTML page, a truncated download);
* :func:`find_header` locates the header row anywhere in a sheet and maps each
  column *meaning* to its position;
* :func:`parse_count` reads a count from a number or from text (``"1,234"``);
* :func:`parse_date_column` reads a column of dates, typed as dates, as
  spreadsheet serial numbers or as text in common formats, resolving day/month
  order for the column as a whole and refusing what stays ambiguous.

Every repair that changes the form of the data (text read as a number, rows
skipped, a sheet found under another name) is appended to a *load report*, a
plain list of strings that the caller stores with the data.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from crossingcast.errors import DataError, SchemaError

__all__ = [
    "NOT_AVAILABLE",
    "ODS_MIMETYPE",
    "find_header",
    "is_empty",
    "normalise_header",
    "parse_count",
    "parse_date_column",
    "read_workbook",
]

ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
#: Cell texts meaning *not available* (never zero).
NOT_AVAILABLE = frozenset({"-", "–", "—", "..", ":", "n/a", "na", "[x]", "[z]", "x", "z"})
_SPACES = "\u00a0\u202f\u2009"
_MONTHS = {m: i + 1 for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"])}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_WEEKDAYS = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+"
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?")
_NUMERIC = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_DAY_MONTH = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[ -]([a-z]+)\.?,?[ -](\d{4})")
_MONTH_DAY = re.compile(r"([a-z]+)\.?[ -](\d{1,2})(?:st|nd|rd|th)?,?[ -](\d{4})")
_SERIAL_RANGE = (20_000, 80_000)  # spreadsheet day numbers 1954..2119


def normalise_header(text: object) -> str:
    """Lower-case header text without footnote markers, bracketed notes, punctuation or extra spaces."""
    s = str(text).lower()
    s = re.sub(r"\[[^\]]*\]", " ", s)  # [note 1], [x]
    s = re.sub(r"\([^)]*\)", " ", s)
    s = re.sub(r"[^a-z0-9]+", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def is_empty(value: object) -> bool:
    """True for a blank cell: None, NaN/NaT or whitespace-only text."""
    if value is None:
        return True
    tv = type(value)
    if tv is int:
        return False
    if tv is float:
        return value != value
    if isinstance(value, str):
        return not value.strip(" \t\r\n" + _SPACES)
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


# --------------------------------------------------------------------------- workbook
def read_workbook(path: Path) -> dict[str, pd.DataFrame]:
    """All sheets of an OpenDocument spreadsheet as raw cell tables (no header inference).

    Row ``i`` of each table is spreadsheet row ``i + 1``.

    Raises
    ------
    DataError
        Naming the file: missing, empty, not a zip archive (a CSV/HTML page or an
        old ``.xls`` named ``.ods``), an Excel ``.xlsx`` or another OpenDocument
        type named ``.ods``, a truncated or corrupt archive, no sheets.
    """
    name = repr(str(path))
    if not path.exists():
        raise DataError(f"{name}: file not found")
    if path.stat().st_size == 0:
        raise DataError(f"{name}: the file is empty")
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise DataError(f"{name}: an old Excel (.xls) workbook named .ods; crossingcast reads the "
                        "OpenDocument (.ods) release as published on GOV.UK")
    if not head.startswith(b"PK\x03\x04"):
        raise DataError(
            f"{name}: not an OpenDocument spreadsheet (.ods is a zip archive; "
            f"this file starts with {head[:4]!r} — a CSV or HTML page saved as .ods?)"
        )
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            if "xl/workbook.xml" in names or "[Content_Types].xml" in names:
                raise DataError(f"{name}: an Excel (.xlsx) workbook named .ods, not an OpenDocument "
                                "spreadsheet; use the .ods release as published on GOV.UK")
            if "mimetype" in names:
                mime = zf.read("mimetype").decode("ascii", "replace").strip()
                if mime != ODS_MIMETYPE:
                    raise DataError(f"{name}: an OpenDocument file of type {mime!r}, not a spreadsheet "
                                    f"({ODS_MIMETYPE})")
            if "content.xml" not in names:
                raise DataError(f"{name}: ODS archive has no content.xml (corrupt or not a spreadsheet)")
            bad = zf.testzip()
            if bad is not None:
                raise DataError(f"{name}: corrupt member {bad!r} in the ODS archive (checksum mismatch)")
    except zipfile.BadZipFile as exc:
        raise DataError(f"{name}: truncated or corrupt ODS file ({exc})") from exc
    except (EOFError, OSError, zlib.error, zipfile.LargeZipFile) as exc:
        raise DataError(f"{name}: truncated or corrupt ODS file ({type(exc).__name__}: {exc})") from exc
    try:
        book = pd.read_excel(path, sheet_name=None, header=None, engine="calamine")
    except Exception as exc:  # calamine raises its own error types
        raise DataError(f"{name}: could not read the spreadsheet ({type(exc).__name__}: {exc})") from exc
    if not book:
        raise DataError(f"{name}: the spreadsheet has no sheets")
    return book


# --------------------------------------------------------------------------- header
def find_header(raw: pd.DataFrame, spec: Mapping[str, Callable[[str], bool]],
                required: Iterable[str]) -> tuple[int, dict[str, int]] | None:
    """Locate the header row anywhere in ``raw`` and map meanings to column positions.

    Parameters
    ----------
    raw : pandas.DataFrame
        A sheet as raw cells.
    spec : mapping
        Meaning -> predicate on the normalised header text (:func:`normalise_header`).
    required : iterable of str
        Meanings that must all be present for a row to be the header.

    Returns
    -------
    (int, dict) or None
        The 0-based header row and ``{meaning: column position}``; a position of
        ``-1`` marks a meaning matched by more than one column (ambiguous).
        ``None`` when no row names every required meaning.
    """
    required = tuple(required)
    values = raw.to_numpy(dtype=object)
    for r in range(len(values)):
        cells = [normalise_header(v) if isinstance(v, str) else "" for v in values[r]]
        if sum(bool(c) for c in cells) < len(required):
            continue
        mapping: dict[str, int] = {}
        for key, pred in spec.items():
            hits = [i for i, h in enumerate(cells) if h and pred(h)]
            if len(hits) == 1:
                mapping[key] = hits[0]
            elif len(hits) > 1:
                mapping[key] = -1
        if all(k in mapping for k in required):
            return r, mapping
    return None


# --------------------------------------------------------------------------- numbers
class CellError(ValueError):
    """A cell that cannot be read; the caller adds file, sheet, row and column."""


def parse_count(value: object) -> tuple[float, bool]:
    """Read one count cell.

    Returns
    -------
    (float, bool)
        The value (NaN for an empty or *not available* cell) and whether it was
        typed as text.

    Raises
    ------
    CellError
        For text that is not a number or has two readings (``"1,23"``,
        ``"1.234"``), booleans and non-finite numbers.  Sign and integrality are
        the caller's checks.
    """
    tv = type(value)
    if tv is int:
        return float(value), False
    if tv is float:
        if value != value:  # NaN: an empty cell
            return np.nan, False
        if value in (np.inf, -np.inf):
            raise CellError(f"{value!r} is not a finite number")
        return value, False
    if is_empty(value):
        return np.nan, False
    if isinstance(value, (bool, np.bool_)):
        raise CellError(f"boolean {value!r} is not a count")
    if isinstance(value, (int, float, np.integer, np.floating)):
        v = float(value)
        if not np.isfinite(v):
            raise CellError(f"{value!r} is not a finite number")
        return v, False
    if not isinstance(value, str):
        raise CellError(f"{value!r} ({type(value).__name__}) is not a number")
    s = value.strip(" \t\r\n" + _SPACES)
    if s.lower() in NOT_AVAILABLE:
        return np.nan, True
    sign = -1.0 if s[:1] in "-−" and len(s) > 1 else 1.0
    body = s[1:].strip() if s[:1] in "-−+" and len(s) > 1 else s
    if re.fullmatch(r"\d+", body):
        return sign * float(body), True
    if re.fullmatch(r"\d{1,3}(,\d{3})+", body) or re.fullmatch(rf"\d{{1,3}}([ {_SPACES}]\d{{3}})+", body):
        return sign * float(re.sub(rf"[, {_SPACES}]", "", body)), True
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", body):
        raise CellError(f"text {value!r} is ambiguous: a decimal point or a thousands separator")
    if re.fullmatch(r"\d+,\d+", body):
        raise CellError(f"text {value!r} is ambiguous: a decimal comma or a misplaced thousands separator")
    if re.fullmatch(r"\d+\.\d+", body):
        return sign * float(body), True
    raise CellError(f"text {value!r} is not a number")


# --------------------------------------------------------------------------- dates
def _named_month(word: str) -> int | None:
    return _MONTHS.get(word.lower().rstrip("."))


def _classify_date(value: object) -> tuple[str, tuple]:
    """First pass over one cell: ('ts', (Timestamp,)), ('ymd', (y, m, d)), ('ab', (a, b, y)) or error."""
    if isinstance(value, (bool, np.bool_)):
        raise CellError(f"{value!r} is not a date")
    if isinstance(value, (pd.Timestamp, np.datetime64)) or hasattr(value, "isoformat") and not isinstance(value, str):
        ts = pd.Timestamp(value)
        if pd.isna(ts):
            raise CellError("empty date")
        return "ts", (ts,)
    if isinstance(value, (int, float, np.integer, np.floating)):
        v = float(value)
        if not np.isfinite(v) or not _SERIAL_RANGE[0] <= v <= _SERIAL_RANGE[1] or not v.is_integer():
            raise CellError(f"number {value!r} is not a date (nor a spreadsheet day number)")
        return "serial", (pd.Timestamp("1899-12-30") + pd.Timedelta(days=v),)
    if not isinstance(value, str):
        raise CellError(f"{value!r} is not a date")
    s = re.sub(r"\s+", " ", value.strip(" \t\r\n" + _SPACES)).lower()
    s = re.sub(rf"^{_WEEKDAYS}", "", s)
    if m := _ISO.fullmatch(s):
        return "ymd", (int(m[1]), int(m[2]), int(m[3]))
    if m := _NUMERIC.fullmatch(s):
        return "ab", (int(m[1]), int(m[2]), int(m[3]))
    if (m := _DAY_MONTH.fullmatch(s)) and _named_month(m[2]):
        return "ymd", (int(m[3]), _named_month(m[2]), int(m[1]))
    if (m := _MONTH_DAY.fullmatch(s)) and _named_month(m[1]):
        return "ymd", (int(m[3]), _named_month(m[1]), int(m[2]))
    raise CellError(f"{value!r} is not a date in a recognised format "
                    "(YYYY-MM-DD, DD/MM/YYYY, 31 January 2024, January 31, 2024)")


def parse_date_column(values: Iterable[object], rows: Iterable[int]) -> tuple[list[pd.Timestamp], list[str]]:
    """Read a column of dates; day/month order of numeric text (``03/10/2024``) is decided per column.

    A column of ``a/b/yyyy`` texts is read day-first when some ``a`` exceeds 12
    and month-first when some ``b`` does; a column with both, or with a text
    whose two readings differ and nothing to decide between them, is refused.

    Parameters
    ----------
    values : iterable
        Cell values.
    rows : iterable of int
        Their 1-based row numbers (for messages).

    Returns
    -------
    (list of Timestamp, list of str)
        Midnight timestamps, and notes for the load report (dates read from text).

    Raises
    ------
    CellError
        ``"row N: ..."`` for the first cell that is not a date or is ambiguous.
    """
    values, rows = list(values), list(rows)
    kinds = []
    for v, r in zip(values, rows):
        try:
            kinds.append(_classify_date(v))
        except CellError as exc:
            raise CellError(f"row {r}: {exc}") from None
        except (TypeError, ValueError):
            raise CellError(f"row {r}: {v!r} is not a date") from None
    ab = [(r, p) for (k, p), r in zip(kinds, rows) if k == "ab"]
    day_first = [r for r, (a, b, _) in ab if a > 12]
    month_first = [r for r, (a, b, _) in ab if b > 12]
    if day_first and month_first:
        raise CellError(f"rows {day_first[0]} and {month_first[0]}: the column mixes day-first and "
                        "month-first dates; cannot tell which is which")
    order = "dmy" if day_first else "mdy" if month_first else None
    if order is None:
        amb = [(r, a, b, y) for r, (a, b, y) in ab if a != b]
        if amb:
            r, a, b, y = amb[0]
            raise CellError(f"row {r}: date {a:02d}/{b:02d}/{y} is ambiguous ({y}-{b:02d}-{a:02d} or "
                            f"{y}-{a:02d}-{b:02d}) and no date in the column settles the order; "
                            "write dates as YYYY-MM-DD")
        order = "dmy"
    out: list[pd.Timestamp] = []
    notes: list[str] = []
    counts = {"ymd": 0, "ab": 0, "serial": 0}
    for (kind, p), r in zip(kinds, rows):
        if kind == "ts":
            out.append(p[0].normalize())
            continue
        if kind == "serial":
            counts["serial"] += 1
            out.append(p[0].normalize())
            continue
        counts[kind] += 1
        y, mo, d = p if kind == "ymd" else ((p[2], p[1], p[0]) if order == "dmy" else (p[2], p[0], p[1]))
        try:
            out.append(pd.Timestamp(year=y, month=mo, day=d))
        except ValueError:
            raise CellError(f"row {r}: {values[rows.index(r)]!r} is not a calendar date") from None
    if counts["ymd"]:
        notes.append(f"{counts['ymd']} date(s) typed as text read (year-month-day or named month)")
    if counts["ab"]:
        word = "day-first (DD/MM/YYYY)" if order == "dmy" else "month-first (MM/DD/YYYY)"
        notes.append(f"{counts['ab']} date(s) typed as text read {word}")
    if counts["serial"]:
        notes.append(f"{counts['serial']} date(s) given as spreadsheet day numbers read as dates")
    return out, notes


def ensure_header_found(found, raw: pd.DataFrame, path: Path, sheet: str, spec: Mapping,
                        required: tuple[str, ...]) -> None:
    """Raise a :class:`SchemaError` describing the best candidate header row when ``found`` is None."""
    if found is not None:
        return
    values = raw.to_numpy(dtype=object)
    best = None
    for r in range(len(values)):
        cells = [normalise_header(v) if isinstance(v, str) else "" for v in values[r]]
        present = [k for k, p in spec.items() if any(h and p(h) for h in cells)]
        if best is None or len(present) > len(best[1]):
            best = (r, present, [str(v) for v in values[r] if not is_empty(v)])
    if best is None or not best[1]:
        first = [str(v) for v in values[0] if not is_empty(v)] if len(values) else []
        raise SchemaError(
            f"{str(path)!r}, sheet {sheet!r}: no header row — no row names the columns {list(required)} "
            f"(row 1 reads {first})"
        )
    missing = [k for k in required if k not in best[1]]
    raise SchemaError(
        f"{str(path)!r}, sheet {sheet!r}: required column(s) {missing} not found "
        f"(header row {best[0] + 1} reads {best[2]})"
    )


# --------------------------------------------------------------------------- delimited text files
_ISO_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")


def _readable_date(v: str) -> bool:
    try:
        _classify_date(v)
        return True
    except CellError:
        return False


def _is_prose(v: str) -> bool:
    return len(re.findall(r"[A-Za-z]{3,}", v)) >= 2


def read_text_table(path: Path, required: Iterable[str], date_columns: Iterable[str] = (),
                    error: type[DataError] = DataError) -> tuple[pd.DataFrame, list[str]]:
    """Read a hand-edited CSV (``,``, ``;`` or tab separated) by its header names.

    Title or comment lines above the header, blank lines, ``#`` comment lines
    and footnote lines (a line of prose in one cell) are skipped; a UTF-8 byte
    order mark is ignored; header names are compared stripped and lower-cased;
    dates in ``date_columns`` that are not ``YYYY-MM-DD`` are read when they
    have one reading (see :func:`parse_date_column`) and rewritten as
    ``YYYY-MM-DD``.

    Parameters
    ----------
    path : Path
        The file.
    required : iterable of str
        Lower-case header names that identify the header line.
    date_columns : iterable of str
        Columns holding dates.
    error : type
        The :class:`DataError` subclass to raise.

    Returns
    -------
    (pandas.DataFrame, list of str)
        All cells as stripped strings (empty string for a blank cell), and the
        load report (every skipped line and rewritten value).

    Raises
    ------
    DataError
        (``error``) naming the file, line and column: no header line, a cell
        beyond the header, an unreadable or ambiguous date.
    """
    import csv
    import io

    name = repr(str(path))
    raw = path.read_bytes()
    report: list[str] = []
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
        report.append("not UTF-8: decoded as Windows-1252")
    required = tuple(required)
    found = None
    for delim in (",", ";", "\t"):
        reader = csv.reader(io.StringIO(text), delimiter=delim)
        lines = [(reader.line_num, row) for row in reader]
        for k, (_, row) in enumerate(lines):
            cells = [c.strip().lower() for c in row]
            if all(r in cells for r in required):
                found = (delim, k, lines)
                break
        if found:
            break
    if found is None:
        raise error(f"{name}: no header line naming the columns {list(required)} "
                    "(comma, semicolon or tab separated)")
    delim, k, lines = found
    if delim != ",":
        report.append(f"columns separated by {delim!r}")
    if k:
        report.append(f"header on line {lines[k][0]}; {k} line(s) above it skipped")
    header = [c.strip().lower() for c in lines[k][1]]
    if header != lines[k][1]:
        report.append("header names stripped and lower-cased")
    keep = [i for i, h in enumerate(header) if h]
    body, skipped = [], []
    for line_no, row in lines[k + 1:]:
        cells = [c.strip() for c in row]
        filled = [c for c in cells if c]
        if not filled:
            skipped.append((line_no, "blank"))
            continue
        if cells[0].startswith("#") or (len(filled) == 1 and _is_prose(filled[0])):
            skipped.append((line_no, filled[0][:60]))
            continue
        extra = [i for i, c in enumerate(cells) if c and (i >= len(header) or not header[i])]
        if extra:
            raise error(f"{name}, line {line_no}: value {cells[extra[0]]!r} in column {extra[0] + 1}, which has "
                        "no header")
        cells += [""] * (len(header) - len(cells))
        body.append([cells[i] for i in keep])
    if skipped:
        report.append(f"{len(skipped)} blank, comment or note line(s) skipped: "
                      + "; ".join(f"line {n} ({w})" for n, w in skipped[:5]))
    table = pd.DataFrame(body, columns=[header[i] for i in keep], dtype=object)
    for col in date_columns:
        if col not in table:
            continue
        pos = [i for i, v in enumerate(table[col]) if v and not _ISO_TEXT.fullmatch(v) and _readable_date(v)]
        if not pos:
            continue  # what is not a date at all is left for the caller to refuse, naming its row
        try:
            dates, notes = parse_date_column([table.at[i, col] for i in pos], [i + 1 for i in pos])
        except CellError as exc:
            raise error(f"{name}, column {col!r}, {exc} (data rows below the header)") from None
        for i, d in zip(pos, dates):
            table.at[i, col] = d.date().isoformat()
        report.extend(f"column {col!r}: {n.replace('date(s)', 'non-ISO date(s)')}, rewritten as YYYY-MM-DD"
                      for n in notes)
    return table, report
