"""``zopt solve --wind`` end to end on a real weather file with wind speed (the Greensboro
TMY3 that ships inside pvlib): it solves, passes the independent check, and the workbook,
``summary.json``, ``map.png`` and the dispatch picture show the wind."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pvlib
import pytest
from typer.testing import CliRunner

from optimizer.cli import app
from optimizer.export import plots

GREENSBORO = Path(pvlib.__file__).parent / "data" / "723170TYA.CSV"
runner = CliRunner()


@pytest.fixture(scope="module")
def wind_run(tmp_path_factory):
    """One solve at 1e17 FLOPS with --wind; the map hook's calls recorded."""
    if not GREENSBORO.is_file():
        pytest.skip("pvlib's Greensboro TMY3 is absent")
    drawn = []
    wind = next(c for c in plots.COMPONENTS if c.name == "wind")

    def spy(ax, part, frame):
        drawn.append((part["mw"], int((part["parcel_mw"] > 0).sum()), len(ax.collections)))
        wind.draw_map(ax, part, frame)
        drawn.append(len(ax.collections))

    comps = [replace(c, draw_map=spy) if c is wind else c for c in plots.COMPONENTS]
    mp = pytest.MonkeyPatch()
    mp.setattr(plots, "COMPONENTS", comps)
    reports = tmp_path_factory.mktemp("reports")
    args = ["solve", "--target", "1e17", "--wind", "--mip-gap", "0.05", "--weather",
            str(GREENSBORO), "--reports-dir", str(reports), "--quiet"]  # fmt: skip
    try:
        result = runner.invoke(app, args)
    finally:
        mp.undo()
    assert result.exit_code == 0, result.output
    (folder,) = [p for p in reports.iterdir() if not p.name.startswith(".")]
    return folder, result, drawn


@pytest.mark.slow
def test_wind_solves_checked_and_in_the_summary(wind_run):
    folder, result, _ = wind_run
    s = json.loads((folder / "summary.json").read_text())
    assert s["check"]["passed"] is True
    (row,) = s["components"]["wind"]
    assert row["capacity_mw"] > 0 and row["turbine"] == "V126/3450"
    assert 0.05 < row["capacity_factor"] < 0.5
    assert "wind (V126/3450 at 100 m)" in result.output


@pytest.mark.slow
def test_workbook_has_the_wind_sheet_bom_line_and_dispatch_column(wind_run):
    folder, _, _ = wind_run
    book = pd.ExcelFile(folder / "bom.xlsx")
    assert "Wind" in book.sheet_names
    bom = pd.read_excel(book, "BOM")
    line = bom[bom["price_key"] == "wind_capex_usd_per_kw"]
    assert len(line) == 1 and line["quantity"].iloc[0] > 0
    dispatch = pd.read_excel(book, "Dispatch")
    assert dispatch["wind_mw"].max() > 0
    prices = pd.read_excel(book, "Prices")
    assert "NREL Annual Technology Baseline 2024" in " ".join(
        prices.loc[prices["key"] == "wind_capex_usd_per_kw", "source"].astype(str))


@pytest.mark.slow
def test_map_and_dispatch_picture_draw_the_wind(wind_run):
    folder, _, drawn = wind_run
    mw, parcels, before = drawn[0]
    assert mw > 0 and parcels >= 1 and drawn[1] == before + 1  # the turbines' markers
    assert (folder / "map.png").stat().st_size > 0 and (folder / "dispatch.png").is_file()
    columns = pd.read_excel(folder / "bom.xlsx", "Dispatch", nrows=1).columns
    assert ("wind_mw", "Wind") in [(spec, label) for spec, label, *_ in plots.flow_series(columns)]
