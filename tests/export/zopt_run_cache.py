"""One solve of the embedded data per test process, shared by the slow workbook, rerun and
LibreOffice tests (each solve takes ~30 s)."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

import pytest


@lru_cache(maxsize=1)
def base_run():
    """Return ``(RunResult, run folder)`` for ``zopt solve --target 1e21`` on the embedded data."""
    from optimizer.inputs.bundle import InputPaths
    from optimizer.pipeline import RunOptions, export_run, run_solve

    reports = Path(tempfile.mkdtemp(prefix="zopt-test-runs-"))
    atexit.register(shutil.rmtree, reports, ignore_errors=True)
    run = run_solve(InputPaths(), RunOptions(target_flops=1e21))
    return run, export_run(run, reports)


def soffice() -> str:
    """Path of LibreOffice's ``soffice``; skip when absent, fail when absent under CI."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is required under CI: .ci/run installs it")
        pytest.skip("LibreOffice (soffice) is not installed")
    return exe


def recalculate(path: Path, outdir: Path) -> Path:
    """Open ``path`` in LibreOffice headless, recalculate, save as .xlsx in ``outdir``."""
    outdir.mkdir(parents=True, exist_ok=True)
    profile = outdir / "lo-profile"
    cmd = [
        soffice(),
        f"-env:UserInstallation={profile.resolve().as_uri()}",
        "--headless",
        "--calc",
        "--convert-to",
        "xlsx",
        "--outdir",
        str(outdir),
        str(path),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    out = outdir / Path(path).name
    assert out.exists(), f"LibreOffice wrote nothing: {done.stdout} {done.stderr}"
    return out
