"""``zopt`` command line (a thin typer layer over :mod:`optimizer.pipeline`).

Start-up, measured (2 shared cores): typer reads the registry components' options
(:func:`~optimizer.model.registry.component_options`), so the model layer is imported at the top
(pyomo, pandas, geopandas, windpowerlib: ``zopt --help`` 0.16 s before, 2.6 s now); the
pipeline, export and solver modules stay imported inside the commands that use them, which
keeps another 0.6 s out of every ``--help``, ``validate`` and ``diff``.
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

import typer
from rich.console import Console

from optimizer import cli_yield
from optimizer.choices import CHOICES
from optimizer.cli_errors import err, fail
from optimizer.cli_weather import (
    DESIGN_YEARS,
    RELIABILITY,
    STRESS_YEARS,
    WEATHER_YEARS,
    apply_reliability,
    print_weather_years,
    record_problems,
)
from optimizer.errors import EXIT_BAD_INPUT, InputError, ZoptError
from optimizer.model.registry import component_options
from optimizer.options import run_option_problems

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,  # help text is plain: "[s]", "[km]", "[default: ...]" stay visible
    help="Plan the cheapest off-grid solar + storage machine that reaches a FLOPS target.",
)
console = Console(emoji=False)


def _choice(name: str, default, help: str):
    """A choice option: ``--help`` shows its choices (:data:`optimizer.choices.CHOICES`) as
    ``<a|b|c>``; any other value is refused with the list by the option checks
    (:func:`optimizer.options.run_option_problems`), with every other problem
    of the command line at once (exit 2)."""
    return typer.Option(default, f"--{name}", metavar=f"<{'|'.join(CHOICES[name])}>", help=help)


def _scenario_metavar() -> str:
    """The scenario choices for ``--help`` (the folders of ``data/scenarios/``; any other name
    is refused with this list by :func:`optimizer.inputs.scenario.load_scenario`)."""
    from optimizer.inputs.scenario import available_scenarios

    return "<" + ("|".join(available_scenarios()) or "str") + ">"


_fail = fail  # every command reports failures the same way (optimizer.cli_errors)

PARCELS = typer.Option(None, "--parcels", help="Parcels: GeoJSON, GeoPackage or Shapefile.")
LAYER = typer.Option(None, "--parcels-layer", help="Layer name inside a GeoPackage.")
PRICES = typer.Option(None, "--prices", help="Prices: CSV, or a zopt bom.xlsx (Prices sheet).")
CHIPS = typer.Option(None, "--chips", help="Chip catalogue CSV.")
RESERVOIRS = typer.Option(None, "--reservoirs", help="Pumped-hydro candidate sites CSV.")
WEATHER = typer.Option(
    None,
    "--weather",
    help="Weather file or folder: NSRDB PSM3, TMY3, TMY2, EPW, PVGIS; repeatable (a record of "
    "years at one place: the first is the design year, every year is stress-tested).",
)
SCENARIO = typer.Option(
    None, "--scenario", metavar=_scenario_metavar(), help="Named scenario in data/scenarios/."
)
PRECISION = _choice("precision", "fp8", "Which dense FLOPS figure of a chip counts.")
EXCLUDE = typer.Option(
    None, "--exclude", help="Exclusion polygons (GIS layer) subtracted from parcels; repeatable."
)
TIME_LIMIT = typer.Option(
    300.0, "--time-limit", help="Time limit of the whole solve, all stages [s]."
)
MIP_GAP = typer.Option(
    1e-2, "--mip-gap", help="Proven relative gap at which the search stops (0.01 = 1 %)."
)
METHOD = _choice(
    "method",
    "search",
    "How the gap is proven: search = a search by hand over LP relaxations (see README, How it "
    "solves); direct = HiGHS's branch and bound on the full MILP (small cases, a reference).",
)
MAX_UNSERVED = typer.Option(
    0.0,
    "--max-unserved",
    help="sustained mode: fraction of the year's compute that may go unserved (0 = every hour).",
)
MAX_DISTANCE = typer.Option(
    None, "--max-distance-km", help="Farthest parcel or reservoir from the compute site [km]."
)
CAMPUS_KM = typer.Option(
    None,
    "--campus-km",
    help="Farthest a data hall building may stand from the compute site's parcel, linked by "
    "fibre and a road [km] (0: only parcels touching it) [default: campus_km in the prices].",
)
MAX_SITES = typer.Option(
    None, "--max-sites", help="Most separate clusters of touching parcels to buy."
)
WARM_START = typer.Option(
    None, "--warm-start", help="An earlier run folder: its design is evaluated first."
)
QUIET = typer.Option(False, "--quiet", help="No live progress line (for scripts).")
OBJECTIVE = _choice(
    "objective",
    "capex",
    "capex = least capital cost; lifecycle = least net present cost over the plant "
    "life (replacements, O&M, salvage, discounted).",
)
EXCLUDE_BUFFER = typer.Option(0.0, "--exclude-buffer-m", help="Buffer around every exclusion [m].")
FIX_GEOMETRY = typer.Option(
    False, "--fix-geometry", help="Repair invalid polygons (make_valid) and report the change."
)
COLUMN_MAP = typer.Option(
    None,
    "--column-map",
    help="Parcel attribute names, e.g. parcel_id=APN,price_usd=SALE_PRICE, or a JSON file.",
)


def _land_paths(paths, exclude, exclude_buffer_m, fix_geometry, column_map):
    paths.exclude = list(exclude or [])
    paths.exclude_buffer_m = exclude_buffer_m
    paths.fix_geometry = fix_geometry
    paths.column_map = column_map
    return paths


def _paths(parcels, layer, prices, chips, reservoirs, weather, scenario=None):
    from optimizer.inputs.bundle import InputPaths

    return InputPaths(
        parcels=parcels,
        prices=prices,
        chips=chips,
        reservoirs=reservoirs,
        weather=list(weather) or None if weather else None,
        parcels_layer=layer,
        scenario=scenario,
    )


def _component_parameters(func):
    """Give ``func`` (whose ``**components`` collects them) one typer option per registry
    component option (:func:`~optimizer.model.registry.component_options`): typer reads the
    components' declarations, not a list here."""
    sig = inspect.signature(func)
    params = [p for p in sig.parameters.values() if p.kind != p.VAR_KEYWORD]
    for o in component_options():
        meta = f"<{'|'.join(o.choices)}>" if o.choices else None
        opt = typer.Option(o.default, f"--{o.name}", help=o.help, metavar=meta)
        params.append(inspect.Parameter(o.key, inspect.Parameter.KEYWORD_ONLY, default=opt,
                                        annotation=o.kind))  # fmt: skip
    func.__signature__ = sig.replace(parameters=params)
    return func


