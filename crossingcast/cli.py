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
    from rich.text import Text

    console.print(Text.assemble(("error:", "bold red"), " ", str(exc)))
    raise typer.Exit(code=2)


def _date(value: str, what: str):
    import pandas as pd

    try:
        return pd.Timestamp(datetime.strptime(value, "%Y-%m-%d"))
    except ValueError:
        raise typer.BadParameter(f"{what}: {value!r} is not a date (YYYY-MM-DD)") from None


def _write(write, obj, path: Path, what: str) -> None:
    """``write(obj, path)``; a write error ends the command cleanly (exit code 2), success is reported."""
    from crossingcast.errors import CrossingcastError

    try:
        write(obj, path)
    except (CrossingcastError, OSError) as exc:
        _fail(exc)
    console.print(f"wrote [bold]{path}[/] ({what})")


def _write_table(table, out: Path) -> None:
    from crossingcast.report import write_table

    _write(write_table, table, out, f"{len(table)} rows")


def _check_out(path: Optional[Path], what: str) -> None:
    """Refuse an unknown table extension before any work is done."""
    from crossingcast.report import TABLE_FORMATS

    if path is not None and path.suffix.lower() not in TABLE_FORMATS:
        raise typer.BadParameter(f"{what} {str(path)!r}: unknown table extension {path.suffix!r}; use one of "
                                 f"{', '.join(sorted(TABLE_FORMATS))}")


def _check_plot(path: Optional[Path]) -> None:
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
             n_paths: int = typer.Option(1000, min=10, help="Sample paths."),
             seed: int = typer.Option(0, help="Random seed."),
             plot: Optional[Path] = typer.Option(None, help="Fan chart of the forecast (.png), with the "
                                                 "observed counts where the forecast dates are observed.")) -> None:
    """Fit on data up to ORIGIN and forecast START..END: one row per day (date, mean, p10, p50, p90, ...)."""
    import pandas as pd

    from crossingcast.errors import CrossingcastError, DataError
    from crossingcast.frame import future_frame, weather_columns
    from crossingcast.models import BEST_MODEL, make_forecaster

    _check_models([model], "--model")
    _check_out(out, "--out")
    _check_plot(plot)
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
            try:
                weather = pd.read_csv(weather_file, parse_dates=["date"], index_col="date")
            except (OSError, ValueError) as exc:
                raise DataError(f"--weather-file {str(weather_file)!r}: cannot read a CSV with a 'date' column "
                                f"({exc})") from None
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
            _save_plot(fig, plot)
        except CrossingcastError as exc:
            _fail(exc)


# --------------------------------------------------------------------------- helpers (tables, labels)

def _resolve_root(data_dir: Optional[Path]) -> Path:
    from crossingcast.data.home import resolve_data_dir

    return resolve_data_dir(data_dir)


def _split(value: str, what: str) -> list[str]:
    items = [v.strip() for v in str(value).split(",") if v.strip()]
    if not items:
        raise typer.BadParameter(f"{what}: empty list")
    return items


def _check_models(names: list[str], what: str = "--models") -> list[str]:
    from crossingcast.models import MODEL_NAMES

    bad = [n for n in names if n not in MODEL_NAMES]
    if bad:
        raise typer.BadParameter(f"{what}: unknown model {bad[0]!r}; choose from {', '.join(MODEL_NAMES)}")
    return names


def _fmt(value) -> str:
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


def _print_table(table, title: str, columns: Optional[list] = None, max_rows: int = 40) -> None:
    """Print a DataFrame as a rich table (first ``max_rows`` rows) on the console."""
    from rich.table import Table

    cols = [c for c in (columns or list(table.columns)) if c in table.columns]
    rt = Table(title=title, title_justify="left", show_lines=False)
    for c in cols:
        numeric = table[c].dtype.kind in "iuf"
        rt.add_column(str(c), justify="right" if numeric else "left", overflow="fold",
                      no_wrap=c in ("model", "scenario"))
    for row in table[cols].head(max_rows).itertuples(index=False):
        rt.add_row(*[_fmt(v) for v in row])
    # Not a terminal (logs, CI, pipes): rich would squeeze the table into 80 columns.
    target = console if console.is_terminal else Console(file=console.file, width=max(console.width, 140))
    target.print(rt)
    if len(table) > max_rows:
        console.print(f"... {len(table) - max_rows} more rows in the output file")


