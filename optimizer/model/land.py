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

from optimizer.model.data import ModelData


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
