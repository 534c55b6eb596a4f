"""The compute site's results (registry hooks of :mod:`optimizer.model.site`): its part of
the solution (:class:`~optimizer.model.site.SiteSolution`), its check (one site, the hall on its
campus, the distance and cluster limits, the reservoir lines' ratings), its BOM lines (trunk and
reservoir lines) and its columns of the Parcels sheet.

Distances are recomputed in the check from the centroids (great circle), not read from the
model.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from optimizer.model.component import tol_mw
from optimizer.model.data import ModelData
from optimizer.model.site import extract_site
from optimizer.resource.profiles import haversine_km


def extract_site_part(m: pyo.ConcreteModel, data: ModelData) -> dict:
    """``solution``: the chosen site, hall and line sizes (:func:`extract_site`; None when the
    block has no site choice)."""
    return {"solution": extract_site(m, data)}


def check_site(part: dict, sol, data: ModelData, report) -> None:
    """Site chosen once on a bought parcel; the hall on its campus (:func:`_check_hall`);
    distance and cluster limits.

    Distances are recomputed here from the centroids (great circle), not read from the model.
    """
    s, site = data.land.site, part["solution"]
    if site is None or not np.allclose(site.choose, np.round(site.choose), atol=1e-6):
        report.failures.append("compute site: no integral site choice in the solution")
        return
    if int(np.round(site.choose).sum()) != 1:
        report.failures.append(f"compute site chosen {int(np.round(site.choose).sum())} times")
    p, land = site.parcel, data.land
    if not sol.parcel_selected[p]:
        report.failures.append(f"compute site {land.ids[p]} is on a parcel not bought")
    _check_hall(sol, data, site, report)
    lat0, lon0 = s.parcel_lat[p], s.parcel_lon[p]
    dist = haversine_km(s.parcel_lat, s.parcel_lon, lat0, lon0)
    far = sol.parcel_selected & (dist > s.max_distance_km * (1 + 1e-9))
    res_far = (
        sol.phs_built
        & (haversine_km(s.reservoir_lat, s.reservoir_lon, lat0, lon0) > s.max_distance_km)
        if len(s.reservoir_lat) and len(sol.phs_built)
        else np.zeros(0, bool)
    )
    if far.any() or res_far.any():
        report.failures.append(
            f"{int(far.sum())} parcels and {int(res_far.sum())} reservoirs lie beyond "
            f"--max-distance-km {s.max_distance_km:g} of the compute site"
        )
    report.figures["farthest bought parcel from the site [km]"] = float(
        dist[sol.parcel_selected].max(initial=0.0)
    )
    groups = len(np.unique(s.cluster[sol.parcel_selected]))
    report.figures["parcel clusters bought"] = groups
    if s.max_clusters is not None and groups > s.max_clusters:
        report.failures.append(f"{groups} parcel clusters bought (> --max-sites {s.max_clusters})")
    _check_reservoir_lines(sol, data, site, report)


def _check_hall(sol, data: ModelData, site, report) -> None:
    """Hall acres = :math:`\\alpha IT`, only on parcels of the chosen site's campus, each of
    them bought, and PV + hall within every parcel's buildable acres."""
    s, land = data.land.site, data.land
    it_mw = float(data.compute.it_mw_per_chip @ sol.chip_count)
    need = s.hall_acres_per_mw_it * it_mw
    hall = site.hall_per_parcel(len(land.ids))
    report.figures["data hall acres"] = need
    report.figures["data hall parcels"] = int((hall > 1e-6).sum())
    if abs(hall.sum() - need) > 1e-6 * max(need, 1.0) + 1e-6:
        report.failures.append(f"data hall {hall.sum():.2f} acres, but {need:.2f} acres needed")
    outside = np.setdiff1d(np.flatnonzero(hall > 1e-6), s.campus_of(site.site))
    if len(outside):
        report.failures.append(
            f"data hall on {len(outside)} parcels outside the campus of site "
            f"{land.ids[site.parcel]}: {', '.join(land.ids[q] for q in outside[:5])}"
        )
    _check_buildings(hall, data, site, report)
    for q in np.flatnonzero((hall > 1e-6) & ~sol.parcel_selected):
        if q != site.parcel:  # reported above
            report.failures.append(f"data hall on parcel {land.ids[q]}, which is not bought")
    pv = sol.parcel_mw_dc / land.mw_dc_per_acre
    for q in np.flatnonzero((hall > 1e-6) & (pv + hall > land.buildable_acres + 1e-4)):
        report.failures.append(
            f"parcel {land.ids[q]}: hall {hall[q]:.2f} acres + PV {pv[q]:.2f} acres exceed "
            f"its {land.buildable_acres[q]:.2f} buildable acres"
        )


