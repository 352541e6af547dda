"""Season-ahead summer-surge outlook and short-range forecasts from a weather forecast.

:func:`summer_outlook` answers "how many arrivals this summer, and which weeks
are at risk of surges?" from a forecast origin months ahead:

* the model is fitted **once** on ``frame.loc[:origin]``;
* if the frame has weather columns, the summer's weather is unknown, so the
  model is run over an **ensemble of historical weather years**: each
  complete past year's weather is shifted onto the target dates
  (:func:`crossingcast.frame.shift_weather_year`) and the model's sample paths
  are **pooled** across years (``n_paths`` per year, every year weighted
  equally).  The pooled spread therefore holds the weather-year uncertainty
  *and* the model's own predictive uncertainty (its paths);
* if the frame is **weather-blind** (the real data offline: no weather
  mirror), there is no ensemble: the model's own weather-blind predictive
  distribution is used, and ``notes``/``weather`` say so.

Totals are sums of daily predictive means; every interval comes from sample
paths (period totals, weekly totals, the number of surge days).

Surge threshold
---------------
A *surge day* is a day with at least ``surge_threshold`` arrivals (default
500).  On the real SB_01 series 2022-01-01..2026-04-30, 500 is about the
95th percentile of all days (P90 = 335, P95 = 503, P99 = 885; 5.1% of days
reach 500): a day that happens a few times a month in a busy summer, large
enough to strain reception at Dover.

:func:`short_range` turns a weather forecast for the next days into daily
forecasts with intervals; it needs a frame with weather columns and raises
:class:`~crossingcast.errors.ScenarioError` on a weather-blind frame (a weather
forecast cannot inform a model that has no weather features; use
:func:`summer_outlook` or a plain model forecast instead).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from crossingcast.errors import FrameError, ScenarioError
from crossingcast.models.base import Forecast

__all__ = ["summer_outlook", "short_range", "weather_year_forecast", "OutlookResult", "DEFAULT_SURGE_THRESHOLD",
           "OUTLOOK_MAX_HORIZON_DAYS", "nowcast", "nowcast_weather", "rag_label", "RAG_RED", "RAG_GREEN"]

#: Default surge threshold (arrivals per day): about the real series' 95th percentile since 2022.
DEFAULT_SURGE_THRESHOLD = 500
#: Longest allowed distance from the origin to the end of an outlook.
OUTLOOK_MAX_HORIZON_DAYS = 366
_DAY = pd.Timedelta(days=1)
_Q = (0.1, 0.5, 0.9)


def _q(x: np.ndarray, axis=None) -> tuple:
    return tuple(np.quantile(x, _Q, axis=axis))


@dataclass
class OutlookResult:
    """Summer-surge outlook (see :func:`summer_outlook`).

    Attributes
    ----------
    total : pandas.Series
        Period total: ``mean`` (sum of daily means), ``p10``, ``p50``, ``p90`` (from pooled path totals).
    daily : pandas.DataFrame
        ``date, mean, p10, p50, p90, p_surge`` (``p_surge`` = P(arrivals >= threshold)).
    weekly : pandas.DataFrame
        Weeks ending Sunday, sorted by date: ``week_end, n_days, mean, p10, p50, p90,
        expected_surge_days, p_any_surge``; edge weeks may be partial (``n_days < 7``).
    surge_days : pandas.Series
        Number of surge days in the period: ``mean`` (= sum of daily ``p_surge``), ``p10``, ``p50``, ``p90``.
    by_weather_year : pandas.DataFrame
        Per weather year: ``weather_year, mean, p10, p50, p90, surge_days_mean``; empty when weather-blind.
    weather : str
        ``"weather-year ensemble (...)"`` or ``"weather-blind"``.
    notes : list of str
        Plain statements about what the outlook does and does not account for.
    model : str
        Name of the fitted model.
    origin, start, end : pandas.Timestamp
        Forecast origin (last data day used) and the outlook period.
    surge_threshold : float
    n_paths : int
        Paths per weather year (pooled: ``n_paths * len(weather_years)``).
    weather_years : list of int
    simulated : bool
        True if the frame is simulated data.
    paths : numpy.ndarray
        Pooled sample paths over the period, shape ``(n_pooled, n_days)``.
    """

    total: pd.Series
    daily: pd.DataFrame
    weekly: pd.DataFrame
    surge_days: pd.Series
    by_weather_year: pd.DataFrame
    weather: str
    notes: list
    model: str
    origin: pd.Timestamp
    start: pd.Timestamp
    end: pd.Timestamp
    surge_threshold: float
    n_paths: int
    weather_years: list = field(default_factory=list)
    simulated: bool = False
    paths: np.ndarray | None = field(default=None, repr=False)

    def weeks_at_risk(self, n: int = 5) -> pd.DataFrame:
        """The ``n`` weeks with the most expected surge days (ties: higher ``p_any_surge``, then earlier).

        Returns
        -------
        pandas.DataFrame
            Rows of :attr:`weekly`, most at risk first.
        """
        w = self.weekly.sort_values(["expected_surge_days", "p_any_surge", "week_end"],
                                    ascending=[False, False, True], kind="mergesort")
        return w.head(int(n)).reset_index(drop=True)

    def table(self) -> pd.DataFrame:
        """Tidy table, one row per statistic (for CSV/Markdown).

        Returns
        -------
        pandas.DataFrame
            Columns ``quantity, statistic, value, start, end, origin, model, weather,
            surge_threshold, n_paths``; quantities ``period_total``, ``surge_days`` and
            ``period_total_weather_<year>`` (ensemble only).
        """
        rows = []
        for stat, v in self.total.items():
            rows.append(("period_total", stat, float(v)))
        for stat, v in self.surge_days.items():
            rows.append(("surge_days", stat, float(v)))
        for _, r in self.by_weather_year.iterrows():
            for stat in ("mean", "p10", "p50", "p90"):
                rows.append((f"period_total_weather_{int(r['weather_year'])}", stat, float(r[stat])))
        out = pd.DataFrame(rows, columns=["quantity", "statistic", "value"])
        out["start"] = self.start.date().isoformat()
        out["end"] = self.end.date().isoformat()
        out["origin"] = self.origin.date().isoformat()
        out["model"] = self.model
        out["weather"] = self.weather
        out["surge_threshold"] = float(self.surge_threshold)
        out["n_paths"] = int(self.n_paths)
        return out


def _fit_model(history: pd.DataFrame, model, n_paths: int, seed: int, model_params: dict | None,
               horizon: int | None = None):
    from crossingcast.models import make_forecaster

    if isinstance(model, str):  # make_forecaster resolves "best" by horizon (models.best_model)
        params = dict(model_params or {})
        params.setdefault("n_paths", int(n_paths))
        params.setdefault("random_state", int(seed))
        return make_forecaster(model, horizon=horizon, **params).fit(history)
    if not hasattr(model, "predict"):
        raise ScenarioError(f"outlook: model must be a model name or a fitted forecaster, got {model!r}")
    last = getattr(model, "last_date_", None)
    if last is not None and pd.Timestamp(last) != history.index[-1]:
        raise ScenarioError(f"outlook: the given fitted model ends {pd.Timestamp(last).date()}, "
                            f"not at the origin {history.index[-1].date()}")
    return model


def _set_paths(model, n_paths: int, seed: int) -> dict:
    """Set the model's ``n_paths``/``random_state``; return the previous values (to restore)."""
    old = {}
    for k, v in (("n_paths", int(n_paths)), ("random_state", int(seed))):
        if hasattr(model, k):
            old[k] = getattr(model, k)
            setattr(model, k, v)
    return old


