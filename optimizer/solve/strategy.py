"""Solve with a proven gap: LP bound first, rounded designs as answers, the MILP only when needed.

Every model here is built on the *exact* time steps (:func:`optimizer.model.steps.exact_steps`:
nights merged, same optimum as the 8,760-hour problem), with the big-M's of
:mod:`optimizer.model.bounds`.

1. **Bound.** The LP relaxation bounds every design from below. While the flow columns of the
   site choice stay few (candidates x parcels, else candidates x collector hubs, at most
   :data:`MAX_SITE_FLOWS`) it keeps the site choice with :math:`z` continuous, so one compiled
   LP (:class:`~optimizer.solve.branch.Solver`) then serves the bound, the chosen site, every
   branch and the evaluations, each a warm re-solve; otherwise the compute site is *relaxed*
   (:meth:`~optimizer.model.data.SiteData.relaxation`: lines priced at the nearest candidate,
   the hall on any bought campus parcel).
2. **Designs.** Its solution is rounded to a design (parcels and reservoirs with anything on
   them bought, chips rounded to a whole mix that meets the target), the compute site ranked for
   it (:func:`~optimizer.model.site.rank_sites`); the LP at that site is rounded and the design
   evaluated exactly: the LP with every integer fixed at that site. In ``average`` mode the
   sustained design is evaluated first (chips may always run, so it is feasible): average mode
   can never answer dearer than that design. The cheapest evaluated design is the incumbent
   (an upper bound).
3. **Branching** (:mod:`optimizer.solve.branch`, while the gap exceeds ``mip_rel_gap``):
   reservoir build patterns, then compute sites and their leaves, warm; the cheapest patterns'
   designs are evaluated as soon as the pattern level ends.
4. **Search** (only while the gap still exceeds ``mip_rel_gap``): with bounds tightened by the
   incumbent's cost, HiGHS solves the site-relaxed MILP from the incumbent's design as a MIP
   start; its dual bound replaces the LP bound, its incumbent is evaluated as in 2.

The reported gap ``(upper - lower) / upper`` is proven: ``lower`` is a bound of a relaxation of
the hourly problem, ``upper`` the cost of a design that passed the hourly LP. A time limit in
any stage is recorded in :attr:`StrategyResult.limits`. ``block_h <= 1`` solves the full MILP
(site choice included) directly, for tiny cases and tests.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import pyomo.environ as pyo

from optimizer.errors import InfeasibleError, NoSolutionError
from optimizer.model.bounds import compute_bounds, dominated_slack_musd
from optimizer.model.build import build_model
from optimizer.model.data import ModelData
from optimizer.model.steps import exact_steps
from optimizer.solve.branch import Leaf, Solver, branch_bound, has_site_choice, site_fix
from optimizer.solve.design import Design, round_design
from optimizer.solve.evaluate import Evaluated, Evaluator
from optimizer.solve.highs import SolveOptions, SolveResult, solve_model

INFEASIBLE_WORDS = ("Infeasible", "Primal infeasible or unbounded")
#: largest (candidate sites x parcels) for which the root LP models the site choice
MAX_SITE_FLOWS = 5_000


@dataclass
class StrategyResult:
    """The model holding the answer (built on ``data``), and what each stage reported.

    ``stages``: one entry per solver call (name, status, objective, bound, seconds, rows,
    integer columns, time limit reached); ``limits``: the stages that stopped on their time
    limit (empty when none did).
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
            names = ", ".join(s["stage"] for s in self.limits)
            words += f" (time limit reached in: {names})"
        return words


def _is_infeasible(result: SolveResult) -> bool:
    return any(w in result.status for w in INFEASIBLE_WORDS)


class _Run:
    """Timers, the stage log and the time left of one solve."""

    def __init__(self, options: SolveOptions, progress: Callable[[str], None]):
        self.options, self.progress = options, progress
        self.t0 = time.perf_counter()
        self.build_s = self.solve_s = 0.0
        self.stages: list[dict] = []
        self.evaluator: Evaluator | None = None

    def left_s(self) -> float:
        """Seconds left of the whole solve's time limit."""
        return max(self.options.time_limit_s - (time.perf_counter() - self.t0), 1.0)

    def solve(self, data: ModelData, name: str, fix=None, start=None, relax=False, basis=None):
        """Build ``data``, apply ``fix(model)``, solve; log the stage; return (model, result)."""
        t = time.perf_counter()
        m = build_model(data)
        if fix is not None:
            fix(m)
        if callable(start):
            start = start(m)
        self.build_s += time.perf_counter() - t
        opts = replace(self.options, time_limit_s=self.left_s())
        t = time.perf_counter()
        r = solve_model(m, opts, start, relax=relax, stage=name, basis=basis)
        self.solve_s += time.perf_counter() - t
        self.log(r, r.compile_s + r.solve_s)
        return m, r

    def log(self, r: SolveResult, seconds: float) -> None:
        """Record one solver call in the stage log."""
        self.stages.append(
            {
                "stage": r.stage,
                "status": r.status,
                "objective_musd": r.objective if math.isfinite(r.objective) else None,
                "bound_musd": r.bound if math.isfinite(r.bound) else None,
                "seconds": seconds,
                "rows": r.rows,
                "integer_columns": r.integers,
                "time_limit_reached": r.time_limit_reached,
            }
        )


