"""Faults and limits found early (issue 11): a target beyond every resource (exit 3 before any
model), the solver's scaling guard (a message, not a traceback), an unwritable --reports-dir
(exit 5 before solving), and write failures (exit 5, nothing partial, earlier runs untouched)."""

from __future__ import annotations

import errno
import hashlib
import os
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import optimizer.pipeline as pipeline
from optimizer.cli import app

sys.path.insert(0, str(Path(__file__).resolve().parent / "export"))
from zopt_run_cache import base_run  # noqa: E402

runner = CliRunner()
DATA = Path(__file__).resolve().parents[1] / "data"


def solve(*args):
    result = runner.invoke(app, ["solve", *args])
    assert "Traceback" not in result.output
    return result


def tree(folder: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under ``folder``; hidden names included."""
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def no_model(*_a, **_k):
    raise AssertionError("a model was built")


# -- a target beyond every resource (exit 3, found before any model is built) -----------------


def test_target_beyond_the_land_is_infeasible_before_any_model(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "solve_with_gap", no_model)
    result = solve("--target", "1e27", "--reports-dir", str(tmp_path / "r"))
    assert result.exit_code == 3, result.output
    said = " ".join(result.output.split())
    assert "Land limits the design: the land's PV cannot supply the energy" in said
    assert "(found before any model was built)" in said
    assert "ScalingError" not in result.output
    assert not (tmp_path / "r").exists()


def test_peak_target_beyond_the_land(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "solve_with_gap", no_model)
    result = solve("--target", "1e27", "--mode", "peak", "--reports-dir", str(tmp_path / "r"))
    assert result.exit_code == 3, result.output
    assert "cannot run the chips in any hour" in " ".join(result.output.split())


def test_target_beyond_every_chip_allowed(tmp_path, monkeypatch):
    lines = (DATA / "chips.csv").read_text().splitlines()
    col = lines[0].split(",").index("max_count")
    rows = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        cells[col] = "10"
        rows.append(",".join(cells))
    chips = tmp_path / "chips.csv"
    chips.write_text("\n".join(rows) + "\n")
    monkeypatch.setattr(pipeline, "solve_with_gap", no_model)
    result = solve("--target", "1e21", "--chips", str(chips), "--reports-dir", str(tmp_path))
    assert result.exit_code == 3, result.output
    assert "exceeds every chip the catalogue allows: max_count x FLOPS" in (
        " ".join(result.output.split())
    )


def test_scaling_guard_is_a_message_not_a_traceback(tmp_path, monkeypatch):
    from optimizer.solve.highs import ScalingError

    def too_large(*_a, **_k):
        raise ScalingError("model values too large for HiGHS (units not scaled?): rhs 1e+12")

    monkeypatch.setattr(pipeline, "solve_with_gap", too_large)
    result = solve("--target", "1e21", "--reports-dir", str(tmp_path / "r"))
    assert result.exit_code == 2, result.output
    assert "model values too large for HiGHS" in result.output
    assert not isinstance(result.exception, ScalingError)


# -- an unwritable --reports-dir (exit 5 before solving) --------------------------------------


@pytest.fixture
def never_solve(monkeypatch):
    monkeypatch.setattr(pipeline, "run_solve", no_model)


def test_reports_dir_naming_a_file(tmp_path, never_solve):
    target = tmp_path / "a_file"
    target.write_text("x")
    for where in (target, target / "sub"):
        result = solve("--reports-dir", str(where))
        assert result.exit_code == 5, result.output
        assert f"--reports-dir {where}: cannot write there: {target} is a file" in (
            result.output.replace("\n", "")
        )
    assert target.read_text() == "x"


def test_reports_dir_read_only(tmp_path, monkeypatch, never_solve):
    import tempfile

    def denied(*_a, **_k):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkdtemp", denied)
    result = solve("--reports-dir", str(tmp_path))
    assert result.exit_code == 5, result.output
    assert "cannot write there: Permission denied" in result.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_reports_dir_read_only_for_real(tmp_path, never_solve):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        result = solve("--reports-dir", str(ro / "runs"))
        assert result.exit_code == 5, result.output
    finally:
        ro.chmod(0o755)


def test_writable_check_leaves_nothing_behind(tmp_path, monkeypatch):
    from optimizer.errors import InputError, Problem

    def bad_input(*_a, **_k):
        raise InputError([Problem("x.csv", "row 2", "value", "bad")])

    monkeypatch.setattr(pipeline, "run_solve", bad_input)
    result = solve("--reports-dir", str(tmp_path / "new" / "runs"))
    assert result.exit_code == 2, result.output
    assert list(tmp_path.iterdir()) == []  # not even reports_dir's parents


# -- faults while writing a run folder (need one solved run) ----------------------------------


@pytest.fixture
def solved(monkeypatch, tmp_path):
    """``zopt solve`` answers with the cached embedded run; an earlier run already in reports."""
    run, earlier = base_run()
    monkeypatch.setattr(pipeline, "run_solve", lambda *_a, **_k: run)
    reports = tmp_path / "reports"
    result = solve("--reports-dir", str(reports))
    assert result.exit_code == 0, result.output
    return reports, tree(reports)


def _assert_untouched(reports: Path, before: dict) -> None:
    assert tree(reports) == before
    assert [p.name for p in reports.iterdir() if p.name.startswith(".")] == []


@pytest.mark.slow
def test_final_rename_fails(solved, monkeypatch):
    reports, before = solved
    import optimizer.export.runfolder as rf

    def refuse(src, dst):
        raise OSError(errno.EXDEV, "Invalid cross-device link", str(src))

    monkeypatch.setattr(rf.os, "rename", refuse)
    result = solve("--reports-dir", str(reports))
    assert result.exit_code == 5, result.output
    assert "cannot write the run folder" in result.output
    _assert_untouched(reports, before)


@pytest.mark.slow
@pytest.mark.parametrize("where", ["optimizer.export.summary.write_summary",
                                   "optimizer.export.workbook.write_workbook"])  # fmt: skip
def test_disk_full_while_writing(solved, monkeypatch, where):
    reports, before = solved
    module, name = where.rsplit(".", 1)

    def full(*args, **_k):
        path = next(a for a in args if isinstance(a, Path))
        (path if path.suffix else path / "summary.json").write_bytes(b"partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(sys.modules[module], name, full)
    result = solve("--reports-dir", str(reports))
    assert result.exit_code == 5, result.output
    assert "No space left on device" in result.output
    _assert_untouched(reports, before)


@pytest.mark.slow
def test_ctrl_c_while_writing_leaves_no_folder(solved, monkeypatch):
    reports, before = solved

    def interrupt(*_a, **_k):
        raise KeyboardInterrupt

    monkeypatch.setattr(sys.modules["optimizer.export.plots"], "plot_map", interrupt)
    result = solve("--reports-dir", str(reports))
    assert result.exit_code != 0
    _assert_untouched(reports, before)


def test_ctrl_c_during_the_solve_leaves_no_folder(tmp_path, monkeypatch):
    def interrupt(*_a, **_k):
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "solve_with_gap", interrupt)
    monkeypatch.setattr(sys, "argv", ["zopt", "solve", "--reports-dir", str(tmp_path / "r")])
    from optimizer.cli import main

    with pytest.raises(SystemExit) as stop:
        main()
    assert stop.value.code == 130
    assert not (tmp_path / "r").exists()


@pytest.mark.slow
def test_failed_first_run_leaves_no_reports_folder(tmp_path, monkeypatch):
    """A run into a new --reports-dir that fails while writing removes the folders it made."""
    run, _ = base_run()
    monkeypatch.setattr(pipeline, "run_solve", lambda *_a, **_k: run)

    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(sys.modules["optimizer.export.summary"], "write_summary", full)
    result = solve("--reports-dir", str(tmp_path / "new" / "reports"))
    assert result.exit_code == 5, result.output
    assert list(tmp_path.iterdir()) == []


def test_yield_out_naming_a_file_is_exit_5_before_computing(tmp_path, monkeypatch):
    import optimizer.resource.solar as solar

    monkeypatch.setattr(solar, "ac_per_kw_dc", no_model)
    target = tmp_path / "a_file"
    target.write_text("x")
    args = ["yield", "--lat", "33.4", "--lon", "-112.9", "--out", str(target / "figs")]
    result = runner.invoke(app, args)
    assert result.exit_code == 5, result.output
    assert f"--out {target / 'figs'}: cannot write there: {target} is a file" in (
        result.output.replace("\n", "")
    )
