"""Is the target within reach of the inputs at all? Checked before any model is built.

Necessary conditions, each a valid bound whatever the design (storage only loses energy):

* **chips**: when every chip type has a ``max_count``, the installed FLOPS cannot exceed
  :math:`\\sum_c n^{max}_c F_c`;
* **land**: PV on every buildable acre, :math:`\\bar P_k = d \\sum_{p \\in k} A_p` [MW_dc] per
  weather profile k, yields at most :math:`\\sum_k \\bar P_k \\sum_t cf_{k,t}` [MWh] a year
  (sustained and average modes: the chips' energy, :math:`L \\cdot 8760 (1 - u)` with the load
  :math:`L` of the most efficient chips that reach the target at the PUE) or
  :math:`\\max_t \\sum_k \\bar P_k cf_{k,t}` [MW] in the best hour (peak mode: the full load);
* **hall footprint** (with a compute site): the hall of the least IT load,
  :math:`\\alpha L / PUE` [acre], must fit on some candidate site's campus (its parcel and the
  parcels adjacent to it), :math:`\\alpha L / PUE \\le \\max_j \\sum_{p \\in K_j} A_p`.

A target beyond any of them is infeasible (exit 3) with the reason in words, instead of a model
whose numbers exceed the solver's range.
"""

from __future__ import annotations

import numpy as np

HOURS = 8760


def least_load_mw(target_pflops: float, pflops, it_mw, max_count, pue: float) -> float | None:
    """Smallest facility load [MW] of chips that reach ``target_pflops`` [PFLOPS], or None.

    Greedy by MW per PFLOPS (exact for this fractional knapsack), each type up to its
    ``max_count`` (inf when unlimited). None when the chips cannot reach the target.
    """
    pflops, it_mw = np.asarray(pflops, float), np.asarray(it_mw, float)
    count = np.asarray(max_count, float)
    need, load = float(target_pflops), 0.0
    for c in np.argsort(it_mw / pflops):
        take = min(need, count[c] * pflops[c])
        load += take * it_mw[c] / pflops[c] * pue
        need -= take
        if need <= 0:
            return load
    return None


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
    there is no compute site); see :func:`optimizer.model.diagnose.hall_limit`."""
    if getattr(data.land, "site", None) is None:
        return ""
    from optimizer.model.diagnose import hall_limit  # model layer: imported when needed

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
    acres = np.bincount(land.profile, weights=land.buildable_acres, minlength=len(data.pv.cf))
    cap = acres * land.mw_dc_per_acre  # [MW_dc] per weather profile
    where = (
        f"{acres.sum():,.0f} buildable acres at {land.mw_dc_per_acre:.3g} MW_dc/acre "
        f"({cap.sum():,.0f} MW_dc)"
    )
    if comp.mode == "peak":
        best = float((cap @ data.pv.cf).max())
        if load > best:
            return (
                f"Land limits the design: the land's PV cannot run the chips in any hour: "
                f"{where} give at most {best:,.0f} MW in the best hour; the target "
                f"{target * 1e15:.3g} FLOPS needs "
                f"at least {load:,.0f} MW with the most efficient chips"
            )
        return _hall_limit(data, load / comp.pue) or None
    supply = float(cap @ data.pv.cf.sum(axis=1))  # [MWh] a year
    from optimizer.model.bounds import dispatchable_share

    share = dispatchable_share(data)  # e.g. a backup may supply up to its share
    need = load * HOURS * max(1.0 - getattr(comp, "max_unserved", 0.0) - share, 0.0)
    if need > supply:
        return (
            f"Land limits the design: the land's PV cannot supply the energy: {where} yield at "
            f"most {supply:,.0f} MWh a year; the target {target * 1e15:.3g} FLOPS needs at least "
            f"{need:,.0f} MWh a year "
            f"({load:,.0f} MW with the most efficient chips, PUE {comp.pue:g})"
        )
    return _hall_limit(data, load / comp.pue) or None
