"""Pumped hydro: per candidate site, build (binary) and active volume; power per dispatch group.

Energy content of the active volume :math:`V_s` [Mm3] at head :math:`h_s` [m]:

.. math:: E_s = \\rho g h_s V_s \\cdot 10^6 / 3.6\\cdot 10^9 \\;[MWh],\\quad V_s \\le \\bar V_s b_s

Sites with the same efficiencies and evaporation rate form one dispatch group g with
:math:`E_g = \\sum_{s \\in g} E_s`, pump power :math:`P^{in}_g` and turbine power
:math:`P^{out}_g`. This is exact, not an approximation: power costs are the same per MW at every
site, so any optimal design can give site s the share :math:`E_s / E_g` of the group's power and
hourly flows, and every site then follows the group's level in proportion.

Level :math:`L` is stored potential energy; pumping stores :math:`\\eta_p Q^{in}`, generating
delivers :math:`\\eta_t` of what it draws (see :mod:`optimizer.model.storage`). Evaporation
removes :math:`\\lambda_g E_g / (1 - m)` per hour (rate [m/h] / mean depth [m] over the full pool,
dead pool share :math:`m` included). Pump, turbine and powerhouse power are tied to the build
binaries of their group with the bounds of :mod:`optimizer.model.bounds`
(:math:`P \\le \\bar P \\sum_{s \\in g} b_s`), the volume with
:math:`V_s \\le \\min(\\bar V_s, \\hat V_s) b_s`. Costs [$M]: reservoir per m3 of total volume
:math:`V_s / (1 - m)`, pump and turbine per MW, powerhouse + contingency per MW of
:math:`H_g \\ge P^{in}_g, P^{out}_g`, fixed development cost :math:`F_s b_s`. O&M [$M/yr]
(in the net present cost only): fixed :math:`o \\sum_g H_g` (``phs_fom``) and variable
:math:`v \\sum_{g,t} w_t Q^{out}_{g,t}` on the turbines' energy (``phs_vom``).
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from optimizer import units as u
from optimizer.model.component import BOUND_SLACK, BoundContext, solved_value
from optimizer.model.data import ModelData
from optimizer.model.storage import StorageUnit, add_dispatch, unit_flows


def add_pumped_hydro(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Add block ``m.phs`` (nothing when there are no candidate sites)."""
    d = data.phs
    if d is None or not d.ids:
        return
    b = m.phs = pyo.Block()
    b.S = pyo.RangeSet(0, len(d.ids) - 1)
    b.U = pyo.RangeSet(0, d.n_groups - 1)
    b.build = pyo.Var(b.S, domain=pyo.Binary)
    bd = m.bounds
    vmax = np.minimum(d.max_active_mm3, bd.phs_volume_mm3)
    b.volume_mm3 = pyo.Var(b.S, domain=pyo.NonNegativeReals, bounds=lambda _, s: (0, vmax[s]))
    b.volume_limit = pyo.Constraint(b.S, rule=lambda b, s: b.volume_mm3[s] <= vmax[s] * b.build[s])
    b.site_energy_mwh = pyo.Expression(
        b.S, rule=lambda b, s: float(d.mwh_per_mm3[s]) * b.volume_mm3[s]
    )
    members = {g: np.flatnonzero(d.group == g).tolist() for g in b.U}
    b.energy_mwh = pyo.Expression(
        b.U, rule=lambda b, g: sum(b.site_energy_mwh[s] for s in members[g])
    )
    b.pump_mw = pyo.Var(b.U, domain=pyo.NonNegativeReals)
    b.turbine_mw = pyo.Var(b.U, domain=pyo.NonNegativeReals)
    b.house_mw = pyo.Var(b.U, domain=pyo.NonNegativeReals)
    b.house_pump = pyo.Constraint(b.U, rule=lambda b, g: b.house_mw[g] >= b.pump_mw[g])
    b.house_turbine = pyo.Constraint(b.U, rule=lambda b, g: b.house_mw[g] >= b.turbine_mw[g])
    _tie_power(b, members, bd)
    full = 1.0 / (1.0 - d.min_level_fraction)
    loss = {g: float(d.evap_per_h[members[g][0]]) * full for g in b.U}
    add_dispatch(
        m,
        b,
        charge_cap=lambda g: b.pump_mw[g],
        discharge_cap=lambda g: b.turbine_mw[g],
        energy_cap=lambda g: b.energy_mwh[g],
        eff_in=lambda g: d.pump_eff,
        eff_out=lambda g: d.turbine_eff,
        loss_mwh_per_h=lambda g: loss[g] * b.energy_mwh[g],
    )
    m.costs["phs_reservoir"] = d.reservoir_musd_per_mm3 * full * sum(b.volume_mm3[s] for s in b.S)
    m.costs["phs_pump"] = d.pump_musd_per_mw * sum(b.pump_mw[g] for g in b.U)
    m.costs["phs_turbine"] = d.turbine_musd_per_mw * sum(b.turbine_mw[g] for g in b.U)
    m.costs["phs_powerhouse"] = d.house_musd_per_mw * sum(b.house_mw[g] for g in b.U)
    m.costs["phs_fixed"] = sum(float(d.fixed_musd[s]) * b.build[s] for s in b.S)
    if d.fom_musd_per_mw_yr > 0:
        m.annual_costs["phs_fom"] = d.fom_musd_per_mw_yr * sum(b.house_mw[g] for g in b.U)
    if d.vom_musd_per_mwh > 0:
        m.annual_costs["phs_vom"] = d.vom_musd_per_mwh * sum(
            m.step_h[t] * b.discharge_mw[g, t] for g in b.U for t in m.T
        )


