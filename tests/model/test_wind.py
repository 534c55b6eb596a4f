"""Wind (``--wind``): the resource by hand, a wind-only plant by hand, wind against PV alone,
exact steps with a wind profile, the screens and bounds with wind, and a real TMY3 file."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pvlib
import pyomo.environ as pyo
import pytest
from tiny import tiny_data

from optimizer.model.bounds import compute_bounds, pv_lower_bound_musd
from optimizer.model.data import BatteryData
from optimizer.model.diagnose import target_beyond_resources
from optimizer.model.envelope import envelope
from optimizer.model.registry import COMPONENTS, component_options, option_problems
from optimizer.model.steps import exact_steps
from optimizer.model.wind import WindData, wind_data, wind_replay
from optimizer.resource.wind import hub_wind_m_s, turbine, wind_cf
from optimizer.solve.highs import SolveOptions
from optimizer.solve.strategy import solve_with_gap

GREENSBORO = Path(pvlib.__file__).parent / "data" / "723170TYA.CSV"  # ships inside pvlib


def wind(cf, musd_per_mw=1.5, mw_per_acre=0.05, fom=0.0) -> WindData:
    """A wind part with a given capacity factor per step (model units)."""
    return WindData(np.asarray(cf, float), musd_per_mw, fom, mw_per_acre, 10.0, 100.0, 0.1, 0.0)


def test_hub_height_wind_and_capacity_factor_by_hand():
    # log law: 6 m/s at 10 m, z0 = 0.1 m, hub 100 m: 6 ln(1000)/ln(100) = 6 x 3/2 = 9 m/s
    assert hub_wind_m_s(np.array([6.0]), 10.0, 100.0, 0.1)[0] == pytest.approx(9.0)
    t = turbine("V126/3450", 100.0)
    p9 = float(t.power_w[np.flatnonzero(t.speeds_m_s == 9.0)[0]])  # a point of the curve
    cf = wind_cf(np.full(24, 6.0), 10.0, 100.0, 0.1, 0.15)
    assert t.nominal_w == 3.45e6 and 0 < p9 < t.nominal_w
    assert cf == pytest.approx(np.full(24, 0.85 * p9 / 3.45e6))
    assert wind_cf(np.array([0.0, 40.0]), 10.0, 100.0, 0.1, 0.0).tolist() == [0.0, 0.0]


def test_constant_wind_alone_meets_the_load_at_a_hand_cost():
    # No sun at all; wind cf 0.5 every hour. Load 100 chips x 1 kW = 0.1 MW -> W = 0.2 MW.
    # Parcel B (0.03 $M, 10 acres at 0.05 MW/acre = 0.5 MW of room) holds it.
    # Cost = chips 1.0 + land 0.03 + wind 1.5 $M/MW x 0.2 MW = 1.33 $M.
    data = tiny_data([0.0] * 4)
    data.parts["wind"] = wind([0.5] * 4)
    r = solve_with_gap(data, SolveOptions(mip_rel_gap=0), method="direct")
    m = r.model
    assert pyo.value(m.total_cost) == pytest.approx(1.33, rel=1e-7)
    assert pyo.value(m.wind.mw) == pytest.approx(0.2, rel=1e-7)
    assert [round(pyo.value(m.land.buy[p])) for p in m.land.P] == [0, 1]
    assert pyo.value(m.pv_total_mw_dc) == pytest.approx(0.0, abs=1e-9)


def test_wind_spacing_limits_capacity_to_the_bought_acres():
    # 0.005 MW/acre: 10 acres hold 0.05 MW of wind; 0.1 MW of load at cf 1 needs both parcels
    # (0.1 MW) and nothing else: cost = chips 1.0 + land 0.08 + wind 1.5 x 0.1 = 1.23 $M.
    data = tiny_data([0.0] * 4)
    data.parts["wind"] = wind([1.0] * 4, mw_per_acre=0.005)
    m = solve_with_gap(data, SolveOptions(mip_rel_gap=0), method="direct").model
    assert [round(pyo.value(m.land.buy[p])) for p in m.land.P] == [1, 1]
    assert pyo.value(m.total_cost) == pytest.approx(1.23, rel=1e-6)  # HiGHS feasibility 1e-7


def _day_night(with_wind: bool):
    """Sun in hour 0 only (cf 1); Li-ion 0.1 $M/MWh, 0.05 $M/MW, 81 % round trip."""
    bat = BatteryData(energy_musd_per_mwh=0.1, power_musd_per_mw=0.05, round_trip_eff=0.81)
    data = tiny_data([1.0, 0.0, 0.0, 0.0], battery=bat)
    if with_wind:
        data.parts["wind"] = wind([0.4, 0.4, 0.4, 0.4], musd_per_mw=1.0)
    m = solve_with_gap(data, SolveOptions(mip_rel_gap=0), method="direct").model
    return pyo.value(m.total_cost), pyo.value(m.battery.energy_mwh), m


def test_wind_lowers_storage_and_cost_against_pv_alone():
    # PV alone: 0.3 MWh of night from a battery (0.3/0.9 stored), PV 0.1 + 0.3/0.81 MW_dc.
    cost_pv, e_pv, _ = _day_night(False)
    e_hand = 0.3 / 0.9
    pv_hand = 0.1 + 0.3 / 0.81
    p_hand = 0.3 / 0.81  # charged in one hour
    assert e_pv == pytest.approx(e_hand, rel=1e-6)
    assert cost_pv == pytest.approx(1.0 + 0.03 + pv_hand + 0.1 * e_hand + 0.05 * p_hand, rel=1e-6)
    # wind at cf 0.4 and 1 $M/MW: 0.25 MW covers every hour for 0.25 $M, cheaper than storage
    cost_w, e_w, m = _day_night(True)
    assert e_w < 1e-6 < e_pv and cost_w < cost_pv
    assert cost_w == pytest.approx(1.0 + 0.03 + 0.25, rel=1e-6)
    assert pyo.value(m.wind.mw) == pytest.approx(0.25, rel=1e-6)


def test_exact_steps_keep_the_wind_profile():
    """Night hours merge only where the wind is equal too; the merged profile is the mean."""
    data = tiny_data([0.0, 0.0, 0.0, 0.5, 0.0, 0.0])
    data.parts["wind"] = wind([0.2, 0.2, 0.6, 0.1, 0.3, 0.3])
    merged = exact_steps(data)
    assert merged.weights_h.tolist() == [2.0, 1.0, 1.0, 2.0]
    assert merged.parts["wind"].cf.tolist() == pytest.approx([0.2, 0.6, 0.1, 0.3])
    assert merged.pv.cf[0].tolist() == [0.0, 0.0, 0.5, 0.0]


def test_the_envelope_and_the_bounds_count_wind():
    # PV gives nothing: without wind the land cannot supply the energy; with it, it can.
    data = tiny_data([0.0] * 4)
    assert target_beyond_resources(data).startswith("Land limits the design")
    data.parts["wind"] = wind([0.5] * 4)
    env = envelope(data)
    assert env.sources == ["pv", "wind"] and env.words() == "PV and wind"
    assert env.land_mwh == pytest.approx(4 * 0.5 * 0.05 * 20)
    assert target_beyond_resources(data) is None
    # energy lower bound: 0.4 MWh at wind's 1.5 $M/MW / 2 MWh per MW = 0.3 $M (PV's is inf)
    assert pv_lower_bound_musd(data) == pytest.approx(0.3)
    b = compute_bounds(data, incumbent_musd=1.33)
    assert b.parts["wind"]["mw"] == pytest.approx((1.33 - 1.0) / 1.5, rel=1e-5)
    # storage charging may come from wind: its best hour at full land is in the charge bound
    data.battery = BatteryData(0.1, 0.05, 0.81)
    assert compute_bounds(data).liion_power_mw >= 0.5 * 0.05 * 20  # 0.5 MW of wind
    without = tiny_data([0.0] * 4, battery=BatteryData(0.1, 0.05, 0.81))
    assert compute_bounds(without).liion_power_mw < 0.2  # the facility load only


def test_wind_options_are_declared_once_and_checked():
    assert "wind" in {o.name for o in component_options()}
    assert option_problems({"wind": True, "design_years": "first"}) == []
    bad = option_problems({"wind": True, "design_years": "all"})
    assert [p.column for p in bad] == ["--wind"]
    assert next(c for c in COMPONENTS if c.name == "wind").rounding is None  # no integers


@pytest.mark.skipif(not GREENSBORO.is_file(), reason="Greensboro TMY3 copy absent")
def test_real_tmy3_wind_speed_gives_a_plausible_capacity_factor():
    """Greensboro NC TMY3 (pvlib's copy): wind at 10 m; the V126 at 100 m runs at a modest
    capacity factor, and the stress replay gives the same hours as the design data."""
    from types import SimpleNamespace

    from optimizer.inputs.prices import load_prices
    from optimizer.inputs.weather import read_weather

    weather, problems = read_weather(GREENSBORO)
    assert not problems
    prices, problems = load_prices()
    assert not problems
    inputs = SimpleNamespace(prices=prices, weather=weather, parcels=None)
    d = wind_data(inputs, {"wind": True})
    assert len(d.cf) == 8760 and 0.05 < d.cf.mean() < 0.5 and d.cf.max() <= 0.85 + 1e-12
    again = wind_replay({"mw": 2.0, "measured_m": 10.0, "hub_m": 100.0, "roughness_m": 0.1,
                         "loss_fraction": 0.15, "turbine": "V126/3450"}, weather)  # fmt: skip
    assert again == pytest.approx(2.0 * d.cf)
    assert not math.isnan(float(again.sum()))


def test_constant_wind_speed_site_from_the_weather_to_the_cost_by_hand():
    """6 m/s at 10 m every hour, z0 0.1 m, 100 m hub: 9 m/s at the hub, where the V126's
    curve gives 2,482 kW of 3,450; less 15 % losses cf = 0.85 x 2482/3450 = 0.611507. The
    0.1 MW load needs W = 0.1 / 0.611507 = 0.163530 MW at 1.5 $M/MW = 0.245295 $M; with the
    chips (1.0) and parcel B (0.03): 1.275295 $M. No sun, no storage."""
    cf = wind_cf(np.full(4, 6.0), 10.0, 100.0, 0.1, 0.15)
    assert cf == pytest.approx(np.full(4, 0.611507), rel=1e-6)
    data = tiny_data([0.0] * 4)
    data.parts["wind"] = wind(cf)
    m = solve_with_gap(data, SolveOptions(mip_rel_gap=0), method="direct").model
    assert pyo.value(m.wind.mw) == pytest.approx(0.163530, rel=1e-5)
    assert pyo.value(m.total_cost) == pytest.approx(1.275295, rel=1e-6)
