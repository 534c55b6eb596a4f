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
from optimizer.model.registry import present
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
    if present(m, "pumped_hydro"):
        b = m.phs
        b.n_built = pyo.Var(bounds=(0, len(b.S)))
        b.n_built_def = pyo.Constraint(expr=sum(b.build[s] for s in b.S) == b.n_built)


def patterns(m: pyo.ConcreteModel, ids: list[str]) -> list[tuple[str, list]]:
    """(name, bound fixes) of every reservoir pattern of ``m``."""
    if not present(m, "pumped_hydro"):
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


def _level(solver: _Solver, cases: dict, data: ModelData, site_of) -> dict[str, Leaf]:
    """Solve ``solver`` under every ``name -> fixes`` of ``cases``; round each to a design
    (compute site ``site_of(name)``, None: ranked)."""
    out = {}
    for name, fix in cases.items():
        value, m = solver.bound(fix, name)
        leaf = Leaf(site_of(name), name, value)
        if m is not None and value < float("inf"):
            at = data if leaf.site is None else replace(
                data, land=replace(data.land, site=data.land.site.fixed(leaf.site)))  # fmt: skip
            leaf.design = round_design(m, at, site=leaf.site)
        out[name] = leaf
    return out


def branch_bound(run, exact: ModelData, best, lower: float, evaluate, slack: float = 0.0) -> float:
    """Enumerate patterns, sites and leaves of ``exact`` (whose LP may be a restriction costing
    at most ``slack`` [$M]); evaluate the best designs with ``evaluate(design, name)``; return
    the new lower bound [$M] (never below ``lower``)."""
    data = replace(exact, bounds=compute_bounds(exact, best.cost))
    s = data.land.site
    relaxed = data if s is None else replace(data, land=replace(data.land, site=s.relaxation()))
    ids = data.phs.ids if data.phs is not None else []
    pat = _Solver(run, relaxed, "pattern LP")
    leaves = _level(pat, dict(patterns(pat.m, ids)), relaxed, lambda _n: None)
    target = best.cost * (1 - run.options.mip_rel_gap)
    if s is not None and len(s.candidates) > 1 and min(x.bound for x in leaves.values()) < target:
        full = _Solver(run, data, "site LP")
        pats = dict(patterns(full.m, ids))
        names = {f"site {ids_j}": j for j, ids_j in
                 ((j, data.land.ids[s.site_parcel[j]]) for j in full.m.site.J)}  # fmt: skip
        sites = _level(full, {n: _site_fix(full.m, j) for n, j in names.items()}, data,
                       names.get)  # fmt: skip
        cases, floors = {}, {}
        for site_name, site_leaf in sites.items():
            for p_name, p_leaf in leaves.items():
                floor = max(site_leaf.bound, p_leaf.bound, lower)
                key = f"{p_name} at {site_name}"
                floors[key] = (floor, site_leaf.site, p_name)
                if floor < target:
                    cases[key] = pats[p_name] + _site_fix(full.m, site_leaf.site)
        solved = _level(full, cases, data, lambda k: floors[k][1])
        leaves = {k: solved.get(k, Leaf(f[1], f[2], f[0])) for k, f in floors.items()}
        for k, leaf in leaves.items():
            leaf.bound = max(leaf.bound, floors[k][0])
    ranked = sorted((x for x in leaves.values() if x.design is not None), key=lambda x: x.bound)
    for leaf in ranked[:MAX_EVALUATIONS]:
        if leaf.bound >= best.cost * (1 - run.options.mip_rel_gap):
            break
        evaluate(leaf.design, f"leaf design ({leaf.pattern}, site {leaf.site})")
    return max(lower, min((x.bound for x in leaves.values()), default=lower + slack) - slack)
