"""The solve strategy: exact steps, big-M bounds, mode dominance, honest limits, pinned optimum."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pyomo.environ as pyo
import pytest
from tiny import tiny_data, tiny_phs

from optimizer.model.bounds import compute_bounds
from optimizer.model.build import build_model
from optimizer.model.data import BatteryData
from optimizer.model.steps import exact_steps, expand_steps
from optimizer.results.solution import extract_solution
from optimizer.solve.highs import SolveOptions, solve_model
from optimizer.solve.strategy import StrategyResult, solve_with_gap

EXACT = SolveOptions(mip_rel_gap=0)

#: a day-night cycle over two days: 6 dark hours, 6 sunny hours (varying), repeated
CF = [0, 0, 0, 0, 0, 0, 0.4, 0.9, 1.0, 0.8, 0.5, 0.2] * 2


def _phs_case(mode="sustained", target=100.0, fixed_musd=0.05, pflops=1.0):
    data = tiny_data(CF, target_pflops=target, mode=mode, max_mw=(2.0, 2.0))
    data.phs = tiny_phs(fixed_musd=fixed_musd, max_volume_m3=5e6)
    data.compute.pflops_per_chip = np.array([pflops])
    return data


def test_exact_steps_keep_the_hourly_optimum():
    data = _phs_case()
    exact = exact_steps(data)
    assert exact.hours == 14  # 2 nights of 6 h merged (one wraps: 3 runs), 12 daylight hours
    values = []
    for d in (data, exact):
        m = build_model(d)
        r = solve_model(m, EXACT)
        values.append(r.objective)
    assert values[1] == pytest.approx(values[0], rel=1e-9)


def test_expanded_levels_replay_the_hourly_flows():
    data = _phs_case()
    r = solve_with_gap(data, EXACT, method="direct")
    sol = extract_solution(r.model, r.data)
    unit = sol.storage[0]
    assert len(unit.level_mwh) == len(CF)
    step = unit.eff_in * unit.charge_mw - unit.discharge_mw / unit.eff_out - unit.loss_mwh_per_h
    replay = unit.level_mwh[-1] + np.cumsum(step)
    assert np.allclose(replay, unit.level_mwh, atol=1e-6)
    assert np.allclose(expand_steps(np.arange(r.data.hours), r.data)[:6], 0)  # first night


def test_average_never_costs_more_than_sustained():
    sus = solve_with_gap(_phs_case("sustained"), SolveOptions(mip_rel_gap=1e-4))
    avg = solve_with_gap(_phs_case("average"), SolveOptions(mip_rel_gap=1e-4))
    assert avg.upper_bound <= sus.upper_bound * (1 + 1e-9)
    assert avg.lower_bound <= avg.upper_bound


def test_lp_first_strategy_matches_the_direct_milp():
    data = _phs_case(fixed_musd=0.2)
    direct = solve_with_gap(data, EXACT, method="direct")
    lp_first = solve_with_gap(data, SolveOptions(mip_rel_gap=1e-6))
    assert lp_first.upper_bound == pytest.approx(direct.upper_bound, rel=1e-5)
    assert lp_first.lower_bound <= direct.upper_bound * (1 + 1e-9)


def test_target_not_a_whole_number_of_chips_is_feasible_without_liion():
    """The turbine bound used to be PUE x target x W/PFLOPS: 100.5 PFLOPS of 1-PFLOPS chips
    needs 101 chips, whose night load the turbine could not carry (exit 3)."""
    data = _phs_case(target=100.5)
    data.battery = BatteryData(0.1, 0.05, 0.81, enabled=False)
    r = solve_with_gap(data, EXACT, method="direct")
    assert round(pyo.value(r.model.compute.count[0])) == 101
    assert pyo.value(r.model.phs.turbine_mw[0]) == pytest.approx(0.101, rel=1e-6)


def test_power_is_tied_to_the_build_binary():
    """Without a built site, no pump, turbine or powerhouse power can be bought: the LP
    relaxation pays the fixed cost in proportion to the power it uses."""
    data = exact_steps(_phs_case(fixed_musd=1.0))
    m = build_model(data)
    solve_model(m, EXACT, relax=True)
    b = m.phs
    turbine_bound = float(m.bounds.phs_turbine_mw[0])
    assert pyo.value(b.build[0]) >= pyo.value(b.turbine_mw[0]) / turbine_bound - 1e-9
    assert turbine_bound == pytest.approx(0.1 * (100 + 1) / 100, rel=1e-5)  # PUE 1, 101 chips


def test_incumbent_bounds_hold_the_optimum():
    data = exact_steps(_phs_case(fixed_musd=0.2))
    full = solve_with_gap(data, EXACT, method="direct")
    tight = replace(data, bounds=compute_bounds(data, full.upper_bound))
    r = solve_model(build_model(tight), EXACT)
    assert r.objective == pytest.approx(full.upper_bound, rel=1e-6)


def test_time_limit_is_stated():
    stages = [
        {"stage": "LP relaxation", "time_limit_reached": False},
        {"stage": "MILP search", "time_limit_reached": True},
    ]
    r = StrategyResult(None, None, None, 1.0, 1.05, 0.05 / 1.05, 0, 0, None, stages)
    assert r.time_limit_reached
    assert "time limit reached in: MILP search" in r.status


@pytest.mark.slow
def test_embedded_optimum_is_pinned():
    """The embedded 1e21 sustained answer: a stored optimum within the run's proven gap.

    Stored 2026-12-01 from ``zopt solve --target 1e21`` (proven within 0.65 %). A cost
    regression beyond the proven gap fails here.
    """
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "export"))
    from zopt_run_cache import base_run

    run, _ = base_run()
    stored_usd = 17_377_616_507
    s = run.solver
    assert s["lower_bound_usd"] <= stored_usd * (1 + 1e-6)
    assert run.total_cost_usd <= stored_usd * (1 + s["gap"]) + 1.0
    assert s["gap"] <= 0.01
    assert not s["time_limit_reached"]


def test_hall_that_fits_no_candidate_is_named_with_its_numbers():
    from test_site import site_data

    from optimizer.errors import InfeasibleError
    from optimizer.model.diagnose import explain_infeasible

    data = site_data(0.1)
    data.land.site.hall_acres_per_mw_it = 100.0  # 0.1 MW_IT -> 10 acres; candidates have 1
    with pytest.raises(InfeasibleError, match="footprint limits the design.*10 acres.*has 1 "):
        solve_with_gap(data, EXACT, explain_infeasible=lambda: explain_infeasible(data))


def test_land_is_not_blamed_when_land_suffices():
    from optimizer.model.diagnose import explain_infeasible

    data = _phs_case()
    data.phs = None  # no storage at all: nights cannot be served
    data.battery = BatteryData(0.1, 0.05, 0.81, enabled=False)
    text = explain_infeasible(data)
    assert "not for lack of land" in text and "Land limits" not in text


def _two_site_case():
    """Two reservoir sites in one dispatch group: S2 is cheap to develop but too small to carry
    a night, S1 big but dear. The LP relaxation buys the turbines at S2's fraction and the
    volume at S1's; only branching on the build pattern prices S1 in full."""
    from optimizer import units as u
    from optimizer.model.data import PumpedHydroData

    data = tiny_data(CF, target_pflops=100.0, max_mw=(2.0, 2.0))
    e = u.potential_energy_mwh_per_mm3(100.0)
    data.phs = PumpedHydroData(
        ids=["S1", "S2"],
        mwh_per_mm3=np.array([e, e]),
        max_active_mm3=np.array([5.0, 0.002]),
        fixed_musd=np.array([0.5, 0.01]),
        evap_per_h=np.array([0.0, 0.0]),
        reservoir_musd_per_mm3=1.0,
        pump_musd_per_mw=0.01,
        turbine_musd_per_mw=0.01,
        house_musd_per_mw=0.0,
        pump_eff=0.9,
        turbine_eff=0.9,
        min_level_fraction=0.0,
    )
    return data


