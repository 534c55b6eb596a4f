"""Property-based invariants on small random plants (hypothesis), solved exactly.

Each instance: two parcels, one pumped-hydro site, one or two chip types, a two-day year of
random daylight profiles; the full MILP is solved directly (``method="direct"``, gap 0). Invariants:
prices x k scale the cost by k and keep the design; a higher target never costs less; an extra
candidate parcel never costs more; average never costs more than sustained; the independent
replay passes on every answer and fails on a perturbed one.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tiny import tiny_data, tiny_phs

from optimizer.model.data import LandData
from optimizer.results.solution import extract_solution
from optimizer.results.verify import replay_levels
from optimizer.solve.highs import SolveOptions
from optimizer.solve.strategy import solve_with_gap

EXACT = SolveOptions(mip_rel_gap=0)
SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def plants(draw):
    """A random small plant (model units)."""
    day = [draw(st.floats(0.05, 1.0)) for _ in range(6)]
    cf = [0.0] * 6 + day + [0.0] * 6 + [draw(st.floats(0.0, 1.0)) * x for x in day]
    target = draw(st.floats(20.0, 200.0))
    prices = (draw(st.floats(0.0, 0.2)), draw(st.floats(0.0, 0.2)))
    data = tiny_data(cf, target_pflops=target, max_mw=(2.0, 3.0), prices_musd=prices)
    data.phs = tiny_phs(fixed_musd=draw(st.floats(0.0, 0.3)), max_volume_m3=5e6)
    if draw(st.booleans()):  # a second chip type: dearer, more efficient
        c = data.compute
        c.names = ["chip", "eff"]
        c.pflops_per_chip = np.array([1.0, 2.5])
        c.it_mw_per_chip = np.array([0.001, 0.0015])
        c.musd_per_chip = np.array([0.01, draw(st.floats(0.02, 0.05))])
        c.max_count = np.array([np.inf, np.inf])
    return data


def _cost(data) -> float:
    return solve_with_gap(data, EXACT, method="direct").upper_bound


def _scaled(data, k: float):
    d = replace(data)
    d.land = replace(data.land, price_musd=data.land.price_musd * k)
    d.pv = replace(data.pv, musd_per_mw_dc=data.pv.musd_per_mw_dc * k)
    d.phs = replace(
        data.phs,
        fixed_musd=data.phs.fixed_musd * k,
        reservoir_musd_per_mm3=data.phs.reservoir_musd_per_mm3 * k,
        pump_musd_per_mw=data.phs.pump_musd_per_mw * k,
        turbine_musd_per_mw=data.phs.turbine_musd_per_mw * k,
        house_musd_per_mw=data.phs.house_musd_per_mw * k,
    )
    d.compute = replace(data.compute, musd_per_chip=data.compute.musd_per_chip * k)
    return d


@SETTINGS
@given(plants(), st.floats(0.5, 4.0))
def test_prices_times_k_scale_the_cost(data, k):
    base = solve_with_gap(data, EXACT, method="direct")
    scaled = solve_with_gap(_scaled(data, k), EXACT, method="direct")
    assert scaled.upper_bound == pytest.approx(k * base.upper_bound, rel=1e-5, abs=1e-7)


@SETTINGS
@given(plants(), st.floats(1.0, 1.5))
def test_a_higher_target_never_costs_less(data, factor):
    higher = replace(
        data, compute=replace(data.compute, target_pflops=data.compute.target_pflops * factor)
    )
    assert _cost(higher) >= _cost(data) * (1 - 1e-7)


@SETTINGS
@given(plants(), st.floats(0.0, 0.3))
def test_an_extra_parcel_never_costs_more(data, price):
    land = data.land
    more = replace(
        data,
        land=LandData(
            ids=[*land.ids, "C"],
            buildable_acres=np.append(land.buildable_acres, 15.0),
            price_musd=np.append(land.price_musd, price),
            profile=np.append(land.profile, 0),
            mw_dc_per_acre=land.mw_dc_per_acre,
        ),
    )
    assert _cost(more) <= _cost(data) * (1 + 1e-7)


@SETTINGS
@given(plants())
def test_average_never_costs_more_than_sustained(data):
    avg = replace(data, compute=replace(data.compute, mode="average"))
    assert _cost(avg) <= _cost(data) * (1 + 1e-7)


@SETTINGS
@given(plants(), st.floats(0.01, 0.5))
def test_the_replay_holds_and_a_perturbed_answer_fails_it(data, shift):
    r = solve_with_gap(data, EXACT, method="direct")
    sol = extract_solution(r.model, r.data)
    unit = sol.storage[0]
    assert np.abs(replay_levels(unit) - unit.level_mwh).max() <= 1e-6 * max(unit.energy_mwh, 1)
    if unit.discharge_mw.max() > 1e-6:
        bad = replace(unit, discharge_mw=unit.discharge_mw * (1 + shift))
        assert np.abs(replay_levels(bad) - bad.level_mwh).max() > 1e-6 * max(unit.energy_mwh, 1)
