"""Forecasting models: one interface (:class:`BaseForecaster`), one result (:class:`Forecast`).

==================  ==========================================================
name                model
==================  ==========================================================
``seasonal_naive``  same days last year (or last week), residual-bootstrap paths
``climatology``     day-of-year mean over past years, empirical spread
``hurdle``          hurdle negative binomial (statsmodels): P(crossing day) × E[arrivals | crossing]
``sarimax``         SARIMAX on log weekly totals, day shares (design='daily_sqrt': old)
``gbm``             LightGBM (Poisson/Tweedie), HistGradientBoosting fallback
``level``           last year's season x this year's level so far (ridge, per horizon bucket)
==================  ==========================================================

``make_forecaster(name, **params)`` builds one by name; ``"best"`` is the
documented default choice (see :data:`BEST_MODEL`).
"""

from __future__ import annotations

from crossingcast.models.base import DEFAULT_QUANTILES, BaseForecaster, Forecast, load_forecaster

__all__ = ["BaseForecaster", "Forecast", "DEFAULT_QUANTILES", "load_forecaster", "make_forecaster",
           "MODEL_NAMES", "BEST_MODEL"]

#: Model names accepted by :func:`make_forecaster` and the CLI's ``--model``.
MODEL_NAMES = ("seasonal_naive", "climatology", "hurdle", "sarimax", "gbm", "level", "best")

#: What ``--model best`` means: the model with the lowest weekly-total RMSE in
#: the rolling-origin summer backtests (benchmarks/accuracy.py); update it
#: when the leaderboard changes.
BEST_MODEL = "gbm"


def make_forecaster(name: str, **params) -> BaseForecaster:
    """A forecaster by name (see :data:`MODEL_NAMES`); ``params`` go to its constructor."""
    from crossingcast.errors import ModelError

    key = BEST_MODEL if name == "best" else name
    if key == "seasonal_naive":
        from crossingcast.models.baselines import SeasonalNaive as cls
    elif key == "climatology":
        from crossingcast.models.baselines import Climatology as cls
    elif key == "hurdle":
        from crossingcast.models.hurdle import HurdleForecaster as cls
    elif key == "sarimax":
        from crossingcast.models.sarimax import sarimax_forecaster

        return sarimax_forecaster(**params)
    elif key == "gbm":
        from crossingcast.models.gbm import GBMForecaster as cls
    elif key == "level":
        from crossingcast.models.level import LevelForecaster as cls
    else:
        raise ModelError(f"unknown model {name!r}; choose one of {list(MODEL_NAMES)}")
    return cls(**params)
