"""The component registry: every technology of the plant, in the order the model is built.

A :class:`~optimizer.model.component.Component` is one module's contract with the rest of zopt:

- ``prices``: the price keys it reads, ``(key, unit)`` or ``(key, unit, min, max)``; keys not
  in the core table (:data:`optimizer.inputs.prices.PRICE_SCHEMA`) are validated from here;
- ``data(inputs, options) -> object | None``: its model data from the inputs and the run's
  options by name (None: off), stored as ``ModelData.parts[name]``;
- ``options(options) -> list[Problem]``: what is wrong with its run options (checked before
  anything is read);
- ``energy_share(data) -> float``: the largest share of the year's facility energy it may
  supply besides PV and storage (a dispatchable source; bounds and the capacity screen allow
  for it);
- ``limits(data) -> list[Limit]``: its restrictions that may make a target infeasible, each
  with a lift and words (:mod:`optimizer.model.limits`);
- ``add(m, data)``: adds its block ``m.<block>`` and registers its terms in ``m.supply``,
  ``m.demand`` (callables ``t -> expression`` [MW]), ``m.costs`` (capital [$M]) and
  ``m.annual_costs`` (cost of one year of operation [$M/yr]: fuel, fixed and variable O&M);
- ``integers``: the names of its integer decision variables inside its block (what a strategy
  fixes to evaluate a design: see :func:`integer_decisions`);
- ``life``: cost term -> life class (a price key stem ``life_<class>_yr``, see
  :mod:`optimizer.model.lifecycle`); annual terms may name a class too (whose economics they
  belong to, e.g. the data hall's O&M);
- ``om``: its annual terms that are O&M, counted in the net present cost only (the ``capex``
  objective leaves them out; its other annual terms, fuel, count in both objectives);
- ``extract(m, data) -> dict``: its sizes and hourly flows (expanded to hours) for the
  solution, stored as ``Solution.parts[name]``;
- ``supply_mw(part, sol, data)`` / ``demand_mw(part, sol, data)``: its hourly supply and
  demand [MW] in the independent check (the supply of every component must cover the demand of
  every component in every hour) and in the dispatch;
- ``dispatch(part, sol, data, rest_mw) -> dict``: its hourly columns of the dispatch table
  (``rest_mw``: the other components' demand minus their supply [MW]); without it a component
  with ``supply_mw`` shows ``<name>_mw``;
- ``check(part, sol, data, report)``: its own limits in the independent check (``sol`` the
  whole solution; failure texts to ``report.failures``, figures to ``report.figures``);
- ``bom(builder, part, sol, data)``: its BOM lines (sections in :data:`BOM_ORDER`, then the
  others in registry order);
- ``table(part, run) -> DataFrame | None``: its rows of the workbook sheet ``sheet`` (shared
  by the components that name it, e.g. Storage), or with ``sheet`` None a sheet of its own and
  its ``summary.json`` entry under ``components``; ``part`` is None when it is not in the model.

The result hooks take a ``part`` that is absent when the component is not in the model
(``table`` excepted). A new technology supplies its hooks in its own module and needs one line
here and no edit anywhere else.
"""

from __future__ import annotations

import pyomo.environ as pyo

from optimizer.model import battery, compute, land, pumped_hydro, pv, site_results
from optimizer.model import storage as st
from optimizer.model.backup import COMPONENT as BACKUP
from optimizer.model.component import Component
from optimizer.model.site import add_site


def _storage_on(data) -> bool:
    return data.compute.mode != "peak"


