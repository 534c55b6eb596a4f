"""Candidate land parcels: polygons with an id and a price (GeoJSON, GeoPackage, Shapefile).

Every problem in the layer is collected before returning (file-level problems first, see
:mod:`optimizer.inputs.layers`: missing file, wrong format, Shapefile without ``.prj``, unknown
GeoPackage layer, no CRS, coordinates that do not fit the CRS), then per feature: missing or
duplicate ids, empty, non-polygonal or invalid geometries, bad prices and fractions. Invalid
geometries (self-intersections, e.g. a bow-tie) are either an error naming the parcel or, with
``fix_geometry``, repaired with :func:`shapely.make_valid` and the area change reported.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.validation  # not imported by "import shapely" (explain_validity)

from optimizer.errors import ProblemCollector
from optimizer.inputs.layers import read_layer
from optimizer.inputs.tables import parse_number

M2_PER_ACRE = 4046.8564224
#: attribute names zopt reads from a parcel layer (targets of a column mapping)
PARCEL_ATTRIBUTES = (
    "parcel_id",
    "name",
    "price_usd",
    "price_usd_per_acre",
    "buildable_fraction",
    "elevation_m",
    "compute_site",
)
TRUE_WORDS = {"1", "true", "yes", "y", "t", "x"}
FALSE_WORDS = {"", "0", "false", "no", "n", "f", "none", "nan"}


def _feature(i: int, pid: object) -> str:
    return f"feature {i + 1}" + (f" ({pid})" if pid not in (None, "") else "")


def parse_column_map(spec: str | None) -> tuple[dict[str, str], ProblemCollector]:
    """Parse ``--column-map``: ``parcel_id=APN,price_usd=SALE_PRICE`` or a JSON file of that dict.

    Returns ``zopt attribute -> column in the user's layer`` and the problems found.
    """
    problems = ProblemCollector("--column-map")
    if not spec:
        return {}, problems
    path = Path(spec)
    if spec.lower().endswith(".json") or path.is_file():
        try:
            pairs = list(json.loads(path.read_text(encoding="utf-8")).items())
        except (OSError, ValueError, AttributeError) as exc:
            problems.add("", "", "cannot read the mapping file", found=str(exc).splitlines()[0])
            return {}, problems
    else:
        pairs = []
        for item in spec.split(","):
            target, sep, source = item.partition("=")
            if not sep or not target.strip() or not source.strip():
                problems.add("", "", "bad mapping item", found=repr(item), expected="name=COLUMN")
                continue
            pairs.append((target.strip(), source.strip()))
    mapping = {}
    for target, source in pairs:
        if target not in PARCEL_ATTRIBUTES:
            problems.add(
                "",
                target,
                "unknown parcel attribute",
                found=target,
                expected="|".join(PARCEL_ATTRIBUTES),
            )
        else:
            mapping[target] = str(source)
    return mapping, problems


def _apply_column_map(gdf, mapping: dict[str, str], problems: ProblemCollector):
    missing = [src for src in mapping.values() if src not in gdf.columns]
    for src in missing:
        cols = ", ".join(c for c in gdf.columns if c != "geometry")
        problems.add("header", src, "mapped column not in the layer", found=cols)
    rename = {src: dst for dst, src in mapping.items() if src in gdf.columns}
    clash = [dst for dst in rename.values() if dst in gdf.columns and dst not in rename]
    return gdf.drop(columns=clash).rename(columns=rename)


def _clean_ids(gdf, problems: ProblemCollector) -> list[str]:
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
    return ids


def _polygonal(geom):
    """Keep the polygonal part of ``geom`` (make_valid may add lines or points)."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def check_geometry(gdf, ids: list, problems: ProblemCollector, fix: bool = False) -> list[str]:
    """Record empty, non-polygonal and (unless ``fix``) invalid geometries; repair when ``fix``.

    Returns one line per repaired parcel with its area before and after [acre] (areas in the
    layer's local UTM projection). ``gdf`` geometries are replaced in place when repaired.
    """
    repairs: list[str] = []
    utm = None
    geoms = list(gdf.geometry.values)
    for i, geom in enumerate(geoms):
        where = _feature(i, ids[i])
        if geom is None or geom.is_empty:
            problems.add(where, "geometry", "empty geometry", expected="a polygon")
        elif (problem := polygon_problem(geom, fix)) is not None:
            problems.add(where, "geometry", *problem)
        elif not geom.is_valid:
            fixed = _polygonal(shapely.make_valid(geom))
            utm = utm or gdf.estimate_utm_crs()
            before, after = gpd.GeoSeries([geom, fixed], crs=gdf.crs).to_crs(utm).area / M2_PER_ACRE
            geoms[i] = fixed
            repairs.append(
                f"{where}: invalid polygon repaired ({shapely.validation.explain_validity(geom)});"
                f" area {before:.2f} -> {after:.2f} acres ({after - before:+.2f})"
            )
            if fixed.is_empty:
                problems.add(where, "geometry", "repair left no polygon", expected="a polygon")
    if repairs:
        gdf[gdf.geometry.name] = gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs)
    return repairs


