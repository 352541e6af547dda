"""Shared fixtures.  Tests that touch data use the real files in $CROSSINGCAST_DATA (CI: ../shared/data).

A missing data directory is a failure, not a skip: the suite must never pass by not looking at the data.
"""

from __future__ import annotations

import os
from pathlib import Path

# One BLAS/OpenMP thread per process.  The models run small matrices; with the default (one thread per core)
# statsmodels and LightGBM threads spin against joblib workers and any other load on a 2-core machine:
# measured on a loaded machine, test_refit_season_vs_origin_sarimax took 68 s with the default and 16 s with
# one thread (9 s idle); the whole CI run took 1286 s under load.  The environment variables reach
# subprocesses (notebook kernels, loky workers); threadpoolctl limits libraries this process already loaded.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import pytest  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

import crossingcast as cc  # noqa: E402

threadpool_limits(1)

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    raw = os.environ.get("CROSSINGCAST_DATA") or (str(DEFAULT_DATA) if DEFAULT_DATA.is_dir() else "")
    if not raw:
        pytest.fail("CROSSINGCAST_DATA is not set and ../shared/data was not found: the real data is required")
    path = Path(raw).resolve()  # absolute: tests may chdir (CI sets a relative path)
    if not (path / "homeoffice").is_dir() or not list((path / "homeoffice").glob("*.ods")):
        pytest.fail(f"real data directory {path} has no homeoffice/*.ods")
    return path


@pytest.fixture(scope="session")
def releases(data_dir) -> list[Path]:
    return sorted((data_dir / "homeoffice").glob("*.ods"))


@pytest.fixture(scope="session")
def counts(data_dir):
    return cc.load_counts(data_dir)


@pytest.fixture(scope="session")
def frame(counts):
    return cc.build_frame(counts)


@pytest.fixture(autouse=True, scope="session")
def _isolated_data_home(tmp_path_factory):
    """No test reads or writes the user's data home (~/.crossingcast): it is a fresh temporary folder."""
    if not os.environ.get("CROSSINGCAST_HOME"):
        os.environ["CROSSINGCAST_HOME"] = str(tmp_path_factory.mktemp("crossingcast_home"))
