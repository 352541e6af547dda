"""The official Home Office ODS releases: parsing by meaning, vintages, revisions."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import crossingcast as cc
from crossingcast.data import homeoffice as ho
from crossingcast.errors import DataError, DataQualityWarning, SchemaError
from tests.data.variants import write_ods  # fast direct ODS writer (pandas odf engine: ~1 min per file under load)
from tests.odsutil import raw_sheets


def test_known_totals(counts):
    assert counts.loc["2023", "migrants"].sum() == 29_437
    assert counts.loc["2023", "boats"].sum() == 602
    assert counts.loc["2024", "migrants"].sum() == 36_816


def test_daily_series_is_complete(counts):
    assert isinstance(counts.index, pd.DatetimeIndex)
    assert counts.index.freqstr == "D"
    assert counts.index[0] == pd.Timestamp("2018-01-01")
    assert not counts.index.has_duplicates
    assert len(counts) == (counts.index[-1] - counts.index[0]).days + 1
    assert list(counts.columns[:2]) == ["migrants", "boats"]
    assert counts["migrants"].dtype == np.int64 and (counts["migrants"] >= 0).all()


def test_dash_is_not_available_not_zero(counts):
    # '-' in "uncontrolled landings" before it was recorded: NaN, not 0.
    unc = counts["uncontrolled_boats"]
    assert unc.loc["2018"].isna().all()
    assert unc.loc["2025"].notna().all()


def test_newest_release_is_used(data_dir, releases):
    counts = cc.load_counts(data_dir)
    ends = {p.name: ho.read_release(p).end for p in releases}
    assert counts.index[-1] == max(ends.values())
    assert counts.attrs["source"].endswith(max(ends, key=ends.get))


def test_weekly_preventions_start_may_2024(data_dir):
    weekly = cc.load_weekly(data_dir)
    first = weekly["migrants_prevented"].first_valid_index()
    assert pd.Timestamp("2024-05-01") <= first <= pd.Timestamp("2024-05-31")
    assert weekly.loc[: first - pd.Timedelta(days=1), "migrants_prevented"].isna().all()
    assert (weekly.index.day_of_week == 6).all()  # weeks end on Sunday
    # weekly arrivals equal the sum of the daily series over complete weeks
    daily = cc.load_counts(data_dir)["migrants"]
    wk = daily.resample("W-SUN").sum()
    common = weekly.index.intersection(wk.index)[1:-1]
    assert (weekly.loc[common, "migrants"].to_numpy() == wk.loc[common].to_numpy()).mean() > 0.98


def test_vintages_and_revisions(data_dir):
    vintages = cc.load_vintages(data_dir)
    names = list(vintages)
    assert len(names) >= 3
    ends = [v.index[-1] for v in vintages.values()]
    assert ends == sorted(ends)
    rev = cc.revisions(vintages[names[0]], vintages[names[-1]])
    assert list(rev.columns) == ["date", "column", "old", "new", "change"]
    # A constructed revision is reported with its size.
    old = vintages[names[0]].copy()
    old.loc["2024-07-01", "migrants"] += 17
    rev2 = cc.revisions(old, vintages[names[-1]])
    row = rev2[(rev2["date"] == pd.Timestamp("2024-07-01")) & (rev2["column"] == "migrants")]
    assert len(row) == 1 and row["change"].iloc[0] == -17


# ----------------------------------------------------------------- cosmetic drift tolerated
@pytest.fixture(scope="module")
def base_sheets(releases):
    return raw_sheets(releases[-1])


def _parse(tmp_path, sheets, name="variant.ods"):
    return ho.read_release(write_ods(sheets, tmp_path / name))


def test_variant_round_trip_equals_real(tmp_path, base_sheets, releases):
    real = ho.read_release(releases[-1]).daily
    rel = _parse(tmp_path, base_sheets)
    pd.testing.assert_frame_equal(rel.daily, real.loc[rel.daily.index], check_freq=False, check_like=False)


def test_drift_renamed_sheets_title_rows_footnotes_reordered(tmp_path, base_sheets, releases):
    real = ho.read_release(releases[-1]).daily
    s = {k: v.copy() for k, v in base_sheets.items()}
    daily = s.pop("SB_01")
    weekly = s.pop("SB_02")
    # headers get footnote markers and different case; columns reordered; two title rows on top
    daily.iloc[0] = ["Date [note 1]", "MIGRANTS ARRIVED [note 2]", "Boats arrived", "Boats arrived - involved in "
                     "uncontrolled landings [note 3]", "Notes"]
    daily = daily[[0, 2, 1, 3, 4]]
    title = pd.DataFrame([["Table SB_01: small boat arrivals by day"] + [None] * 4, [None] * 5],
                         columns=daily.columns)
    daily = pd.concat([title, daily], ignore_index=True)
    s["Table SB 01"] = daily
    s["Table SB 02"] = weekly
    rel = _parse(tmp_path, s)
    pd.testing.assert_series_equal(rel.daily["migrants"], real.loc[rel.daily.index, "migrants"], check_freq=False)
    assert rel.daily.attrs["sheet"] == "Table SB 01"


def test_missing_column_named_in_error(tmp_path, base_sheets, releases):
    s = {k: v.copy() for k, v in base_sheets.items()}
    s["SB_01"] = s["SB_01"].drop(columns=[2])  # Boats arrived
    with pytest.raises(SchemaError) as err:
        _parse(tmp_path, s)
    msg = str(err.value)
    assert "variant.ods" in msg and "SB_01" in msg and "boats" in msg


def test_missing_sheet_named_in_error(tmp_path, base_sheets):
    s = {k: v for k, v in base_sheets.items() if k != "SB_02"}
    with pytest.raises(SchemaError, match="SB_02"):
        _parse(tmp_path, s)


def test_text_in_numeric_cell(tmp_path, base_sheets):
    s = {k: v.copy() for k, v in base_sheets.items()}
    s["SB_01"].iloc[10, 1] = "about 40"
    date = pd.Timestamp(s["SB_01"].iloc[10, 0]).date().isoformat()
    with pytest.raises(DataError) as err:
        _parse(tmp_path, s)
    msg = str(err.value)
    assert "SB_01" in msg and "Migrants arrived" in msg and date in msg and "row 11" in msg


def test_dash_in_required_count_is_error(tmp_path, base_sheets):
    s = {k: v.copy() for k, v in base_sheets.items()}
    s["SB_01"].iloc[5, 2] = "-"
    with pytest.raises(DataError, match="not available"):
        _parse(tmp_path, s)


def test_negative_count(tmp_path, base_sheets):
    s = {k: v.copy() for k, v in base_sheets.items()}
    s["SB_01"].iloc[7, 1] = -3
    with pytest.raises(DataError, match="negative"):
        _parse(tmp_path, s)


def test_duplicated_date(tmp_path, base_sheets):
    s = {k: v.copy() for k, v in base_sheets.items()}
    s["SB_01"].iloc[8, 0] = s["SB_01"].iloc[7, 0]
    with pytest.raises(DataError, match="duplicated"):
        _parse(tmp_path, s)


def test_missing_date_in_daily(tmp_path, base_sheets):
    s = {k: v.copy() for k, v in base_sheets.items()}
    s["SB_01"] = s["SB_01"].drop(index=20).reset_index(drop=True)
    with pytest.raises(DataError, match="missing date"):
        _parse(tmp_path, s)


def test_out_of_order_dates_are_sorted_with_warning(tmp_path, base_sheets):
    s = {k: v.copy() for k, v in base_sheets.items()}
    body = s["SB_01"].iloc[1:].sample(frac=1.0, random_state=1)
    s["SB_01"] = pd.concat([s["SB_01"].iloc[:1], body], ignore_index=True)
    with pytest.warns(DataQualityWarning, match="out of order"):
        rel = _parse(tmp_path, s)
    assert rel.daily.index.is_monotonic_increasing


@pytest.mark.parametrize("content,match", [
    (b"", "empty"),
    (b"Date,Migrants arrived\n2024-01-01,3\n", "not an OpenDocument"),
])
def test_not_an_ods(tmp_path, content, match):
    p = tmp_path / "bad.ods"
    p.write_bytes(content)
    with pytest.raises(DataError, match=match):
        ho.read_release(p)


def test_truncated_file(tmp_path, releases):
    data = releases[-1].read_bytes()
    p = tmp_path / "truncated.ods"
    p.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError, match="truncated.ods"):
        ho.read_release(p)


# ----------------------------------------------------------------- value tests of the reader (issue 16)
# Read inside each test (not through the session fixtures), so that mutation testing sees which test
# exercises the reader.

LONG = ("Migrants detected crossing the English Channel in small boats, by day of arrival; the figures are "
        "provisional and may be revised")  # 124 characters


def _drifted(base_sheets):
    """14 real days of SB_01 (17-30 Dec 2024) and 6 real weeks of SB_02 (2018), re-laid out by hand."""
    daily = base_sheets["SB_01"].iloc[:15].copy()
    daily[5] = ["Source"] + ["HO"] * 14
    daily.iloc[9, 1], daily.iloc[10, 1] = "451", "407"  # 25 and 26 Dec typed as text
    daily.iloc[10, 4], daily.iloc[11, 4], daily.iloc[12, 4] = "Revised", "figures revised on 3 Jan", "provisional"
    blank = pd.DataFrame([[None] * 6])
    above = pd.DataFrame([["Table SB_01"] + [None] * 5, [LONG] + [None] * 5])
    total = pd.DataFrame([["Total", 1776 + 5, 38, 0, None, None]])  # the days sum to 1776 migrants, 38 boats
    notes = pd.DataFrame([[f"Note {k}: figures for this period are provisional"] + [None] * 5 for k in range(1, 7)])
    sb01 = pd.concat([above, daily.iloc[:6], blank, daily.iloc[6:], total, notes], ignore_index=True)
    weekly = base_sheets["SB_02"].iloc[:7].drop(columns=[3])  # no 'uncontrolled landings' column
    weekly.columns = range(weekly.shape[1])
    sb02 = pd.concat([pd.DataFrame([["Table SB_02: arrivals by week"] + [None] * 5]), weekly], ignore_index=True)
    return {"SB_01": sb01, "Weekly figures": sb02}


def test_drifted_release_report_and_tables_by_hand(tmp_path, base_sheets):
    path = write_ods(_drifted(base_sheets), tmp_path / "drifted.ods")
    with pytest.warns(DataQualityWarning, match=r"Migrants arrived 1,781 vs 1,776"):
        rel = ho.read_release(path)
    # sheet rows: 1-2 above the header (row 3), 4-8 days, 9 blank, 10-18 days, 19 total, 20-25 notes
    notes = "; ".join(f"Note {k}: figures for this period are provisional" for k in range(1, 7))
    expected = (
        f"sheet 'SB_01': header on row 3; 2 row(s) above it skipped ({('Table SB_01; ' + LONG)[:120]})",
        "sheet 'SB_01': column(s) ['Source'] not used",
        "sheet 'SB_01': 1 blank row(s) dropped",
        f"sheet 'SB_01': 6 note row(s) without a date or counts dropped (rows [20, 21, 22, 23, 24]: {notes[:120]})",
        "sheet 'SB_01', column 'Migrants arrived': 2 number(s) typed as text read as numbers",
        "sheet 'SB_01': total row 19 (Total) dropped; it disagrees with the sum of the rows: "
        "Migrants arrived 1,781 vs 1,776",
        "SB_02 table read from sheet 'Weekly figures'",
        "sheet 'Weekly figures': header on row 2; 1 row(s) above it skipped (Table SB_02: arrivals by week)",
    )
    assert rel.report == expected
    daily, weekly = rel.daily, rel.weekly
    assert daily.index.equals(pd.date_range("2024-12-17", "2024-12-30", freq="D", name="date"))
    assert daily.index.freqstr == "D" and weekly.index.name == "week_ending"
    assert list(daily.columns) == ["migrants", "boats", "uncontrolled_boats", "revised"]
    assert daily["migrants"].loc["2024-12-25":"2024-12-29"].tolist() == [451, 407, 305, 322, 291]
    assert daily["migrants"].dtype == np.int64 and daily["boats"].dtype == np.int64 and daily["boats"].sum() == 38
    assert daily["revised"].dtype == bool
    assert daily.index[daily["revised"]].tolist() == [pd.Timestamp("2024-12-26"), pd.Timestamp("2024-12-27")]
    assert list(weekly.columns) == ["migrants", "boats", "uncontrolled_boats", "migrants_prevented",
                                    "events_prevented", "revised"]
    assert list(weekly.index) == list(pd.date_range("2018-01-07", periods=6, freq="7D"))
    assert weekly["migrants"].tolist() == [0, 0, 0, 0, 7, 0] and weekly["boats"].tolist() == [0, 0, 0, 0, 1, 0]
    for c in ("uncontrolled_boats", "migrants_prevented", "events_prevented"):  # absent or '-': NaN, never 0
        assert weekly[c].dtype == np.float64 and weekly[c].isna().all()
    assert not weekly["revised"].any()
    assert daily.attrs == {"source": str(path), "sheet": "SB_01", "load_report": list(expected)}
    assert weekly.attrs == {"source": str(path), "sheet": "Weekly figures", "load_report": list(expected)}


def test_real_release_tables_attrs_and_explicit_paths(data_dir, releases):
    # the newest release read inside the test: no repair, labelled tables
    rel = ho.read_release(releases[-1])
    assert rel.report == () and rel.daily.attrs["sheet"] == "SB_01" and rel.weekly.attrs["sheet"] == "SB_02"
    assert rel.daily.attrs["source"] == rel.weekly.attrs["source"] == str(releases[-1])
    assert rel.daily.index.freqstr == "D" and rel.daily.index.name == "date"
    assert rel.weekly.index.name == "week_ending" and (rel.weekly.index.day_of_week == 6).all()
    assert list(rel.weekly.columns) == ["migrants", "boats", "uncontrolled_boats", "migrants_prevented",
                                        "events_prevented", "revised"]
    assert rel.weekly["uncontrolled_boats"].dtype == np.float64 and rel.weekly["revised"].any()
    assert rel.daily.loc["2025", "uncontrolled_boats"].notna().all()  # read from the sheet, not filled in
    # an explicit path wins over $CROSSINGCAST_DATA: the oldest release ends on 13 Nov 2025
    old = cc.load_counts(releases[0])
    assert old.index[-1] == pd.Timestamp("2025-11-13") and old.attrs["source"] == str(releases[0])
    assert cc.load_weekly(releases[0]).index[-1] == pd.Timestamp("2025-11-09")
    assert cc.load_counts(data_dir).index[-1] == pd.Timestamp("2026-04-30")


def test_reader_errors_name_the_row_and_date(tmp_path, base_sheets):
    def parse(sb01=None, sb02=None):
        s = {"SB_01": base_sheets["SB_01"].iloc[:15].copy() if sb01 is None else sb01,
             "SB_02": base_sheets["SB_02"].iloc[:7].copy() if sb02 is None else sb02}
        return ho.read_release(write_ods(s, tmp_path / "bad.ods"))

    where = repr(str(tmp_path / "bad.ods"))
    # a title row above the header: sheet rows are counted from the top of the sheet (2.5 on 19 Dec is row 5)
    d = pd.concat([pd.DataFrame([["Table SB_01"] + [None] * 4]), base_sheets["SB_01"].iloc[:15]], ignore_index=True)
    d.iloc[4, 2] = 2.5
    with pytest.raises(DataError) as err:
        parse(sb01=d)
    assert str(err.value) == (f"{where}, sheet 'SB_01', column 'Boats arrived', row 5 (date 2024-12-19): "
                              "non-integer count 2.5 (a count of people or boats is whole)")
    d = base_sheets["SB_01"].iloc[:15].copy()
    d.iloc[3, 1] = None
    with pytest.raises(DataError, match=r"column 'Migrants arrived', row 4 \(date 2024-12-19\): empty cell where"):
        parse(sb01=d)
    # six days missing: the first five are named
    with pytest.raises(DataError) as err:
        parse(sb01=base_sheets["SB_01"].iloc[:15].drop(index=[3, 4, 5, 6, 7, 8]))
    assert str(err.value) == (f"{where}, sheet 'SB_01': 6 missing date(s) in the daily series, e.g. "
                              "['2024-12-19', '2024-12-20', '2024-12-21', '2024-12-22', '2024-12-23']")
    # two adjacent days swapped: the first row out of order is named, then sorted
    d = base_sheets["SB_01"].iloc[:15].copy()
    d.iloc[[5, 6]] = d.iloc[[6, 5]].to_numpy()
    with pytest.warns(DataQualityWarning) as rec:
        rel = parse(sb01=d)
    msg = f"{where}, sheet 'SB_01': dates are out of order (row 7, 2024-12-21, follows 2024-12-22); sorted them"
    assert [str(w.message) for w in rec] == [msg] and rel.report == (msg,)
    assert rel.daily.index.is_monotonic_increasing
    # eleven dates given twice: the first ten are named
    d = base_sheets["SB_01"].iloc[:27].copy()
    d.iloc[14:25, 0] = d.iloc[1:12, 0].to_numpy()
    with pytest.raises(DataError) as err:
        parse(sb01=d)
    days = [f"2024-12-{k}" for k in range(17, 27)]
    assert str(err.value) == f"{where}, sheet 'SB_01', column 'Date': duplicated date(s) {days}"
    # weeks must end on Sundays: the first of two Saturdays is named
    w = base_sheets["SB_02"].iloc[:7].copy()
    w.iloc[2, 0], w.iloc[4, 0] = pd.Timestamp("2018-01-13"), pd.Timestamp("2018-01-27")
    with pytest.raises(DataError) as err:
        parse(sb02=w)
    assert str(err.value) == (f"{where}, sheet 'SB_02': week ending 2018-01-13 is not a Sunday (2 such row(s)); "
                              "SB_02 weeks end on Sundays")
    # a header and nothing below it
    with pytest.raises(DataError) as err:
        parse(sb02=base_sheets["SB_02"].iloc[:1].copy())
    assert str(err.value) == f"{where}, sheet 'SB_02': no data rows below the header (row 1)"


def test_to_numeric_default_rows_and_index():
    # without ``rows`` the sheet rows are the consecutive rows below the header (header on row 3 -> rows 4, 5, 6)
    values = pd.Series([3, "4", "x"], index=[10, 11, 12])
    dates = pd.Series(pd.date_range("2024-07-01", periods=3))
    with pytest.raises(DataError, match=r"^'f.ods', sheet 'S', column 'C', row 6 \(date 2024-07-03\): "):
        ho._to_numeric(values, Path("f.ods"), "S", "C", 2, dates, allow_missing=False)
    report = []
    out = ho._to_numeric(values.iloc[:2], Path("f.ods"), "S", "C", 2, dates, allow_missing=False, report=report)
    assert out.index.equals(values.index[:2]) and out.tolist() == [3.0, 4.0] and out.dtype == np.float64
    assert report == ["sheet 'S', column 'C': 1 number(s) typed as text read as numbers"]
    # a missing value allowed: NaN (not None), and no report line when nothing was text
    report = []
    out = ho._to_numeric(pd.Series([5, "-"]), Path("f.ods"), "S", "C", 2, dates, allow_missing=True, report=report)
    assert out.dtype == np.float64 and out.iloc[0] == 5.0 and np.isnan(out.iloc[1]) and report == []


def test_reader_optional_columns_notes_and_plausibility_per_table(tmp_path, base_sheets):
    # SB_01 without the 'uncontrolled landings' and 'Notes' columns, one blank row above the header (no text to
    # quote); SB_02 with a one-letter remark in its Notes column, on a data row and on a row of its own
    daily = base_sheets["SB_01"].iloc[:15, [0, 1, 2]].copy()
    daily.iloc[9, 1], daily.iloc[9, 2] = 200, 1  # 25 Dec: 200 people in one boat
    daily = pd.concat([pd.DataFrame([[None] * 3]), daily], ignore_index=True)
    weekly = base_sheets["SB_02"].iloc[:7].copy()
    weekly.iloc[5, 1] = 4000  # week ending 4 Feb 2018 above the weekly record of 3,564
    weekly.iloc[2, 6] = "r"  # a one-letter remark in the Notes column of a data row
    weekly = pd.concat([weekly, pd.DataFrame([[None] * 6 + ["r"]])], ignore_index=True)  # ... and on its own
    path = write_ods({"SB_01": daily, "SB_02": weekly}, tmp_path / "plausible.ods")
    where = repr(str(path))
    per_boat = (f"{where}, sheet 'SB_01': 200 migrants in 1 boat(s) on 2024-12-25 (200 per boat, more than twice "
                "the record of 89); 1 such day(s); check the release")
    record = (f"{where}, sheet 'SB_02', column 'migrants': 1 value(s) above the series' record of 3,564 (week "
              "ending 2022-08-28): week ending 2018-02-04: 4,000; check the release")
    with pytest.warns(DataQualityWarning) as rec:
        rel = ho.read_release(path)
    assert [str(w.message) for w in rec] == [per_boat, record]
    assert rel.report == ("sheet 'SB_01': header on row 2; 1 row(s) above it skipped", per_boat,
                          "sheet 'SB_02': 1 note row(s) without a date or counts dropped (rows [8]: r)", record)
    d = rel.daily
    assert list(d.columns) == ["migrants", "boats", "uncontrolled_boats", "revised"]
    assert d["uncontrolled_boats"].dtype == np.float64 and d["uncontrolled_boats"].isna().all()
    assert d["revised"].dtype == bool and not d["revised"].any()
    assert len(rel.weekly) == 6 and not rel.weekly["revised"].any()


def test_reader_row_numbers_dates_and_total_row_warning(tmp_path, base_sheets):
    def parse(sb01):
        return ho.read_release(write_ods({"SB_01": sb01, "SB_02": base_sheets["SB_02"].iloc[:7]},
                                         tmp_path / "rows.ods"))

    base = base_sheets["SB_01"].iloc[:15]
    # a blank row inside the table: the rows below it keep their sheet numbers (19 Dec is row 4, 23 Dec row 9)
    d = pd.concat([base.iloc[:5], pd.DataFrame([[None] * 5]), base.iloc[5:]], ignore_index=True)
    d.iloc[8, 1] = "about 40"
    with pytest.raises(DataError, match=r"column 'Migrants arrived', row 9 \(date 2024-12-23\)"):
        parse(d)
    # counts without a date are an error (not a note row), and so is a date that is not one
    d = base.copy()
    d.iloc[4, 0] = None
    with pytest.raises(DataError, match=r"sheet 'SB_01', column 'Date'"):
        parse(d)
    d.iloc[4, 0] = "soon"
    with pytest.raises(DataError, match=r"sheet 'SB_01', column 'Date', .*row 5"):
        parse(d)
    # a wrong total row: the warning names the file
    total = pd.DataFrame([["Total", 1776 + 5, 38, 0, None]])
    with pytest.warns(DataQualityWarning, match=r"^" + re.escape(repr(str(tmp_path / "rows.ods"))) + ", sheet 'SB_01': "
                      r"total row 16 \(Total\) dropped"):
        parse(pd.concat([base, total], ignore_index=True))
