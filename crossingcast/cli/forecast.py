"""``crossingcast forecast``: fit up to an origin and forecast a date range, one row per day."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from crossingcast.cli._common import (
    DataDirOpt,
    MODEL_HELP,
    app,
    check_models,
    check_out,
    check_plot,
    console,
    fail,
    load_frame_for,
    parse_date,
    save_plot,
    write_table,
)


@app.command()
def forecast(data_dir: Optional[Path] = DataDirOpt,
             origin: Optional[str] = typer.Option(None, help="Forecast origin: fit on data up to this date "
                                                  "(YYYY-MM-DD); default: the last day of data."),
             start: str = typer.Option(..., help="First forecast date."),
             end: str = typer.Option(..., help="Last forecast date."),
             model: str = typer.Option("best", help=MODEL_HELP),
             out: Path = typer.Option(Path("forecast.csv"), help="Output table (.csv, .md or .html)."),
             weather_file: Optional[Path] = typer.Option(None, help="CSV of future weather (date + weather "
                                                         "feature columns); default: paths pooled over past weather years."),
             n_paths: int = typer.Option(1000, min=10, help="Sample paths."),
             seed: int = typer.Option(0, help="Random seed."),
             plot: Optional[Path] = typer.Option(None, help="Fan chart of the forecast (.png), with the "
                                                 "observed counts where the forecast dates are observed.")) -> None:
    """Fit on data up to ORIGIN and forecast START..END: one row per day (date, mean, p10, p50, p90, ...).

    Example: crossingcast forecast --data-dir ../shared/data --origin 2026-04-30 --start 2026-06-01 --end 2026-09-30
    --model best --out forecast.csv --plot summer.png
    """
    import pandas as pd

    from crossingcast.errors import CrossingcastError, DataError
    from crossingcast.frame import event_changes, future_frame, weather_columns
    from crossingcast.models import best_model, make_forecaster
    from crossingcast.outlook import weather_year_forecast

    check_models([model], "--model")
    check_out(out, "--out")
    check_plot(plot)
    o = parse_date(origin, "--origin") if origin is not None else None
    s, e = parse_date(start, "--start"), parse_date(end, "--end")
    if not s <= e or (o is not None and not o < s):
        raise typer.BadParameter(f"need origin < start <= end, got {o.date() if o is not None else '(last day)'}, "
                                 f"{s.date()}, {e.date()}")
    try:
        frame = load_frame_for(data_dir)
        if o is None:
            o = frame.index[-1]
            console.print(f"origin: {o.date()} (the last day of data; --origin to change)")
            if not o < s:
                raise typer.BadParameter(f"--start {s.date()} must be after the origin {o.date()} (the last day of "
                                         "data); pass an earlier --origin to forecast observed dates")
        if o > frame.index[-1]:
            raise typer.BadParameter(f"--origin {o.date()} is after the last observed date {frame.index[-1].date()}")
        train = frame.loc[:o]
        weather = None
        if weather_file is not None:
            try:
                weather = pd.read_csv(weather_file, parse_dates=["date"], index_col="date")
            except (OSError, ValueError) as exc:
                raise DataError(f"--weather-file {str(weather_file)!r}: cannot read a CSV with a 'date' column "
                                f"({exc})") from None
        if weather_columns(train) and weather is None:
            console.print("[yellow]no future weather given: paths pooled over the past weather years (never "
                          "day-of-year mean weather)[/]")
        elif not weather_columns(train):
            console.print("[yellow]no weather data: the model is weather-blind (counts, events and calendar only)[/]")
        name = best_model((e - o).days) if model == "best" else model
        with console.status(f"fitting {name} on {train.index[0].date()}..{train.index[-1].date()}"):
            fitted = make_forecaster(name, n_paths=n_paths, random_state=seed).fit(train)
            if weather is None:
                fc = weather_year_forecast(fitted, train, s, e, n_paths=n_paths, seed=seed)
            else:
                fc = fitted.predict(future_frame(train, s, e, weather=weather, weather_mode="forecast file"))
    except CrossingcastError as exc:
        fail(exc)
    changes = event_changes(train, future_frame(train, o + pd.Timedelta(days=1), e))
    if changes:
        console.print(f"[yellow]assumed from the events calendar as of the origin: {'; '.join(changes)} "
                      f"(models with an effect for these carry the change; `crossingcast scenario` tests "
                      f"others)[/]")
    table = fc.to_frame()
    table["weather"] = fc.info.get("weather", "none")
    table["weather_history"] = frame.attrs.get("weather_history", "none")
    table["data_source"] = frame.attrs.get("data_source", "")
    write_table(table, out)
    tot = fc.total()
    console.print(f"{name}: total {s.date()}..{e.date()} mean {tot['mean']:,.0f} "
                  f"(80% interval {tot['p10']:,.0f}–{tot['p90']:,.0f})")
    if plot is not None:
        from crossingcast.frame import TARGET
        from crossingcast.plots import fan_chart

        simulated = bool(frame.attrs.get("simulated", False))
        actual = frame[TARGET].loc[s:e] if e >= frame.index[0] else None
        src = "SIMULATED data" if simulated else "real Home Office data"
        wlabel = table["weather"].iloc[0]
        wlabel = "weather-blind" if wlabel == "none" else f"weather: {wlabel}"
        try:
            fig = fan_chart(fc, actual=actual if actual is not None and len(actual) else None,
                            history=train[TARGET].iloc[-61:],
                            title=f"{name}, fitted to {o.date()} ({src}; {wlabel})",
                            simulated=simulated)
            save_plot(fig, plot)
        except CrossingcastError as exc:
            fail(exc)
