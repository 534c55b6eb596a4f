"""Independent check of a solution, in numpy, without the solver or Pyomo.

Replays every hour: PV available from the parcels' capacities and the profiles, the facility
load from the chip counts, storage levels re-simulated from the charge/discharge flows with the
technologies' efficiencies and losses (cyclic), every power and energy limit; recomputes the
installed FLOPS in raw FLOPS and the total cost from the BOM lines. The hourly balance adds the
supply minus demand of every registry component with check hooks, and each component checks its
own limits. Any failure is listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from optimizer import units as u
from optimizer.model.data import ModelData
from optimizer.model.lifecycle import objective_usd
from optimizer.model.registry import COMPONENTS, life_class
from optimizer.resource.profiles import haversine_km
from optimizer.results.solution import (
    Solution,
    StorageUnit,
    facility_load_mw,
    profile_capacity_mw_dc,
)

COST_REL_TOL = 1e-3  # BOM total vs solver objective
ABS_TOL_MW = 1e-4


@dataclass
class CheckReport:
    """Outcome of :func:`verify_solution`; ``failures`` empty means the solution passed."""

    failures: list[str] = field(default_factory=list)
    figures: dict = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        """True when every check held."""
        return not self.failures


def _tol(scale: float) -> float:
    return ABS_TOL_MW + 1e-6 * abs(scale)


def replay_levels(unit: StorageUnit, dt_h: float = 1.0) -> np.ndarray:
    """Re-simulate a storage level from its flows, starting from the final level (cyclic) [MWh].

    .. math:: L_t = L_{t-1} + \\Delta t (\\eta_{in} Q^{in}_t - Q^{out}_t / \\eta_{out} - \\lambda)
    """
    net = dt_h * (
        unit.eff_in * unit.charge_mw - unit.discharge_mw / unit.eff_out - unit.loss_mwh_per_h
    )
    return unit.level_mwh[-1] + np.cumsum(net)


def _check_storage(unit: StorageUnit, report: CheckReport, dt_h: float) -> None:
    lvl = replay_levels(unit, dt_h)
    tol = _tol(unit.energy_mwh)
    if abs(lvl[-1] - unit.level_mwh[-1]) > 1e-6 * max(unit.energy_mwh, 1.0) + 1e-3:
        report.failures.append(
            f"{unit.name}: level not cyclic (end {lvl[-1]:.3f} MWh vs start "
            f"{unit.level_mwh[-1]:.3f} MWh)"
        )
    if lvl.min() < -tol or lvl.max() > unit.energy_mwh + tol:
        report.failures.append(
            f"{unit.name}: replayed level leaves [0, {unit.energy_mwh:.1f}] MWh "
            f"(min {lvl.min():.3f}, max {lvl.max():.3f})"
        )
    for name, flow, cap in (
        ("charge", unit.charge_mw, unit.charge_cap_mw),
        ("discharge", unit.discharge_mw, unit.discharge_cap_mw),
    ):
        if flow.min() < -ABS_TOL_MW or flow.max() > cap + _tol(cap):
            report.failures.append(
                f"{unit.name}: {name} outside [0, {cap:.2f}] MW (max {flow.max():.3f})"
            )
    report.figures[f"{unit.name} max level deviation [MWh]"] = float(
        np.abs(lvl - unit.level_mwh).max()
    )


def _pv_available_mw(sol: Solution, data: ModelData) -> np.ndarray:
    return data.pv.cf.T @ profile_capacity_mw_dc(sol, data)


def _check_balance(sol: Solution, data: ModelData, report: CheckReport) -> None:
    pv = _pv_available_mw(sol, data)
    load = facility_load_mw(sol, data)
    net = sum((unit.discharge_mw - unit.charge_mw for unit in sol.storage), np.zeros(data.hours))
    unserved = sol.unserved_mw if sol.unserved_mw is not None else np.zeros(data.hours)
    short = load - (pv + net + unserved + registered_net_mw(sol, data))
    hours = np.arange(data.hours)
    if data.compute.mode == "peak":
        hours = np.array([int(np.argmax(data.pv.cf.mean(axis=0)))])
    bad = hours[short[hours] > _tol(load.max())]
    if bad.size:
        report.failures.append(
            f"energy balance short in {bad.size} hours (worst {short.max():.4f}"
            f" MW at hour {int(np.argmax(short))})"
        )
    if sol.unserved_mw is not None:
        _check_unserved(unserved, load, data, report)
    report.figures["worst hourly shortfall [MW]"] = float(max(short[hours].max(), 0.0))
    report.figures["peak load [MW]"] = float(load.max())


def registered_net_mw(sol: Solution, data: ModelData) -> np.ndarray:
    """Hourly supply minus demand [MW] of the registry components with check hooks
    (``supply_mw``/``demand_mw`` of :class:`~optimizer.model.registry.Component`)."""
    net = np.zeros(data.hours)
    for c in COMPONENTS:
        part = sol.parts.get(c.name)
        if part is None:
            continue
        if c.supply_mw is not None:
            net += c.supply_mw(part, data)
        if c.demand_mw is not None:
            net -= c.demand_mw(part, data)
    return net


def _check_components(sol: Solution, data: ModelData, report: CheckReport) -> None:
    """Each registry component's own limits (its ``check`` hook)."""
    for c in COMPONENTS:
        if c.check is not None and c.name in sol.parts:
            c.check(sol.parts[c.name], sol, data, report.failures)


