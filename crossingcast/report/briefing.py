"""One self-contained HTML briefing a policy analyst can e-mail.

:func:`briefing` runs the library's own building blocks — :func:`crossingcast.outlook.summer_outlook`
(forecast and surge risk), :func:`crossingcast.scenarios.run_scenarios` (paired scenario
differences), :func:`crossingcast.evaluate.rolling_origin_backtest` (the leaderboard backing the
model choice) and :mod:`crossingcast.plots` — and lays the results out in one HTML file: PNG figures
are embedded as base64 ``data:`` URIs and the styling is inline, so the file needs no network, no
external CSS and no JavaScript.

Every table shown is also kept in :attr:`Briefing.tables` (full precision) and can be written as
CSV next to the HTML (:meth:`Briefing.write`); the HTML shows the same numbers rounded for reading.
"""

from __future__ import annotations

import base64
import html
import io
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd

from crossingcast.errors import CrossingcastError

__all__ = ["SECTIONS", "Briefing", "briefing"]

#: Sections of the briefing, in page order.
SECTIONS = ("forecast", "surge", "scenarios", "leaderboard", "provenance")

#: Models of the default (full) backtest; the forecast's own model is always added.
BACKTEST_MODELS = ("seasonal_naive", "climatology", "hurdle", "gbm")

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;max-width:1060px;margin:24px auto;
padding:0 16px;color:#1b1b1b;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:2px solid #1d4e89;padding-bottom:.2em;margin-top:1.8em}
table{border-collapse:collapse;margin:.6em 0 1em;font-size:.88em}
th,td{border:1px solid #c8ccd2;padding:3px 8px}th{background:#eef1f5;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}
img{max-width:100%;height:auto;border:1px solid #e3e5e8}
.sim{background:#b00020;color:#fff;padding:8px 12px;font-weight:bold;margin:.6em 0}
.key{background:#f4f7fb;border-left:4px solid #1d4e89;padding:8px 12px;margin:.8em 0}
.note{color:#555;font-size:.9em}caption{text-align:left;font-weight:bold;padding:.3em 0}
"""


@dataclass
class Briefing:
    """A rendered briefing (see :func:`briefing`).

    Attributes
    ----------
    html : str
        The self-contained HTML page.
    tables : dict of str to pandas.DataFrame
        Every table shown in the page, at full precision, keyed by the table id
        (the HTML ``<table id="...">``); :meth:`write` can save them as CSV.
    figures : dict of str to bytes
        The embedded PNG figures, keyed by figure id.
    info : dict
        Provenance: data source, dates, model, weather labels, seeds.
    """

    html: str
    tables: dict = field(default_factory=dict)
    figures: dict = field(default_factory=dict)
    info: dict = field(default_factory=dict)

    def write(self, path: str | os.PathLike, tables_dir: str | os.PathLike | None = None) -> Path:
        """Write the HTML page (atomically) and, optionally, each table as ``<tables_dir>/<id>.csv``.

        Parameters
        ----------
        path : str or path-like
            Destination of the HTML file.
        tables_dir : str or path-like, optional
            Directory for the CSV tables (created if needed).

        Returns
        -------
        pathlib.Path
            The HTML path.
        """
        from crossingcast.data.home import atomic_write_text
        from crossingcast.report.tables import write_table

        path = Path(path)
        if path.parent and not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        if tables_dir is not None:
            for name, table in self.tables.items():
                write_table(table, Path(tables_dir) / f"{name}.csv", float_format="%.10g")
        return atomic_write_text(path, self.html)


# --------------------------------------------------------------------------- HTML helpers

def _esc(x: Any) -> str:
    return html.escape(str(x), quote=True)


def _decimals(values: pd.Series) -> int:
    """Decimals shown for a float column: whole numbers for counts, more for small quantities."""
    v = np.abs(pd.to_numeric(values, errors="coerce").to_numpy(float))
    v = v[np.isfinite(v)]
    m = float(v.max()) if len(v) else 0.0
    return 0 if m >= 100 else 1 if m >= 10 else 2 if m >= 1 else 3


def _cell(v: Any, decimals: int) -> tuple[str, bool]:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT:
        return "", False
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v)), False
    if isinstance(v, (int, np.integer)):
        return f"{int(v):,}", True
    if isinstance(v, (float, np.floating)):
        return f"{float(v):,.{decimals}f}", True
    if isinstance(v, pd.Timestamp):
        return (v.date().isoformat() if v == v.normalize() else v.isoformat()), False
    return str(v), False


def _plain(table: pd.DataFrame) -> pd.DataFrame:
    """Index as columns, timestamps as ISO dates: the table as written to CSV."""
    out = table.copy()
    if out.index.name is not None or not isinstance(out.index, pd.RangeIndex):
        out = out.reset_index()
    return out


def _html_table(table: pd.DataFrame, table_id: str, caption: str, columns: list | None = None) -> str:
    t = _plain(table)
    cols = [c for c in (columns or list(t.columns)) if c in t.columns]
    dec = {c: _decimals(t[c]) for c in cols if t[c].dtype.kind == "f"}
    head = "".join(f"<th>{_esc(c)}</th>" for c in cols)
    rows = []
    for rec in t[cols].itertuples(index=False):
        cells = []
        for c, v in zip(cols, rec):
            text, num = _cell(v, dec.get(c, 0))
            cells.append(f'<td class="num">{_esc(text)}</td>' if num else f"<td>{_esc(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<table id="{_esc(table_id)}" data-csv="{_esc(table_id)}.csv"><caption>{_esc(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, metadata={"Software": None})
    return buf.getvalue()


def _img(png: bytes, fig_id: str, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<p><img id="{_esc(fig_id)}" alt="{_esc(alt)}" src="data:image/png;base64,{data}"></p>'


def _n(x: float) -> str:
    return f"{x:,.0f}"


# --------------------------------------------------------------------------- plain-words assumptions

def describe_change(change: dict) -> str:
    """One scenario change (a spec mapping) in plain words.

    Parameters
    ----------
    change : dict
        A normalised change of :class:`crossingcast.scenarios.Scenario`.

    Returns
    -------
    str
    """
    c = dict(change)
    when = ""
    if "start" in c or "end" in c:
        s = pd.Timestamp(c["start"]).date() if "start" in c else "the scenario start"
        e = pd.Timestamp(c["end"]).date() if "end" in c else "the scenario end"
        when = f" from {s} to {e}"
    if "patrols" in c:
        p = float(c["patrols"])
        text = f"French beach patrols {'reduced' if p < 0 else 'increased'} by {abs(p) * 100:.0f}%{when}"
        e = c.get("elasticity")
        if e == "estimated":
            text += ("; effect on the French prevention rate uses the elasticity ESTIMATED from the Paris 2024 "
                     "Olympic and Paralympic patrol windows, with its full uncertainty (sign included)")
        elif isinstance(e, (list, tuple)):
            text += (f"; ASSUMED elasticity drawn uniformly from {float(e[0]):g} to {float(e[1]):g} of the "
                     f"prevention rate to patrol intensity (an assumption, not an estimate)")
        elif e is not None:
            text += (f"; ASSUMED elasticity {float(e):g} of the prevention rate to patrol "
                     f"intensity (an assumption, not an estimate)")
        else:
            text += ("; elasticity estimated from the Paris 2024 Olympic and Paralympic patrol windows where the "
                     "data identify it, otherwise an ASSUMED range (the table's elasticity_source column says "
                     "which)")
        return text
    if "prevention_rate" in c:
        return f"French prevention rate set by assumption to {c['prevention_rate']}{when}"
    if "event" in c:
        text = f"event '{c['event']}' in force{when}"
        if c.get("like"):
            text += f", with the effect the model estimated for the past event '{c['like']}'"
        return text
    if "weather" in c:
        return f"weather assumed '{c['weather']}' (instead of climatology){when}"
    return "; ".join(f"{k} = {v}" for k, v in c.items())


# --------------------------------------------------------------------------- the briefing

def _default_period(origin: pd.Timestamp) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The next June-September after the origin (the current one if the origin is before 1 June)."""
    year = origin.year if origin < pd.Timestamp(f"{origin.year}-06-01") else origin.year + 1
    return pd.Timestamp(f"{year}-06-01"), pd.Timestamp(f"{year}-09-30")


def _backtest_origins(origin: pd.Timestamp, horizon: int, quick: bool):
    """Sundays of the last summers fully observed by the origin (quick: 3 origins of the last one)."""
    from crossingcast.evaluate import summer_origins

    last = origin.year if pd.Timestamp(f"{origin.year}-09-30") + pd.Timedelta(days=horizon) <= origin \
        else origin.year - 1
    years = [last] if quick else [last - 1, last]
    groups = summer_origins(years, end=origin - pd.Timedelta(days=horizon))
    ors = [o for v in groups.values() for o in v]
    if quick:
        ors = ors[2:len(ors):5][:3] or ors[:3]
    return years, ors


def briefing(frame: pd.DataFrame, origin=None, start=None, end=None, *, model: str = "best",
             scenarios=None, weekly: pd.DataFrame | None = None, sections: Iterable[str] = SECTIONS,
             n_paths: int = 1000, seed: int = 0, backtest_models: Iterable[str] | None = None,
             horizon: int = 14, quick: bool = False, title: str | None = None,
             progress: Callable[[str], None] | None = None) -> Briefing:
    """Build the HTML briefing: forecast, surge risk, scenarios, leaderboard and data provenance.

    Parameters
    ----------
    frame : pandas.DataFrame
        Daily frame (:func:`crossingcast.build_frame` or :func:`crossingcast.simulate.simulate_channel`).
    origin : date-like, optional
        Last day of data used (default: the last day of ``frame``). Nothing after it is used,
        the backtest included.
    start, end : date-like, optional
        Forecast period (default: the next June-September after the origin).
    model : str
        Forecast model name (``"best"``: :func:`crossingcast.models.best_model` of the horizon, end - origin).
    scenarios : ScenarioSpec, dict or path, optional
        Scenario spec for :func:`crossingcast.scenarios.run_scenarios`; without it the
        scenarios section says that none were given.
    weekly : pandas.DataFrame, optional
        SB_02 weekly table (needed by patrol / prevention-rate scenarios).
    sections : iterable of str
        Sections to include, from :data:`SECTIONS`.
    n_paths : int
        Sample paths of the outlook (per weather year) and of the scenarios.
    seed : int
        Random seed (same data + same seed -> identical tables).
    backtest_models : iterable of str, optional
        Models of the leaderboard (default :data:`BACKTEST_MODELS`, quick: seasonal_naive and
        hurdle); the forecast model is always added.
    horizon : int
        Backtest horizon in days.
    quick : bool
        Short run: at most 200 paths, 3 backtest origins in one summer, 2-3 models.
    title : str, optional
        Page title.
    progress : callable, optional
        Called with a short message before each step.

    Returns
    -------
    Briefing

    Raises
    ------
    CrossingcastError
        Unknown sections, dates outside the data, or errors of the underlying steps.
    """
    from crossingcast.frame import TARGET
    from crossingcast.models import CUTOVER_DAYS, best_model

    sections = list(dict.fromkeys(sections))
    bad = [s for s in sections if s not in SECTIONS]
    if bad or not sections:
        raise CrossingcastError(f"briefing: unknown section(s) {bad or '(none given)'}; choose from "
                                f"{', '.join(SECTIONS)}")
    if not isinstance(frame, pd.DataFrame) or not isinstance(frame.index, pd.DatetimeIndex) or frame.empty:
        raise CrossingcastError("briefing: frame must be a non-empty daily DataFrame (crossingcast.build_frame)")
    origin = pd.Timestamp(origin if origin is not None else frame.index[-1]).normalize()
    if not frame.index[0] <= origin <= frame.index[-1]:
        raise CrossingcastError(f"briefing: origin {origin.date()} is outside the data "
                                f"({frame.index[0].date()}..{frame.index[-1].date()})")
    d_start, d_end = _default_period(origin)
    start = pd.Timestamp(start).normalize() if start is not None else d_start
    end = pd.Timestamp(end).normalize() if end is not None else d_end
    if quick:
        n_paths = min(int(n_paths), 200)
    say = progress or (lambda msg: None)
    horizon_days = (end - origin).days
    name = best_model(horizon_days) if model == "best" else str(model)
    simulated = bool(frame.attrs.get("simulated", False))
    rep = dict(frame.attrs.get("report", {}))
    history = frame.loc[:origin]
    history.attrs = dict(frame.attrs)

    tables: dict[str, pd.DataFrame] = {}
    figures: dict[str, bytes] = {}
    body: list[str] = []
    info: dict[str, Any] = {"source": rep.get("source"), "data_period": rep.get("period"),
                            "frame_weather": rep.get("weather"), "origin": origin.date().isoformat(),
                            "start": start.date().isoformat(), "end": end.date().isoformat(), "model": name,
                            "n_paths": int(n_paths), "seed": int(seed), "simulated": simulated, "quick": bool(quick)}

    def add_table(tid: str, table: pd.DataFrame, caption: str, columns: list | None = None) -> None:
        shown = _plain(table)
        if columns is not None:
            shown = shown[[c for c in columns if c in shown.columns]]
        tables[tid] = shown
        body.append(_html_table(shown, tid, caption))

    def add_figure(fid: str, fig, alt: str) -> None:
        figures[fid] = _png(fig)
        body.append(_img(figures[fid], fid, alt))

    from crossingcast import plots

    sim_tag = "SIMULATED " if simulated else ""
    outlook = None
    if "forecast" in sections or "surge" in sections:
        from crossingcast.outlook import summer_outlook

        say(f"outlook {start.date()}..{end.date()} ({name}, {n_paths} paths)")
        outlook = summer_outlook(frame, origin, start, end, model=name, n_paths=int(n_paths), seed=int(seed))
        info["outlook_weather"] = outlook.weather
    if "forecast" in sections:
        tot, sd = outlook.total, outlook.surge_days
        body.append(f'<h2 id="forecast">{sim_tag}Forecast {start.date()} to {end.date()}</h2>')
        body.append(f'<div class="key">Expected arrivals {start.date()}..{end.date()}: <b>{_n(tot["mean"])}</b> '
                    f"people (80% interval {_n(tot['p10'])} to {_n(tot['p90'])}). Model <b>{_esc(name)}</b> "
                    f"fitted on data up to {origin.date()}; weather: {_esc(outlook.weather)}. The total is the "
                    f"sum of the daily predictive means; the interval comes from {outlook.n_paths} sample paths"
                    f"{' per weather year' if outlook.weather_years else ''}.</div>")
        summary = pd.DataFrame([{"quantity": "arrivals_total", **{k: float(v) for k, v in tot.items()}},
                                {"quantity": f"surge_days (>= {outlook.surge_threshold:g}/day)",
                                 **{k: float(v) for k, v in sd.items()}}])
        add_table("forecast_total", summary, "Period total and number of surge days (mean; 80% interval p10-p90)")
        hist = history[TARGET].iloc[-61:] if TARGET in history else None
        actual = frame[TARGET].loc[start:end] if TARGET in frame else None
        fig = plots.fan_chart(outlook.daily, actual=actual if actual is not None and len(actual) else None,
                              history=hist, simulated=simulated,
                              title=f"{name}: daily arrivals, fitted to {origin.date()} ({outlook.weather})",
                              total_interval=(float(tot["p10"]), float(tot["p90"])))
        add_figure("fig_forecast", fig, "fan chart of the daily forecast")
        add_table("forecast_weekly", outlook.weekly, "Weekly totals (weeks ending Sunday; edge weeks may be partial)",
                  ["week_end", "n_days", "mean", "p10", "p50", "p90"])
        daily_html_start = len(body)
        add_table("forecast_daily", outlook.daily, "Daily forecast (p_surge = probability of a surge day)")
        body[daily_html_start] = ("<details><summary>Daily forecast table (" + str(len(outlook.daily))
                                  + " days)</summary>" + body[daily_html_start] + "</details>")
    if "surge" in sections:
        body.append(f'<h2 id="surge">{sim_tag}Weekly surge risk</h2>')
        sd = outlook.surge_days
        body.append(f"<p>A surge day is a day with at least {outlook.surge_threshold:g} arrivals. Expected surge "
                    f"days in the period: <b>{sd['mean']:.1f}</b> (80% interval {sd['p10']:.0f} to "
                    f"{sd['p90']:.0f}). The weeks most at risk:</p>")
        add_table("surge_weeks", outlook.weeks_at_risk(5), "Weeks with the most expected surge days",
                  ["week_end", "n_days", "expected_surge_days", "p_any_surge", "mean", "p10", "p90"])
        add_figure("fig_surge", plots.surge_bars(outlook.weekly, threshold=outlook.surge_threshold,
                                                 simulated=simulated), "expected surge days per week")
    if "scenarios" in sections:
        body.append(f'<h2 id="scenarios">{sim_tag}Scenarios</h2>')
        if scenarios is None:
            body.append('<p class="note">No scenario file was given, so no scenarios were run.</p>')
        else:
            from crossingcast.scenarios import CONTRACT_COLUMNS, load_spec, run_scenarios, spec_from_dict

            spec = load_spec(scenarios) if isinstance(scenarios, (str, os.PathLike)) else (
                spec_from_dict(scenarios) if isinstance(scenarios, dict) else scenarios)
            if quick:
                spec.n_paths = min(int(spec.n_paths), int(n_paths))
            say(f"{len(spec.scenarios)} scenario(s) x {spec.n_paths} paired paths ({spec.model}, origin "
                f"{spec.origin.date()})")
            res = run_scenarios(frame, spec, weekly=weekly)
            info["scenario_weather"] = res.info.get("weather")
            info["scenario_model"] = res.info.get("model")
            body.append(f"<p>Each scenario is compared with the same baseline on paired sample paths "
                        f"({spec.n_paths} paths, model {_esc(res.info.get('model'))}, fitted at "
                        f"{_esc(res.info.get('origin'))}, weather: {_esc(res.info.get('weather'))}); the 80% "
                        f"interval of the difference comes from the path-by-path differences.</p>")
            if spec.description:
                body.append(f'<p class="note">{_esc(spec.description.strip())}</p>')
            add_table("scenarios", res.table, "Scenario minus baseline totals (mean; 80% interval of the difference)",
                      list(CONTRACT_COLUMNS))
            add_figure("fig_scenarios", plots.scenario_bars(res.table, simulated=simulated,
                                                            title=f"Scenarios vs baseline ({res.info.get('model')})"),
                       "scenario differences with paired 80% intervals")
            body.append("<h3>Assumptions of each scenario, in plain words</h3><ul>")
            for sc, row in zip(spec.scenarios, res.table.itertuples(index=False)):
                changes = "; ".join(describe_change(c) for c in sc.changes) or "no change to the baseline"
                body.append(f"<li><b>{_esc(sc.name)}</b> ({sc.start.date()} to {sc.end.date()}): {_esc(changes)}.")
                if getattr(row, "assumption", ""):
                    body.append(f" Model assumption: {_esc(row.assumption)}.")
                if getattr(row, "notes", ""):
                    body.append(f' <span class="note">Notes: {_esc(row.notes)}</span>')
                body.append("</li>")
            if spec.baseline:
                body.append("<li><b>baseline</b>: " + _esc("; ".join(describe_change(c) for c in spec.baseline))
                            + "</li>")
            body.append("</ul>")
    if "leaderboard" in sections:
        from crossingcast.evaluate import rolling_origin_backtest

        models = list(backtest_models or (("seasonal_naive", "hurdle") if quick else BACKTEST_MODELS))
        models = list(dict.fromkeys(models + [name]))
        years, ors = _backtest_origins(origin, int(horizon), quick)
        if not ors:
            raise CrossingcastError(f"briefing: no complete summer before the origin {origin.date()} to backtest")
        say(f"backtest: {len(ors)} origins x {len(models)} models, summers {years}")
        res_bt = rolling_origin_backtest(history, models, summers=years, origins=ors, horizon=int(horizon),
                                         weather="climatology", progress=False, random_state=int(seed))
        board = res_bt.leaderboard()
        info["backtest_weather"] = res_bt.weather
        rank = board.loc[board["model"] == name, "rank"]
        body.append(f'<h2 id="leaderboard">{sim_tag}Backtest leaderboard</h2>')
        body.append(f"<p>Rolling-origin backtest on data up to the origin: {len(ors)} forecast origins in summer(s) "
                    f"{', '.join(map(str, years))}, {horizon} days ahead, weather: {_esc(res_bt.weather)}. Ranked by "
                    f"the error of weekly totals (wk_rmse); coverage80 is how often the 80% interval held the "
                    f"observed value (0.8 is right). The forecast model <b>{_esc(name)}</b> ranks "
                    f"<b>{int(rank.iloc[0]) if len(rank) else '?'}</b> of {len(board)}."
                    f"{' Quick run: few origins, so the ranking is indicative only.' if quick else ''}"
                    + (f" This board scores 1-{horizon} days ahead; the forecast is {horizon_days} days ahead, "
                       f"where <code>best</code> is <b>{_esc(name)}</b>, the winner of the season-ahead "
                       f"board (benchmarks/season_ahead.py; docs/season_ahead.md), not of this one."
                       if model == "best" and horizon_days > CUTOVER_DAYS else "") + "</p>")
        add_table("leaderboard", board, "Leaderboard (lower mae / crps / wk_rmse is better)",
                  ["rank", "model", "mae", "crps", "coverage80", "wk_rmse", "wk_coverage80", "weather"])
        add_figure("fig_leaderboard", plots.leaderboard_bars(board, "wk_rmse", simulated=simulated),
                   "leaderboard bar chart")
    if "provenance" in sections:
        import crossingcast

        body.append('<h2 id="provenance">Data provenance</h2>')
        rows = [("data", "SIMULATED Channel (crossingcast.simulate), NOT real data" if simulated else
                 "Home Office, Migrants detected crossing the English Channel in small boats (SB_01 daily)"),
                ("release / source", Path(str(rep["source"])).name if rep.get("source") else None), ("data period", rep.get("period")),
                ("last day used (origin)", origin.date().isoformat()),
                ("forecast period", f"{start.date()}..{end.date()}"), ("model", name),
                ("weather in the data", rep.get("weather")),
                ("weather of the forecast", info.get("outlook_weather")),
                ("weather of the backtest", info.get("backtest_weather")),
                ("weather of the scenarios", info.get("scenario_weather")),
                ("sample paths / seed", f"{n_paths} / {seed}"),
                ("crossingcast / pandas", f"{crossingcast.__version__} / {pd.__version__}")]
        prov = pd.DataFrame([(k, str(v)) for k, v in rows if v is not None], columns=["item", "value"])
        add_table("provenance", prov, "What went into this briefing")
        if outlook is not None and outlook.notes:
            body.append("<p>Notes of the outlook:</p><ul>" + "".join(f"<li>{_esc(n)}</li>" for n in outlook.notes)
                        + "</ul>")
        body.append('<p class="note">Data: Home Office, Crown copyright, Open Government Licence v3.0. '
                    "Weather: Meteostat (CC BY 4.0). Observed weather used as a future input is labelled "
                    "ORACLE; without a weather mirror the models are weather-blind.</p>")

    page_title = title or f"{sim_tag}Small-boat crossings briefing: {start.date()} to {end.date()}"
    head = [f"<h1>{_esc(page_title)}</h1>"]
    if simulated:
        head.append('<div class="sim">SIMULATED DATA: every number below comes from the simulated Channel '
                    "(crossingcast.simulate), not from the Home Office series.</div>")
    src = Path(str(rep["source"])).name if rep.get("source") else "unknown source"
    head.append(f'<p class="note">Data up to {origin.date()} ({_esc(src)}); generated by '
                f"crossingcast with seed {seed}. Sections: {', '.join(sections)}.</p>")
    doc = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
           "<link rel=\"icon\" href=\"data:,\">"
           f"<title>{_esc(page_title)}</title><style>{_CSS}</style></head><body>\n"
           + "\n".join(head + body) + "\n</body></html>\n")
    return Briefing(html=doc, tables=tables, figures=figures, info=info)
