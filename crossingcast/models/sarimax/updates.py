"""What both SARIMAX designs check before ``update``: the new days that extend the fitted history."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crossingcast.errors import ModelError

__all__ = ["new_days"]

_DAY = pd.Timedelta(days=1)


def new_days(frame: pd.DataFrame, idx: pd.DatetimeIndex, target: str,
             last_date: pd.Timestamp) -> tuple[pd.DataFrame, np.ndarray]:
    """Rows of ``frame`` after ``last_date`` and their target values, or a ModelError saying why not.

    ``idx`` is the frame's checked daily index.  The frame must have the target, end after
    ``last_date``, start no later than the day after it, and hold non-negative, non-missing targets.
    """
    if target not in frame.columns:
        raise ModelError(f"update frame: no target column {target!r}")
    if idx[-1] <= last_date:
        raise ModelError(f"update frame ends on {idx[-1].date()}, which does not extend the fitted history "
                         f"(through {last_date.date()})")
    first_new = last_date + _DAY
    if idx[0] > first_new:
        raise ModelError(f"update frame starts on {idx[0].date()}, leaving a gap after the fitted history "
                         f"(through {last_date.date()}); it must include {first_new.date()}")
    new = frame.loc[frame.index >= first_new]
    y = new[target].to_numpy(dtype=float)
    if np.isnan(y).any() or (y < 0).any():
        raise ModelError(f"update frame: target {target!r} must be non-negative without missing values")
    return new, y
