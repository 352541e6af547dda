"""Value tests of the per-horizon band calibration shared by the hurdle, GBM and the baselines."""

from __future__ import annotations

import numpy as np
import pytest

from crossingcast.models.distributions import band_level_sd, calibrate_hurdle, level_sd_at


def test_level_sd_at_maps_each_horizon_to_its_band():
    table = {28: 0.2, 7: 0.1, 366: 0.5}  # unordered on purpose
    h = [1, 7, 8, 28, 29, 366, 400]
    np.testing.assert_array_equal(level_sd_at(table, h), [0.1, 0.1, 0.2, 0.2, 0.5, 0.5, 0.5])
    assert level_sd_at(table, np.array([7.9])).tolist() == [0.1]  # horizons are whole days


def _records(rng):
    recs = []
    # three origins forecasting 20 days, one only 5; each origin's level is off by a known factor
    for n, level in ((20, 2.0), (20, 0.5), (20, 1.5), (5, 0.6)):
        h = np.arange(1, n + 1)
        mu = rng.uniform(20, 200, n)
        p = rng.uniform(0.3, 0.9, n)
        y = np.where(rng.random(n) < p, rng.poisson(level * mu / p), 0).astype(float)
        recs.append((h, y, mu, p))
    return recs


def test_band_level_sd_selects_days_by_band_rule():
    rng = np.random.default_rng(7)
    recs = _records(rng)
    shape, rho = 2.0, 0.3
    out = band_level_sd(recs, shape, horizons=(7, 14, 28), persistence=rho)

    def by_hand(lo, hi, origins):
        parts = [[], [], [], []]
        for i in origins:
            h, y, mu, p = recs[i]
            sel = (h > lo) & (h <= hi)
            for k, v in enumerate((y[sel], mu[sel], p[sel], np.full(sel.sum(), i))):
                parts[k].append(v)
        return calibrate_hurdle(*(np.concatenate(v) for v in parts), min_shape=shape, max_shape=shape,
                                persistence=rho)["level_sd"]

    # (0, 7]: all four origins (a 7-day band takes any days: the short origin's 5 count)
    assert out[0] == pytest.approx(by_hand(0, 7, [0, 1, 2, 3]))
    # (7, 14]: the three long origins (the short one has no day there)
    assert out[1] == pytest.approx(by_hand(7, 14, [0, 1, 2]))
    # (14, 28]: 6 days each, fewer than half of the 14-day band -> no origin -> 0
    assert out[2] == 0.0
    assert len(out) == 3 and out[0] > 0.1 and out[1] > 0.1 and out[0] != out[1]


def test_band_level_sd_needs_three_origins():
    rng = np.random.default_rng(8)
    recs = _records(rng)[:2]
    assert band_level_sd(recs, 2.0, horizons=(7, 14)) == [0.0, 0.0]
