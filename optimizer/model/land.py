"""Land: buy parcel p (binary) and place PV capacity on it, up to its buildable area.

.. math::
    0 \\le C_p \\le A_p \\, d \\, y_p, \\quad y_p \\in \\{0, 1\\}, \\qquad
    C_k = \\sum_{p \\in k} C_p

with :math:`C_p` [MW_dc], :math:`A_p` buildable area [acre], :math:`d` power density
[MW_dc/acre]. Costs [$M]: land :math:`\\sum_p \\pi_p y_p`; preparation
:math:`c_{prep} \\sum_p C_p / d`.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from optimizer.model.component import solved_value, tol_mw
from optimizer.model.data import ModelData
from optimizer.model.site_results import site_parcel_columns


def add_land(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Add block ``m.land`` with ``buy[p]``, ``cap_mw_dc[p]`` and ``profile_cap_mw_dc[k]``."""
    land = data.land
    b = m.land = pyo.Block()
    b.P = pyo.RangeSet(0, len(land.ids) - 1)
    b.K = pyo.RangeSet(0, data.pv.cf.shape[0] - 1)
    max_mw = land.buildable_acres * land.mw_dc_per_acre
    b.buy = pyo.Var(b.P, domain=pyo.Binary)
    b.cap_mw_dc = pyo.Var(b.P, domain=pyo.NonNegativeReals, bounds=lambda _, p: (0, max_mw[p]))
    b.area_limit = pyo.Constraint(b.P, rule=lambda b, p: b.cap_mw_dc[p] <= max_mw[p] * b.buy[p])
    members = {k: np.flatnonzero(land.profile == k).tolist() for k in b.K}
    # a variable, not an expression: hourly rows then hold K profile capacities, never P parcels
    b.profile_cap_mw_dc = pyo.Var(b.K, domain=pyo.NonNegativeReals)
    b.profile_sum = pyo.Constraint(
        b.K, rule=lambda b, k: b.profile_cap_mw_dc[k] == sum(b.cap_mw_dc[p] for p in members[k])
    )
    m.costs["land"] = sum(float(land.price_musd[p]) * b.buy[p] for p in b.P)
    m.costs["land_prep"] = (land.prep_musd_per_acre / land.mw_dc_per_acre) * sum(
        b.cap_mw_dc[p] for p in b.P
    )


# --- results ---


def extract_land(m: pyo.ConcreteModel, data: ModelData) -> dict:
    """Per parcel (order of ``data.land.ids``): ``selected`` (bought) and ``mw_dc`` [MW_dc]."""

    b = m.land
    return {
        "selected": np.array([solved_value(b.buy[p]) > 0.5 for p in b.P]),
        "mw_dc": np.array([solved_value(b.cap_mw_dc[p]) for p in b.P]),
    }


def check_land(part: dict, sol, data: ModelData, report) -> None:
    """PV on a parcel within its buildable area x density, and only on a bought parcel."""

    land, mw_dc = data.land, part["mw_dc"]
    limit = land.buildable_acres * land.mw_dc_per_acre * part["selected"]
    over = mw_dc - limit
    if over.max(initial=0.0) > tol_mw(limit.max(initial=0.0)) or mw_dc.min(initial=0) < -1e-6:
        i = int(np.argmax(over))
        report.failures.append(
            f"parcel {land.ids[i]}: PV {mw_dc[i]:.3f} MW_dc exceeds its limit {limit[i]:.3f} MW_dc"
        )


def land_bom(b, part: dict, sol, data: ModelData) -> None:
    """Each bought parcel at its price per acre, and site preparation of the acres under PV."""
    parcels = b.inputs.parcels.reset_index(drop=True)
    for i in np.flatnonzero(part["selected"]):
        row = parcels.iloc[i]
        b.raw("Land", f"Parcel {row['parcel_id']}", float(row["area_acres"]), "acre",
              float(row["price_usd_per_acre"]), f"parcels:{row['parcel_id']}",
              str(row.get("source", "parcels file")), str(row.get("year", "")))  # fmt: skip
    used_acres = float(part["mw_dc"].sum()) / data.land.mw_dc_per_acre
    if used_acres > 0:
        b.price("Land", "Site preparation (grading) under PV", used_acres, "land_prep_usd_per_acre")


def land_table(part: dict, run):
    """The Parcels sheet: every candidate parcel as read, with its weather profile, decision,
    PV size [MW_dc, acre] and limit, and the compute site's columns
    (:func:`optimizer.model.site_results.site_parcel_columns`)."""

    land = run.data.land
    p = run.inputs.parcels.drop(columns="geometry").reset_index(drop=True).copy()
    p["profile"] = [f"W{k + 1}" for k in run.profiles.parcel_profile]
    p["selected"] = part["selected"]
    p["pv_mw_dc"] = part["mw_dc"]
    p["pv_acres"] = part["mw_dc"] / land.mw_dc_per_acre
    p["mw_dc_per_acre"] = land.mw_dc_per_acre
    p["max_pv_mw_dc"] = land.buildable_acres * land.mw_dc_per_acre
    p["decision"] = np.where(
        part["selected"], np.where(part["mw_dc"] > 1e-6, "bought: PV", "bought"), "not bought"
    )
    return site_parcel_columns(p, run)
