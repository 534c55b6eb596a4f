"""Solve with a proven gap: one search a newcomer can follow.

Two methods (``--method``):

- ``direct``: HiGHS's own branch and bound on the full MILP (site choice included); its dual
  bound is the lower bound. Best for tiny cases and as the reference the tests compare with.
- ``search`` (default): a search by hand over LP relaxations, which wins on the cases whose
  LP relaxation is loose only in a few decisions with large fixed costs (which reservoirs,
  which compute site). :func:`solve_with_gap` reads top to bottom:

  1. **Exact steps** (:func:`~optimizer.model.steps.exact_steps`): nights merged, the same
     optimum as the 8,760-hour problem.
  2. **Known designs** are evaluated first (:meth:`~optimizer.solve.state.Search.offer`: the LP
     with every integer fixed, an upper bound): an earlier run's (``--warm-start``) and, in
     ``average`` mode, the sustained design (chips may always run, so it is feasible; rounded
     from the sustained LP on coarse steps, :data:`SUSTAINED_BLOCK_H`, else on exact ones).
     The big-M bounds of every later model then come from the incumbent's cost
     (:func:`~optimizer.model.bounds.compute_bounds`); without any design in ``average`` mode a
     first one is found on a heuristic cap (:data:`~optimizer.model.bounds.AVERAGE_IT_FACTOR`)
     and the bounds are recomputed from it before anything is proven.
  3. **Root LP** (:func:`_root`): the LP relaxation, on the relaxation data of
     :func:`relaxation_data` (``average``: dominated chip types do not run and the target is
     lowered so that it stays a relaxation, :func:`~optimizer.model.bounds.dominance`); on
     merged time steps (:func:`~optimizer.solve.relaxation.aggregated`) when it does not keep
     the site choice. Only an *optimal* LP gives a bound
     (:class:`~optimizer.solve.outcome.Outcome`). Its solution rounded
     (:func:`~optimizer.solve.design.round_design`) and the LP at the rounded design's compute
     site give the first designs.
  4. **Branching** (:mod:`optimizer.solve.branch`) while the gap exceeds ``mip_rel_gap``:
     reservoir patterns and compute sites, each a warm re-solve of the root LP (or an
     aggregated LP of its own); the smallest bound over groups that cover every design is a
     lower bound.
  5. **MILP** while the gap still exceeds ``mip_rel_gap``, or when no rounding found a design:
     HiGHS on the site-relaxed MILP with bounds from the incumbent (from its design as a MIP
     start); its dual bound is a bound, its incumbent is evaluated as in 2.

The reported gap ``(upper - lower) / upper`` is proven: ``lower`` is a proven bound of a
relaxation of the hourly problem, ``upper`` the cost of a design that passed the exact LP. A
lower bound above ``upper`` stops the run (:class:`~optimizer.solve.state.WrongBoundError`,
exit 4). A time limit in any stage is recorded in :attr:`StrategyResult.limits`; an LP stopped
by it proves nothing and leaves its branch open at its parent's bound.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import pyomo.environ as pyo

from optimizer.errors import InfeasibleError, NoSolutionError
from optimizer.model.bounds import (
    AVERAGE_IT_FACTOR,
    compute_bounds,
    dominance,
    objective_floor,
)
from optimizer.model.build import build_model
from optimizer.model.data import ModelData
from optimizer.model.steps import coarse_steps, exact_steps
from optimizer.solve.branch import Leaf, branch_bound
from optimizer.solve.design import Design, round_design, same_design
from optimizer.solve.evaluate import Evaluator
from optimizer.solve.highs import SolveResult, solve_model
from optimizer.solve.relaxation import Solver, aggregated
from optimizer.solve.state import Search

METHODS = ("search", "direct")
#: largest number of site flow columns (candidate sites x parcels, else x collector hubs) for
#: which the root LP keeps the site choice: one compiled LP then serves every site, leaf and
#: evaluation warm. Measured (benchmarks/RESULTS.md, issue 10): 10,000 parcels x 6 candidates
#: per parcel (60,000 columns) made the root 6-9 s per site cold; 340 hubs x 6 warm 2.3-4.1 s
MAX_SITE_FLOWS = 5_000


#: step length [h] of the sustained LP whose rounded design starts average mode (measured on the
#: embedded 1e20 average case: exact steps 7.8-8.5 s, 4 h steps 1.5-4 s for a design of the same
#: cost within 0.04 %, $1,816.7M against $1,817.3M)
SUSTAINED_BLOCK_H = 4.0


@dataclass
class StrategyResult:
    """The model holding the answer (built on ``data``), and what each stage reported.

    ``stages``: one entry per solver call (name, status, outcome, objective, bound, seconds,
    rows, integer columns, time limit reached); ``limits``: the stages that stopped on their
    time limit (empty when none did).
    """

    model: pyo.ConcreteModel
    data: ModelData
    final: SolveResult
    lower_bound: float
    upper_bound: float
    gap: float
    build_s: float
    solve_s: float
    design: Design | None = None
    stages: list[dict] = field(default_factory=list)

    @property
    def limits(self) -> list[dict]:
        """Stages that stopped on their time limit."""
        return [s for s in self.stages if s["time_limit_reached"]]

    @property
    def time_limit_reached(self) -> bool:
        """True when any stage stopped on its time limit."""
        return bool(self.limits)

    @property
    def status(self) -> str:
        """A sentence for people: how good the answer is proven to be, and what limited it."""
        words = f"feasible, proven within {100 * self.gap:.3f}% of the optimum"
        if self.gap <= 1e-9:
            words = "optimal"
        if self.limits:
            names = [s["stage"] for s in self.limits]
            more = f" and {len(names) - 3} more" if len(names) > 3 else ""
            words += f" (time limit reached in: {', '.join(names[:3])}{more})"
        return words


def solve_with_gap(
    data: ModelData,
    options,
    method: str = "search",
    explain_infeasible: Callable[[], str] | None = None,
    progress: Callable[[str], None] = lambda _msg: None,
    start: Design | None = None,
    basis: dict | None = None,
) -> StrategyResult:
    """Solve ``data`` (an hourly year) and return the answer with a proven gap.

    ``options``: :class:`~optimizer.solve.highs.SolveOptions`; ``method``: ``"search"`` or
    ``"direct"`` (see the module docstring); ``start``: a design from an earlier run
    (``--warm-start``), evaluated first; ``basis``: ``{"in": bytes}`` the earlier run's
    LP-relaxation basis (the root LP starts from it), ``basis["out"]`` receives this run's.
    Raises :class:`InfeasibleError` (with ``explain_infeasible()`` as its message) when a
    relaxation proves the target cannot be met, :class:`NoSolutionError` when the limits end the
    search without a design, :class:`~optimizer.solve.state.WrongBoundError` when a bound
    exceeds the answer.
    """
    if method not in METHODS:
        raise ValueError(f"method {method!r} is not one of {', '.join(METHODS)}")
    run = Search(options, progress)
    exact = exact_steps(data)
    if method == "direct":
        return _direct(exact, run, explain_infeasible)
    progress(f"LP bound: {exact.hours:,} exact steps (nights merged)")
    run.evaluator = Evaluator(run, exact)
    exact = _known_designs(run, exact, start, explain_infeasible)
    lp = relaxation_data(exact)
    root, first = _root(run, lp, basis, explain_infeasible)
    known = {} if run.closed() or root is None else _site_design(run, root, first)
    if not same_design(first, run.best.design):  # warm at its site: cheap, often the better one
        run.offer(first, "rounded LP design (LP, integers fixed)")
    if not run.closed() and run.best.model is not None and root is not None:
        run.progress(f"gap {100 * (run.best.cost - run.lower) / run.best.cost:.2f}%: branching "
                     "on reservoirs and compute sites (warm LPs)")  # fmt: skip
        run.prove(branch_bound(run, root, site_data=lp, known=known))
    if not run.closed() and not (run.out_of_time() and run.best.model is not None):
        _milp(run, exact, explain_infeasible)
    if run.best.model is None:
        raise NoSolutionError(
            f"no design found within the limits: the relaxation is feasible (lower bound "
            f"{run.lower:,.1f} $M) but neither rounding nor HiGHS's MILP found a design in "
            f"{options.time_limit_s:,.0f} s; raise --time-limit or try --method direct"
        )
    Evaluator.restore(run.best.evaluated)
    best = run.best
    return StrategyResult(best.model, best.data, best.result, run.lower, best.cost, run.gap(),
                          run.build_s, run.solve_s, best.design, run.stages)  # fmt: skip


def relaxation_data(exact: ModelData) -> ModelData:
    """The data every relaxation (root LP, branches, MILP search) is built on: ``exact``
    itself, except in ``average`` mode with dominated chip types, where only the undominated
    types run and the target is lowered by one dominator chip per dominated type, which keeps
    it a relaxation of ``exact`` (the argument: :func:`~optimizer.model.bounds.dominance`)."""
    keep, lost_pflops = dominance(exact)
    if len(keep) == len(exact.compute.names):
        return exact
    c = exact.compute
    compute = replace(c, runs=tuple(keep), target_pflops=c.target_pflops - lost_pflops)
    bounds = exact.bounds
    lp = replace(exact, compute=compute, bounds=None)
    if bounds is not None and math.isfinite(bounds.incumbent_musd):
        lp.bounds = compute_bounds(lp, bounds.incumbent_musd * objective_floor(exact))
    return lp


def _known_designs(run: Search, exact: ModelData, start: Design | None, explain) -> ModelData:
    """Evaluate the designs known before any bound (an earlier run's, and in ``average`` mode
    the sustained design, else a first design found on the heuristic cap); return ``exact``
    with big-M bounds from the incumbent's cost (from the data alone without one)."""
    run.offer(start, "warm start design (LP, integers fixed)")
    if exact.compute.mode == "average":
        run.offer(_sustained_design(exact, run, SUSTAINED_BLOCK_H), "sustained design (LP)")
        if run.best.model is None:  # the coarse design failed its exact evaluation
            run.offer(_sustained_design(exact, run), "sustained design (LP)")
        if run.best.model is None:
            run.progress("average mode: no sustained design; a first design on a heuristic cap")
            _heuristic_design(run, exact, explain)
    if run.best.cost < math.inf:
        return replace(exact, bounds=compute_bounds(exact, run.best.cost))
    return exact


