"""Property-based: any mix of layout changes to a real release loads the same series and totals.

Hypothesis permutes the layout of the newest real release (title rows above, blank columns to the
left, column order of SB_01 and SB_02, footnotes below, counts and dates typed as text in every
readable form); the loaded daily and weekly tables and the official yearly totals must be unchanged.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from crossingcast.data import homeoffice as ho
from tests.data import variants as V

OFFICIAL = {2023: (29_437, 602), 2024: (36_816, 695), 2025: (41_472, 672)}


@pytest.fixture(scope="module")
def real(releases, tmp_path_factory):
    cells = V.raw_release(releases[-1])
    stamp = releases[-1].stem.rsplit("_", 1)[-1]
    base = ho.read_release(V.write_ods(cells, tmp_path_factory.mktemp("prop") / f"base_{stamp}.ods"))
    return cells, stamp, base, tmp_path_factory.mktemp("examples")


layouts = st.fixed_dictionaries({
    "row_offset": st.integers(0, 6),
    "col_offset": st.integers(0, 3),
    "order01": st.permutations(range(5)),
    "order02": st.permutations(range(7)),
    "notes": st.integers(0, 3),
    "numbers_as": st.sampled_from(["number", "text", "thousands"]),
    "dates_as": st.sampled_from(["date", "iso", "dmy", "named", "us"]),
})


@settings(max_examples=15, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(layout=layouts)
def test_layout_permutations_keep_series_and_totals(real, layout):
    cells, stamp, base, folder = real
    variant = V.relayout(cells, row_offset=layout["row_offset"], col_offset=layout["col_offset"],
                         orders={"SB_01": layout["order01"], "SB_02": layout["order02"]},
                         notes=layout["notes"], numbers_as=layout["numbers_as"], dates_as=layout["dates_as"])
    rel = ho.read_release(V.write_ods(variant, folder / f"example_{stamp}.ods"))
    pd.testing.assert_frame_equal(rel.daily, base.daily)
    pd.testing.assert_frame_equal(rel.weekly, base.weekly)
    years = rel.daily.groupby(rel.daily.index.year)[["migrants", "boats"]].sum()
    for year, totals in OFFICIAL.items():
        assert (years.loc[year, "migrants"], years.loc[year, "boats"]) == totals
    if layout["row_offset"] or layout["numbers_as"] != "number" or layout["dates_as"] != "date" or layout["notes"]:
        assert rel.report  # every change of form is in the load report
