"""Objective: minimum total capital cost, the sum of every registered cost term [$M]."""

from __future__ import annotations

import pyomo.environ as pyo

from optimizer.model.data import ModelData


def add_objective(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Add ``m.cost_musd[name]`` expressions and ``m.total_cost`` = their sum (minimised)."""
    names = list(m.costs)
    m.cost_names = pyo.Set(initialize=names, ordered=True)
    m.cost_musd = pyo.Expression(m.cost_names, rule=lambda m, n: m.costs[n])
    m.total_cost = pyo.Objective(expr=sum(m.cost_musd[n] for n in names), sense=pyo.minimize)