def _heuristic_design(run: Search, exact: ModelData, explain) -> None:
    """``average`` mode without a sustained design: the relaxation with installed chips capped
    at :data:`~optimizer.model.bounds.AVERAGE_IT_FACTOR` times a sustained design's IT load (a
    guess, not a bound: nothing is proven with it) rounded and evaluated, else HiGHS's MILP
    under the same cap (any solution is a design). Raises when neither finds a design (an
    infeasible answer is said with the cap it assumed)."""
    capped = replace(exact, bounds=compute_bounds(exact))
    m, r = _solve(run, _root_data(relaxation_data(capped)), "LP relaxation (heuristic cap)",
                  relax=True)  # fmt: skip
    if r.has_solution:
        run.offer(round_design(m, exact), "rounded heuristic design (LP)")
    if run.best.model is None:
        m, r = _solve(run, capped, "MILP (heuristic cap)")
        if r.has_solution:
            run.offer(round_design(m, exact), "heuristic MILP design (LP, integers fixed)")
    if run.best.model is not None:
        return
    cap = (f"average mode without a sustained design; installed chips were assumed to need at "
           f"most {AVERAGE_IT_FACTOR:g}x the IT load of a sustained design")  # fmt: skip
    if r.infeasible:
        raise InfeasibleError(f"{explain() if explain else r.status} ({cap})")
    raise NoSolutionError(f"no design found within the limits ({cap}): {r.status}")


