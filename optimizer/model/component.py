"""The :class:`Component` record of the registry (see :mod:`optimizer.model.registry` for what
each field means). Kept apart so that a technology module can declare its own record."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Component:
    """One technology; see :mod:`optimizer.model.registry` for each field."""

    name: str
    block: str | None
    add: Callable
    prices: tuple[tuple[str, str], ...] = ()
    integers: tuple[str, ...] = ()
    life: dict[str, str] = field(default_factory=dict)
    active: Callable = lambda data: True
    data: Callable | None = None
    extract: Callable | None = None
    supply_mw: Callable | None = None
    demand_mw: Callable | None = None
    check: Callable | None = None
    bom: Callable | None = None
    table: Callable | None = None
