"""``zopt roadmap``: one solve per (year, case) on projected prices and a projected chip catalogue.

Each (year, case) is a sweep :class:`~optimizer.sweep.cases.Case` whose overrides are the
projections of :mod:`optimizer.inputs.projections` applied to the validated inputs:

- a projected price key: value [its unit] = value in the inputs x m(year), its source in the
  run's Prices sheet ``projected from <value> in <base year> at <rate> (<case>: <source>)``;
- the chip catalogue: FLOPS per chip kept, ``price_usd`` and ``overhead_usd`` [$/chip] divided
  by the FLOPS-per-dollar multiplier and ``tdp_w`` and ``overhead_w`` [W/chip] by the
  FLOPS-per-watt multiplier. Assumption: the market's improvement in FLOPS per $ and per W
  applies to every chip of today's catalogue alike (a 2040 "GB300" is a chip with today's
  FLOPS at the projected price and power), so the choice between chip types keeps today's
  ratios; ``max_count`` and the FLOPS per chip are unchanged;
- parcel prices [$] x the ``land:parcel_price`` multiplier.

Keys without a projection row keep today's value. The cases run through the sweep machinery
(:func:`~optimizer.sweep.runner.run_prepared`: Dask, resume, progress), each a normal verified
run folder in ``<roadmap>/cases/<case_id>/``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from optimizer.errors import InputError, Problem
from optimizer.inputs.prices import price_schema
from optimizer.inputs.projections import CASES, Projection, read_projections
from optimizer.paths import default_path
from optimizer.sweep.cases import Case, case_key, dedupe, group_key
from optimizer.sweep.prepare import (
    Prepared,
    _drop_no_ops,
    _option_problems,
    _read_groups,
    _value_problems,
)
from optimizer.sweep.roadmap_outputs import write_roadmap
from optimizer.sweep.runner import run_prepared
from optimizer.sweep.spec import SweepSpec

YEAR_RANGE = (2000, 2200)


@dataclass
class RoadmapRequest:
    """What ``zopt roadmap`` was asked.

    Attributes
    ----------
    years : the years to solve [yr], increasing
    cases : projection cases (``conservative``, ``moderate``, ``advanced``)
    options : ``zopt solve`` options by long name (``target`` [FLOPS], ``scenario``, ...)
    projections : the projections file (default ``data/projections.csv``)
    budget_usd : the budget [$] (None: no budget question)
    name : the roadmap's folder name under the reports folder
    """

    years: list[int]
    cases: list[str]
    options: dict
    projections: Path | None = None
    budget_usd: float | None = None
    name: str = ""
    problems: list[Problem] = field(default_factory=list)

    @property
    def projections_path(self) -> Path:
        """The projections file read."""
        return Path(self.projections) if self.projections else default_path("projections.csv")


def parse_years(text: str) -> tuple[list[int], list[Problem]]:
    """``2026-2050`` (every year), ``2026-2050:5`` (every 5th, the last always included) or
    ``2026,2030,2040`` -> the years [yr]; problems as ``command line:--years``."""

    def bad(msg: str) -> tuple[list[int], list[Problem]]:
        return [], [Problem("command line", "", "--years", msg, text,
                            "e.g. 2026-2050, 2026-2050:5 or 2026,2030,2040")]  # fmt: skip

    text = str(text).strip()
    if m := re.fullmatch(r"(\d{4})\s*-\s*(\d{4})(?::(\d+))?", text):
        a, b, step = int(m[1]), int(m[2]), int(m[3] or 1)
        if b < a or step < 1:
            return bad("the last year must not be before the first; step >= 1")
        years = list(range(a, b + 1, step))
        years += [b] if years[-1] != b else []
    elif re.fullmatch(r"\d{4}(\s*,\s*\d{4})*", text):
        years = [int(y) for y in text.split(",")]
        if years != sorted(set(years)):
            return bad("years must increase, each once")
    else:
        return bad("not a year range or list")
    if not all(YEAR_RANGE[0] <= y <= YEAR_RANGE[1] for y in years):
        return bad(f"years from {YEAR_RANGE[0]} to {YEAR_RANGE[1]}")
    return years, []


def default_name(options: dict, years: list[int]) -> str:
    """``roadmap_1e21_2026-2050`` (+ ``_<scenario>``): the roadmap's folder name."""
    target = f"{options.get('target', 1e21):.3g}".replace("e+", "e")
    scen = f"_{options['scenario']}" if options.get("scenario") else ""
    span = f"_{years[0]}-{years[-1]}" if years else ""
    return f"roadmap_{target}{span}{scen}"