def _tie_power(b: pyo.Block, members: dict, bd) -> None:
    """Pump, turbine and powerhouse power exist only where a member site is built:
    :math:`P^{in}_g \\le \\bar P^{in}_g \\sum_{s \\in g} b_s`, likewise :math:`P^{out}_g` and
    :math:`H_g \\le \\max(\\bar P^{in}_g, \\bar P^{out}_g) \\sum_{s \\in g} b_s`."""
    pump, turb = bd.phs_pump_mw, bd.phs_turbine_mw
    built = {g: sum(b.build[s] for s in members[g]) for g in b.U}
    b.pump_tie = pyo.Constraint(b.U, rule=lambda b, g: b.pump_mw[g] <= float(pump[g]) * built[g])
    b.turbine_tie = pyo.Constraint(
        b.U, rule=lambda b, g: b.turbine_mw[g] <= float(turb[g]) * built[g]
    )
    b.house_tie = pyo.Constraint(
        b.U, rule=lambda b, g: b.house_mw[g] <= float(max(pump[g], turb[g])) * built[g]
    )


# --- results: sites built, group powers and hourly flows; the check, BOM and Storage rows ---


def extract_pumped_hydro(m: pyo.ConcreteModel, data: ModelData) -> dict:
    """Per site (order of ``data.phs.ids``): ``built`` and active ``volume_m3`` [m3]; per
    dispatch group ``group_power_mw`` (pump, turbine, powerhouse [MW]) and one
    :class:`~optimizer.model.storage.StorageUnit` in ``storage``."""

    d, b = data.phs, m.phs
    full = 1.0 / (1.0 - d.min_level_fraction)
    units = []
    for g in b.U:
        first = int(np.flatnonzero(d.group == g)[0])
        energy = solved_value(b.energy_mwh[g])
        ch, dis, lvl = unit_flows(m, b, g, data)
        loss = float(d.evap_per_h[first]) * full * energy
        pump, turbine = solved_value(b.pump_mw[g]), solved_value(b.turbine_mw[g])
        units.append(StorageUnit(f"pumped hydro group {g + 1}", "phs", d.pump_eff, d.turbine_eff,
                                 loss, energy, pump, turbine, ch, dis, lvl))  # fmt: skip
    power = [[solved_value(x[g]) for x in (b.pump_mw, b.turbine_mw, b.house_mw)] for g in b.U]
    return {
        "built": np.array([solved_value(b.build[s]) > 0.5 for s in b.S]),
        "volume_m3": np.array([solved_value(b.volume_mm3[s]) * u.M3_PER_MM3 for s in b.S]),
        "group_power_mw": np.array(power).reshape(-1, 3),
        "storage": units,
    }


def phs_site_energy_mwh(sol, data: ModelData) -> np.ndarray:
    """Stored (potential) energy of each pumped-hydro site [MWh]: rho g h V."""

    return sol.phs_volume_m3 / u.M3_PER_MM3 * data.phs.mwh_per_mm3


def phs_site_power_mw(sol, data: ModelData) -> np.ndarray:
    """Pump, turbine and powerhouse power of each site [MW], shape (sites, 3).

    A dispatch group's power is split among its sites in proportion to their energy (the split
    that makes the grouped dispatch exact, see the module docstring).
    """
    energy = phs_site_energy_mwh(sol, data)
    group_energy = np.bincount(data.phs.group, weights=energy, minlength=data.phs.n_groups)
    denom = group_energy[data.phs.group]
    share = np.divide(energy, denom, out=np.zeros_like(energy), where=denom > 0)
    if not len(sol.phs_group_power_mw):
        return np.zeros((len(energy), 3))
    return sol.phs_group_power_mw[data.phs.group] * share[:, None]


