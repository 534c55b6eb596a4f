"""The dispatch LP of a fixed design over one weather year: the least energy left unserved.

Every size is fixed (PV per profile, each storage unit's energy and powers, the backup, the
facility load); only the hourly operation is free. For each storage unit u and hour t (cyclic:
the hour before the first is the last, as in the design model, :mod:`optimizer.model.storage`):

.. math::
    L_{u,t} = L_{u,t-1} + \\eta^{in}_u C_{u,t} - D_{u,t} / \\eta^{out}_u - \\lambda_u + Z_{u,t}

    \\sum_u (D_{u,t} - C_{u,t}) + B_t + U_t \\ge load_t - PV_t \\quad (\\text{PV curtailment free})

    0 \\le C \\le P^{in},\\ 0 \\le D \\le P^{out},\\ 0 \\le L \\le E,\\ 0 \\le U_t \\le load_t,
    \\ 0 \\le B_t \\le P^{backup},\\ \\sum_t B_t \\le s \\sum_t load_t

minimising :math:`\\sum_t U_t` (unserved energy [MWh]). :math:`Z_{u,t} \\in [0, \\lambda_u]`
waives the standing loss (evaporation) of an empty store, which would otherwise take the level
below the active range and make the year infeasible; it is priced at 1.01 x the load it could
serve (:math:`1.01\\,\\eta^{out}` per MWh of level), so the LP never prefers it to serving load.
The backup costs 1e-4 per MWh (used only where it cuts unserved energy) and every storage flow
1e-7 (no pointless cycling). The LP is exact for any mix of storage units (pumped-hydro groups,
Li-ion); its unserved energy is the least any operation of the design can achieve in that
year. Solved by HiGHS (simplex), about 1 s per year and storage unit on 2 cores.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

#: Cost of one MWh of level waived from an empty store, per MWh of load it could serve.
WAIVE_COST = 1.01
BACKUP_COST = 1e-4
FLOW_COST = 1e-7
_OPTIONS: dict = {}


@dataclass
class Dispatch:
    """Hourly answer of :func:`least_unserved` [MW, MWh]: unserved power, total storage level,
    backup output; ``waived_mwh`` the standing losses waived from empty stores."""

    unserved_mw: np.ndarray
    level_mwh: np.ndarray
    backup_mw: np.ndarray
    waived_mwh: float
    status: str


@contextmanager
def _quiet_stdout():
    """Silence C-level stdout while HiGHS prints its banner."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _unit_blocks(units: list[dict], n: int, start: int):
    """Columns, bounds, costs and level rows of the storage units (see the module doc)."""
    t = np.arange(n)
    prev = np.roll(t, 1)
    rows, cols, vals, lb, ub, cost, rhs = [], [], [], [], [], [], []
    col = start
    for k, u in enumerate(units):
        c, d, lvl, z = col, col + n, col + 2 * n, col + 3 * n
        r = k * n + t  # level rows of unit k
        for offset, coef in ((lvl, 1.0), (c, -u["eff_in"]), (d, 1.0 / u["eff_out"]), (z, -1.0)):
            rows.append(r), cols.append(offset + t), vals.append(np.full(n, coef))
        rows.append(r), cols.append(lvl + prev), vals.append(np.full(n, -1.0))
        lb.append(np.zeros(4 * n))
        ub.append(np.concatenate([np.full(n, u["charge_mw"]), np.full(n, u["discharge_mw"]),
                                  np.full(n, u["energy_mwh"]),
                                  np.full(n, u["loss_mwh_per_h"])]))  # fmt: skip
        cost.append(np.concatenate([np.full(2 * n, FLOW_COST), np.zeros(n),
                                    np.full(n, WAIVE_COST * u["eff_out"])]))  # fmt: skip
        rhs.append(np.full(n, -u["loss_mwh_per_h"]))
        col += 4 * n
    return rows, cols, vals, lb, ub, cost, rhs, col


