"""The scenario result table (the CLI contract) and its daily companion."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from crossingcast.scenarios.spec import Scenario, ScenarioSpec, _iso

__all__ = ["CONTRACT_COLUMNS", "ScenarioResult"]

#: First columns of the per-scenario table (the CLI contract).
CONTRACT_COLUMNS = ("scenario", "start", "end", "baseline_mean", "scenario_mean", "diff_mean", "diff_p10", "diff_p90")


# --------------------------------------------------------------------------- results

@dataclass
class ScenarioResult:
    """Output of :func:`run_scenarios`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per scenario; first columns :data:`CONTRACT_COLUMNS`, then
        ``baseline_p10, baseline_p50, baseline_p90, scenario_p10, scenario_p50, scenario_p90,
        diff_p50, ratio_mean, model, origin, weather, n_paths, elasticity_source, assumption, notes``
        (``elasticity_source``: "estimated", "assumed (not identified by data)", ... or "" without patrols).
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


def _summarise(sc: Scenario, runner, out: dict, daily: bool = True) -> tuple[dict, pd.DataFrame | None]:
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
           "n_paths": runner.n_paths, "elasticity_source": out.get("elasticity_source", ""),
           "assumption": out["assumption"], "notes": "; ".join(out["notes"])}
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


