"""Scenario changes: events (on/off, re-dated, borrowed effects), weather years, patrols and prevention rates.

Functions take the :class:`crossingcast.scenarios.run.PairedRunner` they act for.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crossingcast.errors import ScenarioError
from crossingcast.scenarios.spec import _PREVENTION_KINDS, _event_names

__all__ = ["available_weather_years", "estimate_event_effect", "apply_future", "apply_prevention_changes"]


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



def apply_future(runner, future: pd.DataFrame, changes: list, where: str):
    """Apply event and weather ``changes`` to a future frame of ``runner`` (a :class:`PairedRunner`).

    Returns
    -------
    (future, weather label or None, notes)
    """
    from crossingcast.events import event_flags, validate_calendar

    fut = future.copy()
    fut.attrs = dict(future.attrs)
    label, notes = None, []
    known = _event_names(runner.history)
    cal = runner.history.attrs.get("events_calendar")
    for i, ch in enumerate(changes):
        w = f"{where}: changes[{i}]"
        if "weather" in ch:
            wdf, label = _weather_year_for(runner.history, ch["weather"], runner.index, w)
            if wdf is None:
                from crossingcast.frame import climatology_weather

                wdf = climatology_weather(runner.history, runner.index)
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
                flag = event_flags(validate_calendar(row, origin=w), runner.index).iloc[:, 0].to_numpy()
                if "like" in ch:
                    fut[col] = fut[col].to_numpy() + flag
                else:
                    fut[col] = flag
            else:
                if cal is None or name not in set(cal["name"]):
                    raise ScenarioError(f"{w}: key 'event': {name!r} has no calendar dates; give start/end")
                row = cal[cal["name"] == name].copy()
                row["intensity"] = ch["intensity"]
                fut[col] = event_flags(row, runner.index).iloc[:, 0].to_numpy()
                if not (fut[col] != 0).any() and not (future[col] != 0).any():
                    notes.append(f"event {name} is not in force between {runner.start.date()} and "
                                 f"{runner.end.date()}: no effect (give start/end to re-date it)")
            if runner.is_hurdle:
                m = runner.model
                if col not in m.parts_["cross_terms"] and col not in m.parts_["count_terms"]:
                    notes.append(f"event {target} has no fitted effect in the {runner.model_name} model "
                                 f"({m.dropped_features_.get(col, 'not a feature')}): change has no effect")
    return fut, label, notes


def prevention_draws(runner, key: str):
    """Prevention rate at the origin: point value and one bootstrap draw per path (same for every scenario)."""
    from crossingcast import patrols as pt

    if runner.weekly is None:
        raise ScenarioError(f"{runner.source}: key {key!r}: patrol / prevention-rate changes need the SB_02 weekly "
                            f"table (crossingcast.load_weekly(data_dir)), which was not given")
    if runner._prev is None:
        p_hat, weeks = pt.baseline_prevention_rate(runner.weekly, runner.origin)
        rng = np.random.default_rng(np.random.SeedSequence([runner.seed, 31]))
        wb = weeks[rng.integers(0, len(weeks), size=(runner.n_paths, len(weeks)))]
        runner._prev = (p_hat, wb[..., 0].sum(1) / wb[..., 1].sum(1))
    return runner._prev


#: ``elasticity_source`` labels of the scenario table.
SOURCE_ESTIMATED = "estimated"
SOURCE_ESTIMATED_FORCED = "estimated (NOT identified by data: 80% interval spans 0)"
SOURCE_ASSUMED_DEFAULT = "assumed (not identified by data)"
SOURCE_ASSUMED_SPEC = "assumed (given in the spec)"


def estimate_for(runner, drop):
    """The elasticity estimate for an assumed drop (a number or a ``[low, high]`` range), cached per runner."""
    from crossingcast import patrols as pt

    rng_ = tuple(float(v) for v in (drop if isinstance(drop, (list, tuple)) else (drop, drop)))
    if rng_ not in runner._elasticity:
        runner._elasticity[rng_] = pt.estimate_elasticity(runner.weekly, drop_range=rng_, seed=runner.seed)
    return runner._elasticity[rng_]


def elasticity_draws(runner, change: dict):
    """One elasticity per path for a patrol ``change``, its source label and the assumption text.

    * ``elasticity: <number>`` or ``[low, high]``: ASSUMED (given in the spec), fixed or uniform;
    * ``elasticity: estimated``: the block-bootstrap draws of the estimate, whatever it says;
    * no ``elasticity``: the estimate's draws when the data identify the effect (80% interval
      excludes 0), otherwise the ASSUMED range :data:`crossingcast.patrols.DEFAULT_ASSUMED_ELASTICITY`.

    Estimated draws are used as they are: negative draws are NOT truncated.
    """
    from crossingcast import patrols as pt

    rng = np.random.default_rng(np.random.SeedSequence([runner.seed, 37]))
    given = change.get("elasticity")
    if isinstance(given, (int, float)):
        e = np.full(runner.n_paths, float(given))
        return e, SOURCE_ASSUMED_SPEC, (f"elasticity e = {given:g} ASSUMED (given in the spec, not estimated): "
                                        f"p' = p*(1+x)^e, arrivals x (1-p')/(1-p), attempts fixed")
    if isinstance(given, (list, tuple)):
        lo, hi = (float(v) for v in given)
        e = rng.uniform(lo, hi, runner.n_paths)
        return e, SOURCE_ASSUMED_SPEC, (f"elasticity e ~ uniform({lo:g}, {hi:g}) ASSUMED (given in the spec, not "
                                        f"estimated): p' = p*(1+x)^e, arrivals x (1-p')/(1-p), attempts fixed")
    est = estimate_for(runner, change.get("assumed_drop", pt.DEFAULT_DROP_RANGE))
    if given == "estimated" or est.identified:
        e = est.draws[rng.integers(0, len(est.draws), size=runner.n_paths)]
        return e, SOURCE_ESTIMATED if est.identified else SOURCE_ESTIMATED_FORCED, est.assumption()
    lo, hi = pt.DEFAULT_ASSUMED_ELASTICITY
    e = rng.uniform(lo, hi, runner.n_paths)
    return e, SOURCE_ASSUMED_DEFAULT, (f"elasticity e ~ uniform({lo:g}, {hi:g}) ASSUMED because the data do not "
                                       f"identify it: {est.assumption()}")


def apply_prevention_changes(runner, scenario, paths: np.ndarray, mu: np.ndarray):
    """Multiply paired ``paths``/``mu`` by the patrol / prevention-rate changes of ``scenario``.

    Returns
    -------
    (paths, mu, assumption text, elasticity source label or "")
    """
    from crossingcast import patrols as pt

    assumptions, sources = [], []
    for ch in (c for c in scenario.changes if any(k in c for k in _PREVENTION_KINDS)):
        kind = "patrols" if "patrols" in ch else "prevention_rate"
        lo = pd.Timestamp(ch.get("start", scenario.start))
        hi = pd.Timestamp(ch.get("end", runner.end))
        p_hat, p = prevention_draws(runner, kind)
        base = f"prevention rate at origin p={p_hat:.3f} (last 12 SB_02 weeks, bootstrapped per path)"
        if kind == "patrols":
            e, source, how = elasticity_draws(runner, ch)
            sources.append(source)
            mult = pt.patrol_multiplier(ch["patrols"], p, e)  # (n_paths,)
            text = f"patrols {ch['patrols']:+.0%} from {lo.date()} to {hi.date()}; {base}; {how}"
        else:
            v = float(ch["prevention_rate"])
            mult = (1.0 - v) / (1.0 - p)
            text = (f"prevention rate set to {v:.3f} from {lo.date()} to {hi.date()}; {base}; arrivals x "
                    f"(1-p')/(1-p) with attempts fixed (no deterrence or displacement modelled)")
        on = ((runner.index >= lo) & (runner.index <= hi)).astype(float)
        fac = 1.0 + (mult[:, None] - 1.0) * on[None, :]
        paths = paths * fac
        mu = mu * fac
        assumptions.append(text)
    assumption = " | ".join(assumptions)
    return paths, mu, assumption, "; ".join(dict.fromkeys(sources))


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
