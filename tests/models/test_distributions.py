"""The shared hurdle predictive distribution: exact means, variances, calibration."""

from __future__ import annotations

import numpy as np
import pytest

from crossingcast.models.distributions import (_level_factor, _persistence_cov, calibrate_hurdle, consistent_hurdle,
                                               crossing_persistence, hurdle_paths, hurdle_variance, level_sd_floor,
                                               monotone_level_sd, persistent_crossings)

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


# ------------------------------------------------------------ value tests by hand (issue 16, mutation survivors)

def test_consistent_hurdle_clips_by_hand():
    # mu -5 -> 0 (pi 1e-12, a 0); p 0 -> 1e-6 (a = 3 / 1e-6 - 1); p 1.5 -> 1 (a = 4 - 1); mu 0 -> a 0, never 1
    mu, pi, a = consistent_hurdle([-5.0, 3.0, 4.0, 0.0, 2.0], [0.5, 0.0, 1.5, 0.5, -0.2])
    np.testing.assert_array_equal(mu, [0.0, 3.0, 4.0, 0.0, 2.0])
    np.testing.assert_allclose(pi, [1e-12, 1e-6, 1.0, 1e-12, 1e-6], rtol=1e-12)
    np.testing.assert_allclose(a, [0.0, 3.0 / 1e-6 - 1.0, 3.0, 0.0, 2.0 / 1e-6 - 1.0], rtol=1e-12)


def test_hurdle_variance_by_hand():
    # mu 3, pi 0.5 -> a 5; N ~ NegBin(mean 5, shape 2): Var N = 5 + 25 / 2, E[N^2] = 42.5;
    # E[Y^2] = 0.5 (1 + 2 * 5 + 42.5) = 26.75, Var Y = 26.75 - 9 = 17.75 (default level_sd 0)
    assert hurdle_variance([3.0], [0.5], 2.0)[0] == pytest.approx(17.75)
    # level_sd 0.5: s2 = e^0.25 - 1; E[N^2] = 5 + 25 (1 + s2)(1 + 1/2)
    s2 = np.expm1(0.25)
    assert hurdle_variance([3.0], [0.5], 2.0, 0.5)[0] == pytest.approx(0.5 * (11 + 5 + 37.5 * (1 + s2)) - 9)


def test_level_factor_by_hand():
    z = np.array([[1.0], [-2.0]])
    f = _level_factor(z, [0.0, 0.5, 1.0], 3)
    np.testing.assert_allclose(f, np.exp([[0.0, 0.5 - 0.125, 1.0 - 0.5], [0.0, -1.0 - 0.125, -2.0 - 0.5]]))
    # no positive sd: one factor of 1 per path
    assert _level_factor(z, 0.0, 3).tolist() == [[1.0], [1.0]]
    for bad in ([-0.1, 0.2, 0.2], [0.2, np.inf, 0.2], [0.2, np.nan, 0.2]):
        with pytest.raises(ValueError, match=r"^level_sd must be finite and >= 0$"):
            _level_factor(z, bad, 3)


def _stream_reference(mu, p_cross, shape, level_sd, n_paths, seed, persistence=0.0):
    """The documented construction step by step on the same generator: F = exp(sd z - sd^2/2) (one normal per
    path, drawn only when some sd > 0), B from uniforms, N | F ~ Poisson(Gamma(k, 1) * F a / k), Y = B (1 + N)."""
    rng = np.random.default_rng(seed)
    mu, pi, a = consistent_hurdle(mu, p_cross)
    sd = np.broadcast_to(np.asarray(level_sd, dtype=float), mu.shape)
    f = np.exp(sd * rng.standard_normal((n_paths, 1)) - sd ** 2 / 2) if np.any(sd > 0) else 1.0
    b = persistent_crossings(rng.random((n_paths, len(mu))), pi, persistence)
    k = np.broadcast_to(np.asarray(shape, dtype=float), (n_paths, len(mu)))
    g = rng.gamma(k, 1.0)
    return b * (1.0 + rng.poisson(g * f * a / k))


