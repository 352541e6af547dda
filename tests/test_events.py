"""The events calendar: built-in rows, user extensions, validation, flags, holidays."""

from __future__ import annotations

import pandas as pd
import pytest

from crossingcast import events
from crossingcast.errors import EventsError


def test_builtin_calendar_has_documented_sources():
    cal = events.default_calendar()
    assert set(events.COLUMNS) == set(cal.columns)
    assert cal["name"].is_unique
    assert (cal["source"].str.len() > 10).all()
    assert set(cal["category"]) <= set(events.CATEGORIES)
    byname = cal.set_index("name")
    oly = byname.loc["paris_olympics_2024"]
    assert (oly["start"], oly["end"]) == (pd.Timestamp("2024-07-26"), pd.Timestamp("2024-08-11"))
    para = byname.loc["paris_paralympics_2024"]
    assert (para["start"], para["end"]) == (pd.Timestamp("2024-08-28"), pd.Timestamp("2024-09-08"))
    assert byname.loc["uk_france_agreement_2022", "start"] == pd.Timestamp("2022-11-14")
    assert byname.loc["uk_france_summit_2023", "start"] == pd.Timestamp("2023-03-10")
    assert byname.loc["uk_france_returns_pilot_2025", "start"].year == 2025
    assert any(n.startswith("covid") and s.year == 2020 for n, s in zip(cal["name"], cal["start"]))


def test_flags_inclusive_and_open_ended():
    cal = events.default_calendar()
    idx = pd.date_range("2024-07-24", "2024-08-13")
    f = events.event_flags(cal, idx)
    oly = f["event_paris_olympics_2024"]
    assert oly.loc["2024-07-25"] == 0 and oly.loc["2024-07-26"] == 1 and oly.loc["2024-08-11"] == 1
    assert oly.loc["2024-08-12"] == 0
    assert (f["event_uk_france_agreement_2022"] == 1).all()  # open-ended step


def test_user_csv_and_yaml_extend(tmp_path):
    csv = tmp_path / "mine.csv"
    csv.write_text("name,start,end,category,sign,intensity,source\n"
                   "strike_calais_2025,2025-06-01,2025-06-03,enforcement,1,0.5,Local press\n")
    mine = events.read_calendar(csv)
    both = events.combine(events.default_calendar(), mine)
    assert "strike_calais_2025" in set(both["name"])
    f = events.event_flags(both, pd.date_range("2025-06-01", "2025-06-04"))
    assert f["event_strike_calais_2025"].tolist() == [0.5, 0.5, 0.5, 0.0]
    yml = tmp_path / "mine.yaml"
    yml.write_text("events:\n  - name: paris_olympics_2024\n    start: 2024-07-26\n    end: 2024-08-11\n"
                   "    category: event\n    intensity: 0.5\n")
    over = events.combine(events.default_calendar(), events.read_calendar(yml), replace=True)
    assert over.set_index("name").loc["paris_olympics_2024", "intensity"] == 0.5
    with pytest.raises(EventsError, match="duplicated event name"):
        events.combine(events.default_calendar(), events.read_calendar(yml))


@pytest.mark.parametrize("row,match", [
    ("bad_dates,2025-06-05,2025-06-01,event,1,1", "end 2025-06-01 is before start 2025-06-05"),
    ("weird,2025-06-01,,festival,1,1", "unknown category 'festival'"),
    ("Bad Name,2025-06-01,,event,1,1", "not a valid name"),
    ("nodate,June,,event,1,1", "column 'start'"),
    ("badsign,2025-06-01,,event,2,1", "column 'sign'"),
    ("badint,2025-06-01,,event,1,-1", "column 'intensity'"),
])
def test_invalid_rows_named(tmp_path, row, match):
    p = tmp_path / "ev.csv"
    p.write_text("name,start,end,category,sign,intensity\n" + row + "\n")
    with pytest.raises(EventsError, match=match) as err:
        events.read_calendar(p)
    assert "ev.csv" in str(err.value) and "row 1" in str(err.value)


def test_unknown_column_and_empty_file(tmp_path):
    p = tmp_path / "ev.csv"
    p.write_text("name,start,category,colour\nx,2025-01-01,event,red\n")
    with pytest.raises(EventsError, match="unknown column"):
        events.read_calendar(p)
    e = tmp_path / "empty.csv"
    e.write_text("name,start,category\n")
    with pytest.raises(EventsError, match="no events"):
        events.read_calendar(e)


