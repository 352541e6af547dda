"""The hindsight bound of benchmarks/season_ahead_ceiling.py: its linear programme against brute force."""

from __future__ import annotations

import importlib.util
import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "season_ahead_ceiling.py"


@pytest.fixture(scope="module")
def ceiling():
    spec = importlib.util.spec_from_file_location("season_ahead_ceiling", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _table(means: dict[str, list[float]], actual: list[float], known: list[float], years) -> pd.DataFrame:
    rows = [{"model": m, "year": y, "origin": pd.Timestamp(f"{y}-05-15"), "target": "year", "mean": v[i],
             "actual": actual[i], "known_actual": known[i]}
            for m, v in means.items() for i, y in enumerate(years)]
    return pd.DataFrame(rows)


def test_a_model_that_is_right_every_year_gets_all_the_weight(ceiling):
    years = [2021, 2022, 2023]
    table = _table({"right": [90.0, 40.0, 70.0], "wrong": [10.0, 90.0, 20.0]}, [90.0, 40.0, 70.0],
                   [10.0, 10.0, 10.0], years)
    mape, w, err = ceiling.best_combination(table, "year", "05-15", years)
    assert mape == pytest.approx(0.0, abs=1e-9)
    assert w["right"] == pytest.approx(1.0) and w["wrong"] == pytest.approx(0.0, abs=1e-9)
    np.testing.assert_allclose(err.to_numpy(), 0.0, atol=1e-9)


def test_the_linear_programme_matches_a_grid_search_over_three_models(ceiling):
    rng = np.random.default_rng(4)
    years = [2021, 2022, 2023, 2024, 2025]
    actual = rng.uniform(5_000, 30_000, 5)
    known = rng.uniform(0, 8_000, 5)
    means = {m: list(actual * rng.lognormal(0, 0.4, 5)) for m in ("a", "b", "c")}
    table = _table(means, list(actual), list(known), years)
    table = pd.concat([table, table.assign(year=1999)])  # a year outside the task is ignored
    mape, w, err = ceiling.best_combination(table, "year", "05-15", years)
    M = np.column_stack([means[m] for m in ("a", "b", "c")])
    grid = np.round(np.arange(0, 1.0001, 0.01), 2)
    brute = min(np.mean(np.abs((known + M @ np.array([p, q, 1 - p - q])) / (known + actual) - 1))
                for p, q in itertools.product(grid, grid) if p + q <= 1 + 1e-9)
    assert mape <= brute + 1e-9  # the optimum is at least as good as any grid point ...
    assert mape >= brute - 0.01  # ... and a 0.01 grid gets close to it
    assert sum(w.values()) == pytest.approx(1.0) and min(w.values()) >= -1e-9
    np.testing.assert_allclose(np.mean(np.abs(err)), mape, rtol=1e-6)
