"""load_weather against a FORMAT-FIXTURE meteostat mirror (synthetic numbers, real meteostat code path).

The mirror (tests/fixtures/meteostat_mirror.py) has meteostat's exact file layout and format but
synthetic values: these tests check parsing, feature arithmetic, gap handling and error messages,
never facts about real Channel weather.
"""

from __future__ import annotations

import shutil
import warnings

import numpy as np
import pandas as pd
import pytest

import crossingcast as cc
from crossingcast.data import weather as W
from crossingcast.errors import DataQualityWarning, WeatherError
from tests.fixtures.meteostat_mirror import daily_path, hourly_path, read_file, write_file, write_mirror

START, END = "2024-06-01", "2024-08-31"
FR = ("07002", "07010")
EN = ("03797", "03796")


@pytest.fixture(scope="session")
def base_mirror(tmp_path_factory):
    root = tmp_path_factory.mktemp("wx") / "data"
    write_mirror(root / "weather", years=(2024,))
    return root


@pytest.fixture
def data(base_mirror, tmp_path):
    """A private copy of the data directory, for tests that damage files."""
    dst = tmp_path / "data"
    shutil.copytree(base_mirror, dst)
    return dst


def _load(data_dir, start=START, end=END, **kw):
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        df = cc.load_weather(start, end, data_dir=data_dir, **kw)
    return df, [str(w.message) for w in rec if issubclass(w.category, DataQualityWarning)]


def _window_stats(data_dir, station, year=2024):
    """Independent recomputation of a station's launch-window wind from the raw fixture file."""
    raw = read_file(hourly_path(data_dir / "weather", station, year))
    t = pd.to_datetime(raw[["year", "month", "day", "hour"]]).dt.tz_localize("UTC").dt.tz_convert("Europe/Paris")
    raw = raw.assign(t=t)
    sel = raw[(t.dt.hour < 10)]
    day = sel["t"].dt.tz_localize(None).dt.normalize()
    g = sel.groupby(day)
    return pd.DataFrame({"wspd": g["wspd"].mean(), "wpgt": g["wpgt"].max(), "n": g["wspd"].count()})


def _drop_rows(path, mask_fn):
    raw = read_file(path)
    write_file(path, raw[~mask_fn(raw)])


def _utc_days(raw, days):
    d = pd.to_datetime(raw[["year", "month", "day"]])
    return d.isin(pd.to_datetime(days))


def _paris_window_days(raw, days):
    """Rows of an hourly file that fall in the Paris launch window of ``days`` (00:00-09:59 local)."""
    t = pd.to_datetime(raw[["year", "month", "day", "hour"]]).dt.tz_localize("UTC").dt.tz_convert("Europe/Paris")
    return t.dt.tz_localize(None).dt.normalize().isin(pd.to_datetime(days)) & (t.dt.hour < 10)


# --------------------------------------------------------------------------- the normal path

def test_feature_columns_match_the_frame():
    from crossingcast.frame import WEATHER_FEATURES
    assert W.FEATURES == WEATHER_FEATURES


def test_load_from_mirror_matches_independent_recomputation(base_mirror):
    df, warns = _load(base_mirror)
    assert not warns
    assert list(df.columns) == list(W.FEATURES)
    assert df.index.equals(pd.date_range(START, END, freq="D", name="date"))
    assert not df.isna().any().any()
    assert (df["weather_filled"] == 0).all()
    assert "mirror" in df.attrs["weather_source"]
    st = {s: _window_stats(base_mirror, s).reindex(df.index) for s in EN + FR}
    assert all((st[s]["n"] == 10).all() for s in st)
    en = (st[EN[0]]["wspd"] + st[EN[1]]["wspd"]) / 2
    fr = (st[FR[0]]["wspd"] + st[FR[1]]["wspd"]) / 2
    np.testing.assert_allclose(df["wind_mean"], (en + fr) / 2, atol=2e-3)
    gust = pd.concat([st[s]["wpgt"] for s in st], axis=1).max(axis=1)
    np.testing.assert_allclose(df["gust_max"], gust, atol=1e-9)
    calm = ((df["wind_mean"] <= W.CALM_WIND) & (df["gust_max"] <= W.CALM_GUST)).astype(float)
    assert (df["calm"] == calm).all()
    assert 0 < df["calm"].sum() < len(df)  # the synthetic fixture has both kinds of day