def _check_costs(sol: Solution, data: ModelData, bom: pd.DataFrame, report: CheckReport) -> None:
    """BOM total = the model's capital terms; the objective recomputed from the terms with the
    lifecycle factors (:func:`optimizer.model.lifecycle.objective_usd`) = the solver's."""
    bom_total = float((bom["quantity"] * bom["unit_cost_usd"]).sum())
    report.figures["bom_total_usd"] = bom_total
    report.figures["solver_objective_usd"] = sol.objective_usd
    rel = abs(bom_total - sol.total_cost_usd) / max(abs(bom_total), 1.0)
    report.figures["bom_vs_objective_rel_diff"] = rel
    if rel > COST_REL_TOL:
        report.failures.append(
            f"BOM total ${bom_total:,.0f} differs from the model's capital cost "
            f"${sol.total_cost_usd:,.0f} by {100 * rel:.3f}% (> 0.1%)"
        )
    classes = {n: life_class(n) for n in sol.costs_usd}
    again = objective_usd(sol.costs_usd, sol.annual_usd, data.lifecycle, classes)
    rel = abs(again - sol.objective_usd) / max(abs(again), 1.0)
    if rel > COST_REL_TOL:
        report.failures.append(
            f"objective recomputed from the cost terms ${again:,.0f} differs from the "
            f"solver's ${sol.objective_usd:,.0f} by {100 * rel:.3f}% (> 0.1%)"
        )


def _check_unserved(unserved, load, data: ModelData, report: CheckReport) -> None:
    if unserved.min() < -ABS_TOL_MW or (unserved > load + _tol(load.max())).any():
        report.failures.append("unserved power outside [0, load] in some hour")
    allowed = data.compute.max_unserved * load.sum()
    if unserved.sum() > allowed + _tol(allowed):
        report.failures.append(
            f"unserved compute energy {unserved.sum():.3f} MWh exceeds the allowed "
            f"{allowed:.3f} MWh ({100 * data.compute.max_unserved:g}% of the year)"
        )
    report.figures["hours with unserved compute"] = int((unserved > ABS_TOL_MW).sum())


def served_fraction(sol: Solution, data: ModelData) -> np.ndarray:
    """Fraction of the installed chips that can run in each hour [-].

    ``sustained``: 1 minus the unserved share; ``peak``: what PV alone can power (no storage in
    that mode); ``average``: running over installed IT power.
    """
    load = facility_load_mw(sol, data)
    if data.compute.mode == "peak":
        full = data.compute.pue * float(data.compute.it_mw_per_chip @ sol.chip_count)
        return np.clip(_pv_available_mw(sol, data) / max(full, 1e-12), 0.0, 1.0)
    if sol.unserved_mw is not None:
        return 1.0 - sol.unserved_mw / np.maximum(load, 1e-12)
    return np.ones(data.hours)


def _check_land(sol: Solution, data: ModelData, report: CheckReport) -> None:
    limit = data.land.buildable_acres * data.land.mw_dc_per_acre * sol.parcel_selected
    over = sol.parcel_mw_dc - limit
    if (
        over.max(initial=0.0) > _tol(limit.max(initial=0.0))
        or sol.parcel_mw_dc.min(initial=0) < -1e-6
    ):
        i = int(np.argmax(over))
        report.failures.append(
            f"parcel {data.land.ids[i]}: PV {sol.parcel_mw_dc[i]:.3f} MW_dc "
            f"exceeds its limit {limit[i]:.3f} MW_dc"
        )


def _check_site(sol: Solution, data: ModelData, report: CheckReport) -> None:
    """Site chosen once on a bought parcel; the hall on its campus (:func:`_check_hall`);
    distance and cluster limits.

    Distances are recomputed here from the centroids (great circle), not read from the model.
    """
    s, site = data.land.site, sol.meta.get("site")
    if s is None:
        return
    if site is None or not np.allclose(site.choose, np.round(site.choose), atol=1e-6):
        report.failures.append("compute site: no integral site choice in the solution")
        return
    if int(np.round(site.choose).sum()) != 1:
        report.failures.append(f"compute site chosen {int(np.round(site.choose).sum())} times")
    p, land = site.parcel, data.land
    if not sol.parcel_selected[p]:
        report.failures.append(f"compute site {land.ids[p]} is on a parcel not bought")
    _check_hall(sol, data, site, report)
    lat0, lon0 = s.parcel_lat[p], s.parcel_lon[p]
    dist = haversine_km(s.parcel_lat, s.parcel_lon, lat0, lon0)
    far = sol.parcel_selected & (dist > s.max_distance_km * (1 + 1e-9))
    res_far = (
        sol.phs_built
        & (haversine_km(s.reservoir_lat, s.reservoir_lon, lat0, lon0) > s.max_distance_km)
        if len(s.reservoir_lat) and len(sol.phs_built)
        else np.zeros(0, bool)
    )
    if far.any() or res_far.any():
        report.failures.append(
            f"{int(far.sum())} parcels and {int(res_far.sum())} reservoirs lie beyond "
            f"--max-distance-km {s.max_distance_km:g} of the compute site"
        )
    report.figures["farthest bought parcel from the site [km]"] = float(
        dist[sol.parcel_selected].max(initial=0.0)
    )
    groups = len(np.unique(s.cluster[sol.parcel_selected]))
    report.figures["parcel clusters bought"] = groups
    if s.max_clusters is not None and groups > s.max_clusters:
        report.failures.append(f"{groups} parcel clusters bought (> --max-sites {s.max_clusters})")
    _check_reservoir_lines(sol, data, site, report)


