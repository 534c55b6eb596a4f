"""Hourly dispatch shared by every storage technology (pumped hydro, Li-ion).

For each unit u and hour t (cyclic over the horizon, :math:`t-1` of the first hour is the last):

.. math::
    L_{u,t} = L_{u,t-1} + \\eta^{in}_u Q^{in}_{u,t} - Q^{out}_{u,t} / \\eta^{out}_u - \\lambda_u

    0 \\le Q^{in}_{u,t} \\le P^{in}_u, \\quad 0 \\le Q^{out}_{u,t} \\le P^{out}_u,
    \\quad 0 \\le L_{u,t} \\le E_u

with charge/discharge power :math:`Q` [MW], level :math:`L` [MWh], losses :math:`\\lambda` [MWh/h]
(flows are multiplied by the step length :math:`w_t` [h] when steps are longer than 1 h, see
:mod:`optimizer.model.steps`).
Discharge is registered as supply and charge as demand in the hourly balance.
"""

from __future__ import annotations

from collections.abc import Callable

import pyomo.environ as pyo


def add_dispatch(
    m: pyo.ConcreteModel,
    b: pyo.Block,
    charge_cap: Callable[[object], object],
    discharge_cap: Callable[[object], object],
    energy_cap: Callable[[object], object],
    eff_in: Callable[[object], float],
    eff_out: Callable[[object], float],
    loss_mwh_per_h: Callable[[object], object],
) -> None:
    """Add ``charge_mw``, ``discharge_mw``, ``level_mwh`` over ``b.U x m.T`` to block ``b``.

    The callables map a unit index to its Pyomo expression or number.
    """
    last = m.T.last()
    b.charge_mw = pyo.Var(b.U, m.T, domain=pyo.NonNegativeReals)
    b.discharge_mw = pyo.Var(b.U, m.T, domain=pyo.NonNegativeReals)
    b.level_mwh = pyo.Var(b.U, m.T, domain=pyo.NonNegativeReals)
    b.charge_limit = pyo.Constraint(
        b.U, m.T, rule=lambda b, u, t: b.charge_mw[u, t] <= charge_cap(u)
    )
    b.discharge_limit = pyo.Constraint(
        b.U, m.T, rule=lambda b, u, t: b.discharge_mw[u, t] <= discharge_cap(u)
    )
    b.level_limit = pyo.Constraint(
        b.U, m.T, rule=lambda b, u, t: b.level_mwh[u, t] <= energy_cap(u)
    )

    def level_rule(b, u, t):
        prev = b.level_mwh[u, last] if t == m.T.first() else b.level_mwh[u, t - 1]
        return b.level_mwh[u, t] == prev + m.step_h[t] * (
            eff_in(u) * b.charge_mw[u, t] - b.discharge_mw[u, t] / eff_out(u) - loss_mwh_per_h(u)
        )

    b.level_balance = pyo.Constraint(b.U, m.T, rule=level_rule)
    m.supply.append(lambda t: sum(b.discharge_mw[u, t] for u in b.U))
    m.demand.append(lambda t: sum(b.charge_mw[u, t] for u in b.U))
