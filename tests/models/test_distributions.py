"""The shared hurdle predictive distribution: exact means, variances, calibration."""

from __future__ import annotations

import numpy as np
import pytest

from crossingcast.models.distributions import (calibrate_hurdle, consistent_hurdle, hurdle_paths,
                                               hurdle_variance)

MU = np.array([0.0, 0.3, 2.0, 40.0, 250.0, 900.0])
PI = np.array([0.0, 0.2, 0.5, 0.4, 0.7, 0.9])


@pytest.mark.parametrize("shape,level_sd", [(1.5, 0.0), (0.7, 0.3), (5.0, 0.6)])
def test_paths_mean_and_variance(shape, level_sd):
    n = 200_000
    paths = hurdle_paths(MU, PI, shape=shape, level_sd=level_sd, n_paths=n, random_state=1)
    assert paths.shape == (n, len(MU))
    assert (paths >= 0).all() and np.array_equal(paths, np.round(paths))
    var = hurdle_variance(MU, PI, shape, level_sd)
    se = np.sqrt(var / n)
    np.testing.assert_array_less(np.abs(paths.mean(axis=0) - MU), 5 * se + 1e-9)
    # sample variance within ~10% of the analytic one (heavy tails with large level_sd need the slack)
    emp = paths.var(axis=0)
    pos = var > 1e-9
    np.testing.assert_allclose(emp[pos], var[pos], rtol=0.1 if level_sd < 0.5 else 0.2)
    assert (paths[:, 0] == 0).all()  # mean 0 is the point mass at 0


def test_crossing_probability_and_minimum_one():
    paths = hurdle_paths(MU, PI, shape=2.0, n_paths=50_000, random_state=2)
    _, pi, _ = consistent_hurdle(MU, PI)
    share = (paths > 0).mean(axis=0)
    np.testing.assert_allclose(share, pi, atol=0.01)
    assert pi[1] == pytest.approx(0.2)  # pi <= mu respected
    # a crossing day has at least one arrival
    assert ((paths == 0) | (paths >= 1)).all()
    # pi larger than mu is lowered to mu (a crossing day has >= 1 arrival)
    mu2, pi2, a2 = consistent_hurdle([0.3, 5.0], [0.9, 0.5])
    np.testing.assert_allclose(pi2, [0.3, 0.5])
    np.testing.assert_allclose(a2, [0.0, 9.0])


def test_level_factor_correlates_days_and_widens_totals():
    mu = np.full(60, 100.0)
    pi = np.full(60, 0.5)
    a = hurdle_paths(mu, pi, shape=2.0, level_sd=0.0, n_paths=20_000, random_state=3).sum(axis=1)
    b = hurdle_paths(mu, pi, shape=2.0, level_sd=0.4, n_paths=20_000, random_state=3).sum(axis=1)
    assert a.mean() == pytest.approx(6000, rel=0.01) and b.mean() == pytest.approx(6000, rel=0.02)
    # Var(total) = sum of daily variances + level_var * total_mean^2 (level factor shared by all days)
    var_day = hurdle_variance(mu, pi, 2.0, 0.0).sum()
    assert a.var() == pytest.approx(var_day, rel=0.05)
    s2, k = np.expm1(0.4 ** 2), 2.0
    _, pi_, a_ = consistent_hurdle(mu, pi)
    expected_b = var_day + s2 * (a_ ** 2 * (pi_ * (1 + 1 / k) - pi_ ** 2)).sum() + s2 * (pi_ * a_).sum() ** 2
    assert b.var() == pytest.approx(expected_b, rel=0.1)
    assert b.var() > 3 * a.var()


def test_reproducible_and_validation():
    x = hurdle_paths(MU, PI, shape=1.0, level_sd=0.2, n_paths=100, random_state=7)
    y = hurdle_paths(MU, PI, shape=1.0, level_sd=0.2, n_paths=100, random_state=7)
    z = hurdle_paths(MU, PI, shape=1.0, level_sd=0.2, n_paths=100, random_state=8)
    np.testing.assert_array_equal(x, y)
    assert not np.array_equal(x, z)
    with pytest.raises(ValueError, match="shape"):
        hurdle_paths(MU, PI, shape=0.0)


def _simulate_groups(shape, level_sd, seed, n_groups=1000, days=14):
    """Days in 14-day groups, each group with its own level factor (as forecast blocks from one origin)."""
    rng = np.random.default_rng(seed)
    t = np.arange(n_groups * days)
    mu = 50 + 40 * np.sin(2 * np.pi * t / 365.25) ** 2 + rng.gamma(2.0, 10.0, len(t))
    pi = np.clip(0.25 + 0.3 * np.sin(2 * np.pi * t / 365.25) ** 2, 0.05, 0.95)
    groups = t // days
    y = np.empty(len(t))
    for g in range(n_groups):
        sel = groups == g
        y[sel] = hurdle_paths(mu[sel], pi[sel], shape=shape, level_sd=level_sd, n_paths=1,
                              random_state=rng)[0]
    return y, mu, pi, groups


@pytest.mark.parametrize("shape,level_sd", [(1.5, 0.0), (1.5, 0.3), (3.0, 0.5)])
def test_calibrate_recovers_parameters(shape, level_sd):
    y, mu, pi, groups = _simulate_groups(shape, level_sd, seed=5)
    cal = calibrate_hurdle(y, mu, pi, groups=groups)
    assert cal["n"] == len(y)
    assert cal["shape"] == pytest.approx(shape, rel=0.25)
    assert cal["level_sd"] == pytest.approx(level_sd, abs=0.1)
    # with the shape held at its true value the level factor is recovered too
    fixed = calibrate_hurdle(y, mu, pi, groups=groups, min_shape=shape, max_shape=shape)
    assert fixed["shape"] == shape
    assert fixed["level_sd"] == pytest.approx(level_sd, abs=0.1)


def test_calibrate_unbiased_for_small_shape():
    """Strongly overdispersed days (shape 0.8) with a level factor (sd 0.5): the joint moment estimator
    must be unbiased up to its sampling noise, judged by the spread across seeds (3 standard errors)."""
    est = []
    for seed in range(10):
        y, mu, pi, groups = _simulate_groups(0.8, 0.5, seed)
        cal = calibrate_hurdle(y, mu, pi, groups=groups)
        est.append((cal["shape"], cal["level_sd"]))
    est = np.array(est)
    mean, se = est.mean(axis=0), est.std(axis=0, ddof=1) / np.sqrt(len(est))
    assert abs(mean[0] - 0.8) < 3 * se[0] + 0.02, (mean, se)
    assert abs(mean[1] - 0.5) < 3 * se[1] + 0.01, (mean, se)
    assert se[0] < 0.05 and se[1] < 0.05  # the check has teeth: noise small against the biases it guards


def test_calibrate_without_groups_and_fixed_shape():
    rng = np.random.default_rng(9)
    mu = np.full(3000, 30.0)
    pi = np.full(3000, 0.4)
    y = hurdle_paths(mu, pi, shape=2.0, n_paths=1, random_state=rng)[0]
    cal = calibrate_hurdle(y, mu, pi)
    assert cal["level_sd"] == 0.0 and cal["shape"] == pytest.approx(2.0, rel=0.2)
    fixed = calibrate_hurdle(y, mu, pi, min_shape=3.0, max_shape=3.0)
    assert fixed["shape"] == 3.0
    # too few crossing days: shape falls back to max_shape (nearly Poisson)
    few = calibrate_hurdle(np.r_[np.zeros(50), [3, 4]], np.full(52, 1.0), np.full(52, 0.1))
    assert few["shape"] == 100.0
