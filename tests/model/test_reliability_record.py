"""--reliability over a record, by hand: two "years" of 4 hours laid end to end, one storage.

Load 0.1 MW (100 chips x 1 kW, PUE 1); PV at 1 $M/MW_dc; year 1 has cf 0.5, year 2 cf 0.25
(a dull year). Reliability R = 0.75 of the record's 0.8 MWh may leave 0.2 MWh unserved.
With P MW_dc of PV the record has 3P MWh of sun, so serving 0.6 MWh needs P >= 0.2 even with
perfect storage; P = 0.2 serves year 1 fully (0.5 x 0.2 = 0.1 MW) and half of year 2
(0.2 MWh unserved): cost = chips 1.0 + parcel B 0.03 + PV 0.2 = 1.23 $M, the battery unused.
Year 2 alone is served at 50 %: the target is the record's, not each year's. With R = 1 the
plant must carry year 1's surplus into year 2 (storage across the year boundary) and costs more.
"""

from dataclasses import replace

import pyomo.environ as pyo
import pytest
from tiny import tiny_data

from optimizer.model.data import BatteryData
from optimizer.results.solution import extract_solution
from optimizer.solve.highs import SolveOptions
from optimizer.solve.strategy import solve_with_gap

CF = [0.5] * 4 + [0.25] * 4  # year 1, then year 2


def _solve(reliability: float):
    bat = BatteryData(energy_musd_per_mwh=0.1, power_musd_per_mw=0.05, round_trip_eff=0.81)
    data = tiny_data(CF, battery=bat)
    data = replace(data, compute=replace(data.compute, max_unserved=1.0 - reliability))
    r = solve_with_gap(data, SolveOptions(mip_rel_gap=0), method="direct")
    return r, extract_solution(r.model, r.data)


def test_reliability_of_the_record_by_hand():
    r, sol = _solve(0.75)
    assert pyo.value(r.model.total_cost) == pytest.approx(1.23, rel=1e-6)
    assert pyo.value(r.model.pv_total_mw_dc) == pytest.approx(0.2, rel=1e-6)
    unserved = sol.parts["compute"]["unserved_mw"]
    assert unserved[:4].sum() == pytest.approx(0.0, abs=1e-7)  # year 1 fully served
    assert unserved[4:].sum() == pytest.approx(0.2, rel=1e-6)  # year 2: 50 % served


def test_every_hour_costs_more_and_carries_storage_into_year_2():
    r, sol = _solve(1.0)
    assert pyo.value(r.model.total_cost) > 1.23 + 0.01
    level = sol.storage[0].level_mwh
    assert level[3] > 0.1  # stored at the end of year 1 for year 2
