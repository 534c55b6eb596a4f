"""Small random plants for the bound property test (tests and ``benchmarks/search_bounds.py``).

Each plant is drawn from a seed: two to four parcels (or the three-parcel compute-site case of
``test_site``), a two-day year of random daylight, zero to two pumped-hydro sites, Li-ion on or
off, one to three chip types (different price, power and FLOPS; a limited one at times), a data
hall with its fixed O&M, a mode (sustained, average, peak), an objective (capex, lifecycle with
chips on a 5-year life, the hall on 20, PV on 32.5), a gas backup with a share limit, wind (a
third of the plants outside peak mode), and in sustained mode an unserved-energy allowance.
Large enough to branch, small enough that HiGHS's own branch and bound proves the optimum in
well under a second.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from test_site import site_data
from tiny import tiny_data, tiny_phs

from optimizer.model.backup import BackupData
from optimizer.model.data import BatteryData, ComputeData, LandData
from optimizer.model.lifecycle import LifecycleData
from optimizer.model.wind import WindData
from optimizer.solve.design import Design

LIFECYCLE = LifecycleData(
    objective="lifecycle",
    discount_rate=0.07,
    plant_life_yr=30.0,
    life_yr={"chips": 5.0, "data_hall": 20.0, "pv": 32.5, "phs": 60.0, "liion": 15.0},
)


def _cf(rng: np.random.Generator) -> list[float]:
    day = rng.uniform(0.05, 1.0, 6)
    second = rng.uniform(0.0, 1.0) * day
    return [0.0] * 6 + list(day) + [0.0] * 6 + list(second)


def _chips(rng: np.random.Generator, target: float, mode: str) -> ComputeData:
    n = int(rng.integers(1, 4))
    pflops = rng.choice([1.0, 1.0, 2.0, 2.5], n)
    kw = rng.uniform(0.5, 3.0, n)
    usd = rng.uniform(4_000, 20_000, n)
    limited = np.full(n, np.inf)
    if n > 1 and rng.uniform() < 0.3:
        limited[int(rng.integers(n))] = float(rng.integers(5, 60))
    return ComputeData(
        names=[f"c{i}" for i in range(n)],
        pflops_per_chip=pflops,
        it_mw_per_chip=kw / 1e3,
        musd_per_chip=usd / 1e6,
        max_count=limited,
        pue=float(rng.uniform(1.0, 1.3)),
        hall_musd_per_mw_it=float(rng.choice([0.0, 5.0, 11.7])),
        target_pflops=target,
        mode=mode,
        hall_fom_musd_per_mw_it_yr=float(rng.choice([0.0, 0.234])),
    )


def _land(rng: np.random.Generator, cf) -> object:
    if rng.uniform() < 0.25:  # the compute-site case: two candidates, lines by distance
        data = site_data(float(rng.uniform(0.05, 0.3)))
        data.pv.cf = np.atleast_2d(np.asarray(cf, float))
        data.land.buildable_acres = np.array([3.0, 3.0, rng.uniform(10.0, 40.0)])
        data.land.site.hall_acres_per_mw_it = float(rng.uniform(1.0, 10.0))
        return data
    n = int(rng.integers(2, 5))
    data = tiny_data(cf)
    data.land = LandData(
        ids=[f"P{i}" for i in range(n)],
        buildable_acres=rng.uniform(5.0, 30.0, n),
        price_musd=rng.uniform(0.0, 0.2, n),
        profile=np.zeros(n, dtype=int),
        mw_dc_per_acre=0.1,
        prep_musd_per_acre=0.0,
    )
    return data


def random_plant(seed: int):
    """The plant of ``seed``: ``(data, start)`` with ``start`` a warm-start design or None."""
    rng = np.random.default_rng(seed)
    cf = _cf(rng)
    mode = str(rng.choice(["sustained", "sustained", "average", "average", "peak"]))
    data = _land(rng, cf)
    target = float(rng.uniform(20.0, 150.0))
    data.compute = _chips(rng, target, mode)
    data.meta["target_flops"] = target * 1e15
    n_phs = int(rng.integers(0, 3)) if mode != "peak" else 0
    if n_phs:
        sites = [tiny_phs(fixed_musd=float(rng.uniform(0.0, 0.3)), max_volume_m3=5e6,
                          head_m=float(rng.uniform(50, 300))) for _ in range(n_phs)]  # fmt: skip
        data.phs = _stack(sites)
        if data.land.site is not None:
            km = rng.uniform(0.5, 6.0, (n_phs, 2))
            data.land.site = replace(data.land.site, reservoir_site_km=km)
    liion = mode != "peak" and rng.uniform() < 0.6
    data.battery = BatteryData(0.1, 0.05, 0.81, enabled=liion)
    if rng.uniform() < 0.5:
        data.lifecycle = LIFECYCLE
    if mode != "peak" and rng.uniform() < 0.25:
        share = float(rng.uniform(0.0, 0.3))
        data.parts["backup"] = BackupData("gas", 900.0, 9_000.0, 3.5, 5.0, 440.0, share, 20.0)
    if mode == "sustained" and rng.uniform() < 0.25:
        data.compute.max_unserved = float(rng.uniform(0.01, 0.1))
    _wind(np.random.default_rng(seed + 100_000), data)  # own stream: the other draws unchanged
    return data, _start(rng, data)


def _wind(rng: np.random.Generator, data) -> None:
    """Wind in about a third of the plants that are not in peak mode: a random hourly capacity
    factor (calm hours among them), cost and spacing around PV's."""
    if data.compute.mode == "peak" or rng.uniform() >= 0.35:
        return
    cf = np.where(rng.uniform(size=data.hours) < 0.3, 0.0, rng.uniform(0.05, 0.8, data.hours))
    cost, fom, spacing = rng.uniform(0.8, 2.5), rng.uniform(0, 0.05), rng.uniform(0.005, 0.08)
    data.parts["wind"] = WindData(cf, float(cost), float(fom), float(spacing),
                                  10.0, 100.0, 0.1, 0.15)  # fmt: skip


def _stack(sites):
    """One PumpedHydroData with every site of ``sites`` (each a one-site record)."""
    first = sites[0]
    cat = lambda name: np.concatenate([getattr(s, name) for s in sites])  # noqa: E731
    return replace(
        first,
        ids=[f"S{i + 1}" for i in range(len(sites))],
        mwh_per_mm3=cat("mwh_per_mm3"),
        max_active_mm3=cat("max_active_mm3"),
        fixed_musd=cat("fixed_musd"),
        evap_per_h=cat("evap_per_h"),
        group=None,
    )


def _start(rng: np.random.Generator, data) -> Design | None:
    """A warm-start design (every parcel, every reservoir, enough of one chip type) half of
    the time; it may be infeasible or dear: the search must not trust it."""
    if rng.uniform() < 0.5:
        return None
    c = data.compute
    count = np.zeros(len(c.names), dtype=np.int64)
    k = int(np.argmax(c.max_count))
    count[k] = int(np.ceil(c.target_pflops / c.pflops_per_chip[k]))
    build = np.ones(len(data.phs.ids), dtype=bool) if data.phs is not None else np.zeros(0, bool)
    site = 0 if data.land.site is not None else None
    return Design(np.ones(len(data.land.ids), dtype=bool), build, count, site, liion=True)
