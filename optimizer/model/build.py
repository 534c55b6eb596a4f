"""Build the zopt MILP: each component adds its own block and registers its terms.

Shared registries on the model (plain Python lists/dicts, filled by the ``add_*`` functions):

- ``m.supply``: callables ``t -> expression`` [MW] on the supply side of the hourly balance;
- ``m.demand``: callables ``t -> expression`` [MW] on the demand side;
- ``m.costs``: ``name -> expression`` [$M], capital terms;
- ``m.annual_costs``: ``name -> expression`` [$M/yr], operating terms (fuel, variable O&M);
- ``m.zopt_components``: the names of the registry components present, in build order.

The components are those of :data:`optimizer.model.registry.COMPONENTS`, added in that order;
a model with an integer variable no component's rounding covers is refused
(:func:`~optimizer.model.registry.unrounded_integers`: a strategy could not fix it, and the
"exact" evaluation of a design would leave it fractional); then the hourly balance and the
objective (:mod:`optimizer.model.objective`).

``m.step_h[t]`` is the length of step t [h] (see :mod:`optimizer.model.steps`); ``m.bounds`` the
big-M's of the optional builds (:mod:`optimizer.model.bounds`); ``m.segment_starts`` the steps
where storage levels start free (:attr:`~optimizer.model.data.ModelData.segment_starts_h`,
:mod:`optimizer.model.storage`).
"""

from __future__ import annotations

import gc
from contextlib import contextmanager

import pyomo.environ as pyo

from optimizer.model.balance import add_balance
from optimizer.model.bounds import compute_bounds
from optimizer.model.data import ModelData
from optimizer.model.objective import add_objective
from optimizer.model.registry import add_components, unrounded_integers


@contextmanager
def cyclic_gc_paused():
    """Pause Python's cyclic garbage collector (reference counting still frees): building a
    model allocates millions of expression objects, each allocation burst otherwise starting a
    full scan of every live object."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def build_model(data: ModelData) -> pyo.ConcreteModel:
    """Return the Pyomo model for ``data`` (all quantities in scaled units)."""
    with cyclic_gc_paused():
        return _build(data)


def _build(data: ModelData) -> pyo.ConcreteModel:
    m = pyo.ConcreteModel(name="zopt")
    m.T = pyo.RangeSet(0, data.hours - 1)
    m.supply, m.demand, m.costs, m.annual_costs = [], [], {}, {}
    m.step_h = [float(w) for w in data.weights_h]
    m.segment_starts = data.segment_start_steps
    m.bounds = data.bounds if data.bounds is not None else compute_bounds(data)
    add_components(m, data)
    if loose := unrounded_integers(m):
        raise ValueError(
            f"integer variables {', '.join(loose)} have no rounding: their component must "
            "declare them in Component.integers with a rounding (optimizer.model.component)"
        )
    add_balance(m, data)
    add_objective(m, data)
    return m
