"""The simulated Channel: shape, reproducibility, calibration against the real series, known truth."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

import crossingcast as cc
from crossingcast.errors import CrossingcastError
from crossingcast.frame import (COUNT_COLUMNS, WEATHER_FEATURES, event_columns, future_frame, validate_frame,
                                weather_columns)
from crossingcast.simulate import (SIMULATED_SOURCE, calm_features, compare_to_real, default_effects,
                                   simulate_channel, simulate_future_weather, simulate_weather,
                                   simulated_calendar)

SEEDS = (0, 1, 2)


@pytest.fixture(scope="module")
def sims():
    return {s: simulate_channel(seed=s) for s in SEEDS}


@pytest.fixture(scope="module")
def sim(sims):
    return sims[0]


def test_frame_has_the_shape_of_build_frame(sim, counts):
    validate_frame(sim)
    assert tuple(sim.columns[:4]) == COUNT_COLUMNS
    assert weather_columns(sim) == list(WEATHER_FEATURES)
    assert sim.index[0] == pd.Timestamp("2019-01-01") and sim.index[-1] == pd.Timestamp("2025-12-31")
    assert sim.index.freq == "D" and sim.index.name == "date"
    assert sim["migrants"].dtype == np.int64 and sim["boats"].dtype == np.int64
    assert sim["uncontrolled_boats"].isna().all() and sim["revised"].dtype == bool and not sim["revised"].any()
    assert (sim["weather_filled"] == 0).all()
    # the same columns as the real frame built with weather of that shape and the simulated calendar
    w = sim[list(WEATHER_FEATURES)]
    real = cc.build_frame(counts, weather=w, events=simulated_calendar(), start="2019-01-01", end="2025-12-31")
    assert list(real.columns) == list(sim.columns)
    assert event_columns(sim) == ["event_olympics_like", "event_shock_like", "event_policy_step_like"]
    assert sim.loc["2024-07-26":"2024-08-11", "event_olympics_like"].eq(1).all()
    assert sim.loc["2024-08-12", "event_olympics_like"] == 0
    # calm features follow the thresholds
    calm = (sim["wind_mean"] <= 18) & (sim["gust_max"] <= 35)
    assert (sim["calm"] == calm.astype(float)).all()
    assert 0.3 < calm.mean() < 0.6
    # boats: people per boat in the documented range in recent years
    rec = sim.loc["2023":]
    ppb = rec["migrants"].sum() / rec["boats"].sum()
    assert 40 < ppb < 65
    assert (sim["boats"] <= sim["migrants"]).all() and ((sim["boats"] == 0) == (sim["migrants"] == 0)).all()


def test_calm_features_spells():
    idx = pd.date_range("2024-01-01", periods=7, freq="D")
    wind = pd.Series([20, 10, 10, 25, 25, 10, 30], index=idx, dtype=float)
    gust = pd.Series([30, 30, 40, 30, 30, 30, 30], index=idx, dtype=float)
    cf = calm_features(wind, gust)
    assert cf["calm"].tolist() == [0, 1, 0, 0, 0, 1, 0]
    assert cf["calm_spell"].tolist() == [0, 1, 0, 0, 0, 1, 0]
    assert cf["days_since_calm"].tolist() == [1, 0, 1, 2, 3, 0, 1]


def test_reproducible_and_seed_dependent(sim):
    again = simulate_channel(seed=0)
    assert again.to_csv() == sim.to_csv()
    pd.testing.assert_series_equal(again.attrs["truth"]["mean"], sim.attrs["truth"]["mean"])
    other = simulate_channel(seed=1)
    assert other.to_csv() != sim.to_csv()
    assert not np.array_equal(other["wind_mean"].to_numpy(), sim["wind_mean"].to_numpy())
    assert not np.array_equal(other["migrants"].to_numpy(), sim["migrants"].to_numpy())


def test_sub_period_is_a_slice_and_future_weather_continues(sim):
    part = simulate_channel("2023-01-01", "2023-12-31", seed=0)
    cols = list(COUNT_COLUMNS) + list(WEATHER_FEATURES)
    pd.testing.assert_frame_equal(part[cols], sim.loc["2023", cols], check_freq=False)
    longer = simulate_channel(end="2026-03-31", seed=0)
    pd.testing.assert_frame_equal(longer.loc[:"2025-12-31", cols], sim[cols])
    fut_w = simulate_future_weather(sim, "2026-01-01", "2026-03-31")
    pd.testing.assert_frame_equal(fut_w[list(WEATHER_FEATURES)], longer.loc["2026", list(WEATHER_FEATURES)],
                                  check_freq=False)
    pd.testing.assert_frame_equal(simulate_weather("2026-01-01", "2026-03-31", seed=0), fut_w)
    with pytest.raises(CrossingcastError, match="not a frame from simulate_channel"):
        simulate_future_weather(pd.DataFrame(index=sim.index[:3]), "2026-01-01", "2026-01-02")


def test_zero_share_since_2021(sims):
    for s, f in sims.items():
        share = float((f.loc["2021":, "migrants"] == 0).mean())
        assert 0.45 <= share <= 0.75, (s, share)
        # more zero days in winter than in summer, as in the real series
        y = f.loc["2021":, "migrants"]
        winter = (y[y.index.month.isin([12, 1, 2])] == 0).mean()
        summer = (y[y.index.month.isin([6, 7, 8])] == 0).mean()
        assert winter > summer + 0.1, (s, winter, summer)


def test_yearly_totals_resemble_real(sims, counts):
    real = counts["migrants"].groupby(counts.index.year).sum()
    for s, f in sims.items():
        tot = f["migrants"].groupby(f.index.year).sum()
        for year in range(2021, 2026):
            ratio = tot[year] / real[year]
            assert 1 / 1.5 < ratio < 1.5, (s, year, tot[year], real[year])
        # the early years are much smaller, as in the real series
        assert tot[2019] < tot[2020] < tot[2021]


def test_pent_up_demand_after_windy_spells(sims):
    """Calm days after >= 4 windy days see more arrivals than calm days after >= 4 calm days.

    Arrivals are divided by the day's demand (the seasonal inflow of ``attrs["truth"]``), since windy
    spells are commoner in winter when demand is low; the raw means are compared too.
    """
    for s, f in sims.items():
        f = f.loc["2021":]
        calm = f["calm"].to_numpy() == 1
        windy4 = pd.Series(~calm).rolling(4).sum().shift(1).to_numpy() == 4
        calm4 = pd.Series(calm).rolling(4).sum().shift(1).to_numpy() == 4
        assert (calm & windy4).sum() > 40 and (calm & calm4).sum() > 40
        y = f["migrants"].to_numpy()
        rel = y / f.attrs["truth"]["inflow"].loc[f.index].to_numpy()
        assert rel[calm & windy4].mean() > 1.5 * rel[calm & calm4].mean(), s
        assert y[calm & windy4].mean() > y[calm & calm4].mean(), s
        # the truth says the same: the backlog is larger after windy spells
        back = f.attrs["truth"]["backlog"].loc[f.index].to_numpy()
        inflow = f.attrs["truth"]["inflow"].loc[f.index].to_numpy()
        assert (back / inflow)[calm & windy4].mean() > (back / inflow)[calm & calm4].mean()


@pytest.mark.parametrize("name", ["olympics_like", "shock_like"])
def test_event_effect_recovered_against_matched_counterfactual(name):
    on = simulate_channel("2021-01-01", "2024-12-31", seed=3)
    off = simulate_channel("2021-01-01", "2024-12-31", seed=3, effects={})
    effect = default_effects()[name]
    assert on.attrs["truth"]["effects"][name] == effect
    assert off.attrs["truth"]["effects"][name] == 1.0
    win = on[f"event_{name}"] > 0
    assert 10 <= win.sum() <= 20
    # same weather, different arrivals only in the window
    pd.testing.assert_frame_equal(on[list(WEATHER_FEATURES)], off[list(WEATHER_FEATURES)])
    quiet = (on[event_columns(on)] == 0).all(axis=1)
    assert quiet.sum() > 1000
    assert (on.loc[quiet, "migrants"] == off.loc[quiet, "migrants"]).all()
    assert (on.loc[win, "migrants"] != off.loc[win, "migrants"]).any()
    truth_ratio = on.attrs["truth"]["mean"][win].sum() / off.attrs["truth"]["mean"][win].sum()
    assert truth_ratio == pytest.approx(effect, rel=1e-9)
    ratio = on.loc[win, "migrants"].mean() / off.loc[win, "migrants"].mean()
    assert abs(ratio - effect) < 0.1 * effect, (name, ratio, effect)


def test_custom_events_and_placebo():
    cal = pd.DataFrame([
        {"name": "big_push", "start": "2023-06-01", "end": "2023-06-30", "category": "enforcement", "sign": 1,
         "intensity": 1.0, "description": "test", "source": "simulated"},
        {"name": "placebo", "start": "2023-08-01", "end": "2023-08-31", "category": "event", "sign": 0,
         "intensity": 1.0, "description": "test", "source": "simulated"}])
    f = simulate_channel("2023-01-01", "2023-12-31", seed=5, events=cal, effects={"big_push": 2.0})
    g = simulate_channel("2023-01-01", "2023-12-31", seed=5, events=cal, effects={})
    assert f.attrs["truth"]["effects"] == {"big_push": 2.0, "placebo": 1.0}
    jun, aug = slice("2023-06-01", "2023-06-30"), slice("2023-08-01", "2023-08-31")
    assert f.loc[jun, "migrants"].sum() / g.loc[jun, "migrants"].sum() == pytest.approx(2.0, rel=0.1)
    assert (f.loc[aug, "migrants"] == g.loc[aug, "migrants"]).all()
    with pytest.raises(CrossingcastError, match="not in the events calendar"):
        simulate_channel("2023-01-01", "2023-12-31", events=cal, effects={"nope": 1.5})


def test_trend_as_growth_rate():
    f = simulate_channel("2019-01-01", "2025-12-31", seed=0, trend=0.3, level=30000.0, effects={})
    tot = f["migrants"].groupby(f.index.year).sum()
    assert tot[2025] > 2.5 * tot[2021]
    assert 0.7 * 30000 < tot[2025] < 1.3 * 30000


def test_labelled_as_simulated(sim):
    assert sim.attrs["simulated"] is True
    assert sim.attrs["report"]["source"] == SIMULATED_SOURCE == "SIMULATED Channel (not real data)"
    assert "SIMULATED" in sim.attrs["report"]["weather"]
    cal = sim.attrs["events_calendar"]
    assert cal["source"].str.contains("simulated").all()
    truth = sim.attrs["truth"]
    assert truth["seed"] == 0 and set(truth["effects"]) == set(default_effects())
    assert truth["mean"].index.equals(sim.index) and (truth["mean"] >= 0).all()


def test_truth_mean_is_the_expected_arrivals(sim):
    """Realised arrivals scatter around the true mean: totals agree, and the mean ranks the days."""
    m, y = sim.attrs["truth"]["mean"].loc["2021":], sim["migrants"].loc["2021":]
    assert y.sum() / m.sum() == pytest.approx(1.0, abs=0.05)
    # binned calibration: days with larger true means have proportionally larger arrivals
    bins = pd.qcut(m, 5, labels=False, duplicates="drop")
    ratio = y.groupby(bins).mean() / m.groupby(bins).mean()
    assert ratio.iloc[-3:].between(0.8, 1.2).all(), ratio


def test_compare_to_real_rows(sim, counts):
    tab = compare_to_real(sim, counts)
    expected = ["zero_share", "q50", "q75", "q90", "q99", "mean", "max",
                "total_2021", "total_2022", "total_2023", "total_2024", "total_2025"]
    assert tab.index.tolist() == expected
    assert tab.columns.tolist() == ["real", "simulated", "ratio"]
    assert tab.loc["total_2023", "real"] == 29437 and tab.loc["total_2024", "real"] == 36816
    assert tab.loc["total_2023", "simulated"] == sim.loc["2023", "migrants"].sum()
    assert tab.loc["zero_share", "real"] == pytest.approx(float((counts.loc["2021":"2025", "migrants"] == 0).mean()))
    # quantiles of the simulated series are in the real range
    for q in ("q75", "q90", "q99"):
        assert 0.6 < tab.loc[q, "ratio"] < 1.6, (q, tab.loc[q].tolist())
    part = compare_to_real(sim.loc[:"2024-06-30"], counts, since="2023-01-01")
    assert part.index.tolist()[-1] == "total_2023"


def test_models_fit_the_simulated_frame(sim):
    from crossingcast.models import make_forecaster

    hist = sim.loc["2021-01-01":"2024-12-31"]
    fut = future_frame(hist, "2025-06-01", "2025-06-30",
                       weather=simulate_future_weather(hist, "2025-06-01", "2025-06-30"),
                       weather_mode="simulated (known)")
    for name in ("climatology", "hurdle"):
        fc = make_forecaster(name, n_paths=200).fit(hist).predict(fut)
        assert len(fc.mean) == 30 and (fc.mean >= 0).all() and np.isfinite(fc.mean).all()
        assert fc.paths.shape == (200, 30)


def test_fast():
    t0 = time.perf_counter()
    simulate_channel(seed=7)
    assert time.perf_counter() - t0 < 2.0
