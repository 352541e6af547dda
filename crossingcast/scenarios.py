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
  the SB_02 prevention rate with the estimated elasticity
  (:mod:`crossingcast.patrols`; ``assumed_drop`` changes the assumption behind
  the estimate) or with an assumed one (``elasticity: 1.0``);
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
the elasticity drawn per path (bootstrap), see :mod:`crossingcast.patrols`.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from crossingcast.errors import ScenarioError

__all__ = ["Scenario", "ScenarioSpec", "ScenarioResult", "PairedRunner", "load_spec", "dump_spec",
           "spec_from_dict", "run_scenarios", "paired_hurdle_paths", "estimate_event_effect",
           "CONTRACT_COLUMNS", "MAX_HORIZON_DAYS"]

#: First columns of the per-scenario table (the CLI contract).
CONTRACT_COLUMNS = ("scenario", "start", "end", "baseline_mean", "scenario_mean", "diff_mean", "diff_p10", "diff_p90")
#: Longest allowed distance from the origin to a scenario's end.
MAX_HORIZON_DAYS = 366

_SPEC_KEYS = {"origin", "model", "n_paths", "seed", "baseline", "scenarios", "description"}
_SCENARIO_KEYS = {"name", "start", "end", "changes", "description"}
_BASELINE_KEYS = {"name", "changes"}
_CHANGE_KEYS = {
    "event": {"event", "intensity", "start", "end", "like"},
    "patrols": {"patrols", "start", "end", "assumed_drop", "elasticity"},
    "weather": {"weather"},
    "prevention_rate": {"prevention_rate", "start", "end"},
}
_PREVENTION_KINDS = ("patrols", "prevention_rate")
_WEATHER_RE = re.compile(r"^(calm|windy|climatology|year:\d{4})$")
_DAY = pd.Timedelta(days=1)


# --------------------------------------------------------------------------- spec objects

def _date(value, where: str) -> pd.Timestamp:
    if isinstance(value, (_dt.date, pd.Timestamp)):
        return pd.Timestamp(value).normalize()
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return pd.Timestamp(value.strip())
        except ValueError:
            pass
    raise ScenarioError(f"{where}: {value!r} is not a date (YYYY-MM-DD)")


def _iso(ts) -> str:
    return pd.Timestamp(ts).date().isoformat()


def _change_kind(change: dict, where: str) -> str:
    kinds = [k for k in _CHANGE_KEYS if k in change]
    if len(kinds) != 1:
        raise ScenarioError(f"{where}: a change needs exactly one of 'event', 'patrols', 'prevention_rate', 'weather' "
                            f"(got keys {sorted(change)})")
    return kinds[0]


def _reject_unknown_keys(mapping: dict, allowed, where: str, context: str = "") -> None:
    """ScenarioError naming the first unknown key of ``mapping``, its value and the allowed keys."""
    unknown = sorted(set(mapping) - set(allowed))
    if unknown:
        raise ScenarioError(f"{where}: unknown key {unknown[0]!r} (value {mapping[unknown[0]]!r}){context}; "
                            f"allowed: {sorted(allowed)}")


def _normalise_change(change: Any, where: str) -> dict:
    if not isinstance(change, dict):
        raise ScenarioError(f"{where}: a change must be a mapping, got {change!r}")
    kind = _change_kind(change, where)
    _reject_unknown_keys(change, _CHANGE_KEYS[kind], where, f" in a {kind} change")
    out: dict = {}
    if kind == "event":
        name = change["event"]
        if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise ScenarioError(f"{where}: key 'event': {name!r} is not an event name (lower_snake_case)")
        out["event"] = name
        inten = change.get("intensity", 1.0 if ("start" in change or "like" in change) else None)
        if inten is None:
            raise ScenarioError(f"{where}: event {name!r}: give 'intensity' (0 = off, 1 = as fitted) "
                                f"and/or 'start'/'end'")
        try:
            inten = float(inten)
        except (TypeError, ValueError):
            raise ScenarioError(f"{where}: key 'intensity': {inten!r} is not a number") from None
        if not np.isfinite(inten) or inten < 0:
            raise ScenarioError(f"{where}: key 'intensity': {inten!r} must be >= 0")
        out["intensity"] = inten
        if ("start" in change) != ("end" in change):
            raise ScenarioError(f"{where}: event {name!r}: give both 'start' and 'end' (or neither)")
        if "start" in change:
            s, e = _date(change["start"], f"{where}: key 'start'"), _date(change["end"], f"{where}: key 'end'")
            if e < s:
                raise ScenarioError(f"{where}: key 'end': {_iso(e)} is before start {_iso(s)}")
            out["start"], out["end"] = _iso(s), _iso(e)
        if "like" in change:
            if "start" not in change:
                raise ScenarioError(f"{where}: new event {name!r} (like {change['like']!r}) needs 'start' and 'end'")
            out["like"] = str(change["like"])
    elif kind == "patrols":
        x = change["patrols"]
        try:
            x = float(x)
        except (TypeError, ValueError):
            raise ScenarioError(f"{where}: key 'patrols': {x!r} is not a number (e.g. -0.25)") from None
        if not -1 < x <= 10:
            raise ScenarioError(f"{where}: key 'patrols': {x!r} must be > -1 (e.g. -0.25 = 25% fewer patrols)")
        out["patrols"] = x
        for k in ("start", "end"):
            if k in change:
                out[k] = _iso(_date(change[k], f"{where}: key {k!r}"))
        if "assumed_drop" in change:
            d = float(change["assumed_drop"])
            if not 0 < d < 1:
                raise ScenarioError(f"{where}: key 'assumed_drop': {d!r} must be in (0, 1)")
            out["assumed_drop"] = d
        if "elasticity" in change:
            e = change["elasticity"]
            try:
                e = float(e)
            except (TypeError, ValueError):
                raise ScenarioError(f"{where}: key 'elasticity': {e!r} is not a number (e.g. 1.0)") from None
            if not 0 <= e <= 5:
                raise ScenarioError(f"{where}: key 'elasticity': {e!r} must be in [0, 5] (an assumed elasticity "
                                    f"of the prevention rate to patrol intensity)")
            if "assumed_drop" in change:
                raise ScenarioError(f"{where}: key 'assumed_drop': give either 'elasticity' (assumed) or "
                                    f"'assumed_drop' (elasticity estimated from the Olympics), not both")
            out["elasticity"] = e
    elif kind == "prevention_rate":
        v = change["prevention_rate"]
        try:
            v = float(v)
        except (TypeError, ValueError):
            raise ScenarioError(f"{where}: key 'prevention_rate': {v!r} is not a number (e.g. 0.2)") from None
        if not 0 <= v < 1:
            raise ScenarioError(f"{where}: key 'prevention_rate': {v!r} must be in [0, 1)")
        out["prevention_rate"] = v
        for k in ("start", "end"):
            if k in change:
                out[k] = _iso(_date(change[k], f"{where}: key {k!r}"))
    else:
        w = change["weather"]
        if not isinstance(w, str) or not _WEATHER_RE.match(w.strip()):
            raise ScenarioError(f"{where}: key 'weather': {w!r} is not one of calm, windy, climatology, year:YYYY")
        out["weather"] = w.strip()
    return out


