"""Bill of materials: one line per item, priced from the raw price tables (not the model).

Every line is ``quantity x unit_cost_usd``; the quantity is in the unit of the price it uses
(W_dc for $/W_dc, kW for $/kW...), so a reviewer can check each line against the Prices sheet.
The BOM total is computed independently of the solver's objective and compared with it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from optimizer import units as u
from optimizer.inputs.bundle import Inputs
from optimizer.model.data import ModelData
from optimizer.model.registry import COMPONENTS
from optimizer.results.solution import Solution, phs_site_power_mw

BOM_COLUMNS = [
    "category",
    "item",
    "quantity",
    "unit",
    "unit_cost_usd",
    "extended_cost_usd",
    "price_key",
    "source",
    "year",
]


@dataclass
class _Builder:
    inputs: Inputs
    rows: list

    def price(self, category, item, quantity, key, unit=None):
        """Add a line priced by a key of the prices table."""
        p = self.inputs.prices[key]
        unit = unit or p.unit.split("/")[-1]
        self.rows.append((category, item, quantity, unit, p.value, key, p.source, p.year))

    def raw(self, category, item, quantity, unit, unit_cost, key, source, year):
        """Add a line priced from another table (chips, parcels, reservoirs)."""
        self.rows.append((category, item, quantity, unit, unit_cost, key, source, year))


def _compute_lines(b: _Builder, sol: Solution) -> None:
    chips = b.inputs.chips
    for i, row in chips.reset_index(drop=True).iterrows():
        n = int(sol.chip_count[i])
        if n == 0:
            continue
        b.raw(
            "Compute",
            f"{row['chip']} accelerators",
            n,
            "chip",
            row["price_usd"],
            f"chips:{row['chip']}",
            row["source"],
            row["year"],
        )
        if np.isnan(row["overhead_usd"]):
            b.price(
                "Compute",
                f"Servers and network for {row['chip']}",
                n,
                "server_network_usd_per_chip",
                unit="chip",
            )
        elif row["overhead_usd"] > 0:
            b.raw(
                "Compute",
                f"Servers and network for {row['chip']}",
                n,
                "chip",
                row["overhead_usd"],
                f"chips:{row['chip']}:overhead_usd",
                row["source"],
                row["year"],
            )


def _pv_lines(b: _Builder, sol: Solution, data: ModelData) -> None:
    pr = b.inputs.prices
    w_dc = float(sol.parcel_mw_dc.sum()) * u.W_PER_MW
    if w_dc <= 0:
        return
    modules = int(np.ceil(w_dc / pr.value("pv_module_w") - 1e-9))
    b.price(
        "PV",
        f"PV modules ({modules:,} x {pr.value('pv_module_w'):.0f} W)",
        w_dc,
        "pv_module_usd_per_w_dc",
    )
    b.price("PV", "Balance of system (trackers, racking, wiring, EPC)", w_dc, "pv_bos_usd_per_w_dc")
    b.price("PV", "Inverters", w_dc / pr.value("pv_dc_ac_ratio"), "pv_inverter_usd_per_w_ac")


def _land_lines(b: _Builder, sol: Solution, data: ModelData) -> None:
    parcels = b.inputs.parcels.reset_index(drop=True)
    for i in np.flatnonzero(sol.parcel_selected):
        row = parcels.iloc[i]
        b.raw(
            "Land",
            f"Parcel {row['parcel_id']}",
            float(row["area_acres"]),
            "acre",
            float(row["price_usd_per_acre"]),
            f"parcels:{row['parcel_id']}",
            str(row.get("source", "parcels file")),
            str(row.get("year", "")),
        )
    used_acres = float(sol.parcel_mw_dc.sum()) / data.land.mw_dc_per_acre
    if used_acres > 0:
        b.price("Land", "Site preparation (grading) under PV", used_acres, "land_prep_usd_per_acre")


def _storage_lines(b: _Builder, sol: Solution, data: ModelData) -> None:
    res = b.inputs.reservoirs.reset_index(drop=True) if data.phs is not None else None
    if res is not None:
        full = 1.0 / (1.0 - data.phs.min_level_fraction)
        site_kw = phs_site_power_mw(sol, data) * u.KW_PER_MW
        for s in np.flatnonzero(sol.phs_built):
            row = res.iloc[s]
            pump, turb, house = site_kw[s]
            site = f"{row['site_id']}"
            b.price(
                "Pumped hydro",
                f"{site} reservoir (total volume incl. dead pool)",
                sol.phs_volume_m3[s] * full,
                "phs_reservoir_usd_per_m3",
            )
            b.price("Pumped hydro", f"{site} pumps", pump, "phs_pump_usd_per_kw")
            b.price("Pumped hydro", f"{site} turbines", turb, "phs_turbine_usd_per_kw")
            b.price("Pumped hydro", f"{site} powerhouse", house, "phs_powerhouse_usd_per_kw")
            b.price("Pumped hydro", f"{site} contingency", house, "phs_contingency_usd_per_kw")
            if row["fixed_cost_usd"] > 0:
                b.raw(
                    "Pumped hydro",
                    f"{site} site development (fixed)",
                    1,
                    "site",
                    float(row["fixed_cost_usd"]),
                    f"reservoirs:{site}",
                    row["source"],
                    row["year"],
                )
    if sol.liion_energy_mwh > 1e-9 or sol.liion_power_mw > 1e-9:
        _liion_lines(b, sol, data)


def _liion_lines(b: _Builder, sol: Solution, data: ModelData) -> None:
    """Battery energy and power, and the replacements bought within the plant's life."""
    kwh, kw = sol.liion_energy_mwh * u.KW_PER_MW, sol.liion_power_mw * u.KW_PER_MW
    b.price("Li-ion", "Battery energy", kwh, "liion_energy_usd_per_kwh")
    b.price("Li-ion", "Battery power", kw, "liion_power_usd_per_kw")
    extra = data.battery.purchases - 1
    if extra > 0:
        life = b.inputs.prices.value("liion_calendar_life_yr")
        plant = b.inputs.prices.value("plant_life_yr")
        note = f"({extra} replacement(s): {life:g}-yr calendar life in a {plant:g}-yr plant life)"
        b.price(
            "Li-ion", f"Battery energy replacements {note}", extra * kwh, "liion_energy_usd_per_kwh"
        )
        b.price(
            "Li-ion", f"Battery power replacements {note}", extra * kw, "liion_power_usd_per_kw"
        )


