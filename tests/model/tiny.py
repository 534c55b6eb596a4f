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
