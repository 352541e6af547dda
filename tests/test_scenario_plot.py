"""plots.scenario_bars says where each patrol scenario's elasticity came from (issue 15).

The source (estimated from data / assumed) is in the scenario table
(``elasticity_source``, with the numbers in ``assumption``); the plot must carry it
in the tick labels, the bar hatching and a footnote, so a saved figure cannot
be read without it.  Runs on the real SB_02 table with the cheap climatology
model (the elasticity labels do not depend on the forecasting model).
"""

from __future__ import annotations

import re

import pandas as pd
import crossingcast as cc
from crossingcast import plots
from crossingcast.scenarios import run_scenarios


def _run(frame, data_dir):
    weekly = cc.load_weekly(data_dir)
    spec = {"origin": "2026-04-30", "model": "climatology", "n_paths": 100, "seed": 1,
            "scenarios": [{"name": "no_change", "start": "2026-07-01", "end": "2026-09-30"},
                          {"name": "default", "start": "2026-07-01", "end": "2026-09-30",
                           "changes": [{"patrols": -0.25}]},
                          {"name": "estimated", "start": "2026-07-01", "end": "2026-09-30",
                           "changes": [{"patrols": -0.25, "elasticity": "estimated"}]},
                          {"name": "given", "start": "2026-07-01", "end": "2026-09-30",
                           "changes": [{"patrols": -0.25, "elasticity": [0.5, 1.5]}]}]}
    return run_scenarios(frame, spec, weekly=weekly).table


def _ticks(fig) -> dict[str, str]:
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    return {lab.split("\n")[0]: lab.split("\n", 1)[-1].replace("\n", " ") for lab in labels}


def test_scenario_bars_say_estimated_or_assumed(frame, data_dir):
    t = _run(frame, data_dir)
    src = t.set_index("scenario")["elasticity_source"]
    # the real windows do not identify the effect (test_patrols): default -> assumed range, forced -> estimated
    assert src["no_change"] == "" and src["default"].startswith("assumed (not identified")
    assert src["estimated"].startswith("estimated") and src["given"] == "assumed (given in the spec)"
    fig = plots.scenario_bars(t)
    ticks = _ticks(fig)
    assert ticks["no_change"] == "no_change"  # no patrol change: no elasticity label
    assert "ASSUMED: e ~ uniform(0, 1) (not identified by data)" in ticks["default"]
    assert "ASSUMED: e ~ uniform(0.5, 1.5) (given in the spec)" in ticks["given"]
    est = re.search(r"ESTIMATED from data: e = ([-+0-9.]+), 80% ([-+0-9.]+)\.\.([-+0-9.]+); NOT identified",
                    ticks["estimated"])
    assert est, ticks["estimated"]
    lo, e, hi = float(est.group(2)), float(est.group(1)), float(est.group(3))
    assert lo < 0 < hi and lo <= e <= hi  # the numbers are the estimate's, whatever its sign
    note = fig.get_supxlabel()
    assert note.startswith("Patrol elasticity:") and "ESTIMATED" in note and "ASSUMED (hatched bars)" in note
    assert "paris_olympics_2024" in note
    hatched = {lab: bool(p.get_hatch()) for lab, p in zip(t["scenario"], fig.axes[0].patches)}
    assert hatched == {"no_change": False, "default": True, "estimated": False, "given": True}


def test_scenario_bars_without_patrols_or_source_column_have_no_note():
    table = pd.DataFrame({"scenario": ["a"], "diff_mean": [1.0], "diff_p10": [0.0], "diff_p90": [2.0]})
    assert plots.scenario_bars(table).get_supxlabel() == ""
    table["elasticity_source"] = [""]
    assert plots.scenario_bars(table).get_supxlabel() == ""
    sim = plots.scenario_bars(table.assign(elasticity_source=["assumed (given in the spec)"],
                                           assumption=["elasticity e = 1 ASSUMED (given in the spec, ...)"]),
                              simulated=True)
    # the simulated-data warning stays and the elasticity note is added below it
    assert sim.get_supxlabel().startswith("SIMULATED Channel") and "ASSUMED" in sim.get_supxlabel()
    assert "ASSUMED: e = 1 (given in the spec)" in _ticks(sim)["a"]
