"""The official Home Office ODS releases: parsing by meaning, vintages, revisions."""

from __future__ import annotations

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
