"""Solve a Pyomo model with HiGHS through a direct matrix hand-off.

Pyomo's ``LinearStandardFormCompiler`` turns the model into ``A``, ``rhs``, ``c`` (scipy/numpy);
the matrix goes to ``highspy`` in one ``passModel`` call (about 3x faster than Pyomo's persistent
HiGHS interface on 8,760-hour models, see ``../shared/reference/performance-notes.md``), and the
solution is written back into the Pyomo variables.

Before the hand-off every coefficient, bound and right-hand side is checked against HiGHS's
limits (bounds >= 1e20 are infinite, coefficients >= 1e15 are rejected): a model that would be
silently altered is refused instead.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pyomo.environ as pyo
from pyomo.common.errors import InfeasibleConstraintException

from optimizer.solve.outcome import Outcome, bounded_below, classify, proven_bound
from optimizer.solve.progress import live_progress

HIGHS_INF = 1e20
MAX_ABS_COEFFICIENT = 1e12  # well inside HiGHS's 1e15 rejection limit
MAX_ABS_BOUND = 1e12
#: largest unscaled primal infeasibility [model units] accepted from an LP that HiGHS reports
#: "Optimal" (it solves the scaled LP; unscaling may leave residuals around 1e-6)
ACCEPT_PRIMAL_INFEASIBILITY = 1e-5


@dataclass
class SolveOptions:
    """HiGHS options recorded with every run."""

    time_limit_s: float = 300.0
    mip_rel_gap: float = 1e-2
    threads: int = 1
    random_seed: int = 0
    presolve: str = "on"
    lp_solver: str = "choose"  # HiGHS "solver" option for pure LPs: choose | simplex | ipm
    run_crossover: str = "on"
    log_to_console: bool = False
    live: bool = False  # a live progress line on stderr (optimizer.solve.progress)

    def as_dict(self) -> dict:
        """Return the options as a plain dict (for the run manifest)."""
        return dict(vars(self))


@dataclass
class SolveResult:
    """What the solver said: status words, objective [$M], bound, gap and timings [s].

    ``outcome`` (:class:`Outcome`) is what the solve proves; ``status`` HiGHS's words, for
    people. ``bound`` [$M] is a proven lower bound of the model's optimum or NaN when the
    solve proves none: an LP's optimum (``OPTIMAL`` only: a primal feasible point of an LP
    stopped early lies *above* its optimum and bounds nothing), a MILP's dual bound (``OPTIMAL``
    or ``STOPPED``), +inf when ``INFEASIBLE``. ``has_solution``: a primal solution whose values
    were loaded (its objective is the cost of a feasible point, an upper bound).
    """

    status: str
    has_solution: bool
    objective: float
    bound: float
    mip_gap: float
    compile_s: float
    solve_s: float
    rows: int
    columns: int
    integers: int
    highs_version: str
    time_limit_reached: bool = False
    stage: str = ""
    outcome: Outcome = Outcome.FAILED

    @property
    def optimal(self) -> bool:
        """Whether the solve proved its optimum (see :class:`Outcome`)."""
        return self.outcome is Outcome.OPTIMAL

    @property
    def infeasible(self) -> bool:
        """Whether the solve proved the model infeasible."""
        return self.outcome is Outcome.INFEASIBLE


class ScalingError(RuntimeError):
    """A coefficient or bound would reach HiGHS's limits (a units mistake in the model)."""


def _check_magnitudes(repn, lb: np.ndarray, ub: np.ndarray) -> None:
    worst = []
    if repn.A.nnz and np.abs(repn.A.data).max() >= MAX_ABS_COEFFICIENT:
        worst.append(f"constraint coefficient {np.abs(repn.A.data).max():.3g}")
    c = repn.c.toarray().ravel() if hasattr(repn.c, "toarray") else np.asarray(repn.c).ravel()
    if c.size and np.abs(c).max() >= MAX_ABS_COEFFICIENT:
        worst.append(f"objective coefficient {np.abs(c).max():.3g}")
    rhs = np.asarray(repn.rhs, dtype=float)
    if rhs.size and np.abs(rhs).max() >= MAX_ABS_BOUND:
        worst.append(f"right-hand side {np.abs(rhs).max():.3g}")
    finite = np.concatenate([lb[np.isfinite(lb)], ub[np.isfinite(ub)]])
    if finite.size and np.abs(finite).max() >= MAX_ABS_BOUND:
        worst.append(f"variable bound {np.abs(finite).max():.3g}")
    if worst:
        raise ScalingError(
            "model values too large for HiGHS (units not scaled?): " + "; ".join(worst)
        )


