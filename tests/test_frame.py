"""The daily modelling frame: join, validation, report, future frames, no leakage."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crossingcast as cc
from crossingcast import frame as fr
from crossingcast.errors import FrameError


def test_frame_without_weather_says_so(frame, counts):
    assert len(frame) == len(counts)
    assert frame.index.freqstr == "D" and not frame.index.has_duplicates
    assert "no weather" in frame.attrs["report"]["weather"]
    assert not fr.weather_columns(frame)
    for c in ["dow", "fourier_sin_1", "fourier_cos_3", "trend", "holiday_uk", "holiday_fr",
              "event_paris_olympics_2024"]:
        assert c in frame.columns
    assert frame.loc["2024-07-26":"2024-08-11", "event_paris_olympics_2024"].eq(1).all()
    assert frame.loc["2024-08-12", "event_paris_olympics_2024"] == 0
    pd.testing.assert_series_equal(frame["migrants"], counts["migrants"], check_freq=False)
    assert all(pd.api.types.is_numeric_dtype(frame[c]) for c in fr.feature_columns(frame))


def _weather(index, seed=0):
    rng = np.random.default_rng(seed)
    n = len(index)
    w = pd.DataFrame({c: rng.uniform(0, 30, n) for c in fr.WEATHER_FEATURES}, index=index)
    w["gust_max"] = w["wind_mean"] + 10
    return w


def test_weather_join_and_missing_weather_is_named(counts):
    idx = pd.date_range("2024-01-01", "2024-12-31")
    f = cc.build_frame(counts, weather=_weather(idx), start="2024-01-01", end="2024-12-31")
    assert fr.weather_columns(f) == list(fr.WEATHER_FEATURES)
    assert "observed weather" in f.attrs["report"]["weather"]
    with pytest.raises(FrameError, match="2023-12-31"):
        cc.build_frame(counts, weather=_weather(idx), start="2023-12-01", end="2024-12-31")


def test_no_events_and_period_checks(counts):
    f = cc.build_frame(counts, events=pd.DataFrame(), start="2025-01-01")
    assert not fr.event_columns(f)
    with pytest.raises(FrameError, match="outside the counts"):
        cc.build_frame(counts, end="2030-01-01")


def test_counts_with_gap_or_duplicates_rejected(counts):
    with pytest.raises(FrameError, match="missing date"):
        cc.build_frame(counts.drop(pd.Timestamp("2024-03-03")))
    dup = pd.concat([counts, counts.iloc[[10]]])
    with pytest.raises(FrameError, match="duplicated"):
        cc.build_frame(dup)


def test_validate_frame_names_column_and_date(frame):
    bad = frame.copy()
    bad.loc["2024-02-02", "trend"] = np.nan
    with pytest.raises(FrameError, match=r"'trend'.*2024-02-02"):
        fr.validate_frame(bad)
    neg = frame.copy()
    neg.loc["2024-02-03", "migrants"] = -1
    with pytest.raises(FrameError, match="negative.*2024-02-03"):
        fr.validate_frame(neg)


def test_future_frame_matches_history_columns_and_has_no_counts(frame):
    hist = frame.loc[:"2024-06-30"]
    fut = fr.future_frame(hist, "2024-07-01", "2024-09-30")
    assert list(fut.columns) == fr.feature_columns(hist)
    assert not set(fr.COUNT_COLUMNS) & set(fut.columns)
    # Known-in-advance columns equal the frame built from the full data (calendar with hindsight) ...
    hind = fr.future_frame(hist, "2024-07-01", "2024-09-30", as_of_events=False)
    pd.testing.assert_frame_equal(hind, frame.loc["2024-07-01":"2024-09-30", fut.columns], check_freq=False)
    # ... except the Rwanda Act, whose 5 July 2024 end was not known at 30 June (as-of calendar)
    diff = [c for c in fut.columns if not fut[c].equals(hind[c])]
    assert diff == ["event_safety_of_rwanda_act_2024"] and (fut[diff[0]] == 1).all()
    assert fut.attrs["weather_mode"] == "none"


def test_future_frame_climatology_weather(counts):
    idx = pd.date_range("2022-01-01", "2024-06-30")
    hist = cc.build_frame(counts, weather=_weather(idx), start=idx[0], end=idx[-1])
    fut = fr.future_frame(hist, "2024-07-01", "2024-07-31")
    assert fut.attrs["weather_mode"] == "climatology"
    assert fut["wind_mean"].between(0, 30).all()
    shifted = fr.shift_weather_year(hist, 2023, fut.index)
    assert shifted.loc["2024-07-05", "wind_mean"] == hist.loc["2023-07-05", "wind_mean"]


def test_frame_spans_the_newest_release_to_its_last_day(frame, counts):
    """The frame ends on the last day of the newest release (2026-04-30, ../shared/data/README.md), so a
    reader or join that drops the last day of a release fails here, not by accident elsewhere."""
    assert counts.index[-1] == pd.Timestamp("2026-04-30")
    assert frame.index[-1] == counts.index[-1] and frame.index[0] == counts.index[0]
    assert len(frame) == (frame.index[-1] - frame.index[0]).days + 1
    assert frame["migrants"].sum() == counts["migrants"].sum()


def test_event_changes_name_what_the_forecast_assumes(frame):
    from crossingcast.events import default_calendar

    hist = frame.loc[:"2026-04-30"]
    fut = fr.future_frame(hist, "2026-05-01", "2026-09-30")
    # the calendar's returns pilot runs to 30 June 2026; nothing else moves
    assert fr.event_changes(hist, fut) == ["uk_france_returns_pilot_2025 ends on 2026-06-30"]
    assert fr.event_changes(hist, fut.loc[:"2026-06-30"]) == []
    cal = default_calendar().copy()
    new = cal.iloc[[0]].assign(name="summit_2026", start=pd.Timestamp("2026-07-14"), end=pd.NaT, intensity=1.0)
    cal = pd.concat([cal, new], ignore_index=True)
    cal.loc[cal["name"] == "uk_france_returns_pilot_2025", "end"] = pd.NaT  # extended
    counts = frame.loc[:"2026-04-30", [c for c in fr.COUNT_COLUMNS if c in frame.columns]]
    hist2 = fr.build_frame(counts, events=cal)
    assert fr.event_changes(hist2, fr.future_frame(hist2, "2026-05-01", "2026-09-30")) == [
        "summit_2026 starts on 2026-07-14"]
    # a scenario calendar passed to future_frame: an event at half intensity from the first future day
    half = cal.copy()
    half.loc[half["name"] == "uk_france_returns_pilot_2025", "intensity"] = 0.5
    assert fr.event_changes(hist2, fr.future_frame(hist2, "2026-05-01", "2026-05-31", events=half)) == [
        "uk_france_returns_pilot_2025 changes from 1 to 0.5 on 2026-05-01"]
