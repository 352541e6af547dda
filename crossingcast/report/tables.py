"""Forecast tables and plots: the top layer, used by notebooks and the CLI.

Tables are plain pandas DataFrames; :func:`write_table` exports them to CSV,
Markdown or HTML, chosen by the file extension.  Writes are atomic (a crash
mid-write leaves any previous file intact) and deterministic (same table ->
byte-identical file).
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from crossingcast.data.home import atomic_write_text
from crossingcast.errors import CrossingcastError

TABLE_FORMATS = {".csv": "csv", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}


def format_table(table: pd.DataFrame, fmt: str = "csv", float_format: str = "%.6g") -> str:
    """Render a table as text.

    Parameters
    ----------
    table : pandas.DataFrame
        The table (a ``DatetimeIndex`` or named index is written as a column).
    fmt : {"csv", "markdown", "html"}
        Output format.
    float_format : str
        printf-style format for floats (fixed, so output is reproducible).

    Returns
    -------
    str
    """
    if not isinstance(table, pd.DataFrame):
        raise CrossingcastError(f"format_table: expected a DataFrame, got {type(table).__name__}")
    out = table.copy()
    if out.index.name is not None or not isinstance(out.index, pd.RangeIndex):
        out = out.reset_index()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            s = out[col]
            has_time = bool(((s.dt.hour != 0) | (s.dt.minute != 0) | (s.dt.second != 0)).any())
            out[col] = s.dt.strftime("%Y-%m-%d %H:%M:%S" if has_time else "%Y-%m-%d")
    if fmt == "csv":
        return out.to_csv(index=False, float_format=float_format, lineterminator="\n")
    floats = out.select_dtypes("float").columns
    for col in floats:
        out[col] = out[col].map(lambda v: "" if pd.isna(v) else float_format % v)
    if fmt == "markdown":
        cols = [str(c) for c in out.columns]
        lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
        for row in out.astype(str).itertuples(index=False):
            lines.append("| " + " | ".join(v.replace("|", "\\|") for v in row) + " |")
        return "\n".join(lines) + "\n"
    if fmt == "html":
        return out.to_html(index=False, escape=True, border=0) + "\n"
    raise CrossingcastError(f"unknown table format {fmt!r}; use one of csv, markdown, html")


def write_table(table: pd.DataFrame, path: str | os.PathLike, float_format: str = "%.6g") -> Path:
    """Write a table to ``path`` as CSV, Markdown or HTML (by extension), atomically.

    Parameters
    ----------
    table : pandas.DataFrame
        The table to write.
    path : str or path-like
        Destination; the extension (.csv, .md, .html) chooses the format.
    float_format : str
        printf-style float format.

    Returns
    -------
    pathlib.Path
        The written path.
    """
    path = Path(path)
    fmt = TABLE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise CrossingcastError(f"{path}: unknown table extension {path.suffix!r}; "
                                f"use one of {', '.join(sorted(TABLE_FORMATS))}")
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    return atomic_write_text(path, format_table(table, fmt, float_format=float_format))
