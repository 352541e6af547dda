"""docs/reliability.md lists the bad-input catalogue; every test id it names must exist."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "reliability.md"
ID = re.compile(r"`(tests/[\w/]+\.py::[\w\[\]-]+)`")


def catalogue() -> list[str]:
    rows = [line for line in DOC.read_text().splitlines() if re.match(r"\|\s*\d+\s*\|", line)]
    ids = []
    for row in rows:
        found = ID.findall(row)
        assert found, f"catalogue row without a test id: {row}"
        ids.extend(found)
    return ids


def test_catalogue_has_at_least_30_cases():
    rows = [line for line in DOC.read_text().splitlines() if re.match(r"\|\s*\d+\s*\|", line)]
    numbers = [int(re.match(r"\|\s*(\d+)", r).group(1)) for r in rows]
    assert len(rows) >= 30
    assert numbers == list(range(1, len(rows) + 1)), "rows must be numbered 1..n without gaps"


def test_every_catalogue_test_exists():
    ids = catalogue()
    files = sorted({i.split("::")[0] for i in ids})
    missing_files = [f for f in files if not (ROOT / f).is_file()]
    assert not missing_files
    out = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *files],
                         cwd=ROOT, capture_output=True, text=True)
    collected = set(out.stdout.split())
    bare = {c.split("[")[0] for c in collected}
    missing = [i for i in ids if i not in collected and i not in bare]
    assert not missing, f"catalogue names tests that do not exist: {missing}\n{out.stdout[-2000:]}{out.stderr[-2000:]}"


def test_at_least_20_generated_cases_each_built_from_real_files():
    """Issue 13: >= 20 catalogue cases generated from a real release by tests/data/variants.py."""
    text = DOC.read_text()
    section = text.split("## Home Office releases: generated variants", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if re.match(r"\|\s*\d+\s*\|", line)]
    files = [ROOT / ID.findall(row)[0].split("::")[0] for row in rows]
    generated = [f for f in files if "from tests.data import variants" in f.read_text()]
    assert len(generated) >= 20
    assert {f.name for f in files} - {f.name for f in generated} <= {"test_release_contract.py"}
