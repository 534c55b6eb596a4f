"""Run a sweep on Dask: a local cluster of worker processes, or any running scheduler.

Inputs are read and validated once (in the client) and scattered to the workers; the PV profiles
are one task per weather/PV setting that the cases depend on; each case is one task that writes
its own folder. Cases already finished in the sweep folder are skipped (resume).
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import optimizer
from optimizer.export.runfolder import check_writable
from optimizer.sweep.cases import Case, group_key
from optimizer.sweep.prepare import Prepared, prepare
from optimizer.sweep.results import write_outputs
from optimizer.sweep.spec import read_spec
from optimizer.sweep.worker import make_profiles, profile_key, read_done, run_case


@dataclass
class SweepResult:
    """What a sweep did: its folder, every case's row, how many ran now / were already done."""

    folder: Path
    rows: list[dict]
    ran: int
    skipped: int
    files: dict = field(default_factory=dict)
    scheduler: str = ""
    workers: int = 0
    wall_s: float = 0.0

    @property
    def failed(self) -> int:
        """Cases that did not end with a verified design."""
        return sum(r.get("status") != "ok" for r in self.rows)


def _package_on_pythonpath() -> None:
    """Make ``optimizer`` importable in worker processes when it is not installed (a checkout
    run with ``PYTHONPATH=.``): its parent folder is put on ``PYTHONPATH``."""

    root = str(Path(optimizer.__file__).resolve().parents[1])
    parts = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if root not in parts:
        os.environ["PYTHONPATH"] = os.pathsep.join([root, *parts])


def open_client(scheduler: str | None, workers: int | None):
    """A :class:`distributed.Client` (and its LocalCluster, or None) for ``scheduler``: a
    local cluster of ``workers`` processes with one thread each (default: the cores)."""
    from distributed import Client, LocalCluster

    if scheduler:
        client = Client(scheduler, timeout="30s")
        client.wait_for_workers(max(1, workers or 1), timeout=120)
        return client, None
    _package_on_pythonpath()
    n = workers or os.cpu_count() or 1
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                           dashboard_address=":0")  # fmt: skip
    return Client(cluster), cluster


def _submit(client, prep: Prepared, todo: list[Case], sweep_dir: Path) -> dict:
    """Scatter each input group once, one profile task per PV setting, one task per case."""

    token = uuid.uuid4().hex[:6]
    scattered, profiles, futures = {}, {}, {}
    for case in todo:
        g = group_key(case.options)
        inputs = prep.inputs[g]
        if g not in scattered:
            scattered[g] = client.scatter(inputs, hash=False)
        pk = profile_key(inputs, case)
        if pk not in profiles:
            profiles[pk] = client.submit(make_profiles, scattered[g], case, pure=False,
                                         key=f"profiles-{len(profiles)}-{token}")  # fmt: skip
        fut = client.submit(run_case, case, scattered[g], profiles[pk], str(sweep_dir),
                            pure=False, key=f"case-{case.case_id}-{token}")  # fmt: skip
        futures[fut] = case
    return futures


def _lost_row(case: Case, exc: BaseException) -> dict:
    """The row of a case whose task itself failed (a lost worker): rerun on resume."""
    reason = f"{type(exc).__name__}: {exc}"
    return {"case_id": case.case_id, "key": case.key, "role": case.role,
            "sens_key": case.sens_key, "sens_side": case.sens_side, **case.varied,
            "status": "error", "exit_code": 1, "reason": reason}  # fmt: skip


def _running(client, futures: dict) -> int:
    try:
        keys = {f.key for f in futures}
        return sum(len(set(v) & keys) for v in client.processing().values())
    except Exception:  # noqa: BLE001 - the count is only for the progress line
        return 0


