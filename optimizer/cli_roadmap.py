"""``zopt roadmap``: the cost of the target in each year on projected prices (see
:mod:`optimizer.sweep.roadmap`), and with ``--budget`` the first year the budget buys it."""

from __future__ import annotations

import math
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from optimizer.errors import ZoptError

err = Console(stderr=True, emoji=False, highlight=False)
console = Console(emoji=False, highlight=False)
CASE_CHOICES = ("conservative", "moderate", "advanced", "all")


def _money(usd) -> str:
    if usd is None or not isinstance(usd, int | float) or not math.isfinite(usd):
        return ""
    return f"{usd / 1e9:,.2f} B" if usd >= 1e9 else f"{usd / 1e6:,.2f} M"


def summary_table(result, budget_usd: float | None) -> Table:
    """One screen: a row per year, per case the total cost [$] (* = within the budget, ! =
    no proven design) and the moderate (or first) case's chips, PV and storage."""
    names = list(dict.fromkeys(r["case"] for r in result.rows))
    t = Table(title=f"zopt roadmap: {len(result.rows)} solves", padding=(0, 1))
    t.add_column("year")
    for name in names:
        t.add_column(f"{name} [$]", justify="right")
    main = "moderate" if "moderate" in names else names[0]
    for col in (f"{main}: chips", "PV [MW_dc]", "storage [MWh]"):
        t.add_column(col, justify="right")
    by = {(r["year"], r["case"]): r for r in result.rows}
    for year in sorted({r["year"] for r in result.rows}):
        cells = []
        for name in names:
            r = by[(year, name)]
            ok = r.get("status") == "ok"
            fits = ok and budget_usd is not None and r["total_cost_usd"] <= budget_usd
            mark = "*" if fits else ""
            cells.append(_money(r.get("total_cost_usd")) + mark if ok else f"! {r.get('status')}")
        m = by[(year, main)]
        ok = m.get("status") == "ok"
        cells += [f"{m.get('chip_count', 0):,.0f}" if ok else "",
                  f"{m.get('pv_mw_dc', 0):,.1f}" if ok else "",
                  f"{m.get('storage_mwh', 0):,.0f}" if ok else ""]  # fmt: skip
        t.add_row(str(year), *cells)
    return t


def _progress_line(state: dict) -> str:
    from optimizer.cli_sweep import _progress_line as sweep_line

    return sweep_line(state).replace("cases", "years", 1)


def roadmap(
    target: float = typer.Option(1e21, "--target", help="Compute target [FLOPS], e.g. 1e21."),
    years: str = typer.Option("2026-2050", "--years",
                              help="2026-2050, 2026-2050:5 (every 5th) or 2026,2030,2040."),
    case: str = typer.Option("moderate", "--case",
                             help="Projection case: conservative | moderate | advanced | all."),
    budget: float = typer.Option(None, "--budget", help="Budget [$]: the first year it buys "
                                 "the target, per case."),
    projections: Path = typer.Option(None, "--projections",
                                     help="Projections CSV [default: data/projections.csv]."),
    scenario: str = typer.Option(None, "--scenario", help="Named scenario (e.g. seed)."),
    mode: str = typer.Option(None, "--mode", help="sustained | average | peak."),
    precision: str = typer.Option(None, "--precision", help="fp4 | fp8 | bf16."),
    prices: Path = typer.Option(None, "--prices", help="Prices CSV (today's values)."),
    chips: Path = typer.Option(None, "--chips", help="Chip catalogue CSV (today's)."),
    mip_gap: float = typer.Option(None, "--mip-gap", help="Proven relative gap [default 0.01]."),
    time_limit: float = typer.Option(None, "--time-limit", help="Time limit per solve [s]."),
    workers: int = typer.Option(None, "--workers", help="Dask worker processes [default: "
                                "the cores]."),
    scheduler: str = typer.Option(None, "--scheduler", help="A running Dask scheduler."),
    reports_dir: Path = typer.Option(Path("reports"), "--reports-dir", help="Where it goes."),
    name: str = typer.Option(None, "--name", help="Folder name [default: roadmap_<target>_"
                             "<years>]; rerun into it to resume."),
) -> None:  # fmt: skip
    """One solve per year (and case) on projected prices; write reports/<roadmap>/ (roadmap.csv,
    roadmap.xlsx, roadmap.png, shares.png, a run folder per year)."""
    from rich.live import Live

    from optimizer.cli_errors import fail as _fail
    from optimizer.errors import Problem
    from optimizer.sweep.roadmap import RoadmapRequest, default_name, parse_years, run_roadmap

    year_list, problems = parse_years(years)
    if case not in CASE_CHOICES:
        problems.append(Problem("command line", "", "--case", "unknown case", case,
                                " | ".join(CASE_CHOICES)))  # fmt: skip
    if workers is not None and workers < 1:
        problems.append(Problem("command line", "", "--workers", "must be at least 1", workers))
    if budget is not None and not (budget > 0 and math.isfinite(budget)):
        problems.append(Problem("command line", "", "--budget", "must be positive", budget, "> 0"))
    if name is not None and (not name or "/" in name or name.startswith(".")):
        problems.append(Problem("command line", "", "--name", "must be a folder name", name))
    given = {"target": target, "scenario": scenario, "mode": mode, "precision": precision,
             "prices": prices, "chips": chips, "mip-gap": mip_gap,
             "time-limit": time_limit}  # fmt: skip
    options = {k: v for k, v in given.items() if v is not None}  # fmt: skip
    cases = ["conservative", "moderate", "advanced"] if case == "all" else [case]
    req = RoadmapRequest(year_list, cases, options, projections, budget,
                         name or default_name(options, year_list), problems)  # fmt: skip
    live = Live("", console=err, refresh_per_second=2, transient=False)
    try:
        with live:
            result = run_roadmap(req, reports_dir, scheduler, workers,
                                 say=lambda m: err.print(m, markup=False, soft_wrap=True),
                                 on_update=lambda s: live.update(_progress_line(s)))  # fmt: skip
    except ZoptError as exc:
        _fail(exc)
    _report(result, budget)


def _report(result, budget: float | None) -> None:
    from optimizer.sweep.roadmap import crossing_text

    console.print(summary_table(result, budget))
    for c in result.crossings.values():
        console.print(crossing_text(c, budget), markup=False, soft_wrap=True)
    bad = sum(r.get("status") != "ok" for r in result.rows)
    gaps = [r.get("gap") for r in result.rows if r.get("status") == "ok"]
    worst = max((g for g in gaps if g is not None), default=float("nan"))
    err.print(f"{result.info['ran']} solved now, {result.info['skipped']} already done, "
              f"{bad} without a design; worst proven gap {worst:.2%}; "
              f"{result.info['wall_s']:.0f} s", markup=False)  # fmt: skip
    console.print(str(result.folder), markup=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add ``zopt roadmap`` to the ``zopt`` app."""
    app.command("roadmap")(roadmap)
