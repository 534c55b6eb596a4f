"""Dispatchable backup generator (gas engines or turbines; diesel as a price set), off unless
asked (``--backup gas|diesel``). The first technology added through the registry alone.

Capacity :math:`G` [MW] and hourly output :math:`g_t` [MW]:

.. math::
    0 \\le g_t \\le G, \\qquad
    \\sum_t w_t g_t \\le \\sigma \\sum_t w_t D_t

with :math:`w_t` the step length [h], :math:`D_t` the facility load [MW] (PUE x IT power of
the installed, or in ``average`` mode running, chips) and :math:`\\sigma` ``--max-backup-share``.
:math:`g_t` is supply in the hourly balance. Capital [$M]: :math:`c_G G` (life class
``backup``); operating [$M/yr]: fuel and variable O&M

.. math:: \\left(\\frac{HR \\cdot p_f}{1000} + v\\right) \\sum_t w_t g_t \\cdot 10^{-6}

with heat rate HR [Btu/kWh], fuel price :math:`p_f` [$/MMBtu] (HR x 1000 kWh/MWh / 1e6
Btu/MMBtu = HR/1000 MMBtu/MWh) and variable O&M v [$/MWh] (both in either objective); fixed
O&M :math:`o_G G` [$/kW-yr x kW] (``backup_fom``, in the net present cost only). Emissions e
[kg CO2/MWh] are reported, not priced. Not in ``peak`` mode (PV alone by definition). Its
design has no integer decision, so a strategy's fixed designs leave it free.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from optimizer import units as u
from optimizer.choices import BACKUP_KINDS as KINDS  # one list: optimizer/choices.py
from optimizer.errors import Problem
from optimizer.model.component import Component, Energy, Limit, Option, mwh_words
from optimizer.model.compute import facility_load_mw, facility_mw
from optimizer.model.hours import expand_steps

FIELDS = {  # field -> (price key stem, unit, largest value allowed)
    "capex_usd_per_kw": ("capex_usd_per_kw", "$/kW", 1e5),
    "heat_rate_btu_per_kwh": ("heat_rate_btu_per_kwh", "Btu/kWh", 1e5),
    "fuel_usd_per_mmbtu": ("fuel_usd_per_mmbtu", "$/MMBtu", 1e4),
    "vom_usd_per_mwh": ("vom_usd_per_mwh", "$/MWh", 1e4),
    "fom_usd_per_kw_yr": ("fom_usd_per_kw_yr", "$/kW-yr", 1e4),
    "co2_kg_per_mwh": ("co2_kg_per_mwh", "kg/MWh", 1e4),
}
#: its price keys with units and ranges (validated like the core keys, see
#: :func:`optimizer.inputs.prices.price_schema`)
PRICES = tuple(
    (f"backup_{k}_{stem}", unit, 0.0, hi) for k in KINDS for stem, unit, hi in FIELDS.values()
) + (("life_backup_yr", "yr", 1.0, 100.0),)


@dataclass
class BackupData:
    """One generator technology in price units ($/kW, Btu/kWh, $/MMBtu, $/MWh, kg/MWh)."""

    kind: str
    capex_usd_per_kw: float
    heat_rate_btu_per_kwh: float
    fuel_usd_per_mmbtu: float
    vom_usd_per_mwh: float
    co2_kg_per_mwh: float
    max_share: float = 1.0
    fom_usd_per_kw_yr: float = 0.0

    @property
    def fuel_usd_per_mwh(self) -> float:
        """Fuel cost per MWh generated [$/MWh]: HR [Btu/kWh] / 1000 x price [$/MMBtu]."""
        return self.heat_rate_btu_per_kwh / 1000.0 * self.fuel_usd_per_mmbtu

    def key(self, field: str) -> str:
        """Price key of ``field`` for this kind (e.g. ``backup_gas_capex_usd_per_kw``)."""
        return f"backup_{self.kind}_{FIELDS[field][0]}"


def backup_options(options: dict) -> list:
    """Problems of ``--backup`` (a kind of :data:`KINDS`) and ``--max-backup-share`` (a
    fraction)."""
    kind, share, out = options.get("backup"), options.get("max_backup_share"), []
    if kind is not None and kind not in KINDS:
        out.append(Problem("command line", "", "--backup", "unknown backup", kind,
                           " | ".join(KINDS)))  # fmt: skip
    if share is not None and not 0 <= share <= 1:
        out.append(Problem("command line", "", "--max-backup-share", "must be a fraction",
                           share, "0 <= fraction <= 1"))  # fmt: skip
    return out


def backup_data(inputs, options: dict) -> BackupData | None:
    """The generator of ``options["backup"]`` (None/"none": off) from the prices table."""
    kind = options.get("backup")
    if kind in (None, "", "none"):
        return None
    pr = inputs.prices
    share = options.get("max_backup_share")
    values = {f: pr.value(f"backup_{kind}_{stem}") for f, (stem, *_) in FIELDS.items()}
    return BackupData(kind, **values, max_share=1.0 if share is None else float(share))


def add_backup(m: pyo.ConcreteModel, data) -> None:
    """Add block ``m.backup``; register its output, capital and operating costs."""
    d: BackupData = data.parts["backup"]
    b = m.backup = pyo.Block()
    b.mw = pyo.Var(domain=pyo.NonNegativeReals)
    b.out_mw = pyo.Var(m.T, domain=pyo.NonNegativeReals)
    b.out_limit = pyo.Constraint(m.T, rule=lambda b, t: b.out_mw[t] <= b.mw)
    w = m.step_h
    b.energy_mwh = pyo.Expression(expr=sum(w[t] * b.out_mw[t] for t in m.T))
    b.share = pyo.Constraint(
        expr=b.energy_mwh <= d.max_share * sum(w[t] * facility_mw(m, data, t) for t in m.T)
    )
    m.supply.append(lambda t: b.out_mw[t])
    m.costs["backup"] = d.capex_usd_per_kw * u.KW_PER_MW / u.USD_PER_MUSD * b.mw
    m.annual_costs["backup_fuel"] = d.fuel_usd_per_mwh / u.USD_PER_MUSD * b.energy_mwh
    m.annual_costs["backup_vom"] = d.vom_usd_per_mwh / u.USD_PER_MUSD * b.energy_mwh
    if d.fom_usd_per_kw_yr > 0:
        m.annual_costs["backup_fom"] = d.fom_usd_per_kw_yr * u.KW_PER_MW / u.USD_PER_MUSD * b.mw


def extract_backup(m: pyo.ConcreteModel, data) -> dict:
    """Capacity [MW] and hourly output [MW] (steps expanded to hours)."""
    out = np.array([pyo.value(m.backup.out_mw[t]) or 0.0 for t in m.T])
    facility = sum(m.step_h[t] * pyo.value(facility_mw(m, data, t)) for t in m.T)
    return {
        "mw": float(pyo.value(m.backup.mw) or 0.0),
        "out_mw": expand_steps(out, data),
        "facility_mwh": float(facility),
    }


def _lift_share(data):
    """The data with the backup allowed the whole year's facility energy (bounds reset)."""
    parts = {**data.parts, "backup": replace(data.parts["backup"], max_share=1.0)}
    return replace(data, parts=parts, bounds=None)


