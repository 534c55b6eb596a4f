"""`zopt stress RUN --weather F [--weather F2 ...] [--synthetic N] [--json]`: replay a solved
run's design on weather years given later (:mod:`optimizer.results.stress`).

The design's fixed sizes are read from ``RUN/summary.json`` (``weather_years.design``); the
years are read and checked as a weather record (:mod:`optimizer.inputs.weather_record`). The
result is printed and written to a new folder ``<reports-dir>/<UTC time>_stress`` (its own
``summary.json`` with the ``weather_years`` block, and ``weather_years.png``); the run folder
itself is never touched. ``optimizer/cli.py`` calls :func:`register` on its typer app.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.console import Console

from optimizer.cli_errors import fail
from optimizer.errors import InputError, Problem, ZoptError

console = Console(emoji=False)
err = Console(stderr=True, emoji=False, highlight=False)


def load_design(run: Path):
    """The :class:`~optimizer.results.stress.StressDesign` of a run folder; raise
    :class:`InputError` when the folder has none."""
    from optimizer.results.stress import StressDesign

    path = Path(run) / "summary.json"
    try:
        summary = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        problem = Problem(str(path), "", "", f"cannot read the run's summary: {exc}")
        raise InputError([problem]) from exc
    block = summary.get("weather_years") or {}
    if "design" not in block:
        raise InputError([Problem(str(path), "", "weather_years",
                                  "the run has no design to replay (solved before the stress "
                                  "test, or not in sustained mode)",
                                  expected="a run of zopt solve --mode sustained")])  # fmt: skip
    return StressDesign.from_dict(block["design"])


def stress_run(run: Path, weather: list[Path], synthetic: int, progress=lambda _m: None):
    """Read the design and the years, replay; return ``(design, years, seconds)``."""
    from optimizer.inputs.weather_record import read_weather_record
    from optimizer.resource.synthetic_years import synthetic_year
    from optimizer.results.stress import stress_years

    design = load_design(run)
    problems: list[Problem] = []
    years = []
    if weather:
        years, problems = read_weather_record(list(weather))
    if synthetic < 0:
        problems.append(Problem("command line", "", "--synthetic", "must not be negative",
                                synthetic, ">= 0"))  # fmt: skip
    if not weather and synthetic <= 0:
        problems.append(Problem("command line", "", "--weather", "no weather year to replay",
                                expected="--weather FILE or --synthetic N"))  # fmt: skip
    if problems:
        raise InputError(problems)
    p0 = design.profiles[0]
    years += [synthetic_year(p0["lat"], p0["lon"], p0["alt_m"], k)
              for k in range(1, synthetic + 1)]  # fmt: skip
    t = time.perf_counter()
    out = stress_years(design, years, progress)
    return design, out, time.perf_counter() - t


def register(app: typer.Typer) -> None:
    """Add the ``stress`` command to ``app``."""

    @app.command()
    def stress(
        run: Path = typer.Argument(..., help="A run folder written by zopt solve."),
        weather: list[Path] = typer.Option(
            None, "--weather", help="Weather file or folder to replay the design on; repeatable."
        ),
        synthetic: int = typer.Option(
            0, "--synthetic", help="Also replay N synthetic years of the default weather model."
        ),
        reports_dir: Path = typer.Option(Path("reports"), "--reports-dir", help="Where to write."),
        as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    ) -> None:
        """Replay a run's design on other weather years: hours and energy unserved per year."""
        from optimizer.export.runfolder import new_run_folder
        from optimizer.export.weather_years import (
            plot_weather_years,
            stress_table,
            weather_years_summary,
        )

        say = (lambda _m: None) if as_json else (lambda m: err.print(f"[dim]{m}[/dim]"))
        try:
            design, years, seconds = stress_run(run, list(weather or []), synthetic, say)
            block = weather_years_summary(design, years, seconds)
            name = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}_stress"
            with new_run_folder(reports_dir, name) as folder:
                summary = {"run": str(run), "weather_years": block}
                (folder["tmp"] / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
                plot_weather_years(years, folder["tmp"] / "weather_years.png")
        except ZoptError as exc:
            fail(exc)
        if as_json:
            print(json.dumps({**block, "folder": str(folder["path"])}, indent=2))
            return
        console.print(stress_table(block))
        console.print(str(folder["path"]), markup=False, highlight=False, soft_wrap=True)