@dataclass
class _Best:
    """The cheapest evaluated design: its model, data, result and cost [$M]."""

    cost: float = math.inf
    model: pyo.ConcreteModel | None = None
    data: ModelData | None = None
    result: SolveResult | None = None
    design: Design | None = None
    evaluated: Evaluated | None = None


def _evaluate(run: _Run, data: ModelData, design: Design | None, best: _Best, name: str) -> None:
    """Solve the LP with ``design`` fixed at its site (warm, :mod:`optimizer.solve.evaluate`);
    keep it when it beats ``best`` (``data``: the exact steps ``run.evaluator`` was made
    for)."""
    if design is None:
        return
    e = run.evaluator.evaluate(design, name)
    if e is not None and e.cost < best.cost:
        best.cost, best.model, best.data, best.result, best.design = (
            e.cost, e.model, e.data, e.result, design)  # fmt: skip
        best.evaluated = e


def _same(a: Design | None, b: Design | None) -> bool:
    """Whether two designs make the same decisions."""
    if a is None or b is None:
        return a is b
    return (a.site, a.liion) == (b.site, b.liion) and all(
        np.array_equal(x, y) for x, y in ((a.buy, b.buy), (a.build, b.build), (a.count, b.count))
    )


def _sustained_design(data: ModelData, run: _Run) -> Design | None:
    """The rounded design of the sustained-mode LP relaxation (a start for average mode)."""
    sus = replace(data, compute=replace(data.compute, mode="sustained"), bounds=None)
    m, r = run.solve(sus.site_relaxed(), "sustained LP relaxation", relax=True)
    return round_design(m, sus) if r.has_solution else None


def _direct(data: ModelData, run: _Run, explain) -> StrategyResult:
    """The full MILP with the site choice, solved by HiGHS (tiny cases, tests)."""
    m, r = run.solve(data, "MILP")
    if _is_infeasible(r):
        raise InfeasibleError(explain() if explain else r.status)
    if not r.has_solution:
        raise NoSolutionError(f"the solver stopped without a solution: {r.status}")
    lower = min(max(r.bound, 0.0), r.objective)
    gap = max(r.objective - lower, 0.0) / max(abs(r.objective), 1e-9)
    return StrategyResult(
        m, data, r, lower, r.objective, gap, run.build_s, run.solve_s, None, run.stages
    )


def solve_with_gap(
    data: ModelData,
    options: SolveOptions,
    block_h: int = 2,
    explain_infeasible: Callable[[], str] | None = None,
    progress: Callable[[str], None] = lambda _msg: None,
    start: Design | None = None,
    basis: dict | None = None,
) -> StrategyResult:
    """Solve ``data`` (an hourly year) and return the answer with a proven gap.

    ``start``: a design from an earlier run (``--warm-start``), evaluated first; ``basis``:
    ``{"in": bytes}`` the earlier run's LP-relaxation basis (the first LP starts from it),
    ``basis["out"]`` receives this run's. Raises
    :class:`InfeasibleError` (with ``explain_infeasible()`` as its message) when the target cannot
    be met and :class:`NoSolutionError` when the time limit ends the search without a design.
    """
    run = _Run(options, progress)
    exact = exact_steps(data)
    if block_h <= 1:
        return _direct(exact, run, explain_infeasible)
    progress(f"LP bound: {exact.hours:,} exact steps (nights merged)")
    run.evaluator = Evaluator(run, exact)
    best = _starts(run, exact, start)
    if best.cost < math.inf:
        exact = replace(exact, bounds=compute_bounds(exact, best.cost))
    lp, slack = _pruned(exact)
    root, first, lower = _root(run, lp, slack, basis, explain_infeasible)
    known = {}
    if not _closed(best, lower, options):
        known = _site_design(run, exact, root, first, best)
    if not _same(first, best.design):  # warm at its site: cheap, and often the better one
        _evaluate(run, exact, first, best, "rounded LP design (LP, integers fixed)")
    if best.model is None:
        raise InfeasibleError(explain_infeasible() if explain_infeasible else "no design found")
    if not _closed(best, lower, options):
        run.progress(f"gap {100 * (best.cost - lower) / best.cost:.2f}%: branching on reservoirs "
                     "and compute sites (warm LPs)")  # fmt: skip
        lower = branch_bound(
            run,
            root,
            best,
            lower,
            lambda d, name: _evaluate(run, exact, d, best, name),
            slack,
            site_data=lp,
            known=known,
        )
    if not _closed(best, lower, options):
        lower = _search(run, exact, lp, best, lower, slack)
    Evaluator.restore(best.evaluated)
    gap = max(best.cost - lower, 0.0) / max(abs(best.cost), 1e-9)
    return StrategyResult(best.model, best.data, best.result, lower, best.cost, gap,
                          run.build_s, run.solve_s, best.design, run.stages)  # fmt: skip


