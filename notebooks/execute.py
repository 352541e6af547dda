"""Re-execute every notebook in notebooks/ and save it in place, outputs and figures included.

One command, from the project root (the data directory as for the tests)::

    CROSSINGCAST_DATA=../shared/data python notebooks/execute.py            # all notebooks
    CROSSINGCAST_DATA=../shared/data python notebooks/execute.py 02_models  # only those whose name matches

The notebooks are executed with nbclient in notebooks/ (their working directory), figures are
rendered inline as PNG, and volatile metadata (execution timestamps) is dropped so a re-run of
unchanged code gives a small diff. A notebook that raises is not saved and the script exits 1.
The docs (mkdocs-jupyter, ``execute: false``) show exactly what is saved here;
tests/test_notebooks.py re-executes the notebooks so they cannot rot.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def execute(path: Path, timeout: int = 1800) -> int:
    """Execute one notebook in place; returns the number of figures (PNG outputs) it holds."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    figures = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.metadata.pop("execution", None)
        figures += sum("image/png" in out.get("data", {}) for out in cell.get("outputs", []))
    nbformat.write(nb, path)
    return figures


def main(argv: list[str]) -> int:
    os.environ.setdefault("CROSSINGCAST_DATA", str(HERE.parent.parent / "shared" / "data"))
    # the notebooks run in notebooks/: a path relative to the project root must not be read from there
    os.environ["CROSSINGCAST_DATA"] = str(Path(os.environ["CROSSINGCAST_DATA"]).resolve())
    os.environ.pop("MPLBACKEND", None)  # the notebooks use the inline backend (%matplotlib inline)
    paths = sorted(HERE.glob("*.ipynb"))
    if argv:
        paths = [p for p in paths if any(a in p.name for a in argv)]
    failed = 0
    for path in paths:
        t0 = time.perf_counter()
        try:
            n = execute(path)
        except Exception as exc:  # noqa: BLE001  (report every notebook, then fail)
            failed += 1
            print(f"FAILED {path.name}: {type(exc).__name__}: {str(exc)[-2000:]}", file=sys.stderr)
            continue
        print(f"{path.name}: executed in {time.perf_counter() - t0:.0f} s, {n} figure(s)"
              + ("  <-- no figure!" if n == 0 else ""), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
