"""Linear-pool ensemble: exact pooled mean, CRPS-optimal weights, pooling proportions, weight sources."""

from __future__ import annotations

import numpy as np
import pytest

from crossingcast.errors import ModelError
from crossingcast.evaluate.metrics import crps_paths
from crossingcast.frame import future_frame
from crossingcast.models import make_forecaster
from crossingcast.models.ensemble import EnsembleForecaster, crps_weights, load_weights, mean_abs_diff, pool_samples


def test_mean_abs_diff_matches_brute_force():
    rng = np.random.default_rng(1)
    a, b = rng.gamma(2, 3, 300), rng.normal(5, 4, 200)
    assert mean_abs_diff(a, b) == pytest.approx(np.abs(a[:, None] - b[None, :]).mean(), rel=1e-12)


def test_crps_weights_prefers_the_member_that_is_right_and_the_mixture_when_both_are_half_right():
    rng = np.random.default_rng(2)
    good = [([rng.normal(y, 5, 400), rng.normal(y + 60, 5, 400)], y) for y in rng.uniform(50, 150, 20)]
    w = crps_weights(good)
    assert w[0] > 0.95 and w.sum() == pytest.approx(1.0)
    # one member always 30 too high, the other 30 too low: the even mixture covers the truth
    split = [([rng.normal(y + 30, 3, 400), rng.normal(y - 30, 3, 400)], y) for y in rng.uniform(50, 150, 20)]
    w2 = crps_weights(split)
    assert w2 == pytest.approx([0.5, 0.5], abs=0.1)

    def crps(ws, cases):
        return sum(crps_paths(pool_samples(s, ws, 0)[:, None], [y])[0] for s, y in cases)

    assert crps(w2, split) < crps([1.0, 0.0], split) and crps(w2, split) < crps([0.0, 1.0], split)


def test_pool_samples_proportions_and_determinism():
    a, b = np.zeros(20000), np.ones(20000)
    p = pool_samples([a, b], [0.3, 0.7], random_state=5)
    assert p.mean() == pytest.approx(0.7, abs=0.015)
    assert np.array_equal(p, pool_samples([a, b], [0.3, 0.7], random_state=5))
    with pytest.raises(ModelError):
        pool_samples([a, b[:10]], [0.5, 0.5])


@pytest.fixture(scope="module")
def fitted(frame):
    hist = frame.loc[:"2024-05-31"]
    ens = make_forecaster("ensemble", members=("seasonal_naive", "persistence"), weights={"seasonal_naive": 1,
                                                                                          "persistence": 3},
                          n_paths=400).fit(hist)
    return ens, future_frame(hist, "2024-06-01", "2024-09-30")


def test_ensemble_mean_is_the_weighted_member_mean_exactly(fitted):
    ens, fut = fitted
    fc = ens.predict(fut)
    assert ens.weights_ == pytest.approx({"seasonal_naive": 0.25, "persistence": 0.75})
    means = {n: m.predict(fut).mean.to_numpy() for n, m in ens.members_.items()}
    expect = 0.25 * means["seasonal_naive"] + 0.75 * means["persistence"]
    assert np.allclose(fc.mean.to_numpy(), expect, rtol=0, atol=1e-9)
    assert fc.total()["mean"] == pytest.approx(expect.sum())
    assert fc.paths.shape == (400, len(fut)) and fc.info["weights_source"] == "given"
    # pooled path totals come from the members: every pooled total is one of theirs
    tots = {n: set(np.round(m.predict(fut).paths.sum(axis=1), 6)) for n, m in ens.members_.items()}
    pooled = np.round(fc.paths.sum(axis=1), 6)
    assert all(t in tots["seasonal_naive"] or t in tots["persistence"] for t in pooled)