def _sustained_design(data: ModelData, run: Search, block_h: float = 1.0) -> Design | None:
    """The rounded design of the sustained-mode LP relaxation (a start for average mode), on
    steps of at most ``block_h`` hours (:func:`~optimizer.model.steps.coarse_steps`; 1: the
    exact steps). Only a design is taken from it, to be evaluated exactly: nothing is proven
    with this LP, so its steps need not be exact."""
    sus = replace(data, compute=replace(data.compute, mode="sustained"), bounds=None)
    lp = sus.site_relaxed()
    name = "sustained LP relaxation"
    if block_h > 1:
        lp, name = coarse_steps(lp, block_h), f"{name} ({block_h:g} h steps)"
    m, r = _solve(run, lp, name, relax=True)
    return round_design(m, sus) if r.has_solution else None


def _solve(run: Search, data: ModelData, name: str, relax=False, start=None):
    """Build ``data``, solve it (``relax``: as an LP; ``start``: MIP start pairs or a function
    of the model giving them), log the stage; return ``(model, result)``."""
    t = time.perf_counter()
    m = build_model(data)
    if callable(start):
        start = start(m)
    run.build_s += time.perf_counter() - t
    opts = replace(run.options, time_limit_s=run.left_s())
    t = time.perf_counter()
    r = solve_model(m, opts, start, relax=relax, stage=name)
    run.solve_s += time.perf_counter() - t
    run.log(r, r.compile_s + r.solve_s)
    return m, r


