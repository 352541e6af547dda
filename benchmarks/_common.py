"""Pieces shared by the benchmark scripts (run as ``python benchmarks/<name>.py``)."""

from __future__ import annotations

import os
import sys

import pandas as pd

import crossingcast as cc


def load_frame() -> pd.DataFrame:
    """The real daily frame from ``$CROSSINGCAST_DATA`` with a daily-frequency index (skforecast needs it)."""
    data = os.environ.get("CROSSINGCAST_DATA")
    if not data:
        sys.exit("set CROSSINGCAST_DATA to the data directory (with homeoffice/*.ods)")
    frame = cc.build_frame(cc.load_counts(data))
    frame.index = pd.DatetimeIndex(frame.index, freq="D")
    return frame


def require_skforecast():
    """Import skforecast or stop with a clear reason (it is in the ``bench`` extra only: skforecast pins pandas<3)."""
    try:
        import skforecast
    except ImportError:
        sys.exit("SKIPPED: this benchmark compares against skforecast, which is not installed. Install it with "
                 "pip install -e \".[bench]\" (skforecast requires pandas<3, so use a separate venv).")
    return skforecast
