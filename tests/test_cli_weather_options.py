"""--reliability, --design-years and --weather-years: how they map onto the run options and
what they refuse (every problem at once)."""

from __future__ import annotations

import pytest

from optimizer.cli_weather import apply_reliability, record_problems
from optimizer.pipeline import RunOptions


def test_reliability_is_the_served_share():
    opts = RunOptions()
    assert apply_reliability(opts, 0.999, 0.0) == []
    assert opts.max_unserved == pytest.approx(0.001)
    assert apply_reliability(RunOptions(), None, 0.0) == []


def test_reliability_problems_all_at_once():
    opts = RunOptions(mode="average")
    msgs = [str(p) for p in apply_reliability(opts, 1.5, 0.1)]
    assert len(msgs) == 3
    assert "must be a share (found 1.5, expected 0 < R <= 1)" in msgs[0]
    assert "not both" in msgs[1] and "only applies to --mode sustained" in msgs[2]
    assert opts.max_unserved == 0.0  # unchanged when refused


def test_design_for_every_year_supports_sustained_capex_without_backup():
    assert record_problems(RunOptions(design_years="all")) == []
    opts = RunOptions(design_years="all", mode="average", objective="lifecycle",
                      components={"backup": "gas"})  # fmt: skip
    msgs = [str(p) for p in record_problems(opts)]
    assert [m.split(":")[1] for m in msgs] == ["--mode", "--objective", "--backup"]
    assert [str(p) for p in record_problems(RunOptions(design_years="some"))] == [
        "command line:--design-years: unknown choice (found some, expected first | all)"
    ]
