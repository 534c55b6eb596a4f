"""Wind turbines on the bought parcels (``--wind``; off by default).

Capacity :math:`W` [MW] of one turbine type (:data:`optimizer.resource.wind.TURBINE_TYPE`)
at hub height, spaced at :math:`\\delta_w` [MW/acre] over the buildable acres of the bought
parcels, the same parcels and acres as PV (turbines stand between the PV rows; their pads and
roads, about 1 % of the spacing area, are not taken from the PV's area):

.. math::
    0 \\le W \\le \\delta_w \\sum_p A_p y_p, \\qquad S^{w}_t = cf^{w}_t \\, W \\quad [MW]

with :math:`A_p` buildable acres, :math:`y_p` the parcel bought, :math:`cf^w_t` the capacity
factor of step t from the design weather's wind speed (:func:`optimizer.resource.wind.wind_cf`:
windpowerlib's log-law hub-height wind and the turbine's power curve, less losses), at the
weather file's place (one wind profile for the plant). :math:`S^w_t` is supply in the hourly
balance (curtailment free, as PV). Capital [$M]: :math:`c_w W` (life class ``wind``);
fixed O&M [$M/yr]: :math:`o_w W` (``wind_fom``, net present cost only). No integer decision.
Not in ``peak`` mode (PV alone by definition), nor with a record designed at once (one wind
profile per year is not modelled there); the stress test replays it on every year.

Prices (``data/prices.csv``): NREL Annual Technology Baseline 2024, land-based wind.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from optimizer import units as u
from optimizer.errors import Problem
from optimizer.model.component import (
    BOUND_SLACK,
    BoundContext,
    Component,
    Energy,
    LandUse,
    Option,
    solved_value,
    tol_mw,
)
from optimizer.model.data import ModelData
from optimizer.model.hours import expand_steps
from optimizer.resource.default_weather import default_weather
from optimizer.resource.wind import TURBINE_TYPE, turbine, wind_cf

PRICES = (
    ("wind_capex_usd_per_kw", "$/kW", 0.0, 1e5),
    ("wind_fom_usd_per_kw_yr", "$/kW-yr", 0.0, 1e4),
    ("wind_mw_per_acre", "MW/acre", 1e-4, 1.0),
    ("wind_hub_height_m", "m", 10.0, 300.0),
    ("wind_measurement_height_m", "m", 1.0, 200.0),
    ("wind_roughness_length_m", "m", 1e-4, 5.0),
    ("wind_loss_fraction", "fraction", 0.0, 0.9),
    ("life_wind_yr", "yr", 1.0, 100.0),
)
REPLAY_KEYS = ("measured_m", "hub_m", "roughness_m", "loss_fraction", "turbine")


@dataclass
class WindData:
    """Capacity factor ``cf`` per step [MW/MW]; capital [$M/MW]; fixed O&M [$M/MW-yr];
    spacing [MW/acre]; the resource settings (heights [m], roughness [m], losses [-])."""

    cf: np.ndarray
    musd_per_mw: float
    fom_musd_per_mw_yr: float
    mw_per_acre: float
    measured_m: float
    hub_m: float
    roughness_m: float
    loss_fraction: float
    turbine: str = TURBINE_TYPE


def wind_options(options: dict) -> list:
    """``--wind`` is a switch; not with a record designed at once."""
    if not options.get("wind"):
        return []
    if options.get("design_years") == "all" or (options.get("weather_years") or 0) > 0:
        return [Problem("command line", "", "--wind", "not with a record designed at once",
                        "--design-years all / --weather-years",
                        "one design year (the stress test replays wind on every year)")]
    return []  # fmt: skip


def _weather(inputs, parcels):
    """The design weather: the file's first year, else the embedded year at the parcels."""
    if inputs.weather is not None:
        return inputs.weather
    c = parcels.to_crs(4326).geometry.union_all().centroid
    return default_weather(float(c.y), float(c.x))


