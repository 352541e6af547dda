"""Rolling-origin and season-ahead backtests: folds, no leakage, weather labels, refit modes,
parallel/dask equality, reproducibility, and unbiased totals of the best model on real summers.

Fits are short by design (few origins, small n_paths) so the folder runs in under ~60 s on one core.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crossingcast.evaluate import (BacktestResult, combine_leaderboards, rolling_origin_backtest,
                                   summer_origins)
from crossingcast.evaluate import metrics as M
from crossingcast.models import BEST_MODEL, Forecast, make_forecaster
from crossingcast.models.base import BaseForecaster
from crossingcast.simulate import simulate_channel

FC_COLS = ["model", "origin", "date", "horizon", "mean", "p10", "p50", "p90"]


def _models(names=("seasonal_naive", "hurdle", "sarimax", "gbm"), n_paths=100, **extra):
    out = {}
    for n in names:
        params = {"n_paths": n_paths}
        params.update(extra.get(n, {}))
        out[n] = make_forecaster(n, **params)
    return out


@pytest.fixture(scope="module")
def sim():
    return simulate_channel("2020-01-01", "2023-09-30", seed=3)


def test_summer_origins_weekly_sundays():
    ors = summer_origins([2024], freq="W")[2024]
    assert ors[0] == pd.Timestamp("2024-06-02") and ors[-1] == pd.Timestamp("2024-09-29")
    assert all(o.day_of_week == 6 for o in ors) and len(ors) == 18
    # origins on/after the end of the data are dropped
    assert summer_origins([2024], end=pd.Timestamp("2024-06-20"))[2024] == [pd.Timestamp("2024-06-02"),
                                                                            pd.Timestamp("2024-06-09"),
                                                                            pd.Timestamp("2024-06-16")]


def test_tables_structure_and_folds(frame):
    origins = ["2024-06-02", "2024-06-09"]
    res = rolling_origin_backtest(frame, ["seasonal_naive", "climatology"], origins=origins, horizon=14,
                                  progress=False)
    assert isinstance(res, BacktestResult)
    f = res.forecasts
    for col in ["model", "origin", "date", "horizon", "actual", "mean", "p10", "p50", "p90", "weather"]:
        assert col in f.columns
    assert set(f["horizon"]) == set(range(1, 15))
    assert (f["date"] == f["origin"] + pd.to_timedelta(f["horizon"], unit="D")).all()
    np.testing.assert_array_equal(f["actual"].to_numpy(), frame.loc[f["date"], "migrants"].to_numpy())
    assert len(res.per_origin) == 4 and len(f) == 4 * 14
    assert len(res.weekly) == 4 * 2  # two complete Monday-Sunday weeks per Sunday origin
    board = res.leaderboard()
    for col in ["mae", "rmse", "mase", "crps", "pinball", "coverage80", "wk_rmse", "season_total_error",
                "season_total_mape", "weather"]:
        assert col in board.columns
    assert list(board["rank"]) == [1, 2]
    for _, row in board.iterrows():  # tail shares by hand; they partition the days with coverage80
        d = f[f["model"] == row["model"]]
        assert row["above_p90"] == pytest.approx(np.mean(d["actual"] > d["p90"]))
        assert row["below_p10"] == pytest.approx(np.mean(d["actual"] < d["p10"]))
        assert row["coverage80"] + row["above_p90"] + row["below_p10"] == pytest.approx(1.0)
        wk = res.weekly[res.weekly["model"] == row["model"]]
        assert row["wk_rmse"] == pytest.approx(np.sqrt(np.mean((wk["mean"] - wk["actual"]) ** 2)))
    for table in (f, res.per_origin, res.weekly, board, res.season_totals(), res.timings):
        assert (table["weather"] == "none").all()  # the real series has no weather


def test_no_leakage(frame):
    """Forecasts from origin o never see y after o: perturbing the future leaves them unchanged."""
    o1, o2 = pd.Timestamp("2023-07-02"), pd.Timestamp("2023-07-09")
    models = _models(("seasonal_naive", "hurdle", "sarimax", "gbm"), n_paths=50)
    base = rolling_origin_backtest(frame, models, origins=[o1, o2], horizon=7, progress=False)
    rng = np.random.default_rng(0)
    after2 = frame.copy()
    after2.loc[after2.index > o2, "migrants"] = rng.integers(0, 3000, (after2.index > o2).sum())
    pert = rolling_origin_backtest(after2, models, origins=[o1, o2], horizon=7, progress=False)
    pd.testing.assert_frame_equal(base.forecasts[FC_COLS], pert.forecasts[FC_COLS])
    assert not np.array_equal(base.forecasts["actual"], pert.forecasts["actual"])
    # Perturbing the days between o1 and o2 leaves the o1 forecasts unchanged (season refit: fit at o1).
    between = frame.copy()
    between.loc[(between.index > o1) & (between.index <= o2), "migrants"] += 500
    pb = rolling_origin_backtest(between, models, origins=[o1, o2], horizon=7, progress=False)
    at1 = base.forecasts["origin"] == o1
    pd.testing.assert_frame_equal(base.forecasts.loc[at1, FC_COLS], pb.forecasts.loc[at1, FC_COLS])
    assert not np.allclose(base.forecasts.loc[~at1, "mean"], pb.forecasts.loc[~at1, "mean"])


def test_weather_modes_on_simulated(sim):
    models = _models(("hurdle",), n_paths=100)
    kw = dict(origins=["2023-07-02", "2023-07-16"], horizon=7, progress=False)
    oracle = rolling_origin_backtest(sim, models, weather="oracle", **kw)
    clim = rolling_origin_backtest(sim, models, weather="climatology", **kw)
    assert (oracle.forecasts["weather"] == "oracle").all() and (clim.forecasts["weather"] == "climatology").all()
    assert (oracle.forecasts["model_weather"] == "observed (oracle)").all()
    assert (clim.forecasts["model_weather"] == "climatology").all()
    assert (oracle.leaderboard()["weather"] == "oracle").all()
    # never mixed: every table of a run carries that run's single label, and the model saw that weather
    for res, label, seen in ((oracle, "oracle", "observed (oracle)"), (clim, "climatology", "climatology")):
        assert res.weather == label
        for table in (res.forecasts, res.per_origin, res.weekly, res.leaderboard(), res.season_totals(),
                      res.timings):
            assert set(table["weather"]) == {label}
        assert set(res.forecasts["model_weather"]) == {seen}
    # ... and the two modes cannot be ranked in one table
    with pytest.raises(ValueError, match="mix weather modes"):
        combine_leaderboards(oracle.leaderboard(), clim.leaderboard())
    both = combine_leaderboards(oracle.leaderboard(), oracle.leaderboard())
    assert list(both["rank"]) == [1, 2] and set(both["weather"]) == {"oracle"}
    assert not np.allclose(oracle.forecasts["mean"], clim.forecasts["mean"])
    # The oracle knows the calm days: its daily RMSE is lower on the simulated Channel.
    assert oracle.leaderboard()["rmse"].iloc[0] < clim.leaderboard()["rmse"].iloc[0]
    with pytest.raises(ValueError):
        rolling_origin_backtest(sim, models, weather="forecast", **kw)


def test_weatherless_frame_is_labelled_none(frame):
    res = rolling_origin_backtest(frame, ["seasonal_naive"], origins=["2024-07-07"], horizon=7,
                                  weather="climatology", progress=False)
    assert res.weather == "none" and (res.forecasts["weather"] == "none").all()


def test_refit_season_vs_origin_sarimax(frame):
    models = {"sarimax": make_forecaster("sarimax", design="daily_sqrt", n_paths=50, mean_method="analytic")}
    kw = dict(origins=["2024-06-30", "2024-07-14"], horizon=14, progress=False)
    season = rolling_origin_backtest(frame, models, refit="season", **kw)
    origin = rolling_origin_backtest(frame, models, refit="origin", **kw)
    assert list(season.timings["n_fit"]) == [1] and list(season.timings["n_update"]) == [1]
    assert list(origin.timings["n_fit"]) == [2] and list(origin.timings["n_update"]) == [0]
    a, b = season.forecasts, origin.forecasts
    first = a["origin"] == a["origin"].min()
    np.testing.assert_allclose(a.loc[first, "mean"], b.loc[first, "mean"])  # same fit at the first origin
    # Later origins: parameters from a few weeks earlier vs re-estimated -> close, not identical.
    rel = np.abs(a["mean"].to_numpy() - b["mean"].to_numpy()) / np.maximum(b["mean"].to_numpy(), 1.0)
    assert np.median(rel) < 0.05 and rel.max() < 0.25
    ta, tb = season.per_origin["total_mean"].to_numpy(), origin.per_origin["total_mean"].to_numpy()
    np.testing.assert_allclose(ta, tb, rtol=0.05)


@pytest.fixture(scope="module")
def small_backtest(frame):
    models = _models(("seasonal_naive", "climatology", "hurdle"), n_paths=60)  # SARIMAX/GBM: slow, tested above
    kw = dict(summers=(2023, 2024), first="07-01", last="07-21", horizon=7, progress=False)
    return models, kw, rolling_origin_backtest(frame, models, n_jobs=1, **kw)


def test_joblib_two_jobs_equal_one(frame, small_backtest):
    models, kw, one = small_backtest
    two = rolling_origin_backtest(frame, models, n_jobs=2, **kw)
    pd.testing.assert_frame_equal(one.forecasts, two.forecasts)
    pd.testing.assert_frame_equal(one.per_origin, two.per_origin)
    pd.testing.assert_frame_equal(one.weekly, two.weekly)
    pd.testing.assert_frame_equal(one.leaderboard(), two.leaderboard())


def test_dask_backend_equals_joblib(frame, small_backtest):
    distributed = pytest.importorskip("distributed")
    models, kw, one = small_backtest
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=2,
                            dashboard_address=None) as client:
        assert client.status == "running"
        res = rolling_origin_backtest(frame, models, backend="dask", **kw)
    assert res.settings["backend"] == "dask"
    pd.testing.assert_frame_equal(one.forecasts, res.forecasts)
    pd.testing.assert_frame_equal(one.leaderboard(), res.leaderboard())


def test_dask_backend_without_client_fails_clearly(frame):
    with pytest.raises(RuntimeError, match="Client"):
        rolling_origin_backtest(frame, ["seasonal_naive"], origins=["2024-07-07"], horizon=7, backend="dask",
                                progress=False)


def test_reproducible_tables_and_files(frame, small_backtest, tmp_path):
    models, kw, one = small_backtest
    again = rolling_origin_backtest(frame, models, **kw)
    pd.testing.assert_frame_equal(one.forecasts, again.forecasts)
    p1, p2 = one.to_csv(tmp_path / "a.csv"), again.to_csv(tmp_path / "b.csv")
    assert p1.read_bytes() == p2.read_bytes()
    assert one.to_markdown() == again.to_markdown()
    one.to_csv(tmp_path / "po.csv", which="per_origin")
    assert len(pd.read_csv(tmp_path / "po.csv")) == len(one.per_origin)
    # a different seed changes the sample paths (hence CRPS), not the analytic means of the baselines
    other = rolling_origin_backtest(frame, models, **{**kw, "random_state": 1})
    assert not np.allclose(one.forecasts["crps"], other.forecasts["crps"])


def test_progress_bar_reports_units_and_changes_nothing(frame, capsys, monkeypatch):
    kw = dict(origins=["2024-07-07", "2024-07-14"], horizon=7)
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich treats stderr as a terminal: the bar is drawn
    shown = rolling_origin_backtest(frame, ["seasonal_naive"], progress=True, **kw)
    out = capsys.readouterr()
    text = out.out + out.err
    assert "backtest (1 models, 2 origins, weather=none)" in text and "2/2" in text
    monkeypatch.delenv("FORCE_COLOR")
    piped = rolling_origin_backtest(frame, ["seasonal_naive"], progress=True, **kw)  # not a terminal: quiet
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""
    quiet = rolling_origin_backtest(frame, ["seasonal_naive"], progress=False, **kw)
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""
    pd.testing.assert_frame_equal(piped.forecasts, quiet.forecasts)
    pd.testing.assert_frame_equal(shown.forecasts, quiet.forecasts)
    pd.testing.assert_frame_equal(shown.per_origin, quiet.per_origin)


def test_bad_arguments(frame):
    with pytest.raises(ValueError):
        rolling_origin_backtest(frame, ["seasonal_naive"], origins=["2024-07-07"], refit="never", progress=False)
    with pytest.raises(ValueError):
        rolling_origin_backtest(frame, ["seasonal_naive"], origins=["2099-07-07"], progress=False)
    with pytest.raises(ValueError):
        rolling_origin_backtest(frame, ["seasonal_naive"], summers=(1990,), progress=False)


def test_best_model_totals_unbiased_on_real_summers(frame):
    """Sum of the best model's daily means over non-overlapping 14-day windows (summers 2023-2025)
    lies within its own 80 % interval of the sum.

    Windows are forecast from every other Sunday (freq "2W", horizon 14) so they tile each summer.  The
    interval of the sum treats windows as independent (variance from each window's P10-P90 under a normal
    approximation): narrower than the truth when level errors persist, so the check is strict.
    """
    res = rolling_origin_backtest(frame, {BEST_MODEL: make_forecaster(BEST_MODEL, n_paths=200)},
                                  summers=(2023, 2024, 2025), freq="2W", horizon=14, progress=False)
    po = res.per_origin
    assert len(po) >= 24 and (po["n_days"] == 14).all()
    sd = ((po["total_p90"] - po["total_p10"]) / (2 * 1.2816)).to_numpy()
    err = po["total_mean"].sum() - po["total_actual"].sum()
    half80 = 1.2816 * np.sqrt(np.sum(sd ** 2))
    assert abs(err) <= half80, (err, half80, po["total_mean"].sum(), po["total_actual"].sum())


# ----------------------------------------------------------------- value tests (hand calculations)

class FixedPaths(BaseForecaster):
    """A forecaster with known paths: path 0 is 10 on even horizons, path 1 on odd ones, path 2 every day,
    path 3 never.  Every day is {0, 0, 10, 10} (daily P10 0, P90 10), but the paths are not comonotone,
    so a quantile of a sum differs from the sum of the daily quantiles."""

    def __init__(self, level: float = 10.0):
        self.level = level

    def fit(self, frame):
        self.last_date_ = frame.index[-1]
        self.is_fitted_ = True
        return self

    def predict(self, future):
        idx = pd.DatetimeIndex(future.index)
        d = np.arange(len(idx))
        paths = self.level * np.vstack([d % 2 == 0, d % 2 == 1, np.ones(len(d)), np.zeros(len(d))]).astype(float)
        return Forecast.from_paths(paths, idx, model="fixed", mean=np.full(len(idx), self.level / 2))


def test_backtest_scores_by_hand(frame):
    o = pd.Timestamp("2024-07-07")  # a Sunday: horizon 14 is two complete Monday-Sunday weeks
    res = rolling_origin_backtest(frame, {"fixed": FixedPaths()}, origins=[o], horizon=14, progress=False)
    y = frame.loc[o + pd.Timedelta(days=1):o + pd.Timedelta(days=14), "migrants"].to_numpy(dtype=float)
    row = res.per_origin.iloc[0]
    # MASE: MAE of the mean (5 every day) over the seasonal-naive MAE with lag 7 (same weekday last
    # week) on the 365 days up to and including the origin
    past = frame.loc[:o, "migrants"].to_numpy(dtype=float)[-365:]
    scale7 = np.mean(np.abs(past[7:] - past[:-7]))
    assert row["mase"] == pytest.approx(np.mean(np.abs(y - 5.0)) / scale7, rel=1e-12)
    assert row["mase"] != pytest.approx(np.mean(np.abs(y - 5.0)) / np.mean(np.abs(past[1:] - past[:-1])))
    assert row["mae"] == pytest.approx(np.mean(np.abs(y - 5.0)))
    assert row["rmse"] == pytest.approx(np.sqrt(np.mean((y - 5.0) ** 2))) and row["n_days"] == 14
    # CRPS of {0, 0, 10, 10}: E|X - y| - E|X - X'| / 2 with E|X - X'| = 8 * 10 / 16 = 5
    assert row["crps"] == pytest.approx(np.mean(0.5 * np.abs(y) + 0.5 * np.abs(y - 10.0) - 2.5))
    # pinball at P10 = 0, P50 = 5 (numpy linear), P90 = 10
    pin = [np.mean(np.maximum(lv * (y - q), (lv - 1) * (y - q))) for lv, q in ((0.1, 0.0), (0.5, 5.0), (0.9, 10.0))]
    assert row["pinball"] == pytest.approx(np.mean(pin))
    assert row["coverage80"] == pytest.approx(np.mean((y >= 0) & (y <= 10)))
    # 14-day total: mean 14 * 5; path sums {70, 70, 140, 0}: P10 = 0.3 * 70 = 21, P90 = 70 + 0.7 * 70 = 119
    # (the sums of the daily quantiles would be 0 and 140)
    assert row["total_mean"] == 70.0 and row["total_actual"] == y.sum()
    assert row["total_p10"] == pytest.approx(21.0) and row["total_p90"] == pytest.approx(119.0)
    # weekly totals: path sums {40, 30, 70, 0} then {30, 40, 70, 0}: P10 9, P90 61 (daily P90 sum: 70)
    wk = res.weekly
    assert list(wk["week_end"]) == [pd.Timestamp("2024-07-14"), pd.Timestamp("2024-07-21")]
    assert list(wk["mean"]) == [35.0, 35.0]
    assert wk["p10"].tolist() == pytest.approx([9.0, 9.0]) and wk["p90"].tolist() == pytest.approx([61.0, 61.0])
    assert wk["actual"].tolist() == [y[:7].sum(), y[7:].sum()]
    f = res.forecasts
    assert f["p10"].eq(0.0).all() and f["p90"].eq(10.0).all() and f["p50"].eq(5.0).all()
    np.testing.assert_allclose(f["crps"], 0.5 * np.abs(y) + 0.5 * np.abs(y - 10.0) - 2.5)


def test_mase_in_backtest_uses_lag_7_scale(frame):
    """The backtest's MASE scale is the weekly-naive in-sample MAE: recomputed by hand for each origin."""
    origins = [pd.Timestamp("2024-06-30"), pd.Timestamp("2024-07-14")]
    res = rolling_origin_backtest(frame, ["seasonal_naive"], origins=origins, horizon=7, progress=False)
    for o in origins:
        po = res.per_origin[res.per_origin["origin"] == o].iloc[0]
        f = res.forecasts[res.forecasts["origin"] == o]
        past = frame.loc[:o, "migrants"].to_numpy(dtype=float)[-365:]
        scale = np.mean(np.abs(past[7:] - past[:-7]))
        assert scale == pytest.approx(M.mase_scale(past, 7))
        assert po["mase"] == pytest.approx(np.mean(np.abs(f["actual"] - f["mean"])) / scale, rel=1e-12)