def test_branching_on_reservoir_patterns_closes_the_gap():
    data = _two_site_case()
    direct = solve_with_gap(data, EXACT, method="direct")
    lp = solve_model(build_model(exact_steps(data)), EXACT, relax=True).objective
    r = solve_with_gap(data, SolveOptions(mip_rel_gap=1e-3))
    assert lp < direct.upper_bound * 0.95  # the relaxation alone is loose here
    assert r.upper_bound == pytest.approx(direct.upper_bound, rel=1e-3)
    assert r.lower_bound <= direct.upper_bound * (1 + 1e-9)
    assert r.gap <= 1e-3
    assert any(s["stage"].startswith("LP relaxation") and s["stage"].endswith(": S1 only")
               for s in r.stages)  # fmt: skip
    assert any(s["stage"].startswith("leaf design (S1 only") for s in r.stages)


def test_designs_fix_every_integer_decision_the_registry_names():
    """fix_design leaves no integer column free: the evaluated model is an LP."""
    from optimizer.model.registry import integer_decisions
    from optimizer.solve.design import fix_design

    data = exact_steps(_phs_case(fixed_musd=0.2))
    r = solve_with_gap(data, EXACT, method="direct")
    assert r.design is None  # the direct MILP
    m = build_model(data)
    solve_model(m, EXACT, relax=True)
    from optimizer.solve.design import round_design

    fix_design(m, round_design(m, data))
    for name, var in integer_decisions(m).items():
        assert all(var[i].fixed for i in var), name
