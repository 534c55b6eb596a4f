"""Convert validated inputs + PV profiles into :class:`ModelData` (scaled units)."""

from __future__ import annotations

import math

import numpy as np

from optimizer import units as u
from optimizer.inputs.bundle import Inputs
from optimizer.inputs.capacity import least_load_mw
from optimizer.model.data import (
    BatteryData,
    ComputeData,
    LandData,
    ModelData,
    PumpedHydroData,
    PVData,
    pv_mw_dc_per_acre,
)
from optimizer.model.lifecycle import lifecycle_from_prices
from optimizer.model.registry import COMPONENTS
from optimizer.model.site import site_data_from_inputs
from optimizer.resource.profiles import Profiles

HOURS_PER_DAY = 24.0


def land_and_pv(inputs: Inputs, profiles: Profiles) -> tuple[LandData, PVData]:
    """Parcels [acre, $M] and PV cost [$M/MW_dc] from the parcels and prices tables."""
    pr = inputs.prices
    density = pv_mw_dc_per_acre(
        pr.value("pv_gcr"),
        pr.value("pv_module_w"),
        pr.value("pv_module_area_m2"),
        pr.value("pv_array_area_fraction"),
    )
    parcels = inputs.parcels
    land = LandData(
        ids=parcels["parcel_id"].tolist(),
        buildable_acres=parcels["buildable_acres"].to_numpy(float),
        price_musd=parcels["price_usd"].to_numpy(float) / u.USD_PER_MUSD,
        profile=profiles.parcel_profile,
        mw_dc_per_acre=density,
        prep_musd_per_acre=pr.value("land_prep_usd_per_acre") / u.USD_PER_MUSD,
    )
    usd_per_w_dc = (
        pr.value("pv_module_usd_per_w_dc")
        + pr.value("pv_bos_usd_per_w_dc")
        + pr.value("pv_inverter_usd_per_w_ac") / pr.value("pv_dc_ac_ratio")
    )
    pv = PVData(
        cf=profiles.cf,
        musd_per_mw_dc=usd_per_w_dc * u.W_PER_MW / u.USD_PER_MUSD,
        module_w=pr.value("pv_module_w"),
        fom_musd_per_mw_dc_yr=pr.value("pv_fom_usd_per_kw_dc_yr") * u.KW_PER_MW / u.USD_PER_MUSD,
    )
    return land, pv


def pumped_hydro(inputs: Inputs) -> PumpedHydroData | None:
    """Pumped-hydro sites in model units, or None when there are no candidate sites."""
    res, pr = inputs.reservoirs, inputs.prices
    if res is None or len(res) == 0:
        return None
    min_frac = pr.value("phs_min_level_fraction")
    evap_m_per_h = pr.value("phs_evaporation_mm_per_day") / 1000.0 / HOURS_PER_DAY
    per_kw = u.KW_PER_MW / u.USD_PER_MUSD
    return PumpedHydroData(
        ids=res["site_id"].tolist(),
        mwh_per_mm3=np.array([u.potential_energy_mwh_per_mm3(h) for h in res["head_m"]]),
        max_active_mm3=res["max_volume_m3"].to_numpy(float) * (1 - min_frac) / u.M3_PER_MM3,
        fixed_musd=res["fixed_cost_usd"].to_numpy(float) / u.USD_PER_MUSD,
        evap_per_h=evap_m_per_h
        / res["mean_depth_m"].fillna(pr.value("phs_mean_depth_m")).to_numpy(float),
        reservoir_musd_per_mm3=pr.value("phs_reservoir_usd_per_m3") * u.M3_PER_MM3 / u.USD_PER_MUSD,
        pump_musd_per_mw=pr.value("phs_pump_usd_per_kw") * per_kw,
        turbine_musd_per_mw=pr.value("phs_turbine_usd_per_kw") * per_kw,
        house_musd_per_mw=(
            pr.value("phs_powerhouse_usd_per_kw") + pr.value("phs_contingency_usd_per_kw")
        )
        * per_kw,
        pump_eff=pr.value("phs_pump_efficiency"),
        turbine_eff=pr.value("phs_turbine_efficiency"),
        min_level_fraction=min_frac,
        fom_musd_per_mw_yr=pr.value("phs_fom_usd_per_kw_yr") * per_kw,
        vom_musd_per_mwh=pr.value("phs_vom_usd_per_mwh") / u.USD_PER_MUSD,
    )


def battery_purchases(plant_life_yr: float, calendar_life_yr: float) -> int:
    """How many times a battery is bought over the plant's life: ``ceil(plant / calendar)``."""
    return max(1, math.ceil(plant_life_yr / calendar_life_yr - 1e-9))


