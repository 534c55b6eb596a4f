"""Independent check of a solution, in numpy, without the solver or Pyomo.

Every registry component checks its own limits (its ``check`` hook: PV within each parcel's
area, the target in raw FLOPS, storage levels re-simulated from the charge/discharge flows with
the technologies' efficiencies and losses, cyclic, every power and energy limit...). Then the
hourly balance: the supply of every component (PV available, storage discharge, unserved
compute, a backup's output) minus the demand of every component (the facility load from the
chip counts, storage charge) must be >= 0 in every hour; and the total cost recomputed from
the BOM lines. Any failure is listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from optimizer.model.component import tol_mw
from optimizer.model.compute import served_fraction
from optimizer.model.data import ModelData
from optimizer.model.lifecycle import objective_usd
from optimizer.model.registry import COMPONENTS, life_class, om_terms
from optimizer.model.storage import replay_levels
from optimizer.resource.profiles import haversine_km
from optimizer.results.solution import Solution, facility_load_mw, hourly_flows

__all__ = ["CheckReport", "registered_net_mw", "replay_levels", "served_fraction",
           "verify_solution"]  # fmt: skip

COST_REL_TOL = 1e-3  # BOM total vs solver objective


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
    return tol_mw(scale)


def registered_net_mw(sol: Solution, data: ModelData) -> np.ndarray:
    """Hourly supply minus demand [MW] of every registry component in the solution
    (``supply_mw``/``demand_mw`` of :class:`~optimizer.model.registry.Component`)."""
    return sum((s - d for s, d in hourly_flows(sol, data).values()), np.zeros(data.hours))


def _check_balance(sol: Solution, data: ModelData, report: CheckReport) -> None:
    """Supply >= demand in every hour (``peak`` mode: in the best PV hour only)."""
    load = facility_load_mw(sol, data)
    short = -registered_net_mw(sol, data)
    hours = np.arange(data.hours)
    if data.compute.mode == "peak":
        hours = np.array([int(np.argmax(data.pv.cf.mean(axis=0)))])
    bad = hours[short[hours] > _tol(load.max())]
    if bad.size:
        report.failures.append(
            f"energy balance short in {bad.size} hours (worst {short.max():.4f}"
            f" MW at hour {int(np.argmax(short))})"
        )
    report.figures["worst hourly shortfall [MW]"] = float(max(short[hours].max(), 0.0))
    report.figures["peak load [MW]"] = float(load.max())


def _check_components(sol: Solution, data: ModelData, report: CheckReport) -> None:
    """Each registry component's own limits (its ``check`` hook)."""
    for c in COMPONENTS:
        if c.check is not None and c.name in sol.parts:
            c.check(sol.parts[c.name], sol, data, report)


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
    again = objective_usd(sol.costs_usd, sol.annual_usd, data.lifecycle, classes, om_terms())
    rel = abs(again - sol.objective_usd) / max(abs(again), 1.0)
    if rel > COST_REL_TOL:
        report.failures.append(
            f"objective recomputed from the cost terms ${again:,.0f} differs from the "
            f"solver's ${sol.objective_usd:,.0f} by {100 * rel:.3f}% (> 0.1%)"
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


def verify_solution(sol: Solution, data: ModelData, bom: pd.DataFrame) -> CheckReport:
    """Run every check; see the module docstring."""
    report = CheckReport()
    _check_components(sol, data, report)
    _check_site(sol, data, report)
    _check_balance(sol, data, report)
    _check_costs(sol, data, bom, report)
    return report
