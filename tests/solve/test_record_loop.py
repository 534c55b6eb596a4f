"""The loop over weather windows (optimizer.solve.record, optimizer.solve.windows) on tiny
records solved by HiGHS's own branch and bound (``method="direct"``, gap 0).

The record: three "years" of four 12-hour days (six hours of sun), laid end to end, one
battery (0.3 $M/MWh: dearer than PV for more than a night), a load of 0.1 MW (100 chips x
1 kW). Year 1 is sunny, year 2 has a dull spell of two days, year 3 is sunny again.
"""

from dataclasses import replace

import numpy as np
import pytest
from tiny import tiny_data

from optimizer.model.data import BatteryData
from optimizer.model.steps import coarse_steps, exact_steps
from optimizer.results.stress_lp import least_unserved
from optimizer.solve.highs import SolveOptions
from optimizer.solve.record import solve_record
from optimizer.solve.strategy import solve_with_gap
from optimizer.solve.windows import WindowRule, window_data

DAY = np.array([0.0] * 3 + [1.0] * 6 + [0.0] * 3)
SUNNY = np.concatenate([0.8 * DAY] * 4)
DULL = np.concatenate([0.8 * DAY, 0.25 * DAY, 0.25 * DAY, 0.8 * DAY])
YEAR_H = len(SUNNY)
RULE = WindowRule(year_h=YEAR_H, spell_gap_h=6, lead_h=2, lookback_h=YEAR_H, tail_h=2)
EXACT = SolveOptions(mip_rel_gap=0.0)


def record(years=(SUNNY, DULL, SUNNY)):
    bat = BatteryData(energy_musd_per_mwh=0.3, power_musd_per_mw=0.05, round_trip_eff=0.81)
    return tiny_data(np.concatenate(years), battery=bat, max_mw=(3.0, 3.0))


def optimum(data) -> float:
    r = solve_with_gap(data, EXACT, method="direct")
    assert r.gap <= 1e-9
    return r.upper_bound


def mask(*years, extra=()) -> np.ndarray:
    keep = np.zeros(3 * YEAR_H, dtype=bool)
    for y in years:
        keep[y * YEAR_H : (y + 1) * YEAR_H] = True
    keep[list(extra)] = True
    return keep


def test_window_model_with_free_starts_is_a_relaxation_of_the_record():
    """Every window set's optimum (free start level at each window start) is at most the
    record's optimum (storage cyclic over the record), and equal with every hour kept."""
    full = record()
    best = optimum(full)
    dark = range(YEAR_H + 12, YEAR_H + 36)  # the dull spell alone
    for keep in (mask(0), mask(1), mask(1, 2), mask(0, 2), mask(0, extra=range(60, 80)),
                 mask(extra=dark)):
        w = window_data(full, keep)
        assert w.segment_starts_h  # a free start somewhere
        assert optimum(w) <= best * (1 + 1e-7)
    assert window_data(full, mask(0, 1, 2)) is full
    assert optimum(window_data(full, mask(1))) > optimum(window_data(full, mask(0)))


def test_a_cyclic_window_is_no_relaxation():
    """The dull year alone *cyclic* must carry itself and costs more than the whole record,
    whose sunny years fill the store for it; with a free start it costs less."""
    full = record()
    dull = replace(full, pv=replace(full.pv, cf=full.pv.cf[:, YEAR_H : 2 * YEAR_H]))
    assert optimum(dull) > optimum(full) * (1 + 1e-4)
    assert optimum(window_data(full, mask(1))) <= optimum(full) * (1 + 1e-7)


def test_steps_never_merge_across_a_segment_start():
    """The night at the end of year 1 and the one starting year 2 are identical hours, merged
    in the record but not across year 2's free start."""
    w = window_data(record(), mask(0, 1))
    exact = exact_steps(w)
    assert exact.hours < w.hours
    starts = exact.segment_start_steps
    assert set(np.flatnonzero(np.diff(exact.step_of_hour)) + 1) >= {
        int(exact.step_of_hour[h]) for h in w.segment_starts_h
    } - {0}
    for h in w.segment_starts_h:  # the start hour begins its step
        s = exact.step_of_hour[h]
        assert h == 0 or exact.step_of_hour[h - 1] != s
        assert s in starts
    coarse = coarse_steps(exact, 4.0)
    for h in w.segment_starts_h:
        s = coarse.step_of_hour[h]
        assert h == 0 or coarse.step_of_hour[h - 1] != s


