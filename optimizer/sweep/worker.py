"""What runs on a Dask worker: the PV profiles of one weather/PV setting, and one case (a normal
verified run written atomically to ``<sweep>/cases/<case_id>/``, returned as a row)."""

from __future__ import annotations

import copy
import json
import os
import shutil
import tempfile
import time
import traceback
from dataclasses import replace
from pathlib import Path

from optimizer.errors import InputError, ZoptError
from optimizer.export.summary import summary_dict
from optimizer.inputs.bundle import Inputs
from optimizer.inputs.prices import Prices
from optimizer.pipeline import export_run, run_solve
from optimizer.resource.profiles import Profiles, build_profiles
from optimizer.resource.solar import PVSystemParams
from optimizer.sweep.cases import Case, group_key, input_paths, run_options

ROW_FILE = "row.json"
CASES = "cases"
STATUS = {0: "ok", 2: "bad input", 3: "infeasible", 4: "check failed", 5: "write failed",
          6: "no solution", 1: "error"}  # fmt: skip


def case_inputs(inputs: Inputs, case: Case) -> Inputs:
    """A copy of the validated ``inputs`` with the case's prices and chip prices [$] applied;
    each changed value names the sweep as its source and keeps the old value in its notes."""
    if not (case.prices or case.chip_prices or case.chip_factor is not None
            or case.chip_scale is not None or case.parcel_factor is not None):  # fmt: skip
        return inputs
    out = copy.copy(inputs)
    out.prices = Prices(inputs.prices)
    for key, value in case.prices.items():
        old = inputs.prices[key]
        source = case.price_sources.get(key, "zopt sweep")
        out.prices[key] = replace(old, value=float(value), source=source,
                                  notes=f"was {old.value:g} ({old.source})")  # fmt: skip
    chips = inputs.chips.copy()
    if case.chip_factor is not None:
        chips["price_usd"] = chips["price_usd"] * case.chip_factor
    for name, value in case.chip_prices.items():
        chips.loc[chips["chip"] == name, "price_usd"] = float(value)
    if case.chip_scale is not None:
        chips = scale_chips(chips, *case.chip_scale, case.chip_source)
    out.chips = chips
    if case.parcel_factor is not None:
        out.parcels = inputs.parcels.copy()
        for col in ("price_usd", "price_usd_per_acre"):
            if col in out.parcels:
                out.parcels[col] = out.parcels[col] * case.parcel_factor
    return out


def scale_chips(chips, price_factor: float, power_factor: float, source: str = ""):
    """A copy of the catalogue with ``price_usd``, ``overhead_usd`` [$/chip] x ``price_factor``
    and ``tdp_w``, ``overhead_w`` [W/chip] x ``power_factor``; FLOPS per chip unchanged. A
    ``source`` is put before each chip's own source."""
    chips = chips.copy()
    for col, f in (("price_usd", price_factor), ("overhead_usd", price_factor),
                   ("tdp_w", power_factor), ("overhead_w", power_factor)):  # fmt: skip
        if col in chips:
            chips[col] = chips[col] * f
    if source and "source" in chips:
        chips["source"] = [f"{source}; {s}" for s in chips["source"]]
    return chips


def pv_params(inputs: Inputs, case: Case) -> PVSystemParams:
    """The PV system of a case (its mount and the PV keys of its prices)."""
    return PVSystemParams.from_prices(case_inputs(inputs, case).prices, mount=run_options(
        case.options).mount)  # fmt: skip


def profile_key(inputs: Inputs, case: Case) -> str:
    """Cases with the same key share one PV profile computation (same inputs, same PV system,
    same grouping radius)."""
    radius = run_options(case.options).profile_radius_km
    return json.dumps([group_key(case.options), repr(pv_params(inputs, case)), radius])


def make_profiles(inputs: Inputs, case: Case) -> Profiles:
    """The PV yield profiles of ``case`` (once per :func:`profile_key`)."""
    params = pv_params(inputs, case)
    return build_profiles(inputs.parcels, inputs.weather, params,
                          run_options(case.options).profile_radius_km)  # fmt: skip


