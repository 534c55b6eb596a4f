"""The state of one solve: clock, stage log, incumbent and proven lower bound.

Every stage of the search (:mod:`optimizer.solve.strategy`) reads and changes one
:class:`Search`: it asks for the time left, logs each HiGHS call, offers designs to the
incumbent (:meth:`Search.offer`) and raises the lower bound (:meth:`Search.prove`). The
incumbent is the cheapest design evaluated exactly (the LP with every integer fixed), so its
cost is an upper bound of the optimum; the lower bound only ever comes from a proven bound of a
relaxation (:attr:`optimizer.solve.highs.SolveResult.bound`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyomo.environ as pyo

from optimizer.errors import CheckFailedError
from optimizer.model.data import ModelData
from optimizer.solve.design import Design
from optimizer.solve.highs import SolveOptions, SolveResult

#: a lower bound may exceed the incumbent's cost by this share of it (LP feasibility and
#: optimality tolerances of 1e-7 on values of up to 1e5 $M) before it is called wrong
BOUND_TOLERANCE = 1e-6


@dataclass
class Incumbent:
    """The cheapest evaluated design: its cost [$M], model, data, result and design."""

    cost: float = math.inf
    model: pyo.ConcreteModel | None = None
    data: ModelData | None = None
    result: SolveResult | None = None
    design: Design | None = None
    evaluated: object = None  # optimizer.solve.evaluate.Evaluated


class WrongBoundError(CheckFailedError):
    """A lower bound above the cost of a design that passed its exact evaluation: one of the
    two is wrong, so nothing is proven (exit 4)."""


class Search:
    """Clock, stage log, incumbent and lower bound of one solve (see the module docstring)."""

    def __init__(self, options: SolveOptions, progress: Callable[[str], None]):
        self.options, self.progress = options, progress
        self.t0 = time.perf_counter()
        self.build_s = self.solve_s = 0.0
        self.stages: list[dict] = []
        self.best = Incumbent()
        self.lower = 0.0  # every cost term is >= 0
        self.evaluator = None  # optimizer.solve.evaluate.Evaluator, set by the strategy
        #: (step lengths [h], block starts) of the root's aggregated LP, when it had one
        self.partition: tuple[np.ndarray, np.ndarray] | None = None

    def partition_for(self, data: ModelData) -> np.ndarray | None:
        """The root's final blocks (start indices) when ``data`` has the root's steps (the
        first blocks of a group's aggregated LP, :func:`~optimizer.solve.relaxation.aggregated`),
        else None."""
        if self.partition is None:
            return None
        weights, starts = self.partition
        same = len(weights) == data.hours and np.array_equal(weights, data.weights_h)
        return starts if same else None

    def left_s(self) -> float:
        """Seconds left of the whole solve's time limit (at least 1)."""
        return max(self.options.time_limit_s - (time.perf_counter() - self.t0), 1.0)

    def out_of_time(self) -> bool:
        """Whether the whole solve's time limit has passed (later solves are skipped)."""
        return time.perf_counter() - self.t0 >= self.options.time_limit_s

    def skip(self, stage: str) -> None:
        """Record a solve skipped because the time limit had passed (it proves nothing)."""
        self.stages.append({"stage": stage, "status": "not solved: time limit", "outcome":
                            "stopped", "objective_musd": None, "bound_musd": None,
                            "seconds": 0.0, "rows": 0, "integer_columns": 0,
                            "time_limit_reached": True, "note": "skipped"})  # fmt: skip

    def log(self, r: SolveResult, seconds: float, note: str = "") -> None:
        """Record one solver call: its outcome, objective, proven bound and seconds."""
        self.stages.append(
            {
                "stage": r.stage,
                "status": r.status,
                "outcome": r.outcome.value,
                "objective_musd": r.objective if math.isfinite(r.objective) else None,
                "bound_musd": r.bound if math.isfinite(r.bound) else None,
                "seconds": seconds,
                "rows": r.rows,
                "integer_columns": r.integers,
                "time_limit_reached": r.time_limit_reached,
                "note": note,
            }
        )

    def prove(self, bound: float) -> None:
        """Raise the lower bound to ``bound`` [$M] (a proven bound of the whole problem)."""
        if bound == bound:  # not NaN
            self.lower = max(self.lower, bound)

    def offer(self, design: Design | None, name: str) -> None:
        """Evaluate ``design`` exactly (:class:`~optimizer.solve.evaluate.Evaluator`) and keep
        it when it is cheaper than the incumbent."""
        if design is None:
            return
        if self.out_of_time():
            self.skip(name)
            return
        e = self.evaluator.evaluate(design, name)
        if e is not None and e.cost < self.best.cost:
            self.best = Incumbent(e.cost, e.model, e.data, e.result, design, e)

    def target(self) -> float:
        """The bound [$M] a branch must reach to be pruned: the incumbent less the gap."""
        return self.best.cost * (1 - self.options.mip_rel_gap)

    def closed(self) -> bool:
        """Whether the incumbent is proven within ``mip_rel_gap``."""
        return self.best.cost < math.inf and self.lower >= self.target()

    def gap(self) -> float:
        """The proven relative gap ``(upper - lower) / upper``.

        Raises :class:`WrongBoundError` when the lower bound exceeds the incumbent's cost by
        more than :data:`BOUND_TOLERANCE` (never reported as "optimal"); within it, the gap is
        0."""
        upper = self.best.cost
        if self.lower > upper + BOUND_TOLERANCE * max(abs(upper), 1.0):
            raise WrongBoundError(
                f"the proven lower bound {self.lower:,.6f} $M exceeds the cost of a checked "
                f"design, {upper:,.6f} $M: a bound is wrong, so no gap is proven"
            )
        return max(upper - self.lower, 0.0) / max(abs(upper), 1e-9)
