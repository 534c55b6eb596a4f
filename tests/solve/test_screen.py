"""Coarse time steps are a relaxation, and the screen prunes only with a proven bound."""

from __future__ import annotations

import math

import numpy as np
import pytest
from random_plants import random_plant

from optimizer.errors import InfeasibleError, NoSolutionError
from optimizer.model.steps import coarse_steps, exact_steps
from optimizer.solve import branch
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
        run = Search(SolveOptions(), lambda _m: None)
        run.best.cost = 1.0
        assert branch.screen(run, data, "group") is None
        return
    exact = _optimum(data)
    for block_h in (2.0, 3.0):
        coarse = _optimum(coarse_steps(exact_steps(random_plant(seed)[0]), block_h))
        assert coarse <= exact * (1 + 1e-6) + 1e-9, f"block {block_h} h"


def test_the_screen_prunes_only_at_or_above_the_target():
    data = exact_steps(random_plant(3)[0])
    exact = _optimum(data)
    assert math.isfinite(exact)
    run = Search(SolveOptions(mip_rel_gap=0.0), lambda _m: None)
    run.best.cost = 2 * exact  # a dear incumbent: the coarse bound (<= exact) cannot reach it
    assert branch.screen(run, data, "group") is None
    run.best.cost = 0.5 * exact  # a cheap incumbent: every coarse bound worth its name prunes
    value = branch.screen(run, data, "group")
    assert value is not None and 0.5 * exact <= value <= exact * (1 + 1e-6)
    assert run.stages[-1]["note"].startswith("screen")