def _direct(data: ModelData, run: Search, explain) -> StrategyResult:
    """The full MILP with the site choice, solved by HiGHS from the rounded LP design as a MIP
    start (when rounding finds a feasible one): HiGHS's dual bound is the lower bound (0 when
    it proves none: every cost is >= 0); its incumbent, or the start's evaluation when HiGHS
    stops without one, is the answer."""
    m_lp, r_lp = _solve(run, _root_data(data), "LP relaxation (MIP start)", relax=True)
    start = None
    if r_lp.has_solution:
        run.evaluator = Evaluator(run, data)
        run.offer(round_design(m_lp, data), "rounded LP design (MIP start)")
        start = run.best.design.start if run.best.design is not None else None
    m, r = _solve(run, data, "MILP", start=start)
    if r.infeasible:
        raise InfeasibleError(explain() if explain else r.status)
    if not r.infeasible:
        run.prove(r.bound)
    if r.has_solution and r.objective <= run.best.cost:
        run.best.cost = r.objective
        gap = run.gap()
        return StrategyResult(m, data, r, run.lower, r.objective, gap, run.build_s, run.solve_s,
                              None, run.stages)  # fmt: skip
    if run.best.model is None:
        raise NoSolutionError(f"the solver stopped without a solution: {r.status}")
    Evaluator.restore(run.best.evaluated)
    best = run.best
    return StrategyResult(best.model, best.data, best.result, run.lower, best.cost, run.gap(),
                          run.build_s, run.solve_s, best.design, run.stages)  # fmt: skip


def _root(
    run: Search, lp: ModelData, basis: dict | None, explain
) -> tuple[Solver | None, Design | None]:
    """Solve the root LP, prove its bound and return ``(solver, rounded design)`` (None: no
    solution to round). Raises when it is infeasible (proven), or when it proves no bound and
    no design is known; with a known design and no bound it returns ``(None, None)`` (the
    lower bound stays 0: the gap says 100 %).

    A root that models the site choice is the hourly (exact-step) LP, from ``basis["in"]``,
    its basis to ``basis["out"]``: it also evaluates designs (:meth:`Evaluator.use_root`).
    Any other root only bounds and rounds, so it is the aggregated LP
    (:func:`~optimizer.solve.relaxation.aggregated`, a relaxation), whose final blocks start
    every group's aggregated LP (:attr:`Search.partition`); the exact one where aggregation
    does not apply."""
    data = _root_data(lp)
    agg = None if _keeps_site_choice(data) else aggregated(run, data, "LP relaxation")
    if agg is not None:
        root, r0, value = agg.solver, agg.solver.last, agg.bound
        run.partition = (data.weights_h, root.starts)
    else:
        root = Solver(run, data, "LP relaxation", basis.get("in") if basis else None)
        r0 = root.solve([], "")
        value = r0.bound
        if basis is not None:
            basis["out"] = root.session.basis_bytes()
    if r0.infeasible:
        raise InfeasibleError(explain() if explain else r0.status)
    if not r0.optimal and run.best.model is None:
        raise NoSolutionError(
            f"the LP relaxation stopped without a solution or a proven bound: {r0.status}"
        )
    if not r0.optimal:
        run.progress(f"the LP relaxation proved no bound ({r0.status}): the known design stands")
        return None, None
    run.prove(value)
    first = round_design(root.m, root.data) if r0.has_solution else None
    root.keep_root(value, first)
    run.evaluator.use_root(root)
    return root, first


