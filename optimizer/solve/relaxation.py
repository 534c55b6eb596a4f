"""LP relaxations the search bounds with: a compiled LP (:class:`Solver`) and its aggregated
form on merged time steps, refined where energy has a price (:func:`aggregated`).

**Solver.** One LP relaxation compiled once (:class:`~optimizer.solve.session.LpSession`) plus
the search's stage log; :meth:`Solver.bound` turns a solve into a proven bound (an optimal LP's
optimum, +inf for a proven infeasible one, -inf for anything else: nothing proven).

**Aggregated LPs.** Merging consecutive time steps is a relaxation
(:mod:`optimizer.model.steps`): every hourly solution, its flows averaged over the blocks,
stays feasible, so the merged LP's optimum is a lower bound of every design the LP covers,
whatever blocks are chosen. The choice only decides how *tight* the bound is: when the hourly
LP has an optimal dual that is constant inside each block on every row the merge sums (the
energy balance, the profile limits, the storage levels), that dual is feasible for the merged
LP with the same value, so both optima are equal. The balance duals show where this fails: in
this plant they are zero in most daylight hours (PV is curtailed, energy is free) and nonzero
where energy is scarce (dawn, dusk, cloudy days). So :func:`aggregated` starts from blocks (the
root's final blocks when the steps are the root's, else :data:`START_BLOCK_H`-hour blocks),
solves, and cuts every block whose energy balance has a nonzero dual into its single steps,
until the bound reaches what the caller needs (``stop_at``, e.g. the target that prunes a
branch), no block is cut, a round gains less than :data:`MIN_GAIN`, or :data:`MAX_ROUNDS`
rounds are done. Every round's optimum is a proven bound; a finer partition is a tighter
relaxation, so the bound never falls. The other rows' duals are not checked, so a settled
bound may stay a little below the hourly one.

Measured (benchmarks/RESULTS_search.md): at one compute site of 4,000 spread parcels the
hourly LP takes 15-18 s; blocks from another site's duals 1-1.5 s at 0.3 % below it, two cuts
later 5 s in all at 0.02-0.1 % below. Not in ``peak`` mode (merging is no relaxation there).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import pyomo.environ as pyo

from optimizer.model.build import build_model
from optimizer.model.data import ModelData
from optimizer.model.registry import present
from optimizer.model.steps import block_starts, merge_steps, split_blocks
from optimizer.solve.highs import SolveResult
from optimizer.solve.session import LpSession

#: first blocks [h] of an aggregated LP without an earlier partition (the 4,000 spread parcels'
#: root: 6 h blocks 1,272 steps 0.7 s at 2.5 % below the hourly LP, three cuts later 1,588
#: steps at 0.06 % below, 10 s in all against 16 s hourly)
START_BLOCK_H = 6.0
#: most rounds of an aggregated LP (solve, cut); the measured cases settle in 3-4
MAX_ROUNDS = 5
#: a round that raises the bound by less than this share ends the refinement (the next cut
#: would gain as little; measured gains fall 2 % -> 0.3 % -> 0.05 % -> 0)
MIN_GAIN = 2e-4
#: a balance dual counts as a price when its magnitude exceeds this share of the largest
#: (HiGHS's dual feasibility tolerance is 1e-7; a degenerate zero may show as such noise)
PRICE_SHARE = 1e-6


def _counted(m: pyo.ConcreteModel) -> None:
    """Add ``m.phs.n_built`` = number of built sites (a column whose bounds select a pattern)."""
    if present(m, "pumped_hydro"):
        b = m.phs
        b.n_built = pyo.Var(bounds=(0, len(b.S)))
        b.n_built_def = pyo.Constraint(expr=sum(b.build[s] for s in b.S) == b.n_built)


def site_fix(m: pyo.ConcreteModel, j: int) -> list:
    """Bound fixes that choose compute site ``j`` in ``m``."""
    return [(m.site.choose[i], float(i == j), float(i == j)) for i in m.site.J]


def has_site_choice(m: pyo.ConcreteModel) -> bool:
    """Whether ``m`` models the site choice (a ``site.choose`` column per candidate)."""
    return m.component("site") is not None and m.site.component("choose") is not None


class Solver:
    """An LP relaxation compiled once (:class:`LpSession`) plus the strategy's stage log.

    ``data`` is what the model was built from; ``basis_in``: a saved basis file to start the
    first solve from (ignored when it does not fit); ``starts``: the blocks ``data`` was
    merged on from ``source`` (the data on exact steps; None: ``data`` itself, no merge).
    """

    def __init__(self, run, data: ModelData, name: str, basis_in: bytes | None = None,
                 starts: np.ndarray | None = None, source: ModelData | None = None):  # fmt: skip
        t = time.perf_counter()
        self.m = build_model(data)
        _counted(self.m)
        run.build_s += time.perf_counter() - t
        t = time.perf_counter()
        self.session = LpSession(self.m, run.options)
        self.session.read_basis(basis_in)
        run.solve_s += time.perf_counter() - t
        self.run, self.data, self.name, self.starts = run, data, name, starts
        #: whether the model has the site choice (``site.choose`` columns, one per candidate)
        self.site_choice = has_site_choice(self.m)
        self.source = data if source is None else source  # the data on exact steps
        self.root_objective, self.root_design, self.root_values = float("nan"), None, {}
        self.last: SolveResult | None = None  # the last solve's result

    def site_fix(self, j: int) -> list:
        """Bound fixes that choose compute site ``j`` (the model has the site choice)."""
        return site_fix(self.m, j)

    @property
    def aggregated(self) -> bool:
        """Whether the model is on merged steps (a relaxation: it never evaluates designs)."""
        return self.starts is not None

    def keep_root(self, objective: float, design) -> None:
        """Remember the root solve (its objective [$M], rounded design and reservoir values)
        before later solves overwrite the model's values."""
        self.root_objective, self.root_design = objective, design
        if present(self.m, "pumped_hydro"):
            b = self.m.phs
            self.root_values = {id(v): pyo.value(v) for v in [*b.build.values(), b.n_built]}

    @property
    def root_build_whole(self) -> bool:
        """Whether the root LP built every reservoir site wholly or not at all."""
        return all(abs(x - round(x)) <= 1e-6 for x in self.root_values.values())

    def satisfies(self, fixes: list) -> bool:
        """Whether the root solution meets every ``(variable, lower, upper)`` of ``fixes``."""
        vals = [(self.root_values.get(id(v)), lo, hi) for v, lo, hi in fixes]
        return bool(fixes) and all(x is not None and lo - 1e-9 <= x <= hi + 1e-9
                                   for x, lo, hi in vals)  # fmt: skip

    def solve(self, fixes: list, label: str) -> SolveResult:
        """Solve under ``fixes`` (warm from the last solve's basis) and log the stage."""
        t = time.perf_counter()
        stage = f"{self.name}: {label}" if label else self.name
        r = self.session.solve(fixes, stage, self.run.left_s())
        self.run.solve_s += time.perf_counter() - t
        self.run.log(r, time.perf_counter() - t)
        self.last = r
        return r

    def bound(self, fixes: list, label: str) -> float:
        """Proven LP bound [$M] under ``fixes``: its optimum when HiGHS proves it optimal, inf
        when it proves it infeasible, and -inf for anything else (a time limit, numerical
        trouble: nothing proven, the branch stays open at its parent's bound, and the stage
        log says so; also when the time limit has already passed, without a solve)."""
        if self.run.out_of_time():
            self.run.skip(f"{self.name}: {label}" if label else self.name)
            return float("-inf")
        r = self.solve(fixes, label)
        if r.optimal or r.infeasible:
            return r.bound
        self.run.stages[-1]["note"] = "proves nothing: the branch stays open at its parent's bound"
        return float("-inf")

    def priced(self) -> np.ndarray:
        """Per step of the model, whether the last solve's energy balance has a nonzero dual
        (more energy there would lower the cost; see :data:`PRICE_SHARE`)."""
        m = self.m
        dual = np.abs(self.session.row_duals([m.balance[t] for t in m.T]))
        top = dual.max(initial=0.0)
        return dual > PRICE_SHARE * top if top > 0 else np.zeros(len(dual), dtype=bool)


