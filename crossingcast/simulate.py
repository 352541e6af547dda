"""A simulated Channel: synthetic weather and daily crossings with a known truth.

**This is simulated data, never real data.**  It exists for two purposes:

* *validation with known truth*: every parameter of the process (event
  effects, the pent-up demand mechanism, the expected arrivals of each day) is
  known, so a model fitted to the simulated frame can be checked against the
  truth (``frame.attrs["truth"]``);
* *the offline demo*: a realistic-looking daily frame, in exactly the shape of
  :func:`crossingcast.build_frame` output with weather, that every model can
  fit without network access or the real files.

Every frame it returns says so: ``attrs["simulated"] is True`` and
``attrs["report"]["source"] == "SIMULATED Channel (not real data)"``.

Mechanism
---------
Weather (one independent random stream per variable, so a longer simulation
extends a shorter one day for day):

* log daily mean wind (km/h) = annual cycle (windier in winter) + AR(1)
  anomaly; daily maximum gust = wind x a log-normal gust factor;
* wind direction: prevailing south-westerly plus an AR(1) anomaly, giving
  ``wind_u``/``wind_v`` (km/h, meteorological convention: the wind blows
  *from* the direction) and ``ne_share`` (share of the day's hours with wind
  from the north-east quadrant);
* precipitation (mm): wet-day chance rising with the wind anomaly, gamma
  amounts; temperature (deg C): annual cycle + AR(1) anomaly;
* ``calm`` = wind_mean <= ``calm_wind`` and gust_max <= ``calm_gust``; the
  calm-spell features follow from it.

Crossings:

* *demand*: people arriving at the French coast, ``inflow[t] = total[year] x
  season[t] / sum(season over that year)``; the season is
  ``exp(A cos(2 pi (doy - peak) / 365.25))``; ``total[year]`` comes from
  ``trend`` (default: anchors resembling the real yearly totals);
* *viability*: ``v[t] = sigmoid((calm_wind - wind) / margin_wind) x
  sigmoid((calm_gust - gust) / margin_gust)`` (the calm thresholds with a
  soft margin); the day is a launch day with probability ``v[t]``;
* *backlog* (pent-up demand): ``B[t+1] = B[t] + inflow[t] - L[t] D[t]``
  with ``L[t]`` the launch-day indicator and ``D[t] = C (1 - exp(-r[t] B[t]
  / C))`` the departures of a launch day: ``r[t] = drain x w[dow] x
  exp(drain_season cos(2 pi (doy - 196)/365.25))`` (weekly pattern ``w``;
  launches easier in summer), saturating at the capacity ``C = capacity x
  total[year] / 365.25``.  The backlog builds during windy spells and drains
  on calm days;
* *arrivals*: on a launch day the number of boats is negative binomial
  (gamma-Poisson, shape ``boat_shape``) with mean ``D[t] E[t] / ppb[t]``,
  and migrants = boats x people per boat (``ppb``; each boat's load beyond
  one person negative binomial with shape ``load_shape``); ``E[t]`` is the
  product of the event effects in force (``effect ** intensity``);
* the true expected arrivals given the state are ``mean[t] = v[t] D[t]
  E[t]`` (``attrs["truth"]["mean"]``).

The backlog evolves with the *event-free* departures, so an event's effect is
exactly multiplicative on the expected arrivals and does not displace
crossings in time: with the same seed and ``effects={}`` (the matched
counterfactual) the weather, launch days and backlog are identical and the
ratio of true means in the event window is exactly the effect.  The random
draws of the counts use common random numbers (inverse-CDF transforms of
fixed uniforms), so realised counts of the two runs differ only through the
effect.

The process always starts at :data:`SIM_ORIGIN` (or at ``start`` when that is
earlier), so a frame for any sub-period is a slice of the full simulation.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import special, stats
from scipy.signal import lfilter

from crossingcast import events as _events
from crossingcast.data.weather import CALM_GUST, CALM_WIND, calm_features  # one calm-day definition
from crossingcast.errors import CrossingcastError
from crossingcast.frame import COUNT_COLUMNS, WEATHER_FEATURES, build_frame

__all__ = [
    "SIMULATED_SOURCE",
    "SIM_ORIGIN",
    "DEFAULT_TOTALS",
    "DEFAULT_PEOPLE_PER_BOAT",
    "DEFAULT_WEEKLY",
    "DEFAULT_WEATHER",
    "simulated_calendar",
    "default_effects",
    "simulate_channel",
    "simulate_weather",
    "simulate_future_weather",
    "calm_features",
    "compare_to_real",
]

#: Label stored in ``attrs["report"]["source"]`` of every simulated frame.
SIMULATED_SOURCE = "SIMULATED Channel (not real data)"
#: The simulation always starts here (or earlier if asked), so sub-periods are slices of one run.
SIM_ORIGIN = pd.Timestamp("2018-01-01")

#: Default expected yearly demand (people), chosen so that simulated yearly arrivals resemble the real
#: totals (2019 1,843; 2020 8,462; 2021 28,526; 2022 45,755; 2023 29,437; 2024 36,816; 2025 41,472).
#: 2021 and 2025 are set higher: part of 2021's demand is still in the backlog at the year's end
#: (carried into 2022), and the simulated policy step (x0.85 from August) lowers 2025.
DEFAULT_TOTALS: dict[int, float] = {2018: 300.0, 2019: 1800.0, 2020: 8500.0, 2021: 31000.0,
                                    2022: 45800.0, 2023: 29400.0, 2024: 36800.0, 2025: 43500.0}
#: Growth per year of the demand after the last (and before the first) year of a ``trend`` mapping.
EXTRAPOLATION_GROWTH = 0.10
#: Default mean people per boat by year (close to the real yearly ratios migrants/boats).
DEFAULT_PEOPLE_PER_BOAT: dict[int, float] = {2018: 7.0, 2019: 11.5, 2020: 13.0, 2021: 25.0,
                                             2022: 39.0, 2023: 48.0, 2024: 51.5, 2025: 59.0}
#: Default weekly pattern of departures, Monday..Sunday (normalised to mean 1).
DEFAULT_WEEKLY: tuple[float, ...] = (0.95, 0.97, 1.05, 0.9, 0.92, 1.25, 0.96)

#: Default parameters of the weather generator (override any of them with ``weather=``).
DEFAULT_WEATHER: dict[str, float] = {
    "wind_median": 18.0,      # km/h, median daily mean wind over the year
    "wind_amplitude": 0.26,   # annual cycle of log wind (windiest around 1 January)
    "wind_peak_doy": 0.0,
    "wind_sd": 0.36,          # stationary sd of the log-wind anomaly
    "wind_ar": 0.62,          # day-to-day persistence of the log-wind anomaly
    "gust_factor": 1.75,      # median gust_max / wind_mean
    "gust_sd": 0.10,          # sd of the log gust factor
    "dir_prevailing": 225.0,  # degrees the wind blows from (south-west)
    "dir_sd": 85.0,           # stationary sd of the direction anomaly (degrees)
    "dir_ar": 0.7,
    "dir_hourly_sd": 25.0,    # within-day spread of the direction, for ne_share
    "wet_base": -0.3,         # logit of the wet-day chance at a zero wind anomaly
    "wet_wind": 2.5,          # increase of that logit per unit log-wind anomaly
    "precip_shape": 0.8,
    "precip_scale": 5.0,      # mm
    "temp_mean": 11.5,        # deg C
    "temp_amplitude": 6.0,    # coldest around 20 January
    "temp_sd": 2.0,
    "temp_ar": 0.8,
}

_YEAR = 365.25
_DRAIN_PEAK_DOY = 196.0  # mid-July: long days, warm water
# Independent random streams (one per variable) keyed by a fixed number.
_STREAMS = {"wind": 1, "gust": 2, "dir": 3, "wet": 4, "precip": 5, "temp": 6,
            "launch": 11, "boats_gamma": 12, "boats_u": 13, "load_u": 14, "load_pois": 15}


def _rng(seed: int, stream: str) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([int(seed), _STREAMS[stream]]))


def simulated_calendar() -> pd.DataFrame:
    """The default events calendar of the simulated Channel (format of :mod:`crossingcast.events`).

    Three events whose effects are known (see :func:`default_effects`):
    ``olympics_like`` (a 17-day enforcement redeployment, 2024-07-26..2024-08-11),
    ``shock_like`` (a two-week shock after a disaster, 2021-11-24..2021-12-07)
    and ``policy_step_like`` (an open-ended policy step from 2025-08-06).

    Returns
    -------
    pandas.DataFrame
        Validated calendar; every ``source`` says "simulated".
    """
    rows = [
        {"name": "olympics_like", "start": "2024-07-26", "end": "2024-08-11", "category": "enforcement",
         "sign": 1, "intensity": 1.0,
         "description": "Simulated 17-day redeployment of beach patrols (like the Paris 2024 Olympics)",
         "source": "simulated (crossingcast.simulate, not a real event)"},
        {"name": "shock_like", "start": "2021-11-24", "end": "2021-12-07", "category": "shock",
         "sign": -1, "intensity": 1.0,
         "description": "Simulated two-week deterrent shock after a disaster at sea",
         "source": "simulated (crossingcast.simulate, not a real event)"},
        {"name": "policy_step_like", "start": "2025-08-06", "end": "", "category": "policy",
         "sign": -1, "intensity": 1.0,
         "description": "Simulated open-ended policy step (like a returns agreement)",
         "source": "simulated (crossingcast.simulate, not a real event)"},
    ]
    return _events.validate_calendar(pd.DataFrame(rows), origin="<simulated calendar>")


def default_effects() -> dict[str, float]:
    """Known multiplicative effects on expected arrivals of the events of :func:`simulated_calendar`."""
    return {"olympics_like": 1.3, "shock_like": 0.6, "policy_step_like": 0.85}


# --------------------------------------------------------------------------- weather

def _ar1(eps: np.ndarray, rho: float, sd: float) -> np.ndarray:
    """Stationary AR(1) with innovations ``eps`` (standard normal); the first value is drawn stationary."""
    e = eps * sd * np.sqrt(1.0 - rho ** 2)
    e[0] = eps[0] * sd
    return lfilter([1.0], [1.0, -rho], e)


def _weather(index: pd.DatetimeIndex, seed: int, params: Mapping[str, float], calm_wind: float,
             calm_gust: float) -> tuple[pd.DataFrame, np.ndarray]:
    """Weather columns (WEATHER_FEATURES) and the log-wind anomaly for ``index`` (starting at the origin)."""
    p = dict(DEFAULT_WEATHER)
    unknown = set(params) - set(p)
    if unknown:
        raise CrossingcastError(f"simulate: unknown weather parameter(s) {sorted(unknown)}; "
                                f"known: {sorted(p)}")
    p.update(params)
    n = len(index)
    doy = np.asarray(index.day_of_year, dtype=float)
    z = _ar1(_rng(seed, "wind").standard_normal(n), p["wind_ar"], p["wind_sd"])
    cycle = p["wind_amplitude"] * np.cos(2 * np.pi * (doy - p["wind_peak_doy"]) / _YEAR)
    wind = p["wind_median"] * np.exp(cycle + z)
    gust = wind * p["gust_factor"] * np.exp(p["gust_sd"] * _rng(seed, "gust").standard_normal(n))
    # direction the wind blows from (degrees)
    d = _ar1(_rng(seed, "dir").standard_normal(n), p["dir_ar"], p["dir_sd"])
    theta = np.mod(p["dir_prevailing"] + d, 360.0)
    rad = np.deg2rad(theta)
    wind_u = -wind * np.sin(rad)
    wind_v = -wind * np.cos(rad)
    s = p["dir_hourly_sd"]
    ne = np.zeros(n)
    for shift in (-360.0, 0.0, 360.0):  # hours with direction in [0, 90) under a normal spread
        c = theta + shift
        ne += stats.norm.cdf((90.0 - c) / s) - stats.norm.cdf((0.0 - c) / s)
    ne = np.clip(ne, 0.0, 1.0)
    wet = _rng(seed, "wet").random(n) < special.expit(p["wet_base"] + p["wet_wind"] * z)
    amount = _rng(seed, "precip").gamma(p["precip_shape"], p["precip_scale"], n)
    precip = np.where(wet, amount, 0.0)
    temp = (p["temp_mean"] - p["temp_amplitude"] * np.cos(2 * np.pi * (doy - 20.0) / _YEAR)
            + _ar1(_rng(seed, "temp").standard_normal(n), p["temp_ar"], p["temp_sd"]))
    w = pd.DataFrame({"wind_mean": wind, "gust_max": gust, "wind_u": wind_u, "wind_v": wind_v,
                      "ne_share": ne, "precip": precip, "temp": temp}, index=index)
    w = w.round(3)  # realistic precision, and stable text output
    cf = calm_features(w["wind_mean"], w["gust_max"], calm_wind=calm_wind, calm_gust=calm_gust)
    w = w.join(cf)
    w["weather_filled"] = 0.0
    return w[list(WEATHER_FEATURES)].astype(float), z


# --------------------------------------------------------------------------- helpers

def _yearly_schedule(values, years: np.ndarray, growth: float, what: str) -> np.ndarray:
    """Value per year from a mapping (constant-growth extrapolation) or a scalar."""
    if isinstance(values, Mapping):
        if not values:
            raise CrossingcastError(f"simulate: {what} mapping is empty")
        ys = sorted(int(k) for k in values)
        out = np.empty(len(years))
        for i, y in enumerate(years):
            if y in values:
                out[i] = float(values[y])
            elif y > ys[-1]:
                out[i] = float(values[ys[-1]]) * (1 + growth) ** (y - ys[-1])
            elif y < ys[0]:
                out[i] = float(values[ys[0]]) * (1 + growth) ** (y - ys[0])
            else:  # gap inside the mapping: log-linear interpolation
                lo = max(k for k in ys if k < y)
                hi = min(k for k in ys if k > y)
                f = (y - lo) / (hi - lo)
                out[i] = float(np.exp((1 - f) * np.log(values[lo]) + f * np.log(values[hi])))
        return out
    return np.full(len(years), float(values))


def _totals(trend, level: float, years: np.ndarray) -> np.ndarray:
    if isinstance(trend, Mapping):
        out = _yearly_schedule(trend, years, EXTRAPOLATION_GROWTH, "trend")
    else:
        g = float(trend)
        if not np.isfinite(g) or g <= -1:
            raise CrossingcastError(f"simulate: trend (growth per year) must be > -1, got {trend!r}")
        out = float(level) * (1 + g) ** (years - 2025)
    if not np.all(np.isfinite(out)) or np.any(out < 0):
        raise CrossingcastError("simulate: yearly demand totals must be finite and >= 0")
    return out


def _event_multiplier(calendar: pd.DataFrame, effects: Mapping[str, float],
                      index: pd.DatetimeIndex) -> np.ndarray:
    names = set(calendar["name"]) if len(calendar) else set()
    unknown = [k for k in effects if k not in names]
    if unknown:
        raise CrossingcastError(f"simulate: effects for event(s) {unknown} not in the events calendar "
                                f"({sorted(names)})")
    mult = np.ones(len(index))
    if not len(calendar):
        return mult
    flags = _events.event_flags(calendar, index)
    for name, eff in effects.items():
        eff = float(eff)
        if not np.isfinite(eff) or eff <= 0:
            raise CrossingcastError(f"simulate: effect of {name!r} must be a positive number, got {eff!r}")
        mult *= eff ** flags[_events.flag_column(name)].to_numpy()
    return mult


# --------------------------------------------------------------------------- main entry points

def simulate_channel(start="2019-01-01", end="2025-12-31", *, seed: int = 0,
                     events: pd.DataFrame | None = None, effects: Mapping[str, float] | None = None,
                     trend=None, level: float = 41500.0,
                     calm_wind: float = CALM_WIND, calm_gust: float = CALM_GUST,
                     margin_wind: float = 1.2, margin_gust: float = 2.5,
                     drain: float = 0.25, drain_season: float = 0.6,
                     season_amplitude: float = 0.9, season_peak_doy: float = 250.0,
                     weekly=DEFAULT_WEEKLY, people_per_boat=None,
                     capacity: float = 6.0, boat_shape: float = 2.5, load_shape: float = 6.0,
                     weather: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Simulate daily weather and crossings: a model-ready frame with a known truth.

    **The output is simulated, never real data**; it says so in its attrs.

    Parameters
    ----------
    start, end : date-like
        Period of the returned frame (inclusive).
    seed : int
        Random seed; the same seed and parameters give an identical frame.
    events : pandas.DataFrame, optional
        Events calendar in the format of :mod:`crossingcast.events`; default
        :func:`simulated_calendar`.  Every event becomes an ``event_<name>``
        column.
    effects : mapping, optional
        Event name -> multiplicative effect on expected arrivals while the
        event is in force (``effect ** intensity``).  Default
        :func:`default_effects` with the default calendar, otherwise no
        effects.  ``{}`` switches all effects off (the matched
        counterfactual); events without an entry have no effect (placebos).
    trend : mapping or float, optional
        Expected yearly demand: a mapping year -> people (default
        :data:`DEFAULT_TOTALS`; years beyond it grow/shrink at
        :data:`EXTRAPOLATION_GROWTH` per year), or a growth rate per year
        applied to ``level`` (the 2025 total).
    level : float
        Yearly demand in 2025 when ``trend`` is a growth rate.
    calm_wind, calm_gust : float
        Calm thresholds (km/h) for ``calm`` and the viability of a day.
    margin_wind, margin_gust : float
        Soft margins (km/h) of the logistic viability around the thresholds.
    drain : float
        Share of the backlog that leaves on a launch day, before the weekly
        pattern, the seasonal drain factor and the capacity limit.
    drain_season : float
        Seasonal drain factor ``exp(drain_season cos(2 pi (doy - 196)/365.25))``:
        launches are easier in mid-July (long days, warm water) than in winter,
        so winter demand is held back and released in spring.
    season_amplitude, season_peak_doy : float
        Annual cycle of the demand: ``exp(A cos(2 pi (doy - peak)/365.25))``.
    capacity : float
        Capacity limit of a launch day, in days of the year's mean demand:
        departures are ``C (1 - exp(-rate B / C))`` with ``C = capacity x
        total[year] / 365.25`` (limited boats and smugglers), so a huge
        backlog drains over several calm days rather than at once.
    weekly : sequence of 7 floats
        Weekly pattern of departures, Monday..Sunday (normalised to mean 1).
    people_per_boat : mapping or float, optional
        Mean people per boat (per year, or constant); default
        :data:`DEFAULT_PEOPLE_PER_BOAT`.
    boat_shape : float
        Negative-binomial shape of the number of boats on a launch day.
    load_shape : float
        Negative-binomial shape of a boat's load (beyond one person).
    weather : mapping, optional
        Overrides of :data:`DEFAULT_WEATHER`.

    Returns
    -------
    pandas.DataFrame
        Exactly the shape of ``crossingcast.build_frame(counts, weather=...)``
        (validated), with ``attrs["simulated"] = True``,
        ``attrs["report"]["source"] == SIMULATED_SOURCE`` and
        ``attrs["truth"]``: ``mean`` (Series of true expected arrivals given
        the simulated state), ``effects`` (event -> effect), ``seed``,
        ``viability``, ``backlog``, ``inflow`` (Series) and ``params``.

    Raises
    ------
    CrossingcastError
        On invalid parameters (unknown event in ``effects``, negative totals,
        a bad period ...).

    Examples
    --------
    >>> sim = simulate_channel("2023-01-01", "2023-12-31", seed=1)
    >>> sim.attrs["report"]["source"]
    'SIMULATED Channel (not real data)'
    """
    lo, hi = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    if hi < lo:
        raise CrossingcastError(f"simulate: end {hi.date()} is before start {lo.date()}")
    if not (0 < drain <= 1):
        raise CrossingcastError(f"simulate: drain must be in (0, 1], got {drain}")
    if boat_shape <= 0 or load_shape <= 0 or margin_wind <= 0 or margin_gust <= 0:
        raise CrossingcastError("simulate: boat_shape, load_shape and the margins must be > 0")
    wk = np.asarray(weekly, dtype=float)
    if wk.shape != (7,) or np.any(wk <= 0):
        raise CrossingcastError("simulate: weekly must be 7 positive numbers (Monday..Sunday)")
    wk = wk / wk.mean()
    if wk.max() * drain * np.exp(abs(drain_season)) > 1:
        raise CrossingcastError("simulate: drain x weekly pattern x seasonal drain factor exceeds 1")
    calendar = simulated_calendar() if events is None else _events.validate_calendar(events, "<events>")
    if effects is None:
        effects = default_effects() if events is None else {}
    effects = {str(k): float(v) for k, v in effects.items()}
    trend_ = DEFAULT_TOTALS if trend is None else trend
    ppb_ = DEFAULT_PEOPLE_PER_BOAT if people_per_boat is None else people_per_boat

    origin = min(SIM_ORIGIN, lo)
    index = pd.date_range(origin, hi, freq="D", name="date")
    n = len(index)
    w, z = _weather(index, seed, dict(weather or {}), calm_wind, calm_gust)

    # demand: yearly totals spread over each whole calendar year by the season
    years = np.asarray(index.year)
    uyears = np.unique(years)
    totals = dict(zip(uyears.tolist(), _totals(trend_, level, uyears)))
    ppb_year = dict(zip(uyears.tolist(), _yearly_schedule(ppb_, uyears, 0.0, "people_per_boat")))
    if any(v < 1 for v in ppb_year.values()):
        raise CrossingcastError("simulate: people_per_boat must be >= 1")
    inflow = np.empty(n)
    for y in uyears:
        full = pd.date_range(f"{y}-01-01", f"{y}-12-31", freq="D")
        s_full = np.exp(season_amplitude * np.cos(2 * np.pi * (np.asarray(full.day_of_year, float) - season_peak_doy) / _YEAR))
        m = years == y
        s = np.exp(season_amplitude * np.cos(2 * np.pi * (np.asarray(index[m].day_of_year, float) - season_peak_doy) / _YEAR))
        inflow[m] = totals[y] * s / s_full.sum()
    ppb = np.array([ppb_year[y] for y in years])

    viab = (special.expit((calm_wind - w["wind_mean"].to_numpy()) / margin_wind)
            * special.expit((calm_gust - w["gust_max"].to_numpy()) / margin_gust))
    launch = _rng(seed, "launch").random(n) < viab
    doy = np.asarray(index.day_of_year, dtype=float)
    rate = (drain * wk[np.asarray(index.day_of_week)]
            * np.exp(drain_season * np.cos(2 * np.pi * (doy - _DRAIN_PEAK_DOY) / _YEAR)))
    cap = capacity * np.array([totals[y] for y in years]) / 365.25 + 1e-9
    # backlog recursion (event-free departures), B[0] = 10 days of demand
    backlog = np.empty(n)
    base = np.empty(n)
    b = 10.0 * inflow[0]
    for i in range(n):
        backlog[i] = b
        base[i] = cap[i] * -np.expm1(-rate[i] * b / cap[i])   # saturating departures
        b = b + inflow[i] - (base[i] if launch[i] else 0.0)
    mult = _event_multiplier(calendar, effects, index)
    people = base * mult                     # expected people on a launch day
    truth_mean = viab * people               # expected arrivals given the state

    # counts with common random numbers: boats ~ gamma-Poisson, loads ~ NB sums
    g = _rng(seed, "boats_gamma").gamma(boat_shape, 1.0 / boat_shape, n)
    u_boats = _rng(seed, "boats_u").random(n)
    lam = np.where(launch, g * people / ppb, 0.0)
    boats = np.where(lam > 0, stats.poisson.ppf(u_boats, np.maximum(lam, 1e-300)), 0.0)
    boats = np.nan_to_num(boats).astype(np.int64)
    u_load = _rng(seed, "load_u").random(n)
    u_pois = _rng(seed, "load_pois").random(n)
    has = boats > 0
    extra_mean = np.zeros(n)
    extra_mean[has] = stats.gamma.ppf(u_load[has], boats[has] * load_shape) * (ppb[has] - 1.0) / load_shape
    extra = np.zeros(n, dtype=np.int64)
    pos = extra_mean > 0
    extra[pos] = stats.poisson.ppf(u_pois[pos], extra_mean[pos]).astype(np.int64)
    migrants = boats + extra

    keep = index >= lo
    idx = index[keep]
    counts = pd.DataFrame({"migrants": migrants[keep], "boats": boats[keep],
                           "uncontrolled_boats": np.nan, "revised": False}, index=idx)
    counts.attrs["source"] = SIMULATED_SOURCE
    wk_frame = w.loc[keep]
    wk_frame.attrs["weather_source"] = "SIMULATED weather (crossingcast.simulate, not observed)"
    wk_frame.attrs["weather_report"] = ["simulated weather: AR(1) log wind with an annual cycle, "
                                        "gust factor, direction, precipitation, temperature"]
    frame = build_frame(counts, weather=wk_frame, events=calendar)
    frame["migrants"] = frame["migrants"].astype(np.int64)
    frame["boats"] = frame["boats"].astype(np.int64)
    frame["revised"] = frame["revised"].astype(bool)
    assert tuple(frame.columns[:len(COUNT_COLUMNS)]) == COUNT_COLUMNS
    report = dict(frame.attrs["report"])
    report["source"] = SIMULATED_SOURCE
    report["weather"] = "SIMULATED weather: " + ", ".join(WEATHER_FEATURES)
    report["note"] = ("Simulated by crossingcast.simulate for validation and demos; "
                      "never present these numbers as real crossings.")
    frame.attrs["report"] = report
    frame.attrs["simulated"] = True
    frame.attrs["truth"] = {
        "mean": pd.Series(truth_mean[keep], index=frame.index, name="mean"),
        "effects": {name: effects.get(name, 1.0) for name in calendar["name"]} if len(calendar) else {},
        "seed": int(seed),
        "viability": pd.Series(viab[keep], index=frame.index, name="viability"),
        "backlog": pd.Series(backlog[keep], index=frame.index, name="backlog"),
        "inflow": pd.Series(inflow[keep], index=frame.index, name="inflow"),
        "params": {"drain": drain, "calm_wind": calm_wind, "calm_gust": calm_gust,
                   "margin_wind": margin_wind, "margin_gust": margin_gust,
                   "season_amplitude": season_amplitude, "season_peak_doy": season_peak_doy,
                   "weekly": wk.tolist(), "boat_shape": boat_shape, "load_shape": load_shape,
                   "totals": {int(k): float(v) for k, v in totals.items()},
                   "people_per_boat": {int(k): float(v) for k, v in ppb_year.items()},
                   "weather": {**DEFAULT_WEATHER, **dict(weather or {})}},
    }
    return frame