def _restore(model, old: dict) -> None:
    for k, v in old.items():
        setattr(model, k, v)


def weather_year_forecast(model, history: pd.DataFrame, start, end, *, n_paths: int = 1000, seed: int = 0,
                          years=None, events: pd.DataFrame | None = None) -> Forecast:
    """Forecast ``start..end`` without future weather: pooled over past weather years when there is weather.

    The forecast for a fitted ``model`` when no weather forecast is given.  If
    ``history`` has weather columns, the model is run once per past weather
    year (:func:`crossingcast.frame.weather_year_frames`; year ``k`` with seed
    ``seed + k``, ``n_paths`` paths each) and the paths are pooled with equal
    weight; the daily mean is the mean of the per-year means, so a total is
    still a sum of daily means.  Day-of-year mean weather is never used.
    Weather-blind history: the model's own forecast.

    Parameters
    ----------
    model : fitted forecaster
        Fitted on ``history``.
    history : pandas.DataFrame
        The frame the model was fitted on.
    start, end : date-like
        Forecast period (after the end of ``history``).
    n_paths, seed : int
        Paths per weather year and seed.
    years : iterable of int, optional
        Weather years (default: all complete past years).
    events : pandas.DataFrame, optional
        Events calendar of the future frames.

    Returns
    -------
    Forecast
        ``info["weather"]`` is ``"weather-year ensemble (N years: a..b)"`` (or
        the model's own label when weather-blind) and ``info["weather_years"]``
        lists the years.
    """
    from crossingcast.frame import future_frame, weather_columns, weather_year_frames

    if not weather_columns(history):
        saved = _set_paths(model, n_paths, seed)
        try:
            return model.predict(future_frame(history, start, end, events=events))
        finally:
            _restore(model, saved)
    try:
        frames = weather_year_frames(history, start, end, years=years, events=events)
    except FrameError as exc:
        raise ScenarioError(str(exc)) from None
    saved = _set_paths(model, n_paths, seed)
    means, paths, info = [], [], {}
    try:
        for k, (y, fut) in enumerate(frames.items()):
            _set_paths(model, n_paths, seed + k)
            fc = model.predict(fut)
            means.append(fc.mean.to_numpy())
            paths.append(fc.paths)
            info = dict(fc.info)
    finally:
        _restore(model, saved)
    ys = list(frames)
    info["weather"] = f"weather-year ensemble ({len(ys)} years: {ys[0]}..{ys[-1]})"
    info["weather_years"] = ys
    first = next(iter(frames.values()))
    return Forecast.from_paths(np.concatenate(paths, axis=0), first.index, model=getattr(model, "name", ""),
                               mean=np.mean(means, axis=0), info=info)


