"""Season-ahead backtest: origins, targets, scores, pooled ensemble, no leakage, vintages hook."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crossingcast.evaluate import SeasonAheadResult, season_ahead_backtest, season_origins
from crossingcast.evaluate.metrics import crps_paths
from crossingcast.evaluate.season_ahead import SURGE_THRESHOLD, _windows
from crossingcast.models import make_forecaster


def test_default_origins_sundays_march_july_plus_fixed_dates():
    ors = season_origins([2023])[2023]
    sundays = [o for o in ors if o.day_of_week == 6]
    assert sundays[0] == pd.Timestamp("2023-03-05") and sundays[-1] == pd.Timestamp("2023-07-30")
    assert {pd.Timestamp("2023-04-30"), pd.Timestamp("2023-05-15"), pd.Timestamp("2023-05-31")} <= set(ors)
    assert len(ors) == len(set(ors)) == 24  # 22 Sundays (30 Apr 2023 is one) + 15 May + 31 May
    assert sum(len(v) for v in season_origins(range(2021, 2026)).values()) in range(105, 125)


def test_windows_per_origin():
    w = _windows(pd.Timestamp("2024-04-30"))
    assert set(w) == {"rest_of_season", "jun_sep", "may_aug20", "year", "surge_days"}
    assert w["may_aug20"] == (pd.Timestamp("2024-05-01"), pd.Timestamp("2024-08-20"))
    w = _windows(pd.Timestamp("2024-06-02"))
    assert set(w) == {"rest_of_season", "year", "surge_days"}
    assert w["rest_of_season"] == (pd.Timestamp("2024-06-03"), pd.Timestamp("2024-09-30"))


@pytest.fixture(scope="module")
def small(frame):
    models = {"persistence": make_forecaster("persistence", n_paths=300),
              "seasonal_naive": make_forecaster("seasonal_naive", calibration="horizon", n_paths=300)}
    return season_ahead_backtest(frame, {**models}, years=(2023, 2024, 2025),
                                 origins=["04-30", "05-31", "2024-07-07", "2025-07-06", "2025-07-13"])


def test_targets_actuals_and_scores(small, frame):
    assert isinstance(small, SeasonAheadResult)
    y = frame["migrants"]
    po = small.per_origin
    assert set(po["target"]) == {"rest_of_season", "jun_sep", "may_aug20", "year", "surge_days"}
    for _, r in po.iterrows():
        o, yr = r["origin"], r["year"]
        if r["target"] == "year":
            assert r["actual"] == y.loc[f"{yr}-01-01":f"{yr}-12-31"].sum()
            assert r["known"] == 0 and r["mean"] >= y.loc[f"{yr}-01-01":o].sum()  # includes the year to date
        elif r["target"] == "surge_days":
            assert r["actual"] == (y.loc[o + pd.Timedelta(days=1):f"{yr}-09-30"] >= SURGE_THRESHOLD).sum()
        else:
            assert r["actual"] == y.loc[r["start"]:r["end"]].sum()
        s = small.samples[(r["model"], o, r["target"])]
        assert r["crps"] == pytest.approx(crps_paths(s[:, None], [r["actual"]])[0])
        assert r["covered80"] == (r["p10"] <= r["actual"] <= r["p90"])
        assert r["pit"] == pytest.approx(np.mean(s < r["actual"]) + 0.5 * np.mean(s == r["actual"]))
        assert r["error"] == pytest.approx(r["mean"] - r["actual"])
    # totals are sums of daily means: the model's own forecast, re-made by hand
    o = pd.Timestamp("2024-05-31")
    from crossingcast.frame import future_frame
    m = make_forecaster("persistence", n_paths=300).fit(frame.loc[:o])
    fc = m.predict(future_frame(frame.loc[:o], o + pd.Timedelta(days=1), "2024-12-31"))
    row = po[(po["model"] == "persistence") & (po["origin"] == o) & (po["target"] == "jun_sep")].iloc[0]
    assert row["mean"] == pytest.approx(fc.total("2024-06-01", "2024-09-30")["mean"])


def test_leaderboard_skill_pit_and_month_tables(small):
    board = small.leaderboard("rest_of_season")
    assert list(board["rank"]) == [1, 2] and board["crps"].is_monotonic_increasing
    best_base = board["crps"].min()
    assert board["skill"].tolist() == pytest.approx((1 - board["crps"] / best_base).tolist())
    assert small.pit_histogram().to_numpy().sum() == 2 * (small.per_origin["target"] == "rest_of_season").sum() // 2
    assert set(small.error_by_month().columns) == {4, 5, 7}
    sk = small.skill()
    assert list(sk.index) == ["persistence", "seasonal_naive"] and "jun_sep" in sk.columns
    with pytest.raises(ValueError):
        small.leaderboard("summer")


def test_reproducible(frame, small):
    again = season_ahead_backtest(frame, {"persistence": make_forecaster("persistence", n_paths=300),
                                          "seasonal_naive": make_forecaster("seasonal_naive", calibration="horizon",
                                                                            n_paths=300)},
                                  years=(2023, 2024, 2025),
                                  origins=["04-30", "05-31", "2024-07-07", "2025-07-06", "2025-07-13"], n_jobs=2)
    a = small.per_origin.drop(columns="seconds")
    b = again.per_origin.drop(columns="seconds")
    pd.testing.assert_frame_equal(a, b)


def test_pooled_ensemble_weights_from_earlier_years_only(frame):
    res = season_ahead_backtest(frame, ["climatology", "persistence", "ensemble"], years=(2023, 2024, 2025),
                                origins=["04-30", "05-31", "06-28"], ensemble_members=["climatology", "persistence"])
    w = res.ensemble_weights.set_index("year")
    assert w.loc[2023, "source"].startswith("equal") and w.loc[2023, "past_years"] == ""
    assert w.loc[2024, "past_years"] == "2023" and w.loc[2025, "past_years"] == "2023,2024"
    po = res.per_origin
    for (o, t), g in po.groupby(["origin", "target"]):
        mem = g.set_index("model")
        ww = w.loc[o.year]
        expect = ww["climatology"] * mem.loc["climatology", "mean"] + ww["persistence"] * mem.loc["persistence",
                                                                                                   "mean"]
        assert mem.loc["ensemble", "mean"] == pytest.approx(expect, rel=1e-12)
        pooled = res.samples[("ensemble", o, t)]
        members = np.concatenate([res.samples[("climatology", o, t)], res.samples[("persistence", o, t)]])
        assert np.isin(pooled, members).all()
    # 2024's weights do not depend on 2024's or 2025's outcomes
    cut = frame.copy()
    cut.loc["2024-01-01":, "migrants"] = cut.loc["2024-01-01":, "migrants"] * 2
    # (asking for "ensemble_qa" asks for the same two combinations from stored samples: nothing is fitted live)
    res2 = season_ahead_backtest(cut, ["climatology", "persistence", "ensemble_qa"], years=(2023, 2024, 2025),
                                 origins=["04-30", "05-31", "06-28"], ensemble_members=["climatology", "persistence"])
    assert set(res2.per_origin["model"]) == {"climatology", "persistence", "ensemble", "ensemble_qa"}
    assert set(res2.per_origin.loc[res2.per_origin["model"] == "ensemble_qa", "how"]) == {"quantile-averaged"}
    w2 = res2.ensemble_weights.set_index("year")
    assert w2.loc[2024, "climatology"] == pytest.approx(w.loc[2024, "climatology"])
    # ensemble_qa: equal-weight quantile average, spread scale from earlier years only (1 in the first year)
    from crossingcast.models.ensemble import crps_spread_scale, quantile_average, scale_spread

    assert w.loc[2023, "qa_scale_rest_of_season"] == 1.0 and w.loc[2023, "qa_scale_year"] == 1.0
    assert w2.loc[2024, "qa_scale_rest_of_season"] == w.loc[2024, "qa_scale_rest_of_season"]
    for target in ("rest_of_season", "year"):  # each target's factor from its own totals of 2023 only
        past = []
        for o in sorted({o for o in po["origin"] if o.year == 2023}):
            mem = po[(po["origin"] == o) & (po["target"] == target)].set_index("model")
            past.append((quantile_average([res.samples[(m, o, target)] for m in ("climatology", "persistence")]),
                         (mem.loc["climatology", "mean"] + mem.loc["persistence", "mean"]) / 2,
                         mem.loc["climatology", "actual"]))
        assert w.loc[2024, f"qa_scale_{target}"] == crps_spread_scale(past)
    # the factor the live forecaster stores: the same rule on every season
    every = []
    for o in sorted(set(po["origin"])):
        mem = po[(po["origin"] == o) & (po["target"] == "rest_of_season")].set_index("model")
        every.append((quantile_average([res.samples[(m, o, "rest_of_season")] for m in ("climatology", "persistence")]),
                      (mem.loc["climatology", "mean"] + mem.loc["persistence", "mean"]) / 2,
                      mem.loc["climatology", "actual"]))
    assert res.settings["qa_scale_all_seasons"]["rest_of_season"] == crps_spread_scale(every)
    for (o, t), g in po.groupby(["origin", "target"]):
        mem = g.set_index("model")
        mean = (mem.loc["climatology", "mean"] + mem.loc["persistence", "mean"]) / 2
        assert mem.loc["ensemble_qa", "mean"] == pytest.approx(mean, rel=1e-12)
        expect = scale_spread(quantile_average([res.samples[("climatology", o, t)],
                                                res.samples[("persistence", o, t)]]), mean,
                              w.loc[o.year, f"qa_scale_{t}"])
        np.testing.assert_allclose(res.samples[("ensemble_qa", o, t)], expect)


LEAK_MODELS = {
    "seasonal_naive": dict(name="seasonal_naive", calibration="horizon", n_paths=100),
    "climatology": dict(name="climatology", calibration="horizon", n_paths=100),
    "persistence": dict(name="persistence", n_paths=100),
    "hurdle": dict(name="hurdle", n_paths=100),
    "gbm": dict(name="gbm", n_paths=100, n_estimators=10),
    "sarimax": dict(name="sarimax", n_paths=100, maxiter=5, train_years=2),
}


@pytest.mark.parametrize("model", list(LEAK_MODELS))
def test_no_leakage_data_after_the_origin_does_not_move_the_forecast(frame, model):
    """Triple every day after the origin (and add noise): the forecasts from that origin must not move."""
    spec = dict(LEAK_MODELS[model])
    est = make_forecaster(spec.pop("name"), **spec)
    o = pd.Timestamp("2024-05-12")
    fr = frame.loc[:"2024-12-31"]
    pert = fr.copy()
    after = pert.index > o
    pert.loc[after, "migrants"] = pert.loc[after, "migrants"] * 3 + 7
    kw = dict(years=(2024,), origins=["2024-04-28", o], random_state=3)
    a = season_ahead_backtest(fr, {model: est}, **kw)
    b = season_ahead_backtest(pert, {model: est}, **kw)
    for res in (a, b):
        assert set(res.per_origin["how"]) == {"fit", "update"}
    ka, kb = a.per_origin.set_index(["origin", "target"]), b.per_origin.set_index(["origin", "target"])
    assert np.array_equal(ka["mean"].to_numpy(), kb["mean"].to_numpy())
    for key in a.samples:
        assert np.array_equal(a.samples[key], b.samples[key])
    assert not np.array_equal(ka["actual"].to_numpy(), kb["actual"].to_numpy())  # the perturbation is seen


def test_frame_at_supplies_the_data_known_at_each_origin(frame):
    seen = []

    def as_of(origin):
        seen.append(origin)
        out = frame.loc[:origin].copy()
        out["migrants"] = out["migrants"] * 2  # a "vintage" twice as high
        return out

    kw = dict(years=(2024,), origins=["04-30", "05-31"])
    plain = season_ahead_backtest(frame, {"persistence": make_forecaster("persistence", n_paths=100)}, **kw)
    vint = season_ahead_backtest(frame, {"persistence": make_forecaster("persistence", n_paths=100)},
                                 frame_at=as_of, **kw)
    assert seen == [pd.Timestamp("2024-04-30"), pd.Timestamp("2024-05-31")]
    p, v = plain.totals("jun_sep"), vint.totals("jun_sep")
    assert np.array_equal(p["actual"], v["actual"])  # actuals from the latest frame
    assert np.allclose(v["mean"], 2 * p["mean"])


def test_bad_input(frame):
    with pytest.raises(ValueError):
        season_ahead_backtest(frame, ["persistence"], years=(2030,))
    with pytest.raises(ValueError):
        season_ahead_backtest(frame, ["persistence"], refit="summer")
    with pytest.raises(ValueError):
        season_ahead_backtest(frame, ["persistence", "ensemble"], years=(2024,), origins=["05-31"])


def test_skill_by_year_by_hand():
    """Yearly mean CRPS against the best baseline, paired over years (values worked by hand)."""
    from crossingcast.evaluate.season_ahead import SeasonAheadResult

    rows = []
    # (model, year, origin, crps): persistence 15 then 10 per year; "hurdle" 6 then 12
    cases = [("persistence", 2024, "2024-05-05", 10.0), ("persistence", 2024, "2024-05-12", 20.0),
             ("persistence", 2025, "2025-05-04", 10.0),
             ("hurdle", 2024, "2024-05-05", 6.0), ("hurdle", 2024, "2024-05-12", 6.0),
             ("hurdle", 2025, "2025-05-04", 12.0)]
    for model, year, origin, crps in cases:
        rows.append({"model": model, "year": year, "origin": pd.Timestamp(origin), "target": "rest_of_season",
                     "crps": crps, "mean": 100.0, "known": 0.0, "actual": 100.0, "known_actual": 0.0,
                     "pct_error": 0.0, "abs_pct_error": 0.0, "covered80": True, "pit": 0.5})
    res = SeasonAheadResult(per_origin=pd.DataFrame(rows))
    t = res.skill_by_year().set_index("model")
    assert list(t.index) == ["persistence", "hurdle"] and (t["reference"] == "persistence").all()
    # pooled over the 3 origins the hurdle leads (8 vs 13.3), but by year it wins 2024 and loses 2025:
    assert t.loc["hurdle", "skill_2024"] == pytest.approx(1 - 6 / 15)
    assert t.loc["hurdle", "skill_2025"] == pytest.approx(1 - 12 / 10)
    assert t.loc["hurdle", "wins"] == 1 and t.loc["hurdle", "years"] == 2
    # differences (-9, +2): sign patterns give |mean| 3.5, 5.5, 5.5, 3.5 -> all >= 3.5
    assert t.loc["hurdle", "p_two_sided"] == 1.0
    assert t.loc["persistence", "skill_2024"] == 0.0
    # no baseline run: nothing to compare with
    assert SeasonAheadResult(per_origin=pd.DataFrame(rows).assign(model="hurdle")).skill_by_year().empty