def polygon_problem(
    geom, fix: bool, any_type: bool = False, expected_type: str = "Polygon or MultiPolygon"
) -> tuple | None:
    """Return ``(message, found, expected)`` when a non-empty geometry is not a usable polygon.

    ``any_type`` accepts points and lines (an exclusion that will be buffered); an invalid
    polygon is acceptable when ``fix`` is set (it will be repaired).
    """
    if not any_type and geom.geom_type not in ("Polygon", "MultiPolygon"):
        return ("not a polygon", geom.geom_type, expected_type)
    if not geom.is_valid and not fix:
        return (
            "invalid polygon",
            shapely.validation.explain_validity(geom),
            "a valid polygon (fix it in GIS or rerun with --fix-geometry)",
        )
    return None


def _flag(raw, where: str, problems: ProblemCollector) -> bool:
    if isinstance(raw, bool | np.bool_):
        return bool(raw)
    if isinstance(raw, int | float | np.integer | np.floating) and not np.isnan(raw):
        raw = str(int(raw)) if float(raw).is_integer() else str(raw)
    text = "" if raw is None else str(raw).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    problems.add(
        where, "compute_site", "not a yes/no flag", found=repr(raw), expected="1|0|true|false"
    )
    return False


def _attributes(gdf, ids, problems: ProblemCollector) -> list[dict]:
    """Parse prices, fractions, elevations and site flags of every feature (None if bad)."""
    col = "price_usd" if "price_usd" in gdf.columns else "price_usd_per_acre"
    rows = []
    for i, rec in enumerate(gdf.drop(columns="geometry").to_dict("records")):
        where = _feature(i, ids[i])
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
        site = _flag(rec.get("compute_site"), where, problems)
        rows.append(
            {
                col: price,
                "buildable_fraction": 1.0 if frac is None else frac,
                "elevation_m": np.nan if elev is None else elev,
                "compute_site": site,
            }
        )
    return rows


def read_parcels(
    path: Path,
    layer: str | None = None,
    column_map: dict[str, str] | None = None,
    fix_geometry: bool = False,
) -> tuple[gpd.GeoDataFrame | None, ProblemCollector]:
    """Read and validate candidate parcels.

    Areas are computed in the layer's local UTM projection, never in degrees. Returns a
    GeoDataFrame in EPSG:4326 with ``parcel_id, name, area_acres [acre], buildable_fraction [-],
    buildable_acres [acre], price_usd [$], price_usd_per_acre [$/acre], elevation_m [m],
    compute_site [bool], lat, lon [deg]`` (centroid) and the geometry. Repairs made with
    ``fix_geometry`` are listed in ``gdf.attrs["repairs"]``.
    """
    problems = ProblemCollector(str(path))
    gdf = read_layer(Path(path), problems, layer)
    if gdf is None:
        return None, problems
    gdf = _apply_column_map(gdf, column_map or {}, problems)
    if "parcel_id" not in gdf.columns:
        found = ", ".join(c for c in gdf.columns if c != "geometry")
        problems.add("header", "parcel_id", "required attribute missing", found=found)
        return None, problems
    ids = _clean_ids(gdf, problems)
    if "price_usd" not in gdf.columns and "price_usd_per_acre" not in gdf.columns:
        problems.add(
            "header", "price_usd", "no price attribute", expected="price_usd or price_usd_per_acre"
        )
        attrs = None
    else:
        attrs = _attributes(gdf, ids, problems)
    repairs = check_geometry(gdf, ids, problems, fix=fix_geometry)
    if problems:
        return None, problems
    return _assemble(gdf, ids, attrs, repairs), problems


def _assemble(gdf, ids: list[str], attrs: list[dict], repairs: list[str]) -> gpd.GeoDataFrame:
    utm = gdf.estimate_utm_crs()
    projected = gdf.to_crs(utm)
    area_acres = projected.area.to_numpy() / M2_PER_ACRE
    frame = pd.DataFrame(attrs)
    if "price_usd" in frame:
        total = frame["price_usd"].to_numpy(float)
    else:
        total = frame["price_usd_per_acre"].to_numpy(float) * area_acres
    centroids = projected.geometry.centroid.to_crs("EPSG:4326")
    names = gdf["name"] if "name" in gdf.columns else pd.Series([""] * len(gdf))
    out = gpd.GeoDataFrame(
        {
            "parcel_id": ids,
            "name": ["" if n is None else str(n) for n in names],
            "area_acres": area_acres,
            "price_usd": total,
            "price_usd_per_acre": total / area_acres,
            "buildable_fraction": frame["buildable_fraction"].to_numpy(float),
            "elevation_m": frame["elevation_m"].to_numpy(float),
            "compute_site": frame["compute_site"].to_numpy(bool),
        },
        geometry=gdf.to_crs("EPSG:4326").geometry.values,
        crs="EPSG:4326",
    )
    out["excluded_acres"] = 0.0
    out["buildable_acres"] = out["area_acres"] * out["buildable_fraction"]
    out["lat"], out["lon"] = centroids.y.to_numpy(), centroids.x.to_numpy()
    out.attrs["repairs"] = repairs
    return out