def test_holidays():
    h = events.holiday_flags(pd.date_range("2024-05-01", "2024-05-31"))
    assert h.loc["2024-05-01", "holiday_fr"] == 1 and h.loc["2024-05-01", "holiday_uk"] == 0  # Fête du Travail
    assert h.loc["2024-05-06", "holiday_uk"] == 1  # Early May bank holiday
    assert h.loc["2024-05-08", "holiday_fr"] == 1  # Victoire 1945


# ----------------------------------------------------------------------------- as-of calendar (issue 15)

def test_builtin_calendar_has_known_dates_with_sources():
    cal = events.default_calendar().set_index("name")
    assert cal["announced"].notna().all() and (cal["announced_source"].str.len() > 10).all()
    assert (cal["announced"] <= cal["start"] + pd.Timedelta(days=1)).all()  # nothing announced after it began
    rw = cal.loc["safety_of_rwanda_act_2024"]
    assert rw["end_announced"] == pd.Timestamp("2024-07-05") and rw["announced"] == pd.Timestamp("2024-04-25")
    # events since 2025 (DOMAIN.md), each with a source
    for name, start in (("uk_france_returns_pilot_2025", "2025-08-06"),
                        ("french_maritime_interventions_2025", "2025-11-27"),
                        ("border_security_act_2025", "2025-12-02"),
                        ("border_security_commencement_2026", "2026-01-05")):
        assert cal.loc[name, "start"] == pd.Timestamp(start) and "DOMAIN.md" in cal.loc[name, "source"]
    assert cal.loc["uk_france_returns_pilot_2025", "end"] == pd.Timestamp("2026-06-30")


def test_as_of_2024_05_31_does_not_know_the_rwanda_end():
    cal = events.default_calendar()
    asof = events.calendar_as_of(cal, "2024-05-31").set_index("name")
    assert pd.isna(asof.loc["safety_of_rwanda_act_2024", "end"])  # open-ended: in force until further notice
    assert "uk_france_returns_pilot_2025" not in asof.index  # announced 2025-07-29
    assert asof.loc["paris_olympics_2024", "end"] == pd.Timestamp("2024-08-11")  # known since 2017
    later = events.calendar_as_of(cal, "2024-07-05").set_index("name")
    assert later.loc["safety_of_rwanda_act_2024", "end"] == pd.Timestamp("2024-07-05")
    flags = events.event_flags(asof.reset_index(), pd.date_range("2024-06-01", "2024-12-31"))
    assert (flags["event_safety_of_rwanda_act_2024"] == 1).all()
    assert any("open-ended" in c for c in events.calendar_as_of(cal, "2024-05-31").attrs["as_of_changes"])


def test_future_frame_from_2024_05_31_origin_uses_the_as_of_calendar():
    from crossingcast.frame import build_frame, future_frame

    idx = pd.date_range("2023-01-01", "2024-05-31", name="date")
    counts = pd.DataFrame({"migrants": 10.0, "boats": 1.0}, index=idx)
    hist = build_frame(counts)
    fut = future_frame(hist, "2024-06-01", "2024-09-30")
    assert (fut["event_safety_of_rwanda_act_2024"] == 1).all()  # the 5 July end was not known
    hind = future_frame(hist, "2024-06-01", "2024-09-30", as_of_events=False)
    assert hind.loc["2024-07-06":, "event_safety_of_rwanda_act_2024"].eq(0).all()
    assert fut.attrs["events_calendar"].attrs["as_of"] == "2024-05-31"


def test_known_dates_validated():
    base = {"name": "x", "start": "2024-01-01", "category": "policy"}
    with pytest.raises(EventsError, match="column 'announced'"):
        events.validate_calendar(pd.DataFrame([{**base, "announced": "soon"}]))
    with pytest.raises(EventsError, match="'end_announced'.*no end"):
        events.validate_calendar(pd.DataFrame([{**base, "end_announced": "2024-02-01"}]))
    ok = events.validate_calendar(pd.DataFrame([base]))
    assert pd.isna(ok.loc[0, "announced"])  # no known-date: known at any origin
    assert len(events.calendar_as_of(ok, "2000-01-01")) == 1
