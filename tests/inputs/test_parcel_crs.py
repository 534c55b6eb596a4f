"""Parcels whose coordinates do not fit their CRS, and bow-tie parcels on a fresh interpreter
(issue 11): exit 2 naming the file and what is wrong, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from optimizer.cli import app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def square(x, y, side):
    return [[[x, y], [x + side, y], [x + side, y + side], [x, y + side], [x, y]]]


def geojson(path: Path, rings, crs: dict | None = None) -> Path:
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"parcel_id": f"P{i + 1}", "price_usd": 1e5},
                "geometry": {"type": "Polygon", "coordinates": ring},
            }
            for i, ring in enumerate(rings)
        ],
    }
    if crs is not None:
        doc["crs"] = crs
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def validate(*args):
    result = runner.invoke(app, ["validate", *args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_projected_metres_without_crs_member_is_refused(tmp_path):
    rings = [square(330_000, 3_640_000, 400), square(331_000, 3_640_000, 400)]
    path = geojson(tmp_path / "utm.geojson", rings)
    result = validate("--parcels", str(path))
    assert result.exit_code == 2, result.output
    assert (
        f"{path}:geometry: coordinates out of range for degrees; no CRS declared" in result.output
    )
    assert "found x 330,000..331,400, y 3.64e+06..3.6404e+06" in result.output
    assert "inputs valid" not in result.output


def test_swapped_latitude_and_longitude_is_refused(tmp_path):
    path = geojson(tmp_path / "swapped.geojson", [square(33.40, -113.0, 0.01)])
    result = validate("--parcels", str(path))
    assert result.exit_code == 2, result.output
    assert f"{path}:geometry: coordinates out of range for degrees" in result.output
    assert "Unable to determine UTM CRS" not in result.output


def test_polar_parcel_is_refused_not_a_utm_crash(tmp_path):
    path = geojson(tmp_path / "polar.geojson", [square(10.0, 86.0, 0.01)])
    result = validate("--parcels", str(path))
    assert result.exit_code == 2, result.output
    assert "latitude outside the UTM zones" in result.output


def test_declared_utm_crs_is_accepted(tmp_path):
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32612"}}
    path = geojson(tmp_path / "utm_declared.geojson", [square(330_000, 3_700_000, 400)], crs)
    result = validate("--parcels", str(path))
    assert result.exit_code == 0, result.output
    assert "inputs valid: 1 parcels" in result.output


def test_degrees_without_crs_member_is_wgs84(tmp_path):
    path = geojson(tmp_path / "deg.geojson", [square(-112.9, 33.4, 0.01)])
    result = validate("--parcels", str(path))
    assert result.exit_code == 0, result.output


def test_exclusions_get_the_same_check(tmp_path):
    path = geojson(tmp_path / "excl.geojson", [square(330_000, 3_640_000, 400)])
    result = validate("--exclude", str(path))
    assert result.exit_code == 2, result.output
    assert f"{path}:geometry: coordinates out of range for degrees" in result.output


BOW_TIE = [[[-112.9, 33.40], [-112.89, 33.41], [-112.89, 33.40], [-112.9, 33.41], [-112.9, 33.40]]]


def _fresh_zopt(*args):
    """Run ``zopt`` in a new interpreter: nothing else has imported ``shapely.validation``."""
    return subprocess.run(
        [sys.executable, "-c", "from optimizer.cli import main; main()", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_bow_tie_on_a_fresh_interpreter_names_the_feature(tmp_path):
    path = geojson(tmp_path / "bowtie.geojson", [square(-112.95, 33.4, 0.01), BOW_TIE])
    done = _fresh_zopt("validate", "--parcels", str(path))
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert (
        f"{path}:feature 2 (P2):geometry: invalid polygon (found Self-intersection" in done.stderr
    )


def test_bow_tie_repaired_under_fix_geometry(tmp_path):
    path = geojson(tmp_path / "bowtie.geojson", [square(-112.95, 33.4, 0.01), BOW_TIE])
    done = _fresh_zopt("validate", "--parcels", str(path), "--fix-geometry")
    assert done.returncode == 0, done.stderr
    assert "feature 2 (P2): invalid polygon repaired (Self-intersection" in done.stderr