def wind_data(inputs, options: dict) -> WindData | None:
    """Wind from the prices and the design weather's wind speed (None: ``--wind`` not given)."""
    if not options.get("wind"):
        return None
    pr = inputs.prices
    settings = {k: pr.value(f"wind_{n}") for k, n in (
        ("measured_m", "measurement_height_m"), ("hub_m", "hub_height_m"),
        ("roughness_m", "roughness_length_m"), ("loss_fraction", "loss_fraction"))}  # fmt: skip
    speed = _weather(inputs, inputs.parcels).df["wind_speed"].to_numpy(float)
    per_kw = u.KW_PER_MW / u.USD_PER_MUSD
    return WindData(
        cf=wind_cf(speed, settings["measured_m"], settings["hub_m"], settings["roughness_m"],
                   settings["loss_fraction"]),  # fmt: skip
        musd_per_mw=pr.value("wind_capex_usd_per_kw") * per_kw,
        fom_musd_per_mw_yr=pr.value("wind_fom_usd_per_kw_yr") * per_kw,
        mw_per_acre=pr.value("wind_mw_per_acre"),
        **settings,
    )


def wind_bounds(data: ModelData, ctx: BoundContext) -> dict:
    """Largest capacity [MW] of an optimal design: the spacing on all buildable acres, and,
    with an incumbent, what the capital left after the cheapest chips buys,
    :math:`W \\le B / c_w` (every other cost term is non-negative)."""
    d: WindData = data.parts["wind"]
    mw = d.mw_per_acre * float(data.land.buildable_acres.sum())
    if np.isfinite(ctx.budget_musd) and d.musd_per_mw > 0:
        mw = min(mw, max(ctx.budget_musd, 0.0) / d.musd_per_mw)
    return {"mw": mw * (1 + BOUND_SLACK)}


def wind_energy(data: ModelData) -> Energy:
    """All buildable acres at the spacing, per step [MW]; capital per MWh a year [$M]."""
    d: WindData = data.parts["wind"]
    full = d.cf * d.mw_per_acre * float(data.land.buildable_acres.sum())
    yield_h = float(d.cf @ data.weights_h)
    return Energy(full, d.musd_per_mw / yield_h if yield_h > 0 else np.inf)


def wind_land_use(m: pyo.ConcreteModel, data: ModelData) -> LandUse:
    """The parcels the (relaxed) solution buys even in part while it holds wind (a rounded
    design buys them whole), and the acres its capacity needs, :math:`W / \\delta_w`."""
    mw = solved_value(m.wind.mw)
    buy = np.array([solved_value(m.land.buy[p]) > 1e-6 for p in m.land.P]) & (mw > 1e-9)
    return LandUse(buy, mw / data.parts["wind"].mw_per_acre)


