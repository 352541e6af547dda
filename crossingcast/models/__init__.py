"""Forecasting models: one interface (:class:`BaseForecaster`), one result (:class:`Forecast`).

==================  ==========================================================
name                model
==================  ==========================================================
``seasonal_naive``  same days last year (or last week), residual-bootstrap paths
``climatology``     day-of-year mean over past years, empirical spread
``persistence``     last year's remaining season × this year's level so far (shrunk),
                    spread calibrated on its own past errors at the same horizon
``hurdle``          hurdle negative binomial (statsmodels): P(crossing day) × E[arrivals | crossing]
``sarimax``         SARIMAX on Box-Cox(0.25) weekly totals + day shares (design='daily_sqrt': the old daily model)
``gbm``             LightGBM (Poisson/Tweedie), HistGradientBoosting fallback
``level``           last year's season x this year's level so far (ridge, per horizon bucket)
``ensemble``        linear pool of members' sample paths (:mod:`crossingcast.models.ensemble`)
``ensemble_qa``     quantile average of five members' paths, spread scaled on past seasons
==================  ==========================================================

``make_forecaster(name, **params)`` builds one by name.  ``"best"`` depends
on the horizon (:func:`best_model`): the 14-day leaderboard's winner
(:data:`BEST_SHORT_MODEL`) up to :data:`CUTOVER_DAYS` days ahead, the
season-ahead leaderboard's winner (:data:`BEST_SEASON_MODEL`) beyond.
``make_forecaster("seasonal_naive", calibration="horizon")`` (and
``"climatology"``) give the baselines with a spread calibrated at the
forecast horizon (:mod:`crossingcast.models.persistence`), used by the
season-ahead backtest.
"""

from __future__ import annotations

from crossingcast.models.base import DEFAULT_QUANTILES, BaseForecaster, Forecast, load_forecaster

__all__ = ["BaseForecaster", "Forecast", "DEFAULT_QUANTILES", "load_forecaster", "make_forecaster",
           "MODEL_NAMES", "BEST_MODEL", "BEST_SHORT_MODEL", "BEST_SEASON_MODEL", "CUTOVER_DAYS", "best_model",
           "BASELINE_NAMES"]

#: Model names accepted by :func:`make_forecaster` and the CLI's ``--model``.
MODEL_NAMES = ("seasonal_naive", "climatology", "persistence", "hurdle", "sarimax", "gbm", "level", "ensemble",
               "ensemble_qa", "best")

#: The simple reference models (skill is measured against the best of them).
BASELINE_NAMES = ("seasonal_naive", "climatology", "persistence")

#: Winner of the 14-day rolling-origin board (lowest weekly-total RMSE, benchmarks/accuracy.py).
BEST_SHORT_MODEL = "gbm"

#: Season-ahead choice (see docs/models.md, "Choosing a model"): ``ensemble_qa`` (quantile average of five
#: members) has the lowest CRPS of rest-of-season totals (benchmarks/season_ahead.py, 122 origins 2021-2025:
#: 2,839 against persistence's 3,298, the best single model; better in 4 of 5 seasons).
BEST_SEASON_MODEL = "ensemble_qa"

#: Horizons (days ahead of the last observed day) up to this use :data:`BEST_SHORT_MODEL`; longer ones
#: use :data:`BEST_SEASON_MODEL`.  The 14-day board scores 1-14 days; 28 leaves a margin of two weeks.
CUTOVER_DAYS = 28

#: Back-compatible alias: the short-horizon best model.
BEST_MODEL = BEST_SHORT_MODEL


def best_model(horizon_days: int | None = None) -> str:
    """The model name ``"best"`` resolves to for a forecast ``horizon_days`` ahead.

    Parameters
    ----------
    horizon_days : int, optional
        Days from the last observed day to the last forecast day; None means
        a short horizon.

    Returns
    -------
    str
        :data:`BEST_SHORT_MODEL` if ``horizon_days <= CUTOVER_DAYS`` (or None), else :data:`BEST_SEASON_MODEL`.
    """
    if horizon_days is None or int(horizon_days) <= CUTOVER_DAYS:
        return BEST_SHORT_MODEL
    return BEST_SEASON_MODEL


def make_forecaster(name: str, horizon: int | None = None, **params) -> BaseForecaster:
    """A forecaster by name (see :data:`MODEL_NAMES`); ``params`` go to its constructor.

    ``horizon`` (days ahead) only matters for ``name="best"`` (see :func:`best_model`).
    ``calibration="horizon"`` selects the horizon-calibrated ``seasonal_naive`` / ``climatology``.
    """
    from crossingcast.errors import ModelError

    key = best_model(horizon) if name == "best" else name
    horizon_cal = params.pop("calibration", None) == "horizon"
    if key == "seasonal_naive":
        if horizon_cal:
            from crossingcast.models.persistence import SeasonNaiveH as cls
        else:
            from crossingcast.models.baselines import SeasonalNaive as cls
    elif key == "climatology":
        if horizon_cal:
            from crossingcast.models.persistence import ClimatologyH as cls
        else:
            from crossingcast.models.baselines import Climatology as cls
    elif key == "persistence":
        from crossingcast.models.persistence import LevelPersistence as cls
    elif key == "hurdle":
        from crossingcast.models.hurdle import HurdleForecaster as cls
    elif key == "sarimax":
        from crossingcast.models.sarimax import sarimax_forecaster

        return sarimax_forecaster(**params)
    elif key == "gbm":
        from crossingcast.models.gbm import GBMForecaster as cls
    elif key == "level":
        from crossingcast.models.level import LevelForecaster as cls
    elif key == "ensemble":
        from crossingcast.models.ensemble import EnsembleForecaster as cls
    elif key == "ensemble_qa":
        from crossingcast.models.ensemble import QA_MEMBERS, EnsembleForecaster

        params = {"members": QA_MEMBERS, "weights": "equal", "combine": "quantiles", **params}
        return EnsembleForecaster(**params)
    else:
        raise ModelError(f"unknown model {name!r}; choose one of {list(MODEL_NAMES)}")
    return cls(**params)
