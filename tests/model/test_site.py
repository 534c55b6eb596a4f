"""Compute-site choice on a hand-checkable case: the line cost decides where the hall goes.

Parcels S1, S2 are the candidate sites (each just big enough for the hall: 0.1 MW_IT x 10 acre/MW
= 1 acre), P is the PV parcel (10 acres x 0.1 MW_dc/acre; 0.1 MW_dc needed). P's hub is 2 km from
S1 and 5 km from S2. S1 costs $0.10M, S2 $0.05M, P $0.01M. Trunk lines cost c [$M/MW-km].

- c = 0.2: S1 = 0.10 + 0.2*0.1*2 = 0.14; S2 = 0.05 + 0.2*0.1*5 = 0.15 -> S1 (the line cost
  outweighs S2's cheaper land).
- c = 0.1: S1 = 0.12; S2 = 0.10 -> S2; with --max-distance-km 4, P may not serve S2 -> S1.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from tiny import tiny_data

from optimizer.model.build import build_model
from optimizer.model.data import LandData, SiteData
from optimizer.model.site import extract_site
from optimizer.model.site_results import line_quantities
from optimizer.results.solution import extract_solution
from optimizer.results.verify import verify_solution
from optimizer.solve.highs import SolveOptions, solve_model
from optimizer.solve.strategy import solve_with_gap

D = np.array([[0.0, 3.0], [3.0, 0.0], [2.0, 5.0]])  # hub (= parcel) x site [km]


def site_data(c_mw_km: float, max_km: float = float("inf"), max_clusters=None):
    data = tiny_data([1, 1, 1, 1], target_pflops=100.0)
    data.land = LandData(
        ids=["S1", "S2", "P"],
        buildable_acres=np.array([1.0, 1.0, 10.0]),
        price_musd=np.array([0.10, 0.05, 0.01]),
        profile=np.zeros(3, dtype=int),
        mw_dc_per_acre=0.1,
    )
    data.land.site = SiteData(
        site_parcel=np.array([0, 1]),
        hall_acres_per_mw_it=10.0,
        hub=np.array([0, 1, 2]),
        parcel_hub_km=np.zeros(3),
        hub_site_km=D,
        parcel_site_km=D,
        reservoir_site_km=np.zeros((0, 2)),
        line_musd_per_km=1.0,
        line_musd_per_mw_km=c_mw_km,
        cluster=np.array([0, 1, 2]),
        parcel_lat=np.zeros(3),
        parcel_lon=np.zeros(3),
        max_distance_km=max_km,
        max_clusters=max_clusters,
    )
    return data


def site_case(c_mw_km: float, max_km: float = float("inf"), max_clusters=None):
    data = site_data(c_mw_km, max_km, max_clusters)
    r = solve_with_gap(data, SolveOptions(mip_rel_gap=0), method="search")
    sol = extract_solution(r.model, r.data)
    return data, sol, r


@pytest.mark.parametrize(
    ("c_mw_km", "max_km", "site", "lines_musd"),
    [(0.2, np.inf, "S1", 0.04), (0.1, np.inf, "S2", 0.05), (0.1, 4.0, "S1", 0.02)],
)
def test_line_cost_decides_the_site(c_mw_km, max_km, site, lines_musd):
    data, sol, r = site_case(c_mw_km, max_km)
    s = sol.site
    assert data.land.ids[s.parcel] == site
    assert sol.parcel_selected.tolist() == [site == "S1", site == "S2", True]
    assert s.hall_acres == pytest.approx(1.0)
    assert sol.parcel_mw_dc == pytest.approx([0.0, 0.0, 0.1], abs=1e-7)
    lines = sol.costs_usd["lines_km"] + sol.costs_usd["lines_mw_km"]
    assert lines == pytest.approx(lines_musd * 1e6, rel=1e-6)
    land = {"S1": 0.10, "S2": 0.05}[site] + 0.01
    assert r.upper_bound == pytest.approx(1.0 + 0.1 + land + lines_musd, rel=1e-9)
    q = line_quantities(sol, data)
    assert q["trunk_mw_km"] == pytest.approx(0.1 * D[2, s.site])


def test_verify_covers_the_site_constraints():
    import pandas as pd

    data, sol, _ = site_case(0.2)
    bom = pd.DataFrame({"quantity": [1.0], "unit_cost_usd": [sol.objective_usd]})
    assert verify_solution(sol, data, bom).passed
    sol.parcel_selected[0] = False  # site on a parcel not bought
    failures = verify_solution(sol, data, bom).failures
    assert failures == ["compute site S1 is on a parcel not bought"]
    sol.parcel_selected[0] = True
    sol.site.choose[:] = [1.0, 1.0]
    assert "compute site chosen 2 times" in verify_solution(sol, data, bom).failures
    sol.site.choose[:] = [1.0, 0.0]
    sol.parcel_mw_dc[0] = 0.05  # PV where the hall stands
    assert any(
        "exceed its 1.00 buildable acres" in f for f in verify_solution(sol, data, bom).failures
    )


def test_hourly_stage_fixes_the_site_binaries():
    _, _, r = site_case(0.2)
    m = r.model
    assert all(m.site.choose[j].fixed for j in m.site.J)
    assert all(m.land.buy[p].fixed for p in m.land.P)


def _solve_with(data, site):
    m = build_model(replace(data, land=replace(data.land, site=site)))
    r = solve_model(m, SolveOptions(mip_rel_gap=0))
    return m, r


@pytest.mark.parametrize(
    ("max_km", "fixed_musd"), [(np.inf, {0: 1.25, 1: 1.26}), (4.0, {0: 1.25, 1: 1.31})]
)
def test_relaxation_bounds_every_site_and_a_fixed_site_is_exact(max_km, fixed_musd):
    """Relaxation: hall on S2 (0.05), PV on P (0.01), P's line at its nearest candidate
    (0.2 x 0.1 MW x 2 km = 0.04): 1.1 + 0.10 = 1.20 <= the optimum 1.25 (site S1).
    Fixed S2: P's line runs 5 km (0.10) -> 1.26; with a 4 km limit P may not serve S2, so the PV
    moves to S1 (0.10 land, 3 km line 0.06) -> 1.1 + 0.05 + 0.10 + 0.06 = 1.31."""
    data = site_data(0.2, max_km)
    full = solve_with_gap(data, SolveOptions(mip_rel_gap=0), method="direct")
    assert full.upper_bound == pytest.approx(1.25, rel=1e-9)
    m, relaxed = _solve_with(data, data.land.site.relaxation())
    assert relaxed.objective == pytest.approx(1.20, rel=1e-9)
    assert not hasattr(m.site, "choose")
    for j, cost in fixed_musd.items():
        m, fixed = _solve_with(data, data.land.site.fixed(j))
        assert fixed.objective == pytest.approx(cost, rel=1e-9)
        assert not hasattr(m.site, "flow_mw")  # one line length per parcel: no flow columns
        assert list(m.site.J) == [j]
        assert extract_site(m, data).site == j


def _lp(data, site, fix=None):
    m = build_model(replace(data, land=replace(data.land, site=site)))
    if fix is not None:
        fix(m)
    return m, solve_model(m, SolveOptions(mip_rel_gap=0), relax=True).objective


@pytest.mark.parametrize("max_km", [np.inf, 4.0])
def test_hub_flows_are_exact_at_a_whole_site_and_bounded_by_the_other_forms(max_km):
    """S2 and P share hub 1 (0 km from S2, 3 km from S1): per-hub flows give the same MILP and,
    with the site fixed, the same LP as the fixed-site model; their LP relaxation lies
    between the site relaxation's and the per-parcel flows'."""
    data = site_data(0.2, max_km)
    data.land.site.hub = np.array([0, 1, 1])
    data.land.site.hub_site_km = D[:2]
    s = data.land.site
    hub = s.by_hub()
    m, _ = _lp(data, hub)
    assert len(m.site.FJ) == 2 * 2  # hubs x candidates, not parcels x candidates
    full = solve_with_gap(data, SolveOptions(mip_rel_gap=0), method="direct").upper_bound
    by_hub = solve_model(build_model(replace(data, land=replace(data.land, site=hub))),
                         SolveOptions(mip_rel_gap=0))  # fmt: skip
    assert by_hub.objective == pytest.approx(full, rel=1e-9)
    relaxed, parcel, hub_lp = (_lp(data, x)[1] for x in (s.relaxation(), s, hub))
    assert relaxed - 1e-9 <= hub_lp <= parcel + 1e-9
    for j in (0, 1):
        def at(m, j=j):
            for i in m.site.J:
                m.site.choose[i].fix(float(i == j))
        assert _lp(data, hub, at)[1] == pytest.approx(_lp(data, s.fixed(j))[1], rel=1e-9)


def test_many_parcels_branch_on_the_hub_form(monkeypatch):
    """With candidates x parcels over MAX_SITE_FLOWS but candidates x hubs within it, the root LP
    keeps the site choice with per-hub flows and the answer is the direct MILP's."""
    import optimizer.solve.strategy as strategy

    data = site_data(0.2)
    data.land.site.hub = np.array([0, 1, 1])
    data.land.site.hub_site_km = D[:2]
    full = solve_with_gap(data, SolveOptions(mip_rel_gap=0), method="direct")
    monkeypatch.setattr(strategy, "MAX_SITE_FLOWS", 5)  # 3 parcels x 2 > 5 >= 2 hubs x 2
    r = solve_with_gap(data, SolveOptions(mip_rel_gap=0), method="search")
    assert r.data.land.site.hub_flows
    assert r.upper_bound == pytest.approx(full.upper_bound, rel=1e-9)
    assert r.gap <= 1e-9
    assert any("at the chosen site" in st["stage"] for st in r.stages)
