"""Cost projections for ``zopt roadmap``: ``data/projections.csv`` (``data/projections.md``).

One row per (key, case): how a figure moves from its value in ``base_year`` to a later year,
either at a constant rate or along a path of multipliers.

Keys
----
a price key of ``prices.csv``
    the price's value [its unit] x m(year).
``chips:flops_per_usd``
    FLOPS per dollar of every chip x m(year): each chip's ``price_usd`` and ``overhead_usd``
    [$/chip] are divided by m(year).
``chips:flops_per_w``
    FLOPS per watt of every chip x m(year): each chip's ``tdp_w`` and ``overhead_w`` [W/chip]
    are divided by m(year).
``land:parcel_price``
    every parcel's price [$] x m(year).

The multiplier m(year) [-] is ``(1 + rate_per_yr) ** (year - base_year)`` for a rate, or the
path ``YEAR:FACTOR;YEAR:FACTOR`` (factors relative to ``base_year``, where m = 1) interpolated
geometrically between its points and held at the last factor after it (before ``base_year`` the
first segment's rate is extended back). Every problem of the file is reported at once.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from pathlib import Path

from optimizer.errors import ProblemCollector
from optimizer.inputs.prices import price_schema
from optimizer.inputs.tables import parse_number, read_csv_table, require_columns, row_number

CASES = ("conservative", "moderate", "advanced")
CHIP_KEYS = ("chips:flops_per_usd", "chips:flops_per_w")
LAND_KEYS = ("land:parcel_price",)
COLUMNS = ["key", "case", "base_year", "rate_per_yr", "path", "source", "year"]
#: allowed range of a rate [1/yr] and of a path's factors [-]
RATE_RANGE = (-0.9, 10.0)
FACTOR_RANGE = (1e-6, 1e6)
YEAR_RANGE = (1990, 2200)


@dataclass(frozen=True)
class Projection:
    """One projection row.

    Attributes
    ----------
    key : a price key, ``chips:flops_per_usd``, ``chips:flops_per_w`` or ``land:parcel_price``
    case : conservative | moderate | advanced
    base_year : the year the input's own value holds for [yr]
    rate_per_yr : constant change per year [1/yr] (None with a path)
    path : ((year, factor), ...) relative to ``base_year`` (empty with a rate)
    source, year : where the figure comes from and the source's year
    notes : free text
    """

    key: str
    case: str
    base_year: int
    rate_per_yr: float | None
    path: tuple[tuple[int, float], ...]
    source: str
    year: str
    notes: str = ""

    def factor(self, year: int) -> float:
        """The multiplier m(year) [-] of the value in :attr:`base_year`."""
        if self.rate_per_yr is not None:
            return (1.0 + self.rate_per_yr) ** (year - self.base_year)
        points = ((self.base_year, 1.0), *self.path)
        if year >= points[-1][0]:
            return points[-1][1]
        i = max(1, next(k for k, (y, _) in enumerate(points) if y > year))
        (y0, f0), (y1, f1) = points[i - 1], points[i]
        return f0 * (f1 / f0) ** ((year - y0) / (y1 - y0))

    def describe(self) -> str:
        """How the figure moves, e.g. ``-2.0 %/yr`` or ``path 2030:0.8;2050:0.6``."""
        if self.rate_per_yr is not None:
            return f"{self.rate_per_yr * 100:+.1f} %/yr"
        return "path " + ";".join(f"{y}:{f:g}" for y, f in self.path)


class Projections(dict):
    """``(key, case) -> Projection``."""

    def for_case(self, case: str) -> dict[str, Projection]:
        """Key -> projection of one case (keys without a row are held at today's value)."""
        return {k: p for (k, c), p in self.items() if c == case}


def known_keys() -> list[str]:
    """Every key a projection row may name."""
    return [*price_schema(), *CHIP_KEYS, *LAND_KEYS]


def parse_path(text: str, base_year: int | None, where: str,
               problems: ProblemCollector) -> tuple[tuple[int, float], ...] | None:  # fmt: skip
    """``2030:0.8;2050:0.6`` -> ((2030, 0.8), (2050, 0.6)); None (problems recorded) if bad:
    each point ``YEAR:FACTOR``, years whole, increasing and after ``base_year``, factors > 0."""
    points, ok = [], True
    for part in filter(None, (s.strip() for s in text.split(";"))):
        y, sep, f = part.partition(":")
        try:
            year, factor = int(y), float(f)
        except ValueError:
            year, factor = None, None
        if not sep or year is None or not math.isfinite(factor):
            problems.add(where, "path", "malformed point", found=repr(part),
                         expected="YEAR:FACTOR, e.g. 2030:0.8")  # fmt: skip
            ok = False
            continue
        if not FACTOR_RANGE[0] <= factor <= FACTOR_RANGE[1]:
            problems.add(where, "path", "factor out of range", found=part,
                         expected=f"{FACTOR_RANGE[0]:g} to {FACTOR_RANGE[1]:g}")  # fmt: skip
            ok = False
        last = points[-1][0] if points else base_year
        if last is not None and year <= last:
            problems.add(where, "path", "years must increase after base_year", found=part,
                         expected=f"a year after {last}")  # fmt: skip
            ok = False
        points.append((year, factor))
    if not points and ok:
        problems.add(where, "path", "empty path", found=repr(text), expected="YEAR:FACTOR;...")
        ok = False
    return tuple(points) if ok else None


def _parse_key(rec: dict, where: str, problems: ProblemCollector) -> str | None:
    key = str(rec.get("key", "")).strip()
    if key == "":
        problems.add(where, "key", "key missing", found="empty")
        return None
    if key not in known_keys():
        close = difflib.get_close_matches(key, known_keys(), n=2, cutoff=0.6)
        problems.add(where, "key", "unknown projection key", found=key,
                     expected="did you mean " + " or ".join(close) + "?" if close else
                     "a key of prices.csv, " + ", ".join(CHIP_KEYS + LAND_KEYS))  # fmt: skip
        return None
    return key


def _parse_change(rec: dict, base_year, where: str, problems: ProblemCollector):
    """The rate [1/yr] or the path of a row (exactly one of them); (ok, rate, path)."""
    rate_text = str(rec.get("rate_per_yr", "") or "").strip()
    path_text = str(rec.get("path", "") or "").strip()
    if bool(rate_text) == bool(path_text):
        problems.add(where, "rate_per_yr", "give exactly one of rate_per_yr and path",
                     found=f"rate {rate_text or 'empty'}, path {path_text or 'empty'}",
                     expected="e.g. rate_per_yr -0.02, or path 2030:0.8;2050:0.6")  # fmt: skip
        return False, None, ()
    if rate_text:
        rate = parse_number(rate_text, where, "rate_per_yr", problems,
                            minimum=RATE_RANGE[0], maximum=RATE_RANGE[1])  # fmt: skip
        return rate is not None, rate, ()
    path = parse_path(path_text, base_year, where, problems)
    return path is not None, None, path or ()


def _parse_row(rec: dict, where: str, problems: ProblemCollector) -> Projection | None:
    """Validate one row; every problem of the row is recorded; None if any."""
    n0 = len(problems.problems)
    key = _parse_key(rec, where, problems)
    case = str(rec.get("case", "")).strip()
    if case not in CASES:
        problems.add(where, "case", "unknown case", found=repr(case), expected=" | ".join(CASES))
    base = parse_number(rec.get("base_year"), where, "base_year", problems,
                        minimum=YEAR_RANGE[0], maximum=YEAR_RANGE[1])  # fmt: skip
    if base is not None and base != int(base):
        problems.add(where, "base_year", "must be a whole year", found=base)
        base = None
    base = int(base) if base is not None else None
    _, rate, path = _parse_change(rec, base, where, problems)
    source, year = str(rec.get("source", "")).strip(), str(rec.get("year", "")).strip()
    if not source:
        problems.add(where, "source", "source missing", found="empty",
                     expected="where the figure comes from")  # fmt: skip
    if not year:
        problems.add(where, "year", "year missing", found="empty", expected="the source's year")
    if len(problems.problems) > n0:
        return None
    return Projection(key, case, base, rate, path, source, year,
                      str(rec.get("notes", "") or "").strip())  # fmt: skip


def read_projections(path: Path) -> tuple[Projections, ProblemCollector]:
    """Read and validate a projections file (CSV).

    Returns the projections (``(key, case) -> Projection``) and every problem found (empty
    when the file is clean): ``file:row N:column: problem (found X, expected Y)``.
    """
    path = Path(path)
    problems = ProblemCollector(str(path))
    df = read_csv_table(path, problems)
    out = Projections()
    if df is None or not require_columns(df, COLUMNS, problems):
        return out, problems
    seen: dict[tuple[str, str], str] = {}
    for i, rec in enumerate(df.to_dict("records")):
        where = f"row {row_number(df, i)}"
        row = _parse_row(rec, where, problems)
        if row is None:
            continue
        if (row.key, row.case) in seen:
            problems.add(where, "key", "the same key and case twice", found=f"{row.key} {row.case}",
                         expected=f"once (see {seen[(row.key, row.case)]})")  # fmt: skip
            continue
        seen[(row.key, row.case)] = where
        out[(row.key, row.case)] = row
    return out, problems
