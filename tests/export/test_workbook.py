"""The workbook of a real run: BOM formulas, subtotals, Summary formulas, charts, run info,
manifest.json, and user text (parcel names) stored as text."""

import json
import re
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from optimizer.export.summary import summary_dict
from optimizer.export.workbook import write_workbook
from optimizer.pipeline import run_info

sys.path.insert(0, str(Path(__file__).resolve().parent))
from zopt_run_cache import base_run  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def run_folder():
    return base_run()


@pytest.fixture(scope="module")
def wb(run_folder):
    return openpyxl.load_workbook(run_folder[1] / "bom.xlsx")


def test_sheets_in_order(wb):
    assert wb.sheetnames == [
        "Summary", "BOM", "Cash flow", "Chips", "Parcels", "Reservoirs", "Storage", "Dispatch",
        "Prices", "Run info", "Monthly", "Charts", "Site", "Run values",
    ]  # fmt: skip
    assert wb["Run values"].sheet_state == "hidden"
    assert wb["Dispatch"].max_row == 8761
    for name in ("Summary", "BOM", "Dispatch", "Prices"):
        assert wb[name].freeze_panes in ("A2", "A4")


def test_bom_lines_subtotals_and_total_are_formulas(run_folder, wb):
    run, _ = run_folder
    ws = wb["BOM"]
    n = len(run.bom)
    header = [c.value for c in ws[1]]
    assert header == [
        "category", "item", "quantity", "unit", "unit_cost_usd", "extended_cost_usd",
        "price_key", "source", "year",
    ]  # fmt: skip
    prices_rows = {r[0].value: r[0].row for r in wb["Prices"].iter_rows(min_row=2)}
    for r in range(2, n + 2):
        assert ws[f"F{r}"].value == f"=C{r}*E{r}"
        key, unit = ws[f"G{r}"].value, ws[f"D{r}"].value
        if key in prices_rows:
            scale = "*1E6" if unit in ("MW_dc", "MW_ac") else ""
            assert ws[f"E{r}"].value == f"=Prices!$B${prices_rows[key]}{scale}"
        else:  # chips, parcels, reservoirs: their own sheets
            sheet = {"chips": "Chips", "parcels": "Parcels", "reservoirs": "Reservoirs"}
            assert ws[f"E{r}"].value.startswith(f"='{sheet[key.split(':')[0]]}'!$"), key
    assert ws.tables["BOM"].ref == f"A1:I{n + 1}"
    subtotal = [c for c in ws["F"] if str(c.value).startswith("=SUMIF(")]
    assert [ws[f"A{c.row}"].value for c in subtotal] == list(dict.fromkeys(run.bom["category"]))
    total = [c for c in ws["F"] if str(c.value).startswith("=SUM(")]
    assert [c.value for c in total] == [f"=SUM(F2:F{n + 1})"]
    assert ws["F2"].number_format == '"$"#,##0'


def test_summary_figures_are_formulas(wb):
    ws = wb["Summary"]
    by_key = {r[3].value: r[1].value for r in ws.iter_rows(min_row=4) if r[3].value}
    assert by_key["total_cost_usd"].startswith("=BOM!$F$")
    assert by_key["cost_per_pflops_usd"].startswith("=")
    assert by_key["pv_mw_dc"].startswith("=BOM!$C$")
    assert by_key["delivered_flop_per_year"].startswith("=")
    assert by_key["parcels_selected#"].startswith("=COUNTIF(Parcels!")
    assert all(by_key[k].startswith("=BOM!$F$") for k in by_key if k.startswith("cost_by_cat"))
    modes = [r[1].value for r in ws.iter_rows(min_row=4) if r[0].value == "Mode"]
    assert modes[0].startswith("sustained: the target is delivered in every hour")


def test_charts_are_in_the_workbook(run_folder):
    names = zipfile.ZipFile(run_folder[1] / "bom.xlsx").namelist()
    charts = sorted(n for n in names if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
    assert len(charts) == 4
    xml = "".join(zipfile.ZipFile(run_folder[1] / "bom.xlsx").read(c).decode() for c in charts)
    assert "BOM" in xml and "Dispatch" in xml and "Monthly" in xml
    assert "Pumped hydro: stored (right axis)" in xml  # series named in words
    assert "phs_level_mwh" not in xml and "Li-ion" not in xml  # all-zero Li-ion left out
    assert 'formatCode="dd mmm"' in xml  # dates on the week charts' time axes
    assert "M&quot;" in xml or 'M"' in xml  # the cost axis in $M


def test_monthly_energy_adds_up(run_folder, wb):
    run, _ = run_folder
    rows = list(wb["Monthly"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 12
    header = [c.value for c in wb["Monthly"][1]]
    load = sum(r[header.index("load_mwh")] for r in rows)
    assert load == pytest.approx(run.dispatch["load_mw"].sum(), rel=1e-6)


def test_run_info_and_manifest(run_folder, wb):
    run, folder = run_folder
    info = {r[0]: r[1] for r in wb["Run info"].iter_rows(min_row=2, values_only=True)}
    for key in (
        "version pyomo",
        "version highspy",
        "version HiGHS",
        "version HiGHS githash",
        "version pvlib",
        "version geopandas",
        "version GDAL",
        "version python",
        "sha256 prices",
        "sha256 parcels",
        "solver option threads",
        "solver option random_seed",
        "solver status",
        "solver gap",
        "seconds solve",
    ):
        assert key in info, key  # fmt: skip
    m = json.loads((folder / "manifest.json").read_text())
    assert re.fullmatch(r"[0-9a-f]{64}", m["inputs"]["chips"]["sha256"])
    assert m["inputs"]["weather"]["files"]  # embedded weather model files, by checksum
    assert m["packages"]["HiGHS githash"] != "unknown"
    assert m["solver_options"]["threads"] == 1 and m["solver_options"]["random_seed"] == 0
    assert {"read", "yield", "build", "solve", "verify", "export"} <= set(m["timings_s"])
    assert m["prices"]["pv_module_usd_per_w_dc"]["value"] == pytest.approx(0.26)


def test_user_text_in_parcel_names_stays_text(run_folder, tmp_path):
    run, _ = run_folder
    parcels = run.inputs.parcels.copy()
    parcels.loc[parcels.index[0], "parcel_id"] = "=1+1"
    parcels.loc[parcels.index[1], "parcel_id"] = "@SUM(A1)"
    parcels.loc[parcels.index[2], "parcel_id"] = "bad\x07name"
    odd = replace(run, inputs=replace(run.inputs, parcels=parcels))
    path = write_workbook(odd, summary_dict(odd), run_info(odd), tmp_path / "bom.xlsx")
    ws = openpyxl.load_workbook(path)["Parcels"]
    col = [c.value for c in ws[1]].index("parcel_id")
    cells = [ws.cell(row=r, column=col + 1) for r in (2, 3, 4)]
    assert [c.value for c in cells] == ["=1+1", "@SUM(A1)", "badname"]
    assert all(c.data_type == "s" for c in cells)
