"""The data hall's campus: its rows in the site block, and the campus parcels a design buys.

The formulation is in :mod:`optimizer.model.site`: hall acres :math:`a_{jp}` [acre] on the
parcels :math:`p \\in K_j` of candidate j's campus (the site parcel, the parcels adjacent to
it, and the parcels within the campus distance of it), :math:`\\sum a_{jp} = \\alpha IT`,
:math:`a_{jp} \\le A_p z_j`, :math:`C_p / d + \\sum_j a_{jp} \\le A_p y_p`; in the relaxation
one :math:`a_p` per parcel of any campus.

Hall buildings across a road. A parcel of :math:`K_j` that is not the site parcel nor adjacent
to it (:math:`\\ell_{jp} > 0`, the link length [km]) holds hall acres only as a building of its
own, :math:`u_{jp} \\in \\{0, 1\\}`, linked to the site parcel by fibre and a road:

.. math::
    a_{jp} \\le A_p u_{jp}, \\quad u_{jp} \\le z_j, \\quad
    \\text{cost} = c_{link} \\sum_{jp} \\ell_{jp} u_{jp}

In the relaxation (no :math:`z`) :math:`u_p` per parcel with :math:`\\ell_p = \\min_j
\\ell_{jp}` over the campuses holding p (no :math:`u_p` when p is contiguous with some site
parcel), :math:`a_p \\le A_p u_p`, cost :math:`c_{link} \\sum_p \\ell_p u_p`. A bound: every
design with a site maps to :math:`u_p = \\sum_j u_{jp} \\le \\sum_j z_j = 1`, which meets
:math:`a_p = \\sum_j a_{jp} \\le A_p u_p` and costs
:math:`\\sum_j \\ell_{jp} u_{jp} \\ge \\ell_p u_p`; so the relaxation's optimum stays a lower
bound. With the campus distance 0 (or parcels that all touch) there is no :math:`u`: the
model is the one of contiguous campuses.

:func:`hall_plan` is the same rule outside the model, for a rounded design.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from optimizer.model.data import ModelData
from optimizer.resource.geo import campuses

#: hall acres [acre] below this count as none
EPS_ACRES = 1e-6


def _hall_columns(b: pyo.Block, data: ModelData) -> dict[int, list]:
    """Add ``b.HP`` and ``b.hall_acres`` [acre]; return parcel -> its hall columns.

    Indexed by (j, p) with a site choice, by p (the union of the campuses) in the relaxation.
    """
    s, acres = data.land.site, data.land.buildable_acres
    pairs = [(j, int(p)) for j in b.J for p in s.campus_of(j)]
    if s.relaxed:
        b.HP = pyo.Set(initialize=sorted({p for _, p in pairs}))
        b.hall_acres = pyo.Var(b.HP, bounds=lambda _, p: (0, float(acres[p])))
        return {p: [b.hall_acres[p]] for p in b.HP}
    b.HP = pyo.Set(initialize=pairs, dimen=2)
    b.hall_acres = pyo.Var(b.HP, bounds=lambda _, j, p: (0, float(acres[p])))
    held: dict[int, list] = {}
    for j, p in pairs:
        held.setdefault(p, []).append(b.hall_acres[j, p])
    return held


def campuses_within(
    adjacency, sites: np.ndarray, site_km: np.ndarray, usable: np.ndarray, campus_km: float
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Each candidate's campus and the link length [km] of each of its parcels.

    The site parcel, then its usable adjacent parcels (link 0: contiguous with it), then the
    usable parcels whose centroid lies within ``campus_km`` [km] of the site parcel's (link:
    that centroid distance ``site_km[p, j]``, the fibre and road run between the buildings).
    """
    campus, links = [], []
    for j, k in enumerate(campuses(adjacency, sites)):
        core = k[usable[k] | (k == k[0])]
        near = np.flatnonzero(usable & (site_km[:, j] <= campus_km))
        far = np.setdiff1d(near, core)
        campus.append(np.concatenate((core, far)).astype(int))
        links.append(np.concatenate((np.zeros(len(core)), site_km[far, j])))
    return campus, links


def _remote_links(b: pyo.Block, data: ModelData) -> dict:
    """Hall-building columns' link lengths [km]: (j, p) -> km, or p -> the least km over the
    candidates in the relaxation (parcels contiguous with some site parcel left out)."""
    s = data.land.site
    pairs = {(j, p): km for j in b.J for p, km in s.remote_of(j).items()}
    if not s.relaxed:
        return pairs
    core = {int(p) for j in b.J for p, km in zip(s.campus_of(j), s.links_of(j), strict=True)
            if km <= 0}  # fmt: skip
    out: dict[int, float] = {}
    for (_, p), km in pairs.items():
        if p not in core:
            out[p] = min(km, out.get(p, km))
    return out


def _add_buildings(m: pyo.ConcreteModel, b: pyo.Block, data: ModelData) -> None:
    """Hall buildings across a road (see the module docstring): ``b.building`` (binary),
    ``a <= A u``, ``u_jp <= z_j``; their links' cost in ``m.costs["campus_links"]`` [$M]."""
    s, acres = data.land.site, data.land.buildable_acres
    links = _remote_links(b, data)
    if not links:
        return
    b.B = pyo.Set(initialize=sorted(links), dimen=1 if s.relaxed else 2)
    b.building = pyo.Var(b.B, domain=pyo.Binary)
    if s.relaxed:
        rule = lambda b, p: b.hall_acres[p] <= float(acres[p]) * b.building[p]  # noqa: E731
    else:
        rule = lambda b, j, p: b.hall_acres[j, p] <= float(acres[p]) * b.building[j, p]  # noqa: E731
    b.building_hall = pyo.Constraint(b.B, rule=rule)
    if not s.relaxed:
        b.building_site = pyo.Constraint(b.B, rule=lambda b, j, p: b.building[j, p] <= b.choose[j])
    m.costs["campus_links"] = s.link_musd_per_km * sum(
        float(km) * b.building[k] for k, km in links.items()
    )


