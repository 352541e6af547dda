"""Baselines' level uncertainty per horizon band (issue 15): pooled calibration origins, non-decreasing, floored."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crossingcast.errors import ModelError
from crossingcast.frame import future_frame
from crossingcast.models.baselines import Climatology, SeasonalNaive
from crossingcast.models.distributions import LEVEL_HORIZONS, level_sd_at, level_sd_floor


@pytest.fixture(scope="module")
def hist(frame):
    h = frame.loc[:"2024-09-30"].copy()
    h.attrs = {}
    return h


@pytest.mark.parametrize("model", [SeasonalNaive(n_paths=200), SeasonalNaive(season="week", n_paths=200),
                                   Climatology(n_paths=200)], ids=["naive_year", "naive_week", "clim"])
def test_bands_are_monotone_floored_and_used_per_horizon(model, hist):
    m = model.fit(hist)
    cal = m.calibration_
    table = cal["level_sd_by_horizon"]
    assert tuple(table) == LEVEL_HORIZONS
    sd = np.array(list(table.values()))
    raw = np.array(list(cal["raw_level_sd_by_horizon"].values()))
    floor = np.array([cal["floor"]["floor"][H] for H in LEVEL_HORIZONS])
    assert np.all(np.diff(sd) >= 0) and np.all(sd >= floor) and np.all(sd >= raw) and np.all(floor > 0)
    # the rule, exactly: each band is the running maximum of max(raw, floor)
    np.testing.assert_allclose(sd, np.maximum.accumulate(np.maximum(raw, floor)))
    # two years of origins every 14 days, each forecasting up to a year
    assert cal["n_origins"] == 730 // 14 + 1 and cal["origin_step_days"] == 14
    assert 0 < cal["persistence"] < 0.9 and cal["level_sd"] == table[366]
    # a forecast a year ahead uses each day's band; one starting at day 200 only the last band
    fc = m.predict(future_frame(hist, "2024-10-01", "2025-09-30"))
    assert fc.info["level_sd"] == [pytest.approx(table[7]), pytest.approx(table[366])]
    late = m.predict(future_frame(hist, "2025-04-18", "2025-05-31"))  # horizons 200..243
    assert late.info["level_sd"] == [pytest.approx(table[366])] * 2
    # the totals stay sums of the predictive means
    tot = fc.paths.sum(axis=1)
    assert abs(tot.mean() - fc.mean.sum()) < 4 * tot.std() / np.sqrt(len(tot))


def test_weekly_naive_is_honest_about_long_horizons(hist):
    """Repeating the last week for a year: the calibration says how bad it is.  Measured at this origin:
    level_sd 0.04 at a week (the floor), 0.67 at 182-366 days (raw 0.67 / 0.52)."""
    cal = SeasonalNaive(season="week", n_paths=100).fit(hist).calibration_["level_sd_by_horizon"]
    assert cal[366] > 0.4 and cal[366] > 5 * cal[7]


def test_floor_binds_where_the_origins_show_no_level_error():
    """A stationary series (fixed season, iid noise): the naive's raw band values are ~0 and the floor, growing
    like sqrt(H), keeps the intervals from collapsing (issue 15's GBM collapse to level_sd 0)."""
    rng = np.random.default_rng(0)
    idx = pd.date_range("2019-01-01", periods=5 * 365, freq="D", name="date")
    season = 1 + 0.8 * np.cos(2 * np.pi * (idx.day_of_year.to_numpy() - 220) / 365.25)
    y = (rng.random(len(idx)) < 0.5) * (1 + rng.poisson(rng.gamma(2.0, 40 * season)))
    fr = pd.DataFrame({"migrants": y.astype(float)}, index=idx)
    cal = SeasonalNaive(n_paths=50).fit(fr).calibration_
    raw = np.array(list(cal["raw_level_sd_by_horizon"].values()))
    assert raw[:4].max() < 0.05  # measured 0 in every band up to 63 days
    fl = level_sd_floor(fr["migrants"], LEVEL_HORIZONS)["floor"]
    np.testing.assert_allclose(list(cal["level_sd_by_horizon"].values())[:4], [fl[H] for H in LEVEL_HORIZONS[:4]])
    assert fl[7] < fl[63] < fl[366]


def test_level_sd_at_and_persistence_errors():
    table = {7: 0.1, 14: 0.2, 366: 0.5}
    np.testing.assert_allclose(level_sd_at(table, [1, 7, 8, 14, 15, 366, 400]), [0.1, 0.1, 0.2, 0.2, 0.5, 0.5, 0.5])
    idx = pd.date_range("2019-01-01", periods=800, freq="D", name="date")
    fr = pd.DataFrame({"migrants": np.ones(len(idx))}, index=idx)
    for bad in (1.0, -0.1, "lag1"):
        with pytest.raises(ModelError, match="persistence"):
            SeasonalNaive(persistence=bad).fit(fr)