COMPONENTS: list[Component] = [
    Component(
        "land",
        "land",
        land.add_land,
        prices=(("land_prep_usd_per_acre", "$/acre"), ("pv_gcr", "fraction")),
        integers=("buy",),
        life={"land": "land", "land_prep": "pv"},
        extract=land.extract_land,
        check=land.check_land,
        bom=land.land_bom,
        table=land.land_table,
        sheet="Parcels",
    ),
    Component(
        "pv",
        None,
        pv.add_pv,
        prices=(("pv_module_usd_per_w_dc", "$/W_dc"), ("pv_bos_usd_per_w_dc", "$/W_dc"),
                ("pv_inverter_usd_per_w_ac", "$/W_ac")),  # fmt: skip
        life={"pv": "pv", "pv_fom": "pv"},
        om=("pv_fom",),
        extract=pv.extract_pv,
        supply_mw=pv.pv_supply_mw,
        dispatch=pv.pv_dispatch,
        bom=pv.pv_bom,
    ),
    Component(
        "compute",
        "compute",
        compute.add_compute,
        prices=(("pue", "ratio"), ("data_hall_usd_per_mw_it", "$/MW_IT"),
                ("server_network_usd_per_chip", "$/chip")),  # fmt: skip
        integers=("count",),
        life={"chips": "chips", "data_hall": "data_hall", "data_hall_fom": "data_hall"},
        om=("data_hall_fom",),
        extract=compute.extract_compute,
        supply_mw=compute.compute_supply_mw,
        demand_mw=compute.compute_demand_mw,
        dispatch=compute.compute_dispatch,
        check=compute.check_compute,
        bom=compute.compute_bom,
    ),
    Component(
        "pumped_hydro",
        "phs",
        pumped_hydro.add_pumped_hydro,
        prices=(("phs_reservoir_usd_per_m3", "$/m3"), ("phs_pump_usd_per_kw", "$/kW"),
                ("phs_turbine_usd_per_kw", "$/kW")),  # fmt: skip
        integers=("build",),
        life={k: "phs" for k in ("phs_reservoir", "phs_pump", "phs_turbine", "phs_powerhouse",
                                  "phs_fixed", "phs_fom", "phs_vom")},  # fmt: skip
        om=("phs_fom", "phs_vom"),
        active=_storage_on,
        extract=pumped_hydro.extract_pumped_hydro,
        supply_mw=st.storage_supply_mw,
        demand_mw=st.storage_demand_mw,
        dispatch=st.storage_dispatch,
        check=st.check_storage,
        bom=pumped_hydro.phs_bom,
        table=pumped_hydro.phs_table,
        sheet="Storage",
    ),
    Component(
        "battery",
        "battery",
        battery.add_battery,
        prices=(("liion_energy_usd_per_kwh", "$/kWh"), ("liion_power_usd_per_kw", "$/kW")),
        life={"liion_energy": "liion", "liion_power": "liion", "liion_fom": "liion"},
        om=("liion_fom",),
        active=_storage_on,
        extract=battery.extract_battery,
        supply_mw=st.storage_supply_mw,
        demand_mw=st.storage_demand_mw,
        dispatch=st.storage_dispatch,
        check=st.check_storage,
        bom=battery.battery_bom,
        table=battery.battery_table,
        sheet="Storage",
    ),
    Component(
        "site",
        "site",
        add_site,
        prices=(("line_usd_per_km", "$/km"), ("line_usd_per_mw_km", "$/MW-km"),
                ("campus_km", "km", 0.0, 50.0),
                ("campus_link_usd_per_km", "$/km", 0.0, 1e8)),  # fmt: skip
        integers=("choose", "building"),
        life={"lines_km": "lines", "lines_mw_km": "lines", "campus_links": "lines"},
        extract=site_results.extract_site_part,
        check=site_results.check_site,
        bom=site_results.site_bom,
        table=site_results.site_table,
    ),
    BACKUP,
]

#: BOM sections in this order (the BOM sheet's categories), then the others in registry order
BOM_ORDER = ("compute", "pv", "land", "pumped_hydro", "battery", "site")


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


def option_problems(options: dict) -> list:
    """What is wrong with the run's options (by name), per component (its ``options`` hook);
    a list of :class:`~optimizer.errors.Problem`."""
    return [p for c in COMPONENTS if c.options is not None for p in c.options(options)]


def energy_share(data) -> float:
    """The largest share of the year's facility energy the dispatchable components of ``data``
    may supply besides PV and storage (their ``energy_share`` hooks; 0 without any)."""
    on = [c for c in COMPONENTS if c.energy_share is not None and c.active(data)]
    parts = getattr(data, "parts", {})
    return float(sum(c.energy_share(data) for c in on if c.data is None or c.name in parts))


def price_units() -> dict[str, tuple]:
    """Price key -> ``(unit,)`` or ``(unit, min, max)`` of every key a component declares."""
    return {key: tuple(rest) for c in COMPONENTS for key, *rest in c.prices}


def bom_components() -> list[Component]:
    """The components in BOM order (:data:`BOM_ORDER`, then the rest in registry order)."""
    rank = {n: i for i, n in enumerate(BOM_ORDER)}
    return sorted(COMPONENTS, key=lambda c: rank.get(c.name, len(rank)))


def om_terms() -> frozenset[str]:
    """The annual terms that are O&M (every component's ``om``): in the net present cost, out
    of the ``capex`` objective (see :mod:`optimizer.model.lifecycle`)."""
    return frozenset(n for c in COMPONENTS for n in c.om)


def life_class(cost_name: str) -> str:
    """The life class of a cost term (``"plant"`` when no component names it)."""
    for c in COMPONENTS:
        if cost_name in c.life:
            return c.life[cost_name]
    return "plant"
