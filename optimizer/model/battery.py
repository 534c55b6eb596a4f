"""Li-ion battery: energy [MWh] and power [MW] sized separately.

Charge and discharge efficiencies are each :math:`\\sqrt{\\eta_{rt}}` (round trip
:math:`\\eta_{rt}`); dispatch as in :mod:`optimizer.model.storage` with one unit, no standing
loss; energy and power within the bounds of :mod:`optimizer.model.bounds`. Cost [$M]:
:math:`k (c_E E + c_P P)` with :math:`k` purchases over the plant's life (calendar life
shorter than the plant's: the battery is bought again); fixed O&M [$M/yr] (``liion_fom``, in
the net present cost only): :math:`o_E E + o_P P`.
"""

from __future__ import annotations

import math

import numpy as np
import pyomo.environ as pyo

from optimizer import units as u
from optimizer.model.component import BOUND_SLACK, BoundContext, solved_value
from optimizer.model.data import ModelData
from optimizer.model.storage import StorageUnit, add_dispatch, unit_flows


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
    if d.fom_musd_per_mwh_yr > 0 or d.fom_musd_per_mw_yr > 0:
        m.annual_costs["liion_fom"] = (
            d.fom_musd_per_mwh_yr * b.energy_mwh + d.fom_musd_per_mw_yr * b.power_mw
        )


# --- results ---


def extract_battery(m: pyo.ConcreteModel, data: ModelData) -> dict:
    """``energy_mwh`` [MWh], ``power_mw`` [MW] and its :class:`~optimizer.model.storage.
    StorageUnit` in ``storage`` (charge and discharge efficiency :math:`\\sqrt{\\eta_{rt}}`)."""

    b = m.battery
    eff = math.sqrt(data.battery.round_trip_eff)
    ch, dis, lvl = unit_flows(m, b, 0, data)
    energy, power = solved_value(b.energy_mwh), solved_value(b.power_mw)
    unit = StorageUnit("Li-ion battery", "liion", eff, eff, 0.0, energy, power, power, ch, dis, lvl)
    return {"energy_mwh": energy, "power_mw": power, "storage": [unit]}


def battery_bom(b, part: dict, sol, data: ModelData) -> None:
    """Battery energy and power, and the replacements bought within the plant's life."""

    if part["energy_mwh"] <= 1e-9 and part["power_mw"] <= 1e-9:
        return
    kwh, kw = part["energy_mwh"] * u.KW_PER_MW, part["power_mw"] * u.KW_PER_MW
    b.price("Li-ion", "Battery energy", kwh, "liion_energy_usd_per_kwh")
    b.price("Li-ion", "Battery power", kw, "liion_power_usd_per_kw")
    extra = data.battery.purchases - 1
    if extra > 0:
        life = b.inputs.prices.value("liion_calendar_life_yr")
        plant = b.inputs.prices.value("plant_life_yr")
        note = f"({extra} replacement(s): {life:g}-yr calendar life in a {plant:g}-yr plant life)"
        b.price("Li-ion", f"Battery energy replacements {note}", extra * kwh,
                "liion_energy_usd_per_kwh")  # fmt: skip
        b.price("Li-ion", f"Battery power replacements {note}", extra * kw,
                "liion_power_usd_per_kw")  # fmt: skip


def battery_table(part: dict | None, run):
    """The Storage sheet's Li-ion row (sizes zero when Li-ion is not in the model); None
    without Li-ion data."""
    import pandas as pd

    d = run.data.battery
    energy = part["energy_mwh"] if part is not None else 0.0
    power = part["power_mw"] if part is not None else 0.0
    if d is None and energy <= 1e-9:
        return None
    return pd.DataFrame([{
        "technology": "Li-ion", "site_id": "LIION", "name": "battery", "built": energy > 1e-6,
        "stored_energy_mwh": energy,
        "deliverable_energy_mwh": energy * np.sqrt(d.round_trip_eff),
        "charge_mw": power, "discharge_mw": power,
    }])  # fmt: skip


def liion_bounds(data: ModelData, ctx: BoundContext) -> dict:
    """Big-M's of Li-ion [MWh, MW] (``Component.bounds``): ``power_mw`` at most the larger of
    the facility load and the most any step can charge with (``ctx.supply_mw``), and with a
    budget what the storage budget buys of each, :math:`B / (n c_E)` and :math:`B / (n c_P)`
    (n purchases over the plant life); 0 when Li-ion is off."""
    b, budget = data.battery, ctx.storage_budget_musd
    if b is None or not b.enabled:
        return {"energy_mwh": 0.0, "power_mw": 0.0}
    energy, power = np.inf, max(ctx.facility_mw, ctx.supply_mw)
    if np.isfinite(budget):
        if b.energy_musd_per_mwh > 0:
            energy = budget / (b.purchases * b.energy_musd_per_mwh)
        if b.power_musd_per_mw > 0:
            power = min(power, budget / (b.purchases * b.power_musd_per_mw))
    return {"energy_mwh": energy * (1 + BOUND_SLACK), "power_mw": power * (1 + BOUND_SLACK)}
