"""Command-line interface (typer): thin wrappers over the library, one module per command.

Commands: ``fetch``, ``forecast``, ``nowcast``, ``backtest``, ``scenario``, ``report``, ``demo``.  Each
writes tables (CSV, Markdown or HTML by the ``--out`` extension) and says
plainly what went in: real or simulated data, and which weather.
"""

from __future__ import annotations

from crossingcast.cli import backtest, demo, fetch, forecast, nowcast, report, scenario  # noqa: F401  (registers the commands)
from crossingcast.cli._common import app, console, load_frame_for

__all__ = ["app", "console", "load_frame_for", "main"]


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
