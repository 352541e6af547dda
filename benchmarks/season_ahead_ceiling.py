"""How good can a level-persistence forecast of a season total get, with hindsight? (issue 10)

The season-ahead targets of issue 10 ask for ``sa_mape <= 0.15`` (June-September totals from 31 May,
2021-2025) and ``year_mape <= 0.08`` (calendar-year totals from 15 May).  This script measures what the
family of the ``persistence`` model can reach **when its parameters are chosen on the test years
themselves** -- a bound, not a forecast (nothing here is available at a forecast origin):

* **one parameter**: last year's same window (52 weeks earlier) x ``r ** b``, with ``r`` the year-to-date
  ratio of :func:`crossingcast.models.persistence.ytd_ratio` and the exponent ``b`` (the model's
  ``shrink``, 0.5 by default) picked on a grid 0-1.5 to minimise the MAPE of the very years scored;
* **two parameters**: the same times a constant ``c`` (0.5-1.5, step 0.01; ``b`` then on a 0.05 grid), both
  picked on the scored years.

Each total is ``LevelPersistence(shrink=0).predict`` (its mean: last year's 15-day smoothed values)
times the model's bounded factor, so the family is exactly the model's (the ``clip`` of the factor
included).  If even the hindsight-best member misses a target, no choice of that model's parameters made
before the season can meet it; reaching it needs information the arrivals series alone does not hold
(weather, policy).

With ``--per-origin TABLE`` (the table ``benchmarks/season_ahead.py --per-origin`` writes) it also asks the
same of **every combination of the models**: the mean total as a weighted sum of the models' mean totals,
weights non-negative and summing to one (a linear pool's mean), picked by linear programming to minimise the
MAPE of the scored years themselves -- with up to nine weights for four or five answers, a generous bound.

Usage::

    CROSSINGCAST_DATA=../shared/data python benchmarks/season_ahead_ceiling.py [--per-origin qa.csv]

Last line: ``RESULT ceiling_jun_sep_mape=.. ceiling_may_aug20_mape=.. ceiling_year_mape=..`` (one
parameter, hindsight-best) -- compare with the targets 0.15 / (peers) / 0.08.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import load_frame  # noqa: E402

from crossingcast.frame import future_frame  # noqa: E402
from crossingcast.models.persistence import LevelPersistence  # noqa: E402

#: task -> (origin MM-DD, window start, window end, years, add the observed year to date?)
TASKS = {"jun_sep": ("05-31", "06-01", "09-30", range(2021, 2026), False),
         "may_aug20": ("04-30", "05-01", "08-20", range(2022, 2026), False),
         "year": ("05-15", "05-16", "12-31", range(2021, 2026), True)}
SHRINKS = np.round(np.arange(0.0, 1.5001, 0.01), 2)
SCALES = np.round(np.arange(0.5, 1.5001, 0.01), 2)


def task_rows(frame: pd.DataFrame, origin_md: str, start_md: str, end_md: str, years, add_ytd: bool) -> list[dict]:
    """Per year: the unscaled persistence total (``shrink=0``), the year-to-date ratio, the outturn."""
    model = LevelPersistence(shrink=0.0, n_paths=50)
    rows = []
    for yr in years:
        origin = pd.Timestamp(f"{yr}-{origin_md}")
        start, end = pd.Timestamp(f"{yr}-{start_md}"), pd.Timestamp(f"{yr}-{end_md}")
        hist = frame.loc[:origin]
        fc = model.fit(hist).predict(future_frame(hist, origin + pd.Timedelta(days=1), end))
        base = float(fc.mean.loc[start:end].sum())
        ytd = float(hist["migrants"].loc[f"{yr}-01-01":].sum()) if add_ytd else 0.0
        rows.append({"year": yr, "base": base, "ratio": float(fc.info["ytd_ratio"]), "ytd": ytd,
                     "actual": float(frame["migrants"].loc[start:end].sum())})
    return rows


def errors(rows: list[dict], shrink: float, scale: float = 1.0, clip=(0.33, 3.0)) -> np.ndarray:
    """Relative errors of ``ytd + base * scale * clip(ratio ** shrink)`` against ``ytd + actual``."""
    return np.array([(r["ytd"] + r["base"] * scale * float(np.clip(r["ratio"] ** shrink, *clip)))
                     / (r["ytd"] + r["actual"]) - 1.0 for r in rows])


def best_combination(table: pd.DataFrame, target: str, origin_md: str, years) -> tuple[float, dict, pd.Series]:
    """Hindsight-best weights (simplex) of the models' mean totals for one task of a per-origin table.

    Minimises ``mean_y |(known_y + sum_m w_m mean_{m,y}) / (known_y + actual_y) - 1|`` over ``w >= 0``,
    ``sum w = 1`` (a linear programme).  Returns the MAPE, the weights and the per-year errors.
    """
    from scipy.optimize import linprog

    rows = table[(table["target"] == target) & (table["origin"].dt.strftime("%m-%d") == origin_md)
                 & table["year"].isin(list(years))]
    means = rows.pivot_table(index="year", columns="model", values="mean").dropna(axis=1)
    truth = rows.groupby("year")[["actual", "known_actual"]].first().loc[means.index]
    denom = (truth["actual"] + truth["known_actual"]).to_numpy(float)
    X, b = means.to_numpy(float) / denom[:, None], 1.0 - truth["known_actual"].to_numpy(float) / denom
    n, m = X.shape  # variables: weights (m), then |error| bounds (n)
    res = linprog(np.r_[np.zeros(m), np.ones(n)],
                  A_ub=np.block([[X, -np.eye(n)], [-X, -np.eye(n)]]), b_ub=np.r_[b, -b],
                  A_eq=np.r_[np.ones(m), np.zeros(n)][None, :], b_eq=[1.0], bounds=[(0, None)] * (m + n))
    if not res.success:
        raise RuntimeError(f"linear programme for {target} from {origin_md} failed: {res.message}")
    w = res.x[:m]
    return float(res.fun / n), dict(zip(means.columns, w)), pd.Series(X @ w - b, index=means.index)


def combination_section(path: Path) -> dict:
    """Print the hindsight-best combination of every model in a per-origin table, per task."""
    table = pd.read_csv(path, parse_dates=["origin"])
    out = {}
    print(f"\n## Hindsight-best combination of the models in {path.name}")
    print("| task | models | MAPE | weights (> 0.01) | errors by year (%) |")
    print("|---|---|---|---|---|")
    for task, target in (("jun_sep", "jun_sep"), ("may_aug20", "may_aug20"), ("year", "year")):
        origin_md, years = TASKS[task][0], TASKS[task][3]
        mape, w, err = best_combination(table, target, origin_md, years)
        kept = ", ".join(f"{k} {v:.2f}" for k, v in sorted(w.items(), key=lambda kv: -kv[1]) if v > 0.01)
        cells = ", ".join(f"{y} {100 * e:+.1f}" for y, e in err.items())
        print(f"| {task} | {len(w)} | {mape:.3f} | {kept} | {cells} |")
        out[task] = mape
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-origin", type=Path, help="per-origin table of benchmarks/season_ahead.py (CSV)")
    args = ap.parse_args()
    frame = load_frame()
    result = {}
    for task, (o, s, e, years, add_ytd) in TASKS.items():
        rows = task_rows(frame, o, s, e, years, add_ytd)
        mape = {b: float(np.mean(np.abs(errors(rows, b)))) for b in SHRINKS}
        b1 = min(mape, key=mape.get)
        two = {(b, c): float(np.mean(np.abs(errors(rows, b, c)))) for b in SHRINKS[::5] for c in SCALES}
        b2, c2 = min(two, key=two.get)
        print(f"\n## {task} (origin {o}, years {years.start}-{years.stop - 1})")
        print("| design | parameters | MAPE | " + " | ".join(str(r["year"]) for r in rows) + " |")
        print("|---|---|---|" + "---|" * len(rows))
        for label, par, errs in (("persistence (default)", "shrink 0.5", errors(rows, 0.5)),
                                 ("last year only", "shrink 0", errors(rows, 0.0)),
                                 ("full ratio", "shrink 1", errors(rows, 1.0)),
                                 ("hindsight-best, 1 parameter", f"shrink {b1:.2f}", errors(rows, b1)),
                                 ("hindsight-best, 2 parameters", f"shrink {b2:.2f}, x{c2:.2f}",
                                  errors(rows, b2, c2))):
            cells = " | ".join(f"{100 * v:+.1f}" for v in errs)
            print(f"| {label} | {par} | {np.mean(np.abs(errs)):.3f} | {cells} |")
        result[task] = mape[b1]
    combos = combination_section(args.per_origin) if args.per_origin else {}
    print("\nRESULT " + " ".join(f"ceiling_{k}_mape={v:.3f}" for k, v in result.items())
          + "".join(f" combination_{k}_mape={v:.3f}" for k, v in combos.items()))


if __name__ == "__main__":
    main()
