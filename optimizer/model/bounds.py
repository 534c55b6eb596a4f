"""Upper bounds on what an optimal design can use: the big-M's of every optional build.

An optional build (a reservoir site, its pump, turbine and powerhouse, its line) costs nothing
in the MILP's LP relaxation unless each of its sizes is tied to the build binary with a bound
:math:`x \\le \\bar x \\, b`. The tighter :math:`\\bar x`, the tighter the relaxation and the
faster the branch and bound, but :math:`\\bar x` must hold for *some* optimal design. Two kinds:

- **From the data.** Facility load: every optimal chip mix is minimal (a chip that could be
  removed while the target still holds costs money and load), so
  :math:`\\sum_c f_c n_c < F + \\max_c f_c` and the IT load is at most
  :math:`\\max_c (w_c / f_c) (F + \\max_c f_c)` (``sustained``, ``peak``); in ``average``
  mode idle chips make it unbounded, and only an incumbent bounds it (below;
  :data:`AVERAGE_IT_FACTOR` is a guess used only to find a first design). The turbine never
  needs to deliver more than the facility load; pumps and Li-ion charging never take more
  than the largest PV output of all candidate land, plus every other land-bound source's
  largest output on all its land (the energy envelope, :mod:`optimizer.model.envelope`), plus,
  with a dispatchable backup, the facility load. These two are assumptions,
  not proofs: that no storage is charged from another storage's discharge in the same step,
  and that a backup sized beyond the load only to charge storage is never needed (each only
  loses energy; not proven to be never needed when one unit's power is the binding limit).
  The property test (``tests/solve/test_search_bounds.py``) compares the bounds with HiGHS's
  optimum on plants with both storages and a backup.
- **From an incumbent** of total cost :math:`\\bar Z` [$M] (the optimum is at most
  :math:`\\bar Z`; every cost term is non-negative). With :math:`Z_0` a lower bound on the cost
  every design pays (the cheapest chips reaching the target, their data hall, and the
  land-bound sources whose annual yield covers the year's least facility energy, at the
  cheapest source's capital per MWh a year: with several sources, e.g. PV and wind, any mix
  costs at least that, :func:`optimizer.model.envelope.energy_lower_bound_musd`), one item
  of unit cost :math:`c` is at most :math:`(\\bar Z - Z_0) / c`. This bounds reservoir
  volume, storage power and energy, PV capacity, and the chips of ``average`` mode (where
  idle chips make the load otherwise unbounded).

The bounds of one technology's own sizes live in its module (``Component.bounds``: pumped
hydro's :func:`~optimizer.model.pumped_hydro.phs_bounds`, Li-ion's
:func:`~optimizer.model.battery.liion_bounds`, e.g. a wind plant's capacity), fed the budgets,
the facility load and the charging supply computed here
(:class:`~optimizer.model.component.BoundContext`).

Every bound is valid for the problem restricted to designs no dearer than the incumbent, which
holds the optimum: a gap proven on the bounded model is proven for the original one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from optimizer.model.component import BOUND_SLACK, BoundContext
from optimizer.model.data import ModelData
from optimizer.model.envelope import (
    energy_lower_bound_musd,
    envelope,
    least_facility_energy_mwh,
)
from optimizer.model.registry import COMPONENTS, life_class

#: relative slack on every bound (round-off of the incumbent's cost and of the data)
SLACK = BOUND_SLACK


@dataclass
class Bounds:
    """Upper bounds [model units] that some optimal design satisfies.

    ``it_mw`` IT load [MW]; ``facility_mw`` facility load [MW]; ``pv_mw_dc`` total PV [MW_dc];
    ``chip_count`` per chip type; ``incumbent_musd`` the cost they derive from (inf: data
    only); ``parts`` each registry component's own big-M's (its ``bounds`` hook), by name:
    pumped hydro's per site ``volume_mm3`` [Mm3] and per dispatch group ``pump_mw``,
    ``turbine_mw`` [MW] (:func:`optimizer.model.pumped_hydro.phs_bounds`), Li-ion's
    ``energy_mwh``, ``power_mw`` (:func:`optimizer.model.battery.liion_bounds`), a wind
    plant's ``mw``; read under their old names through the properties below.
    """

    it_mw: float
    facility_mw: float
    pv_mw_dc: float
    chip_count: np.ndarray
    incumbent_musd: float = float("inf")
    heuristic: bool = False
    parts: dict = field(default_factory=dict)

    def _part(self, name: str, key: str, empty):
        return (self.parts.get(name) or {}).get(key, empty)

    @property
    def phs_volume_mm3(self) -> np.ndarray:
        """Active volume per pumped-hydro site [Mm3]."""
        return self._part("pumped_hydro", "volume_mm3", np.zeros(0))

    @property
    def phs_pump_mw(self) -> np.ndarray:
        """Pump power per pumped-hydro dispatch group [MW]."""
        return self._part("pumped_hydro", "pump_mw", np.zeros(0))

    @property
    def phs_turbine_mw(self) -> np.ndarray:
        """Turbine power per pumped-hydro dispatch group [MW]."""
        return self._part("pumped_hydro", "turbine_mw", np.zeros(0))

    @property
    def liion_energy_mwh(self) -> float:
        """Li-ion energy [MWh]."""
        return self._part("battery", "energy_mwh", 0.0)

    @property
    def liion_power_mw(self) -> float:
        """Li-ion power [MW]."""
        return self._part("battery", "power_mw", 0.0)


def chips_lower_bound_musd(data: ModelData) -> float:
    """Least cost of chips + data hall reaching the target [$M] (fractional knapsack, greedy
    by cost per PFLOPS; a lower bound of the integer mix)."""
    d = data.compute
    unit = d.musd_per_chip + d.hall_musd_per_mw_it * d.it_mw_per_chip
    need, cost = d.target_pflops, 0.0
    for c in np.argsort(unit / d.pflops_per_chip):
        n = min(float(d.max_count[c]), need / float(d.pflops_per_chip[c]))
        cost += n * float(unit[c])
        need -= n * float(d.pflops_per_chip[c])
        if need <= 0:
            break
    return cost


def min_facility_energy_mwh(data: ModelData) -> float:
    """Least facility energy of a year the land-bound sources must deliver [MWh]
    (:func:`optimizer.model.envelope.least_facility_energy_mwh`)."""
    return least_facility_energy_mwh(data)


def objective_floor(data: ModelData) -> float:
    """The smallest weight of a capital term in the objective (1 under ``capex``; under
    ``lifecycle`` the least net-present-cost factor of any life class): an incumbent objective
    :math:`\\bar Z` bounds every design's capital cost by :math:`\\bar Z / \\phi_{min}`."""
    lc = getattr(data, "lifecycle", None)
    if lc is None or lc.objective != "lifecycle":
        return 1.0
    classes = {"plant"} | {cls for c in COMPONENTS for cls in c.life.values()}
    return max(min(lc.objective_factor(c) for c in classes), 1e-9)


