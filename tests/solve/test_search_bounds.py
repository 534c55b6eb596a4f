"""A bound is a bound: the search's lower bound never exceeds HiGHS's own optimum of the full
MILP, and its answer is never dearer than that optimum by more than its stated gap.

On random small plants (:mod:`random_plants`: modes, objectives, backup, unserved energy, warm
starts, several chip types, compute sites) the full MILP is solved by HiGHS to a gap of 1e-7
(``method="direct"``) and the search (``method="search"``) to 1e-6:

.. math:: LB_{search} \\le Z^*_{HiGHS} (1 + \\epsilon), \\qquad
          UB_{search} \\le Z^*_{HiGHS} (1 + g_{search}) + \\epsilon

and both agree on infeasibility. ``benchmarks/search_bounds.py`` runs the same check on many
more instances. Plus the reproduced wrong proof of issue 19 in miniature (a chip type cheaper
only in the lifecycle objective) and the status mapping.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from random_plants import LIFECYCLE, random_plant
from tiny import chips, tiny_data

from optimizer.errors import InfeasibleError, NoSolutionError
from optimizer.model.bounds import chip_objective_musd, dominance
from optimizer.solve import relaxation
from optimizer.solve.highs import SolveOptions, SolveResult
from optimizer.solve.outcome import Outcome
from optimizer.solve.strategy import relaxation_data, solve_with_gap

TOL = 1e-6


def outcome(data, method: str, gap: float, start=None):
    """``(lower, upper, gap)`` of a solve, or the error class it raised."""
    try:
        r = solve_with_gap(data, SolveOptions(mip_rel_gap=gap, time_limit_s=120), method,
                           start=start)  # fmt: skip
    except (InfeasibleError, NoSolutionError) as exc:
        return type(exc)
    return r.lower_bound, r.upper_bound, r.gap


def check_seed(seed: int) -> str:
    """Solve plant ``seed`` both ways; return "" when every bound holds, else what broke."""
    data, start = random_plant(seed)
    ref = outcome(data, "direct", 1e-7)
    got = outcome(random_plant(seed)[0], "search", 1e-6, start)
    if ref is InfeasibleError or got is InfeasibleError:
        return "" if ref == got else f"seed {seed}: direct {ref}, search {got}"
    if not isinstance(ref, tuple) or not isinstance(got, tuple):
        return f"seed {seed}: direct {ref}, search {got}"
    (_, opt, gap_ref), (lo, up, gap) = ref, got
    if gap_ref > 1e-6:
        return ""  # HiGHS did not prove its optimum: nothing to compare with
    if lo > opt * (1 + TOL) + TOL:
        return f"seed {seed}: search lower bound {lo:.6f} > optimum {opt:.6f}"
    if up > opt * (1 + gap + TOL) + TOL:
        return f"seed {seed}: search answer {up:.6f} > optimum {opt:.6f} + gap {gap:.2e}"
    return ""


@pytest.mark.parametrize("block", range(4))
def test_search_bounds_hold_on_random_plants(block):
    bad = [msg for seed in range(block * 10, block * 10 + 10) if (msg := check_seed(seed))]
    assert not bad, "\n".join(bad)


def _hot_cool(objective):
    """Issue 19 in miniature: HOT and COOL deliver 1 PFLOPS each; HOT draws 2 kW for $5,000,
    COOL 1 kW for $16,700; the hall costs 11.7 $/W, so both cost $28,400 of capital with
    their hall and COOL dominates in capital. Under ``lifecycle`` chips weigh about 3x (a
    5-year life over 30) and the hall about 1.2x, so HOT is the cheaper chip; PV is cheap."""
    cf = [0, 0, 0, 0, 0, 0, 0.4, 0.9, 1.0, 0.8, 0.5, 0.2] * 2
    data = tiny_data(cf, target_pflops=100.0, mode="average", max_mw=(3.0, 3.0))
    data.pv.musd_per_mw_dc = 0.1
    data.compute = chips(["HOT", "COOL"], [1, 1], [2, 1], [5_000, 16_700], 100.0, "average")
    data.compute.hall_musd_per_mw_it = 11.7
    if objective == "lifecycle":
        data.lifecycle = LIFECYCLE
    return data


def test_capital_dominance_is_not_objective_dominance():
    capex, life = _hot_cool("capex"), _hot_cool("lifecycle")
    assert dominance(capex) == ([1], 1.0)  # COOL dominates HOT in capital and power
    assert dominance(life) == ([0, 1], 0.0)  # under lifecycle HOT is cheaper: both run
    unit = chip_objective_musd(life)
    assert unit[0] < unit[1]


def test_the_hot_chip_wins_under_lifecycle_and_the_bound_holds():
    data = _hot_cool("lifecycle")
    _, opt, _ = outcome(data, "direct", 1e-7)
    lo, up, gap = outcome(_hot_cool("lifecycle"), "search", 1e-6)
    assert lo <= opt * (1 + TOL)
    assert up <= opt * (1 + gap + TOL)
    r = solve_with_gap(_hot_cool("lifecycle"), SolveOptions(mip_rel_gap=1e-6), "search")
    assert r.design.count[0] > 0  # HOT chips bought


def test_the_lowered_target_keeps_the_pruned_model_a_relaxation():
    data = _hot_cool("capex")
    lp = relaxation_data(data)
    assert lp.compute.runs == (1,)
    assert lp.compute.target_pflops == pytest.approx(99.0)
    lo, up, gap = outcome(data, "search", 1e-6)
    _, opt, _ = outcome(_hot_cool("capex"), "direct", 1e-7)
    assert lo <= opt * (1 + TOL) and up <= opt * (1 + gap + TOL)


def _result(outcome_: Outcome, objective: float) -> SolveResult:
    bound = {Outcome.OPTIMAL: objective, Outcome.INFEASIBLE: float("inf")}.get(outcome_, np.nan)
    return SolveResult(outcome_.value, outcome_ is not Outcome.INFEASIBLE, objective, bound,
                       0.0, 0.0, 0.0, 1, 1, 0, "", outcome=outcome_)  # fmt: skip


@pytest.mark.parametrize(
    ("outcome_", "expected"),
    [
        (Outcome.OPTIMAL, 42.0),
        (Outcome.INFEASIBLE, float("inf")),
        (Outcome.STOPPED, float("-inf")),  # a primal point of a stopped LP bounds nothing
        (Outcome.FAILED, float("-inf")),
    ],
)
def test_only_an_optimal_lp_bounds_and_only_an_infeasible_one_prunes(outcome_, expected):
    stages = [{}]
    run = SimpleNamespace(stages=stages, left_s=lambda: 10.0, solve_s=0.0, out_of_time=bool,
                          log=lambda *a: None)  # fmt: skip
    solver = relaxation.Solver.__new__(relaxation.Solver)  # no model: answers outcome_
    solver.run, solver.name = run, "LP"
    solver.session = SimpleNamespace(solve=lambda *a: _result(outcome_, 42.0))
    assert solver.bound([], "leaf") == expected
    if expected == float("-inf"):
        assert "open" in stages[-1]["note"]


def test_a_lower_bound_above_the_answer_is_an_error_not_optimal():
    from optimizer.solve.state import Search, WrongBoundError

    run = Search(SolveOptions(), lambda _m: None)
    run.best.cost, run.lower = 100.0, 100.00001  # within the tolerance: gap 0
    assert run.gap() == 0.0
    run.lower = 100.1
    with pytest.raises(WrongBoundError, match="exceeds the cost of a checked design"):
        run.gap()


def _stopped_root(monkeypatch):
    """Make every root LP relaxation stop at a time limit (no proven bound)."""
    from optimizer.solve import strategy

    real = strategy.Solver.solve

    def solve(self, fixes, label):
        r = real(self, fixes, label)
        if self.name.startswith("LP relaxation") and not fixes:  # exact or aggregated
            r.outcome, r.bound, r.status = Outcome.STOPPED, np.nan, "Time limit reached"
        return r

    monkeypatch.setattr(strategy.Solver, "solve", solve)


def test_a_root_without_a_bound_keeps_the_known_design_and_proves_nothing(monkeypatch):
    start = solve_with_gap(_hot_cool("lifecycle"), SolveOptions(mip_rel_gap=1e-6)).design
    from optimizer.solve import strategy

    _stopped_root(monkeypatch)
    monkeypatch.setattr(strategy, "_milp", lambda *a: None)  # as if the time were up
    r = solve_with_gap(_hot_cool("lifecycle"), SolveOptions(mip_rel_gap=1e-6), start=start)
    assert r.lower_bound == 0.0 and r.gap == pytest.approx(1.0)  # said, not hidden
    assert list(r.design.count) == list(start.count)


def test_a_root_without_a_bound_and_no_design_is_no_solution(monkeypatch):
    _stopped_root(monkeypatch)
    data = tiny_data([0, 0.5, 1.0, 0.5] * 6, target_pflops=10.0, mode="peak", max_mw=(3.0, 3.0))
    with pytest.raises(NoSolutionError, match="without a solution or a proven bound"):
        solve_with_gap(data, SolveOptions(mip_rel_gap=1e-6), "search")
