"""Hand-checkable storage and chip-choice cases (issue 5)."""

import math
from dataclasses import replace

import numpy as np
import pyomo.environ as pyo
import pytest
from tiny import chips, tiny_data, tiny_phs

from optimizer import units as u
from optimizer.model.data import BatteryData
from optimizer.results.solution import extract_solution
from optimizer.results.verify import verify_solution
from optimizer.solve.highs import SolveOptions
from optimizer.solve.strategy import solve_with_gap

DAY_NIGHT = [1, 1, 0, 0]  # two sunny hours, two dark hours
EXACT = SolveOptions(mip_rel_gap=0)


def _solve(data):
    r = solve_with_gap(data, EXACT, method="direct")
    sol = extract_solution(r.model, r.data)
    return r.model, sol


def _check(data, sol):
    import pandas as pd

    bom = pd.DataFrame({"quantity": [1.0], "unit_cost_usd": [sol.objective_usd]})
    report = verify_solution(sol, data, bom)
    assert report.passed, report.failures
    return report


def test_one_site_energy_is_rho_g_h_v_eta():
    # Night needs 0.1 MW x 2 h = 0.2 MWh delivered. A 100 m head stores rho*g*h = 0.2724 kWh/m3;
    # the turbine delivers 0.9 of it, so the reservoir must hold V = 0.2 MWh / (rho g h eta_t).
    data = replace(tiny_data(DAY_NIGHT), phs=tiny_phs(head_m=100.0))
    m, sol = _solve(data)
    rho_g_h_mwh_per_m3 = 1000 * 9.80665 * 100 / 3.6e9
    expected_v = 0.2 / (rho_g_h_mwh_per_m3 * 0.9)
    assert sol.phs_volume_m3[0] == pytest.approx(expected_v, rel=1e-6)
    deliverable = rho_g_h_mwh_per_m3 * sol.phs_volume_m3[0] * 0.9
    assert deliverable == pytest.approx(0.2, rel=1e-6)
    assert sol.storage[0].discharge_mw[2:] == pytest.approx([0.1, 0.1], rel=1e-6)
    _check(data, sol)


def test_evaporation_and_dead_pool_cost_more_water():
    base = replace(tiny_data(DAY_NIGHT), phs=tiny_phs())
    wet = replace(tiny_data(DAY_NIGHT), phs=tiny_phs(evap_per_h=1e-3, min_level=0.2))
    _, sol_base = _solve(base)
    m, sol_wet = _solve(wet)
    assert sol_wet.objective_usd > sol_base.objective_usd
    assert sol_wet.storage[0].loss_mwh_per_h > 0
    _check(wet, sol_wet)


def test_liion_wins_when_the_reservoir_has_a_large_fixed_cost():
    # Reason: 0.2 MWh of Li-ion costs ~0.2/0.9 x 0.1 + 0.12 x 0.05 = 0.028 $M, while the only
    # reservoir site carries a 1 $M development cost.
    bat = BatteryData(energy_musd_per_mwh=0.1, power_musd_per_mw=0.05, round_trip_eff=0.81)
    data = replace(tiny_data(DAY_NIGHT, battery=bat), phs=tiny_phs(fixed_musd=1.0))
    m, sol = _solve(data)
    assert not sol.phs_built[0]
    assert sol.liion_energy_mwh == pytest.approx(0.2 / 0.9, rel=1e-6)
    _check(data, sol)


def test_pumped_hydro_wins_when_energy_is_cheap_per_mwh():
    # Reason: with no fixed cost, water at 1 $/m3 and 100 m head stores energy at ~4 $/kWh
    # (1 / 0.27 kWh/m3), far below Li-ion at 400 $/kWh; power costs are equal.
    bat = BatteryData(energy_musd_per_mwh=0.4, power_musd_per_mw=0.01, round_trip_eff=0.81)
    data = replace(tiny_data(DAY_NIGHT, battery=bat), phs=tiny_phs())
    m, sol = _solve(data)
    assert sol.phs_built[0]
    assert sol.liion_energy_mwh == pytest.approx(0.0, abs=1e-9)
    _check(data, sol)


@pytest.mark.parametrize(("price_b", "winner"), [(20_000, "B"), (22_000, "A")])
def test_chip_choice_switches_at_the_hand_computed_threshold(price_b, winner):
    # Flat sun cf 0.5: each kW of load needs 2 kW_dc of PV at 1 $/W -> 2,000 $/kW.
    # Per PFLOPS: A costs 10,000 + 1 kW x 2,000 = 12,000 $; B (2 PFLOPS, 1.5 kW) costs
    # price_b / 2 + 0.75 x 2,000. B wins iff price_b < 21,000 $.
    data = tiny_data([0.5] * 4, target_pflops=100)
    data = replace(data, compute=chips(["A", "B"], [1, 2], [1.0, 1.5], [10_000, price_b], 100))
    m, sol = _solve(data)
    counts = dict(zip(["A", "B"], sol.chip_count, strict=True))
    assert counts == ({"A": 0, "B": 50} if winner == "B" else {"A": 100, "B": 0})
    _check(data, sol)


def test_max_count_forces_the_second_choice():
    data = tiny_data([0.5] * 4, target_pflops=100)
    data = replace(
        data,
        compute=chips(
            ["A", "B"], [1, 2], [1.0, 1.5], [10_000, 20_000], 100, max_count=[np.inf, 20]
        ),
    )
    m, sol = _solve(data)
    assert list(sol.chip_count) == [60, 20]
    _check(data, sol)


def _seed_like(mode, price_usd):
    # Seed chip: 10 PFLOPS, 100 W; 10 chips reach 100 PFLOPS. Li-ion at today's ATB figures.
    bat = BatteryData(energy_musd_per_mwh=0.376, power_musd_per_mw=0.498, round_trip_eff=0.85)
    data = tiny_data(DAY_NIGHT * 6, battery=bat, max_mw=(10.0, 10.0))
    return replace(data, compute=chips(["seed"], [10], [0.1], [price_usd], 100, mode=mode))


def test_average_mode_with_cheap_chips_buys_more_chips_and_less_storage():
    _, sus = _solve(_seed_like("sustained", 100))
    _, avg = _solve(_seed_like("average", 100))
    assert avg.chip_count[0] > sus.chip_count[0]
    assert avg.liion_energy_mwh < sus.liion_energy_mwh
    assert avg.objective_usd < sus.objective_usd


def test_with_expensive_chips_average_and_sustained_converge():
    # At 30,000 $ a chip, idling half the day costs more chips than the storage it saves.
    _, sus = _solve(_seed_like("sustained", 30_000))
    _, avg = _solve(_seed_like("average", 30_000))
    assert avg.chip_count[0] == sus.chip_count[0]
    assert avg.objective_usd == pytest.approx(sus.objective_usd, rel=1e-6)


def test_unserved_fraction_lets_a_night_hour_go_dark():
    bat = BatteryData(energy_musd_per_mwh=0.1, power_musd_per_mw=0.05, round_trip_eff=0.81)
    full = tiny_data(DAY_NIGHT, battery=bat)
    part = replace(full, compute=replace(full.compute, max_unserved=0.25))
    _, sol_full = _solve(full)
    m, sol_part = _solve(part)
    assert sol_part.objective_usd < sol_full.objective_usd
    assert sol_part.unserved_mw.sum() == pytest.approx(0.25 * 4 * 0.1, rel=1e-6)
    report = _check(part, sol_part)
    assert report.figures["average_delivered_flops"] == pytest.approx(0.75 * 1e17, rel=1e-6)
    assert math.isclose(report.figures["installed_flops"], 1e17)
    _ = u, m, pyo
