"""The HTML briefing (crossingcast.report.briefing and ``crossingcast report``) without a browser.

The real-data briefing written by the CLI is shared with tests/test_report_browser.py through the
``real_briefing`` fixture of tests/report_fixtures.py (built once per session).
"""

from __future__ import annotations

import base64
import csv
import re

import numpy as np
import pandas as pd
import pytest

from crossingcast.errors import CrossingcastError
from crossingcast.report import SECTIONS, Briefing, briefing
from crossingcast.report.briefing import describe_change
from tests.report_fixtures import REAL_SECTIONS, real_briefing  # noqa: F401  (fixture)


@pytest.fixture(scope="module")
def sim_frame():
    from crossingcast.simulate import simulate_channel

    return simulate_channel("2022-01-01", "2025-05-31", seed=3)


def test_unknown_section_is_refused_naming_the_valid_ones(sim_frame):
    with pytest.raises(CrossingcastError, match="unknown section.*'charts'.*forecast, surge, scenarios"):
        briefing(sim_frame, sections=["forecast", "charts"])


def test_origin_outside_the_data_is_refused(sim_frame):
    with pytest.raises(CrossingcastError, match="origin 2030-01-01 is outside the data"):
        briefing(sim_frame, origin="2030-01-01", sections=["provenance"])


def test_sections_choose_what_appears_and_simulated_is_labelled(sim_frame):
    b = briefing(sim_frame, sections=["provenance"], seed=5)
    assert isinstance(b, Briefing)
    assert list(b.tables) == ["provenance"] and not b.figures
    assert 'id="provenance"' in b.html and 'id="forecast"' not in b.html and 'id="leaderboard"' not in b.html
    assert "SIMULATED DATA" in b.html
    prov = dict(zip(b.tables["provenance"]["item"], b.tables["provenance"]["value"]))
    assert prov["data"].startswith("SIMULATED") and prov["sample paths / seed"] == "1000 / 5"
    # default period: the summer after the origin (last day of the frame, 31 May 2025)
    assert prov["forecast period"] == "2025-06-01..2025-09-30"
    assert prov["last day used (origin)"] == "2025-05-31"


def test_forecast_and_surge_sections_from_the_outlook(sim_frame):
    from crossingcast.outlook import summer_outlook

    b = briefing(sim_frame, model="climatology", sections=["forecast", "surge"], n_paths=60, seed=1)
    ol = summer_outlook(sim_frame, "2025-05-31", "2025-06-01", "2025-09-30", model="climatology", n_paths=60, seed=1)
    total = b.tables["forecast_total"].set_index("quantity").loc["arrivals_total"]
    # the total shown is the outlook's: sum of daily means, interval from the paths
    assert total["mean"] == pytest.approx(ol.total["mean"]) and total["p90"] == pytest.approx(ol.total["p90"])
    assert total["mean"] == pytest.approx(ol.daily["mean"].sum())
    assert len(b.tables["forecast_daily"]) == 122 and len(b.tables["surge_weeks"]) == 5
    assert set(b.figures) == {"fig_forecast", "fig_surge"}
    for png in b.figures.values():
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert base64.b64encode(png).decode() in b.html  # embedded, not linked
    # self-contained: no external resource of any kind
    assert not re.search(r'(src|href)="(?!data:)', b.html)
    assert "<script" not in b.html and "http://" not in b.html and "https://" not in b.html
    # same data + same seed -> identical page
    again = briefing(sim_frame, model="climatology", sections=["forecast", "surge"], n_paths=60, seed=1)
    assert again.html == b.html


def test_write_puts_the_tables_beside_the_page(sim_frame, tmp_path):
    b = briefing(sim_frame, sections=["provenance"])
    path = b.write(tmp_path / "out" / "b.html", tables_dir=tmp_path / "tables")
    assert path.read_text() == b.html
    assert (tmp_path / "tables" / "provenance.csv").is_file()


def test_describe_change_in_plain_words():
    s = describe_change({"patrols": -0.25, "start": "2026-07-01", "end": "2026-09-30", "elasticity": 1.0})
    assert "reduced by 25%" in s and "2026-07-01" in s and "ASSUMED elasticity 1" in s
    s = describe_change({"patrols": -0.25, "start": "2026-07-01", "end": "2026-09-30"})
    assert "estimated from the Paris 2024 Olympic and Paralympic patrol windows" in s
    assert "olympics_like" in describe_change({"event": "x", "like": "olympics_like"})
    assert "calm" in describe_change({"weather": "calm"})


# --------------------------------------------------------------------------- the real-data briefing (CLI)

@pytest.mark.slow
@pytest.mark.data
def test_cli_report_from_the_real_data(real_briefing):  # noqa: F811
    html_path, tables_dir, output = real_briefing
    html = html_path.read_text()
    for sec in REAL_SECTIONS:
        assert f'id="{sec}"' in html
    assert "SIMULATED" not in html  # real data is never labelled simulated ...
    assert "small_boats_time_series_2026-05-01.ods" in html  # ... and names its release
    assert "weather-blind" in html  # no weather mirror offline: said plainly
    for name in ("patrols_minus_25pct", "patrols_minus_25pct_e1"):
        assert name in html
    assert "ASSUMED elasticity 1" in html and "reduced by 25%" in html
    names = sorted(p.stem for p in tables_dir.glob("*.csv"))
    assert names == sorted(["forecast_total", "forecast_weekly", "forecast_daily", "surge_weeks", "scenarios",
                            "leaderboard", "provenance"])
    with open(tables_dir / "forecast_daily.csv", newline="") as fh:
        daily = list(csv.DictReader(fh))
    with open(tables_dir / "forecast_total.csv", newline="") as fh:
        total = {r["quantity"]: r for r in csv.DictReader(fh)}
    # the page's total is the sum of the daily means (not of medians)
    assert float(total["arrivals_total"]["mean"]) == pytest.approx(sum(float(r["mean"]) for r in daily), rel=1e-6)
    assert daily[0]["date"] == "2026-06-01" and daily[-1]["date"] == "2026-09-30"
    sc = pd.read_csv(tables_dir / "scenarios.csv")
    assert (sc["diff_p10"] <= sc["diff_mean"] + 1e-9).all() and (sc["diff_mean"] <= sc["diff_p90"] + 1e-9).all()
    board = pd.read_csv(tables_dir / "leaderboard.csv")
    assert "hurdle" in set(board["model"]) and np.isfinite(board["wk_rmse"]).all()
    assert "wrote" in output and "self-contained" in output


def test_sections_constant():
    assert SECTIONS == ("forecast", "surge", "scenarios", "leaderboard", "provenance")


def test_best_follows_the_forecast_horizon_and_the_board_says_where_it_was_chosen(sim_frame):
    """The default period (next June-September) is a season horizon: ``best`` is the season model."""
    from crossingcast.models import BEST_SEASON_MODEL, best_model

    hist = sim_frame.loc[:"2025-04-30"]
    hist.attrs = dict(sim_frame.attrs)
    b = briefing(hist, sections=["forecast", "leaderboard"], quick=True, n_paths=60)
    assert b.info["model"] == best_model(153) == BEST_SEASON_MODEL
    assert "the winner of the season-ahead board" in b.html
