"""Designs: the integer decisions of a plant, read from a (relaxed) model, rounded and fixed.

A :class:`Design` holds what the LP with integers fixed needs: parcels bought, reservoir sites
built, chips per type, the compute site, and whether Li-ion is kept. :func:`round_design` turns
an LP relaxation (or a MILP incumbent) into one; :func:`fix_design` fixes a model to it;
:func:`release_empty_parcels` lets go of bought parcels that carry nothing (no PV, no hall)
after the solve.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyomo.environ as pyo

from optimizer.model.campus import hall_by_parcel, hall_plan
from optimizer.model.compute import AVERAGE_TARGET_TOL
from optimizer.model.data import ModelData
from optimizer.model.registry import integer_decisions, own_roundings, present, present_components
from optimizer.model.site import rank_sites

#: a capacity [MW_dc] or volume [Mm3] below this counts as nothing built
EPS = 1e-6


@dataclass
class Design:
    """Integer decisions: ``buy`` per parcel, ``build`` per reservoir site, ``count`` per chip
    type, ``site`` (candidate index or None), ``liion`` (False: Li-ion fixed at zero) and
    ``hall`` (parcel indices of the hall buildings across a road, each linked to the site
    parcel; None: every bought parcel of the site's campus that needs a link may hold one).

    :attr:`values` names them as the component registry does
    (:func:`~optimizer.model.registry.integer_decisions`), so fixing a model and handing a MIP
    start iterate the registry, not the technologies.
    """

    buy: np.ndarray
    build: np.ndarray
    count: np.ndarray
    site: int | None
    liion: bool = True
    hall: np.ndarray | None = None
    #: the integers of components that round their own (``Component.rounding`` a hook), by
    #: registry name (:func:`~optimizer.model.registry.own_roundings`)
    own: dict | None = None

    @property
    def values(self) -> dict[str, np.ndarray]:
        """Registry name of each integer decision -> its value per index."""
        return {"land.buy": self.buy, "pumped_hydro.build": self.build, "compute.count": self.count,
                "site.building": _Buildings(self), **(self.own or {})}  # fmt: skip

    @property
    def off(self) -> frozenset[str]:
        """The components this design leaves out (their ``switch_off`` sizes fixed at zero)."""
        return frozenset() if self.liion else frozenset({"battery"})

    def switched_off(self, m: pyo.ConcreteModel) -> list:
        """The variables of ``m`` this design fixes at zero (``Component.switch_off`` of every
        present component in :attr:`off`)."""
        return [v for c in present_components(m) if c.name in self.off and c.switch_off
                for v in c.switch_off(m)]  # fmt: skip

    def _pairs(self, m: pyo.ConcreteModel) -> list:
        values, pairs = self.values, []
        for name, var in integer_decisions(m).items():
            if name in values:  # the compute site is fixed through SiteData.fixed
                pairs += [(var[i], int(values[name][i])) for i in var]
        return pairs

    def start(self, m: pyo.ConcreteModel) -> list:
        """(variable, value) pairs of ``m`` for a HiGHS MIP start."""
        return self._pairs(m)


class _Buildings:
    """``site.building`` of a design by the variable's index: (j, p) with a site choice, p in
    the relaxation; 1 for a hall building of :attr:`Design.hall` at the design's site."""

    def __init__(self, design: Design):
        self.site = design.site
        hall = design.hall if design.hall is not None else np.flatnonzero(design.buy)
        self.hall = {int(p) for p in hall}

    def __getitem__(self, k) -> int:
        j, p = k if isinstance(k, tuple) else (self.site, k)
        return int(j == self.site and int(p) in self.hall)


def same_design(a: Design | None, b: Design | None) -> bool:
    """Whether two designs make the same decisions."""
    if a is None or b is None:
        return a is b
    own_a, own_b = a.own or {}, b.own or {}
    return (a.site, a.liion) == (b.site, b.liion) and all(
        np.array_equal(x, y) for x, y in ((a.buy, b.buy), (a.build, b.build), (a.count, b.count))
    ) and own_a.keys() == own_b.keys() and all(
        np.array_equal(own_a[k], own_b[k]) for k in own_a
    )


def _v(x) -> float:
    val = pyo.value(x, exception=False)
    return 0.0 if val is None or (isinstance(val, float) and math.isnan(val)) else float(val)


def whole_chips(x: np.ndarray, data: ModelData) -> np.ndarray:
    """A whole chip mix from fractional counts ``x`` that still meets the target.

    ``average`` mode: every count rounded up (running chips stay feasible). Otherwise each count
    is rounded down and the shortfall [PFLOPS] is made up with the type used most fractionally
    (within its ``max_count``), else the first type with room.
    """
    d = data.compute
    if d.mode == "average":
        return np.minimum(np.ceil(x - 1e-6), d.max_count).astype(np.int64)
    n = np.floor(x + 1e-6)
    short = d.target_pflops - float(d.pflops_per_chip @ n)
    order = np.argsort(-(x - n))
    for c in order:
        if short <= 1e-9 * max(d.target_pflops, 1.0):
            break
        room = d.max_count[c] - n[c]
        add = min(room, math.ceil(short / d.pflops_per_chip[c] - 1e-9))
        if add > 0:
            n[c] += add
            short -= add * d.pflops_per_chip[c]
    return n.astype(np.int64)


def _target_scale(m: pyo.ConcreteModel, data: ModelData) -> float:
    """How much ``data``'s target exceeds the target ``m`` was built for (>= 1): a relaxation
    may lower it (:func:`~optimizer.model.bounds.dominance`), and its chips are scaled up by
    this before rounding so that the design meets the real target."""
    built = float(pyo.value(m.compute.target.lower, exception=False) or 0.0)
    if built <= 0:
        return 1.0
    return max(data.compute.target_pflops * (1 - AVERAGE_TARGET_TOL) / built, 1.0)


def round_design(m: pyo.ConcreteModel, data: ModelData, site: int | None = None) -> Design:
    """Round the solved (relaxed) model ``m`` built on ``data`` to a design: every parcel with
    PV on it bought, every site with volume built, a whole chip mix; the compute site is
    ``site`` or, when None, the best ranked for the design (:func:`rank_sites`); its parcel
    and the campus parcels the hall needs beside the PV bought, and its buildings across a road
    linked (:func:`~optimizer.model.campus.hall_plan`)."""
    cap = np.array([_v(m.land.cap_mw_dc[p]) for p in m.land.P])
    buy = cap > EPS
    for use in _land_uses(m, data):  # e.g. wind turbines among the parcels
        buy = buy | use.parcels
    phs = present(m, "pumped_hydro")
    build = (
        np.array([_v(m.phs.volume_mm3[r]) > EPS for r in m.phs.S], dtype=bool)
        if phs
        else np.zeros(0, dtype=bool)
    )
    count = np.array([_v(m.compute.count[c]) for c in m.compute.C]) * _target_scale(m, data)
    count = whole_chips(count, data)
    liion = present(m, "battery") and _v(m.battery.energy_mwh) > EPS
    s = data.land.site
    if s is not None:
        hall = s.hall_acres_per_mw_it * float(data.compute.it_mw_per_chip @ count)
        whole, seed = _integral_site(m, data)
        site = whole if site is None else site
        if site is None:
            line = max((_v(m.phs.house_mw[g]) for g in m.phs.U), default=0.0) if phs else 0
            design = {"cap_mw": cap, "bought": buy, "built": build, "line_mw": line,
                      "hall_acres": hall}  # fmt: skip
            site = int(np.argmin(rank_sites(data, design)))
        seed = seed if site == whole else None
        extra, _, homes = hall_plan(data, site, cap, buy, hall, seed=seed)
        buy = buy.copy()
        buy[int(s.site_parcel[site])] = True
        buy[extra] = True
        return Design(buy=buy, build=build, count=count, site=site, liion=liion, hall=homes,
                      own=own_roundings(m, data))  # fmt: skip
    return Design(buy=buy, build=build, count=count, site=site, liion=liion,
                  own=own_roundings(m, data))  # fmt: skip


def _integral_site(m: pyo.ConcreteModel, data: ModelData) -> tuple[int | None, np.ndarray]:
    """The compute site and hall parcels of ``m``'s solution when its land, site and hall
    buildings are whole (a MILP's answer: rounding keeps its campus); else (None, [])."""
    b = m.component("site")
    if b is None or b.component("choose") is None:
        return None, np.zeros(0, dtype=int)
    values = [_v(v) for v in m.land.buy.values()] + [_v(b.choose[j]) for j in b.J]
    values += [_v(b.building[k]) for k in b.B] if b.component("building") is not None else []
    if any(min(x, 1.0 - x) > 1e-6 for x in values):
        return None, np.zeros(0, dtype=int)
    site = max(b.J, key=lambda j: _v(b.choose[j]))
    return int(site), np.flatnonzero(hall_by_parcel(m, len(data.land.ids)) > EPS)


def fix_design(m: pyo.ConcreteModel, design: Design) -> None:
    """Fix every integer decision of ``m`` to ``design`` (the model becomes an LP)."""
    for var, value in design.start(m):
        var.fix(value)
    for var in design.switched_off(m):  # unused technology: presolve drops its hours
        var.fix(0.0)


def _land_uses(m: pyo.ConcreteModel, data: ModelData) -> list:
    """The ``land_use`` of every present component that has one."""
    return [c.land_use(m, data) for c in present_components(m) if c.land_use is not None]


def release_empty_parcels(m: pyo.ConcreteModel, data: ModelData) -> list[int]:
    r"""Un-buy bought parcels that carry no PV, no hall acres and are not the compute site's
    parcel (their land cost then leaves the objective), dearest first, as long as the bought
    parcels left still hold the acres the components need (``Component.land_use``, e.g. wind
    spacing: :math:`\sum_{p\ bought} A_p \ge` the acres it needs, so the solved values stay
    feasible); return their indices."""
    s = data.land.site
    keep = set()
    if s is not None and present(m, "site"):
        keep = {int(s.site_parcel[j]) for j in m.site.J if _v(m.site.choose[j]) > 0.5}
        keep |= set(np.flatnonzero(hall_by_parcel(m, len(data.land.ids)) > EPS).tolist())
    _release_empty_buildings(m)
    acres = data.land.buildable_acres
    bought = [p for p in m.land.P if _v(m.land.buy[p]) >= 0.5]
    need = sum(use.acres for use in _land_uses(m, data))
    spare = float(sum(acres[p] for p in bought)) - need * (1 + 1e-9) if need > 0 else np.inf
    empty = [p for p in bought if p not in keep and _v(m.land.cap_mw_dc[p]) <= EPS]
    freed = []
    for p in sorted(empty, key=lambda p: -float(data.land.price_musd[p])):
        if acres[p] > spare:
            continue
        spare -= acres[p]
        m.land.buy[p].fix(0)
        m.land.cap_mw_dc[p].set_value(0.0)
        freed.append(int(p))
    return sorted(freed)


def _release_empty_buildings(m: pyo.ConcreteModel) -> None:
    """Let go of the hall buildings (and their links) that hold no hall acres."""
    b = m.component("site")
    if b is None or b.component("building") is None:
        return
    for k in b.B:
        if _v(b.building[k]) > 0.5 and _v(b.hall_acres[k]) <= EPS:
            b.building[k].set_value(0)


def design_from_summary(summary: dict, data: ModelData) -> tuple[Design | None, list[str]]:
    """The design of an earlier run's ``summary.json`` mapped onto ``data`` by id (parcel ids,
    reservoir site ids, chip names, the compute site's parcel id, the hall buildings across a
    road of its Site table); ids that no longer exist are dropped and listed. Returns (None,
    notes) when nothing of it maps."""
    notes = []
    pid = {p: i for i, p in enumerate(data.land.ids)}
    buy = np.zeros(len(data.land.ids), dtype=bool)
    for p in summary.get("parcels_selected", []):
        if p in pid:
            buy[pid[p]] = True
        else:
            notes.append(f"parcel {p} is not among the candidates")
    rid = {r: i for i, r in enumerate(data.phs.ids)} if data.phs is not None else {}
    build = np.zeros(len(rid), dtype=bool)
    liion = False
    for key, st in summary.get("storage", {}).items():
        if key in rid:
            build[rid[key]] = True
        liion |= "li" in str(st.get("technology", "")).lower()
    cid = {c: i for i, c in enumerate(data.compute.names)}
    count = np.zeros(len(cid), dtype=np.int64)
    for c, n in summary.get("chips", {}).items():
        if c in cid:
            count[cid[c]] = int(n)
        else:
            notes.append(f"chip {c} is not in the catalogue")
    site = None
    s = data.land.site
    parcel = (summary.get("land", {}).get("compute_site") or {}).get("parcel_id")
    if s is not None and parcel in pid:
        where = np.flatnonzero(s.site_parcel == pid[parcel])
        site = int(where[0]) if len(where) else None
    if s is not None and site is None:
        notes.append(f"compute site {parcel} is not a candidate site")
        return None, notes
    if not buy.any() or not count.any():
        return None, notes + ["no parcels or chips of the earlier design remain"]
    rows = (summary.get("components") or {}).get("site")
    hall = None if rows is None else np.array(
        [pid[r["parcel_id"]] for r in rows if r.get("link_km", 0) > 0 and r["parcel_id"] in pid],
        dtype=int)  # fmt: skip
    return Design(buy=buy, build=build, count=count, site=site, liion=liion, hall=hall), notes
