"""A new user's journey, offline, against a loopback server in the real upstream formats (issue 14).

``fetch`` (the REAL Home Office release from the data directory, served on 127.0.0.1 behind the
GOV.UK page fixture; meteostat station files in meteostat's layout, FORMAT FIXTURE values) ->
``forecast`` (no --data-dir, no CROSSINGCAST_DATA: the data home) -> ``nowcast`` (MET Norway
Locationforecast 2.0 JSON, FORMAT FIXTURE values).  Every client is pointed at the server through
its own endpoint configuration: meteostat's ``MS_*`` variables and crossingcast's
``CROSSINGCAST_PUBLICATION_URL``; nothing inside crossingcast is patched.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from typer.testing import CliRunner

from crossingcast.cli import app
from crossingcast.outlook import RAG_GREEN, RAG_RED
from tests.fixtures.meteostat_mirror import write_mirror
from tests.fixtures.upstream_server import UpstreamServer

runner = CliRunner()
MS_KEYS = ("hourly_endpoint", "daily_endpoint", "metno_forecast_endpoint", "metno_user_agent",
           "network_max_retries", "network_timeout")


def text(result) -> str:
    return " ".join(re.sub(r"[│╭╮╰╯─━┃┏┓┗┛┡┩╇┳┻╋]", " ", result.output).split())


def ok(result):
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result


@pytest.fixture(scope="module")
def server(tmp_path_factory, releases):
    mirror = write_mirror(tmp_path_factory.mktemp("upstream") / "meteostat", years=(2024, 2025, 2026),
                          stations_db=False)
    newest = max(releases, key=lambda p: p.name)
    with UpstreamServer(newest, mirror) as srv:
        yield srv


@pytest.fixture()
def online(server, tmp_path, monkeypatch):
    """Environment of a user whose upstreams are the loopback server; meteostat re-reads its MS_* variables."""
    import meteostat

    for k, v in server.env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("CROSSINGCAST_PUBLICATION_URL", server.publication_url)
    monkeypatch.setenv("CROSSINGCAST_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("CROSSINGCAST_DATA", raising=False)
    meteostat.config.load_env()
    server.faults.clear()
    yield tmp_path / "home"
    server.faults.clear()
    for k in MS_KEYS:
        meteostat.config.__dict__.pop(k, None)  # back to meteostat's defaults


def test_fetch_forecast_nowcast_end_to_end(online, server, counts, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = ok(runner.invoke(app, ["fetch", "--since", "2024-01-01", "--retries", "0", "--timeout", "5"]))
    home = online
    assert (home / "homeoffice").is_dir() and len(list((home / "homeoffice").glob("*.ods"))) == 1
    for sid in ("03797", "03796", "07002", "07010"):
        for year in (2024, 2025, 2026):
            assert (home / "weather" / "hourly" / str(year) / f"{sid}.csv.gz").is_file()
            assert (home / "weather" / "daily" / str(year) / f"{sid}.csv.gz").is_file()
    assert "weather history" in text(res)

    # forecast: no --data-dir, no CROSSINGCAST_DATA, no --origin -> data home, last day of data, weather used
    out = tmp_path / "f.csv"
    res = ok(runner.invoke(app, ["forecast", "--start", "2026-06-01", "--end", "2026-06-10", "--model", "gbm",
                                 "--n-paths", 100, "--out", str(out)]))
    t = text(res)
    assert "data source: data home" in t
    assert f"origin: {counts.index[-1].date()}" in t
    fc = pd.read_csv(out, parse_dates=["date"])
    assert len(fc) == 10
    # no weather forecast given: paths pooled over the past weather years (never day-of-year mean weather)
    assert fc["weather"].str.startswith("weather-year ensemble").all()
    assert fc["weather_history"].str.startswith("observed history (meteostat mirror").all()
    assert fc["data_source"].str.startswith("data home").all()

    # nowcast: MET Norway forecast through meteostat, model fitted on the weather history
    out = tmp_path / "n.csv"
    res = ok(runner.invoke(app, ["nowcast", "--model", "gbm", "--n-paths", 200, "--out", str(out)]))
    nc = pd.read_csv(out, parse_dates=["date"])
    today = pd.Timestamp.now(tz="Europe/Paris").tz_localize(None).normalize()
    assert list(nc["date"]) == list(pd.date_range(today + pd.Timedelta(days=1), periods=9, freq="D"))
    assert (nc["p10"] <= nc["p50"]).all() and (nc["p50"] <= nc["p90"]).all() and (nc["mean"] >= 0).all()
    assert nc["p_surge"].between(0, 1).all() and (nc["p_surge"] <= nc["p_crossing"]).all()
    expect = ["red" if p > RAG_RED else "green" if p < RAG_GREEN else "amber" for p in nc["p_crossing"]]
    assert list(nc["rag"]) == expect
    assert nc["weather"].str.startswith("forecast: MET Norway Locationforecast 2.0").all()
    assert nc["weather_history"].str.startswith("observed history").all()
    assert any(h.startswith("/metno/compact?lat=51.346") for h in server.hits)  # Manston asked for
    assert "bridged by the model" in text(res)  # the real counts end months before today


def test_nowcast_weather_blind_is_refused_not_guessed(online, server, data_dir, tmp_path):
    server.hits.clear()
    res = runner.invoke(app, ["nowcast", "--data-dir", str(data_dir), "--out", str(tmp_path / "n.csv")])
    assert res.exit_code == 2
    assert "WEATHER-BLIND" in text(res) and "crossingcast fetch" in text(res)
    assert not (tmp_path / "n.csv").exists()
    assert not any(h.startswith("/metno") for h in server.hits)  # refused before asking for a forecast


def test_fetch_no_weather_and_forecast_says_weather_blind(online, tmp_path):
    res = ok(runner.invoke(app, ["fetch", "--no-weather", "--retries", "0"]))
    assert "--no-weather" in text(res) and not (online / "weather").exists()
    out = tmp_path / "f.csv"
    ok(runner.invoke(app, ["forecast", "--start", "2026-05-01", "--end", "2026-05-03", "--model", "seasonal_naive",
                           "--n-paths", 50, "--out", str(out)]))
    fc = pd.read_csv(out)
    assert (fc["weather"] == "none").all() and (fc["weather_history"] == "none").all()
