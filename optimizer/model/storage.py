"""Hourly dispatch shared by every storage technology (pumped hydro, Li-ion).

For each unit u and hour t (cyclic over the horizon, :math:`t-1` of the first hour is the last):

.. math::
    L_{u,t} = L_{u,t-1} + \\eta^{in}_u Q^{in}_{u,t} - Q^{out}_{u,t} / \\eta^{out}_u - \\lambda_u

    0 \\le Q^{in}_{u,t} \\le P^{in}_u, \\quad 0 \\le Q^{out}_{u,t} \\le P^{out}_u,
    \\quad 0 \\le L_{u,t} \\le E_u

with charge/discharge power :math:`Q` [MW], level :math:`L` [MWh], losses :math:`\\lambda` [MWh/h]
(flows are multiplied by the step length :math:`w_t` [h] when steps are longer than 1 h, see
:mod:`optimizer.model.steps`). At a *segment start* t (``m.segment_starts``: the first step of a
weather window, :mod:`optimizer.solve.record`) :math:`L_{u,t-1}` is replaced by a free start
level :math:`S_{u,t} \\in [0, E_u]` (``start_mwh``): the window is not linked to the hours
before it, so any level a longer horizon had there is allowed.
Discharge is registered as supply and charge as demand in the hourly balance.

The second half holds what the storage components share in the results: a unit's hourly flows
(:class:`StorageUnit`), their replay in the independent check (:func:`check_unit`) and their
dispatch columns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyomo.environ as pyo

from optimizer.model.component import ABS_TOL_MW, solved_value, tol_mw
from optimizer.model.hours import expand_steps


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
    starts = frozenset(getattr(m, "segment_starts", ()))
    if starts:
        b.start_mwh = pyo.Var(b.U, sorted(starts), domain=pyo.NonNegativeReals)
        b.start_limit = pyo.Constraint(
            b.U, sorted(starts), rule=lambda b, u, t: b.start_mwh[u, t] <= energy_cap(u)
        )

    def level_rule(b, u, t):
        if t in starts:
            prev = b.start_mwh[u, t]
        elif t == m.T.first():
            prev = b.level_mwh[u, last]
        else:
            prev = b.level_mwh[u, t - 1]
        return b.level_mwh[u, t] == prev + m.step_h[t] * (
            eff_in(u) * b.charge_mw[u, t] - b.discharge_mw[u, t] / eff_out(u) - loss_mwh_per_h(u)
        )

    b.level_balance = pyo.Constraint(b.U, m.T, rule=level_rule)
    m.supply.append(lambda t: sum(b.discharge_mw[u, t] for u in b.U))
    m.demand.append(lambda t: sum(b.charge_mw[u, t] for u in b.U))


# --- results: the units' hourly flows, their replay in the check, their dispatch columns ---


@dataclass
class StorageUnit:
    """One dispatch unit (a pumped-hydro group or the Li-ion battery), hourly arrays [MW, MWh].

    ``kind`` names its dispatch columns (``<kind>_charge_mw``, ``<kind>_discharge_mw``,
    ``<kind>_level_mwh``); ``loss_mwh_per_h`` is its standing loss [MWh/h].
    """

    name: str
    kind: str
    eff_in: float
    eff_out: float
    loss_mwh_per_h: float
    energy_mwh: float
    charge_cap_mw: float
    discharge_cap_mw: float
    charge_mw: np.ndarray
    discharge_mw: np.ndarray
    level_mwh: np.ndarray


def unit_flows(m: pyo.ConcreteModel, b: pyo.Block, u, data) -> tuple[np.ndarray, ...]:
    """Hourly charge, discharge [MW] and level [MWh] of unit ``u`` of block ``b`` (steps
    expanded to hours, see :func:`optimizer.model.steps.expand_steps`)."""

    ch = np.array([solved_value(b.charge_mw[u, t]) for t in m.T])
    dis = np.array([solved_value(b.discharge_mw[u, t]) for t in m.T])
    lvl = np.array([solved_value(b.level_mwh[u, t]) for t in m.T])
    return (
        expand_steps(ch, data),
        expand_steps(dis, data),
        expand_steps(lvl, data, level=True),
    )


def storage_supply_mw(part: dict, sol, data) -> np.ndarray:
    """Hourly discharge of a storage component's units [MW] (supply in the balance)."""
    return sum((unit.discharge_mw for unit in part["storage"]), np.zeros(data.hours))


def storage_demand_mw(part: dict, sol, data) -> np.ndarray:
    """Hourly charge of a storage component's units [MW] (demand in the balance)."""
    return sum((unit.charge_mw for unit in part["storage"]), np.zeros(data.hours))


def storage_dispatch(part: dict, sol, data, rest_mw=None) -> dict[str, np.ndarray]:
    """Dispatch columns of a storage component: charge, discharge [MW] and level [MWh] per
    unit kind (summed over the units of a kind, e.g. several pumped-hydro groups)."""
    cols: dict[str, np.ndarray] = {}
    for unit in part["storage"]:
        for what, arr in (("charge_mw", unit.charge_mw), ("discharge_mw", unit.discharge_mw),
                          ("level_mwh", unit.level_mwh)):  # fmt: skip
            key = f"{unit.kind}_{what}"
            cols[key] = cols[key] + arr if key in cols else arr
    return cols


def check_storage(part: dict, sol, data, report) -> None:
    """Replay every unit of a storage component (:func:`check_unit`, hourly steps)."""
    for unit in part["storage"]:
        check_unit(unit, report, 1.0)


def replay_levels(unit: StorageUnit, dt_h: float = 1.0) -> np.ndarray:
    """Re-simulate a storage level from its flows, starting from the final level (cyclic) [MWh].

    .. math:: L_t = L_{t-1} + \\Delta t (\\eta_{in} Q^{in}_t - Q^{out}_t / \\eta_{out} - \\lambda)
    """
    net = dt_h * (
        unit.eff_in * unit.charge_mw - unit.discharge_mw / unit.eff_out - unit.loss_mwh_per_h
    )
    return unit.level_mwh[-1] + np.cumsum(net)


def check_unit(unit: StorageUnit, report, dt_h: float = 1.0) -> None:
    """Replay ``unit`` hour by hour: cyclic, level within [0, E], flows within their powers.

    Failures go to ``report.failures``, the largest level deviation [MWh] to ``report.figures``.
    """

    lvl = replay_levels(unit, dt_h)
    tol = tol_mw(unit.energy_mwh)
    if abs(lvl[-1] - unit.level_mwh[-1]) > 1e-6 * max(unit.energy_mwh, 1.0) + 1e-3:
        report.failures.append(
            f"{unit.name}: level not cyclic (end {lvl[-1]:.3f} MWh vs start "
            f"{unit.level_mwh[-1]:.3f} MWh)"
        )
    if lvl.min() < -tol or lvl.max() > unit.energy_mwh + tol:
        report.failures.append(
            f"{unit.name}: replayed level leaves [0, {unit.energy_mwh:.1f}] MWh "
            f"(min {lvl.min():.3f}, max {lvl.max():.3f})"
        )
    for name, flow, cap in (
        ("charge", unit.charge_mw, unit.charge_cap_mw),
        ("discharge", unit.discharge_mw, unit.discharge_cap_mw),
    ):
        if flow.min() < -ABS_TOL_MW or flow.max() > cap + tol_mw(cap):
            report.failures.append(
                f"{unit.name}: {name} outside [0, {cap:.2f}] MW (max {flow.max():.3f})"
            )
    report.figures[f"{unit.name} max level deviation [MWh]"] = float(
        np.abs(lvl - unit.level_mwh).max()
    )