def test_loop_adds_the_failing_year_and_proves_the_record_optimum():
    """The design on year 1 leaves hours of the dull year unserved; the loop adds a window of
    it, ends with a design that holds every hour of the record, and its answer is the record's
    optimum (HiGHS on the whole record) within the proven gap."""
    full = record()
    best = optimum(full)
    lines = []
    r = solve_record(full, EXACT, ["y1", "y2 dull", "y3"], method="direct",
                     progress=lines.append, rule=RULE, lp_replay=least_unserved)  # fmt: skip
    first = r.iterations[0]
    assert first["windows"] == ["year 1"]
    assert "y2 dull" in [v["year"] for v in first["violated"]]
    assert len(r.iterations) >= 2 and r.iterations[-1]["violated"] == []
    assert r.iterations[-1]["hours"] > YEAR_H
    assert r.lower_bound <= best * (1 + 1e-7)
    assert r.upper_bound == pytest.approx(best, rel=1e-6)
    assert r.gap <= 1e-6
    assert r.data.year_h == 3 * YEAR_H  # the answer is a model of every hour of the record
    assert any("unserved in" in ln and "y2 dull" in ln for ln in lines)


def test_loop_stops_at_once_when_the_design_year_is_the_worst():
    """All years alike: the design on year 1 holds the record after one search."""
    full = record((SUNNY, SUNNY, SUNNY))
    r = solve_record(full, EXACT, ["a", "b", "c"], method="direct", rule=RULE,
                     lp_replay=least_unserved)
    assert len(r.iterations) == 1 and r.iterations[0]["violated"] == []
    assert r.upper_bound == pytest.approx(optimum(full), rel=1e-6)


def test_search_on_a_dark_window_from_a_design_stays_a_relaxation():
    """The search on the dull spell alone, its big-M's from a known design's cost: a free
    start level carries load without PV, so no PV energy floor may cut its budget; its bound
    stays at most the record's optimum (and the window is feasible)."""
    from optimizer.solve.design import round_design

    full = record()
    whole = solve_with_gap(full, EXACT, method="direct")
    window = window_data(full, mask(extra=range(YEAR_H + 12, YEAR_H + 36)))
    r = solve_with_gap(window, EXACT, start=round_design(whole.model, whole.data))
    assert r.lower_bound <= whole.upper_bound * (1 + 1e-7)
    assert r.upper_bound < whole.upper_bound  # the window alone is cheaper than the record


def test_greedy_replay_of_one_store_matches_the_stress_lp():
    """One store, random sunny-and-dull horizons whose store fills at times: the greedy cyclic
    operation leaves exactly the stress LP's least unserved energy (its waived losses of an
    empty store counted as unserved), and both say 'holds' for the same designs."""
    from optimizer.solve.windows import greedy_cyclic

    rng = np.random.default_rng(1)
    compared = held = 0
    for _ in range(40):
        n = 24 * int(rng.integers(5, 30))
        sun = np.clip(np.sin(np.linspace(0, np.pi * n / 12, n)), 0, None)
        pv = sun * rng.uniform(0.3, 1.2, n) * rng.uniform(3, 6)
        unit = {"eff_in": rng.uniform(0.8, 1), "eff_out": rng.uniform(0.8, 1),
                "loss_mwh_per_h": rng.choice([0.0, 0.001, 0.01]),
                "energy_mwh": rng.uniform(10, 40), "charge_mw": rng.uniform(2, 4),
                "discharge_mw": rng.uniform(0.8, 1.2)}  # fmt: skip
        greedy = greedy_cyclic(pv, 1.0, unit)
        if greedy is None:  # never full: the LP decides
            continue
        lp = least_unserved([unit], pv, np.full(n, 1.0))
        lp_short = lp.unserved_mw.sum() + lp.waived_mwh * unit["eff_out"]
        assert greedy[0].sum() == pytest.approx(lp_short, rel=1e-4, abs=1e-6)
        compared += 1
        held += lp_short < 1e-6
    assert compared >= 10 and 0 < held < compared


def test_a_loop_stopped_by_the_time_limit_says_so_and_stays_proven():
    """Out of time while a year still fails: the loop stops (a stage that reached the limit),
    the last design fails the record with its sizes fixed, so its integers are evaluated on
    the record with the continuous sizes re-optimised; the gap is still a proof."""
    full = record()
    best = optimum(full)
    lines = []
    r = solve_record(full, replace(EXACT, time_limit_s=0.05), ["y1", "y2 dull", "y3"],
                     method="direct", progress=lines.append, rule=RULE,
                     lp_replay=least_unserved)  # fmt: skip
    assert r.time_limit_reached and "time limit reached" in r.status
    assert any("record loop: time limit reached" in ln for ln in lines)
    assert r.iterations[-1]["violated"]  # stopped with a year still failing
    assert r.lower_bound <= best * (1 + 1e-7) <= r.upper_bound * (1 + 2e-7)
    assert r.gap == pytest.approx((r.upper_bound - r.lower_bound) / r.upper_bound)
    assert r.data.year_h == 3 * YEAR_H