def test_hurdle_paths_follow_the_documented_construction_and_defaults():
    mu, pi = np.array([0.0, 3.0, 40.0, 9.0]), np.array([0.3, 0.5, 0.8, 0.9])
    # defaults: level_sd 0 (no normal drawn, so the stream is that of earlier versions), 1000 paths, no persistence
    x = hurdle_paths(mu, pi, shape=1.5, random_state=4)
    assert x.shape == (1000, 4)
    np.testing.assert_array_equal(x, _stream_reference(mu, pi, 1.5, 0.0, 1000, 4))
    np.testing.assert_array_equal(x, hurdle_paths(mu, pi, shape=1.5, level_sd=0.0, n_paths=1000, random_state=4,
                                                  persistence=0.0))
    # per-day shape and level_sd, with persistent crossing days
    kw = dict(shape=[0.5, 2.0, 8.0, 50.0], level_sd=[0.0, 0.1, 0.3, 0.6], n_paths=300, persistence=0.4)
    y = hurdle_paths(mu, pi, random_state=5, **kw)
    np.testing.assert_array_equal(y, _stream_reference(mu, pi, kw["shape"], kw["level_sd"], 300, 5, 0.4))


def test_hurdle_paths_per_day_shape_gives_each_day_its_variance():
    # shape 0.5 on day 1 and 50 on day 2 (same mean and pi): variances 5 + 25 * (1 + 1/k) scaled as in
    # test_hurdle_variance_by_hand: k 0.5 -> 0.5 (11 + 5 + 75) - 9 = 36.5; k 50 -> 0.5 (11 + 5 + 25.5) - 9 = 11.75
    n = 100_000
    p = hurdle_paths([3.0, 3.0], [0.5, 0.5], shape=[0.5, 50.0], n_paths=n, random_state=6)
    np.testing.assert_allclose(p.mean(axis=0), [3.0, 3.0], atol=0.05)
    np.testing.assert_allclose(p.var(axis=0), [36.5, 11.75], rtol=0.05)
    np.testing.assert_allclose(hurdle_variance([3.0, 3.0], [0.5, 0.5], np.array([0.5, 50.0])), [36.5, 11.75])


def _transition(p0, p1, rho, n=10_000):
    """P(B_1 = 1 | B_0 = 0) and P(B_1 = 1 | B_0 = 1) of a two-day chain, read off a grid of n uniforms on day 1
    (day 0 forced to 'no crossing' with u = 1 - 1e-12, to 'crossing' with u = 0); exact to 1/n."""
    grid = (np.arange(n) + 0.5) / n
    u = np.column_stack([np.r_[np.full(n, 1 - 1e-12), np.zeros(n)], np.r_[grid, grid]])
    b = persistent_crossings(u, [p0, p1], rho)
    after0, after1 = b[:n][~b[:n, 0], 1], b[n:][b[n:, 0], 1]
    return (after0.mean() if after0.size else np.nan), (after1.mean() if after1.size else np.nan)


@pytest.mark.parametrize("p0,p1,rho,expected", [
    # d = rho s1 / s0 with s = sqrt(p (1 - p)); P(1|0) = p1 - p0 d, P(1|1) = p1 - p0 d + d
    (0.5, 0.6, 0.5, (0.6 - 0.5 * 0.5 * np.sqrt(0.24) / 0.5, 0.6 + 0.5 * 0.5 * np.sqrt(0.24) / 0.5)),  # d 0.490
    # d = 0.5 * 0.3 / sqrt(0.24) = 0.306 > p1 / p0 = 1/6: lowered to 1/6 -> P(1|0) = 0, P(1|1) = 1/6
    (0.6, 0.1, 0.5, (0.0, 1.0 / 6.0)),
    # d = 0.8 * 0.3 / 0.4 = 0.6 > (1 - p1) / (1 - p0) = 0.125: lowered -> 0.9 - 0.2 * 0.125 = 0.875, and 1
    (0.2, 0.9, 0.8, (0.875, 1.0)),
    (0.3, 0.3, 0.4, (0.3 - 0.3 * 0.4, 0.3 + 0.7 * 0.4)),  # d = rho: 0.18 and 0.58
    (0.0, 0.7, 0.5, (0.7, np.nan)),  # after an impossible crossing day: the marginal (B_0 = 1 never happens)
    (1.0, 0.3, 0.5, (np.nan, 0.3)),  # after a certain one: the marginal
    (0.4, 0.0, 0.5, (0.0, 0.0)),
    (0.4, 1.0, 0.5, (1.0, 1.0)),
    (0.5, 0.6, 0.0, (0.6, 0.6)),  # no persistence: independent days
])
def test_persistent_crossings_transition_probabilities_by_hand(p0, p1, rho, expected):
    got = _transition(p0, p1, rho)
    for g, e in zip(got, expected):
        if np.isnan(e):
            assert np.isnan(g)
        else:
            assert abs(g - e) <= 1e-4 + 1e-12, (got, expected)
    # the marginal of day 1 stays p1 exactly: P(B_0 = 0) P(1|0) + P(B_0 = 1) P(1|1)
    if 0 < p0 < 1:
        assert (1 - p0) * expected[0] + p0 * expected[1] == pytest.approx(p1)