def summer_outlook(frame: pd.DataFrame, origin, start, end, *, model="best", weather_years=None,
                   n_paths: int = 1000, seed: int = 0, surge_threshold: float = DEFAULT_SURGE_THRESHOLD,
                   model_params: dict | None = None) -> OutlookResult:
    """Season-ahead outlook of arrivals and surge days over ``start``..``end``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Daily frame (:func:`crossingcast.build_frame` or
        :func:`crossingcast.simulate.simulate_channel`); data after ``origin`` are ignored.
    origin : date-like
        Last day of data used (the model is fitted on ``frame.loc[:origin]``).
    start, end : date-like
        Outlook period (inclusive), after the origin and within
        :data:`OUTLOOK_MAX_HORIZON_DAYS` of it.
    model : str or fitted forecaster
        Model name (``"best"``: :func:`crossingcast.models.best_model` of the horizon) or a
        forecaster already fitted on ``frame.loc[:origin]``.
    weather_years : sequence of int, optional
        Past weather years of the ensemble (frames with weather only); default
        all complete past years available for the dates.
    n_paths : int
        Sample paths per weather year (weather-blind: in total).
    seed : int
        Random seed (weather year ``k`` uses ``seed + k``); same seed, same result.
    surge_threshold : float
        Arrivals per day that make a surge day (default 500, see module notes).
    model_params : dict, optional
        Extra constructor parameters of the model (when ``model`` is a name).

    Returns
    -------
    OutlookResult

    Raises
    ------
    ScenarioError
        Dates outside the data or the horizon, weather years on a weather-blind
        frame or without complete weather for the dates.
    """
    from crossingcast.frame import event_changes, future_frame, shift_weather_year, weather_columns
    from crossingcast.frame import weather_years as years_covering

    if not isinstance(frame, pd.DataFrame) or not isinstance(frame.index, pd.DatetimeIndex) or frame.empty:
        raise ScenarioError("summer_outlook: frame must be a non-empty daily DataFrame (crossingcast.build_frame)")
    origin, start, end = (pd.Timestamp(x).normalize() for x in (origin, start, end))
    lo, hi = frame.index[0], frame.index[-1]
    if not lo + pd.Timedelta(days=365) <= origin <= hi:
        raise ScenarioError(f"summer_outlook: origin {origin.date()} is outside the data ({lo.date()}..{hi.date()}; "
                            f"the origin needs >= 1 year of history before it)")
    if start <= origin:
        raise ScenarioError(f"summer_outlook: start {start.date()} is not after the origin {origin.date()}")
    if end < start:
        raise ScenarioError(f"summer_outlook: end {end.date()} is before start {start.date()}")
    if end > origin + pd.Timedelta(days=OUTLOOK_MAX_HORIZON_DAYS):
        raise ScenarioError(f"summer_outlook: end {end.date()} is beyond the horizon "
                            f"({OUTLOOK_MAX_HORIZON_DAYS} days after the origin {origin.date()})")
    if not (isinstance(n_paths, (int, np.integer)) and n_paths >= 10):
        raise ScenarioError(f"summer_outlook: n_paths must be an integer >= 10, got {n_paths!r}")
    if not np.isfinite(surge_threshold) or surge_threshold <= 0:
        raise ScenarioError(f"summer_outlook: surge_threshold must be > 0, got {surge_threshold!r}")
    history = frame.loc[:origin]
    history.attrs = dict(frame.attrs)
    simulated = bool(frame.attrs.get("simulated", False))
    fitted = _fit_model(history, model, n_paths, seed, model_params, horizon=(end - origin).days)
    mname = getattr(fitted, "name", type(fitted).__name__)
    fstart = origin + _DAY  # predict from the day after the origin: every model supports that
    findex = pd.date_range(fstart, end, freq="D", name="date")
    sel = findex >= start
    index = findex[sel]
    notes: list[str] = []
    if simulated:
        notes.append("SIMULATED data (crossingcast.simulate), not real arrivals")
    wcols = weather_columns(history)
    model_weather = list(getattr(fitted, "weather_features_", wcols) or [])

    runs = []  # (year or None, mean (n_days,), paths (n, n_days))
    if wcols:
        avail = years_covering(history, findex[0], findex[-1])
        if weather_years is None:
            years = avail
        else:
            years = sorted({int(y) for y in weather_years})
            bad = [y for y in years if y not in avail]
            if bad:
                raise ScenarioError(f"summer_outlook: weather_years {bad} have no complete weather for "
                                    f"{findex[0].date()}..{findex[-1].date()} in the frame (available: {avail})")
        if not years:
            raise ScenarioError(f"summer_outlook: no complete past weather year covers "
                                f"{findex[0].date()}..{findex[-1].date()} (the frame's weather starts "
                                f"{history.index[0].date()})")
        saved = _set_paths(fitted, n_paths, seed)
        try:
            for k, y in enumerate(years):
                wdf = shift_weather_year(history, y, findex)
                fut = future_frame(history, fstart, end, weather=wdf, weather_mode=f"weather year {y}")
                _set_paths(fitted, n_paths, seed + k)
                fc = fitted.predict(fut)
                runs.append((y, fc.mean.to_numpy()[sel], fc.paths[:, sel]))
        finally:
            _restore(fitted, saved)
        weather = f"weather-year ensemble ({len(years)} years: {years[0]}..{years[-1]})"
        notes.append(f"weather: {len(years)} past weather years ({', '.join(map(str, years))}) shifted onto the "
                     f"dates, {n_paths} paths each, pooled with equal weight; intervals hold weather-year and "
                     f"model uncertainty")
        if not model_weather:
            notes.append(f"the {mname} model uses no weather features, so the weather years do not change it")
    else:
        if weather_years:
            raise ScenarioError(f"summer_outlook: weather_years={list(weather_years)} given, but the frame is "
                                f"weather-blind (no weather columns: no weather mirror in the data directory)")
        years = []
        fut = future_frame(history, fstart, end)
        saved = _set_paths(fitted, n_paths, seed)
        try:
            fc = fitted.predict(fut)
        finally:
            _restore(fitted, saved)
        runs.append((None, fc.mean.to_numpy()[sel], fc.paths[:, sel]))
        weather = "weather-blind"
        notes.append("weather-blind: no weather ensemble; the frame has no weather columns (no weather mirror "
                     "offline), so the outlook is the model's own weather-blind predictive distribution, whose "
                     "spread covers weather only as far as past day-to-day variation taught the model")

    changes = event_changes(history, fut)  # the last future frame built above; events do not depend on weather
    if changes:
        notes.append(f"assumed from the events calendar as of the origin: {'; '.join(changes)} (models with an "
                     f"effect for these carry the change; scenarios test other assumptions)")

    # The pooled distribution as one Forecast: its daily quantiles, totals and weekly sums are the shared ones.
    pooled = Forecast.from_paths(np.concatenate([r[2] for r in runs], axis=0), index, model=mname,
                                 mean=np.mean([r[1] for r in runs], axis=0), quantiles=_Q)
    paths = pooled.paths
    surge = paths >= float(surge_threshold)
    p_surge = pooled.exceedance(float(surge_threshold)).to_numpy()
    daily = pooled.to_frame().drop(columns="model").assign(p_surge=p_surge)
    total = pooled.total(quantiles=_Q).rename("period_total")
    nsurge = surge.sum(axis=1)
    surge_days = pd.Series(dict(zip(("mean", "p10", "p50", "p90"),
                                    (float(p_surge.sum()), *map(float, _q(nsurge))))), name="surge_days")
    weekly = pooled.aggregate("W-SUN").rename(columns={"period": "week_end"})
    weekly = weekly[["week_end", "n_days", "mean", "p10", "p50", "p90"]]
    day_week = pooled.index.to_period("W-SUN").end_time.normalize()
    in_week = [day_week == we for we in weekly["week_end"]]
    weekly["expected_surge_days"] = [float(p_surge[m].sum()) for m in in_week]
    weekly["p_any_surge"] = [float(surge[:, m].any(axis=1).mean()) for m in in_week]
    byrows = []
    for y, m_, p_ in runs:
        if y is None:
            continue
        q = _q(p_.sum(axis=1))
        byrows.append({"weather_year": int(y), "mean": float(m_.sum()), "p10": float(q[0]), "p50": float(q[1]),
                       "p90": float(q[2]), "surge_days_mean": float((p_ >= surge_threshold).mean(0).sum())})
    by_year = pd.DataFrame(byrows, columns=["weather_year", "mean", "p10", "p50", "p90", "surge_days_mean"])
    notes.append(f"surge day = at least {surge_threshold:g} arrivals; totals are sums of daily means, intervals "
                 f"from {paths.shape[0]} pooled sample paths")
    return OutlookResult(total=total, daily=daily, weekly=weekly, surge_days=surge_days, by_weather_year=by_year,
                         weather=weather, notes=notes, model=mname, origin=origin, start=start, end=end,
                         surge_threshold=float(surge_threshold), n_paths=int(n_paths), weather_years=list(years),
                         simulated=simulated, paths=paths)


