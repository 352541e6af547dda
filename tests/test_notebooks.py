"""Execute every notebook in notebooks/ (short fits by design) and fail on any error.

The notebooks are also committed executed, with their figures (``python notebooks/execute.py``), because
the docs site renders them as saved; a notebook without a figure fails here.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_executes(path, data_dir, monkeypatch):
    monkeypatch.setenv("CROSSINGCAST_DATA", str(Path(data_dir).resolve()))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=900, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    assert _figures(nb) >= 1, f"{path.name} draws no figure when executed"


def _figures(nb) -> int:
    return sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code"
               for o in c.get("outputs", []))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_committed_notebook_is_executed_with_figures(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    unexecuted = [i for i, c in enumerate(code) if c.get("execution_count") is None]
    assert not unexecuted, f"{path.name}: code cells {unexecuted} were not executed; run python notebooks/execute.py"
    assert _figures(nb) >= 1, f"{path.name}: no figure saved; run python notebooks/execute.py"


def test_notebooks_present():
    names = {p.name for p in NOTEBOOKS}
    assert "01_data_tour.ipynb" in names
