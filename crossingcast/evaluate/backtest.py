"""Rolling-origin summer backtests (season-ahead backtests: :mod:`crossingcast.evaluate.season_ahead`).

Folds
-----
For each summer ``Y`` in ``summers`` the forecast **origins** are the dates of
``pandas.date_range(Y-first - 1 day, Y-last - 1 day, freq=freq)`` (by default
every Sunday from 31 May to 29 September), or the explicit ``origins``.  An
origin ``o`` is the **last observed day**: the model sees ``frame.loc[:o]``
only and forecasts ``o + 1 .. o + horizon`` (truncated at the end of the
data).  With ``freq="W"`` (Sundays) and ``horizon=14`` every origin forecasts
two complete Monday-Sunday weeks.

Refitting
---------
``refit="season"`` (default) fits each model **once per summer**, at that
summer's first origin, and at later origins calls ``update(frame.loc[prev+1:o])``,
which absorbs the new observations *without re-estimating parameters*
(SARIMAX: ``statsmodels`` ``results.append(..., refit=False)``, i.e. a Kalman
filter pass over the new days; GBM/hurdle/baselines: the stored history used
for lags and level terms is extended).  This is where the speed comes from:
one SARIMAX likelihood optimisation per summer instead of one per origin.
``refit="origin"`` refits at every origin (slower; the parameters then also
use the latest data).  Either way no fit or update ever sees data after the
origin it forecasts from.

Weather
-------
``weather="oracle"``: the observed weather of the forecast days is passed as
a labelled perfect forecast (``future_frame(..., weather=observed,
weather_mode="observed (oracle)")``): an upper bound on what a weather
forecast can give.  ``weather="climatology"``: no future weather is given;
:func:`crossingcast.frame.future_frame` fills day-of-year climatology.  A frame
without weather columns gives the label ``"none"`` whatever was asked (the
models are weather-blind).  One backtest uses one mode, and the label is a
column (``weather``) of every output table.

Parallelism
-----------
The unit of work is one model × one summer (``refit="season"``) or one
model × one origin (``refit="origin"``).  Units run with
:class:`joblib.Parallel` (``n_jobs``); ``backend="dask"`` runs the same units
through joblib's dask backend on the :class:`dask.distributed.Client` the
caller created.  Every unit is self-contained and seeded from
``random_state`` and the model name only, so results do not depend on
``n_jobs``, the backend or the execution order.
"""

from __future__ import annotations

import time
import warnings
import zlib
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from crossingcast.evaluate import metrics as M
from crossingcast.frame import TARGET, future_frame, weather_columns

__all__ = ["BacktestResult", "rolling_origin_backtest", "summer_origins",
           "resolve_models", "weather_label", "WEATHER_MODES"]

WEATHER_MODES = ("oracle", "climatology")
_DAY = pd.Timedelta(days=1)
_QLEVELS = (0.1, 0.5, 0.9)
ORACLE_LABEL = "observed (oracle)"


# ----------------------------------------------------------------- helpers
def weather_label(frame: pd.DataFrame, weather: str) -> str:
    """The weather label of a backtest: ``"oracle"``, ``"climatology"`` or ``"none"`` (no weather columns)."""
    if weather not in WEATHER_MODES:
        raise ValueError(f"weather must be one of {WEATHER_MODES}, got {weather!r}")
    return weather if weather_columns(frame) else "none"


def _check_frame(frame: pd.DataFrame, weather: str) -> tuple[str, str]:
    """Check a backtest's frame; return its weather label and the weather mode the forecasts use."""
    if not isinstance(frame, pd.DataFrame) or not isinstance(frame.index, pd.DatetimeIndex):
        raise TypeError("frame must be a DataFrame indexed by date")
    if TARGET not in frame.columns:
        raise ValueError(f"frame has no target column {TARGET!r}")
    label = weather_label(frame, weather)
    return label, (weather if label != "none" else "none")


