"""A component's options are declared once (``Component.options``) and reach ``zopt solve``
and the sweep spec, checked by the one set of option checks (:mod:`optimizer.options`)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from optimizer.cli import app
from optimizer.model.registry import component_options
from optimizer.options import run_option_problems
from optimizer.sweep.cases import run_options
from optimizer.sweep.spec import OPTIONS, read_spec

runner = CliRunner()


def test_every_component_option_is_on_the_command_line():
    text = " ".join(runner.invoke(app, ["solve", "--help"], terminal_width=250).output.split())
    for o in component_options():
        assert f"--{o.name}" in text, o.name
    assert "--backup <gas|diesel>" in text and "Wind turbines on the bought parcels" in text


def test_a_sweep_case_carries_component_options(tmp_path):
    assert OPTIONS["wind"] == ("component", "wind", bool)
    spec = tmp_path / "s.toml"
    spec.write_text('[base]\ntarget = 1e19\nwind = true\nbackup = "gas"\n'
                    "[[axis]]\noption = \"max-backup-share\"\nvalues = [0.1, 0.2]\n")  # fmt: skip
    s = read_spec(spec, strict=False)
    opts = run_options({**s.base, "max-backup-share": 0.1})
    assert opts.components == {"wind": True, "backup": "gas", "max_backup_share": 0.1}
    assert run_option_problems(opts) == []


@pytest.mark.parametrize(
    ("components", "option"),
    [({"backup": "coal"}, "--backup"), ({"max_backup_share": 2.0}, "--max-backup-share"),
     ({"wind": True, "design_years": "all"}, "--wind")],
)  # fmt: skip
def test_component_option_problems_are_the_same_for_cli_and_sweep(components, option):
    opts = run_options({})
    design_years = components.pop("design_years", None)
    opts.components.update(components)
    if design_years:
        opts.design_years = design_years
    assert [p.column for p in run_option_problems(opts)] == [option]
    args = ["solve", "--target", "1e19", option, *_value(option, components)]
    result = runner.invoke(app, args + (["--design-years", "all"] if design_years else []))
    assert result.exit_code == 2 and option in result.output


def _value(option: str, components: dict) -> list[str]:
    value = components[option.removeprefix("--").replace("-", "_")]
    return [] if value is True else [str(value)]
