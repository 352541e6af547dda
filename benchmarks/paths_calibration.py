"""Weekly-total coverage with and without persistent crossing days; season-total interval at a known miss.

Run: ``OMP_NUM_THREADS=1 CROSSINGCAST_DATA=../shared/data python benchmarks/paths_calibration.py [hurdle|gbm]``

* weekly: origins every 4 months 2023-04-30..2025-08-31; each forecasts the next 8 whole weeks (Mon-Sun)
  weather-blind; 80% coverage of the weekly totals, the median and mean within-path sd of the 8 weekly
  totals (vs the observed sd) and per origin the share of paths whose sd is below the observed one
  (``sd_pit``: uniform if the paths have the observed week-to-week spread), for ``persistence=0``
  (independent days), ``"lag1"`` (hurdle only: the chain's rho = lag-1 correlation of the hold-out
  residuals, the default before issue 15's second pass) and ``"auto"`` (hurdle: rho matched to the variance
  of weekly crossing-day counts in the hold-out; GBM: its own lag-1 estimate);
* season: fitted at 2024-09-30, the Jun-Sep 2025 total and its 80% interval (official 19,275).

Prints a final ``RESULT key=value ...`` line.
"""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pandas as pd

from _common import load_frame
from crossingcast.frame import future_frame
from crossingcast.models import make_forecaster

_DAY = pd.Timedelta(days=1)


def main(name: str = "hurdle") -> None:
    warnings.simplefilter("ignore")
    fr = load_frame()
    origins = pd.date_range("2023-04-30", "2025-10-31", freq="4MS") - _DAY
    out = {}
    for rho in ((0.0, "lag1", "auto") if name == "hurdle" else (0.0, "auto")):
        cov = n = 0
        sdp, sdm, sdt, rhos, pit = [], [], [], [], []
        for o in origins:
            h = fr.loc[:o]
            h.attrs = dict(fr.attrs)
            m = make_forecaster(name, persistence=rho).fit(h)
            rhos.append(float(m.calibration_.get("persistence", 0.0)))
            start = o + _DAY
            mon = start + pd.Timedelta(days=(7 - start.dayofweek) % 7)
            fc = m.predict(future_frame(h, start, mon + pd.Timedelta(days=55)))
            weeks = [(mon + pd.Timedelta(days=7 * w), mon + pd.Timedelta(days=7 * w + 6)) for w in range(8)]
            W = np.stack([fc.paths[:, (fc.index >= a) & (fc.index <= b)].sum(1) for a, b in weeks], 1)
            Y = np.array([fr.loc[a:b, "migrants"].sum() for a, b in weeks])
            lo, hi = np.quantile(W, [0.1, 0.9], axis=0)
            cov += int(((Y >= lo) & (Y <= hi)).sum())
            n += len(Y)
            sw = W.std(1, ddof=1)
            sdp.append(float(np.median(sw)))
            sdm.append(float(sw.mean()))
            sdt.append(float(Y.std(ddof=1)))
            pit.append(float((sw < sdt[-1]).mean()))  # where the observed sd falls among the paths' sds
        key = {0.0: "indep", "lag1": "lag1", "auto": "weekly" if name == "hurdle" else "persist"}[rho]
        out[f"{key}_cov80"] = round(cov / n, 3)
        out[f"{key}_weekly_sd"] = round(float(np.mean(sdp)))
        out[f"{key}_weekly_sd_mean"] = round(float(np.mean(sdm)))
        out[f"{key}_sd_pit"] = ",".join(f"{v:.2f}" for v in pit)
        out[f"{key}_rho"] = round(float(np.mean(rhos)), 3)
        print(name, key, out, flush=True)
    out["observed_weekly_sd"] = round(float(np.mean(sdt)))
    out["n_weeks"] = n
    h = fr.loc[:"2024-09-30"]
    h.attrs = dict(fr.attrs)
    m = make_forecaster(name).fit(h)
    tot = m.predict(future_frame(h, "2024-10-01", "2025-09-30")).total("2025-06-01", "2025-09-30")
    out.update(season_mean=round(tot["mean"]), season_p10=round(tot["p10"]), season_p90=round(tot["p90"]),
               season_actual=int(fr.loc["2025-06-01":"2025-09-30", "migrants"].sum()))
    print("RESULT " + " ".join(f"{k}={v}" for k, v in {"model": name, **out}.items()))


if __name__ == "__main__":
    main(*(sys.argv[1:2] or ["hurdle"]))
