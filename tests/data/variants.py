"""Generate malformed and re-laid-out variants of a REAL Home Office release.

Every variant starts from the cells of a real ``.ods`` release in
``$CROSSINGCAST_DATA/homeoffice`` (never a hand-made table), changes them the
way people and publishers change spreadsheets (title rows, reordered columns,
footnotes, values typed as text, a huge value, swapped columns...) and writes
a genuine OpenDocument file with a small direct writer (``content.xml`` in a
zip, dates as ``office:date-value`` cells): pandas' ``odf`` engine needs tens
of seconds per release on a loaded machine, this needs milliseconds.

Variants are written into a temporary directory at test time; no generated
file is committed.  Run ``python -m tests.data.variants OUT_DIR`` to write
them all for inspection.
"""

from __future__ import annotations

import datetime as dt
import sys
import zipfile
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"
NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"')
MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ODS_MIME}"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            '</manifest:manifest>')

#: First day kept in the SB_01 / SB_02 variants: three complete official years (2023-2025) stay in.
FIRST_DAY = pd.Timestamp("2023-01-01")


# --------------------------------------------------------------------------- reading and writing
def raw_release(path: Path, first_day: pd.Timestamp | None = FIRST_DAY) -> dict[str, pd.DataFrame]:
    """All sheets of a real release as raw cells; SB_01/SB_02 keep the header and rows from ``first_day``."""
    book = pd.read_excel(path, sheet_name=None, header=None, engine="calamine")
    if first_day is not None:
        for name in ("SB_01", "SB_02"):
            t = book[name]
            dates = pd.to_datetime(t.iloc[1:, 0], errors="coerce")
            keep = dates[dates >= first_day].index
            book[name] = pd.concat([t.iloc[:1], t.loc[keep]], ignore_index=True)
    return {k: v.astype(object) for k, v in book.items()}


def _cell(v) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT:
        return "<table:table-cell/>"
    if isinstance(v, (pd.Timestamp, dt.datetime, dt.date)):
        d = pd.Timestamp(v)
        iso = d.date().isoformat() if d == d.normalize() else d.isoformat()
        return (f'<table:table-cell office:value-type="date" office:date-value="{iso}">'
                f"<text:p>{d.strftime('%d/%m/%Y')}</text:p></table:table-cell>")
    if isinstance(v, (bool, np.bool_)):
        return (f'<table:table-cell office:value-type="boolean" office:boolean-value="{str(bool(v)).lower()}">'
                f"<text:p>{str(bool(v)).upper()}</text:p></table:table-cell>")
    if isinstance(v, (int, float, np.integer, np.floating)):
        x = float(v)
        txt = f"{int(x)}" if x.is_integer() else repr(x)
        return (f'<table:table-cell office:value-type="float" office:value="{txt}">'
                f"<text:p>{txt}</text:p></table:table-cell>")
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(v))}</text:p></table:table-cell>'


