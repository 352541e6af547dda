"""The command line (typer): forecast, backtest, scenario and demo on the real data and the simulated Channel.

Every command is run in-process with :class:`typer.testing.CliRunner` and its
written tables are read back and checked against the contract (first
columns, row counts, non-negativity, quantile order) and, where possible,
against the real counts.  Error cases must exit with code 2 and a plain
``error: ...`` / usage message that names the problem, never a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from crossingcast.cli import app
from crossingcast.errors import CrossingcastError
from crossingcast.scenarios import CONTRACT_COLUMNS

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((REPO / "examples" / "scenarios").glob("*.yaml"))
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

runner = CliRunner()


def run(args, env=None):
    return runner.invoke(app, [str(a) for a in args], env=env)


def text(result) -> str:
    """Console output with rich box drawing removed and whitespace collapsed (rich wraps at 80 columns)."""
    return " ".join(re.sub(r"[│╭╮╰╯─━┃┏┓┗┛┡┩╇┳┻╋]", " ", result.output).split())


def ok(result):
    assert result.exit_code == 0, f"exit {result.exit_code}\n{result.output}\n{result.exception!r}"
    return result


def is_png(path: Path) -> bool:
    return path.is_file() and path.read_bytes()[:8] == PNG_MAGIC


# --------------------------------------------------------------------------- forecast

@pytest.mark.parametrize("model", ["seasonal_naive", "climatology"])
def test_forecast_real_data(data_dir, counts, tmp_path, model):
    out, png = tmp_path / "fc.csv", tmp_path / "fc.png"
    res = ok(run(["forecast", "--data-dir", data_dir, "--origin", "2025-05-31", "--start", "2025-06-01",
                  "--end", "2025-06-28", "--model", model, "--n-paths", 200, "--out", out, "--plot", png]))
    t = pd.read_csv(out, parse_dates=["date"])
    assert list(t.columns[:5]) == ["date", "mean", "p10", "p50", "p90"]
    assert list(t["date"]) == list(pd.date_range("2025-06-01", "2025-06-28"))
    q = t[["mean", "p10", "p50", "p90"]].to_numpy()
    assert np.isfinite(q).all() and (q >= 0).all()
    assert (t["p10"] <= t["p50"]).all() and (t["p50"] <= t["p90"]).all()
    assert set(t["model"]) == {model} and set(t["weather"]) == {"none"}
    # Smoke check, deliberately loose (> 0.1x last June): June has crossings, so a forecast of zeros
    # everywhere would be broken. The values are the models', value-tested in tests/models.
    assert t["mean"].sum() > 0.1 * counts.loc["2024-06-01":"2024-06-28", "migrants"].sum()
    assert "weather-blind" in text(res)
    assert is_png(png)


def test_forecast_env_var_and_markdown(data_dir, tmp_path):
    out = tmp_path / "fc.md"
    ok(run(["forecast", "--origin", "2024-05-31", "--start", "2024-06-01", "--end", "2024-06-07",
            "--model", "seasonal_naive", "--n-paths", 100, "--out", out], env={"CROSSINGCAST_DATA": str(data_dir)}))
    lines = out.read_text().splitlines()
    assert lines[0].startswith("| date | mean | p10 | p50 | p90 |")
    assert len(lines) == 2 + 7


# --------------------------------------------------------------------------- backtest

def test_backtest_tiny(data_dir, tmp_path):
    out, per, png = tmp_path / "lb.csv", tmp_path / "po.csv", tmp_path / "lb.png"
    origins = ["2024-06-30", "2024-07-07", "2024-07-14"]
    res = ok(run(["backtest", "--data-dir", data_dir, "--models", "seasonal_naive,climatology",
                  "--origins", ",".join(origins), "--horizon", 7, "--out", out, "--per-origin", per,
                  "--plot", png]))
    board = pd.read_csv(out)
    assert sorted(board["model"]) == ["climatology", "seasonal_naive"]
    assert list(board["rank"]) == [1, 2]
    assert board["wk_rmse"].is_monotonic_increasing
    assert (board["n_origins"] == 3).all() and (board["n_days"] == 21).all()
    assert set(board["weather"]) == {"none"}
    assert ((board["coverage80"] >= 0) & (board["coverage80"] <= 1)).all()
    po = pd.read_csv(per, parse_dates=["origin"])
    assert len(po) == 6
    assert sorted(set(po["origin"].dt.strftime("%Y-%m-%d"))) == origins
    assert "WEATHER-BLIND" in text(res)
    assert is_png(png)


def test_backtest_dask_backend_matches_loky(data_dir, tmp_path):
    common = ["backtest", "--data-dir", data_dir, "--models", "seasonal_naive,climatology",
              "--origins", "2024-07-07,2024-07-14", "--horizon", 7, "--n-jobs", 2]
    ok(run(common + ["--backend", "loky", "--out", tmp_path / "a.csv"]))
    res = ok(run(common + ["--backend", "dask", "--out", tmp_path / "b.csv"]))
    assert "dask" in text(res)
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_backtest_season_ahead_uses_the_real_totals(data_dir, counts, tmp_path):
    out, per = tmp_path / "sa.md", tmp_path / "sa.csv"
    ok(run(["backtest", "--data-dir", data_dir, "--models", "climatology,persistence", "--summers", "2024",
            "--origins", "2024-05-31", "--season-ahead", "--target", "jun_sep", "--seed", 1, "--out", out,
            "--per-origin", per]))
    detail = pd.read_csv(per)
    detail = detail[(detail["target"] == "jun_sep") & (detail["model"] == "climatology")]
    assert len(detail) == 1
    real = counts.loc["2024-06-01":"2024-09-30", "migrants"].sum()
    assert detail["actual"].iloc[0] == pytest.approx(real)
    row = detail.iloc[0]
    assert 0 < row["p10"] <= row["p50"] <= row["p90"]
    assert row["error"] == pytest.approx(row["mean"] - real, abs=1e-5 * real)  # 6 significant digits in CSV
    assert row["covered80"] == (row["p10"] <= real <= row["p90"])
    assert out.read_text().startswith("| rank | model | crps | skill |")


# --------------------------------------------------------------------------- scenario

def _tmp_spec(tmp_path: Path, **extra) -> Path:
    spec = {"origin": "2026-04-30", "model": "hurdle", "n_paths": 200, "seed": 0, "scenarios": [
        {"name": "fewer_patrols", "start": "2026-07-01", "end": "2026-08-31",
         "changes": [{"patrols": -0.25, "start": "2026-07-01"}]},
        {"name": "olympics_like_2026", "start": "2026-07-01", "end": "2026-08-31",
         "changes": [{"event": "event_like_olympics", "like": "paris_olympics_2024",
                      "start": "2026-07-26", "end": "2026-08-11"}]},
    ]}
    spec.update(extra)
    p = tmp_path / "spec.yaml"
    p.write_text(yaml.safe_dump(spec, sort_keys=False))
    return p


@pytest.mark.parametrize("spec_path", EXAMPLES or [None], ids=lambda p: p.name if p else "tmp_spec")
def test_scenario_contract(data_dir, tmp_path, spec_path):
    if spec_path is None:  # the shipped examples are missing: use a spec written here
        spec_path = _tmp_spec(tmp_path)
    spec = yaml.safe_load(Path(spec_path).read_text())
    out, daily, png = tmp_path / "sc.csv", tmp_path / "daily.csv", tmp_path / "sc.png"
    res = ok(run(["scenario", spec_path, "--data-dir", data_dir, "--out", out, "--daily", daily,
                  "--n-paths", 200, "--seed", 3, "--plot", png]))
    t = pd.read_csv(out)
    assert tuple(t.columns[:8]) == CONTRACT_COLUMNS
    assert list(t["scenario"]) == [s["name"] for s in spec["scenarios"]]
    assert (t["n_paths"] == 200).all()
    # CSV floats carry 6 significant digits.
    np.testing.assert_allclose(t["scenario_mean"] - t["baseline_mean"], t["diff_mean"],
                               atol=1e-5 * t["baseline_mean"].abs().max())
    assert (t["diff_p10"] <= t["diff_p90"]).all()
    assert (t[["baseline_mean", "scenario_mean"]] >= 0).all().all()
    d = pd.read_csv(daily, parse_dates=["date"])
    for s in spec["scenarios"]:
        n = (pd.Timestamp(s["end"]) - pd.Timestamp(s["start"])).days + 1
        assert (d["scenario"] == s["name"]).sum() == n
    out_text = text(res)
    assert "assumptions" in out_text
    if any(k in c for s in spec["scenarios"] for c in s.get("changes", []) for k in ("patrols", "prevention_rate")):
        assert "SB_02" in out_text and "elasticity" in out_text.lower()
    assert is_png(png)


def test_scenario_tmp_spec_new_event(data_dir, tmp_path):
    out = tmp_path / "sc.md"
    ok(run(["scenario", _tmp_spec(tmp_path), "--data-dir", data_dir, "--out", out]))
    lines = out.read_text().splitlines()
    assert lines[0].startswith("| " + " | ".join(CONTRACT_COLUMNS) + " |")
    assert len(lines) == 2 + 2


@pytest.mark.parametrize("where", ["top", "scenario", "change"])
def test_scenario_unknown_key_exits_2_naming_it(data_dir, tmp_path, where):
    p = _tmp_spec(tmp_path)
    spec = yaml.safe_load(p.read_text())
    if where == "top":
        spec["horizon_days"] = 30
        key = "horizon_days"
    elif where == "scenario":
        spec["scenarios"][0]["chnages"] = spec["scenarios"][0].pop("changes")
        key = "chnages"
    else:
        spec["scenarios"][0]["changes"][0]["strat"] = "2026-07-01"
        key = "strat"
    p.write_text(yaml.safe_dump(spec))
    res = run(["scenario", p, "--data-dir", data_dir, "--out", tmp_path / "x.csv"])
    assert res.exit_code == 2, res.output
    t = text(res)
    assert t.startswith("error:") or "error:" in t
    assert f"'{key}'" in t
    assert "Traceback" not in res.output
    assert not (tmp_path / "x.csv").exists()


def test_scenario_weather_change_on_weather_blind_data_exits_2(data_dir, tmp_path):
    p = _tmp_spec(tmp_path)
    spec = yaml.safe_load(p.read_text())
    spec["scenarios"][0]["changes"] = [{"weather": "calm"}]
    p.write_text(yaml.safe_dump(spec))
    res = run(["scenario", p, "--data-dir", data_dir, "--out", tmp_path / "x.csv"])
    assert res.exit_code == 2
    t = text(res)
    assert "error:" in t and "weather-blind" in t and "Traceback" not in res.output


def test_scenario_event_unknown_to_the_data_exits_2(data_dir, tmp_path):
    p = _tmp_spec(tmp_path)
    spec = yaml.safe_load(p.read_text())
    spec["scenarios"][1]["changes"][0]["like"] = "no_such_event"
    p.write_text(yaml.safe_dump(spec))
    res = run(["scenario", p, "--data-dir", data_dir, "--out", tmp_path / "x.csv"])
    assert res.exit_code == 2
    assert "no_such_event" in text(res) and "Traceback" not in res.output


# --------------------------------------------------------------------------- demo

def test_demo_quick_is_labelled_simulated(tmp_path):
    outdir = tmp_path / "demo"
    res = ok(run(["demo", "--quick", "--out-dir", outdir, "--seed", 1]))
    t = text(res)
    assert t.count("SIMULATED") >= 5
    for name in ("forecast.csv", "forecast.md", "backtest_leaderboard.csv", "backtest_leaderboard.md",
                 "scenarios.csv", "scenarios.md", "README.md"):
        assert (outdir / name).is_file(), name
    for name in ("forecast_fan.png", "scenarios.png", "backtest_leaderboard.png"):
        assert is_png(outdir / name), name
    csvs = sorted(outdir.glob("*.csv"))
    for p in csvs:
        tab = pd.read_csv(p)
        assert set(tab["data"]) == {"SIMULATED"}, p.name
    for p in outdir.glob("*.md"):
        assert "SIMULATED" in p.read_text(), p.name
    fc = pd.read_csv(outdir / "forecast.csv", parse_dates=["date"])
    assert list(fc.columns[:5]) == ["date", "mean", "p10", "p50", "p90"]
    assert (fc["p10"] <= fc["p90"]).all() and (fc[["mean", "p10", "p50", "p90"]] >= 0).all().all()
    sc = pd.read_csv(outdir / "scenarios.csv")
    assert tuple(sc.columns[:8]) == CONTRACT_COLUMNS and len(sc) == 3
    # The re-run Olympics-like event has a known positive effect in the simulation (x1.3).
    assert sc.set_index("scenario").loc["olympics_like_again", "diff_mean"] > 0
    try:
        import crossingcast.outlook  # noqa: F401
    except ImportError:
        assert "outlook: skipped" in t
    else:
        ol = pd.read_csv(outdir / "outlook.csv")
        assert {"quantity", "statistic", "value"} <= set(ol.columns)
    assert "SIMULATED" in (outdir / "README.md").read_text().splitlines()[0]


# --------------------------------------------------------------------------- errors

@pytest.mark.parametrize("args, needle", [
    (["forecast", "--origin", "2025-13-01", "--start", "2026-06-01", "--end", "2026-06-02"], "not a date"),
    (["forecast", "--origin", "2025-05-31", "--start", "2025-06-01", "--end", "2025-06-02", "--model", "nonsense"],
     "unknown model 'nonsense'"),
    (["forecast", "--origin", "2025-05-31", "--start", "2025-05-01", "--end", "2025-06-02"], "origin < start"),
    (["backtest", "--models", "seasonal_naive,prophet", "--out", "lb.csv"], "unknown model 'prophet'"),
    (["backtest", "--models", "seasonal_naive", "--weather", "perfect", "--out", "lb.csv"], "perfect"),
    (["backtest", "--models", "seasonal_naive", "--summers", "1999", "--out", "lb.csv"], "no forecast origins"),
    (["scenario", "does_not_exist.yaml", "--out", "x.csv"], "no such scenario file"),
    (["forecast", "--origin", "2025-05-31", "--start", "2025-06-01", "--end", "2025-06-02", "--out", "f.xlsx"],
     "unknown table extension '.xlsx'"),
    (["backtest", "--models", "seasonal_naive", "--out", "lb.csv", "--plot", "lb.docx"], "cannot write '.docx'"),
    (["forecast", "--origin", "2025-05-31", "--start", "2025-06-01", "--end", "2025-06-02", "--out", "f.csv",
      "--weather-file", "missing_weather.csv"], "missing_weather.csv"),
])
def test_errors_exit_2_without_traceback(data_dir, tmp_path, monkeypatch, args, needle):
    monkeypatch.chdir(tmp_path)
    res = run(args + ["--data-dir", data_dir])
    assert res.exit_code == 2, res.output
    assert needle in text(res)
    assert "Traceback" not in res.output


def test_missing_data_dir_is_a_clean_error(tmp_path):
    res = run(["forecast", "--data-dir", tmp_path / "nowhere", "--origin", "2025-05-31", "--start", "2025-06-01",
               "--end", "2025-06-02", "--out", tmp_path / "f.csv"])
    assert res.exit_code == 2
    assert text(res).startswith("error:") and "does not exist" in text(res)


# --------------------------------------------------------------------------- plots module

def test_plots_return_figures_without_pyplot_state(tmp_path):
    import matplotlib.pyplot as plt

    from crossingcast import plots
    from crossingcast.models import Forecast

    before = plt.get_fignums()
    idx = pd.date_range("2025-06-01", periods=10, name="date")
    rng = np.random.default_rng(0)
    fc = Forecast.from_paths(rng.poisson(100, size=(200, 10)), idx, model="toy")
    fig = plots.fan_chart(fc, actual=pd.Series(100.0, index=idx), simulated=True)
    ax = fig.axes[0]
    assert ax.get_title().startswith("SIMULATED")
    assert "observed 1,000" in ax.get_title()
    table = pd.DataFrame({"scenario": ["a", "b"], "baseline_mean": [100.0, 100.0], "diff_mean": [10.0, -5.0],
                          "diff_p10": [2.0, -9.0], "diff_p90": [20.0, -1.0]})
    fig2 = plots.scenario_bars(table)
    assert len(fig2.axes[0].patches) == 2
    assert not fig2.axes[0].get_title().startswith("SIMULATED")
    board = pd.DataFrame({"model": ["x", "y"], "wk_rmse": [3.0, 1.0], "weather": ["none", "none"]})
    fig3 = plots.leaderboard_bars(board)
    ax3 = fig3.axes[0]
    assert sorted(p.get_width() for p in ax3.patches) == [1.0, 3.0]
    ticks = dict(zip(ax3.get_yticks(), [t.get_text() for t in ax3.get_yticklabels()]))
    assert ticks[max(ticks)] == "y"  # best (lowest) model on top
    assert plt.get_fignums() == before
    assert is_png(plots.save_figure(fig, tmp_path / "f.png"))
    with pytest.raises(CrossingcastError, match="cannot save"):
        plots.save_figure(fig, tmp_path / "f.docx")
    with pytest.raises(CrossingcastError, match="diff_p90"):
        plots.scenario_bars(table.drop(columns="diff_p90"))


def test_forecast_without_any_data_path_uses_the_bundled_snapshot(tmp_path, monkeypatch, counts):
    """Fresh machine: no --data-dir, no CROSSINGCAST_DATA, empty data home -> the snapshot, said so."""
    monkeypatch.delenv("CROSSINGCAST_DATA", raising=False)
    monkeypatch.setenv("CROSSINGCAST_HOME", str(tmp_path / "empty_home"))
    out = tmp_path / "f.csv"
    res = run(["forecast", "--start", "2026-06-01", "--end", "2026-09-30", "--model", "seasonal_naive",
               "--n-paths", 100, "--out", out])
    assert res.exit_code == 0, res.output
    t = text(res)
    assert "data source: BUNDLED SNAPSHOT of the Home Office release of 2026-05-01" in t
    assert "origin: 2026-04-30 (the last day of data" in t
    fc = pd.read_csv(out, parse_dates=["date"])
    assert len(fc) == 122 and fc["date"].iloc[0] == pd.Timestamp("2026-06-01")
    assert fc["data_source"].str.startswith("bundled snapshot").all() and (fc["weather"] == "none").all()
    # the same forecast as from the real release it was made from
    ref = tmp_path / "ref.csv"
    assert run(["forecast", "--data-dir", Path(counts.attrs["source"]).parents[1], "--start", "2026-06-01",
                "--end", "2026-09-30", "--model", "seasonal_naive", "--n-paths", 100, "--out", ref]).exit_code == 0
    pd.testing.assert_frame_equal(fc.drop(columns="data_source"),
                                  pd.read_csv(ref, parse_dates=["date"]).drop(columns="data_source"))


def test_model_help_lists_every_model_and_what_best_means():
    """--model's help is written out (start-up time); it must name every model and the two ``best`` picks."""
    from crossingcast.cli._common import MODEL_HELP
    from crossingcast.models import BEST_SEASON_MODEL, BEST_SHORT_MODEL, CUTOVER_DAYS, MODEL_NAMES

    listed = MODEL_HELP.split(" or best")[0].split(", ")
    assert listed == [n for n in MODEL_NAMES if n != "best"]
    assert f"({BEST_SHORT_MODEL} up to {CUTOVER_DAYS} days ahead, {BEST_SEASON_MODEL} beyond)" in MODEL_HELP


def test_forecast_says_which_calendar_changes_it_assumes(data_dir, tmp_path):
    """From 30 April 2026 the calendar ends the returns pilot on 30 June 2026; the forecast must say so."""
    res = ok(run(["forecast", "--data-dir", data_dir, "--origin", "2026-04-30", "--start", "2026-06-01",
                  "--end", "2026-09-30", "--model", "seasonal_naive", "--n-paths", 50,
                  "--out", tmp_path / "fc.csv"]))
    assert "uk_france_returns_pilot_2025 ends on 2026-06-30" in " ".join(text(res).split())
    res = ok(run(["forecast", "--data-dir", data_dir, "--origin", "2026-04-30", "--start", "2026-05-01",
                  "--end", "2026-05-14", "--model", "seasonal_naive", "--n-paths", 50,
                  "--out", tmp_path / "fc2.csv"]))
    assert "assumed from the events calendar" not in text(res)
