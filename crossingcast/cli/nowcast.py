"""``crossingcast nowcast``: the next 1-9 days from a weather forecast - arrivals, P10-P90, surge risk, RAG."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Optional

import typer

from crossingcast.cli._common import (
    DataDirOpt,
    MODEL_HELP,
    app,
    check_models,
    check_out,
    console,
    fail,
    load_frame_for,
    print_table,
    write_table,
)


@app.command()
def nowcast(data_dir: Optional[Path] = DataDirOpt,
            home: Optional[Path] = typer.Option(None, help="Data home holding the forecast cache (default "
                                                "$CROSSINGCAST_HOME or ~/.crossingcast)."),
            provider: str = typer.Option("metno", help="Weather forecast through meteostat: metno (MET Norway "
                                         "Locationforecast 2.0; endpoint MS_METNO_FORECAST_ENDPOINT) or mosmix "
                                         "(DWD MOSMIX)."),
            days: int = typer.Option(9, min=1, max=9, help="Days ahead (1-9)."),
            stations: Optional[str] = typer.Option(None, help="Comma-separated meteostat station IDs "
                                                   "(default: two per coast)."),
            model: str = typer.Option("best", help=MODEL_HELP),
            surge: float = typer.Option(500, help="Arrivals per day that make a surge day."),
            out: Path = typer.Option(Path("nowcast.csv"), help="Output table (.csv, .md or .html)."),
            n_paths: int = typer.Option(1000, min=10, help="Sample paths."),
            seed: int = typer.Option(0, help="Random seed.")) -> None:
    """Next 1-9 days: expected arrivals, P10-P90, P(surge day), P(crossings) and a red/amber/green label.

    RAG on the probability of any crossing that day, with the Met Office / Home Office thresholds:
    red above 55%, green below 35%, amber between.  The model is fitted on the weather history
    (crossingcast fetch); the weather of the coming days is a forecast fetched through meteostat.

    Example: crossingcast nowcast --days 7 --out nowcast.csv   (after crossingcast fetch)
    """
    import pandas as pd

    from crossingcast.cli._common import mirror_years, resolve_source
    from crossingcast.errors import CrossingcastError
    from crossingcast.frame import weather_columns
    from crossingcast.outlook import RAG_GREEN, RAG_RED
    from crossingcast.outlook import nowcast as run_nowcast

    check_models([model], "--model")
    check_out(out, "--out")
    try:
        frame = load_frame_for(data_dir)
        if not weather_columns(frame):
            raise CrossingcastError(
                "nowcast needs weather history, and these data are WEATHER-BLIND (no meteostat mirror in the "
                "data directory or the data home): a model that never saw weather cannot turn a weather "
                "forecast into a nowcast, and crossingcast does not guess. Run `crossingcast fetch` (counts and "
                "Channel weather), or use `crossingcast forecast` for a weather-blind forecast")
        from crossingcast.data.weather import load_weather
        from crossingcast.data.weatherfeed import forecast_weather

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            wf = forecast_weather(stations=stations, provider=provider, days=days, home=home)
            observed = None
            mirror = resolve_source(data_dir).weather_dir()
            lo, hi = frame.index[-1] + pd.Timedelta(days=1), wf.index[0] - pd.Timedelta(days=1)
            years = mirror_years(mirror) if mirror is not None else []
            if lo <= hi and years and years[-1] >= lo.year:
                hi = min(hi, pd.Timestamp(year=years[-1], month=12, day=31))
                try:
                    observed = load_weather(lo, hi, mirror=mirror)
                except CrossingcastError as exc:
                    console.print(f"[yellow]no observed weather for {lo.date()}..{hi.date()} ({exc}); "
                                  "those days get climatology[/]")
        for w in caught:
            console.print(f"[yellow]warning:[/] {w.message}")
        console.print(f"weather forecast: {wf.attrs['weather_source']}")
        with console.status(f"fitting {model} on {frame.index[0].date()}..{frame.index[-1].date()}"):
            table = run_nowcast(frame, wf, observed=observed, model=model, n_paths=n_paths, seed=seed,
                                surge_threshold=surge)
    except CrossingcastError as exc:
        fail(exc)
    bridge = table.attrs.get("bridge_days", 0)
    if bridge:
        console.print(f"[yellow]the counts end {frame.index[-1].date()}: {bridge} day(s) before the forecast are "
                      f"bridged by the model ({table.attrs.get('bridge_labels')}); `crossingcast fetch` for "
                      "newer data[/]")
    write_table(table, out)
    print_table(table, f"nowcast ({table['model'].iloc[0]}, surge >= {surge:g}; RAG on P(crossings): red > "
                f"{RAG_RED:.0%}, green < {RAG_GREEN:.0%})",
                columns=["date", "mean", "p10", "p50", "p90", "p_crossing", "p_surge", "rag", "weather"])
    console.print(f"weather: history = {table['weather_history'].iloc[0]}; coming days = forecast "
                  f"({wf.attrs['weather_source']})")