def pv_lower_bound_musd(data: ModelData) -> float:
    """Least cost of the land-bound sources (PV and any other) [$M]: the capacity whose
    annual yield covers :func:`min_facility_energy_mwh` at the cheapest source's cost per
    MWh a year (:func:`optimizer.model.envelope.energy_lower_bound_musd`; storage losses only
    add to it). Zero over weather windows (``segment_starts_h``): a free start level carries
    load without any source (:mod:`optimizer.solve.windows`), so the horizon's energy is no
    floor there."""
    if data.segment_starts_h:
        return 0.0
    return energy_lower_bound_musd(data)


#: ``average`` mode without any design known: installed chips are assumed to need at most this
#: many times the IT load of a sustained design. A heuristic, not a bound: the strategy uses it
#: only to find a first design, then bounds every model it proves anything with from that
#: design's cost (:attr:`Bounds.heuristic` says when it is in force)
AVERAGE_IT_FACTOR = 10.0


def _it_mw_from_data(data: ModelData) -> tuple[float, bool]:
    """Largest IT load [MW] some optimal design needs, from the data alone, and whether it is
    the :data:`AVERAGE_IT_FACTOR` heuristic (``average`` mode: idle chips make the load
    unbounded without a cost budget, unless every type has a ``max_count``)."""
    d = data.compute
    finite = np.isfinite(d.max_count)
    cap = float(np.sum(d.max_count[finite] * d.it_mw_per_chip[finite])) if finite.all() else np.inf
    ratio = float(np.max(d.it_mw_per_chip / d.pflops_per_chip))
    sustained = ratio * (d.target_pflops + float(np.max(d.pflops_per_chip)))
    if d.mode == "average":
        return (cap, False) if np.isfinite(cap) else (AVERAGE_IT_FACTOR * sustained, True)
    return min(cap, sustained), False