def simulate_weather(start="2019-01-01", end="2025-12-31", *, seed: int = 0, calm_wind: float = CALM_WIND,
                     calm_gust: float = CALM_GUST, weather: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Simulated daily weather for ``[start, end]``, the same as in :func:`simulate_channel` with this seed.

    Parameters
    ----------
    start, end : date-like
        Period (inclusive); it may lie in the future of a simulated history.
    seed : int
        Seed (the weather of :func:`simulate_channel` with the same seed).
    calm_wind, calm_gust : float
        Calm thresholds (km/h).
    weather : mapping, optional
        Overrides of :data:`DEFAULT_WEATHER`.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`crossingcast.frame.WEATHER_FEATURES`, DatetimeIndex ``date``.
    """
    lo, hi = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    if hi < lo:
        raise CrossingcastError(f"simulate: end {hi.date()} is before start {lo.date()}")
    origin = min(SIM_ORIGIN, lo)
    index = pd.date_range(origin, hi, freq="D", name="date")
    w, _ = _weather(index, seed, dict(weather or {}), calm_wind, calm_gust)
    out = w.loc[lo:hi].copy()
    out.index = pd.DatetimeIndex(out.index, freq="D", name="date")
    out.attrs["weather_source"] = "SIMULATED weather (crossingcast.simulate, not observed)"
    out.attrs["simulated"] = True
    return out


def simulate_future_weather(history: pd.DataFrame, start, end) -> pd.DataFrame:
    """The simulated weather that continues a simulated history over ``[start, end]``.

    The "known" future weather of the offline demo: pass it to
    :func:`crossingcast.frame.future_frame` (``weather=...``,
    ``weather_mode="simulated (known)"``).

    Parameters
    ----------
    history : pandas.DataFrame
        A frame from :func:`simulate_channel` (its seed and weather parameters are reused).
    start, end : date-like
        Future period.

    Returns
    -------
    pandas.DataFrame
        Weather columns for ``[start, end]``; identical to the weather of
        ``simulate_channel(..., end=end)`` with the same seed on those dates.

    Raises
    ------
    CrossingcastError
        If ``history`` is not a simulated frame.
    """
    if not history.attrs.get("simulated") or "truth" not in history.attrs:
        raise CrossingcastError("simulate_future_weather: history is not a frame from simulate_channel")
    truth = history.attrs["truth"]
    p = truth["params"]
    return simulate_weather(start, end, seed=truth["seed"], calm_wind=p["calm_wind"],
                            calm_gust=p["calm_gust"], weather=p["weather"])


def compare_to_real(sim: pd.DataFrame, counts: pd.DataFrame, since="2021-01-01") -> pd.DataFrame:
    """Compare simulated and real daily migrants: zero days, quantiles, mean, max and yearly totals.

    Parameters
    ----------
    sim : pandas.DataFrame
        Simulated frame (or any daily frame with ``migrants``).
    counts : pandas.DataFrame
        Real counts from :func:`crossingcast.load_counts`.
    since : date-like
        Start of the comparison; both series are restricted to their common
        dates from ``since`` on.

    Returns
    -------
    pandas.DataFrame
        Index: ``zero_share``, ``q50``, ``q75``, ``q90``, ``q99``, ``mean``,
        ``max``, then ``total_<year>`` for every calendar year fully covered
        by both; columns ``real``, ``simulated``, ``ratio`` (simulated / real).
    """
    lo = pd.Timestamp(since)
    ys = sim["migrants"].loc[lo:].astype(float)
    yr = counts["migrants"].loc[lo:].astype(float)
    common = ys.index.intersection(yr.index)
    if len(common) == 0:
        raise CrossingcastError(f"compare_to_real: no common dates from {lo.date()}")
    ys, yr = ys.loc[common], yr.loc[common]
    rows: dict[str, tuple[float, float]] = {}
    rows["zero_share"] = (float((yr == 0).mean()), float((ys == 0).mean()))
    for q in (50, 75, 90, 99):
        rows[f"q{q}"] = (float(yr.quantile(q / 100)), float(ys.quantile(q / 100)))
    rows["mean"] = (float(yr.mean()), float(ys.mean()))
    rows["max"] = (float(yr.max()), float(ys.max()))
    for y in sorted(set(common.year)):
        n_days = len(pd.date_range(f"{y}-01-01", f"{y}-12-31"))
        if (common.year == y).sum() == n_days:
            rows[f"total_{y}"] = (float(yr[yr.index.year == y].sum()), float(ys[ys.index.year == y].sum()))
    out = pd.DataFrame.from_dict(rows, orient="index", columns=["real", "simulated"])
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ratio"] = out["simulated"] / out["real"]
    out.index.name = "statistic"
    return out