def add_hall(m: pyo.ConcreteModel, b: pyo.Block, data: ModelData) -> None:
    """The hall's acres on the chosen candidate's campus (the relaxation: on any bought
    campus parcel, no site binary); see :mod:`optimizer.model.site` for the rows."""
    s, land = data.land.site, data.land
    acres, buy, cap = land.buildable_acres, m.land.buy, m.land.cap_mw_dc
    held = _hall_columns(b, data)
    b.hall_size = pyo.Constraint(
        expr=sum(b.hall_acres[k] for k in b.HP) == s.hall_acres_per_mw_it * m.compute.it_mw
    )
    b.hall_parcels = pyo.Set(initialize=sorted(held))
    b.site_area = pyo.Constraint(
        b.hall_parcels,
        rule=lambda b, p: cap[p] / land.mw_dc_per_acre + sum(held[p]) <= float(acres[p]) * buy[p],
    )
    if s.relaxed:
        _add_buildings(m, b, data)
        return
    b.choose = pyo.Var(b.J, domain=pyo.Binary)
    if s.fixed_site is not None:
        b.choose[s.fixed_site].fix(1)
    b.one_site = pyo.Constraint(expr=sum(b.choose[j] for j in b.J) == 1)
    b.hall_here = pyo.Constraint(
        b.HP, rule=lambda b, j, p: b.hall_acres[j, p] <= float(acres[p]) * b.choose[j]
    )
    b.site_bought = pyo.Constraint(b.J, rule=lambda b, j: b.choose[j] <= buy[int(s.site_parcel[j])])
    _add_buildings(m, b, data)


def buildings_of(m: pyo.ConcreteModel, n_parcels: int) -> np.ndarray:
    """Whether each parcel holds a hall building across a road (linked to the site parcel) in
    a solved model (summed over sites; all False without such buildings)."""
    out = np.zeros(n_parcels, dtype=bool)
    b = m.component("site")
    if b is None or b.component("building") is None:
        return out
    for k in b.B:
        p = k[1] if isinstance(k, tuple) else k
        out[int(p)] |= (pyo.value(b.building[k], exception=False) or 0.0) > 0.5
    return out


def hall_by_parcel(m: pyo.ConcreteModel, n_parcels: int) -> np.ndarray:
    """Hall acres [acre] per parcel of a solved model (summed over sites; zeros without a
    site block)."""
    out = np.zeros(n_parcels)
    b = m.component("site")
    if b is None or b.component("hall_acres") is None:
        return out
    for k in b.HP:
        p = k[1] if isinstance(k, tuple) else k
        out[int(p)] += pyo.value(b.hall_acres[k], exception=False) or 0.0
    return out


def hall_plan(
    data: ModelData,
    j: int,
    cap_mw: np.ndarray,
    bought: np.ndarray,
    hall_acres: float,
    seed: np.ndarray | None = None,
) -> tuple[np.ndarray, float, np.ndarray]:
    """Campus parcels to buy and hall buildings to link so that site ``j``'s campus holds the
    hall, and the acres short.

    The site parcel counts as bought. The room on a parcel is what its PV ``cap_mw`` [MW_dc]
    leaves, :math:`A_p - C_p / d`. The room on the bought parcels contiguous with the site
    parcel comes free; while ``hall_acres`` [acre] exceed it, campus parcels are added in order
    of cost per acre of room: an unbought contiguous parcel its price per buildable acre (as
    ever), a parcel across a road its link (:math:`c_{link} \\ell_{jp}`) plus its price when
    not bought, per acre of room. ``seed``: campus parcels taken first, whatever they cost (the
    hall parcels of an integral solution). Returns (parcel indices to buy, acres still short
    [acre]; > 0: the campus cannot hold the hall, parcel indices of the hall buildings that need
    a link).
    """
    s, land = data.land.site, data.land
    campus, acres, km = s.campus_of(j), land.buildable_acres, s.links_of(j)
    have = np.asarray(bought, bool).copy()
    have[int(s.site_parcel[j])] = True
    room = np.maximum(acres - np.asarray(cap_mw, float) / land.mw_dc_per_acre, 0.0)
    core = km <= 0
    short = hall_acres - float(room[campus[core & have[campus]]].sum())
    pick = (~core | ~have[campus]) & (acres[campus] > 0) & (room[campus] > EPS_ACRES)
    cand, far = campus[pick], ~core[pick]
    price = np.where(have[cand], 0.0, land.price_musd[cand])
    per_acre = np.where(far, (price + s.link_musd_per_km * km[pick]) / np.maximum(room[cand],
                        EPS_ACRES), land.price_musd[cand] / acres[cand])  # fmt: skip
    first = np.isin(cand, [] if seed is None else np.asarray(seed, int))
    extra, buildings = [], []
    for i in np.lexsort((per_acre, ~first)):  # the seed first, then by cost per acre
        if short <= EPS_ACRES * max(hall_acres, 1.0) and not first[i]:
            break
        p = int(cand[i])
        extra += [] if have[p] else [p]
        buildings += [p] if far[i] else []
        short -= float(room[p])
    return np.array(extra, dtype=int), max(short, 0.0), np.array(buildings, dtype=int)
