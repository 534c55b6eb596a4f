"""Tiny hand-checkable model data (shared by the model, solve and results tests)."""

from __future__ import annotations

import numpy as np

from optimizer.model.data import BatteryData, ComputeData, LandData, ModelData, PVData


def tiny_data(
    cf,
    target_pflops=100.0,
    battery=None,
    mode="sustained",
    max_mw=(1.0, 1.0),
    prices_musd=(0.05, 0.03),
) -> ModelData:
    """Two parcels (max_mw MW_dc each, land price in $M), one chip type, PV at 1 $M/MW_dc.

    Chip: 1 PFLOPS, 1 kW IT, $10k; PUE 1; no data hall cost; no pumped hydro.
    """
    cf = np.atleast_2d(np.asarray(cf, dtype=float))
    land = LandData(
        ids=["A", "B"],
        buildable_acres=np.array(max_mw) / 0.1,
        price_musd=np.array(prices_musd),
        profile=np.zeros(2, dtype=int),
        mw_dc_per_acre=0.1,
        prep_musd_per_acre=0.0,
    )
    compute = ComputeData(
        names=["chip"],
        pflops_per_chip=np.array([1.0]),
        it_mw_per_chip=np.array([0.001]),
        musd_per_chip=np.array([0.01]),
        max_count=np.array([np.inf]),
        pue=1.0,
        hall_musd_per_mw_it=0.0,
        target_pflops=target_pflops,
        mode=mode,
    )
    return ModelData(
        land=land,
        pv=PVData(cf=cf, musd_per_mw_dc=1.0),
        phs=None,
        battery=battery or BatteryData(0.1, 0.05, 0.81, enabled=False),
        compute=compute,
        meta={"target_flops": target_pflops * 1e15},
    )


def tiny_phs(
    head_m=100.0,
    max_volume_m3=1e6,
    fixed_musd=0.0,
    reservoir_usd_per_m3=1.0,
    power_musd_per_mw=0.01,
    evap_per_h=0.0,
    min_level=0.0,
    eff=(0.9, 0.9),
):
    """One pumped-hydro site with simple prices (model units)."""
    from optimizer import units as u
    from optimizer.model.data import PumpedHydroData

    return PumpedHydroData(
        ids=["S1"],
        mwh_per_mm3=np.array([u.potential_energy_mwh_per_mm3(head_m)]),
        max_active_mm3=np.array([max_volume_m3 * (1 - min_level) / 1e6]),
        fixed_musd=np.array([fixed_musd]),
        evap_per_h=np.array([evap_per_h]),
        reservoir_musd_per_mm3=reservoir_usd_per_m3,
        pump_musd_per_mw=power_musd_per_mw,
        turbine_musd_per_mw=power_musd_per_mw,
        house_musd_per_mw=0.0,
        pump_eff=eff[0],
        turbine_eff=eff[1],
        min_level_fraction=min_level,
    )


def chips(names, pflops, it_kw, price_usd, target_pflops, mode="sustained", max_count=None):
    """A ComputeData with PUE 1 and no data hall cost."""
    n = len(names)
    return ComputeData(
        names=list(names),
        pflops_per_chip=np.array(pflops, float),
        it_mw_per_chip=np.array(it_kw, float) / 1e3,
        musd_per_chip=np.array(price_usd, float) / 1e6,
        max_count=np.full(n, np.inf) if max_count is None else np.array(max_count, float),
        pue=1.0,
        hall_musd_per_mw_it=0.0,
        target_pflops=target_pflops,
        mode=mode,
    )
