"""Two-stage solve with a proven optimality gap.

1. *Coarse stage*: the MILP on PV profiles averaged over blocks of ``block_h`` hours. It is a
   relaxation of the hourly problem (see :func:`optimizer.model.data.coarsen`), so its proven
   lower bound bounds the hourly optimum from below. It chooses the parcels and reservoir sites.
2. *Hourly stage*: the full 8,760-hour model with those binaries fixed (chip counts stay
   integer). Its answer is feasible for the hourly problem: an upper bound.

The reported gap ``(upper - lower) / upper`` is therefore proven, and it includes any loss from
choosing the binaries on the coarse series. With ``block_h = 1`` the hourly MILP is solved
directly. See ``../shared/reference/performance-notes.md`` for why (a direct hourly MILP with
~130 binaries ran past 400 s on 2 cores).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pyomo.environ as pyo

from optimizer.errors import InfeasibleError, NoSolutionError
from optimizer.model.build import build_model
from optimizer.model.data import ModelData, coarsen
from optimizer.solve.highs import SolveOptions, SolveResult, solve_model

INFEASIBLE_WORDS = ("Infeasible", "Primal infeasible or unbounded")


@dataclass
class StrategyResult:
    """The hourly model holding the answer, and what each stage reported."""

    model: pyo.ConcreteModel
    final: SolveResult
    coarse: SolveResult | None
    lower_bound: float
    upper_bound: float
    gap: float
    build_s: float
    solve_s: float

    @property
    def status(self) -> str:
        """A sentence for people: how good the answer is proven to be."""
        return f"feasible, proven within {100 * self.gap:.3f}% of the optimum"


def _is_infeasible(result: SolveResult) -> bool:
    return any(w in result.status for w in INFEASIBLE_WORDS)


def _fix_binaries(source: pyo.ConcreteModel, target: pyo.ConcreteModel) -> None:
    """Fix parcels, sites and chip counts of ``target`` to the coarse stage's choice."""
    for c in target.compute.C:
        target.compute.count[c].fix(round(pyo.value(source.compute.count[c])))
    for p in target.land.P:
        target.land.buy[p].fix(round(pyo.value(source.land.buy[p])))
    if hasattr(target, "phs"):
        for s in target.phs.S:
            target.phs.build[s].fix(round(pyo.value(source.phs.build[s])))
    if hasattr(target, "site"):
        for name in ("choose", "cluster_used"):
            var = getattr(target.site, name, None)
            for i in var if var is not None else ():
                var[i].fix(round(pyo.value(getattr(source.site, name)[i], exception=False) or 0))
    if hasattr(target, "battery") and pyo.value(source.battery.energy_mwh) <= 1e-6:
        target.battery.energy_mwh.fix(0.0)  # unused technology: presolve drops its hours
        target.battery.power_mw.fix(0.0)


def _site_first(data: ModelData, m: pyo.ConcreteModel, options, timers) -> SolveResult:
    """Solve ``m`` (with a site block) in two steps that keep each MILP easy.

    1. The same problem without the site (no hall, no lines): a relaxation, since the site only
       adds costs and constraints, so its MILP bound bounds the full problem from below.
    2. Rank the candidate sites for that design (:func:`~optimizer.model.site.rank_sites`), fix
       the cheapest in ``m`` and solve the MILP: parcels are re-chosen for that site.

    The returned bound is the smaller of the two MILP bounds (valid over every site).
    """
    from optimizer.model.site import design_of, rank_sites

    t0 = time.perf_counter()
    free = build_model(replace(data, land=replace(data.land, site=None)))
    timers["build"] += time.perf_counter() - t0
    t0 = time.perf_counter()
    first = solve_model(free, options)
    timers["solve"] += time.perf_counter() - t0
    if first.has_solution:
        best = int(np.argmin(rank_sites(data, design_of(free, data))))
        for j in m.site.J:
            m.site.choose[j].fix(1 if j == best else 0)
    t0 = time.perf_counter()
    result = solve_model(m, options)
    timers["solve"] += time.perf_counter() - t0
    if first.has_solution and result.has_solution:
        result.bound = min(result.bound, first.bound)
    return result


def _stage(data: ModelData, options: SolveOptions, timers: dict, source=None, screen=False):
    t0 = time.perf_counter()
    m = build_model(data)
    if source is not None:
        _fix_binaries(source, m)
    timers["build"] += time.perf_counter() - t0
    if screen and hasattr(m, "site") and len(m.site.J) > 1:
        return m, _site_first(data, m, options, timers)
    t0 = time.perf_counter()
    result = solve_model(m, options)
    timers["solve"] += time.perf_counter() - t0
    return m, result


def solve_two_stage(
    data: ModelData,
    options: SolveOptions,
    block_h: int = 4,
    explain_infeasible: Callable[[], str] | None = None,
    progress: Callable[[str], None] = lambda _msg: None,
) -> StrategyResult:
    """Solve ``data`` and return the hourly model with a proven gap.

    Raises :class:`InfeasibleError` (with ``explain_infeasible()`` as its message) when the
    target cannot be met and :class:`NoSolutionError` when the time limit ends the search first.
    """
    timers = {"build": 0.0, "solve": 0.0}
    coarse_model = coarse = None
    direct = block_h <= 1 or data.compute.mode == "peak" or data.hours % block_h
    if not direct:
        progress(f"coarse stage: {data.hours // block_h} steps of {block_h} h")
        coarse_model, coarse = _stage(coarsen(data, block_h), options, timers, screen=True)
        if _is_infeasible(coarse):
            raise InfeasibleError(explain_infeasible() if explain_infeasible else coarse.status)
        if not coarse.has_solution:
            raise NoSolutionError(f"coarse stage stopped without a solution: {coarse.status}")
    progress(f"hourly stage: {data.hours} steps" + ("" if direct else ", sites fixed"))
    model, final = _stage(data, options, timers, source=coarse_model)
    if _is_infeasible(final) and coarse_model is not None:
        progress("fixed sites cannot serve every hour; solving the hourly MILP directly")
        model, final = _stage(data, options, timers)
        coarse = None
    if _is_infeasible(final):
        raise InfeasibleError(explain_infeasible() if explain_infeasible else final.status)
    if not final.has_solution:
        raise NoSolutionError(f"solver stopped without a solution: {final.status}")
    lower = max(final.bound if coarse is None else coarse.bound, 0.0)
    if coarse is not None:
        lower = max(lower, min(coarse.bound, final.objective))
    upper = final.objective
    gap = max(upper - lower, 0.0) / max(abs(upper), 1e-9)
    return StrategyResult(model, final, coarse, lower, upper, gap, timers["build"], timers["solve"])