@app.command()
@_component_parameters
def solve(
    target: float = typer.Option(1e21, "--target", help="Compute target [FLOPS], e.g. 1e21."),
    mode: str = _choice(
        "mode", "sustained", "What reaching the target means (README: Target modes)."
    ),
    precision: str = PRECISION,
    parcels: Path = PARCELS,
    parcels_layer: str = LAYER,
    prices: Path = PRICES,
    chips: Path = CHIPS,
    reservoirs: Path = RESERVOIRS,
    weather: list[Path] = WEATHER,
    reports_dir: Path = typer.Option(Path("reports"), "--reports-dir", help="Where runs go."),
    time_limit: float = TIME_LIMIT,
    mip_gap: float = MIP_GAP,
    threads: int = typer.Option(1, "--threads", help="HiGHS threads (changes the search path)."),
    seed: int = typer.Option(0, "--seed", help="HiGHS random seed."),
    method: str = METHOD,
    no_liion: bool = typer.Option(False, "--no-liion", help="Leave Li-ion out of the design."),
    mount: str = _choice("mount", "single-axis", "PV mounting."),
    scenario: str = SCENARIO,
    max_unserved: float = MAX_UNSERVED,
    exclude: list[Path] = EXCLUDE,
    exclude_buffer_m: float = EXCLUDE_BUFFER,
    fix_geometry: bool = FIX_GEOMETRY,
    column_map: str = COLUMN_MAP,
    max_distance_km: float = MAX_DISTANCE,
    max_sites: int = MAX_SITES,
    campus_km: float = CAMPUS_KM,
    warm_start: Path = WARM_START,
    quiet: bool = QUIET,
    objective: str = OBJECTIVE,
    stress_years: int = STRESS_YEARS,
    design_years: str = DESIGN_YEARS,
    weather_years: int = WEATHER_YEARS,
    reliability: float = RELIABILITY,
    **components,
) -> None:
    """Solve for the cheapest design and write a new run folder under --reports-dir."""
    from optimizer.pipeline import RunOptions
    from optimizer.solve.highs import SolveOptions

    opts = RunOptions(
        target_flops=target,
        mode=mode,
        precision=precision,
        mount=mount,
        method=method,
        liion=not no_liion,
        max_unserved=max_unserved,
        max_distance_km=max_distance_km,
        max_sites=max_sites,
        campus_km=campus_km,
        objective=objective,
        components={o.key: components.get(o.key, o.default) for o in component_options()},
        solve=SolveOptions(
            time_limit_s=time_limit, mip_rel_gap=mip_gap, threads=threads, random_seed=seed
        ),
        warm_start=warm_start,
        stress_years=stress_years,
        design_years=design_years,
        weather_years=weather_years,
    )
    _check_solve_options(opts, apply_reliability(opts, reliability, max_unserved))
    opts.solve.live = not quiet
    paths = _paths(parcels, parcels_layer, prices, chips, reservoirs, weather, scenario)
    paths = _land_paths(paths, exclude, exclude_buffer_m, fix_geometry, column_map)
    _solve_and_report(paths, opts, reports_dir)