def _row_bounds(repn) -> tuple[np.ndarray, np.ndarray]:
    rhs = np.asarray(repn.rhs, dtype=float)
    sense = np.array([r[1] for r in repn.rows], dtype=int)
    lower = np.where(sense >= 0, -np.inf, rhs)
    lower = np.where(sense == 0, rhs, lower)
    upper = np.where(sense <= 0, np.inf, rhs)
    upper = np.where(sense == 0, rhs, upper)
    return lower, upper


def _compile(model: pyo.ConcreteModel):
    from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

    repn = LinearStandardFormCompiler().write(model, mixed_form=True)
    cols = repn.columns
    lb = np.array([-np.inf if v.lb is None else v.lb for v in cols], dtype=float)
    ub = np.array([np.inf if v.ub is None else v.ub for v in cols], dtype=float)
    integer = np.array([v.is_integer() or v.is_binary() for v in cols], dtype=bool)
    return repn, lb, ub, integer


def _highs_lp(repn, lb, ub, integer):
    import highspy

    inf = highspy.kHighsInf
    A = repn.A.tocsc()
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = A.shape[1], A.shape[0]
    c = repn.c.toarray().ravel() if hasattr(repn.c, "toarray") else np.asarray(repn.c).ravel()
    lp.col_cost_ = c if c.size else np.zeros(A.shape[1])
    lp.offset_ = float(np.asarray(repn.c_offset).ravel()[0]) if np.size(repn.c_offset) else 0.0
    lp.col_lower_ = np.where(np.isfinite(lb), lb, -inf)
    lp.col_upper_ = np.where(np.isfinite(ub), ub, inf)
    rl, ru = _row_bounds(repn)
    lp.row_lower_ = np.where(np.isfinite(rl), rl, -inf)
    lp.row_upper_ = np.where(np.isfinite(ru), ru, inf)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = A.indptr.astype(np.int32)
    lp.a_matrix_.index_ = A.indices.astype(np.int32)
    lp.a_matrix_.value_ = A.data.astype(float)
    if integer.any():
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
            for i in integer
        ]
    return lp


@contextmanager
def _stdout_silenced(enabled: bool):
    """Silence C-level stdout (HiGHS prints a banner when constructed, before any option)."""
    if not enabled:
        yield
        return
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def new_highs(quiet: bool = True):
    """Return a ``highspy.Highs`` instance, without its banner when ``quiet``."""
    import highspy

    with _stdout_silenced(quiet):
        h = highspy.Highs()
        h.setOptionValue("output_flag", not quiet)
    return h


def _status_words(h) -> str:
    return h.modelStatusToString(h.getModelStatus())


def _set_start(h, repn, start: Sequence) -> None:
    """Hand HiGHS a starting point: (variable, value) pairs for some columns (a MIP start;
    HiGHS fixes the given integer columns and solves for the rest, keeping a feasible result)."""
    pos = {id(v): i for i, v in enumerate(repn.columns)}
    pairs = [(pos[id(v)], float(x)) for v, x in start if id(v) in pos]
    if pairs:
        index, value = zip(*pairs, strict=True)
        h.setSolution(len(pairs), np.array(index, dtype=np.int32), np.array(value))


def prepare(model: pyo.ConcreteModel, options: SolveOptions, relax: bool = False):
    """Compile ``model`` and hand it to a new HiGHS instance with ``options``.

    Returns ``(highs, repn, lp, integer, compile_s)``; ``relax`` drops integrality. Raises
    :class:`ScalingError` when a value is out of range.
    """
    t0 = time.perf_counter()
    repn, lb, ub, integer = _compile(model)
    if relax:
        integer = np.zeros_like(integer)
    _check_magnitudes(repn, lb, ub)
    lp = _highs_lp(repn, lb, ub, integer)
    compile_s = time.perf_counter() - t0
    h = new_highs(quiet=not options.log_to_console)
    h.setOptionValue("time_limit", float(options.time_limit_s))
    h.setOptionValue("mip_rel_gap", float(options.mip_rel_gap))
    h.setOptionValue("threads", int(options.threads))
    h.setOptionValue("random_seed", int(options.random_seed))
    h.setOptionValue("presolve", options.presolve)
    if not integer.any():
        h.setOptionValue("solver", options.lp_solver)
        h.setOptionValue("run_crossover", options.run_crossover)
    h.passModel(lp)
    return h, repn, lp, integer, compile_s