def _land_pv_max_mw(data: ModelData) -> tuple[float, float]:
    """All candidate land's PV [MW_dc] and its best-hour AC output [MW]."""
    land = data.land
    cap = np.bincount(
        land.profile,
        weights=land.buildable_acres * land.mw_dc_per_acre,
        minlength=data.pv.cf.shape[0],
    )
    return float(cap.sum()), float((data.pv.cf.T @ cap).max(initial=0.0))


def compute_bounds(data: ModelData, incumbent_musd: float = float("inf")) -> Bounds:
    """Bounds from the data and, when finite, from an incumbent's objective value [$M]
    (divided by :func:`objective_floor` to bound capital costs)."""
    d = data.compute
    incumbent_musd = incumbent_musd / objective_floor(data)  # in capital-cost units [$M]
    pv_lb = pv_lower_bound_musd(data)
    budget = incumbent_musd * (1 + SLACK) - chips_lower_bound_musd(data)
    storage_budget = max(budget - pv_lb, 0.0)
    it_mw, heuristic = _it_mw_from_data(data)
    counts = np.where(np.isfinite(d.max_count), d.max_count, np.inf)
    if d.mode != "average":  # a minimal mix: no type beyond the target on its own
        counts = np.minimum(counts, np.ceil(d.target_pflops / d.pflops_per_chip - 1e-9))
    if np.isfinite(budget):
        per_chip = d.musd_per_chip + d.hall_musd_per_mw_it * d.it_mw_per_chip
        chip_budget = incumbent_musd * (1 + SLACK) - pv_lb
        counts = np.minimum(counts, np.floor(chip_budget / per_chip))
        if d.mode == "average":  # with a budget the data's heuristic is no longer needed
            budget_it = chip_budget * float(np.max(d.it_mw_per_chip / per_chip))
            it_mw = budget_it if heuristic else min(it_mw, budget_it)
            heuristic = False
    facility = d.pue * it_mw
    land_mw, land_ac_mw = _land_pv_max_mw(data)
    pv_cap = land_mw
    if np.isfinite(budget) and data.pv.musd_per_mw_dc > 0:
        pv_cap = min(pv_cap, budget / data.pv.musd_per_mw_dc)
    pv_ac = min(land_ac_mw, pv_cap * float(data.pv.cf.max(initial=0.0)))
    env = envelope(data)
    others = [mw for name, mw in env.by_name.items() if name != "pv"]
    if others:  # every other land-bound source at its full land output in its best step
        pv_ac += float(np.sum(others, axis=0).max(initial=0.0))
    if env.share > 0:  # a backup may charge storage too, up to its capacity
        pv_ac += facility
    ctx = BoundContext(budget, storage_budget, facility, pv_ac)
    return Bounds(
        it_mw=it_mw * (1 + SLACK),
        facility_mw=facility * (1 + SLACK),
        pv_mw_dc=pv_cap * (1 + SLACK),
        chip_count=counts,
        incumbent_musd=incumbent_musd,
        heuristic=heuristic,
        parts={c.name: c.bounds(data, ctx) for c in COMPONENTS
               if c.bounds is not None and (c.data is None or c.name in data.parts)},  # fmt: skip
    )


