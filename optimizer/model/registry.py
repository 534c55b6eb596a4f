"""The component registry: every technology of the plant, in the order the model is built.

Each entry is a :class:`~optimizer.model.component.Component`, the typed contract whose hooks
are documented there. A new technology supplies its record in its own module and needs one
line here and no edit anywhere else: its price keys are declared to the inputs from here
(:func:`~optimizer.inputs.prices.declare_component_prices`), its options reach ``zopt solve``
and the sweep spec (:func:`component_options`), its integers the solve layer
(:func:`integer_decisions`, :func:`own_roundings`), its energy the screens and bounds
(:mod:`optimizer.model.envelope`), its results the check, the workbook and the plots.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from optimizer.inputs.prices import declare_component_prices
from optimizer.model import battery, compute, land, pumped_hydro, pv, site_results, wind
from optimizer.model import storage as st
from optimizer.model.backup import COMPONENT as BACKUP
from optimizer.model.component import JOINT, Component, Energy, Option
from optimizer.model.site import add_site


def _storage_on(data) -> bool:
    return data.compute.mode != "peak"


def _pv_energy(data) -> Energy:
    """PV on every buildable acre, per step [MW], and its least capital per MWh
    a year (modules, BOS, inverters and land preparation per MW_dc over the best profile's
    yield)."""
    land = data.land
    yield_h = float((data.pv.cf * data.weights_h).sum(axis=1).max(initial=0.0))
    per_mw = data.pv.musd_per_mw_dc + land.prep_musd_per_acre / land.mw_dc_per_acre
    cap = np.bincount(land.profile, weights=land.buildable_acres * land.mw_dc_per_acre,
                      minlength=data.pv.cf.shape[0])  # fmt: skip
    return Energy(data.pv.cf.T @ cap, per_mw / yield_h if yield_h > 0 else np.inf)


def _liion_off(m: pyo.ConcreteModel) -> list:
    return [m.battery.energy_mwh, m.battery.power_mw]


COMPONENTS: list[Component] = [
    Component(
        "land",
        "land",
        land.add_land,
        prices=(("land_prep_usd_per_acre", "$/acre"), ("pv_gcr", "fraction")),
        integers=("buy",),
        rounding=JOINT,
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
        energy=_pv_energy,
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
        rounding=JOINT,
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
        rounding=JOINT,
        bounds=pumped_hydro.phs_bounds,
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
        switch_off=_liion_off,
        bounds=battery.liion_bounds,
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
        rounding=JOINT,
        life={"lines_km": "lines", "lines_mw_km": "lines", "campus_links": "lines"},
        extract=site_results.extract_site_part,
        check=site_results.check_site,
        bom=site_results.site_bom,
        table=site_results.site_table,
    ),
    BACKUP,
    wind.COMPONENT,
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
    """What is wrong with the run's options (by name), per component (its ``check_options``
    hook); a list of :class:`~optimizer.errors.Problem`."""
    return [p for c in COMPONENTS if c.check_options is not None for p in c.check_options(options)]


def component_options() -> list[Option]:
    """Every component's run options, in registry order (``zopt solve`` and the sweep spec
    offer them)."""
    return [o for c in COMPONENTS for o in c.options]


def own_roundings(m: pyo.ConcreteModel, data) -> dict[str, object]:
    """The integers of the components of ``m`` that round their own (``rounding`` a hook, not
    :data:`~optimizer.model.component.JOINT`), by ``"<component>.<variable>"``."""
    out = {}
    for c in present_components(m):
        if callable(c.rounding):
            out.update({f"{c.name}.{k}": v for k, v in c.rounding(m, data).items()})
    return out


def unrounded_integers(m: pyo.ConcreteModel) -> list[str]:
    """Integer variables of ``m`` that no component's rounding covers (``build_model`` refuses
    a model with any): not declared in a present component's ``integers``, or declared by one
    without ``rounding``."""
    covered = {
        id(m.component(c.block).component(v))
        for c in present_components(m)
        if c.rounding is not None and c.block is not None
        for v in c.integers
        if m.component(c.block).component(v) is not None
    }
    out = []
    for v in m.component_objects(pyo.Var, descend_into=True):
        first = next(iter(v.values()), None)  # a variable's elements share one domain here
        if id(v) not in covered and first is not None and not first.is_continuous():
            out.append(v.name)
    return out


def price_units() -> dict[str, tuple]:
    """Price key -> ``(unit,)`` or ``(unit, min, max)`` of every key a component declares."""
    return {key: tuple(rest) for c in COMPONENTS for key, *rest in c.prices}


declare_component_prices(price_units())  # the inputs validate the components' keys


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
