"""How to combine the five members' distributions: mean vs median vs trimmed mean of their quantiles.

The season-ahead backtest (every model fitted at every origin, 2021-2025) is run once; from the members'
stored path totals three equal-weight combinations are formed per origin and target, each with its spread
scaled by the factor fitted on the same target's totals of **earlier years only** (as ``ensemble_qa``):

* ``mean``    -- the mean of the members' quantiles (Vincentization; ``ensemble_qa``); its mean is the
  members' mean;
* ``median``  -- the median of the members' quantiles (the US COVID-19 Forecast Hub's robust choice: Ray et
  al. 2023, "Comparing trained and untrained probabilistic ensemble forecasts of COVID-19 cases and deaths in
  the United States", International Journal of Forecasting 39(3));
* ``trimmed`` -- the mean of the middle three members at each rank (the highest and lowest dropped).

The median and trimmed combinations' means are the means of their own distributions (the sample mean),
so totals remain means of a predictive distribution.  Prints, per combination, the CRPS / MAPE / 80 %
coverage per target and the figures of issue 10's RESULT line.  Run by hand (about 200 s on two cores):

    OMP_NUM_THREADS=1 CROSSINGCAST_DATA=../shared/data python benchmarks/season_ahead_combinations.py

Last line: ``RESULT combos_skill_mean=<..> combos_skill_median=<..> combos_skill_trimmed=<..>``
(rest-of-season CRPS skill against persistence, all origins).
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import load_frame  # noqa: E402

from crossingcast.evaluate import metrics as M  # noqa: E402
from crossingcast.evaluate import season_ahead_backtest  # noqa: E402
from crossingcast.evaluate.leaderboard import format_markdown  # noqa: E402
from crossingcast.models.ensemble import crps_spread_scale, ranked_samples, scale_spread  # noqa: E402

MODELS = ["seasonal_naive", "climatology", "persistence", "hurdle", "gbm", "sarimax", "level", "ensemble"]
TARGETS = ("rest_of_season", "jun_sep", "may_aug20", "year")


def combinations(res) -> pd.DataFrame:
    """Per combination, origin and target: mean, actual, CRPS, |error| / actual, covered by the 80 % interval."""
    members = res.settings["ensemble_members"]
    po = res.per_origin
    keyed = po.set_index(["model", "origin", "target"])
    keys = sorted({(o, t) for (m, o, t) in res.samples if m == members[0] and t in TARGETS})
    base = {}
    for o, t in keys:
        ranked = ranked_samples([res.samples[(m, o, t)] for m in members])
        mean_q = ranked.mean(axis=0)
        median_q = np.median(ranked, axis=0)
        trimmed_q = np.sort(ranked, axis=0)[1:-1].mean(axis=0)
        members_mean = float(np.mean([keyed.loc[(m, o, t), "mean"] for m in members]))
        base[(o, t)] = ({"mean": (mean_q, members_mean), "median": (median_q, float(median_q.mean())),
                         "trimmed": (trimmed_q, float(trimmed_q.mean()))},
                        float(keyed.loc[(members[0], o, t), "actual"]))
    rows = []
    for name in ("mean", "median", "trimmed"):
        for year in sorted({o.year for o, _ in keys}):
            for target in TARGETS:
                past = [(*base[(o, t)][0][name], base[(o, t)][1]) for (o, t) in keys if o.year < year and t == target]
                scale = crps_spread_scale(past) if past else 1.0
                for o, t in keys:
                    if o.year != year or t != target:
                        continue
                    combos, actual = base[(o, t)]
                    sample, mean = combos[name]
                    s = scale_spread(sample, mean, scale)
                    p10, p90 = np.quantile(s, (0.1, 0.9))
                    rows.append({"combination": name, "year": year, "origin": o, "target": t, "mean": mean,
                                 "actual": actual, "crps": float(M.crps_paths(s[:, None], np.array([actual]))[0]),
                                 "ape": abs(mean - actual) / actual, "covered80": bool(p10 <= actual <= p90)})
    return pd.DataFrame(rows)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n-jobs", type=int, default=2)
    ap.add_argument("--n-paths", type=int, default=500)
    args = ap.parse_args(argv)
    warnings.simplefilter("ignore")
    frame = load_frame()
    t0 = time.perf_counter()
    res = season_ahead_backtest(frame, {m: (None if m == "ensemble" else _model(m, args.n_paths)) for m in MODELS},
                                refit="origin", n_jobs=args.n_jobs, random_state=0)
    d = combinations(res)
    pers = res.per_origin[res.per_origin["model"] == "persistence"].set_index(["origin", "target"])["crps"]
    board = d.groupby(["target", "combination"])[["crps", "ape", "covered80"]].mean().reset_index()
    print(format_markdown(board, "%.3g"))
    skills = {}
    for name in ("mean", "median", "trimmed"):
        r = d[(d["combination"] == name) & (d["target"] == "rest_of_season")]
        skills[name] = 1 - r["crps"].mean() / pers.xs("rest_of_season", level=1).mean()
        by_year = r.groupby("year").apply(
            lambda g: 1 - g["crps"].sum() / pers.loc[list(zip(g["origin"], g["target"]))].sum())
        js = d[(d["combination"] == name) & (d["target"] == "jun_sep") & (d["origin"].dt.strftime("%m-%d") == "05-31")]
        yr = d[(d["combination"] == name) & (d["target"] == "year") & (d["origin"].dt.strftime("%m-%d") == "05-15")]
        print(f"{name}: skill {skills[name]:.3f} (by year {', '.join(f'{v:+.2f}' for v in by_year)}), "
              f"sa_mape {js['ape'].mean():.3f}, worst {js['ape'].max():.3f}, year_mape {yr['ape'].mean():.3f}, "
              f"coverage80 {r['covered80'].mean():.3f}")
    print(f"\nwall time {time.perf_counter() - t0:.0f} s")
    print("RESULT " + " ".join(f"combos_skill_{k}={v:.3f}" for k, v in skills.items()))
    return 0


def _model(name: str, n_paths: int):
    from crossingcast.models import make_forecaster

    if name in ("seasonal_naive", "climatology"):
        return make_forecaster(name, calibration="horizon", n_paths=n_paths)
    return make_forecaster(name, n_paths=n_paths)


if __name__ == "__main__":
    raise SystemExit(main())
