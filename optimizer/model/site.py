"""The compute site: which candidate parcel hosts the data hall, and the power lines to it.

Choose one candidate site j (binary :math:`z_j`); the hall's footprint sits on its *campus*
:math:`K_j`, the site parcel :math:`p_j`, the parcels adjacent to it
(:func:`optimizer.resource.geo.campuses`; a star around :math:`p_j`, contiguous since
:math:`p_j` is bought) and the parcels within the campus distance of it, each of those a hall
building of its own with a priced link (:mod:`optimizer.model.campus`), hall acres
:math:`a_{jp}` on parcel :math:`p \\in K_j`:

.. math::
    \\sum_j z_j = 1, \\quad z_j \\le y_{p_j}, \\quad \\sum_{j, p \\in K_j} a_{jp} = \\alpha \\, IT,
    \\quad 0 \\le a_{jp} \\le A_p z_j, \\quad
    C_p / d + \\sum_{j: p \\in K_j} a_{jp} \\le A_p y_p

with :math:`a_{jp}` [acre], :math:`A_p` buildable acres, :math:`\\alpha` [acre/MW_IT],
:math:`IT` [MW]. A campus parcel holding hall acres must be bought (and pays its price).

Lines. Parcel p feeds its collector hub h(p) (a substation among parcels within a few km; the
wiring inside a hub is part of the PV balance of system); hub h connects to the site over
:math:`D_{hj}` [km], reservoir s over :math:`R_{sj}` [km]. Trunk lines from hubs are priced by
capacity x distance only (a per-km charge per hub would be a fixed charge that makes the MILP's
relaxation loose); every built reservoir pays its own line per km as well.

PV flows are split per (parcel, site), :math:`\\sum_j x_{pj} = C_p`,
:math:`x_{pj} \\le \\bar C_p z_j`
(few sites: P x J plain rows, none hourly), so that the relaxation pays the z-weighted distance.
With many parcels (``SiteData.hub_flows``) they are split per (hub, site) instead,
:math:`\\sum_j w_{hj} = \\sum_{p \\in h} C_p`, :math:`w_{hj} \\le \\bar C_h z_j`
(:math:`\\bar C_h = \\sum_{p \\in h} \\bar C_p`): the same at a whole :math:`z`, a looser
relaxation (a hub that uses a part of its parcels pays less than the z-weighted distance), and
H x J columns instead of P x J.
Reservoir s: every built reservoir's line is rated for the larger of its dispatch group's pump
and turbine power, the powerhouse rating :math:`H_g \\ge P^{in}_g, P^{out}_g` (it carries the
pumps' draw one way and the turbines' output the other; conservative when a group has several
built sites), :math:`L_s \\ge H_g - \\bar H_g (1 - b_s)` with :math:`\\bar H_g` the group's power
bound (:mod:`optimizer.model.bounds`), split per site like the parcels:
:math:`\\sum_j r_{sj} = b_s`, :math:`r_{sj} \\le z_j`, :math:`\\sum_j q_{sj} = L_s`,
:math:`q_{sj} \\le \\bar T z_j` (:math:`\\bar T = \\max_g \\bar H_g`); valid inequalities
(:func:`_add_line_parts`) make the built sites' lines carry at least the group's powerhouse
rating in the relaxation too.
Cost [$M] = :math:`c_{km}` x (km of line) + :math:`c_{MWkm}` x (MW-km):

.. math::
    c_{km} \\sum_{sj} R_{sj} r_{sj}
    + c_{MWkm} (\\sum_{pj} D_{h(p)j} x_{pj} + \\sum_{sj} R_{sj} q_{sj})

Optional limits: parcels farther than :math:`D^{max}` from site j cannot be bought when j is
chosen (one row per hub and site: :math:`\\sum_{p \\in h, far} y_p \\le n (1 - z_j)`), nor
reservoirs built; at most N contiguous clusters: :math:`v_c \\ge y_p`,
:math:`\\sum_c v_c \\le N`. No hourly row sees any of this.

Two reduced forms serve the solve strategy (:mod:`optimizer.solve.strategy`):

- *fixed site* j* (``SiteData.fixed``): :math:`z_{j^*} = 1`, the hall on :math:`K_{j^*}`, no
  flow columns; the costs are
  :math:`c_{km} \\sum_s R_{sj^*} b_s + c_{MWkm} (\\sum_p D_{h(p)j^*} C_p + \\sum_s R_{sj^*} L_s)`.
- *relaxation* (``SiteData.relaxation``): no :math:`z`; the hall may be split over the bought
  parcels of every campus (a building across a road at its shortest link,
  :mod:`optimizer.model.campus`), :math:`a_p` on :math:`p \\in \\cup_j K_j`
  (:math:`\\sum_p a_p = \\alpha IT`, :math:`C_p/d + a_p \\le A_p y_p`; a design with a site
  maps to :math:`a_p = \\sum_j a_{jp}`), and each line is priced at its nearest candidate,
  :math:`\\min_j D_{h(p)j}`, :math:`\\min_j R_{sj}`.
  Every feasible design with a site is feasible here at no higher cost, so the MILP bound of the
  relaxation bounds the full problem from below.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyomo.environ as pyo

from optimizer import units as u
from optimizer.model.campus import (
    EPS_ACRES,
    add_hall,
    buildings_of,
    campuses_within,
    hall_by_parcel,
    hall_plan,
)
from optimizer.model.data import LandData, ModelData, SiteData
from optimizer.resource import geo


def site_data_from_inputs(
    inputs,
    land: LandData,
    max_distance_km: float | None = None,
    max_clusters: int | None = None,
    n_candidates: int = 6,
    hub_radius_km: float = 5.0,
    gap_m: float = 30.0,
    min_it_mw: float = 0.0,
    campus_km: float | None = None,
) -> SiteData:
    """Candidate sites, campuses, hubs, distances and clusters of validated inputs (model units).

    Parcels within ``gap_m`` [m] of each other are adjacent (clusters and campuses);
    ``min_it_mw`` [MW] is the least IT load of the target, whose hall decides whether the
    candidates are ranked by parcel or by campus acres (:func:`geo.candidate_sites`);
    ``campus_km`` [km] (None: the price row ``campus_km``) is the campus distance: parcels
    whose centroid lies within it of the site parcel's may hold hall buildings, each linked to
    the site parcel (:func:`~optimizer.model.campus.campuses_within`).
    """
    parcels, pr, res = inputs.parcels, inputs.prices, inputs.reservoirs
    lat, lon = parcels["lat"].to_numpy(float), parcels["lon"].to_numpy(float)
    alpha = pr.value("data_hall_acres_per_mw_it")
    reach_km = float(pr.value("campus_km") if campus_km is None else campus_km)
    adjacency = geo.parcel_adjacency(parcels, gap_m)
    reach = adjacency
    if alpha * min_it_mw > land.buildable_acres.max(initial=0.0) and reach_km > 0:
        reach = adjacency + geo.within_km(lat, lon, reach_km)  # ranks sites when no parcel holds it
    sites = geo.candidate_sites(
        parcels, n_candidates, hall_acres=alpha * min_it_mw, adjacency=adjacency, reach=reach
    )
    site_km = geo.distance_matrix_km(lat, lon, lat[sites], lon[sites])
    campus, link_km = campuses_within(adjacency, sites, site_km, land.buildable_acres > 0, reach_km)
    hub, hub_lat, hub_lon = geo.collector_hubs(lat, lon, hub_radius_km)
    rlat = res["lat"].to_numpy(float) if res is not None else np.zeros(0)
    rlon = res["lon"].to_numpy(float) if res is not None else np.zeros(0)
    return SiteData(
        site_parcel=sites,
        hall_acres_per_mw_it=alpha,
        hub=hub,
        parcel_hub_km=geo.haversine_km(lat, lon, hub_lat[hub], hub_lon[hub]),
        hub_site_km=geo.distance_matrix_km(hub_lat, hub_lon, lat[sites], lon[sites]),
        parcel_site_km=site_km,
        reservoir_site_km=geo.distance_matrix_km(rlat, rlon, lat[sites], lon[sites]),
        line_musd_per_km=pr.value("line_usd_per_km") / u.USD_PER_MUSD,
        line_musd_per_mw_km=pr.value("line_usd_per_mw_km") / u.USD_PER_MUSD,
        cluster=geo.parcel_clusters(parcels, gap_m, adjacency),
        parcel_lat=lat,
        parcel_lon=lon,
        reservoir_lat=rlat,
        reservoir_lon=rlon,
        max_distance_km=float("inf") if max_distance_km is None else float(max_distance_km),
        max_clusters=max_clusters,
        campus=campus,
        link_km=link_km,
        link_musd_per_km=pr.value("campus_link_usd_per_km") / u.USD_PER_MUSD,
        campus_km=reach_km,
    )


def _one_distance(b: pyo.Block, data: ModelData) -> bool:
    """True when each line has one known length: the site is fixed, or the block is the
    relaxation (nearest candidate)."""
    return data.land.site.relaxed or len(b.J) == 1


def _add_hubs(m: pyo.ConcreteModel, b: pyo.Block, data: ModelData):
    """Trunk-line MW-km of the PV parcels [MW km] (an expression): flows per (parcel, site),
    or per (hub, site) with ``site.hub_flows`` (see the module docstring)."""
    s, land, cap = data.land.site, data.land, m.land.cap_mw_dc
    use = [p for p in m.land.P if land.buildable_acres[p] > 0]
    if _one_distance(b, data):
        km = s.hub_site_km[s.hub][:, list(b.J)].min(axis=1)
        return sum(float(km[p]) * cap[p] for p in use)
    max_mw = land.buildable_acres * land.mw_dc_per_acre
    if s.hub_flows:
        members = {}
        for p in use:
            members.setdefault(int(s.hub[p]), []).append(p)
        rows = {h: (sum(cap[p] for p in ps), float(max_mw[ps].sum())) for h, ps in members.items()}
    else:
        rows = {p: (cap[p], float(max_mw[p])) for p in use}
    b.FJ = pyo.Set(initialize=[(k, j) for k in rows for j in b.J], dimen=2)
    b.flow_mw = pyo.Var(b.FJ, domain=pyo.NonNegativeReals)
    b.flow_sum = pyo.Constraint(
        list(rows), rule=lambda b, k: sum(b.flow_mw[k, j] for j in b.J) == rows[k][0]
    )
    b.flow_site = pyo.Constraint(
        b.FJ, rule=lambda b, k, j: b.flow_mw[k, j] <= rows[k][1] * b.choose[j]
    )
    hub = (lambda k: k) if s.hub_flows else (lambda k: int(s.hub[k]))
    return sum(float(s.hub_site_km[hub(k), j]) * b.flow_mw[k, j] for k, j in b.FJ)


def _add_reservoir_lines(m: pyo.ConcreteModel, b: pyo.Block, data: ModelData):
    """Reservoir lines: (km of line, MW-km) expressions; (0, 0) without pumped hydro."""
    if not _has_phs(m):
        return 0.0, 0.0
    s, d, ph, bd = data.land.site, data.phs, m.phs, m.bounds
    h_max = np.maximum(bd.phs_pump_mw, bd.phs_turbine_mw)
    t_max = float(h_max.max(initial=0.0))
    b.line_mw = pyo.Var(ph.S, domain=pyo.NonNegativeReals)
    b.line_rating = pyo.Constraint(
        ph.S,
        rule=lambda b, r: (
            b.line_mw[r]
            >= ph.house_mw[int(d.group[r])] - float(h_max[d.group[r]]) * (1 - ph.build[r])
        ),
    )
    _add_line_parts(b, ph, d, h_max)
    if _one_distance(b, data):
        km = s.reservoir_site_km[:, list(b.J)].min(axis=1)
        return (
            sum(float(km[r]) * ph.build[r] for r in ph.S),
            sum(float(km[r]) * b.line_mw[r] for r in ph.S),
        )
    b.res_link = pyo.Var(ph.S, b.J, bounds=(0, 1))
    b.res_link_sum = pyo.Constraint(
        ph.S, rule=lambda b, r: sum(b.res_link[r, j] for j in b.J) == ph.build[r]
    )
    b.res_link_site = pyo.Constraint(
        ph.S, b.J, rule=lambda b, r, j: b.res_link[r, j] <= b.choose[j]
    )
    b.res_flow_mw = pyo.Var(ph.S, b.J, domain=pyo.NonNegativeReals)
    b.res_flow_sum = pyo.Constraint(
        ph.S, rule=lambda b, r: sum(b.res_flow_mw[r, j] for j in b.J) == b.line_mw[r]
    )
    b.res_flow_site = pyo.Constraint(
        ph.S, b.J, rule=lambda b, r, j: b.res_flow_mw[r, j] <= t_max * b.choose[j]
    )
    pairs = [(r, j) for r in ph.S for j in b.J]
    km = sum(float(s.reservoir_site_km[r, j]) * b.res_link[r, j] for r, j in pairs)
    return km, sum(float(s.reservoir_site_km[r, j]) * b.res_flow_mw[r, j] for r, j in pairs)


def _add_line_parts(b: pyo.Block, ph: pyo.Block, d, h_max: np.ndarray) -> None:
    """Valid inequalities that tighten the relaxation of the line rating: the group's
    powerhouse rating is carried by the lines of its built sites,

    .. math:: 0 \\le \\ell_s \\le \\bar H_{g(s)} b_s, \\quad
              \\sum_{s \\in g} \\ell_s \\ge H_g, \\quad L_s \\ge \\ell_s

    (every design meets them with :math:`\\ell_s = H_g` on one built site of g; with b
    fractional the big-M row alone lets :math:`L_s` fall to
    :math:`H_g - \\bar H_g (1 - b_s)`, far below :math:`H_g`)."""
    b.line_part_mw = pyo.Var(ph.S, domain=pyo.NonNegativeReals)
    b.line_part_site = pyo.Constraint(
        ph.S, rule=lambda b, r: b.line_part_mw[r] <= float(h_max[d.group[r]]) * ph.build[r]
    )
    b.line_part_sum = pyo.Constraint(
        ph.U,
        rule=lambda b, g: (
            sum(b.line_part_mw[r] for r in ph.S if int(d.group[r]) == g) >= ph.house_mw[g]
        ),
    )
    b.line_part_rating = pyo.Constraint(ph.S, rule=lambda b, r: b.line_mw[r] >= b.line_part_mw[r])


def _far_rows(m: pyo.ConcreteModel, b: pyo.Block, data: ModelData) -> list:
    """Rows of the distance limit: nothing bought or built beyond it from the chosen site
    (the relaxation: beyond it from every candidate)."""
    s, buy, rows = data.land.site, m.land.buy, []
    js = list(b.J)
    far_p, far_r = s.parcel_site_km > s.max_distance_km, s.reservoir_site_km > s.max_distance_km
    if s.relaxed:
        bad = np.flatnonzero(far_p[:, js].all(axis=1)).tolist()
        rows += [sum(buy[p] for p in bad) <= 0] if bad else []
        if _has_phs(m):
            rows += [m.phs.build[int(r)] <= 0 for r in np.flatnonzero(far_r[:, js].all(axis=1))]
        return rows
    for h in b.H:
        members = np.flatnonzero(s.hub == h)
        for j in js:
            bad = members[far_p[members, j]].tolist()
            if bad:
                rows.append(sum(buy[p] for p in bad) <= len(bad) * (1 - b.choose[j]))
    if _has_phs(m):
        for r, j in zip(*np.nonzero(far_r), strict=True):
            if int(j) in js:
                rows.append(m.phs.build[int(r)] + b.choose[int(j)] <= 1)
    return rows


def _add_limits(m: pyo.ConcreteModel, b: pyo.Block, data: ModelData) -> None:
    s = data.land.site
    buy = m.land.buy
    b.far = pyo.ConstraintList()
    for row in _far_rows(m, b, data) if np.isfinite(s.max_distance_km) else []:
        b.far.add(row)
    if s.max_clusters is not None:
        sizes = np.bincount(s.cluster)
        multi = np.flatnonzero(sizes > 1).tolist()
        b.cluster_used = pyo.Var(multi, bounds=(0, 1))  # 1 once any member is bought
        b.cluster_link = pyo.Constraint(
            [p for p in m.land.P if sizes[s.cluster[p]] > 1],
            rule=lambda b, p: buy[p] <= b.cluster_used[int(s.cluster[p])],
        )
        singles = [p for p in m.land.P if sizes[s.cluster[p]] == 1]
        b.max_clusters = pyo.Constraint(
            expr=sum(b.cluster_used[c] for c in multi) + sum(buy[p] for p in singles)
            <= s.max_clusters
        )


def _has_phs(m: pyo.ConcreteModel) -> bool:
    """Whether the registry added pumped hydro to ``m`` (see
    :func:`optimizer.model.registry.present`; read here without importing the registry)."""
    return "pumped_hydro" in getattr(m, "zopt_components", ())


def add_site(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Add block ``m.site`` (nothing when ``data.land.site`` is None); register line costs.

    With ``site.fixed_site`` set only that candidate is modelled (lines have one length, no
    flow columns); with ``site.relaxed`` there is no site choice and no hall, and every line
    is priced at its nearest candidate (a valid lower bound of the line costs).
    """
    s = data.land.site
    if s is None:
        return
    b = m.site = pyo.Block()
    b.J = pyo.Set(initialize=s.candidates, ordered=True)
    b.H = pyo.RangeSet(0, s.n_hubs - 1)
    add_hall(m, b, data)
    mw_km = _add_hubs(m, b, data)
    res_km, res_mw_km = _add_reservoir_lines(m, b, data)
    _add_limits(m, b, data)
    m.costs["lines_km"] = s.line_musd_per_km * res_km
    m.costs["lines_mw_km"] = s.line_musd_per_mw_km * (mw_km + res_mw_km)


