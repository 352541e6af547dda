"""crossingcast: forecasts of daily small-boat crossings of the English Channel.

Quick start::

    import crossingcast as cc
    counts = cc.load_counts("../shared/data")          # official Home Office series
    frame = cc.build_frame(counts)                      # + events, holidays, calendar
"""

from crossingcast import events
from crossingcast.data.homeoffice import load_counts, load_vintages, load_weekly, revisions
from crossingcast.errors import CrossingcastError
from crossingcast.frame import build_frame, future_frame

__version__ = "0.1.0"

__all__ = [
    "CrossingcastError",
    "build_frame",
    "events",
    "future_frame",
    "load_counts",
    "load_vintages",
    "load_weather",
    "load_weekly",
    "revisions",
]


def load_weather(*args, **kwargs):
    """Daily Channel weather features; see :func:`crossingcast.data.weather.load_weather`."""
    from crossingcast.data.weather import load_weather as _load_weather

    return _load_weather(*args, **kwargs)
