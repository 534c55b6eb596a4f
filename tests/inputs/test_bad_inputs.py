"""One test per class of bad input, across every input file and the options (issue 11).

Each case asserts: exit 2; the message names the file and the place in it
(``file:row/feature:column: problem``); no traceback; no run folder written. ``zopt validate``
(no solve) for input files, ``zopt solve`` for its own options (refused before any reading).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from optimizer.cli import app

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bad_files import (  # noqa: E402
    GARBAGE,
    VRT,
    edit_csv,
    entity_xlsx,
    geojson,
    prices_workbook,
    psm3,
    write,
    zip_bomb_xlsx,
)

runner = CliRunner()
#: data rows of the embedded prices.csv (a row appended to it is file line rows + 2)
_PRICE_ROWS = len((Path(__file__).resolve().parents[2] / "data" / "prices.csv").read_text()
                  .strip().splitlines()) - 1  # fmt: skip
WEATHER_COLS = ["DNI", "DHI", "GHI", "Temperature", "Wind Speed"]


def _row(name, row, column, value, option):
    def build(d):
        path, r = edit_csv(name, d, row, column, value)
        return [option, str(path)], str(path), f"row {r}:{column}:"

    return build


def _file(option, name, content, place=""):
    def build(d):
        path = write(d, name, content)
        return [option, str(path)], str(path), place

    return build


def _lines(option, name, src, edit, place):
    def build(d):
        lines = (Path(__file__).resolve().parents[2] / "data" / src).read_text().splitlines()
        path = write(d, name, "\n".join(edit(lines)) + "\n")
        return [option, str(path)], str(path), place

    return build


def _fixed(args, file, place):
    def build(d):
        named = file.replace("{d}", str(d))
        return [a.replace("{d}", str(d)) for a in args], str(Path(named)) if named else "", place

    return build


def _parcels(props, place, ring=None, crs=None, option="--parcels"):
    def build(d):
        path = geojson(d, "parcels.geojson", props, ring, crs)
        return [option, str(path)], str(path), place

    return build


def _built(option, maker, place):
    def build(d):
        path = maker(d)
        return [option, str(path)], str(path), place

    return build


def _sparse(d: Path, name: str) -> Path:
    """A 65 MB CSV that takes no disk space (a sparse file)."""
    path = write(d, name, "key,value,unit,source,year,notes\n")
    os.truncate(path, 65 * 2**20)
    return path


HUGE = "key,value,unit,source,year,notes\n" + "x" * 300_000 + ",1,$,s,2025,\n"
BOW = [[-112.9, 33.4], [-112.89, 33.41], [-112.89, 33.4], [-112.9, 33.41], [-112.9, 33.4]]
UTM = [[330_000, 3_700_000], [330_400, 3_700_000], [330_400, 3_700_400], [330_000, 3_700_400],
       [330_000, 3_700_000]]  # fmt: skip

#: id -> (builder, message fragment)
CASES = {
    # prices CSV
    "prices-unknown-key": (
        _row("prices.csv", 3, "key", "pv_magic", "--prices"),
        "unknown price key",
    ),
    "prices-not-a-number": (_row("prices.csv", 4, "value", "cheap", "--prices"), "not a number"),
    "prices-negative": (
        _row("prices.csv", 2, "value", "-0.2", "--prices"),
        "below the allowed range",
    ),
    "prices-unit-mismatch": (_row("prices.csv", 5, "unit", "$/kW", "--prices"), "unit mismatch"),
    "prices-duplicate-key": (
        _lines("--prices", "prices.csv", "prices.csv", lambda s: [*s, s[1]],
               f"row {_PRICE_ROWS + 2}:key:"),  # fmt: skip
        "duplicate key",
    ),
    "prices-stray-comma": (
        _lines(
            "--prices", "prices.csv", "prices.csv", lambda s: [s[0], s[1] + ",", *s[2:]], "row 2:"
        ),
        "wrong number of fields",
    ),
    "prices-missing-column": (
        _file(
            "--prices", "prices.csv", "key,unit\npv_module_usd_per_w_dc,$/W_dc\n", "header:value:"
        ),
        "required column missing",
    ),
    "prices-empty": (_file("--prices", "prices.csv", b""), "file is empty"),
    "prices-binary": (_file("--prices", "prices.csv", GARBAGE), "not a text CSV file"),
    "prices-huge-line": (_file("--prices", "prices.csv", HUGE, "row 2:"), "not a readable CSV"),
    "prices-too-large": (_built("--prices", lambda d: _sparse(d, "prices.csv"), ""), "too large"),
    "prices-not-found": (
        _fixed(["--prices", "{d}/nope.csv"], "{d}/nope.csv", ""),
        "file not found",
    ),
    # workbook prices (--prices x.xlsx)
    "xlsx-zip-bomb": (_built("--prices", zip_bomb_xlsx, "xl/worksheets/sheet1.xml:"), "zip bomb"),
    "xlsx-entity-expansion": (
        _built("--prices", entity_xlsx, "xl/worksheets/sheet1.xml:"),
        "entity declarations",
    ),
    "xlsx-not-a-zip": (_file("--prices", "bom.xlsx", GARBAGE), "not an .xlsx workbook"),
    "xlsx-empty": (_file("--prices", "bom.xlsx", b""), "not an .xlsx workbook"),
    "xlsx-bad-value": (
        _built("--prices", lambda d: prices_workbook(d, value="lots"), "Prices!row 2:value:"),
        "not a number",
    ),
    # chips
    "chips-negative-tdp": (_row("chips.csv", 3, "tdp_w", "-700", "--chips"), "tdp_w"),
    "chips-not-a-number": (_row("chips.csv", 2, "price_usd", "free", "--chips"), "not a number"),
    "chips-duplicate": (
        _lines("--chips", "chips.csv", "chips.csv", lambda s: [*s, s[1]], "row 11:chip:"),
        "duplicate identifier",
    ),
    "chips-missing-column": (
        _file("--chips", "chips.csv", "chip,tdp_w\nX,700\n", "header:"),
        "required column missing",
    ),
    "chips-stray-comma": (
        _lines(
            "--chips", "chips.csv", "chips.csv", lambda s: [*s[:3], s[3] + ",x", *s[4:]], "row 4:"
        ),
        "found 14 fields",
    ),
    # reservoirs
    "reservoirs-latitude": (_row("reservoirs.csv", 2, "lat", "133.4", "--reservoirs"), "lat"),
    "reservoirs-negative-head": (_row("reservoirs.csv", 3, "head_m", "-5", "--reservoirs"), ""),
    "reservoirs-empty": (_file("--reservoirs", "reservoirs.csv", b""), "file is empty"),
    "reservoirs-binary": (_file("--reservoirs", "reservoirs.csv", GARBAGE), "not a text CSV"),
    # parcels
    "parcels-vsicurl-name": (
        _fixed(
            ["--parcels", "/vsicurl/http://127.0.0.1:9/p.geojson"],
            str(Path("/vsicurl/http://127.0.0.1:9/p.geojson")),
            "",
        ),
        "GDAL virtual paths and URLs are not accepted",
    ),  # fmt: skip
    "parcels-vsizip-name": (
        _fixed(
            ["--parcels", "/vsizip/{d}/p.zip/p.geojson"],
            str(Path("/vsizip/{d}/p.zip/p.geojson")),
            "",
        ),
        "GDAL virtual paths",
    ),
    "parcels-vrt-as-geojson": (
        _file("--parcels", "parcels.geojson", VRT),
        "content is not GeoJSON",
    ),
    "parcels-zip-as-geojson": (
        _file("--parcels", "parcels.geojson", b"PK\x03\x04" + GARBAGE),
        "content is not GeoJSON",
    ),
    "parcels-binary": (_file("--parcels", "parcels.gpkg", GARBAGE), "content is not GeoPackage"),
    "parcels-empty": (_file("--parcels", "parcels.geojson", b""), "content is not GeoJSON"),
    "parcels-broken-json": (_file("--parcels", "parcels.geojson", '{"type": "Feat'), "cannot read"),
    "parcels-unsupported-type": (_file("--parcels", "parcels.kml", "<kml/>"), "not a supported"),
    "parcels-no-crs-metres": (
        _parcels({"parcel_id": "P2", "price_usd": 1e5}, "geometry:", ring=UTM),
        "no CRS declared",
    ),
    "parcels-bow-tie": (
        _parcels({"parcel_id": "P2", "price_usd": 1e5}, "feature 2 (P2):geometry:", ring=BOW),
        "invalid polygon",
    ),
    "parcels-duplicate-id": (
        _parcels({"parcel_id": "P1", "price_usd": 1e5}, "feature 2 (P1):parcel_id:"),
        "duplicate",
    ),
    "parcels-negative-price": (
        _parcels({"parcel_id": "P2", "price_usd": -1}, "feature 2 (P2):price_usd:"),
        "positive",
    ),
    "parcels-fraction": (
        _parcels(
            {"parcel_id": "P2", "price_usd": 1, "buildable_fraction": 2},
            "feature 2 (P2):buildable_fraction:",
        ),
        "above the allowed range",
    ),  # fmt: skip
    # exclusions
    "exclusions-out-of-range": (
        _parcels({"parcel_id": "E2"}, "geometry:", ring=UTM, option="--exclude"),
        "out of range",
    ),
    "exclusions-binary": (_file("--exclude", "excl.geojson", GARBAGE), "content is not GeoJSON"),
    # weather
    "weather-unknown-format": (
        _file("--weather", "w.csv", "a,b\n1,2\n", "row 1:"),
        "unknown weather",
    ),
    "weather-empty": (_file("--weather", "w.csv", b"", "row 1:"), "unknown weather file format"),
    "weather-binary": (
        _file("--weather", "w.epw", GARBAGE, "row 1:"),
        "unknown weather file format",
    ),
    "weather-short": (
        _built("--weather", lambda d: psm3(d, "w.csv", WEATHER_COLS, 48), ""),
        "wrong number of hourly rows",
    ),
    "weather-one-component": (
        _built(
            "--weather",
            lambda d: psm3(d, "w.csv", ["DNI", "Temperature", "Wind Speed"], 48),
            "header:",
        ),
        "required weather columns missing",
    ),  # fmt: skip
    # options
    "option-precision": (_fixed(["--precision", "fp16"], "--precision", ""), "unknown precision"),
    "option-column-map": (
        _fixed(["--column-map", "parcel_id"], "--column-map", ""),
        "bad mapping item",
    ),
    "option-column-map-target": (
        _fixed(["--column-map", "colour=C"], "--column-map", "colour:"),
        "unknown parcel attribute",
    ),
    "option-exclude-buffer": (
        _fixed(["--exclude-buffer-m", "-5"], "command line", "--exclude-buffer-m:"),
        "negative",
    ),
    "option-scenario": (_fixed(["--scenario", "nope"], "", ""), "nope"),
}
SOLVE_OPTIONS = {
    "solve-target": (["--target", "-1"], "--target:", "must be a positive FLOPS figure"),
    "solve-mode": (["--mode", "always"], "--mode:", "unknown mode"),
    "solve-mip-gap": (["--mip-gap", "2"], "--mip-gap:", "must be a fraction"),
    "solve-method": (["--method", "milp"], "--method:", "unknown method"),
    "solve-unserved-mode": (
        ["--max-unserved", "0.1", "--mode", "average"],
        "--max-unserved:",
        "only applies",
    ),
}


def _check(result, file: str, place: str, fragment: str, folder: Path) -> None:
    out = result.output
    assert result.exit_code == 2, out
    assert "Traceback" not in out and (
        result.exception is None or isinstance(result.exception, SystemExit)
    ), out
    flat = out.replace("\n", "")
    assert f"{file}:{place}" in flat, f"{file}:{place} not in {out}"
    assert fragment in flat, out
    assert not (folder / "reports").exists()


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_exit_2_naming_file_and_place(case, tmp_path, monkeypatch):
    build, fragment = CASES[case]
    monkeypatch.chdir(tmp_path)
    args, file, place = build(tmp_path)
    result = runner.invoke(app, ["validate", *args], terminal_width=400)
    _check(result, file, place, fragment, tmp_path)


@pytest.mark.parametrize("case", sorted(SOLVE_OPTIONS))
def test_bad_solve_option_is_exit_2_before_reading(case, tmp_path, monkeypatch):
    args, place, fragment = SOLVE_OPTIONS[case]
    monkeypatch.chdir(tmp_path)
    import optimizer.pipeline as pipeline

    monkeypatch.setattr(pipeline, "run_solve", lambda *_a, **_k: pytest.fail("solved"))
    result = runner.invoke(app, ["solve", *args], terminal_width=400)
    _check(result, "command line", place, fragment, tmp_path)


def test_at_least_30_classes_across_every_input():
    kinds = {c.split("-")[0] for c in CASES} | {"solve"}
    assert {"prices", "xlsx", "chips", "reservoirs", "parcels", "exclusions", "weather",
            "option", "solve"} <= kinds  # fmt: skip
    assert len(CASES) + len(SOLVE_OPTIONS) >= 30
