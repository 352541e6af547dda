"""Imports point one way: data sources -> frame/features -> models -> evaluation -> scenarios -> reports/CLI.

Every ``crossingcast`` import in every module (top level or inside functions) is checked against the layer
table below; a module may import only from its own layer or the layers before it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "crossingcast"

LAYERS = [
    ("data sources", ["crossingcast.errors", "crossingcast.data", "crossingcast.events", "crossingcast.resources"]),
    ("frame / features", ["crossingcast.features", "crossingcast.frame", "crossingcast.simulate"]),
    ("models", ["crossingcast.models"]),
    ("evaluation", ["crossingcast.evaluate"]),
    ("scenarios", ["crossingcast.patrols", "crossingcast.scenarios", "crossingcast.outlook"]),
    ("reports / CLI", ["crossingcast.report", "crossingcast.plots", "crossingcast.cli"]),
]  # the top-level facade ``import crossingcast as cc`` counts as the last layer


def layer_of(module: str) -> int:
    for rank, (_, prefixes) in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return rank
    if module == "crossingcast":
        return len(LAYERS) - 1
    raise KeyError(module)


def module_name(path: Path) -> str:
    parts = path.relative_to(PKG.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("crossingcast")]
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("crossingcast"):
            if node.module == "crossingcast":  # "from crossingcast import events" -> the submodule
                found += [f"crossingcast.{a.name}" for a in node.names]
            else:
                found.append(node.module)
    return found


MODULES = sorted(p for p in PKG.rglob("*.py") if p != PKG / "__init__.py")


def test_every_module_has_a_layer():
    for p in MODULES:
        layer_of(module_name(p))


@pytest.mark.parametrize("path", MODULES, ids=[module_name(p) for p in MODULES])
def test_imports_point_down_the_layers(path):
    own = layer_of(module_name(path))
    bad = [m for m in imports_of(path) if layer_of(m) > own]
    assert not bad, f"{module_name(path)} ({LAYERS[own][0]}) imports from later layers: {bad}"


def test_the_check_catches_upward_imports(tmp_path):
    src = tmp_path / "mod.py"
    src.write_text("import numpy\nfrom crossingcast.errors import DataError\n\n"
                   "def f():\n    from crossingcast.scenarios import run_scenarios\n    import crossingcast as cc\n")
    found = imports_of(src)
    assert sorted(found) == ["crossingcast", "crossingcast.errors", "crossingcast.scenarios"]
    data = layer_of("crossingcast.data.homeoffice")
    assert [m for m in found if layer_of(m) > data] != []
