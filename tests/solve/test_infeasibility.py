"""Infeasibility in words that hold: one tiny case per limiting resource, each named with its
numbers by re-solving relaxations with one limit lifted at a time (and land never blamed when
the land suffices)."""

from __future__ import annotations

import numpy as np
import pytest
from test_site import site_data
from tiny import chips, tiny_data, tiny_phs

from optimizer.errors import InfeasibleError
from optimizer.model.data import BatteryData
from optimizer.solve.highs import SolveOptions
from optimizer.solve.infeasibility import diagnose, explain, explain_infeasible
from optimizer.solve.strategy import solve_with_gap

NIGHT = [0, 0, 1, 1, 1, 1, 0, 0]  # 4 sunny hours, 4 dark hours (cyclic)
LIION = BatteryData(0.1, 0.05, 0.81, enabled=False)  # off, with prices: the lift turns it on


def words(data) -> str:
    """The message a failed solve raises (one line)."""
    with pytest.raises(InfeasibleError) as exc:
        solve_with_gap(data, SolveOptions(), explain_infeasible=lambda: explain_infeasible(data))
    return " ".join(str(exc.value).split())


def test_land():
    # 2 MW_dc at cf 0.5 gives 1 MW; 5,000 chips of 1 kW need 5 MW: 10 MW_dc = 100 acres
    text = words(tiny_data([0.5] * 4, target_pflops=5000))
    assert "Land limits the design" in text
    assert "uses 10.0 MW_dc of PV, 100 acres at 0.1 MW_dc/acre" in text
    assert "the layer has 20 buildable acres (2.0 MW_dc)" in text
    assert "LP relaxation (whole numbers relaxed" in text


def _night_case(target: float, compute=None, volume_m3: float = 1e4):
    """PV all day on 4 MW_dc; the nights only from a 1e4 m3 reservoir at 100 m (2.7 MWh)."""
    data = tiny_data(NIGHT, target_pflops=target, max_mw=(2.0, 2.0), battery=LIION)
    data.phs = tiny_phs(max_volume_m3=volume_m3)
    if compute is not None:
        data.compute = compute
    return data


def test_chip_max_count():
    # 300 efficient chips (1 kW) at most, the rest at 3 kW: the night's 3.6 MWh exceed the
    # reservoir's 2.5 MWh at the turbine; 500 efficient chips (2 MWh a night) would fit
    comp = chips(["eff", "hot"], [1, 1], [1, 3], [1e4, 1e4], 500, max_count=[300, np.inf])
    text = words(_night_case(500, comp))
    assert "Chip max_count limits the design: eff at most 300 chips = 300.0 PFLOPS" in text
    assert "against the 500.0 PFLOPS target" in text
    assert "uses 500 x eff" in text
    assert "Land limits" not in text


def test_reservoir_volume():
    # 1 MW through a 4-hour night needs 4 MWh at the turbine; 0.01 Mm3 at 100 m holds 2.7 MWh
    text = words(_night_case(1000))
    assert "Reservoir volume limits the design: the 1 reservoir sites hold at most 0.01 Mm3" in text
    assert "(2.7 MWh)" in text
    assert "Land limits" not in text and "land" in text.split("Not limiting on its own:")[1]


def test_distance_limit():
    # P (10 acres) lies 2 km from S1 and 5 km from S2: beyond 1.5 km of both; the candidates'
    # 2 acres (less the 1-acre hall) cannot power 0.2 MW at cf 0.9, even without the hall
    data = site_data(0.1, max_km=1.5)
    data.pv.cf[:] = 0.9
    data.compute.target_pflops = 200.0
    data.land.site.hall_acres_per_mw_it = 5.0
    text = words(data)
    assert "The distance limit of 1.5 km limits the design" in text
    assert "lie 1 of the layer's 12 buildable acres" in text
    assert "buys parcels up to 2.0 km" in text
    assert "Land limits" not in text  # the land suffices: only the land within reach is short


def test_cluster_limit():
    # S1 and S2 touch (cluster 0), P is apart; one cluster allowed: the hall (0.9 acre) and
    # 0.2 MW_dc of PV at cf 0.9 do not fit on S1 + S2 at any single site
    data = site_data(0.1, max_clusters=1)
    data.land.site.cluster = np.array([0, 0, 1])
    data.pv.cf[:] = 0.9
    data.compute.target_pflops = 180.0
    data.land.site.hall_acres_per_mw_it = 5.0
    text = words(data)
    assert "The cluster limit (--max-sites 1) limits the design" in text
    assert "the 1 largest clusters of touching parcels hold 10 of the layer's 12" in text
    assert "in 2 clusters" in text
    assert "Land limits" not in text


def test_hall_footprint():
    data = site_data(0.1)
    data.land.site.hall_acres_per_mw_it = 100.0  # 0.1 MW_IT -> 10 acres; candidates have 1
    text = words(data)
    assert "The data hall's footprint limits the design" in text
    assert "a hall of 10.0 acres (100 acres per MW_IT)" in text
    assert "the largest campus within reach (parcel S1 and the 0 parcels adjacent to it) has " \
        "1.0 buildable acres" in text


def test_hall_that_fits_only_when_spread_is_found_at_the_site_level():
    data = site_data(0.1)
    data.land.site.hall_acres_per_mw_it = 15.0  # 1.5 acres: fits S1 + S2, not either
    text = words(data)
    assert "feasible with the hall spread over the candidate sites, but not at any single" in text
    assert "a hall of 1.5 acres" in text


def test_whole_chips_are_the_integer_limit():
    # one 100-PFLOPS chip of 1 MW for a 50-PFLOPS target: the LP takes half a chip (0.5 MW),
    # a design needs a whole one; the land gives 0.7 MW
    data = tiny_data([0.35] * 4, target_pflops=50)
    data.compute = chips(["big"], [100], [1000], [1e4], 50)
    text = words(data)
    assert "so the integer structure holds it back (whole chips" in text
    assert "Land limits the design" in text and "2.9 MW_dc of PV, 29 acres" in text
    diag = diagnose(data)
    assert diag.level == "milp" and list(diag.limiting) == ["land"]


def test_no_single_lift_names_the_pair():
    # 2 MW on 1.2 MW_dc of land, and a 200-acre hall on 1-acre candidates: neither lift alone
    data = site_data(0.1)
    data.compute.target_pflops = 2000.0
    data.land.site.hall_acres_per_mw_it = 100.0
    diag = diagnose(data)
    assert not diag.limiting and diag.pairs == [("hall footprint", "land")]
    text = explain(diag)
    assert "No single limit lifted makes it feasible (Li-ion off, hall footprint, land)" in text
    assert "Lifted together, these pairs do: hall footprint and land." in text


def test_diagnosis_is_bounded_in_time():
    diag = diagnose(tiny_data([0.5] * 4, target_pflops=5000), budget_s=0.0)
    assert diag.level is None and diag.solves == 0
    text = explain(diag, fallback="Land limits the design: (data check).")
    assert "did not settle" in text and "(data check)" in text


def test_a_fixed_design_beyond_a_limit_is_infeasible_not_a_traceback():
    import pyomo.environ as pyo

    from optimizer.solve.highs import solve_model

    m = pyo.ConcreteModel()
    m.x = pyo.Var(bounds=(0, 1))
    m.x.fix(1)
    m.far = pyo.Constraint(expr=m.x <= 0)
    m.obj = pyo.Objective(expr=m.x)
    r = solve_model(m)
    assert "Infeasible" in r.status and not r.has_solution
