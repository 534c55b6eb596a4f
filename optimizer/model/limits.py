"""The limits of a design, each with a *lifted* copy of the model data and words with numbers.

A limit is a restriction the inputs put on the plant: the land, the chips' ``max_count``, the
reservoirs' volumes, Li-ion switched off, the distance limit, the cluster limit, the data hall's
footprint, the backup's share. Lifting one (a copy of the :class:`ModelData` with that
restriction removed or made ample, everything else unchanged) only enlarges the feasible set;
when the lifted problem is feasible and the original is not, that limit is *a* limiting
resource. :mod:`optimizer.solve.infeasibility` solves the lifted copies; here are only the
copies and the sentences (numbers from the data and from the lifted model's solution).

Lifts (on a copy; ``bounds`` reset so the big-M's follow the lifted data):

- ``land``: PV density :math:`d \\to F d` on every parcel (the same parcels, so the distance and
  cluster limits still see the same land; the hall's room on a site parcel grows only by the
  PV's smaller footprint), with :math:`F \\ge 10` and 10 times the ratio of the least energy
  [MWh] (peak mode: power [MW]) the target needs to what all the land's PV gives;
- ``chips``: every ``max_count`` unlimited;
- ``reservoir volume``: every site's active volume times :data:`VOLUME_FACTOR`;
- ``Li-ion``: enabled (when ``--no-liion`` removed it);
- ``distance``: ``max_distance_km`` infinite; ``clusters``: ``max_clusters`` None;
- ``hall footprint``: 0 acres per MW_IT;
- a registry component's own (its ``limits`` hook), e.g. ``backup share``: the backup may
  supply the whole year's facility energy (:mod:`optimizer.model.backup`).

Pumps, turbines and lines have no limit in the data (their sizes are free; only valid bounds
of :mod:`optimizer.model.bounds` tie them), so they have no lift.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pyomo.environ as pyo

from optimizer.model.component import Limit, mwh_words
from optimizer.model.data import ModelData
from optimizer.model.diagnose import campus_words
from optimizer.model.envelope import envelope, least_facility_energy_mwh
from optimizer.model.registry import COMPONENTS

__all__ = ["Limit", "mwh_words", "limits_of", "land_factor"]

#: how many times every reservoir's active volume the ``reservoir volume`` lift allows
VOLUME_FACTOR = 100.0
#: least factor on the PV density of the ``land`` lift
LAND_FACTOR_MIN = 10.0


def _val(x) -> float:
    return float(pyo.value(x) or 0.0)


def parcel_yield_mwh(data: ModelData) -> np.ndarray:
    """Annual PV yield of each parcel fully built [MWh]:
    :math:`A_p d \\sum_t w_t cf_{k(p),t}`."""
    land = data.land
    per_mw = data.pv.cf @ data.weights_h  # [MWh/MW_dc] per weather profile
    return land.buildable_acres * land.mw_dc_per_acre * per_mw[land.profile]


def land_factor(data: ModelData) -> float:
    """The ``land`` lift's factor F on the PV density (see the module docstring): ``have`` is
    the PV's term of the energy envelope (:mod:`optimizer.model.envelope`), the source this
    lift scales, so that PV alone becomes ample whatever the other sources give."""
    env = envelope(data)
    pv = env.by_name.get("pv", np.zeros(data.hours))
    if data.compute.mode == "peak":
        d = data.compute
        have = float(pv.max(initial=0.0))
        need = d.pue * d.target_pflops * float(np.min(d.it_mw_per_chip / d.pflops_per_chip))
    else:
        have, need = float(pv @ data.weights_h), least_facility_energy_mwh(data, env)
    ratio = need / have if have > 0 else 1e3
    return float(np.clip(10.0 * ratio, LAND_FACTOR_MIN, 1e6))


def _lift_land(data: ModelData) -> ModelData:
    f = land_factor(data)
    land = replace(data.land, mw_dc_per_acre=data.land.mw_dc_per_acre * f,
                   prep_musd_per_acre=data.land.prep_musd_per_acre * f)  # fmt: skip
    return replace(data, land=land, bounds=None, meta={**data.meta, "land_factor": f})


def _land_words(data: ModelData, lifted: ModelData, m) -> str:
    d, acres = data.land.mw_dc_per_acre, float(data.land.buildable_acres.sum())
    pv = sum(_val(m.land.cap_mw_dc[p]) for p in m.land.P)
    return (
        f"Land limits the design: with {lifted.meta['land_factor']:,.3g} times the PV on every "
        f"acre it becomes feasible, and the lifted solution then uses {pv:,.1f} MW_dc "
        f"of PV, {pv / d:,.0f} acres at {d:.3g} MW_dc/acre; the layer has {acres:,.0f} "
        f"buildable acres ({acres * d:,.1f} MW_dc)."
    )


def _lift_chips(data: ModelData) -> ModelData:
    comp = replace(data.compute, max_count=np.full(len(data.compute.names), np.inf))
    return replace(data, compute=comp, bounds=None)


def _chip_words(data: ModelData, lifted: ModelData, m) -> str:
    d = data.compute
    capped = [
        f"{d.names[c]} at most {d.max_count[c]:,.0f} chips = "
        f"{d.max_count[c] * d.pflops_per_chip[c]:,.1f} PFLOPS"
        for c in range(len(d.names))
        if np.isfinite(d.max_count[c])
    ]
    over = [
        f"{n:,.0f} x {d.names[c]}"
        for c in range(len(d.names))
        if (n := _val(m.compute.count[c])) > d.max_count[c] + 1e-6
    ]
    return (
        f"Chip max_count limits the design: {'; '.join(capped)}, against the "
        f"{d.target_pflops:,.1f} PFLOPS target; with max_count lifted it becomes feasible and "
        f"the lifted solution uses {', '.join(over) or 'chips beyond max_count'}."
    )


def _lift_volume(data: ModelData) -> ModelData:
    phs = replace(data.phs, max_active_mm3=data.phs.max_active_mm3 * VOLUME_FACTOR)
    return replace(data, phs=phs, bounds=None)


def _volume_words(data: ModelData, lifted: ModelData, m) -> str:
    p = data.phs
    vol = np.array([_val(m.phs.volume_mm3[s]) for s in m.phs.S])
    most = p.max_active_mm3
    return (
        f"Reservoir volume limits the design: the {len(p.ids)} reservoir sites hold at most "
        f"{most.sum():,.2f} Mm3 of active volume ({mwh_words(most @ p.mwh_per_mm3)}); "
        f"with {VOLUME_FACTOR:g} times that allowed it becomes feasible, and the lifted "
        f"solution stores {vol.sum():,.2f} Mm3 ({mwh_words(vol @ p.mwh_per_mm3)})."
    )


def _lift_liion(data: ModelData) -> ModelData:
    return replace(data, battery=replace(data.battery, enabled=True), bounds=None)


def _liion_words(data: ModelData, lifted: ModelData, m) -> str:
    return (
        f"Storage limits the design with Li-ion off (--no-liion): with Li-ion on it becomes "
        f"feasible, and the lifted solution uses {_val(m.battery.energy_mwh):,.1f} MWh "
        f"and {_val(m.battery.power_mw):,.1f} MW of it."
    )


def _site(data: ModelData, **changes) -> ModelData:
    land = replace(data.land, site=replace(data.land.site, **changes))
    return replace(data, land=land, bounds=None)


def _bought(m) -> np.ndarray:
    """Parcels the solved model buys, even in part (an LP relaxation) [index]."""
    return np.array([p for p in m.land.P if _val(m.land.buy[p]) > 1e-6], dtype=int)


def _distance_words(data: ModelData, lifted: ModelData, m) -> str:
    s, land = data.land.site, data.land
    near = s.parcel_site_km <= s.max_distance_km  # parcel x candidate
    energy = parcel_yield_mwh(data) @ near
    j = int(np.argmax(energy))
    acres = float(land.buildable_acres @ near[:, j])
    bought = _bought(m)
    far = float(s.parcel_site_km[bought].min(axis=1).max(initial=0.0)) if len(bought) else 0.0
    return (
        f"The distance limit of {s.max_distance_km:g} km limits the design: within it of the "
        f"best candidate site ({land.ids[int(s.site_parcel[j])]}) lie {acres:,.0f} of the "
        f"layer's {land.buildable_acres.sum():,.0f} buildable acres "
        f"({mwh_words(energy[j])} a year of PV); without the limit it becomes feasible, and the "
        f"lifted solution buys parcels up to {far:,.1f} km from the nearest candidate site."
    )


def _cluster_words(data: ModelData, lifted: ModelData, m) -> str:
    s, land = data.land.site, data.land
    acres = np.bincount(s.cluster, weights=land.buildable_acres)
    n = int(s.max_clusters)
    top = float(np.sort(acres)[::-1][:n].sum())
    used = len(set(s.cluster[_bought(m)].tolist()))
    return (
        f"The cluster limit (--max-sites {n}) limits the design: the {n} largest clusters of "
        f"touching parcels hold {top:,.0f} of the layer's {land.buildable_acres.sum():,.0f} "
        f"buildable acres; without the limit it becomes feasible, and the lifted solution "
        f"buys parcels in {used} clusters."
    )


def _hall_words(data: ModelData, lifted: ModelData, m) -> str:
    s = data.land.site
    it = _val(m.compute.it_mw)
    need = s.hall_acres_per_mw_it * it
    words, largest = campus_words(data) if len(s.site_parcel) else ("no campus", 0.0)
    return (
        f"The data hall's footprint limits the design: without it (0 acres per MW_IT) it "
        f"becomes feasible, and the lifted solution's {it:,.1f} MW_IT would need a hall "
        f"of {need:,.1f} acres ({s.hall_acres_per_mw_it:g} acres per MW_IT) beside its PV; "
        f"{words} has {largest:,.1f} buildable acres."
    )


def limits_of(data: ModelData) -> list[Limit]:
    """The limits ``data`` imposes, each with its lift (only those that restrict anything);
    land last, so that the distance and cluster limits are tested before it."""
    out = []
    if np.isfinite(data.compute.max_count).any():
        out.append(Limit("chip max_count", _lift_chips, _chip_words))
    storage = data.compute.mode != "peak"
    if storage and data.phs is not None and data.phs.ids:
        out.append(Limit("reservoir volume", _lift_volume, _volume_words))
    if storage and data.battery is not None and not data.battery.enabled:
        out.append(Limit("Li-ion off", _lift_liion, _liion_words))
    s = data.land.site
    if s is not None and np.isfinite(s.max_distance_km):
        lift = lambda d: _site(d, max_distance_km=float("inf"))  # noqa: E731
        out.append(Limit("distance limit", lift, _distance_words))
    if s is not None and s.max_clusters is not None:
        out.append(Limit("cluster limit", lambda d: _site(d, max_clusters=None), _cluster_words))
    if s is not None and s.hall_acres_per_mw_it > 0:
        lift = lambda d: _site(d, hall_acres_per_mw_it=0.0)  # noqa: E731
        out.append(Limit("hall footprint", lift, _hall_words))
    out += component_limits(data)  # e.g. a backup's share
    return out + [Limit("land", _lift_land, _land_words)]  # last: after the reach limits


def component_limits(data: ModelData) -> list[Limit]:
    """The limits the registry components of ``data`` declare (their ``limits`` hooks)."""
    on = [c for c in COMPONENTS if c.limits is not None and c.active(data)]
    return [x for c in on if c.data is None or c.name in data.parts for x in c.limits(data)]
