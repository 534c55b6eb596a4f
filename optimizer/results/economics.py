"""Lifecycle figures of a solved design, whatever the objective: NPC, annualised cost, LCOE,
cost per PFLOP-hour and the yearly cash flow (numpy; formulas in :mod:`optimizer.model.lifecycle`).

.. math::
    C_{yr} = NPC \\cdot CRF, \\qquad
    LCOE = \\frac{CRF \\cdot NPC_{energy}}{E_{IT}}, \\qquad
    c_{PFh} = \\frac{C_{yr}}{\\bar F \\cdot 8760}

with :math:`NPC_{energy}` the net present cost of every term except the compute classes
(chips, data hall, and the data hall's O&M), :math:`E_{IT}` the IT energy delivered in a year
[MWh] (facility energy served / PUE) and :math:`\\bar F` the year's average delivered PFLOPS.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from optimizer.model.data import ModelData
from optimizer.model.lifecycle import cash_flow, npc_usd
from optimizer.model.registry import life_class, om_terms
from optimizer.results.solution import Solution, facility_load_mw

#: life classes of the compute itself: not part of the cost of electricity
COMPUTE_CLASSES = ("chips", "data_hall")
HOURS_PER_YEAR = 8760.0


@dataclass
class Economics:
    """Lifecycle figures [$, $/yr, $/MWh, $/PFLOP-h] and the cash flow table."""

    objective: str
    discount_rate: float
    plant_life_yr: float
    capital_usd: float
    npc_usd: float
    annualised_usd_per_yr: float
    energy_npc_usd: float
    it_energy_mwh_per_yr: float
    lcoe_usd_per_mwh: float | None
    pflop_hours_per_yr: float
    usd_per_pflop_hour: float | None
    cash_flow: pd.DataFrame
    terms_usd: dict  # capital terms of one purchase [$] (see :func:`one_purchase_terms`)

    def as_dict(self) -> dict:
        """Headline figures for ``summary.json`` (no cash flow table, no terms)."""
        return {k: v for k, v in vars(self).items() if k not in ("cash_flow", "terms_usd")}


def one_purchase_terms(sol: Solution, data: ModelData) -> dict:
    """Capital terms [$] of the first purchase only. Under the ``capex`` objective the Li-ion
    terms count every purchase within the plant life (``BatteryData.purchases``); the lifecycle
    figures count the replacements themselves (discounted), so they start from one."""
    k = data.battery.purchases if data.battery is not None else 1
    return {n: v / k if life_class(n) == "liion" else v for n, v in sol.costs_usd.items()}


def it_energy_mwh(sol: Solution, data: ModelData, served: np.ndarray) -> float:
    """IT energy delivered in the year [MWh]: :math:`\\sum_h s_h D_h / PUE` (``served`` the
    fraction of the load powered in hour h)."""
    return float((facility_load_mw(sol, data) * served).sum() / data.compute.pue)


def economics(
    sol: Solution, data: ModelData, served: np.ndarray, delivered_flops: float
) -> Economics:
    """The lifecycle figures of ``sol`` (``served``: hourly served fraction; ``delivered_flops``
    the year's average delivered FLOPS)."""
    lc = data.lifecycle
    terms = one_purchase_terms(sol, data)
    classes = {n: life_class(n) for n in terms}
    npc = npc_usd(terms, sol.annual_usd, lc, classes)
    energy = {n: v for n, v in terms.items() if classes[n] not in COMPUTE_CLASSES}
    ops = {n: v for n, v in sol.annual_usd.items() if life_class(n) not in COMPUTE_CLASSES}
    energy_npc = npc_usd(energy, ops, lc, classes)
    e_it = it_energy_mwh(sol, data, served)
    pfh = delivered_flops / 1e15 * HOURS_PER_YEAR
    annual = npc * lc.crf
    return Economics(
        objective=lc.objective,
        discount_rate=lc.discount_rate,
        plant_life_yr=lc.plant_life_yr,
        capital_usd=sol.total_cost_usd,
        npc_usd=npc,
        annualised_usd_per_yr=annual,
        energy_npc_usd=energy_npc,
        it_energy_mwh_per_yr=e_it,
        lcoe_usd_per_mwh=energy_npc * lc.crf / e_it if e_it > 0 else None,
        pflop_hours_per_yr=pfh,
        usd_per_pflop_hour=annual / pfh if pfh > 0 else None,
        cash_flow=cash_flow(terms, sol.annual_usd, lc, classes, om_terms()),
        terms_usd=terms,
    )
