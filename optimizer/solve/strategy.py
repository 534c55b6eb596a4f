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


def _with_site(data: ModelData, site) -> ModelData:
    return replace(data, land=replace(data.land, site=site))


def _timed(timers: dict, key: str, fn, *args):
    t0 = time.perf_counter()
    out = fn(*args)
    timers[key] += time.perf_counter() - t0
    return out


def _integer_start(source: pyo.ConcreteModel, target: pyo.ConcreteModel, site_parcel: int):
    """The integer choices of ``source`` as a MIP start for ``target``: (variable, value) pairs
    with the same parcels, reservoirs and chips and the site parcel bought (feasible whenever
    the hall fits on the site parcel)."""

    def rounded(var) -> int:
        return round(pyo.value(var))

    start = [
        (target.land.buy[p], 1 if p == site_parcel else rounded(source.land.buy[p]))
        for p in target.land.P
    ]
    start += [(target.compute.count[c], rounded(source.compute.count[c])) for c in target.compute.C]
    if hasattr(target, "phs"):
        start += [(target.phs.build[r], rounded(source.phs.build[r])) for r in target.phs.S]
    return start


def _site_first(data: ModelData, options, timers) -> tuple[pyo.ConcreteModel, SolveResult]:
    """Solve a model with several candidate sites in two steps that keep each MILP easy.

    1. The relaxation (:meth:`~optimizer.model.data.SiteData.relaxation`: no site binary, the
       hall on any bought candidate, every line priced at its nearest candidate): its MILP bound
       bounds the full problem from below.
    2. Rank the candidate sites for that design (:func:`~optimizer.model.site.rank_sites`), fix
       the cheapest (:meth:`~optimizer.model.data.SiteData.fixed`, no per-site flow columns) and
       solve the MILP: parcels are re-chosen for that site.

    The returned bound is the smaller of the two MILP bounds (valid over every site). If the
    relaxation finds no solution in time, the MILP with the site choice free is solved instead.
    """
    from optimizer.model.site import design_of, rank_sites

    site = data.land.site
    free = _timed(timers, "build", build_model, _with_site(data, site.relaxation()))
    first = _timed(timers, "solve", solve_model, free, options)
    if not first.has_solution:
        m = _timed(timers, "build", build_model, data)
        return m, _timed(timers, "solve", solve_model, m, options)
    best = int(np.argmin(rank_sites(data, design_of(free, data))))
    m = _timed(timers, "build", build_model, _with_site(data, site.fixed(best)))
    start = _integer_start(free, m, int(site.site_parcel[best]))
    result = _timed(timers, "solve", solve_model, m, options, start)
    if result.has_solution:
        result.bound = min(result.bound, first.bound)
    return m, result


def _stage(data: ModelData, options: SolveOptions, timers: dict, source=None, screen=False):
    site = data.land.site
    if screen and site is not None and site.fixed_site is None and len(site.site_parcel) > 1:
        return _site_first(data, options, timers)
    m = _timed(timers, "build", build_model, data)
    if source is not None:
        _fix_binaries(source, m)
    return m, _timed(timers, "solve", solve_model, m, options)


def _chosen_site(data: ModelData, model: pyo.ConcreteModel) -> ModelData:
    """``data`` with the compute site fixed to the one ``model`` chose (unchanged without)."""
    from optimizer.model.site import extract_site

    chosen = extract_site(model, data) if data.land.site is not None else None
    return data if chosen is None else _with_site(data, data.land.site.fixed(chosen.site))


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
    hourly = data if coarse_model is None else _chosen_site(data, coarse_model)
    model, final = _stage(hourly, options, timers, source=coarse_model)
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
