"""Reliability catalogue for events calendars: variants GENERATED from the real built-in calendar.

``crossingcast/resources/events.csv`` (one documented source per row) is rewritten the way a
hand-edited copy travels between analysts — title and comment lines, semicolons and a BOM from a
European Excel, reordered and re-cased columns, dates as ``DD/MM/YYYY`` — and must read to the same
table; what has two readings is refused naming file, row and column.
"""

from __future__ import annotations

import csv
import io
from importlib import resources

import pandas as pd
import pytest

from crossingcast import events
from crossingcast.errors import DataQualityWarning, EventsError


@pytest.fixture(scope="module")
def rows() -> list[list[str]]:
    text = resources.files("crossingcast.resources").joinpath("events.csv").read_text(encoding="utf-8")
    return list(csv.reader(io.StringIO(text)))


def _write(path, rows, delimiter=",", above=(), below=(), encoding="utf-8"):
    buf = io.StringIO()
    for line in above:
        buf.write(line + "\n")
    csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerows(rows)
    for line in below:
        buf.write(line + "\n")
    path.write_text(buf.getvalue(), encoding=encoding)
    return path


@pytest.fixture(scope="module")
def real(rows, tmp_path_factory):
    return events.read_calendar(_write(tmp_path_factory.mktemp("cal") / "real.csv", rows))


def _dates_as(rows, fmt):
    head, body = rows[0], [list(r) for r in rows[1:]]
    for col in ("start", "end"):
        j = head.index(col)
        for r in body:
            if r[j]:
                r[j] = pd.Timestamp(r[j]).strftime(fmt)
    return [head, *body]


def test_title_comment_blank_and_note_lines(rows, real, tmp_path):
    path = _write(tmp_path / "annotated.csv", rows, above=["Events calendar (analyst copy, May 2026)", "# do not edit", ""],
                  below=["", "Sources: see the source column and docs/data.md"])
    cal = events.read_calendar(path)
    pd.testing.assert_frame_equal(cal, real)
    report = cal.attrs["load_report"]
    assert any("header on line 4; 3 line(s) above it skipped" in line for line in report)
    assert any("line(s) skipped" in line and "Sources: see" in line for line in report)


def test_semicolons_bom_reordered_recased_columns(rows, real, tmp_path):
    order = list(reversed(range(len(rows[0]))))
    moved = [[r[j] for j in order] for r in rows]
    moved[0] = [h.title() + " " for h in moved[0]]
    path = _write(tmp_path / "excel_eu.csv", moved, delimiter=";", encoding="utf-8-sig")
    cal = events.read_calendar(path)
    pd.testing.assert_frame_equal(cal, real)
    assert "columns separated by ';'" in cal.attrs["load_report"]


@pytest.mark.parametrize("fmt,word", [("%d/%m/%Y", "day-first"), ("%d %B %Y", "named month"),
                                      ("%m/%d/%Y", "month-first")])
def test_dates_in_other_formats(rows, real, tmp_path, fmt, word):
    path = _write(tmp_path / "dates.csv", _dates_as(rows, fmt))
    with pytest.warns(DataQualityWarning, match=rf"dates\.csv.*column 'start'.*{word}.*rewritten as YYYY-MM-DD"):
        cal = events.read_calendar(path)
    pd.testing.assert_frame_equal(cal, real)


def test_ambiguous_dates_refused(rows, tmp_path):
    head = rows[0]
    s, e = head.index("start"), head.index("end")

    def early(v):
        return not v or pd.Timestamp(v).day <= 12

    keep = [r for r in rows[1:] if early(r[s]) and early(r[e])]
    assert keep and any(pd.Timestamp(r[s]).day != pd.Timestamp(r[s]).month for r in keep)
    path = _write(tmp_path / "amb.csv", _dates_as([head, *keep], "%d/%m/%Y"))
    with pytest.raises(EventsError, match=r"amb\.csv.*column 'start', row \d+: date \d\d/\d\d/\d{4} is ambiguous"):
        events.read_calendar(path)


def test_value_beyond_the_header_and_missing_header(rows, tmp_path):
    extra = [list(r) for r in rows]
    extra[3] = extra[3] + ["stray note"]
    with pytest.raises(EventsError, match=r"extra\.csv', line 4: value 'stray note' in column \d+, which has no header"):
        events.read_calendar(_write(tmp_path / "extra.csv", extra))
    with pytest.raises(EventsError, match=r"nohead\.csv.*no header line naming the columns \['name', 'start', 'category'\]"):
        events.read_calendar(_write(tmp_path / "nohead.csv", rows[1:]))