def battery(inputs: Inputs, enabled: bool = True, objective: str = "capex") -> BatteryData:
    """Li-ion figures in model units. ``capex``: the capital cost counts every purchase within
    the plant's life; ``lifecycle``: one purchase, the replacements are discounted
    (:mod:`optimizer.model.lifecycle`)."""
    pr = inputs.prices
    purchases = battery_purchases(pr.value("plant_life_yr"), pr.value("liion_calendar_life_yr"))
    return BatteryData(
        energy_musd_per_mwh=pr.value("liion_energy_usd_per_kwh") * u.KW_PER_MW / u.USD_PER_MUSD,
        power_musd_per_mw=pr.value("liion_power_usd_per_kw") * u.KW_PER_MW / u.USD_PER_MUSD,
        round_trip_eff=pr.value("liion_round_trip_efficiency"),
        enabled=enabled,
        purchases=purchases if objective == "capex" else 1,
        fom_musd_per_mwh_yr=pr.value("liion_fom_usd_per_kwh_yr") * u.KW_PER_MW / u.USD_PER_MUSD,
        fom_musd_per_mw_yr=pr.value("liion_fom_usd_per_kw_yr") * u.KW_PER_MW / u.USD_PER_MUSD,
    )


def compute(
    inputs: Inputs, target_flops: float, mode: str, max_unserved: float = 0.0
) -> ComputeData:
    """Chip types in model units [PFLOPS, MW, $M] and the target [PFLOPS]."""
    chips, pr = inputs.chips, inputs.prices
    overhead_usd = chips["overhead_usd"].fillna(pr.value("server_network_usd_per_chip"))
    overhead_w = chips["overhead_w"].fillna(pr.value("server_network_w_per_chip"))
    return ComputeData(
        names=chips["chip"].tolist(),
        pflops_per_chip=chips["tflops"].to_numpy(float) * u.FLOPS_PER_TFLOPS / u.FLOPS_PER_PFLOPS,
        it_mw_per_chip=(chips["tdp_w"].to_numpy(float) + overhead_w.to_numpy(float)) / u.W_PER_MW,
        musd_per_chip=(chips["price_usd"].to_numpy(float) + overhead_usd.to_numpy(float))
        / u.USD_PER_MUSD,
        max_count=chips["max_count"].fillna(np.inf).to_numpy(float),
        pue=pr.value("pue"),
        hall_musd_per_mw_it=pr.value("data_hall_usd_per_mw_it") / u.USD_PER_MUSD,
        target_pflops=target_flops / u.FLOPS_PER_PFLOPS,
        mode=mode,
        max_unserved=max_unserved,
        hall_fom_musd_per_mw_it_yr=pr.value("data_hall_fom_usd_per_mw_it_yr") / u.USD_PER_MUSD,
    )


def site_options(options: dict) -> dict:
    """Keyword arguments of :func:`~optimizer.model.site.site_data_from_inputs` from the run's
    options (``max_distance_km``, ``max_sites``, ``compute_site_candidates``,
    ``collector_radius_km``, ``cluster_gap_m``, ``campus_km``; missing: the function's
    defaults)."""
    names = {"max_distance_km": "max_distance_km", "max_sites": "max_clusters",
             "compute_site_candidates": "n_candidates", "collector_radius_km": "hub_radius_km",
             "cluster_gap_m": "gap_m", "campus_km": "campus_km"}  # fmt: skip
    return {kw: options[k] for k, kw in names.items() if k in options}


def model_data_from_inputs(
    inputs: Inputs,
    profiles: Profiles,
    target_flops: float,
    mode: str = "sustained",
    battery_enabled: bool = True,
    max_unserved: float = 0.0,
    objective: str = "capex",
    options: dict | None = None,
) -> ModelData:
    """Assemble :class:`ModelData` for one run.

    ``options`` are the run's options by name (``RunOptions.as_dict()``); with them the data
    is complete: the compute site and power lines (:func:`site_options`) and the registry
    components with a ``data`` hook (returning None: the component is off). Without them
    (tests) there is no compute site.
    """

    land, pv = land_and_pv(inputs, profiles)
    data = ModelData(
        land=land,
        pv=pv,
        phs=pumped_hydro(inputs),
        battery=battery(inputs, battery_enabled, objective),
        compute=compute(inputs, target_flops, mode, max_unserved),
        meta={"precision": inputs.precision, "target_flops": target_flops},
        lifecycle=lifecycle_from_prices(inputs.prices, objective),
    )
    if options is not None:
        c = data.compute  # the least IT load [MW] of the target sizes the least hall
        it_mw = least_load_mw(c.target_pflops, c.pflops_per_chip, c.it_mw_per_chip, c.max_count,
                              1.0)  # fmt: skip
        data.land.site = site_data_from_inputs(
            inputs, data.land, **site_options(options), min_it_mw=it_mw or 0.0
        )
    for c in COMPONENTS:
        part = c.data(inputs, options or {}) if c.data is not None else None
        if part is not None:
            data.parts[c.name] = part
    return data
