"""Real Dask runs (no mock): a 2-worker LocalCluster against separate solves of the same cases,
resume after a lost case, and a sweep through a separate ``dask scheduler`` / ``dask worker``."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from optimizer.cli import app
from optimizer.errors import InfeasibleError
from optimizer.inputs.bundle import InputPaths
from optimizer.paths import default_path
from optimizer.pipeline import RunOptions, run_solve
from optimizer.solve.highs import SolveOptions
from optimizer.sweep.runner import run_sweep

ROOT = Path(__file__).resolve().parents[2]
GAP = 0.02
SPEC = f"""
name = "grid"
[base]
mip-gap = {GAP}
[[axis]]
price = "pv_module_usd_per_w_dc"
values = [0.22, 0.30]
[[axis]]
option = "target"
values = [1e21, 1e27]   # 1e27: infeasible, found before any model is built
"""

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _workers_import_the_package(monkeypatch):
    """Worker processes import ``optimizer`` from this checkout when it is not installed."""
    parts = [str(ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(parts))


@pytest.fixture(scope="module")
def grid(tmp_path_factory):
    """The 4-case sweep run once on a 2-worker LocalCluster."""
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, (old or "").split(
        os.pathsep))])  # fmt: skip
    tmp = tmp_path_factory.mktemp("sweep")
    spec = tmp / "grid.toml"
    spec.write_text(SPEC)
    try:
        yield spec, run_sweep(spec, tmp / "reports", workers=2)
    finally:
        if old is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old


def _separate_solve(tmp: Path, pv_price: float, target: float):
    """``zopt solve`` of one case on its own: a prices file with the module price changed."""
    prices = pd.read_csv(default_path("prices.csv"), dtype=str, keep_default_na=False)
    prices.loc[prices["key"] == "pv_module_usd_per_w_dc", "value"] = repr(pv_price)
    path = tmp / f"prices_{pv_price}.csv"
    prices.to_csv(path, index=False)
    opts = RunOptions(target_flops=target, solve=SolveOptions(mip_rel_gap=GAP))
    return run_solve(InputPaths(prices=path), opts)


def test_local_cluster_matches_separate_solves(grid, tmp_path):
    _, result = grid
    assert result.ran == 4 and result.skipped == 0 and result.workers == 2
    df = pd.read_csv(result.folder / "sweep.csv")
    assert len(df) == 4
    for rec in df.to_dict("records"):
        pv, target = rec["price:pv_module_usd_per_w_dc"], rec["option:target"]
        if target > 1e24:
            assert rec["status"] == "infeasible" and rec["exit_code"] == 3
            assert "Land" in rec["reason"] or "land" in rec["reason"]
            with pytest.raises(InfeasibleError):
                _separate_solve(tmp_path, pv, target)
            continue
        assert rec["status"] == "ok" and rec["exit_code"] == 0
        assert (result.folder / rec["run_folder"] / "bom.xlsx").is_file()
        summary = json.loads((result.folder / rec["run_folder"] / "summary.json").read_text())
        assert summary["total_cost_usd"] == pytest.approx(rec["total_cost_usd"])
        run = _separate_solve(tmp_path, pv, target)
        alone, gap = run.total_cost_usd, max(rec["gap"], run.solver["gap"])
        assert abs(alone - rec["total_cost_usd"]) <= gap * max(alone, rec["total_cost_usd"]) + 1
    manifest = json.loads((result.folder / "manifest.json").read_text())
    assert manifest["workers"] == 2 and len(manifest["spec_sha256"]) == 64
    assert "distributed" in manifest["versions"]
    assert (result.folder / "cost_vs_target.png").is_file()
    assert (result.folder / "sweep.xlsx").is_file()


def test_resume_runs_only_the_missing_case(grid):
    spec, result = grid
    df = pd.read_csv(result.folder / "sweep.csv")
    lost = df[df["status"] != "ok"].iloc[0]["case_id"]  # cheap: the interrupt test reruns a solve
    kept = {p.parent.name: p.stat().st_mtime_ns
            for p in (result.folder / "cases").glob("*/row.json") if p.parent.name != lost}
    shutil.rmtree(result.folder / "cases" / lost)  # as if the sweep stopped before it finished
    (result.folder / "cases" / f".tmp-{lost}-x").mkdir()  # what an interrupted case leaves
    again = run_sweep(spec, result.folder.parent, workers=1)
    assert again.ran == 1 and again.skipped == 3
    assert (result.folder / "cases" / lost / "row.json").is_file()
    now = {p.parent.name: p.stat().st_mtime_ns
           for p in (result.folder / "cases").glob("*/row.json") if p.parent.name != lost}
    assert now == kept
    assert len(pd.read_csv(result.folder / "sweep.csv")) == 4
    third = run_sweep(spec, result.folder.parent, workers=1)
    assert third.ran == 0 and third.skipped == 4


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _dask() -> str:
    exe = Path(sys.executable).parent / "dask"
    return str(exe) if exe.exists() else "dask"


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def test_sweep_through_a_separate_scheduler_and_worker(tmp_path):
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = dict(os.environ)
    log = open(tmp_path / "dask.log", "w")  # noqa: SIM115 - closed below
    scheduler = subprocess.Popen([_dask(), "scheduler", "--host", "127.0.0.1", "--port",
                                  str(port), "--no-dashboard"], env=env, stdout=log,
                                 stderr=subprocess.STDOUT)  # fmt: skip
    worker = None
    try:
        time.sleep(2)
        worker = subprocess.Popen([_dask(), "worker", address, "--nworkers", "1", "--nthreads",
                                   "1", "--no-dashboard", "--host", "127.0.0.1"], env=env,
                                  stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
        spec = tmp_path / "remote.toml"
        spec.write_text('[base]\nmip-gap = 0.05\n[[axis]]\noption = "target"\n'
                        "values = [1e21, 1e27]\n")  # fmt: skip
        out = CliRunner().invoke(app, ["sweep", str(spec), "--scheduler", address,
                                       "--reports-dir", str(tmp_path / "r")])  # fmt: skip
        assert out.exit_code == 0, out.output + (tmp_path / "dask.log").read_text()[-3000:]
        df = pd.read_csv(tmp_path / "r" / "sweep_remote" / "sweep.csv")
        assert sorted(df["status"]) == ["infeasible", "ok"]
        manifest = json.loads((tmp_path / "r" / "sweep_remote" / "manifest.json").read_text())
        assert manifest["scheduler"] == address and manifest["workers"] == 1
    finally:
        if worker is not None:
            _stop(worker)
        _stop(scheduler)
        log.close()


def test_interrupted_sweep_finishes_only_the_missing_cases(tmp_path):
    """Ctrl-C (SIGINT) on ``zopt sweep`` after the first case; the rerun runs only the rest."""
    import signal

    spec = tmp_path / "stop.toml"
    spec.write_text('[base]\nmip-gap = 0.05\n[[axis]]\noption = "target"\n'
                    "values = [1e27, 1e21, 1.1e21]\n")  # fmt: skip
    cases = tmp_path / "r" / "sweep_stop" / "cases"
    proc = subprocess.Popen([sys.executable, "-m", "optimizer.cli", "sweep", str(spec),
                             "--workers", "1", "--reports-dir", str(tmp_path / "r")],
                            env=dict(os.environ), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not list(cases.glob("*/row.json")) and time.monotonic() < deadline:
            time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 130
    finally:
        if proc.poll() is None:
            _stop(proc)
    finished = len(list(cases.glob("*/row.json")))
    assert 1 <= finished < 3
    again = run_sweep(spec, tmp_path / "r", workers=1)
    assert again.ran == 3 - finished and again.skipped == finished
    assert sorted(r["status"] for r in again.rows) == ["infeasible", "ok", "ok"]
