"""Read the solved Pyomo model into plain numpy arrays and DataFrames (model units -> SI/USD)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from optimizer import units as u
from optimizer.model.data import ModelData
from optimizer.model.registry import COMPONENTS, present, present_components
from optimizer.model.steps import expand_steps


@dataclass
class StorageUnit:
    """One dispatch unit (a pumped-hydro group or the Li-ion battery), hourly arrays [MW, MWh]."""

    name: str
    kind: str
    eff_in: float
    eff_out: float
    loss_mwh_per_h: float
    energy_mwh: float
    charge_cap_mw: float
    discharge_cap_mw: float
    charge_mw: np.ndarray
    discharge_mw: np.ndarray
    level_mwh: np.ndarray


@dataclass
class Solution:
    """The design and its hourly operation, independent of Pyomo.

    ``parcel_mw_dc`` and ``parcel_selected`` follow the order of ``data.land.ids``;
    ``chip_count`` the order of ``data.compute.names``; ``phs_volume_m3`` and ``phs_built`` the
    order of ``data.phs.ids``. ``running_chips`` (types x T) is only set in ``average`` mode,
    ``unserved_mw`` (T) only when some compute may go unserved (``max_unserved`` > 0).
    ``costs_usd`` are the capital terms [$], ``annual_usd`` the operating terms [$/yr];
    ``parts`` the sizes and hourly flows of each registry component with an ``extract`` hook.
    """

    parcel_selected: np.ndarray
    parcel_mw_dc: np.ndarray
    chip_count: np.ndarray
    phs_built: np.ndarray
    phs_volume_m3: np.ndarray
    phs_group_power_mw: np.ndarray  # (groups, 3): pump, turbine, powerhouse
    liion_energy_mwh: float
    liion_power_mw: float
    storage: list[StorageUnit]
    running_chips: np.ndarray | None
    unserved_mw: np.ndarray | None
    costs_usd: dict[str, float]
    objective_usd: float
    meta: dict = field(default_factory=dict)
    annual_usd: dict[str, float] = field(default_factory=dict)
    parts: dict[str, dict] = field(default_factory=dict)

    @property
    def total_cost_usd(self) -> float:
        """Total capital cost from the model's cost terms [$]."""
        return float(sum(self.costs_usd.values()))


def _v(x) -> float:
    val = pyo.value(x, exception=False)
    return 0.0 if val is None or (isinstance(val, float) and math.isnan(val)) else float(val)


