"""Weekly-total spread of hurdle paths: independent crossing days vs the two persistence estimators (issue 15).

Run: ``OMP_NUM_THREADS=1 CROSSINGCAST_DATA=../shared/data python benchmarks/weekly_spread.py`` (~2 min)

Summer rolling origins (Sundays 31 May..29 Sep, 2021-2025), hurdle refitted at each origin, weather-blind;
4 whole weeks (Mon-Sun) ahead: 80% coverage of weekly totals, within-path sd of the 4 weekly totals vs observed
(share of paths below the observed sd = PIT: uniform if the paths have the observed week-to-week spread),
for persistence 0 / "lag1" / "auto" (rho matched to the variance of weekly crossing-day counts).
Prints one line per setting and a final ``RESULT`` line."""
import warnings, time
warnings.simplefilter("ignore")
import numpy as np, pandas as pd
from _common import load_frame
from crossingcast.frame import future_frame
from crossingcast.models.hurdle import HurdleForecaster
D = pd.Timedelta(days=1)
fr = load_frame()
origins = [o for y in range(2021, 2026) for o in pd.date_range(f"{y}-05-31", f"{y}-09-29", freq="W-SUN")]
t = time.time()
res = {k: {"cov": [], "sdp": [], "sdo": [], "pit": [], "rho": [], "w": []} for k in ("indep", "lag1", "weekly")}
for o in origins:
    h = fr.loc[:o]; h.attrs = dict(fr.attrs)
    fut = future_frame(h, o + D, o + 28 * D)
    Y = np.array([fr.loc[o + (7 * w + 1) * D: o + (7 * w + 7) * D, "migrants"].sum() for w in range(4)])
    for key, rho in (("indep", 0.0), ("lag1", "lag1"), ("weekly", "auto")):
        m = HurdleForecaster(persistence=rho, n_paths=1000).fit(h)
        fc = m.predict(fut)
        W = fc.paths.reshape(fc.paths.shape[0], 4, 7).sum(2)
        lo, hi = np.quantile(W, [0.1, 0.9], axis=0)
        r = res[key]
        r["cov"] += list((Y >= lo) & (Y <= hi)); r["w"] += list(hi - lo)
        sw = W.std(1, ddof=1)
        r["sdp"].append(sw.mean()); r["sdo"].append(Y.std(ddof=1)); r["pit"].append((sw < Y.std(ddof=1)).mean())
        r["rho"].append(m.calibration_["persistence"])
out = {}
for key, r in res.items():
    pit = np.array(r["pit"])
    print(f"{key}: weeks {len(r['cov'])} cov80 {np.mean(r['cov']):.3f} mean width {np.mean(r['w']):.0f} "
          f"within-path sd mean {np.mean(r['sdp']):.0f} observed {np.mean(r['sdo']):.0f} "
          f"sd-PIT mean {pit.mean():.2f} (<0.1: {np.mean(pit<0.1):.2f}, >0.9: {np.mean(pit>0.9):.2f}) rho {np.mean(r['rho']):.3f}")
    out.update({f"{key}_cov80": round(float(np.mean(r["cov"])), 3), f"{key}_sd": round(float(np.mean(r["sdp"]))),
                f"{key}_sd_pit": round(float(pit.mean()), 2)})
out.update(observed_sd=round(float(np.mean(res["indep"]["sdo"]))), n_weeks=len(res["indep"]["cov"]),
           seconds=round(time.time() - t))
print("RESULT " + " ".join(f"{k}={v}" for k, v in out.items()))
