"""Weather over the network, against a loopback server in meteostat's and MET Norway's formats.

Values are FORMAT FIXTURES (synthetic); the formats, URLs and meteostat code paths are the real ones.
Endpoints are set through meteostat's own configuration (``MS_*`` variables, ``config.load_env()``).
"""

from __future__ import annotations

import gzip
import warnings

import pandas as pd
import pytest

from crossingcast.data.weather import DEFAULT_STATIONS
from crossingcast.data.weatherfeed import fetch_weather_history, forecast_weather
from crossingcast.errors import DataQualityWarning, WeatherError
from tests.fixtures.meteostat_mirror import write_mirror
from tests.fixtures.upstream_server import UpstreamServer, gz_rows

MS_KEYS = ("hourly_endpoint", "daily_endpoint", "metno_forecast_endpoint", "metno_user_agent",
           "network_max_retries", "network_timeout")


@pytest.fixture(scope="module")
def server(tmp_path_factory, releases):
    two = [s for s in DEFAULT_STATIONS if s.id in ("03797", "07002")]
    mirror = write_mirror(tmp_path_factory.mktemp("up") / "meteostat", years=(2024, 2025, 2026), stations=two,
                          stations_db=False)
    with UpstreamServer(releases[-1], mirror) as srv:
        yield srv


@pytest.fixture()
def env(server, monkeypatch):
    import meteostat

    for k, v in server.env.items():
        monkeypatch.setenv(k, v)
    meteostat.config.load_env()
    server.faults.clear()
    yield server
    server.faults.clear()
    for k in MS_KEYS:
        meteostat.config.__dict__.pop(k, None)


def _fetch(home, **kw):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = fetch_weather_history(home, stations="03797,07002", since="2024-01-01", kinds=("hourly",),
                                      retries=0, backoff=0, **kw)
    return table, [str(w.message) for w in caught if issubclass(w.category, DataQualityWarning)]


def test_history_meteostat_layout_incremental_and_never_overwrites_good_data(env, tmp_path):
    table, warns = _fetch(tmp_path)
    f = tmp_path / "weather" / "hourly" / "2026" / "03797.csv.gz"
    assert f.is_file() and gz_rows(f) == 8760
    st = table.set_index(["station", "year"])["status"]
    assert st[("03797", 2023)] == "not on server" and st[("03797", 2026)] == "downloaded"
    good = f.read_bytes()

    for fault in ("500", "truncated", "timeout"):
        env.faults["/meteostat/hourly/2026/03797"] = fault
        table, warns = _fetch(tmp_path, timeout=1.0)
        row = table[(table["station"] == "03797") & (table["year"] == 2026)].iloc[0]
        assert row["status"].startswith("failed") and "kept cached file" in row["status"], (fault, row["status"])
        assert any("03797 hourly 2026" in w for w in warns), fault
        assert f.read_bytes() == good, fault  # the good file survives every fault
        env.faults.clear()
    # a closed year (before last year) is not downloaded again; last and this year are checked again
    this_year = pd.Timestamp.now().year
    env.hits.clear()
    table, _ = _fetch(tmp_path)
    st = table.set_index(["station", "year"])["status"]
    for year in (2024, 2025, 2026):
        expected = "kept (closed year)" if year < this_year - 1 else "unchanged"
        assert st[("03797", year)] == expected, year
        assert any(f"/{year}/" in h for h in env.hits) == (expected == "unchanged"), year


def test_history_shorter_download_does_not_replace(env, tmp_path):
    _fetch(tmp_path)
    f = tmp_path / "weather" / "hourly" / "2026" / "07002.csv.gz"
    good = f.read_bytes()
    src = env.mirror / "hourly" / "2026" / "07002.csv.gz"
    original = src.read_bytes()
    lines = gzip.decompress(original).splitlines(keepends=True)
    try:
        src.write_bytes(gzip.compress(b"".join(lines[:100])))
        table, warns = _fetch(tmp_path)
    finally:
        src.write_bytes(original)
    assert any("fewer than" in w for w in warns)
    assert f.read_bytes() == good


def test_forecast_metno_format_and_faults_fall_back_to_cache(env, tmp_path):
    wf = forecast_weather(home=tmp_path, days=9)
    today = pd.Timestamp.now(tz="Europe/Paris").tz_localize(None).normalize()
    assert wf.index[0] == today + pd.Timedelta(days=1) and len(wf) == 9
    assert wf.attrs["weather_source"].startswith("forecast: MET Norway Locationforecast 2.0 via meteostat")
    assert wf["gust_max"].isna().all()  # the compact product has no gusts: left missing, not invented here
    assert wf["wind_mean"].notna().all() and (wf["wind_mean"] > 0).all()
    assert wf["precip"].iloc[:2].notna().all() and wf["precip"].iloc[-1:].isna().all()  # no hourly rain > 60 h
    for fault, what in (("badjson", "JSONDecodeError"), ("500", "status"), ("timeout", "")):
        env.faults["/metno"] = fault
        with pytest.warns(DataQualityWarning, match="using the cached forecast") as rec:
            again = forecast_weather(home=tmp_path, days=9)
        assert what in str(rec[0].message), (fault, str(rec[0].message))
        assert "CACHED" in again.attrs["weather_source"]
        pd.testing.assert_series_equal(again["wind_mean"], wf["wind_mean"])
    env.faults["/metno"] = "500"
    with pytest.raises(WeatherError, match="nothing cached"), pytest.warns(DataQualityWarning):
        forecast_weather(home=tmp_path / "empty", days=3)


def test_unknown_station_and_provider_are_errors():
    with pytest.raises(WeatherError, match="unknown station"):
        fetch_weather_history("/nonexistent", stations="99999")
    with pytest.raises(WeatherError, match="provider"):
        forecast_weather(provider="gfs")