@dataclass
class Aggregated:
    """The last round of :func:`aggregated`: its ``solver`` (model on ``solver.starts``), the
    proven ``bound`` [$M], the number of ``rounds`` and whether no block was left to cut
    (``settled``: the bound would not rise with more rounds of the same rule)."""

    solver: Solver
    bound: float
    rounds: int
    settled: bool


def aggregated(
    run, data: ModelData, name: str, starts: np.ndarray | None = None, stop_at: float = math.inf
) -> Aggregated | None:
    """Bound every design of ``data`` (its steps the hourly or exact ones) by aggregated LPs
    refined where energy has a price (module docstring); ``starts``: the first partition
    (None: :data:`START_BLOCK_H`-hour blocks); ``stop_at``: a bound [$M] at which to stop.
    None in ``peak`` mode (merging is no relaxation
    there) and when the first blocks merge nothing."""
    if data.compute.mode == "peak":
        return None
    n = data.hours
    starts = block_starts(data, START_BLOCK_H) if starts is None else np.asarray(starts)
    if len(starts) >= n:
        return None
    best, out = -math.inf, None
    for k in range(1, MAX_ROUNDS + 1):
        label = f"{name}, {len(starts):,} of {n:,} steps"
        solver = Solver(run, merge_steps(data, starts), label, starts=starts, source=data)
        value = solver.bound([], "aggregated")
        if value == -math.inf:  # nothing proven: the last proven round stands
            break
        gain = value - best
        best, cut = max(best, value), solver.priced()
        finer = split_blocks(starts, n, cut) if math.isfinite(value) else starts
        out = Aggregated(solver, best, k, len(finer) == len(starts))
        if best >= stop_at or out.settled or gain < MIN_GAIN * abs(best) or run.out_of_time():
            break
        starts = finer
    return out
