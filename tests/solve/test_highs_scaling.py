"""Raw SI magnitudes must never reach HiGHS (bounds >= 1e20 are infinite there)."""

import pyomo.environ as pyo
import pytest

from optimizer.solve.highs import ScalingError, SolveOptions, solve_model


def test_raw_flops_coefficient_is_refused():
    m = pyo.ConcreteModel()
    m.n = pyo.Var(domain=pyo.NonNegativeIntegers)
    m.target = pyo.Constraint(expr=4.5e15 * m.n >= 1e21)  # FLOPS, not PFLOPS
    m.obj = pyo.Objective(expr=m.n)
    with pytest.raises(ScalingError, match="too large"):
        solve_model(m, SolveOptions())


def test_scaled_model_solves():
    m = pyo.ConcreteModel()
    m.n = pyo.Var(domain=pyo.NonNegativeIntegers)
    m.target = pyo.Constraint(expr=4.5 * m.n >= 1e6)  # PFLOPS
    m.obj = pyo.Objective(expr=0.035 * m.n)
    r = solve_model(m, SolveOptions(mip_rel_gap=0))
    assert r.status == "Optimal"
    assert pyo.value(m.n) == 222223