def _toy_result(rows):
    fc = pd.DataFrame(rows, columns=["model", "summer", "origin", "date", "horizon", "actual", "mean"])
    for c in ("p10", "p50", "p90", "crps"):
        fc[c] = 0.0
    fc["weather"] = "none"
    return BacktestResult(forecasts=fc, per_origin=pd.DataFrame(), weekly=pd.DataFrame(),
                          timings=pd.DataFrame(), settings={"weather_label": "none"})


def test_season_totals_keep_the_shortest_horizon_by_hand():
    """Two origins a week apart, 14 days each: the 7 overlapping days come from the later origin
    (horizon 1..7), never from the earlier one (horizon 8..14)."""
    o1, o2 = pd.Timestamp("2024-07-07"), pd.Timestamp("2024-07-14")
    rows = []
    for k, o in enumerate((o1, o2)):
        for h in range(1, 15):
            d = o + pd.Timedelta(days=h)
            # means: 100 from o1, 1000 from o2, plus the horizon, so each choice has its own sum
            rows.append(["m", 2024, o, d, h, float(d.day), (100.0 if k == 0 else 1000.0) + h])
    # a second model with one origin only, rows in shuffled order
    rows += [["n", 2024, o1, o1 + pd.Timedelta(days=h), h, 1.0, 2.0] for h in (3, 1, 2)]
    st = _toy_result(rows).season_totals().set_index("model")
    # model m: days 8-14 Jul from o1 (h 1..7): sum 100*7 + 28 = 728; days 15-28 Jul from o2 (h 1..14):
    # 1000*14 + 105 = 14105; total 14833 (keeping the longest horizon would take 15-21 Jul from o1 (h 8..14)
    # and 22-28 Jul from o2 (h 8..14): 728 + 777 + 7077 = 8582)
    assert st.loc["m", "n_days"] == 21
    assert st.loc["m", "mean"] == 14833.0
    assert st.loc["m", "actual"] == float(sum(range(8, 29)))
    assert st.loc["m", "error"] == 14833.0 - sum(range(8, 29))
    assert st.loc["m", "pct_error"] == pytest.approx(100 * (14833.0 - 378.0) / 378.0)
    assert st.loc["n", "n_days"] == 3 and st.loc["n", "mean"] == 6.0 and st.loc["n", "actual"] == 3.0
    assert (st["weather"] == "none").all()


