"""Li-ion battery: energy [MWh] and power [MW] sized separately.

Charge and discharge efficiencies are each :math:`\\sqrt{\\eta_{rt}}` (round trip
:math:`\\eta_{rt}`); dispatch as in :mod:`optimizer.model.storage` with one unit, no standing
loss; energy and power within the bounds of :mod:`optimizer.model.bounds`. Cost [$M]:
:math:`k (c_E E + c_P P)` with :math:`k` purchases over the plant's life (calendar life
shorter than the plant's: the battery is bought again).
"""

from __future__ import annotations

import math

import pyomo.environ as pyo

from optimizer.model.data import ModelData
from optimizer.model.storage import add_dispatch


def add_battery(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Add block ``m.battery`` (nothing when Li-ion is disabled)."""
    d = data.battery
    if d is None or not d.enabled:
        return
    b = m.battery = pyo.Block()
    b.U = pyo.RangeSet(0, 0)
    bd = m.bounds
    finite = [
        None if not math.isfinite(x) else float(x) for x in (bd.liion_energy_mwh, bd.liion_power_mw)
    ]
    b.energy_mwh = pyo.Var(domain=pyo.NonNegativeReals, bounds=(0, finite[0]))
    b.power_mw = pyo.Var(domain=pyo.NonNegativeReals, bounds=(0, finite[1]))
    eff = math.sqrt(d.round_trip_eff)
    add_dispatch(
        m,
        b,
        charge_cap=lambda _: b.power_mw,
        discharge_cap=lambda _: b.power_mw,
        energy_cap=lambda _: b.energy_mwh,
        eff_in=lambda _: eff,
        eff_out=lambda _: eff,
        loss_mwh_per_h=lambda _: 0.0,
    )
    m.costs["liion_energy"] = d.purchases * d.energy_musd_per_mwh * b.energy_mwh
    m.costs["liion_power"] = d.purchases * d.power_musd_per_mw * b.power_mw
