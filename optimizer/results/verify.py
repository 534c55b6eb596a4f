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


def verify_solution(sol: Solution, data: ModelData, bom: pd.DataFrame) -> CheckReport:
    """Run every check; see the module docstring."""
    report = CheckReport()
    _check_components(sol, data, report)
    _check_balance(sol, data, report)
    _check_costs(sol, data, bom, report)
    return report
