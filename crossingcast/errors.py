"""One exception family for crossingcast.

Every message names what it is about: the file, sheet, column, row or date.
Catch :class:`CrossingcastError` to handle anything this library raises on
purpose; the subclasses also derive from the matching built-in exception so
that generic ``except ValueError`` code keeps working.
"""

from __future__ import annotations

__all__ = [
    "CrossingcastError",
    "DataError",
    "SchemaError",
    "DownloadError",
    "OfflineError",
    "WeatherError",
    "EventsError",
    "FrameError",
    "ModelError",
    "NotFittedError",
    "ScenarioError",
    "DataQualityWarning",
]


class CrossingcastError(Exception):
    """Base class of every error raised on purpose by crossingcast."""


class DataError(CrossingcastError, ValueError):
    """Input data is malformed: the message names file, sheet, column and row/date."""


class SchemaError(DataError):
    """A spreadsheet or table does not have the sheets/columns it must have."""


class DownloadError(CrossingcastError, OSError):
    """A download failed after its retries, or its content failed verification."""


class OfflineError(DownloadError):
    """The network could not be reached and no cached copy is available."""


class WeatherError(DataError):
    """Weather data is missing, impossible or in the wrong units."""


class EventsError(DataError):
    """An events calendar row is invalid (dates, category, duplicate name...)."""


class FrameError(DataError):
    """The daily modelling frame failed validation."""


class ModelError(CrossingcastError, RuntimeError):
    """A model could not be fitted or asked to predict what it cannot."""


class NotFittedError(ModelError):
    """A forecaster was used before ``fit``."""


class ScenarioError(DataError):
    """A scenario specification is invalid (unknown keys, period outside the data...)."""


class DataQualityWarning(UserWarning):
    """A documented repair was applied to input data (never a silent change)."""