def _unit_arrays(b, u_idx, T, data: ModelData) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hourly charge, discharge [MW] and level [MWh] of one unit (steps expanded to hours)."""
    ch = np.array([_v(b.charge_mw[u_idx, t]) for t in T])
    dis = np.array([_v(b.discharge_mw[u_idx, t]) for t in T])
    lvl = np.array([_v(b.level_mwh[u_idx, t]) for t in T])
    return (
        expand_steps(ch, data),
        expand_steps(dis, data),
        expand_steps(lvl, data, level=True),
    )


def _phs_units(m, data: ModelData) -> list[StorageUnit]:
    if not present(m, "pumped_hydro"):
        return []
    d, b = data.phs, m.phs
    full = 1.0 / (1.0 - d.min_level_fraction)
    units = []
    for g in b.U:
        first = int(np.flatnonzero(d.group == g)[0])
        energy = _v(b.energy_mwh[g])
        ch, dis, lvl = _unit_arrays(b, g, m.T, data)
        units.append(
            StorageUnit(
                f"pumped hydro group {g + 1}",
                "phs",
                d.pump_eff,
                d.turbine_eff,
                float(d.evap_per_h[first]) * full * energy,
                energy,
                _v(b.pump_mw[g]),
                _v(b.turbine_mw[g]),
                ch,
                dis,
                lvl,
            )
        )
    return units


def _battery_unit(m, data: ModelData) -> list[StorageUnit]:
    if not present(m, "battery"):
        return []
    b = m.battery
    eff = math.sqrt(data.battery.round_trip_eff)
    ch, dis, lvl = _unit_arrays(b, 0, m.T, data)
    return [
        StorageUnit(
            "Li-ion battery",
            "liion",
            eff,
            eff,
            0.0,
            _v(b.energy_mwh),
            _v(b.power_mw),
            _v(b.power_mw),
            ch,
            dis,
            lvl,
        )
    ]


def extract_solution(m: pyo.ConcreteModel, data: ModelData) -> Solution:
    """Read every decision and hourly flow out of the solved model.

    ``data`` is what the model was built from; when its steps merge hours
    (:mod:`optimizer.model.steps`), every flow is expanded back to the hours of the year.
    """
    has_phs = present(m, "pumped_hydro")
    has_liion = present(m, "battery")
    n_sites = len(data.phs.ids) if data.phs is not None else 0
    running = unserved = None
    if hasattr(m.compute, "running"):
        running = np.zeros((len(m.compute.C), len(m.T)))
        for c in m.compute.R:
            running[c] = [_v(m.compute.running[c, t]) for t in m.T]
        running = expand_steps(running, data)
    if hasattr(m.compute, "unserved_mw"):
        unserved = expand_steps(np.array([_v(m.compute.unserved_mw[t]) for t in m.T]), data)
    groups = (
        np.array(
            [
                [_v(m.phs.pump_mw[g]), _v(m.phs.turbine_mw[g]), _v(m.phs.house_mw[g])]
                for g in m.phs.U
            ]
        )
        if has_phs
        else np.zeros((0, 3))
    )
    return Solution(
        parcel_selected=np.array([_v(m.land.buy[p]) > 0.5 for p in m.land.P]),
        parcel_mw_dc=np.array([_v(m.land.cap_mw_dc[p]) for p in m.land.P]),
        chip_count=np.array([round(_v(m.compute.count[c])) for c in m.compute.C], dtype=np.int64),
        phs_built=np.array([_v(m.phs.build[s]) > 0.5 for s in m.phs.S])
        if has_phs
        else np.zeros(n_sites, bool),
        phs_volume_m3=np.array([_v(m.phs.volume_mm3[s]) * u.M3_PER_MM3 for s in m.phs.S])
        if has_phs
        else np.zeros(n_sites),
        phs_group_power_mw=groups,
        liion_energy_mwh=_v(m.battery.energy_mwh) if has_liion else 0.0,
        liion_power_mw=_v(m.battery.power_mw) if has_liion else 0.0,
        storage=_phs_units(m, data) + _battery_unit(m, data),
        running_chips=running,
        unserved_mw=unserved,
        costs_usd={n: _v(m.cost_musd[n]) * u.USD_PER_MUSD for n in m.cost_names},
        objective_usd=_v(m.total_cost) * u.USD_PER_MUSD,
        annual_usd={n: _v(m.annual_musd[n]) * u.USD_PER_MUSD for n in m.annual_names},
        parts={
            c.name: c.extract(m, data) for c in present_components(m) if c.extract is not None
        },
    )


def dispatch_frame(
    sol: Solution, data: ModelData, load_mw: np.ndarray, index: pd.DatetimeIndex | None = None
) -> pd.DataFrame:
    """Hourly table: PV available/used/curtailed, load, storage flows and levels, and the supply
    of each registry component with a ``supply_mw`` hook (``<name>_mw``) [MW, MWh]."""
    pv_avail = data.pv.cf.T @ profile_capacity_mw_dc(sol, data)
    cols = {"pv_available_mw": pv_avail, "load_mw": load_mw}
    net_storage = np.zeros(data.hours)
    for unit in sol.storage:
        key = unit.kind
        cols[f"{key}_charge_mw"] = unit.charge_mw
        cols[f"{key}_discharge_mw"] = unit.discharge_mw
        cols[f"{key}_level_mwh"] = unit.level_mwh
        net_storage += unit.discharge_mw - unit.charge_mw
    for c in COMPONENTS:  # registry components' hourly supply (e.g. a backup generator)
        part = sol.parts.get(c.name)
        if part is not None and c.supply_mw is not None:
            cols[f"{c.name}_mw"] = c.supply_mw(part, data)
            net_storage = net_storage + cols[f"{c.name}_mw"]
    used = np.minimum(pv_avail, np.maximum(load_mw - net_storage, 0.0))
    cols["pv_used_mw"] = used
    cols["pv_curtailed_mw"] = np.maximum(pv_avail - used, 0.0)
    frame = pd.DataFrame(cols)
    if index is not None and len(index) == len(frame):
        frame.index = index
        frame.index.name = "time"
    return frame


def profile_capacity_mw_dc(sol: Solution, data: ModelData) -> np.ndarray:
    """Sum parcel PV capacities per weather profile [MW_dc] (numpy, independent of Pyomo)."""
    return np.bincount(data.land.profile, weights=sol.parcel_mw_dc, minlength=data.pv.cf.shape[0])


def facility_load_mw(sol: Solution, data: ModelData) -> np.ndarray:
    """Hourly facility load [MW]: PUE x IT power of installed (or, in average mode, running) chips.

    .. math:: D_t = PUE \\sum_c w_c n_c \\quad (D_t = PUE \\sum_c w_c r_{c,t}\\ \\text{average})
    """
    d = data.compute
    if sol.running_chips is not None:
        return d.pue * (d.it_mw_per_chip @ sol.running_chips)
    return np.full(data.hours, d.pue * float(d.it_mw_per_chip @ sol.chip_count))


def phs_site_energy_mwh(sol: Solution, data: ModelData) -> np.ndarray:
    """Stored (potential) energy of each pumped-hydro site [MWh]: rho g h V."""
    return sol.phs_volume_m3 / u.M3_PER_MM3 * data.phs.mwh_per_mm3


def phs_site_power_mw(sol: Solution, data: ModelData) -> np.ndarray:
    """Pump, turbine and powerhouse power of each site [MW], shape (sites, 3).

    A dispatch group's power is split among its sites in proportion to their energy (the split
    that makes the grouped dispatch exact, see :mod:`optimizer.model.pumped_hydro`).
    """
    energy = phs_site_energy_mwh(sol, data)
    group_energy = np.bincount(data.phs.group, weights=energy, minlength=data.phs.n_groups)
    denom = group_energy[data.phs.group]
    share = np.divide(energy, denom, out=np.zeros_like(energy), where=denom > 0)
    if not len(sol.phs_group_power_mw):
        return np.zeros((len(energy), 3))
    return sol.phs_group_power_mw[data.phs.group] * share[:, None]
