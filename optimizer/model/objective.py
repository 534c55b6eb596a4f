"""Objective: capital cost (``capex``) or net present cost (``lifecycle``), both linear [$M].

.. math::
    \\min \\sum_n \\phi_n K_n + A \\sum_n \\psi_n G_n

with :math:`K_n` the registered capital terms ``m.costs`` [$M], :math:`G_n` the registered
annual terms ``m.annual_costs`` [$M/yr] (fuel; fixed and variable O&M), :math:`A` the present
value of 1 $/yr over the plant life, :math:`\\phi_n` 1 (capex) or the NPC factor of the term's
life class (lifecycle) and :math:`\\psi_n` 1, except 0 for an O&M term under ``capex``
(:func:`optimizer.model.registry.om_terms`); see :mod:`optimizer.model.lifecycle`.
"""

from __future__ import annotations

import pyomo.environ as pyo

from optimizer.model.data import ModelData
from optimizer.model.registry import life_class, om_terms


def add_objective(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Add ``m.cost_musd[name]`` (capital terms [$M]), ``m.annual_musd[name]`` (annual terms
    [$M/yr]) and ``m.total_cost`` (the objective, minimised)."""
    lc = data.lifecycle
    names = list(m.costs)
    m.cost_names = pyo.Set(initialize=names, ordered=True)
    m.cost_musd = pyo.Expression(m.cost_names, rule=lambda m, n: m.costs[n])
    annual = list(m.annual_costs)
    m.annual_names = pyo.Set(initialize=annual, ordered=True)
    m.annual_musd = pyo.Expression(m.annual_names, rule=lambda m, n: m.annual_costs[n])
    weight = {n: lc.objective_factor(life_class(n)) for n in names}
    expr = sum(weight[n] * m.cost_musd[n] for n in names)
    om = om_terms()
    counted = [n for n in annual if lc.counts(n in om)]
    if counted:
        expr = expr + lc.annuity * sum(m.annual_musd[n] for n in counted)
    m.total_cost = pyo.Objective(expr=expr, sense=pyo.minimize)
