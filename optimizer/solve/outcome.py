"""What a HiGHS run proves: its model status read as an enum, and the bound that follows.

A lower bound is a bound only when the solver proved it (an LP's optimum, a MILP's dual bound);
a primal point of an LP stopped early lies above its optimum and bounds nothing. The search
(:mod:`optimizer.solve.strategy`) reads only :class:`Outcome` and the bound of
:func:`proven_bound`, never HiGHS's words.
"""

from __future__ import annotations

import enum

import numpy as np


class Outcome(enum.Enum):
    """What a solve proves, read from HiGHS's model status (an enum, never its words).

    - ``OPTIMAL``: an LP's value is its optimum (so a lower bound of every design the LP
      covers); a MILP's incumbent is proven within ``mip_rel_gap``;
    - ``INFEASIBLE``: nothing the model covers is feasible (HiGHS's "infeasible", or
      "unbounded or infeasible" for a model whose objective is bounded below, see
      :func:`classify`);
    - ``STOPPED``: a limit or an interruption ended the run (time, iterations, solutions); an
      LP proves nothing then, a MILP's dual bound still holds;
    - ``FAILED``: anything else (numerical trouble, a solve error, an unknown status);
      proves nothing.

    An ``OPTIMAL`` LP whose unscaled primal residuals exceed
    :data:`optimizer.solve.highs.ACCEPT_PRIMAL_INFEASIBILITY` keeps its bound (HiGHS proved
    optimality of the scaled LP, within its tolerances) but has no solution to load
    (``SolveResult.has_solution`` False): it is no design.
    """

    OPTIMAL = "optimal"
    INFEASIBLE = "infeasible"
    STOPPED = "stopped"
    FAILED = "failed"


def classify(model_status, bounded_below: bool) -> Outcome:
    """The :class:`Outcome` of HiGHS's ``HighsModelStatus``.

    ``bounded_below``: every cost coefficient and every column's lower bound is >= 0, so the
    objective is >= 0 on every feasible point and "unbounded or infeasible" can only mean
    infeasible (zopt's models: costs and sizes are non-negative)."""
    import highspy

    s = highspy.HighsModelStatus
    if model_status == s.kOptimal:
        return Outcome.OPTIMAL
    if model_status == s.kInfeasible or (model_status == s.kUnboundedOrInfeasible
                                         and bounded_below):  # fmt: skip
        return Outcome.INFEASIBLE
    if model_status in (s.kTimeLimit, s.kIterationLimit, s.kSolutionLimit, s.kInterrupt):
        return Outcome.STOPPED
    return Outcome.FAILED


def proven_bound(outcome: Outcome, is_mip: bool, objective: float, dual_bound: float) -> float:
    """The lower bound [$M] a solve proves (see :class:`SolveResult`; NaN: none)."""
    if outcome is Outcome.INFEASIBLE:
        return float("inf")
    if is_mip and outcome in (Outcome.OPTIMAL, Outcome.STOPPED):
        return float(dual_bound)
    if not is_mip and outcome is Outcome.OPTIMAL:
        return float(objective)
    return float("nan")


def bounded_below(lp) -> bool:
    """Whether the objective of ``lp`` is >= its offset on every feasible point (every cost
    coefficient and column lower bound >= 0)."""
    cost = np.asarray(lp.col_cost_, dtype=float)
    lower = np.asarray(lp.col_lower_, dtype=float)
    return bool(np.all(cost >= 0) and np.all(lower >= 0))
