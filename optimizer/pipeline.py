"""One run, layer by layer: read -> yield -> build + solve -> verify -> export.

The CLI is a thin layer over :func:`run_solve` and :func:`export_run`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from optimizer.errors import CheckFailedError, InfeasibleError, InputError, Problem
from optimizer.export import gis, manifest, plots, workbook
from optimizer.export import summary as summary_json
from optimizer.export import weather_years as weather_plot
from optimizer.export.manifest import build_manifest, flatten
from optimizer.export.runfolder import new_run_folder, run_name
from optimizer.export.summary import summary_dict
from optimizer.inputs.bundle import InputPaths, Inputs, load_inputs
from optimizer.inputs.weather import MODEL_YEAR
from optimizer.inputs.weather_record import describe_record
from optimizer.model.diagnose import explain_infeasible as data_check
from optimizer.model.diagnose import target_beyond_resources
from optimizer.model.from_inputs import model_data_from_inputs
from optimizer.resource.profiles import Profiles, build_profiles
from optimizer.resource.record_profiles import record_profiles
from optimizer.resource.solar import PVSystemParams
from optimizer.resource.synthetic_years import synthetic_year
from optimizer.results.bom import build_bom
from optimizer.results.run import RunResult
from optimizer.results.solution import dispatch_frame, extract_solution
from optimizer.results.stress import stress_of_run
from optimizer.results.verify import verify_solution
from optimizer.solve.design import design_from_summary
from optimizer.solve.highs import ScalingError, SolveOptions
from optimizer.solve.infeasibility import DIAGNOSIS_BUDGET_S
from optimizer.solve.infeasibility import explain_infeasible as lifted_limits
from optimizer.solve.strategy import solve_with_gap


@dataclass
class RunOptions:
    """Options of ``zopt solve`` (recorded in the run's Run info sheet)."""

    target_flops: float = 1e21
    mode: str = "sustained"
    precision: str = "fp8"
    mount: str = "single-axis"
    profile_radius_km: float = 30.0
    method: str = "search"  # search | direct (optimizer.solve.strategy)
    liion: bool = True
    max_unserved: float = 0.0
    max_distance_km: float | None = None
    max_sites: int | None = None
    compute_site_candidates: int = 6
    collector_radius_km: float = 5.0
    cluster_gap_m: float = 30.0
    campus_km: float | None = None  # None: the price row campus_km
    solve: SolveOptions = field(default_factory=SolveOptions)
    warm_start: Path | None = None  # an earlier run folder whose design starts the search
    objective: str = "capex"  # capex | lifecycle (optimizer.model.lifecycle)
    #: synthetic weather years the design is replayed on with the embedded default weather
    #: (``zopt solve`` asks for 3; library callers and sweeps for none unless they say)
    stress_years: int = 0
    #: "first": design on the first weather year, replay the others; "all": one design for
    #: every year of the record at once (optimizer.resource.record_profiles)
    design_years: str = "first"
    #: with the embedded weather: design for this many synthetic years at once (0: typical)
    weather_years: int = 0
    #: the registry components' own options by name (e.g. ``backup``, ``max_backup_share`` of
    #: optimizer.model.backup), read by their ``data`` hooks and checked by their ``options``
    components: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        """Return a flat dict of every option (the components' options among them)."""
        out = {k: v for k, v in vars(self).items() if k not in ("solve", "components")}
        out.update(self.components)
        out.update({f"solver_{k}": v for k, v in self.solve.as_dict().items()})
        return out


def _solver_info(strategy) -> dict:
    final = strategy.final
    return {
        "status": strategy.status,
        "highs_status": strategy.limits[-1]["status"] if strategy.limits else final.status,
        "gap": strategy.gap,
        "lower_bound_usd": strategy.lower_bound * 1e6,
        "upper_bound_usd": strategy.upper_bound * 1e6,
        "seconds": strategy.solve_s,
        "rows": final.rows,
        "columns": final.columns,
        "integer_columns": final.integers,
        "highs_version": final.highs_version,
        "time_limit_reached": strategy.time_limit_reached,
        "limited_by": [s["stage"] for s in strategy.limits],
        "stages": strategy.stages,
        **({"record_loop": strategy.iterations} if hasattr(strategy, "iterations") else {}),
    }


def _read_inputs(
    paths: InputPaths, opts: RunOptions, progress: Callable[[str], None], timings: dict
) -> tuple[Inputs, RunOptions]:
    """Read and validate the inputs (timed as ``read`` [s]) and report them; resolve the
    automatic coarse block length [h] from the parcel count."""
    t = time.perf_counter()
    inputs = load_inputs(paths, precision=opts.precision)
    timings["read"] = time.perf_counter() - t
    for line in inputs.parcels.attrs.get("repairs", []):
        progress(line)  # --fix-geometry: area change per repaired parcel
    if len(inputs.weather_years) > 1:

        for line in describe_record(inputs.weather_years):
            progress(line)  # every year of a record, its file and what zopt changed
    else:
        for note in inputs.weather.notes if inputs.weather is not None else []:
            progress(f"weather: {note}")  # e.g. GHI computed from DNI and DHI
    progress(f"inputs valid: {len(inputs.parcels)} parcels, {len(inputs.chips)} chip types, "
             f"{len(inputs.reservoirs)} reservoir sites")  # fmt: skip
    return inputs, opts


def _pv_profiles(
    inputs: Inputs, opts: RunOptions, progress: Callable[[str], None], timings: dict
) -> Profiles:
    """Build the PV yield profiles (timed as ``yield`` [s]) and report the mean annual yield
    [kWh/kW_dc]."""
    t = time.perf_counter()
    params = PVSystemParams.from_prices(inputs.prices, mount=opts.mount)
    if designs_on_record(inputs, opts):

        profiles = record_profiles(
            inputs.parcels, inputs.weather_years, params, opts.profile_radius_km
        )
    else:
        profiles = build_profiles(inputs.parcels, inputs.weather, params, opts.profile_radius_km)
    timings["yield"] = time.perf_counter() - t
    progress(
        f"PV yield: {len(profiles.lat)} weather profiles, "
        f"{profiles.cf.sum(axis=1).mean() * 8760 / profiles.cf.shape[1]:,.0f} kWh/kW_dc a year"
    )
    return profiles


def designs_on_record(inputs: Inputs, opts: RunOptions) -> bool:
    """True when one design is sought for every year of a record of several years."""
    wanted = opts.design_years == "all" or opts.weather_years > 0
    return wanted and len(inputs.weather_years) > 1


def _synthetic_record(inputs: Inputs, opts: RunOptions, progress) -> None:
    """``--weather-years N`` with the embedded weather: N synthetic years (drawn at the
    parcels' mean place and altitude, every profile gets the same year) become the record."""

    if opts.weather_years <= 0 or inputs.weather is not None:
        return
    p = inputs.parcels
    elev = p["elevation_m"].to_numpy(dtype=float)
    alt = float(np.nanmean(elev)) if np.isfinite(elev).any() else 0.0
    lat, lon = float(p["lat"].mean()), float(p["lon"].mean())
    inputs.weather_years = [synthetic_year(lat, lon, alt, k)
                            for k in range(1, opts.weather_years + 1)]  # fmt: skip
    progress(f"weather record: {opts.weather_years} synthetic years of the default weather "
             f"model at {lat:.2f}, {lon:.2f} (seeded; one design for all)")  # fmt: skip


#: annual cost terms proportional to energy: summed over the horizon by the model, so divided
#: by the record's years to stay per year
ENERGY_TERMS = ("phs_vom", "backup_fuel", "backup_vom")


def _per_year(sol, n_years: int) -> None:
    """Energy-proportional annual terms of a record design per year, not per record."""
    for name in ENERGY_TERMS:
        if name in sol.annual_usd:
            sol.annual_usd[name] /= n_years


def _checked_solution(strategy, inputs: Inputs, data, timings: dict):
    """Extract the solution and its site, price the BOM and check it independently (timed as
    ``verify`` [s]); return ``(solution, bom, check)`` or raise :class:`CheckFailedError`."""
    t = time.perf_counter()
    sol = extract_solution(strategy.model, strategy.data)
    bom = build_bom(inputs, data, sol)
    check = verify_solution(sol, data, bom)
    timings["verify"] = time.perf_counter() - t
    if not check.passed:
        raise CheckFailedError(
            "the solver's answer failed the independent check:\n  " + "\n  ".join(check.failures)
        )
    return sol, bom, check


def _hour_index(inputs: Inputs, data) -> pd.DatetimeIndex:
    """Hour-beginning timestamps of the dispatch: the weather file's, else :data:`MODEL_YEAR`."""
    if inputs.weather is not None and data.hours == len(inputs.weather.df):
        return inputs.weather.df.index
    if inputs.weather is not None:  # a record designed at once: its years end to end
        tz = inputs.weather.df.index.tz
        return pd.date_range(f"{MODEL_YEAR}-01-01", periods=data.hours, freq="h", tz=tz)
    return pd.date_range(f"{MODEL_YEAR}-01-01", periods=data.hours, freq="h")


def warm_start_folder(paths: InputPaths, opts: RunOptions) -> Path | None:
    """The run folder whose design starts the solve: ``--warm-start``, else the folder of a
    ``--prices RUN/bom.xlsx`` workbook (when its ``summary.json`` is beside it)."""
    if opts.warm_start is not None:
        return Path(opts.warm_start)
    prices = paths.prices
    if prices is not None and Path(prices).suffix.lower() == ".xlsx":
        folder = Path(prices).parent
        return folder if (folder / "summary.json").is_file() else None
    return None


#: the LP relaxation's HiGHS basis in a run folder (read by the next warm rerun)
BASIS_FILE = "lp_relaxation.bas"


def _warm_basis(paths: InputPaths, opts: RunOptions) -> bytes | None:
    """The earlier run's LP-relaxation basis (None without one)."""
    folder = warm_start_folder(paths, opts)
    try:
        return (folder / BASIS_FILE).read_bytes() if folder is not None else None
    except OSError:
        return None


def _warm_design(paths: InputPaths, opts: RunOptions, data, progress):
    """The earlier run's design mapped onto ``data`` (None without one); say what was used."""
    import json

    folder = warm_start_folder(paths, opts)
    if folder is None:
        return None
    try:
        summary = json.loads((folder / "summary.json").read_text())
    except (OSError, ValueError) as exc:
        progress(f"warm start: {folder}/summary.json unreadable ({exc}); solving from scratch")
        return None
    design, notes = design_from_summary(summary, data)
    for note in notes:
        progress(f"warm start: {note}")
    if design is not None:
        progress(f"warm start: the design of {folder} is evaluated first")
    return design


def _why_infeasible(data, opts: RunOptions, progress) -> str:
    """The limiting resources of an infeasible ``data``, from relaxations re-solved with one
    limit lifted at a time (:mod:`optimizer.solve.infeasibility`) within
    ``min(DIAGNOSIS_BUDGET_S, max(time limit, 10 s))``; the data check's words when that
    budget settles nothing."""
    budget_s = min(DIAGNOSIS_BUDGET_S, max(opts.solve.time_limit_s, 10.0))
    return lifted_limits(data, opts.solve, budget_s, lambda: data_check(data), progress)


def _solve(data, paths: InputPaths, opts: RunOptions, progress, labels=()):
    """The strategy's answer for ``data``, started from any earlier run's design and LP basis;
    returns ``(strategy, basis)`` (``basis["out"]``: this run's LP-relaxation basis). A record
    of the years ``labels`` (one design for all) goes to the loop over weather windows
    (:mod:`optimizer.solve.record`) where its relaxation argument holds."""
    from optimizer.results.stress_lp import least_unserved
    from optimizer.solve.record import loop_applies, solve_record

    start = _warm_design(paths, opts, data, progress)
    basis = {"in": _warm_basis(paths, opts)}
    if len(labels) > 1 and not loop_applies(data):
        progress("weather record: solved as one model of the whole record (slow): "
                 "--max-unserved/--reliability apply to the record's energy, no window's")
    try:
        if len(labels) > 1 and loop_applies(data):
            return solve_record(data, opts.solve, list(labels), opts.method,
                                lambda: _why_infeasible(data, opts, progress), progress,
                                start=start, lp_replay=least_unserved), basis  # fmt: skip
        strategy = solve_with_gap(
            data,
            opts.solve,
            opts.method,
            explain_infeasible=lambda: _why_infeasible(data, opts, progress),
            progress=progress,
            start=start,
            basis=basis,
        )
    except ScalingError as exc:  # figures beyond the solver's range: say so, no traceback
        raise InputError([Problem("inputs", "", "", f"{exc}; check the target and units")]) from exc
    return strategy, basis


def run_solve(
    paths: InputPaths,
    opts: RunOptions,
    progress: Callable[[str], None] = lambda _m: None,
    inputs: Inputs | None = None,
    profiles: Profiles | None = None,
) -> RunResult:
    """Read, solve and verify; raise a :class:`~optimizer.errors.ZoptError` on failure.

    ``inputs`` (already read and validated) and ``profiles`` (built for them) skip reading and
    the PV yield, e.g. for the cases of a sweep (:mod:`optimizer.sweep`); ``paths`` is then only
    used for the warm start.
    """
    timings: dict[str, float] = {}
    if inputs is None:
        inputs, opts = _read_inputs(paths, opts, progress, timings)
    if profiles is None:
        _synthetic_record(inputs, opts, progress)
        profiles = _pv_profiles(inputs, opts, progress, timings)
    t = time.perf_counter()  # model data, compute site and power lines included
    data = model_data_from_inputs(
        inputs,
        profiles,
        opts.target_flops,
        mode=opts.mode,
        battery_enabled=opts.liion,
        max_unserved=opts.max_unserved,
        objective=opts.objective,
        options=opts.as_dict(),
    )
    if (reason := target_beyond_resources(data)) is not None:
        raise InfeasibleError(f"{reason} (found before any model was built)")
    timings["geo"] = time.perf_counter() - t
    labels = [y.label for y in inputs.weather_years] if designs_on_record(inputs, opts) else []
    strategy, basis = _solve(data, paths, opts, progress, labels)
    timings["build"], timings["solve"] = strategy.build_s, strategy.solve_s
    sol, bom, check = _checked_solution(strategy, inputs, data, timings)
    progress("independent check passed")
    if data.hours > 8760:
        _per_year(sol, data.hours // 8760)
    dispatch = dispatch_frame(sol, data, _hour_index(inputs, data))
    run = RunResult(
        inputs=inputs,
        profiles=profiles,
        data=data,
        solution=sol,
        bom=bom,
        dispatch=dispatch,
        check=check,
        solver=_solver_info(strategy),
        options=opts.as_dict(),
        timings_s=timings,
        lp_basis=basis.get("out"),
    )
    _stress_test(run, opts, progress)
    return run


def _stress_test(run: RunResult, opts: RunOptions, progress) -> None:
    """Replay the design on every weather year of the run (timed as ``stress`` [s])."""

    t = time.perf_counter()
    run.stress_design, run.weather_years = stress_of_run(run, opts.stress_years, progress)
    run.timings_s["stress"] = time.perf_counter() - t


def run_info(run: RunResult) -> dict:
    """Versions, input checksums, options, solver status and timings for the Run info sheet.

    The same content as ``manifest.json`` (see :mod:`optimizer.export.manifest`), flattened.
    """

    return flatten(build_manifest(run))


def export_run(run: RunResult, reports_dir: Path, progress=lambda _m: None) -> Path:
    """Write a new run folder (workbook, summary.json, manifest.json, parcels.gpkg, PNGs).

    The writers are called through their modules (``workbook.write_workbook``, ...), so that
    a fault injected into one of them (the tests' full disk, Ctrl-C) is the one that runs."""
    t = time.perf_counter()
    name = run_name(run.data.meta["target_flops"], run.data.compute.mode)
    with new_run_folder(reports_dir, name) as folder:
        tmp = folder["tmp"]
        summary = summary_dict(run)
        workbook.write_workbook(run, summary, run_info(run), tmp / "bom.xlsx")
        plots.plot_map(run, tmp / "map.png")
        gis.write_parcels_gpkg(run, tmp / "parcels.gpkg")
        plots.plot_dispatch(run, tmp / "dispatch.png")
        if run.weather_years:
            weather_plot.plot_weather_years(run.weather_years, tmp / "weather_years.png")
        run.timings_s["export"] = time.perf_counter() - t
        summary_json.write_summary(run, tmp)
        if run.lp_basis:
            (tmp / BASIS_FILE).write_bytes(run.lp_basis)
        manifest.write_manifest(run, tmp)
    progress(f"wrote {folder['path']}")
    return folder["path"]
