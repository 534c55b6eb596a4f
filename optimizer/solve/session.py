"""One LP relaxation in HiGHS, re-solved warm under different fixings of a few integers.

The strategy (:mod:`optimizer.solve.strategy`) bounds the problem by *branching by hand* on the
few decisions the LP relaxation gets most wrong (which reservoir sites are built, which
candidate hosts the compute site): every combination is the same LP with some column bounds
changed. Compiling the model once and changing only bounds lets dual simplex start from the
previous basis, so each variant costs a fraction of a fresh solve.

Every variant is a restriction of the LP relaxation to a part of the integer decisions; the
parts cover every design, so the smallest variant optimum is a valid lower bound.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pyomo.environ as pyo

from optimizer.solve.highs import (
    SolveOptions,
    SolveResult,
    basis_bytes,
    prepare,
    read_basis_file,
    run_and_load,
)


class LpSession:
    """The LP relaxation of ``model`` compiled once; :meth:`solve` re-solves it with some
    variables fixed (bounds changed, then restored), warm from the previous basis."""

    def __init__(self, model: pyo.ConcreteModel, options: SolveOptions):
        self.model, self.options = model, replace(options, live=False)
        self.h, self.repn, self.lp, self.integer, self.compile_s = prepare(
            model, self.options, relax=True
        )
        self.pos = {id(v): i for i, v in enumerate(self.repn.columns)}
        self.row_pos = {id(r[0]): i for i, r in enumerate(self.repn.rows)}
        self.lower = np.asarray(self.lp.col_lower_, dtype=float).copy()
        self.upper = np.asarray(self.lp.col_upper_, dtype=float).copy()
        self.row_lower = np.asarray(self.lp.row_lower_, dtype=float).copy()
        self.row_upper = np.asarray(self.lp.row_upper_, dtype=float).copy()

    def index(self, var) -> int | None:
        """Column of ``var`` (None when presolve-free compilation removed it: a fixed var)."""
        return self.pos.get(id(var))

    def row_duals(self, constraints) -> np.ndarray:
        """The last solve's dual value of each constraint data of ``constraints`` (0 for one
        the compilation dropped, e.g. a row without variables)."""
        dual = np.asarray(self.h.getSolution().row_dual, dtype=float)
        rows = [self.row_pos.get(id(c)) for c in constraints]
        return np.array([0.0 if i is None else dual[i] for i in rows])

    def read_basis(self, content: bytes | None) -> None:
        """Start the next solve from a saved basis file's ``content`` (one of another model is
        refused by HiGHS: the solve then starts cold; a basis never changes the answer)."""
        if content:
            read_basis_file(self.h, content)

    def basis_bytes(self) -> bytes | None:
        """The current basis as a HiGHS basis file (``lp_relaxation.bas`` of a run folder)."""
        return basis_bytes(self.h)

    def solve(
        self,
        fixes: Sequence[tuple[object, float, float]],
        stage: str,
        time_limit_s: float,
        fresh: bool = False,
        row_scale: Sequence[tuple[object, float]] = (),
    ) -> SolveResult:
        """Solve with every ``(variable, lower, upper)`` of ``fixes`` as its bounds, warm from
        the previous solve's basis; load the values into the Pyomo model; restore the bounds
        afterwards.

        ``fresh``: solve from scratch instead (presolve then removes what ``fixes`` fixed; an
        LP with every integer fixed solves 1.5-4x faster that way than warm from the basis of
        another design, measured on 10,000 parcels), and keep the previous basis for the next
        warm solve. ``row_scale``: ``(constraint, k)`` pairs whose row bounds are multiplied by
        k for this solve (a right-hand side proportional to a figure, e.g. the target), then
        restored."""
        cols = [(self.index(v), float(lo), float(hi)) for v, lo, hi in fixes]
        cols = [c for c in cols if c[0] is not None]
        idx = np.array([c[0] for c in cols], dtype=np.int32)
        lo = np.array([c[1] for c in cols], dtype=float)
        hi = np.array([c[2] for c in cols], dtype=float)
        # HiGHS's time limit counts the instance's run time over every solve so far
        self.h.setOptionValue("time_limit", float(self.h.getRunTime()) + float(time_limit_s))
        if len(idx):
            self.h.changeColsBounds(len(idx), idx, lo, hi)
        rows = [(self.row_pos[id(c)], float(k)) for c, k in row_scale if id(c) in self.row_pos]
        for i, k in rows:
            self.h.changeRowBounds(i, self.row_lower[i] * k, self.row_upper[i] * k)
        kept = self.h.getBasis() if fresh else None
        if fresh:
            self.h.clearSolver()
        try:
            return run_and_load(self.h, self.repn, self.lp, self.integer, self.options, stage, 0.0)
        finally:
            if len(idx):
                self.h.changeColsBounds(len(idx), idx, self.lower[idx], self.upper[idx])
            for i, _k in rows:
                self.h.changeRowBounds(i, self.row_lower[i], self.row_upper[i])
            if kept is not None and kept.valid:
                self.h.setBasis(kept)
