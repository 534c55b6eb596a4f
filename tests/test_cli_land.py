"""CLI on a small hand-made layer: exclusions, site, parcels.gpkg, map; every output agrees."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pytest
from shapely.geometry import box
from typer.testing import CliRunner

from optimizer.cli import app

runner = CliRunner()
UTM = "EPSG:32612"
MILE = 1609.344


def _layer(folder: Path) -> tuple[Path, Path]:
    """30 one-section parcels (640 acres) in a 6 x 5 grid west of Phoenix, 3 flagged sites."""
    x0, y0 = 300_000.0, 3_700_000.0
    geoms, ids = [], []
    for i in range(6):
        for k in range(5):
            geoms.append(
                box(x0 + i * MILE, y0 + k * MILE, x0 + (i + 1) * MILE, y0 + (k + 1) * MILE)
            )
            ids.append(f"Q{i}{k}")
    rng = np.random.default_rng(7)
    gdf = gpd.GeoDataFrame(
        {
            "APN": ids,
            "SALE_PRICE": np.round(rng.uniform(0.5e6, 2e6, len(ids)), -3),
            "buildable_fraction": 0.9,
            "compute_site": [1 if j in (0, 14, 29) else 0 for j in range(len(ids))],
        },
        geometry=geoms,
        crs=UTM,
    )
    parcels = folder / "county.gpkg"
    gdf.to_file(parcels, layer="candidates", driver="GPKG")
    wash = folder / "wash.geojson"
    swallow = box(x0 + 2 * MILE - 5, y0 - 5, x0 + 3 * MILE + 5, y0 + MILE + 5)  # all of Q20
    gpd.GeoDataFrame({"name": ["wash"]}, geometry=[swallow], crs=UTM).to_crs(4326).to_file(wash)
    return parcels, wash


@pytest.fixture(scope="module")
def land_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("land")
    parcels, wash = _layer(folder)
    reports = folder / "reports"
    args = ["solve", "--target", "2e19", "--parcels", str(parcels), "--parcels-layer",
            "candidates", "--column-map", "parcel_id=APN,price_usd=SALE_PRICE", "--exclude",
            str(wash), "--exclude-buffer-m", "10", "--max-distance-km", "12",
            "--mip-gap", "0.01", "--time-limit", "60", "--reports-dir", str(reports)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    (run,) = [p for p in reports.iterdir() if not p.name.startswith(".")]
    return run


def test_outputs_agree_on_the_parcels_bought(land_run):
    assert {"bom.xlsx", "summary.json", "map.png", "dispatch.png", "parcels.gpkg"} <= {
        p.name for p in land_run.iterdir()
    }
    summary = json.loads((land_run / "summary.json").read_text())
    bought = set(summary["parcels_selected"])
    gpkg = gpd.read_file(land_run / "parcels.gpkg", layer="parcels")
    assert len(gpkg) == 30
    assert set(gpkg.loc[gpkg["selected"], "parcel_id"]) == bought
    ws = openpyxl.load_workbook(land_run / "bom.xlsx", read_only=True)["Parcels"]
    rows = list(ws.iter_rows(values_only=True))
    header = list(rows[0])
    pid, sel = header.index("parcel_id"), header.index("selected")
    sheet = {r[pid] for r in rows[1:] if r[pid] is not None and r[sel] in (True, 1, "TRUE")}
    assert sheet == bought
    for col in ("decision", "mw_dc_per_acre", "distance_to_site_km", "cluster", "excluded_acres"):
        assert col in header
    land = summary["land"]
    assert land["compute_site"]["parcel_id"] in {"Q00", "Q24", "Q54"}
    assert land["compute_site"]["parcel_id"] in bought
    assert land["clusters_selected"] == len(land["clusters"]) >= 1
    site = gpd.read_file(land_run / "parcels.gpkg", layer="compute_site")
    assert site["parcel_id"].tolist() == [land["compute_site"]["parcel_id"]]


def test_swallowed_parcel_has_no_buildable_land_and_no_pv(land_run):
    gpkg = gpd.read_file(land_run / "parcels.gpkg", layer="parcels").set_index("parcel_id")
    assert gpkg.loc["Q20", "buildable_acres"] == pytest.approx(0.0, abs=1e-6)
    assert gpkg.loc["Q20", "pv_mw_dc"] == pytest.approx(0.0, abs=1e-6)
    assert gpkg.loc["Q21", "buildable_acres"] < 0.9 * 640  # the 10 m buffer bites
    assert (gpkg["distance_to_site_km"][gpkg["selected"]] <= 12 + 1e-9).all()


def test_bom_has_line_costs_and_matches_the_objective(land_run):
    summary = json.loads((land_run / "summary.json").read_text())
    assert summary["check"]["passed"] is True
    assert "Power lines" in summary["cost_by_category_usd"]
    assert summary["check"]["bom_vs_objective_rel_diff"] <= 1e-3


def test_validate_lists_every_land_problem(tmp_path):
    bad = tmp_path / "bad.geojson"
    gpd.GeoDataFrame(
        {"parcel_id": ["A", "A"], "price_usd": [0, 5]},
        geometry=[box(0, 0, 0.01, 0.01), None],
        crs=4326,
    ).to_file(bad)
    result = runner.invoke(app, ["validate", "--parcels", str(bad), "--max-distance-km", "5"])
    assert result.exit_code != 0
    result = runner.invoke(app, ["validate", "--parcels", str(bad)])
    assert result.exit_code == 2
    out = result.output
    assert f"{bad}:feature 2 (A):parcel_id: duplicate identifier" in out
    assert f"{bad}:feature 1 (A):price_usd: must be positive (found 0.0, expected > 0)" in out
    assert f"{bad}:feature 2 (A):geometry: empty geometry (expected a polygon)" in out
    assert "3 input problem(s)" in out


@pytest.mark.slow
def test_distance_limit_exits_3_naming_it_with_numbers(tmp_path):
    """Within 0.5 km of a compute site lies only the site's own section: exit 3, the distance
    limit named with its numbers (not land: the layer's 17,280 acres suffice), nothing written
    (a rounded design beyond the limit is refused, not a traceback)."""
    parcels, _ = _layer(tmp_path)
    reports = tmp_path / "reports"
    args = ["solve", "--target", "1e20", "--parcels", str(parcels), "--parcels-layer",
            "candidates", "--column-map", "parcel_id=APN,price_usd=SALE_PRICE",
            "--max-distance-km", "0.5", "--time-limit", "60", "--reports-dir", str(reports),
            "--quiet"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 3, result.output
    said = " ".join(result.output.split())
    assert "The distance limit of 0.5 km limits the design" in said
    assert "lie 576 of the layer's 17,280 buildable acres" in said
    assert "Land limits" not in said
    assert not reports.exists() or not any(reports.iterdir())
