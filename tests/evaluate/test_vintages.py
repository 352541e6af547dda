"""Backtests on the release available at each origin (crossingcast.evaluate.vintages; issue 15)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crossingcast.errors import DataError
from crossingcast.evaluate import rolling_origin_backtest
from crossingcast.evaluate.vintages import frame_as_of, release_for
from crossingcast.simulate import simulate_channel


@pytest.fixture(scope="module")
def sim():
    return simulate_channel("2020-01-01", "2023-10-31", seed=5)


def _releases(sim):
    """Three fake releases: the first two carry provisional counts 20% low, later revised up."""
    counts = sim[["migrants", "boats"]].copy()
    low = counts.copy()
    low["migrants"] = np.floor(low["migrants"] * 0.8).astype(counts["migrants"].dtype)
    return {"r1.ods": low.loc[:"2023-06-20"], "r2.ods": low.loc[:"2023-07-20"], "r3.ods": counts.loc[:"2023-10-31"]}


def test_release_for_rule(sim):
    v = _releases(sim)
    c = release_for("2023-06-18", v)
    assert (c.name, c.lag_days, c.exact) == ("r1.ods", 2, True)
    c = release_for("2023-06-25", v)
    assert c.name == "r2.ods" and c.lag_days == 25 and not c.exact and "25 days later" in c.note
    # origins before the oldest release's coverage use the oldest and say so
    c = release_for("2022-07-03", v)
    assert c.name == "r1.ods" and not c.exact and "oldest release" in c.note
    with pytest.raises(DataError, match="no release reaches the origin 2023-11-05"):
        release_for("2023-11-05", v)
    with pytest.raises(DataError, match="no Home Office release"):
        release_for("2023-06-18", {})


def test_frame_as_of_replaces_counts_only(sim):
    v = _releases(sim)
    hist, choice = frame_as_of("2023-06-18", v, sim)
    assert choice.name == "r1.ods" and hist.index[-1] == pd.Timestamp("2023-06-18")
    np.testing.assert_array_equal(hist["migrants"], v["r1.ods"].loc[:"2023-06-18", "migrants"])
    others = [c for c in sim.columns if c not in ("migrants",)]
    pd.testing.assert_frame_equal(hist[others], sim.loc[:"2023-06-18", others])
    assert hist.attrs["vintage"] == "r1.ods"


def test_backtest_as_of_fits_on_the_release_of_the_origin(sim):
    v = _releases(sim)
    origins = ["2023-06-18", "2023-07-16", "2023-08-13"]
    kw = dict(origins=origins, horizon=14, progress=False, random_state=0)
    latest = rolling_origin_backtest(sim, ["climatology"], **kw)
    asof = rolling_origin_backtest(sim, ["climatology"], vintage="as_of", vintages=v, **kw)
    po = asof.per_origin
    assert po["vintage"].tolist() == ["r1.ods", "r2.ods", "r3.ods"]
    assert po["vintage_lag_days"].tolist() == [2, 4, 79]
    assert latest.per_origin["vintage"].eq("latest").all() and asof.settings["vintage"] == "as_of"
    # actuals are the same (latest figures); the provisional (low) counts lower the first two forecasts
    np.testing.assert_array_equal(latest.forecasts["actual"], asof.forecasts["actual"])
    tl = latest.per_origin.set_index("origin")["total_mean"]
    ta = asof.per_origin.set_index("origin")["total_mean"]
    assert (ta.iloc[:2] < tl.iloc[:2]).all() and ta.iloc[2] == pytest.approx(tl.iloc[2])
    with pytest.raises(ValueError, match="vintage"):
        rolling_origin_backtest(sim, ["climatology"], vintage="first", **kw)


def test_leaderboard_has_pit_and_total_coverage(sim):
    res = rolling_origin_backtest(sim, ["climatology"], origins=["2023-06-18", "2023-07-16"], horizon=14,
                                  progress=False, random_state=0)
    f = res.forecasts
    assert f["pit"].between(0, 1).all()
    board = res.leaderboard().iloc[0]
    from crossingcast.evaluate import metrics as M

    assert board["pit_ks"] == pytest.approx(M.pit_ks(f["pit"].to_numpy()))
    assert board["pit_below10"] == pytest.approx(np.mean(f["pit"] < 0.1))
    po = res.per_origin
    assert board["total_coverage80"] == pytest.approx(np.mean((po["total_actual"] >= po["total_p10"])
                                                              & (po["total_actual"] <= po["total_p90"])))
    # same seed, same PIT
    again = rolling_origin_backtest(sim, ["climatology"], origins=["2023-06-18", "2023-07-16"], horizon=14,
                                    progress=False, random_state=0)
    np.testing.assert_array_equal(again.forecasts["pit"], f["pit"])
