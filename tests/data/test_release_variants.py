"""Reliability catalogue for Home Office releases: variants GENERATED from a real release.

Each test writes one variant of the newest real release (``tests/data/variants.py``) into
``tmp_path`` and reads it.  Layout changes must load with the series and the official yearly
totals unchanged; unreadable or implausible inputs must be refused (or warned about) with the
file, sheet, row/column and date named.  Every test here is a row of docs/reliability.md.
"""

from __future__ import annotations

import re

import warnings

import pandas as pd
import pytest

from crossingcast.data import homeoffice as ho
from crossingcast.errors import DataError, DataQualityWarning, SchemaError
from tests.data import variants as V

# Official yearly totals of the years the variants keep (SB_01, newest release; 2023 and 2025 are
# published totals: 29,437 / 602 and 41,472 — see tests/data/test_release_contract.py).
OFFICIAL = {2023: (29_437, 602), 2024: (36_816, 695), 2025: (41_472, 672)}


@pytest.fixture(scope="session")
def newest(releases):
    return releases[-1]


@pytest.fixture(scope="session")
def base_cells(newest):
    return V.raw_release(newest)


@pytest.fixture(scope="session")
def stamp(newest):
    """Variants keep the real release's date in their name (the release-date check needs it)."""
    return newest.stem.rsplit("_", 1)[-1]


@pytest.fixture(scope="session")
def base(base_cells, stamp, tmp_path_factory):
    path = V.write_ods(base_cells, tmp_path_factory.mktemp("base") / f"base_{stamp}.ods")
    rel = ho.read_release(path)
    assert rel.report == ()  # the unaltered cells need no repair
    return rel


def _write(tmp_path, cells, name, stamp):
    return V.write_ods(cells, tmp_path / f"{name}_{stamp}.ods")


def _assert_unchanged(rel, base):
    pd.testing.assert_frame_equal(rel.daily, base.daily)
    pd.testing.assert_frame_equal(rel.weekly, base.weekly)
    years = rel.daily.groupby(rel.daily.index.year)[["migrants", "boats"]].sum()
    for year, (migrants, boats) in OFFICIAL.items():
        assert (years.loc[year, "migrants"], years.loc[year, "boats"]) == (migrants, boats)


# --------------------------------------------------------------------------- layout changes: read, reported
EXPECTED_REPORT = {
    "title_rows": "header on row 4; 3 row(s) above it skipped (Table SB_01",
    "offset_right_and_down": "header on row 4; 3 row(s) above it skipped",
    "footnotes_below": "2 note row(s) without a date or counts dropped",
    "blank_rows_inside": "blank row(s) dropped",
    "columns_reordered_and_added": "column(s) ['Analyst comment', '7-day average'] not used",
    "extra_sheets": None,  # found by name among the extra sheets: nothing changed form
    "sheet_renamed": "SB_01 table read from sheet 'Daily arrivals'",
    "numbers_as_text": "number(s) typed as text read as numbers",
    "thousands_separators": "number(s) typed as text read as numbers",
    "dates_as_iso_text": "date(s) typed as text read (year-month-day",
    "dates_as_dmy_text": "date(s) typed as text read day-first (DD/MM/YYYY)",
    "dates_as_named_month": "date(s) typed as text read (year-month-day or named month)",
    "dates_as_us_text": "date(s) typed as text read month-first (MM/DD/YYYY)",
    "total_row": "total row",
}


@pytest.mark.parametrize("variant", sorted(EXPECTED_REPORT))
def test_layout_change_loads_unchanged(variant, base_cells, base, stamp, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataQualityWarning)  # these repairs are reported, not warned
        rel = ho.read_release(_write(tmp_path, V.LAYOUTS[variant](base_cells), variant, stamp))
    _assert_unchanged(rel, base)
    expected = EXPECTED_REPORT[variant]
    if expected is None:
        assert rel.report == ()
    else:
        assert any(expected in line for line in rel.report), rel.report
        assert rel.daily.attrs["load_report"] == list(rel.report)


def test_thousands_separator_text_values(base_cells, base, stamp, tmp_path):
    cells = V.thousands_separators(base_cells)
    weekly = cells["SB_02"].iloc[1:, 1]
    assert any("," not in v and "\u00a0" in v for v in weekly)  # "1 234" with a no-break space
    big = [v for v in cells["SB_01"].iloc[1:, 1] if "," in v]
    assert big  # daily values >= 1,000 really are written "1,234"
    rel = ho.read_release(_write(tmp_path, cells, "thousands", stamp))
    _assert_unchanged(rel, base)


