"""Read the solved Pyomo model into plain numpy arrays and DataFrames (model units -> SI/USD).

Every registry component with an ``extract`` hook reads its own sizes and hourly flows into
``Solution.parts[name]``; the dispatch table is assembled from their ``dispatch`` hooks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from optimizer import units as u
from optimizer.model.component import solved_value as _v
from optimizer.model.compute import facility_load_mw
from optimizer.model.data import ModelData
from optimizer.model.pumped_hydro import phs_site_energy_mwh, phs_site_power_mw
from optimizer.model.pv import profile_capacity_mw_dc
from optimizer.model.registry import COMPONENTS, present_components
from optimizer.model.storage import StorageUnit

__all__ = ["Solution", "StorageUnit", "dispatch_frame", "extract_solution", "facility_load_mw",
           "phs_site_energy_mwh", "phs_site_power_mw", "profile_capacity_mw_dc"]  # fmt: skip


@dataclass
class Solution:
    """The design and its hourly operation, independent of Pyomo.

    ``parts`` holds the sizes and hourly flows of each registry component present in the model
    (component name -> what its ``extract`` hook read). ``costs_usd`` are the capital terms [$],
    ``annual_usd`` the annual terms [$/yr], ``objective_usd`` the solver's objective [$].

    The read-only properties name the core components' parts: ``parcel_selected`` and
    ``parcel_mw_dc`` follow the order of ``data.land.ids``; ``chip_count`` the order of
    ``data.compute.names``; ``phs_volume_m3`` and ``phs_built`` the order of ``data.phs.ids``
    (empty without pumped hydro in the model). ``running_chips`` (types x T) is only set in
    ``average`` mode, ``unserved_mw`` (T) only when some compute may go unserved
    (``max_unserved`` > 0); ``storage`` lists the units of every storage component; ``site``
    is the compute site's choice, hall and lines (None without a compute site).
    """

    costs_usd: dict[str, float]
    objective_usd: float
    meta: dict = field(default_factory=dict)
    annual_usd: dict[str, float] = field(default_factory=dict)
    parts: dict[str, dict] = field(default_factory=dict)

    @property
    def total_cost_usd(self) -> float:
        """Total capital cost from the model's cost terms [$]."""
        return float(sum(self.costs_usd.values()))

    def _get(self, name: str, key: str, empty):
        part = self.parts.get(name)
        return part[key] if part is not None else empty

    @property
    def parcel_selected(self) -> np.ndarray:
        """Bought, per parcel (land)."""
        return self.parts["land"]["selected"]

    @property
    def parcel_mw_dc(self) -> np.ndarray:
        """PV capacity per parcel [MW_dc] (land)."""
        return self.parts["land"]["mw_dc"]

    @property
    def chip_count(self) -> np.ndarray:
        """Chips installed per type (compute)."""
        return self.parts["compute"]["count"]

    @property
    def running_chips(self) -> np.ndarray | None:
        """Chips running per type and hour (compute, ``average`` mode)."""
        return self.parts["compute"]["running"]

    @property
    def unserved_mw(self) -> np.ndarray | None:
        """Unserved facility power per hour [MW] (compute, ``max_unserved`` > 0)."""
        return self.parts["compute"]["unserved_mw"]

    @property
    def phs_built(self) -> np.ndarray:
        """Built, per reservoir site (pumped hydro)."""
        return self._get("pumped_hydro", "built", np.zeros(0, bool))

    @property
    def phs_volume_m3(self) -> np.ndarray:
        """Active volume per reservoir site [m3] (pumped hydro)."""
        return self._get("pumped_hydro", "volume_m3", np.zeros(0))

    @property
    def phs_group_power_mw(self) -> np.ndarray:
        """Pump, turbine and powerhouse power per dispatch group [MW], shape (groups, 3)."""
        return self._get("pumped_hydro", "group_power_mw", np.zeros((0, 3)))

    @property
    def liion_energy_mwh(self) -> float:
        """Li-ion energy [MWh] (0 without Li-ion in the model)."""
        return self._get("battery", "energy_mwh", 0.0)

    @property
    def liion_power_mw(self) -> float:
        """Li-ion power [MW] (0 without Li-ion in the model)."""
        return self._get("battery", "power_mw", 0.0)

    @property
    def site(self):
        """The compute site (:class:`~optimizer.model.site.SiteSolution`; None without one)."""
        return self.parts.get("site", {}).get("solution")

    @property
    def storage(self) -> list[StorageUnit]:
        """The dispatch units of every storage component, in registry order."""
        return [unit for part in self.parts.values() for unit in part.get("storage", ())]


def extract_solution(m: pyo.ConcreteModel, data: ModelData) -> Solution:
    """Read every decision and hourly flow out of the solved model: each component present
    reads its own part (its ``extract`` hook), then the cost terms and the objective.

    ``data`` is what the model was built from; when its steps merge hours
    (:mod:`optimizer.model.steps`), every flow is expanded back to the hours of the year.
    """
    parts = {c.name: c.extract(m, data) for c in present_components(m) if c.extract is not None}
    return Solution(
        costs_usd={n: _v(m.cost_musd[n]) * u.USD_PER_MUSD for n in m.cost_names},
        objective_usd=_v(m.total_cost) * u.USD_PER_MUSD,
        annual_usd={n: _v(m.annual_musd[n]) * u.USD_PER_MUSD for n in m.annual_names},
        parts=parts,
    )


def hourly_flows(sol: Solution, data: ModelData) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Component name -> (supply, demand) [MW] per hour, for every component in the solution
    with a ``supply_mw`` or ``demand_mw`` hook (zeros where it has none)."""
    out = {}
    for c in COMPONENTS:
        part = sol.parts.get(c.name)
        if part is None or (c.supply_mw is None and c.demand_mw is None):
            continue
        zero = np.zeros(data.hours)
        supply = c.supply_mw(part, sol, data) if c.supply_mw is not None else zero
        demand = c.demand_mw(part, sol, data) if c.demand_mw is not None else zero
        out[c.name] = (supply, demand)
    return out


def dispatch_frame(
    sol: Solution, data: ModelData, index: pd.DatetimeIndex | None = None
) -> pd.DataFrame:
    """Hourly table of every component's ``dispatch`` columns, in registry order (PV available,
    used and curtailed; load and unserved; storage flows and levels [MW, MWh]); a component
    with a ``supply_mw`` hook and no ``dispatch`` hook shows it as ``<name>_mw``."""
    flows = hourly_flows(sol, data)
    total = sum((d - s for s, d in flows.values()), np.zeros(data.hours))
    cols: dict[str, np.ndarray] = {}
    for c in COMPONENTS:
        part = sol.parts.get(c.name)
        if part is None:
            continue
        supply, demand = flows.get(c.name, (0.0, 0.0))
        if c.dispatch is not None:
            cols.update(c.dispatch(part, sol, data, total + supply - demand))
        elif c.supply_mw is not None:
            cols[f"{c.name}_mw"] = supply
    frame = pd.DataFrame(cols)
    if index is not None and len(index) == len(frame):
        frame.index = index
        frame.index.name = "time"
    return frame
