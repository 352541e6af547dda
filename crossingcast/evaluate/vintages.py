"""Data vintages: the Home Office release available at a forecast origin.

The daily series is provisional and revised between releases (``../shared/data``
holds three: to 2025-11-13, 2025-12-28 and 2026-04-30).  A backtest on the
latest release uses counts that were revised *after* the origin; with
``vintage="as_of"`` (:func:`crossingcast.evaluate.rolling_origin_backtest`)
each origin is fitted on the counts of the release of its time instead.

Rule (:func:`release_for`): the release for origin ``o`` is the **earliest
release whose daily series reaches ``o``** -- with weekly releases, the one
published in the origin's week, holding the first-published figures for the
days up to ``o``.  Its ``lag_days`` (release end - origin) says how far it is
from the origin; origins before the oldest release's coverage can only use the
oldest release (``exact`` False when the lag exceeds 7 days) and the tables say
so.  Actuals are always scored against the frame the backtest was given (the
latest figures): a vintage changes what the model saw, not the truth.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from crossingcast.errors import DataError

__all__ = ["VintageChoice", "release_for", "frame_as_of", "COUNT_FIELDS"]

#: Count columns replaced by a release's values (weather, events and calendar columns are kept).
COUNT_FIELDS = ("migrants", "boats", "uncontrolled_boats", "revised")


@dataclass(frozen=True)
class VintageChoice:
    """The release used for an origin.

    Attributes
    ----------
    name : str
        Release file name.
    end : pandas.Timestamp
        Last day of its daily series.
    lag_days : int
        ``end - origin`` in days (0..6 for a weekly release of the origin's week).
    exact : bool
        True when ``lag_days <= 7`` (the release of the origin's time).
    note : str
        Plain statement of the choice.
    """

    name: str
    end: pd.Timestamp
    lag_days: int
    exact: bool
    note: str


def release_for(origin, vintages: dict) -> VintageChoice:
    """The release whose figures were available at ``origin`` (see the module rule).

    Parameters
    ----------
    origin : date-like
        Last observed day.
    vintages : dict
        ``{file name: daily table}`` from :func:`crossingcast.data.homeoffice.load_vintages`.

    Returns
    -------
    VintageChoice

    Raises
    ------
    DataError
        If no release is given or none reaches the origin.
    """
    if not vintages:
        raise DataError("vintages: no Home Office release given (load_vintages(data_dir) found none)")
    origin = pd.Timestamp(origin).normalize()
    ends = sorted(((d.index[-1], name) for name, d in vintages.items()), key=lambda t: (t[0], t[1]))
    reach = [(e, n) for e, n in ends if e >= origin]
    if not reach:
        raise DataError(f"vintages: no release reaches the origin {origin.date()} (newest {ends[-1][1]} ends "
                        f"{ends[-1][0].date()})")
    end, name = reach[0]
    lag = int((end - origin).days)
    exact = lag <= 7
    if exact:
        note = f"{name} (to {end.date()}): the release of the origin's week"
    else:
        note = (f"{name} (to {end.date()}): oldest release reaching the origin, {lag} days later (no release "
                f"from the origin's time is available: its counts include {lag} days of later revisions)")
    return VintageChoice(name=name, end=end, lag_days=lag, exact=exact, note=note)


def frame_as_of(origin, vintages: dict, frame: pd.DataFrame) -> tuple[pd.DataFrame, VintageChoice]:
    """``frame.loc[:origin]`` with its counts replaced by those of the release available at ``origin``.

    Parameters
    ----------
    origin : date-like
        Last observed day.
    vintages : dict
        ``{file name: daily table}`` (:func:`crossingcast.data.homeoffice.load_vintages`).
    frame : pandas.DataFrame
        The daily frame (latest release; its weather, event and calendar columns are kept).

    Returns
    -------
    history : pandas.DataFrame
        The frame up to ``origin`` with the release's counts (attrs kept, plus ``vintage``).
    choice : VintageChoice

    Raises
    ------
    DataError
        If the release lacks dates of the history (names the release and the dates).
    """
    choice = release_for(origin, vintages)
    daily = vintages[choice.name]
    hist = frame.loc[:pd.Timestamp(origin)].copy()
    missing = hist.index.difference(daily.index)
    if len(missing):
        raise DataError(f"vintages: release {choice.name} has no counts for {len(missing)} date(s) of the history, "
                        f"e.g. {[d.date().isoformat() for d in missing[:5]]}")
    for col in COUNT_FIELDS:
        if col in hist.columns and col in daily.columns:
            hist[col] = daily.loc[hist.index, col].to_numpy(dtype=hist[col].dtype)
    hist.attrs = {**frame.attrs, "vintage": choice.name}
    return hist, choice
