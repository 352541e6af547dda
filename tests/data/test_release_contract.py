"""Data contract: each real release in ../shared/data loads with its documented shape and totals.

Expected values were measured once from the files (crossingcast.data.homeoffice.read_release, 2026-12-02)
and, where a published figure exists, checked against it (/work/shared/DOMAIN.md):

* 2023: 29,437 migrants (BBC Verify, Feb 2024; also issue 13) and 602 boats (issue 13) — match;
* 2025: 41,472 migrants, the outturn quoted in DOMAIN.md — matches (releases 2025-12-31, 2026-05-01);
* 2022: the published 45,774 (BBC Verify) is 19 more than the series' 45,755 in all three releases:
  the daily figures are provisional and revised, also downwards (DOMAIN.md, "How the official daily
  series is made"), so the series value is pinned and the difference is asserted to stay that small;
* January-April arrivals 6,691 / 5,946 / 7,567 / 11,074 for 2022-2025 (Home Office, "Small boat
  arrivals and the impact of crossing conditions", 3 June 2025) and 12,699 by 15 May 2025 — match.

Other values (first/last dates, row counts, other yearly totals) are measured, not published.
"""

from __future__ import annotations

import pandas as pd
import pytest

from crossingcast.data import homeoffice as ho

YEARS_MIGRANTS_TO_2024 = {2018: 299, 2019: 1_843, 2020: 8_462, 2021: 28_526, 2022: 45_755, 2023: 29_437,
                          2024: 36_816}
YEARS_BOATS_TO_2024 = {2018: 43, 2019: 164, 2020: 641, 2021: 1_034, 2022: 1_110, 2023: 602, 2024: 695}

CONTRACT = {
    "small_boats_time_series_2025-11-14.ods": dict(
        first="2018-01-01", last="2025-11-13", rows=2_874, weeks=410, last_week="2025-11-09",
        migrants={**YEARS_MIGRANTS_TO_2024, 2025: 39_075}, boats={**YEARS_BOATS_TO_2024, 2025: 633}),
    "small_boats_time_series_2025-12-31.ods": dict(
        first="2018-01-01", last="2025-12-28", rows=2_919, weeks=416, last_week="2025-12-21",
        migrants={**YEARS_MIGRANTS_TO_2024, 2025: 41_472}, boats={**YEARS_BOATS_TO_2024, 2025: 672}),
    "small_boats_time_series_2026-05-01.ods": dict(
        first="2018-01-01", last="2026-04-30", rows=3_042, weeks=434, last_week="2026-04-26",
        migrants={**YEARS_MIGRANTS_TO_2024, 2025: 41_472, 2026: 6_416},
        boats={**YEARS_BOATS_TO_2024, 2025: 672, 2026: 100}),
}
JAN_APR = {2022: 6_691, 2023: 5_946, 2024: 7_567, 2025: 11_074}  # published (Home Office, 3 June 2025)


@pytest.fixture(scope="module")
def loaded(data_dir):
    return {name: ho.read_release(data_dir / "homeoffice" / name) for name in CONTRACT}


def test_every_release_in_the_data_has_a_contract(releases):
    assert sorted(p.name for p in releases) == sorted(CONTRACT)


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_release_contract(name, loaded):
    c, rel = CONTRACT[name], loaded[name]
    daily, weekly = rel.daily, rel.weekly
    assert daily.index[0] == pd.Timestamp(c["first"]) and daily.index[-1] == pd.Timestamp(c["last"])
    assert len(daily) == c["rows"] == (daily.index[-1] - daily.index[0]).days + 1
    assert len(weekly) == c["weeks"] and weekly.index[-1] == pd.Timestamp(c["last_week"])
    years = daily.groupby(daily.index.year)[["migrants", "boats"]].sum()
    assert years["migrants"].to_dict() == c["migrants"]
    assert years["boats"].to_dict() == c["boats"]
    assert rel.report == ()  # the published files need no repair
    assert {y: int(daily.loc[f"{y}-01-01":f"{y}-04-30", "migrants"].sum()) for y in JAN_APR} == JAN_APR
    assert daily.loc["2025-01-01":"2025-05-15", "migrants"].sum() == 12_699
    assert abs(45_774 - years.loc[2022, "migrants"]) <= 25  # published 2022 total vs provisional series


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_release_weekly_matches_daily(name, loaded):
    """SB_02 weekly arrivals equal the SB_01 days of each complete week, except revised weeks."""
    daily, weekly = loaded[name].daily, loaded[name].weekly
    sums = daily["migrants"].resample("W-SUN").sum()
    common = weekly.index.intersection(sums.index)  # every SB_02 week is complete in SB_01 (2018-01-01 is a Monday)
    differ = weekly.loc[common, "migrants"].to_numpy() != sums.loc[common].to_numpy()
    assert differ.sum() <= 0.02 * len(common)


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_plausibility_records_are_the_series_records(name, loaded):
    """The thresholds of crossingcast.data.plausibility are the real records of every release."""
    from crossingcast.data.plausibility import RECORD_PER_BOAT, RECORDS

    tables = {"daily": loaded[name].daily, "weekly": loaded[name].weekly}
    for (kind, col), (record, when) in RECORDS.items():
        values = tables[kind][col]
        assert values.max() == record
        assert values.idxmax().date().isoformat() in when
    daily = tables["daily"]
    ratio = daily["migrants"] / daily["boats"].where(daily["boats"] > 0)
    assert round(ratio.max()) == RECORD_PER_BOAT
