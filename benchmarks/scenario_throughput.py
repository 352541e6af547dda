"""Scenario throughput: scenario-summers per minute, in-process and through a local dask cluster.

Definition
----------
A **scenario-summer** is one scenario's June-September (122 days) run
against the baseline: ``n_paths`` paired sample paths are generated with the
model already fitted at the origin (common random numbers, the scenario's
event and patrol changes applied) and summarised into one row of the
scenario table (baseline/scenario totals, their P10/P50/P90, the paired
difference mean/P10/P50/P90).  The one-off model fit at the origin is timed
separately and NOT counted.

The sweep: patrol intensity x event intensity on the real data
(``$CROSSINGCAST_DATA``, weather-blind), origin 2026-04-30, hurdle model:
``--patrol-steps`` patrol changes from -50% to +50% (estimated elasticity,
SB_02 prevention rate) crossed with ``--event-steps`` intensities 0..2 of the
UK-France returns pilot (in force since 6 August 2025).

1. in-process: one Python process, one core (``OMP_NUM_THREADS=1``);
2. dask: ``LocalCluster(n_workers=2, threads_per_worker=1, processes=True)``,
   the fitted runner scattered once to the workers, scenarios submitted in
   chunks.  Cluster start-up is reported but not counted in the rate.

   dask's nanny sets ``MALLOC_TRIM_THRESHOLD_=65536`` in the workers by
   default (``distributed.nanny.pre-spawn-environ``).  That switches off
   glibc's dynamic mmap threshold, so every ~1 MB numpy temporary of the path
   arithmetic becomes a fresh ``mmap`` with page faults: measured here, the
   same chunk took ~1.7x the CPU time in a dask worker.  The benchmark drops
   the ``MALLOC_*`` entries so the workers run with the same glibc defaults
   as the in-process run (``--dask-malloc-default`` keeps dask's setting).

Run::

    OMP_NUM_THREADS=1 python benchmarks/scenario_throughput.py [--n-paths 1000]

The last line is ``RESULT scenario_summers_per_min=<n> dask_scenario_summers_per_min=<n>``.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import crossingcast as cc  # noqa: E402
from crossingcast.scenarios import PairedRunner, Scenario  # noqa: E402

ORIGIN = pd.Timestamp("2026-04-30")
SUMMER = ("2026-06-01", "2026-09-30")
EVENT = "uk_france_returns_pilot_2025"


def sweep(patrol_steps: int, event_steps: int) -> list[Scenario]:
    """Patrol intensity x event intensity scenarios over June-September."""
    out = []
    for x in np.linspace(-0.5, 0.5, patrol_steps):
        for k in np.linspace(0.0, 2.0, event_steps):
            changes = [{"event": EVENT, "intensity": float(k)}]
            if abs(x) > 1e-12:
                changes.append({"patrols": float(x), "start": SUMMER[0]})
            out.append(Scenario(f"patrols{x:+.2f}_event{k:.2f}", SUMMER[0], SUMMER[1], changes))
    return out


def run_chunk(runner: PairedRunner, scenarios: list[Scenario]) -> list[dict]:
    """Scenario-summers of a chunk (the dask task)."""
    return [runner.summary(sc) for sc in scenarios]


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=os.environ.get("CROSSINGCAST_DATA", "../shared/data"))
    ap.add_argument("--n-paths", type=int, default=1000)
    ap.add_argument("--patrol-steps", type=int, default=21)
    ap.add_argument("--event-steps", type=int, default=11)
    ap.add_argument("--chunk", type=int, default=16)
    ap.add_argument("--no-dask", action="store_true")
    ap.add_argument("--dask-malloc-default", action="store_true",
                    help="keep dask's MALLOC_TRIM_THRESHOLD_=65536 in the workers")
    args = ap.parse_args(argv)

    print(f"load average (1/5/15 min) at start: {' / '.join(f'{x:.1f}' for x in os.getloadavg())} on "
          f"{os.cpu_count()} cores")
    frame = cc.build_frame(cc.load_counts(args.data))
    weekly = cc.load_weekly(args.data)
    history = frame.loc[:ORIGIN]
    history.attrs = dict(frame.attrs)
    scenarios = sweep(args.patrol_steps, args.event_steps)

    t0 = time.perf_counter()
    runner = PairedRunner(history, ORIGIN + pd.Timedelta(days=1), SUMMER[1], model="hurdle", n_paths=args.n_paths,
                          seed=0, weekly=weekly, source="benchmark", touched_events=[EVENT])
    runner.summary(scenarios[0])  # warm caches: elasticity bootstrap, prevention rate
    t_fit = time.perf_counter() - t0
    print(f"real data to {frame.index[-1].date()} (weather-blind), origin {ORIGIN.date()}, model hurdle, "
          f"{args.n_paths} paths, {len(scenarios)} scenarios ({args.patrol_steps} patrol x {args.event_steps} "
          f"event intensities), Jun-Sep 2026 (122 days); fit + warm-up {t_fit:.1f} s (not counted)")

    t0 = time.perf_counter()
    rows = run_chunk(runner, scenarios)
    t_seq = time.perf_counter() - t0
    rate = len(scenarios) / t_seq * 60
    table = pd.DataFrame(rows)
    print(f"in-process (1 core): {len(scenarios)} scenario-summers in {t_seq:.1f} s = {rate:,.0f} per minute")
    lo = table.loc[table["diff_mean"].idxmin()]
    hi = table.loc[table["diff_mean"].idxmax()]
    print(f"  sweep range of diff_mean: {lo['diff_mean']:+,.0f} ({lo['scenario']}) .. {hi['diff_mean']:+,.0f} "
          f"({hi['scenario']}); baseline Jun-Sep mean {table['baseline_mean'].iloc[0]:,.0f}")

    dask_rate = float("nan")
    if not args.no_dask:
        import dask
        from dask.distributed import Client, LocalCluster

        environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ", {}))
        if not args.dask_malloc_default:
            environ = {k: v for k, v in environ.items() if not k.startswith("MALLOC_")}
        environ["OMP_NUM_THREADS"] = 1
        t0 = time.perf_counter()
        with dask.config.set({"distributed.nanny.pre-spawn-environ": environ}), LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                          env={"OMP_NUM_THREADS": "1"}) as cluster, Client(cluster) as client:
            trim = set(client.run(lambda: os.environ.get("MALLOC_TRIM_THRESHOLD_", "glibc default")).values())
            fut_runner = client.scatter(runner, broadcast=True)
            client.submit(run_chunk, fut_runner, scenarios[:2], pure=False).result()  # warm workers
            t_start = time.perf_counter() - t0
            t0 = time.perf_counter()
            chunks = [scenarios[i:i + args.chunk] for i in range(0, len(scenarios), args.chunk)]
            futs = client.map(run_chunk, [fut_runner] * len(chunks), chunks, pure=False)
            drows = [r for part in client.gather(futs) for r in part]
            t_dask = time.perf_counter() - t0
        dask_rate = len(drows) / t_dask * 60
        same = pd.DataFrame(drows)[["scenario", "diff_mean", "diff_p10", "diff_p90"]].equals(
            table[["scenario", "diff_mean", "diff_p10", "diff_p90"]])
        print(f"dask LocalCluster (2 workers x 1 thread, processes): {len(drows)} scenario-summers in "
              f"{t_dask:.1f} s = {dask_rate:,.0f} per minute (cluster start + scatter {t_start:.1f} s not counted; "
              f"results identical to in-process: {same}; worker MALLOC_TRIM_THRESHOLD_: {', '.join(map(str, trim))})")
    print(f"load average (1/5/15 min) at the end: {' / '.join(f'{x:.1f}' for x in os.getloadavg())} on "
          f"{os.cpu_count()} cores (other processes compete for the CPU when it exceeds the core count)")
    print(f"RESULT scenario_summers_per_min={rate:.0f} dask_scenario_summers_per_min={dask_rate:.0f}")


if __name__ == "__main__":
    main()