def test_persistent_crossings_chain_on_four_paths_by_hand():
    # pi 0.5, 0.6, 0.1 with rho 0.5: day 1 P(1|0) = 0.3551, P(1|1) = 0.8449; day 2 P(1|0) = 0, P(1|1) = 1/6
    u = np.array([[0.1, 0.84, 0.15],   # cross, cross (< 0.8449), cross (< 1/6)
                  [0.1, 0.85, 0.01],   # cross, no (>= 0.8449), no (P = 0)
                  [0.9, 0.35, 0.16],   # no, cross (< 0.3551), cross (< 1/6)
                  [0.9, 0.36, 0.001]])  # no, no (>= 0.3551), no (P = 0)
    b = persistent_crossings(u, [0.5, 0.6, 0.1], 0.5)
    assert b.tolist() == [[True, True, True], [True, False, False], [False, True, True], [False, False, False]]
    # p_cross per path (n_paths, n_days) and clipped to [0, 1]; persistence 0 or a single day: u < p
    np.testing.assert_array_equal(persistent_crossings(u, np.tile([0.5, 0.6, 0.1], (4, 1)), 0.5), b)
    np.testing.assert_array_equal(persistent_crossings(u[:, :2], [1.5, -0.2]), [[True, False]] * 4)
    np.testing.assert_array_equal(persistent_crossings(u[:, :1], [0.5], 0.9), u[:, :1] < 0.5)
    for bad in (-0.1, 1.0):
        with pytest.raises(ValueError, match=r"persistence must be in \[0, 1\)"):
            persistent_crossings(u, [0.5, 0.6, 0.1], bad)


def test_persistence_cov_by_hand():
    # s = sqrt(pi (1 - pi)) = 0.5, 0.4, 0.3; c_ts = rho^|t-s| s_t s_s, zero diagonal
    c = _persistence_cov(np.array([0.5, 0.2, 0.9]), 0.5)
    np.testing.assert_allclose(c, [[0.0, 0.5 * 0.5 * 0.4, 0.25 * 0.5 * 0.3],
                                   [0.1, 0.0, 0.5 * 0.4 * 0.3],
                                   [0.0375, 0.06, 0.0]])


def _blocks(pattern, reps):
    return np.tile(np.asarray(pattern, dtype=float), reps)


