"""Scenario specs: the YAML format, its validation and the check of a spec against a frame.

See :mod:`crossingcast.scenarios` for the format of the changes.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from crossingcast.errors import ScenarioError

__all__ = ["Scenario", "ScenarioSpec", "load_spec", "dump_spec", "spec_from_dict", "MAX_HORIZON_DAYS"]

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
            d = change["assumed_drop"]
            vals = d if isinstance(d, (list, tuple)) else [d]
            try:
                vals = [float(v) for v in vals]
            except (TypeError, ValueError):
                raise ScenarioError(f"{where}: key 'assumed_drop': {d!r} is not a number or [low, high]") from None
            if len(vals) not in (1, 2) or not all(0 < v < 1 for v in vals) or vals != sorted(vals):
                raise ScenarioError(f"{where}: key 'assumed_drop': {d!r} must be in (0, 1) (a number or [low, high])")
            out["assumed_drop"] = vals[0] if len(vals) == 1 else vals
        if "elasticity" in change:
            e = change["elasticity"]
            if isinstance(e, str) and e.strip() == "estimated":
                e = "estimated"
            else:
                vals = e if isinstance(e, (list, tuple)) else [e]
                try:
                    vals = [float(v) for v in vals]
                except (TypeError, ValueError):
                    raise ScenarioError(f"{where}: key 'elasticity': {e!r} is not a number, [low, high] or "
                                        f"'estimated' (e.g. 1.0)") from None
                if len(vals) not in (1, 2) or not all(0 <= v <= 5 for v in vals) or vals != sorted(vals):
                    raise ScenarioError(f"{where}: key 'elasticity': {e!r} must be in [0, 5] (an assumed "
                                        f"elasticity of the prevention rate to patrol intensity, or [low, high])")
                e = vals[0] if len(vals) == 1 else vals
                if "assumed_drop" in change:
                    raise ScenarioError(f"{where}: key 'assumed_drop': give either 'elasticity' (assumed) or "
                                        f"'assumed_drop' (elasticity estimated from the patrol windows), not both")
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


def _event_names(history: pd.DataFrame) -> set:
    return {c[len("event_"):] for c in history.columns if c.startswith("event_")}


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