@dataclass
class Scenario:
    """A named change to the baseline over ``start``..``end`` (inclusive).

    Parameters
    ----------
    name : str
        Identifier (row label of the output table).
    start, end : date-like
        Period whose totals are reported (must be after the origin).
    changes : list of dict
        Event, patrol and weather changes (see module docstring).
    """

    name: str
    start: Any
    end: Any
    changes: list = field(default_factory=list)

    def __post_init__(self) -> None:
        where = f"scenario {self.name!r}"
        self.start = _date(self.start, f"{where}: key 'start'")
        self.end = _date(self.end, f"{where}: key 'end'")
        if self.end < self.start:
            raise ScenarioError(f"{where}: key 'end': {_iso(self.end)} is before start {_iso(self.start)}")
        self.changes = [_normalise_change(c, f"{where}: changes[{i}]") for i, c in enumerate(self.changes or [])]

    def to_dict(self) -> dict:
        return {"name": self.name, "start": _iso(self.start), "end": _iso(self.end),
                "changes": [dict(c) for c in self.changes]}


@dataclass
class ScenarioSpec:
    """A scenario file: origin, model, paths, seed, optional baseline changes, scenarios."""

    origin: Any
    scenarios: list
    model: str = "hurdle"
    n_paths: int = 1000
    seed: int = 0
    baseline: list = field(default_factory=list)
    baseline_name: str = "baseline"
    description: str = ""
    source: str = "<spec>"

    def __post_init__(self) -> None:
        self.origin = _date(self.origin, f"{self.source}: key 'origin'")

    def needs_weekly(self) -> bool:
        """True if some change acts through the SB_02 prevention rate (``patrols`` or ``prevention_rate``).

        Such specs need ``weekly=crossingcast.load_weekly(data_dir)`` in :func:`run_scenarios`.
        """
        changes = list(self.baseline) + [c for sc in self.scenarios for c in sc.changes]
        return any(k in c for c in changes for k in _PREVENTION_KINDS)

    def to_dict(self) -> dict:
        out = {"origin": _iso(self.origin), "model": self.model, "n_paths": int(self.n_paths), "seed": int(self.seed)}
        if self.description:
            out["description"] = self.description
        if self.baseline or self.baseline_name != "baseline":
            out["baseline"] = {"name": self.baseline_name, "changes": [dict(c) for c in self.baseline]}
        out["scenarios"] = [s.to_dict() for s in self.scenarios]
        return out


def spec_from_dict(data: Any, source: str = "<spec>") -> ScenarioSpec:
    """Validate a spec mapping (as read from YAML); errors name ``source``, the key and the value.

    Parameters
    ----------
    data : dict
        Keys ``origin`` (required), ``model``, ``n_paths``, ``seed``, ``baseline``,
        ``scenarios`` (required), ``description`` (see ``docs/scenarios.md``).
    source : str
        Name used in error messages (the file).

    Returns
    -------
    ScenarioSpec

    Raises
    ------
    ScenarioError
        Unknown keys, missing keys or bad values.
    """
    from crossingcast.models import MODEL_NAMES

    if not isinstance(data, dict):
        raise ScenarioError(f"{source}: a scenario spec must be a mapping with keys {sorted(_SPEC_KEYS)}")
    _reject_unknown_keys(data, _SPEC_KEYS, source)
    if "origin" not in data:
        raise ScenarioError(f"{source}: missing key 'origin'")
    model = data.get("model", "hurdle")
    if model not in MODEL_NAMES:
        raise ScenarioError(f"{source}: key 'model': unknown model {model!r}; choose one of {list(MODEL_NAMES)}")
    for k, lo in (("n_paths", 10), ("seed", 0)):
        v = data.get(k, 1000 if k == "n_paths" else 0)
        if not isinstance(v, int) or isinstance(v, bool) or v < lo:
            raise ScenarioError(f"{source}: key {k!r}: {v!r} must be an integer >= {lo}")
    raw = data.get("scenarios")
    if not isinstance(raw, list) or not raw:
        raise ScenarioError(f"{source}: key 'scenarios': {raw!r} must be a non-empty list")
    scenarios, names = [], set()
    for i, s in enumerate(raw):
        where = f"{source}: scenarios[{i}]"
        if not isinstance(s, dict):
            raise ScenarioError(f"{where}: must be a mapping, got {s!r}")
        _reject_unknown_keys(s, _SCENARIO_KEYS, where)
        for k in ("name", "start", "end"):
            if k not in s:
                raise ScenarioError(f"{where}: missing key {k!r}")
        if s["name"] in names:
            raise ScenarioError(f"{where}: key 'name': duplicate scenario name {s['name']!r}")
        names.add(s["name"])
        changes = s.get("changes") or []
        if not isinstance(changes, list):
            raise ScenarioError(f"{where}: key 'changes': {changes!r} must be a list")
        try:
            scenarios.append(Scenario(str(s["name"]), s["start"], s["end"], changes))
        except ScenarioError as exc:
            raise ScenarioError(f"{source}: {exc}") from None
    base = data.get("baseline") or {}
    if not isinstance(base, dict):
        raise ScenarioError(f"{source}: key 'baseline': {base!r} must be a mapping with 'name'/'changes'")
    _reject_unknown_keys(base, _BASELINE_KEYS, f"{source}: baseline")
    bchanges = [_normalise_change(c, f"{source}: baseline: changes[{i}]")
                for i, c in enumerate(base.get("changes") or [])]
    for c in bchanges:
        for k in _PREVENTION_KINDS:
            if k in c:
                raise ScenarioError(f"{source}: baseline: key {k!r}: patrol / prevention-rate changes belong in "
                                    f"scenarios, not the baseline")
    return ScenarioSpec(origin=data["origin"], scenarios=scenarios, model=model,
                        n_paths=int(data.get("n_paths", 1000)), seed=int(data.get("seed", 0)),
                        baseline=bchanges, baseline_name=str(base.get("name", "baseline")),
                        description=str(data.get("description", "")), source=source)