def gather(client, futures: dict, on_update=lambda _s: None) -> list[dict]:
    """Wait for every case; call ``on_update(state)`` about once a second and after each case
    (state: total, done, failed, running, elapsed and estimated remaining time [s])."""
    from distributed import wait

    pending, rows, t0 = set(futures), [], time.perf_counter()
    state = {"total": len(futures), "done": 0, "failed": 0, "running": 0}
    while pending:
        try:
            finished, pending = wait(pending, timeout=1.0, return_when="FIRST_COMPLETED")
        except TimeoutError:
            finished = set()
        for fut in finished:
            try:
                row = fut.result()
            except Exception as exc:  # noqa: BLE001 - recorded, the sweep goes on
                row = _lost_row(futures[fut], exc)
            rows.append(row)
            state["done"] += 1
            state["failed"] += row.get("status") != "ok"
            fut.release()
        elapsed = time.perf_counter() - t0
        left = state["total"] - state["done"]
        state.update(running=min(_running(client, pending), left), elapsed_s=elapsed,
                     eta_s=elapsed / state["done"] * left if state["done"] else None)  # fmt: skip
        on_update(state)
    return rows


def run_prepared(prep: Prepared, sweep_dir: Path, scheduler: str | None, workers: int | None,
                 write, say=lambda _m: None,
                 on_update=lambda _s: None) -> tuple[list, dict]:  # fmt: skip
    """Run the cases of ``prep`` not finished in ``sweep_dir`` yet (resume) on Dask.

    ``write(rows, info)`` is called with what finished when the run is interrupted (Ctrl-C).
    Returns every case's row (done before and now) and the run info (scheduler, workers,
    dashboard, ran, skipped).
    """

    check_writable(sweep_dir)
    sweep_dir.mkdir(parents=True, exist_ok=True)
    done = read_done(sweep_dir)
    keys = {c.key for c in prep.cases}
    todo = [c for c in prep.cases if c.key not in done]
    say(f"{len(prep.cases)} cases: {len(prep.cases) - len(todo)} already done, {len(todo)} to run")
    rows, info = [done[k] for k in done if k in keys], {"scheduler": scheduler or "local"}
    if todo:
        client, cluster = open_client(scheduler, workers)
        try:
            info.update(scheduler=scheduler or f"LocalCluster {client.scheduler.address}",
                        workers=len(client.scheduler_info()["workers"]),
                        dashboard=client.dashboard_link)  # fmt: skip
            say(f"Dask dashboard: {client.dashboard_link} ({info['workers']} workers)")
            futures = _submit(client, prep, todo, sweep_dir)
            try:
                rows += gather(client, futures, on_update)
            except BaseException:  # Ctrl-C: keep what finished (on disk already)
                rows = list(read_done(sweep_dir).values())
                write([r for r in rows if r["key"] in keys], info)
                raise
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    info.update(ran=len(todo), skipped=len(prep.cases) - len(todo))
    return rows, info


def run_sweep(spec_path: Path, reports_dir: Path, scheduler: str | None = None,
              workers: int | None = None, say=lambda _m: None,
              on_update=lambda _s: None) -> SweepResult:  # fmt: skip
    """Validate the spec, run the cases not done yet, write the results; return what it did.

    Raises :class:`~optimizer.errors.InputError` (bad spec or inputs: nothing is solved) or
    :class:`~optimizer.errors.WriteError`; a failed case never raises.
    """
    t0 = time.perf_counter()
    spec = read_spec(spec_path, strict=False)
    prep = prepare(spec)
    sweep_dir = Path(reports_dir) / spec.name
    rows, info = run_prepared(prep, sweep_dir, scheduler, workers,
                              lambda r, i: write_outputs(sweep_dir, spec, r, i),
                              say, on_update)  # fmt: skip
    info["wall_s"] = round(time.perf_counter() - t0, 2)
    files = write_outputs(sweep_dir, spec, rows, info)
    return SweepResult(sweep_dir, rows, info["ran"], info["skipped"], files,
                       info["scheduler"], info.get("workers", 0), info["wall_s"])  # fmt: skip
