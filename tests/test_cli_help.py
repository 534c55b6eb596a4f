"""``--help`` keeps the units and defaults written in brackets (issue 11)."""

import pytest
from typer.testing import CliRunner

from optimizer.cli import app

runner = CliRunner()


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("solve", ["all stages [s]", "compute site [km]", "every exclusion [m]", "[FLOPS]",
                   "[default: search]",
                   "[default: 300.0]", "[default: sustained]"]),
        ("yield", ["latitude [deg north]", "[deg east, west negative]", "fixed tilt [deg]"]),
        ("validate", ["every exclusion [m]", "[default: fp8]"]),
    ],
)  # fmt: skip
def test_help_shows_units_in_brackets(command, expected):
    result = runner.invoke(app, [command, "--help"], terminal_width=250)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    for unit in expected:
        assert unit in text, f"{unit!r} missing from zopt {command} --help"