def test_rows_out_of_order_sorted_with_warning(base_cells, base, stamp, tmp_path):
    path = _write(tmp_path, V.rows_shuffled(base_cells), "shuffled", stamp)
    with pytest.warns(DataQualityWarning) as caught:
        rel = ho.read_release(path)
    # both sheets were shuffled: each says so, naming the file, the sheet, the row and the date
    for sheet in ("SB_01", "SB_02"):
        assert any(re.search(rf"shuffled.*{sheet}.*out of order \(row \d+, \d{{4}}-\d\d-\d\d", str(w.message))
                   for w in caught), [str(w.message) for w in caught]
    _assert_unchanged(rel, base)
    assert any("sorted them" in line for line in rel.report)


# --------------------------------------------------------------------------- refused: unreadable
def test_sheet_without_header_row(base_cells, stamp, tmp_path):
    path = _write(tmp_path, V.header_removed(base_cells), "noheader", stamp)
    with pytest.raises(SchemaError, match=r"noheader.*sheet 'SB_01': no header row.*row 1 reads \['2023-01-01"):
        ho.read_release(path)


def test_two_columns_with_one_meaning(base_cells, stamp, tmp_path):
    path = _write(tmp_path, V.duplicated_column(base_cells), "dupcol", stamp)
    with pytest.raises(SchemaError, match=r"dupcol.*SB_01.*header row 1: more than one column matches \['migrants'\]"):
        ho.read_release(path)


def test_xlsx_named_ods(base_cells, stamp, tmp_path):
    path = V.write_xlsx(base_cells["SB_01"], tmp_path / f"excel_{stamp}.ods")
    with pytest.raises(DataError, match=r"excel_.*\.ods'?: an Excel \(\.xlsx\) workbook named \.ods"):
        ho.read_release(path)


def test_corrupt_member_in_real_release(newest, tmp_path):
    path = tmp_path / "corrupt.ods"
    path.write_bytes(V.corrupt_member(newest))
    with pytest.raises(DataError, match=r"corrupt\.ods.*(corrupt|truncated)"):
        ho.read_release(path)


def test_real_release_truncated_by_a_third(newest, tmp_path):
    path = tmp_path / "cut.ods"
    path.write_bytes(V.truncated(newest.read_bytes()))
    with pytest.raises(DataError, match=r"cut\.ods.*truncated or corrupt"):
        ho.read_release(path)


def test_text_document_named_ods(newest, tmp_path):
    path = V.odt_named_ods(newest, tmp_path / "letter.ods")
    with pytest.raises(DataError, match=r"letter\.ods.*opendocument\.text.*not a spreadsheet"):
        ho.read_release(path)


def test_ambiguous_dates_refused(base_cells, stamp, tmp_path):
    path = _write(tmp_path, V.only_ambiguous_dates(base_cells), "ambiguous", stamp)
    with pytest.raises(DataError, match=r"ambiguous.*SB_01.*column 'Date', row 2: date 01/04/2026 is ambiguous "
                                        r"\(2026-04-01 or 2026-01-04\)"):
        ho.read_release(path)


def test_mixed_day_and_month_first_dates_refused(base_cells, stamp, tmp_path):
    path = _write(tmp_path, V.mixed_date_orders(base_cells), "mixed", stamp)
    with pytest.raises(DataError, match=r"mixed.*SB_01.*column 'Date', rows \d+ and \d+: the column mixes day-first"):
        ho.read_release(path)


@pytest.mark.parametrize("text,why", [
    ("10th of Aug", "is not a date in a recognised format"),
    ("31/02/2023", "is not a calendar date"),
])
def test_unreadable_date_text(text, why, base_cells, stamp, tmp_path):
    path = _write(tmp_path, V.set_cell(base_cells, "SB_01", "2023-08-10", 0, text), "baddate", stamp)
    with pytest.raises(DataError, match=rf"baddate.*SB_01.*column 'Date', row \d+: '{text}' {why}"):
        ho.read_release(path)


@pytest.mark.parametrize("text,why", [
    ("1,5", "ambiguous: a decimal comma"),
    ("1.234", "ambiguous: a decimal point or a thousands separator"),
    ("c. 40", "is not a number"),
])
def test_text_that_is_not_one_number(text, why, base_cells, stamp, tmp_path):
    path = _write(tmp_path, V.set_cell(base_cells, "SB_01", "2023-08-10", 1, text), "badnum", stamp)
    with pytest.raises(DataError, match=rf"badnum.*SB_01.*'Migrants arrived', row \d+ \(date 2023-08-10\).*{why}"):
        ho.read_release(path)


