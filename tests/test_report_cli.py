"""CLI polish: ``--version``, an example in every command's ``--help``, report option checks, quiet progress."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import crossingcast
from crossingcast.cli import app

runner = CliRunner()
COMMANDS = sorted(c.name or c.callback.__name__ for c in app.registered_commands)


def test_version():
    res = runner.invoke(app, ["--version"])
    assert res.exit_code == 0 and res.output.strip() == f"crossingcast {crossingcast.__version__}"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_help_has_an_example(command):
    res = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
    assert res.exit_code == 0
    assert "Example: crossingcast " + command in " ".join(res.output.split())


def test_report_is_registered():
    assert "report" in COMMANDS


@pytest.mark.parametrize("args, message", [
    (["--sections", "forecast,charts"], "unknown section 'charts'"),
    (["--out", "briefing.pdf"], "the briefing is an HTML file"),
    (["--model", "prophet"], "unknown model 'prophet'"),
    (["--origin", "30/04/2026"], "is not a date"),
])
def test_report_refuses_bad_options_before_any_work(args, message, tmp_path):
    res = runner.invoke(app, ["report", "--data-dir", str(tmp_path / "nowhere"), *args], env={"COLUMNS": "200"})
    assert res.exit_code == 2
    assert message in " ".join(res.output.replace("│", " ").split())


def test_progress_bar_is_quiet_off_a_terminal(capsys):
    from crossingcast.cli._common import console, progress_bar

    assert not console.is_terminal  # pytest captures stderr
    with progress_bar("work", 3) as (bar, task):
        for _ in range(3):
            bar.advance(task)
    captured = capsys.readouterr()
    assert "work" not in captured.err and "work" not in captured.out
