"""The `zopt yield` summary: pure functions of an hourly AC-per-kW_dc profile.

All energies are per kW of DC nameplate [kWh/kW_dc]; the profile is hour-beginning, local
standard time, 8,760 hours of a non-leap model year.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

HOURS_PER_YEAR = 8760
#: Days in each month of a non-leap year.
DAYS_IN_MONTH = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


@dataclass(frozen=True)
class YieldSummary:
    """Headline figures of one hourly PV profile.

    Attributes
    ----------
    annual_kwh_per_kw_dc : annual AC energy per DC kW [kWh/kW_dc]
    capacity_factor : annual AC energy / (1 kW_dc x 8,760 h) [-] (DC-rated)
    capacity_factor_ac : annual AC energy / (AC rating x 8,760 h) [-], None when unknown
    monthly_kwh_per_kw_dc : 12 monthly sums [kWh/kW_dc]
    worst_3day_kwh_per_kw_dc, worst_7day_kwh_per_kw_dc : lowest energy over any 3 / 7
        consecutive days, the year wrapping around [kWh/kW_dc]
    worst_3day_start, worst_7day_start : first day (ISO date) of those stretches
    peak_kw_ac_per_kw_dc : highest hourly output [kW_ac/kW_dc]
    """

    annual_kwh_per_kw_dc: float
    capacity_factor: float
    capacity_factor_ac: float | None
    monthly_kwh_per_kw_dc: list[float]
    worst_3day_kwh_per_kw_dc: float
    worst_3day_start: str
    worst_7day_kwh_per_kw_dc: float
    worst_7day_start: str
    peak_kw_ac_per_kw_dc: float

    def to_dict(self) -> dict:
        """Plain JSON-serialisable dict."""
        return asdict(self)


def _check(ac_kw_per_kw_dc: np.ndarray) -> np.ndarray:
    ac = np.asarray(ac_kw_per_kw_dc, dtype=float)
    if ac.shape != (HOURS_PER_YEAR,) or not np.all(np.isfinite(ac)):
        raise ValueError(f"expected {HOURS_PER_YEAR} finite hourly values, got shape {ac.shape}")
    return ac


def daily_kwh(ac_kw_per_kw_dc: np.ndarray) -> np.ndarray:
    """Daily energy (365,) [kWh/kW_dc] from hourly power [kW_ac/kW_dc] (1-h steps)."""
    return _check(ac_kw_per_kw_dc).reshape(365, 24).sum(axis=1)


def monthly_kwh(ac_kw_per_kw_dc: np.ndarray) -> np.ndarray:
    """Monthly energy (12,) [kWh/kW_dc]."""
    ends = np.cumsum(DAYS_IN_MONTH)
    c = np.r_[0.0, np.cumsum(daily_kwh(ac_kw_per_kw_dc))]
    return c[ends] - c[np.r_[0, ends[:-1]]]


def worst_stretch(daily: np.ndarray, days: int) -> tuple[float, int]:
    """Lowest energy over ``days`` consecutive days, wrapping the year [kWh/kW_dc], start day.

    Returns (energy, 0-based index of the first day).
    """
    d = np.asarray(daily, dtype=float)
    x = np.r_[d, d[: days - 1]]
    c = np.r_[0.0, np.cumsum(x)]
    sums = c[days:] - c[:-days]
    i = int(np.argmin(sums[: len(d)]))
    return float(sums[i]), i


def average_day_by_month(ac_kw_per_kw_dc: np.ndarray) -> np.ndarray:
    """Mean output per hour of day for each month, shape (12, 24) [kW_ac/kW_dc] (heat map)."""
    daily = _check(ac_kw_per_kw_dc).reshape(365, 24)
    month = np.repeat(np.arange(12), DAYS_IN_MONTH)
    return np.stack([daily[month == m].mean(axis=0) for m in range(12)])


def summarize(
    ac_kw_per_kw_dc: np.ndarray, year: int = 2023, dc_ac_ratio: float | None = None
) -> YieldSummary:
    """Compute the `zopt yield` summary of an hourly profile.

    Parameters
    ----------
    ac_kw_per_kw_dc : (8760,) hourly AC output per kW_dc [kW_ac/kW_dc]
    year : calendar year of the profile, for the start dates of the worst stretches
    dc_ac_ratio : DC/AC ratio [-], to also give the AC-rated capacity factor
    """
    ac = _check(ac_kw_per_kw_dc)
    daily = daily_kwh(ac)
    annual = float(ac.sum())
    w3, i3 = worst_stretch(daily, 3)
    w7, i7 = worst_stretch(daily, 7)
    start = pd.Timestamp(f"{year}-01-01")
    cf_ac = annual * dc_ac_ratio / HOURS_PER_YEAR if dc_ac_ratio else None
    return YieldSummary(
        annual_kwh_per_kw_dc=annual,
        capacity_factor=annual / HOURS_PER_YEAR,
        capacity_factor_ac=cf_ac,
        monthly_kwh_per_kw_dc=[float(v) for v in monthly_kwh(ac)],
        worst_3day_kwh_per_kw_dc=w3,
        worst_3day_start=str((start + pd.Timedelta(days=i3)).date()),
        worst_7day_kwh_per_kw_dc=w7,
        worst_7day_start=str((start + pd.Timedelta(days=i7)).date()),
        peak_kw_ac_per_kw_dc=float(ac.max()),
    )