# --------------------------------------------------------------------------- refused or warned: implausible
def test_huge_daily_value_refused(base_cells, stamp, tmp_path):
    # one extra digit typed on the real 2023-08-10 count (681 -> 6810)
    real = int(base_cells["SB_01"].iat[V._row_of(base_cells["SB_01"], "2023-08-10"), 1])
    assert real * 10 > 3 * 1305
    path = _write(tmp_path, V.set_cell(base_cells, "SB_01", "2023-08-10", 1, real * 10), "huge", stamp)
    with pytest.raises(DataError, match=rf"huge.*SB_01.*'migrants': implausible count on date 2023-08-10: "
                                        rf"{real * 10:,}.*3x the series' record of 1,305"):
        ho.read_release(path)


def test_huge_weekly_value_refused(base_cells, stamp, tmp_path):
    path = _write(tmp_path, V.set_cell(base_cells, "SB_02", "2023-08-13", 1, 20_000), "wk", stamp)
    with pytest.raises(DataError, match=r"wk.*SB_02.*implausible count on week ending 2023-08-13: 20,000"):
        ho.read_release(path)


def test_above_record_loads_with_warning(base_cells, stamp, tmp_path):
    path = _write(tmp_path, V.set_cell(base_cells, "SB_01", "2023-08-10", 1, 2_000), "record", stamp)
    with pytest.warns(DataQualityWarning, match=r"record.*SB_01.*above the series' record of 1,305.*2023-08-10: 2,000"):
        rel = ho.read_release(path)
    assert rel.daily.loc["2023-08-10", "migrants"] == 2_000
    assert any("above the series' record" in line for line in rel.report)


def test_fractional_count_refused(base_cells, stamp, tmp_path):
    path = _write(tmp_path, V.set_cell(base_cells, "SB_01", "2023-08-10", 2, 12.5), "frac", stamp)
    with pytest.raises(DataError, match=r"frac.*'Boats arrived', row \d+ \(date 2023-08-10\): non-integer count 12.5"):
        ho.read_release(path)


def test_swapped_columns_boats_exceed_people(base_cells, stamp, tmp_path):
    path = _write(tmp_path, V.columns_swapped(base_cells), "swapped", stamp)
    with pytest.raises(DataError, match=r"swapped.*SB_01.*more boats than migrants on \d+ date\(s\), e.g. date "
                                        r"\d{4}-\d\d-\d\d: \d+ boats, \d+ migrants"):
        ho.read_release(path)


def test_uncontrolled_landings_exceed_boats(base_cells, stamp, tmp_path):
    path = _write(tmp_path, V.set_cell(base_cells, "SB_01", "2023-08-10", 3, 99), "unc", stamp)
    with pytest.raises(DataError, match=r"unc.*SB_01.*uncontrolled landings \(99\) than boats .* 2023-08-10"):
        ho.read_release(path)


def test_many_people_per_boat_warned(base_cells, stamp, tmp_path):
    cells = V.set_cell(V.set_cell(base_cells, "SB_01", "2023-08-10", 1, 900), "SB_01", "2023-08-10", 2, 2)
    path = _write(tmp_path, cells, "perboat", stamp)
    with pytest.warns(DataQualityWarning, match=r"perboat.*900 migrants in 2 boat\(s\) on 2023-08-10"):
        ho.read_release(path)


def test_date_after_release_date_refused(base_cells, base, stamp, tmp_path):
    path = _write(tmp_path, V.row_after_release(base_cells, base.end, days=2), "late", stamp)
    late = (base.end + pd.Timedelta(days=2)).date()
    with pytest.raises(DataError, match=rf"late.*SB_01.*date {late} is after the release date {stamp}"):
        ho.read_release(path)


def test_week_not_ending_on_sunday_refused(base_cells, stamp, tmp_path):
    cells = V.set_cell(base_cells, "SB_02", "2023-08-13", 0, pd.Timestamp("2023-08-12"))
    path = _write(tmp_path, cells, "saturday", stamp)
    with pytest.raises(DataError, match=r"saturday.*SB_02.*week ending 2023-08-12 is not a Sunday"):
        ho.read_release(path)


def test_total_row_disagreeing_is_warned(base_cells, base, stamp, tmp_path):
    path = _write(tmp_path, V.total_row(base_cells, wrong=5), "total", stamp)
    with pytest.warns(DataQualityWarning, match=r"total.*total row \d+ \(Total\) dropped; it disagrees.*Migrants arrived"):
        rel = ho.read_release(path)
    _assert_unchanged(rel, base)
