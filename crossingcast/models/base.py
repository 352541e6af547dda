"""The forecaster interface and the :class:`Forecast` result object.

Every crossingcast model follows scikit-learn's conventions: parameters are
stored unchanged by ``__init__``, ``fit(frame)`` learns from a daily frame and
returns ``self``, fitted attributes end in ``_``.  ``predict(future)`` takes a
frame of *future* dates (exogenous columns only: weather, events, calendar)
and returns a :class:`Forecast`: a predictive distribution, not a point.

A :class:`Forecast` holds, per day, the predictive **mean** (non-negative; the
quantity whose sum is an unbiased total), predictive **quantiles**, and
**sample paths** (``n_paths × n_days``).  Totals over weeks, months or a
season and their intervals are computed from the paths, because a sum of daily
quantiles is not a quantile of the sum.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import joblib
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from crossingcast.errors import ModelError, NotFittedError

__all__ = ["Forecast", "BaseForecaster", "DEFAULT_QUANTILES", "quantile_label", "load_forecaster",
           "MIN_ONGOING_EVENT_DAYS", "young_ongoing_event", "indistinguishable_event", "unidentified_event"]

DEFAULT_QUANTILES: tuple[float, ...] = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)


#: Default ``min_event_days`` of the hurdle and weekly SARIMAX: an event flag still in force at the end of
#: the training data gets a coefficient only once it has been in force this many days (see
#: :func:`young_ongoing_event`).
MIN_ONGOING_EVENT_DAYS = 28


def young_ongoing_event(values, min_days: float, days_per_row: float = 1.0) -> str | None:
    """Why an event column must not get a coefficient yet, or ``None``.

    An event still in force on the last training row (``values[-1] != 0``)
    whose in-force days (``sum(values != 0)`` rows, or for shares of a
    period ``sum(values) * days_per_row``) number fewer than ``min_days``: its
    coefficient would rest on those last days alone -- confounded with the
    weather and the level of those weeks -- and be carried into every
    forecast day while the event lasts.  Events that are over keep their
    coefficient however short (the Olympics).

    Measured on the 2024 Safety of Rwanda Act (in force from 25 April):
    fitted at 28 April (4 days) the hurdle's June-September 2024 total went
    from 17,339 (fitted a week earlier) to 30,734 (outturn 14,796; 17,985
    with the event left out).  The default of 28 days matches the weekly
    SARIMAX's four-week rule (``MIN_EVENT_WEEKS``).  Longer minima were
    measured on the season-ahead folds (docs/season_ahead.md): 56 days also
    tames the SARIMAX's 31 May 2024 fit (37 days in force: 29,750, +101 %;
    17,925 without the event) but takes away the young 2022 Nationality
    and Borders Act step that carried the 2022 growth (hurdle June-September 2022 from 31 May
    -10 % -> -45 %); 91 days also drops the Brexit step in March 2021 fits
    (hurdle 2021 -60 % -> -81 %).  A young event is confounded with a level
    shift, so no minimum is right in every year.

    Parameters
    ----------
    values : array-like
        The event column over the training rows (0/1 flags, or the share of
        each row's days in force).
    min_days : float
        Days in force needed (0 disables the rule).
    days_per_row : float
        Days per row (7 for weekly shares).

    Returns
    -------
    str or None
        The reason recorded in ``dropped_features_``.
    """
    v = np.asarray(values, dtype=float)
    if not v.size or v[-1] == 0:
        return None
    days = float(v.sum() * days_per_row) if days_per_row != 1.0 else float(np.count_nonzero(v))
    if days >= float(min_days):
        return None
    return (f"in force on only {days:.0f} training days, up to the last one (< min_event_days={min_days:g}): "
            "its effect is not yet identifiable from the level of those days")


def indistinguishable_event(values, kept, min_days: float, days_per_row: float = 1.0) -> str | None:
    """Why an event column must not get its own coefficient next to events already kept, or ``None``.

    Two events in force together on some training rows and differently on
    fewer than ``min_days`` days (e.g. the French maritime interventions from 27 November
    2025 and the Border Security Act from 2 December 2025) cannot be told
    apart: their separate coefficients rest on the few days that differ and
    come out huge and opposite (measured at 30 April 2026: the hurdle's
    crossing-day logit -16.9 and +16.8 with standard errors of 4,300, the
    weekly SARIMAX's -12.6 and +15.2), so a scenario that switches one of
    them off, or a forecast in which one ends, is nonsense.  The later
    column is dropped; the earlier one's coefficient carries their joint
    effect, and the reason names it.  Two short events that are never in
    force together (the 2021 mass drowning and the first days of the Rwanda
    Act) are each identified on their own days and are kept.

    Parameters
    ----------
    values : array-like
        The event column over the training rows (non-zero = in force).
    kept : mapping of str to array-like
        Event columns already kept, in order.
    min_days : float
        Days on which two events must differ to be told apart (0 disables the rule).
    days_per_row : float
        Days per row (7 for weekly rows).

    Returns
    -------
    str or None
        The reason recorded in ``dropped_features_``.
    """
    on = np.asarray(values, dtype=float) != 0
    for name, other in kept.items():
        other_on = np.asarray(other, dtype=float) != 0
        if not np.any(on & other_on):  # never in force together: each is identified on its own days
            continue
        differ = float(np.count_nonzero(on != other_on)) * float(days_per_row)
        if differ < float(min_days):
            return (f"indistinguishable from {name} in the training window (in force differently on "
                    f"{differ:.0f} days < {min_days:g}): {name}'s coefficient carries both")
    return None


def unidentified_event(values, kept, min_event_days: float, days_per_row: float = 1.0) -> str | None:
    """Why an event column gets no coefficient of its own, or ``None``: the event rules the models share.

    :func:`young_ongoing_event` with ``min_event_days`` (a model parameter),
    then :func:`indistinguishable_event` against the event columns already
    ``kept`` with :data:`MIN_ONGOING_EVENT_DAYS` days.  Used by the hurdle
    model (daily rows) and the weekly SARIMAX (``days_per_row=7``).
    """
    return (young_ongoing_event(values, min_event_days, days_per_row=days_per_row)
            or indistinguishable_event(values, kept, MIN_ONGOING_EVENT_DAYS, days_per_row=days_per_row))


def quantile_label(q: float) -> str:
    """Column label of quantile ``q``: 0.1 -> ``"p10"``, 0.05 -> ``"p5"``, 0.975 -> ``"p97.5"``."""
    pct = round(float(q) * 100, 6)
    return f"p{int(pct)}" if float(pct).is_integer() else f"p{pct:g}"


@dataclass
class Forecast:
    """A predictive distribution of daily arrivals.

    Parameters
    ----------
    mean : pandas.Series
        Predictive mean per day (DatetimeIndex), non-negative.
    quantiles : pandas.DataFrame
        Predictive quantiles per day; columns are the levels as floats in (0, 1).
    paths : numpy.ndarray, optional
        Joint sample paths, shape ``(n_paths, n_days)``, non-negative.
    model : str
        Name of the model that made it.
    info : dict
        Provenance, e.g. ``{"weather": "observed (oracle)"}``.

    Notes
    -----
    Use :meth:`total` for period totals: its mean is the sum of daily means and
    its interval comes from the paths.
    """

    mean: pd.Series
    quantiles: pd.DataFrame
    paths: np.ndarray | None = None
    model: str = ""
    info: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.mean = pd.Series(np.asarray(self.mean, dtype=float), index=pd.DatetimeIndex(self.mean.index),
                              name="mean")
        self.mean.index.name = "date"
        if not self.mean.index.equals(pd.DatetimeIndex(self.quantiles.index)):
            raise ModelError("Forecast: quantiles and mean must share the same dates")
        if np.any(~np.isfinite(self.mean.to_numpy())):
            bad = self.mean.index[~np.isfinite(self.mean.to_numpy())][0]
            raise ModelError(f"Forecast from {self.model!r}: non-finite mean on {bad.date()}")
        self.mean = self.mean.clip(lower=0.0)
        q = self.quantiles.copy()
        q.columns = [float(c) for c in q.columns]
        q = q[sorted(q.columns)]
        q.index = self.mean.index
        # Non-negative and ordered across levels (monotone rearrangement).
        q = pd.DataFrame(np.sort(np.clip(q.to_numpy(dtype=float), 0.0, None), axis=1),
                         index=q.index, columns=q.columns)
        self.quantiles = q
        if self.paths is not None:
            paths = np.asarray(self.paths, dtype=float)
            if paths.ndim != 2 or paths.shape[1] != len(self.mean):
                raise ModelError(f"Forecast: paths must have shape (n_paths, {len(self.mean)}), got {paths.shape}")
            self.paths = np.clip(paths, 0.0, None)

    # ------------------------------------------------------------------ views
    @property
    def index(self) -> pd.DatetimeIndex:
        """The forecast dates."""
        return self.mean.index

    @classmethod
    def from_paths(cls, paths: np.ndarray, index: pd.DatetimeIndex, model: str = "",
                   mean: np.ndarray | None = None, quantiles: Iterable[float] = DEFAULT_QUANTILES,
                   info: dict | None = None) -> "Forecast":
        """Build a forecast from sample paths.

        ``mean`` may be given when it is known analytically (more precise than
        the path average); otherwise the path average is used.
        """
        paths = np.clip(np.asarray(paths, dtype=float), 0.0, None)
        levels = list(quantiles)
        qs = np.quantile(paths, levels, axis=0).T
        m = paths.mean(axis=0) if mean is None else np.asarray(mean, dtype=float)
        idx = pd.DatetimeIndex(index)
        return cls(mean=pd.Series(m, index=idx), quantiles=pd.DataFrame(qs, index=idx, columns=levels),
                   paths=paths, model=model, info=dict(info or {}))

    def quantile(self, q: float) -> pd.Series:
        """Daily quantile at level ``q`` (must be one of the stored levels, or computable from paths)."""
        for level in self.quantiles.columns:
            if abs(level - q) < 1e-9:
                return self.quantiles[level].rename(quantile_label(q))
        if self.paths is not None:
            return pd.Series(np.quantile(self.paths, q, axis=0), index=self.index, name=quantile_label(q))
        raise ModelError(f"Forecast from {self.model!r} has no quantile {q} and no sample paths")

    def to_frame(self) -> pd.DataFrame:
        """Tidy table: ``date, mean, p10, p50, p90`` first, then the other quantiles."""
        out = pd.DataFrame({"date": self.index, "mean": self.mean.to_numpy()})
        first = [0.1, 0.5, 0.9]
        levels = first + [q for q in self.quantiles.columns if all(abs(q - f) > 1e-9 for f in first)]
        for q in levels:
            out[quantile_label(q)] = self.quantile(q).to_numpy()
        out["model"] = self.model
        return out

    def total(self, start=None, end=None, quantiles: Iterable[float] = (0.1, 0.5, 0.9)) -> pd.Series:
        """Total over ``[start, end]`` (default: the whole forecast).

        The mean is the sum of the daily means; quantiles come from the sum of
        each sample path.  Without paths, the quantiles are NaN (never faked).
        """
        mask = np.ones(len(self.index), dtype=bool)
        if start is not None:
            mask &= self.index >= pd.Timestamp(start)
        if end is not None:
            mask &= self.index <= pd.Timestamp(end)
        if not mask.any():
            raise ModelError(f"Forecast has no dates in [{start}, {end}]")
        out = {"mean": float(self.mean.to_numpy()[mask].sum())}
        sums = self.paths[:, mask].sum(axis=1) if self.paths is not None else None
        for q in quantiles:
            out[quantile_label(q)] = float(np.quantile(sums, q)) if sums is not None else float("nan")
        return pd.Series(out)

    def aggregate(self, freq: str = "W-SUN") -> pd.DataFrame:
        """Totals per period (``freq`` is a pandas offset, e.g. ``"W-SUN"``, ``"MS"``).

        Returns a table with one row per period: ``period_end, mean, p10, p50, p90, n_days``.
        """
        groups = pd.Series(np.arange(len(self.index)), index=self.index).resample(freq)
        rows = []
        for label, pos in groups:
            if len(pos) == 0:
                continue
            sel = pos.to_numpy()
            row = {"period": label, "n_days": len(sel), "mean": float(self.mean.to_numpy()[sel].sum())}
            if self.paths is not None:
                sums = self.paths[:, sel].sum(axis=1)
                for q in (0.1, 0.5, 0.9):
                    row[quantile_label(q)] = float(np.quantile(sums, q))
            rows.append(row)
        return pd.DataFrame(rows)

    def exceedance(self, threshold: float) -> pd.Series:
        """Daily probability that arrivals reach ``threshold`` (needs paths)."""
        if self.paths is None:
            raise ModelError(f"Forecast from {self.model!r} has no sample paths for exceedance probabilities")
        return pd.Series((self.paths >= threshold).mean(axis=0), index=self.index, name=f"p_ge_{threshold:g}")


class BaseForecaster(BaseEstimator):
    """Common behaviour of crossingcast forecasters.

    Subclasses implement ``fit(frame)`` and ``predict(future)``; they may
    implement ``update(frame)`` to absorb new observations without refitting
    parameters (used by fast rolling-origin backtests).  The default
    ``update`` refits.
    """

    target: str = "migrants"

    def _check_fitted(self) -> None:
        if not getattr(self, "is_fitted_", False):
            raise NotFittedError(f"{type(self).__name__} is not fitted yet: call fit(frame) first")

    def update(self, frame: pd.DataFrame) -> "BaseForecaster":
        """Absorb observations up to the end of ``frame`` (default: refit on it)."""
        return self.fit(frame)

    @property
    def name(self) -> str:
        return getattr(self, "name_", type(self).__name__)

    def save(self, path: str | os.PathLike) -> Path:
        """Save the fitted forecaster to ``path`` (joblib pickle, written atomically)."""
        from crossingcast.data.home import atomic_write_bytes
        import io

        self._check_fitted()
        buf = io.BytesIO()
        joblib.dump(self, buf)
        return atomic_write_bytes(path, buf.getvalue())


def load_forecaster(path: str | os.PathLike) -> BaseForecaster:
    """Load a forecaster saved with :meth:`BaseForecaster.save`."""
    obj = joblib.load(path)
    if not isinstance(obj, BaseForecaster):
        raise ModelError(f"{str(path)!r} does not hold a crossingcast forecaster (found {type(obj).__name__})")
    return obj
