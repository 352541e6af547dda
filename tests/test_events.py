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
