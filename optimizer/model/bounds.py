"""Upper bounds on what an optimal design can use: the big-M's of every optional build.

An optional build (a reservoir site, its pump, turbine and powerhouse, its line) costs nothing
in the MILP's LP relaxation unless each of its sizes is tied to the build binary with a bound
:math:`x \\le \\bar x \\, b`. The tighter :math:`\\bar x`, the tighter the relaxation and the
faster the branch and bound, but :math:`\\bar x` must hold for *some* optimal design. Two kinds:

- **From the data.** Facility load: every optimal chip mix is minimal (a chip that could be
  removed while the target still holds costs money and load), so
  :math:`\\sum_c f_c n_c < F + \\max_c f_c` and the IT load is at most
  :math:`\\max_c (w_c / f_c) (F + \\max_c f_c)` (``sustained``, ``peak``). The turbine never needs
  to deliver more than the facility load; pumps never take more than the largest PV output of
  all candidate land.
- **From an incumbent** of total cost :math:`\\bar Z` [$M] (the optimum is at most
  :math:`\\bar Z`; every cost term is non-negative). With :math:`Z_0` a lower bound on the cost
  every design pays (the cheapest chips reaching the target, their data hall, and the PV whose
  annual yield covers the year's facility energy), one item of unit cost :math:`c` is at most
  :math:`(\\bar Z - Z_0) / c`. This bounds reservoir volume, storage power and energy, PV
  capacity, and the chips of ``average`` mode (where idle chips make the load otherwise
  unbounded).

Every bound is valid for the problem restricted to designs no dearer than the incumbent, which
holds the optimum: a gap proven on the bounded model is proven for the original one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimizer.model.data import ModelData

#: relative slack on every bound (round-off of the incumbent's cost and of the data)
SLACK = 1e-6


@dataclass
class Bounds:
    """Upper bounds [model units] that some optimal design satisfies.

    ``it_mw`` IT load [MW]; ``facility_mw`` facility load [MW]; ``pv_mw_dc`` total PV [MW_dc];
    ``chip_count`` per chip type; per pumped-hydro site ``phs_volume_mm3`` active volume [Mm3];
    per dispatch group ``phs_pump_mw``, ``phs_turbine_mw`` [MW]; ``liion_energy_mwh``,
    ``liion_power_mw``; ``incumbent_musd`` the cost they derive from (inf: data only).
    """

    it_mw: float
    facility_mw: float
    pv_mw_dc: float
    chip_count: np.ndarray
    phs_volume_mm3: np.ndarray
    phs_pump_mw: np.ndarray
    phs_turbine_mw: np.ndarray
    liion_energy_mwh: float
    liion_power_mw: float
    incumbent_musd: float = float("inf")


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
    """Least facility energy of a year that meets the target [MWh]: the most efficient chips,
    PUE, served in every hour (``sustained``, less ``max_unserved``) or on average."""
    d = data.compute
    if d.mode == "peak":
        return 0.0
    mw = d.pue * d.target_pflops * float(np.min(d.it_mw_per_chip / d.pflops_per_chip))
    return mw * data.year_h * max(1.0 - d.max_unserved - dispatchable_share(data), 0.0)


def dispatchable_share(data: ModelData) -> float:
    """The largest share of the facility energy dispatchable components (e.g. a backup
    generator) may supply (:func:`optimizer.model.registry.energy_share`; 0: none)."""
    from optimizer.model.registry import energy_share  # the registry imports the model modules

    return energy_share(data)


def objective_floor(data: ModelData) -> float:
    """The smallest weight of a capital term in the objective (1 under ``capex``; under
    ``lifecycle`` the least net-present-cost factor of any life class): an incumbent objective
    :math:`\\bar Z` bounds every design's capital cost by :math:`\\bar Z / \\phi_{min}`."""
    lc = getattr(data, "lifecycle", None)
    if lc is None or lc.objective != "lifecycle":
        return 1.0
    from optimizer.model.registry import COMPONENTS  # the registry imports the model modules

    classes = {"plant"} | {cls for c in COMPONENTS for cls in c.life.values()}
    return max(min(lc.objective_factor(c) for c in classes), 1e-9)


def pv_lower_bound_musd(data: ModelData) -> float:
    """Least PV cost [$M]: capacity whose annual yield at the best profile covers
    :func:`min_facility_energy_mwh` (storage losses only add to it)."""
    yield_h = float((data.pv.cf * data.weights_h).sum(axis=1).max(initial=0.0))
    if yield_h <= 0:
        return 0.0
    per_mw = data.pv.musd_per_mw_dc + data.land.prep_musd_per_acre / data.land.mw_dc_per_acre
    return per_mw * min_facility_energy_mwh(data) / yield_h


#: ``average`` mode without an incumbent: installed chips are assumed to need at most this many
#: times the IT load of a sustained design (a heuristic, used only when no sustained design
#: exists; the strategy states it)
AVERAGE_IT_FACTOR = 10.0


