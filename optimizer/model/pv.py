"""PV: hourly AC output of the capacity placed on parcels, per weather profile.

.. math:: S^{pv}_t = \\sum_k cf_{k,t} \\, C_k \\quad [MW]

Cost [$M]: :math:`c_{pv} \\sum_k C_k` (modules, balance of system, inverters per MW_dc);
fixed O&M [$M/yr] (``pv_fom``, in the net present cost only): :math:`o_{pv} \\sum_k C_k`.

Results (registry hooks): the output available from the parcels' capacities (supply of the
independent balance), what of it the plant used or curtailed, and the PV BOM lines.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression

from optimizer import units as u
from optimizer.model.component import solved_value
from optimizer.model.data import ModelData


def add_pv(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Register PV output in the hourly balance and PV capital cost."""
    cf = data.pv.cf
    cap = m.land.profile_cap_mw_dc
    m.pv_total_mw_dc = pyo.Expression(expr=sum(cap[k] for k in m.land.K))
    m.supply.append(hourly_output(cf, [cap[k] for k in m.land.K]))
    m.costs["pv"] = data.pv.musd_per_mw_dc * m.pv_total_mw_dc
    if data.pv.fom_musd_per_mw_dc_yr > 0:
        m.annual_costs["pv_fom"] = data.pv.fom_musd_per_mw_dc_yr * m.pv_total_mw_dc


def hourly_output(cf: np.ndarray, cap: list):
    """``t -> sum_k cf[k, t] cap[k]`` over the profiles with output in step t [MW].

    The terms built directly as one linear expression (the same terms, in the same order, as
    ``sum(float(cf[k, t]) * cap[k] for k in K if cf[k, t] > 0)``, without its ~K intermediate
    sums per step); ``cf`` (K, T) [MW/MW_dc], ``cap`` the K capacity variables [MW_dc].
    """
    coef = np.ascontiguousarray(cf.T)  # (T, K): one row per step

    def output(t: int):
        row = coef[t]
        terms = [MonomialTermExpression((float(row[k]), cap[k])) for k in np.flatnonzero(row > 0)]
        if len(terms) < 2:
            return terms[0] if terms else 0
        return LinearExpression(terms)

    return output


# --- results ---


def extract_pv(m: pyo.ConcreteModel, data: ModelData) -> dict:
    """Installed PV ``mw_dc`` [MW_dc] (the parcels' capacities are the land component's)."""

    return {"mw_dc": solved_value(m.pv_total_mw_dc)}


def profile_capacity_mw_dc(sol, data: ModelData) -> np.ndarray:
    """Sum parcel PV capacities per weather profile [MW_dc] (numpy, independent of Pyomo)."""
    mw_dc = sol.parts["land"]["mw_dc"]
    return np.bincount(data.land.profile, weights=mw_dc, minlength=data.pv.cf.shape[0])


def pv_available_mw(sol, data: ModelData) -> np.ndarray:
    """Hourly PV output available [MW]: profiles x the parcels' capacities per profile."""
    return data.pv.cf.T @ profile_capacity_mw_dc(sol, data)


def pv_supply_mw(part: dict, sol, data: ModelData) -> np.ndarray:
    """PV available [MW], supply in the independent balance (curtailment is free)."""
    return pv_available_mw(sol, data)


def pv_dispatch(part: dict, sol, data: ModelData, rest_mw: np.ndarray) -> dict:
    """Dispatch columns [MW]: available, used (what the rest of the plant leaves to PV,
    :math:`\\min(S^{pv}_t, \\max(D_t - S_t, 0))` with D and S the other components' demand and
    supply) and curtailed (available - used)."""
    avail = pv_available_mw(sol, data)
    used = np.minimum(avail, np.maximum(rest_mw, 0.0))
    return {"pv_available_mw": avail, "pv_used_mw": used,
            "pv_curtailed_mw": np.maximum(avail - used, 0.0)}  # fmt: skip


def pv_bom(b, part: dict, sol, data: ModelData) -> None:
    """Modules (whole modules of ``pv_module_w``), balance of system per W_dc, inverters per
    W_ac (W_dc / ``pv_dc_ac_ratio``)."""
    pr = b.inputs.prices
    w_dc = float(sol.parts["land"]["mw_dc"].sum()) * u.W_PER_MW
    if w_dc <= 0:
        return
    modules = int(np.ceil(w_dc / pr.value("pv_module_w") - 1e-9))
    b.price("PV", f"PV modules ({modules:,} x {pr.value('pv_module_w'):.0f} W)", w_dc,
            "pv_module_usd_per_w_dc")  # fmt: skip
    b.price("PV", "Balance of system (trackers, racking, wiring, EPC)", w_dc, "pv_bos_usd_per_w_dc")
    b.price("PV", "Inverters", w_dc / pr.value("pv_dc_ac_ratio"), "pv_inverter_usd_per_w_ac")
