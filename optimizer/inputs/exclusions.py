"""Exclusion layers (washes, steep slopes, protected land): areas no PV or data hall may use.

Each ``--exclude`` file is a GIS layer (GeoJSON, GeoPackage, Shapefile with ``.prj``) of polygons;
lines and points are accepted when a buffer is given. Every exclusion is buffered by
``buffer_m`` [m] and subtracted from every parcel in the parcels' local UTM projection:

.. math:: A^{build}_p = (A_p - |P_p \\cap \\cup_e B(X_e, r)|) \\cdot f_p

with :math:`A_p` the parcel area [acre], :math:`X_e` the exclusions, :math:`r` the buffer [m] and
:math:`f_p` the parcel's ``buildable_fraction``. A parcel swallowed by an exclusion keeps
0 buildable acres: it stays a candidate but cannot host PV or the data hall.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from optimizer.errors import Problem, ProblemCollector
from optimizer.inputs.layers import read_layer
from optimizer.inputs.parcels import M2_PER_ACRE, polygon_problem


def _check(gdf, problems: ProblemCollector, buffer_m: float, fix: bool) -> gpd.GeoDataFrame:
    keep = []
    for i, geom in enumerate(gdf.geometry):
        where = f"feature {i + 1}"
        if geom is None or geom.is_empty:
            continue  # an empty exclusion excludes nothing
        expected = "Polygon or MultiPolygon (or --exclude-buffer-m > 0)"
        problem = polygon_problem(geom, fix, any_type=buffer_m > 0, expected_type=expected)
        if problem is not None:
            problems.add(where, "geometry", *problem)
        else:
            keep.append(i)
    out = gdf.iloc[keep][["geometry"]].copy()
    out["geometry"] = shapely.make_valid(out.geometry.values)
    return out


def read_exclusions(
    paths: list[Path], buffer_m: float = 0.0, fix_geometry: bool = False
) -> tuple[gpd.GeoDataFrame | None, list[Problem]]:
    """Read every exclusion layer; return one GeoDataFrame (EPSG:4326, column ``source``).

    Geometries are returned unbuffered; :func:`apply_exclusions` buffers them in metres.
    """
    problems: list[Problem] = []
    frames = []
    if buffer_m < 0:
        problems.append(
            Problem(
                "command line", "", "--exclude-buffer-m", "must not be negative", buffer_m, ">= 0 m"
            )
        )
    for path in paths:
        collector = ProblemCollector(str(path))
        gdf = read_layer(Path(path), collector)
        if gdf is not None:
            gdf = _check(gdf, collector, buffer_m, fix_geometry)
            gdf["source"] = Path(path).name
            frames.append(gdf.to_crs("EPSG:4326"))
        problems += collector.problems
    if problems or not frames:
        return None, problems
    out = gpd.GeoDataFrame(
        gpd.pd.concat(frames, ignore_index=True), geometry="geometry", crs="EPSG:4326"
    )
    return out, problems


def exclusion_zone(exclusions: gpd.GeoDataFrame, crs, buffer_m: float = 0.0):
    """Union of the (buffered) exclusions in ``crs`` (a projected CRS in metres)."""
    geoms = exclusions.to_crs(crs).geometry.values
    if buffer_m > 0:
        geoms = shapely.buffer(geoms, buffer_m)
    return shapely.union_all(geoms)


def apply_exclusions(
    parcels: gpd.GeoDataFrame, exclusions: gpd.GeoDataFrame | None, buffer_m: float = 0.0
) -> gpd.GeoDataFrame:
    """Return ``parcels`` with ``excluded_acres`` and ``buildable_acres`` after the overlay.

    ``excluded_acres`` [acre] is the parcel area inside the buffered exclusions;
    ``buildable_acres = (area_acres - excluded_acres) * buildable_fraction`` [acre].
    """
    out = parcels.copy()
    out.attrs = dict(parcels.attrs)
    excluded = np.zeros(len(out))
    if exclusions is not None and len(exclusions):
        utm = out.estimate_utm_crs()
        zone = exclusion_zone(exclusions, utm, buffer_m)
        geoms = out.to_crs(utm).geometry.values
        tree = shapely.STRtree(geoms)
        hit = tree.query(zone, predicate="intersects")
        if len(hit):
            excluded[hit] = shapely.area(shapely.intersection(geoms[hit], zone)) / M2_PER_ACRE
    excluded = np.minimum(excluded, out["area_acres"].to_numpy(float))
    out["excluded_acres"] = excluded
    net = np.maximum(out["area_acres"].to_numpy(float) - excluded, 0.0)
    out["buildable_acres"] = net * out["buildable_fraction"].to_numpy(float)
    return out