def write_ods(sheets: dict[str, pd.DataFrame], path: Path) -> Path:
    """Write raw cell tables as a genuine ODS workbook (the cells are the table: no index, no header)."""
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {NS}>'
             "<office:body><office:spreadsheet>"]
    for name, table in sheets.items():
        parts.append(f'<table:table table:name="{escape(name)}">')
        for row in table.itertuples(index=False, name=None):
            parts.append("<table:table-row>" + "".join(_cell(v) for v in row) + "</table:table-row>")
        parts.append("</table:table>")
    parts.append("</office:spreadsheet></office:body></office:document-content>")
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), ODS_MIME, compress_type=zipfile.ZIP_STORED)
        zf.writestr("META-INF/manifest.xml", MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("content.xml", "".join(parts), compress_type=zipfile.ZIP_DEFLATED)
    return path


def write_xlsx(table: pd.DataFrame, path: Path, sheet: str = "SB_01") -> Path:
    """A minimal genuine .xlsx (Office Open XML, inline strings) holding ``table``'s cells."""
    rows = []
    for r, row in enumerate(table.itertuples(index=False, name=None), start=1):
        cells = []
        for c, v in enumerate(row):
            ref = f"{chr(65 + c)}{r}"
            if isinstance(v, (int, float, np.integer, np.floating)) and not pd.isna(v):
                cells.append(f'<c r="{ref}"><v>{v}</v></c>')
            elif not pd.isna(v):
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>')
        rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml",
                    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                    '<Default Extension="xml" ContentType="application/xml"/>'
                    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
                    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" '
                    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
        zf.writestr("_rels/.rels", f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                    f'package/2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" '
                    'Target="xl/workbook.xml"/></Relationships>')
        zf.writestr("xl/workbook.xml", f'<?xml version="1.0"?><workbook {ns} xmlns:r="{rel}"><sheets>'
                    f'<sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>')
        zf.writestr("xl/_rels/workbook.xml.rels", f'<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                    f'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
                    f'Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        zf.writestr("xl/worksheets/sheet1.xml", f'<?xml version="1.0"?><worksheet {ns}><sheetData>'
                    + "".join(rows) + "</sheetData></worksheet>")
    return path


# --------------------------------------------------------------------------- layout changes (must load unchanged)
def _copy(s: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {k: v.copy() for k, v in s.items()}


def _rows_above(t: pd.DataFrame, rows: list[list]) -> pd.DataFrame:
    width = t.shape[1]
    top = pd.DataFrame([(r + [None] * width)[:width] for r in rows], columns=t.columns, dtype=object)
    return pd.concat([top, t], ignore_index=True)


def _rows_below(t: pd.DataFrame, rows: list[list]) -> pd.DataFrame:
    width = t.shape[1]
    bottom = pd.DataFrame([(r + [None] * width)[:width] for r in rows], columns=t.columns, dtype=object)
    return pd.concat([t, bottom], ignore_index=True)


def _map_body(t: pd.DataFrame, cols, fn) -> pd.DataFrame:
    t = t.copy()
    for c in cols:
        t.iloc[1:, c] = [fn(v) for v in t.iloc[1:, c]]
    return t


def title_rows(s):
    """Three title/notes rows above each table (one with a date in it)."""
    s = _copy(s)
    for k in ("SB_01", "SB_02"):
        s[k] = _rows_above(s[k], [[f"Table {k}: small boat arrivals"], ["Source: Home Office, 1 May 2026"], []])
    return s


def offset_right_and_down(s):
    """Blank rows above and two blank columns left of each table."""
    s = _copy(s)
    for k in ("SB_01", "SB_02"):
        t = s[k]
        t.columns = range(2, t.shape[1] + 2)
        t.insert(0, 0, None)
        t.insert(1, 1, None)
        s[k] = _rows_above(t, [[], [], []])
    return s


def footnotes_below(s):
    """Blank row then footnotes (with digits in them) below each table."""
    s = _copy(s)
    for k in ("SB_01", "SB_02"):
        s[k] = _rows_below(s[k], [[], ["Note 1: figures for the latest 7 days are provisional"],
                                  ["Source: Home Office, published 1 May 2026"]])
    return s


def blank_rows_inside(s):
    """Empty rows between data rows (every 100th row)."""
    s = _copy(s)
    t = s["SB_01"]
    blank = pd.DataFrame([[None] * t.shape[1]], columns=t.columns, dtype=object)
    pieces = [t.iloc[i:i + 100] for i in range(0, len(t), 100)]
    s["SB_01"] = pd.concat([p for piece in pieces for p in (piece, blank)], ignore_index=True)
    return s


def columns_reordered_and_added(s):
    """Columns in reverse order plus two new columns (an analyst's comment, a 7-day average)."""
    s = _copy(s)
    for k in ("SB_01", "SB_02"):
        t = s[k][list(reversed(s[k].columns))]
        t.columns = range(t.shape[1])
        t[t.shape[1]] = ["Analyst comment"] + ["checked"] * (len(t) - 1)
        t[t.shape[1]] = ["7-day average"] + [1.5] * (len(t) - 1)
        s[k] = t
    return s


def extra_sheets(s):
    """Contents and chart sheets added, one of them named like SB_01 (sheet order changed)."""
    contents = pd.DataFrame([["Contents"], ["SB_01 daily"], ["SB_02 weekly"]], dtype=object)
    chart = pd.DataFrame([["Chart of SB_01: arrivals by day"]], dtype=object)
    out = {"Contents": contents, "SB_01_chart": chart}
    out.update({k: s[k] for k in ("SB_02", "SB_01", "Notes", "Cover_sheet")})
    return out


def sheet_renamed(s):
    """SB_01 renamed 'Daily arrivals': found by its columns."""
    s = _copy(s)
    return {("Daily arrivals" if k == "SB_01" else k): v for k, v in s.items()}


def numbers_as_text(s):
    """Every count typed as text."""
    s = _copy(s)
    for k in ("SB_01", "SB_02"):
        s[k] = _map_body(s[k], range(1, s[k].shape[1] - 1),
                         lambda v: str(int(v)) if isinstance(v, (int, float)) and not pd.isna(v) else v)
    return s


def thousands_separators(s):
    """Counts as text with thousands separators ("1,234"; a non-breaking space in SB_02)."""
    s = _copy(s)
    s["SB_01"] = _map_body(s["SB_01"], [1, 2], lambda v: f"{int(v):,}" if isinstance(v, (int, float)) else v)
    s["SB_02"] = _map_body(s["SB_02"], [1, 2, 4],
                           lambda v: f"{int(v):,}".replace(",", "\u00a0") if isinstance(v, (int, float)) else v)
    return s


def _dates_as(fmt: str, name: str):
    def variant(s):
        s = _copy(s)
        for k in ("SB_01", "SB_02"):
            s[k] = _map_body(s[k], [0], lambda v: pd.Timestamp(v).strftime(fmt))
        return s
    variant.__doc__ = f"Dates typed as text {fmt!r}."
    variant.__name__ = variant.__qualname__ = name
    return variant


dates_as_iso_text = _dates_as("%Y-%m-%d", "dates_as_iso_text")
dates_as_dmy_text = _dates_as("%d/%m/%Y", "dates_as_dmy_text")
dates_as_named_month = _dates_as("%d %B %Y", "dates_as_named_month")
dates_as_us_text = _dates_as("%m/%d/%Y", "dates_as_us_text")


def rows_shuffled(s):
    """Data rows in random order (fixed seed)."""
    s = _copy(s)
    for k in ("SB_01", "SB_02"):
        t = s[k]
        s[k] = pd.concat([t.iloc[:1], t.iloc[1:].sample(frac=1.0, random_state=7)], ignore_index=True)
    return s


def total_row(s, wrong: int = 0):
    """A 'Total' row below SB_01 with the column sums (``wrong`` added to the migrants total)."""
    s = _copy(s)
    t = s["SB_01"]
    sums = [pd.to_numeric(t.iloc[1:, c], errors="coerce").sum() for c in (1, 2)]
    s["SB_01"] = _rows_below(t, [["Total", int(sums[0]) + wrong, int(sums[1])]])
    return s


def relayout(s, *, row_offset: int = 0, col_offset: int = 0, orders: dict[str, list[int]] | None = None,
             notes: int = 0, numbers_as: str = "number", dates_as: str = "date"):
    """Several layout changes at once (for the property-based test).

    ``row_offset`` title rows and ``col_offset`` blank columns before each table, columns in
    ``orders[sheet]`` order, ``notes`` footnote rows below, counts typed as ``"number"``,
    ``"text"`` or ``"thousands"`` text, dates as ``"date"`` cells or text in format
    ``"iso"``, ``"dmy"``, ``"named"`` or ``"us"``.
    """
    s = _copy(s)
    if numbers_as == "text":
        s = numbers_as_text(s)
    elif numbers_as == "thousands":
        s = thousands_separators(s)
    fmt = {"iso": dates_as_iso_text, "dmy": dates_as_dmy_text, "named": dates_as_named_month,
           "us": dates_as_us_text}
    if dates_as in fmt:
        s = fmt[dates_as](s)
    for k in ("SB_01", "SB_02"):
        t = s[k]
        if orders and k in orders:
            t = t[list(orders[k])]
        t.columns = range(col_offset, col_offset + t.shape[1])
        for c in range(col_offset):
            t.insert(c, c, None)
        t = _rows_above(t, [[f"Title row {i + 1} of {k}"] if i % 2 == 0 else [] for i in range(row_offset)])
        t = _rows_below(t, [[f"Note {i + 1}: provisional figures, see the 2026 user guide"] for i in range(notes)])
        s[k] = t
    return s


LAYOUTS: dict[str, Callable] = {f.__name__: f for f in (
    title_rows, offset_right_and_down, footnotes_below, blank_rows_inside, columns_reordered_and_added,
    extra_sheets, sheet_renamed, numbers_as_text, thousands_separators, dates_as_iso_text, dates_as_dmy_text,
    dates_as_named_month, dates_as_us_text, rows_shuffled, total_row)}


# --------------------------------------------------------------------------- inputs that must be refused or warned
def _row_of(t: pd.DataFrame, day: str) -> int:
    d = pd.to_datetime(t.iloc[1:, 0], errors="coerce")
    return int(d.index[d == pd.Timestamp(day)][0])


def set_cell(s, sheet: str, day: str, col: int, value):
    s = _copy(s)
    s[sheet].iat[_row_of(s[sheet], day), col] = value
    return s


def header_removed(s):
    s = _copy(s)
    s["SB_01"] = s["SB_01"].iloc[1:].reset_index(drop=True)
    return s


def columns_swapped(s):
    """The migrants and boats headers swapped (so boats > migrants on every crossing day)."""
    s = _copy(s)
    t = s["SB_01"]
    t.iat[0, 1], t.iat[0, 2] = t.iat[0, 2], t.iat[0, 1]
    return s


def duplicated_column(s):
    s = _copy(s)
    t = s["SB_01"]
    t[t.shape[1]] = t[1]
    return s


def row_after_release(s, release_end: pd.Timestamp, days: int = 2):
    s = _copy(s)
    t = s["SB_01"]
    extra = [[release_end + pd.Timedelta(days=i), 0, 0, 0, None] for i in range(1, days + 1)]
    s["SB_01"] = _rows_below(t, extra)
    return s


def mixed_date_orders(s):
    """Day-first text dates, with the rows of one month pasted in month-first order."""
    s = dates_as_dmy_text(s)
    t = s["SB_01"]
    for i in range(1, len(t)):
        d = pd.to_datetime(t.iat[i, 0], dayfirst=True)
        if d.year == 2024 and d.month == 3:
            t.iat[i, 0] = d.strftime("%m/%d/%Y")
    return s


def only_ambiguous_dates(s):
    """SB_01 cut to 1-12 April 2026 with DD/MM/YYYY text dates: every date has two readings."""
    s = _copy(s)
    t = s["SB_01"]
    d = pd.to_datetime(t.iloc[1:, 0], errors="coerce")
    keep = d[(d >= "2026-04-01") & (d <= "2026-04-12")].index
    t = pd.concat([t.iloc[:1], t.loc[keep]], ignore_index=True)
    s["SB_01"] = _map_body(t, [0], lambda v: pd.Timestamp(v).strftime("%d/%m/%Y"))
    return s


def truncated(data: bytes) -> bytes:
    return data[: len(data) * 2 // 3]


def corrupt_member(path: Path) -> bytes:
    """Flip bytes inside the compressed content.xml (the zip directory stays intact: a CRC error)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("content.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for i in range(start + 100, start + 140):
        data[i] ^= 0xFF
    return bytes(data)


def odt_named_ods(data_path: Path, out: Path) -> Path:
    """The real release re-packed with a text-document mimetype (an .odt saved as .ods)."""
    with zipfile.ZipFile(data_path) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            payload = src.read(item.filename)
            if item.filename == "mimetype":
                payload = b"application/vnd.oasis.opendocument.text"
            dst.writestr(item, payload)
    return out


def main(argv: list[str]) -> None:  # pragma: no cover - manual inspection helper
    import os

    out = Path(argv[0] if argv else "variants")
    out.mkdir(parents=True, exist_ok=True)
    data = Path(os.environ.get("CROSSINGCAST_DATA", "../shared/data")) / "homeoffice"
    base = raw_release(sorted(data.glob("*.ods"))[-1])
    for name, fn in LAYOUTS.items():
        write_ods(fn(base), out / f"{name}_2026-05-01.ods")
        print(out / f"{name}_2026-05-01.ods")


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