def test_ensemble_weight_sources(frame):
    # without crossingcast/resources/ensemble_weights.json (written by benchmarks/season_ahead.py
    # --write-weights) weights=None falls back to equal weights; with it, the stored weights are used
    assert EnsembleForecaster(members=("seasonal_naive", "persistence"), weights="equal")._resolve_weights(
        ["seasonal_naive", "persistence"])[0] == {"seasonal_naive": 0.5, "persistence": 0.5}
    w, source, prov = EnsembleForecaster(members=("hurdle", "gbm"))._resolve_weights(["hurdle", "gbm"])
    stored = load_weights()
    if stored is None or not any(stored["weights"].get(n, 0) for n in ("hurdle", "gbm")):
        assert source == "equal"
    else:
        assert source == "resource" and prov and sum(w.values()) == pytest.approx(1.0)
    for bad in ("best", {"nope": 1.0}, {"hurdle": -1.0, "gbm": 2.0}):
        with pytest.raises(ModelError):
            EnsembleForecaster(members=("hurdle", "gbm"), weights=bad)._resolve_weights(["hurdle", "gbm"])
    with pytest.raises(ModelError):
        EnsembleForecaster(members=("ensemble", "gbm")).fit(frame.loc[:"2024-05-31"])


def test_quantile_average_by_hand():
    from crossingcast.models.ensemble import quantile_average

    # sorted (1, 2, 3) and (10, 20, 30): equal weights average the order statistics
    np.testing.assert_allclose(quantile_average([[3, 1, 2], [30, 10, 20]]), [5.5, 11.0, 16.5])
    np.testing.assert_allclose(quantile_average([[3, 1, 2], [30, 10, 20]], [0.9, 0.1]), [1.9, 3.8, 5.7])
    # members that disagree about the level: a linear pool spans both, the quantile average does not widen
    a, b = np.arange(100.0), np.arange(100.0) + 1000.0
    qa = quantile_average([a, b])
    assert np.ptp(qa) == pytest.approx(np.ptp(a)) and qa.mean() == pytest.approx((a.mean() + b.mean()) / 2)
    # a longer sample is thinned to evenly spaced order statistics of the shorter one's length
    np.testing.assert_allclose(quantile_average([[0.0, 4.0], [0.0, 1.0, 2.0, 3.0, 4.0]]), [0.0, 4.0])
    with pytest.raises(ValueError, match="summing to 1"):
        quantile_average([[1.0], [2.0]], [0.7, 0.7])
    with pytest.raises(ValueError, match="non-empty"):
        quantile_average([[1.0], []])


def test_scale_spread_and_its_crps_scale_by_hand():
    from crossingcast.models.ensemble import crps_spread_scale, scale_spread

    x = np.array([0.0, 10.0, 20.0])
    # about the exact mean 12 (not the sample mean 10): 12 + 0.5 * (-10, 0, 10)
    np.testing.assert_allclose(scale_spread(x, 12.0, 0.5), [7.0, 12.0, 17.0])
    assert scale_spread(x, 12.0, 0.5).mean() == pytest.approx(12.0)
    # a mean below the sample's own: 10 + (-50, 50) -> (-40, 60); the negative total is set to 0
    np.testing.assert_allclose(scale_spread(np.array([0.0, 100.0]), 10.0, 1.0), [0.0, 60.0])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        scale_spread(x, 10.0, 1.5)
    # a sample centred on the outcome: the sharpest scale on the grid wins (CRPS falls with the spread)
    centred = [(np.array([90.0, 100.0, 110.0]), 100.0, 100.0)]
    assert crps_spread_scale(centred, grid=(0.2, 0.5, 1.0)) == 0.2
    # an outcome far out: the widest scale wins
    far = [(np.array([90.0, 100.0, 110.0]), 100.0, 200.0)]
    assert crps_spread_scale(far, grid=(0.2, 0.5, 1.0)) == 1.0
    with pytest.raises(ValueError, match="past case"):
        crps_spread_scale([])


