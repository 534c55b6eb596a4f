"""Explain, in words, why a target cannot be met (which resource limits it), and screen a
target before any model is built (:func:`target_beyond_resources`).

The land's part in both comes from the energy envelope (:mod:`optimizer.model.envelope`):
every land-bound source of the registry on every candidate acre, and the share the
dispatchable sources may supply.
"""

from __future__ import annotations

import numpy as np

from optimizer.inputs.capacity import least_load_mw
from optimizer.model.data import ModelData
from optimizer.model.envelope import envelope


def _min_load_mw(data: ModelData) -> float:
    """Smallest facility load [MW] reaching the target, most efficient chips first
    (:func:`~optimizer.inputs.capacity.least_load_mw`; the chips can reach it here)."""
    d = data.compute
    load = least_load_mw(d.target_pflops, d.pflops_per_chip, d.it_mw_per_chip, d.max_count, d.pue)
    return float(load or 0.0)


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
    land, env = data.land, envelope(data)
    cap = land.buildable_acres.sum() * land.mw_dc_per_acre
    src = env.words()
    # the land's part: a backup and the unserved allowance supply the rest (never blame land)
    pv_part = max(1.0 - d.max_unserved - env.share, 0.0)
    energy_need, energy_max = load * data.year_h * pv_part, env.land_mwh
    best = float(env.land_mw.max(initial=0.0))
    if d.mode == "peak" and best < load:
        return (
            f"Land limits the design: the target needs at least {load:,.0f} MW in the best hour, "
            f"but {src} on all candidate land ({cap:,.0f} MW_dc) gives at most "
            f"{best:,.0f} MW."
        )
    if d.mode != "peak" and energy_max < energy_need:
        return (
            f"Land limits the design: the target needs a facility load of at least "
            f"{load:,.0f} MW ({energy_need / 1e6:,.2f} TWh a year from {src}), but {src} on "
            f"all {land.buildable_acres.sum():,.0f} buildable acres ({cap:,.0f} MW_dc) yields "
            f"{energy_max / 1e6:,.2f} TWh a year, which is below that need."
        )
    hall = hall_limit(data, load / d.pue)
    if hall:
        return hall
    if d.mode == "peak":
        return "No design meets the target with these inputs (land and chips suffice)."
    return (
        f"No design meets the target, but not for lack of land: {src} on all "
        f"{land.buildable_acres.sum():,.0f} buildable acres yields "
        f"{energy_max / 1e6:,.2f} TWh a year against the {energy_need / 1e6:,.2f} TWh the "
        f"facility needs from {src}. What limits it is storage (reservoir volumes, pump and "
        f"turbine limits, Li-ion {'on' if data.battery and data.battery.enabled else 'off'})"
        f"{', the backup share' if env.share > 0 else ''} or a site limit "
        f"(distance, clusters)."
    )


def _chip_limit(target_pflops: float, compute) -> str:
    total = float(np.sum(compute.max_count * compute.pflops_per_chip))
    names = ", ".join(
        f"{int(n):,} x {c}" for c, n in zip(compute.names, compute.max_count, strict=True)
    )
    return (
        f"Chip supply limits the design: the target {target_pflops * 1e15:.3g} FLOPS exceeds "
        f"every chip the catalogue allows: max_count x FLOPS of all chip types is "
        f"{total * 1e15:.3g} FLOPS ({names})"
    )


def _hall_limit(data, it_mw: float) -> str:
    """The hall of ``it_mw`` [MW_IT] against the largest candidate campus ('' when it fits or
    there is no compute site); see :func:`hall_limit`."""
    if getattr(data.land, "site", None) is None:
        return ""
    return hall_limit(data, it_mw)


def target_beyond_resources(data) -> str | None:
    """Return why the target cannot be met (chips, the hall's footprint or land), or None
    when it may be.

    Parameters
    ----------
    data : :class:`~optimizer.model.data.ModelData` (scaled units: PFLOPS, MW, MWh)
    """
    comp, land = data.compute, data.land
    target = comp.target_pflops
    load = least_load_mw(target, comp.pflops_per_chip, comp.it_mw_per_chip, comp.max_count,
                         comp.pue)  # fmt: skip
    if load is None:
        return _chip_limit(target, comp)
    acres = float(land.buildable_acres.sum())
    env = envelope(data)
    src = env.words()
    where = (
        f"{acres:,.0f} buildable acres at {land.mw_dc_per_acre:.3g} MW_dc/acre "
        f"({acres * land.mw_dc_per_acre:,.0f} MW_dc)"
    )
    if comp.mode == "peak":
        best = float(env.land_mw.max(initial=0.0))
        if load > best:
            return (
                f"Land limits the design: the land's {src} cannot run the chips in any hour: "
                f"{where} give at most {best:,.0f} MW in the best hour; the target "
                f"{target * 1e15:.3g} FLOPS needs "
                f"at least {load:,.0f} MW with the most efficient chips"
            )
        return _hall_limit(data, load / comp.pue) or None
    supply = env.land_mwh  # [MWh] a year
    # e.g. a backup may supply up to its share
    need = load * data.year_h * max(1.0 - getattr(comp, "max_unserved", 0.0) - env.share, 0.0)
    if need > supply:
        return (
            f"Land limits the design: the land's {src} cannot supply the energy: {where} yield "
            f"at most {supply:,.0f} MWh a year; the target {target * 1e15:.3g} FLOPS needs at "
            f"least {need:,.0f} MWh a year "
            f"({load:,.0f} MW with the most efficient chips, PUE {comp.pue:g})"
        )
    return _hall_limit(data, load / comp.pue) or None
