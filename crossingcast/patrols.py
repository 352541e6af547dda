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

The elasticity is **estimated** (:func:`estimate_elasticity`) from the only
natural experiment in the SB_02 window: the Paris 2024 Olympics (26 July -
11 August 2024), when French police and gendarmes were redeployed to Paris.
It needs an **assumption** about how much patrol intensity fell then
(``assumed_drop``, default 0.30 = 30% fewer patrols: an assumption, not a
measured figure); the pooled prevention rate of the weeks overlapping the
window is compared with that of the surrounding weeks (within
``window_weeks`` weeks, excluding the Paralympics weeks), and the uncertainty
comes from a bootstrap over weeks.  Weather is **not** controlled (the real
weather is not available offline): calm weeks with many launches may have a
different prevention rate whatever the patrols do.

Measured on the real SB_02 (release to 2026-04-30): see ``docs/scenarios.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from crossingcast.errors import ScenarioError

__all__ = ["prevention_table", "estimate_elasticity", "baseline_prevention_rate", "ElasticityEstimate",
           "patrol_multiplier", "OLYMPICS_2024", "PARALYMPICS_2024", "DEFAULT_ASSUMED_DROP"]

#: The Paris 2024 Olympic Games (French police redeployed to Paris).
OLYMPICS_2024 = (pd.Timestamp("2024-07-26"), pd.Timestamp("2024-08-11"))
#: The Paralympics, excluded from the comparison weeks (redeployment continued).
PARALYMPICS_2024 = (pd.Timestamp("2024-08-28"), pd.Timestamp("2024-09-08"))
#: Assumed fall of beach-patrol intensity during the Olympics (an assumption, not data).
DEFAULT_ASSUMED_DROP = 0.30


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


@dataclass
class ElasticityEstimate:
    """Estimated elasticity of the prevention rate to patrol intensity, with bootstrap draws.

    Attributes
    ----------
    elasticity : float
        Point estimate ``log(p_window / p_comparison) / log(1 - assumed_drop)``.
    ci : tuple of float
        Bootstrap 80% interval (P10, P90) and ``ci95`` the 95% one.
    draws : numpy.ndarray
        Bootstrap draws (carried into scenario paths).
    p_window, p_comparison : float
        Pooled prevention rates of the window weeks and the comparison weeks.
    assumed_drop : float
        Assumed fall of patrol intensity in the window (assumption).
    window_weeks, comparison_weeks : list of str
        The weeks used.
    """

    elasticity: float
    ci: tuple
    ci95: tuple
    draws: np.ndarray
    p_window: float
    p_comparison: float
    assumed_drop: float
    window_weeks: list = field(default_factory=list)
    comparison_weeks: list = field(default_factory=list)
    n_boot: int = 0

    def summary(self) -> dict:
        """Plain dict of the estimate (for tables and reports)."""
        return {"elasticity": self.elasticity, "p10": self.ci[0], "p90": self.ci[1], "p2.5": self.ci95[0],
                "p97.5": self.ci95[1], "p_window": self.p_window, "p_comparison": self.p_comparison,
                "assumed_drop": self.assumed_drop, "n_window_weeks": len(self.window_weeks),
                "n_comparison_weeks": len(self.comparison_weeks), "n_boot": self.n_boot,
                "share_negative_draws": self.share_negative()}

    def assumption(self) -> str:
        """One-line statement of the assumption behind patrol scenarios."""
        return (f"patrols act via the SB_02 prevention rate: p' = p*(1+x)^e, arrivals x (1-p')/(1-p), attempts "
                f"fixed; e = {self.elasticity:.2f} (80% bootstrap {self.ci[0]:.2f}..{self.ci[1]:.2f}) estimated "
                f"from Olympics 2024 weeks (p={self.p_window:.3f}) vs surrounding weeks "
                f"(p={self.p_comparison:.3f}) ASSUMING patrols fell {self.assumed_drop:.0%} then; weather not "
                f"controlled; draws clipped at e >= 0 in paths ({self.share_negative():.0%} of draws < 0 set to 0)")

    def share_negative(self) -> float:
        """Share of bootstrap draws below 0 (set to 0 in scenario paths: fewer patrols never raise prevention)."""
        return float(np.mean(np.asarray(self.draws) < 0)) if len(self.draws) else float("nan")