def test_season_total_pct_error_is_nan_when_nothing_crossed():
    o = pd.Timestamp("2024-01-07")
    st = _toy_result([["m", 2024, o, o + pd.Timedelta(days=1), 1, 0.0, 3.0]]).season_totals()
    assert st["error"].iloc[0] == 3.0 and np.isnan(st["pct_error"].iloc[0])


def _hand_result(weekly=True, pit=True):
    """Two models with known forecasts, per-origin totals and weeks (the leaderboard by hand below)."""
    d = pd.Timestamp
    a = [  # model a: one origin in summer 2023, one in 2024
        ["a", 2023, d("2023-07-07"), d("2023-07-08"), 1, 0.0, 2.0, 0.0, 1.0, 3.0, 1.0, 0.05],
        ["a", 2023, d("2023-07-07"), d("2023-07-09"), 2, 10.0, 6.0, 2.0, 6.0, 9.0, 2.0, 0.95],
        ["a", 2024, d("2024-07-09"), d("2024-07-10"), 1, 4.0, 4.0, 5.0, 6.0, 9.0, 3.0, 0.5],
        ["a", 2024, d("2024-07-09"), d("2024-07-11"), 2, 2.0, 8.0, 0.0, 1.0, 1.0, 6.0, 0.1],
    ]
    b = [["b", 2024, d("2024-07-09"), d("2024-07-10"), 1, 5.0, 5.0, 5.0, 5.0, 5.0, 0.0, 0.5],
         ["b", 2024, d("2024-07-09"), d("2024-07-11"), 2, 5.0, 5.0, 5.0, 5.0, 5.0, 0.0, 0.9]]
    fc = pd.DataFrame(a + b, columns=["model", "summer", "origin", "date", "horizon", "actual", "mean", "p10", "p50",
                                      "p90", "crps", "pit"])
    if not pit:
        fc = fc.drop(columns="pit")
    fc["weather"] = "oracle"
    po = pd.DataFrame({"model": ["a", "a", "b"], "mase": [1.0, 3.0, 0.5], "total_actual": [10.0, 6.0, 10.0],
                       "total_p10": [5.0, 7.0, 9.0], "total_p90": [10.0, 20.0, 11.0], "weather": "oracle"})
    wk = pd.DataFrame({"model": ["a", "a", "b"], "mean": [20.0, 5.0, 10.0], "actual": [16.0, 8.0, 13.0],
                       "p10": [10.0, 6.0, 0.0], "p90": [30.0, 7.0, 20.0], "weather": "oracle"})
    return BacktestResult(forecasts=fc, per_origin=po, weekly=wk if weekly else pd.DataFrame(), timings=pd.DataFrame(),
                          settings={"weather_label": "oracle"})