def test_crossing_persistence_by_hand():
    # pi 0.5 everywhere: Pearson residuals +1 (crossing) / -1, so rho is the mean of r_t r_{t-1}.
    # 8 blocks of 5 crossing days (arrivals 1 or 37) and 5 zero days: 39 pairs, 32 inside a block (+1), 7 (-1)
    y = _blocks([1, 37, 5, 2, 1, 0, 0, 0, 0, 0], 4)
    pi = np.full(40, 0.5)
    assert crossing_persistence(y, pi) == pytest.approx(25 / 39)
    assert crossing_persistence(y, pi, max_rho=0.5) == 0.5
    # groups of 10 days: the 3 pairs across groups are not formed -> 36 pairs, 32 - 4 = 28 -> 28/36
    assert crossing_persistence(y, pi, groups=np.repeat([0, 1, 2, 3], 10)) == pytest.approx(28 / 36)
    # alternating days: -1, clipped to 0; every day a crossing day: 1, clipped to the default 0.9
    assert crossing_persistence(_blocks([3, 0], 20), pi) == 0.0
    assert crossing_persistence(np.ones(40), pi) == 0.9
    # fewer than 30 pairs: 0 (30 days = 29 pairs); 31 days = 30 pairs: 24 inside a block (+1), 6 across (-1)
    assert crossing_persistence(y[:30], pi[:30]) == 0.0
    assert crossing_persistence(y[:31], pi[:31]) == pytest.approx((24 - 6) / 30)
    # pi 0.2: residuals (1 - 0.2) / 0.4 = 2 and -0.2 / 0.4 = -0.5, not a symmetric +-1
    r = np.where(y > 0, 2.0, -0.5)
    want = np.sum(r[1:] * r[:-1]) / np.sqrt(np.sum(r[1:] ** 2) * np.sum(r[:-1] ** 2))
    assert crossing_persistence(y, np.full(40, 0.2)) == pytest.approx(want)
    assert want != pytest.approx(25 / 39)
    # a day with pi at 1e-3 or 1 - 1e-3 (or beyond) gives no pairs, as a day with pi 0 or 1 does
    for edge, out in ((1e-3, 0.0), (1 - 1e-3, 1.0), (-0.5, 0.0), (1.5, 1.0)):
        p2, p_out = pi.copy(), pi.copy()
        p2[12], p_out[12] = edge, out
        assert crossing_persistence(y, p2) == crossing_persistence(y, p_out) != crossing_persistence(y, pi)


def test_monotone_level_sd_by_hand():
    # raised to the floor, then to the running maximum over the shorter buckets
    np.testing.assert_array_equal(monotone_level_sd([0.3, 0.1, 0.2, 0.5]), [0.3, 0.3, 0.3, 0.5])
    np.testing.assert_array_equal(monotone_level_sd([0.3, 0.1, 0.2, 0.5], [0.0, 0.4, 0.0, 0.0]), [0.3, 0.4, 0.4, 0.5])
    np.testing.assert_array_equal(monotone_level_sd([0.3, 0.1, 0.2, 0.5], 0.35), [0.35, 0.35, 0.35, 0.5])
    np.testing.assert_array_equal(monotone_level_sd([-0.2, 0.1]), [0.0, 0.1])  # default floor 0
    assert monotone_level_sd([1, 0]).dtype == np.float64


def test_level_sd_floor_by_hand():
    import pandas as pd

    # three 365-day windows ending at the last date with log1p levels 0, 1, 3 (oldest first), after 100
    # older days of 500 that no window reaches: changes 1 and 2, sd (ddof 1) = sqrt(0.5)
    levels = [0.0, np.e - 1.0, np.exp(3.0) - 1.0]
    v = np.r_[np.full(100, 500.0), np.repeat(levels, 365)]
    y = pd.Series(v, index=pd.date_range("2020-01-01", periods=len(v), freq="D"))
    fl = level_sd_floor(y, (73, 365, 730))
    assert fl["sd_yoy"] == pytest.approx(np.sqrt(0.5)) and fl["n_changes"] == 2 and fl["fraction"] == 0.5
    # floor = 0.5 * sd * sqrt(min(H, 365) / 365): H 73 -> sqrt(0.2); 365 and 730 -> 1
    assert fl["floor"] == pytest.approx({73: 0.5 * np.sqrt(0.5) * np.sqrt(0.2), 365: 0.5 * np.sqrt(0.5),
                                         730: 0.5 * np.sqrt(0.5)})
    assert list(fl["floor"]) == [73, 365, 730]
    assert level_sd_floor(y, (365,), fraction=1.0)["floor"][365] == pytest.approx(np.sqrt(0.5))
    # the last two years only: one change, so the default sd (0.4, or the one given)
    two = level_sd_floor(y, (365,), years=2)
    assert two["sd_yoy"] == 0.4 and two["n_changes"] == 1 and two["floor"][365] == pytest.approx(0.2)
    assert level_sd_floor(y, (365,), years=2, default_sd=0.1)["sd_yoy"] == 0.1
    # 729 days: one full window only, no change
    short = level_sd_floor(y.iloc[-729:], (365,))
    assert short["sd_yoy"] == 0.4 and short["n_changes"] == 0
    # a fourth window (log1p level 2 before the three): changes -2, 1, 2, mean 1/3, squared deviations
    # 49/9 + 4/9 + 25/9 -> variance (ddof 1) 39/9
    y4 = pd.Series(np.r_[np.full(365, np.exp(2.0) - 1.0), np.repeat(levels, 365)],
                   index=pd.date_range("2020-01-01", periods=4 * 365, freq="D"))
    assert level_sd_floor(y4, (365,))["sd_yoy"] == pytest.approx(np.sqrt(39.0) / 3.0)
    assert level_sd_floor(y4, (365,), years=3)["sd_yoy"] == pytest.approx(np.sqrt(0.5))