def add_wind(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Add block ``m.wind``: capacity, spacing on the bought parcels, supply and costs."""
    d: WindData = data.parts["wind"]
    b = m.wind = pyo.Block()
    most = (m.bounds.parts.get("wind") or {"mw": None})["mw"]
    b.mw = pyo.Var(domain=pyo.NonNegativeReals, bounds=(0.0, most))
    acres = data.land.buildable_acres
    b.spacing = pyo.Constraint(
        expr=b.mw <= d.mw_per_acre * sum(float(acres[p]) * m.land.buy[p] for p in m.land.P)
    )
    cf = [float(x) for x in d.cf]
    m.supply.append(lambda t: cf[t] * b.mw if cf[t] > 0 else 0)
    m.costs["wind"] = d.musd_per_mw * b.mw
    if d.fom_musd_per_mw_yr > 0:
        m.annual_costs["wind_fom"] = d.fom_musd_per_mw_yr * b.mw


# --- results ---


def extract_wind(m: pyo.ConcreteModel, data: ModelData) -> dict:
    """Capacity [MW], hourly output available [MW] and its share on each bought parcel [MW]
    (in proportion to the parcel's buildable acres)."""
    d: WindData = data.parts["wind"]
    mw = solved_value(m.wind.mw)
    bought = np.array([solved_value(m.land.buy[p]) > 0.5 for p in m.land.P])
    acres = data.land.buildable_acres * bought
    share = acres / acres.sum() if acres.sum() > 0 else acres
    return {"mw": mw, "out_mw": expand_steps(d.cf * mw, data), "parcel_mw": share * mw}


def wind_supply_mw(part: dict, sol, data: ModelData) -> np.ndarray:
    """Hourly output available [MW], supply in the independent balance."""
    return part["out_mw"]


def check_wind(part: dict, sol, data: ModelData, report) -> None:
    """Capacity within the spacing on the bought parcels' buildable acres."""
    d: WindData = data.parts["wind"]
    acres = float(data.land.buildable_acres @ sol.parts["land"]["selected"])
    room = d.mw_per_acre * acres
    if part["mw"] < -1e-6 or part["mw"] > room + tol_mw(room):
        report.failures.append(
            f"wind {part['mw']:.3f} MW exceeds {room:.3f} MW ({acres:,.1f} bought acres at "
            f"{d.mw_per_acre:g} MW/acre)"
        )
    report.figures["wind_mw"] = part["mw"]


def wind_bom(builder, part: dict, sol, data: ModelData) -> None:
    """The turbines, installed, per kW (turbine count in words)."""
    if part["mw"] <= 1e-9:
        return
    t = turbine(data.parts["wind"].turbine, data.parts["wind"].hub_m)
    n = int(np.ceil(part["mw"] * u.W_PER_MW / t.nominal_w - 1e-9))
    item = f"Wind turbines {t.name} installed ({part['mw']:,.1f} MW, about {n:,} turbines)"
    builder.price("Wind", item, part["mw"] * u.KW_PER_MW, "wind_capex_usd_per_kw")


def wind_table(part: dict | None, run) -> pd.DataFrame | None:
    """One row: turbine, hub height [m], rotor [m], capacity [MW], turbines, energy available
    [MWh/yr], capacity factor, parcels holding turbines, spacing [MW/acre]."""
    if part is None:
        return None
    d: WindData = run.data.parts["wind"]
    t = turbine(d.turbine, d.hub_m)
    mwh = float(part["out_mw"].sum())
    return pd.DataFrame([{
        "technology": f"wind ({t.name} at {d.hub_m:g} m)", "turbine": t.name,
        "hub_height_m": d.hub_m, "rotor_m": t.rotor_m,
        "capacity_mw": part["mw"], "turbines": int(np.ceil(part["mw"] * 1e6 / t.nominal_w - 1e-9)),
        "energy_available_mwh_per_yr": mwh,
        "capacity_factor": mwh / (part["mw"] * len(part["out_mw"])) if part["mw"] > 0 else 0.0,
        "parcels": int((part["parcel_mw"] > 1e-9).sum()), "mw_per_acre": d.mw_per_acre,
    }])  # fmt: skip


def draw_wind(ax, part: dict, frame) -> None:
    """A turbine marker on every parcel holding wind, sized by its MW."""
    where = np.flatnonzero(part["parcel_mw"] > 1e-9)
    if not len(where):
        return
    size = 20 + 180 * part["parcel_mw"][where] / part["parcel_mw"].max()
    ax.scatter(frame.cx[where], frame.cy[where], s=size, marker="1", color="#0b6e4f",
               linewidths=1.5, zorder=6, label=f"wind turbines ({part['mw']:,.1f} MW)")  # fmt: skip


def wind_replay_params(part: dict, run) -> dict:
    """The capacity [MW] and resource settings, for the stress test."""
    d: WindData = run.data.parts["wind"]
    return {"mw": part["mw"], **{k: getattr(d, k) for k in REPLAY_KEYS}}


def wind_replay(params: dict, weather) -> np.ndarray:
    """Hourly output [MW] of the fixed capacity in another weather year."""
    s = weather.df["wind_speed"].to_numpy(float)
    p = params
    return p["mw"] * wind_cf(s, p["measured_m"], p["hub_m"], p["roughness_m"],
                             p["loss_fraction"], p["turbine"])  # fmt: skip


COMPONENT = Component(
    "wind",
    "wind",
    add_wind,
    prices=PRICES,
    life={"wind": "wind", "wind_fom": "wind"},
    om=("wind_fom",),
    active=lambda data: data.compute.mode != "peak",
    data=wind_data,
    options=(Option("wind", bool, False, "Wind turbines on the bought parcels (off by default)."),),
    check_options=wind_options,
    bounds=wind_bounds,
    energy=wind_energy,
    land_use=wind_land_use,
    profiles=lambda part: part.cf[None, :],
    with_profiles=lambda part, arr: replace(part, cf=arr[0]),
    extract=extract_wind,
    supply_mw=wind_supply_mw,
    check=check_wind,
    bom=wind_bom,
    table=wind_table,
    draw_map=draw_wind,
    replay_params=wind_replay_params,
    replay=wind_replay,
)