def test_leaderboard_by_hand():
    board = _hand_result().leaderboard()
    # ranked by weekly-total RMSE: b (|10 - 13| = 3) before a (sqrt((16 + 9) / 2) = 3.536)
    assert list(board["model"]) == ["b", "a"] and list(board["rank"]) == [1, 2]
    a, b = board.iloc[1], board.iloc[0]
    # model a: actual 0, 10, 4, 2 against means 2, 6, 4, 8 -> errors 2, -4, 0, 6
    assert a["mae"] == 3.0 and a["rmse"] == pytest.approx(np.sqrt(14.0))
    assert a["mase"] == 2.0 and a["crps"] == 3.0  # means over origins / days
    # pinball: P10 d = 0, 8, -1, 2 -> 0, 0.8, 0.9, 0.2 (mean 0.475); P50 |d| / 2 = 0.5, 2, 1, 0.5 (1.0);
    # P90 d = -3, 1, -5, 1 -> 0.3, 0.9, 0.5, 0.9 (0.65)
    assert a["pinball"] == pytest.approx((0.475 + 1.0 + 0.65) / 3)
    # PIT 0.05, 0.95, 0.5, 0.1: one strictly below 0.1, one above 0.9; KS: sorted 0.05, 0.1, 0.5, 0.95,
    # D+ = max(0.2, 0.4, 0.25, 0.05) = 0.4
    assert a["pit_below10"] == 0.25 and a["pit_above90"] == 0.25 and a["pit_ks"] == pytest.approx(0.4)
    # daily interval: 0 in [0, 3]; 10 above [2, 9]; 4 below [5, 9]; 2 above [0, 1]
    assert a["coverage80"] == 0.25 and a["below_p10"] == 0.25 and a["above_p90"] == 0.5
    # totals: 10 in [5, 10] (closed), 6 below [7, 20]; weeks: 16 in [10, 30], 8 above [6, 7]
    assert a["total_coverage80"] == 0.5 and a["wk_coverage80"] == 0.5
    assert a["wk_rmse"] == pytest.approx(np.sqrt(12.5))
    # season totals: 2023 mean 8 vs 10 (-2, 20 %), 2024 mean 12 vs 6 (+6, 100 %)
    assert a["season_total_error"] == 2.0 and a["season_total_mape"] == pytest.approx(60.0)
    assert a["n_origins"] == 2 and a["n_days"] == 4 and a["weather"] == "oracle"
    # model b: perfect daily means and a point interval at the actual value; PIT 0.5 and 0.9 (not above 0.9)
    assert b["mae"] == 0.0 and b["rmse"] == 0.0 and b["pinball"] == 0.0 and b["mase"] == 0.5
    assert b["coverage80"] == 1.0 and b["below_p10"] == 0.0 and b["above_p90"] == 0.0
    assert b["pit_ks"] == 0.5 and b["pit_below10"] == 0.0 and b["pit_above90"] == 0.0
    assert b["total_coverage80"] == 1.0 and b["wk_rmse"] == 3.0 and b["wk_coverage80"] == 1.0
    assert b["season_total_error"] == 0.0 and b["season_total_mape"] == 0.0
    assert b["n_origins"] == 1 and b["n_days"] == 2
    assert list(board.columns[:2]) == ["rank", "model"]