def _as_forecast_weather(weather_forecast: Any, wcols: list, start: pd.Timestamp) -> pd.DataFrame:
    if not isinstance(weather_forecast, pd.DataFrame) or weather_forecast.empty:
        raise ScenarioError("short_range: weather_forecast must be a non-empty DataFrame (one row per day)")
    wf = weather_forecast.copy()
    if not isinstance(wf.index, pd.DatetimeIndex):
        if "date" in wf.columns:
            try:
                wf = wf.set_index(pd.DatetimeIndex(pd.to_datetime(wf.pop("date")), name="date"))
            except (ValueError, TypeError) as exc:
                raise ScenarioError(f"short_range: weather_forecast column 'date' is not dates ({exc})") from None
        else:
            raise ScenarioError("short_range: weather_forecast needs a DatetimeIndex or a 'date' column")
    idx = pd.DatetimeIndex(wf.index)
    if (idx != idx.normalize()).any():
        raise ScenarioError("short_range: weather_forecast dates must be whole days (no times)")
    if idx.has_duplicates:
        raise ScenarioError(f"short_range: weather_forecast has duplicate date(s) "
                            f"{[d.date().isoformat() for d in idx[idx.duplicated()][:3]]}")
    wf = wf.sort_index()
    idx = pd.DatetimeIndex(wf.index)
    if idx[0] != start:
        raise ScenarioError(f"short_range: weather_forecast starts {idx[0].date()}; it must start the day after "
                            f"the origin ({start.date()})")
    full = pd.date_range(idx[0], idx[-1], freq="D")
    if len(full) != len(idx):
        gaps = full.difference(idx)
        raise ScenarioError(f"short_range: weather_forecast has gaps, e.g. {[d.date().isoformat() for d in gaps[:3]]}")
    missing = [c for c in wcols if c not in wf.columns]
    if missing:
        raise ScenarioError(f"short_range: weather_forecast lacks column(s) {missing} (the model's weather "
                            f"features are {wcols})")
    vals = wf[wcols].apply(pd.to_numeric, errors="coerce")
    bad = vals.isna() | ~np.isfinite(vals.to_numpy(dtype=float))
    if bad.to_numpy().any():
        r, c = np.argwhere(bad.to_numpy())[0]
        raise ScenarioError(f"short_range: weather_forecast column {wcols[c]!r} is missing or not a number on "
                            f"{idx[r].date()}")
    vals.index = pd.DatetimeIndex(idx, name="date")
    return vals


