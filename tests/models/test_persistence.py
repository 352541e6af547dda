"""Level-adjusted persistence and the horizon-calibrated baselines."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crossingcast.errors import ModelError
from crossingcast.frame import future_frame
from crossingcast.models import make_forecaster
from crossingcast.models.persistence import ClimatologyH, LevelPersistence, SeasonNaiveH, ytd_ratio


def test_ytd_ratio_is_this_year_to_date_over_the_same_dates_last_year(frame):
    y = frame["migrants"]
    o = pd.Timestamp("2024-04-30")
    r, now, before = ytd_ratio(y, o)
    assert now == y.loc["2024-01-01":o].sum()
    assert before == y.loc[pd.Timestamp("2024-01-01") - pd.Timedelta(days=364):o - pd.Timedelta(days=364)].sum()
    assert r == pytest.approx(now / before)


def test_persistence_mean_is_last_year_scaled_by_the_shrunk_ratio(frame):
    o = pd.Timestamp("2023-05-31")
    hist = frame.loc[:o]
    m = make_forecaster("persistence", n_paths=300).fit(hist)
    fut = future_frame(hist, "2023-06-01", "2023-09-30")
    fc = m.predict(fut)
    r = fc.info["ytd_ratio"]
    assert fc.info["level_factor"] == pytest.approx(np.clip(r ** 0.5, 0.33, 3.0))
    src = hist["migrants"].rolling(15, center=True, min_periods=1).mean()
    expect = src.reindex(fut.index - pd.Timedelta(days=364)).to_numpy() * fc.info["level_factor"]
    assert np.allclose(fc.mean.to_numpy(), expect)
    assert fc.total()["mean"] == pytest.approx(expect.sum())
    full = make_forecaster("persistence", shrink=1.0, n_paths=300).fit(hist).predict(fut)
    none = make_forecaster("persistence", shrink=0.0, n_paths=300).fit(hist).predict(fut)
    lo, hi = sorted([full.total()["mean"], none.total()["mean"]])
    assert lo <= fc.total()["mean"] <= hi  # shrinkage lies between last year and the full ratio


def test_spread_comes_from_own_errors_at_the_same_horizon(frame):
    o = pd.Timestamp("2024-04-30")
    hist = frame.loc[:o]
    fut = future_frame(hist, "2024-05-01", "2024-09-30")
    m = LevelPersistence(n_paths=2000).fit(hist)
    fc = m.predict(fut)
    cal = m.calibration_
    assert cal["origins"] == ["2023-04-30", "2022-04-30", "2021-04-30"]
    rms = np.sqrt(np.mean(np.square(cal["log_errors"])))
    assert cal["total_log_rms"] == pytest.approx(rms)
    # the level factor adds only what the daily noise lacks: level_sd**2 = rms**2 - sd0**2 (bounded 0.1..0.6)
    assert 0 < cal["noise_log_sd"] < rms
    assert cal["level_sd"] == pytest.approx(np.clip(np.sqrt(rms ** 2 - cal["noise_log_sd"] ** 2), 0.1, 0.6))
    # ... so the log-sd of the path totals is the past errors' rms (not rms + noise): 2000 paths, ±10%
    assert np.std(np.log1p(fc.paths.sum(axis=1))) == pytest.approx(rms, rel=0.10)
    # each past log error is what the model would have said then, from the data to that past origin
    past = LevelPersistence().fit(frame.loc[:"2023-04-30"])
    pf = past._mean(past.y_, pd.date_range("2023-05-01", "2023-09-30"))[0].sum()
    act = frame.loc["2023-05-01":"2023-09-30", "migrants"].sum()
    assert cal["log_errors"][0] == pytest.approx(np.log((act + 1) / (pf + 1)))
    # path totals: median near the mean, a wide interval at five months ahead
    tot = fc.total()
    assert tot["p10"] < tot["mean"] < tot["p90"] and (tot["p90"] - tot["p10"]) / tot["mean"] > 0.2


def test_future_after_history_and_short_history(frame):
    m = SeasonNaiveH(n_paths=100).fit(frame.loc[:"2024-05-31"])
    with pytest.raises(ModelError):
        m.predict(future_frame(frame.loc[:"2024-05-31"], "2024-05-20", "2024-06-30"))
    with pytest.raises(ModelError):
        ClimatologyH().fit(frame.loc["2023-01-01":"2023-06-30"])


def test_horizon_calibrated_names(frame):
    assert isinstance(make_forecaster("seasonal_naive", calibration="horizon"), SeasonNaiveH)
    assert isinstance(make_forecaster("climatology", calibration="horizon"), ClimatologyH)
    hist = frame.loc[:"2022-05-15"]
    fut = future_frame(hist, "2022-05-16", "2022-12-31")
    fc = ClimatologyH(n_paths=200).fit(hist).predict(fut)
    from crossingcast.models.baselines import Climatology
    ref = Climatology(n_paths=200).fit(hist).predict(fut)
    assert np.allclose(fc.mean.to_numpy(), ref.mean.to_numpy())  # same mean, different spread
    assert np.array_equal(fc.paths, ClimatologyH(n_paths=200).fit(hist).predict(fut).paths)  # seeded