def test_leaderboard_without_weeks_or_pit_and_empty():
    board = _hand_result(weekly=False, pit=False).leaderboard()
    # no weekly rows: NaN weekly figures, so the ranking falls back to the model name
    assert list(board["model"]) == ["a", "b"]
    assert board["wk_rmse"].isna().all() and board["wk_coverage80"].isna().all()
    for col in ("pit_ks", "pit_below10", "pit_above90"):
        assert board[col].isna().all()
    assert board.loc[0, "mae"] == 3.0
    # a model with a per-origin row but no scored days: NaN daily and season figures, quietly, ranked last
    res = _hand_result()
    res.per_origin = pd.concat([res.per_origin, pd.DataFrame({"model": ["c"], "mase": [1.0], "total_actual": [1.0],
                                                              "total_p10": [0.0], "total_p90": [2.0]})])
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        board = res.leaderboard()
    c = board.iloc[2]
    assert c["model"] == "c" and c["n_days"] == 0 and c["n_origins"] == 1 and c["total_coverage80"] == 1.0
    for col in ("mae", "rmse", "crps", "pinball", "pit_ks", "pit_below10", "pit_above90", "coverage80", "below_p10",
                "above_p90", "wk_rmse", "wk_coverage80", "season_total_error", "season_total_mape"):
        assert np.isnan(c[col]), col
    empty = BacktestResult(forecasts=pd.DataFrame(), per_origin=pd.DataFrame(), weekly=pd.DataFrame(),
                           timings=pd.DataFrame())
    assert empty.leaderboard().empty and empty.weather == "none"
    assert list(empty.season_totals().columns) == ["model", "summer", "n_days", "mean", "actual", "error",
                                                   "pct_error", "weather"]