def _keeps_site_choice(data: ModelData) -> bool:
    """Whether the model of ``data`` has a site choice (a compute site neither fixed nor
    relaxed: ``site.choose`` columns, :attr:`~optimizer.solve.relaxation.Solver.site_choice`)."""
    s = data.land.site
    return s is not None and s.fixed_site is None and not s.relaxed


def _root_data(lp: ModelData) -> ModelData:
    """The root LP's data: the site choice relaxed (``z`` continuous, one session then serves
    the bound, the site level, the leaves and the evaluations) with PV flows per (parcel,
    site) while they stay few, else per (hub, site) (:meth:`~optimizer.model.data.SiteData.by_hub`),
    else the site relaxation (:meth:`~optimizer.model.data.SiteData.relaxation`, no flow
    columns); all within :data:`MAX_SITE_FLOWS`."""
    s = lp.land.site
    if s is None or s.fixed_site is not None:
        return lp
    if len(s.candidates) * len(lp.land.ids) <= MAX_SITE_FLOWS:
        return lp
    if len(s.candidates) * s.n_hubs <= MAX_SITE_FLOWS:
        return lp.site_by_hub()
    return lp.site_relaxed()


def _site_design(run: Search, root: Solver, first: Design | None) -> dict:
    """Solve the root LP at ``first``'s compute site (the aggregated LP of that site alone
    when the root has no site choice, refined until it settles), round it and evaluate it;
    return the site-level leaf it gives the branching, ``{name: (leaf, solver)}`` (``{}``
    without a site)."""
    if first is None or first.site is None:
        return {}
    name = f"site {root.data.land.ids[root.data.land.site.site_parcel[first.site]]}"
    at = root.source.at_site(first.site)
    if root.site_choice:
        solver, value = root, root.bound(root.site_fix(first.site), f"at the chosen {name}")
    elif (agg := aggregated(run, at, f"LP at {name}", starts=run.partition_for(at))) is not None:
        solver, value = agg.solver, agg.bound
    else:
        solver = Solver(run, at, f"LP at {name}")
        value = solver.bound([], "the chosen site")
    leaf = Leaf(first.site, name, value)
    if math.isfinite(value):
        leaf.design = round_design(solver.m, solver.data.at_site(first.site), site=first.site)
        run.offer(leaf.design, "site design (LP, integers fixed)")
    return {name: (leaf, solver)}


def _milp(run: Search, exact: ModelData, explain) -> None:
    """HiGHS's branch and bound, from the best bound: its dual bound is proven, its incumbent
    rounded and evaluated on ``exact``.

    With an incumbent: the model of ``exact`` in the root's form (:func:`_root_data`: the
    exact MILP while its site flows stay few, else the site relaxation; every chip type runs,
    so no lowered target holds the bound below the optimum) with big-M bounds from the
    incumbent's cost, from its design as a MIP start (an "infeasible" answer proves
    nothing here: the model holds an optimal design). Without one (rounding found no design):
    the full MILP of ``exact``, so that "infeasible" is a proof (raised with ``explain()``)."""
    if run.best.model is None:
        run.progress("no design found by rounding: HiGHS's MILP on the full model")
        m, r = _solve(run, exact, "MILP (full model)")
        if r.infeasible:
            raise InfeasibleError(explain() if explain else r.status)
    else:
        gap = 100 * (run.best.cost - run.lower) / run.best.cost
        run.progress(f"gap {gap:.2f}% > {100 * run.options.mip_rel_gap:g}%: MILP search from "
                     "the incumbent")  # fmt: skip
        tight = _root_data(exact)  # every chip type: no lowered target to cap the proof
        tight = replace(tight, bounds=compute_bounds(tight, run.best.cost))
        m, r = _solve(run, tight, "MILP search", start=run.best.design.start)
    if r.has_solution:
        run.offer(round_design(m, exact), "MILP design (LP, integers fixed)")
    if not r.infeasible:
        run.prove(r.bound)