def summer_origins(summers: Iterable[int], *, freq: str = "W", first: str = "06-01", last: str = "09-30",
                   end: pd.Timestamp | None = None) -> dict[int, list[pd.Timestamp]]:
    """Forecast origins per summer: ``date_range(Y-first - 1 day, Y-last - 1 day, freq)``.

    Origins on or after ``end`` (the last observed day) are dropped, and so
    are summers left without origins.
    """
    out: dict[int, list[pd.Timestamp]] = {}
    for year in summers:
        lo = pd.Timestamp(f"{int(year)}-{first}") - _DAY
        hi = pd.Timestamp(f"{int(year)}-{last}") - _DAY
        ors = [pd.Timestamp(o) for o in pd.date_range(lo, hi, freq=freq)]
        if end is not None:
            ors = [o for o in ors if o < end]
        if ors:
            out[int(year)] = ors
    return out


def resolve_models(models) -> dict[str, Any]:
    """``models`` as an ordered ``{name: unfitted forecaster}`` dict.

    Accepts a dict (values: forecasters, or model names for
    :func:`crossingcast.models.make_forecaster`), a list of names, or a
    comma-separated string of names.
    """
    from crossingcast.models import make_forecaster

    if isinstance(models, str):
        models = [m.strip() for m in models.split(",") if m.strip()]
    if isinstance(models, Mapping):
        items = list(models.items())
    else:
        items = [(str(m), str(m)) for m in models]
    if not items:
        raise ValueError("no models given")
    out = {}
    for name, est in items:
        if isinstance(est, str):
            est = make_forecaster(est)
        if not (hasattr(est, "fit") and hasattr(est, "predict")):
            raise TypeError(f"model {name!r}: expected a forecaster with fit/predict, got {type(est).__name__}")
        out[str(name)] = est
    return out


def _seed(random_state: int, name: str) -> int:
    return int(np.random.SeedSequence([int(random_state), zlib.crc32(name.encode())]).generate_state(1)[0])


def _prepared(est, name: str, random_state: int | None):
    from sklearn.base import clone

    est = clone(est)
    if random_state is not None and "random_state" in est.get_params(deep=False):
        est.set_params(random_state=_seed(random_state, name))
    return est


def _future(frame: pd.DataFrame, origin: pd.Timestamp, end: pd.Timestamp, weather: str,
            history: pd.DataFrame | None = None) -> pd.DataFrame:
    history = frame.loc[:origin] if history is None else history
    if weather == "oracle":
        obs = frame.loc[origin + _DAY:end, weather_columns(frame)]
        return future_frame(history, origin + _DAY, end, weather=obs, weather_mode=ORACLE_LABEL)
    return future_frame(history, origin + _DAY, end)


def _score_origin(fc, actual: np.ndarray, y_before: np.ndarray) -> dict:
    mean = fc.mean.to_numpy()
    q = {lv: fc.quantile(lv).to_numpy() for lv in _QLEVELS}
    out = {
        "n_days": len(actual),
        "mae": M.mae(actual, mean),
        "rmse": M.rmse(actual, mean),
        "mase": M.mase(actual, mean, scale=M.mase_scale(y_before[-365:], 7)),
        "crps": float(np.mean(M.crps_paths(fc.paths, actual))) if fc.paths is not None else float("nan"),
        "pinball": float(np.mean([M.pinball_loss(actual, q[lv], lv) for lv in _QLEVELS])),
        "coverage80": M.interval_coverage(actual, q[0.1], q[0.9]),
        "total_mean": float(mean.sum()),
        "total_actual": float(actual.sum()),
    }
    tot = fc.total()
    out["total_p10"], out["total_p90"] = float(tot["p10"]), float(tot["p90"])
    return out


