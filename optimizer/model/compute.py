"""Compute: integer chip counts per type, the FLOPS target, and the facility load.

.. math::
    n_c \\in \\mathbb{Z}_{\\ge 0},\\ n_c \\le \\min(\\bar n_c, \\hat n_c), \\qquad
    IT = \\sum_c w_c n_c \\;[MW], \\qquad D_t = PUE \\cdot IT

Target modes (``F`` target [PFLOPS], :math:`f_c` PFLOPS per chip):

- ``sustained``: :math:`\\sum_c f_c n_c \\ge F` and the full load :math:`D_t` is served every hour.
  With ``max_unserved`` :math:`u`, an unserved power :math:`U_t \\le D_t` may enter the balance
  as supply, with :math:`\\sum_t w_t U_t \\le u \\sum_t w_t D_t` (at most a fraction u of the
  year's compute energy goes unserved; :math:`w_t` step length [h]);
- ``peak``: :math:`\\sum_c f_c n_c \\ge F`; the load is served in the best PV hour only;
- ``average``: chips may idle. Running chips :math:`r_{c,t} \\le n_c`,
  :math:`D_t = PUE \\sum_c w_c r_{c,t}` and
  :math:`\\frac{1}{\\sum_t w_t}\\sum_{c,t} w_t f_c r_{c,t} \\ge F`. With
  ``prune_dominated`` only types not dominated in cost and power per PFLOPS get hourly
  variables (a restriction costing at most
  :func:`~optimizer.model.bounds.dominated_slack_musd`).

:math:`\\bar n_c` is ``max_count``, :math:`\\hat n_c` the bound some optimal design meets
(:mod:`optimizer.model.bounds`). Costs [$M]: chips (with server/network share)
:math:`\\sum_c p_c n_c`; data hall :math:`h \\cdot IT`.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from optimizer.model.data import ModelData

#: relative slack on the average-mode target row: its 4,600 x chip-type terms sum the target back
#: only to ~1e-12 relative, so a design with exactly the target's chips (a sustained design) would
#: be refused by HiGHS's absolute feasibility tolerance; far inside the check's 1e-6
AVERAGE_TARGET_TOL = 1e-9


def add_compute(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Add block ``m.compute`` and register the facility load and the compute costs."""
    d = data.compute
    b = m.compute = pyo.Block()
    b.C = pyo.RangeSet(0, len(d.names) - 1)
    limit = np.minimum(d.max_count, m.bounds.chip_count)
    ub = [None if not np.isfinite(x) else float(x) for x in limit]
    b.count = pyo.Var(b.C, domain=pyo.NonNegativeIntegers, bounds=lambda _, c: (0, ub[c]))
    b.installed_pflops = pyo.Expression(
        expr=sum(float(d.pflops_per_chip[c]) * b.count[c] for c in b.C)
    )
    b.it_mw = pyo.Expression(expr=sum(float(d.it_mw_per_chip[c]) * b.count[c] for c in b.C))
    if d.mode == "average":
        _add_average_mode(m, b, data)
    else:
        b.target = pyo.Constraint(expr=b.installed_pflops >= d.target_pflops)
        m.demand.append(lambda t: d.pue * b.it_mw)
        if d.mode == "sustained" and d.max_unserved > 0:
            _add_unserved(m, b, data)
    m.costs["chips"] = sum(float(d.musd_per_chip[c]) * b.count[c] for c in b.C)
    m.costs["data_hall"] = d.hall_musd_per_mw_it * b.it_mw


def _add_unserved(m: pyo.ConcreteModel, b: pyo.Block, data: ModelData) -> None:
    """Allow a fraction ``max_unserved`` of the year's compute energy to go unserved."""
    d = data.compute
    b.unserved_mw = pyo.Var(m.T, domain=pyo.NonNegativeReals)
    b.unserved_hour = pyo.Constraint(m.T, rule=lambda b, t: b.unserved_mw[t] <= d.pue * b.it_mw)
    w = m.step_h
    b.unserved_year = pyo.Constraint(
        expr=sum(w[t] * b.unserved_mw[t] for t in m.T) <= d.max_unserved * sum(w) * d.pue * b.it_mw
    )
    m.supply.append(lambda t: b.unserved_mw[t])


def _add_average_mode(m: pyo.ConcreteModel, b: pyo.Block, data: ModelData) -> None:
    """Hourly running chips: the year's delivered FLOP must average at least the target."""
    d = data.compute
    # a type dominated per PFLOPS can still be the cheapest whole-chip remainder, so every type
    # runs unless the caller prunes (LP bounds, see optimizer.model.bounds.dominated_slack_musd)
    keep = [int(c) for c in d.undominated()] if d.prune_dominated else list(b.C)
    for c in b.C:
        if c not in keep:
            b.count[c].fix(0)
    b.R = pyo.Set(initialize=keep, ordered=True)
    b.running = pyo.Var(b.R, m.T, domain=pyo.NonNegativeReals)
    b.running_limit = pyo.Constraint(b.R, m.T, rule=lambda b, c, t: b.running[c, t] <= b.count[c])
    w = m.step_h
    hours = sum(w)
    b.target = pyo.Constraint(
        expr=sum(
            float(d.pflops_per_chip[c]) * w[t] / hours * b.running[c, t] for c in b.R for t in m.T
        )
        >= d.target_pflops * (1 - AVERAGE_TARGET_TOL)
    )
    m.demand.append(
        lambda t: d.pue * sum(float(d.it_mw_per_chip[c]) * b.running[c, t] for c in b.R)
    )