def test_real_meteostat_readers_read_the_mirror_and_config_is_restored(base_mirror, monkeypatch):
    import meteostat
    from meteostat.providers.meteostat import daily as pd_mod
    from meteostat.providers.meteostat import hourly as ph_mod

    before = (meteostat.config.hourly_endpoint, meteostat.config.daily_endpoint, meteostat.config.cache_enable,
              meteostat.config.stations_db_file, ph_mod.ENDPOINT, pd_mod.ENDPOINT)
    seen = []
    real = ph_mod.pd.read_csv

    def spy(url, *a, **k):
        seen.append(str(url))
        return real(url, *a, **k)

    monkeypatch.setattr(ph_mod.pd, "read_csv", spy)  # meteostat's own get_df calls pd.read_csv(url, ...)
    _load(base_mirror)
    monkeypatch.undo()
    mirror = str((base_mirror / "weather").resolve())
    assert {f"{mirror}/hourly/2024/{s}.csv.gz" for s in EN + FR} <= set(seen)
    after = (meteostat.config.hourly_endpoint, meteostat.config.daily_endpoint, meteostat.config.cache_enable,
             meteostat.config.stations_db_file, ph_mod.ENDPOINT, pd_mod.ENDPOINT)
    assert after == before
    assert before[0] == W.ONLINE_HOURLY_ENDPOINT  # meteostat's own default, untouched


def test_station_features_vector_and_ne_share():
    idx = pd.date_range("2024-07-01 00:00", periods=24, freq="h", tz="Europe/Paris")
    h = pd.DataFrame({"wspd": 10.0, "wpgt": 20.0, "wdir": 0.0, "prcp": 0.1, "temp": 15.0}, index=idx)
    h.loc[idx.hour >= 5, "wdir"] = 270.0  # 5 window hours from N, 5 from W
    h.loc[idx.hour == 3, "wpgt"] = 31.0
    h.loc[idx.hour == 12, "wpgt"] = 99.0  # outside the window: ignored
    f = W.station_features(h, pd.DatetimeIndex(["2024-07-01"]))
    row = f.iloc[0]
    assert row["wind_mean"] == pytest.approx(10.0)
    assert row["gust_max"] == pytest.approx(31.0)
    assert row["wind_u"] == pytest.approx(5.0)  # from W: u = -10 sin(270) = +10, half the hours
    assert row["wind_v"] == pytest.approx(-5.0)  # from N: v = -10, half the hours
    assert row["ne_share"] == pytest.approx(0.5)
    assert row["precip"] == pytest.approx(1.0)  # 0.1 mm/h x 10 h
    h.loc[idx.hour == 0, "wspd"] = 0.0  # a calm hour has no direction: not counted in ne_share
    assert W.station_features(h, pd.DatetimeIndex(["2024-07-01"])).iloc[0]["ne_share"] == pytest.approx(4 / 9)
    h.loc[idx.hour < 6, "wspd"] = np.nan  # only 4 window hours left: not observed
    assert np.isnan(W.station_features(h, pd.DatetimeIndex(["2024-07-01"])).iloc[0]["wind_mean"])


def test_calm_features_same_as_simulation():
    from crossingcast.simulate import calm_features as sim_calm

    rng = np.random.default_rng(3)
    idx = pd.date_range("2024-01-01", periods=200, freq="D")
    wind = pd.Series(rng.uniform(5, 30, 200), index=idx)
    gust = wind * rng.uniform(1.2, 2.2, 200)
    assert sim_calm is W.calm_features  # one definition, shared by data and simulation
    pd.testing.assert_frame_equal(W.calm_features(wind, gust), sim_calm(wind, gust))
    c = W.calm_features(pd.Series([20.0, 10, 10, 30, 10]), pd.Series([30.0, 20, 20, 40, 20]))
    assert c["calm"].tolist() == [0, 1, 1, 0, 1]
    assert c["calm_spell"].tolist() == [0, 1, 2, 0, 1]
    assert c["days_since_calm"].tolist() == [1, 0, 0, 1, 0]


def test_build_frame_end_to_end(base_mirror, counts):
    w, _ = _load(base_mirror)
    c = counts.loc[START:END]
    frame = cc.build_frame(c, weather=w)
    assert set(W.FEATURES) <= set(frame.columns)
    assert frame.attrs["report"]["weather"].startswith("observed weather")
    assert "mirror" in frame.attrs["report"]["weather_source"]
    np.testing.assert_array_equal(frame["migrants"].to_numpy(), c["migrants"].to_numpy())
    np.testing.assert_allclose(frame[list(W.FEATURES)].to_numpy(), w.to_numpy())  # joined as loaded


def test_stations_override_without_stations_db(data):
    (data / "weather" / "stations.db").unlink()  # metadata then comes from WeatherStation objects
    df, warns = _load(data, stations={"english": ["03797"], "french": ["07002"]})
    st_en, st_fr = _window_stats(data, "03797").reindex(df.index), _window_stats(data, "07002").reindex(df.index)
    np.testing.assert_allclose(df["wind_mean"], (st_en["wspd"] + st_fr["wspd"]) / 2, atol=2e-3)
    assert not warns and df.attrs["stations"] == ["03797 Manston (english)", "07002 Boulogne-sur-Mer (french)"]
    with pytest.raises(WeatherError, match="no station on the french coast"):
        cc.load_weather(START, END, data_dir=data, stations={"english": ["03797"]})


