"""The workbook of a real run read as people and scripts read it: stored formula values
(pandas), the Chips sheet's chips x FLOPS, units and booleans, print setup, and the page count
LibreOffice prints."""

import json
import math
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from zopt_run_cache import base_run, soffice  # noqa: E402

pytestmark = pytest.mark.slow
MAX_PAGES = 40


@pytest.fixture(scope="module")
def run_folder():
    run, folder = base_run()
    return run, folder, json.loads((folder / "summary.json").read_text())


def test_pandas_reads_every_extended_cost_and_the_total(run_folder):
    _, folder, summary = run_folder
    bom = pd.read_excel(folder / "bom.xlsx", "BOM")
    lines = summary["bom_lines"]
    got = bom["extended_cost_usd"].iloc[: len(lines)].tolist()
    assert got == pytest.approx([ln["extended_cost_usd"] for ln in lines], rel=1e-12)
    total = bom.loc[bom["category"] == "Total", "extended_cost_usd"]
    assert total.tolist() == [pytest.approx(summary["total_cost_usd"], rel=1e-12)]
    subtotals = bom.iloc[len(lines) + 2 : -1].set_index("category")["extended_cost_usd"]
    assert subtotals.to_dict() == pytest.approx(summary["cost_by_category_usd"], rel=1e-12)


def test_summary_stored_values_equal_summary_json(run_folder):
    _, folder, summary = run_folder
    ws = openpyxl.load_workbook(folder / "bom.xlsx", data_only=True)["Summary"]
    checked = 0
    for label, got, _unit, key in ws.iter_rows(min_row=4, max_col=4, values_only=True):
        if not key:
            continue
        obj = summary
        for part in key.rstrip("#").split(".", 1):
            obj = obj[part]
        expected = len(obj) if key.endswith("#") else obj
        assert math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-9), (label, got, expected)
        checked += 1
    assert checked >= 15


def test_chips_sheet_chips_times_flops_is_installed_flops(run_folder):
    run, folder, summary = run_folder
    chips = pd.read_excel(folder / "bom.xlsx", "Chips")
    table = chips.dropna(subset=["chip"])
    table = table[table["chip"] != "Total"]
    assert {"chip", "price_usd", "fp4_tflops", "fp8_tflops", "bf16_tflops", "tdp_w",
            "max_count", "source", "count", "installed_flops"} <= set(chips.columns)  # fmt: skip
    counts = table.set_index("chip")["count"]
    assert {c: int(n) for c, n in counts.items() if n} == summary["chips"]
    assert (table["count"] * table["fp8_tflops"] * 1e12).sum() == pytest.approx(
        summary["installed_flops"], rel=1e-12
    )
    labels = [r[0] for r in openpyxl.load_workbook(folder / "bom.xlsx")["Summary"].iter_rows(
        min_row=4, values_only=True)]  # fmt: skip
    assert any(str(x).startswith("Installed FLOPS") for x in labels)
    assert any(str(x).startswith("Facility peak load") for x in labels)
    assert any(str(x).startswith("Storage energy") for x in labels)


def test_pv_in_mw_dc_and_one_boolean_style(run_folder):
    _, folder, summary = run_folder
    wb = openpyxl.load_workbook(folder / "bom.xlsx")
    bom = wb["BOM"]
    (pv,) = [r for r in bom.iter_rows(min_row=2) if r[6].value == "pv_module_usd_per_w_dc"]
    assert pv[3].value == "MW_dc"
    assert re.search(r"\(\d[\d,]* x \d+ W\)", pv[1].value)  # the module count beside it
    for sheet, column in (("Parcels", "selected"), ("Storage", "built"), ("Reservoirs", "built")):
        ws = wb[sheet]
        j = [c.value for c in ws[1]].index(column)
        assert {ws.cell(row=r, column=j + 1).data_type for r in range(2, ws.max_row + 1)} == {"b"}
    parcels = wb["Parcels"]
    header = [c.value for c in parcels[1]]
    for col in ("area_acres", "lat", "lon", "mw_dc_per_acre", "price_usd"):
        fmt = parcels.cell(row=2, column=header.index(col) + 1).number_format
        assert fmt != "General", col


def test_every_printed_sheet_is_set_up_for_printing(run_folder):
    _, folder, _ = run_folder
    wb = openpyxl.load_workbook(folder / "bom.xlsx")
    for ws in wb.worksheets:
        if ws.sheet_state == "hidden":
            continue
        assert ws.print_area, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.page_setup.fitToWidth in (1, None), ws.title
    for name in ("BOM", "Parcels", "Chips", "Dispatch"):
        assert wb[name].page_setup.orientation == "landscape", name
        assert wb[name].print_title_rows, name
    assert wb["Summary"].page_setup.fitToHeight in (1, None)  # absent = the default, 1 page
    assert wb["BOM"].page_setup.fitToHeight == 0  # as many pages tall as needed
    assert wb["Dispatch"].print_area.endswith("$25")  # the first day; Monthly is the digest


def _page_count(pdf: Path) -> int:
    """Pages of a PDF: pdfinfo when installed, else the page objects LibreOffice writes."""
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        return int(re.search(r"Pages:\s+(\d+)", info).group(1))
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes()))


def test_libreoffice_prints_at_most_40_pages_with_the_summary_on_one(run_folder, tmp_path):
    _, folder, _ = run_folder
    profile = (tmp_path / "lo-profile").resolve().as_uri()
    cmd = [soffice(), f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
           "--outdir", str(tmp_path), str(folder / "bom.xlsx")]  # fmt: skip
    subprocess.run(cmd, capture_output=True, timeout=300, check=False)
    pdf = tmp_path / "bom.pdf"
    assert pdf.exists()
    assert _page_count(pdf) <= MAX_PAGES
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftotext) not installed: the Summary page is not checked")

    def page(n: int) -> str:
        args = ["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"]
        return subprocess.run(args, capture_output=True, text=True).stdout

    assert "zopt design summary" in page(1) and "Chip utilization" in page(1)
    assert "extended_cost_usd" in page(2)  # the next page is the BOM: Summary fits on one