def test_quantile_average_paths_by_hand_and_its_totals_are_the_quantile_average_of_totals():
    from crossingcast.models.ensemble import quantile_average, quantile_average_paths

    # member a: paths with totals 3 and 1 (ranked: [1, 0], [1, 2]); member b: totals 30 and 10
    a = np.array([[1.0, 2.0], [1.0, 0.0]])
    b = np.array([[10.0, 20.0], [5.0, 5.0]])
    # all weight on a member: its own ranked paths, rescaled to their own totals (unchanged)
    np.testing.assert_allclose(quantile_average_paths([a, b], [1.0, 0.0]), [[1.0, 0.0], [1.0, 2.0]])
    # equal weights: targets (1 + 10) / 2 and (3 + 30) / 2,
    # each row one member's ranked path rescaled to it
    out = quantile_average_paths([a, b], random_state=4)
    np.testing.assert_allclose(out.sum(axis=1), [5.5, 16.5])
    for row, own_a, own_b in zip(out, a[[1, 0]], b[[1, 0]]):
        assert np.allclose(row, own_a * row.sum() / own_a.sum()) or np.allclose(row, own_b * row.sum() / own_b.sum())
    # a drawn path with total 0 under a positive target: the members' average path instead
    z = np.array([[0.0, 0.0]])
    np.testing.assert_allclose(quantile_average_paths([z, np.array([[2.0, 4.0]])], [0.999999, 0.000001]),
                               [[0.000002, 0.000004]], atol=1e-12)
    rng = np.random.default_rng(3)
    # zero-inflated days, as in the Channel series
    members = [rng.gamma(2.0, s, size=(n, 30)) * (rng.random((n, 30)) < 0.4) for s, n in
               ((5.0, 400), (20.0, 400), (9.0, 700))]
    w = np.array([0.5, 0.3, 0.2])
    qa = quantile_average_paths(members, w, random_state=1)
    assert qa.shape == (400, 30) and (qa >= 0).all()
    # totals: exactly the quantile average of the members' totals (the backtest's ensemble_qa)
    np.testing.assert_allclose(qa.sum(axis=1), quantile_average([m.sum(axis=1) for m in members], w), rtol=1e-12)
    # the daily shape of simulated paths is kept: zero days stay zero days (an average of paths would fill them)
    assert (qa == 0).mean() == pytest.approx(0.6, abs=0.02)
    assert np.array_equal(qa, quantile_average_paths(members, w, random_state=1))
    with pytest.raises(ValueError, match="same days"):
        quantile_average_paths([a, np.ones((2, 3))])
    with pytest.raises(ValueError, match="summing to 1"):
        quantile_average_paths([a, b], [0.5, 0.6])


def test_scale_path_totals_scales_the_totals_and_keeps_each_path_shape():
    from crossingcast.models.ensemble import scale_path_totals, scale_spread

    paths = np.array([[0.0, 0.0], [2.0, 2.0], [6.0, 2.0]])  # totals 0, 4, 8 (mean 4)
    mean = np.array([3.0, 1.0])  # exact total 4
    out = scale_path_totals(paths, mean, 0.5)
    # targets 4 + 0.5 * (-4, 0, 4) = 2, 4, 6: the zero path takes the mean's profile (3:1)
    np.testing.assert_allclose(out, [[1.5, 0.5], [2.0, 2.0], [4.5, 1.5]])
    np.testing.assert_allclose(out.sum(axis=1), scale_spread(paths.sum(axis=1), 4.0, 0.5))
    np.testing.assert_allclose(scale_path_totals(paths, mean, 1.0), paths)
    with pytest.raises(ValueError, match="do not match"):
        scale_path_totals(paths, np.ones(3), 0.5)


@pytest.fixture(scope="module")
def quantile_fit(frame):
    hist = frame.loc[:"2024-05-31"]
    ens = EnsembleForecaster(members=("seasonal_naive", "persistence"), combine="quantiles", spread_scale=0.5,
                             n_paths=300).fit(hist)
    return ens, future_frame(hist, "2024-06-01", "2024-09-30"), hist


