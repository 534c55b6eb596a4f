"""One design for every year of a weather record, proven by a cutting-plane loop over windows.

The record model (every hour of N years, storage cyclic over the record,
:mod:`optimizer.resource.record_profiles`) is too large to search whole (10 years: 43,882 exact
steps). :func:`solve_record` finds its optimum :math:`C^*` within ``mip_rel_gap`` without
solving it whole:

1. W = the design year (the record's first).
2. The window model :math:`M(W)` (:mod:`optimizer.solve.windows`: the hours of W, a free
   storage level at each window's start, a relaxation of the record model with the same
   capital objective) is solved by the usual search (:func:`~optimizer.solve.strategy.
   solve_with_gap`, from the previous iteration's design): a design D and a proven lower
   bound :math:`L_W \\le \\mathrm{opt}\\, M(W) \\le C^*`. :math:`L = \\max_W L_W`.
3. D's sizes are replayed on every hour of the record (:func:`~optimizer.solve.windows.replay`).
   Each year with unserved hours is violated; the window around its worst outage spell (from
   the last full store before it, :func:`~optimizer.solve.windows.failure_window`) joins W:
   every violated year's (``add="all"``) or only the worst year's (``add="worst"``). Repeat
   from 2.
4. When no hour is unserved, D's sizes hold the record: D's integer decisions are evaluated
   exactly on the record (the LP with every integer fixed, continuous sizes re-optimised, on
   the record's exact steps), an upper bound :math:`U \\le` cost(D). The gap
   :math:`(U - L) / U` is proven; it is at most the last search's, since :math:`U \\le`
   cost(D) and :math:`L \\ge L_W`.

When the time limit ends the loop before a design holds, the last design is evaluated on the
record the same way (its continuous sizes may grow to hold): a feasible answer has a proven
gap, said with the time limit. Every iteration is reported (windows, hours, L, the design's
cost, violated years with hours) and kept in :attr:`RecordResult.iterations`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import pyomo.environ as pyo

from optimizer.errors import NoSolutionError
from optimizer.model.build import build_model
from optimizer.model.data import ModelData
from optimizer.model.steps import exact_steps
from optimizer.solve.design import Design, round_design
from optimizer.solve.evaluate import Evaluator
from optimizer.solve.highs import solve_model
from optimizer.solve.state import Incumbent, Search
from optimizer.solve.strategy import StrategyResult, solve_with_gap
from optimizer.solve.windows import (
    WindowRule,
    failure_window,
    fix_sizes_like,
    profiled,
    replay,
    sizes_of,
    spell_energy_mwh,
    spells,
    window_data,
)

ADD_CHOICES = ("worst", "all")


@dataclass
class RecordResult(StrategyResult):
    """The record's answer (:class:`~optimizer.solve.strategy.StrategyResult` on the record's
    exact steps) and one dict per loop iteration (:func:`solve_record`)."""

    iterations: list[dict] = field(default_factory=list)


def loop_applies(data: ModelData) -> bool:
    """Whether the loop's relaxation argument holds for ``data`` (:mod:`optimizer.solve.
    windows`): sustained mode, no unserved energy allowed (a share of the record's energy is
    not a per-window limit), the ``capex`` objective and no backup (no objective term that
    depends on the operation); and PV the only weather-driven source (the replay knows no
    other)."""
    c = data.compute
    return (c.mode == "sustained" and c.max_unserved == 0 and data.lifecycle.objective == "capex"
            and "backup" not in data.parts and not profiled(data))  # fmt: skip


def solve_record(
    record: ModelData,
    options,
    labels: list[str],
    method: str = "search",
    explain_infeasible: Callable[[], str] | None = None,
    progress: Callable[[str], None] = lambda _m: None,
    start: Design | None = None,
    add: str = "worst",
    rule: WindowRule = WindowRule(),
    lp_replay: Callable | None = None,
) -> RecordResult:
    """Solve the hourly ``record`` data (N x 8,760 hours, years ``labels``) by the loop of the
    module doc; ``options`` (:class:`~optimizer.solve.highs.SolveOptions`) bound the whole
    loop; ``start``: a design evaluated first (``--warm-start``); ``add``: ``"worst"`` or
    ``"all"`` violated years per iteration; ``rule``: the year length and how windows are cut
    (:class:`~optimizer.solve.windows.WindowRule`); ``lp_replay``: the stress LP
    (:func:`~optimizer.results.stress_lp.least_unserved`, handed down by the caller: the
    results layer sits above this one) for the designs the greedy replay does not settle
    (with several stores, or one never full); None: only the greedy replay, such a design
    then goes straight to the record's LP (:meth:`_Loop.final`)."""
    if add not in ADD_CHOICES:
        raise ValueError(f"add must be one of {ADD_CHOICES} (found {add!r})")
    loop = _Loop(record, options, labels, method, explain_infeasible, progress, rule)
    keep = np.zeros(record.hours, dtype=bool)
    keep[: rule.year_h] = True
    design = start
    while True:
        inner, design = loop.search(keep, design)
        if inner is None:
            break
        sizes = sizes_of(inner.model, inner.data)
        rep = replay(record, sizes, lp_replay)
        loop.seconds("replay")
        if rep is None:
            loop.progress("record loop: no replay for this design (several stores and no "
                          "stress LP); it is evaluated on the whole record")  # fmt: skip
            break
        grown = loop.violations(rep, keep, add, sizes.energy_mwh)
        if grown is None:  # every hour of every year served
            break
        if grown.sum() == keep.sum():
            loop.progress("record loop: no window left to add; the design is evaluated on the "
                          "whole record")  # fmt: skip
            break
        if loop.search_run.out_of_time():
            loop.stop("time limit reached with years still failing; the last design is "
                      "evaluated on the whole record")  # fmt: skip
            break
        keep = grown
    return loop.final(design, keep)


class _Loop:
    """The state of :func:`solve_record`: clock, bounds, stage log and iterations."""

    def __init__(self, record, options, labels, method, explain, progress, rule):
        self.record, self.options, self.labels, self.rule = record, options, labels, rule
        self.method, self.explain, self.progress = method, explain, progress
        self.search_run = Search(options, progress)  # the whole loop's clock and stage log
        self.lower, self.iterations = 0.0, []
        self.t_mark = time.perf_counter()

    def stop(self, why: str) -> None:
        """Stop the loop on the time limit: said, and logged as a stage that reached it (so
        the run's status and ``solver.time_limit_reached`` say so)."""
        self.progress(f"record loop: {why}")
        self.search_run.skip(f"record loop {len(self.iterations) + 1}: {why}")

    def seconds(self, what: str) -> float:
        """Seconds since the last mark [s], added to the current iteration as ``what``."""
        now = time.perf_counter()
        dt, self.t_mark = now - self.t_mark, now
        if self.iterations:
            self.iterations[-1][f"{what}_s"] = dt
        return dt

    def search(self, keep: np.ndarray, design: Design | None):
        """Step 2: the search on :math:`M(W)`; returns ``(result, its design)`` or
        ``(None, design)`` when the time limit has passed."""
        run = self.search_run
        if run.out_of_time():
            self.stop("time limit reached before the next window model; the last design is "
                      "evaluated on the whole record")  # fmt: skip
            return None, design
        k = len(self.iterations) + 1
        windows = _window_labels(keep, self.rule.year_h)
        self.progress(f"record loop {k}: window model of {int(keep.sum()):,} h "
                      f"({'; '.join(windows)})")  # fmt: skip
        opts = replace(self.options, time_limit_s=run.left_s())
        self.t_mark = time.perf_counter()
        inner = solve_with_gap(window_data(self.record, keep), opts, self.method, self.explain,
                               self._indented, start=design)  # fmt: skip
        for s in inner.stages:
            run.stages.append({**s, "stage": f"record loop {k}: {s['stage']}"})
        self.lower = max(self.lower, inner.lower_bound)
        design = inner.design or round_design(inner.model, inner.data)
        self.iterations.append({"iteration": k, "hours": int(keep.sum()), "windows": windows,
                                "lower_bound_usd": inner.lower_bound * 1e6,
                                "design_cost_usd": inner.upper_bound * 1e6,
                                "window_gap": inner.gap, "violated": []})  # fmt: skip
        self.seconds("search")
        return inner, design

    def _indented(self, msg: str) -> None:
        self.progress(f"  {msg}")

    def violations(self, rep, keep: np.ndarray, add: str, energy_mwh: float) -> np.ndarray | None:
        """Step 3: record and report the violated years of ``rep`` (a design with
        ``energy_mwh`` [MWh] of storage); return ``keep`` with the new windows (None: no year
        violated)."""
        it = self.iterations[-1]
        bad = [(y, h, e) for y, h, e in rep.years(self.rule.year_h) if h > 0]
        it["violated"] = [{"year": self.labels[y], "hours_unserved": h, "unserved_mwh": e}
                          for y, h, e in bad]  # fmt: skip
        lb = f"L ${self.lower * 1e6:,.0f}, design ${it['design_cost_usd']:,.0f}"
        if not bad:
            self.progress(f"record loop {it['iteration']}: {lb}; the design holds every hour "
                          f"of all {len(self.labels)} years")  # fmt: skip
            return None
        words = ", ".join(f"{self.labels[y]} {h} h" for y, h, _ in bad)
        self.progress(f"record loop {it['iteration']}: {lb}; unserved in {words}")
        grown = _grow(keep, rep, [y for y, _, _ in bad], add, energy_mwh, self.rule)
        it["added_h"] = int(grown.sum() - keep.sum())
        return grown

    def final(self, design: Design | None, keep: np.ndarray) -> RecordResult:
        """Step 4: ``design`` on every hour of the record (:meth:`_on_record`); the answer."""
        run = self.search_run
        if design is None:
            raise NoSolutionError("no design found within the limits for the weather record; "
                                  "raise --time-limit")  # fmt: skip
        self.t_mark = time.perf_counter()
        m, at, r = self._on_record(design, keep)
        if m is None:
            raise NoSolutionError("the last design of the weather-record loop has no operation "
                                  f"that serves every hour of the record "
                                  f"({run.stages[-1]['status']}); raise --time-limit")  # fmt: skip
        upper = float(pyo.value(m.total_cost))
        run.best = Incumbent(upper, m, at, r, design)
        run.prove(self.lower)
        gap = run.gap()
        if self.iterations:
            self.iterations[-1]["upper_bound_usd"] = upper * 1e6
            self.seconds("record_lp")
        self.progress(f"record loop: U ${upper * 1e6:,.0f} on all {len(self.labels)} years, "
                      f"L ${self.lower * 1e6:,.0f}: proven within {100 * gap:.2f}% after "
                      f"{len(self.iterations)} iteration(s)")  # fmt: skip
        build_s = run.build_s
        return RecordResult(m, at, r, self.lower, upper, gap, build_s,
                            time.perf_counter() - run.t0 - build_s, design, run.stages,
                            self.iterations)  # fmt: skip

    def _on_record(self, design: Design, keep: np.ndarray):
        """``design`` evaluated on the window model at its compute site (the LP with integers
        fixed), then every size of that answer fixed on the record's exact steps: the LP left
        is the operation of every hour of every year (:func:`~optimizer.solve.windows.
        fix_sizes_like`); returns ``(model, data, result)``. Its cost is the window answer's:
        an upper bound of the record's optimum when it is feasible. Where the fixed sizes
        have no operation (e.g. the loop stopped on the time limit), the LP with only the
        integers fixed (continuous sizes re-optimised on the record) decides."""
        run = self.search_run
        window = exact_steps(window_data(self.record, keep))
        run.evaluator = Evaluator(run, window)
        e = run.evaluator.evaluate(design, "record: the design on its window model at its site")
        at = exact_steps(self.record).at_site(design.site)
        if e is not None:
            Evaluator.restore(e)
            t = time.perf_counter()
            m = build_model(at)
            fix_sizes_like(m, e.model)
            run.build_s += time.perf_counter() - t
            opts = replace(self.options, time_limit_s=run.left_s())
            r = solve_model(m, opts, stage="record: every hour of every year, sizes fixed (LP)")
            run.log(r, r.compile_s + r.solve_s)
            if r.has_solution:
                return m, at, r
        why = run.stages[-1]["status"] if e is not None else "no operation on the window"
        self.progress(f"record loop: the fixed sizes have no operation on the record ({why}); "
                      "its LP with the integers fixed decides")  # fmt: skip
        run.evaluator = Evaluator(run, exact_steps(self.record))
        e = run.evaluator.evaluate(design, "record: the design on every hour (LP, integers fixed)")
        if e is None:
            return None, at, None
        Evaluator.restore(e)
        return e.model, e.data, e.result


def _grow(
    keep: np.ndarray, rep, years: list[int], add: str, energy_mwh: float, rule: WindowRule
) -> np.ndarray:
    """``keep`` with the window of the worst spell of each year in ``years`` (``add="all"``)
    or of the worst year only (``"worst"``). When they add nothing (a spell inside W, its
    segment's free start too high), the year before the start of that spell's segment joins,
    so every iteration grows W until it holds every hour (then W's model is the record's)."""
    out, yh = keep.copy(), rule.year_h
    per_year = []
    for y in years:
        part = (np.arange(len(keep)) // yh) == y
        worst = max(spells(rep.short & part, rule.spell_gap_h),
                    key=lambda s: spell_energy_mwh(rep, s))  # fmt: skip
        per_year.append((spell_energy_mwh(rep, worst), y, worst))
    per_year.sort(reverse=True)
    chosen = per_year if add == "all" else per_year[:1]
    for _, _, spell in chosen:
        out[failure_window(rep, spell, energy_mwh, rule)] = True
    if out.sum() == keep.sum():  # each spell's segment reaches back a year further
        n = len(keep)
        for _, _, (first, _) in chosen:
            h, back = first, 0
            while out[(h - 1) % n] and back < n:
                h, back = h - 1, back + 1
            out[np.arange(h - yh, h) % n] = True
    return out


def _window_labels(keep: np.ndarray, yh: int) -> list[str]:
    """The windows of ``keep`` as words: ``year k, hours a-b`` (1-based years, 0-based hours of
    the year), each maximal run of kept hours (not joined across the record's end)."""
    edges = np.flatnonzero(np.diff(np.r_[0, keep.astype(int), 0]))
    out = []
    for a, b in zip(edges[::2], edges[1::2] - 1, strict=True):
        ya, yb = a // yh, b // yh
        if a % yh == 0 and b % yh == yh - 1:
            out.append(f"year {ya + 1}" if ya == yb else f"years {ya + 1}-{yb + 1}")
        else:
            out.append(f"year {ya + 1} h {a % yh}-year {yb + 1} h {b % yh}")
    return out


def iteration_lines(iterations: list[dict]) -> list[str]:
    """One line per loop iteration for the workbook's notes and the terminal."""
    out = []
    for it in iterations:
        bad = ", ".join(f"{v['year']} {v['hours_unserved']} h" for v in it["violated"]) or "none"
        up = it.get("upper_bound_usd")
        out.append(f"record loop {it['iteration']}: {it['hours']:,} h in "
                   f"{len(it['windows'])} window(s); lower bound ${it['lower_bound_usd']:,.0f}; "
                   f"design ${it['design_cost_usd']:,.0f}"
                   + (f"; on the record ${up:,.0f}" if up is not None and math.isfinite(up)
                      else "")
                   + f"; unserved: {bad}")  # fmt: skip
    return out