def estimate_elasticity(weekly: pd.DataFrame, *, window=OLYMPICS_2024, assumed_drop: float = DEFAULT_ASSUMED_DROP,
                        window_weeks: int = 6, exclude=(PARALYMPICS_2024,), n_boot: int = 2000,
                        seed: int = 0) -> ElasticityEstimate:
    """Estimate the elasticity of the prevention rate to patrol intensity from a redeployment window.

    Parameters
    ----------
    weekly : pandas.DataFrame
        SB_02 weekly table (:func:`crossingcast.load_weekly`).
    window : (start, end)
        The period when patrols were thinned (default: the Paris 2024 Olympics).
    assumed_drop : float
        Assumed relative fall of patrol intensity during ``window`` (0 < drop < 1).
    window_weeks : int
        Comparison weeks: those within this many weeks before/after the window.
    exclude : sequence of (start, end)
        Periods whose weeks are left out of the comparison (default: the Paralympics).
    n_boot : int
        Bootstrap replicates (weeks resampled with replacement within each group).
    seed : int
        Bootstrap seed.

    Returns
    -------
    ElasticityEstimate

    Raises
    ------
    ScenarioError
        If the drop is not in (0, 1) or the table lacks window/comparison weeks.
    """
    if not 0 < float(assumed_drop) < 1:
        raise ScenarioError(f"estimate_elasticity: assumed_drop must be in (0, 1), got {assumed_drop}")
    tab = prevention_table(weekly)
    tab = tab[tab["attempts"] > 0]
    lo, hi = pd.Timestamp(window[0]), pd.Timestamp(window[1])
    in_win = np.array([_overlaps(d, lo, hi) for d in tab.index])
    near = (tab.index >= lo - pd.Timedelta(weeks=window_weeks)) & \
           (tab.index <= hi + pd.Timedelta(weeks=window_weeks, days=6))
    excl = np.zeros(len(tab), dtype=bool)
    for a, b in exclude:
        excl |= np.array([_overlaps(d, pd.Timestamp(a), pd.Timestamp(b)) for d in tab.index])
    comp = near & ~in_win & ~excl
    if in_win.sum() < 1 or comp.sum() < 2:
        raise ScenarioError(f"estimate_elasticity: SB_02 has {int(in_win.sum())} week(s) in the window "
                            f"{lo.date()}..{hi.date()} and {int(comp.sum())} comparison week(s); need >= 1 and >= 2")
    wv = tab.loc[in_win, ["prevented", "attempts"]].to_numpy()
    cv = tab.loc[comp, ["prevented", "attempts"]].to_numpy()
    denom = np.log1p(-float(assumed_drop))

    def elast(w, c):
        pw = w[..., 0].sum(-1) / w[..., 1].sum(-1)
        pc = c[..., 0].sum(-1) / c[..., 1].sum(-1)
        return np.log(pw / pc) / denom

    rng = np.random.default_rng(seed)
    wb = wv[rng.integers(0, len(wv), size=(n_boot, len(wv)))]
    cb = cv[rng.integers(0, len(cv), size=(n_boot, len(cv)))]
    draws = elast(wb, cb)
    est = float(elast(wv, cv))
    return ElasticityEstimate(
        elasticity=est, ci=(float(np.quantile(draws, 0.1)), float(np.quantile(draws, 0.9))),
        ci95=(float(np.quantile(draws, 0.025)), float(np.quantile(draws, 0.975))), draws=draws,
        p_window=float(wv[:, 0].sum() / wv[:, 1].sum()), p_comparison=float(cv[:, 0].sum() / cv[:, 1].sum()),
        assumed_drop=float(assumed_drop),
        window_weeks=[d.date().isoformat() for d in tab.index[in_win]],
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