def test_live_quantile_ensemble_gives_the_backtests_ensemble_qa_totals(quantile_fit):
    from crossingcast.models.ensemble import quantile_average, scale_spread

    ens, fut, hist = quantile_fit
    fc = ens.predict(fut)
    assert ens.name_ == "ensemble_qa" and fc.model == "ensemble_qa" and ens.weights_source_ == "equal"
    member = {n: m.predict(fut) for n, m in ens.members_.items()}
    expect_mean = 0.5 * (member["seasonal_naive"].mean.to_numpy() + member["persistence"].mean.to_numpy())
    np.testing.assert_allclose(fc.mean.to_numpy(), expect_mean, rtol=0, atol=1e-9)
    # the season-ahead backtest's ensemble_qa, computed from the members' path totals
    qa = scale_spread(quantile_average([f.paths.sum(axis=1) for f in member.values()]), expect_mean.sum(), 0.5)
    np.testing.assert_allclose(np.sort(fc.paths.sum(axis=1)), np.sort(qa), rtol=1e-9)
    assert fc.info["spread_scale"] == 0.5 and fc.info["spread_scale_source"] == "given"
    assert (fc.paths >= 0).all() and fc.total()["p10"] < fc.total()["mean"] < fc.total()["p90"]
    # same data and seed, same forecast
    again = EnsembleForecaster(**ens.get_params()).fit(hist).predict(fut)
    assert np.array_equal(again.paths, fc.paths)


def test_quantile_ensemble_parameters_and_stored_scale(frame):
    from crossingcast.models.ensemble import QA_MEMBERS, stored_spread_scale

    qa = make_forecaster("ensemble_qa", n_paths=50)
    params = qa.get_params()
    assert params["combine"] == "quantiles" and params["weights"] == "equal"
    assert tuple(params["members"]) == QA_MEMBERS and params["spread_scale"] is None
    stored = (load_weights() or {}).get("spread_scale", {})
    for end, target in (("2026-09-30", "rest_of_season"), ("2026-08-20", "rest_of_season"),
                        ("2026-12-31", "year"), ("2026-10-01", "year")):
        scale, source = stored_spread_scale(end)
        if target in stored:
            assert scale == stored[target] and 0.2 <= scale <= 1.0 and target in source
        else:
            assert (scale, source) == (1.0, "none stored (1)")
    # short horizons: nothing measured the narrowing there, so none is applied
    scale, source = stored_spread_scale("2026-05-14", horizon_days=14)
    assert scale == 1.0 and "14 days ahead" in source
    assert stored_spread_scale("2026-09-30", horizon_days=61) == stored_spread_scale("2026-09-30")
    hist = frame.loc[:"2023-05-31"]
    short = EnsembleForecaster(members=("seasonal_naive", "persistence"), combine="quantiles", n_paths=50).fit(hist)
    assert short.predict(future_frame(hist, "2023-06-01", "2023-06-14")).info["spread_scale"] == 1.0
    for bad in ({"combine": "median"}, {"spread_scale": 0.5}, {"combine": "quantiles", "spread_scale": 1.5}):
        with pytest.raises(ModelError):
            EnsembleForecaster(members=("seasonal_naive", "persistence"), **bad).fit(hist)


