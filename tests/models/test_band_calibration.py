"""Value tests of the per-horizon band calibration shared by the hurdle, GBM and the baselines."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq

from crossingcast.models.distributions import (band_level_sd, calibrate_hurdle, chain_block_ratio,
                                               crossing_persistence, level_sd_at, missing_level_sd)


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


def _band_by_hand(recs, lo, hi, origins, shape, rho=0.0):
    """calibrate_hurdle on the days in (lo, hi] of the given origins, grouped by origin."""
    parts = [[], [], [], []]
    for i in origins:
        h, y, mu, p = recs[i]
        sel = (h > lo) & (h <= hi)
        for k, v in enumerate((y[sel], mu[sel], p[sel], np.full(sel.sum(), i))):
            parts[k].append(v)
    return calibrate_hurdle(*(np.concatenate(v) for v in parts), min_shape=shape, max_shape=shape,
                            persistence=rho)["level_sd"]


def test_band_level_sd_selects_days_by_band_rule():
    rng = np.random.default_rng(7)
    recs = _records(rng)
    shape, rho = 2.0, 0.3
    out = band_level_sd(recs, shape, horizons=(7, 14, 28), persistence=rho)

    def by_hand(lo, hi, origins):
        return _band_by_hand(recs, lo, hi, origins, shape, rho)

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


def _weekly_ratio_by_hand(b, pi, groups, block):
    """sum over complete blocks (inside each group, from its first day) of the squared block sums of the
    Pearson residuals, over the sum of the squared residuals of those days -- written out with loops."""
    num = den = 0.0
    n_blocks = 0
    for g in dict.fromkeys(groups):  # groups in order of appearance
        idx = [i for i, gg in enumerate(groups) if gg == g]
        for k in range(len(idx) // block):
            days = idx[k * block:(k + 1) * block]
            r = [(b[i] - pi[i]) / np.sqrt(pi[i] * (1 - pi[i])) for i in days]
            num += sum(r) ** 2
            den += sum(v * v for v in r)
            n_blocks += 1
    return num / den, n_blocks


@pytest.mark.parametrize("sizes", [(37,) * 7, (12, 40, 23, 33, 70, 44), (21,) * 10])
def test_weekly_block_persistence_by_hand(sizes):
    """Blocks are complete weeks counted from each group's first day (leftover days dropped), never spanning two
    groups; rho solves chain_block_ratio(rho, 7) = the observed ratio; fewer than 30 complete weeks -> 0."""
    rng = np.random.default_rng(sum(sizes))
    groups = np.repeat(np.arange(len(sizes)) * 3 + 5, sizes)  # labels not 0..n-1
    n = len(groups)
    pi = rng.uniform(0.2, 0.8, n)
    # persistent crossing days: a slowly changing latent per group
    z = np.zeros(n)
    for i in range(1, n):
        z[i] = (0.9 * z[i - 1] if groups[i] == groups[i - 1] else 0.0) + rng.standard_normal() * 0.6
    b = (rng.random(n) < np.clip(pi + 0.4 * np.tanh(z), 0.01, 0.99)).astype(float)
    q, n_blocks = _weekly_ratio_by_hand(b, pi, list(groups), 7)
    got = crossing_persistence(b * rng.integers(1, 50, n), pi, groups, block=7)  # counts, not only 0/1
    if n_blocks < 30:
        assert got == 0.0
    elif q <= 1:
        assert got == 0.0
    else:
        assert got == pytest.approx(brentq(lambda r: chain_block_ratio(r, 7) - q, 0.0, 0.9), abs=1e-6)
        assert 0 < got < 0.9


def test_weekly_block_persistence_thirty_weeks_is_enough():
    """Exactly 30 complete weeks are used; 29 are not (the documented minimum)."""
    rng = np.random.default_rng(1)
    for weeks, positive in ((30, True), (29, False)):
        n = 7 * weeks + 3  # three leftover days
        pi = np.full(n, 0.5)
        b = np.repeat(rng.random(n // 7 + 1) < 0.5, 7)[:n].astype(float)  # whole weeks on or off: strong memory
        got = crossing_persistence(b, pi, block=7)
        assert (got > 0.5) if positive else (got == 0.0)


def test_band_level_sd_long_band_used_and_short_band_takes_any_days():
    """A band wider than 7 days takes an origin with at least half of its days (here 8 of (7, 21]); a 7-day band
    takes an origin with any days in it (here 2)."""
    rng = np.random.default_rng(11)
    recs = []
    for n, level in ((15, 2.0), (15, 0.5), (15, 1.5), (2, 0.4)):
        h = np.arange(1, n + 1)
        mu, p = rng.uniform(20, 200, n), rng.uniform(0.3, 0.9, n)
        recs.append((h, np.where(rng.random(n) < p, rng.poisson(level * mu / p), 0).astype(float), mu, p))
    out = band_level_sd(recs, 2.0, horizons=(7, 21))

    def by_hand(lo, hi, origins):
        return _band_by_hand(recs, lo, hi, origins, 2.0)

    assert out[0] == pytest.approx(by_hand(0, 7, [0, 1, 2, 3]))  # the 2-day origin counts
    assert out[1] == pytest.approx(by_hand(7, 21, [0, 1, 2])) and out[1] > 0  # 8 of 14 days: used


def test_weekly_block_persistence_with_excluded_days():
    """Days whose crossing probability is 0 or 1 (outside 0.001..0.999) add nothing to a block sum."""
    rng = np.random.default_rng(5)
    n = 7 * 40
    pi = rng.uniform(0.2, 0.8, n)
    b = np.repeat(rng.random(n // 7) < 0.5, 7).astype(float)
    pi_x = pi.copy()
    pi_x[::5] = 0.0  # excluded days (b is 0 or 1 there; the residual would be -pi/0 or (1-pi)/0)
    pi_x[1::11] = 1.0
    q, _ = _weekly_ratio_by_hand(np.where(np.isin(np.arange(n), np.r_[0:n:5, 1:n:11]), pi, b), pi,
                                 [0] * n, 7)  # by hand: an excluded day has residual 0 (b = pi)
    got = crossing_persistence(b, pi_x, block=7)
    assert got == pytest.approx(brentq(lambda r: chain_block_ratio(r, 7) - q, 0.0, 0.9), abs=1e-6)
    assert crossing_persistence(b, np.zeros(n), block=7) == 0.0  # every day excluded


def test_missing_level_sd_adds_only_what_the_paths_lack():
    # rms of (0.3, -0.4) = sqrt(0.125); the paths already spread by 0.2: sqrt(0.125 - 0.04) = sqrt(0.085)
    assert missing_level_sd([0.3, -0.4], 0.2) == pytest.approx(np.sqrt(0.085), rel=1e-12)
    # a signed mean would be -0.05: the rule uses the square, so the sign of an error does not matter
    assert missing_level_sd([-0.3, -0.4], 0.2) == pytest.approx(np.sqrt(0.085), rel=1e-12)
    # the paths already spread more than the errors: nothing is added (never a NaN from a negative root)
    assert missing_level_sd([0.1], 0.2) == 0.0
    assert missing_level_sd([0.5], 0.0) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="finite"):
        missing_level_sd([], 0.1)
    with pytest.raises(ValueError, match="finite"):
        missing_level_sd([np.nan], 0.1)