def _share_words(data, lifted, m) -> str:
    b = data.parts["backup"]
    part = extract_backup(m, lifted)
    mwh, facility = float(part["out_mw"].sum()), part["facility_mwh"]
    share = mwh / facility if facility > 0 else 0.0
    return (
        f"The backup's share limits the design: the {b.kind} backup may supply at most "
        f"{100 * b.max_share:g}% of the facility's energy (--max-backup-share); with that "
        f"lifted it becomes feasible, and the lifted solution takes {100 * share:.1f}% "
        f"({mwh_words(mwh)} a year) from the backup."
    )


def backup_limits(data) -> list:
    """Its share (below 1) as a limit of the infeasibility diagnosis."""
    if data.parts["backup"].max_share >= 1.0:
        return []
    return [Limit("backup share", _lift_share, _share_words)]


def backup_supply_mw(part: dict, sol, data) -> np.ndarray:
    """Hourly output [MW] for the independent balance."""
    return part["out_mw"]


def check_backup(part: dict, sol, data, report) -> None:
    """Output within [0, capacity] every hour; energy within the share of the facility energy
    (recomputed from the chip counts or running chips)."""
    failures = report.failures
    out, cap, share = part["out_mw"], part["mw"], data.parts["backup"].max_share
    if out.min(initial=0.0) < -1e-4 or out.max(initial=0.0) > cap * (1 + 1e-6) + 1e-4:
        failures.append(f"backup output outside [0, {cap:.2f}] MW")
    facility = float(facility_load_mw(sol, data).sum())
    if out.sum() > share * facility * (1 + 1e-6) + 1e-3:
        failures.append(
            f"backup energy {out.sum():,.1f} MWh exceeds {100 * share:g}% of the facility's "
            f"{facility:,.1f} MWh"
        )


def backup_table(part: dict | None, run) -> pd.DataFrame | None:
    """One row: capacity [MW], energy [MWh/yr], share of the facility energy, fuel [MMBtu/yr,
    $/yr], variable O&M [$/yr], CO2 [t/yr], hours running (None: no backup in the model)."""
    if part is None:
        return None
    d: BackupData = run.data.parts["backup"]
    mwh = float(part["out_mw"].sum())
    facility = part["facility_mwh"]
    return pd.DataFrame([{
        "technology": f"backup ({d.kind})",
        "capacity_mw": part["mw"],
        "energy_mwh_per_yr": mwh,
        "share_fraction": mwh / facility if facility > 0 else 0.0,
        "max_share_fraction": d.max_share,
        "fuel_mmbtu_per_yr": mwh * d.heat_rate_btu_per_kwh / 1000.0,
        "fuel_usd_per_yr": mwh * d.fuel_usd_per_mwh,
        "vom_usd_per_yr": mwh * d.vom_usd_per_mwh,
        "co2_t_per_yr": mwh * d.co2_kg_per_mwh / 1000.0,
        "hours_running": int((part["out_mw"] > 1e-4).sum()),
    }])  # fmt: skip


def backup_bom(builder, part: dict, sol, data) -> None:
    """The generators' capital line (fuel is an operating cost: Cash flow sheet)."""
    d: BackupData = data.parts["backup"]
    if part["mw"] > 1e-9:
        builder.price(
            "Backup",
            f"{d.kind.capitalize()} generators ({part['mw']:,.1f} MW)",
            part["mw"] * u.KW_PER_MW,
            d.key("capex_usd_per_kw"),
        )


OPTIONS = (
    Option("backup", str, None, "A dispatchable backup generator (off by default).", KINDS),
    Option("max-backup-share", float, None,
           "Largest fraction of the year's facility energy the backup may supply."),
)  # fmt: skip


COMPONENT = Component(
    "backup",
    "backup",
    add_backup,
    prices=PRICES,
    life={"backup": "backup", "backup_fom": "backup"},
    om=("backup_fom",),
    active=lambda data: data.compute.mode != "peak",
    data=backup_data,
    options=OPTIONS,
    check_options=backup_options,
    energy=lambda data: Energy(share=data.parts["backup"].max_share),
    limits=backup_limits,
    extract=extract_backup,
    supply_mw=backup_supply_mw,
    check=check_backup,
    bom=backup_bom,
    table=backup_table,
)
