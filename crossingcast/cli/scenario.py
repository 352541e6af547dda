"""``crossingcast scenario``: policy scenarios against a baseline with paired sample paths."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from crossingcast.cli._common import (
    DataDirOpt,
    app,
    check_models,
    check_out,
    check_plot,
    console,
    fail,
    load_frame_for,
    print_table,
    progress_bar,
    resolve_root,
    save_plot,
    write_table,
)


def _needs_weekly(spec) -> bool:
    """Does a change act through the SB_02 prevention rate (patrols, prevention_rate)?"""
    if hasattr(spec, "needs_weekly"):
        return bool(spec.needs_weekly())
    kinds = ("patrols", "prevention_rate")
    changes = list(spec.baseline) + [c for sc in spec.scenarios for c in sc.changes]
    return any(k in c for c in changes for k in kinds)


@app.command()
def scenario(spec_path: Path = typer.Argument(..., metavar="SPEC.yaml", help="Scenario file (YAML)."),
             data_dir: Optional[Path] = DataDirOpt,
             out: Path = typer.Option(Path("scenarios.csv"), help="One row per scenario (.csv, .md or .html)."),
             daily: Optional[Path] = typer.Option(None, help="Also write the per-day baseline/scenario table."),
             n_paths: Optional[int] = typer.Option(None, min=10, help="Sample paths (overrides the spec)."),
             seed: Optional[int] = typer.Option(None, min=0, help="Random seed (overrides the spec)."),
             model: Optional[str] = typer.Option(None, help="Model (overrides the spec)."),
             plot: Optional[Path] = typer.Option(None, help="Bar chart of the differences (.png).")) -> None:
    """Run the scenarios of SPEC.yaml against a baseline with paired sample paths.

    Output columns start with: scenario, start, end, baseline_mean, scenario_mean, diff_mean, diff_p10, diff_p90.

    Example: crossingcast scenario examples/scenarios/summer_2026.yaml --data-dir ../shared/data
    --out scenarios.csv --plot scenarios.png
    """
    import crossingcast as cc
    from crossingcast.errors import CrossingcastError
    from crossingcast.scenarios import CONTRACT_COLUMNS, load_spec, run_scenarios

    if model is not None:
        check_models([model], "--model")
    check_out(out, "--out")
    check_out(daily, "--daily")
    check_plot(plot)
    try:
        spec = load_spec(spec_path)
        if n_paths is not None:
            spec.n_paths = int(n_paths)
        if seed is not None:
            spec.seed = int(seed)
        if model is not None:
            spec.model = model
        frame = load_frame_for(data_dir)
        weekly = None
        if _needs_weekly(spec):
            weekly = cc.load_weekly(resolve_root(data_dir))
            console.print(f"SB_02 weekly preventions loaded ({len(weekly)} weeks) for the prevention-rate/patrol "
                          f"changes")
        if spec.description:
            console.print(spec.description.strip(), style="bold", markup=False)
        with progress_bar(f"fitting {spec.model} at {spec.origin.date()}; {len(spec.scenarios)} scenario(s) x "
                          f"{spec.n_paths} paired paths", 1 + len(spec.scenarios)) as (bar, task):
            def step(msg: str) -> None:
                console.print(msg, markup=False)
                bar.advance(task)

            res = run_scenarios(frame, spec, weekly=weekly, progress=step)
    except CrossingcastError as exc:
        fail(exc)
    table = res.table
    if res.info.get("weather_blind"):
        console.print("[bold yellow]WEATHER-BLIND: no weather data; the baseline and every scenario use counts, "
                      "events and calendar only[/]")
    if res.info.get("simulated"):
        console.print("[bold red]SIMULATED data (not real)[/]")
    console.print("[bold]assumptions[/]")
    for row in table.itertuples(index=False):
        text = row.assumption or "no patrol change; event/weather changes act through the fitted model"
        src = getattr(row, "elasticity_source", "")
        text = f"[elasticity {src}] {text}" if src else text
        console.print(f"  {row.scenario}: {text}", markup=False, highlight=False)
        if row.notes:
            console.print(f"    notes: {row.notes}", markup=False, highlight=False)
    print_table(table, f"scenario - baseline totals ({res.info.get('model')}, origin {res.info.get('origin')}, "
                 f"{spec.n_paths} paired paths, 80% intervals from path differences)",
                 list(CONTRACT_COLUMNS))
    write_table(table, out)
    if daily is not None:
        write_table(res.daily, daily)
    if plot is not None:
        from crossingcast.plots import scenario_bars

        try:
            # scenario_bars labels every patrol bar with its elasticity source (estimated / assumed)
            save_plot(scenario_bars(table, title=f"Scenarios vs baseline ({res.info.get('model')}, origin "
                                     f"{res.info.get('origin')}, weather: {res.info.get('weather')})",
                                     simulated=bool(res.info.get("simulated"))), plot)
        except CrossingcastError as exc:
            fail(exc)


# --------------------------------------------------------------------------- demo

_SIM = "SIMULATED"
