"""What fitting on the release available at each origin changes (issue 15, point 5).

Rolling-origin backtest over autumn-2025 Sunday origins (covered by the three releases in
``$CROSSINGCAST_DATA/homeoffice``), once on the latest release (``vintage="latest"``) and once on
the release available at each origin (``vintage="as_of"``, :mod:`crossingcast.evaluate.vintages`).
Also counts the daily revisions between the releases.  Prints a final ``RESULT key=value ...`` line.

    OMP_NUM_THREADS=1 CROSSINGCAST_DATA=../shared/data python benchmarks/vintage_asof.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import load_frame  # noqa: E402

from crossingcast.data.homeoffice import load_vintages, revisions  # noqa: E402
from crossingcast.evaluate import rolling_origin_backtest  # noqa: E402


def main() -> None:
    frame = load_frame()
    vint = load_vintages(os.environ["CROSSINGCAST_DATA"])
    names = list(vint)
    n_rev = sum(len(revisions(vint[a], vint[b])) for a, b in zip(names, names[1:]))
    origins = [o for o in pd.date_range("2025-10-05", "2025-12-14", freq="W-SUN")]
    models = ["climatology", "hurdle"]
    kw = dict(origins=origins, horizon=14, progress=False, random_state=0, refit="origin")
    latest = rolling_origin_backtest(frame, models, **kw)
    asof = rolling_origin_backtest(frame, models, vintage="as_of", vintages=vint, **kw)
    cols = ["model", "rmse", "wk_rmse", "crps", "pit_ks", "total_coverage80"]
    a, b = latest.leaderboard()[cols].set_index("model"), asof.leaderboard()[cols].set_index("model")
    print("latest release:\n", a.round(3).to_string())
    print("as-of release:\n", b.round(3).to_string())
    print(asof.per_origin[["model", "origin", "vintage", "vintage_lag_days"]].drop_duplicates("origin").to_string())
    diff = (b - a).abs().to_numpy()
    same = np.array_equal(latest.forecasts["mean"].to_numpy(), asof.forecasts["mean"].to_numpy())
    lag = asof.per_origin["vintage_lag_days"]
    print(f"RESULT n_releases={len(names)} daily_revisions_between_releases={n_rev} n_origins={len(origins)} "
          f"max_abs_metric_diff={np.nanmax(diff):.6g} identical_means={same} "
          f"vintage_lag_days_min={int(lag.min())} vintage_lag_days_max={int(lag.max())}")


if __name__ == "__main__":
    main()