def _price_overrides(inputs, proj: dict[str, Projection], year: int, case_name: str):
    prices, sources = {}, {}
    for key, p in proj.items():
        if key not in price_schema():
            continue
        old = inputs.prices.value(key)
        prices[key] = old * p.factor(year)
        sources[key] = (f"projected from {old:g} in {p.base_year} at {p.describe()} "
                        f"({case_name}: {p.source}, {p.year})")  # fmt: skip
    return prices, sources


def year_case(inputs, proj: dict[str, Projection], year: int, case_name: str,
              options: dict) -> Case:  # fmt: skip
    """The sweep case of one (year, case): every projection of ``proj`` (key -> row of this
    case) applied to the validated ``inputs`` in ``year``."""
    case = Case(dict(options), role="roadmap", varied={"year": year, "case": case_name})
    case.prices, case.price_sources = _price_overrides(inputs, proj, year, case_name)
    usd, watt = proj.get("chips:flops_per_usd"), proj.get("chips:flops_per_w")
    if usd or watt:
        f_usd = usd.factor(year) if usd else 1.0
        f_w = watt.factor(year) if watt else 1.0
        case.chip_scale = (1.0 / f_usd, 1.0 / f_w)
        parts = [f"{label} {p.describe()} from {p.base_year} ({p.source}, {p.year})"
                 for label, p in (("FLOPS/$", usd), ("FLOPS/W", watt)) if p]  # fmt: skip
        case.chip_source = (f"projected to {year} ({case_name}): price x {1 / f_usd:.4g}, "
                            f"power x {1 / f_w:.4g}; " + "; ".join(parts))  # fmt: skip
    if land := proj.get("land:parcel_price"):
        case.parcel_factor = land.factor(year)
    return case


def _spec(req: RoadmapRequest, text: bytes) -> SweepSpec:
    return SweepSpec(req.projections_path, req.name, dict(req.options), [], [], 0.2, text)


def prepare_roadmap(req: RoadmapRequest) -> tuple[Prepared, list[Case]]:
    """Validate everything (options, inputs, projections, every projected value) before any
    solve; raise :class:`InputError` with every problem at once.

    Returns the prepared sweep (one case per distinct key) and the (year, case) cases in
    order (two years with the same projected inputs share one key and one solve).
    """
    base = Case(dict(req.options))
    groups, problems = _read_groups([base])
    problems = list(req.problems) + problems
    projections, proj_problems = read_projections(req.projections_path)
    problems += proj_problems.problems
    problems += _option_problems(base, "command line", "")
    inputs = groups.get(group_key(base.options))
    cases: list[Case] = []
    if inputs is not None and not proj_problems:
        file = str(req.projections_path)
        for case_name in req.cases:
            proj = projections.for_case(case_name)
            for year in req.years:
                case = year_case(inputs, proj, year, case_name, req.options)
                where = f"{case_name} {year}"
                problems += [p for p in _value_problems(case, inputs, file, where)
                             if p not in problems]  # fmt: skip
                cases.append(case)
    if problems:
        raise InputError(problems)
    checksums = inputs.checksums()
    for case in cases:
        _drop_no_ops(case, inputs)
        case.key = case_key(case, checksums)
    text = req.projections_path.read_bytes() + repr(sorted(req.options.items())).encode()
    prep = Prepared(_spec(req, text), dedupe(list(cases)), {group_key(base.options): inputs})
    return prep, cases


