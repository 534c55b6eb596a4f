"""Backup generator: hand-checked break-even fuel price, a zero share equals no backup, and on
the embedded data a 10 % gas backup lowers the cost and stays within its share."""

import copy

import numpy as np
import pandas as pd
import pyomo.environ as pyo
import pytest
from test_site import site_data
from tiny import tiny_data

from optimizer.export.plots import flow_series
from optimizer.model.backup import BackupData
from optimizer.model.build import build_model
from optimizer.model.data import BatteryData
from optimizer.model.diagnose import explain_infeasible as data_check
from optimizer.model.registry import present
from optimizer.results.solution import dispatch_frame, extract_solution
from optimizer.results.verify import registered_net_mw, verify_solution
from optimizer.solve.highs import SolveOptions
from optimizer.solve.strategy import solve_with_gap

CF = [1.0, 1.0, 0.0, 0.0]  # sun in hours 0-1, night in hours 2-3; load L = 0.1 MW
BATTERY = BatteryData(energy_musd_per_mwh=0.1, power_musd_per_mw=0.05, round_trip_eff=0.81)
CAPEX, HEAT_RATE = 500.0, 10_000.0  # $/kW, Btu/kWh (10 MMBtu/MWh)


def _solve(fuel=None, share=0.5):
    """Share 0.5: the backup may serve the night (half the energy), never replace daytime PV."""
    data = tiny_data(CF, battery=BATTERY)
    if fuel is not None:
        data.parts["backup"] = BackupData("gas", CAPEX, HEAT_RATE, fuel, 0.0, 440.0, share)
    r = solve_with_gap(data, SolveOptions(mip_rel_gap=0), method="direct")
    return r.model, (r.data, data)  # the solved model's (merged-step) data and the hourly data


def break_even_fuel_usd_per_mmbtu() -> float:
    """By hand, per MW of night load [$M/MW]: the battery path needs PV to charge 2 h of night
    through 0.9 x 0.9 in 2 h of sun (1/0.81 MW_dc at 1 $M/MW), energy 2/0.9 MWh at 0.1 $M/MWh
    and power 1/0.81 MW at 0.05 $M/MW; the gas path c_G 1e-3 $M/MW plus A x 2 MWh/yr of fuel at
    HR/1000 x p $/MWh, A the present value of 1 $/yr over 30 years at 7 %."""
    battery = 1 / 0.81 + 0.1 * 2 / 0.9 + 0.05 / 0.81
    annuity = sum(1.07**-y for y in range(1, 31))
    usd_per_mwh = (battery - CAPEX * 1e-3) / (annuity * 2 * 1e-6)
    return usd_per_mwh / (HEAT_RATE / 1000)


def test_break_even_is_about_4104_usd_per_mmbtu():
    assert break_even_fuel_usd_per_mmbtu() == pytest.approx(4104.3, rel=1e-4)


def test_gas_wins_below_the_break_even_fuel_price_and_loses_above():
    p = break_even_fuel_usd_per_mmbtu()
    cheap, _ = _solve(fuel=0.98 * p)
    assert pyo.value(cheap.backup.mw) == pytest.approx(0.1, rel=1e-6)
    assert pyo.value(cheap.battery.energy_mwh) == pytest.approx(0.0, abs=1e-7)
    dear, _ = _solve(fuel=1.02 * p)
    assert pyo.value(dear.backup.mw) == pytest.approx(0.0, abs=1e-7)
    assert pyo.value(dear.battery.energy_mwh) == pytest.approx(0.2 / 0.9, rel=1e-6)


def test_the_check_counts_the_backup_as_supply():
    m, (steps, data) = _solve(fuel=0.5 * break_even_fuel_usd_per_mmbtu())
    sol = extract_solution(m, steps)
    frame = dispatch_frame(sol, data)
    assert frame["backup_mw"].tolist() == pytest.approx([0, 0, 0.1, 0.1])
    assert ("backup_mw", "Backup") in [s[:2] for s in flow_series(frame.columns)]  # dispatch.png
    assert registered_net_mw(sol, data).min() >= -1e-7
    assert sol.annual_usd["backup_fuel"] > 0
    bom = pd.DataFrame({"quantity": [1.0], "unit_cost_usd": [sol.total_cost_usd]})
    assert verify_solution(sol, data, bom).passed
    bad = copy.deepcopy(sol)
    bad.parts["backup"]["out_mw"] = np.zeros(data.hours)  # the night goes unpowered
    assert any("energy balance short" in f for f in verify_solution(bad, data, bom).failures)


