"""``parcels.gpkg``: every candidate parcel with its decision and sizes, for GIS review.

Layers (EPSG:4326): ``parcels`` (polygons, the Parcels sheet's columns), ``compute_site`` (the
chosen site's parcel polygon and point), ``reservoirs`` (points, built or not) and, when given,
``exclusions`` (the exclusion polygons as read, buffer in the ``buffer_m`` column).
Also :func:`land_summary`, the land block of ``summary.json``.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np

from optimizer.model.site_results import line_quantities
from optimizer.results.run import RunResult


def parcels_frame(run: RunResult) -> gpd.GeoDataFrame:
    """The Parcels table as a GeoDataFrame with the candidate polygons (EPSG:4326)."""
    table = run.parcels_table()
    geom = run.inputs.parcels.geometry.reset_index(drop=True).values
    return gpd.GeoDataFrame(table, geometry=geom, crs="EPSG:4326")


def _site_layer(run: RunResult, parcels: gpd.GeoDataFrame) -> gpd.GeoDataFrame | None:
    site = run.solution.site
    if site is None:
        return None
    row = parcels.iloc[[site.parcel]][["parcel_id", "name", "hall_acres", "pv_mw_dc"]].copy()
    row["it_mw"] = float(run.data.compute.it_mw_per_chip @ run.solution.chip_count)
    return gpd.GeoDataFrame(row, geometry=parcels.geometry.iloc[[site.parcel]].values, crs=4326)


def _reservoir_layer(run: RunResult) -> gpd.GeoDataFrame | None:
    res = run.inputs.reservoirs
    if res is None or not len(res):
        return None
    st = run.storage_table()
    st = st[st["technology"] == "pumped hydro"].set_index("site_id")
    out = res[["site_id", "name", "head_m", "max_volume_m3"]].copy()
    cols = {"built": "built", "active_volume_m3": "active_volume_m3",
            "stored_energy_mwh": "stored_energy_mwh", "turbine_mw": "discharge_mw"}  # fmt: skip
    for col, src in cols.items():  # a reservoir's discharge is its turbines'
        out[col] = st[src].reindex(res["site_id"]).to_numpy() if src in st else np.nan
    out["built"] = out["built"].fillna(False).astype(bool)
    site = run.solution.site
    if site is not None and len(run.data.land.site.reservoir_site_km):
        out["distance_to_site_km"] = run.data.land.site.reservoir_site_km[:, site.site]
        out["line_mw"] = site.reservoir_line_mw
    return gpd.GeoDataFrame(out, geometry=gpd.points_from_xy(res["lon"], res["lat"]), crs=4326)


def write_parcels_gpkg(run: RunResult, path: Path) -> Path:
    """Write ``parcels.gpkg`` (see the module docstring) and return its path."""
    path = Path(path)
    parcels = parcels_frame(run)
    parcels.to_file(path, layer="parcels", driver="GPKG")
    for name, layer in (
        ("compute_site", _site_layer(run, parcels)),
        ("reservoirs", _reservoir_layer(run)),
        ("exclusions", _exclusion_layer(run)),
    ):
        if layer is not None and len(layer):
            layer.to_file(path, layer=name, driver="GPKG")
    return path


def _exclusion_layer(run: RunResult) -> gpd.GeoDataFrame | None:
    ex = run.inputs.exclusions
    if ex is None or not len(ex):
        return None
    out = ex.copy()
    out["buffer_m"] = run.inputs.exclude_buffer_m
    return out


def land_summary(run: RunResult) -> dict:
    """Land figures for ``summary.json``: density, site, clusters, lines, exclusions."""
    land, sol = run.data.land, run.solution
    site = sol.site
    out = {
        "mw_dc_per_acre": land.mw_dc_per_acre,
        "candidates": len(land.ids),
        "buildable_acres": float(land.buildable_acres.sum()),
        "excluded_acres": float(run.inputs.parcels["excluded_acres"].sum()),
        "weather_profiles": run.profiles.table(land.ids).to_dict("records"),
    }
    if land.site is None or site is None:
        return out

    s = land.site
    chosen = s.cluster[sol.parcel_selected]
    clusters = {
        f"C{c + 1}": [land.ids[p] for p in np.flatnonzero(sol.parcel_selected & (s.cluster == c))]
        for c in np.unique(chosen)
    }
    out.update(
        {
            "compute_site": {
                "parcel_id": land.ids[site.parcel],
                "candidates": [land.ids[p] for p in s.site_parcel],
                "hall_acres": site.hall_acres,
                "hall_parcels": {
                    land.ids[q]: float(a)
                    for q, a in enumerate(site.hall_per_parcel(len(land.ids)))
                    if a > 1e-6
                },
                "lat": float(s.parcel_lat[site.parcel]),
                "lon": float(s.parcel_lon[site.parcel]),
            },
            "max_distance_km": None if not np.isfinite(s.max_distance_km) else s.max_distance_km,
            "max_sites": s.max_clusters,
            "clusters_selected": len(clusters),
            "clusters": clusters,
            "collector_hubs": s.n_hubs,
            "lines": line_quantities(sol, run.data),
        }
    )
    return out
