"""The independent check must pass a correct answer and catch a wrong one."""

import copy

import numpy as np
import pandas as pd
import pytest
from tiny import tiny_data

from optimizer.model.data import BatteryData
from optimizer.results.solution import extract_solution
from optimizer.results.verify import replay_levels, verify_solution
from optimizer.solve.highs import SolveOptions
from optimizer.solve.strategy import solve_with_gap


@pytest.fixture
def solved():
    bat = BatteryData(energy_musd_per_mwh=0.1, power_musd_per_mw=0.05, round_trip_eff=0.81)
    data = tiny_data([1, 1, 0, 0], battery=bat)
    r = solve_with_gap(data, SolveOptions(mip_rel_gap=0), method="direct")
    sol = extract_solution(r.model, r.data)
    bom = pd.DataFrame({"quantity": [1.0], "unit_cost_usd": [sol.objective_usd]})
    return data, sol, bom


def test_correct_solution_passes(solved):
    data, sol, bom = solved
    report = verify_solution(sol, data, bom)
    assert report.passed, report.failures
    assert report.figures["installed_flops"] == pytest.approx(1e17)


def test_replay_matches_hand_levels(solved):
    _, sol, _ = solved
    lvl = replay_levels(sol.storage[0])
    assert lvl[1] == pytest.approx(0.2 / 0.9, rel=1e-6)  # full after the two sunny hours
    assert lvl[3] == pytest.approx(0.0, abs=1e-9)


def test_missing_chip_fails_the_target(solved):
    data, sol, bom = solved
    bad = copy.deepcopy(sol)
    bad.parts["compute"]["count"] = sol.chip_count - 1
    assert any("target not met" in f for f in verify_solution(bad, data, bom).failures)


def test_lost_discharge_fails_the_balance(solved):
    data, sol, bom = solved
    bad = copy.deepcopy(sol)
    bad.storage[0].discharge_mw = sol.storage[0].discharge_mw * 0.5
    failures = verify_solution(bad, data, bom).failures
    assert any("energy balance short" in f for f in failures)
    assert any("not cyclic" in f for f in failures)


def test_bom_that_disagrees_with_the_objective_fails(solved):
    data, sol, bom = solved
    bom2 = bom.assign(unit_cost_usd=bom["unit_cost_usd"] * 1.01)
    assert any("BOM total" in f for f in verify_solution(sol, data, bom2).failures)


def test_pv_beyond_parcel_area_fails(solved):
    data, sol, bom = solved
    bad = copy.deepcopy(sol)
    bad.parts["land"]["mw_dc"] = np.array([5.0, 0.0])
    assert any("exceeds its limit" in f for f in verify_solution(bad, data, bom).failures)
