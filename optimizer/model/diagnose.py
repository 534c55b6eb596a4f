"""Explain, in words, why a target cannot be met (which resource limits it)."""

from __future__ import annotations

import numpy as np

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
    hours = data.year_h
    energy_need, energy_max = load * hours, float(pv @ data.weights_h)
    if d.mode == "peak" and pv.max() < load:
        return (
            f"Land limits the design: the target needs at least {load:,.0f} MW in the best hour, "
            f"but PV on all candidate land ({cap.sum():,.0f} MW_dc) gives at most "
            f"{pv.max():,.0f} MW."
        )
    if energy_max < energy_need or d.mode != "peak":
        verb = "is below" if energy_max < energy_need else "after storage losses falls short of"
        return (
            f"Land limits the design: the target needs a facility load of at least "
            f"{load:,.0f} MW ({energy_need / 1e6:,.2f} TWh a year), but PV on all "
            f"{land.buildable_acres.sum():,.0f} buildable acres ({cap.sum():,.0f} MW_dc) yields "
            f"{energy_max / 1e6:,.2f} TWh a year, which {verb} that need."
        )
    return "No design meets the target with these inputs."
