"""Plots for the CLI and notebooks: forecast fan charts, scenario differences, leaderboards.

Every function builds a :class:`matplotlib.figure.Figure` directly (no
``pyplot``), so no global figure state is created or leaked: the caller owns
the figure and can save it (:func:`save_figure`) or display it in a notebook.
matplotlib is imported lazily; it is needed only when a plot is made.

Labelling: pass ``simulated=True`` for anything computed on the simulated
Channel (:func:`crossingcast.simulate.simulate_channel`); the title then
starts with ``"SIMULATED"`` and a footnote says it is not real data.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from crossingcast.errors import CrossingcastError

__all__ = ["fan_chart", "scenario_bars", "leaderboard_bars", "surge_bars", "season_ahead_errors", "save_figure",
           "SIMULATED_TAG"]

#: Title prefix of every plot of simulated data.
SIMULATED_TAG = "SIMULATED"
_SIM_NOTE = "SIMULATED Channel (crossingcast.simulate): not real data"


def _figure(width: float, height: float):
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:  # pragma: no cover - matplotlib is installed with the plot extras
        raise CrossingcastError("plots need matplotlib: pip install matplotlib") from exc
    return Figure(figsize=(width, height), layout="constrained")


def _title(fig, ax, title: str, simulated: bool) -> None:
    if simulated and not title.upper().startswith(SIMULATED_TAG):
        title = f"{SIMULATED_TAG}: {title}"
    ax.set_title(title, fontsize=11)
    if simulated:
        fig.supxlabel(_SIM_NOTE, fontsize=8, color="firebrick")


def _quantile_cols(table: pd.DataFrame) -> dict[float, str]:
    out = {}
    for col in table.columns:
        if isinstance(col, str) and col.startswith("p"):
            try:
                out[float(col[1:]) / 100.0] = col
            except ValueError:
                continue
    return out


def fan_chart(forecast: Any, actual: pd.Series | None = None, *, history: pd.Series | None = None,
              title: str | None = None, simulated: bool = False, ylabel: str = "people per day",
              total_interval: tuple[float, float] | None = None):
    """Fan chart of a daily forecast, with observed values if given.

    Parameters
    ----------
    forecast : crossingcast.models.Forecast or pandas.DataFrame
        A :class:`~crossingcast.models.Forecast`, or its ``to_frame()`` table
        (``date, mean, p10, p50, p90`` and optionally ``p5, p25, p75, p95``).
    actual : pandas.Series, optional
        Observed daily values on (some of) the forecast dates, drawn as dots.
    history : pandas.Series, optional
        Observed values before the forecast start, drawn as a thin line.
    title : str, optional
        Plot title (default: model name and period).
    simulated : bool
        Label the plot as simulated data.
    ylabel : str
        y-axis label.
    total_interval : (float, float), optional
        P10 and P90 of the period total (from sample paths), shown in the
        subtitle when ``forecast`` is a table (a Forecast supplies its own).

    Returns
    -------
    matplotlib.figure.Figure
        Bands: P10-P90 (and P5-P95 / P25-P75 when available); lines: mean
        and median.  The subtitle gives the period total (sum of the daily
        means) and, when ``actual`` covers every day, the observed total.
    """
    if hasattr(forecast, "to_frame") and hasattr(forecast, "mean") and not isinstance(forecast, pd.DataFrame):
        table = forecast.to_frame()
        model = getattr(forecast, "model", "")
        if getattr(forecast, "paths", None) is not None:
            tot = forecast.total()
            total_interval = (float(tot["p10"]), float(tot["p90"]))
    elif isinstance(forecast, pd.DataFrame):
        table = forecast.reset_index() if "date" not in forecast.columns else forecast.copy()
        model = str(table["model"].iloc[0]) if "model" in table.columns and len(table) else ""
    else:
        raise CrossingcastError(f"fan_chart: expected a Forecast or a DataFrame, got {type(forecast).__name__}")
    missing = [c for c in ("date", "mean", "p10", "p90") if c not in table.columns]
    if missing:
        raise CrossingcastError(f"fan_chart: forecast table has no column(s) {missing}")
    if not len(table):
        raise CrossingcastError("fan_chart: the forecast has no dates")
    dates = pd.DatetimeIndex(pd.to_datetime(table["date"]))
    q = _quantile_cols(table)
    fig = _figure(10, 4.6)
    ax = fig.add_subplot()
    if history is not None and len(history):
        h = pd.Series(history).astype(float)
        ax.plot(pd.DatetimeIndex(h.index), h.to_numpy(), color="0.45", lw=0.9, label="observed (before start)")
    bands = ((0.05, 0.95, 0.15, "P5-P95"), (0.1, 0.9, 0.25, "P10-P90"), (0.25, 0.75, 0.35, "P25-P75"))
    for lo, hi, alpha, lab in bands:
        if lo in q and hi in q:
            ax.fill_between(dates, table[q[lo]].to_numpy(float), table[q[hi]].to_numpy(float), color="tab:blue",
                            alpha=alpha, lw=0, label=lab)
    ax.plot(dates, table["mean"].to_numpy(float), color="tab:blue", lw=1.6, label="mean")
    if 0.5 in q:
        ax.plot(dates, table[q[0.5]].to_numpy(float), color="navy", lw=0.9, ls="--", label="median")
    sub = f"total (sum of daily means) {table['mean'].sum():,.0f}"
    if total_interval is not None:
        sub += f" (80% {total_interval[0]:,.0f}-{total_interval[1]:,.0f} from paths)"
    if actual is not None:
        a = pd.Series(actual).astype(float).reindex(dates)
        ok = a.notna().to_numpy()
        if ok.any():
            ax.plot(dates[ok], a.to_numpy()[ok], "o", ms=3, color="black", label="observed")
        if ok.all():
            sub += f"; observed {a.sum():,.0f}"
    ax.axvline(dates[0], color="0.6", lw=0.8, ls=":")
    ax.set_ylim(bottom=0)
    ax.set_ylabel(ylabel)
    ax.legend(loc="upper left", fontsize=8, ncol=3, frameon=False)
    period = f"{dates[0].date()}..{dates[-1].date()}"
    _title(fig, ax, (title or f"{model or 'forecast'}: daily arrivals {period}") + f"\n{sub}", simulated)
    fig.autofmt_xdate()
    return fig


def _elasticity_labels(table: pd.DataFrame) -> tuple[list[str], list[bool], str | None]:
    """Per-scenario elasticity label, whether it is ASSUMED, and the plot footnote (None without patrols).

    The label comes from the table's ``elasticity_source`` (estimated / assumed) and the numbers from
    its ``assumption`` text: the estimate with its 80% interval, or the assumed value or range.
    """
    n = len(table)
    if "elasticity_source" not in table.columns:
        return [""] * n, [False] * n, None
    src = table["elasticity_source"].fillna("").astype(str).tolist()
    text = (table["assumption"].fillna("").astype(str).tolist() if "assumption" in table.columns else [""] * n)
    labels, assumed = [], []
    for s, t in zip(src, text):
        if not s:
            labels.append("")
            assumed.append(False)
            continue
        is_assumed = s.startswith("assumed")
        if is_assumed:
            m = re.search(r"elasticity e (~ uniform\([^)]*\)|= [-+0-9.eE]+)", t)
            val = f"e {m.group(1)}" if m else ""
            why = "not identified by data" if "not identified" in s else "given in the spec"
            labels.append(f"elasticity ASSUMED{': ' + val if val else ''} ({why})")
        else:
            m = re.search(r"e = ([-+0-9.]+) \(80% block bootstrap ([-+0-9.]+)\.\.([-+0-9.]+)\)", t)
            val = f"e = {m.group(1)}, 80% {m.group(2)}..{m.group(3)}" if m else ""
            verdict = "; NOT identified: interval spans 0" if "NOT identified" in s else ""
            labels.append(f"elasticity ESTIMATED from data{': ' + val if val else ''}{verdict}")
        assumed.append(is_assumed)
    if not any(src):
        return labels, assumed, None
    kinds = []
    if any(s and not a for s, a in zip(src, assumed)):
        m = re.search(r"estimated from \d+ window\(s\) \(([^;]*);", " ".join(text))
        kinds.append("ESTIMATED = bootstrap draws of the elasticity estimated from the SB_02 prevention rate "
                     f"in patrol redeployment windows{' (' + m.group(1) + ')' if m else ''}, weather not controlled")
    if any(assumed):
        kinds.append("ASSUMED (hatched bars) = a stated value or range, not estimated: the data do not identify "
                     "the effect, or the spec fixed it")
    return labels, assumed, "Patrol elasticity: " + "; ".join(kinds)


def scenario_bars(table: pd.DataFrame, *, title: str | None = None, simulated: bool = False):
    """Scenario minus baseline totals with their paired 80% intervals.

    Parameters
    ----------
    table : pandas.DataFrame
        :attr:`crossingcast.scenarios.ScenarioResult.table` (columns
        ``scenario, diff_mean, diff_p10, diff_p90``; ``baseline_mean`` is used
        for the percentage labels when present; ``elasticity_source`` and
        ``assumption``, when present, say where each patrol scenario's
        elasticity came from).
    title : str, optional
    simulated : bool
        Label the plot as simulated data.

    Returns
    -------
    matplotlib.figure.Figure
        One horizontal bar per scenario (the difference of the means) with
        an error bar from ``diff_p10`` to ``diff_p90`` (quantiles of the
        path-by-path differences).  A patrol scenario's tick label says
        whether its elasticity was ESTIMATED from data (with the estimate and
        its 80% interval) or ASSUMED (the value or range, and why); bars of
        assumed elasticities are hatched, and a footnote explains both.
    """
    need = ["scenario", "diff_mean", "diff_p10", "diff_p90"]
    missing = [c for c in need if c not in table.columns]
    if missing:
        raise CrossingcastError(f"scenario_bars: table has no column(s) {missing}")
    if not len(table):
        raise CrossingcastError("scenario_bars: the table has no scenarios")
    n = len(table)
    elab, assumed, note = _elasticity_labels(table)
    import textwrap

    elab = ["\n".join(textwrap.wrap(e, 44)) for e in elab]
    fig = _figure(11 if note else 9, 1.2 + (0.9 if note else 0.6) * n + (0.5 if note else 0.0))
    ax = fig.add_subplot()
    y = np.arange(n)[::-1]
    d = table["diff_mean"].to_numpy(float)
    lo = np.clip(d - table["diff_p10"].to_numpy(float), 0, None)
    hi = np.clip(table["diff_p90"].to_numpy(float) - d, 0, None)
    colors = ["tab:red" if v > 0 else "tab:green" for v in d]
    bars = ax.barh(y, d, color=colors, alpha=0.7, height=0.6)
    for bar, a in zip(bars, assumed):
        if a:
            bar.set_hatch("//")
    ax.errorbar(d, y, xerr=[lo, hi], fmt="none", ecolor="black", capsize=4, lw=1)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y, [f"{s}\n{e}" if e else str(s) for s, e in zip(table["scenario"], elab)], fontsize=8)
    base = table["baseline_mean"].to_numpy(float) if "baseline_mean" in table.columns else None
    for i in range(n):
        lab = f"{d[i]:+,.0f}"
        if base is not None and base[i] > 0:
            lab += f" ({100 * d[i] / base[i]:+.1f}%)"
        right = max(d[i], d[i] + hi[i])
        ax.annotate(lab, (right, y[i]), xytext=(6, 0), textcoords="offset points", ha="left", va="center",
                    fontsize=8)
    ax.set_xlabel("scenario - baseline, people over the scenario period (bar: mean; line: paired P10-P90)")
    ax.margins(x=0.25, y=0.15)
    _title(fig, ax, title or "Scenarios vs baseline", simulated)
    if note:
        note = "\n".join(textwrap.wrap(note, 170))
        fig.supxlabel(f"{_SIM_NOTE}\n{note}" if simulated else note, fontsize=7,
                      color="firebrick" if simulated else "dimgray")
    return fig


def leaderboard_bars(board: pd.DataFrame, metric: str = "wk_rmse", *, title: str | None = None,
                     simulated: bool = False):
    """Bar chart of one leaderboard metric per model (lower is better for error metrics).

    Parameters
    ----------
    board : pandas.DataFrame
        :meth:`crossingcast.evaluate.BacktestResult.leaderboard` (columns
        ``model`` and ``metric``; ``weather`` is shown in the title when present).
    metric : str
        Column to plot (default ``wk_rmse``, RMSE of weekly totals).
    title : str, optional
    simulated : bool
        Label the plot as simulated data.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if "model" not in board.columns or metric not in board.columns:
        raise CrossingcastError(f"leaderboard_bars: board needs columns 'model' and {metric!r}; "
                                f"has {list(board.columns)}")
    if not len(board):
        raise CrossingcastError("leaderboard_bars: the leaderboard is empty")
    b = board.sort_values(metric, kind="mergesort")
    fig = _figure(8, 1.4 + 0.5 * len(b))
    ax = fig.add_subplot()
    y = np.arange(len(b))[::-1]
    vals = b[metric].to_numpy(float)
    ax.barh(y, vals, color="tab:blue", alpha=0.75, height=0.6)
    for yi, v in zip(y, vals):
        ax.annotate(f"{v:,.4g}", (v, yi), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
    ax.set_yticks(y, [str(m) for m in b["model"]])
    ax.set_xlabel(metric)
    ax.margins(x=0.15)
    weather = f"\nweather: {b['weather'].iloc[0]}" if "weather" in b.columns else ""
    _title(fig, ax, (title or f"Backtest leaderboard: {metric}") + weather, simulated)
    return fig


def surge_bars(weekly: pd.DataFrame, *, threshold: float | None = None, title: str | None = None,
               simulated: bool = False):
    """Expected surge days per week, with the probability of at least one surge day.

    Parameters
    ----------
    weekly : pandas.DataFrame
        :attr:`crossingcast.outlook.OutlookResult.weekly` (columns ``week_end``,
        ``expected_surge_days``, ``p_any_surge`` and optionally ``n_days``).
    threshold : float, optional
        Surge threshold (arrivals per day), shown in the title.
    title : str, optional
    simulated : bool
        Label the plot as simulated data.

    Returns
    -------
    matplotlib.figure.Figure
        Bars: expected surge days (the sum of the daily surge probabilities);
        line (right axis): P(at least one surge day in the week).
    """
    need = ["week_end", "expected_surge_days", "p_any_surge"]
    missing = [c for c in need if c not in weekly.columns]
    if missing:
        raise CrossingcastError(f"surge_bars: weekly table has no column(s) {missing}")
    if not len(weekly):
        raise CrossingcastError("surge_bars: the weekly table is empty")
    w = weekly.sort_values("week_end", kind="mergesort")
    x = pd.DatetimeIndex(pd.to_datetime(w["week_end"]))
    fig = _figure(10, 3.8)
    ax = fig.add_subplot()
    ax.bar(x, w["expected_surge_days"].to_numpy(float), width=5, color="tab:orange", alpha=0.8,
           label="expected surge days")
    ax.set_ylabel("expected surge days in the week")
    ax.set_ylim(0, 7)
    ax2 = ax.twinx()
    ax2.plot(x, w["p_any_surge"].to_numpy(float), "o-", color="tab:red", ms=3, lw=1,
             label="P(at least one surge day)")
    ax2.set_ylim(0, 1.05)
    ax2.set_ylabel("probability")
    lines = ax.get_legend_handles_labels()
    lines2 = ax2.get_legend_handles_labels()
    ax.legend(lines[0] + lines2[0], lines[1] + lines2[1], loc="upper left", fontsize=8, frameon=False)
    thr = f" (surge: >= {threshold:g} arrivals/day)" if threshold is not None else ""
    _title(fig, ax, (title or "Weekly surge risk, weeks ending Sunday") + thr, simulated)
    fig.autofmt_xdate()
    return fig


def save_figure(fig, path: str | os.PathLike, dpi: int = 120) -> Path:
    """Save ``fig`` to ``path`` (format from the extension) atomically; returns the path.

    The figure is written to a temporary file in the same directory and
    renamed, so a crash never leaves a half-written image.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fmt = path.suffix.lstrip(".").lower() or "png"
    supported = fig.canvas.get_supported_filetypes()
    if fmt not in supported:
        raise CrossingcastError(f"{str(path)!r}: cannot save a plot as {fmt!r}; use one of {sorted(supported)}")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        fig.savefig(tmp, format=fmt, dpi=dpi, metadata={"Software": None} if fmt == "png" else None)
        os.replace(tmp, path)
    except Exception:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def season_ahead_errors(result: Any, target: str = "rest_of_season", *, title: str | None = None,
                        simulated: bool = False):
    """Season-ahead backtest: mean absolute % error of the forecast total by origin month (one line per model),
    beside the PIT histogram of the best model.

    Parameters
    ----------
    result : crossingcast.evaluate.SeasonAheadResult
    target : str
        One of :data:`crossingcast.evaluate.season_ahead.TARGETS`.
    title : str, optional
    simulated : bool
        Label the plot as simulated data.

    Returns
    -------
    matplotlib.figure.Figure
    """
    table = result.error_by_month(target)
    if table.empty:
        raise CrossingcastError(f"season_ahead_errors: no rows for target {target!r}")
    board = result.leaderboard(target)
    fig = _figure(10, 4)
    ax, ax2 = fig.subplots(1, 2, width_ratios=[3, 2])
    months = [int(m) for m in table.columns]
    names = {3: "Mar", 4: "Apr", 5: "May", 6: "Jun", 7: "Jul", 8: "Aug"}
    for name, row in table.iterrows():
        ax.plot(months, row.to_numpy(float), marker="o", label=str(name))
    ax.set_xticks(months, [names.get(m, str(m)) for m in months])
    ax.set_xlabel("origin month")
    ax.set_ylabel("mean |error| of the total, %")
    ax.legend(fontsize=8, ncols=2)
    best = str(board["model"].iloc[0])
    pit = result.pit_histogram(target).loc[best]
    ax2.bar(np.arange(len(pit)) / len(pit), pit.to_numpy(float), width=1 / len(pit), align="edge",
            color="tab:blue", alpha=0.75, edgecolor="white")
    ax2.axhline(pit.sum() / len(pit), color="k", lw=1, ls="--")
    ax2.set_xlabel(f"PIT of the total ({best}; flat = calibrated)")
    weather = result.settings.get("weather_label", "none")
    _title(fig, ax, (title or f"Season ahead: {target} by origin month") + f" (weather: {weather})", simulated)
    return fig
