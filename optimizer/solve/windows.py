"""Weather windows of a record: the window model (a relaxation of the record) and the replay
that finds where a design fails.

A record of N weather years laid end to end (:mod:`optimizer.resource.record_profiles`) has
H = 8,760 N hours; its model serves every hour, storage cyclic over the record. A *window set*
is a boolean mask ``keep`` over those hours (the design year and windows around failures).

**The window model** :math:`M(W)` (:func:`window_data`) has the hours of W in record order. An
hour :math:`h \\in W` whose predecessor :math:`h - 1 \\bmod H` is not in W is a *segment start*:
there every storage level starts from a free :math:`S_{u,h} \\in [0, E_u]`
(:mod:`optimizer.model.storage`) instead of following the previous hour. :math:`M(W)` is a
relaxation of the record model with the same objective:

    Take any design feasible for the record, with its hourly operation (flows :math:`Q_{u,t}`,
    levels :math:`L_{u,t}`, cyclic). Restricted to W it meets every constraint of
    :math:`M(W)`: the hourly balance, the powers and the level bounds are per hour and the
    same; the level equation of an hour whose predecessor is in W is the same equation; at a
    segment start put :math:`S_{u,h} = L_{u,h-1}`, which lies in :math:`[0, E_u]`. The
    objective is the capital cost only (sustained mode, ``capex`` objective, no backup and no
    unserved energy, which are all the loop runs with: every term is a size times a price; the
    one annual term that depends on the operation, pumped-hydro variable O&M, is O&M and out of
    the ``capex`` objective), the same function of the sizes in both models. So every
    record-feasible design is feasible in :math:`M(W)` at the same cost, and
    :math:`\\mathrm{opt}\\, M(W) \\le \\mathrm{opt}` (record); any proven lower bound of
    :math:`M(W)` bounds the record's optimum. For :math:`W \\subseteq W'`, :math:`M(W')`
    restricted to W is feasible in :math:`M(W)` by the same argument, so the bounds only rise as
    windows are added; with every hour in W, :math:`M(W)` is the record model itself.

    A window that were *cyclic* (its level at the end back to its start) would not be a
    relaxation: the record's operation ends a window at another level than it began.

**The replay** (:func:`replay`): the design's sizes (PV per profile, every storage unit's
energy and powers, the facility load) fixed on the whole record, the least unserved energy
hour by hour, storage cyclic over the record as in the record model: with one store by its
greedy operation (:func:`greedy_cyclic`, exact), else by the stress LP
(:func:`~optimizer.results.stress_lp.least_unserved`, handed down by the caller). It only
chooses windows: no bound depends on it, since the loop's upper bound is the design solved
on every hour of the record (:mod:`optimizer.solve.record`). No unserved hour: the design
holds in every hour of every year, carried across the years. Otherwise :func:`failure_window`
picks the hours to add.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from optimizer.model.data import ModelData

HOURS_PER_YEAR = 8760
#: an hour counts as unserved above this share of the load [-] (as the stress test)
UNSERVED_TOL = 1e-6
#: storage counts as full at this share of its energy [-]
FULL_SHARE = 0.999


@dataclass(frozen=True)
class WindowRule:
    """How a failure becomes a window [h]: unserved hours less than ``spell_gap_h`` apart are
    one outage spell; its window reaches back at least ``lead_h`` and at most ``lookback_h``
    before the spell for a full store, and ``tail_h`` past its end. ``year_h``: hours of one
    year of the record (8,760; shorter in tests)."""

    year_h: int = HOURS_PER_YEAR
    spell_gap_h: int = 7 * 24
    lead_h: int = 7 * 24
    lookback_h: int = 60 * 24
    tail_h: int = 24


def window_data(record: ModelData, keep: np.ndarray) -> ModelData:
    """The window model :math:`M(W)` of the hourly ``record`` data for the hours ``keep``
    (module doc): those hours in record order, a free storage level at every segment start.
    The record itself (cyclic) when every hour is kept."""
    if record.step_h is not None or record.segment_starts_h:
        raise ValueError("window_data takes the hourly, cyclic record (before any merging)")
    keep = np.asarray(keep, dtype=bool)
    if keep.all():
        return record
    hours = np.flatnonzero(keep)
    starts = np.flatnonzero(~keep[(hours - 1) % len(keep)])
    parts = dict(record.parts)
    for c in profiled(record):  # other hourly resources (e.g. wind) cut alike
        parts[c.name] = c.with_profiles(parts[c.name], c.profiles(parts[c.name])[:, hours])
    return replace(
        record,
        pv=replace(record.pv, cf=record.pv.cf[:, hours]),
        segment_starts_h=tuple(int(i) for i in starts),
        bounds=None,
        parts=parts,
    )


def profiled(data: ModelData) -> list:
    """The registry components of ``data`` besides PV with hourly resource profiles."""
    from optimizer.model.registry import COMPONENTS

    return [c for c in COMPONENTS if c.profiles is not None and c.name in data.parts]


@dataclass
class Sizes:
    """A design's fixed sizes for the replay: PV per weather profile [MW_dc], storage units
    (dicts of :func:`~optimizer.results.stress_lp.least_unserved`) and facility load [MW]."""

    mw_dc: np.ndarray
    units: list[dict]
    load_mw: float

    @property
    def energy_mwh(self) -> float:
        """Total storage energy [MWh]."""
        return float(sum(u["energy_mwh"] for u in self.units))


def sizes_of(model, data: ModelData) -> Sizes:
    """The :class:`Sizes` of a solved model, read with the components' own ``extract`` hooks
    (:mod:`optimizer.model.registry`)."""
    from optimizer.model.registry import present_components

    parts = {c.name: c.extract(model, data) for c in present_components(model)
             if c.extract is not None}  # fmt: skip
    units = [u for part in parts.values() if isinstance(part, dict)
             for u in part.get("storage", [])]  # fmt: skip
    storage = [{"eff_in": float(u.eff_in), "eff_out": float(u.eff_out),
                "loss_mwh_per_h": max(float(u.loss_mwh_per_h), 0.0),
                "energy_mwh": max(float(u.energy_mwh), 0.0),
                "charge_mw": max(float(u.charge_cap_mw), 0.0),
                "discharge_mw": max(float(u.discharge_cap_mw), 0.0)}
               for u in units if u.energy_mwh > 1e-6 and u.discharge_cap_mw > 1e-6]  # fmt: skip
    c = data.compute
    load = c.pue * float(c.it_mw_per_chip @ parts["compute"]["count"])
    mw_dc = np.bincount(data.land.profile, weights=parts["land"]["mw_dc"],
                        minlength=data.pv.cf.shape[0])  # fmt: skip
    return Sizes(mw_dc, storage, load)


@dataclass
class Replay:
    """The least-unserved operation of fixed sizes over the record, hourly [MW, MWh]."""

    unserved_mw: np.ndarray
    level_mwh: np.ndarray
    load_mw: float
    status: str

    @property
    def short(self) -> np.ndarray:
        """Hours with unserved load (beyond :data:`UNSERVED_TOL` of it)."""
        return self.unserved_mw > UNSERVED_TOL * self.load_mw

    def years(self, year_h: int = HOURS_PER_YEAR) -> list[tuple[int, int, float]]:
        """Per year of ``year_h`` hours: (year index, hours unserved, unserved energy [MWh])."""
        n = len(self.unserved_mw) // year_h
        out = []
        for y in range(n):
            part = slice(year_h * y, year_h * (y + 1))
            out.append((y, int(self.short[part].sum()), float(self.unserved_mw[part].sum())))
        return out


def replay(record: ModelData, sizes: Sizes, lp: Callable | None) -> Replay | None:
    """Replay ``sizes`` on every hour of the hourly ``record`` (module doc): by the greedy
    operation of :func:`greedy_cyclic` with one storage unit (exact there, ~0.3 s for ten
    years), else by ``lp`` (the stress LP,
    :func:`~optimizer.results.stress_lp.least_unserved`, handed down by the caller since the
    results layer sits above this one; 10-17 s for ten years on 2 shared cores); None when
    neither settles it."""
    pv = sizes.mw_dc @ record.pv.cf
    if len(sizes.units) == 1:
        out = greedy_cyclic(pv, sizes.load_mw, sizes.units[0])
        if out is not None:
            return Replay(out[0], out[1], sizes.load_mw, "greedy (one store, cyclic)")
    if lp is None:
        return None
    out = lp(sizes.units, pv, np.full(pv.shape, sizes.load_mw))
    return Replay(out.unserved_mw, out.level_mwh, sizes.load_mw, out.status)


def greedy_cyclic(pv_mw: np.ndarray, load_mw: float, unit: dict):
    """The least-unserved operation of one store over a cyclic horizon, hour by hour:
    charge every surplus the pump and the room allow, discharge every deficit the turbine and
    the level allow (the standing loss first; the loss of an empty store, which the design
    model does not allow, counts as unserved, :math:`\\eta^{out}` per MWh of level). With one
    store this is optimal: energy kept back never serves more later than it serves now (one
    MWh of level serves :math:`\\eta^{out}` MWh in any hour), and a fuller
    store never serves less. Cyclic: a pass from a full store, then a pass from where it
    ended; once the store has been full the passes agree. Returns ``(unserved [MW], level
    [MWh])`` per hour, or None when the store is never full (the LP decides then)."""
    e, p_in, p_out = unit["energy_mwh"], unit["charge_mw"], unit["discharge_mw"]
    eta_in, eta_out, loss = unit["eff_in"], unit["eff_out"], unit["loss_mwh_per_h"]
    net = (np.asarray(pv_mw, dtype=float) - load_mw).tolist()
    unserved, level = np.zeros(len(net)), np.zeros(len(net))
    start, was_full = e, False
    for _ in range(2):
        lvl, was_full = start, False
        for t, x in enumerate(net):
            if x >= 0:
                lvl = min(lvl + eta_in * min(x, p_in), e + loss) - loss
                unserved[t] = 0.0
            else:
                out = min(-x, p_out, max(lvl - loss, 0.0) * eta_out)
                lvl -= out / eta_out + loss
                unserved[t] = -x - out
            if lvl < 0:  # the loss of an empty store: the model has no such operation
                unserved[t] -= lvl * eta_out
                lvl = 0.0
            was_full = was_full or lvl >= e * (1 - 1e-12)
            level[t] = lvl
        start = lvl
    return (unserved, level) if was_full else None


def spells(short: np.ndarray, gap_h: int) -> list[tuple[int, int]]:
    """(first, last) hour of every outage spell: unserved hours less than ``gap_h`` apart
    joined (not across the record's end)."""
    hours = np.flatnonzero(short)
    if not len(hours):
        return []
    cut = np.flatnonzero(np.diff(hours) >= gap_h)
    firsts = np.r_[hours[0], hours[cut + 1]]
    lasts = np.r_[hours[cut], hours[-1]]
    return [(int(a), int(b)) for a, b in zip(firsts, lasts, strict=True)]


def failure_window(
    rep: Replay, spell: tuple[int, int], energy_mwh: float, rule: WindowRule
) -> np.ndarray:
    """Record hours of the window around one outage spell (cyclic indices): from the last hour
    before it at which the replay's storage (``energy_mwh`` [MWh]) was full (``rule``: at
    least ``lead_h``, at most ``lookback_h`` before it) to ``tail_h`` after its last unserved
    hour. From a full store the window's free start level gains nothing over the record's
    operation, so the window is tight there."""
    first, last = spell
    n = len(rep.unserved_mw)
    back = np.arange(first - rule.lead_h, first - rule.lookback_h - 1, -1)
    full = rep.level_mwh[back % n] >= FULL_SHARE * energy_mwh if energy_mwh > 0 else []
    start = int(back[np.argmax(full)]) if np.any(full) else first - rule.lookback_h
    return np.unique(np.arange(start, last + rule.tail_h + 1) % n)


def spell_energy_mwh(rep: Replay, spell: tuple[int, int]) -> float:
    """Unserved energy of one spell [MWh]."""
    return float(rep.unserved_mw[spell[0] : spell[1] + 1].sum())


def fix_sizes_like(m, source) -> int:
    """Fix every variable of ``m`` that is not indexed by time (sizes, integer decisions,
    line ratings: everything but the operation) at the value of the same-named variable of
    the solved ``source`` (a model of the same data at the same compute site over other time
    steps); integers rounded and fixed, continuous ones fixed by their bounds (HiGHS then
    judges every row with its tolerances). Returns how many were fixed. With every size
    fixed, ``m`` is the design's pure operation over its horizon, and its objective the
    design's capital cost (the objective has no operation term, see the module doc)."""
    import pyomo.environ as pyo

    fixed = 0
    for var in m.component_objects(pyo.Var, descend_into=True):
        if _timed(var, m.T):
            continue
        for v in var.values():
            src = source.find_component(v.name)
            if src is None or src.value is None:
                continue
            if v.is_integer() or v.is_binary():
                v.fix(round(src.value))
            else:
                v.setlb(src.value)
                v.setub(src.value)
            fixed += 1
    return fixed


def _timed(var, T) -> bool:
    """Whether the indexed component ``var`` is indexed by the time steps ``T``."""
    if not var.is_indexed():
        return False
    idx = var.index_set()
    return idx is T or any(s is T for s in idx.subsets())