def roadmap_rows(cases: list[Case], rows: list[dict]) -> list[dict]:
    """One row per (year, case) in order: the row of the case's key with its year and case."""
    by_key = {r.get("key"): r for r in rows}
    out = []
    for case in cases:
        row = dict(by_key.get(case.key, {"status": "not run", "case_id": case.case_id}))
        row.update(year=case.varied["year"], case=case.varied["case"])
        out.append(row)
    return out


def crossing(rows: list[dict], budget_usd: float) -> dict[str, dict]:
    """Per case: the first year whose total cost [$] is within ``budget_usd`` and its run
    folder, else the last year and its cost (None when the last year has no design)."""
    out = {}
    for name in dict.fromkeys(r["case"] for r in rows):
        mine = sorted((r for r in rows if r["case"] == name), key=lambda r: r["year"])
        hit = next((r for r in mine if r.get("status") == "ok"
                    and r["total_cost_usd"] <= budget_usd), None)  # fmt: skip
        last = mine[-1]
        cost = last.get("total_cost_usd") if last.get("status") == "ok" else None
        out[name] = {"case": name, "year": hit["year"] if hit else None,
                     "total_cost_usd": hit["total_cost_usd"] if hit else None,
                     "run_folder": hit.get("run_folder", "") if hit else "",
                     "last_year": last["year"], "last_cost_usd": cost}  # fmt: skip
    return out


def crossing_text(c: dict, budget_usd: float) -> str:
    """One line in words: the year a case first fits ``budget_usd`` [$], or that none does."""
    if c["year"] is not None:
        return (f"{c['case']}: {c['year']} fits ${budget_usd / 1e6:,.1f}M "
                f"(total ${c['total_cost_usd'] / 1e6:,.2f}M), {c['run_folder']}")  # fmt: skip
    cost = c["last_cost_usd"]
    text = f"${cost / 1e6:,.2f}M" if cost is not None and math.isfinite(cost) else "unknown"
    return f"{c['case']}: no year up to {c['last_year']} fits, cost in {c['last_year']} is {text}"


@dataclass
class RoadmapResult:
    """What a roadmap did: its folder, one row per (year, case), the budget crossings."""

    folder: Path
    rows: list[dict]
    crossings: dict
    files: dict
    info: dict


def run_roadmap(req: RoadmapRequest, reports_dir: Path, scheduler: str | None = None,
                workers: int | None = None, say=lambda _m: None,
                on_update=lambda _s: None) -> RoadmapResult:  # fmt: skip
    """Validate, solve every (year, case) not done yet in ``reports_dir/<name>/`` (resume),
    write the roadmap's files; a failed year is recorded in its row and never raises.

    Raises :class:`~optimizer.errors.InputError` (nothing solved) or
    :class:`~optimizer.errors.WriteError`.
    """
    import time

    t0 = time.perf_counter()
    prep, cases = prepare_roadmap(req)
    folder = Path(reports_dir) / req.name
    budget = req.budget_usd

    def write(rows, info):
        mine = roadmap_rows(cases, rows)
        found = crossing(mine, budget) if budget is not None else {}
        return mine, found, write_roadmap(folder, mine, budget, found, info, prep.spec.text)

    rows, info = run_prepared(prep, folder, scheduler, workers, write, say, on_update)
    info.update(wall_s=round(time.perf_counter() - t0, 2), years=req.years, cases=req.cases,
                options=req.options, projections=str(req.projections_path))  # fmt: skip
    mine, found, files = write(rows, info)
    return RoadmapResult(folder, mine, found, files, info)


__all__ = ["CASES", "RoadmapRequest", "crossing", "crossing_text", "parse_years",
           "prepare_roadmap", "roadmap_rows", "run_roadmap", "year_case"]  # fmt: skip