def phs_bom(b, part: dict, sol, data: ModelData) -> None:
    """Per built site: reservoir (total volume, dead pool included), pumps, turbines,
    powerhouse and contingency (per kW of the larger of pump and turbine power), and the
    site's fixed development cost from the reservoirs table."""

    res = b.inputs.reservoirs.reset_index(drop=True)
    full = 1.0 / (1.0 - data.phs.min_level_fraction)
    site_kw = phs_site_power_mw(sol, data) * u.KW_PER_MW
    for s in np.flatnonzero(part["built"]):
        row = res.iloc[s]
        pump, turb, house = site_kw[s]
        site = f"{row['site_id']}"
        b.price("Pumped hydro", f"{site} reservoir (total volume incl. dead pool)",
                part["volume_m3"][s] * full, "phs_reservoir_usd_per_m3")  # fmt: skip
        b.price("Pumped hydro", f"{site} pumps", pump, "phs_pump_usd_per_kw")
        b.price("Pumped hydro", f"{site} turbines", turb, "phs_turbine_usd_per_kw")
        b.price("Pumped hydro", f"{site} powerhouse", house, "phs_powerhouse_usd_per_kw")
        b.price("Pumped hydro", f"{site} contingency", house, "phs_contingency_usd_per_kw")
        if row["fixed_cost_usd"] > 0:
            b.raw("Pumped hydro", f"{site} site development (fixed)", 1, "site",
                  float(row["fixed_cost_usd"]), f"reservoirs:{site}", row["source"],
                  row["year"])  # fmt: skip


def phs_table(part: dict | None, run):
    """Storage sheet rows: every candidate site, built or not, with its sizes and its line to
    the compute site (rating [MW], length [km]); None without candidate sites."""
    import pandas as pd

    d, sol, data = run.data.phs, run.solution, run.data
    if d is None:
        return None
    res = run.inputs.reservoirs.reset_index(drop=True)
    n = len(d.ids)
    built = part["built"] if part is not None else np.zeros(n, bool)
    volume = part["volume_m3"] if part is not None else np.zeros(n)
    e = phs_site_energy_mwh(sol, data) if part is not None else np.zeros(n)
    power = phs_site_power_mw(sol, data) if part is not None else np.zeros((n, 3))
    site = sol.site
    line_mw = site.reservoir_line_mw if site is not None else np.zeros(n)
    km = data.land.site.reservoir_site_km[:, site.site] if site is not None else np.zeros(n)
    rows = [{
        "technology": "pumped hydro", "site_id": sid, "name": res.loc[s, "name"],
        "built": bool(built[s]), "head_m": res.loc[s, "head_m"],
        "max_volume_m3": res.loc[s, "max_volume_m3"], "active_volume_m3": volume[s],
        "stored_energy_mwh": e[s], "deliverable_energy_mwh": e[s] * d.turbine_eff,
        "charge_mw": power[s, 0], "discharge_mw": power[s, 1],  # pump, turbine
        # rated for the larger flow: the pumps' draw or the turbines' output
        "line_mw": float(line_mw[s]) if built[s] else 0.0,
        "line_km": float(km[s]) if built[s] else 0.0,
    } for s, sid in enumerate(d.ids)]  # fmt: skip
    return pd.DataFrame(rows)


def phs_bounds(data: ModelData, ctx: BoundContext) -> dict:
    r"""Big-M's of the optional reservoir builds [Mm3, MW] (``Component.bounds``).

    - ``volume_mm3`` per site: its active volume, and with a budget what the storage budget
      buys after the site's fixed cost, :math:`(B_s - F_s) / (c_V / (1 - \ell))`;
    - ``pump_mw`` per dispatch group: the most any step can charge with
      (``ctx.supply_mw``: pumping more than the supply has no source; an assumption, not a
      proof, that no storage charges from another's discharge in the same step), and with a
      budget :math:`(B - \min_g F) / (c_{pump} + c_{house})`;
    - ``turbine_mw`` per group: the facility load (generating beyond it has no sink), and with
      a budget :math:`(B - \min_g F) / (c_{turb} + c_{house})`.

    Each with :data:`~optimizer.model.component.BOUND_SLACK`; ``B`` the storage budget of
    :class:`~optimizer.model.component.BoundContext` (every other cost term non-negative).
    """
    p, budget = data.phs, ctx.storage_budget_musd
    if p is None or not p.ids:
        return {"volume_mm3": np.zeros(0), "pump_mw": np.zeros(0), "turbine_mw": np.zeros(0)}
    full = 1.0 / (1.0 - p.min_level_fraction)
    vol = np.asarray(p.max_active_mm3, float).copy()
    if np.isfinite(budget) and p.reservoir_musd_per_mm3 > 0:
        afford = np.maximum(budget - p.fixed_musd, 0.0) / (p.reservoir_musd_per_mm3 * full)
        vol = np.minimum(vol, afford * (1 + BOUND_SLACK))
    pump_cost = p.pump_musd_per_mw + p.house_musd_per_mw
    turb_cost = p.turbine_musd_per_mw + p.house_musd_per_mw
    pump = np.full(p.n_groups, ctx.supply_mw)
    turb = np.full(p.n_groups, ctx.facility_mw)
    if np.isfinite(budget):
        cheapest_fixed = np.array([p.fixed_musd[p.group == g].min() for g in range(p.n_groups)])
        left = np.maximum(budget - cheapest_fixed, 0.0)
        if pump_cost > 0:
            pump = np.minimum(pump, left / pump_cost)
        if turb_cost > 0:
            turb = np.minimum(turb, left / turb_cost)
    return {"volume_mm3": vol, "pump_mw": pump * (1 + BOUND_SLACK),
            "turbine_mw": turb * (1 + BOUND_SLACK)}  # fmt: skip
