"""Helpers that derive test spreadsheets from the REAL Home Office releases.

Variants (renamed sheets, title rows, bad cells...) are made by reading a real
release's sheets as raw cells, changing them, and writing a genuine ODS with
pandas' ``odf`` engine, so the parser always meets the upstream file format.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def raw_sheets(path: Path, daily_rows: int | None = 500) -> dict[str, pd.DataFrame]:
    """All sheets of a real release as raw cell tables (header row included).

    ``daily_rows`` keeps the header and only the last N data rows of SB_01 / SB_02
    (the slow part of writing ODS files), so variants stay quick to write.
    """
    book = pd.read_excel(path, sheet_name=None, header=None, engine="calamine")
    if daily_rows is not None:
        for name in ("SB_01", "SB_02"):
            t = book[name]
            book[name] = pd.concat([t.iloc[:1], t.iloc[1:].tail(daily_rows)], ignore_index=True)
    return book


def write_ods(sheets: dict[str, pd.DataFrame], path: Path) -> Path:
    """Write raw cell tables as an ODS workbook (no index, no header: the cells are the table)."""
    with pd.ExcelWriter(path, engine="odf") as writer:
        for name, table in sheets.items():
            table.to_excel(writer, sheet_name=name, header=False, index=False)
    return path