# calibrate_hurdle with the shape held fixed (min_shape = max_shape = 2): the level factor is one closed-form
# step.  Every day mu 6, pi 0.5 -> a = 11; Var(Y_d) = 0.5 (1 + 22 + 11 + 121 * 1.5) - 36 = 71.75;
# within_d = a^2 pi (1 - pi + 1/k) = 60.5; pi a = 5.5.  Groups of 2, 3 and 2 days with y - mu summing to
# 28, 42 and -12: sum dev^2 = 784 + 1764 + 144 = 2692; sum (pi a)^2 per group = 121 + 272.25 + 121 = 514.25.
_Y7 = np.array([0.0, 40.0, 30.0, 30.0, 0.0, 0.0, 0.0])
_G7 = np.array([0, 0, 1, 1, 1, 2, 2])


def test_calibrate_level_sd_closed_form_by_hand():
    mu, pi = np.full(7, 6.0), np.full(7, 0.5)
    cal = calibrate_hurdle(_Y7, mu, pi, groups=_G7, min_shape=2.0, max_shape=2.0)
    # s2 = (2692 - 7 * 71.75) / (7 * 60.5 + 514.25) = 2189.75 / 937.75
    assert cal["shape"] == 2.0 and cal["n"] == 7
    assert cal["level_sd"] == pytest.approx(np.sqrt(np.log1p(2189.75 / 937.75)), rel=1e-12)
    # persistence 0.5: c_ts = 0.5^|t-s| * 0.25 off the diagonal, summing to 0.25, 0.625, 0.25 per group;
    # it removes (1 + a)^2 = 144 times that from the numerator and adds a^2 = 121 times it to the denominator
    per = calibrate_hurdle(_Y7, mu, pi, groups=_G7, min_shape=2.0, max_shape=2.0, persistence=0.5)
    assert per["level_sd"] == pytest.approx(np.sqrt(np.log1p((2189.75 - 144 * 1.125) / (937.75 + 121 * 1.125))),
                                            rel=1e-12)
    # groups given as labels in any order: the same groups
    relabel = calibrate_hurdle(_Y7, mu, pi, groups=np.array(["b", "b", "a", "a", "a", "z", "z"]), min_shape=2.0,
                               max_shape=2.0, persistence=0.5)
    assert relabel["level_sd"] == pytest.approx(per["level_sd"], rel=1e-12)


def test_calibrate_level_sd_small_sums_and_no_excess():
    # mu 0.55, pi 0.5 -> a = 0.1: Var(Y_d) = 0.5 (1 + 0.2 + 0.1 + 0.01 * 1.5) - 0.3025 = 0.355,
    # within_d = 0.01 * 0.5 * 1 = 0.005, pi a = 0.05.  Two groups of two days, y = (1, 1) and (2, 0):
    # dev = 0.9 and 0.9 -> num = 0.81 + 0.81 - 4 * 0.355 = 0.2, den = 4 * 0.005 + 2 * 0.01 = 0.04: both below 1
    mu, pi, g = np.full(4, 0.55), np.full(4, 0.5), np.array([0, 0, 1, 1])
    cal = calibrate_hurdle(np.array([1.0, 1.0, 2.0, 0.0]), mu, pi, groups=g, min_shape=2.0, max_shape=2.0)
    assert cal["level_sd"] == pytest.approx(np.sqrt(np.log1p(0.2 / 0.04)), rel=1e-9)
    # no excess over the days' own variance (num < 0): no level factor
    assert calibrate_hurdle(np.array([1.0, 0.0, 1.0, 0.0]), mu, pi, groups=g, min_shape=2.0,
                            max_shape=2.0)["level_sd"] == 0.0
    # a = 0 everywhere (mu = pi): the denominator is 0 -> no level factor, whatever the numerator
    assert calibrate_hurdle(np.array([1.0, 1.0, 1.0, 1.0]), np.full(4, 0.5), pi, groups=g, min_shape=2.0,
                            max_shape=2.0)["level_sd"] == 0.0


