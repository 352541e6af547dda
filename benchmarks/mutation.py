"""Mutation testing of crossingcast's numeric core with mutmut 3 (run by hand, never in CI).

A mutation test changes the code in small ways (``+`` -> ``-``, ``<`` -> ``<=``, ``7`` -> ``8``,
dropped arguments...) and re-runs the tests of that module: a *killed* mutant made a test fail,
a *survivor* passed every test, i.e. the tests cannot see that change.  The score is
``killed / (killed + survived)`` (mutants that time out count as killed, as mutmut does; mutants
no selected test reaches count as survivors).

Each target is one module, a few of its functions (mutmut name patterns) and the fast tests of
that module only, so a full run stays well under an hour on two shared cores (11 minutes with
``--max-children 1`` at a load average of about 2 on two cores, December 2026).  Every target runs in a throw-away
copy of the repository (``--workdir``), so the worktree is never touched.

Test selections: ``scenarios`` runs only the paired sampler's value tests (the rest of
tests/test_scenarios.py fits a model on real data, 18 s a run); ``reader`` adds the data contract
of the real releases (tests/data/test_release_contract.py, 3 s).  mutmut runs, for each mutant,
only the tests that called the mutated function when it recorded coverage; work done inside a
session- or module-scoped fixture is credited to the first test that used the fixture only, so a
value test meant to guard a reader or a model should call it inside the test body.

Usage (from the repository root)::

    pip install -e ".[mutation]"            # mutmut >= 3.8
    OMP_NUM_THREADS=1 CROSSINGCAST_DATA=../shared/data python benchmarks/mutation.py
    python benchmarks/mutation.py --targets forecast,metrics,distributions --max-children 2
    python benchmarks/mutation.py --list
    python benchmarks/mutation.py --targets ensemble --max-children 2   # the ensembles (not in the default run)

The last line printed is ``RESULT mutation_score=<killed/(killed+survived)> mutants=<n> ...``;
the target is >= 0.85.  Survivors are listed per target (``--show-survivors`` prints their diffs);
each must be killed by a new test or listed as equivalent in docs/contributing.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Target:
    module: str              # file to mutate, relative to the repository root
    tests: tuple[str, ...]   # pytest arguments selecting the module's fast tests
    functions: tuple[str, ...] = ("*",)  # mutmut mutant-name patterns (fnmatch) within the module


def _dotted(module: str) -> str:
    return module[:-3].replace("/", ".")


TARGETS: dict[str, Target] = {
    # the Forecast object: totals, weekly/monthly aggregation, quantiles, exceedance
    "forecast": Target("crossingcast/models/base.py", ("tests/models/test_base.py",),
                       ("*ǁForecastǁ*", "*quantile_label*")),  # not BaseForecaster's plumbing
    # the band calibration and the weekly-matched persistence have their value tests in their own files
    "distributions": Target("crossingcast/models/distributions.py",
                            ("tests/models/test_distributions.py", "tests/models/test_band_calibration.py",
                             "tests/models/test_path_persistence.py")),
    "metrics": Target("crossingcast/evaluate/metrics.py", ("tests/evaluate/test_metrics.py",)),
    "features": Target("crossingcast/features.py", ("tests/test_features.py",)),
    # backtest aggregation and scoring (not the parallel plumbing): value tests only
    "backtest": Target("crossingcast/evaluate/backtest.py",
                       ("tests/evaluate/test_backtest.py", "-k",
                        "hand or lag_7 or season_totals or pct_error or structure or leaderboard"),
                       ("*season_totals*", "*_score_origin*", "*leaderboard*")),
    # the paired scenario sampler (``_summarise`` lives in scenarios/table.py, not in this target).  Only
    # the sampler's value tests: the rest of test_scenarios.py fits a model on real data (18 s a run)
    "scenarios": Target("crossingcast/scenarios/run.py",
                        ("tests/test_scenarios.py", "-k",
                         "poisson_icdf or paired_hurdle_paths_by_hand or common_random_numbers"),
                        ("*paired_hurdle_paths*", "*_poisson_icdf*", "*_CRN*")),
    # the Home Office reader: parsing of the daily and weekly tables, with the data contract of the real
    # releases (first/last date, rows, yearly totals: tests/data/test_release_contract.py, 3 s)
    "reader": Target("crossingcast/data/homeoffice.py",
                     ("tests/data/test_homeoffice.py", "tests/data/test_release_contract.py"),
                     ("*_daily_from_book*", "*_weekly_from_book*", "*_parse_table*", "*_to_numeric*",
                      "*_newest*", "*load_counts*")),
    # the ensembles' combination arithmetic (pool, quantile average, spread scaling, CRPS weights): its
    # hand-worked value tests (the fitted-forecaster tests of the file also run: 3 s)
    "ensemble": Target("crossingcast/models/ensemble.py", ("tests/models/test_ensemble.py",),
                       ("*mean_abs_diff*", "*_terms*", "*crps_weights*", "*pool_samples*", "*_member_weights*",
                        "*quantile_average*", "*scale_spread*", "*crps_spread_scale*", "*scale_path_totals*",
                        "*stored_spread_scale*")),
}
DEFAULT = ("forecast", "distributions", "metrics", "features", "backtest", "scenarios", "reader")


def _pyproject(target: Target) -> str:
    """A minimal pyproject.toml for the copy: the project's pytest settings plus the mutmut section."""
    import tomllib

    data = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    pytest_opts = data.get("tool", {}).get("pytest", {}).get("ini_options", {})
    lines = ["[tool.pytest.ini_options]"]
    for key, value in pytest_opts.items():
        if key == "addopts":
            continue
        lines.append(f"{key} = {json.dumps(value)}")
    lines += [
        "",
        "[tool.mutmut]",
        f"source_paths = {json.dumps(['crossingcast'])}",
        f"only_mutate = {json.dumps([target.module])}",
        f"pytest_add_cli_args_test_selection = {json.dumps(list(target.tests))}",
        f"pytest_add_cli_args = {json.dumps(['-p', 'no:cacheprovider', '-q', '-x'])}",
        "use_git_change_detection = false",
        "timeout_multiplier = 10.0",
        "timeout_constant = 10.0",
    ]
    return "\n".join(lines) + "\n"