def _it_mw_from_data(data: ModelData) -> float:
    d = data.compute
    finite = np.isfinite(d.max_count)
    cap = float(np.sum(d.max_count[finite] * d.it_mw_per_chip[finite])) if finite.all() else np.inf
    ratio = float(np.max(d.it_mw_per_chip / d.pflops_per_chip))
    sustained = ratio * (d.target_pflops + float(np.max(d.pflops_per_chip)))
    if d.mode == "average":
        return min(cap, AVERAGE_IT_FACTOR * sustained)
    return min(cap, sustained)


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
    it_mw = _it_mw_from_data(data)
    counts = np.where(np.isfinite(d.max_count), d.max_count, np.inf)
    if d.mode != "average":  # a minimal mix: no type beyond the target on its own
        counts = np.minimum(counts, np.ceil(d.target_pflops / d.pflops_per_chip - 1e-9))
    if np.isfinite(budget):
        per_chip = d.musd_per_chip + d.hall_musd_per_mw_it * d.it_mw_per_chip
        chip_budget = incumbent_musd * (1 + SLACK) - pv_lb
        counts = np.minimum(counts, np.floor(chip_budget / per_chip))
        if d.mode == "average":
            it_mw = min(it_mw, chip_budget * float(np.max(d.it_mw_per_chip / per_chip)))
    facility = d.pue * it_mw
    land_mw, land_ac_mw = _land_pv_max_mw(data)
    pv_cap = land_mw
    if np.isfinite(budget) and data.pv.musd_per_mw_dc > 0:
        pv_cap = min(pv_cap, budget / data.pv.musd_per_mw_dc)
    pv_ac = min(land_ac_mw, pv_cap * float(data.pv.cf.max(initial=0.0)))
    vol, pump, turb = _phs_bounds(data, storage_budget, facility, pv_ac)
    e_li, p_li = _liion_bounds(data, storage_budget, facility, pv_ac)
    return Bounds(
        it_mw=it_mw * (1 + SLACK),
        facility_mw=facility * (1 + SLACK),
        pv_mw_dc=pv_cap * (1 + SLACK),
        chip_count=counts,
        phs_volume_mm3=vol,
        phs_pump_mw=pump,
        phs_turbine_mw=turb,
        liion_energy_mwh=e_li,
        liion_power_mw=p_li,
        incumbent_musd=incumbent_musd,
    )


def _phs_bounds(data: ModelData, budget: float, facility_mw: float, pv_ac_mw: float):
    p = data.phs
    if p is None or not p.ids:
        return np.zeros(0), np.zeros(0), np.zeros(0)
    full = 1.0 / (1.0 - p.min_level_fraction)
    vol = np.asarray(p.max_active_mm3, float).copy()
    if np.isfinite(budget) and p.reservoir_musd_per_mm3 > 0:
        afford = np.maximum(budget - p.fixed_musd, 0.0) / (p.reservoir_musd_per_mm3 * full)
        vol = np.minimum(vol, afford * (1 + SLACK))
    pump_cost = p.pump_musd_per_mw + p.house_musd_per_mw
    turb_cost = p.turbine_musd_per_mw + p.house_musd_per_mw
    pump = np.full(p.n_groups, pv_ac_mw)
    turb = np.full(p.n_groups, facility_mw)
    if np.isfinite(budget):
        cheapest_fixed = np.array([p.fixed_musd[p.group == g].min() for g in range(p.n_groups)])
        left = np.maximum(budget - cheapest_fixed, 0.0)
        if pump_cost > 0:
            pump = np.minimum(pump, left / pump_cost)
        if turb_cost > 0:
            turb = np.minimum(turb, left / turb_cost)
    return vol, pump * (1 + SLACK), turb * (1 + SLACK)


def _liion_bounds(data: ModelData, budget: float, facility_mw: float, pv_ac_mw: float):
    b = data.battery
    if b is None or not b.enabled:
        return 0.0, 0.0
    energy, power = np.inf, max(facility_mw, pv_ac_mw)
    if np.isfinite(budget):
        if b.energy_musd_per_mwh > 0:
            energy = budget / (b.purchases * b.energy_musd_per_mwh)
        if b.power_musd_per_mw > 0:
            power = min(power, budget / (b.purchases * b.power_musd_per_mw))
    return energy * (1 + SLACK), power * (1 + SLACK)


def dominated_slack_musd(data: ModelData) -> float:
    """How much dearer [$M] the ``average`` model without dominated chip types
    (``ComputeData.prune_dominated``) can be than the full one.

    Type j is dominated by an unlimited type i that is no worse in capital cost (chip + hall)
    and in IT power per PFLOPS. In an optimal design the chips of j deliver less than one chip
    of i (else swap them for one: no dearer, no more power), and replacing them by one chip of
    i that runs to deliver the same FLOP in every hour draws no more power, so PV and storage
    are unchanged: the restriction costs at most one chip of the cheapest dominator, chip and
    hall, per dominated type, :math:`\\delta = \\sum_j \\min_i (p_i + h w_i)`. (The hall's extra
    footprint, :math:`\\alpha w_i` acres per type, is assumed to fit.) 0 outside average mode.
    """
    d = data.compute
    if d.mode != "average":
        return 0.0
    keep = set(int(c) for c in d.undominated())
    unit = d.musd_per_chip + d.hall_musd_per_mw_it * d.it_mw_per_chip
    per_pf = unit / d.pflops_per_chip
    power = d.it_mw_per_chip / d.pflops_per_chip
    slack = 0.0
    for j in range(len(d.names)):
        if j in keep:
            continue
        doms = [i for i in range(len(d.names)) if i != j and np.isinf(d.max_count[i])
                and per_pf[i] <= per_pf[j] and power[i] <= power[j]]  # fmt: skip
        slack += float(min(unit[i] for i in doms))
    return slack
