"""Leaderboard helpers: combine backtest tables and write them reproducibly.

The evaluation layer does not import :mod:`crossingcast.report` (layering:
evaluate sits below report/cli), so the few writers it needs live here:
CSV and Markdown with a fixed float format, written atomically.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

__all__ = ["LEADERBOARD_METRICS", "format_markdown", "write_csv", "write_text", "combine_leaderboards"]

#: Leaderboard columns (see :meth:`crossingcast.evaluate.BacktestResult.leaderboard`):
#: the metric and whether lower is better.
LEADERBOARD_METRICS = {
    "mae": "lower (rewards zeros on zero-inflated counts: not used to rank)",
    "rmse": "lower (daily mean forecasts)",
    "mase": "lower (< 1 beats the in-sample weekly naive)",
    "crps": "lower (daily predictive distribution)",
    "pinball": "lower (mean over P10/P50/P90)",
    "pit_ks": "lower (daily randomised-PIT distance to uniform: the daily calibration measure)",
    "pit_below10": "closest to 0.10 (lower-tail calibration, randomised PIT)",
    "pit_above90": "closest to 0.10 (upper-tail calibration, randomised PIT)",
    "total_coverage80": "closest to 0.80 (horizon totals inside their path P10-P90)",
    "coverage80": "secondary: reads high on zero-inflated days (P10 = P90 = 0 covers every zero); use pit_*",
    "below_p10": "about 0.10 or less (0 when P10 = 0)",
    "above_p90": "closest to 0.10 (upper-tail calibration)",
    "wk_rmse": "lower (weekly totals: the ranking metric)",
    "wk_coverage80": "closest to 0.80",
    "season_total_error": "closest to 0",
    "season_total_mape": "lower",
}


def _plain(table: pd.DataFrame) -> pd.DataFrame:
    out = table.copy()
    if out.index.name is not None or not isinstance(out.index, pd.RangeIndex):
        out = out.reset_index()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
    return out


def format_markdown(table: pd.DataFrame, float_format: str = "%.4g") -> str:
    """A pipe table (fixed float format, so identical tables give identical text)."""
    out = _plain(table)
    for col in out.select_dtypes("float").columns:
        out[col] = out[col].map(lambda v: "" if pd.isna(v) else float_format % v)
    cols = [str(c) for c in out.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for row in out.astype(str).itertuples(index=False):
        lines.append("| " + " | ".join(v.replace("|", "\\|") for v in row) + " |")
    return "\n".join(lines) + "\n"


def write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` atomically (a crash leaves any previous file intact)."""
    from crossingcast.data.home import atomic_write_text

    path = Path(path)
    if not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    return atomic_write_text(path, text)


def write_csv(table: pd.DataFrame, path: str | os.PathLike, float_format: str = "%.6g") -> Path:
    """Write ``table`` as CSV atomically with a fixed float format (byte-reproducible)."""
    text = _plain(table).to_csv(index=False, float_format=float_format, lineterminator="\n")
    return write_text(path, text)


def combine_leaderboards(*boards: pd.DataFrame, sort_by: str = "wk_rmse") -> pd.DataFrame:
    """Stack leaderboards (e.g. crossingcast's and an external baseline's) and re-rank by ``sort_by``.

    Raises
    ------
    ValueError
        If the boards carry different ``weather`` labels (e.g. ``"oracle"`` and
        ``"climatology"``): forecasts made with observed weather and without it
        are never ranked in one table.
    """
    labels = sorted({str(v) for b in boards if "weather" in b.columns for v in b["weather"].unique()})
    if len(labels) > 1:
        raise ValueError(f"combine_leaderboards: the boards mix weather modes {labels}; rank oracle and "
                         "climatology backtests in separate tables")
    board = pd.concat([b.drop(columns=["rank"], errors="ignore") for b in boards], ignore_index=True)
    board = board.sort_values([sort_by, "model"], kind="mergesort").reset_index(drop=True)
    board.insert(0, "rank", range(1, len(board) + 1))
    return board