def _matrix(units, n, load, backup_mw, share):
    """The LP in HiGHS's column-wise form: (A, col bounds, costs, row bounds, column starts)."""
    rows, cols, vals, lb, ub, cost, rhs, col = _unit_blocks(units, n, 0)
    t = np.arange(n)
    bal = len(units) * n + t  # balance rows
    for k in range(len(units)):
        base = 4 * n * k
        rows += [bal, bal]
        cols += [base + n + t, base + t]  # + discharge, - charge
        vals += [np.ones(n), -np.ones(n)]
    unserved = col
    rows.append(bal), cols.append(unserved + t), vals.append(np.ones(n))
    lb.append(np.zeros(n)), ub.append(load.copy()), cost.append(np.ones(n))
    col += n
    n_rows = len(units) * n + n
    backup = None
    if backup_mw > 0:
        backup = col
        rows += [bal, np.full(n, n_rows)]
        cols += [backup + t, backup + t]
        vals += [np.ones(n), np.ones(n)]
        lb.append(np.zeros(n)), ub.append(np.full(n, backup_mw))
        cost.append(np.full(n, BACKUP_COST))
        col += n
        n_rows += 1
    A = sp.csc_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n_rows, col)
    )
    return A, np.concatenate(lb), np.concatenate(ub), np.concatenate(cost), rhs, unserved, backup


def least_unserved(
    units: list[dict], pv_mw: np.ndarray, load_mw: np.ndarray, backup_mw: float = 0.0,
    backup_share: float = 0.0,
) -> Dispatch:  # fmt: skip
    """Solve the LP of the module doc for one year.

    Parameters
    ----------
    units : storage units, each with ``eff_in, eff_out`` [-], ``loss_mwh_per_h`` [MWh/h],
        ``energy_mwh`` [MWh], ``charge_mw, discharge_mw`` [MW]
    pv_mw : hourly PV available [MW]
    load_mw : hourly facility load [MW]
    backup_mw, backup_share : backup capacity [MW] and largest share of the year's load [-]
    """
    import highspy

    n = len(load_mw)
    load = np.asarray(load_mw, dtype=float)
    A, lb, ub, cost, rhs, unserved, backup = _matrix(units, n, load, backup_mw, backup_share)
    inf = highspy.kHighsInf
    row_lo = np.concatenate(rhs + [load - np.asarray(pv_mw, dtype=float)])
    row_hi = np.concatenate(rhs + [np.full(n, inf)])
    if backup is not None:
        row_lo, row_hi = np.r_[row_lo, -inf], np.r_[row_hi, backup_share * load.sum()]
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = A.shape[1], A.shape[0]
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = cost, lb, ub
    lp.row_lower_, lp.row_upper_ = row_lo, row_hi
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = A.indptr.astype(np.int32)
    lp.a_matrix_.index_ = A.indices.astype(np.int32)
    lp.a_matrix_.value_ = A.data.astype(float)
    with _quiet_stdout():
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        for k, v in _OPTIONS.items():
            h.setOptionValue(k, v)
    h.setOptionValue("threads", 1)  # simplex is serial; the design solve sets its own
    h.passModel(lp)
    try:
        h.run()
        x = np.asarray(h.getSolution().col_value)
        status = h.modelStatusToString(h.getModelStatus())
    finally:
        # HiGHS's task scheduler is global: leave none behind, or the next solve with another
        # thread count stops before it starts (status "Not Set")
        highspy.Highs.resetGlobalScheduler(True)
    levels = sum((x[4 * n * k + 2 * n : 4 * n * k + 3 * n] for k in range(len(units))),
                 np.zeros(n))  # fmt: skip
    waived = sum(float(x[4 * n * k + 3 * n : 4 * n * (k + 1)].sum()) for k in range(len(units)))
    back = x[backup : backup + n] if backup is not None else np.zeros(n)
    return Dispatch(np.clip(x[unserved : unserved + n], 0.0, None), levels, back, waived, status)
