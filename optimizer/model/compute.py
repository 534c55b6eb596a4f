"""Compute: integer chip counts per type, the FLOPS target, and the facility load.

.. math::
    n_c \\in \\mathbb{Z}_{\\ge 0},\\ n_c \\le \\min(\\bar n_c, \\hat n_c), \\qquad
    IT = \\sum_c w_c n_c \\;[MW], \\qquad D_t = PUE \\cdot IT

Target modes (``F`` target [PFLOPS], :math:`f_c` PFLOPS per chip):

- ``sustained``: :math:`\\sum_c f_c n_c \\ge F` and the full load :math:`D_t` is served every hour.
  With ``max_unserved`` :math:`u`, an unserved power :math:`U_t \\le D_t` may enter the balance
  as supply, with :math:`\\sum_t w_t U_t \\le u \\sum_t w_t D_t` (at most a fraction u of the
  year's compute energy goes unserved; :math:`w_t` step length [h]);
- ``peak``: :math:`\\sum_c f_c n_c \\ge F`; the load is served in the best PV hour only;
- ``average``: chips may idle. Running chips :math:`r_{c,t} \\le n_c`,
  :math:`D_t = PUE \\sum_c w_c r_{c,t}` and
  :math:`\\frac{1}{\\sum_t w_t}\\sum_{c,t} w_t f_c r_{c,t} \\ge F`. With
  ``runs`` only the listed types get hourly variables, the others none (with the lowered
  target of :func:`~optimizer.model.bounds.dominance`, a relaxation).

:math:`\\bar n_c` is ``max_count``, :math:`\\hat n_c` the bound some optimal design meets
(:mod:`optimizer.model.bounds`). Costs [$M]: chips (with server/network share)
:math:`\\sum_c p_c n_c`; data hall :math:`h \\cdot IT`; the hall's fixed O&M [$M/yr]
(``data_hall_fom``, in the net present cost only) :math:`o_h \\cdot IT`.

Results (registry hooks): the chip counts, the facility load as demand and unserved power as
supply of the independent balance, the target check and the compute BOM lines.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from optimizer import units as u
from optimizer.model.component import ABS_TOL_MW, solved_value, tol_mw
from optimizer.model.data import ModelData
from optimizer.model.hours import expand_steps
from optimizer.model.pv import pv_available_mw

#: relative slack on the average-mode target row: its 4,600 x chip-type terms sum the target back
#: only to ~1e-12 relative, so a design with exactly the target's chips (a sustained design) would
#: be refused by HiGHS's absolute feasibility tolerance; far inside the check's 1e-6
AVERAGE_TARGET_TOL = 1e-9


def add_compute(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Add block ``m.compute`` and register the facility load and the compute costs."""
    d = data.compute
    b = m.compute = pyo.Block()
    b.C = pyo.RangeSet(0, len(d.names) - 1)
    limit = np.minimum(d.max_count, m.bounds.chip_count)
    ub = [None if not np.isfinite(x) else float(x) for x in limit]
    b.count = pyo.Var(b.C, domain=pyo.NonNegativeIntegers, bounds=lambda _, c: (0, ub[c]))
    b.installed_pflops = pyo.Expression(
        expr=sum(float(d.pflops_per_chip[c]) * b.count[c] for c in b.C)
    )
    b.it_mw = pyo.Expression(expr=sum(float(d.it_mw_per_chip[c]) * b.count[c] for c in b.C))
    if d.mode == "average":
        _add_average_mode(m, b, data)
    else:
        b.target = pyo.Constraint(expr=b.installed_pflops >= d.target_pflops)
        m.demand.append(lambda t: d.pue * b.it_mw)
        if d.mode == "sustained" and d.max_unserved > 0:
            _add_unserved(m, b, data)
    m.costs["chips"] = sum(float(d.musd_per_chip[c]) * b.count[c] for c in b.C)
    m.costs["data_hall"] = d.hall_musd_per_mw_it * b.it_mw
    if d.hall_fom_musd_per_mw_it_yr > 0:
        m.annual_costs["data_hall_fom"] = d.hall_fom_musd_per_mw_it_yr * b.it_mw


