"""PV: hourly AC output of the capacity placed on parcels, per weather profile.

.. math:: S^{pv}_t = \\sum_k cf_{k,t} \\, C_k \\quad [MW]

Cost [$M]: :math:`c_{pv} \\sum_k C_k` (modules, balance of system, inverters per MW_dc).
"""

from __future__ import annotations

import pyomo.environ as pyo

from optimizer.model.data import ModelData


def add_pv(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Register PV output in the hourly balance and PV capital cost."""
    cf = data.pv.cf
    cap = m.land.profile_cap_mw_dc
    m.pv_total_mw_dc = pyo.Expression(expr=sum(cap[k] for k in m.land.K))
    m.supply.append(lambda t: sum(float(cf[k, t]) * cap[k] for k in m.land.K if cf[k, t] > 0))
    m.costs["pv"] = data.pv.musd_per_mw_dc * m.pv_total_mw_dc
