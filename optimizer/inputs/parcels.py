"""Candidate land parcels: polygons with an id and a price (GeoJSON, GeoPackage, Shapefile)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from optimizer.errors import ProblemCollector
from optimizer.inputs.tables import parse_number

M2_PER_ACRE = 4046.8564224


def _feature(i: int, pid: object) -> str:
    return f"feature {i + 1}" + (f" ({pid})" if pid not in (None, "") else "")


def _read_layer(path: Path, problems: ProblemCollector, layer: str | None):
    try:
        gdf = gpd.read_file(path, layer=layer) if layer else gpd.read_file(path)
    except Exception as exc:  # pyogrio raises DataSourceError, DataLayerError, ...
        problems.add("", "", f"cannot read as a GIS layer: {str(exc).splitlines()[0]}")
        return None
    if gdf.crs is None:
        problems.add(
            "",
            "geometry",
            "layer has no coordinate reference system",
            found="no CRS (.prj missing?)",
            expected="a CRS such as EPSG:4326",
        )
        return None
    return gdf


def _check_geometry(gdf: gpd.GeoDataFrame, ids: list, problems: ProblemCollector) -> None:
    for i, geom in enumerate(gdf.geometry):
        where = _feature(i, ids[i])
        if geom is None or geom.is_empty:
            problems.add(where, "geometry", "empty geometry", expected="a polygon")
        elif geom.geom_type not in ("Polygon", "MultiPolygon"):
            problems.add(
                where,
                "geometry",
                "not a polygon",
                found=geom.geom_type,
                expected="Polygon or MultiPolygon",
            )
        elif not geom.is_valid:
            from shapely.validation import explain_validity

            problems.add(
                where,
                "geometry",
                "invalid polygon",
                found=explain_validity(geom),
                expected="a valid polygon (fix it in GIS)",
            )


def read_parcels(
    path: Path, layer: str | None = None
) -> tuple[gpd.GeoDataFrame | None, ProblemCollector]:
    """Read and validate candidate parcels.

    Areas are computed in the layer's local UTM projection, never in degrees. Returns a
    GeoDataFrame in EPSG:4326 with ``parcel_id, name, area_acres [acre], buildable_fraction [-],
    buildable_acres [acre], price_usd [$], price_usd_per_acre [$/acre], elevation_m [m],
    lat, lon [deg]`` (centroid) and the geometry.
    """
    problems = ProblemCollector(str(path))
    gdf = _read_layer(Path(path), problems, layer)
    if gdf is None:
        return None, problems
    if "parcel_id" not in gdf.columns:
        problems.add(
            "header",
            "parcel_id",
            "required attribute missing",
            found=", ".join(c for c in gdf.columns if c != "geometry"),
        )
        return None, problems
    ids = [
        "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip()
        for v in gdf["parcel_id"]
    ]
    seen: dict[str, int] = {}
    for i, pid in enumerate(ids):
        if pid == "":
            problems.add(_feature(i, pid), "parcel_id", "identifier missing", found="empty")
        elif pid in seen:
            problems.add(
                _feature(i, pid),
                "parcel_id",
                "duplicate identifier",
                found=pid,
                expected=f"unique (also {_feature(seen[pid], pid)})",
            )
        else:
            seen[pid] = i
    has_total, has_per_acre = "price_usd" in gdf.columns, "price_usd_per_acre" in gdf.columns
    if not (has_total or has_per_acre):
        problems.add(
            "header", "price_usd", "no price attribute", expected="price_usd or price_usd_per_acre"
        )
    _check_geometry(gdf, ids, problems)
    if problems:
        return None, problems
    utm = gdf.estimate_utm_crs()
    area_acres = gdf.to_crs(utm).area.to_numpy() / M2_PER_ACRE
    rows = []
    for i, rec in enumerate(gdf.drop(columns="geometry").to_dict("records")):
        where = _feature(i, ids[i])
        col = "price_usd" if has_total else "price_usd_per_acre"
        price = parse_number(rec.get(col), where, col, problems, strictly_positive=True)
        frac = parse_number(
            rec.get("buildable_fraction"),
            where,
            "buildable_fraction",
            problems,
            minimum=0.0,
            maximum=1.0,
            required=False,
        )
        elev = parse_number(
            rec.get("elevation_m"),
            where,
            "elevation_m",
            problems,
            minimum=-500,
            maximum=9000,
            required=False,
        )
        if price is None:
            continue
        total = price if has_total else price * area_acres[i]
        rows.append(
            {
                "price_usd": total,
                "price_usd_per_acre": total / area_acres[i],
                "buildable_fraction": 1.0 if frac is None else frac,
                "elevation_m": np.nan if elev is None else elev,
            }
        )
    if problems:
        return None, problems
    centroids = gdf.to_crs(utm).geometry.centroid.to_crs("EPSG:4326")
    out = gpd.GeoDataFrame(
        pd.DataFrame(rows), geometry=gdf.to_crs("EPSG:4326").geometry.values, crs="EPSG:4326"
    )
    out.insert(0, "parcel_id", ids)
    names = gdf["name"] if "name" in gdf.columns else pd.Series([""] * len(gdf))
    out.insert(1, "name", ["" if n is None else str(n) for n in names])
    out.insert(2, "area_acres", area_acres)
    out["buildable_acres"] = out["area_acres"] * out["buildable_fraction"]
    out["lat"], out["lon"] = centroids.y.to_numpy(), centroids.x.to_numpy()
    return out, problems