def _publish(tmp: Path, final: Path) -> None:
    """Rename ``tmp`` to ``final`` (atomic on one file system); keep an existing ``final``."""
    try:
        os.rename(tmp, final)
    except OSError:
        if not (final / ROW_FILE).is_file():
            raise
        shutil.rmtree(tmp, ignore_errors=True)  # the same case finished elsewhere first


def _write_case(sweep_dir: Path, case: Case, run, row: dict, t0: float) -> None:
    """Write the case's run folder (or its row alone when it failed) atomically; the row's
    ``wall_s`` [s] counts from ``t0`` (``time.perf_counter``) to the end of the export."""

    cases = Path(sweep_dir) / CASES
    cases.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".tmp-{case.case_id}-", dir=cases))
    try:
        folder = export_run(run, staging) if run is not None else staging / "failed"
        folder.mkdir(exist_ok=True)
        row["wall_s"] = round(time.perf_counter() - t0, 2)
        (folder / ROW_FILE).write_text(json.dumps(row, indent=2, default=str) + "\n")
        _publish(folder, cases / case.case_id)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _ok_fields(run) -> dict:

    s = summary_dict(run)
    return {
        "total_cost_usd": s["total_cost_usd"],
        **{f"cost_{cat}_usd": usd for cat, usd in s["cost_by_category_usd"].items()},
        "chips": "; ".join(f"{n} x {c}" for c, n in s["chips"].items()),
        "chip_count": sum(s["chips"].values()),
        "pv_mw_dc": s["pv_mw_dc"],
        "storage_mwh": sum(st["deliverable_energy_mwh"] for st in s["storage"].values()),
        "gap": s["solver"]["gap"],
        "lower_bound_usd": s["solver"]["lower_bound_usd"],
        "solver_status": s["solver"]["status"],
    }


def run_case(case: Case, inputs: Inputs, profiles: Profiles | None, sweep_dir: str) -> dict:
    """Run one case through :func:`~optimizer.pipeline.run_solve` and write its folder.

    Never raises for a failed case: a :class:`~optimizer.errors.ZoptError` (or any error) is
    recorded in the row with its exit code and reason. Returns the row (``wall_s``: solve and
    export [s]).
    """

    t = time.perf_counter()
    opts = run_options(case.options)
    paths, _ = input_paths(case.options)
    row = {"case_id": case.case_id, "key": case.key, "role": case.role,
           "sens_key": case.sens_key, "sens_side": case.sens_side, **case.varied,
           "target_flops": opts.target_flops, "mode": opts.mode}  # fmt: skip
    run = None
    try:
        run = run_solve(paths, opts, inputs=case_inputs(inputs, case), profiles=profiles)
        row.update(status="ok", exit_code=0, reason="", **_ok_fields(run))
    except InputError as exc:
        row.update(status=STATUS[2], exit_code=2, reason="; ".join(map(str, exc.problems)))
    except ZoptError as exc:
        code = exc.exit_code
        row.update(status=STATUS.get(code, "error"), exit_code=code, reason=str(exc))
    except Exception as exc:  # noqa: BLE001 - a case's crash is recorded, the sweep goes on
        row.update(status="error", exit_code=1, reason=f"{type(exc).__name__}: {exc}",
                   traceback=traceback.format_exc(limit=5))  # fmt: skip
    row["run_folder"] = f"{CASES}/{case.case_id}" if run is not None else ""
    try:
        _write_case(Path(sweep_dir), case, run, row, t)
    except ZoptError as exc:
        row.update(status=STATUS[5], exit_code=5, reason=str(exc), run_folder="",
                   wall_s=round(time.perf_counter() - t, 2))  # fmt: skip
    return row


def read_done(sweep_dir: Path) -> dict[str, dict]:
    """Rows of the cases already finished in ``sweep_dir`` (case key -> row); cases that
    crashed (exit code 1) are left out, so a rerun tries them again."""
    out = {}
    for path in sorted((Path(sweep_dir) / CASES).glob(f"*/{ROW_FILE}")):
        try:
            row = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if row.get("exit_code") != 1 and row.get("key"):
            out[row["key"]] = row
    return out