def short_range(frame: pd.DataFrame, weather_forecast: pd.DataFrame, *, origin=None, model="best",
                n_paths: int = 1000, seed: int = 0):
    """Daily forecasts for the days of a weather forecast, with intervals.

    Parameters
    ----------
    frame : pandas.DataFrame
        Daily frame **with weather columns**; the model is fitted on ``frame.loc[:origin]``.
    weather_forecast : pandas.DataFrame
        One row per day from ``origin + 1`` (no gaps), with every weather column of the
        frame (:func:`crossingcast.frame.weather_columns`), indexed by date or with a
        ``date`` column; extra columns are ignored.
    origin : date-like, optional
        Last data day used (default: the frame's last day).
    model : str or fitted forecaster
        Model name (``"best"`` = :data:`crossingcast.models.BEST_MODEL`) or a forecaster
        fitted on ``frame.loc[:origin]``.
    n_paths, seed : int
        Sample paths and seed.

    Returns
    -------
    crossingcast.models.Forecast
        Daily mean, quantiles and paths; ``info["weather"] == "forecast"``.

    Raises
    ------
    ScenarioError
        If the frame is weather-blind (design choice: a weather forecast cannot inform
        a weather-blind model, so this fails loudly rather than silently ignoring the
        forecast), or the forecast has missing columns, gaps, bad values or does not
        start the day after the origin.
    """
    from crossingcast.frame import future_frame, weather_columns

    if not isinstance(frame, pd.DataFrame) or not isinstance(frame.index, pd.DatetimeIndex) or frame.empty:
        raise ScenarioError("short_range: frame must be a non-empty daily DataFrame")
    wcols = weather_columns(frame)
    if not wcols:
        raise ScenarioError("short_range: the frame is weather-blind (no weather columns: no weather mirror in the "
                            "data directory), so no model can use a weather forecast; build the frame with "
                            "weather, or use summer_outlook / a plain model forecast (weather-blind)")
    origin = frame.index[-1] if origin is None else pd.Timestamp(origin).normalize()
    if not frame.index[0] + pd.Timedelta(days=365) <= origin <= frame.index[-1]:
        raise ScenarioError(f"short_range: origin {origin.date()} is outside the data "
                            f"({frame.index[0].date()}..{frame.index[-1].date()}, >= 1 year of history needed)")
    start = origin + _DAY
    wf = _as_forecast_weather(weather_forecast, wcols, start)
    history = frame.loc[:origin]
    history.attrs = dict(frame.attrs)
    fitted = _fit_model(history, model, n_paths, seed, None)
    fut = future_frame(history, start, wf.index[-1], weather=wf, weather_mode="forecast")
    saved = _set_paths(fitted, n_paths, seed)
    try:
        fc = fitted.predict(fut)
    finally:
        _restore(fitted, saved)
    fc.info = dict(fc.info)
    fc.info["weather"] = "forecast"
    fc.info["note"] = ("daily forecast given the supplied weather forecast; its intervals hold the model's "
                       "uncertainty only, not the weather forecast's error")
    if frame.attrs.get("simulated"):
        fc.info["simulated"] = True
    return fc


