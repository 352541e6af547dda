"""Scenarios as data (YAML), paired runs against a baseline, event effects (crossingcast.scenarios)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import crossingcast as cc
from crossingcast.errors import ScenarioError
from crossingcast.scenarios import (CONTRACT_COLUMNS, dump_spec, estimate_event_effect, load_spec, run_scenarios,
                                    spec_from_dict)
from crossingcast.simulate import default_effects, simulate_channel

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "scenarios"


@pytest.fixture(scope="module")
def weekly(data_dir):
    return cc.load_weekly(data_dir)


@pytest.fixture(scope="module")
def sim():
    return simulate_channel("2019-01-01", "2025-12-31", seed=0)


def _spec(**over):
    base = {"origin": "2026-04-30", "model": "hurdle", "n_paths": 300, "seed": 1,
            "scenarios": [{"name": "same", "start": "2026-07-01", "end": "2026-09-30"},
                          {"name": "patrols_minus_25", "start": "2026-07-01", "end": "2026-09-30",
                           "changes": [{"patrols": -0.25, "start": "2026-07-01"}]},
                          {"name": "patrols_e1", "start": "2026-07-01", "end": "2026-09-30",
                           "changes": [{"patrols": -0.25, "elasticity": 1.0}]}]}
    base.update(over)
    return base


@pytest.fixture(scope="module")
def real_result(frame, weekly):
    return run_scenarios(frame, _spec(), weekly=weekly)


def _write(tmp_path, text, name="spec.yaml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


# ----------------------------------------------------------------------------- YAML spec errors

GOOD = """\
origin: 2026-04-30
n_paths: 50
scenarios:
  - name: a
    start: 2026-07-01
    end: 2026-09-30
    changes:
      - {patrols: -0.25}