def chip_objective_musd(data: ModelData) -> np.ndarray:
    """Objective cost of one chip of each type [$M]: its price, its data hall and the hall's
    fixed O&M, each with its weight in the objective
    (:meth:`~optimizer.model.lifecycle.LifecycleData.objective_factor` of its life class; the
    O&M's present value over the plant life only where the objective counts O&M).

    .. math:: u_c = \\phi_{chips} p_c + \\phi_{hall} h w_c + [\\text{O\\&M counted}] A o_h w_c
    """
    d, lc = data.compute, data.lifecycle
    unit = lc.objective_factor(life_class("chips")) * d.musd_per_chip
    hall = lc.objective_factor(life_class("data_hall")) * d.hall_musd_per_mw_it
    unit = unit + hall * d.it_mw_per_chip
    if lc.counts(om=True):
        unit = unit + lc.annuity * d.hall_fom_musd_per_mw_it_yr * d.it_mw_per_chip
    return unit


def dominance(data: ModelData) -> tuple[list[int], float]:
    """Chip types worth running in ``average`` mode, and the target reduction [PFLOPS] that
    keeps a model without the others a relaxation.

    Type j is *dominated* by an unlimited type i (``max_count`` inf) no dearer in objective
    cost per PFLOPS (:func:`chip_objective_musd`, so the objective's own weights: under
    ``lifecycle`` chips count about 3x and the hall about 1.2x) and in IT power per PFLOPS,
    and better in one; i can be taken undominated (dominance is transitive). Returns the
    undominated types and :math:`\\delta = \\sum_j f_{i(j)}`, the PFLOPS of one dominator chip
    per dominated type (0 outside ``average`` mode or without dominated types).

    Why the model with only undominated types running and the target lowered by
    :math:`\\delta` bounds the full model from below: take any feasible design D with
    :math:`n_j` chips of a dominated j and replace them by
    :math:`k = \\lfloor n_j f_j / f_i \\rfloor` chips of i, running
    :math:`\\min(r_{jt} f_j / f_i, k)` more of them in each hour t. The objective does not
    rise (:math:`k u_i \\le n_j f_j u_i / f_i \\le n_j u_j`), the installed IT load, hence
    the hall, its acres and every line, does not rise (:math:`k w_i \\le n_j w_j`), the
    hourly load does not rise (power per PFLOPS of i is no more than j's), and each hour
    loses less than :math:`f_i` PFLOPS (:math:`r_{jt} f_j / f_i \\le n_j f_j / f_i < k + 1`).
    So D' is feasible for the lowered target at no more cost; every bound of the reduced model
    is a bound of the full one. No cost slack is needed, and designs are always evaluated on
    the full model.
    """
    d = data.compute
    if d.mode != "average":
        return list(range(len(d.names))), 0.0
    cost = chip_objective_musd(data) / d.pflops_per_chip
    power = d.it_mw_per_chip / d.pflops_per_chip

    def dominates(i: int, j: int) -> bool:
        no_worse = cost[i] <= cost[j] and power[i] <= power[j]
        better = cost[i] < cost[j] or power[i] < power[j]
        return bool(i != j and np.isinf(d.max_count[i]) and no_worse and better)

    n = len(d.names)
    keep = [j for j in range(n) if not any(dominates(i, j) for i in range(n))]
    lost = sum(min(float(d.pflops_per_chip[i]) for i in keep if dominates(i, j))
               for j in range(n) if j not in keep)  # fmt: skip
    return keep, float(lost)
