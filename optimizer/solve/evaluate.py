"""Exact evaluation of designs: the LP with every integer fixed, in a compiled session.

Every design the strategy finds is evaluated on the exact time steps at its compute site. When
the root LP models the site choice (:meth:`Evaluator.use_root`), that compiled LP serves: the
design's site and integer columns are fixed by their bounds (parcels bought, reservoirs built,
chips per type; Li-ion at zero when the design leaves it out). Otherwise the model of the site
is compiled once (:class:`~optimizer.solve.session.LpSession`) and serves every design there.
Each evaluation starts from the session's basis, or, with many parcels, is solved afresh
(:data:`FRESH_MIN_PARCELS`). A design's cost is that LP's optimum after letting go of bought
parcels that carry nothing (:func:`~optimizer.solve.design.release_empty_parcels`). The values
of the cheapest design are kept (:meth:`Evaluator.restore` writes them back into its model),
since later solves in the same session overwrite the model's values.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import pyomo.environ as pyo

from optimizer.model.build import build_model
from optimizer.model.data import ModelData
from optimizer.model.registry import integer_decisions
from optimizer.solve.design import Design, release_empty_parcels
from optimizer.solve.highs import SolveResult
from optimizer.solve.relaxation import site_fix
from optimizer.solve.session import LpSession

#: from this many parcels on, designs are evaluated by a fresh solve of the session's LP
#: (presolve drops the parcels not bought): on 10,000 parcels 1.6-1.8 s against 2.5-6.9 s warm
#: from the basis of another design; on the embedded 120 parcels 0.7-1.4 s against 0.1-0.5 s
FRESH_MIN_PARCELS = 1_000


@dataclass
class Evaluated:
    """One evaluated design: its cost [$M], model, data, solver result and column values."""

    cost: float
    model: pyo.ConcreteModel
    data: ModelData
    result: SolveResult
    design: Design
    values: np.ndarray
    session: LpSession


class Evaluator:
    """The LP with integers fixed, one compiled session per compute site of ``data``."""

    def __init__(self, run, data: ModelData):
        self.run, self.data, self.sessions = run, data, {}
        self.root = None

    def use_root(self, root) -> None:
        """Evaluate in ``root`` (a :class:`~optimizer.solve.relaxation.Solver` on exact steps
        whose model keeps the site choice) from now on: the design's site and integers fixed
        by bounds there, warm from the branching's bases. A design it cannot express exactly
        (a column the root fixed, e.g. a chip type its LP leaves out, at another value) still
        gets a session of its site."""
        if root.site_choice and not root.aggregated:  # merged steps evaluate nothing
            self.root = root

    def _fits(self, session: LpSession, fixes: list) -> bool:
        return all(session.index(v) is not None or (v.fixed and v.value == lo)
                   for v, lo, _ in fixes)  # fmt: skip

    def _session(self, site: int | None) -> tuple[LpSession, ModelData]:
        if site not in self.sessions:
            at = self.data.at_site(site)
            t = time.perf_counter()
            m = build_model(at)
            self.run.build_s += time.perf_counter() - t
            t = time.perf_counter()
            self.sessions[site] = (LpSession(m, self.run.options), at)
            self.run.solve_s += time.perf_counter() - t
        return self.sessions[site]

    def evaluate(self, design: Design, name: str) -> Evaluated | None:
        """Solve ``design`` exactly; None when it has no feasible operation."""
        fixes, rows = None, ()
        if self.root is not None and design.site is not None:
            session, at = self.root.session, self.root.data
            fixes = _fixes(session.model, design) + site_fix(session.model, design.site)
            fixes = fixes if self._fits(session, fixes) else None
            rows = self._full_target(session.model, at)
        if fixes is None:
            session, at, rows = *self._session(design.site), ()
            fixes = _fixes(session.model, design)
        m = session.model
        t = time.perf_counter()
        fresh = len(at.land.ids) >= FRESH_MIN_PARCELS
        r = session.solve(fixes, name, self.run.left_s(), fresh=fresh, row_scale=rows)
        self.run.solve_s += time.perf_counter() - t
        self.run.log(r, time.perf_counter() - t)
        if not r.has_solution:
            return None
        freed = release_empty_parcels(m, at)
        cost = float(pyo.value(m.total_cost))  # without the parcels let go
        values = np.array([v.value if v.value is not None else math.nan for v in _columns(session)])
        for p in freed:  # the session's bounds, not Pyomo's, fix the next design
            m.land.buy[p].unfix()
        return Evaluated(cost, m, at, r, design, values, session)

    def _full_target(self, m: pyo.ConcreteModel, at: ModelData) -> tuple:
        """The target row of the root model ``m`` scaled back to the full target: a relaxation
        may lower it (:func:`~optimizer.strategy.relaxation_data`), an evaluation never does
        (the types the relaxation leaves out are fixed at zero there, so a design with any of
        them gets a session of its own, :meth:`_fits`)."""
        full, built = self.data.compute.target_pflops, at.compute.target_pflops
        if built >= full or m.compute.component("target") is None:
            return ()
        return ((m.compute.target, full / built),)

    @staticmethod
    def restore(best: Evaluated) -> None:
        """Write ``best``'s values back into its model (later solves at its site overwrote
        them) and fix its integer decisions there (the parcels it let go at zero)."""
        for var, x in zip(_columns(best.session), best.values, strict=True):
            var.set_value(None if math.isnan(x) else float(x), skip_validation=True)
        for var, expr in getattr(best.session.repn, "eliminated_vars", []) or []:
            var.set_value(pyo.value(expr), skip_validation=True)
        for var in integer_decisions(best.model).values():  # as fixed for the evaluation
            for v in var.values():
                v.fix(round(v.value or 0.0))


def _fixes(m: pyo.ConcreteModel, design: Design) -> list:
    """Bound fixes of ``design``'s integer decisions in ``m`` and of the sizes of the
    components it leaves out (``Component.switch_off``, e.g. Li-ion) at zero."""
    fixes = [(var, v, v) for var, v in design.start(m)]
    return fixes + [(var, 0.0, 0.0) for var in design.switched_off(m)]


def _columns(session: LpSession) -> list:
    return list(session.repn.columns)