def line_quantities(sol: Solution, data: ModelData) -> dict[str, float]:
    """Line lengths [km] and capacity-distances [MW-km] of the chosen design, from the solution.

    Trunk lines (collector hub -> site, MW-km of the PV they carry) and reservoir lines (built
    reservoir -> site: km and MW-km of the turbine rating). Wiring inside a hub is
    part of the PV balance of system.
    """
    s, site = data.land.site, sol.meta.get("site")
    if s is None or site is None:
        return {}
    j = site.site
    flow = np.bincount(s.hub, weights=sol.parcel_mw_dc, minlength=s.n_hubs)
    out = {
        "trunk_mw_km": float(s.hub_site_km[:, j] @ flow),
        "reservoir_km": 0.0,
        "reservoir_mw_km": 0.0,
    }
    if len(s.reservoir_site_km) and len(sol.phs_built):
        out["reservoir_km"] = float(s.reservoir_site_km[:, j] @ sol.phs_built)
        out["reservoir_mw_km"] = float(s.reservoir_site_km[:, j] @ site.reservoir_line_mw)
    return out


def _site_lines(b: _Builder, sol: Solution, data: ModelData) -> None:
    q = line_quantities(sol, data)
    if not q:
        return
    parcels = b.inputs.parcels.reset_index(drop=True)
    site = parcels.iloc[sol.meta["site"].parcel]["parcel_id"]
    b.price(
        "Power lines",
        f"Trunk lines, collector substations to the compute site ({site}): capacity x length",
        q["trunk_mw_km"],
        "line_usd_per_mw_km",
    )
    text = f"Lines, reservoirs to the compute site ({site})"
    b.price("Power lines", f"{text}: length", q["reservoir_km"], "line_usd_per_km")
    b.price("Power lines", f"{text}: capacity x length", q["reservoir_mw_km"], "line_usd_per_mw_km")


def build_bom(inputs: Inputs, data: ModelData, sol: Solution) -> pd.DataFrame:
    """Return the BOM as a DataFrame with :data:`BOM_COLUMNS` (extended cost computed here)."""
    b = _Builder(inputs, [])
    _compute_lines(b, sol)
    it_mw = float(data.compute.it_mw_per_chip @ sol.chip_count)
    if it_mw > 0:
        b.price(
            "Compute",
            "Data hall (shell, power, cooling)",
            it_mw,
            "data_hall_usd_per_mw_it",
            unit="MW_IT",
        )
    _pv_lines(b, sol, data)
    _land_lines(b, sol, data)
    _storage_lines(b, sol, data)
    _site_lines(b, sol, data)
    for c in COMPONENTS:  # components added through the registry price their own lines
        if c.bom is not None and c.name in sol.parts:
            c.bom(b, sol.parts[c.name], data)
    df = pd.DataFrame(b.rows, columns=[c for c in BOM_COLUMNS if c != "extended_cost_usd"])
    df["quantity"] = df["quantity"].astype(float)
    df["unit_cost_usd"] = df["unit_cost_usd"].astype(float)
    df.insert(5, "extended_cost_usd", df["quantity"] * df["unit_cost_usd"])
    df = df[df["extended_cost_usd"].abs() > 1e-6].reset_index(drop=True)
    return df