def run_and_load(h, repn, lp, integer, options: SolveOptions, stage: str, compile_s: float,
                 load: bool = True) -> SolveResult:  # fmt: skip
    """Run HiGHS (with the live progress line when asked), load the solution into the Pyomo
    variables (``load``) and return what the solver said. An LP that HiGHS calls optimal with
    unscaled residuals up to :data:`ACCEPT_PRIMAL_INFEASIBILITY` counts as solved (the
    independent check replays it with its own tolerances)."""
    import highspy

    t1 = time.perf_counter()
    with live_progress(
        h, stage=stage or "solve", enabled=options.live and not options.log_to_console, unit="$M"
    ):
        h.run()
    solve_s = time.perf_counter() - t1
    info = h.getInfo()
    has_solution = info.primal_solution_status == 2 or (
        h.getModelStatus() == highspy.HighsModelStatus.kOptimal
        and info.primal_solution_status == 1
        and info.max_primal_infeasibility <= ACCEPT_PRIMAL_INFEASIBILITY
    )
    if has_solution and load:
        values = np.asarray(h.getSolution().col_value)
        for var, x in zip(repn.columns, values, strict=True):
            var.set_value(float(x), skip_validation=True)
        for var, expr in getattr(repn, "eliminated_vars", []) or []:
            var.set_value(pyo.value(expr), skip_validation=True)
    is_mip = bool(integer.any())
    words = _status_words(h)
    outcome = classify(h.getModelStatus(), bounded_below(lp))
    bound = proven_bound(outcome, is_mip, info.objective_function_value, info.mip_dual_bound)
    return SolveResult(
        status=words,
        has_solution=has_solution,
        objective=float(info.objective_function_value) if has_solution else float("nan"),
        bound=bound,
        mip_gap=float(info.mip_gap) if is_mip and has_solution else 0.0,
        compile_s=compile_s,
        solve_s=solve_s,
        rows=int(lp.num_row_),
        columns=int(lp.num_col_),
        integers=int(integer.sum()),
        highs_version=f"{h.version()} (git {h.githash()})",
        time_limit_reached=h.getModelStatus() == highspy.HighsModelStatus.kTimeLimit,
        stage=stage,
        outcome=outcome,
    )


def solve_model(
    model: pyo.ConcreteModel,
    options: SolveOptions | None = None,
    start: Sequence | None = None,
    relax: bool = False,
    stage: str = "",
    basis: dict | None = None,
) -> SolveResult:
    """Solve ``model`` with HiGHS and load the variable values back into it.

    ``start``: (Pyomo variable, starting value) pairs (see :func:`_set_start`); ``relax``:
    solve the LP relaxation (integer columns continuous); ``basis``: ``{"in": bytes or None}``
    a HiGHS basis file of the same model to start from (ignored when it does not fit), and
    ``basis["out"]`` receives this solve's basis. Raises :class:`ScalingError` before calling
    HiGHS when a value is out of range.
    """
    options = options or SolveOptions()
    try:
        h, repn, lp, integer, compile_s = prepare(model, options, relax)
    except InfeasibleConstraintException as exc:  # e.g. a fixed design beyond a limit
        return trivially_infeasible(stage, exc)
    if start:
        _set_start(h, repn, start)
    if basis is not None and basis.get("in"):
        read_basis_file(h, basis["in"])
    result = run_and_load(h, repn, lp, integer, options, stage, compile_s)
    if basis is not None:
        basis["out"] = basis_bytes(h)
    return result


def trivially_infeasible(stage: str, exc: Exception) -> SolveResult:
    """The result of a model Pyomo refuses to compile because a constraint whose variables
    are all fixed is violated (status ``Infeasible``, no solution; HiGHS not called)."""
    return SolveResult(f"Infeasible ({exc})", False, float("nan"), float("inf"), 0.0, 0.0, 0.0,
                       0, 0, 0, "", stage=stage, outcome=Outcome.INFEASIBLE)  # fmt: skip


def read_basis_file(h, content: bytes) -> None:
    """Start from a saved basis; one of another model (other sizes) is refused by HiGHS and
    the solve starts cold (a basis only changes where the simplex starts, never the answer)."""
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".bas") as f:
        f.write(content)
        f.flush()
        with _stdout_silenced(True):
            h.readBasis(f.name)


def basis_bytes(h) -> bytes | None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = f"{tmp}/lp.bas"
        with _stdout_silenced(True):
            h.writeBasis(path)
        try:
            with open(path, "rb") as f:
                return f.read()
        except OSError:
            return None