def load_spec(path: str | os.PathLike) -> ScenarioSpec:
    """Read and validate a YAML scenario file (errors name the file, the key and the value).

    Parameters
    ----------
    path : str or os.PathLike
        The YAML file.

    Returns
    -------
    ScenarioSpec

    Raises
    ------
    ScenarioError
        Missing file, invalid YAML, unknown keys or bad values.
    """
    import yaml

    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioError(f"{str(path)!r}: no such scenario file") from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{str(path)!r}: not valid YAML ({exc})") from None
    return spec_from_dict(data, source=repr(str(path)))


def dump_spec(spec: ScenarioSpec, path: str | os.PathLike | None = None) -> str:
    """YAML text of a spec (written to ``path`` if given); ``load_spec`` reads it back identically.

    Parameters
    ----------
    spec : ScenarioSpec
    path : str or os.PathLike, optional
        File to write (atomically).

    Returns
    -------
    str
        The YAML text.
    """
    import yaml

    text = yaml.safe_dump(spec.to_dict(), sort_keys=False, allow_unicode=True)
    if path is not None:
        from crossingcast.data.home import atomic_write_text

        atomic_write_text(Path(path), text)
    return text


# --------------------------------------------------------------------------- paired sampling

def _poisson_icdf(u: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """Poisson quantiles at probabilities ``u`` (monotone in ``lam``: common random numbers).

    Exact search for ``lam < 30``; Cornish-Fisher expansion above (error < 1 count).
    """
    from scipy.special import ndtri

    out = np.zeros(lam.shape)
    big = lam >= 30
    if big.any():
        lb, z = lam[big], ndtri(np.clip(u[big], 1e-12, 1 - 1e-12))
        sq = np.sqrt(lb)
        q = lb + z * sq + (z * z - 1) / 6 + (z ** 3 - 7 * z) / (72 * sq)
        out[big] = np.maximum(np.floor(q + 0.5), 0.0)
    small = ~big & (lam > 0)
    if small.any():
        ls, us = lam[small], u[small]
        pmf = np.exp(-ls)
        cdf = pmf.copy()
        k = np.zeros(ls.shape)
        pos = np.flatnonzero(us > cdf)  # still searching; shrinks as the CDF passes u
        j = 0
        while pos.size and j < 200:
            j += 1
            lp = ls[pos]
            pm = pmf[pos] * lp / j
            c = cdf[pos] + pm
            k[pos] = j
            keep = us[pos] > c
            pos, pmf_k, cdf_k = pos[keep], pm[keep], c[keep]
            pmf[pos], cdf[pos] = pmf_k, cdf_k
        out[small] = k
    return out


class _CRN:
    """Common random numbers for ``n_paths`` x ``n_days`` hurdle paths."""

    def __init__(self, n_paths: int, n_days: int, shape: float, seed: int):
        rng = np.random.default_rng(np.random.SeedSequence([int(seed), 20240726]))
        self.z = rng.standard_normal((n_paths, 1))
        self.u_cross = rng.random((n_paths, n_days))
        self.gamma = rng.gamma(shape, 1.0, size=(n_paths, n_days))
        self.u_pois = rng.random((n_paths, n_days))
        self.shape = float(shape)


def paired_hurdle_paths(mu, p_cross, crn: _CRN, level_sd: float = 0.0) -> np.ndarray:
    """Hurdle paths (as :func:`crossingcast.models.distributions.hurdle_paths`) from common random numbers.

    ``mu``/``p_cross`` are ``(n_days,)`` or ``(n_paths, n_days)``; the same
    ``crn`` gives identical paths for identical inputs and monotonically
    coupled paths otherwise.
    """
    from crossingcast.models.distributions import consistent_hurdle

    mu, pi, a = consistent_hurdle(mu, p_cross)
    factor = np.exp(level_sd * crn.z - level_sd ** 2 / 2) if level_sd > 0 else 1.0
    cross = crn.u_cross < pi
    lam = np.broadcast_to(crn.gamma * (factor * a / crn.shape), crn.u_pois.shape)
    out = np.zeros(crn.u_pois.shape)
    out[cross] = 1.0 + _poisson_icdf(crn.u_pois[cross], lam[cross])  # counts only on crossing days
    return out


# --------------------------------------------------------------------------- the runner

def _event_names(history: pd.DataFrame) -> set:
    return {c[len("event_"):] for c in history.columns if c.startswith("event_")}


def _weather_year_for(history: pd.DataFrame, kind: str, index: pd.DatetimeIndex, where: str) -> tuple:
    from crossingcast.frame import shift_weather_year, weather_columns

    if not weather_columns(history):
        raise ScenarioError(f"{where}: key 'weather': {kind!r} needs weather columns, but the frame is "
                            f"weather-blind (no weather mirror in the data directory); weather scenarios only "
                            f"work with a frame built with weather")
    if kind == "climatology":
        return None, "climatology weather"
    years = available_weather_years(history, index)
    if kind.startswith("year:"):
        y = int(kind.split(":")[1])
        if y not in years:
            raise ScenarioError(f"{where}: key 'weather': {kind!r}: the frame has no complete weather for year {y} "
                                f"on these dates (available: {years})")
        return shift_weather_year(history, y, index), f"weather year {y}"
    if not years:
        raise ScenarioError(f"{where}: key 'weather': {kind!r}: no complete past weather year for these dates")
    wind = {}
    for y in years:
        w = shift_weather_year(history, y, index)
        wind[y] = float(w["wind_mean"].mean()) if "wind_mean" in w else -float(w.get("calm", pd.Series([0])).mean())
    y = min(wind, key=wind.get) if kind == "calm" else max(wind, key=wind.get)
    return shift_weather_year(history, y, index), f"{kind}: weather year {y} (mean wind {wind[y]:.1f})"


def available_weather_years(history: pd.DataFrame, index: pd.DatetimeIndex) -> list[int]:
    """Past years whose weather covers the month/days of ``index`` (for shifted weather years).

    Parameters
    ----------
    history : pandas.DataFrame
        Frame with weather columns (weather-blind: empty list).
    index : pandas.DatetimeIndex
        Target dates.

    Returns
    -------
    list of int
        Years ``y`` such that the dates of ``index`` moved to ``y`` lie inside ``history``.
    """
    from crossingcast.frame import weather_columns

    if not weather_columns(history):
        return []
    index = pd.DatetimeIndex(index)
    out = []
    span = index[-1].year - index[0].year
    for y in range(history.index[0].year, history.index[-1].year + 1):
        lo = pd.Timestamp(year=y, month=index[0].month, day=min(index[0].day, 28 if index[0].month == 2 else 31))
        try:
            lo = pd.Timestamp(year=y, month=index[0].month, day=index[0].day)
        except ValueError:
            pass
        hi_day = 28 if (index[-1].month == 2 and index[-1].day == 29) else index[-1].day
        hi = pd.Timestamp(year=y + span, month=index[-1].month, day=hi_day)
        if lo >= history.index[0] and hi <= history.index[-1]:
            out.append(y)
    return out


class PairedRunner:
    """A model fitted once at the origin, ready to run the baseline and many scenarios with paired paths.

    Parameters
    ----------
    history : pandas.DataFrame
        Frame up to the origin (the model is fitted on it unless ``model`` is already fitted).
    start, end : date-like
        Forecast dates (after the origin) covering every scenario period.
    model : str or fitted forecaster
    n_paths, seed : int
    baseline_changes : list of dict
        Changes applied to the baseline (e.g. a weather assumption).
    weekly : pandas.DataFrame, optional
        SB_02 weekly table; needed for patrol changes.
    event_draws : bool
        Draw the coefficients of changed events per path (hurdle only).
    source : str
        Name used in error messages (the spec file).
    """

    def __init__(self, history: pd.DataFrame, start, end, model="hurdle", n_paths: int = 1000, seed: int = 0,
                 baseline_changes=(), weekly: pd.DataFrame | None = None, event_draws: bool = True,
                 source: str = "<spec>", touched_events=()):
        from crossingcast.frame import future_frame, weather_columns
        from crossingcast.models import make_forecaster

        self.history = history
        self.source = source
        self.start, self.end = pd.Timestamp(start), pd.Timestamp(end)
        self.origin = history.index[-1]
        self.n_paths, self.seed = int(n_paths), int(seed)
        self.weekly = weekly
        if isinstance(model, str):  # make_forecaster resolves "best"
            self.model = make_forecaster(model, horizon=(self.end - self.origin).days, n_paths=self.n_paths,
                                         random_state=self.seed).fit(history)
        else:
            self.model = model
        self.model_name = getattr(self.model, "name", type(self.model).__name__)
        self.is_hurdle = type(self.model).__name__ == "HurdleForecaster"
        self.index = pd.date_range(self.start, self.end, freq="D", name="date")
        self.weather_blind = not weather_columns(history)
        self._elasticity = {}
        self._prev = None
        self.notes: list[str] = []
        base_future = future_frame(history, self.start, self.end)
        self.base_weather_label = base_future.attrs.get("weather_mode", "none")
        self.base_future, label, bnotes = self._apply_future(base_future, list(baseline_changes),
                                                              f"{source}: baseline")
        if label:
            self.base_weather_label = label
        self.notes += bnotes
        self.touched = sorted(set(touched_events))
        if self.is_hurdle:
            m = self.model
            self.level = m._level_origin(m.y_) if m.use_level_ else None
            self.crn = _CRN(self.n_paths, len(self.index), m.shape_, self.seed)
            self.level_sd = float(m.calibration_["level_sd"])
            rng = np.random.default_rng(np.random.SeedSequence([self.seed, 7]))
            self.coef_draws = {}
            if event_draws:
                for part in ("cross", "count"):
                    prm, se = m.parts_[f"{part}_params"], m.parts_[f"{part}_bse"]
                    for ev in self.touched:
                        col = f"event_{ev}"
                        z = rng.standard_normal(self.n_paths)
                        if col in prm.index and np.isfinite(se[col]):
                            self.coef_draws[(part, col)] = z * float(se[col])
            self.base = self._hurdle_parts(self.base_future)
            self.base_paths = paired_hurdle_paths(self.base["mu"], self.base["pi"], self.crn, self.level_sd)
        else:
            fc = self.model.predict(self.base_future)
            self.base = {"mu": fc.mean.to_numpy()[None, :].repeat(1, 0)}
            self.base_paths = fc.paths
            self.base_mean_1d = fc.mean.to_numpy()
        self.base_mu = np.broadcast_to(self.base["mu"], self.base_paths.shape)

    # ------------------------------------------------------------ futures
    def _apply_future(self, future: pd.DataFrame, changes: list, where: str):
        from crossingcast.events import event_flags, validate_calendar

        fut = future.copy()
        fut.attrs = dict(future.attrs)
        label, notes = None, []
        known = _event_names(self.history)
        cal = self.history.attrs.get("events_calendar")
        for i, ch in enumerate(changes):
            w = f"{where}: changes[{i}]"
            if "weather" in ch:
                wdf, label = _weather_year_for(self.history, ch["weather"], self.index, w)
                if wdf is None:
                    from crossingcast.frame import climatology_weather

                    wdf = climatology_weather(self.history, self.index)
                for c in wdf.columns:
                    if c in fut.columns:
                        fut[c] = wdf[c].to_numpy()
            elif "event" in ch:
                name = ch["event"]
                target = ch.get("like", name)
                if target not in known:
                    what = "key 'like'" if "like" in ch else "key 'event'"
                    raise ScenarioError(f"{w}: {what}: unknown event {target!r}; the frame knows "
                                        f"{sorted(known)}" + ("" if "like" in ch else
                                                              " (a new event needs 'like: <known event>')"))
                col = f"event_{target}"
                if "start" in ch:
                    row = pd.DataFrame([{"name": name, "start": ch["start"], "end": ch["end"], "category": "event",
                                         "sign": 0, "intensity": ch["intensity"]}])
                    flag = event_flags(validate_calendar(row, origin=w), self.index).iloc[:, 0].to_numpy()
                    if "like" in ch:
                        fut[col] = fut[col].to_numpy() + flag
                    else:
                        fut[col] = flag
                else:
                    if cal is None or name not in set(cal["name"]):
                        raise ScenarioError(f"{w}: key 'event': {name!r} has no calendar dates; give start/end")
                    row = cal[cal["name"] == name].copy()
                    row["intensity"] = ch["intensity"]
                    fut[col] = event_flags(row, self.index).iloc[:, 0].to_numpy()
                    if not (fut[col] != 0).any() and not (future[col] != 0).any():
                        notes.append(f"event {name} is not in force between {self.start.date()} and "
                                     f"{self.end.date()}: no effect (give start/end to re-date it)")
                if self.is_hurdle:
                    m = self.model
                    if col not in m.parts_["cross_terms"] and col not in m.parts_["count_terms"]:
                        notes.append(f"event {target} has no fitted effect in the {self.model_name} model "
                                     f"({m.dropped_features_.get(col, 'not a feature')}): change has no effect")
        return fut, label, notes

    def _hurdle_parts(self, future: pd.DataFrame) -> dict:
        m = self.model
        p, mm = m._components(m.parts_, future, self.level)
        if not self.coef_draws:
            return {"mu": p * (1.0 + mm), "pi": p}
        eta_c = np.log(np.clip(p, 1e-300, None)) - np.log(np.clip(1 - p, 1e-300, None))
        eta_c = np.broadcast_to(eta_c, (self.n_paths, len(p))).copy()
        eta_n = np.broadcast_to(np.log(np.clip(mm, 1e-300, None)), (self.n_paths, len(p))).copy()
        for (part, col), dz in self.coef_draws.items():
            x = future[col].to_numpy(dtype=float)[None, :]
            if part == "cross":
                eta_c += dz[:, None] * x
            else:
                eta_n += dz[:, None] * x
        pi = 1.0 / (1.0 + np.exp(-np.clip(eta_c, -35, 35)))
        mm = np.exp(np.clip(eta_n, -30, 15))
        return {"mu": pi * (1.0 + mm), "pi": pi}

    # ------------------------------------------------------------ patrols
    def _prevention_draws(self, key: str):
        """Prevention rate at the origin: point value and one bootstrap draw per path (same for every scenario)."""
        from crossingcast import patrols as pt

        if self.weekly is None:
            raise ScenarioError(f"{self.source}: key {key!r}: patrol / prevention-rate changes need the SB_02 weekly "
                                f"table (crossingcast.load_weekly(data_dir)), which was not given")
        if self._prev is None:
            p_hat, weeks = pt.baseline_prevention_rate(self.weekly, self.origin)
            rng = np.random.default_rng(np.random.SeedSequence([self.seed, 31]))
            wb = weeks[rng.integers(0, len(weeks), size=(self.n_paths, len(weeks)))]
            self._prev = (p_hat, wb[..., 0].sum(1) / wb[..., 1].sum(1))
        return self._prev

    def _elasticity_draws(self, assumed_drop):
        """Estimated elasticity (cached per assumed drop) and one draw per path, clipped at 0."""
        from crossingcast import patrols as pt

        key = float(assumed_drop)
        if key not in self._elasticity:
            self._elasticity[key] = pt.estimate_elasticity(self.weekly, assumed_drop=key, seed=self.seed)
        est = self._elasticity[key]
        rng = np.random.default_rng(np.random.SeedSequence([self.seed, 37]))
        return est, np.clip(est.draws[rng.integers(0, len(est.draws), size=self.n_paths)], 0.0, None)

    # ------------------------------------------------------------ run
    def run(self, scenario: Scenario) -> dict:
        """Scenario paths paired with the baseline over the runner's dates.

        Returns
        -------
        dict
            ``paths`` (n_paths x n_days), ``mu`` (per-path daily means),
            ``notes`` (list of str), ``weather`` (label), ``assumption`` (patrol text or "").
        """
        from crossingcast import patrols as pt

        where = f"{self.source}: scenario {scenario.name!r}"
        ev_weather = [c for c in scenario.changes if not any(k in c for k in _PREVENTION_KINDS)]
        fut, label, notes = self._apply_future(self.base_future, ev_weather, where)
        if self.is_hurdle:
            if ev_weather:
                parts = self._hurdle_parts(fut)
                paths = paired_hurdle_paths(parts["mu"], parts["pi"], self.crn, self.level_sd)
                mu = np.broadcast_to(parts["mu"], paths.shape)
            else:
                paths, mu = self.base_paths, self.base_mu
        else:
            if ev_weather:
                mean = self.model.predict(fut).mean.to_numpy()
                if np.array_equal(mean, self.base_mean_1d):
                    notes = notes + [f"the {self.model_name} model's mean does not respond to these event/weather "
                                     f"changes (it does not use those features): no effect"]
                with np.errstate(divide="ignore", invalid="ignore"):
                    ratio = np.where(self.base_mean_1d > 0, mean / self.base_mean_1d, 1.0)
                paths = self.base_paths * ratio[None, :]
                mu = np.broadcast_to(mean, paths.shape)
            else:
                paths, mu = self.base_paths, self.base_mu
        assumptions = []
        for ch in (c for c in scenario.changes if any(k in c for k in _PREVENTION_KINDS)):
            kind = "patrols" if "patrols" in ch else "prevention_rate"
            lo = pd.Timestamp(ch.get("start", scenario.start))
            hi = pd.Timestamp(ch.get("end", self.end))
            p_hat, p = self._prevention_draws(kind)
            base = f"prevention rate at origin p={p_hat:.3f} (last 12 SB_02 weeks, bootstrapped per path)"
            if kind == "patrols":
                if "elasticity" in ch:
                    e = np.full(self.n_paths, float(ch["elasticity"]))
                    how = (f"elasticity e = {ch['elasticity']:g} ASSUMED (given in the spec, not estimated): "
                           f"p' = p*(1+x)^e, arrivals x (1-p')/(1-p), attempts fixed")
                else:
                    est, e = self._elasticity_draws(ch.get("assumed_drop", pt.DEFAULT_ASSUMED_DROP))
                    how = est.assumption()
                mult = pt.patrol_multiplier(ch["patrols"], p, e)  # (n_paths,)
                text = f"patrols {ch['patrols']:+.0%} from {lo.date()} to {hi.date()}; {base}; {how}"
            else:
                v = float(ch["prevention_rate"])
                mult = (1.0 - v) / (1.0 - p)
                text = (f"prevention rate set to {v:.3f} from {lo.date()} to {hi.date()}; {base}; arrivals x "
                        f"(1-p')/(1-p) with attempts fixed (no deterrence or displacement modelled)")
            on = ((self.index >= lo) & (self.index <= hi)).astype(float)
            fac = 1.0 + (mult[:, None] - 1.0) * on[None, :]
            paths = paths * fac
            mu = mu * fac
            assumptions.append(text)
        assumption = " | ".join(assumptions)
        return {"paths": paths, "mu": mu, "notes": notes, "weather": label or self.base_weather_label,
                "assumption": assumption}

    def summary(self, scenario: Scenario) -> dict:
        """Run ``scenario`` and summarise its period: one row of the :class:`ScenarioResult` table.

        The unit of work of sweeps (``benchmarks/scenario_throughput.py``): the
        paired paths are generated and reduced to the period totals, their
        P10/P50/P90 and the paired difference; no daily table is kept.

        Returns
        -------
        dict
            Keys :data:`CONTRACT_COLUMNS` first, then the other table columns.
        """
        out = self.run(scenario)
        out["notes"] = self.notes + out["notes"]
        return _summarise(scenario, self, out, daily=False)[0]


# --------------------------------------------------------------------------- results

@dataclass
class ScenarioResult:
    """Output of :func:`run_scenarios`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per scenario; first columns :data:`CONTRACT_COLUMNS`, then
        ``baseline_p10, baseline_p50, baseline_p90, scenario_p10, scenario_p50, scenario_p90,
        diff_p50, ratio_mean, model, origin, weather, n_paths, assumption, notes``.
    daily : pandas.DataFrame
        Per scenario and day: baseline and scenario mean/P10/P50/P90, paired
        difference mean/P10/P50/P90.
    paths : dict
        Scenario name -> (baseline paths, scenario paths) over the scenario period.
    spec : ScenarioSpec
    """

    table: pd.DataFrame
    daily: pd.DataFrame
    paths: dict
    spec: ScenarioSpec
    info: dict = field(default_factory=dict)


def _summarise(sc: Scenario, runner: PairedRunner, out: dict, daily: bool = True) -> tuple[dict, pd.DataFrame | None]:
    sel = (runner.index >= sc.start) & (runner.index <= sc.end)
    bp, sp = runner.base_paths[:, sel], out["paths"][:, sel]
    bm, sm = runner.base_mu[:, sel], out["mu"][:, sel]
    bt, st = bp.sum(1), sp.sum(1)
    d = st - bt
    q = lambda x, p: float(np.quantile(x, p))  # noqa: E731
    b_mean, s_mean = float(bm.sum(1).mean()), float(sm.sum(1).mean())
    row = {"scenario": sc.name, "start": _iso(sc.start), "end": _iso(sc.end),
           "baseline_mean": b_mean, "scenario_mean": s_mean, "diff_mean": s_mean - b_mean,
           "diff_p10": q(d, 0.1), "diff_p90": q(d, 0.9),
           "baseline_p10": q(bt, 0.1), "baseline_p50": q(bt, 0.5), "baseline_p90": q(bt, 0.9),
           "scenario_p10": q(st, 0.1), "scenario_p50": q(st, 0.5), "scenario_p90": q(st, 0.9),
           "diff_p50": q(d, 0.5), "ratio_mean": s_mean / b_mean if b_mean > 0 else float("nan"),
           "model": runner.model_name, "origin": _iso(runner.origin), "weather": out["weather"],
           "n_paths": runner.n_paths, "assumption": out["assumption"], "notes": "; ".join(out["notes"])}
    if not daily:
        return row, None
    dd = sp - bp
    daily = pd.DataFrame({
        "scenario": sc.name, "date": runner.index[sel],
        "baseline_mean": bm.mean(0), "baseline_p10": np.quantile(bp, 0.1, 0),
        "baseline_p50": np.quantile(bp, 0.5, 0), "baseline_p90": np.quantile(bp, 0.9, 0),
        "scenario_mean": sm.mean(0), "scenario_p10": np.quantile(sp, 0.1, 0),
        "scenario_p50": np.quantile(sp, 0.5, 0), "scenario_p90": np.quantile(sp, 0.9, 0),
        "diff_mean": sm.mean(0) - bm.mean(0), "diff_p10": np.quantile(dd, 0.1, 0),
        "diff_p50": np.quantile(dd, 0.5, 0), "diff_p90": np.quantile(dd, 0.9, 0)})
    return row, daily


def _check_spec_against(frame: pd.DataFrame, spec: ScenarioSpec) -> None:
    src = spec.source
    lo, hi = frame.index[0], frame.index[-1]
    if not lo + pd.Timedelta(days=365) <= spec.origin <= hi:
        raise ScenarioError(f"{src}: key 'origin': {_iso(spec.origin)} is outside the data "
                            f"({_iso(lo)}..{_iso(hi)}; the origin needs >= 1 year of history before it)")
    known = _event_names(frame)
    for i, sc in enumerate(spec.scenarios):
        where = f"{src}: scenarios[{i}] ({sc.name!r})"
        if sc.start <= spec.origin:
            raise ScenarioError(f"{where}: key 'start': {_iso(sc.start)} is not after the origin "
                                f"{_iso(spec.origin)} (scenarios forecast after the origin)")
        if sc.end > spec.origin + pd.Timedelta(days=MAX_HORIZON_DAYS):
            raise ScenarioError(f"{where}: key 'end': {_iso(sc.end)} is beyond the forecast horizon "
                                f"({MAX_HORIZON_DAYS} days after the origin {_iso(spec.origin)})")
        for j, ch in enumerate(sc.changes):
            w = f"{where}: changes[{j}]"
            if "event" in ch:
                target = ch.get("like", ch["event"])
                if target not in known:
                    key = "like" if "like" in ch else "event"
                    raise ScenarioError(f"{w}: key {key!r}: unknown event {target!r}; known events: {sorted(known)}"
                                        + ("" if "like" in ch else " (a new event needs 'like: <known event>')"))
            if any(k in ch for k in _PREVENTION_KINDS):
                for k in ("start", "end"):
                    if k in ch and not sc.start <= pd.Timestamp(ch[k]) <= sc.end:
                        raise ScenarioError(f"{w}: key {k!r}: {ch[k]} is outside the scenario period "
                                            f"{_iso(sc.start)}..{_iso(sc.end)}")


def run_scenarios(frame: pd.DataFrame, spec: ScenarioSpec | dict | str | os.PathLike, *,
                  weekly: pd.DataFrame | None = None, model=None,
                  progress: Callable[[str], None] | None = None) -> ScenarioResult:
    """Fit once at the spec's origin; run the baseline and each scenario with paired paths.

    Parameters
    ----------
    frame : pandas.DataFrame
        The full daily frame (:func:`crossingcast.build_frame`); the model is
        fitted on ``frame.loc[:origin]``.
    spec : ScenarioSpec, dict or path
        The scenarios (a path is read with :func:`load_spec`).
    weekly : pandas.DataFrame, optional
        SB_02 weekly table (needed for patrol changes).
    model : fitted forecaster, optional
        Use this instead of fitting ``spec.model`` (must end at the origin).
    progress : callable, optional
        Called with a message after each step.

    Returns
    -------
    ScenarioResult

    Raises
    ------
    ScenarioError
        Unknown events, periods outside the data/forecast horizon, weather
        changes on a weather-blind frame, patrol changes without SB_02.
    """
    if isinstance(spec, (str, os.PathLike)):
        spec = load_spec(spec)
    elif isinstance(spec, dict):
        spec = spec_from_dict(spec)
    _check_spec_against(frame, spec)
    history = frame.loc[:spec.origin]
    history.attrs = dict(frame.attrs)
    start = spec.origin + _DAY
    end = max(sc.end for sc in spec.scenarios)
    touched = {c.get("like", c["event"]) for sc in spec.scenarios for c in sc.changes if "event" in c}
    touched |= {c.get("like", c["event"]) for c in spec.baseline if "event" in c}
    say = progress or (lambda msg: None)
    runner = PairedRunner(history, start, end, model=model if model is not None else spec.model,
                          n_paths=spec.n_paths, seed=spec.seed, baseline_changes=spec.baseline, weekly=weekly,
                          source=spec.source, touched_events=touched)
    say(f"fitted {runner.model_name} at origin {_iso(spec.origin)}; baseline {spec.baseline_name!r} "
        f"({runner.base_weather_label})")
    rows, dailies, paths = [], [], {}
    for sc in spec.scenarios:
        out = runner.run(sc)
        out["notes"] = runner.notes + out["notes"]
        row, daily = _summarise(sc, runner, out)
        rows.append(row)
        dailies.append(daily)
        sel = (runner.index >= sc.start) & (runner.index <= sc.end)
        paths[sc.name] = (runner.base_paths[:, sel], out["paths"][:, sel])
        say(f"scenario {sc.name!r}: diff {row['diff_mean']:+,.0f} (80% {row['diff_p10']:+,.0f}..{row['diff_p90']:+,.0f})")
    table = pd.DataFrame(rows)
    info = {"origin": _iso(spec.origin), "model": runner.model_name, "weather_blind": runner.weather_blind,
            "weather": runner.base_weather_label, "simulated": bool(frame.attrs.get("simulated", False)),
            "elasticity": {k: v.summary() for k, v in runner._elasticity.items()}}
    table.attrs = {}
    return ScenarioResult(table=table, daily=pd.concat(dailies, ignore_index=True), paths=paths, spec=spec, info=info)


# --------------------------------------------------------------------------- event effects from past events

def estimate_event_effect(frame: pd.DataFrame, event: str, *, train_end=None, train_years: float = 4.0,
                          n_draws: int = 4000, seed: int = 0, model=None) -> dict:
    """Multiplicative effect of a past event on expected daily arrivals, from the hurdle model.

    The hurdle model is fitted with the event's flag as a regressor (in both
    the crossing-day logit and the arrivals NB2 part); the effect is the
    ratio of the expected arrivals summed over the event's days with the flag
    on vs off, ``sum pi'(1+m') / sum pi(1+m)``, and its interval comes from
    drawing both coefficients from their sampling distributions (normal with
    the fitted standard errors; the two parts have separate likelihoods, so
    their estimates are independent).

    **Weather is controlled only if the frame has weather columns.**  On the
    real data offline there is no weather mirror, so the estimate then mixes
    the event with that summer's weather (``weather_controlled`` is False).

    Parameters
    ----------
    frame : pandas.DataFrame
        Daily frame with the ``event_<event>`` column.
    event : str
        Event name.
    train_end : date-like, optional
        End of the training window (default: the event's last day + 120 days, or the frame end).
    train_years : float
        Training window length.
    n_draws : int
        Coefficient draws.
    seed : int
    model : fitted HurdleForecaster, optional

    Returns
    -------
    dict
        ``effect`` (point), ``p10``, ``p90``, ``p2.5``, ``p97.5``, ``cross_coef``,
        ``cross_se``, ``count_coef``, ``count_se``, ``n_event_days``,
        ``weather_controlled``, ``note``.
    """
    from crossingcast.frame import weather_columns
    from crossingcast.models import make_forecaster

    col = f"event_{event}"
    if col not in frame.columns:
        raise ScenarioError(f"estimate_event_effect: unknown event {event!r} (no column {col!r} in the frame)")
    on = frame[col] != 0
    if not on.any():
        raise ScenarioError(f"estimate_event_effect: event {event!r} is never in force in the frame")
    if train_end is None:
        train_end = min(frame.index[on][-1] + pd.Timedelta(days=120), frame.index[-1])
    train = frame.loc[:pd.Timestamp(train_end)]
    train.attrs = dict(frame.attrs)
    if model is None:
        model = make_forecaster("hurdle", train_years=train_years, calibration="none").fit(train)
    parts = model.parts_
    if col not in parts["cross_terms"] and col not in parts["count_terms"]:
        raise ScenarioError(f"estimate_event_effect: event {event!r} was dropped by the model "
                            f"({model.dropped_features_.get(col)})")
    days = train.index[(train[col] != 0).to_numpy() & (train.index >= model.train_start_)]
    ex = train.loc[days]
    level = model._level_train(model.y_).reindex(days).to_numpy() if model.use_level_ else None
    ex_off = ex.copy()
    ex_off[col] = 0.0
    p_off, m_off = model._components(parts, ex_off, level)
    x = ex[col].to_numpy(dtype=float)
    bc = float(parts["cross_params"].get(col, 0.0))
    sc_ = float(parts["cross_bse"].get(col, 0.0))
    bn = float(parts["count_params"].get(col, 0.0))
    sn = float(parts["count_bse"].get(col, 0.0))
    eta = np.log(p_off) - np.log1p(-p_off)

    def ratio(dc, dn):
        dc, dn = np.atleast_1d(dc)[:, None], np.atleast_1d(dn)[:, None]
        p_on = 1 / (1 + np.exp(-(eta[None, :] + dc * x[None, :])))
        mu_on = p_on * (1 + m_off[None, :] * np.exp(dn * x[None, :]))
        return mu_on.sum(1) / (p_off * (1 + m_off)).sum()

    rng = np.random.default_rng(seed)
    draws = ratio(bc + sc_ * rng.standard_normal(n_draws), bn + sn * rng.standard_normal(n_draws))
    wc = bool(weather_columns(train))
    note = ("weather controlled (the frame has weather columns)" if wc else
            "weather NOT controlled: the frame is weather-blind, so the estimate mixes the event with that "
            "period's weather (supply a weather mirror to control it)")
    return {"event": event, "effect": float(ratio(bc, bn)[0]), "p10": float(np.quantile(draws, 0.1)),
            "p90": float(np.quantile(draws, 0.9)), "p2.5": float(np.quantile(draws, 0.025)),
            "p97.5": float(np.quantile(draws, 0.975)), "cross_coef": bc, "cross_se": sc_, "count_coef": bn,
            "count_se": sn, "n_event_days": int(len(days)),
            "train": f"{model.train_start_.date()}..{model.train_end_.date()}",
            "weather_controlled": wc, "simulated": bool(frame.attrs.get("simulated", False)), "note": note}