def test_combination_arithmetic_edge_cases_by_hand(monkeypatch):
    """Hand-worked edge cases of the pool / quantile-average arithmetic (found by mutation testing)."""
    from crossingcast.models import ensemble as E

    # E|A - B| with values of A below every value of B: a = (0, 10), b = (5,): (5 + 5) / 2
    assert E.mean_abs_diff([0.0, 10.0], [5.0]) == pytest.approx(5.0)
    # the pool's CRPS terms: a_k = E|X_k - y|, b_kl = E|X_k - X_l| (diagonal included)
    a, b = E._terms([np.array([0.0, 2.0]), np.array([1.0])], 1.0)
    np.testing.assert_allclose(a, [1.0, 0.0])
    np.testing.assert_allclose(b, [[1.0, 1.0], [1.0, 0.0]])
    # pool_samples: one member is itself; unnormalised weights are normalised; default seed 0
    x = np.arange(10.0)
    np.testing.assert_array_equal(E.pool_samples([x], [1.0]), x)
    p = E.pool_samples([np.zeros(20000), np.ones(20000)], [1.0, 3.0])
    assert p.mean() == pytest.approx(0.75, abs=0.015)
    assert np.array_equal(p, E.pool_samples([np.zeros(20000), np.ones(20000)], [1.0, 3.0], random_state=0))
    with pytest.raises(ModelError, match="pool_samples: members' samples must have the same shape"):
        E.pool_samples([x, x[:3]], [0.5, 0.5])
    # weights: wrong length, negative, not summing to 1 -- each named
    for bad in ([1.0], [1.5, -0.5], [0.5, 0.6]):
        with pytest.raises(ValueError, match=r"quantile_average: weights must be 2 non-negative numbers summing to 1"):
            E.quantile_average([[1.0], [2.0]], bad)
        with pytest.raises(ValueError, match=r"quantile_average_paths: weights must be 2 non-negative"):
            E.quantile_average_paths([np.ones((1, 2)), np.ones((1, 2))], bad)
    with pytest.raises(ValueError, match="quantile_average: needs at least one non-empty sample"):
        E.quantile_average([[1.0], []])
    # quantile_average_paths: input checks named; one member is its own ranked paths; default seed 0
    for bad in ([], [np.zeros((0, 3))], [np.zeros(3)]):
        with pytest.raises(ValueError, match=r"quantile_average_paths: needs one non-empty \(paths, days\)"):
            E.quantile_average_paths(bad)
    with pytest.raises(ValueError, match="quantile_average_paths: members' paths must cover the same days"):
        E.quantile_average_paths([np.ones((2, 2)), np.ones((2, 3))])
    one = np.array([[3.0, 3.0], [1.0, 0.0]])
    np.testing.assert_array_equal(E.quantile_average_paths([one]), one[[1, 0]])
    # members with different daily shapes: each row is one member's path, drawn with the weights
    first, second = np.tile([1.0, 0.0], (4000, 1)), np.tile([0.0, 1.0], (4000, 1))
    rows = E.quantile_average_paths([first, second], [0.3, 0.7], random_state=2)
    assert set(map(tuple, rows)) == {(1.0, 0.0), (0.0, 1.0)}  # never the average (0.5, 0.5)
    assert (rows[:, 0] > 0).mean() == pytest.approx(0.3, abs=0.03)
    assert np.array_equal(rows, E.quantile_average_paths([first, second], [0.3, 0.7], random_state=2))
    assert np.array_equal(E.quantile_average_paths([first[:50], second[:50]]),
                          E.quantile_average_paths([first[:50], second[:50]], random_state=0))
    small = E.quantile_average_paths([np.array([[0.5, 0.0]]), np.array([[0.0, 0.5]])])  # totals below 1
    assert tuple(small[0]) in {(0.5, 0.0), (0.0, 0.5)}
    # scale_path_totals with totals and means below 1: targets 0.4 + 0.5 * (-0.4, +0.4) = 0.2, 0.6
    out = E.scale_path_totals(np.array([[0.0, 0.0], [0.4, 0.4]]), np.array([0.3, 0.1]), 0.5)
    np.testing.assert_allclose(out, [[0.15, 0.05], [0.3, 0.3]])
    np.testing.assert_array_equal(E.scale_path_totals(np.zeros((2, 3)), np.zeros(3), 0.5), np.zeros((2, 3)))
    # scale 0: every total is the mean
    np.testing.assert_allclose(E.scale_spread(np.array([0.0, 10.0, 20.0]), 12.0, 0.0), [12.0, 12.0, 12.0])
    # crps_spread_scale: ties (a sample without spread) go to the larger scale
    assert E.crps_spread_scale([(np.full(3, 100.0), 100.0, 120.0)], grid=(0.2, 0.5, 1.0)) == 1.0
    with pytest.raises(ValueError, match="crps_spread_scale: needs at least one past case"):
        E.crps_spread_scale([])
    # no stored factors: 1, and the source says so
    monkeypatch.setattr(E, "load_weights", lambda: {"weights": {}})
    assert E.stored_spread_scale("2026-09-30") == (1.0, "none stored (1)")
    monkeypatch.setattr(E, "load_weights", lambda: None)
    assert E.stored_spread_scale("2026-12-31") == (1.0, "none stored (1)")