def _run_unit(name: str, est, frame: pd.DataFrame, origins: Sequence[pd.Timestamp], summer: int, horizon: int,
              weather: str, label: str, refit: str, target: str, vintages: dict | None = None) -> dict:
    """Fit/update/predict one model over ``origins`` (one summer, or one origin); score every forecast.

    With ``vintages`` (``vintage="as_of"``) every origin is fitted on the counts of the release
    available then (:func:`crossingcast.evaluate.vintages.frame_as_of`; ``refit`` is then "origin").
    """
    rows, per_origin, weekly = [], [], []
    timing = {"fit_s": 0.0, "update_s": 0.0, "predict_s": 0.0, "n_fit": 0, "n_update": 0, "n_predict": 0}
    last = frame.index[-1]
    y_all = frame[target].to_numpy(dtype=float)
    model = None
    prev = None
    for origin in origins:
        end = min(origin + horizon * _DAY, last)
        if end <= origin:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t0 = time.perf_counter()
            choice = None
            if vintages is not None:
                from crossingcast.evaluate.vintages import frame_as_of

                history, choice = frame_as_of(origin, vintages, frame)
                model = _prepared(est, name, None).fit(history)
                timing["fit_s"] += time.perf_counter() - t0
                timing["n_fit"] += 1
            elif model is None or refit == "origin":
                model = _prepared(est, name, None).fit(frame.loc[:origin])
                timing["fit_s"] += time.perf_counter() - t0
                timing["n_fit"] += 1
            else:
                model.update(frame.loc[prev + _DAY:origin])
                timing["update_s"] += time.perf_counter() - t0
                timing["n_update"] += 1
            prev = origin
            t0 = time.perf_counter()
            fut = _future(frame, origin, end, weather, history if choice is not None else None)
            fc = model.predict(fut)
            timing["predict_s"] += time.perf_counter() - t0
            timing["n_predict"] += 1
        dates = fc.index
        actual = frame.loc[dates, target].to_numpy(dtype=float)
        n_before = int(frame.index.get_loc(origin)) + 1
        score = _score_origin(fc, actual, y_all[:n_before])
        per_origin.append({"model": name, "summer": summer, "origin": origin, "weather": label, **score,
                           "vintage": choice.name if choice is not None else "latest",
                           "vintage_lag_days": choice.lag_days if choice is not None else np.nan})
        horizon_days = ((dates - origin) / _DAY).astype(int)
        crps = M.crps_paths(fc.paths, actual) if fc.paths is not None else np.full(len(dates), np.nan)
        pit = (M.randomized_pit(fc.paths, actual, seed=[zlib.crc32(name.encode()), origin.toordinal()])
               if fc.paths is not None else np.full(len(dates), np.nan))
        rows.append(pd.DataFrame({
            "model": name, "summer": summer, "origin": origin, "date": dates,
            "horizon": np.asarray(horizon_days), "actual": actual, "mean": fc.mean.to_numpy(),
            "p10": fc.quantile(0.1).to_numpy(), "p50": fc.quantile(0.5).to_numpy(),
            "p90": fc.quantile(0.9).to_numpy(), "crps": crps, "pit": pit, "weather": label,
            "model_weather": str(fc.info.get("weather", "none")),
        }))
        agg = fc.aggregate("W-SUN")
        act = pd.Series(actual, index=dates).resample("W-SUN").sum()
        for rec in agg.to_dict("records"):
            if rec["n_days"] != 7:
                continue  # only complete Monday-Sunday weeks are scored
            weekly.append({"model": name, "summer": summer, "origin": origin, "week_end": rec["period"],
                           "mean": rec["mean"], "p10": rec.get("p10", np.nan), "p90": rec.get("p90", np.nan),
                           "actual": float(act.loc[rec["period"]]), "weather": label})
    return {"forecasts": rows, "per_origin": per_origin, "weekly": weekly, "timing": {"model": name, **timing}}


