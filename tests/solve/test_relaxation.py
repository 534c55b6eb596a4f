"""Merged time steps are a relaxation: coarse blocks, aggregated LPs and the groups they prune."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from random_plants import random_plant

from optimizer.errors import InfeasibleError, NoSolutionError
from optimizer.model.steps import block_starts, coarse_steps, exact_steps, split_blocks
from optimizer.solve import branch, relaxation
from optimizer.solve.highs import SolveOptions
from optimizer.solve.state import Search
from optimizer.solve.strategy import solve_with_gap

TIGHT = SolveOptions(mip_rel_gap=1e-7, time_limit_s=60)


def _optimum(data) -> float:
    """HiGHS's own MILP optimum [$M] of ``data`` (inf: infeasible)."""
    try:
        return solve_with_gap(data, TIGHT, "direct").upper_bound
    except (InfeasibleError, NoSolutionError):
        return math.inf


def test_coarse_steps_merge_daylight_into_blocks_and_keep_the_year():
    data = exact_steps(random_plant(1)[0])  # sustained
    coarse = coarse_steps(data, 3.0)
    assert coarse.weights_h.sum() == pytest.approx(data.weights_h.sum())
    assert coarse.weights_h.max() == pytest.approx(data.weights_h.max())  # nights stay whole
    short = data.weights_h <= 3.0
    assert coarse.hours < data.hours and np.all(coarse.weights_h[coarse.weights_h < 6] <= 3.0)
    assert short.sum() > 0
    with pytest.raises(ValueError, match="at least 1 h"):
        coarse_steps(data, 0.5)


@pytest.mark.parametrize("seed", range(16))
def test_the_coarse_optimum_never_exceeds_the_hourly_optimum(seed):
    data = random_plant(seed)[0]
    if data.compute.mode == "peak":  # the best hour is a max: averaging is no relaxation
        with pytest.raises(ValueError, match="peak mode"):
            coarse_steps(data, 2.0)
        return
    exact = _optimum(data)
    for block_h in (2.0, 3.0):
        coarse = _optimum(coarse_steps(exact_steps(random_plant(seed)[0]), block_h))
        assert coarse <= exact * (1 + 1e-6) + 1e-9, f"block {block_h} h"


def test_split_blocks_only_adds_starts():
    starts = np.array([0, 3, 4, 9])
    finer = split_blocks(starts, 12, np.array([True, False, False, True]))
    assert finer.tolist() == [0, 1, 2, 3, 4, 9, 10, 11]
    assert split_blocks(starts, 12, np.zeros(4, dtype=bool)).tolist() == starts.tolist()


@pytest.mark.parametrize("seed", range(24))
def test_every_round_of_an_aggregated_lp_bounds_the_hourly_lp(seed):
    """Each round's optimum is <= the hourly LP relaxation's optimum, and never falls."""
    data = exact_steps(random_plant(seed)[0])
    run = Search(SolveOptions(), lambda _m: None)
    agg = relaxation.aggregated(run, data, "group")
    if data.compute.mode == "peak":
        assert agg is None
        return
    if agg is None:  # nothing to merge
        assert len(block_starts(data, relaxation.START_BLOCK_H)) == data.hours
        return
    hourly = relaxation.Solver(run, data, "hourly").bound([], "")
    rounds = [s["bound_musd"] for s in run.stages if s["stage"].startswith("group")]
    rounds = [math.inf if b is None else b for b in rounds]
    assert len(rounds) == agg.rounds
    assert all(b <= hourly * (1 + 1e-6) + 1e-9 for b in rounds)
    assert all(b2 >= b1 * (1 - 1e-6) - 1e-9 for b1, b2 in itertools.pairwise(rounds))
    assert agg.bound == pytest.approx(max(rounds))


def test_a_group_is_pruned_only_at_or_above_the_target():
    data = exact_steps(random_plant(3)[0])
    exact = _optimum(data)
    assert math.isfinite(exact) and data.compute.mode != "peak"
    run = Search(SolveOptions(mip_rel_gap=0.0), lambda _m: None)
    run.best.cost = 2 * exact  # a dear incumbent: no relaxation (<= exact) reaches it
    solver, value = branch.group_relaxation(run, data, "group")
    assert value is None and solver is not None and solver.aggregated
    assert solver.bound([], "again") <= exact * (1 + 1e-6)
    run.best.cost = 0.5 * exact  # a cheap incumbent: every bound worth its name prunes
    solver, value = branch.group_relaxation(run, data, "group")
    assert solver is None and 0.5 * exact <= value <= exact * (1 + 1e-6)
    assert run.stages[-1]["note"].startswith("aggregated bound prunes")


def test_peak_mode_groups_get_the_exact_lp():
    seed = next(k for k in range(50) if random_plant(k)[0].compute.mode == "peak")
    run = Search(SolveOptions(), lambda _m: None)
    run.best.cost = 1.0
    solver, value = branch.group_relaxation(run, exact_steps(random_plant(seed)[0]), "group")
    assert value is None and not solver.aggregated
