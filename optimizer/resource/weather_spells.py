"""The year's deepest 3-day and 7-day spells of the default weather: scoring and matching.

Storage is sized on the worst stretch of the year, so the default reproduces the depth of the
calibrated deepest spell in energy terms. A spell's depth is its mean daily clear-sky index times
the daily clear-sky GHI (:math:`K_d \\cdot E_{cs}`, an energy proxy that also decides *when* the
worst stretch falls); the calibrated depth is, over start months m, the smallest spell
:math:`K_d` of the tables times month m's mean daily clear-sky GHI at the site.
"""

from __future__ import annotations

import numpy as np

from optimizer.resource.weather_calibration import SPELL_DAYS, rolling_means


def month_clearsky(e_cs: np.ndarray, month: np.ndarray) -> np.ndarray:
    """Mean daily clear-sky GHI of each month [Wh/m2-day] from daily values ``e_cs``."""
    return np.array([e_cs[month == m].mean() for m in range(1, 13)])


def year_spell_targets(target: np.ndarray, e_cs: np.ndarray, month: np.ndarray) -> list:
    """(start month, depth [Wh/m2-day]) of the deepest calibrated spell for each window.

    ``target`` is the ``spells`` table's ``min_mean_kd`` (3-day months 1-12, then 7-day) [-].
    """
    e_month = month_clearsky(e_cs, month)
    out = []
    for i in range(len(SPELL_DAYS)):
        depth = target[i * 12 : (i + 1) * 12] * e_month
        m = int(np.nanargmin(depth))
        out.append((m + 1, float(depth[m])))
    return out


def match_year_spells(
    kd: np.ndarray, month: np.ndarray, e_cs: np.ndarray, target: np.ndarray, kd_max: float
) -> np.ndarray:
    """Scale the deepest 3-day, then 7-day, spell of one year to the calibrated depth.

    For each window the deepest window of the year (by :math:`K_d \\cdot E_{cs}`) that starts in
    the calibrated month is scaled to the calibrated depth; the 7-day scaling leaves the days of
    the 3-day spell alone. The energy moved is given back to (or taken from) the other days of the
    months touched in proportion to their clear-sky GHI, so every monthly mean :math:`K_d` holds.

    Parameters
    ----------
    kd : (365,) daily clear-sky index [-]
    month : (365,) month of each day
    e_cs : (365,) daily clear-sky GHI [Wh/m2]
    target : ``spells`` table ``min_mean_kd`` [-]
    kd_max : largest daily clear-sky index [-]
    """
    kd = kd.copy()
    fixed = np.zeros(len(kd), dtype=bool)
    for window, (m, depth) in zip(SPELL_DAYS, year_spell_targets(target, e_cs, month), strict=True):
        r = np.where(month == m, rolling_means(kd * e_cs, window), np.inf)
        start = int(np.argmin(r))
        days = np.arange(start, start + window) % len(kd)
        free = days[~fixed[days]]
        have = float((kd[days] * e_cs[days]).sum())
        want = depth * window
        kept = have - float((kd[free] * e_cs[free]).sum())
        scale = max(want - kept, 0.0) / max(have - kept, 1e-9)
        before = kd.copy()
        kd[free] = np.clip(kd[free] * scale, 0.02, kd_max)
        fixed[days] = True
        for mm in np.unique(month[free]):
            delta = float(((before - kd) * e_cs)[month == mm].sum())
            others = (month == mm) & ~fixed
            kd[others] += delta / e_cs[others].sum()
        kd = np.clip(kd, 0.02, kd_max)
    return kd
