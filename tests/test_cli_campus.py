"""A campus across the road (issue 21): a layer of 40-80-acre parcels on a grid with roads of
50-150 m between them (no two parcels touch, none holds the hall on its own) solves with the
data hall split into buildings, each on one parcel, those across a road linked to the site
parcel by fibre and a road priced in the BOM, listed in the Site sheet and drawn on the map.
With ``--campus-km 0`` the same layer is refused, naming the largest campus within reach."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from optimizer.cli import app

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from road_grid import road_grid, write_road_grid  # noqa: E402

runner = CliRunner()
N, TARGET = 81, "2e20"  # 2e20 FLOPS: a hall of about 61 acres; every parcel has <= 59
LAYER = {"min_acres": 40.0, "max_acres": 80.0, "min_gap_m": 50.0, "max_gap_m": 150.0,
         "buildable_fraction": 0.8}  # fmt: skip


def _layer(folder: Path) -> Path:
    return write_road_grid(folder / "roads.gpkg", N, **LAYER)


def test_the_layer_has_roads_and_no_parcel_holds_the_hall():
    g = road_grid(N, **LAYER)
    acres = g.area / 4046.8564224 * LAYER["buildable_fraction"]
    assert acres.max() < 61
    gaps = [g.geometry[i].distance(g.geometry[k]) for i in range(N) for k in range(i + 1, N)]
    assert 50 <= min(gaps) <= 150


@pytest.fixture(scope="module")
def campus_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("campus")
    args = ["solve", "--target", TARGET, "--parcels", str(_layer(folder)), "--time-limit", "120",
            "--reports-dir", str(folder / "reports"), "--quiet"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    (run,) = [p for p in (folder / "reports").iterdir() if not p.name.startswith(".")]
    return run, result.output


@pytest.mark.slow
def test_the_hall_is_split_into_buildings_with_priced_links(campus_run):
    run, output = campus_run
    summary = json.loads((run / "summary.json").read_text())
    assert summary["check"]["passed"] is True
    book = pd.read_excel(run / "bom.xlsx", sheet_name=None)
    site = book["Site"]
    assert list(site.columns) == ["building", "parcel_id", "hall_acres", "where", "link_km",
                                  "link_usd"]  # fmt: skip
    assert len(site) >= 2 and site["parcel_id"].is_unique
    parcels = book["Parcels"].set_index("parcel_id")
    assert (
        site["hall_acres"] <= parcels.loc[site["parcel_id"], "buildable_acres"].values + 1e-6
    ).all()
    assert site["hall_acres"].sum() == pytest.approx(parcels["hall_acres"].sum(), rel=1e-9)
    assert site["hall_acres"].sum() > 59  # more than any parcel holds
    assert site["where"].iloc[0] == "site parcel"
    assert site["parcel_id"].iloc[0] == summary["land"]["compute_site"]["parcel_id"]
    far = site[site["where"] == "across a road"]
    assert len(far) >= 1 and (far["link_km"] > 0.2).all() and (far["link_km"] <= 2.0).all()
    assert parcels.loc[far["parcel_id"], "decision"].str.contains("across a road").all()
    bom = book["BOM"]
    links = bom[bom["price_key"] == "campus_link_usd_per_km"]
    assert len(links) == len(far)
    for pid, km in zip(far["parcel_id"], far["link_km"], strict=True):
        (line,) = links[links["item"].str.contains(f"Parcel {pid} ")].itertuples()
        assert line.quantity == pytest.approx(km, rel=1e-9)
        assert line.category == "Campus links" and line.unit == "km"
    assert links["extended_cost_usd"].sum() == pytest.approx(far["link_usd"].sum(), rel=1e-9)
    assert summary["cost_by_category_usd"]["Campus links"] == pytest.approx(
        far["link_usd"].sum(), rel=1e-6
    )
    assert "across a road" in " ".join(output.split())
    assert (run / "map.png").stat().st_size > 10_000


def test_without_a_campus_distance_the_words_name_the_largest_campus(tmp_path):
    args = ["solve", "--target", TARGET, "--parcels", str(_layer(tmp_path)), "--campus-km", "0",
            "--reports-dir", str(tmp_path / "r"), "--quiet"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 3, result.output
    said = " ".join(result.output.split())
    assert "The data hall's footprint limits the design" in said
    assert "the largest campus within reach (parcel R" in said
    assert "and the 0 parcels adjacent to it) has" in said
    assert "raise --campus-km" in said
    acres = float(said.split(") has ")[1].split(" buildable acres")[0].replace(",", ""))
    largest = road_grid(N, **LAYER).area.max() / 4046.8564224 * LAYER["buildable_fraction"]
    assert 40 * LAYER["buildable_fraction"] < acres <= np.ceil(largest)
    assert not (tmp_path / "r").exists()


def test_a_negative_campus_distance_is_refused_with_every_problem(tmp_path):
    args = ["solve", "--campus-km", "-1", "--mode", "fast", "--reports-dir", str(tmp_path)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert "--campus-km: must be a distance (found -1.0, expected 0 <= km <= 50)" in said
    assert "--mode: unknown mode (found fast" in said
