"""Prevention rates and the patrol elasticity, estimated from the Home Office SB_02 weekly table.

From May 2024 the weekly table (:func:`crossingcast.load_weekly`) reports,
next to arrivals, the people *prevented* from crossing (mostly by French
beach patrols).  Then

* ``attempts = arrivals + prevented`` (people who tried in the week),
* ``prevention rate p = prevented / attempts``.

A patrol scenario ("25% fewer patrols") cannot be read from the counts
alone; it acts **through the prevention rate** with a constant elasticity
``e`` of the prevention rate to patrol intensity:

.. math::

    p' = p \\, (1 + x)^{e}, \\qquad \\text{arrivals}' = \\text{attempts} \\, (1 - p'),

so the daily mean arrivals are multiplied by ``(1 - p') / (1 - p)`` while
attempts are held fixed (no displacement or deterrence of attempts is
modelled: documented assumption).

The elasticity is **estimated** (:func:`estimate_elasticity`) from every
window in the SB_02 period (prevention data start in May 2024) when French
patrol intensity is documented to have changed: the Paris 2024 Olympics
(26 July - 11 August) and Paralympics (28 August - 8 September), when about
350 of the ~1,200 officers and reservists on the coast were to be
requisitioned (``../shared/DOMAIN.md``: "roughly a quarter to a third of the
force"; no report measured what happened on the coast).  Hence:

* the **patrol drop** in a window is an assumption, drawn per bootstrap
  replicate from a stated range (default uniform 0.25-0.33);
* the weekly log prevention rate is regressed on the **share of the week's
  days inside a window** (``s`` = event days / 7, so the week ending 28 July
  2024 with 3 Olympic days counts 3/7), weighted by the week's attempts,
  against comparison weeks within ``window_weeks`` weeks of a window;
  ``e = slope / log(1 - drop)``;
* the uncertainty comes from a two-stage **block bootstrap**: whole windows
  are resampled with replacement, then the weeks within each drawn window
  (two windows alone would give no spread when they happen to agree),
  comparison weeks in blocks of consecutive weeks, and the drop is redrawn
  each time;
* **no draw is truncated**: a negative elasticity (prevention rose while
  patrols were thinned) is kept, so a scenario's difference interval can
  include a reduction;
* the effect is **identified** only when the 80% interval excludes 0.
  Otherwise scenarios run on an ASSUMED elasticity range
  (:data:`DEFAULT_ASSUMED_ELASTICITY`, uniform 0-1) and every table says so
  (``elasticity_source``).

Other dated changes in ``DOMAIN.md`` are not usable windows: the UK-France
agreements of 2022/2023 predate the prevention data; the "one in, one out"
pilot (August 2025) changes returns, not patrols; the French maritime
interventions (from late November 2025) have no stated change of patrol
intensity and no known start of operations.  Weather is **not** controlled
(the real weather is not available offline).

Measured on the real SB_02 (release to 2026-04-30): see ``docs/scenarios.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from crossingcast.errors import ScenarioError

__all__ = ["prevention_table", "estimate_elasticity", "baseline_prevention_rate", "ElasticityEstimate",
           "patrol_multiplier", "event_day_share", "OLYMPICS_2024", "PARALYMPICS_2024", "PATROL_WINDOWS",
           "DEFAULT_DROP_RANGE", "DEFAULT_ASSUMED_DROP", "DEFAULT_ASSUMED_ELASTICITY"]

#: The Paris 2024 Olympic Games (French police redeployed to Paris).
OLYMPICS_2024 = (pd.Timestamp("2024-07-26"), pd.Timestamp("2024-08-11"))
#: The Paris 2024 Paralympic Games (security redeployment continued).
PARALYMPICS_2024 = (pd.Timestamp("2024-08-28"), pd.Timestamp("2024-09-08"))
#: Windows in the SB_02 period with a documented fall of patrol intensity (name -> (start, end)).
PATROL_WINDOWS = {"paris_olympics_2024": OLYMPICS_2024, "paris_paralympics_2024": PARALYMPICS_2024}
#: Assumed fall of patrol intensity in a window: uniform range (~350 of ~1,200 officers, DOMAIN.md).
DEFAULT_DROP_RANGE = (0.25, 0.33)
#: Midpoint of :data:`DEFAULT_DROP_RANGE` (used for the point estimate).
DEFAULT_ASSUMED_DROP = 0.29
#: Elasticity range ASSUMED (uniform) when the data do not identify the effect.
DEFAULT_ASSUMED_ELASTICITY = (0.0, 1.0)


def prevention_table(weekly: pd.DataFrame) -> pd.DataFrame:
    """Weekly attempts and prevention rate from SB_02 (weeks with prevention data only).

    Parameters
    ----------
    weekly : pandas.DataFrame
        From :func:`crossingcast.load_weekly` (``migrants``, ``migrants_prevented``;
        index ``week_ending``, Sundays).

    Returns
    -------
    pandas.DataFrame
        ``arrivals, prevented, attempts, prevention_rate`` per week ending
        (rate NaN in weeks without attempts).

    Raises
    ------
    ScenarioError
        If the table has no prevention data.
    """
    for c in ("migrants", "migrants_prevented"):
        if c not in weekly.columns:
            raise ScenarioError(f"SB_02 weekly table: missing column {c!r}")
    w = weekly[["migrants", "migrants_prevented"]].dropna()
    if w.empty:
        raise ScenarioError("SB_02 weekly table: no week has migrants_prevented (available from May 2024)")
    out = pd.DataFrame({"arrivals": w["migrants"].astype(float), "prevented": w["migrants_prevented"].astype(float)})
    out["attempts"] = out["arrivals"] + out["prevented"]
    with np.errstate(invalid="ignore", divide="ignore"):
        out["prevention_rate"] = np.where(out["attempts"] > 0, out["prevented"] / out["attempts"], np.nan)
    out.index.name = "week_ending"
    return out


def _overlaps(week_end: pd.Timestamp, lo: pd.Timestamp, hi: pd.Timestamp) -> bool:
    return week_end >= lo and week_end - pd.Timedelta(days=6) <= hi


def event_day_share(week_ends, window) -> np.ndarray:
    """Share of each week's 7 days (Monday..``week_end``) that fall inside ``window`` (inclusive).

    Parameters
    ----------
    week_ends : sequence of date-like
        Week-ending Sundays.
    window : (start, end)

    Returns
    -------
    numpy.ndarray
        Values in ``{0, 1/7, ..., 1}``.

    Examples
    --------
    >>> event_day_share([pd.Timestamp("2024-07-28")], OLYMPICS_2024).round(3).tolist()  # Fri-Sun
    [0.429]
    """
    lo, hi = pd.Timestamp(window[0]), pd.Timestamp(window[1])
    ends = pd.DatetimeIndex(week_ends)
    first = ends - pd.Timedelta(days=6)
    a = np.maximum(first.to_numpy(), lo.to_datetime64())
    b = np.minimum(ends.to_numpy(), hi.to_datetime64())
    days = (b - a).astype("timedelta64[D]").astype(int) + 1
    return np.clip(days, 0, 7) / 7.0


@dataclass
class ElasticityEstimate:
    """Estimated elasticity of the prevention rate to patrol intensity, with block-bootstrap draws.

    Attributes
    ----------
    elasticity : float
        Point estimate ``slope / log(1 - drop)`` at the midpoint of the drop range
        (negative: prevention ROSE while patrols were thinned).
    ci, ci95 : tuple of float
        Bootstrap 80% (P10, P90) and 95% intervals (drop drawn from its range).
    draws : numpy.ndarray
        Bootstrap draws, none truncated (carried into scenario paths).
    identified : bool
        True when the 80% interval excludes 0.
    p_window, p_comparison : float
        Pooled prevention rates of the window weeks (any event day) and the comparison weeks.
    drop_range : tuple of float
        Assumed fall of patrol intensity in the windows (uniform range; an assumption).
    windows : dict
        Window name -> ``(start, end)`` ISO dates.
    per_window : dict
        Window name -> point elasticity from that window alone (against all comparison weeks).
    window_weeks, comparison_weeks : list of str
        The weeks used.
    """

    elasticity: float
    ci: tuple
    ci95: tuple
    draws: np.ndarray
    identified: bool
    p_window: float
    p_comparison: float
    drop_range: tuple
    windows: dict = field(default_factory=dict)
    per_window: dict = field(default_factory=dict)
    window_weeks: list = field(default_factory=list)
    comparison_weeks: list = field(default_factory=list)
    n_boot: int = 0

    @property
    def assumed_drop(self) -> float:
        """Midpoint of the assumed drop range."""
        return float(np.mean(self.drop_range))

    def summary(self) -> dict:
        """Plain dict of the estimate (for tables and reports)."""
        out = {"elasticity": self.elasticity, "p10": self.ci[0], "p90": self.ci[1], "p2.5": self.ci95[0],
               "p97.5": self.ci95[1], "identified": self.identified, "p_window": self.p_window,
               "p_comparison": self.p_comparison, "drop_low": float(self.drop_range[0]),
               "drop_high": float(self.drop_range[1]), "windows": ",".join(self.windows),
               "n_window_weeks": len(self.window_weeks), "n_comparison_weeks": len(self.comparison_weeks),
               "n_boot": self.n_boot, "share_negative_draws": self.share_negative()}
        out.update({f"elasticity_{k}": v for k, v in self.per_window.items()})
        return out

    def drop_text(self) -> str:
        lo, hi = self.drop_range
        return f"{lo:.0%}" if lo == hi else f"uniformly {lo:.0%}-{hi:.0%}"

    def assumption(self) -> str:
        """One-line statement of the estimate and the assumptions behind it."""
        verdict = ("identified (80% interval excludes 0)" if self.identified else
                   "NOT identified by the data (80% interval spans 0)")
        return (f"patrols act via the SB_02 prevention rate: p' = p*(1+x)^e, arrivals x (1-p')/(1-p), attempts "
                f"fixed; e = {self.elasticity:+.2f} (80% block bootstrap {self.ci[0]:+.2f}..{self.ci[1]:+.2f}), "
                f"{verdict}, estimated from {len(self.windows)} window(s) ({', '.join(self.windows)}; window weeks "
                f"p={self.p_window:.3f} vs comparison weeks p={self.p_comparison:.3f}) ASSUMING patrols fell "
                f"{self.drop_text()} then; weather not controlled; no draw truncated "
                f"({self.share_negative():.0%} of draws < 0)")

    def share_negative(self) -> float:
        """Share of bootstrap draws below 0 (kept: prevention rose while patrols were thinned)."""
        return float(np.mean(np.asarray(self.draws) < 0)) if len(self.draws) else float("nan")


def _wls_slope(y: np.ndarray, s: np.ndarray, w: np.ndarray) -> float:
    sw = w.sum()
    sm, ym = (w * s).sum() / sw, (w * y).sum() / sw
    den = (w * (s - sm) ** 2).sum()
    return float((w * (s - sm) * (y - ym)).sum() / den) if den > 0 else float("nan")


def estimate_elasticity(weekly: pd.DataFrame, *, windows=None, window=None, assumed_drop: float | None = None,
                        drop_range=DEFAULT_DROP_RANGE, window_weeks: int = 6, block: int = 2,
                        n_boot: int = 2000, seed: int = 0) -> ElasticityEstimate:
    """Estimate the elasticity of the prevention rate to patrol intensity from redeployment windows.

    Parameters
    ----------
    weekly : pandas.DataFrame
        SB_02 weekly table (:func:`crossingcast.load_weekly`).
    windows : dict, optional
        Name -> ``(start, end)`` of periods when patrols were thinned
        (default :data:`PATROL_WINDOWS`: Olympics and Paralympics 2024).
    window : (start, end), optional
        A single window (shorthand for ``windows={"window": window}``).
    assumed_drop : float, optional
        A fixed assumed drop (same as ``drop_range=(d, d)``).
    drop_range : (float, float)
        Assumed fall of patrol intensity in the windows, drawn uniformly per replicate.
    window_weeks : int
        Comparison weeks: weeks without event days within this many weeks of a window.
    block : int
        Length (weeks) of the comparison blocks resampled by the bootstrap.
    n_boot : int
        Bootstrap replicates.
    seed : int
        Bootstrap seed.

    Returns
    -------
    ElasticityEstimate

    Raises
    ------
    ScenarioError
        If a drop is not in (0, 1) or the table lacks window/comparison weeks.
    """
    if assumed_drop is not None:
        drop_range = (float(assumed_drop), float(assumed_drop))
    lo_d, hi_d = (float(v) for v in drop_range)
    if not (0 < lo_d <= hi_d < 1):
        raise ScenarioError(f"estimate_elasticity: assumed_drop / drop_range must lie in (0, 1) with low <= high, "
                            f"got {drop_range}")
    if windows is None:
        windows = {"window": window} if window is not None else PATROL_WINDOWS
    windows = {k: (pd.Timestamp(a), pd.Timestamp(b)) for k, (a, b) in windows.items()}
    tab = prevention_table(weekly)
    tab = tab[tab["attempts"] > 0]
    shares = {k: event_day_share(tab.index, w) for k, w in windows.items()}
    s = np.sum(list(shares.values()), axis=0)
    near = np.zeros(len(tab), dtype=bool)
    for a, b in windows.values():
        near |= (tab.index >= a - pd.Timedelta(weeks=window_weeks)) & \
                (tab.index <= b + pd.Timedelta(weeks=window_weeks, days=6))
    comp = near & (s == 0)
    blocks = {k: np.flatnonzero(v > 0) for k, v in shares.items() if (v > 0).any()}
    if not blocks or comp.sum() < 2:
        raise ScenarioError(f"estimate_elasticity: SB_02 has {sum(len(v) for v in blocks.values())} week(s) in the "
                            f"window(s) {[f'{a.date()}..{b.date()}' for a, b in windows.values()]} and "
                            f"{int(comp.sum())} comparison week(s); need >= 1 and >= 2")
    rate = np.maximum(tab["prevented"].to_numpy(), 0.5) / tab["attempts"].to_numpy()
    y, w = np.log(rate), tab["attempts"].to_numpy()
    comp_idx = np.flatnonzero(comp)
    cblocks = [comp_idx[i:i + block] for i in range(0, len(comp_idx), block)]
    win_all = np.concatenate(list(blocks.values()))
    mid = np.log1p(-(lo_d + hi_d) / 2)

    def slope(idx):
        return _wls_slope(y[idx], s[idx], w[idx])

    est = slope(np.concatenate([win_all, comp_idx])) / mid
    per = {k: slope(np.concatenate([v, comp_idx])) / mid for k, v in blocks.items()}
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 2024]))
    keys = list(blocks)
    draws = np.empty(int(n_boot))
    for r in range(int(n_boot)):
        wi = [blocks[keys[j]] for j in rng.integers(0, len(keys), len(keys))]
        wi = [b[rng.integers(0, len(b), len(b))] for b in wi]  # two-stage: weeks within each window
        ci = [cblocks[j] for j in rng.integers(0, len(cblocks), len(cblocks))]
        draws[r] = slope(np.concatenate(wi + ci)) / np.log1p(-rng.uniform(lo_d, hi_d))
    q = lambda p: float(np.quantile(draws, p))  # noqa: E731
    ci80 = (q(0.1), q(0.9))
    pv, pc = tab.loc[s > 0], tab.loc[comp]
    return ElasticityEstimate(
        elasticity=float(est), ci=ci80, ci95=(q(0.025), q(0.975)), draws=draws,
        identified=bool(ci80[0] > 0 or ci80[1] < 0),
        p_window=float(pv["prevented"].sum() / pv["attempts"].sum()),
        p_comparison=float(pc["prevented"].sum() / pc["attempts"].sum()), drop_range=(lo_d, hi_d),
        windows={k: (a.date().isoformat(), b.date().isoformat()) for k, (a, b) in windows.items()},
        per_window={k: float(v) for k, v in per.items()},
        window_weeks=[d.date().isoformat() for d in tab.index[s > 0]],
        comparison_weeks=[d.date().isoformat() for d in tab.index[comp]], n_boot=int(n_boot))


def baseline_prevention_rate(weekly: pd.DataFrame, origin, weeks: int = 12) -> tuple[float, np.ndarray]:
    """Pooled prevention rate of the ``weeks`` complete weeks up to ``origin``, with its weekly values.

    Parameters
    ----------
    weekly : pandas.DataFrame
        SB_02 weekly table (:func:`crossingcast.load_weekly`).
    origin : date-like
        Forecast origin; weeks ending after it are not used.
    weeks : int
        Number of most recent weeks with attempts to pool.

    Returns
    -------
    p : float
        ``sum(prevented) / sum(attempts)`` over those weeks.
    values : numpy.ndarray
        ``(weeks, 2)`` array of ``prevented, attempts`` (bootstrapped per path in scenarios).

    Raises
    ------
    ScenarioError
        If fewer than 4 weeks with prevention data end on or before ``origin``.
    """
    tab = prevention_table(weekly)
    tab = tab[(tab.index <= pd.Timestamp(origin)) & (tab["attempts"] > 0)].iloc[-int(weeks):]
    if len(tab) < 4:
        raise ScenarioError(f"patrols: SB_02 has only {len(tab)} week(s) with prevention data up to "
                            f"{pd.Timestamp(origin).date()} (prevention data start in May 2024); need >= 4")
    return float(tab["prevented"].sum() / tab["attempts"].sum()), tab[["prevented", "attempts"]].to_numpy()


def patrol_multiplier(change: float, p: float, elasticity) -> np.ndarray:
    """Multiplier ``(1 - p') / (1 - p)`` on daily mean arrivals for a patrol change ``change`` (e.g. -0.25).

    Parameters
    ----------
    change : float
        Relative change of patrol intensity, > -1 (``-0.25`` = 25% fewer patrols).
    p : float or numpy.ndarray
        Prevention rate before the change (one per sample path if an array).
    elasticity : float or numpy.ndarray
        Elasticity ``e`` in ``p' = p (1 + change) ** e``; ``p'`` is clipped to [0, 0.99].

    Returns
    -------
    numpy.ndarray
        The multiplier (broadcast of ``p`` and ``elasticity``).

    Raises
    ------
    ScenarioError
        If ``change`` is not in (-1, 10].
    """
    if not -1 < float(change) <= 10:
        raise ScenarioError(f"patrols: change must be > -1 (e.g. -0.25 for 25% fewer patrols), got {change}")
    p = np.asarray(p, dtype=float)
    p_new = np.clip(p * (1.0 + float(change)) ** np.asarray(elasticity, dtype=float), 0.0, 0.99)
    return (1.0 - p_new) / (1.0 - p)
