"""Parcel layers in every format and CRS, and every bad-layer case with its exact error line."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Polygon, box
from shapely.validation import explain_validity

from optimizer.errors import InputError
from optimizer.inputs.bundle import InputPaths, load_inputs
from optimizer.inputs.parcels import M2_PER_ACRE, parse_column_map, read_parcels

UTM = "EPSG:32612"
X0, Y0 = 330_000.0, 3_700_000.0  # UTM 12N metres, west of Phoenix


def utm_squares(n=3, side=400.0, gap=0.0):
    """n squares of ``side`` metres in a row, ``gap`` metres apart (UTM 12N)."""
    return [
        box(X0 + i * (side + gap), Y0, X0 + i * (side + gap) + side, Y0 + side) for i in range(n)
    ]


def layer(ids=("A", "B", "C"), prices=(1e5, 2e5, 3e5), geoms=None, crs=UTM, **cols):
    geoms = geoms or utm_squares(len(ids))
    return gpd.GeoDataFrame({"parcel_id": list(ids), "price_usd": list(prices), **cols},
                            geometry=geoms, crs=crs)  # fmt: skip


def lines(problems):
    return [str(p) for p in problems.problems]


def test_geojson_in_epsg4326_areas_in_utm(tmp_path):
    path = tmp_path / "p.geojson"
    layer().to_crs("EPSG:4326").to_file(path, driver="GeoJSON")
    gdf, problems = read_parcels(path)
    assert not problems, lines(problems)
    assert gdf.crs.to_epsg() == 4326
    assert gdf["area_acres"].to_numpy() == pytest.approx(160_000 / M2_PER_ACRE, rel=1e-6)
    assert gdf["price_usd_per_acre"].iloc[0] == pytest.approx(1e5 / (160_000 / M2_PER_ACRE))


def test_geopackage_in_utm_with_a_layer_name(tmp_path):
    path = tmp_path / "p.gpkg"
    layer().to_file(path, layer="parcels", driver="GPKG")
    layer(ids=("X",), prices=(1.0,), geoms=utm_squares(1)).to_file(
        path, layer="other", driver="GPKG"
    )
    gdf, problems = read_parcels(path, layer="parcels")
    assert not problems, lines(problems)
    assert gdf["parcel_id"].tolist() == ["A", "B", "C"]
    assert gdf["area_acres"].sum() == pytest.approx(3 * 160_000 / M2_PER_ACRE, rel=1e-9)
    _, problems = read_parcels(path, layer="nope")
    assert lines(problems) == [
        f"{path}: layer not found (found 'nope', expected one of parcels, other)"
    ]
    _, problems = read_parcels(path)
    assert lines(problems) == [
        f"{path}: several layers in the file; choose one with --parcels-layer "
        "(found parcels, other, expected --parcels-layer NAME)"
    ]


def test_shapefile_with_and_without_prj(tmp_path):
    path = tmp_path / "p.shp"
    layer().to_file(path)
    gdf, problems = read_parcels(path)
    assert not problems and len(gdf) == 3
    path.with_suffix(".prj").unlink()
    gdf, problems = read_parcels(path)
    assert gdf is None
    assert lines(problems) == [
        f"{path}:geometry: Shapefile has no .prj file, so its coordinate reference system is "
        "unknown (found no p.prj beside it, expected the .prj your GIS writes with the layer)"
    ]


def test_bow_tie_is_an_error_naming_the_parcel_or_repaired(tmp_path):
    bow = Polygon([(X0, Y0), (X0 + 400, Y0 + 400), (X0 + 400, Y0), (X0, Y0 + 400)])
    geoms = utm_squares(3)
    geoms[1] = bow
    path = tmp_path / "p.gpkg"
    layer(geoms=geoms).to_file(path, driver="GPKG")
    gdf, problems = read_parcels(path)
    assert gdf is None
    assert lines(problems) == [
        f"{path}:feature 2 (B):geometry: invalid polygon (found {explain_validity(bow)}, "
        "expected a valid polygon (fix it in GIS or rerun with --fix-geometry))"
    ]
    gdf, problems = read_parcels(path, fix_geometry=True)
    assert not problems
    tri = 2 * 0.25 * 160_000 / M2_PER_ACRE  # two triangles of a quarter square each
    assert gdf["area_acres"].iloc[1] == pytest.approx(tri, rel=1e-6)
    (repair,) = gdf.attrs["repairs"]
    assert repair.startswith("feature 2 (B): invalid polygon repaired (Self-intersection")
    assert repair.endswith(f"area 0.00 -> {tri:.2f} acres (+{tri:.2f})")


def test_every_problem_is_reported_at_once(tmp_path):
    geoms = utm_squares(4)
    geoms[1] = None
    path = tmp_path / "p.geojson"
    layer(ids=("A", "B", "A", "D"), prices=(0, 2e5, 3e5, -5), geoms=geoms).to_file(
        path, driver="GeoJSON"
    )
    gdf, problems = read_parcels(path)
    assert gdf is None
    assert lines(problems) == [
        f"{path}:feature 3 (A):parcel_id: duplicate identifier (found A, expected unique "
        "(also feature 1 (A)))",
        f"{path}:feature 1 (A):price_usd: must be positive (found 0.0, expected > 0)",
        f"{path}:feature 4 (D):price_usd: must be positive (found -5.0, expected > 0)",
        f"{path}:feature 2 (B):geometry: empty geometry (expected a polygon)",
    ]


def test_column_map_renames_user_columns(tmp_path):
    path = tmp_path / "county.gpkg"
    gdf = layer().rename(columns={"parcel_id": "APN", "price_usd": "SALE_PRICE"})
    gdf.to_file(path, driver="GPKG")
    mapping, problems = parse_column_map("parcel_id=APN,price_usd=SALE_PRICE")
    assert not problems
    out, problems = read_parcels(path, column_map=mapping)
    assert not problems and out["parcel_id"].tolist() == ["A", "B", "C"]
    mfile = tmp_path / "map.json"
    mfile.write_text(json.dumps({"parcel_id": "APN", "price_usd": "PRICE"}))
    mapping, _ = parse_column_map(str(mfile))
    _, problems = read_parcels(path, column_map=mapping)
    assert lines(problems)[0] == (
        f"{path}:header:PRICE: mapped column not in the layer (found APN, SALE_PRICE)"
    )
    _, problems = parse_column_map("parcel=APN,bad")
    assert lines(problems) == [
        "--column-map: bad mapping item (found 'bad', expected name=COLUMN)",
        "--column-map:parcel: unknown parcel attribute (found parcel, expected "
        "parcel_id|name|price_usd|price_usd_per_acre|buildable_fraction|elevation_m|compute_site)",
    ]


def test_exclusion_swallows_one_parcel_and_cuts_another(tmp_path):
    parcels = tmp_path / "p.gpkg"
    layer(geoms=utm_squares(3, gap=100.0), buildable_fraction=[0.5, 1.0, 1.0]).to_file(
        parcels, driver="GPKG"
    )
    excl = tmp_path / "wash.geojson"
    swallow = box(X0 + 490, Y0 - 10, X0 + 910, Y0 + 410)  # covers parcel B entirely
    half = box(X0 - 10, Y0 - 10, X0 + 200, Y0 + 410)  # half of parcel A
    gpd.GeoDataFrame(geometry=[swallow, half], crs=UTM).to_crs(4326).to_file(excl)
    inputs = load_inputs(InputPaths(parcels=parcels, exclude=[excl]))
    p = inputs.parcels
    acres = 160_000 / M2_PER_ACRE
    assert p["excluded_acres"].to_numpy() == pytest.approx([acres / 2, acres, 0.0], rel=1e-4)
    assert p["buildable_acres"].to_numpy() == pytest.approx(
        [acres / 2 * 0.5, 0.0, acres], rel=1e-4, abs=1e-6
    )
    buffered = load_inputs(
        InputPaths(parcels=parcels, exclude=[excl], exclude_buffer_m=50.0)
    ).parcels
    assert buffered["excluded_acres"].iloc[2] == pytest.approx(0.0)  # 100 m away: untouched
    assert buffered["excluded_acres"].iloc[0] > p["excluded_acres"].iloc[0]


def test_bad_exclusion_layer_is_reported_with_the_parcels(tmp_path):
    parcels = tmp_path / "p.geojson"
    layer(ids=("A", "A", "C")).to_file(parcels, driver="GeoJSON")
    excl = tmp_path / "x.shp"
    gpd.GeoDataFrame(geometry=[box(X0, Y0, X0 + 1, Y0 + 1)], crs=UTM).to_file(excl)
    excl.with_suffix(".prj").unlink()
    with pytest.raises(InputError) as info:
        load_inputs(InputPaths(parcels=parcels, exclude=[excl]))
    text = [str(p) for p in info.value.problems]
    assert any("duplicate identifier" in t for t in text)
    assert any(t.startswith(f"{excl}:geometry: Shapefile has no .prj file") for t in text)


def test_compute_site_flag_and_no_crs_gpkg(tmp_path):
    path = tmp_path / "p.gpkg"
    layer(compute_site=[0, 1, 0]).to_file(path, driver="GPKG")
    gdf, problems = read_parcels(path)
    assert not problems and gdf["compute_site"].tolist() == [False, True, False]
    bad = tmp_path / "nocrs.gpkg"
    layer(crs=None).to_file(bad, driver="GPKG")
    _, problems = read_parcels(bad)
    assert lines(problems) == [
        f"{bad}:geometry: layer has no coordinate reference system "
        "(found no CRS, expected a CRS such as EPSG:4326)"
    ]
    assert np.isfinite(gdf["lat"]).all()
