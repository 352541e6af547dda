"""``crossingcast backtest``: rolling-origin (or season-ahead) backtests and a leaderboard."""

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
    parse_date,
    print_table,
    save_plot,
    split,
    weather_sentence,
    write_table,
)


@app.command()
def backtest(data_dir: Optional[Path] = DataDirOpt,
             models: str = typer.Option("gbm,hurdle,sarimax,seasonal_naive",
                                        help="Comma-separated model names (seasonal_naive, climatology, hurdle, "
                                             "sarimax, gbm, best)."),
             summers: str = typer.Option("2023,2024,2025", help="Comma-separated summers (years) to backtest."),
             origins: Optional[str] = typer.Option(None, help="Explicit comma-separated origins (last observed "
                                                   "days, YYYY-MM-DD) instead of every Sunday 31 May-29 Sep of "
                                                   "--summers (with --season-ahead: instead of its origins)."),
             horizon: int = typer.Option(14, min=1, help="Days ahead forecast from each origin."),
             weather: str = typer.Option("oracle", help="Future weather: oracle (observed weather as a perfect "
                                         "forecast) or climatology. Ignored (label 'none') without weather data."),
             refit: str = typer.Option("season", help="season: fit once per summer then update; origin: refit "
                                       "at every origin."),
             n_jobs: int = typer.Option(1, min=1, help="Parallel workers (units: model x summer)."),
             backend: str = typer.Option("loky", help="joblib backend: loky or dask (a local dask cluster)."),
             season_ahead: bool = typer.Option(False, "--season-ahead", help="Season-ahead backtest instead: "
                                               "origins every Sunday 1 Mar-31 Jul plus 30 Apr, 15 May, 31 May of "
                                               "--summers; one forecast to 31 Dec per origin; rest-of-season, "
                                               "Jun-Sep, calendar-year totals and surge days scored by CRPS."),
             target: str = typer.Option("rest_of_season", help="--season-ahead: target of the leaderboard "
                                        "(rest_of_season, jun_sep, may_aug20, year, surge_days)."),
             out: Path = typer.Option(Path("leaderboard.csv"), help="Leaderboard table (.csv, .md or .html)."),
             per_origin: Optional[Path] = typer.Option(None, help="Also write the per-origin metrics (per-year "
                                                       "totals with --season-ahead) to this table."),
             plot: Optional[Path] = typer.Option(None, help="Leaderboard bar chart (.png)."),
             seed: int = typer.Option(0, help="Random seed of the models' sample paths.")) -> None:
    """Rolling-origin summer backtests (or --season-ahead) and a leaderboard of the models.

    Example: crossingcast backtest --data-dir ../shared/data --models hurdle,seasonal_naive --summers 2025
    --out leaderboard.csv --plot leaderboard.png
    """
    import pandas as pd

    from crossingcast.errors import CrossingcastError

    names = check_models(split(models, "--models"))
    check_out(out, "--out")
    check_out(per_origin, "--per-origin")
    check_plot(plot)
    if weather not in ("oracle", "climatology"):
        raise typer.BadParameter(f"--weather: {weather!r} is not one of oracle, climatology")
    if backend not in ("loky", "dask"):
        raise typer.BadParameter(f"--backend: {backend!r} is not one of loky, dask")
    if refit not in ("season", "origin"):
        raise typer.BadParameter(f"--refit: {refit!r} is not one of season, origin")
    try:
        years = [int(y) for y in split(summers, "--summers")]
    except ValueError:
        raise typer.BadParameter(f"--summers: {summers!r} is not a comma-separated list of years") from None
    ors = [parse_date(o, "--origins") for o in split(origins, "--origins")] if origins else None
    client = None
    try:
        from crossingcast.evaluate import rolling_origin_backtest, season_ahead_backtest
        from crossingcast.evaluate.backtest import weather_label

        frame = load_frame_for(data_dir)
        label = weather_label(frame, weather)
        console.print(weather_sentence(label), style="bold yellow" if label != "climatology" else "bold")
        if backend == "dask":
            from distributed import Client

            client = Client(processes=False, n_workers=1, threads_per_worker=n_jobs, dashboard_address=":0")
            console.print(f"dask: local cluster with {n_jobs} thread(s)")
        be = "dask" if backend == "dask" else None
        if season_ahead:
            from crossingcast.evaluate.season_ahead import TARGETS

            if target not in TARGETS:
                raise typer.BadParameter(f"--target: {target!r} is not one of {', '.join(TARGETS)}")
            sa = season_ahead_backtest(frame, names, years=years, origins=ors, weather=weather,
                                       refit="origin" if refit == "origin" else "year", n_jobs=n_jobs, backend=be,
                                       progress=console.is_terminal, random_state=seed)
            console.print(f"{sa.settings['n_origins']} origins in {sa.settings['years']}: {sa.wall_seconds:.1f} s")
            board = sa.leaderboard(target)
            detail = sa.per_origin
            title = f"season-ahead leaderboard ({target}; lowest CRPS of the total first; weather={label})"
            shown = ["rank", "model", "crps", "skill", "mape", "bias", "coverage80", "jump", "n_origins"]
        else:
            res = rolling_origin_backtest(frame, names, summers=years, origins=ors, horizon=horizon,
                                          weather=weather, refit=refit, n_jobs=n_jobs, backend=be,
                                          progress=True, random_state=seed)
            board = res.leaderboard()
            detail = res.per_origin
            console.print(f"{res.settings['n_origins']} origins in summers {res.settings['summers']}, horizon "
                          f"{horizon} days, refit={refit}: {res.wall_seconds:.1f} s")
            title = f"rolling-origin leaderboard (best weekly-total RMSE first; weather={label})"
            shown = ["rank", "model", "mae", "crps", "coverage80", "wk_rmse", "wk_coverage80", "season_total_mape"]
    except (CrossingcastError, ValueError) as exc:
        fail(exc)
    finally:
        if client is not None:
            client.close()
    if not isinstance(board, pd.DataFrame) or board.empty:
        fail(ValueError("the backtest produced no scored forecasts (no origins with observed days after them)"))
    print_table(board, title + "; all columns in the output file", shown)
    write_table(board, out)
    if per_origin is not None:
        write_table(detail, per_origin)
    if plot is not None:
        from crossingcast.plots import leaderboard_bars

        metric = "crps" if season_ahead else "wk_rmse"
        save_plot(leaderboard_bars(board, metric, title=f"season-ahead leaderboard: CRPS of the {target} total"
                                    if season_ahead else None), plot)

