"""The embedded data at 1e21: today's answer unchanged (within the proven gap); lifecycle and
capex objectives both solve and report LCOE and cost per PFLOP-hour (the backup generator's
embedded run: tests/model/test_backup.py)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from zopt_run_cache import base_run  # noqa: E402

pytestmark = pytest.mark.slow

#: ``zopt solve --target 1e21`` before the registry (commit 9052e9c): capital cost [$], chips
BEFORE_USD, BEFORE_CHIPS = 17_377_616_507.0, {"MI355X": 200_000}


def _solve(**options):
    from optimizer.inputs.bundle import InputPaths
    from optimizer.pipeline import RunOptions, run_solve

    return run_solve(InputPaths(), RunOptions(target_flops=1e21, **options))


def test_capex_answer_unchanged_within_the_proven_gap():
    run, _ = base_run()
    gap = run.solver["gap"]
    assert run.chips() == BEFORE_CHIPS
    assert abs(run.total_cost_usd - BEFORE_USD) <= gap * run.total_cost_usd
    assert run.solver["lower_bound_usd"] <= BEFORE_USD * (1 + 1e-9)


def test_every_run_reports_lcoe_and_cost_per_pflop_hour():
    run, _ = base_run()
    e = run.economics
    assert e.objective == "capex" and e.npc_usd > e.capital_usd
    assert 10 < e.lcoe_usd_per_mwh < 1000
    assert 0 < e.usd_per_pflop_hour < 10
    assert e.cash_flow["present_value_usd"].sum() == pytest.approx(e.npc_usd, rel=1e-12)


def test_lifecycle_objective_solves_and_minimises_the_npc():
    run = _solve(objective="lifecycle")
    assert run.check.passed
    e = run.economics
    assert e.objective == "lifecycle"
    assert run.solution.objective_usd == pytest.approx(e.npc_usd, rel=1e-6)
    capex_npc = base_run()[0].economics.npc_usd
    assert e.npc_usd <= capex_npc * (1 + run.solver["gap"])