def rank_sites(data: ModelData, design: dict) -> np.ndarray:
    """Site costs [$M] of a design chosen without a site, one per candidate site.

    ``design``: ``cap_mw`` and ``bought`` per parcel, ``built`` per reservoir, ``line_mw``
    (reservoir line rating [MW]) and ``hall_acres``. Cost: the site parcel's land (unless
    bought for PV) + the campus parcels bought for the hall beside the PV and the links of its
    buildings across a road (:func:`~optimizer.model.campus.hall_plan`) + trunk lines
    :math:`c_{MWkm} \\sum_p D_{h(p)j} C_p` + reservoir
    lines; +1e6 per violated limit (the hall exceeds the campus's buildable acres, a bought
    parcel or built reservoir beyond the maximum distance). PV that the hall displaces is left
    to the evaluation at the site (the LP with the design fixed).
    """
    s, land = data.land.site, data.land
    bought, built = design["bought"], design["built"]
    cost, campus_acres = np.zeros(len(s.site_parcel)), s.campus_acres(land.buildable_acres)
    for j, p in enumerate(s.site_parcel):
        km = s.reservoir_site_km[built, j] if len(built) else np.zeros(0)
        lines = s.line_musd_per_mw_km * float(s.hub_site_km[s.hub, j] @ design["cap_mw"])
        lines += float(km.sum()) * (s.line_musd_per_km + s.line_musd_per_mw_km * design["line_mw"])
        bad = int((bought & (s.parcel_site_km[:, j] > s.max_distance_km)).sum())
        extra, _, homes = hall_plan(data, j, design["cap_mw"], bought, design["hall_acres"])
        lines += s.link_musd_per_km * sum(s.remote_of(j)[int(q)] for q in homes)
        bad += int((km > s.max_distance_km).sum()) + int(
            design["hall_acres"] > campus_acres[j] + EPS_ACRES * max(design["hall_acres"], 1.0)
        )
        owned = bought[p] and design["cap_mw"][p] > 1e-6  # bought for PV anyway
        land_musd = (0.0 if owned else float(land.price_musd[p])) + land.price_musd[extra].sum()
        cost[j] = lines + land_musd + 1e6 * bad
    return cost