def _root(run: _Run, lp: ModelData, slack: float, basis: dict | None, explain):
    """Solve the root LP (from ``basis["in"]``, its basis to ``basis["out"]``); return
    ``(solver, rounded design, lower bound [$M])``. Raises when it is infeasible or stops
    without a solution."""
    root = Solver(run, _root_data(lp), "LP relaxation", basis.get("in") if basis else None)
    r0 = root.solve([], "")
    if basis is not None:
        basis["out"] = root.session.basis_bytes()
    if _is_infeasible(r0):
        raise InfeasibleError(explain() if explain else r0.status)
    if not r0.has_solution:
        raise NoSolutionError(f"the LP relaxation stopped without a solution: {r0.status}")
    first = round_design(root.m, root.data)
    root.keep_root(r0.objective, first)
    run.evaluator.use_root(root)
    return root, first, max(r0.objective - slack, 0.0)


def _starts(run: _Run, exact: ModelData, start: Design | None) -> _Best:
    """Evaluate the designs known before any bound: an earlier run's (``start``) and, in
    ``average`` mode, the sustained design (chips may always run, so it is feasible there)."""
    best = _Best()
    if start is not None:
        _evaluate(run, exact, start, best, "warm start design (LP, integers fixed)")
    if exact.compute.mode == "average":
        _evaluate(run, exact, _sustained_design(exact, run), best, "sustained design (LP)")
    return best


def _closed(best: _Best, lower: float, options: SolveOptions) -> bool:
    """True when the incumbent is proven within ``mip_rel_gap`` of ``lower``."""
    return best.cost < math.inf and (best.cost - lower) <= options.mip_rel_gap * abs(best.cost)


def _pruned(exact: ModelData) -> tuple[ModelData, float]:
    """The data the LP relaxations and the search use, and what that restriction may cost
    [$M]: in ``average`` mode without running chips for dominated types
    (:func:`~optimizer.model.bounds.dominated_slack_musd`), else ``exact`` itself and 0."""
    if exact.compute.mode != "average":
        return exact, 0.0
    lp = replace(exact, compute=replace(exact.compute, prune_dominated=True))
    return lp, dominated_slack_musd(exact)


def _root_data(lp: ModelData) -> ModelData:
    """The root LP's data: the site choice relaxed (``z`` continuous, one session then serves
    the bound, the site level, the leaves and the evaluations) with PV flows per (parcel,
    site) while they stay few, else per (hub, site) (:meth:`~optimizer.model.data.SiteData.by_hub`),
    else the site relaxation (:meth:`~optimizer.model.data.SiteData.relaxation`, no flow
    columns)."""
    s = lp.land.site
    if s is None or s.fixed_site is not None:
        return lp
    if len(s.candidates) * len(lp.land.ids) <= MAX_SITE_FLOWS:
        return lp
    if len(s.candidates) * s.n_hubs <= MAX_SITE_FLOWS:
        return lp.site_by_hub()
    return lp.site_relaxed()


def _site_design(run: _Run, exact: ModelData, root: Solver, first: Design, best: _Best) -> dict:
    """Solve the root LP at ``first``'s compute site (a session of that site alone when the
    root has no site choice), round it and evaluate it on ``exact``; return the site-level
    leaf it gives the branching, ``{name: (leaf, solver)}`` (``{}`` without a site)."""
    if first.site is None:
        return {}
    name = f"site {root.data.land.ids[root.data.land.site.site_parcel[first.site]]}"
    at = root.data.at_site(first.site)
    if has_site_choice(root.m):
        solver, value = root, root.bound(site_fix(root.m, first.site), f"at the chosen {name}")
    else:
        solver = Solver(run, at, f"LP at {name}")
        value = solver.bound([], "the chosen site")
    leaf = Leaf(first.site, name, value)
    if abs(value) < math.inf:
        leaf.design = round_design(solver.m, at, site=first.site)
        _evaluate(run, exact, leaf.design, best, "site design (LP, integers fixed)")
    return {name: (leaf, solver)}


def _search(
    run: _Run, exact: ModelData, lp: ModelData, best: _Best, lower: float, slack: float
) -> float:
    """Branch and bound on the site-relaxed model (of ``lp``, whose restriction may cost
    ``slack`` [$M]) with bounds from the incumbent; return the new lower bound [$M] (``best``
    updated when the search finds a cheaper design, evaluated on ``exact``)."""
    run.progress(
        f"gap {100 * (best.cost - lower) / best.cost:.2f}% > "
        f"{100 * run.options.mip_rel_gap:g}%: MILP search from the incumbent"
    )
    tight = replace(lp.site_relaxed(), bounds=compute_bounds(exact, best.cost))
    m, r = run.solve(tight, "MILP search", start=best.design.start)
    if r.has_solution:
        design = round_design(m, exact)
        _evaluate(run, exact, design, best, "MILP design (LP, integers fixed)")
    if r.bound == r.bound:  # not NaN
        lower = max(lower, min(r.bound - slack, best.cost))
    return lower