# --------------------------------------------------------------------------- nowcast (next days)

#: Red/amber/green on the probability of any crossing on the day, with the thresholds of the Met
#: Office's daily crossing assessment for the Home Office (red: probability of crossings above 55%,
#: green: below 35%; Home Office, "Small boat arrivals and the impact of crossing conditions", 3 June 2025).
RAG_RED = 0.55
RAG_GREEN = 0.35
_FORECAST_VARS = ("wind_mean", "gust_max", "wind_u", "wind_v", "ne_share", "precip", "temp")


def rag_label(p_crossing: float) -> str:
    """``"red"`` if ``p_crossing > RAG_RED``, ``"green"`` if ``< RAG_GREEN``, else ``"amber"``."""
    return "red" if p_crossing > RAG_RED else ("green" if p_crossing < RAG_GREEN else "amber")


def nowcast_weather(frame: pd.DataFrame, weather_forecast: pd.DataFrame, observed: pd.DataFrame | None = None):
    """Daily weather from the day after the frame's last day to the forecast's last day, labelled per day.

    Days the ``weather_forecast`` covers take its values; days between the data's end and the forecast
    take ``observed`` weather where given, else weather climatology.  Forecast variables the
    provider does not give (MET Norway's compact product: gusts; precipitation beyond ~60 h) are
    filled: ``gust_max`` as ``wind_mean`` times the history's median gust factor, others from
    climatology (``weather_filled = 1``).  Calm-day features are recomputed over history + these days.

    Returns
    -------
    (pandas.DataFrame, pandas.Series)
        The weather (all weather columns of ``frame``) and a per-day label saying where it came from.
    """
    from crossingcast.data.weather import calm_features
    from crossingcast.frame import climatology_weather, weather_columns

    wcols = weather_columns(frame)
    if not wcols:
        raise ScenarioError("nowcast: the data are weather-blind (no weather history in the frame): a model "
                            "that never saw weather cannot use a weather forecast. Run `crossingcast fetch` "
                            "(counts and Channel weather) first, or use `crossingcast forecast`")
    wf = weather_forecast.sort_index()
    start, end = frame.index[-1] + _DAY, wf.index[-1]
    if end < start:
        raise ScenarioError(f"nowcast: the weather forecast ends {end.date()}, before the data's last day "
                            f"{frame.index[-1].date()} + 1")
    index = pd.date_range(start, end, freq="D", name="date")
    clim = climatology_weather(frame, index)
    out = clim.copy()
    label = pd.Series("climatology (no observed weather or forecast for this day)", index=index)
    filled = pd.Series(1.0, index=index)
    if observed is not None and len(observed):
        obs = observed.reindex(index)
        have = obs[[c for c in _FORECAST_VARS if c in obs and c in wcols]].notna().all(axis=1)
        for c in wcols:
            if c in obs:
                out.loc[have, c] = obs.loc[have, c]
        label[have] = "observed (meteostat history)"
        filled[have] = obs.loc[have, "weather_filled"] if "weather_filled" in obs else 0.0
    ok = frame[["wind_mean", "gust_max"]].dropna()
    ok = ok[ok["wind_mean"] > 5]
    gust_factor = float((ok["gust_max"] / ok["wind_mean"]).median()) if len(ok) else 1.6
    src = str(wf.attrs.get("weather_source", "weather forecast")).split(" via ")[0]
    fdays = wf.index.intersection(index)
    for d in fdays:
        row = wf.loc[d]
        notes = []
        for c in _FORECAST_VARS:
            if c not in wcols:
                continue
            if c in row and pd.notna(row[c]):
                out.loc[d, c] = row[c]
            elif c == "gust_max" and pd.notna(row.get("wind_mean")):
                out.loc[d, c] = round(row["wind_mean"] * gust_factor, 3)
                notes.append(f"gust = wind x {gust_factor:.2f}")
            else:
                notes.append(f"{c} climatology")
        label[d] = src + (f" ({'; '.join(notes)})" if notes else "")
        filled[d] = 1.0 if notes else 0.0
    hist = frame[["wind_mean", "gust_max"]]
    both = pd.concat([hist, out[["wind_mean", "gust_max"]]])
    calm = calm_features(both["wind_mean"], both["gust_max"]).loc[index]
    for c in calm.columns:
        if c in wcols:
            out[c] = calm[c]
    if "weather_filled" in wcols:
        out["weather_filled"] = filled
    return out[wcols], label


