"""Lifecycle economics by hand: NPC factors, the cash flow, a one-component LCOE equal to the
capital recovery formula, and fixed O&M per unit (in the NPC, not in the capex objective)."""

import numpy as np
import pyomo.environ as pyo
import pytest
from tiny import tiny_data

from optimizer.model.lifecycle import LifecycleData, cash_flow, npc_usd
from optimizer.results.economics import economics
from optimizer.results.solution import extract_solution
from optimizer.solve.highs import SolveOptions
from optimizer.solve.strategy import solve_with_gap

R, N = 0.07, 30


def crf(r: float, n: int) -> float:
    """Capital recovery factor r (1+r)^n / ((1+r)^n - 1)."""
    return r * (1 + r) ** n / ((1 + r) ** n - 1)


def test_npc_factor_of_a_five_year_chip_refresh_and_a_forty_year_line():
    lc = LifecycleData("lifecycle", R, N, {"chips": 5, "lines": 40})
    assert lc.replacement_years("chips") == [5, 10, 15, 20, 25]
    assert lc.salvage_fraction("chips") == 0.0
    assert lc.npc_factor("chips") == pytest.approx(1 + sum(1.07**-y for y in (5, 10, 15, 20, 25)))
    # a 40-year line bought once; a quarter of its life is left at year 30
    assert lc.npc_factor("lines") == pytest.approx(1 - 0.25 * 1.07**-30)
    assert lc.crf == pytest.approx(crf(R, N))


def test_cash_flow_present_values_sum_to_the_npc():
    lc = LifecycleData("lifecycle", R, N, {"liion": 15, "pv": 32.5})
    cap = {"liion_energy": 100.0, "pv": 1000.0}
    classes = {"liion_energy": "liion", "pv": "pv"}
    annual = {"fuel": 10.0, "pv_fom": 17.0}
    flows = cash_flow(cap, annual, lc, classes, om={"pv_fom"})
    assert len(flows) == N + 1
    assert flows.loc[15, "replacements_usd"] == 100.0
    assert flows.loc[N, "salvage_usd"] == pytest.approx(-1000.0 * 2.5 / 32.5)
    assert (flows.loc[1:, "om_usd"] == 17.0).all() and (flows.loc[1:, "fuel_usd"] == 10.0).all()
    assert flows.loc[0, ["om_usd", "fuel_usd"]].tolist() == [0.0, 0.0]
    assert flows["present_value_usd"].sum() == pytest.approx(npc_usd(cap, annual, lc, classes))


def test_one_component_lcoe_is_the_capital_recovery_formula():
    # flat sun cf 1, 100 chips x 1 kW = 0.1 MW: PV 0.1 MW_dc at 1 $M/MW_dc is the only energy
    # cost (free land); IT energy 0.1 MW x 4 h a "year". LCOE = CRF x 1e5 $ / 0.4 MWh.
    data = tiny_data([1.0] * 4, prices_musd=(0.0, 0.0))
    r = solve_with_gap(data, SolveOptions(mip_rel_gap=0), method="direct")
    sol = extract_solution(r.model, r.data)
    econ = economics(sol, data, np.ones(data.hours), 100e15)
    assert econ.lcoe_usd_per_mwh == pytest.approx(crf(R, N) * 1e5 / 0.4, rel=1e-9)
    assert econ.annualised_usd_per_yr == pytest.approx(crf(R, N) * (1e5 + 1e6), rel=1e-9)
    assert econ.usd_per_pflop_hour == pytest.approx(econ.annualised_usd_per_yr / (100 * 8760))


def test_lifecycle_objective_weights_the_chip_refresh():
    data = tiny_data([1.0] * 4, prices_musd=(0.0, 0.0))
    data.lifecycle = LifecycleData("lifecycle", R, N, {"chips": 5})
    r = solve_with_gap(data, SolveOptions(mip_rel_gap=0), method="direct")
    factor = 1 + sum(1.07**-y for y in (5, 10, 15, 20, 25))
    assert pyo.value(r.model.total_cost) == pytest.approx(1.0 * factor + 0.1, rel=1e-9)


def test_capex_liion_purchases_are_not_counted_twice_in_the_npc():
    from optimizer.model.data import BatteryData

    bat = BatteryData(0.1, 0.05, 0.81, purchases=2)  # capex: the replacement is in the capital
    data = tiny_data([1.0, 1.0, 0.0, 0.0], battery=bat, prices_musd=(0.0, 0.0))
    data.lifecycle = LifecycleData("capex", R, N, {"liion": 15})
    r = solve_with_gap(data, SolveOptions(mip_rel_gap=0), method="direct")
    sol = extract_solution(r.model, r.data)
    econ = economics(sol, data, np.ones(data.hours), 100e15)
    liion = sol.costs_usd["liion_energy"] + sol.costs_usd["liion_power"]
    assert liion > 0
    rest = sum(v for n, v in sol.costs_usd.items() if not n.startswith("liion"))
    assert econ.npc_usd == pytest.approx(rest + liion / 2 * (1 + 1.07**-15), rel=1e-9)


def test_pv_fixed_om_per_kw_is_in_the_npc_and_not_in_the_capex_objective():
    # the one-component case above with PV fixed O&M 17 $/kW_dc-yr (0.017 $M/MW_dc-yr): the
    # design and the capex objective are unchanged; the NPC adds A x 0.1 MW x 17,000 $/MW-yr
    data = tiny_data([1.0] * 4, prices_musd=(0.0, 0.0))
    data.pv.fom_musd_per_mw_dc_yr = 0.017
    r = solve_with_gap(data, SolveOptions(mip_rel_gap=0), method="direct")
    assert pyo.value(r.model.total_cost) == pytest.approx(0.1 + 1.0, rel=1e-9)
    sol = extract_solution(r.model, r.data)
    assert sol.annual_usd == pytest.approx({"pv_fom": 0.1 * 17_000.0})
    econ = economics(sol, data, np.ones(data.hours), 100e15)
    annuity = 1 / crf(R, N)
    assert econ.npc_usd == pytest.approx(1e5 + 1e6 + annuity * 1700.0, rel=1e-9)
    assert econ.lcoe_usd_per_mwh == pytest.approx((crf(R, N) * 1e5 + 1700.0) / 0.4, rel=1e-9)
    assert econ.cash_flow.loc[1, "om_usd"] == pytest.approx(1700.0)


def test_lifecycle_objective_counts_the_fixed_om():
    data = tiny_data([1.0] * 4, prices_musd=(0.0, 0.0))
    data.pv.fom_musd_per_mw_dc_yr = 0.017
    data.lifecycle = LifecycleData("lifecycle", R, N, {"pv": 30, "chips": 30})
    r = solve_with_gap(data, SolveOptions(mip_rel_gap=0), method="direct")
    annuity = 1 / crf(R, N)
    assert pyo.value(r.model.total_cost) == pytest.approx(1.1 + annuity * 0.0017, rel=1e-9)


def test_a_price_table_of_an_earlier_version_with_o_and_m_as_a_share_still_reads(tmp_path):
    from optimizer.inputs.prices import load_prices

    path = tmp_path / "prices.csv"
    path.write_text("key,value,unit,source,year\nfom_pv_per_yr,0.0158,1/yr,old,2020\n")
    prices, problems = load_prices(path)
    assert not problems and "fom_pv_per_yr" not in prices
    assert prices.value("pv_fom_usd_per_kw_dc_yr") == 17.0