def _copy_repo(dest: Path) -> None:
    for name in ("crossingcast", "tests"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


def _parse_results(text: str, patterns: tuple[str, ...]) -> dict[str, list[str]]:
    """``mutmut results --all true`` lines ``name: status`` -> {status: [names]} for the selected functions."""
    from fnmatch import fnmatch

    out: dict[str, list[str]] = {}
    for line in text.splitlines():
        line = line.strip()
        if ": " not in line or "__mutmut_" not in line:
            continue
        name, status = line.rsplit(": ", 1)
        if any(fnmatch(name, p if "." in p else f"*{p}") for p in patterns):
            out.setdefault(status.strip(), []).append(name.strip())
    return out


def run_target(key: str, target: Target, workdir: Path, max_children: int, timeout: float,
               show_survivors: bool) -> dict:
    dest = workdir / key
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    _copy_repo(dest)
    (dest / "pyproject.toml").write_text(_pyproject(target), "utf-8")
    env = dict(os.environ)
    env.setdefault("OMP_NUM_THREADS", "1")
    env.setdefault("MPLBACKEND", "Agg")
    env.pop("PYTHONPATH", None)  # mutmut puts its mutants/ copy first on sys.path itself
    if "CROSSINGCAST_DATA" in env:
        env["CROSSINGCAST_DATA"] = str(Path(env["CROSSINGCAST_DATA"]).resolve())
    patterns = tuple(f"{_dotted(target.module)}.{p}" for p in target.functions)
    mutmut = [sys.executable, "-m", "mutmut"]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(mutmut + ["run", "--max-children", str(max_children), *patterns], cwd=dest, env=env,
                              capture_output=True, text=True, timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        proc, timed_out = None, True
    seconds = time.perf_counter() - t0
    res = subprocess.run(mutmut + ["results", "--all", "true"], cwd=dest, env=env, capture_output=True, text=True)
    by_status = _parse_results(res.stdout, patterns)
    killed = len(by_status.get("killed", [])) + len(by_status.get("timeout", []))
    survived = len(by_status.get("survived", [])) + len(by_status.get("no tests", []))
    other = {k: len(v) for k, v in by_status.items() if k not in ("killed", "timeout", "survived", "no tests")}
    print(f"[{key}] {target.module}: killed {killed} survived {survived} other {other} in {seconds:.0f} s"
          + (" (TIMED OUT: partial)" if timed_out else ""), flush=True)
    if proc is not None and proc.returncode != 0 and not by_status:
        print(proc.stdout[-3000:], proc.stderr[-3000:], sep="\n", file=sys.stderr)
    for name in by_status.get("survived", []) + by_status.get("no tests", []):
        print(f"  survivor {name}", flush=True)
        if show_survivors:
            diff = subprocess.run(mutmut + ["show", name], cwd=dest, env=env, capture_output=True, text=True)
            print("    " + diff.stdout.strip().replace("\n", "\n    "), flush=True)
    return {"target": key, "killed": killed, "survived": survived, "other": other, "seconds": seconds,
            "timed_out": timed_out, "survivors": by_status.get("survived", []) + by_status.get("no tests", [])}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--targets", default=",".join(DEFAULT), help=f"comma-separated subset of {', '.join(TARGETS)}")
    ap.add_argument("--max-children", type=int, default=2, help="parallel mutant runs (default 2)")
    ap.add_argument("--timeout", type=float, default=1800.0,
                    help="seconds per target before it is cut short (unchecked mutants are reported, not scored)")
    ap.add_argument("--workdir", default=None, help="where the throw-away copies go (default: a temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the work directory (to inspect mutants)")
    ap.add_argument("--show-survivors", action="store_true", help="print the diff of every survivor")
    ap.add_argument("--json", default=None, help="also write the per-target results to this file")
    ap.add_argument("--list", action="store_true", help="list the targets and exit")
    args = ap.parse_args(argv)
    if args.list:
        for key, t in TARGETS.items():
            print(f"{key:14s} {t.module}  tests: {' '.join(t.tests)}  functions: {', '.join(t.functions)}")
        return 0
    keys = [k.strip() for k in args.targets.split(",") if k.strip()]
    unknown = [k for k in keys if k not in TARGETS]
    if unknown:
        ap.error(f"unknown target(s) {unknown}; choose from {list(TARGETS)}")
    try:
        import mutmut  # noqa: F401
    except ImportError:
        ap.error("mutmut is not installed: pip install 'mutmut>=3.8'")
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="crossingcast-mutation-"))
    results = []
    try:
        for key in keys:
            results.append(run_target(key, TARGETS[key], workdir, args.max_children, args.timeout,
                                      args.show_survivors))
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    killed = sum(r["killed"] for r in results)
    survived = sum(r["survived"] for r in results)
    n = killed + survived
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1), "utf-8")
    score = killed / n if n else float("nan")
    per = " ".join(f"{r['target']}={r['killed']}/{r['killed'] + r['survived']}" for r in results)
    print(f"RESULT mutation_score={score:.3f} mutants={n} killed={killed} survived={survived} "
          f"seconds={sum(r['seconds'] for r in results):.0f} {per}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
