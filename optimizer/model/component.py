"""The :class:`Component` record of the registry (see :mod:`optimizer.model.registry` for what
each field means) and the tolerances the components' own checks share. Kept apart so that a
technology module can declare its own record."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import pyomo.environ as pyo

#: absolute tolerance of a power [MW] (or energy [MWh]) in the independent check
ABS_TOL_MW = 1e-4


def tol_mw(scale: float) -> float:
    """Check tolerance for a figure of size ``scale`` [MW]: :data:`ABS_TOL_MW` + 1e-6 x scale."""
    return ABS_TOL_MW + 1e-6 * abs(scale)


def solved_value(x) -> float:
    """A solved Pyomo value as a float (None or NaN, e.g. a variable the presolve dropped: 0)."""
    val = pyo.value(x, exception=False)
    return 0.0 if val is None or (isinstance(val, float) and math.isnan(val)) else float(val)


@dataclass(frozen=True)
class Component:
    """One technology; see :mod:`optimizer.model.registry` for each field."""

    name: str
    block: str | None
    add: Callable
    prices: tuple[tuple, ...] = ()
    integers: tuple[str, ...] = ()
    life: dict[str, str] = field(default_factory=dict)
    om: tuple[str, ...] = ()
    active: Callable = lambda data: True
    data: Callable | None = None
    options: Callable | None = None
    energy_share: Callable | None = None
    limits: Callable | None = None
    extract: Callable | None = None
    supply_mw: Callable | None = None
    demand_mw: Callable | None = None
    dispatch: Callable | None = None
    check: Callable | None = None
    bom: Callable | None = None
    table: Callable | None = None
    sheet: str | None = None