def _add_unserved(m: pyo.ConcreteModel, b: pyo.Block, data: ModelData) -> None:
    """Allow a fraction ``max_unserved`` of the year's compute energy to go unserved."""
    d = data.compute
    b.unserved_mw = pyo.Var(m.T, domain=pyo.NonNegativeReals)
    b.unserved_hour = pyo.Constraint(m.T, rule=lambda b, t: b.unserved_mw[t] <= d.pue * b.it_mw)
    w = m.step_h
    b.unserved_year = pyo.Constraint(
        expr=sum(w[t] * b.unserved_mw[t] for t in m.T) <= d.max_unserved * sum(w) * d.pue * b.it_mw
    )
    m.supply.append(lambda t: b.unserved_mw[t])


def _add_average_mode(m: pyo.ConcreteModel, b: pyo.Block, data: ModelData) -> None:
    """Hourly running chips: the year's delivered FLOP must average at least the target."""
    d = data.compute
    # a type dominated per PFLOPS can still be the cheapest whole-chip remainder, so every type
    # runs unless the caller prunes (relaxations, see optimizer.model.bounds.dominance)
    keep = list(b.C) if d.runs is None else [int(c) for c in d.runs]
    for c in b.C:
        if c not in keep:
            b.count[c].fix(0)
    b.R = pyo.Set(initialize=keep, ordered=True)
    b.running = pyo.Var(b.R, m.T, domain=pyo.NonNegativeReals)
    b.running_limit = pyo.Constraint(b.R, m.T, rule=lambda b, c, t: b.running[c, t] <= b.count[c])
    w = m.step_h
    hours = sum(w)
    b.target = pyo.Constraint(
        expr=sum(
            float(d.pflops_per_chip[c]) * w[t] / hours * b.running[c, t] for c in b.R for t in m.T
        )
        >= d.target_pflops * (1 - AVERAGE_TARGET_TOL)
    )
    m.demand.append(
        lambda t: d.pue * sum(float(d.it_mw_per_chip[c]) * b.running[c, t] for c in b.R)
    )


def facility_mw(m: pyo.ConcreteModel, data: ModelData, t):
    """Facility load [MW] in step t of the built model: PUE x IT power (of the running chips in
    ``average`` mode), the expression the hourly balance holds as compute demand."""
    d, b = data.compute, m.compute
    if b.component("running") is not None:
        return d.pue * sum(float(d.it_mw_per_chip[c]) * b.running[c, t] for c in b.R)
    return d.pue * b.it_mw


# --- results: chip counts, facility load, the target check and the compute BOM lines ---


def extract_compute(m: pyo.ConcreteModel, data: ModelData) -> dict:
    """Chip count per type (``count``, order of ``data.compute.names``), running chips
    (``running``, types x hours, ``average`` mode) and unserved power (``unserved_mw`` [MW],
    hours, with ``max_unserved`` > 0); None where the model has none."""

    b = m.compute
    running = unserved = None
    if b.component("running") is not None:
        running = np.zeros((len(b.C), len(m.T)))
        for c in b.R:
            running[c] = [solved_value(b.running[c, t]) for t in m.T]
        running = expand_steps(running, data)
    if b.component("unserved_mw") is not None:
        unserved = expand_steps(np.array([solved_value(b.unserved_mw[t]) for t in m.T]), data)
    count = np.array([round(solved_value(b.count[c])) for c in b.C], dtype=np.int64)
    return {"count": count, "running": running, "unserved_mw": unserved}


def facility_load_mw(sol, data: ModelData) -> np.ndarray:
    """Hourly facility load [MW]: PUE x IT power of installed (or, in average mode, running) chips.

    .. math:: D_t = PUE \\sum_c w_c n_c \\quad (D_t = PUE \\sum_c w_c r_{c,t}\\ \\text{average})
    """
    d, part = data.compute, sol.parts["compute"]
    if part["running"] is not None:
        return d.pue * (d.it_mw_per_chip @ part["running"])
    return np.full(data.hours, d.pue * float(d.it_mw_per_chip @ part["count"]))


def compute_demand_mw(part: dict, sol, data: ModelData) -> np.ndarray:
    """The facility load [MW], demand in the independent balance."""
    return facility_load_mw(sol, data)


def compute_supply_mw(part: dict, sol, data: ModelData) -> np.ndarray:
    """Unserved power [MW] (zero without ``max_unserved``), supply in the balance."""
    unserved = part["unserved_mw"]
    return unserved if unserved is not None else np.zeros(data.hours)


def compute_dispatch(part: dict, sol, data: ModelData, rest_mw) -> dict:
    """Dispatch columns: ``load_mw`` and, when some may go unserved, ``unserved_mw`` [MW]."""
    cols = {"load_mw": facility_load_mw(sol, data)}
    if part["unserved_mw"] is not None:
        cols["unserved_mw"] = part["unserved_mw"]
    return cols


