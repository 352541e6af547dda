"""``crossingcast report``: one self-contained HTML briefing (forecast, surge risk, scenarios, leaderboard)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from crossingcast.cli._common import (
    DataDirOpt,
    MODEL_HELP,
    app,
    check_models,
    console,
    fail,
    load_frame_for,
    parse_date,
    progress_bar,
    resolve_root,
    split,
)

_EPILOG = ("Example: crossingcast report --data-dir ../shared/data --origin 2026-04-30 --scenarios "
           "examples/scenarios/summer_2026.yaml --quick --out briefing.html")


@app.command(epilog=_EPILOG)
def report(data_dir: Optional[Path] = DataDirOpt,
           origin: Optional[str] = typer.Option(None, help="Last day of data used (YYYY-MM-DD); default the last "
                                                "observed day."),
           start: Optional[str] = typer.Option(None, help="First forecast day; default 1 June after the origin."),
           end: Optional[str] = typer.Option(None, help="Last forecast day; default 30 September after the origin."),
           model: str = typer.Option("best", help=MODEL_HELP),
           scenarios: Optional[Path] = typer.Option(None, help="Scenario file (YAML) for the scenarios section."),
           sections: str = typer.Option("forecast,surge,scenarios,leaderboard,provenance",
                                        help="Comma-separated sections to include."),
           backtest_models: Optional[str] = typer.Option(None, help="Comma-separated models of the leaderboard "
                                                         "(default: a standard set; the forecast model is added)."),
           n_paths: int = typer.Option(1000, min=10, help="Sample paths (per weather year for the outlook)."),
           seed: int = typer.Option(0, help="Random seed."),
           quick: bool = typer.Option(False, "--quick", help="Short run: <= 200 paths, 3 backtest origins in one "
                                      "summer."),
           out: Path = typer.Option(Path("briefing.html"), help="Output HTML file."),
           tables_dir: Optional[Path] = typer.Option(None, help="Also write every table of the page as CSV here."),
           title: Optional[str] = typer.Option(None, help="Page title.")) -> None:
    """Write ONE self-contained HTML briefing to e-mail (images embedded, no network).

    Sections: forecast table and fan chart, weekly surge risk, scenarios with paired intervals and their
    assumptions in plain words, the backtest leaderboard behind the model choice, and data provenance.
    """
    import crossingcast as cc
    from crossingcast.errors import CrossingcastError
    from crossingcast.report import SECTIONS, briefing

    check_models([model], "--model")
    chosen = split(sections, "--sections")
    bad = [s for s in chosen if s not in SECTIONS]
    if bad:
        raise typer.BadParameter(f"--sections: unknown section {bad[0]!r}; choose from {', '.join(SECTIONS)}")
    bt_models = check_models(split(backtest_models, "--backtest-models"), "--backtest-models") \
        if backtest_models else None
    if out.suffix.lower() not in (".html", ".htm"):
        raise typer.BadParameter(f"--out {str(out)!r}: the briefing is an HTML file (.html)")
    dates = {k: parse_date(v, f"--{k}") if v else None for k, v in (("origin", origin), ("start", start),
                                                                     ("end", end))}
    try:
        frame = load_frame_for(data_dir)
        spec = weekly = None
        if scenarios is not None and "scenarios" in chosen:
            from crossingcast.scenarios import load_spec

            spec = load_spec(scenarios)
            if spec.needs_weekly():
                weekly = cc.load_weekly(resolve_root(data_dir))
        steps = sum(s in chosen for s in ("scenarios", "leaderboard")) + any(s in chosen for s in ("forecast",
                                                                                                     "surge"))
        with progress_bar("briefing", max(steps, 1)) as (bar, task):
            done = []

            def step(msg: str) -> None:
                if done:  # a new step starts: the previous one is finished
                    bar.advance(task)
                done.append(msg)
                console.print(msg, markup=False, highlight=False)
                bar.update(task, description=msg[:60])

            b = briefing(frame, dates["origin"], dates["start"], dates["end"], model=model, scenarios=spec,
                         weekly=weekly, sections=chosen, n_paths=n_paths, seed=seed, backtest_models=bt_models,
                         quick=quick, title=title, progress=step)
            bar.advance(task)
        if spec is None and "scenarios" in chosen:
            console.print("[yellow]no --scenarios file: the scenarios section says that none were run[/]")
        path = b.write(out, tables_dir=tables_dir)
    except (CrossingcastError, OSError) as exc:
        fail(exc)
    console.print(f"wrote [bold]{path}[/] ({len(b.html) / 1024:,.0f} KiB, {len(b.tables)} tables, "
                  f"{len(b.figures)} figures; self-contained)")
    if tables_dir is not None:
        console.print(f"wrote {len(b.tables)} CSV tables to [bold]{tables_dir}[/]")
