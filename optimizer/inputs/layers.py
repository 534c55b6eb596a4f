"""Read one GIS layer (parcels or exclusions) safely, with a CRS whose coordinates make sense.

Only ordinary local files are opened, and only in the format their name says: GeoJSON
(``.geojson``, ``.json``: JSON text), GeoPackage (``.gpkg``: an SQLite file) or Shapefile
(``.shp`` with its ``.prj``). GDAL virtual paths (``/vsicurl/``, ``/vsizip/``...) and URLs are
refused, and so is a file whose content is another format (a VRT or a zip named ``.geojson``),
since GDAL picks the driver from the content and could otherwise fetch or read other files.

Coordinates are checked against the CRS: in degrees, longitude must lie in -180..180 and latitude
in -90..90 (projected metres in a GeoJSON without a ``crs`` member, which is WGS84 by spec, or
latitude and longitude swapped, fail here), and inside the UTM zones (-80..84 deg) where areas
are computed.
"""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import numpy as np

from optimizer.errors import ProblemCollector

#: file suffix -> (format name, test of the first bytes)
FORMATS = {
    ".geojson": ("GeoJSON", lambda head: head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")),
    ".json": ("GeoJSON", lambda head: head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")),
    ".gpkg": ("GeoPackage", lambda head: head.startswith(b"SQLite format 3\x00")),
    ".shp": ("Shapefile", lambda head: head[:4] == b"\x00\x00\x27\x0a"),
}
VIRTUAL = re.compile(r"(^|/)vsi[a-z0-9_]*/|://|^[a-z0-9]+::", re.IGNORECASE)
#: UTM zones cover these latitudes [deg]; areas are computed in them
UTM_LAT = (-80.0, 84.0)


def _file_problem(path: Path, problems: ProblemCollector) -> bool:
    """Record why ``path`` is not a plain local layer file of a known format; True if so."""
    expected = "a local .geojson, .json, .gpkg or .shp file"
    if VIRTUAL.search(str(path)):
        problems.add("", "", "GDAL virtual paths and URLs are not accepted", found=str(path),
                     expected=expected)  # fmt: skip
        return True
    if not path.exists():
        problems.add("", "", "file not found", expected="an existing GeoJSON, GeoPackage or .shp")
        return True
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None or not path.is_file():
        found = "a folder" if path.is_dir() else f"'{path.suffix}'"
        problems.add("", "", "not a supported GIS file", found=found, expected=expected)
        return True
    with open(path, "rb") as fh:
        head = fh.read(64)
    if not fmt[1](head):
        what = "empty" if not head else f"starts with {head[:16]!r}"
        problems.add("", "", f"content is not {fmt[0]}", found=what,
                     expected=f"a {fmt[0]} file, as its name says")  # fmt: skip
        return True
    return False


def _declares_crs(path: Path) -> bool:
    """Whether the file states its CRS (a GeoJSON ``crs`` member; always for other formats)."""
    if FORMATS[path.suffix.lower()][0] != "GeoJSON":
        return True
    return re.search(rb'"crs"\s*:', path.read_bytes()) is not None


def coordinate_problem(gdf: gpd.GeoDataFrame, path: Path) -> tuple | None:
    """Return ``(message, found, expected)`` when the layer's coordinates do not fit its CRS."""
    bounds = gdf.geometry.bounds.to_numpy(float)
    bounds = bounds[np.isfinite(bounds).all(axis=1)]
    if len(bounds) == 0:
        return None  # every geometry empty: reported per feature
    x0, y0 = bounds[:, 0].min(), bounds[:, 1].min()
    x1, y1 = bounds[:, 2].max(), bounds[:, 3].max()
    found = f"x {x0:,.6g}..{x1:,.6g}, y {y0:,.6g}..{y1:,.6g}"
    if gdf.crs.is_geographic:
        if not (-180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90):
            hint = (
                "no CRS declared, so they are read as WGS84 degrees (GeoJSON's default): "
                "declare the CRS of these projected coordinates or reproject to EPSG:4326"
                if not _declares_crs(path)
                else f"in {gdf.crs.name}: are latitude and longitude swapped?"
            )
            return (f"coordinates out of range for degrees; {hint}", found,
                    "longitude -180..180, latitude -90..90")  # fmt: skip
    else:
        x0, y0, x1, y1 = gdf.to_crs("EPSG:4326").total_bounds
        if not np.isfinite([x0, y0, x1, y1]).all():
            return (f"coordinates outside the area of {gdf.crs.name}", found, "valid coordinates")
    if y0 < UTM_LAT[0] or y1 > UTM_LAT[1]:
        return ("latitude outside the UTM zones, where areas are computed", f"{y0:.4g}..{y1:.4g}",
                f"{UTM_LAT[0]:g}..{UTM_LAT[1]:g} deg")  # fmt: skip
    return None


def _layer_name(path: Path, problems: ProblemCollector, layer: str | None) -> str | None:
    import pyogrio

    try:
        names = [str(n) for n in pyogrio.list_layers(path)[:, 0]]
    except Exception as exc:  # pyogrio raises DataSourceError, ...
        problems.add("", "", "cannot read as a GIS layer", found=str(exc).splitlines()[0])
        return None
    if layer is not None and layer not in names:
        problems.add(
            "", "", "layer not found", found=repr(layer), expected="one of " + ", ".join(names)
        )
        return None
    if layer is None and len(names) > 1:
        problems.add(
            "",
            "",
            "several layers in the file; choose one with --parcels-layer",
            found=", ".join(names),
            expected="--parcels-layer NAME",
        )
        return None
    return layer or names[0]


def _no_prj(path: Path, problems: ProblemCollector) -> bool:
    if path.suffix.lower() == ".shp" and not any(
        path.with_suffix(s).exists() for s in (".prj", ".PRJ")
    ):
        problems.add(
            "",
            "geometry",
            "Shapefile has no .prj file, so its coordinate reference system is unknown",
            found=f"no {path.with_suffix('.prj').name} beside it",
            expected="the .prj your GIS writes with the layer",
        )
        return True
    return False


def read_layer(path: Path, problems: ProblemCollector, layer: str | None = None):
    """Read one GIS layer with its CRS, or record why it cannot be read and return None.

    Parameters
    ----------
    path : a local GeoJSON, GeoPackage or Shapefile (see the module notes)
    problems : where every problem found is recorded
    layer : layer name inside a GeoPackage (None: the only one)
    """
    path = Path(path)
    if _file_problem(path, problems) or _no_prj(path, problems):
        return None
    name = _layer_name(path, problems, layer)
    if name is None:
        return None
    try:
        gdf = gpd.read_file(path, layer=name)
    except Exception as exc:  # pyogrio raises DataSourceError, DataLayerError, ...
        problems.add("", "", "cannot read as a GIS layer", found=str(exc).splitlines()[0])
        return None
    if gdf.crs is None:
        problems.add(
            "",
            "geometry",
            "layer has no coordinate reference system",
            found="no CRS",
            expected="a CRS such as EPSG:4326",
        )
        return None
    bad = coordinate_problem(gdf, path)
    if bad is not None:
        problems.add("", "geometry", *bad)
        return None
    return gdf
