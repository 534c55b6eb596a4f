"""`zopt yield` summary arithmetic on hand-made profiles."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.resource.yield_report import (
    average_day_by_month,
    monthly_kwh,
    summarize,
    worst_stretch,
)


def flat_profile(kw: float = 0.5) -> np.ndarray:
    day = np.zeros(24)
    day[8:16] = kw  # 4 kWh/day
    return np.tile(day, 365)


def test_annual_monthly_and_capacity_factor():
    s = summarize(flat_profile(), dc_ac_ratio=1.25)
    assert s.annual_kwh_per_kw_dc == pytest.approx(365 * 4)
    assert s.monthly_kwh_per_kw_dc[1] == pytest.approx(28 * 4)
    assert sum(s.monthly_kwh_per_kw_dc) == pytest.approx(s.annual_kwh_per_kw_dc)
    assert s.capacity_factor == pytest.approx(1460 / 8760)
    assert s.capacity_factor_ac == pytest.approx(1460 * 1.25 / 8760)


def test_worst_stretch_wraps_over_new_year():
    ac = flat_profile()
    ac[-24:] = 0.0  # Dec 31 dark
    ac[:48] = 0.0  # Jan 1-2 dark
    s = summarize(ac)
    assert s.worst_3day_kwh_per_kw_dc == pytest.approx(0.0)
    assert s.worst_3day_start == "2023-12-31"
    assert s.worst_7day_kwh_per_kw_dc == pytest.approx(4 * 4)
    energy, start = worst_stretch(np.arange(10.0), 3)
    assert (energy, start) == (3.0, 0)


def test_heat_map_shape_and_rejects_bad_length():
    grid = average_day_by_month(flat_profile())
    assert grid.shape == (12, 24) and grid[0, 9] == pytest.approx(0.5) and grid[5, 2] == 0
    assert monthly_kwh(flat_profile()).shape == (12,)
    with pytest.raises(ValueError):
        summarize(np.ones(100))
