"""PNG figures of a run: the parcel/reservoir map and the dispatch (a summer and a winter week,
storage levels over the year). Legends sit outside the data in both.

The map is drawn in kilometres east and north of the compute site (local UTM), with a scale bar,
a north arrow, the bought parcels labelled with the ids their BOM lines carry ("Parcel P061"),
and every priced line: trunk lines from collector hubs and the lines from built reservoirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from optimizer.inputs.exclusions import exclusion_zone
from optimizer.model.registry import COMPONENTS  # noqa: E402
from optimizer.model.site_results import hall_buildings
from optimizer.results.run import RunResult  # noqa: E402

KM = 1000.0  # m per km
SUMMER_START_H = 24 * 171  # 21 June (day 172 of the year, 0-based 171)
WINTER_START_H = 24 * 354  # 21 December
WEEK_H = 24 * 7
FLOW_SERIES = [  # (column or (discharge, charge) pair, label, colour, width)
    ("pv_available_mw", "PV available", "#f2a900", 1.0),
    ("pv_used_mw", "PV used", "#b07a00", 0.8),
    ("load_mw", "Facility load", "k", 1.4),
    (("phs_discharge_mw", "phs_charge_mw"), "Pumped hydro: generating (+) / pumping (-)",
     "#1f5fa8", 1.0),
    (("liion_discharge_mw", "liion_charge_mw"), "Li-ion: discharging (+) / charging (-)",
     "#7a3db8", 1.0),
    ("unserved_mw", "Unserved load", "#d62728", 1.0),
]  # fmt: skip
LEVELS = [("phs_level_mwh", "Pumped hydro stored", "#1f5fa8"),
          ("liion_level_mwh", "Li-ion stored", "#7a3db8")]  # fmt: skip
#: colours of the dispatch columns no entry above names (e.g. a backup generator's output)
OTHER_COLOURS = ["#2ca02c", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"]
NOT_FLOWS = {"pv_curtailed_mw"}  # available - used: not drawn


def _words(column: str) -> str:
    """A dispatch column in words: ``backup_mw`` -> ``Backup``."""
    return column.removesuffix("_mw").removesuffix("_mwh").replace("_", " ").capitalize()


def flow_series(columns) -> list[tuple]:
    """The flows to draw: :data:`FLOW_SERIES` present in ``columns``, then every other power
    column of the dispatch (a registry component's ``<kind>_discharge_mw``/``<kind>_charge_mw``
    pair or its ``<name>_mw`` supply), each with a colour of :data:`OTHER_COLOURS`."""
    cols = list(columns)
    out, used = [], set(NOT_FLOWS)
    for spec, label, color, width in FLOW_SERIES:
        names = spec if isinstance(spec, tuple) else (spec,)
        used.update(names)
        if names[0] in cols:
            out.append((spec, label, color, width))
    colours = iter(OTHER_COLOURS * 4)
    for c in cols:
        if c in used or not c.endswith("_mw"):
            continue
        if c.endswith("_discharge_mw") and c.replace("_discharge_", "_charge_") in cols:
            pair = (c, c.replace("_discharge_", "_charge_"))
            used.update(pair)
            label = f"{_words(c.removesuffix('_discharge_mw'))}: discharging (+) / charging (-)"
            out.append((pair, label, next(colours), 1.0))
        elif not c.endswith("_charge_mw"):
            used.add(c)
            out.append((c, _words(c), next(colours), 1.0))
    return out


def level_series(columns) -> list[tuple]:
    """The storage levels to draw: :data:`LEVELS`, then every other ``*_level_mwh`` column."""
    known = {c for c, _, _ in LEVELS}
    colours = iter(OTHER_COLOURS * 4)
    return [s for s in LEVELS if s[0] in columns] + [
        (c, f"{_words(c.removesuffix('_level_mwh'))} stored", next(colours))
        for c in columns
        if c.endswith("_level_mwh") and c not in known
    ]


class _Km:
    """UTM metres -> km east/north of an origin (the compute site, or the parcels' centre)."""

    def __init__(self, x0: float, y0: float):
        self.x0, self.y0 = x0, y0

    def __call__(self, x, y):
        return (np.asarray(x) - self.x0) / KM, (np.asarray(y) - self.y0) / KM


def _plot_exclusions(run: RunResult, ax, utm, km: _Km) -> None:
    ex = run.inputs.exclusions
    if ex is None or not len(ex):
        return
    import geopandas as gpd
    from shapely.affinity import affine_transform

    zone = exclusion_zone(ex, utm, run.inputs.exclude_buffer_m)
    zone = affine_transform(zone, [1 / KM, 0, 0, 1 / KM, -km.x0 / KM, -km.y0 / KM])
    gpd.GeoSeries([zone]).plot(
        ax=ax, facecolor="#d62728", alpha=0.25, edgecolor="#d62728", hatch="//", linewidth=0.5
    )
    ax.plot([], [], color="#d62728", alpha=0.5, lw=6, label="exclusions (buffered)")


def _plot_site(run: RunResult, ax, cx, cy) -> None:
    site = run.solution.site
    if site is None:
        return
    s = run.data.land.site
    ax.scatter(cx[s.site_parcel], cy[s.site_parcel], marker="*", s=90, facecolor="none",
               edgecolor="k", linewidth=0.6, label="site candidate")  # fmt: skip
    x0, y0 = cx[site.parcel], cy[site.parcel]
    sel = run.solution.parcel_selected
    for k, h in enumerate(np.unique(s.hub[sel])):
        members = np.flatnonzero(sel & (s.hub == h))
        ax.plot([cx[members].mean(), x0], [cy[members].mean(), y0], color="#444", lw=0.8,
                alpha=0.8, label="trunk lines, collector hub to site (priced)" if k == 0 else None)
    ax.scatter(x0, y0, marker="*", s=320, color="#c0001a", edgecolor="k", zorder=5,
               label=f"compute site (Parcel {run.data.land.ids[site.parcel]})")  # fmt: skip


def _plot_campus(run: RunResult, ax, cx, cy, gdf) -> None:
    """The data hall's campus: every hall building (a square on its parcel), the fibre and road
    link of each building across a road to the site parcel (priced) and the campus distance (a
    dotted circle around the site parcel); with links, also in an inset zoomed on the campus
    (``gdf``: the parcels in km from the site, ``selected`` per parcel)."""

    site, s = run.solution.site, run.data.land.site
    if site is None:
        return
    homes = hall_buildings(run.solution, run.data)
    linked = any(km > 0 for *_, km in homes)
    axes = [ax]
    if linked:
        inset = ax.inset_axes([0.64, 0.02, 0.35, 0.35])
        r = 1.3 * s.campus_km
        near = gdf.cx[-r:r, -r:r]
        if (~near["selected"]).any():
            near[~near["selected"]].boundary.plot(ax=inset, color="0.6", linewidth=0.4)
        near[near["selected"]].plot(ax=inset, facecolor="#f2a900", edgecolor="#8a5a00", lw=0.4)
        inset.set_xlim(-r, r), inset.set_ylim(-r, r), inset.set_aspect("equal")
        inset.set_xlabel("km east", fontsize=6), inset.set_ylabel("km north", fontsize=6)
        inset.tick_params(labelsize=6)
        inset.set_title(f"campus, {s.campus_km:g} km around the site parcel", fontsize=7)
        axes.append(inset)
    x0, y0 = cx[site.parcel], cy[site.parcel]
    for a in axes:
        for k, (p, _, km) in enumerate(homes):
            first = a is ax and k == 0
            a.scatter(cx[p], cy[p], marker="s", s=60 if a is ax else 30, color="#6a3d9a",
                      edgecolor="k", zorder=4,
                      label="data hall building (Site sheet)" if first else None)  # fmt: skip
            if km > 0:
                first = a is ax and k == min(i for i, h in enumerate(homes) if h[2] > 0)
                a.plot([cx[p], x0], [cy[p], y0], color="#6a3d9a", lw=1.8, zorder=4,
                       label="campus link, fibre and road (priced)" if first else None)  # fmt: skip
        if linked:
            a.add_patch(plt.Circle((x0, y0), s.campus_km, fill=False, ls=":", color="#6a3d9a",
                                   label=f"campus distance ({s.campus_km:g} km)" if a is ax
                                   else None))  # fmt: skip


def _plot_reservoirs(run: RunResult, ax, utm, km: _Km, site_xy) -> None:
    res = run.inputs.reservoirs
    if res is None or not len(res):
        return
    import geopandas as gpd

    st = run.storage_table()
    pts = gpd.GeoSeries(gpd.points_from_xy(res["lon"], res["lat"]), crs="EPSG:4326").to_crs(utm)
    built = st.set_index("site_id")["built"].reindex(res["site_id"]).fillna(False).to_numpy(bool)
    x, y = km(pts.x.to_numpy(), pts.y.to_numpy())
    ax.scatter(x[~built], y[~built], marker="^", s=60, facecolor="none", edgecolor="#1f5fa8",
               label="reservoir site (not built)")  # fmt: skip
    ax.scatter(x[built], y[built], marker="^", s=90, color="#1f5fa8", label="reservoir built")
    for xi, yi, sid in zip(x, y, res["site_id"], strict=True):
        ax.annotate(sid, (xi, yi), textcoords="offset points", xytext=(5, 5), fontsize=8)
    s, site = run.data.land.site, run.solution.site
    if site_xy is None or s is None or site is None:
        return
    for k, r in enumerate(np.flatnonzero(built)):
        length = float(s.reservoir_site_km[r, site.site])
        ax.plot([x[r], site_xy[0]], [y[r], site_xy[1]], color="#1f5fa8", lw=1.6, ls="--",
                label=f"line, reservoir {res['site_id'].iloc[r]} to site ({length:.1f} km, priced)")
        del k


def _scale_bar_and_north(ax) -> None:
    """A round-length scale bar (lower left) and a north arrow (upper left), in km axes."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    span = (x1 - x0) / 5
    length = next(v for v in (50, 20, 10, 5, 2, 1, 0.5) if v <= max(span, 0.5))
    bx, by = x0 + 0.04 * (x1 - x0), y0 + 0.05 * (y1 - y0)
    ax.plot([bx, bx + length], [by, by], color="k", lw=3, solid_capstyle="butt")
    ax.text(bx + length / 2, by + 0.015 * (y1 - y0), f"{length:g} km", ha="center", fontsize=8)
    ax.annotate("N", xy=(0.05, 0.95), xytext=(0.05, 0.85), xycoords="axes fraction",
                ha="center", va="center", fontsize=11, fontweight="bold",
                arrowprops={"arrowstyle": "-|>", "color": "k", "lw": 1.5})  # fmt: skip


@dataclass(frozen=True)
class MapFrame:
    """What a component's ``draw_map`` hook draws on: every candidate parcel's centroid ``cx``,
    ``cy`` [km from the compute site] and polygon (``gdf``, in km, with ``selected``), and the
    run."""

    cx: np.ndarray
    cy: np.ndarray
    gdf: object
    run: RunResult


def plot_map(run: RunResult, path: Path) -> Path:
    """Map in km from the compute site: candidate parcels (bought ones filled and labelled),
    exclusions, reservoir sites, the compute site (star) and every priced line."""
    from shapely.affinity import affine_transform

    gdf = run.inputs.parcels.reset_index(drop=True).copy()
    gdf["selected"] = np.asarray(run.solution.parcel_selected, dtype=bool)
    utm = gdf.estimate_utm_crs()
    gdf = gdf.to_crs(utm)
    cent = gdf.geometry.centroid
    site = run.solution.site
    ref = (cent.x.iloc[site.parcel], cent.y.iloc[site.parcel]) if site else (
        cent.x.mean(), cent.y.mean())  # fmt: skip
    km = _Km(*ref)
    gdf["geometry"] = gdf.geometry.map(
        lambda g: affine_transform(g, [1 / KM, 0, 0, 1 / KM, -km.x0 / KM, -km.y0 / KM])
    )
    cx, cy = km(cent.x.to_numpy(), cent.y.to_numpy())
    fig, ax = plt.subplots(figsize=(12, 8))
    lw = 0.6 if len(gdf) < 2000 else 0.2
    if (~gdf["selected"]).any():
        gdf[~gdf["selected"]].boundary.plot(ax=ax, color="0.6", linewidth=lw)
    gdf[gdf["selected"]].plot(ax=ax, facecolor="#f2a900", edgecolor="#8a5a00", linewidth=lw)
    ax.plot([], [], color="#f2a900", lw=6, label="parcel bought (label = BOM 'Parcel <id>')")
    ax.plot([], [], color="0.6", lw=1, label="candidate parcel, not bought")
    if gdf["selected"].sum() <= 150:
        for i in np.flatnonzero(gdf["selected"]):
            ax.annotate(str(gdf["parcel_id"].iloc[i]), (cx[i], cy[i]), ha="center",
                        va="center", fontsize=5.5, color="#3a2600")  # fmt: skip
    _plot_exclusions(run, ax, utm, km)
    _plot_site(run, ax, cx, cy)
    _plot_campus(run, ax, cx, cy, gdf)
    _plot_reservoirs(run, ax, utm, km, (0.0, 0.0) if site else None)
    where = MapFrame(cx, cy, gdf, run)
    for c in COMPONENTS:  # what each technology adds (its ``draw_map`` hook), e.g. turbines
        if c.draw_map is not None and c.name in run.solution.parts:
            c.draw_map(ax, run.solution.parts[c.name], where)
    ax.set_aspect("equal")
    _scale_bar_and_north(ax)
    n_sel = int(gdf["selected"].sum())
    ax.set_title(f"Chosen parcels ({n_sel} of {len(gdf)}), compute site, reservoirs and lines")
    ax.set_xlabel(f"km east of the compute site ({utm.name})")
    ax.set_ylabel("km north of the compute site")
    ax.grid(alpha=0.2)
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8, frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return path


def _series(w: pd.DataFrame, spec):
    if isinstance(spec, tuple):
        if spec[0] not in w:
            return None
        return w[spec[0]].to_numpy(float) - w[spec[1]].to_numpy(float)
    return w[spec].to_numpy(float) if spec in w else None


def _week(ax, frame: pd.DataFrame, start: int, season: str) -> None:
    w = frame.iloc[start : start + WEEK_H]
    x = w.index
    for spec, label, color, width in flow_series(frame.columns):
        y = _series(w, spec)
        if y is not None and np.any(np.abs(y) > 1e-9):  # all-zero series are left out
            ax.plot(x, y, color=color, lw=width, label=label)
    ax.axhline(0, color="0.5", lw=0.5)
    ax.set_title(f"{season} week from {pd.Timestamp(x[0]):%d %B}" if len(x) else season)
    ax.set_ylabel("MW")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)


def _dated(dispatch: pd.DataFrame) -> pd.DataFrame:
    f = dispatch.copy()
    if not isinstance(f.index, pd.DatetimeIndex):
        f.index = pd.date_range("2001-01-01", periods=len(f), freq="h")
    if f.index.tz is not None:
        f.index = f.index.tz_localize(None)
    return f


def plot_dispatch(run: RunResult, path: Path) -> Path:
    """Three panels: a summer week, a winter week (every power column of the dispatch, so
    every registered supply: :func:`flow_series`), and storage levels over the year (dates)."""
    import matplotlib.dates as mdates

    f = _dated(run.dispatch)
    fig, axes = plt.subplots(3, 1, figsize=(13, 10))
    summer = SUMMER_START_H if len(f) >= SUMMER_START_H + WEEK_H else 0
    winter = WINTER_START_H if len(f) >= WINTER_START_H + WEEK_H else 0
    _week(axes[0], f, summer, "Summer")
    _week(axes[1], f, winter, "Winter")
    for ax in axes[:2]:
        ax.xaxis.set_major_locator(mdates.DayLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    for col_name, label, color in level_series(f.columns):
        if col_name in f and np.any(f[col_name].to_numpy(float) > 1e-9):
            axes[2].plot(f.index, f[col_name].to_numpy(float), color=color, lw=0.7, label=label)
    axes[2].set_title("Energy stored over the year")
    axes[2].set_ylabel("MWh")
    axes[2].xaxis.set_major_locator(mdates.MonthLocator())
    axes[2].xaxis.set_major_formatter(mdates.DateFormatter("%b"))
    axes[2].grid(alpha=0.3)
    if axes[2].lines:
        axes[2].legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)
    return path