def served_fraction(sol, data: ModelData) -> np.ndarray:
    """Fraction of the installed chips that can run in each hour [-].

    ``sustained``: 1 minus the unserved share; ``peak``: what PV alone can power (no storage in
    that mode); ``average``: running over installed IT power.
    """

    d, part = data.compute, sol.parts["compute"]
    load = facility_load_mw(sol, data)
    if d.mode == "peak":
        full = d.pue * float(d.it_mw_per_chip @ part["count"])
        return np.clip(pv_available_mw(sol, data) / max(full, 1e-12), 0.0, 1.0)
    if part["unserved_mw"] is not None:
        return 1.0 - part["unserved_mw"] / np.maximum(load, 1e-12)
    return np.ones(data.hours)


def check_compute(part: dict, sol, data: ModelData, report) -> None:
    """The target in raw FLOPS (installed, or the year's average delivered in ``average``
    mode), running chips within the installed, counts within ``max_count``, unserved limits."""
    d, count, running = data.compute, part["count"], part["running"]
    flops = d.pflops_per_chip * u.FLOPS_PER_PFLOPS
    installed = float(sum(int(n) * f for n, f in zip(count, flops, strict=True)))
    target = d.target_pflops * u.FLOPS_PER_PFLOPS
    report.figures["installed_flops"] = installed
    if running is not None:
        tol = 1e-5 + 1e-9 * float(count.sum())  # chips; the LP's feasibility tolerance
        if (running > count[:, None] + tol).any():
            report.failures.append("more chips running than installed in some hour")
        delivered = float((d.pflops_per_chip @ running).mean()) * u.FLOPS_PER_PFLOPS
        meets = delivered >= target * (1 - 1e-6)
    else:
        delivered = installed * float(served_fraction(sol, data).mean())
        meets = installed >= target * (1 - 1e-9)
    report.figures["average_delivered_flops"] = delivered
    if (count > d.max_count + 1e-9).any():
        report.failures.append("a chip count exceeds its max_count")
    if not meets:
        what = "average delivered" if running is not None else "installed"
        value = delivered if running is not None else installed
        report.failures.append(f"target not met: {what} {value:.6g} FLOPS < {target:.6g} FLOPS")
    if part["unserved_mw"] is not None:
        _check_unserved(part["unserved_mw"], facility_load_mw(sol, data), data, report)


def _check_unserved(unserved, load, data: ModelData, report) -> None:
    """Unserved power within [0, load] every hour and within ``max_unserved`` of the year."""

    if unserved.min() < -ABS_TOL_MW or (unserved > load + tol_mw(load.max())).any():
        report.failures.append("unserved power outside [0, load] in some hour")
    allowed = data.compute.max_unserved * load.sum()
    if unserved.sum() > allowed + tol_mw(allowed):
        report.failures.append(
            f"unserved compute energy {unserved.sum():.3f} MWh exceeds the allowed "
            f"{allowed:.3f} MWh ({100 * data.compute.max_unserved:g}% of the year)"
        )
    report.figures["hours with unserved compute"] = int((unserved > ABS_TOL_MW).sum())


def compute_bom(b, part: dict, sol, data: ModelData) -> None:
    """Chips and their servers and network (per chip type), and the data hall per MW_IT."""
    for i, row in b.inputs.chips.reset_index(drop=True).iterrows():
        n = int(part["count"][i])
        if n == 0:
            continue
        b.raw("Compute", f"{row['chip']} accelerators", n, "chip", row["price_usd"],
              f"chips:{row['chip']}", row["source"], row["year"])  # fmt: skip
        text = f"Servers and network for {row['chip']}"
        if np.isnan(row["overhead_usd"]):
            b.price("Compute", text, n, "server_network_usd_per_chip", unit="chip")
        elif row["overhead_usd"] > 0:
            b.raw("Compute", text, n, "chip", row["overhead_usd"],
                  f"chips:{row['chip']}:overhead_usd", row["source"], row["year"])  # fmt: skip
    it_mw = float(data.compute.it_mw_per_chip @ part["count"])
    if it_mw > 0:
        b.price("Compute", "Data hall (shell, power, cooling)", it_mw, "data_hall_usd_per_mw_it",
                unit="MW_IT")  # fmt: skip
