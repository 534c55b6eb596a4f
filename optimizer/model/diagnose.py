"""Explain, in words, why a target cannot be met (which resource limits it)."""

from __future__ import annotations

import numpy as np

from optimizer.model.bounds import dispatchable_share
from optimizer.model.data import ModelData


def _min_load_mw(data: ModelData) -> float:
    """Smallest facility load [MW] reaching the target, most efficient chips first."""
    d = data.compute
    order = np.argsort(d.it_mw_per_chip / d.pflops_per_chip)
    need, load = d.target_pflops, 0.0
    for c in order:
        n = min(d.max_count[c], need / d.pflops_per_chip[c])
        load += n * d.it_mw_per_chip[c]
        need -= n * d.pflops_per_chip[c]
        if need <= 1e-12:
            break
    return load * d.pue


def _n(x: float) -> str:
    """A figure for a sentence: whole with thousands separators, 3 digits below 10."""
    return f"{x:,.0f}" if abs(x) >= 10 else f"{x:.3g}"


def campus_words(data: ModelData) -> tuple[str, float]:
    """The largest campus within reach of a candidate site in words and its buildable acres,
    e.g. "the largest campus within reach (parcel B07 and the 6 parcels adjacent to it or
    within 2 km of it)"."""
    s, land = data.land.site, data.land
    campus = s.campus_acres(land.buildable_acres)
    j = int(np.argmax(campus))
    n = len(s.campus_of(j)) - 1
    reach = (
        f"adjacent to it or within {s.campus_km:g} km of it"
        if s.campus_km > 0
        else ("adjacent to it")
    )
    return (
        f"the largest campus within reach (parcel {land.ids[s.site_parcel[j]]} and the {n} "
        f"parcels {reach})",
        float(campus[j]),
    )


def hall_limit(data: ModelData, it_mw: float) -> str:
    """The hall's footprint [acre] for ``it_mw`` [MW_IT] against the largest campus of a
    candidate site (its parcel, the parcels adjacent to it and those within the campus
    distance), or '' when it fits."""
    s = data.land.site
    if s is None or not len(s.site_parcel):
        return ""
    need = s.hall_acres_per_mw_it * it_mw
    words, acres = campus_words(data)
    if need <= acres:
        return ""
    return (
        f"The data hall's footprint limits the design: the target needs at least {_n(it_mw)} "
        f"MW of IT load, a hall of {_n(need)} acres ({s.hall_acres_per_mw_it:g} acres per "
        f"MW_IT), but {words} has {_n(acres)} buildable acres. Add larger or nearer parcels, "
        f"raise --campus-km or lower data_hall_acres_per_mw_it."
    )


def explain_infeasible(data: ModelData) -> str:
    """Return one or two sentences naming the limiting resource, with the numbers."""
    d = data.compute
    max_pflops = float(
        np.sum(np.where(np.isfinite(d.max_count), d.max_count, np.inf) * d.pflops_per_chip)
    )
    if max_pflops < d.target_pflops:
        return (
            f"Chip supply limits the design: all chips allowed by max_count give "
            f"{max_pflops * 1e15:.3g} FLOPS, below the target {d.target_pflops * 1e15:.3g} FLOPS."
        )
    load = _min_load_mw(data)
    land = data.land
    cap = np.bincount(
        land.profile,
        weights=land.buildable_acres * land.mw_dc_per_acre,
        minlength=data.pv.cf.shape[0],
    )
    pv = data.pv.cf.T @ cap
    # PV's part: a backup and the unserved allowance supply the rest (never blame PV for them)
    pv_part = max(1.0 - d.max_unserved - dispatchable_share(data), 0.0)
    energy_need, energy_max = load * data.year_h * pv_part, float(pv @ data.weights_h)
    if d.mode == "peak" and pv.max() < load:
        return (
            f"Land limits the design: the target needs at least {load:,.0f} MW in the best hour, "
            f"but PV on all candidate land ({cap.sum():,.0f} MW_dc) gives at most "
            f"{pv.max():,.0f} MW."
        )
    if d.mode != "peak" and energy_max < energy_need:
        return (
            f"Land limits the design: the target needs a facility load of at least "
            f"{load:,.0f} MW ({energy_need / 1e6:,.2f} TWh a year from PV), but PV on all "
            f"{land.buildable_acres.sum():,.0f} buildable acres ({cap.sum():,.0f} MW_dc) yields "
            f"{energy_max / 1e6:,.2f} TWh a year, which is below that need."
        )
    hall = hall_limit(data, load / d.pue)
    if hall:
        return hall
    if d.mode == "peak":
        return "No design meets the target with these inputs (land and chips suffice)."
    return (
        f"No design meets the target, but not for lack of land: PV on all "
        f"{land.buildable_acres.sum():,.0f} buildable acres yields "
        f"{energy_max / 1e6:,.2f} TWh a year against the {energy_need / 1e6:,.2f} TWh the "
        f"facility needs from PV. What limits it is storage (reservoir volumes, pump and "
        f"turbine limits, Li-ion {'on' if data.battery and data.battery.enabled else 'off'})"
        f"{', the backup share' if dispatchable_share(data) > 0 else ''} or a site limit "
        f"(distance, clusters)."
    )
