"""The embedded default weather when the user gives no file.

pvlib's Ineichen clear sky at the site (Linke turbidity and altitude that ship with pvlib) times a
stochastic cloud model in clear-sky-index space whose figures were derived from three real NSRDB
PSM3 typical years of the desert Southwest (Phoenix, Tucson, Daggett; ``data/weather/``, method in
``data/weather/README.md``), pooled, or a calibration site's own near it
(:mod:`optimizer.resource.weather_sites`):

1. a Markov chain of daily classes (overcast, cloudy, hazy, clear) with the monthly class
   frequencies and the clear / not-clear persistence of the real data, so multi-day cloudy spells
   occur;
2. the daily clear-sky index K_d drawn within its class from the real quantiles, then the clear
   days of each month shifted so the month's mean K_d equals the real one; of
   ``N_CANDIDATES`` realisations the one whose monthly class counts and deepest 3-day and
   7-day spells of each month are closest to the real ones is kept (the idea of the
   Finkelstein-Schafer selection of typical months in TMY: typical, not average); the kept
   year's deepest 3-day and 7-day spells are then scaled to the calibrated depth
   (:mod:`optimizer.resource.weather_spells`);
3. hourly k_c = K_d (1 + sd e_h), e_h an AR(1) process per class, renormalised to the daily K_d;
4. DNI = DNI_cs x mean(DNI/DNI_cs | k_c), DHI = GHI - DNI cos(zenith) (closure);
5. air temperature: the monthly climatology lapse-rate corrected to the site altitude
   (-6.5 C/km, ICAO standard atmosphere) with a diurnal swing damped on cloudy days; wind: monthly
   means.

The random stream is seeded by the location (rounded to 0.01 deg), so one place always gets the
same year.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from optimizer.inputs.timezone import standard_tz
from optimizer.inputs.weather import HOURS_PER_YEAR, MODEL_YEAR, WeatherData
from optimizer.inputs.weather_checks import cos_zenith
from optimizer.paths import default_path
from optimizer.resource.weather_calibration import (
    CLASS_NAMES,
    QUANTILES,
    clearsky,
    day_class,
    spell_minima,
)
from optimizer.resource.weather_sites import blend_tables, great_circle_km, site_weights
from optimizer.resource.weather_spells import match_year_spells

#: Realisations of the daily class sequence among which the most typical one is kept.
N_CANDIDATES = 512
#: Spell-depth error [K_d] that weighs as much as one misclassified day in the selection score.
SPELL_KD_PER_DAY = 0.02
#: Temperature lapse rate [C/m] (ICAO standard atmosphere).
LAPSE_RATE_C_PER_M = -0.0065
#: Largest hourly clear-sky index [-] (cloud enhancement in hourly means).
KC_MAX = 1.3
TABLES = ("monthly", "classes", "dni", "diurnal", "spells", "sites")


@lru_cache(maxsize=4)
def load_tables(folder: str | None = None) -> dict[str, pd.DataFrame]:
    """Read the stacked per-site calibration tables (``data/weather/*.csv`` unless ``folder``)."""
    base = Path(folder) if folder else default_path("weather")
    return {name: pd.read_csv(base / f"{name}.csv") for name in TABLES}


def tables_at(latitude: float, longitude: float, folder: str | None = None) -> dict:
    """Cloud-model tables at a place [deg, deg]: the calibration sites' tables combined.

    Weights from :func:`optimizer.resource.weather_sites.site_weights` (pooled sites, the
    nearest site's own figures within tens of km of it).
    """
    stacked = load_tables(folder)
    sites = stacked["sites"]
    return blend_tables(stacked, sites, site_weights(latitude, longitude, sites))


def describe_default(latitude: float, longitude: float) -> str:
    """One line for reports: which calibration sites' statistics the default uses at a place
    [deg, deg], and how far the nearest one is (the evidence is in RESULTS_solar.md)."""
    sites = load_tables()["sites"]
    w = site_weights(latitude, longitude, sites)
    d = great_circle_km(latitude, longitude, sites["latitude"], sites["longitude"])
    i = int(np.argmin(d))
    mix = ", ".join(f"{s} {x:.2f}" for s, x in w.items())
    return (
        f"embedded default weather (clear sky x cloud statistics of real typical years: {mix}; "
        f"nearest calibration site {sites['site'].iloc[i]}, {d[i]:.0f} km)"
    )


def location_seed(latitude: float, longitude: float) -> int:
    """Deterministic random seed of a place [deg, deg], rounded to 0.01 deg."""
    return int(round((latitude + 90.0) * 100)) * 100_000 + int(round((longitude + 180.0) * 100))


def candidate_classes(
    pi_day: np.ndarray, rho: np.ndarray, rng: np.random.Generator, n_candidates: int = N_CANDIDATES
) -> np.ndarray:
    """Daily class sequences (n_candidates, 365) from a grouped-persistence Markov chain.

    With probability ``rho`` the next day stays in the group of today (clear / not clear) and its
    class is drawn from the group's share of ``pi_d``; otherwise it is drawn from ``pi_d``. Both
    keep ``pi_d`` stationary (after Aguiar et al., Solar Energy 40 (1988) 269-279).

    Parameters
    ----------
    pi_day : (365, 4) class probabilities of each day [-]; the last class is "clear"
    rho : (4,) persistence of the group of each class [-]
    """
    n_days, n_cls = pi_day.shape
    clear = n_cls - 1
    cloudy = pi_day.copy()
    cloudy[:, clear] = 0.0
    total = cloudy.sum(axis=1, keepdims=True)
    cloudy = np.where(total > 0, cloudy / np.where(total > 0, total, 1.0), pi_day)
    uv = rng.random((n_days, 2, n_candidates))  # the draws of u, then v, day by day
    u = uv[:, 0, :, None]
    free = np.minimum((u > np.cumsum(pi_day, axis=1)[:, None, :]).sum(axis=2), clear)
    in_cloud = np.minimum((u > np.cumsum(cloudy, axis=1)[:, None, :]).sum(axis=2), clear)
    seq = np.empty((n_candidates, n_days), dtype=int)
    state = np.full(n_candidates, clear)
    for d in range(n_days):
        stay = (uv[d, 1] < rho[state]) & (d > 0)
        state = np.where(stay, np.where(state == clear, clear, in_cloud[d]), free[d])
        seq[:, d] = state
    return seq


def candidate_kd(
    seq: np.ndarray, month: np.ndarray, e_cs: np.ndarray, tables: dict, rng: np.random.Generator
) -> np.ndarray:
    """Daily clear-sky index K_d (n, 365) [-]: class quantiles, then each month's mean matched.

    ``e_cs`` is the clear-sky daily GHI [Wh/m2] weighting the monthly mean; the clear days of a
    month absorb the difference (all days when a month has none), so cloudy spells keep their depth.
    """
    q = tables["classes"][[f"q{int(round(x * 100)):03d}" for x in QUANTILES]].to_numpy()
    u = rng.random(seq.shape) * (len(QUANTILES) - 1)
    lo = np.floor(u).astype(int).clip(max=len(QUANTILES) - 2)
    kd = q[seq, lo] + (u - lo) * (q[seq, lo + 1] - q[seq, lo])
    target = tables["monthly"]["kd_mean"].to_numpy()
    clear = seq == len(CLASS_NAMES) - 1
    for m in range(1, 13):
        sel = month == m
        e = e_cs[sel]
        gap = target[m - 1] * e.sum() - (kd[:, sel] * e).sum(axis=1)
        adj = clear[:, sel]
        adj[~adj.any(axis=1)] = True
        block = kd[:, sel]
        block += adj * (gap / (adj * e).sum(axis=1))[:, None]
        kd[:, sel] = block
    return np.clip(kd, 0.02, KC_MAX)


def typical_candidate(
    seq: np.ndarray,
    kd: np.ndarray,
    pi_day: np.ndarray,
    month: np.ndarray,
    e_cs: np.ndarray,
    tables: dict,
) -> int:
    """Index of the candidate closest to the calibration: monthly class counts and spells.

    Score = sum over months and classes of |count - expected| [days]
    + sum over start months m and windows of w_m |deepest spell K_d - real| /
    :data:`SPELL_KD_PER_DAY`, with w_m = (darkest month's clear-sky energy / month m's)^4, so the
    low-sun months that size storage count most. ``e_cs`` is the daily clear-sky GHI [Wh/m2].
    """
    e_month = np.array([e_cs[month == m].mean() for m in range(1, 13)])
    month_weight = (e_month.min() / e_month) ** 4 * 12 / ((e_month.min() / e_month) ** 4).sum()
    score = np.zeros(seq.shape[0])
    for m in range(1, 13):
        sel = month == m
        expected = pi_day[sel].sum(axis=0)
        counts = np.stack([(seq[:, sel] == i).sum(axis=1) for i in range(pi_day.shape[1])], 1)
        score += np.abs(counts - expected[None, :]).sum(axis=1)
    target = tables["spells"]["min_mean_kd"].to_numpy()
    spells = spell_minima(kd, month)
    weight = np.tile(month_weight, len(target) // 12) * np.isfinite(target)
    gap = np.abs(spells - np.where(np.isfinite(target), target, 0.0)[None, :])
    score += (weight * np.where(np.isfinite(gap), gap, 0.0)).sum(axis=1) / SPELL_KD_PER_DAY
    return int(np.argmin(score))


def hourly_kc(
    kd: np.ndarray, cls: np.ndarray, cs_ghi: np.ndarray, tables: dict, rng: np.random.Generator
) -> np.ndarray:
    """Hourly clear-sky index (365, 24) [-]: AR(1) scatter around K_d, renormalised per day."""
    sd = tables["classes"]["hourly_sd"].to_numpy()[cls][:, None]
    phi = tables["classes"]["hourly_ar1"].to_numpy()[cls]
    z = rng.standard_normal((len(kd), 24))
    e = np.empty_like(z)
    e[:, 0] = z[:, 0]
    for h in range(1, 24):
        e[:, h] = phi * e[:, h - 1] + np.sqrt(1.0 - phi**2) * z[:, h]
    kc = np.clip(kd[:, None] * (1.0 + sd * e), 0.0, KC_MAX)
    have = (kc * cs_ghi).sum(axis=1)
    want = kd * cs_ghi.sum(axis=1)
    kc *= np.where(have > 0, want / np.maximum(have, 1e-9), 1.0)[:, None]
    return np.clip(kc, 0.0, KC_MAX)


def split_beam(
    ghi: np.ndarray, kc: np.ndarray, dni_cs: np.ndarray, cosz: np.ndarray, dni_table: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """DNI and DHI [W/m2] from GHI [W/m2] via the calibrated mean DNI/DNI_cs given k_c.

    DHI follows from closure :math:`DHI = GHI - DNI\\cos z`, kept >= 5 % of GHI.
    """
    centres = (dni_table["kc_low"] + dni_table["kc_high"]).to_numpy() / 2.0
    dni = dni_cs * np.interp(kc, centres, dni_table["dni_ratio"].to_numpy())
    mu = np.clip(cosz, 0.0, None)
    dhi = np.maximum(ghi - dni * mu, 0.05 * ghi)
    dni = np.where(mu > 0.01, (ghi - dhi) / np.maximum(mu, 0.01), 0.0)
    return np.clip(dni, 0.0, None), dhi


def climate(
    index: pd.DatetimeIndex, kd: np.ndarray, altitude_m: float, tables: dict
) -> tuple[np.ndarray, np.ndarray]:
    """Hourly air temperature [C] and wind speed [m/s] from the monthly climatology."""
    monthly = tables["monthly"]
    ref_alt = float(tables["meta"].set_index("key").loc["altitude_m", "value"])
    doy = np.arange(1, 366)
    mid = pd.date_range(f"{MODEL_YEAR}-01-15", periods=12, freq="MS") + pd.Timedelta(days=14)
    mid_doy = np.r_[
        mid.day_of_year.to_numpy() - 365,
        mid.day_of_year.to_numpy(),
        mid.day_of_year.to_numpy() + 365,
    ]

    def daily(col):
        v = monthly[col].to_numpy()
        return np.interp(doy, mid_doy, np.r_[v, v, v])

    t_mean = daily("temp_mean_c") + LAPSE_RATE_C_PER_M * (altitude_m - ref_alt)
    damp = np.clip(0.4 + 0.6 * kd / daily("kd_mean"), 0.3, 1.2)
    shape = tables["diurnal"]["temp_shape"].to_numpy()
    temp = t_mean[:, None] + (daily("temp_range_c") * damp)[:, None] * shape[None, :]
    wind = np.repeat(daily("wind_mean_m_s"), 24)
    return temp.ravel(), wind


def synthesize(
    latitude: float, longitude: float, altitude_m: float, tables: dict, seed: int
) -> WeatherData:
    """Build one synthetic typical year at a place [deg, deg, m] from calibration ``tables``."""
    index, cs, cs_ghi, month, pi_day, rho = year_frame(latitude, longitude, altitude_m, tables)
    rng = np.random.default_rng(seed)
    seq = candidate_classes(pi_day, rho, rng)
    kd_all = candidate_kd(seq, month, cs_ghi.sum(axis=1), tables, rng)
    best = typical_candidate(seq, kd_all, pi_day, month, cs_ghi.sum(axis=1), tables)
    kd = kd_all[best]
    target = tables["spells"]["min_mean_kd"].to_numpy()
    kd = match_year_spells(kd, month, cs_ghi.sum(axis=1), target, KC_MAX)
    source = f"embedded default (Ineichen clear sky x cloud model, seed {seed})"
    return weather_from_days(kd, (index, cs, cs_ghi), (latitude, longitude, altitude_m), tables,
                             rng, source)  # fmt: skip


def year_frame(latitude: float, longitude: float, altitude_m: float, tables: dict):
    """The model year's hourly index (the place's standard time), clear sky, daily clear-sky
    GHI (365, 24) [W/m2], month of each day, daily class probabilities and persistence."""
    tz = standard_tz(latitude, longitude)  # the place's standard time, not round(lon / 15)
    index = pd.date_range(f"{MODEL_YEAR}-01-01", periods=HOURS_PER_YEAR, freq="h", tz=tz)
    cs = clearsky(index, latitude, longitude, altitude_m)
    cs_ghi = cs["ghi"].to_numpy().reshape(365, 24)
    month = index.month.to_numpy()[::24]
    pcols = [f"p_{n}" for n in CLASS_NAMES]
    pi_day = tables["monthly"][pcols].to_numpy()[month - 1]
    rho = tables["classes"]["persistence"].to_numpy()
    return index, cs, cs_ghi, month, pi_day, rho


def weather_from_days(kd, frame, place, tables: dict, rng, source: str) -> WeatherData:
    """Hourly weather from daily clear-sky indices ``kd`` (365,) [-] (steps 3-5 of the module
    doc); ``frame`` = (index, clear sky, daily clear-sky GHI), ``place`` = (lat, lon, alt)."""
    index, cs, cs_ghi = frame
    latitude, longitude, altitude_m = place
    cls = day_class(kd)
    kc = hourly_kc(kd, cls, cs_ghi, tables, rng)
    ghi = (kc * cs_ghi).ravel()
    cosz = cos_zenith(index + pd.Timedelta(minutes=30), latitude, longitude)
    dni, dhi = split_beam(ghi, kc.ravel(), cs["dni"].to_numpy(), cosz, tables["dni"])
    temp, wind = climate(index, kd, altitude_m, tables)
    df = pd.DataFrame(
        {"ghi": ghi, "dni": dni, "dhi": dhi, "temp_air": temp, "wind_speed": wind}, index=index
    )
    return WeatherData(df, float(latitude), float(longitude), float(altitude_m), source)


def default_weather(latitude: float, longitude: float, altitude_m: float = 0.0) -> WeatherData:
    """Return the embedded synthetic typical year at a place [deg, deg, m].

    Deterministic: the random stream is seeded by :func:`location_seed`.
    """
    return synthesize(
        latitude,
        longitude,
        altitude_m,
        tables_at(latitude, longitude),
        location_seed(latitude, longitude),
    )
