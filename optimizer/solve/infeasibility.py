"""Why no design meets the target: re-solve relaxations with one limit lifted at a time.

Runs after a solve found the problem infeasible. On the exact time steps
(:func:`~optimizer.model.steps.exact_steps`) it first finds the *level* at which the problem
is already infeasible, the cheapest of three ever tighter relaxations of the MILP:

1. ``lp``: the LP relaxation with the compute site relaxed (integers continuous, the hall
   spread over the bought candidate sites, lines at the nearest candidate, distance limits from
   every candidate; :meth:`~optimizer.model.data.SiteData.relaxation`): one LP;
2. ``site``: the LP relaxation at each candidate site in turn (the hall on that parcel, the
   distance limit from it): feasible when any site is;
3. ``milp``: the MILP itself (whole chips, whole parcels, one site, the cluster limit exactly):
   feasible once HiGHS finds any design.

Feasible at level k means feasible at every looser level, so the level tells which structure
holds the target back: resources (1), a single site (2) or the integers (3). Then every limit of
:func:`~optimizer.model.limits.limits_of` is lifted alone on a copy of the data and the copy
solved at that level: every lift that makes it feasible is a limiting resource, stated with the
numbers of the data and of the lifted solution. When none does, pairs are tried. Land is never
blamed when lifting the distance or cluster limit alone makes the problem feasible (the layer's
land then suffices; only the land within reach is short).

Time: every solve is limited to what is left of ``budget_s`` [s] (default
:data:`DIAGNOSIS_BUDGET_S`); limits left untested when the budget runs out are named. HiGHS's IIS
(``Highs.getIis``) is not used: in HiGHS 1.16 it is documented as a prototype for LPs only, and
it names rows of the matrix, not resources.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import pyomo.environ as pyo
from pyomo.common.errors import InfeasibleConstraintException

from optimizer.model.build import build_model
from optimizer.model.data import ModelData
from optimizer.model.limits import Limit, limits_of
from optimizer.model.steps import exact_steps
from optimizer.solve.highs import SolveOptions, prepare, run_and_load

#: time the diagnosis may take after a failed solve [s]
DIAGNOSIS_BUDGET_S = 120.0
#: longest a MILP may take to price a feasible lift [s] (its first design is kept otherwise)
PRICED_MILP_S = 20.0
#: reach limits: when lifting one of these alone is enough, land is not to blame
REACH = ("distance limit", "cluster limit")


@dataclass
class Diagnosis:
    """What the lifts found.

    ``level``: ``lp`` | ``site`` | ``milp`` (the loosest relaxation that is infeasible),
    ``feasible`` (the MILP has a design after all) or None (undetermined within the budget);
    ``limiting``: key -> sentence of every single lift that makes it feasible; ``not_limiting``:
    keys of those that do not; ``untested``: keys left when the budget ran out; ``pairs``: pairs
    of keys that make it feasible together (tried only when no single lift does);
    ``site``: the candidate site parcel id where the relaxation is feasible (``milp`` level);
    ``cost_musd``: the cost of the design found when the MILP is feasible [$M]; ``with_site``:
    whether the data has a compute site to choose.
    """

    level: str | None = None
    limiting: dict[str, str] = field(default_factory=dict)
    not_limiting: list[str] = field(default_factory=list)
    untested: list[str] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)
    site: str | None = None
    cost_musd: float = float("nan")
    with_site: bool = False
    solves: int = 0
    seconds: float = 0.0


class _Probe:
    """Solves ``data`` at a level within the time left of the budget; counts the solves.

    Feasibility is asked with a zero objective (HiGHS's simplex then proves an infeasible
    embedded-data LP infeasible in ~5 s instead of ~40 s, and a MILP stops at its first
    design); a feasible lift is solved again with its costs (:meth:`priced`) for the numbers.
    """

    def __init__(self, options: SolveOptions, budget_s: float):
        self.options = replace(options, live=False, log_to_console=False)
        self.t0, self.budget_s, self.solves = time.perf_counter(), budget_s, 0

    def left_s(self) -> float:
        """Seconds left of the budget."""
        return self.budget_s - (time.perf_counter() - self.t0)

    def _solve(self, data: ModelData, relax: bool, priced: bool = False):
        """(True | False | None, solved model): feasible, infeasible, undetermined."""
        if self.left_s() <= 0.5:
            return None, None
        m = build_model(data)
        limit_s = self.left_s() if relax or not priced else min(self.left_s(), PRICED_MILP_S)
        opts = replace(self.options, time_limit_s=limit_s)
        try:
            h, repn, lp, integer, compile_s = prepare(m, opts, relax)
        except InfeasibleConstraintException:  # a row with every variable fixed is violated
            self.solves += 1
            return False, None
        if not priced:
            n = lp.num_col_
            h.changeColsCost(n, np.arange(n, dtype=np.int32), np.zeros(n))
        r = run_and_load(h, repn, lp, integer, opts, "diagnosis", compile_s)
        self.solves += 1
        if r.has_solution:
            return True, m
        return (False if r.infeasible else None), None

    @staticmethod
    def _at(data: ModelData, level: str, j: int | None) -> ModelData:
        if j is not None:
            return data.at_site(j)
        return data.site_relaxed() if level == "lp" else data

    def feasible(self, data: ModelData, level: str):
        """(True | False | None, model, candidate site index or None) of ``data`` at ``level``."""
        if level != "site":
            return (*self._solve(self._at(data, level, None), relax=level != "milp"), None)
        s, unknown = data.land.site, False
        for j in sorted(s.candidates, key=lambda j: -data.land.buildable_acres[s.site_parcel[j]]):
            ok, m = self._solve(self._at(data, level, j), relax=True)
            if ok:
                return True, m, j
            unknown |= ok is None
        return (None if unknown else False), None, None

    def priced(self, data: ModelData, level: str, j: int | None, model):
        """The cheapest solution of a feasible ``data`` at ``level`` (site ``j``): a model, or
        ``model`` (the feasibility solution) when the budget ends first."""
        ok, m = self._solve(self._at(data, level, j), relax=level != "milp", priced=True)
        return m if ok else model


def _levels(data: ModelData) -> list[str]:
    s = data.land.site
    with_site = s is not None and s.fixed_site is None and len(s.site_parcel) > 0
    return ["lp", "site", "milp"] if with_site else ["lp", "milp"]


def _find_level(probe: _Probe, base: ModelData, diag: Diagnosis) -> None:
    """Set ``diag.level`` (and the site and cost where the relaxation is feasible)."""
    for level in _levels(base):
        ok, m, j = probe.feasible(base, level)
        if ok is None:
            return
        if not ok:
            diag.level = level
            return
        if j is not None:
            diag.site = base.land.ids[int(base.land.site.site_parcel[j])]
        if level == "milp":
            diag.level, diag.cost_musd = "feasible", float(pyo.value(m.total_cost))


def _lift_all(probe: _Probe, base: ModelData, limits: list[Limit], diag: Diagnosis) -> None:
    """Try every single lift at ``diag.level``; then pairs when none works."""
    for lim in limits:
        lifted = lim.lift(base)
        ok, m, j = probe.feasible(lifted, diag.level)
        if ok:
            m = probe.priced(lifted, diag.level, j, m)
            diag.limiting[lim.key] = lim.words(base, lifted, m)
        elif ok is False:
            diag.not_limiting.append(lim.key)
        else:
            diag.untested.append(lim.key)
    if diag.limiting or diag.untested:
        return
    for a, b in itertools.combinations(limits, 2):
        ok, _, _ = probe.feasible(b.lift(a.lift(base)), diag.level)
        if ok is None:
            return
        if ok:
            diag.pairs.append((a.key, b.key))


def diagnose(
    data: ModelData,
    options: SolveOptions | None = None,
    budget_s: float = DIAGNOSIS_BUDGET_S,
) -> Diagnosis:
    """Find the limiting resources of an infeasible ``data`` (see the module docstring)."""
    probe = _Probe(options or SolveOptions(), budget_s)
    base = exact_steps(replace(data, bounds=None))
    diag = Diagnosis(with_site="site" in _levels(base))
    _find_level(probe, base, diag)
    limits = limits_of(base)
    if diag.level in ("lp", "site", "milp"):
        _lift_all(probe, base, limits, diag)
    if any(k in diag.limiting for k in REACH):  # the layer's land suffices: only reach is short
        diag.limiting.pop("land", None)
    elif "land" in diag.limiting and any(k in diag.untested for k in REACH):
        diag.limiting.pop("land")  # the land within reach may be what is short: not settled
        diag.untested.append("land")
    diag.solves, diag.seconds = probe.solves, time.perf_counter() - probe.t0
    return diag


_LEVEL_WORDS = {
    "lp": "Its LP relaxation (whole numbers relaxed{spread}) is infeasible.",
    "site": "Its LP relaxation is feasible with the hall spread over the candidate sites, but not "
    "at any single candidate site.",
    "milp": "Its LP relaxation is feasible{at}, so the integer structure holds it back (whole "
    "chips, whole parcels, one compute site, the cluster limit).",
}


def _findings(diag: Diagnosis) -> list[str]:
    """The sentences on the lifts: the limiting resources, or the pairs, or none."""
    out = list(diag.limiting.values())
    if diag.limiting and diag.not_limiting:
        out.append(f"Not limiting on its own: {', '.join(diag.not_limiting)}.")
    if not diag.limiting and diag.not_limiting:
        out.append(f"No single limit lifted makes it feasible ({', '.join(diag.not_limiting)}).")
        if diag.pairs:
            out.append("Lifted together, these pairs do: "
                       + "; ".join(f"{a} and {b}" for a, b in diag.pairs) + ".")  # fmt: skip
        elif len(diag.not_limiting) > 1:
            out.append("Nor does any pair of them.")
    if diag.untested:
        out.append(f"Not tested within the time budget: {', '.join(diag.untested)}.")
    return out


def explain(diag: Diagnosis, fallback: str = "") -> str:
    """The diagnosis in words: what was solved, what limits the design, with numbers.

    ``fallback``: the data check's sentence, used when the relaxations settled nothing within
    the budget.
    """
    tail = f"({diag.solves} re-solves in {diag.seconds:,.1f} s.)"
    if diag.level is None:
        text = "The relaxations did not settle what limits the design within the time budget."
        return " ".join(p for p in ("No design meets the target.", fallback, text, tail) if p)
    if diag.level == "feasible":
        return (
            f"The search found no design, but the full MILP has one (cost "
            f"{diag.cost_musd:,.1f} $M): rerun with --method direct. {tail}"
        )
    at = f" at candidate site {diag.site}" if diag.site else ""
    spread = ", the hall spread over the candidate sites" if diag.with_site else ""
    level = _LEVEL_WORDS[diag.level].format(at=at, spread=spread)
    lifted = "Re-solved with one limit lifted at a time:"
    return " ".join(["No design meets the target.", level, lifted, *_findings(diag), tail])


def explain_infeasible(
    data: ModelData,
    options: SolveOptions | None = None,
    budget_s: float = DIAGNOSIS_BUDGET_S,
    fallback: Callable[[], str] | None = None,
    progress: Callable[[str], None] = lambda _m: None,
) -> str:
    """Diagnose ``data`` and return the words (the message of the infeasibility error).

    ``fallback()``: a quick data check's sentence for when the budget settles nothing.
    """
    progress("infeasible: re-solving relaxations with one limit lifted at a time")
    diag = diagnose(data, options, budget_s)
    progress(f"diagnosis: {diag.solves} re-solves in {diag.seconds:,.1f} s")
    return explain(diag, fallback() if fallback is not None and diag.level is None else "")
