"""Branching by hand on reservoir builds and the compute site, with warm LP relaxations.

The LP relaxation is loosest where a few binaries carry large fixed costs: pumped-hydro sites
that share one dispatch group (the relaxation buys turbines at a fraction of one site's fixed
cost and volume at another's) and the compute site (lines priced at the nearest candidate).
Both have few values, so the strategy enumerates them:

- *patterns* p of reservoir builds: none, each site alone, two or more
  (:math:`\\sum_s b_s = 0`, :math:`b = e_s`, :math:`\\sum_s b_s \\ge 2`), on the site-relaxed LP
  (:math:`LB_p`);
- *compute sites* j, on the LP with the site choice (:math:`z_j = 1`, :math:`LB_j`);
- *leaves* (j, p), only where :math:`\\max(LB_p, LB_j)` is below the target
  :math:`\\bar Z (1 - g)` (incumbent :math:`\\bar Z`, gap g).

The patterns cover every design, and so do the sites, so
:math:`\\min_{j,p} LB_{j,p}` (a leaf not solved counts with :math:`\\max(LB_p, LB_j)`, which
bounds it from below) is a valid lower bound of the problem. The cheapest leaves are rounded to
designs and evaluated exactly.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import pyomo.environ as pyo

from optimizer.model.bounds import compute_bounds
from optimizer.model.build import build_model
from optimizer.model.data import ModelData
from optimizer.solve.design import round_design
from optimizer.solve.session import LpSession

#: leaves rounded to designs and evaluated, cheapest bound first
MAX_EVALUATIONS = 4


@dataclass
class Leaf:
    """One (site, pattern) restriction: its LP bound [$M] and rounded design."""

    site: int | None
    pattern: str
    bound: float
    design: object = None


def _counted(m: pyo.ConcreteModel) -> None:
    """Add ``m.phs.n_built`` = number of built sites (a column whose bounds select a pattern)."""
    if hasattr(m, "phs"):
        b = m.phs
        b.n_built = pyo.Var(bounds=(0, len(b.S)))
        b.n_built_def = pyo.Constraint(expr=sum(b.build[s] for s in b.S) == b.n_built)


def patterns(m: pyo.ConcreteModel, ids: list[str]) -> list[tuple[str, list]]:
    """(name, bound fixes) of every reservoir pattern of ``m``."""
    if not hasattr(m, "phs"):
        return [("no pumped hydro", [])]
    b, sites = m.phs, list(m.phs.S)
    out = [("no reservoir", [(b.n_built, 0, 0)])]
    for s in sites:
        fix = [(b.build[r], float(r == s), float(r == s)) for r in sites]
        out.append((f"{ids[s]} only", fix + [(b.n_built, 1, 1)]))
    if len(sites) > 1:
        out.append(("2+ reservoirs", [(b.n_built, 2, len(sites))]))
    return out


def _site_fix(m: pyo.ConcreteModel, j: int) -> list:
    return [(m.site.choose[i], float(i == j), float(i == j)) for i in m.site.J]


class _Solver:
    """A session plus the strategy's stage log."""

    def __init__(self, run, data: ModelData, name: str):
        t = time.perf_counter()
        self.m = build_model(data)
        _counted(self.m)
        run.build_s += time.perf_counter() - t
        t = time.perf_counter()
        self.session = LpSession(self.m, run.options)
        run.solve_s += time.perf_counter() - t
        self.run, self.data, self.name = run, data, name

    def bound(self, fixes: list, label: str) -> tuple[float, object]:
        """LP bound [$M] under ``fixes`` (inf when infeasible) and the solved model."""
        t = time.perf_counter()
        r = self.session.solve(fixes, f"{self.name}: {label}", self.run.left_s())
        self.run.solve_s += time.perf_counter() - t
        self.run.log(r, time.perf_counter() - t)
        if r.time_limit_reached:
            return float("-inf"), None  # no bound proven: the leaf stays open at -inf
        return (r.objective if r.has_solution else float("inf")), self.m


def branch_bound(run, exact: ModelData, best, lower: float, evaluate) -> float:
    """Enumerate patterns, sites and leaves; evaluate the best leaves' designs with
    ``evaluate(design, name)``; return the new lower bound [$M] (never below ``lower``)."""
    data = replace(exact, bounds=compute_bounds(exact, best.cost))
    s = data.land.site
    relaxed = data if s is None else replace(data, land=replace(data.land, site=s.relaxation()))
    ids = data.phs.ids if data.phs is not None else []
    pat_solver = _Solver(run, relaxed, "pattern LP")
    pats = {
        name: (fix, pat_solver.bound(fix, name)[0]) for name, fix in patterns(pat_solver.m, ids)
    }
    target = best.cost * (1 - run.options.mip_rel_gap)
    sites: dict[int | None, float] = {None: lower}
    full = pat_solver
    if s is not None and len(s.candidates) > 1:
        full = _Solver(run, data, "site LP")
        sites = {j: full.bound(_site_fix(full.m, j), f"site {data.land.ids[s.site_parcel[j]]}")[0]
                 for j in full.m.site.J}  # fmt: skip
    full_pats = dict(patterns(full.m, ids))
    leaves = []
    for j, lb_j in sites.items():
        for name, (_, lb_p) in pats.items():
            fix = full_pats[name]
            floor = max(lb_j, lb_p, lower)
            if floor >= target:
                leaves.append(Leaf(j, name, floor))
                continue
            site_fix = [] if j is None or full is pat_solver else _site_fix(full.m, j)
            value, m = full.bound(fix + site_fix, f"{name} at site {j}")
            leaf = Leaf(j, name, max(value, floor))
            if m is not None and value < float("inf"):
                at = data if j is None or full is pat_solver else replace(
                    data, land=replace(data.land, site=s.fixed(j)))  # fmt: skip
                leaf.design = round_design(m, at, site=j if j is not None else None)
            leaves.append(leaf)
    for leaf in sorted((x for x in leaves if x.design is not None), key=lambda x: x.bound)[
        :MAX_EVALUATIONS
    ]:
        if leaf.bound >= best.cost * (1 - run.options.mip_rel_gap):
            break
        evaluate(leaf.design, f"leaf design ({leaf.pattern}, site {leaf.site})")
    return max(lower, min((x.bound for x in leaves), default=lower))
