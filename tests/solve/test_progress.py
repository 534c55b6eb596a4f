"""The live progress line records what HiGHS's callbacks report and renders it safely."""

import io
import math
import time

import highspy
import numpy as np
import pytest
import scipy.sparse as sp
from rich.console import Console

from optimizer.solve.progress import SolveProgress, live_progress


def _knapsack_lp(n=40, m=2, seed=1, integer=True) -> highspy.HighsLp:
    """A 2-constraint 0/1 knapsack of 40 items (about 300 nodes, 0.2 s with HiGHS 1.16)."""
    rng = np.random.default_rng(seed)
    w = rng.integers(20, 100, size=(m, n)).astype(float)
    value = w.sum(axis=0) / m + rng.integers(0, 10, n)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, m
    lp.col_cost_ = -value  # maximise the value
    lp.col_lower_, lp.col_upper_ = np.zeros(n), np.ones(n)
    lp.row_lower_ = np.full(m, -highspy.kHighsInf)
    lp.row_upper_ = w.sum(axis=1) / 2
    a = sp.csc_matrix(w)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = a.indptr.astype(np.int32)
    lp.a_matrix_.index_ = a.indices.astype(np.int32)
    lp.a_matrix_.value_ = a.data
    if integer:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    return lp


def _highs(lp, cls=highspy.Highs):
    h = cls()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", 0)
    h.passModel(lp)
    return h


def _terminal():
    buf = io.StringIO()
    return Console(file=buf, force_terminal=True, width=200), buf


def test_milp_records_incumbent_bound_and_final_gap():
    h = _highs(_knapsack_lp())
    console, buf = _terminal()
    with live_progress(h, stage="knapsack MILP", console=console, unit="pts") as p:
        h.run()
    info = h.getInfo()
    last = p.last
    assert p.events > 0 and p.incumbents  # the callbacks fired during the solve
    assert all(math.isfinite(v) for _, v in p.incumbents)
    assert last.kind == "MIP" and last.status == "Optimal" and last.nodes > 1
    assert last.incumbent == pytest.approx(info.objective_function_value)
    assert last.bound == pytest.approx(info.mip_dual_bound)
    assert math.isfinite(last.gap) and last.gap <= 1e-4
    assert last.solutions == len(p.incumbents) >= 1
    out = buf.getvalue()
    assert "knapsack MILP" in out and "gap" in out and "pts" in out
    assert not h.cbMipInterrupt.callbacks  # unsubscribed afterwards


def test_line_shows_stage_values_and_gap_on_a_terminal():
    p = SolveProgress(stage="coarse MILP", scale=1e-3, unit="$B")
    p.incumbent, p.bound, p.gap, p.kind, p.nodes = 12_345.6, 12_000.0, 0.028, "MIP", 1234
    console, buf = _terminal()
    console.print(p)
    out = buf.getvalue()
    assert "coarse MILP" in out and "gap 2.80 %" in out
    assert "incumbent 12.3456 $B" in out and "bound 12 $B" in out and "nodes 1,234" in out


def test_no_terminal_prints_only_the_final_line_or_a_periodic_one():
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=False)
    h = _highs(_knapsack_lp())
    with live_progress(h, stage="quiet stage", console=console, plain_interval_s=0):
        h.run()
    lines = buf.getvalue().splitlines()
    assert len(lines) == 1 and "quiet stage" in lines[0] and "Optimal" in lines[0]
    buf2 = io.StringIO()
    with live_progress(
        h, stage="ticking", console=Console(file=buf2, force_terminal=False), plain_interval_s=0.05
    ):
        time.sleep(0.3)
    assert len(buf2.getvalue().splitlines()) >= 3  # periodic lines + the final one


def test_disabled_subscribes_nothing_but_records_the_result():
    h = _highs(_knapsack_lp())
    console, buf = _terminal()
    with live_progress(h, stage="off", enabled=False, console=console) as p:
        assert not h.cbMipInterrupt.callbacks
        h.run()
    assert buf.getvalue() == "" and p.events == 0
    assert p.last.status == "Optimal" and math.isfinite(p.last.gap)
    assert p.last.incumbent == pytest.approx(h.getInfo().objective_function_value)


class _Broken(io.StringIO):
    def write(self, s):
        raise OSError("display gone")


def test_rendering_failures_never_break_the_solve(monkeypatch):
    def boom(self):
        raise ValueError("bad format")

    monkeypatch.setattr(SolveProgress, "line", boom)
    assert "stage x" in str(SolveProgress(stage="stage x").__rich__())
    h = _highs(_knapsack_lp())
    for force in (True, False):
        console = Console(file=_Broken(), force_terminal=force)
        with live_progress(h, stage="broken", console=console, plain_interval_s=0.01) as p:
            h.clearSolver()
            h.run()
        assert p.last.status == "Optimal"


def test_lp_reports_objective_as_incumbent_and_bound():
    h = _highs(_knapsack_lp(integer=False))
    console, buf = _terminal()
    with live_progress(h, stage="hourly LP", console=console) as p:
        h.run()
    assert p.last.kind != "MIP" and p.last.gap == 0.0
    assert p.last.incumbent == pytest.approx(h.getInfo().objective_function_value)
    assert p.last.bound == p.last.incumbent and "hourly LP" in buf.getvalue()


def test_bare_core_object_uses_the_older_set_callback_api():
    h = _highs(_knapsack_lp(), cls=highspy._core._Highs)
    with live_progress(h, stage="legacy", console=_terminal()[0]) as p:
        h.run()
    assert p.events > 0 and p.incumbents and p.last.status == "Optimal"