def test_score_origin_without_paths_by_hand():
    """A forecast without sample paths scores NaN for the CRPS and the total's interval, never a made-up one."""
    from crossingcast.evaluate.backtest import _score_origin

    idx = pd.date_range("2024-07-08", periods=3, freq="D")
    q = pd.DataFrame({0.1: [0.0, 1.0, 2.0], 0.5: [1.0, 2.0, 3.0], 0.9: [2.0, 3.0, 4.0]}, index=idx)
    fc = Forecast(mean=pd.Series([1.0, 2.0, 3.0], index=idx), quantiles=q)
    # y_before: 0..13 -> every lag-7 difference is 7, the scale is 7
    row = _score_origin(fc, np.array([1.0, 4.0, 3.0]), np.arange(14.0))
    assert np.isnan(row["crps"]) and np.isnan(row["total_p10"]) and np.isnan(row["total_p90"])
    assert row["n_days"] == 3 and row["mae"] == pytest.approx(2 / 3) and row["rmse"] == pytest.approx(np.sqrt(4 / 3))
    assert row["mase"] == pytest.approx((2 / 3) / 7) and row["total_mean"] == 6.0 and row["total_actual"] == 8.0
    # 1 in [0, 2], 4 above [1, 3], 3 in [2, 4]
    assert row["coverage80"] == pytest.approx(2 / 3)
