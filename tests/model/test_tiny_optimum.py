"""Tiny cases with optima computed by hand (PyPSA test_lopf_storage style)."""

import pyomo.environ as pyo
import pytest
from tiny import tiny_data

from optimizer.errors import InfeasibleError
from optimizer.model.data import BatteryData
from optimizer.model.diagnose import explain_infeasible
from optimizer.results.solution import extract_solution
from optimizer.solve.highs import SolveOptions
from optimizer.solve.strategy import solve_with_gap


def test_flat_sun_two_parcels_one_chip():
    # 100 PFLOPS -> 100 chips x 1 kW = 0.1 MW; flat cf 0.5 -> 0.2 MW_dc of PV.
    # Cheapest land is parcel B ($0.03M). Cost = chips 1.0 + land 0.03 + PV 0.2 = 1.23 $M.
    data = tiny_data([0.5, 0.5, 0.5, 0.5])
    r = solve_with_gap(data, SolveOptions(mip_rel_gap=0), method="direct")
    m = r.model
    assert pyo.value(m.total_cost) == pytest.approx(1.23, rel=1e-7)
    assert [round(pyo.value(m.land.buy[p])) for p in m.land.P] == [0, 1]
    assert pyo.value(m.compute.count[0]) == pytest.approx(100)
    assert pyo.value(m.pv_total_mw_dc) == pytest.approx(0.2)


def test_second_parcel_bought_only_when_the_first_is_full():
    # 300 chips = 0.3 MW at cf 0.5 -> 0.6 MW_dc; A holds 0.5 and B 0.4 MW_dc: both are needed.
    data = tiny_data([0.5] * 4, target_pflops=300, max_mw=(0.5, 0.4))
    r = solve_with_gap(data, SolveOptions(mip_rel_gap=0), method="direct")
    m = r.model
    assert [round(pyo.value(m.land.buy[p])) for p in m.land.P] == [1, 1]
    assert pyo.value(m.total_cost) == pytest.approx(3.0 + 0.05 + 0.03 + 0.6, rel=1e-7)


def test_day_night_needs_battery():
    # Sun in hours 0-1 (cf 1), night in hours 2-3; load 0.1 MW; battery 0.9 each way.
    # Night needs 0.2 MWh out -> 0.2/0.9 stored -> charged 0.2/0.81 over 2 h = 0.123457 MW.
    # PV = 0.1 + 0.123457 MW_dc; E = 0.2/0.9 MWh; P = 0.123457 MW.
    bat = BatteryData(energy_musd_per_mwh=0.1, power_musd_per_mw=0.05, round_trip_eff=0.81)
    data = tiny_data([1, 1, 0, 0], battery=bat)
    r = solve_with_gap(data, SolveOptions(mip_rel_gap=0), method="direct")
    m = r.model
    charge = 0.2 / 0.81 / 2
    expected = 1.0 + 0.03 + (0.1 + charge) + 0.1 * 0.2 / 0.9 + 0.05 * charge
    assert pyo.value(m.total_cost) == pytest.approx(expected, rel=1e-6)
    assert pyo.value(m.battery.energy_mwh) == pytest.approx(0.2 / 0.9, rel=1e-6)
    sol = extract_solution(m, r.data)
    assert sol.storage[0].discharge_mw[2:] == pytest.approx([0.1, 0.1], rel=1e-6)


def test_coarse_stage_bound_is_below_the_hourly_answer():
    bat = BatteryData(energy_musd_per_mwh=0.1, power_musd_per_mw=0.05, round_trip_eff=0.81)
    data = tiny_data([0, 1, 1, 0.5, 0.2, 0, 0, 0], battery=bat)
    r = solve_with_gap(data, SolveOptions(mip_rel_gap=0), method="search")
    direct = solve_with_gap(data, SolveOptions(mip_rel_gap=0), method="direct")
    assert r.lower_bound <= pyo.value(direct.model.total_cost) + 1e-9
    assert r.upper_bound >= pyo.value(direct.model.total_cost) - 1e-9
    assert r.gap >= 0


def test_target_beyond_the_land_is_infeasible_and_names_land():
    # 1 MW_dc per parcel at cf 0.5 -> at most 1 MW; 5,000 chips need 5 MW.
    data = tiny_data([0.5] * 4, target_pflops=5000)
    with pytest.raises(InfeasibleError, match="Land limits"):
        solve_with_gap(
            data,
            SolveOptions(),
            method="search",
            explain_infeasible=lambda: explain_infeasible(data),
        )
