"""Property-based tests (hypothesis) on the parsers and the frame builder."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import crossingcast as cc
from crossingcast import events
from crossingcast.data import homeoffice as ho
from crossingcast.errors import DataError, EventsError, FrameError
from crossingcast.frame import feature_columns, future_frame

_settings = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

counts_st = st.lists(st.integers(min_value=0, max_value=2000), min_size=30, max_size=120)


@_settings
@given(values=counts_st, start=st.dates(min_value=pd.Timestamp("2018-01-01").date(),
                                        max_value=pd.Timestamp("2026-01-01").date()))
def test_build_frame_keeps_every_count_and_has_no_nan(values, start):
    idx = pd.date_range(start, periods=len(values), freq="D", name="date")
    counts = pd.DataFrame({"migrants": values, "boats": [v // 50 for v in values]}, index=idx)
    frame = cc.build_frame(counts)
    assert len(frame) == len(values)
    assert frame["migrants"].tolist() == values
    assert not frame[feature_columns(frame)].isna().any().any()
    fut = future_frame(frame, idx[-1] + pd.Timedelta(days=1), idx[-1] + pd.Timedelta(days=10))
    assert list(fut.columns) == feature_columns(frame) and len(fut) == 10


@_settings
@given(values=counts_st, drop=st.integers(min_value=1, max_value=28))
def test_build_frame_refuses_any_gap(values, drop):
    idx = pd.date_range("2024-01-01", periods=len(values), freq="D")
    counts = pd.DataFrame({"migrants": values, "boats": values}, index=idx).drop(idx[drop])
    with pytest.raises(FrameError, match=idx[drop].date().isoformat()):
        cc.build_frame(counts)


cell_st = st.one_of(
    st.integers(min_value=-5, max_value=5000),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-10, max_value=10),
    st.sampled_from(["-", "12", "1,204", "n/a", "abc", "", " 7 ", "3.5"]),
)


@_settings
@given(cells=st.lists(cell_st, min_size=1, max_size=20))
def test_numeric_cells_parse_or_fail_loudly(cells):
    """Every cell either becomes a non-negative integer/NaN or raises a DataError naming the row."""
    values = pd.Series(cells, dtype=object)
    dates = pd.Series(pd.date_range("2024-01-01", periods=len(cells)))
    try:
        out = ho._to_numeric(values, ho.Path("x.ods"), "SB_01", "Migrants arrived", 0, dates, allow_missing=True)
    except DataError as exc:
        assert "x.ods" in str(exc) and "SB_01" in str(exc) and "row" in str(exc)
        return
    arr = out.to_numpy()
    ok = np.isnan(arr) | ((arr >= 0) & (arr == np.round(arr)))
    assert ok.all()
    for raw, got in zip(cells, arr):
        if isinstance(raw, str) and raw.strip().replace(",", "").isdigit():
            assert got == float(raw.strip().replace(",", ""))


@_settings
@given(a=counts_st, changes=st.dictionaries(st.integers(0, 29), st.integers(1, 50), max_size=5))
def test_revisions_report_exactly_the_changed_dates(a, changes):
    idx = pd.date_range("2024-01-01", periods=len(a), freq="D")
    old = pd.DataFrame({"migrants": a, "boats": a}, index=idx)
    new = old.copy()
    for pos, delta in changes.items():
        new.iloc[pos, 0] += delta
    rev = cc.revisions(old, new, columns=["migrants"])
    assert sorted(rev["date"]) == sorted(idx[list(changes)])
    assert dict(zip(rev["date"], rev["change"])) == {idx[p]: float(d) for p, d in changes.items()}


@_settings
@given(start=st.dates(min_value=pd.Timestamp('1990-01-01').date(), max_value=pd.Timestamp('2100-01-01').date()), length=st.integers(-30, 60), intensity=st.floats(0, 5, allow_nan=False))
def test_event_validation_total(start, length, intensity):
    end = pd.Timestamp(start) + pd.Timedelta(days=length)
    table = pd.DataFrame([{"name": "x_event", "start": pd.Timestamp(start), "end": end, "category": "event",
                           "sign": 1, "intensity": intensity}])
    if length < 0:
        with pytest.raises(EventsError, match="before start"):
            events.validate_calendar(table)
        return
    cal = events.validate_calendar(table)
    idx = pd.date_range(pd.Timestamp(start) - pd.Timedelta(days=2), end + pd.Timedelta(days=2))
    flags = events.event_flags(cal, idx)["event_x_event"]
    assert (flags > 0).sum() == (length + 1 if intensity > 0 else 0)
    assert set(np.unique(flags)) <= {0.0, intensity}
