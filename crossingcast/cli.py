"""Command-line interface (typer): thin wrappers over the library.

Commands: ``fetch``, ``forecast``, ``backtest``, ``scenario``, ``demo``.  Each
writes tables (CSV, Markdown or HTML by the ``--out`` extension) and says
plainly what went in: real or simulated data, and which weather.
"""

from __future__ import annotations

import warnings
from datetime import datetime
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="crossingcast: forecasts of daily small-boat crossings of the English Channel.")
console = Console(stderr=True)

DataDirOpt = typer.Option(None, "--data-dir", help="Data directory with homeoffice/*.ods "
                          "(and optionally weather/); default $CROSSINGCAST_DATA.")


def _fail(exc: Exception) -> None:
    console.print(f"[bold red]error:[/] {exc}")
    raise typer.Exit(code=2)


def _date(value: str, what: str):
    import pandas as pd

    try:
        return pd.Timestamp(datetime.strptime(value, "%Y-%m-%d"))
    except ValueError:
        raise typer.BadParameter(f"{what}: {value!r} is not a date (YYYY-MM-DD)") from None


def _write_table(table, out: Path) -> None:
    from crossingcast.report import write_table

    write_table(table, out)
    console.print(f"wrote [bold]{out}[/] ({len(table)} rows)")


def load_frame_for(data_dir: Optional[Path], end=None):
    """Counts (+ weather when the data directory has a mirror covering them) -> frame."""
    import crossingcast as cc
    from crossingcast.data.home import resolve_data_dir, weather_dir
    from crossingcast.errors import CrossingcastError

    root = resolve_data_dir(data_dir)
    counts = cc.load_counts(root)
    weather = None
    if weather_dir(root) is not None:
        try:
            weather = cc.load_weather(counts.index[0], counts.index[-1], data_dir=root)
        except CrossingcastError as exc:
            console.print(f"[yellow]weather mirror present but not usable ({exc}); continuing without weather[/]")
    frame = cc.build_frame(counts, weather=weather, end=end)
    console.print(f"data: {frame.attrs['report']['source']} ({frame.index[0].date()}..{frame.index[-1].date()}); "
                  f"{frame.attrs['report']['weather']}")
    return frame


@app.command()
def fetch(home: Optional[Path] = typer.Option(None, help="Data home (default $CROSSINGCAST_HOME or ~/.crossingcast)."),
          url: str = typer.Option(None, help="Publication page URL (default: the GOV.UK page)."),
          timeout: float = typer.Option(30.0, help="Per-request timeout in seconds."),
          retries: int = typer.Option(3, help="Retries with exponential backoff.")) -> None:
    """Download the current Home Office release into the data home (keeps every earlier release)."""
    from crossingcast.data import homeoffice as ho
    from crossingcast.data.home import DataHome
    from crossingcast.errors import CrossingcastError

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            path = ho.fetch_release(url or ho.PUBLICATION_URL, DataHome(home), timeout=timeout, retries=retries)
        for w in caught:
            console.print(f"[yellow]warning:[/] {w.message}")
    except CrossingcastError as exc:
        _fail(exc)
    rel = ho.read_release(path)
    console.print(f"release: [bold]{path}[/] covers {rel.daily.index[0].date()}..{rel.end.date()}")


@app.command()
def forecast(data_dir: Optional[Path] = DataDirOpt,
             origin: str = typer.Option(..., help="Forecast origin: fit on data up to this date (YYYY-MM-DD)."),
             start: str = typer.Option(..., help="First forecast date."),
             end: str = typer.Option(..., help="Last forecast date."),
             model: str = typer.Option("best", help="seasonal_naive, climatology, hurdle, sarimax, gbm or best."),
             out: Path = typer.Option(Path("forecast.csv"), help="Output table (.csv, .md or .html)."),
             weather_file: Optional[Path] = typer.Option(None, help="CSV of future weather (date + weather "
                                                         "feature columns); default: climatology."),
             n_paths: int = typer.Option(1000, help="Sample paths."),
             seed: int = typer.Option(0, help="Random seed.")) -> None:
    """Fit on data up to ORIGIN and forecast START..END: one row per day (date, mean, p10, p50, p90, ...)."""
    import pandas as pd

    from crossingcast.errors import CrossingcastError
    from crossingcast.frame import future_frame, weather_columns
    from crossingcast.models import BEST_MODEL, make_forecaster

    o, s, e = _date(origin, "--origin"), _date(start, "--start"), _date(end, "--end")
    if not o < s <= e:
        raise typer.BadParameter(f"need origin < start <= end, got {o.date()}, {s.date()}, {e.date()}")
    try:
        frame = load_frame_for(data_dir)
        if o > frame.index[-1]:
            raise typer.BadParameter(f"--origin {o.date()} is after the last observed date {frame.index[-1].date()}")
        train = frame.loc[:o]
        weather = None
        if weather_file is not None:
            weather = pd.read_csv(weather_file, parse_dates=["date"], index_col="date")
        fut = future_frame(train, s, e, weather=weather, weather_mode="forecast file" if weather is not None else None)
        if weather_columns(train) and weather is None:
            console.print("[yellow]no future weather given: using weather climatology (per day-of-year means)[/]")
        elif not weather_columns(train):
            console.print("[yellow]no weather data: the model is weather-blind (counts, events and calendar only)[/]")
        name = BEST_MODEL if model == "best" else model
        with console.status(f"fitting {name} on {train.index[0].date()}..{train.index[-1].date()}"):
            fc = make_forecaster(name, n_paths=n_paths, random_state=seed).fit(train).predict(fut)
    except CrossingcastError as exc:
        _fail(exc)
    table = fc.to_frame()
    table["weather"] = fc.info.get("weather", "none")
    _write_table(table, out)
    tot = fc.total()
    console.print(f"{name}: total {s.date()}..{e.date()} mean {tot['mean']:,.0f} "
                  f"(80% interval {tot['p10']:,.0f}–{tot['p90']:,.0f})")


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
