"""Build the zopt MILP: each component adds its own block and registers its terms.

Shared registries on the model (plain Python lists/dicts, filled by the ``add_*`` functions):

- ``m.supply``: callables ``t -> expression`` [MW] on the supply side of the hourly balance;
- ``m.demand``: callables ``t -> expression`` [MW] on the demand side;
- ``m.costs``: ``name -> expression`` [$M], summed by the objective.

``m.step_h[t]`` is the length of step t [h] (see :mod:`optimizer.model.steps`); ``m.bounds`` the
big-M's of the optional builds (:mod:`optimizer.model.bounds`).
"""

from __future__ import annotations

import pyomo.environ as pyo

from optimizer.model.balance import add_balance
from optimizer.model.battery import add_battery
from optimizer.model.bounds import compute_bounds
from optimizer.model.compute import add_compute
from optimizer.model.data import ModelData
from optimizer.model.land import add_land
from optimizer.model.objective import add_objective
from optimizer.model.pumped_hydro import add_pumped_hydro
from optimizer.model.pv import add_pv
from optimizer.model.site import add_site


def build_model(data: ModelData) -> pyo.ConcreteModel:
    """Return the Pyomo model for ``data`` (all quantities in scaled units)."""
    m = pyo.ConcreteModel(name="zopt")
    m.T = pyo.RangeSet(0, data.hours - 1)
    m.supply, m.demand, m.costs = [], [], {}
    m.step_h = [float(w) for w in data.weights_h]
    m.bounds = data.bounds if data.bounds is not None else compute_bounds(data)
    add_land(m, data)
    add_pv(m, data)
    add_compute(m, data)
    if data.compute.mode != "peak":
        add_pumped_hydro(m, data)
        add_battery(m, data)
    add_site(m, data)
    add_balance(m, data)
    add_objective(m, data)
    return m