def test_crps_spread_scale_is_the_grid_argmin_of_relative_crps():
    """Against a brute-force CRPS (all pairs): cases of very different size, actuals below 1 and 2 included."""
    from crossingcast.models.ensemble import crps_spread_scale, scale_spread

    def crps(x, y):
        return np.abs(x - y).mean() - 0.5 * np.abs(x[:, None] - x[None, :]).mean()

    rng = np.random.default_rng(7)
    grid = (0.2, 0.4, 0.6, 0.8, 1.0)
    for _ in range(30):
        cases = []
        for size in rng.choice([0.5, 1.5, 50.0, 5000.0], size=3):
            s = rng.gamma(4.0, size / 4.0, 60)
            cases.append((s, float(s.mean()), float(rng.gamma(4.0, size / 4.0))))
        score = {g: np.mean([crps(scale_spread(s, m, g), a) / max(a, 1.0) for s, m, a in cases]) for g in grid}
        best = min(score.values())
        expect = max(g for g in grid if score[g] <= best + 1e-12)
        assert crps_spread_scale(cases, grid=grid) == expect


def test_crps_weights_match_a_brute_force_search_of_the_mixture_crps():
    """CRPS of the pooled (mixture) sample computed point by point, searched on a weight grid.

    Cases of very different size (actuals below 1 and 2 included), with and without dividing by the actual.
    """
    rng = np.random.default_rng(11)

    def mixture_crps(samples, w, y):
        x = np.concatenate(samples)
        p = np.concatenate([np.full(len(s), wk / len(s)) for s, wk in zip(samples, w)])
        return p @ np.abs(x - y) - 0.5 * p @ np.abs(x[:, None] - x[None, :]) @ p

    for k, scale in ((2, True), (2, False), (3, True)):
        cases = []
        for size in (0.6, 1.5, 40.0, 900.0):
            y = float(rng.gamma(5.0, size / 5.0))
            # member 1 is right on the small cases, member 2 on the large ones: dividing by the actual moves
            # the optimum towards member 1
            factors = (1.0, 2.0, 0.7) if size < 10 else (0.5, 1.0, 1.6)
            cases.append(([rng.gamma(3.0, size * f / 3.0, 40) for f in factors[:k]], y))
        grid = [np.array(w) for w in
                ([(a, 1 - a) for a in np.linspace(0, 1, 201)] if k == 2 else
                 [(a, b, 1 - a - b) for a in np.linspace(0, 1, 51) for b in np.linspace(0, 1, 51) if a + b <= 1])]

        def total(w):
            return sum(mixture_crps(s, w, y) / (max(abs(y), 1.0) if scale else 1.0) for s, y in cases)

        best = min(grid, key=total)
        w = crps_weights(cases) if scale else crps_weights(cases, scale=False)  # scale=True is the default
        assert w.sum() == pytest.approx(1.0) and (w >= 0).all()
        assert total(w) <= total(best) + 1e-9, (w, best)
        assert np.abs(w - best).max() < 0.03
    with pytest.raises(ValueError, match="crps_weights: no cases"):
        crps_weights([])
