"""Bill of materials: one line per item, priced from the raw price tables (not the model).

Each registry component prices its own lines (its ``bom`` hook, given the :class:`_Builder`);
the sections follow :data:`~optimizer.model.registry.BOM_ORDER`.

Every line is ``quantity x unit_cost_usd``; the quantity is in the unit of the price it uses
(W_dc for $/W_dc, kW for $/kW...), so a reviewer can check each line against the Prices sheet.
The BOM total is computed independently of the solver's objective and compared with it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from optimizer.inputs.bundle import Inputs
from optimizer.model.data import ModelData
from optimizer.model.registry import bom_components
from optimizer.results.solution import Solution

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


def build_bom(inputs: Inputs, data: ModelData, sol: Solution) -> pd.DataFrame:
    """Return the BOM as a DataFrame with :data:`BOM_COLUMNS` (extended cost computed here)."""
    b = _Builder(inputs, [])
    for c in bom_components():  # each component prices its own lines
        if c.bom is not None and c.name in sol.parts:
            c.bom(b, sol.parts[c.name], sol, data)
    df = pd.DataFrame(b.rows, columns=[c for c in BOM_COLUMNS if c != "extended_cost_usd"])
    df["quantity"] = df["quantity"].astype(float)
    df["unit_cost_usd"] = df["unit_cost_usd"].astype(float)
    df.insert(5, "extended_cost_usd", df["quantity"] * df["unit_cost_usd"])
    df = df[df["extended_cost_usd"].abs() > 1e-6].reset_index(drop=True)
    return df
