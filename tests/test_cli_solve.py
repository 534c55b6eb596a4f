"""End-to-end CLI tests on the embedded data (CliRunner)."""

import hashlib
import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from optimizer.cli import app

runner = CliRunner()


def _hashes(folder: Path) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    reports = tmp_path_factory.mktemp("reports")
    result = runner.invoke(app, ["solve", "--target", "1e21", "--reports-dir", str(reports)])
    assert result.exit_code == 0, result.output
    folders = [p for p in reports.iterdir() if not p.name.startswith(".")]
    assert len(folders) == 1
    return reports, folders[0], result


@pytest.mark.slow
def test_solve_writes_a_verified_run(first_run):
    _, folder, result = first_run
    assert {p.name for p in folder.iterdir()} == {
        "bom.xlsx",
        "summary.json",
        "map.png",
        "dispatch.png",
        "manifest.json",
        "parcels.gpkg",
        "lp_relaxation.bas",
        "weather_years.png",  # the stress test on 3 synthetic years (zopt solve's default)
    }
    s = json.loads((folder / "summary.json").read_text())
    for key in (
        "target_flops",
        "mode",
        "achieved_flops",
        "total_cost_usd",
        "chips",
        "pv_mw_dc",
        "parcels_selected",
        "storage",
        "solver",
    ):
        assert key in s
    assert s["achieved_flops"] >= 1e21
    assert s["total_cost_usd"] > 0
    assert s["check"]["passed"] is True
    assert abs(s["check"]["bom_total_usd"] - s["total_cost_usd"]) <= 1e-3 * s["total_cost_usd"]
    assert str(folder) in result.output
    years = s["weather_years"]["years"]
    assert [y["label"] for y in years] == ["synthetic 1", "synthetic 2", "synthetic 3"]
    assert all(y["synthetic"] for y in years)
    assert "stress test: the design on each weather year" in result.output
    assert s["timings_s"]["stress"] < 15  # about 5 s on 2 cores


@pytest.mark.slow
def test_workbook_has_live_formulas_and_every_sheet(first_run):
    _, folder, _ = first_run
    wb = openpyxl.load_workbook(folder / "bom.xlsx")
    assert wb.sheetnames[:10] == [
        "Summary",
        "BOM",
        "Cash flow",
        "Chips",
        "Parcels",
        "Reservoirs",
        "Storage",
        "Dispatch",
        "Prices",
        "Run info",
    ]
    bom = wb["BOM"]
    assert bom["F2"].value == "=C2*E2"
    total = [c for c in bom["F"] if isinstance(c.value, str) and c.value.startswith("=SUM(")]
    assert len(total) == 1
    assert wb["Dispatch"].max_row == 8761


@pytest.mark.slow
def test_second_run_gets_a_new_folder_and_leaves_the_first_alone(first_run):
    reports, folder, _ = first_run
    before = _hashes(folder)
    result = runner.invoke(app, ["solve", "--target", "1e21", "--reports-dir", str(reports)])
    assert result.exit_code == 0, result.output
    folders = sorted(p for p in reports.iterdir() if not p.name.startswith("."))
    assert len(folders) == 2
    assert _hashes(folder) == before


def test_target_beyond_the_land_exits_3_naming_land(tmp_path):
    result = runner.invoke(app, ["solve", "--target", "1e23", "--reports-dir", str(tmp_path)])
    assert result.exit_code == 3
    assert "Land limits the design" in result.output
    assert list(tmp_path.iterdir()) == []


def test_bad_prices_exit_2_with_every_problem_and_nothing_written(tmp_path):
    prices = tmp_path / "prices.csv"
    prices.write_text(
        "key,value,unit,source,year\n"
        "pv_module_usd_per_w_dc,abc,$/W_dc,me,2025\n"
        "pue,1.2,percent,me,2025\n"
        "not_a_key,1,$,me,2025\n"
    )
    reports = tmp_path / "reports"
    result = runner.invoke(app, ["solve", "--prices", str(prices), "--reports-dir", str(reports)])
    assert result.exit_code == 2
    out = result.output
    assert f"{prices}:row 2:value: not a number (found 'abc', expected a number)" in out
    assert f"{prices}:row 3:unit: unit mismatch for pue (found 'percent', expected 'ratio')" in out
    assert f"{prices}:row 4:key: unknown price key (found not_a_key" in out
    assert not reports.exists()


def test_validate_reports_ok_on_embedded_data():
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    assert "inputs valid" in result.output


def test_time_limit_without_a_solution_exits_6(tmp_path):
    result = runner.invoke(
        app, ["solve", "--time-limit", "0.01", "--reports-dir", str(tmp_path / "r")]
    )
    assert result.exit_code == 6
    assert "without a solution" in result.output
    assert not (tmp_path / "r").exists() or list((tmp_path / "r").iterdir()) == []


def test_unknown_scenario_and_bad_options_are_all_reported(tmp_path):
    result = runner.invoke(
        app,
        [
            "solve",
            "--scenario",
            "nope",
            "--mode",
            "average",
            "--max-unserved",
            "0.1",
            "--reports-dir",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 2
    assert "--max-unserved: only applies to --mode sustained" in result.output
    result = runner.invoke(app, ["validate", "--scenario", "nope"])
    assert result.exit_code == 2
    assert "unknown scenario (found nope, expected seed)" in result.output
