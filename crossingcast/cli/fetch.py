"""``crossingcast fetch``: the current Home Office release and Channel weather history into the data home."""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Optional

import typer

from crossingcast.cli._common import app, console, fail, print_table

#: Environment variable overriding the GOV.UK publication page (a mirror, or a test server).
PUBLICATION_URL_ENV = "CROSSINGCAST_PUBLICATION_URL"


@app.command()
def fetch(home: Optional[Path] = typer.Option(None, help="Data home (default $CROSSINGCAST_HOME or ~/.crossingcast)."),
          url: str = typer.Option(None, help=f"Publication page URL (default ${PUBLICATION_URL_ENV}, else the "
                                  "GOV.UK page)."),
          weather: bool = typer.Option(True, "--weather/--no-weather", help="Also fetch meteostat hourly and daily "
                                       "history for the Channel stations (endpoints: meteostat's config, "
                                       "MS_HOURLY_ENDPOINT / MS_DAILY_ENDPOINT)."),
          stations: Optional[str] = typer.Option(None, help="Comma-separated meteostat station IDs (default: "
                                                 "03797,03796,07002,07010, two per coast)."),
          since: str = typer.Option("2018-01-01", help="First date of weather history (whole years are fetched; "
                                    "the counts start 2018-01-01)."),
          timeout: float = typer.Option(30.0, help="Per-request timeout in seconds."),
          retries: int = typer.Option(3, help="Retries with exponential backoff.")) -> None:
    """Download the current Home Office release (keeping every earlier one) and Channel weather into the data home.

    Weather goes to <home>/weather/ in meteostat's own layout (hourly/{year}/{station}.csv.gz, daily/...),
    incrementally by year; a failed or shorter download never replaces a good file. forecast, backtest,
    scenario and nowcast then use it automatically.

    Example: crossingcast fetch --home ~/.crossingcast
    """
    from crossingcast.cli._common import parse_date
    from crossingcast.data import homeoffice as ho
    from crossingcast.data.home import DataHome
    from crossingcast.errors import CrossingcastError

    since_ts = parse_date(since, "--since")
    dh = DataHome(home)
    console.print(f"data home: {dh.root}")
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            path = ho.fetch_release(url or os.environ.get(PUBLICATION_URL_ENV) or ho.PUBLICATION_URL, dh,
                                    timeout=timeout, retries=retries)
        for w in caught:
            console.print(f"[yellow]warning:[/] {w.message}")
    except CrossingcastError as exc:
        fail(exc)
    rel = ho.read_release(path)
    console.print(f"release: [bold]{path}[/] covers {rel.daily.index[0].date()}..{rel.end.date()}")
    if not weather:
        console.print("weather: not fetched (--no-weather)")
        return
    from crossingcast.data.weatherfeed import fetch_weather_history

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            table = fetch_weather_history(dh.root, stations=stations, since=since_ts, timeout=timeout,
                                          retries=retries)
    except CrossingcastError as exc:
        fail(exc)
    for w in caught:
        console.print(f"[yellow]warning:[/] {w.message}")
    summary = (table.assign(n=1, failed=table["status"].str.startswith("failed"))
               .groupby(["station", "kind"], sort=False)
               .agg(years=("year", lambda y: f"{y.min()}..{y.max()}"), files=("n", "sum"),
                    failed=("failed", "sum"), rows=("rows", "sum"),
                    status=("status", lambda s: ", ".join(f"{k}: {v}" for k, v in
                                                          s.str.split(":").str[0].value_counts().items())))
               .reset_index())
    print_table(summary, f"weather history in {dh.root / 'weather'} (meteostat layout)")
    n_fail = int(summary["failed"].sum())
    if n_fail:
        console.print(f"[yellow]{n_fail} weather file(s) could not be fetched; cached files were kept[/]")
