"""``crossingcast fetch``: download the current Home Office release into the data home."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Optional

import typer

from crossingcast.cli._common import app, console, fail


@app.command()
def fetch(home: Optional[Path] = typer.Option(None, help="Data home (default $CROSSINGCAST_HOME or ~/.crossingcast)."),
          url: str = typer.Option(None, help="Publication page URL (default: the GOV.UK page)."),
          timeout: float = typer.Option(30.0, help="Per-request timeout in seconds."),
          retries: int = typer.Option(3, help="Retries with exponential backoff.")) -> None:
    """Download the current Home Office release into the data home (keeps every earlier release).

    Example: crossingcast fetch --home ~/.crossingcast
    """
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
        fail(exc)
    rel = ho.read_release(path)
    console.print(f"release: [bold]{path}[/] covers {rel.daily.index[0].date()}..{rel.end.date()}")
