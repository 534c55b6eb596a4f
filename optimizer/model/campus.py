"""The data hall's campus: its rows in the site block, and the campus parcels a design buys.

The formulation is in :mod:`optimizer.model.site`: hall acres :math:`a_{jp}` [acre] on the
parcels :math:`p \\in K_j` of candidate j's campus (the site parcel and the parcels adjacent to
it), :math:`\\sum a_{jp} = \\alpha IT`, :math:`a_{jp} \\le A_p z_j`,
:math:`C_p / d + \\sum_j a_{jp} \\le A_p y_p`; in the relaxation one :math:`a_p` per parcel of
any campus. :func:`hall_purchase` is the same rule outside the model, for a rounded design.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from optimizer.model.data import ModelData

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
        return
    b.choose = pyo.Var(b.J, domain=pyo.Binary)
    if s.fixed_site is not None:
        b.choose[s.fixed_site].fix(1)
    b.one_site = pyo.Constraint(expr=sum(b.choose[j] for j in b.J) == 1)
    b.hall_here = pyo.Constraint(
        b.HP, rule=lambda b, j, p: b.hall_acres[j, p] <= float(acres[p]) * b.choose[j]
    )
    b.site_bought = pyo.Constraint(b.J, rule=lambda b, j: b.choose[j] <= buy[int(s.site_parcel[j])])


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


def hall_purchase(
    data: ModelData, j: int, cap_mw: np.ndarray, bought: np.ndarray, hall_acres: float
) -> tuple[np.ndarray, float]:
    """Campus parcels to buy so that site ``j``'s campus holds the hall, and the acres short.

    The site parcel counts as bought. The room on bought campus parcels is what their PV
    ``cap_mw`` [MW_dc] leaves, :math:`A_p - C_p / d`; while ``hall_acres`` [acre] exceed it,
    the unbought campus parcels are added, cheapest per acre first. Returns (parcel indices to
    buy, acres still short [acre]; > 0: the campus cannot hold the hall).
    """
    s, land = data.land.site, data.land
    campus, acres = s.campus_of(j), land.buildable_acres
    have = np.asarray(bought, bool).copy()
    have[int(s.site_parcel[j])] = True
    room = np.maximum(acres - np.asarray(cap_mw, float) / land.mw_dc_per_acre, 0.0)
    short = hall_acres - float(room[campus[have[campus]]].sum())
    free = campus[~have[campus] & (acres[campus] > 0)]
    extra = []
    for p in free[np.argsort(land.price_musd[free] / acres[free], kind="stable")]:
        if short <= EPS_ACRES * max(hall_acres, 1.0):
            break
        extra.append(int(p))
        short -= float(room[p])
    return np.array(extra, dtype=int), max(short, 0.0)