def _check_buildings(hall: np.ndarray, data: ModelData, site, report) -> None:
    """Every hall building across a road (on a campus parcel not contiguous with the site
    parcel) is linked, and its parcel's centroid lies within the campus distance of the site
    parcel's (recomputed here, great circle)."""
    s, ids = data.land.site, data.land.ids
    remote = s.remote_of(site.site)
    linked = site.buildings if site.buildings is not None else np.zeros(len(hall), bool)
    far = [q for q in np.flatnonzero(hall > 1e-6) if int(q) in remote]
    report.figures["data hall buildings across a road"] = len(far)
    for q in far:
        if not linked[q]:
            report.failures.append(f"data hall on parcel {ids[q]} across a road, not linked")
        km = float(haversine_km(s.parcel_lat[q], s.parcel_lon[q], s.parcel_lat[site.parcel],
                                s.parcel_lon[site.parcel]))  # fmt: skip
        if km > s.campus_km * (1 + 1e-9) + 1e-9:
            report.failures.append(f"hall building on parcel {ids[q]} lies {km:.2f} km from the "
                                   f"site parcel (> --campus-km {s.campus_km:g})")  # fmt: skip


def hall_buildings(sol, data: ModelData) -> list[tuple[int, float, float]]:
    """The hall's buildings of a solution: (parcel index, hall acres [acre], link [km]) per
    parcel holding hall acres, the site parcel first; link 0: contiguous with the site parcel.
    A linked building without hall acres (let go of after the solve) is not listed."""
    s, site = data.land.site, sol.site
    if s is None or site is None:
        return []
    hall = site.hall_per_parcel(len(data.land.ids))
    remote = s.remote_of(site.site)
    linked = site.buildings if site.buildings is not None else np.zeros(len(hall), bool)
    out = [(int(q), float(hall[q]), remote.get(int(q), 0.0) if linked[q] else 0.0)
           for q in np.flatnonzero(hall > 1e-6)]  # fmt: skip
    return sorted(out, key=lambda x: (x[0] != site.parcel, x[2], x[0]))


def _check_reservoir_lines(sol, data: ModelData, site, report) -> None:
    if data.phs is None or not len(sol.phs_group_power_mw):
        return
    for r in np.flatnonzero(sol.phs_built):
        pump, turbine = (float(x) for x in sol.phs_group_power_mw[int(data.phs.group[r])][:2])
        need = max(pump, turbine)  # the pumps' draw one way, the turbines' output the other
        if site.reservoir_line_mw[r] < need - tol_mw(need):
            report.failures.append(
                f"reservoir {data.phs.ids[r]}: line {site.reservoir_line_mw[r]:.2f} MW < "
                f"its largest flow {need:.2f} MW (pumps {pump:.2f} MW, turbines {turbine:.2f} MW)"
            )