def test_daily_only_has_no_direction_features(base_mirror):
    df, _ = _load(base_mirror, hourly=False)
    assert "wind_u" not in df and "ne_share" not in df and "wind_mean" in df
    assert df.attrs["launch_window"] == "daily records"
    assert (df["weather_filled"] == 0).all()  # daily records are the source here, not a fallback
    daily = {}
    for s in EN + FR:
        d = read_file(daily_path(base_mirror / "weather", s, 2024))
        daily[s] = d.set_index(pd.to_datetime(d[["year", "month", "day"]])).reindex(df.index)

    def both_coasts(col):
        return ((daily[EN[0]][col] + daily[EN[1]][col]) / 2 + (daily[FR[0]][col] + daily[FR[1]][col]) / 2) / 2

    np.testing.assert_allclose(df["wind_mean"], both_coasts("wspd"), atol=2e-3)
    np.testing.assert_allclose(df["precip"], both_coasts("prcp") * 10 / 24, atol=2e-3)  # 24-h totals scaled


# --------------------------------------------------------------------------- gaps and outages

def test_station_outage_filled_from_its_coast_and_warned(data):
    hourly_path(data / "weather", "07002", 2024).unlink()
    daily_path(data / "weather", "07002", 2024).unlink()
    df, warns = _load(data)
    assert any("07002" in m and "2024-06-01..2024-08-31" in m for m in warns), warns
    assert (df["weather_filled"] == 1).all()
    st = {s: _window_stats(data, s).reindex(df.index) for s in ("03797", "03796", "07010")}
    en = (st["03797"]["wspd"] + st["03796"]["wspd"]) / 2
    np.testing.assert_allclose(df["wind_mean"], (en + st["07010"]["wspd"]) / 2, atol=2e-3)


def test_missing_window_hours_use_daily_record_and_are_flagged(data):
    days = ["2024-07-10", "2024-07-11"]
    _drop_rows(hourly_path(data / "weather", "03797", 2024), lambda r: _paris_window_days(r, days))
    df, warns = _load(data)
    assert any("03797" in m and "daily" in m and "2024-07-10" in m for m in warns), warns
    assert df.loc[days, "weather_filled"].eq(1).all()
    assert df["weather_filled"].sum() == 2
    assert df.notna().all().all()


def test_whole_coast_missing_taken_from_other_coast(data):
    days = ["2024-07-20", "2024-07-21", "2024-07-22"]
    for s in FR:
        _drop_rows(hourly_path(data / "weather", s, 2024), lambda r: _paris_window_days(r, days))
        _drop_rows(daily_path(data / "weather", s, 2024), lambda r: _utc_days(r, days))
    df, warns = _load(data)
    assert any("whole french coast" in m and "2024-07-20..2024-07-22" in m for m in warns), warns
    assert df.loc[days, "weather_filled"].eq(1).all() and df["weather_filled"].sum() == 3
    st = {s: _window_stats(data, s).reindex(pd.to_datetime(days)) for s in EN}
    np.testing.assert_allclose(df.loc[days, "wind_mean"], (st[EN[0]]["wspd"] + st[EN[1]]["wspd"]) / 2, atol=2e-3)


def test_both_coasts_missing_raises_naming_dates(data):
    days = ["2024-08-05", "2024-08-06"]
    for s in EN + FR:
        _drop_rows(hourly_path(data / "weather", s, 2024), lambda r: _paris_window_days(r, days))
        _drop_rows(daily_path(data / "weather", s, 2024), lambda r: _utc_days(r, days))
    with pytest.raises(WeatherError, match=r"either coast.*2024-08-05..2024-08-06"):
        _load(data)


def test_empty_or_absent_mirror(tmp_path, base_mirror):
    (tmp_path / "weather").mkdir()
    with pytest.raises(WeatherError, match="has no data for stations"):
        cc.load_weather(START, END, data_dir=tmp_path)
    with pytest.raises(WeatherError, match="no weather/ folder"):
        cc.load_weather(START, END, data_dir=tmp_path / "weather")
    with pytest.raises(WeatherError, match="has no data"):  # mirror only has 2024
        cc.load_weather("2022-06-01", "2022-06-30", data_dir=base_mirror)


def test_offline_online_endpoint_is_a_clear_error(monkeypatch, tmp_path):
    import meteostat

    monkeypatch.setattr(meteostat.config, "cache_directory", str(tmp_path / "cache"))
    monkeypatch.setattr(W, "ONLINE_HOURLY_ENDPOINT", "http://127.0.0.1:9/hourly/{year}/{station}.csv.gz")
    monkeypatch.setattr(W, "ONLINE_DAILY_ENDPOINT", "http://127.0.0.1:9/daily/{year}/{station}.csv.gz")
    with pytest.raises(WeatherError, match="no network"):
        cc.load_weather(START, "2024-06-03")


