"""PNG figures of a run: the parcel/reservoir map and the dispatch (a summer and a winter week)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from optimizer.results.run import RunResult  # noqa: E402


def _plot_exclusions(run: RunResult, ax, utm) -> None:
    ex = run.inputs.exclusions
    if ex is None or not len(ex):
        return
    import geopandas as gpd

    from optimizer.inputs.exclusions import exclusion_zone

    zone = exclusion_zone(ex, utm, run.inputs.exclude_buffer_m)
    gpd.GeoSeries([zone], crs=utm).plot(
        ax=ax, facecolor="#d62728", alpha=0.25, edgecolor="#d62728", hatch="//", linewidth=0.5
    )
    ax.plot([], [], color="#d62728", alpha=0.5, lw=6, label="exclusions (buffered)")


def _plot_site(run: RunResult, ax, gdf) -> None:
    site = run.solution.meta.get("site")
    if site is None:
        return
    s = run.data.land.site
    cent = gdf.geometry.centroid
    for p in s.site_parcel:
        ax.scatter(cent.x.iloc[p], cent.y.iloc[p], marker="*", s=90, facecolor="none",
                   edgecolor="k", linewidth=0.6)  # fmt: skip
    x0, y0 = cent.x.iloc[site.parcel], cent.y.iloc[site.parcel]
    sel = run.solution.parcel_selected
    for h in np.unique(s.hub[sel]):
        members = np.flatnonzero(sel & (s.hub == h))
        hx, hy = cent.x.iloc[members].mean(), cent.y.iloc[members].mean()
        ax.plot([hx, x0], [hy, y0], color="#444", lw=0.7, alpha=0.7)
    ax.plot([], [], color="#444", lw=0.7, label="trunk lines (collector hub to site)")
    ax.scatter(x0, y0, marker="*", s=320, color="#c0001a", edgecolor="k", zorder=5,
               label=f"compute site ({run.data.land.ids[site.parcel]})")  # fmt: skip
    ax.scatter([], [], marker="*", s=90, facecolor="none", edgecolor="k", label="site candidate")


def _plot_reservoirs(run: RunResult, ax, utm) -> None:
    res = run.inputs.reservoirs
    if res is None or not len(res):
        return
    import geopandas as gpd

    st = run.storage_table()
    pts = gpd.GeoDataFrame(
        res, geometry=gpd.points_from_xy(res["lon"], res["lat"]), crs="EPSG:4326"
    ).to_crs(utm)
    built = st.set_index("site_id")["built"].reindex(res["site_id"]).fillna(False).to_numpy(bool)
    x, y = pts.geometry.x.to_numpy(), pts.geometry.y.to_numpy()
    ax.scatter(x[~built], y[~built], marker="^", s=60, facecolor="none", edgecolor="#1f5fa8",
               label="reservoir site (not built)")  # fmt: skip
    ax.scatter(x[built], y[built], marker="^", s=90, color="#1f5fa8", label="reservoir built")
    for xi, yi, sid in zip(x, y, res["site_id"], strict=True):
        ax.annotate(sid, (xi, yi), textcoords="offset points", xytext=(5, 5), fontsize=8)


def plot_map(run: RunResult, path: Path) -> Path:
    """Map in local UTM metres: candidate parcels (chosen ones filled), exclusions, reservoir
    sites, the compute site (star) and trunk lines from collector hubs to it."""
    gdf = run.inputs.parcels.reset_index(drop=True).copy()
    gdf["selected"] = run.solution.parcel_selected
    utm = gdf.estimate_utm_crs()
    gdf = gdf.to_crs(utm)
    fig, ax = plt.subplots(figsize=(9, 8))
    lw = 0.6 if len(gdf) < 2000 else 0.2
    # outlines as one line collection: thousands of candidates draw in well under a second
    gdf[~gdf["selected"]].boundary.plot(ax=ax, color="0.6", linewidth=lw)
    gdf[gdf["selected"]].plot(ax=ax, facecolor="#f2a900", edgecolor="#8a5a00", linewidth=lw)
    ax.plot([], [], color="#f2a900", lw=6, label="parcel bought")
    _plot_exclusions(run, ax, utm)
    _plot_reservoirs(run, ax, utm)
    _plot_site(run, ax, gdf)
    n_sel = int(gdf["selected"].sum())
    ax.set_title(f"Chosen parcels ({n_sel} of {len(gdf)}, filled), compute site and reservoirs")
    ax.set_xlabel(f"easting [m] ({utm.name})")
    ax.set_ylabel("northing [m]")
    ax.legend(loc="lower right", fontsize=7)
    ax.set_aspect("equal")
    ax.ticklabel_format(style="plain", useOffset=False)  # metres, not "1e6" over the title
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def _week(ax, frame, start: int, title: str) -> None:
    w = frame.iloc[start : start + 168]
    x = range(len(w))
    ax.plot(x, w["pv_available_mw"], color="#f2a900", lw=1, label="PV available")
    ax.plot(x, w["load_mw"], color="k", lw=1.2, label="load")
    for kind, color in (("phs", "#1f5fa8"), ("liion", "#7a3db8")):
        if f"{kind}_discharge_mw" in w:
            ax.plot(
                x,
                w[f"{kind}_discharge_mw"] - w[f"{kind}_charge_mw"],
                color=color,
                lw=1,
                label=f"{kind} discharge - charge",
            )
    ax.set_title(title)
    ax.set_ylabel("MW")
    ax.grid(alpha=0.3)


def plot_dispatch(run: RunResult, path: Path) -> Path:
    """Three panels: a summer week, a winter week, and storage levels over the year."""
    f = run.dispatch.reset_index(drop=True)
    fig, axes = plt.subplots(3, 1, figsize=(11, 10))
    _week(axes[0], f, 24 * 172, "Summer week (from 21 June)")
    _week(axes[1], f, 24 * 355 if len(f) >= 24 * 362 else 0, "Winter week (from 21 December)")
    axes[0].legend(fontsize=8, ncol=4, loc="upper right")
    for kind, color in (("phs", "#1f5fa8"), ("liion", "#7a3db8")):
        if f"{kind}_level_mwh" in f:
            axes[2].plot(
                f[f"{kind}_level_mwh"].to_numpy(), color=color, lw=0.7, label=f"{kind} level"
            )
    axes[2].set_title("Storage level over the year")
    axes[2].set_xlabel("hour of year")
    axes[2].set_ylabel("MWh")
    axes[2].legend(fontsize=8)
    axes[2].grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
