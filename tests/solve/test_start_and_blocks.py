"""MIP starts reach HiGHS; the vectorised hour angle equals pvlib's."""

import numpy as np
import pandas as pd
import pvlib
import pyomo.environ as pyo
import pytest

from optimizer.inputs.weather_checks import hour_angle_deg
from optimizer.solve.highs import SolveOptions, solve_model


def _knapsack():
    m = pyo.ConcreteModel()
    m.I = pyo.RangeSet(0, 5)
    w = [3, 4, 5, 6, 7, 8]
    m.x = pyo.Var(m.I, domain=pyo.Binary)
    m.cover = pyo.Constraint(expr=sum(w[i] * m.x[i] for i in m.I) >= 14)
    m.obj = pyo.Objective(expr=sum((w[i] + 0.1 * i) * m.x[i] for i in m.I))
    return m


def test_mip_start_is_handed_to_highs(capfd):
    m = _knapsack()
    start = [(m.x[i], 1 if i in (3, 5) else 0) for i in m.I]  # 6 + 8 = 14: feasible, 14.8
    r = solve_model(m, SolveOptions(mip_rel_gap=0, log_to_console=True), start)
    out = capfd.readouterr().out
    assert "MIP start solution is feasible: objective value is 14.8" in out
    assert r.objective == pytest.approx(14.5)  # weights 3 + 4 + 7 or 3 + 5 + 6: 14 + 0.5


def test_hour_angle_matches_pvlib():
    times = pd.date_range("2021-01-01 00:17", periods=8760, freq="h", tz="Etc/GMT+7")
    eot = pvlib.solarposition.equation_of_time_spencer71(times.day_of_year.to_numpy())
    ours = hour_angle_deg(times, -111.98, eot)
    ref = pvlib.solarposition.hour_angle(times, -111.98, eot)
    turns = (ours - ref) / 360.0
    assert np.allclose(turns, np.round(turns), atol=1e-9)