def _progress_bar():
    """A rich progress bar on stderr, disabled (quiet) when stderr is not a terminal (logs, CI, pipes)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    err = Console(stderr=True)
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=err, transient=False, disable=not err.is_terminal)


def _parallel_map(units: list[tuple], n_jobs: int, backend: str | None, progress: bool, total: int,
                  description: str) -> list[dict]:
    """Run ``_run_unit(*unit)`` for every unit, in order, with joblib (optionally dask), with a rich bar."""
    import joblib

    if backend == "dask":
        try:
            from distributed import get_client

            get_client()
        except (ImportError, ValueError) as exc:
            raise RuntimeError("backend='dask' needs a running dask.distributed.Client: create one first, "
                               "e.g. Client(processes=False)") from exc
    ctx = joblib.parallel_config(backend=backend) if backend else nullcontext()
    jobs = n_jobs if not backend == "dask" else -1
    bar = _progress_bar() if progress else None
    results = []
    with ctx:
        if bar is not None:
            bar.start()
            task = bar.add_task(description, total=total)
        try:
            if jobs == 1 and not backend:
                gen = (_run_unit(*u) for u in units)
            else:
                gen = joblib.Parallel(n_jobs=jobs, return_as="generator")(joblib.delayed(_run_unit)(*u)
                                                                          for u in units)
            for res, unit in zip(gen, units):
                results.append(res)
                if bar is not None:
                    bar.advance(task, len(res["per_origin"]) or len(unit[3]))
        finally:
            if bar is not None:
                bar.stop()
    return results


# ------------------------------------------------------------------ result
@dataclass
class BacktestResult:
    """Outcome of :func:`rolling_origin_backtest`.

    Attributes
    ----------
    forecasts : pandas.DataFrame
        Tidy daily table: ``model, summer, origin, date, horizon, actual, mean,
        p10, p50, p90, crps, pit, weather, model_weather`` (``pit``: randomised
        PIT of the day's count under the paths, seeded by model and origin;
        ``weather`` is the backtest's mode, ``model_weather`` what the model
        reported using).
    per_origin : pandas.DataFrame
        Metrics per model × origin: ``mae, rmse, mase, crps, pinball,
        coverage80`` and the ``horizon``-day total (``total_mean, total_p10,
        total_p90, total_actual``).
    weekly : pandas.DataFrame
        Complete Monday-Sunday week totals per model × origin: ``mean, p10,
        p90`` (from the paths) and ``actual``.
    timings : pandas.DataFrame
        Seconds spent fitting, updating and predicting per model (summed over
        units; with ``n_jobs > 1`` the wall time is smaller).
    settings : dict
        The arguments of the run (summers, horizon, weather, refit, ...).
    wall_seconds : float
        Wall-clock time of the whole backtest.
    """

    forecasts: pd.DataFrame
    per_origin: pd.DataFrame
    weekly: pd.DataFrame
    timings: pd.DataFrame
    settings: dict = field(default_factory=dict)
    wall_seconds: float = 0.0

    @property
    def weather(self) -> str:
        """The weather label (``"oracle"``, ``"climatology"`` or ``"none"``)."""
        return str(self.settings.get("weather_label", "none"))

    def season_totals(self) -> pd.DataFrame:
        """Summer totals of the *shortest-horizon* forecasts, per model × summer.

        Every day of a summer's forecast window is taken from the latest origin
        before it (horizon 1..7 with weekly origins), so the days tile the
        summer without overlap; ``mean`` is the sum of those daily means,
        ``actual`` the observed total over the same days.  This scores the
        level of a model's week-ahead forecasts over a season; the
        season-*ahead* total from 31 May is :func:`season_ahead_backtest`.
        """
        f = self.forecasts
        if f.empty:
            return pd.DataFrame(columns=["model", "summer", "n_days", "mean", "actual", "error", "pct_error",
                                         "weather"])
        f = f.sort_values(["model", "summer", "date", "horizon"], kind="mergesort")
        f = f.drop_duplicates(["model", "summer", "date"], keep="first")
        g = f.groupby(["model", "summer"], sort=False)
        out = g.agg(n_days=("date", "size"), mean=("mean", "sum"), actual=("actual", "sum")).reset_index()
        out["error"] = out["mean"] - out["actual"]
        out["pct_error"] = 100.0 * out["error"] / out["actual"].where(out["actual"] != 0)
        out["weather"] = self.weather
        return out

    def leaderboard(self) -> pd.DataFrame:
        """Model × metric table, best weekly-total RMSE first.

        Columns: ``mae``, ``rmse`` (daily), ``mase`` (mean over origins; scale:
        in-sample weekly-naive MAE over the 365 days to each origin), ``crps``
        (mean daily, from paths), ``pinball`` (mean over P10/P50/P90),
        ``pit_ks`` (KS distance of the daily randomised PIT to uniform: the
        daily calibration measure for counts; 0 = flat), ``pit_below10`` /
        ``pit_above90`` (shares of PIT values below 0.1 / above 0.9: each 0.10
        when calibrated), ``total_coverage80`` (share of origins whose
        ``horizon``-day total lies in its path P10-P90: should be 0.80),
        ``coverage80`` (SECONDARY: daily share inside the closed interval
        P10-P90, inflated on zero-inflated days where P10 = P90 = 0),
        ``below_p10`` / ``above_p90`` (daily shares strictly below P10 /
        above P90: each should be about 0.10 or less; on days with
        ``P(0) >= 0.1`` the P10 is 0, nothing can fall below it, and a
        calibrated forecast covers about 90 %, so ``coverage80`` above 0.8 is
        expected on zero-inflated counts), ``wk_rmse`` (RMSE of
        complete W-SUN week totals), ``wk_coverage80`` (weekly totals inside
        their path interval), ``season_total_error`` (mean over summers of the
        signed error of :meth:`season_totals`), ``season_total_mape``,
        ``n_origins``, ``n_days``, ``weather``.
        """
        models = list(dict.fromkeys(self.per_origin["model"])) if len(self.per_origin) else []
        rows = []
        st = self.season_totals()
        for name in models:
            f = self.forecasts[self.forecasts["model"] == name]
            po = self.per_origin[self.per_origin["model"] == name]
            wk = self.weekly[self.weekly["model"] == name] if len(self.weekly) else self.weekly
            s = st[st["model"] == name]
            y, m = f["actual"].to_numpy(), f["mean"].to_numpy()
            pin = np.mean([M.pinball_loss(y, f[f"p{int(lv * 100)}"].to_numpy(), lv) for lv in _QLEVELS])
            rows.append({
                "model": name,
                "mae": M.mae(y, m),
                "rmse": M.rmse(y, m),
                "mase": float(po["mase"].mean()),
                "crps": float(f["crps"].mean()),
                "pinball": float(pin),
                "pit_ks": M.pit_ks(f["pit"].to_numpy()) if "pit" in f else float("nan"),
                "pit_below10": float(np.mean(f["pit"] < 0.1)) if "pit" in f and len(f) else float("nan"),
                "pit_above90": float(np.mean(f["pit"] > 0.9)) if "pit" in f and len(f) else float("nan"),
                "total_coverage80": (M.interval_coverage(po["total_actual"].to_numpy(), po["total_p10"].to_numpy(),
                                                         po["total_p90"].to_numpy())
                                     if len(po) and "total_p10" in po else float("nan")),  # point-only results
                "coverage80": M.interval_coverage(y, f["p10"].to_numpy(), f["p90"].to_numpy()),
                "below_p10": float(np.mean(y < f["p10"].to_numpy())) if len(y) else float("nan"),
                "above_p90": float(np.mean(y > f["p90"].to_numpy())) if len(y) else float("nan"),
                "wk_rmse": M.rmse(wk["actual"].to_numpy(), wk["mean"].to_numpy()) if len(wk) else float("nan"),
                "wk_coverage80": (M.interval_coverage(wk["actual"].to_numpy(), wk["p10"].to_numpy(),
                                                      wk["p90"].to_numpy()) if len(wk) else float("nan")),
                "season_total_error": float(s["error"].mean()) if len(s) else float("nan"),
                "season_total_mape": M.mape(s["actual"].to_numpy(), s["mean"].to_numpy()) if len(s) else float("nan"),
                "n_origins": int(len(po)),
                "n_days": int(len(f)),
                "weather": self.weather,
            })
        board = pd.DataFrame(rows)
        if len(board):
            board = board.sort_values(["wk_rmse", "model"], kind="mergesort").reset_index(drop=True)
            board.insert(0, "rank", np.arange(1, len(board) + 1))
        return board

    def table(self, which: str = "leaderboard") -> pd.DataFrame:
        """One of the tables by name: ``leaderboard``, ``per_origin``, ``forecasts``, ``weekly``,
        ``season_totals``, ``timings``."""
        if which == "leaderboard":
            return self.leaderboard()
        if which == "season_totals":
            return self.season_totals()
        if which in ("per_origin", "forecasts", "weekly", "timings"):
            return getattr(self, which)
        raise ValueError(f"unknown table {which!r}")

    def to_csv(self, path, which: str = "leaderboard", float_format: str = "%.6g") -> Path:
        """Write a table (default the leaderboard) as CSV, atomically and byte-reproducibly."""
        from crossingcast.evaluate.leaderboard import write_csv

        return write_csv(self.table(which), path, float_format=float_format)

    def to_markdown(self, path=None, which: str = "leaderboard", float_format: str = "%.4g"):
        """The table as a Markdown string; also written to ``path`` when given."""
        from crossingcast.evaluate.leaderboard import format_markdown, write_text

        text = format_markdown(self.table(which), float_format=float_format)
        if path is not None:
            write_text(path, text)
        return text


# --------------------------------------------------------------- backtests
def rolling_origin_backtest(frame: pd.DataFrame, models, *, summers=(2021, 2022, 2023, 2024, 2025), origins=None,
                            freq="W", first="06-01", last="09-30", horizon=14, weather="oracle", refit="season",
                            n_jobs=1, backend=None, progress=True, random_state=0, vintage="latest",
                            vintages: dict | None = None) -> BacktestResult:
    """Rolling-origin backtest over summers: weekly origins, forecasts 1..``horizon`` days ahead.

    Parameters
    ----------
    frame : pandas.DataFrame
        Daily frame (:func:`crossingcast.build_frame` or
        :func:`crossingcast.simulate.simulate_channel`) with the target ``migrants``.
    models : dict, list or str
        ``{name: unfitted forecaster}`` (cloned, never modified), or model
        names for :func:`crossingcast.models.make_forecaster`.
    summers : iterable of int
        Years whose summers are backtested (ignored when ``origins`` is given).
    origins : iterable of date-like, optional
        Explicit origins (last observed days); grouped by calendar year for
        ``refit="season"``.
    freq : str
        pandas frequency of the origins (``"W"``: Sundays).
    first, last : str
        ``MM-DD`` bounds of the summer: origins run from ``first - 1 day`` to ``last - 1 day``.
    horizon : int
        Days ahead forecast from each origin (1..horizon).
    weather : {"oracle", "climatology"}
        Future weather: observed (a labelled perfect forecast) or climatology.
        Label ``"none"`` if the frame has no weather columns.
    refit : {"season", "origin"}
        Fit once per summer then ``update()`` (fast), or refit at every origin.
    n_jobs : int
        joblib workers (units: model × summer, or model × origin).
    backend : str, optional
        joblib backend; ``"dask"`` uses the caller's ``dask.distributed.Client``.
    progress : bool
        Show a rich progress bar (on stderr).
    random_state : int or None
        Seed for every model's ``random_state`` (derived per model name);
        None keeps the models' own seeds.

    vintage : {"latest", "as_of"}
        ``"latest"``: fit on ``frame`` (the latest release); ``"as_of"``: fit each
        origin on the counts of the Home Office release available then
        (:mod:`crossingcast.evaluate.vintages`; implies ``refit="origin"``); the
        ``per_origin`` table names the release (``vintage``, ``vintage_lag_days``).
        Actuals are always those of ``frame``.
    vintages : dict, optional
        ``{file name: daily table}`` for ``vintage="as_of"``; default
        :func:`crossingcast.data.homeoffice.load_vintages` of the data directory.

    Returns
    -------
    BacktestResult
        Same data, models and seed give identical tables for any ``n_jobs``/backend.
    """
    if vintage not in ("latest", "as_of"):
        raise ValueError(f"vintage must be 'latest' or 'as_of', got {vintage!r}")
    if vintage == "as_of":
        if vintages is None:
            from crossingcast.data.homeoffice import load_vintages

            vintages = load_vintages()
        refit = "origin"
    else:
        vintages = None
    if refit not in ("season", "origin"):
        raise ValueError(f"refit must be 'season' or 'origin', got {refit!r}")
    horizon = int(horizon)
    if horizon < 1:
        raise ValueError(f"horizon must be >= 1, got {horizon}")
    label, mode = _check_frame(frame, weather)
    specs = resolve_models(models)
    end = frame.index[-1]
    if origins is not None:
        ors = sorted({pd.Timestamp(o) for o in origins})
        bad = [o for o in ors if o not in frame.index or o >= end]
        if bad:
            raise ValueError(f"origins must be observed dates before the last one ({end.date()}): "
                             f"{[o.date().isoformat() for o in bad[:5]]}")
        groups: dict[int, list[pd.Timestamp]] = {}
        for o in ors:
            groups.setdefault(o.year, []).append(o)
    else:
        groups = summer_origins(summers, freq=freq, first=first, last=last, end=end)
        groups = {y: [o for o in ors if o >= frame.index[0]] for y, ors in groups.items()}
        groups = {y: ors for y, ors in groups.items() if ors}
    if not groups:
        raise ValueError("no forecast origins inside the data")
    units = []
    for name, est in specs.items():
        prepared = _prepared(est, name, random_state)
        for year, ors in groups.items():
            chunks = [ors] if refit == "season" else [[o] for o in ors]
            for chunk in chunks:
                units.append((name, prepared, frame, chunk, year, horizon, mode, label, refit, TARGET, vintages))
    total = sum(len(u[3]) for u in units)
    t0 = time.perf_counter()
    results = _parallel_map(units, int(n_jobs), backend, progress, total,
                            f"backtest ({len(specs)} models, {total // len(specs)} origins, weather={label})")
    wall = time.perf_counter() - t0

    fparts = [df for r in results for df in r["forecasts"]]
    forecasts = (pd.concat(fparts, ignore_index=True) if fparts else pd.DataFrame())
    per_origin = pd.DataFrame([row for r in results for row in r["per_origin"]])
    weekly = pd.DataFrame([row for r in results for row in r["weekly"]])
    timings = pd.DataFrame([r["timing"] for r in results])
    if len(timings):
        timings = timings.groupby("model", sort=False).sum().reset_index()
        timings["weather"] = label
    order = {n: i for i, n in enumerate(specs)}

    def _ordered(df: pd.DataFrame, keys: list) -> pd.DataFrame:
        if not len(df):
            return df
        df = df.assign(_o=df["model"].map(order)).sort_values(["_o"] + keys, kind="mergesort")
        return df.drop(columns="_o").reset_index(drop=True)

    forecasts = _ordered(forecasts, ["origin", "date"])
    per_origin = _ordered(per_origin, ["origin"])
    weekly = _ordered(weekly, ["origin", "week_end"])
    settings = {"summers": sorted(groups), "n_origins": sum(len(v) for v in groups.values()), "freq": freq,
                "first": first, "last": last, "horizon": horizon, "weather": weather, "weather_label": label,
                "refit": refit, "vintage": vintage, "n_jobs": n_jobs, "backend": backend or "joblib", "random_state": random_state,
                "models": list(specs)}
    return BacktestResult(forecasts=forecasts, per_origin=per_origin, weekly=weekly, timings=timings,
                          settings=settings, wall_seconds=wall)