def nowcast(frame: pd.DataFrame, weather_forecast: pd.DataFrame, *, observed: pd.DataFrame | None = None,
            model="best", n_paths: int = 1000, seed: int = 0,
            surge_threshold: float = DEFAULT_SURGE_THRESHOLD) -> pd.DataFrame:
    """The next days' arrivals from a weather forecast: mean, P10-P90, surge and crossing risk, RAG label.

    Fits ``model`` on the whole ``frame`` (origin = its last day) and forecasts every day up to the
    forecast's last one through :func:`short_range`, with the weather of :func:`nowcast_weather`.

    Parameters
    ----------
    frame : pandas.DataFrame
        Daily frame with weather history.
    weather_forecast : pandas.DataFrame
        Daily forecast features (:func:`crossingcast.data.weatherfeed.forecast_weather`).
    observed : pandas.DataFrame, optional
        Observed weather for days between the frame's end and the forecast.
    model, n_paths, seed
        As in :func:`short_range`.
    surge_threshold : float
        Arrivals per day that make a surge day (default 500).

    Returns
    -------
    pandas.DataFrame
        One row per day the weather forecast covers: ``date, mean, p10, p50, p90, p_crossing``
        (P(arrivals > 0)), ``p_surge`` (P(arrivals >= surge_threshold)), ``rag`` (:func:`rag_label`
        of ``p_crossing``), ``weather`` (its source), ``weather_history``, ``origin``, ``model``.

    Raises
    ------
    ScenarioError
        If the frame is weather-blind (a clear message, no guess).
    """
    weather, label = nowcast_weather(frame, weather_forecast, observed)
    fc = short_range(frame, weather, model=model, n_paths=n_paths, seed=seed)
    days = weather_forecast.index.intersection(fc.index)
    t = fc.to_frame().set_index("date").loc[days, ["mean", "p10", "p50", "p90"]]
    t["p_crossing"] = fc.exceedance(1).loc[days]
    t["p_surge"] = fc.exceedance(surge_threshold).loc[days]
    t["rag"] = [rag_label(p) for p in t["p_crossing"]]
    t["weather"] = label.loc[days]
    t["weather_history"] = frame.attrs.get("weather_history") or frame.attrs.get("report", {}).get(
        "weather_source", "observed")
    t["origin"] = frame.index[-1].date().isoformat()
    t["model"] = fc.model
    bridge = label.index[label.index < days[0]] if len(days) else label.index
    t.attrs["bridge_days"] = int(len(bridge))
    t.attrs["bridge_labels"] = label.loc[bridge].value_counts().to_dict()
    t.attrs["note"] = fc.info.get("note", "")
    t.index.name = "date"
    return t.reset_index()
