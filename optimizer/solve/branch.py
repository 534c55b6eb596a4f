"""Branching by hand on reservoir builds and the compute site, with warm LP relaxations.

The LP relaxation is loosest where a few binaries carry large fixed costs: pumped-hydro sites
that share one dispatch group (the relaxation buys turbines at a fraction of one site's fixed
cost and volume at another's) and the compute site (lines priced at the nearest candidate, or
paid for a fraction of a site). Both have few values, so the strategy enumerates them, every
variant a warm re-solve of one compiled LP (:class:`~optimizer.solve.session.LpSession`):

- *patterns* p of reservoir builds: none, each site alone, two or more
  (:math:`\\sum_s b_s = 0`, :math:`b = e_s`, :math:`\\sum_s b_s \\ge 2`), on the root LP
  (:math:`LB_p`), each warm from the previous one's basis; the designs of the cheapest patterns
  are evaluated at once (a good incumbent early prunes everything after);
- *compute sites* j, on the LP with the site choice (:math:`z_j = 1`, :math:`LB_j`);
- *leaves* (j, p), only where :math:`\\max(LB_p, LB_j)` is below the target
  :math:`\\bar Z (1 - g)` (incumbent :math:`\\bar Z`, gap g).

The patterns cover every design, and so do the sites, so
:math:`\\min_{j,p} LB_{j,p}` (a leaf not solved counts with :math:`\\max(LB_p, LB_j)`, which
bounds it from below) is a valid lower bound of the problem. An :math:`LB` is the optimum of an
LP that HiGHS proved optimal (+inf when it proved it infeasible); an LP that stopped for any
other reason proves nothing, and its group counts with its parent's bound (:meth:`Solver.bound`).
The cheapest leaves are rounded to designs and evaluated exactly.

A group that needs an LP of its own (the "no reservoir" pattern, a compute site when the root
LP has no site choice) is bounded by its *aggregated* LP
(:func:`~optimizer.solve.relaxation.aggregated`: merged time steps, a relaxation of the same
group, refined where energy has a price): a bound at or above the target prunes the group,
proven, without a design; otherwise that LP is the group's relaxation, its bound the group's,
its solution rounded to the group's design (evaluated exactly like every design).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pyomo.environ as pyo

from optimizer.model.data import ModelData
from optimizer.model.registry import present
from optimizer.solve.design import round_design
from optimizer.solve.relaxation import Solver, aggregated

#: leaves rounded to designs and evaluated, cheapest bound first (set by hand, not measured:
#: an evaluation costs 0.1-2 s against the leaves' 1-40 s; changes only the incumbent, never a
#: bound)
MAX_EVALUATIONS = 4
#: pattern designs evaluated right after the pattern level, cheapest bound first (issue 10:
#: at 1e20 on the embedded data the best pattern design then prunes the site level and its 30
#: leaves, 140 s -> 47 s; see benchmarks/RESULTS.md)
PATTERN_EVALUATIONS = 2
NO_RESERVOIR = "no reservoir"


@dataclass
class Leaf:
    """One (site, pattern) restriction: its LP bound [$M] and rounded design."""

    site: int | None
    pattern: str
    bound: float
    design: object = None


def patterns(m: pyo.ConcreteModel, ids: list[str]) -> list[tuple[str, list]]:
    """(name, bound fixes) of every reservoir pattern of ``m``."""
    if not present(m, "pumped_hydro"):
        return [("no pumped hydro", [])]
    b, sites = m.phs, list(m.phs.S)
    out = []
    for s in sites:
        fix = [(b.build[r], float(r == s), float(r == s)) for r in sites]
        out.append((pattern_name(ids, [s]), fix + [(b.n_built, 1, 1)]))
    if len(sites) > 1:
        out.append((pattern_name(ids, sites[:2]), [(b.n_built, 2, len(sites))]))
    return out + [(pattern_name(ids, []), [(b.n_built, 0, 0)])]


def pattern_name(ids: list[str], built) -> str:
    """The name of the reservoir pattern that builds the sites ``built`` (indices)."""
    built = list(built)
    if not built:
        return NO_RESERVOIR
    return f"{ids[built[0]]} only" if len(built) == 1 else "2+ reservoirs"


def _level(solver: Solver, cases: dict, site_of) -> dict[str, Leaf]:
    """Solve ``solver`` under every ``name -> fixes`` of ``cases``; round each to a design
    (compute site ``site_of(name)``, None: ranked)."""
    out, data = {}, solver.data
    for name, fix in cases.items():
        value = solver.bound(fix, name)
        leaf = Leaf(site_of(name), name, value)
        if abs(value) < float("inf"):
            leaf.design = round_design(solver.m, data.at_site(leaf.site), site=leaf.site)
        out[name] = leaf
    return out


def group_relaxation(run, data: ModelData, name: str) -> tuple[Solver | None, float | None]:
    """The relaxation of a group that needs an LP of its own (``data``: the group's model
    data on the exact steps): ``(solver, None)`` to bound and round the group with, or
    ``(None, bound)`` when the group is pruned (``bound`` [$M] at or above ``run.target()``,
    proven, no design).

    The solver is the group's aggregated LP (:func:`~optimizer.solve.relaxation.aggregated`,
    from the root's blocks when it has them, refined until it reaches the target or settles:
    a relaxation of the group, so its bound is proven); the exact LP only where aggregation
    does not apply (``peak`` mode) or proved nothing."""
    agg = aggregated(run, data, name, starts=run.partition_for(data), stop_at=run.target())
    if agg is None:
        return Solver(run, data, name), None
    if agg.bound >= run.target():
        run.stages[-1]["note"] = "aggregated bound prunes the group"
        return None, agg.bound
    return agg.solver, None


def _without_reservoirs(run, data: ModelData) -> Leaf:
    """The "no reservoir" pattern as the relaxation of a plant without pumped hydro
    (:func:`group_relaxation`: the same plants as the pattern's bounds, minus the dead columns;
    a warm re-solve from a basis with reservoirs takes 2-3x longer than a cold solve, measured
    on the embedded 1e20 average case: 19-25 s against 8 s)."""
    alone = replace(data, phs=None)
    solver, value = group_relaxation(run, alone, "LP without pumped hydro")
    if solver is None:
        return Leaf(None, NO_RESERVOIR, value)
    leaf = _level(solver, {NO_RESERVOIR: []}, lambda _n: None)[NO_RESERVOIR]
    if leaf.design is not None:
        leaf.design.build = np.zeros(len(data.phs.ids), dtype=bool)
    return leaf


def _evaluate_best(run, leaves, count: int) -> None:
    """Evaluate the designs of the ``count`` cheapest leaves still below the target."""
    ranked = sorted((x for x in leaves if x.design is not None), key=lambda x: x.bound)
    for leaf in ranked[:count]:
        if leaf.bound >= run.target():
            break
        site = "ranked site" if leaf.site is None else f"site {leaf.site}"
        run.offer(leaf.design, f"leaf design ({leaf.pattern}, {site})")


def branch_bound(
    run, root: Solver, site_data: ModelData | None = None, known: dict | None = None
) -> float:
    """Enumerate patterns and sites on ``root`` (solved, its basis current; see
    :meth:`Solver.keep_root`), then the leaves; offer the best designs to ``run``
    (:class:`~optimizer.solve.state.Search`); return the lower bound [$M] they prove (never
    below ``run.lower``).

    The site level comes first when the root LP builds whole reservoirs (its pattern is
    settled) or when fixing the compute site raised the bound more than fixing the root
    design's reservoir pattern (:func:`_sites_first`), else the pattern level; either may
    already prove the target, each level covering every design. The site level runs on
    ``root`` when it models the site choice, else on a session per site of ``site_data``;
    ``known``: site-level leaves already solved, ``name -> (leaf, its solver)``.
    """
    s, known = root.data.land.site, known or {}
    multi = s is not None and len(s.candidates) > 1
    sites, probed = None, {}
    if multi:
        first, probed = _sites_first(root, known)
        if first:
            solvers, sites = _site_level(run, root, site_data, known)
            _evaluate_best(run, sites.values(), PATTERN_EVALUATIONS)
            if min(x.bound for x in sites.values()) >= run.target():
                return _lower(sites.values(), run.lower)
    pats = _pattern_level(run, root, probed)
    _evaluate_best(run, pats.values(), PATTERN_EVALUATIONS)
    leaves = pats
    if multi and min(x.bound for x in pats.values()) < run.target():
        if sites is None:
            solvers, sites = _site_level(run, root, site_data, known)
        leaves = _leaves(solvers, sites, pats, run.lower, run.target)
    _evaluate_best(run, leaves.values(), MAX_EVALUATIONS)
    return _lower(leaves.values(), run.lower)


def _sites_first(root: Solver, known: dict) -> tuple[bool, dict[str, Leaf]]:
    """Whether the site level should come first, and the pattern leaves solved to decide.

    Yes when the root LP builds whole reservoirs; else the bound gained by fixing the chosen
    site (a ``known`` site leaf) is set against the gain of the root design's own reservoir
    pattern, solved here on ``root`` (one LP the pattern level then reuses). Measured: at 1e20
    on the embedded data the pattern gains 51 $M against the site's 8 (patterns first: 16.5 s
    against 20.9 s); on 10,000 parcels of 40-160 acres the site gains 213 $M against 106 (the
    site level alone proves the gap)."""
    if root.root_build_whole:
        return True, {}
    name = _pattern_of(root)
    if not known or name is None:
        return False, {}
    probed = _level(root, {name: dict(patterns(root.m, _ids(root.data)))[name]}, lambda _n: None)
    site_gain = min(leaf.bound for leaf, _ in known.values()) - root.root_objective
    return site_gain > probed[name].bound - root.root_objective, probed


def _pattern_of(root: Solver) -> str | None:
    """The reservoir pattern of the root's rounded design (None: none to probe, i.e. no pumped
    hydro or no reservoir built, whose pattern is a cold solve of its own)."""
    design = root.root_design
    if design is None or not present(root.m, "pumped_hydro") or not design.build.any():
        return None
    return pattern_name(_ids(root.data), np.flatnonzero(design.build))


def _lower(leaves, lower: float) -> float:
    """The bound the leaves prove [$M]: their smallest (they cover every design; an open leaf
    counts with its parent's bound ``lower``), never below ``lower``."""
    return max(lower, min((x.bound for x in leaves), default=lower))


def _pattern_level(run, root: Solver, known: dict[str, Leaf] | None = None) -> dict[str, Leaf]:
    """Every reservoir pattern's bound and design; a pattern the root LP's solution already
    satisfies has the root's bound and design without a solve, one in ``known`` its leaf."""
    ids = root.data.phs.ids if root.data.phs is not None else []
    cases, leaves = dict(patterns(root.m, ids)), dict(known or {})
    for name, fix in list(cases.items()):
        if name in leaves:
            del cases[name]
        elif root.satisfies(fix):
            leaves[name] = Leaf(None, name, root.root_objective, root.root_design)
            del cases[name]
    alone = cases.pop(NO_RESERVOIR, None) is not None
    leaves.update(_level(root, cases, lambda _n: None))
    if alone:
        leaves[NO_RESERVOIR] = _without_reservoirs(run, root.source)
    return leaves


def _site_level(run, root: Solver, site_data: ModelData | None, known: dict):
    """(a solver per candidate site, every compute site's leaf): ``root`` for all when it
    models the site choice, else the relaxation of each site of ``site_data`` at that site
    alone (:func:`group_relaxation`; no flow columns: with many parcels the model with the
    site choice is several times slower; a site pruned there has a leaf without design or
    solver)."""
    data = root.data if root.site_choice else site_data
    s = data.land.site
    name = {j: f"site {data.land.ids[s.site_parcel[j]]}" for j in s.candidates}
    solvers = dict.fromkeys(s.candidates, root) if root.site_choice else {}
    sites = {}
    for j in s.candidates:
        if name[j] in known:
            sites[name[j]], solvers[j] = known[name[j]]
            continue
        if j not in solvers:  # a relaxation of its own, no solver when pruned
            solver, value = group_relaxation(run, site_data.at_site(j), f"LP at {name[j]}")
            if solver is None:
                sites[name[j]] = Leaf(j, name[j], value)
                continue
            solvers[j] = solver
        fix = _site_fixes(solvers[j], j)
        sites.update(_level(solvers[j], {name[j]: fix}, lambda _n, j=j: j))
    return solvers, sites


def _site_fixes(solver: Solver, j: int) -> list:
    """Fixes choosing site ``j`` in ``solver`` (none when its model is of that site alone)."""
    return solver.site_fix(j) if solver.site_choice else []


def _leaves(solvers: dict, sites: dict, patterns_: dict, lower: float, target) -> dict[str, Leaf]:
    """The leaves (site, pattern), solved where their floor is below ``target()`` [$M], each in
    its site's solver (a site whose solver is missing was solved before: its leaves count with
    their floor)."""
    floors, solved = {}, {}
    for site_name, site_leaf in sites.items():
        solver = solvers.get(site_leaf.site)
        pats = {} if solver is None else dict(patterns(solver.m, _ids(solver.data)))
        cases = {}
        for p_name, p_leaf in patterns_.items():
            floor = max(site_leaf.bound, p_leaf.bound, lower)
            key = f"{p_name} at {site_name}"
            floors[key] = (floor, site_leaf.site, p_name)
            if floor < target() and p_name in pats:
                cases[key] = pats[p_name] + _site_fixes(solver, site_leaf.site)
        if cases:
            solved.update(_level(solver, cases, lambda k: floors[k][1]))
    leaves = {k: solved.get(k, Leaf(f[1], f[2], f[0])) for k, f in floors.items()}
    for k, leaf in leaves.items():
        leaf.bound = max(leaf.bound, floors[k][0])
    return leaves


def _ids(data: ModelData) -> list:
    return data.phs.ids if data.phs is not None else []
