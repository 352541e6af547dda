"""Policy scenarios as data, run as PAIRED sample paths against a baseline.

A :class:`Scenario` is a name, a period (``start``..``end``, after the
forecast origin) and a list of *changes*:

* **event** -- switch a calendar event on/off or scale it
  (``{event: paris_olympics_2024, intensity: 0.5}``), re-date it
  (``{event: X, start: ..., end: ..., intensity: 1}``), or add a new event
  that borrows the fitted effect of a known one
  (``{event: my_event, like: paris_olympics_2024, start: ..., end: ...}``);
* **patrols** -- a relative change of patrol intensity from a date
  (``{patrols: -0.25, start: 2026-07-01}``; ``end`` optional), acting through
  the SB_02 prevention rate with the elasticity estimated from the 2024
  Olympics and Paralympics (:mod:`crossingcast.patrols`; ``assumed_drop``, a
  number or ``[low, high]``, changes the assumption behind the estimate) when
  the data identify it, else with the ASSUMED range 0-1; or with an assumed
  one (``elasticity: 1.0`` or ``[0.5, 1.5]``), or the estimate whatever it says
  (``elasticity: estimated``).  The table's ``elasticity_source`` says which;
* **prevention_rate** -- set the SB_02 prevention rate directly
  (``{prevention_rate: 0.2, start: ..., end: ...}``): arrivals are multiplied
  by ``(1 - p') / (1 - p)`` with attempts fixed, no elasticity needed;
* **weather** -- ``{weather: calm | windy | climatology | year:2022}``: the
  calmest / windiest past year for the forecast period, the day-of-year
  climatology, or a given past year shifted onto the dates.  Only for frames
  with weather columns; a weather-blind frame raises :class:`ScenarioError`.

A YAML spec file (:func:`load_spec`) holds ``origin``, ``model``,
``n_paths``, ``seed``, an optional ``baseline`` (``{name, changes}``) and
``scenarios``.  :func:`run_scenarios` fits the model **once** at the origin
and runs the baseline and every scenario with **paired** sample paths: the
same random numbers drive both (common random numbers), so the difference
scenario - baseline is computed path by path and its interval comes from the
paired path differences, never from subtracting quantiles.  A scenario equal
to the baseline gives a difference of exactly 0.

Pairing, per model
------------------
* ``hurdle``: crossingcast draws the paths itself from the model's
  ``predict_components`` with common random numbers (a shared level factor,
  the same uniforms for the crossing-day draws, the same gamma draws, and
  Poisson counts by inverse CDF of the same uniforms), so the baseline and a
  scenario differ only through their means and crossing probabilities.  The
  coefficients of the events a spec changes are drawn per path from their
  sampling distribution (normal, the fitted standard errors), so the
  scenario interval includes the uncertainty of the event effect.
* other models (``climatology``, ``seasonal_naive``, ``sarimax``, ``gbm``):
  their ``predict`` draws Poisson counts with ``numpy``'s sampler, whose
  stream desynchronises as soon as one daily mean differs, so two calls with
  the same ``random_state`` are NOT paired.  Here the scenario paths are the
  baseline paths times the day's ratio of the scenario and baseline means
  (mean transport): paired by construction, exact in the mean.

Patrol changes multiply each path by ``(1 - p') / (1 - p)`` with ``p`` and
the elasticity drawn per path (bootstrap; negative estimated draws are kept,
never truncated), see :mod:`crossingcast.patrols`.
"""

from crossingcast.scenarios.changes import available_weather_years, estimate_event_effect
from crossingcast.scenarios.run import PairedRunner, paired_hurdle_paths, run_scenarios
from crossingcast.scenarios.spec import (MAX_HORIZON_DAYS, Scenario, ScenarioSpec, dump_spec, load_spec,
                                         spec_from_dict)
from crossingcast.scenarios.table import CONTRACT_COLUMNS, ScenarioResult

__all__ = ["Scenario", "ScenarioSpec", "ScenarioResult", "PairedRunner", "load_spec", "dump_spec",
           "spec_from_dict", "run_scenarios", "paired_hurdle_paths", "estimate_event_effect",
           "available_weather_years", "CONTRACT_COLUMNS", "MAX_HORIZON_DAYS"]
