"""Hourly energy balance over the registered supply and demand terms.

.. math:: \\sum_i S_{i,t} \\ge \\sum_j D_{j,t} \\quad \\forall t \\in T \\quad [MW]

PV output above demand is curtailed (the inequality). In ``peak`` mode only the best PV hour of
the year is constrained: the plant must run every chip at full power then, without storage.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from optimizer.model.data import ModelData


def best_hour(data: ModelData) -> int:
    """Return the hour with the highest mean PV output over the profiles."""
    return int(np.argmax(data.pv.cf.mean(axis=0)))


def add_balance(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Add ``m.balance[t]`` (all hours, or only the best hour in ``peak`` mode)."""
    hours = [best_hour(data)] if data.compute.mode == "peak" else list(m.T)
    m.balance_hours = pyo.Set(initialize=hours)

    def rule(m, t):
        return sum(f(t) for f in m.supply) >= sum(g(t) for g in m.demand)

    m.balance = pyo.Constraint(m.balance_hours, rule=rule)
