"""Persistent crossing days and horizon-growing level uncertainty (issue 15, points 2-4).

The distribution-level checks use known parameters; the spread check uses the
SIMULATED Channel (crossingcast.simulate), where crossing days are driven by an
AR(1) weather process, so their persistence is real and known to exist.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from crossingcast.frame import weather_year_frames, weather_years
from crossingcast.models.distributions import (calibrate_hurdle, consistent_hurdle, crossing_persistence,
                                               hurdle_paths, level_sd_floor, monotone_level_sd,
                                               persistent_crossings)
from crossingcast.simulate import simulate_channel


def _seasonal_pi(n):
    t = np.arange(n)
    return np.clip(0.45 + 0.35 * np.sin(2 * np.pi * t / 120.0), 0.02, 0.98)


@pytest.mark.parametrize("rho", [0.0, 0.3, 0.6])
def test_persistent_crossings_keep_marginals_and_give_lag1_correlation(rho):
    n, d = 40_000, 60
    pi = _seasonal_pi(d)
    b = persistent_crossings(np.random.default_rng(1).random((n, d)), pi, rho)
    se = np.sqrt(pi * (1 - pi) / n)
    assert np.all(np.abs(b.mean(axis=0) - pi) < 5 * se)  # exact marginals (up to Monte Carlo error)
    r = (b - pi) / np.sqrt(pi * (1 - pi))
    lag1 = (r[:, 1:] * r[:, :-1]).mean()
    assert lag1 == pytest.approx(rho, abs=0.02)
    lag2 = (r[:, 2:] * r[:, :-2]).mean()
    assert lag2 == pytest.approx(rho ** 2, abs=0.02)


def test_zero_persistence_is_the_independent_draw_and_paths_keep_means():
    u = np.random.default_rng(2).random((50, 30))
    pi = _seasonal_pi(30)
    assert np.array_equal(persistent_crossings(u, pi, 0.0), u < pi)
    mu = 50 * pi + 1
    n = 100_000
    paths = hurdle_paths(mu, pi, shape=1.5, level_sd=np.linspace(0.1, 0.5, 30), n_paths=n, random_state=3,
                         persistence=0.5)
    sd = paths.std(axis=0) / np.sqrt(n)
    assert np.all(np.abs(paths.mean(axis=0) - mu) < 5 * sd)  # E[Y_t] = mu_t with persistence and growing sd
    _, pi_c, _ = consistent_hurdle(mu, pi)
    np.testing.assert_allclose((paths > 0).mean(axis=0), pi_c, atol=0.01)
    with pytest.raises(ValueError):
        persistent_crossings(u, pi, 1.0)


def test_crossing_persistence_recovers_rho_beyond_the_probabilities():
    pi = np.tile(_seasonal_pi(120), 30)
    b = persistent_crossings(np.random.default_rng(4).random((1, len(pi))), pi, 0.4)[0]
    assert crossing_persistence(b.astype(float), pi) == pytest.approx(0.4, abs=0.05)
    b0 = persistent_crossings(np.random.default_rng(5).random((1, len(pi))), pi, 0.0)[0]
    assert crossing_persistence(b0.astype(float), pi) < 0.05


@pytest.mark.parametrize("level_sd", [0.0, 0.3])
def test_calibrate_hurdle_separates_persistence_from_the_level_factor(level_sd):
    rho, days, groups = 0.5, 28, 1500
    rng = np.random.default_rng(6)
    mu = np.tile(np.linspace(20, 80, days), groups)
    pi = np.tile(np.linspace(0.3, 0.7, days), groups)
    g = np.repeat(np.arange(groups), days)
    y = np.concatenate([hurdle_paths(mu[:days], pi[:days], shape=2.0, level_sd=level_sd, n_paths=1,
                                     random_state=rng, persistence=rho)[0] for _ in range(groups)])
    aware = calibrate_hurdle(y, mu, pi, groups=g, min_shape=2.0, max_shape=2.0, persistence=rho)
    naive = calibrate_hurdle(y, mu, pi, groups=g, min_shape=2.0, max_shape=2.0)
    assert aware["level_sd"] == pytest.approx(level_sd, abs=0.08)
    assert naive["level_sd"] > aware["level_sd"] + 0.05  # ignoring persistence inflates the level factor


def test_monotone_level_sd_and_floor():
    sd = monotone_level_sd([0.2, 0.1, 0.0, 0.4, 0.3], [0.05, 0.1, 0.15, 0.2, 0.3])
    np.testing.assert_allclose(sd, [0.2, 0.2, 0.2, 0.4, 0.4])
    idx = pd.date_range("2019-01-01", periods=365 * 5, freq="D")
    y = pd.Series(np.repeat([10.0, 20.0, 15.0, 30.0, 25.0], 365), index=idx)
    fl = level_sd_floor(y, (7, 182, 366))
    ch = np.diff(np.log1p([10.0, 20.0, 15.0, 30.0, 25.0]))
    assert fl["sd_yoy"] == pytest.approx(np.std(ch, ddof=1)) and fl["n_changes"] == 4
    assert fl["floor"][366] == pytest.approx(0.5 * fl["sd_yoy"])
    assert fl["floor"][7] < fl["floor"][182] < fl["floor"][366]


@pytest.fixture(scope="module")
def sim():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return simulate_channel("2019-01-01", "2024-12-31", seed=3)


def _climatological_pi(b: np.ndarray, doy: np.ndarray, mask: np.ndarray, window: int = 15) -> np.ndarray:
    out = np.empty(len(b))
    bd, dd = b[mask], doy[mask]
    for i, d in enumerate(doy):
        dist = np.abs(dd - d)
        out[i] = bd[np.minimum(dist, 366 - dist) <= window].mean()
    return out


def test_weekly_crossing_days_have_the_simulated_spread(sim):
    """Weather-blind crossing probabilities (a smooth season): weekly crossing-day counts in the paths
    match the truth's spread with persistence (ratio of sds within 0.8..1.25); independent days do not
    (ratio below 0.8: weeks too regular).  rho is estimated on 2019-2021 and checked on 2022-2024."""
    b = (sim["migrants"].to_numpy() > 0).astype(float)
    doy = sim.index.day_of_year.to_numpy()
    train = (sim.index.year <= 2021)
    pi = _climatological_pi(b, doy, train)
    rho = crossing_persistence(b[train], pi[train])
    assert 0.1 < rho < 0.6
    test = ~train
    idx = sim.index[test]
    pos = pd.Series(np.arange(test.sum()), index=idx).groupby(idx.to_period("W-SUN")).apply(list)
    weeks = [w for w in pos if len(w) == 7]
    bt, pt = b[test], pi[test]
    obs = np.sqrt(np.mean([(bt[w].sum() - pt[w].sum()) ** 2 for w in weeks]))
    rng = np.random.default_rng(0)
    ratios = {}
    for r in (0.0, rho):
        paths = persistent_crossings(rng.random((400, test.sum())), pt, r)
        ratios[r] = np.sqrt(np.mean([paths[:, w].sum(axis=1).var() for w in weeks])) / obs
    assert 0.8 <= ratios[rho] <= 1.25
    assert ratios[0.0] < 0.8


def test_weather_year_frames_shift_whole_years(sim):
    hist = sim.loc[:"2023-03-31"]
    hist.attrs = dict(sim.attrs)
    years = weather_years(hist, "2023-04-01", "2023-09-30")
    assert years == [2019, 2020, 2021, 2022]
    frames = weather_year_frames(hist, "2023-04-01", "2023-09-30", years=[2020, 2022])
    assert list(frames) == [2020, 2022]
    f = frames[2020]
    assert f.attrs["weather_mode"] == "weather year 2020"
    np.testing.assert_allclose(f.loc["2023-07-14", "wind_mean"], hist.loc["2020-07-14", "wind_mean"])
    from crossingcast.errors import FrameError
    with pytest.raises(FrameError, match="2023"):
        weather_year_frames(hist, "2023-04-01", "2023-09-30", years=[2023])