"""


def test_load_spec_good_and_roundtrip(tmp_path):
    spec = load_spec(_write(tmp_path, GOOD))
    assert spec.origin == pd.Timestamp("2026-04-30") and spec.n_paths == 50
    assert spec.scenarios[0].changes == [{"patrols": -0.25}]
    again = load_spec(_write(tmp_path, dump_spec(spec), "again.yaml"))
    assert again.to_dict() == spec.to_dict()
    assert spec.needs_weekly()
    assert load_spec(_write(tmp_path, GOOD.replace("{patrols: -0.25}", "{prevention_rate: 0.1}"), "p.yaml")).needs_weekly()
    assert not load_spec(_write(tmp_path, GOOD.replace("{patrols: -0.25}", "{event: x, intensity: 0}"),
                                "e.yaml")).needs_weekly()


def test_unknown_top_level_key_names_file_key_value(tmp_path):
    p = _write(tmp_path, GOOD + "colour: blue\n")
    with pytest.raises(ScenarioError) as exc:
        load_spec(p)
    msg = str(exc.value)
    assert str(p) in msg and "'colour'" in msg and "'blue'" in msg


def test_unknown_scenario_key_names_file_key_value(tmp_path):
    p = _write(tmp_path, GOOD.replace("    end: 2026-09-30\n", "    end: 2026-09-30\n    intensty: 3\n"))
    with pytest.raises(ScenarioError) as exc:
        load_spec(p)
    msg = str(exc.value)
    assert str(p) in msg and "'intensty'" in msg and "3" in msg and "scenarios[0]" in msg


def test_unknown_change_key_names_file_key_value(tmp_path):
    p = _write(tmp_path, GOOD.replace("{patrols: -0.25}", "{patrols: -0.25, strength: 9}"))
    with pytest.raises(ScenarioError) as exc:
        load_spec(p)
    msg = str(exc.value)
    assert str(p) in msg and "'strength'" in msg and "9" in msg


def test_bad_values_are_named(tmp_path):
    cases = [(GOOD.replace("{patrols: -0.25}", "{patrols: lots}"), "'patrols'", "'lots'"),
             (GOOD.replace("{patrols: -0.25}", "{weather: sunny}"), "'weather'", "'sunny'"),
             (GOOD.replace("origin: 2026-04-30", "origin: yesterday"), "'origin'", "'yesterday'"),
             (GOOD.replace("{patrols: -0.25}", "{patrols: -0.25, elasticity: -2}"), "'elasticity'", "-2"),
             (GOOD.replace("n_paths: 50", "n_paths: 5"), "'n_paths'", "5")]
    for i, (text, key, value) in enumerate(cases):
        p = _write(tmp_path, text, f"bad{i}.yaml")
        with pytest.raises(ScenarioError) as exc:
            load_spec(p)
        msg = str(exc.value)
        assert str(p) in msg and key in msg and value in msg, msg


def test_missing_file_and_bad_yaml(tmp_path):
    with pytest.raises(ScenarioError, match="no such scenario file"):
        load_spec(tmp_path / "nope.yaml")
    with pytest.raises(ScenarioError, match="not valid YAML"):
        load_spec(_write(tmp_path, "origin: [unclosed\n"))


def test_periods_outside_the_data_name_file_key_value(tmp_path, frame, weekly):
    p = _write(tmp_path, GOOD.replace("origin: 2026-04-30", "origin: 2027-01-31"))
    with pytest.raises(ScenarioError) as exc:
        run_scenarios(frame, p, weekly=weekly)
    msg = str(exc.value)
    assert str(p) in msg and "'origin'" in msg and "2027-01-31" in msg and "outside the data" in msg
    p = _write(tmp_path, GOOD.replace("start: 2026-07-01", "start: 2026-03-01"), "early.yaml")
    with pytest.raises(ScenarioError) as exc:
        run_scenarios(frame, p, weekly=weekly)
    msg = str(exc.value)
    assert str(p) in msg and "'start'" in msg and "2026-03-01" in msg
    p = _write(tmp_path, GOOD.replace("end: 2026-09-30", "end: 2027-09-30"), "late.yaml")
    with pytest.raises(ScenarioError) as exc:
        run_scenarios(frame, p, weekly=weekly)
    msg = str(exc.value)
    assert str(p) in msg and "'end'" in msg and "2027-09-30" in msg


def test_unknown_event_and_weather_on_blind_frame(frame, weekly):
    spec = _spec(scenarios=[{"name": "x", "start": "2026-07-01", "end": "2026-07-31",
                             "changes": [{"event": "moon_landing", "intensity": 0}]}])
    with pytest.raises(ScenarioError, match="unknown event 'moon_landing'"):
        run_scenarios(frame, spec, weekly=weekly)
    spec = _spec(scenarios=[{"name": "x", "start": "2026-07-01", "end": "2026-07-31",
                             "changes": [{"weather": "calm"}]}])
    with pytest.raises(ScenarioError, match="weather-blind"):
        run_scenarios(frame, spec, weekly=weekly)


def test_patrols_without_weekly_table(frame):
    with pytest.raises(ScenarioError, match="SB_02"):
        run_scenarios(frame, _spec())


# ----------------------------------------------------------------------------- paired runs (real data)

def test_contract_columns_and_no_change_gives_exact_zero(real_result):
    t = real_result.table
    assert tuple(t.columns[:len(CONTRACT_COLUMNS)]) == CONTRACT_COLUMNS
    same = t.set_index("scenario").loc["same"]
    assert same["diff_mean"] == 0.0 and same["diff_p10"] == 0.0 and same["diff_p90"] == 0.0
    assert same["scenario_mean"] == same["baseline_mean"]
    a, b = real_result.paths["same"]
    assert np.array_equal(a, b)


def test_fewer_patrols_raise_arrivals(real_result):
    t = real_result.table.set_index("scenario")
    for name in ("patrols_minus_25", "patrols_e1"):
        r = t.loc[name]
        assert r["diff_mean"] > 0, name
        assert r["diff_p10"] >= 0 and r["diff_p90"] > 0
        assert "prevention rate" in r["assumption"]
    assert "ASSUMED" in t.loc["patrols_e1", "assumption"]
    assert t.loc["patrols_e1", "elasticity_source"] == "assumed (given in the spec)"
    # the real SB_02 windows do not identify the elasticity: the default runs on the ASSUMED range 0-1
    assert "paris_olympics_2024, paris_paralympics_2024" in t.loc["patrols_minus_25", "assumption"]
    assert t.loc["patrols_minus_25", "elasticity_source"] == "assumed (not identified by data)"
    assert "uniform(0, 1) ASSUMED because the data do not identify it" in t.loc["patrols_minus_25", "assumption"]
    assert t.loc["same", "elasticity_source"] == ""
    # elasticity 1 with p ~ 0.27 and -25%: multiplier (1 - 0.75p)/(1 - p) ~ 1.09 on the whole period
    ratio = t.loc["patrols_e1", "ratio_mean"]
    assert 1.03 < ratio < 1.2


def test_paired_interval_narrower_than_naive(real_result):
    t = real_result.table.set_index("scenario").loc["patrols_e1"]
    paired = t["diff_p90"] - t["diff_p10"]
    naive = (t["scenario_p90"] - t["baseline_p10"]) - (t["scenario_p10"] - t["baseline_p90"])
    assert paired < 0.5 * naive
    b, s = real_result.paths["patrols_e1"]
    rng = np.random.default_rng(0)
    unpaired = s.sum(1) - b[rng.permutation(len(b))].sum(1)
    assert paired < 0.5 * (np.quantile(unpaired, 0.9) - np.quantile(unpaired, 0.1))


def test_daily_table_and_ordering(real_result):
    d = real_result.daily
    assert set(d["scenario"]) == {"same", "patrols_minus_25", "patrols_e1"}
    assert (d["baseline_mean"] >= 0).all() and (d["scenario_mean"] >= 0).all()
    assert (d["scenario_p10"] <= d["scenario_p50"]).all() and (d["scenario_p50"] <= d["scenario_p90"]).all()
    sub = d[d["scenario"] == "patrols_e1"]
    t = real_result.table.set_index("scenario").loc["patrols_e1"]
    assert sub["scenario_mean"].sum() == pytest.approx(t["scenario_mean"])  # total = sum of daily means
    assert real_result.info["weather_blind"] is True


def test_reproducible_same_seed(frame, weekly, real_result):
    again = run_scenarios(frame, _spec(), weekly=weekly)
    pd.testing.assert_frame_equal(again.table, real_result.table)
    other = run_scenarios(frame, _spec(seed=2), weekly=weekly)
    assert not other.table["diff_p90"].equals(real_result.table["diff_p90"])


@pytest.mark.parametrize("name", ["olympics_fewer_patrols.yaml", "summer_2026.yaml"])
def test_example_specs_run_on_real_data(name, frame, weekly):
    spec = load_spec(EXAMPLES / name)
    spec.n_paths = 300
    res = run_scenarios(frame, spec, weekly=weekly)
    t = res.table
    assert len(t) == len(spec.scenarios) and (t["baseline_mean"] > 0).all()
    # every example scenario thins patrols: with an ASSUMED elasticity >= 0 that never lowers arrivals;
    # the 'estimated' one (not identified, negative draws kept) may go either way
    assumed = t["elasticity_source"].str.startswith("assumed")
    assert assumed.any() and (t.loc[assumed, "diff_mean"] >= 0).all()
    assert (t["diff_p10"] <= t["diff_p90"]).all()
    assert res.info["weather_blind"] and not res.info["simulated"]


def test_baseline_changes_and_event_intensity(frame, weekly):
    # event scaled in the baseline and in the scenario alike: identical paths, diff exactly 0
    spec = _spec(baseline={"name": "no_returns_pilot", "changes": [{"event": "uk_france_returns_pilot_2025",
                                                                    "intensity": 0}]},
                 scenarios=[{"name": "same", "start": "2026-05-01", "end": "2026-06-30",
                             "changes": [{"event": "uk_france_returns_pilot_2025", "intensity": 0}]},
                            {"name": "pilot_on", "start": "2026-05-01", "end": "2026-06-30",
                             "changes": [{"event": "uk_france_returns_pilot_2025", "intensity": 1}]}])
    res = run_scenarios(frame, spec, weekly=weekly)
    t = res.table.set_index("scenario")
    assert t.loc["same", "diff_mean"] == 0.0
    assert t.loc["pilot_on", "diff_mean"] != 0.0


# ----------------------------------------------------------------------------- simulated truth

def test_event_redated_on_simulated_channel(sim):
    # the simulated Olympics-like event (true effect 1.3) held again in summer 2025 (re-dated / borrowed effect)
    spec = {"origin": "2025-04-30", "model": "hurdle", "n_paths": 300, "seed": 0,
            "scenarios": [{"name": "games_again", "start": "2025-06-01", "end": "2025-09-30",
                           "changes": [{"event": "olympics_like", "start": "2025-07-26", "end": "2025-08-11"}]},
                          {"name": "new_games", "start": "2025-06-01", "end": "2025-09-30",
                           "changes": [{"event": "games_2025", "like": "olympics_like", "start": "2025-07-26",
                                        "end": "2025-08-11"}]}]}
    res = run_scenarios(sim, spec)
    t = res.table.set_index("scenario")
    assert res.info["simulated"] and t.loc["games_again", "weather"] == "climatology"
    for name in ("games_again", "new_games"):
        assert t.loc[name, "diff_mean"] > 0
        d = res.daily[res.daily["scenario"] == name].set_index("date")
        outside = (d.index < "2025-07-26") | (d.index > "2025-08-11")
        assert (d.loc[outside, "diff_mean"] == 0).all() and (d.loc[~outside, "diff_mean"] > 0).all()
    assert t.loc["games_again", "diff_mean"] == pytest.approx(t.loc["new_games", "diff_mean"])


def test_weather_scenarios_on_simulated_channel(sim):
    spec = {"origin": "2025-04-30", "model": "hurdle", "n_paths": 300, "seed": 0,
            "scenarios": [{"name": "calm", "start": "2025-06-01", "end": "2025-09-30", "changes": [{"weather": "calm"}]},
                          {"name": "windy", "start": "2025-06-01", "end": "2025-09-30",
                           "changes": [{"weather": "windy"}]},
                          {"name": "y2022", "start": "2025-06-01", "end": "2025-09-30",
                           "changes": [{"weather": "year:2022"}]}]}
    t = run_scenarios(sim, spec).table.set_index("scenario")
    assert t.loc["calm", "scenario_mean"] > t.loc["windy", "scenario_mean"]
    assert "weather year" in t.loc["calm", "weather"] and t.loc["y2022", "weather"] == "weather year 2022"
    bad = dict(spec, scenarios=[dict(spec["scenarios"][0], changes=[{"weather": "year:2031"}])])
    with pytest.raises(ScenarioError, match="year:2031"):
        run_scenarios(sim, bad)


# ----------------------------------------------------------------------------- event effects

def test_olympics_effect_real_data_says_weather_not_controlled(frame):
    r = estimate_event_effect(frame, "paris_olympics_2024")
    assert r["n_event_days"] == 17
    assert r["p2.5"] <= r["p10"] <= r["effect"] <= r["p90"] <= r["p97.5"]
    assert r["weather_controlled"] is False and "NOT controlled" in r["note"]


def test_event_effect_recovers_simulated_truth():
    truth = default_effects()["olympics_like"]
    hits = 0
    for seed in range(3):
        r = estimate_event_effect(simulate_channel("2019-01-01", "2025-12-31", seed=seed), "olympics_like")
        assert r["weather_controlled"] is True and r["simulated"] is True
        hits += r["p2.5"] <= truth <= r["p97.5"]
    assert hits >= 2


def test_event_effect_errors(frame):
    with pytest.raises(ScenarioError, match="unknown event"):
        estimate_event_effect(frame, "moon_landing")


def test_spec_from_dict_rejects_patrols_in_baseline():
    with pytest.raises(ScenarioError, match="baseline"):
        spec_from_dict(_spec(baseline={"changes": [{"patrols": -0.1}]}))


def test_non_hurdle_model_paired_by_mean_transport(frame, weekly):
    spec = _spec(model="seasonal_naive",
                 scenarios=[{"name": "same", "start": "2026-07-01", "end": "2026-09-30"},
                            {"name": "e1", "start": "2026-07-01", "end": "2026-09-30",
                             "changes": [{"patrols": -0.25, "elasticity": 1.0}]},
                            {"name": "pilot_off", "start": "2026-07-01", "end": "2026-09-30",
                             "changes": [{"event": "uk_france_returns_pilot_2025", "intensity": 0}]}])
    res = run_scenarios(frame, spec, weekly=weekly)
    t = res.table.set_index("scenario")
    assert t.loc["same", "diff_mean"] == 0.0 and t.loc["same", "diff_p90"] == 0.0
    assert t.loc["e1", "diff_p10"] > 0  # every path moves up: paired by construction
    b, s = res.paths["e1"]
    assert (s >= b).all()
    # seasonal naive ignores event flags: no effect, and the output says so
    assert t.loc["pilot_off", "diff_mean"] == 0.0 and "does not respond" in t.loc["pilot_off", "notes"]


def test_prevention_rate_change(frame, weekly, tmp_path):
    spec = _spec(scenarios=[{"name": "no_prevention", "start": "2026-07-01", "end": "2026-09-30",
                             "changes": [{"prevention_rate": 0.0, "start": "2026-07-01", "end": "2026-07-31"}]},
                            {"name": "two_changes", "start": "2026-07-01", "end": "2026-09-30",
                             "changes": [{"prevention_rate": 0.5, "end": "2026-07-31"},
                                         {"patrols": -0.25, "start": "2026-08-01", "elasticity": 1.0}]}])
    res = run_scenarios(frame, spec, weekly=weekly)
    t = res.table.set_index("scenario")
    assert t.loc["no_prevention", "diff_p10"] > 0  # p' = 0 < p: more arrivals on every path
    d = res.daily[res.daily["scenario"] == "no_prevention"].set_index("date")
    assert (d.loc["2026-08-01":, "diff_mean"] == 0).all() and (d.loc[:"2026-07-31", "diff_mean"] > 0).all()
    a = t.loc["two_changes", "assumption"]
    assert "prevention rate set to 0.500" in a and "patrols -25%" in a and " | " in a
    d2 = res.daily[res.daily["scenario"] == "two_changes"].set_index("date")
    assert (d2.loc[:"2026-07-31", "diff_mean"] < 0).all() and (d2.loc["2026-08-01":, "diff_mean"] > 0).all()
    bad = _write(tmp_path, GOOD.replace("{patrols: -0.25}", "{prevention_rate: 1.5}"))
    with pytest.raises(ScenarioError) as exc:
        load_spec(bad)
    assert str(bad) in str(exc.value) and "'prevention_rate'" in str(exc.value) and "1.5" in str(exc.value)
    with pytest.raises(ScenarioError, match="baseline: key 'prevention_rate'"):
        spec_from_dict(_spec(baseline={"changes": [{"prevention_rate": 0.1}]}))


def _sim_weekly(sim, p=0.40, noise=0.08, seed=0):
    """SB_02-like weekly table for the simulated Channel with a TRUE patrol elasticity of 0.

    The prevention rate is ``p`` times weekly noise, whatever happens in the Olympics/Paralympics
    windows: thinning patrols there changes nothing.
    """
    arr = sim["migrants"].loc["2024-05-06":].resample("W-SUN").sum()
    arr.index.name = "week_ending"
    rng = np.random.default_rng(seed)
    pw = np.clip(p * np.exp(noise * rng.standard_normal(len(arr))), 0.01, 0.95)
    prevented = np.round(arr.to_numpy() * pw / (1 - pw))
    return pd.DataFrame({"migrants": arr.to_numpy(), "migrants_prevented": prevented}, index=arr.index)


def test_patrols_true_elasticity_zero_gives_difference_centred_on_zero(sim):
    from crossingcast import patrols as pt
    from crossingcast.scenarios import PairedRunner, Scenario

    history = sim.loc[:"2025-06-30"]
    history.attrs = dict(sim.attrs)
    runner = PairedRunner(history, "2025-07-01", "2025-09-30", model="climatology", n_paths=300, seed=2)
    est = Scenario("est", "2025-07-01", "2025-09-30", [{"patrols": -0.25, "elasticity": "estimated"}])
    default = Scenario("default", "2025-07-01", "2025-09-30", [{"patrols": -0.25}])
    rows, defaults = [], []
    for seed in range(16):  # replications of the SB_02-like table: the truth is the same, the noise is not
        w = _sim_weekly(sim, seed=seed)
        runner.weekly, runner._prev = w, None
        runner._elasticity = {pt.DEFAULT_DROP_RANGE: pt.estimate_elasticity(w, n_boot=400, seed=seed)}
        rows.append(runner.summary(est))
        defaults.append(runner.summary(default))
    t = pd.DataFrame(rows)
    width = t["diff_p90"] - t["diff_p10"]
    # no truncation: the paired difference intervals straddle 0 ...
    assert (t["diff_p10"] < 0).mean() >= 0.75 and (t["diff_p90"] > 0).mean() >= 0.75
    # ... and are centred on it across replications
    assert abs((t["diff_p50"] / width).mean()) < 0.15
    assert abs((t["diff_mean"] / width).mean()) < 0.15
    assert all(r["elasticity_source"].startswith("estimated") for r in rows)
    # without 'elasticity: estimated' an unidentified effect runs on the ASSUMED range and says so
    d = pd.DataFrame(defaults)
    unident = d["elasticity_source"] == "assumed (not identified by data)"
    assert unident.mean() >= 0.5 and (d.loc[unident, "diff_p10"] >= 0).all()


def test_elasticity_spec_values():
    ok = spec_from_dict({"origin": "2026-04-30", "scenarios": [
        {"name": "a", "start": "2026-07-01", "end": "2026-07-31",
         "changes": [{"patrols": -0.2, "elasticity": [0.5, 1.5]}, {"patrols": -0.1, "elasticity": "estimated"},
                     {"patrols": -0.1, "assumed_drop": [0.25, 0.33]}]}]})
    ch = ok.scenarios[0].changes
    assert ch[0]["elasticity"] == [0.5, 1.5] and ch[1]["elasticity"] == "estimated"
    assert ch[2]["assumed_drop"] == [0.25, 0.33]
    for bad in ([1.5, 0.5], "guess", [0.1, 0.2, 0.3]):
        with pytest.raises(ScenarioError, match="'elasticity'"):
            spec_from_dict({"origin": "2026-04-30", "scenarios": [
                {"name": "a", "start": "2026-07-01", "end": "2026-07-31",
                 "changes": [{"patrols": -0.2, "elasticity": bad}]}]})


# ----------------------------------------------------------------------------- paired sampler, by hand (issue 16)

def test_poisson_icdf_is_the_smallest_count_whose_cdf_reaches_u():
    from scipy.stats import poisson

    from crossingcast.scenarios.run import _poisson_icdf

    # Poisson(1): F(0) = e^-1 = 0.368, F(1) = 0.736, F(2) = 0.920, F(3) = 0.981; lam 0: no count
    got = _poisson_icdf(np.array([0.3, 0.5, 0.95, 0.7]), np.array([1.0, 1.0, 1.0, 0.0]))
    assert got.tolist() == [0.0, 1.0, 3.0, 0.0]
    # u exactly on a step, F(0) = e^-2 for Poisson(2): the smallest k with F(k) >= u is 0
    assert _poisson_icdf(np.array([np.exp(-2.0)]), np.array([2.0]))[0] == 0.0
    # below lam 30 the search is exact: scipy's quantile on a grid
    uu, ll = np.meshgrid(np.linspace(0.005, 0.995, 60), [0.2, 3.0, 12.5, 29.9])
    np.testing.assert_array_equal(_poisson_icdf(uu.ravel(), ll.ravel()), poisson.ppf(uu.ravel(), ll.ravel()))
    # from lam 30 the Cornish-Fisher expansion q = lam + z sqrt(lam) + (z^2 - 1)/6 + (z^3 - 7z)/(72 sqrt(lam)),
    # rounded: at u = 0.001 (z = -3.0902) and lam 30: 30 - 16.926 + 1.425 - 0.020 = 14.479 -> 14 (exact: 15)
    z = -3.090232306167813
    assert 30 + z * np.sqrt(30) + (z * z - 1) / 6 + (z ** 3 - 7 * z) / (72 * np.sqrt(30)) == pytest.approx(14.479,
                                                                                                      abs=1e-3)
    assert _poisson_icdf(np.array([0.001]), np.array([30.0]))[0] == 14.0
    # lam 100, u 0.9 (z = 1.2816): 100 + 12.816 + 0.107 - 0.0095 = 112.91 -> 113; u 0.5: 100 - 1/6 -> 100
    assert _poisson_icdf(np.array([0.9, 0.5]), np.array([100.0, 100.0])).tolist() == [113.0, 100.0]
    # u = 0 (a possible draw of rng.random) stays finite: z is clipped at 1e-12 (z = -7.0345)
    assert _poisson_icdf(np.array([0.0]), np.array([100.0]))[0] == pytest.approx(
        np.floor(100 - 7.034484 * 10 + (7.034484 ** 2 - 1) / 6 + (-7.034484 ** 3 + 7 * 7.034484) / 720 + 0.5))
    # ... and the count is never negative: at lam 30, 30 - 38.53 + 8.08 - 0.76 = -1.2 -> 0
    assert _poisson_icdf(np.array([0.0]), np.array([30.0]))[0] == 0.0
    # the largest draw below 1 (1 - 2^-53) is clipped at 1 - 1e-12 as well: z = 7.0345 at lam 100,
    # 100 + 70.345 + 8.080 + (348.1 - 49.2) / 720 = 178.84 -> 179
    top = _poisson_icdf(np.array([1 - 2.0 ** -53, 1 - 1e-12]), np.array([100.0, 100.0]))
    assert top.tolist() == [179.0, 179.0]
    # u exactly at F(1) of Poisson(2) (summed as the search sums it): the answer is 1, not 2
    e2 = np.exp(-2.0)
    assert _poisson_icdf(np.array([e2 + e2 * 2.0 / 1]), np.array([2.0]))[0] == 1.0
    # the exact quantile at points where the last Cornish-Fisher term decides the rounding (lam 30)
    u30 = np.array([0.207896, 0.266867, 0.402799])
    np.testing.assert_array_equal(_poisson_icdf(u30, np.full(3, 30.0)), poisson.ppf(u30, 30.0))
    assert poisson.ppf(u30, 30.0).tolist() == [25.0, 26.0, 28.0]
    # against scipy over lam 30..5000: never more than one count off, and rarely off at all
    uu, ll = np.meshgrid(np.linspace(0.001, 0.999, 200), [30.0, 45.0, 80.0, 150.0, 400.0, 1000.0, 5000.0])
    d = _poisson_icdf(uu.ravel(), ll.ravel()) - poisson.ppf(uu.ravel(), ll.ravel())
    assert np.abs(d).max() <= 1 and np.mean(d != 0) < 0.01


def _hand_crn():
    from crossingcast.scenarios.run import _CRN

    crn = _CRN(2, 3, 2.0, seed=0)
    crn.z = np.array([[2.0], [-0.5]])
    crn.u_cross = np.array([[0.9, 0.2, 0.1], [0.3, 0.6, 0.69]])
    crn.gamma = np.array([[1.0, 1.0, 1.0], [0.5, 2.0, 3.0]])
    crn.u_pois = np.full((2, 3), 0.5)
    return crn


def test_paired_hurdle_paths_by_hand():
    from scipy.stats import poisson

    from crossingcast.scenarios.run import paired_hurdle_paths

    crn = _hand_crn()
    # mu 0, 3, 21 with p 0.5, 0.5, 0.7: a = 0, 5, 29; lam = gamma * a / shape (shape 2) = path 1: 0, 2.5, 14.5,
    # path 2: 0, 5, 43.5; crossing where u_cross < pi: path 1 days 2, 3; path 2 day 3 only (0.6 >= 0.5)
    med = lambda lam: poisson.ppf(0.5, lam)  # noqa: E731
    want = [[0.0, 1 + med(2.5), 1 + med(14.5)], [0.0, 0.0, 1 + 43.0]]  # 43.5 >= 30: 43.5 - 1/6 -> 43
    assert want == [[0.0, 3.0, 15.0], [0.0, 0.0, 44.0]]
    np.testing.assert_array_equal(paired_hurdle_paths([0.0, 3.0, 21.0], [0.5, 0.5, 0.7], crn), want)
    # level_sd 0.5: factor exp(0.5 z - 0.125) = exp(0.875) on path 1 (z = 2), exp(-0.375) on path 2 (z = -0.5)
    f1, f2 = np.exp(0.875), np.exp(-0.375)
    got = paired_hurdle_paths([0.0, 3.0, 21.0], [0.5, 0.5, 0.7], crn, level_sd=0.5)
    np.testing.assert_array_equal(got, [[0.0, 1 + med(f1 * 2.5), 1 + med(f1 * 14.5)],
                                        [0.0, 0.0, 1 + med(3.0 * f2 * 29 / 2)]])
    # a level_sd per day (0 on day 2): day 2 keeps its factor-free count
    got = paired_hurdle_paths([0.0, 3.0, 21.0], [0.5, 0.5, 0.7], crn, level_sd=[0.0, 0.0, 0.5])
    np.testing.assert_array_equal(got[:, 1], [3.0, 0.0])
    # persistence 0.5: day 3 after no crossing has P = 0.7 - 0.5 * d with d = 0.5 sqrt(0.21) / 0.5 = 0.458:
    # 0.471 <= 0.69, so path 2 has no crossing on day 3; path 1 (crossing on day 2) keeps its 15
    got = paired_hurdle_paths([0.0, 3.0, 21.0], [0.5, 0.5, 0.7], crn, persistence=0.5)
    np.testing.assert_array_equal(got, [[0.0, 3.0, 15.0], [0.0, 0.0, 0.0]])
    # per-path means (n_paths, n_days): path 2 gets mu 21 on day 2 too -> a = 41, lam = 2 * 41 / 2, no crossing
    got = paired_hurdle_paths(np.array([[0.0, 3.0, 21.0], [0.0, 21.0, 21.0]]), [0.5, 0.5, 0.7], crn)
    np.testing.assert_array_equal(got, want)


def test_common_random_numbers_are_seeded_and_distributed_as_drawn():
    from crossingcast.scenarios.run import _CRN

    a, b, c = _CRN(2000, 5, 1.5, seed=3), _CRN(2000, 5, 1.5, seed=3), _CRN(2000, 5, 1.5, seed=4)
    for name in ("z", "u_cross", "gamma", "u_pois"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
        assert not np.array_equal(getattr(a, name), getattr(c, name))
    assert a.z.shape == (2000, 1) and a.u_cross.shape == a.gamma.shape == a.u_pois.shape == (2000, 5)
    assert a.shape == 1.5
    # Gamma(shape, 1): mean 1.5, variance 1.5 (10,000 draws: standard error 0.012)
    assert a.gamma.mean() == pytest.approx(1.5, abs=0.05) and a.gamma.var() == pytest.approx(1.5, rel=0.1)
    assert abs(a.z.mean()) < 0.1 and a.z.std() == pytest.approx(1.0, abs=0.05)
    for u in (a.u_cross, a.u_pois):
        assert 0.0 <= u.min() and u.max() < 1.0 and u.mean() == pytest.approx(0.5, abs=0.01)
    assert not np.array_equal(a.u_cross, a.u_pois)


def test_best_model_follows_the_scenario_horizon(frame, weekly):
    """``model: best`` resolves by end - origin, as the CLI forecast and summer_outlook do."""
    from crossingcast.models import best_model

    for end, days in (("2026-05-20", 20), ("2026-09-30", 153)):
        spec = _spec(model="best", n_paths=50, scenarios=[{"name": "same", "start": "2026-05-10", "end": end}])
        res = run_scenarios(frame, spec, weekly=weekly)
        assert res.info["model"] == best_model(days)
        assert res.table.loc[0, "diff_mean"] == 0.0
    assert best_model(20) != best_model(153)