def _check_hall(sol: Solution, data: ModelData, site, report: CheckReport) -> None:
    """Hall acres = :math:`\\alpha IT`, only on parcels of the chosen site's campus, each of
    them bought, and PV + hall within every parcel's buildable acres."""
    s, land = data.land.site, data.land
    it_mw = float(data.compute.it_mw_per_chip @ sol.chip_count)
    need = s.hall_acres_per_mw_it * it_mw
    hall = site.hall_per_parcel(len(land.ids))
    report.figures["data hall acres"] = need
    report.figures["data hall parcels"] = int((hall > 1e-6).sum())
    if abs(hall.sum() - need) > 1e-6 * max(need, 1.0) + 1e-6:
        report.failures.append(f"data hall {hall.sum():.2f} acres, but {need:.2f} acres needed")
    outside = np.setdiff1d(np.flatnonzero(hall > 1e-6), s.campus_of(site.site))
    if len(outside):
        report.failures.append(
            f"data hall on {len(outside)} parcels outside the campus of site "
            f"{land.ids[site.parcel]}: {', '.join(land.ids[q] for q in outside[:5])}"
        )
    for q in np.flatnonzero((hall > 1e-6) & ~sol.parcel_selected):
        if q != site.parcel:  # reported above
            report.failures.append(f"data hall on parcel {land.ids[q]}, which is not bought")
    pv = sol.parcel_mw_dc / land.mw_dc_per_acre
    for q in np.flatnonzero((hall > 1e-6) & (pv + hall > land.buildable_acres + 1e-4)):
        report.failures.append(
            f"parcel {land.ids[q]}: hall {hall[q]:.2f} acres + PV {pv[q]:.2f} acres exceed "
            f"its {land.buildable_acres[q]:.2f} buildable acres"
        )


def _check_reservoir_lines(sol: Solution, data: ModelData, site, report: CheckReport) -> None:
    if data.phs is None or not len(sol.phs_group_power_mw):
        return
    for r in np.flatnonzero(sol.phs_built):
        pump, turbine = (float(x) for x in sol.phs_group_power_mw[int(data.phs.group[r])][:2])
        need = max(pump, turbine)  # the pumps' draw one way, the turbines' output the other
        if site.reservoir_line_mw[r] < need - _tol(need):
            report.failures.append(
                f"reservoir {data.phs.ids[r]}: line {site.reservoir_line_mw[r]:.2f} MW < "
                f"its largest flow {need:.2f} MW (pumps {pump:.2f} MW, turbines {turbine:.2f} MW)"
            )


def _check_target(sol: Solution, data: ModelData, report: CheckReport) -> None:
    d = data.compute
    installed = float(
        sum(
            int(n) * p * u.FLOPS_PER_PFLOPS
            for n, p in zip(sol.chip_count, d.pflops_per_chip, strict=True)
        )
    )
    target = d.target_pflops * u.FLOPS_PER_PFLOPS
    report.figures["installed_flops"] = installed
    if sol.running_chips is not None:
        if (sol.running_chips > sol.chip_count[:, None] + 1e-6).any():
            report.failures.append("more chips running than installed in some hour")
        delivered = float((d.pflops_per_chip @ sol.running_chips).mean()) * u.FLOPS_PER_PFLOPS
        meets = delivered >= target * (1 - 1e-6)
    else:
        delivered = installed * float(served_fraction(sol, data).mean())
        meets = installed >= target * (1 - 1e-9)
    report.figures["average_delivered_flops"] = delivered
    if (sol.chip_count > d.max_count + 1e-9).any():
        report.failures.append("a chip count exceeds its max_count")
    if not meets:
        what = "average delivered" if sol.running_chips is not None else "installed"
        value = delivered if sol.running_chips is not None else installed
        report.failures.append(f"target not met: {what} {value:.6g} FLOPS < {target:.6g} FLOPS")


def verify_solution(sol: Solution, data: ModelData, bom: pd.DataFrame) -> CheckReport:
    """Run every check; see the module docstring."""
    report = CheckReport()
    _check_target(sol, data, report)
    _check_land(sol, data, report)
    _check_site(sol, data, report)
    _check_balance(sol, data, report)
    for unit in sol.storage:
        _check_storage(unit, report, 1.0)
    _check_components(sol, data, report)
    _check_costs(sol, data, bom, report)
    return report