# --------------------------------------------------------------------------- bad input

def _alter(path, fn):
    raw = read_file(path)
    write_file(path, fn(raw))


def _at(raw, day, hour_utc):
    d = pd.Timestamp(day)
    return (raw["year"] == d.year) & (raw["month"] == d.month) & (raw["day"] == d.day) & (raw["hour"] == hour_utc)


def test_duplicated_timestamps_name_file_and_time(data):
    p = hourly_path(data / "weather", "07010", 2024)
    _alter(p, lambda r: pd.concat([r, r[_at(r, "2024-07-01", 3)]]))
    with pytest.raises(WeatherError, match=r"07010\.csv\.gz.*duplicated timestamp.*2024-07-01 03:00"):
        _load(data)


def test_negative_wind_names_station_column_and_time(data):
    p = hourly_path(data / "weather", "03796", 2024)
    _alter(p, lambda r: r.assign(wspd=r["wspd"].where(~_at(r, "2024-07-02", 4), -3.0)))
    with pytest.raises(WeatherError,
                       match=r"hourly/2024/03796\.csv\.gz.*03796.*'wspd' is negative at 2024-07-02 06:00:00\+02:00"):
        _load(data)


def test_gust_below_mean_wind_is_impossible(data):
    p = hourly_path(data / "weather", "07002", 2024)
    _alter(p, lambda r: r.assign(wpgt=r["wpgt"].where(~_at(r, "2024-08-01", 2), 1.0),
                                 wspd=r["wspd"].where(~_at(r, "2024-08-01", 2), 20.0)))
    with pytest.raises(WeatherError,
                       match=r"hourly/2024/07002\.csv\.gz.*'wpgt'.*below the mean wind 'wspd'.*2024-08-01 04:00"):
        _load(data)


def test_wind_in_metres_per_second_detected(data):
    p = hourly_path(data / "weather", "03797", 2024)
    _alter(p, lambda r: r.assign(wspd=(r["wspd"] / 3.6 / 2).round(1), wpgt=(r["wpgt"] / 3.6 / 2).round(1)))
    with pytest.raises(WeatherError, match=r"03797.*'wspd' has median .*m/s"):
        _load(data)


def test_mixed_units_gust_kmh_wind_ms_detected(data):
    p = hourly_path(data / "weather", "03797", 2024)
    # a windy station whose wind is in m/s (median above the m/s threshold) but gusts in km/h
    _alter(p, lambda r: r.assign(wspd=(r["wspd"] * 1.5 / 3.6).round(1), wpgt=(r["wpgt"] * 1.5).round(1)))
    with pytest.raises(WeatherError, match=r"03797.*gust/wind ratio"):
        _load(data)


def test_missing_column_names_file_and_column(data):
    p = hourly_path(data / "weather", "07002", 2024)
    _alter(p, lambda r: r.drop(columns=["wpgt", "wpgt_source"]))
    with pytest.raises(WeatherError, match=r"07002\.csv\.gz.*missing column\(s\) \['wpgt'\]"):
        _load(data)


def test_corrupt_file_and_bad_direction(data):
    p = daily_path(data / "weather", "07010", 2024)
    p.write_bytes(b"not gzip at all")
    with pytest.raises(WeatherError, match=r"daily/2024/07010\.csv\.gz.*not a gzipped meteostat CSV"):
        _load(data)
    p.unlink()
    q = hourly_path(data / "weather", "03797", 2024)
    _alter(q, lambda r: r.assign(wdir=r["wdir"].where(~_at(r, "2024-06-10", 1), 400)))
    with pytest.raises(WeatherError, match=r"03797.*'wdir' is outside 0..360.*2024-06-10 03:00"):
        _load(data)


def test_bad_arguments(base_mirror):
    with pytest.raises(WeatherError, match="before start"):
        cc.load_weather(END, START, data_dir=base_mirror)
    with pytest.raises(WeatherError, match="window"):
        cc.load_weather(START, END, data_dir=base_mirror, window=(10, 4))
    with pytest.raises(WeatherError, match="listed twice"):
        cc.load_weather(START, END, data_dir=base_mirror, stations={"english": ["03797"], "french": ["03797"]})
    with pytest.raises(WeatherError, match="no station on the english coast"):
        cc.load_weather(START, END, data_dir=base_mirror, stations={"french": ["07002"]})
    with pytest.raises(WeatherError, match="could not resolve station 99999"):  # not in the stations database
        cc.load_weather(START, END, data_dir=base_mirror, stations={"english": ["99999"], "french": ["07002"]})
