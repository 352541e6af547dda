"""Prevention rates from SB_02 and the patrol elasticity (crossingcast.patrols)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crossingcast as cc
from crossingcast import patrols as pt
from crossingcast.errors import ScenarioError


@pytest.fixture(scope="module")
def weekly(data_dir):
    return cc.load_weekly(data_dir)


def _synthetic_weekly(p_comp: float, p_win: float, attempts: float = 1000.0, noise: float = 0.0, seed: int = 0,
                      windows=None):
    """Weekly table May-Oct 2024: log prevention rate moves by log(p_win/p_comp) per full week of window days.

    A week with k of its 7 days in a window (Olympics / Paralympics by default) gets
    ``p_comp * (p_win/p_comp) ** (k/7)``: the effect scales with the event days, as the estimator assumes.
    """
    idx = pd.date_range("2024-05-05", "2024-10-27", freq="W-SUN", name="week_ending")
    rng = np.random.default_rng(seed)
    share = sum(pt.event_day_share(idx, w) for w in (windows or pt.PATROL_WINDOWS).values())
    p = p_comp * (p_win / p_comp) ** share
    p = np.clip(p * np.exp(noise * rng.standard_normal(len(idx))), 0.01, 0.99)
    prevented = np.round(attempts * p)
    return pd.DataFrame({"migrants": attempts - prevented, "migrants_prevented": prevented}, index=idx)


def test_prevention_table_real(weekly):
    tab = pt.prevention_table(weekly)
    assert len(tab) >= 50  # prevention data from May 2024 to April 2026
    assert tab.index.min() >= pd.Timestamp("2024-05-01")
    np.testing.assert_allclose(tab["attempts"], tab["arrivals"] + tab["prevented"])
    rate = tab["prevention_rate"].dropna()
    assert ((rate >= 0) & (rate <= 1)).all()
    assert (tab.index.day_of_week == 6).all()


def test_prevention_table_errors():
    with pytest.raises(ScenarioError, match="migrants_prevented"):
        pt.prevention_table(pd.DataFrame({"migrants": [1.0]}))
    empty = pd.DataFrame({"migrants": [1.0, 2.0], "migrants_prevented": [np.nan, np.nan]})
    with pytest.raises(ScenarioError, match="no week has migrants_prevented"):
        pt.prevention_table(empty)


def test_elasticity_recovers_known_value():
    # p falls from 0.40 to 0.40 * 0.7**1.0 when patrols fall 30%: elasticity exactly 1
    w = _synthetic_weekly(0.40, 0.40 * 0.7 ** 1.0)
    est = pt.estimate_elasticity(w, assumed_drop=0.3, n_boot=500)
    assert est.elasticity == pytest.approx(1.0, abs=0.01)
    w2 = _synthetic_weekly(0.40, 0.40 * 0.7 ** 2.0)
    assert pt.estimate_elasticity(w2, assumed_drop=0.3, n_boot=200).elasticity == pytest.approx(2.0, abs=0.02)
    # a larger assumed drop for the same data means a smaller elasticity
    assert pt.estimate_elasticity(w, assumed_drop=0.5, n_boot=200).elasticity < est.elasticity


def test_elasticity_bootstrap_interval_covers_truth_with_noise():
    est = pt.estimate_elasticity(_synthetic_weekly(0.40, 0.40 * 0.7, noise=0.1, seed=4), n_boot=1000)
    assert est.ci95[0] <= 1.0 <= est.ci95[1]
    assert est.ci95[0] <= est.ci[0] <= est.ci[1] <= est.ci95[1]
    assert est.n_boot == 1000 and len(est.draws) == 1000


def test_event_day_share_weights_partial_weeks():
    weeks = pd.DatetimeIndex(["2024-07-21", "2024-07-28", "2024-08-04", "2024-08-11", "2024-08-18"])
    np.testing.assert_allclose(pt.event_day_share(weeks, pt.OLYMPICS_2024), [0, 3 / 7, 1, 1, 0])


def test_elasticity_real_data_states_assumption(weekly):
    est = pt.estimate_elasticity(weekly, n_boot=500)
    s = est.summary()
    # Olympics: weeks ending 28 Jul (3 days), 4 Aug, 11 Aug; Paralympics: 1 Sep (5 days), 8 Sep
    assert est.window_weeks == ["2024-07-28", "2024-08-04", "2024-08-11", "2024-09-01", "2024-09-08"]
    assert s["n_comparison_weeks"] >= 6 and s["windows"] == "paris_olympics_2024,paris_paralympics_2024"
    assert np.isfinite(est.elasticity) and est.ci[0] <= est.ci[1]
    assert 0 < est.p_window < 1 and 0 < est.p_comparison < 1
    assert est.drop_range == pt.DEFAULT_DROP_RANGE
    text = est.assumption()
    assert "ASSUMING patrols fell uniformly 25%-33%" in text and "weather not controlled" in text
    assert "no draw truncated" in text
    # the real data do not identify the effect: the 80% interval spans 0 and says so
    assert est.ci[0] < 0 < est.ci[1] and not est.identified and "NOT identified" in text
    # reproducible
    assert pt.estimate_elasticity(weekly, n_boot=500).summary() == s


def test_elasticity_draws_not_truncated_and_drop_uncertainty_widens(weekly):
    est = pt.estimate_elasticity(weekly, n_boot=800)
    assert (est.draws < 0).any() and est.share_negative() == pytest.approx(np.mean(est.draws < 0))
    fixed = pt.estimate_elasticity(weekly, assumed_drop=0.29, n_boot=800)
    assert fixed.drop_range == (0.29, 0.29)
    # same bootstrap stream: the drop range only rescales draws, so the point estimates agree
    assert fixed.elasticity == pytest.approx(est.elasticity)


def test_elasticity_true_zero_interval_coverage_over_seeds():
    # truth: patrol windows change nothing (elasticity 0); weekly noise on the prevention rate
    est = [pt.estimate_elasticity(_synthetic_weekly(0.40, 0.40, noise=0.08, seed=s), n_boot=300, seed=s)
           for s in range(20)]
    cover80 = np.mean([e.ci[0] < 0 < e.ci[1] for e in est])
    cover95 = np.mean([e.ci95[0] < 0 < e.ci95[1] for e in est])
    assert 0.6 <= cover80 <= 0.95 and cover95 >= 0.85, (cover80, cover95)
    assert abs(np.median([e.elasticity for e in est])) < 0.1  # centred on the truth


def test_elasticity_errors(weekly):
    with pytest.raises(ScenarioError, match="assumed_drop"):
        pt.estimate_elasticity(weekly, assumed_drop=1.2)
    with pytest.raises(ScenarioError, match="window"):
        pt.estimate_elasticity(weekly, window=("2019-07-01", "2019-07-14"))
    with pytest.raises(ScenarioError, match="drop_range"):
        pt.estimate_elasticity(weekly, drop_range=(0.4, 0.2))


def test_baseline_prevention_rate(weekly):
    p, weeks = pt.baseline_prevention_rate(weekly, "2026-04-30")
    assert 0 < p < 1 and weeks.shape == (12, 2)
    assert p == pytest.approx(weeks[:, 0].sum() / weeks[:, 1].sum())
    with pytest.raises(ScenarioError, match="prevention data start in May 2024"):
        pt.baseline_prevention_rate(weekly, "2024-05-10")


def test_patrol_multiplier():
    assert pt.patrol_multiplier(0.0, 0.3, 1.0) == pytest.approx(1.0)
    assert pt.patrol_multiplier(-0.25, 0.3, 0.0) == pytest.approx(1.0)
    m = pt.patrol_multiplier(-0.25, 0.3, 1.0)
    assert m == pytest.approx((1 - 0.3 * 0.75) / 0.7)
    assert pt.patrol_multiplier(0.25, 0.3, 1.0) < 1 < m
    # vectorised over paths, monotone in the elasticity
    v = pt.patrol_multiplier(-0.25, np.full(3, 0.3), np.array([0.5, 1.0, 2.0]))
    assert np.all(np.diff(v) > 0)
    with pytest.raises(ScenarioError, match="must be > -1"):
        pt.patrol_multiplier(-1.0, 0.3, 1.0)