def test_calibrate_shape_moments_by_hand():
    # 9 crossing days with a = 11 (mu 6, pi 0.5) and excess counts n = y - 1 = 0, 22, 0, 22, 1, 21, 5, 17, 11:
    # sum (n - a)^2 = 4 * 121 + 2 * 100 + 2 * 36 + 0 = 756; one crossing day with a = 0.8 (mu 0.9) and n = 1:
    # (1 - 0.8)^2 = 0.04; zero days and a crossing day with a = 0 (mu = pi = 0.5, y = 3) do not count.
    # 1/k = sum((n - a)^2 - a) / sum(a^2) = (756 - 99 + 0.04 - 0.8) / (9 * 121 + 0.64)
    n = np.array([0, 22, 0, 22, 1, 21, 5, 17, 11], dtype=float)
    y = np.r_[n + 1.0, 2.0, 3.0, 0.0, 0.0, 0.0]
    mu = np.r_[np.full(9, 6.0), 0.9, 0.5, 6.0, 6.0, 6.0]
    pi = np.full(len(y), 0.5)
    cal = calibrate_hurdle(y, mu, pi)
    assert cal["shape"] == pytest.approx((9 * 121 + 0.64) / (756 - 99 + 0.04 - 0.8), rel=1e-12)
    assert cal["level_sd"] == 0.0 and cal["n"] == 14
    # exactly 10 crossing days are enough; 9 are not (shape falls back to max_shape)
    assert calibrate_hurdle(np.delete(y, 9), np.delete(mu, 9), np.delete(pi, 9))["shape"] == 100.0
    # nearly Poisson: mean square excess 12 against a = 11 -> 1/k = 10 * 1 / 1210 -> k = 121, capped at max_shape
    yp = 1.0 + 11.0 + np.sqrt(12.0) * np.array([1, -1] * 5)
    assert calibrate_hurdle(yp, np.full(10, 6.0), np.full(10, 0.5))["shape"] == 100.0
    assert calibrate_hurdle(yp, np.full(10, 6.0), np.full(10, 0.5), max_shape=200.0)["shape"] == pytest.approx(121.0)
    # under-dispersed (1/k < 0): max_shape; very over-dispersed: min_shape
    assert calibrate_hurdle(1.0 + 11.0 + np.array([1, -1] * 5), np.full(10, 6.0), np.full(10, 0.5))["shape"] == 100.0
    assert calibrate_hurdle(np.array([1.0, 1000.0] * 5), np.full(10, 6.0), np.full(10, 0.5))["shape"] == 0.2


def test_calibrate_hurdle_returns_its_fixed_point():
    """With a free shape the estimator iterates; its answer is a fixed point: holding the shape at the returned
    value gives back the same level_sd."""
    y, mu, pi, groups = _simulate_groups(1.5, 0.4, seed=11, n_groups=200)
    cal = calibrate_hurdle(y, mu, pi, groups=groups)
    again = calibrate_hurdle(y, mu, pi, groups=groups, min_shape=cal["shape"], max_shape=cal["shape"])
    assert again["level_sd"] == pytest.approx(cal["level_sd"], abs=2e-5)
    assert cal["level_sd"] > 0.1