def line_quantities(sol, data: ModelData) -> dict[str, float]:
    """Line lengths [km] and capacity-distances [MW-km] of the chosen design, from the solution.

    Trunk lines (collector hub -> site, MW-km of the PV they carry) and reservoir lines (built
    reservoir -> site: km and MW-km of the turbine rating). Wiring inside a hub is
    part of the PV balance of system.
    """
    s, site = data.land.site, sol.site
    if s is None or site is None:
        return {}
    j = site.site
    flow = np.bincount(s.hub, weights=sol.parcel_mw_dc, minlength=s.n_hubs)
    out = {
        "trunk_mw_km": float(s.hub_site_km[:, j] @ flow),
        "reservoir_km": 0.0,
        "reservoir_mw_km": 0.0,
    }
    if len(s.reservoir_site_km) and len(sol.phs_built):
        out["reservoir_km"] = float(s.reservoir_site_km[:, j] @ sol.phs_built)
        out["reservoir_mw_km"] = float(s.reservoir_site_km[:, j] @ site.reservoir_line_mw)
    return out


def site_bom(b, part: dict, sol, data: ModelData) -> None:
    """Trunk lines (capacity x length) and reservoir lines (length; capacity x length) to the
    compute site (:func:`line_quantities`)."""
    q = line_quantities(sol, data)
    if not q:
        return
    parcels = b.inputs.parcels.reset_index(drop=True)
    site = parcels.iloc[sol.site.parcel]["parcel_id"]
    b.price(
        "Power lines",
        f"Trunk lines, collector substations to the compute site ({site}): capacity x length",
        q["trunk_mw_km"],
        "line_usd_per_mw_km",
    )
    text = f"Lines, reservoirs to the compute site ({site})"
    b.price("Power lines", f"{text}: length", q["reservoir_km"], "line_usd_per_km")
    b.price("Power lines", f"{text}: capacity x length", q["reservoir_mw_km"], "line_usd_per_mw_km")
    for p, acres, km in hall_buildings(sol, data):
        if km > 0:
            b.price("Campus links", f"Fibre and road, hall building on Parcel "
                    f"{parcels.iloc[p]['parcel_id']} ({acres:,.1f} acres) to the site parcel "
                    f"({site}): length", km, "campus_link_usd_per_km")  # fmt: skip


def site_table(part: dict | None, run):
    """The Site sheet: one row per data hall building (its parcel, hall acres, whether it is
    the site parcel, contiguous with it or across a road, and its link [km], [$]); None
    without a compute site."""
    if part is None or part.get("solution") is None:
        return None
    data, ids = run.data, run.data.land.ids
    usd = data.land.site.link_musd_per_km * 1e6
    rows = []
    for i, (p, acres, km) in enumerate(hall_buildings(run.solution, data)):
        where = ("site parcel" if p == part["solution"].parcel
                 else "across a road" if km > 0 else "contiguous with the site parcel")  # fmt: skip
        rows.append({"building": f"hall {i + 1}", "parcel_id": ids[p], "hall_acres": acres,
                     "where": where, "link_km": km, "link_usd": km * usd})  # fmt: skip
    return pd.DataFrame(rows, columns=["building", "parcel_id", "hall_acres", "where",
                                       "link_km", "link_usd"])  # fmt: skip


def site_parcel_columns(p, run):
    """The Parcels table ``p`` with the compute site's columns: candidates, hall acres, the
    decision words, distance to the site, collector hub and cluster."""
    land, site = run.data.land, run.solution.site
    if land.site is None or site is None:
        return p
    s = land.site
    p = p.rename(columns={"compute_site": "site_flag"})
    p["site_candidate"] = np.isin(np.arange(len(p)), s.site_parcel)
    p["hall_acres"] = site.hall_per_parcel(len(p))
    hall = p["hall_acres"].to_numpy() > 1e-6
    p.loc[hall, "decision"] = p.loc[hall, "decision"] + " + data hall"
    if site.buildings is not None:
        far = hall & np.asarray(site.buildings, bool)
        p.loc[far, "decision"] = p.loc[far, "decision"] + " (building across a road, linked)"
    p.loc[site.parcel, "decision"] = p.loc[site.parcel, "decision"] + " + compute site"
    p["distance_to_site_km"] = s.parcel_site_km[:, site.site]
    p["collector_hub"] = [f"H{h + 1}" for h in s.hub]
    p["cluster"] = [f"C{c + 1}" for c in s.cluster]
    return p