@dataclass
class SiteSolution:
    """The chosen site and line sizes read from a solved model.

    ``site`` index into the candidates, ``parcel`` its parcel index, ``hall_acres`` [acre] in
    all, ``reservoir_line_mw`` [MW] per reservoir site, ``choose`` the raw binary values,
    ``hall_parcel_acres`` [acre] the hall per parcel (None: all on the site parcel),
    ``buildings`` whether each parcel holds a hall building across a road (None: none).
    """

    site: int
    parcel: int
    hall_acres: float
    reservoir_line_mw: np.ndarray
    choose: np.ndarray
    hall_parcel_acres: np.ndarray | None = None
    buildings: np.ndarray | None = None

    def hall_per_parcel(self, n_parcels: int) -> np.ndarray:
        """Hall acres [acre] per parcel (all on the site parcel when not recorded)."""
        if self.hall_parcel_acres is not None:
            return np.asarray(self.hall_parcel_acres, float)
        out = np.zeros(n_parcels)
        out[self.parcel] = self.hall_acres
        return out


def extract_site(m: pyo.ConcreteModel, data: ModelData) -> SiteSolution | None:
    """Read the site decision out of a solved model (None without a site block)."""
    b = m.component("site")
    if b is None or b.component("choose") is None:  # no site block, or the relaxation's
        return None
    choose = np.zeros(len(data.land.site.site_parcel))
    for j in b.J:
        choose[j] = pyo.value(b.choose[j])
    j = int(np.argmax(choose))
    lines = (
        np.array([pyo.value(b.line_mw[r]) for r in m.phs.S], dtype=float)
        if b.component("line_mw") is not None
        else np.zeros(len(data.phs.ids) if data.phs is not None else 0)
    )
    hall = hall_by_parcel(m, len(data.land.ids))
    return SiteSolution(
        site=j,
        parcel=int(data.land.site.site_parcel[j]),
        hall_acres=float(hall.sum()),
        reservoir_line_mw=lines,
        choose=choose,
        hall_parcel_acres=hall,
        buildings=buildings_of(m, len(data.land.ids)),
    )
