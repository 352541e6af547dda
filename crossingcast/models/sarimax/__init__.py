"""SARIMAX forecasters (statsmodels at the core), in two designs.

``design="weekly"`` (the default ``sarimax``, :class:`WeeklySarimax`): SARIMAX on Box-Cox weekly totals with a
local level, parameter draws, and a Dirichlet-multinomial day-share model.  ``design="daily_sqrt"``
(:class:`DailySarimax`): the earlier regression with seasonal ARMA errors on the square root of daily counts.
docs/models.md compares them with measured figures.
"""

from __future__ import annotations

from crossingcast.errors import ModelError
from crossingcast.models.sarimax.daily import DailySarimax
from crossingcast.models.sarimax.shares import DayShareModel
from crossingcast.models.sarimax.simulate import parameter_draws, simulate_state_space
from crossingcast.models.sarimax.transforms import (TRANSFORMS, boxcox_offset_mean, clipped_backtransform_mean,
                                                     lognormal_offset_mean)
from crossingcast.models.sarimax.weekly import WeeklySarimax

__all__ = ["SarimaxForecaster", "WeeklySarimax", "DailySarimax", "DayShareModel", "DESIGNS", "sarimax_forecaster",
           "TRANSFORMS", "clipped_backtransform_mean", "lognormal_offset_mean", "boxcox_offset_mean",
           "simulate_state_space", "parameter_draws"]

#: The default design is the one that won the measurements in docs/models.md.
SarimaxForecaster = WeeklySarimax

DESIGNS = {"weekly": WeeklySarimax, "daily_sqrt": DailySarimax}


def sarimax_forecaster(design: str = "weekly", **params):
    """A SARIMAX forecaster of the given ``design`` (``"weekly"`` or ``"daily_sqrt"``)."""
    if design not in DESIGNS:
        raise ModelError(f"sarimax: design must be one of {list(DESIGNS)}, got {design!r}")
    return DESIGNS[design](**params)
