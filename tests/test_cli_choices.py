"""The words of the command line (issue 21): every choice option lists its choices in
``--help`` and refuses any other value with the list; a refused case prints a sentence, never a
Python class name. One list of choices (``optimizer/choices.py``) serves the command line and
the sweep spec."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

import optimizer.pipeline as pipeline
from optimizer.choices import CHOICES
from optimizer.cli import app
from optimizer.errors import InfeasibleError, ZoptError
from optimizer.sweep.spec import read_spec

runner = CliRunner()
#: command -> its choice options
OPTIONS = {
    "solve": ("mode", "precision", "mount", "objective", "backup"),
    "validate": ("precision",),
    "yield": ("mount",),
}
CLASS_NAME = re.compile(r"\b\w+(Error|Exception)\b")


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(("command", "name"), [(c, n) for c, ns in OPTIONS.items() for n in ns])
def test_help_lists_every_choice(command, name):
    result = runner.invoke(app, [command, "--help"], terminal_width=250)
    assert result.exit_code == 0, result.output
    assert f"--{name} <{'|'.join(CHOICES[name])}>" in _flat(result.output)
    assert "<str>" not in _flat(result.output).split(f"--{name}")[1][:8]


def test_scenario_help_lists_the_scenarios():
    result = runner.invoke(app, ["solve", "--help"], terminal_width=250)
    assert "--scenario <seed>" in _flat(result.output)


@pytest.mark.parametrize("name", OPTIONS["solve"])
def test_other_values_are_refused_with_the_list(name, tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "run_solve", _no_solve)
    result = runner.invoke(app, ["solve", f"--{name}", "nonsense", "--reports-dir", str(tmp_path)])
    assert result.exit_code == 2, result.output
    expected = f"--{name}: unknown {name} (found nonsense, expected {' | '.join(CHOICES[name])})"
    assert expected in _flat(result.output)
    assert "Traceback" not in result.output


def test_every_bad_choice_is_reported_at_once(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "run_solve", _no_solve)
    args = [x for name in OPTIONS["solve"] for x in (f"--{name}", "nonsense")]
    result = runner.invoke(app, ["solve", *args, "--reports-dir", str(tmp_path)])
    assert result.exit_code == 2, result.output
    said = _flat(result.output)
    assert all(f"unknown {name} (found nonsense" in said for name in OPTIONS["solve"]), said
    assert "5 input problem(s)" in said


def test_yield_refuses_another_mount_with_the_list(tmp_path):
    args = ["yield", "--lat", "33.4", "--lon", "-112", "--mount", "tower", "--out", str(tmp_path)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "unknown mount (found tower, expected single-axis | fixed)" in _flat(result.output)


def test_every_choice_is_accepted(tmp_path, monkeypatch):
    seen = []
    monkeypatch.setattr(
        pipeline, "run_solve", lambda paths, opts, **_: seen.append(opts) or _stop()
    )
    for name in OPTIONS["solve"]:
        for choice in CHOICES[name]:
            result = runner.invoke(
                app, ["solve", f"--{name}", choice, "--reports-dir", str(tmp_path)]
            )
            assert result.exit_code == 3, (name, choice, result.output)
    assert seen[0].mode == "sustained" and seen[-1].components["backup"] == "diesel"


def test_a_refusal_prints_a_sentence_without_a_class_name(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "run_solve", _no_solve)
    result = runner.invoke(app, ["solve", "--reports-dir", str(tmp_path)])
    assert result.exit_code == 3, result.output
    said = _flat(result.output)
    assert said.startswith("The data hall's footprint does not fit"), said
    assert not CLASS_NAME.search(said), said


@pytest.mark.parametrize("error", [ZoptError, InfeasibleError])
def test_no_class_name_for_any_zopt_error(error, tmp_path, monkeypatch):
    def fail(*_a, **_k):
        raise error("Nothing fits.")

    monkeypatch.setattr(pipeline, "run_solve", fail)
    result = runner.invoke(app, ["solve", "--reports-dir", str(tmp_path)])
    assert _flat(result.output) == "Nothing fits."


@pytest.mark.parametrize("name", ["mode", "mount", "precision"])
def test_the_sweep_spec_reads_the_same_list(name, tmp_path):
    spec = tmp_path / "s.toml"
    spec.write_text(f'[base]\n{name} = "nonsense"\n[[axis]]\noption = "{name}"\n'
                    f'values = ["{CHOICES[name][0]}", "bogus"]\n')  # fmt: skip
    problems = "\n".join(map(str, read_spec(spec, strict=False).problems))
    expected = f"unknown {name} (found nonsense, expected {' | '.join(CHOICES[name])})"
    assert expected in problems, problems
    assert f"unknown {name} (found bogus" in problems


def _no_solve(*_a, **_k):
    raise InfeasibleError("The data hall's footprint does not fit on any candidate site.")


def _stop():
    raise InfeasibleError("stopped before the solve (test)")
