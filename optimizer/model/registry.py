"""The component registry: every technology of the plant, in the order the model is built.

A :class:`~optimizer.model.component.Component` is one module's contract with the rest of zopt:

- ``prices``: the price keys it reads, with their units;
- ``data(inputs, options) -> object | None``: its model data from the inputs and the run's
  options by name (None: off), stored as ``ModelData.parts[name]``;
- ``add(m, data)``: adds its block ``m.<block>`` and registers its terms in ``m.supply``,
  ``m.demand`` (callables ``t -> expression`` [MW]), ``m.costs`` (capital [$M]) and
  ``m.annual_costs`` (operating cost of one year [$M/yr], e.g. fuel);
- ``integers``: the names of its integer decision variables inside its block (what a strategy
  fixes to evaluate a design: see :func:`integer_decisions`);
- ``life``: cost term -> life class (a price key stem ``life_<class>_yr``, see
  :mod:`optimizer.model.lifecycle`);
- ``extract(m, data) -> dict``: its sizes and hourly flows (expanded to hours) for the
  solution, stored as ``Solution.parts[name]``;
- ``supply_mw(part, data)`` / ``demand_mw(part, data)``: its hourly supply and demand [MW] in
  the independent check (sum of registered supply minus demand must cover the load);
- ``check(part, sol, data, failures)``: its own limits in the independent check (``sol`` the
  whole solution, e.g. for the facility load; append failure texts to ``failures``);
- ``bom(builder, part, data)``: its BOM lines;
- ``table(part, data) -> DataFrame | None``: its workbook sheet and its ``summary.json`` entry.

The first five technologies (land, PV, compute, pumped hydro, Li-ion, compute site) predate the
registry: the solution, check and BOM still read them through their own fields, so their result
hooks are None. A new technology supplies the hooks and needs no edit anywhere else.
"""

from __future__ import annotations

import pyomo.environ as pyo

from optimizer.model import backup
from optimizer.model.battery import add_battery
from optimizer.model.component import Component
from optimizer.model.compute import add_compute
from optimizer.model.land import add_land
from optimizer.model.pumped_hydro import add_pumped_hydro
from optimizer.model.pv import add_pv
from optimizer.model.site import add_site


def _storage_on(data) -> bool:
    return data.compute.mode != "peak"


COMPONENTS: list[Component] = [
    Component(
        "land",
        "land",
        add_land,
        prices=(("land_prep_usd_per_acre", "$/acre"), ("pv_gcr", "fraction")),
        integers=("buy",),
        life={"land": "land", "land_prep": "pv"},
    ),
    Component(
        "pv",
        None,
        add_pv,
        prices=(("pv_module_usd_per_w_dc", "$/W_dc"), ("pv_bos_usd_per_w_dc", "$/W_dc"),
                ("pv_inverter_usd_per_w_ac", "$/W_ac")),  # fmt: skip
        life={"pv": "pv"},
    ),
    Component(
        "compute",
        "compute",
        add_compute,
        prices=(("pue", "ratio"), ("data_hall_usd_per_mw_it", "$/MW_IT"),
                ("server_network_usd_per_chip", "$/chip")),  # fmt: skip
        integers=("count",),
        life={"chips": "chips", "data_hall": "data_hall"},
    ),
    Component(
        "pumped_hydro",
        "phs",
        add_pumped_hydro,
        prices=(("phs_reservoir_usd_per_m3", "$/m3"), ("phs_pump_usd_per_kw", "$/kW"),
                ("phs_turbine_usd_per_kw", "$/kW")),  # fmt: skip
        integers=("build",),
        life={k: "phs" for k in ("phs_reservoir", "phs_pump", "phs_turbine", "phs_powerhouse",
                                  "phs_fixed")},  # fmt: skip
        active=_storage_on,
    ),
    Component(
        "battery",
        "battery",
        add_battery,
        prices=(("liion_energy_usd_per_kwh", "$/kWh"), ("liion_power_usd_per_kw", "$/kW")),
        life={"liion_energy": "liion", "liion_power": "liion"},
        active=_storage_on,
    ),
    Component(
        "site",
        "site",
        add_site,
        prices=(("line_usd_per_km", "$/km"), ("line_usd_per_mw_km", "$/MW-km")),
        integers=("choose",),
        life={"lines_km": "lines", "lines_mw_km": "lines"},
    ),
    backup.COMPONENT,
]


def add_components(m: pyo.ConcreteModel, data) -> None:
    """Add every active component in registry order; ``m.zopt_components`` lists those present.

    A component whose ``add`` adds no block (no candidate sites, Li-ion disabled, no compute
    site), or whose ``data`` hook gave None, is not present.
    """
    m.zopt_components = []
    for c in COMPONENTS:
        if not c.active(data) or (c.data is not None and c.name not in data.parts):
            continue
        c.add(m, data)
        if c.block is None or m.component(c.block) is not None:
            m.zopt_components.append(c.name)


def present(m: pyo.ConcreteModel, name: str) -> bool:
    """Whether component ``name`` is in the built model ``m``."""
    return name in getattr(m, "zopt_components", ())


def present_components(m: pyo.ConcreteModel) -> list[Component]:
    """The components present in ``m``, in registry order."""
    return [c for c in COMPONENTS if present(m, c.name)]


def integer_decisions(m: pyo.ConcreteModel) -> dict[str, pyo.Var]:
    """Every integer decision of the built model by name ``"<component>.<variable>"``
    (e.g. ``"land.buy"``, ``"compute.count"``, ``"pumped_hydro.build"``, ``"site.choose"``)."""
    out = {}
    for c in present_components(m):
        block = m.component(c.block)
        for var in c.integers:
            if block.component(var) is not None:
                out[f"{c.name}.{var}"] = block.component(var)
    return out


def life_class(cost_name: str) -> str:
    """The life class of a cost term (``"plant"`` when no component names it)."""
    for c in COMPONENTS:
        if cost_name in c.life:
            return c.life[cost_name]
    return "plant"
