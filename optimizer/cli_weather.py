"""The weather options of ``zopt solve`` and ``zopt validate`` (records, stress test,
reliability), kept out of :mod:`optimizer.cli` so its own option declarations stay local."""

from __future__ import annotations

import typer

STRESS_YEARS = typer.Option(
    3,
    "--stress-years",
    help="Synthetic weather years (embedded default weather) the design is replayed on; "
    "0 = none. With --weather files, every year given is replayed instead.",
)
DESIGN_YEARS = typer.Option(
    "first",
    "--design-years",
    help="With several weather years: first = design on the first, replay the others; all = "
    "one design that serves every hour of every year (sustained, capex, no backup).",
)
WEATHER_YEARS = typer.Option(
    0,
    "--weather-years",
    help="Embedded weather: design for N synthetic years at once (0 = the typical year).",
)
RELIABILITY = typer.Option(
    None,
    "--reliability",
    help="Sustained: the share of the IT energy (of the whole record) that must be served, "
    "e.g. 0.999; the same as --max-unserved 1-R.",
)


def apply_reliability(opts, reliability: float | None, max_unserved: float) -> list:
    """``--reliability R`` as ``max_unserved = 1 - R`` on ``opts``; return the problems."""
    from optimizer.errors import Problem

    if reliability is None:
        return []
    problems = []
    if not 0 < reliability <= 1:
        problems.append(Problem("command line", "", "--reliability", "must be a share",
                                reliability, "0 < R <= 1"))  # fmt: skip
    if max_unserved > 0:
        problems.append(Problem("command line", "", "--reliability", "give --reliability or "
                                "--max-unserved, not both", max_unserved, "0"))  # fmt: skip
    if opts.mode != "sustained":
        problems.append(Problem("command line", "", "--reliability", "only applies to --mode "
                                "sustained", opts.mode, "sustained"))  # fmt: skip
    if not problems:
        opts.max_unserved = 1.0 - reliability
    return problems


def record_problems(opts) -> list:
    """``--design-years`` / ``--weather-years``: what a design over a record supports."""
    from optimizer.errors import Problem

    out = []
    if opts.design_years not in ("first", "all"):
        out.append(Problem("command line", "", "--design-years", "unknown choice",
                           opts.design_years, "first | all"))  # fmt: skip
    if opts.weather_years < 0:
        out.append(Problem("command line", "", "--weather-years", "must not be negative",
                           opts.weather_years, ">= 0"))  # fmt: skip
    if opts.design_years == "all" or opts.weather_years > 0:
        for ok, what, found, expected in (
            (opts.mode == "sustained", "--mode", opts.mode, "sustained"),
            (opts.objective == "capex", "--objective", opts.objective, "capex"),
            (not opts.components.get("backup"), "--backup", opts.components.get("backup"),
             "none"),
        ):  # fmt: skip
            if not ok:
                out.append(Problem("command line", "", what, "a design for every weather year "
                                   "supports only this choice", found, expected))  # fmt: skip
    return out


def print_weather_years(inputs, console) -> None:
    """One line per weather year of a record of several years (nothing for one year)."""
    from optimizer.inputs.weather_record import describe_record

    if len(inputs.weather_years) > 1:
        for line in describe_record(inputs.weather_years):
            console.print(line, markup=False, highlight=False, soft_wrap=True)
