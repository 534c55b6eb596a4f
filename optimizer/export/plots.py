"""PNG figures of a run: the parcel/reservoir map and the dispatch (a summer and a winter week)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from optimizer.results.run import RunResult  # noqa: E402


def plot_map(run: RunResult, path: Path) -> Path:
    """Map of candidate parcels (chosen ones filled) and reservoir sites, in local UTM metres."""
    gdf = run.inputs.parcels.copy()
    gdf["selected"] = run.solution.parcel_selected
    utm = gdf.estimate_utm_crs()
    gdf = gdf.to_crs(utm)
    fig, ax = plt.subplots(figsize=(9, 8))
    gdf[~gdf["selected"]].plot(ax=ax, facecolor="none", edgecolor="0.6", linewidth=0.6)
    gdf[gdf["selected"]].plot(ax=ax, facecolor="#f2a900", edgecolor="#8a5a00", linewidth=0.6)
    st = run.storage_table()
    res = run.inputs.reservoirs
    if res is not None and len(res):
        import geopandas as gpd

        pts = gpd.GeoDataFrame(
            res, geometry=gpd.points_from_xy(res["lon"], res["lat"]), crs="EPSG:4326"
        ).to_crs(utm)
        built = st.set_index("site_id")["built"].reindex(res["site_id"]).fillna(False).to_numpy()
        ax.scatter(
            pts.geometry.x[~built],
            pts.geometry.y[~built],
            marker="^",
            s=60,
            facecolor="none",
            edgecolor="#1f5fa8",
            label="reservoir site (not built)",
        )
        ax.scatter(
            pts.geometry.x[built],
            pts.geometry.y[built],
            marker="^",
            s=90,
            color="#1f5fa8",
            label="reservoir built",
        )
        for x, y, sid in zip(pts.geometry.x, pts.geometry.y, res["site_id"], strict=True):
            ax.annotate(sid, (x, y), textcoords="offset points", xytext=(5, 5), fontsize=8)
    n_sel = int(gdf["selected"].sum())
    ax.set_title(f"Chosen parcels ({n_sel} of {len(gdf)}, filled) and pumped-hydro sites")
    ax.set_xlabel(f"easting [m] ({utm.name})")
    ax.set_ylabel("northing [m]")
    ax.legend(loc="lower right", fontsize=8)
    ax.set_aspect("equal")
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
