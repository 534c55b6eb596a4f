"""Everything one run produced, gathered for the export layer."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from optimizer.inputs.bundle import Inputs
from optimizer.model.data import ModelData
from optimizer.model.registry import COMPONENTS
from optimizer.resource.profiles import Profiles
from optimizer.results.economics import economics
from optimizer.results.solution import Solution
from optimizer.results.verify import CheckReport, served_fraction

SECONDS_PER_YEAR = 8760 * 3600.0


@dataclass
class RunResult:
    """Inputs, model data, the solution and its check, BOM, hourly dispatch and bookkeeping."""

    inputs: Inputs
    profiles: Profiles
    data: ModelData
    solution: Solution
    bom: pd.DataFrame
    dispatch: pd.DataFrame
    check: CheckReport
    solver: dict
    options: dict
    timings_s: dict = field(default_factory=dict)
    lp_basis: bytes | None = None  # HiGHS basis of the LP relaxation, for a warm rerun
    #: the stress test (optimizer.results.stress): the design replayed, one YearStress a year
    stress_design: object | None = None
    weather_years: list = field(default_factory=list)

    @property
    def total_cost_usd(self) -> float:
        """BOM total [$] (equal to the solver's objective within 0.1%, checked)."""
        return float(self.bom["extended_cost_usd"].sum())

    @property
    def economics(self):
        """Lifecycle figures (:class:`~optimizer.results.economics.Economics`), whatever the
        objective."""

        if not hasattr(self, "_econ"):
            served = served_fraction(self.solution, self.data)
            flops = float(self.check.figures["average_delivered_flops"])
            object.__setattr__(self, "_econ", economics(self.solution, self.data, served, flops))
        return self._econ

    def _tables(self) -> list[tuple[str | None, str, pd.DataFrame]]:
        """(sheet or None, component name, table) of every registry component with a
        ``table`` hook that has something to show, in registry order."""

        out = []
        for c in COMPONENTS:
            if c.table is not None:
                table = c.table(self.solution.parts.get(c.name), self)
                if table is not None:
                    out.append((c.sheet, c.name, table))
        return out

    def component_tables(self) -> dict[str, pd.DataFrame]:
        """The workbook sheet and ``summary.json`` entry of each registry component whose
        table has a sheet of its own (component name -> table)."""
        return {name: table for sheet, name, table in self._tables() if sheet is None}

    def sheet_table(self, sheet: str) -> pd.DataFrame:
        """The rows of the components sharing ``sheet`` (e.g. Storage), in registry order."""
        frames = [t for s, _, t in self._tables() if s == sheet and len(t)]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    @property
    def achieved_flops(self) -> float:
        """Installed FLOPS (peak/sustained) or the year's average delivered FLOPS (average)."""
        key = (
            "average_delivered_flops" if self.data.compute.mode == "average" else "installed_flops"
        )
        return float(self.check.figures[key])

    @property
    def delivered_flop_per_year(self) -> float:
        """FLOP delivered over the year [FLOP]: every hour the plant runs what it can power."""
        return float(self.check.figures["average_delivered_flops"]) * SECONDS_PER_YEAR

    def chips(self) -> dict[str, int]:
        """Chip type -> count (types with a count > 0)."""
        return {
            n: int(c)
            for n, c in zip(self.data.compute.names, self.solution.chip_count, strict=True)
            if c > 0
        }

    def parcels_table(self) -> pd.DataFrame:
        """The Parcels sheet: every candidate parcel with its decision and PV size (the land
        component's table, with the compute site's columns)."""
        return self.sheet_table("Parcels")

    def storage_table(self) -> pd.DataFrame:
        """The Storage sheet: one row per pumped-hydro site (built or not, with its line to the
        compute site: rating [MW] and length [km]) and the Li-ion battery (the storage
        components' tables)."""
        return self.sheet_table("Storage")
