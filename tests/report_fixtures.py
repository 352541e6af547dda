"""The real-data briefing written once per test session by ``crossingcast report`` (shared by the report tests)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
REAL_SECTIONS = ("forecast", "surge", "scenarios", "leaderboard", "provenance")
_CACHE: dict = {}


@pytest.fixture(scope="session")
def real_briefing(data_dir, tmp_path_factory):
    """(html path, CSV tables dir, CLI output) of a quick briefing from the real data, origin 30 April 2026."""
    if "real" not in _CACHE:
        from crossingcast.cli import app

        out = tmp_path_factory.mktemp("briefing")
        args = ["report", "--data-dir", str(data_dir), "--origin", "2026-04-30", "--model", "hurdle",
                "--scenarios", str(ROOT / "examples" / "scenarios" / "summer_2026.yaml"), "--quick",
                "--sections", ",".join(REAL_SECTIONS), "--out", str(out / "briefing.html"),
                "--tables-dir", str(out / "tables")]
        res = CliRunner().invoke(app, args)
        text = res.output
        assert res.exit_code == 0, text + repr(res.exception)
        _CACHE["real"] = (out / "briefing.html", out / "tables", text)
    return _CACHE["real"]