def _weather_sentence(label: str) -> str:
    if label == "none":
        return ("WEATHER-BLIND: the data directory has no weather mirror, so no model sees weather "
                "(counts, events and calendar only); --weather has no effect")
    if label == "oracle":
        return ("weather: ORACLE - the OBSERVED weather of every forecast day is given to the models as if it "
                "were a perfect forecast; the scores are an upper bound on what a real weather forecast allows")
    return ("weather: climatology - forecast days get day-of-year mean weather (what is known at the origin "
            "without a weather forecast)")


def _save_plot(fig, path: Path) -> None:
    from crossingcast.plots import save_figure

    _write(save_figure, fig, path, "plot")


# --------------------------------------------------------------------------- backtest

@app.command()
def backtest(data_dir: Optional[Path] = DataDirOpt,
             models: str = typer.Option("gbm,hurdle,sarimax,seasonal_naive",
                                        help="Comma-separated model names (seasonal_naive, climatology, hurdle, "
                                             "sarimax, gbm, best)."),
             summers: str = typer.Option("2023,2024,2025", help="Comma-separated summers (years) to backtest."),
             origins: Optional[str] = typer.Option(None, help="Explicit comma-separated origins (last observed "
                                                   "days, YYYY-MM-DD) instead of every Sunday 31 May-29 Sep of "
                                                   "--summers."),
             horizon: int = typer.Option(14, min=1, help="Days ahead forecast from each origin."),
             weather: str = typer.Option("oracle", help="Future weather: oracle (observed weather as a perfect "
                                         "forecast) or climatology. Ignored (label 'none') without weather data."),
             refit: str = typer.Option("season", help="season: fit once per summer then update; origin: refit "
                                       "at every origin."),
             n_jobs: int = typer.Option(1, min=1, help="Parallel workers (units: model x summer)."),
             backend: str = typer.Option("loky", help="joblib backend: loky or dask (a local dask cluster)."),
             season_ahead: bool = typer.Option(False, "--season-ahead", help="Season-ahead backtest instead: fit "
                                               "on data to 31 May, forecast the June-September total."),
             out: Path = typer.Option(Path("leaderboard.csv"), help="Leaderboard table (.csv, .md or .html)."),
             per_origin: Optional[Path] = typer.Option(None, help="Also write the per-origin metrics (per-year "
                                                       "totals with --season-ahead) to this table."),
             plot: Optional[Path] = typer.Option(None, help="Leaderboard bar chart (.png)."),
             seed: int = typer.Option(0, help="Random seed of the models' sample paths.")) -> None:
    """Rolling-origin summer backtests (or --season-ahead) and a leaderboard of the models."""
    import pandas as pd

    from crossingcast.errors import CrossingcastError

    names = _check_models(_split(models, "--models"))
    _check_out(out, "--out")
    _check_out(per_origin, "--per-origin")
    _check_plot(plot)
    if weather not in ("oracle", "climatology"):
        raise typer.BadParameter(f"--weather: {weather!r} is not one of oracle, climatology")
    if backend not in ("loky", "dask"):
        raise typer.BadParameter(f"--backend: {backend!r} is not one of loky, dask")
    if refit not in ("season", "origin"):
        raise typer.BadParameter(f"--refit: {refit!r} is not one of season, origin")
    try:
        years = [int(y) for y in _split(summers, "--summers")]
    except ValueError:
        raise typer.BadParameter(f"--summers: {summers!r} is not a comma-separated list of years") from None
    ors = [_date(o, "--origins") for o in _split(origins, "--origins")] if origins else None
    if season_ahead and ors is not None:
        raise typer.BadParameter("--origins cannot be combined with --season-ahead (its origin is 31 May)")
    client = None
    try:
        from crossingcast.evaluate import rolling_origin_backtest, season_ahead_backtest
        from crossingcast.evaluate.backtest import weather_label

        frame = load_frame_for(data_dir)
        label = weather_label(frame, weather)
        console.print(_weather_sentence(label), style="bold yellow" if label != "climatology" else "bold")
        if backend == "dask":
            from distributed import Client

            client = Client(processes=False, n_workers=1, threads_per_worker=n_jobs, dashboard_address=":0")
            console.print(f"dask: local cluster with {n_jobs} thread(s)")
        be = "dask" if backend == "dask" else None
        if season_ahead:
            with console.status(f"season-ahead backtest of {', '.join(names)} for {years}"):
                detail = season_ahead_backtest(frame, names, years=years, weather=weather, n_jobs=n_jobs,
                                               backend=be, random_state=seed)
            board = _season_ahead_board(detail)
            title = f"season-ahead leaderboard (31 May -> Jun-Sep total; weather={label})"
            shown = ["rank", "model", "n_years", "total_error_mean", "total_mape", "total_coverage80", "daily_crps"]
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
        _fail(exc)
    finally:
        if client is not None:
            client.close()
    if not isinstance(board, pd.DataFrame) or board.empty:
        _fail(ValueError("the backtest produced no scored forecasts (no origins with observed days after them)"))
    _print_table(board, title + "; all columns in the output file", shown)
    _write_table(board, out)
    if per_origin is not None:
        _write_table(detail, per_origin)
    if plot is not None:
        from crossingcast.plots import leaderboard_bars

        metric = "total_mape" if season_ahead else "wk_rmse"
        _save_plot(leaderboard_bars(board, metric, title="season-ahead leaderboard: abs % error of the total"
                                    if season_ahead else None), plot)


