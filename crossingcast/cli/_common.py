"""Shared pieces of the command line: the typer app, the console, option checks, table printing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="crossingcast: forecasts of daily small-boat crossings of the English Channel.")
console = Console(stderr=True)


def _version(value: bool) -> None:
    if value:
        import crossingcast

        print(f"crossingcast {crossingcast.__version__}")
        raise typer.Exit()


@app.callback()
def _main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the crossingcast version and exit.")) -> None:
    """crossingcast: forecasts of daily small-boat crossings of the English Channel."""

DataDirOpt = typer.Option(None, "--data-dir", help="Data directory with homeoffice/*.ods "
                          "(and optionally weather/). Default: $CROSSINGCAST_DATA, else the data home "
                          "($CROSSINGCAST_HOME or ~/.crossingcast) if it holds a release, else the bundled snapshot.")


#: Help text of ``--model``.  Written out rather than built from crossingcast.models, whose import (pandas)
#: would double the CLI's start-up time; tests/test_cli.py checks it against MODEL_NAMES and best_model.
MODEL_HELP = ("seasonal_naive, climatology, persistence, hurdle, sarimax, gbm, level, ensemble, ensemble_qa or "
              "best (gbm up to 28 days ahead, ensemble_qa beyond).")


def fail(exc: Exception) -> None:
    from rich.text import Text

    console.print(Text.assemble(("error:", "bold red"), " ", str(exc)))
    raise typer.Exit(code=2)


def parse_date(value: str, what: str):
    import pandas as pd

    try:
        return pd.Timestamp(datetime.strptime(value, "%Y-%m-%d"))
    except ValueError:
        raise typer.BadParameter(f"{what}: {value!r} is not a date (YYYY-MM-DD)") from None


def write(write, obj, path: Path, what: str) -> None:
    """``write(obj, path)``; a write error ends the command cleanly (exit code 2), success is reported."""
    from crossingcast.errors import CrossingcastError

    try:
        write(obj, path)
    except (CrossingcastError, OSError) as exc:
        fail(exc)
    console.print(f"wrote [bold]{path}[/] ({what})")


def write_table(table, out: Path) -> None:
    from crossingcast.report import write_table

    write(write_table, table, out, f"{len(table)} rows")


def check_out(path: Optional[Path], what: str) -> None:
    """Refuse an unknown table extension before any work is done."""
    from crossingcast.report import TABLE_FORMATS

    if path is not None and path.suffix.lower() not in TABLE_FORMATS:
        raise typer.BadParameter(f"{what} {str(path)!r}: unknown table extension {path.suffix!r}; use one of "
                                 f"{', '.join(sorted(TABLE_FORMATS))}")


def check_plot(path: Optional[Path]) -> None:
    """Refuse a plot file matplotlib cannot write before any work is done."""
    if path is None:
        return
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise typer.BadParameter("--plot needs matplotlib (pip install matplotlib)") from None
    supported = Figure().canvas.get_supported_filetypes()
    if path.suffix.lstrip(".").lower() not in supported:
        raise typer.BadParameter(f"--plot {str(path)!r}: cannot write {path.suffix!r} plots; use one of "
                                 f"{', '.join('.' + k for k in sorted(supported))}")


def mirror_years(mirror: Path) -> list[int]:
    """Years with at least one station file in a meteostat mirror (hourly or daily)."""
    years = set()
    for kind in ("hourly", "daily"):
        for d in (mirror / kind).glob("*") if (mirror / kind).is_dir() else []:
            if d.name.isdigit() and any(d.glob("*.csv.gz")):
                years.add(int(d.name))
    return sorted(years)


def resolve_source(data_dir: Optional[Path]):
    """The data source by the resolution order (--data-dir > $CROSSINGCAST_DATA > data home > snapshot), printed."""
    from crossingcast.data.home import resolve_data

    src = resolve_data(data_dir)
    console.print(f"data source: {src.reason}", style="bold yellow" if src.kind == "bundled snapshot" else None)
    return src


def load_frame_for(data_dir: Optional[Path], end=None):
    """Counts (+ weather when a meteostat mirror covers them) -> frame; says where both came from.

    The data come from :func:`crossingcast.data.home.resolve_data` (printed).  Weather is the
    ``weather/`` mirror of that directory, else the data home's (filled by ``crossingcast fetch``);
    when the mirror starts after the counts, the frame starts with the mirror (printed).
    ``frame.attrs["data_source"]`` and ``frame.attrs["weather_history"]`` label the tables.
    """
    import pandas as pd

    import crossingcast as cc
    from crossingcast.errors import CrossingcastError, WeatherError

    src = resolve_source(data_dir)
    counts = cc.load_counts(src.root)
    weather = None
    start = None
    mirror = src.weather_dir()
    label = "none"
    if mirror is not None:
        years = mirror_years(mirror)
        lo, hi = counts.index[0], counts.index[-1]
        if years and years[0] > lo.year:
            lo = pd.Timestamp(year=years[0], month=1, day=2)  # 1 Jan local starts in the previous UTC year
        try:
            if not years or lo > hi:
                raise WeatherError(f"weather mirror {mirror} has no files for {lo.year}..{hi.year}")
            weather = cc.load_weather(lo, hi, mirror=mirror)
            start = lo if lo > counts.index[0] else None
            label = f"observed history (meteostat mirror {mirror}, {lo.date()}..{hi.date()})"
            if start is not None:
                console.print(f"[yellow]the weather mirror starts {lo.date()}: the frame starts there too "
                              f"(counts from {counts.index[0].date()} are not used); "
                              "`crossingcast fetch --since 2018-01-01` fills the earlier years[/]")
        except CrossingcastError as exc:
            console.print(f"[yellow]weather mirror present but not usable ({exc}); continuing without weather[/]")
    frame = cc.build_frame(counts, weather=weather, start=start, end=end)
    frame.attrs["data_source"] = f"{src.kind}: {frame.attrs['report']['source']}"
    frame.attrs["weather_history"] = label
    console.print(f"data: {frame.attrs['report']['source']} ({frame.index[0].date()}..{frame.index[-1].date()}); "
                  f"{frame.attrs['report']['weather']}"
                  + (f" from {mirror}" if weather is not None else ""))
    return frame


def resolve_root(data_dir: Optional[Path]) -> Path:
    from crossingcast.data.home import resolve_data

    return resolve_data(data_dir).root


def split(value: str, what: str) -> list[str]:
    items = [v.strip() for v in str(value).split(",") if v.strip()]
    if not items:
        raise typer.BadParameter(f"{what}: empty list")
    return items


def check_models(names: list[str], what: str = "--models") -> list[str]:
    from crossingcast.models import MODEL_NAMES

    bad = [n for n in names if n not in MODEL_NAMES]
    if bad:
        raise typer.BadParameter(f"{what}: unknown model {bad[0]!r}; choose from {', '.join(MODEL_NAMES)}")
    return names


def fmt(value) -> str:
    import math

    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value != 0 and (abs(value) >= 1e5 or abs(value) < 1e-3):
            return f"{value:,.4g}"
        return f"{value:,.4g}" if abs(value) < 100 else f"{value:,.0f}"
    if hasattr(value, "date") and hasattr(value, "hour") and value.hour == 0 and value.minute == 0:
        return str(value.date())
    return str(value)


def print_table(table, title: str, columns: Optional[list] = None, max_rows: int = 40) -> None:
    """Print a DataFrame as a rich table (first ``max_rows`` rows) on the console."""
    from rich.table import Table

    cols = [c for c in (columns or list(table.columns)) if c in table.columns]
    rt = Table(title=title, title_justify="left", show_lines=False)
    for c in cols:
        numeric = table[c].dtype.kind in "iuf"
        rt.add_column(str(c), justify="right" if numeric else "left", overflow="fold",
                      no_wrap=c in ("model", "scenario"))
    for row in table[cols].head(max_rows).itertuples(index=False):
        rt.add_row(*[fmt(v) for v in row])
    # Not a terminal (logs, CI, pipes): rich would squeeze the table into 80 columns.
    target = console if console.is_terminal else Console(file=console.file, width=max(console.width, 140))
    target.print(rt)
    if len(table) > max_rows:
        console.print(f"... {len(table) - max_rows} more rows in the output file")


def weather_sentence(label: str) -> str:
    if label == "none":
        return ("WEATHER-BLIND: the data directory has no weather mirror, so no model sees weather "
                "(counts, events and calendar only); --weather has no effect")
    if label == "oracle":
        return ("weather: ORACLE - the OBSERVED weather of every forecast day is given to the models as if it "
                "were a perfect forecast; the scores are an upper bound on what a real weather forecast allows")
    return ("weather: climatology - forecast days get day-of-year mean weather (what is known at the origin "
            "without a weather forecast)")


def save_plot(fig, path: Path) -> None:
    from crossingcast.plots import save_figure

    write(save_figure, fig, path, "plot")




def progress_bar(description: str, total: float):
    """A rich progress bar on stderr; quiet (disabled) when stderr is not a terminal (logs, CI, pipes).

    Use as ``with progress_bar("backtest", n) as (bar, task): ... bar.advance(task)``.
    """
    from contextlib import contextmanager

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    @contextmanager
    def _bar():
        bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                       console=console, transient=True, disable=not console.is_terminal)
        with bar:
            yield bar, bar.add_task(description, total=total)

    return _bar()