def test_backup_is_off_without_its_data():
    m = build_model(tiny_data([1.0] * 4))
    assert not present(m, "backup") and m.component("backup") is None


def test_zero_share_equals_no_backup():
    with_zero, _ = _solve(fuel=1.0, share=0.0)
    without, _ = _solve()
    assert pyo.value(with_zero.total_cost) == pytest.approx(pyo.value(without.total_cost), 1e-9)
    assert sum(pyo.value(with_zero.backup.out_mw[t]) for t in with_zero.T) == pytest.approx(0.0)


def test_bounds_leave_room_for_the_backup_and_the_lifecycle_weights():
    """The incumbent bounds must not cut off a design that runs on the backup (PV may cover
    only 1 - share of the energy) nor, under lifecycle, one whose objective weights are < 1."""
    from dataclasses import replace

    from optimizer.model.bounds import min_facility_energy_mwh, objective_floor

    data = tiny_data(CF, battery=BATTERY)
    full = min_facility_energy_mwh(data)
    data.parts["backup"] = BackupData("gas", CAPEX, HEAT_RATE, 1.0, 0.0, 440.0, 0.5)
    assert min_facility_energy_mwh(data) == pytest.approx(0.5 * full)
    assert objective_floor(data) == 1.0
    lc = replace(data.lifecycle, objective="lifecycle")
    floor = objective_floor(replace(data, lifecycle=lc))
    assert 0 < floor <= max(lc.objective_factor("plant"), 1.0)
    m_cheap, _ = _solve(fuel=1.0)  # gas nearly free: the backup carries the night
    assert pyo.value(m_cheap.total_cost) > 0


@pytest.mark.slow
def test_gas_backup_at_ten_percent_lowers_the_embedded_cost():
    from optimizer.inputs.bundle import InputPaths
    from optimizer.pipeline import RunOptions, run_solve

    options = {"backup": "gas", "max_backup_share": 0.1}
    run = run_solve(InputPaths(), RunOptions(target_flops=1e21, components=options))
    assert run.check.passed
    (row,) = run.component_tables()["backup"].to_dict("records")
    assert row["share_fraction"] <= 0.1 + 1e-9
    assert run.solution.objective_usd < 17_377_616_507.0  # the embedded capex answer, no backup


def test_the_backup_options_are_checked_by_the_component():
    from optimizer.model.registry import option_problems

    assert option_problems({"backup": "gas", "max_backup_share": 0.5}) == []
    problems = option_problems({"backup": "coal", "max_backup_share": 1.5})
    assert [p.column for p in problems] == ["--backup", "--max-backup-share"]


def gas(share: float) -> BackupData:
    return BackupData("gas", 500.0, 10_000.0, 1e5, 0.0, 440.0, share)  # dear fuel: PV by day


def _words(data) -> str:
    """The message an infeasible solve raises (one line)."""
    from optimizer.errors import InfeasibleError
    from optimizer.solve.infeasibility import explain_infeasible

    with pytest.raises(InfeasibleError) as exc:
        solve_with_gap(data, SolveOptions(), explain_infeasible=lambda: explain_infeasible(data))
    return " ".join(str(exc.value).split())


NIGHT = [0, 0, 1, 1, 1, 1, 0, 0]  # 4 sunny hours, 4 dark hours (cyclic)


def test_backup_share_not_land():
    # no storage: the 4 dark hours are half the energy, the backup may give 30%
    data = tiny_data(NIGHT, target_pflops=100, battery=BatteryData(0.1, 0.05, 0.81, False))
    data.battery = None
    data.parts["backup"] = gas(0.3)
    text = _words(data)
    assert "The backup's share limits the design: the gas backup may supply at most 30%" in text
    assert "takes 50.0%" in text
    assert "Land limits" not in text and "not for lack of land" not in text


def test_backup_supply_is_counted_before_blaming_land():
    # PV on all land gives 0.5 MW, the load is 1 MW: the backup (60%) makes up the energy, so
    # the land suffices; the 10-acre hall on 1-acre candidates is what limits
    data = site_data(0.1)
    data.pv.cf[:] = 0.5
    data.compute.target_pflops = 1000.0
    data.land.site.hall_acres_per_mw_it = 10.0
    data.parts["backup"] = gas(0.6)
    text = _words(data)
    assert "The data hall's footprint limits the design" in text
    assert "Land limits" not in text
    assert "Land limits" not in data_check(data)  # the quick data check counts the backup too