def _season_ahead_board(detail):
    """Per-model summary of :func:`season_ahead_backtest` rows, lowest mean absolute % error first."""
    import numpy as np

    g = detail.groupby("model", sort=False)
    board = g.agg(n_years=("year", "size"), total_error_mean=("error", "mean"),
                  total_mape=("pct_error", lambda s: float(np.mean(np.abs(s)))),
                  total_coverage80=("covered80", "mean"), daily_crps=("daily_crps", "mean"),
                  wk_rmse=("wk_rmse", "mean"), weather=("weather", "first")).reset_index()
    board = board.sort_values(["total_mape", "model"], kind="mergesort").reset_index(drop=True)
    board.insert(0, "rank", np.arange(1, len(board) + 1))
    return board


# --------------------------------------------------------------------------- scenario

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
    """
    import crossingcast as cc
    from crossingcast.errors import CrossingcastError
    from crossingcast.scenarios import CONTRACT_COLUMNS, load_spec, run_scenarios

    if model is not None:
        _check_models([model], "--model")
    _check_out(out, "--out")
    _check_out(daily, "--daily")
    _check_plot(plot)
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
            weekly = cc.load_weekly(_resolve_root(data_dir))
            console.print(f"SB_02 weekly preventions loaded ({len(weekly)} weeks) for the prevention-rate/patrol "
                          f"changes")
        if spec.description:
            console.print(spec.description.strip(), style="bold", markup=False)
        with console.status(f"fitting {spec.model} at {spec.origin.date()} and running "
                            f"{len(spec.scenarios)} scenario(s) x {spec.n_paths} paired paths"):
            res = run_scenarios(frame, spec, weekly=weekly, progress=lambda msg: console.print(msg, markup=False))
    except CrossingcastError as exc:
        _fail(exc)
    table = res.table
    if res.info.get("weather_blind"):
        console.print("[bold yellow]WEATHER-BLIND: no weather data; the baseline and every scenario use counts, "
                      "events and calendar only[/]")
    if res.info.get("simulated"):
        console.print("[bold red]SIMULATED data (not real)[/]")
    console.print("[bold]assumptions[/]")
    for row in table.itertuples(index=False):
        text = row.assumption or "no patrol change; event/weather changes act through the fitted model"
        console.print(f"  {row.scenario}: {text}", markup=False, highlight=False)
        if row.notes:
            console.print(f"    notes: {row.notes}", markup=False, highlight=False)
    _print_table(table, f"scenario - baseline totals ({res.info.get('model')}, origin {res.info.get('origin')}, "
                 f"{spec.n_paths} paired paths, 80% intervals from path differences)",
                 list(CONTRACT_COLUMNS))
    _write_table(table, out)
    if daily is not None:
        _write_table(res.daily, daily)
    if plot is not None:
        from crossingcast.plots import scenario_bars

        try:
            _save_plot(scenario_bars(table, title=f"Scenarios vs baseline ({res.info.get('model')}, origin "
                                     f"{res.info.get('origin')}, weather: {res.info.get('weather')})",
                                     simulated=bool(res.info.get("simulated"))), plot)
        except CrossingcastError as exc:
            _fail(exc)


# --------------------------------------------------------------------------- demo

_SIM = "SIMULATED"


def _sim_table(table):
    """The table with a final column ``data = "SIMULATED"`` (never mistaken for real numbers)."""
    out = table.copy()
    out["data"] = _SIM
    return out


def _demo_write(table, base: Path, written: list) -> None:
    from crossingcast.report import write_table

    for ext in (".csv", ".md"):
        p = base.with_suffix(ext)
        write_table(_sim_table(table), p)
        written.append(p)


def _outlook_module():
    """``crossingcast.outlook`` if it is installed in this checkout, else None."""
    try:
        import importlib

        return importlib.import_module("crossingcast.outlook")
    except ImportError:
        return None


@app.command()
def demo(out_dir: Path = typer.Option(Path("demo_output"), "--out-dir", help="Directory for tables and plots."),
         seed: int = typer.Option(0, help="Seed of the simulation and of the sample paths."),
         quick: bool = typer.Option(False, "--quick", help="Shorter history, fewer models/origins/paths "
                                    "(< 1 minute).")) -> None:
    """The whole chain on the SIMULATED Channel (no data, no network): simulate, fit, backtest, outlook,
    scenarios, tables and plots."""
    import time

    import pandas as pd
    from rich.panel import Panel

    from crossingcast.errors import CrossingcastError

    t_all = time.perf_counter()
    console.print(Panel.fit("[bold red]SIMULATED DATA[/] - everything below comes from crossingcast.simulate "
                            "(a synthetic Channel with known truth), NOT from the Home Office series. "
                            "No data files and no network are used.", title="crossingcast demo", border_style="red"))
    out_dir.mkdir(parents=True, exist_ok=True)
    origin = pd.Timestamp("2025-05-31")
    start, end = pd.Timestamp("2025-06-01"), pd.Timestamp("2025-09-30")
    sim_start = "2021-01-01" if quick else "2019-01-01"
    n_paths = 300 if quick else 1000
    bt_models = ["seasonal_naive", "hurdle"] if quick else ["seasonal_naive", "climatology", "hurdle", "gbm",
                                                            "sarimax"]
    written: list[Path] = []
    summary: list[str] = []
    timings: dict[str, float] = {}
    try:
        from crossingcast.evaluate import rolling_origin_backtest
        from crossingcast.frame import future_frame, weather_columns
        from crossingcast.models import make_forecaster
        from crossingcast.plots import fan_chart, leaderboard_bars, scenario_bars, save_figure
        from crossingcast.scenarios import run_scenarios
        from crossingcast.simulate import simulate_channel, simulate_future_weather

        # 1. simulate
        t0 = time.perf_counter()
        frame = simulate_channel(sim_start, end, seed=seed)
        history = frame.loc[:origin]
        history.attrs = dict(frame.attrs)
        timings["simulate"] = time.perf_counter() - t0
        console.print(f"[{_SIM}] 1/5 simulated Channel {frame.index[0].date()}..{frame.index[-1].date()} "
                      f"(seed {seed}); the model sees data up to {origin.date()}")

        # 2. fit + forecast June-September with the simulated (known) weather
        t0 = time.perf_counter()
        fut_weather = simulate_future_weather(history, start, end)
        fut = future_frame(history, start, end, weather=fut_weather[weather_columns(history)],
                           weather_mode="simulated (known)")
        model = make_forecaster("hurdle", n_paths=n_paths, random_state=seed).fit(history)
        fc = model.predict(fut)
        ftab = fc.to_frame()
        ftab["weather"] = fc.info.get("weather", "simulated (known)")
        truth = frame.loc[start:end, "migrants"].astype(float)
        ftab["actual_simulated"] = truth.to_numpy()
        _demo_write(ftab, out_dir / "forecast", written)
        fig = fan_chart(fc, actual=truth, history=history["migrants"].iloc[-61:],
                        title=f"hurdle forecast from {origin.date()} vs simulated actuals", simulated=True)
        written.append(save_figure(fig, out_dir / "forecast_fan.png"))
        tot = fc.total()
        timings["fit+forecast"] = time.perf_counter() - t0
        line = (f"forecast {start.date()}..{end.date()} (hurdle, simulated known weather): total mean "
                f"{tot['mean']:,.0f} (80% {tot['p10']:,.0f}-{tot['p90']:,.0f}); simulated actual {truth.sum():,.0f}")
        summary.append(line)
        console.print(f"[{_SIM}] 2/5 {line}")

        # 3. short backtest
        t0 = time.perf_counter()
        bt_origins = (list(pd.date_range("2024-06-30", periods=3, freq="7D")) if quick else None)
        res = rolling_origin_backtest(frame, bt_models, summers=(2024,) if quick else (2023, 2024),
                                      origins=bt_origins, horizon=14, weather="oracle", progress=True,
                                      random_state=seed)
        board = res.leaderboard()
        _demo_write(board, out_dir / "backtest_leaderboard", written)
        fig = leaderboard_bars(board, "wk_rmse", title="backtest leaderboard: weekly-total RMSE", simulated=True)
        written.append(save_figure(fig, out_dir / "backtest_leaderboard.png"))
        timings["backtest"] = time.perf_counter() - t0
        line = (f"backtest: {res.settings['n_origins']} origins x {len(bt_models)} models, horizon 14, weather "
                f"oracle (the simulated weather); best weekly-total RMSE: {board['model'].iloc[0]}")
        summary.append(line)
        console.print(f"[{_SIM}] 3/5 {line}")
        _print_table(board, f"{_SIM} backtest leaderboard",
                     ["rank", "model", "mae", "crps", "coverage80", "wk_rmse", "wk_coverage80", "weather"])

        # 4. summer outlook (crossingcast.outlook, when present)
        t0 = time.perf_counter()
        outlook = _outlook_module()
        outlook_years = None
        if outlook is None or not hasattr(outlook, "summer_outlook"):
            line = "outlook: skipped (crossingcast.outlook is not available in this version)"
            summary.append(line)
        else:
            ol = outlook.summer_outlook(history, origin, start, end, model="hurdle", n_paths=n_paths, seed=seed)
            _demo_write(ol.table(), out_dir / "outlook", written)
            _demo_write(ol.weekly, out_dir / "outlook_weekly", written)
            outlook_years = getattr(ol, "by_weather_year", None)
            tot_o = ol.total
            line = (f"outlook {start.date()}..{end.date()} ({ol.weather}): total mean {tot_o['mean']:,.0f} "
                    f"(80% {tot_o['p10']:,.0f}-{tot_o['p90']:,.0f}); expected surge days (>= "
                    f"{ol.surge_threshold:g}/day) {ol.surge_days['mean']:.1f}")
            summary.append(line)
            risk = ol.weeks_at_risk(3)
            summary.append("weeks most at risk of surges: " + ", ".join(
                f"week ending {pd.Timestamp(r.week_end).date()} ({r.expected_surge_days:.1f} expected surge days)"
                for r in risk.itertuples(index=False)))
            summary.extend(f"outlook note: {n}" for n in ol.notes)
        timings["outlook"] = time.perf_counter() - t0
        console.print(f"[{_SIM}] 4/5 {line}")

        # 5. scenarios (paired paths)
        t0 = time.perf_counter()
        spec = {"origin": str(origin.date()), "model": "hurdle", "n_paths": n_paths, "seed": seed,
                "description": "SIMULATED demo scenarios",
                "scenarios": [
                    {"name": "olympics_like_again", "start": str(start.date()), "end": str(end.date()),
                     "changes": [{"event": "olympics_like_repeat", "like": "olympics_like",
                                  "start": "2025-07-26", "end": "2025-08-11"}]},
                    {"name": "calm_summer", "start": str(start.date()), "end": str(end.date()),
                     "changes": [{"weather": "calm"}]},
                    {"name": "windy_summer", "start": str(start.date()), "end": str(end.date()),
                     "changes": [{"weather": "windy"}]},
                ]}
        sres = run_scenarios(history, spec)
        _demo_write(sres.table, out_dir / "scenarios", written)
        p = out_dir / "scenarios_daily.csv"
        from crossingcast.report import write_table

        write_table(_sim_table(sres.daily), p)
        written.append(p)
        written.append(save_figure(scenario_bars(sres.table, title=f"scenarios vs baseline (hurdle, origin "
                                                 f"{origin.date()})", simulated=True), out_dir / "scenarios.png"))
        timings["scenarios"] = time.perf_counter() - t0
        for row in sres.table.itertuples(index=False):
            summary.append(f"scenario {row.scenario}: diff {row.diff_mean:+,.0f} (80% {row.diff_p10:+,.0f}.."
                           f"{row.diff_p90:+,.0f}) on a baseline of {row.baseline_mean:,.0f}")
        console.print(f"[{_SIM}] 5/5 {len(sres.table)} scenarios (paired paths)")
        if outlook_years is not None and len(outlook_years):
            b = float(sres.table["baseline_mean"].iloc[0])
            lo_y, hi_y = float(outlook_years["mean"].min()), float(outlook_years["mean"].max())
            where = "ABOVE" if b > hi_y else ("BELOW" if b < lo_y else "inside")
            line = (f"note: the scenario baseline uses day-of-year climatology weather ({sres.info.get('weather')}): "
                    f"total {b:,.0f}; single past weather years give {lo_y:,.0f}..{hi_y:,.0f} (outlook), so the "
                    f"baseline is {where} that range. The model is nonlinear in weather, so smoothed weather is not "
                    f"a typical year; read the weather scenarios with that in mind")
            summary.append(line)
            console.print(f"[{_SIM}] {line}")
        from crossingcast.scenarios import CONTRACT_COLUMNS

        _print_table(sres.table, f"{_SIM} scenarios", list(CONTRACT_COLUMNS))
    except CrossingcastError as exc:
        _fail(exc)

    total_s = time.perf_counter() - t_all
    readme = out_dir / "README.md"
    lines = ["# crossingcast demo: SIMULATED data", "",
             "**Every number and plot in this directory comes from the SIMULATED Channel "
             "(`crossingcast.simulate.simulate_channel`), not from the Home Office series.** ",
             "Tables carry a final column `data = SIMULATED`; plot titles start with SIMULATED.", "",
             f"- seed: {seed}; quick: {quick}; simulated period {frame.index[0].date()}..{frame.index[-1].date()}; "
             f"origin {origin.date()}", ""]
    lines += [f"- {s}" for s in summary]
    lines += ["", "Files:", ""] + [f"- `{p.name}`" for p in written]
    lines += ["", "Seconds per step: " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items())
              + f"; total {total_s:.1f}", ""]
    from crossingcast.data.home import atomic_write_text

    atomic_write_text(readme, "\n".join(lines))
    written.append(readme)
    console.print(Panel.fit("\n".join(f"{p}" for p in written), title=f"{_SIM} demo outputs ({total_s:.0f} s)",
                            border_style="red"))
    console.print(f"[bold red]{_SIM}[/]: these results describe the simulated Channel, not real crossings.")


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
