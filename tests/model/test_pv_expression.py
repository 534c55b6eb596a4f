"""The PV output of a step, built as one linear expression, has the summed expression's terms."""

import numpy as np
import pyomo.environ as pyo
from pyomo.repn import generate_standard_repn

from optimizer.model.pv import hourly_output


def test_hourly_output_equals_sum():
    rng = np.random.default_rng(21)
    cf = rng.uniform(0, 1, (5, 40)) * (rng.uniform(0, 1, (5, 40)) > 0.4)
    cf[:, 3] = 0.0  # a night step
    cf[1:, 4] = 0.0  # one profile with output
    m = pyo.ConcreteModel()
    m.K = pyo.RangeSet(0, 4)
    m.cap = pyo.Var(m.K)
    out = hourly_output(cf, [m.cap[k] for k in m.K])
    for t in range(cf.shape[1]):
        ref = sum(float(cf[k, t]) * m.cap[k] for k in m.K if cf[k, t] > 0)
        got = out(t)
        if not isinstance(ref, int):
            a, b = generate_standard_repn(ref), generate_standard_repn(got)
            assert [v.name for v in a.linear_vars] == [v.name for v in b.linear_vars]
            assert list(a.linear_coefs) == list(b.linear_coefs)
        else:
            assert got == 0
