"""``crossingcast demo``: the whole chain on the SIMULATED Channel."""

from __future__ import annotations

from pathlib import Path

import typer

from crossingcast.cli._common import app, console, fail, print_table

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
    scenarios, tables and plots.

    Example: crossingcast demo --quick --out-dir demo_output
    """
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
        from crossingcast.plots import (
            fan_chart,
            leaderboard_bars,
            save_figure,
            scenario_bars,
        )
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
        print_table(board, f"{_SIM} backtest leaderboard",
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

        print_table(sres.table, f"{_SIM} scenarios", list(CONTRACT_COLUMNS))
    except CrossingcastError as exc:
        fail(exc)

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