def test_persistent_crossings_edges_by_hand():
    import warnings

    u = np.array([[0.5, 0.5], [0.2, 0.9], [0.99, 0.0]])
    # a crossing day is u < P strictly: u = p = 0.5 is not one (independent days, and after a day with
    # pi = 0 the chain's P is the marginal 0.5)
    assert persistent_crossings(u[:1, :1], [0.5]).tolist() == [[False]]
    assert persistent_crossings(u[:1], [0.0, 0.5], 0.5).tolist() == [[False, False]]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # 0/0 on certain days is handled, not warned about
        # pi outside [0, 1] is clipped before the chain: the same draws as with 0 and 1
        for outside, inside in (([-0.2, 0.5], [0.0, 0.5]), ([1.5, 0.5], [1.0, 0.5])):
            np.testing.assert_array_equal(persistent_crossings(u, outside, 0.5), persistent_crossings(u, inside, 0.5))
        # certain days stay certain, impossible days impossible, whatever the persistence
        assert persistent_crossings(u, [1.0, 1.0], 0.5).all()
        assert not persistent_crossings(u, [0.0, 0.0], 0.5).any()


def test_crossing_persistence_standardises_by_each_days_probability():
    # pi alternates 0.2 / 0.5: residuals (b - pi) / sqrt(pi (1 - pi)) are 2 or -0.5 on 0.2-days, +-1 on 0.5-days
    y = _blocks([1, 37, 5, 2, 1, 0, 0, 0, 0, 0], 4)
    pi = np.tile([0.2, 0.5], 20)
    r = np.where(y > 0, np.where(pi == 0.2, 2.0, 1.0), np.where(pi == 0.2, -0.5, -1.0))
    want = np.sum(r[1:] * r[:-1]) / np.sqrt(np.sum(r[1:] ** 2) * np.sum(r[:-1] ** 2))
    assert crossing_persistence(y, pi) == pytest.approx(want, rel=1e-12)
    # rare crossing probabilities: pi 0.002 and no crossing -> every residual equal -> rho 1, clipped to 0.9
    assert crossing_persistence(np.zeros(40), np.full(40, 0.002)) == 0.9


def test_crossing_persistence_counts_only_pairs_of_usable_days():
    # 32 days = 31 pairs; a day with pi 0 removes the two pairs it is in: 29 < 30 -> 0 (with or without groups)
    y, pi = _blocks([1, 37, 5, 2, 1, 0, 0, 0, 0, 0], 4)[:32], np.full(32, 0.5)
    assert crossing_persistence(y, pi) == pytest.approx((25 - 6) / 31)  # 25 pairs inside a run, 6 across
    pi[12] = 0.0
    assert crossing_persistence(y, pi) == 0.0
    assert crossing_persistence(y, pi, groups=np.zeros(32)) == 0.0


def test_level_sd_floor_window_edges_and_default_years():
    import pandas as pd

    # the three windows of test_level_sd_floor_by_hand; one extra arrival total on the LAST day of the middle
    # window (365 + 1 days before the end) lifts its mean from e - 1 to e^1.5 - 1: log1p levels 0, 1.5, 3,
    # two equal changes -> sd 0
    levels = [0.0, np.e - 1.0, np.exp(3.0) - 1.0]
    v = np.r_[np.full(100, 500.0), np.repeat(levels, 365)]
    v[-366] += 365 * (np.exp(1.5) - np.e)
    y = pd.Series(v, index=pd.date_range("2020-01-01", periods=len(v), freq="D"))
    assert level_sd_floor(y, (365,))["sd_yoy"] == pytest.approx(0.0, abs=1e-9)
    # six windows (log1p levels 10, 4, 2, 0, 1, 3): the default is the last five -> changes -2, -2, 1, 2,
    # mean -0.25, squared deviations 3.0625 + 3.0625 + 1.5625 + 5.0625 = 12.75 -> variance 4.25
    v6 = np.repeat(np.expm1([10.0, 4.0, 2.0, 0.0, 1.0, 3.0]), 365)
    y6 = pd.Series(v6, index=pd.date_range("2018-01-01", periods=len(v6), freq="D"))
    fl = level_sd_floor(y6, (365,))
    assert fl["sd_yoy"] == pytest.approx(np.sqrt(4.25)) and fl["n_changes"] == 4