def _say(msg: str) -> None:
    err.print(f"[dim]{msg}[/dim]")


def _check_solve_options(opts, more: list = ()) -> None:
    """Check the ``zopt solve`` options (one :class:`~optimizer.pipeline.RunOptions`, by
    :func:`optimizer.options.run_option_problems`, as every sweep case is) and the weather
    record's; report every problem and exit when any is wrong."""
    problems = run_option_problems(opts) + record_problems(opts) + list(more)
    if problems:
        _fail(InputError(problems))


def _solve_and_report(paths, opts, reports_dir: Path) -> None:
    """Solve, write the run folder under ``reports_dir`` and print the summary table and the
    folder; on failure print the problem and exit with its code."""
    from optimizer.export.runfolder import check_writable
    from optimizer.export.summary import summary_dict
    from optimizer.pipeline import export_run, run_solve

    try:
        check_writable(reports_dir)  # exit 5 now, not after the solve
        run = run_solve(paths, opts, progress=_say)
        folder = export_run(run, reports_dir, progress=_say)
    except ZoptError as exc:
        _fail(exc)
    from optimizer.cli_table import summary_table
    from optimizer.export.weather_years import stress_table

    summary = summary_dict(run)
    console.print(summary_table(summary))
    if (table := stress_table(summary.get("weather_years"))) is not None:
        console.print(table)
    console.print(str(folder), markup=False, highlight=False, soft_wrap=True)


@app.command()
def validate(
    precision: str = PRECISION,
    parcels: Path = PARCELS,
    parcels_layer: str = LAYER,
    prices: Path = PRICES,
    chips: Path = CHIPS,
    reservoirs: Path = RESERVOIRS,
    weather: list[Path] = WEATHER,
    scenario: str = SCENARIO,
    exclude: list[Path] = EXCLUDE,
    exclude_buffer_m: float = EXCLUDE_BUFFER,
    fix_geometry: bool = FIX_GEOMETRY,
    column_map: str = COLUMN_MAP,
) -> None:
    """Check the inputs only and report every problem at once."""
    from optimizer.inputs.bundle import load_inputs

    try:
        paths = _land_paths(
            _paths(parcels, parcels_layer, prices, chips, reservoirs, weather, scenario),
            exclude,
            exclude_buffer_m,
            fix_geometry,
            column_map,
        )
        inputs = load_inputs(paths, precision=precision)
    except ZoptError as exc:
        _fail(exc)
    for line in inputs.parcels.attrs.get("repairs", []):
        err.print(line, markup=False, highlight=False, soft_wrap=True)
    p = inputs.parcels
    console.print(
        f"parcels: {p['area_acres'].sum():,.0f} acres, {p['excluded_acres'].sum():,.0f} excluded, "
        f"{p['buildable_acres'].sum():,.0f} buildable ({int((p['buildable_acres'] <= 0).sum())} "
        "parcels with none)"
    )
    console.print(
        f"inputs valid: {len(inputs.parcels)} parcels, {len(inputs.chips)} chip types "
        f"({precision}), {len(inputs.reservoirs)} reservoir sites, "
        f"{len(inputs.prices)} prices, weather: "
        f"{'embedded default' if inputs.weather is None else inputs.weather.source}"
    )
    print_weather_years(inputs, console)


cli_yield.register(app)

from optimizer import cli_diff  # noqa: E402

cli_diff.register(app)

from optimizer import cli_sweep  # noqa: E402

cli_sweep.register(app)

from optimizer import cli_stress  # noqa: E402

cli_stress.register(app)

from optimizer import cli_roadmap  # noqa: E402

cli_roadmap.register(app)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)


if __name__ == "__main__":
    sys.exit(EXIT_BAD_INPUT if main() else 0)
