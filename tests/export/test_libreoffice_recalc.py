"""Recalculate ``bom.xlsx`` in LibreOffice (headless) and compare every total, subtotal and
Summary figure with ``summary.json``.

Stale values cannot pass: zopt stores each formula's value, so the test first strips every
stored value from a copy (and checks that none is left); every number compared afterwards was
computed by LibreOffice from the formulas.
"""

import json
import math
import re
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from zopt_run_cache import base_run, recalculate, soffice  # noqa: E402

pytestmark = pytest.mark.slow
REL = 1e-9


def _lookup(summary: dict, key: str):
    """``a.b`` looks ``b`` up in ``a`` (``b`` may hold dots); a trailing ``#`` takes a length."""
    count = key.endswith("#")
    obj = summary
    for part in key.rstrip("#").split(".", 1):
        obj = obj[part]
    return len(obj) if count else obj


FORMULA_VALUE = re.compile(r"(<c [^>]*?)(?: t=\"(?:str|b|e)\")?([^>]*>)(<f>.*?</f>)<v>[^<]*</v>")


def strip_formula_values(src: Path, dst: Path) -> Path:
    """Copy ``src`` without the values stored beside formulas (and without calcChain)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = FORMULA_VALUE.sub(r"\1\2\3", data.decode()).encode()
            zout.writestr(item, data)
    return dst


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    soffice()
    run, folder = base_run()
    stripped_dir = tmp_path_factory.mktemp("stripped")
    stripped = strip_formula_values(folder / "bom.xlsx", stripped_dir / "bom.xlsx")
    out = recalculate(stripped, tmp_path_factory.mktemp("lo"))
    summary = json.loads((folder / "summary.json").read_text())
    return stripped, out, summary


def _formula_cells(path: Path) -> list[tuple[str, str]]:
    wb = openpyxl.load_workbook(path)
    return [
        (ws.title, c.coordinate)
        for ws in (wb["Summary"], wb["BOM"], wb["Chips"], wb["Parcels"])
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
    ]


def test_zopt_stores_values_and_the_stripped_copy_has_none(recalculated):
    stripped, _, _ = recalculated
    _, folder = base_run()
    cells = _formula_cells(stripped)
    assert len(cells) > 20
    stored = openpyxl.load_workbook(folder / "bom.xlsx", data_only=True)
    assert all(stored[s][c].value is not None for s, c in cells)
    values = openpyxl.load_workbook(stripped, data_only=True)
    assert all(values[s][c].value is None for s, c in cells)


def test_libreoffice_computes_every_formula(recalculated):
    original, out, _ = recalculated
    values = openpyxl.load_workbook(out, data_only=True)
    missing = [(s, c) for s, c in _formula_cells(original) if values[s][c].value is None]
    assert missing == []


def test_summary_figures_equal_summary_json(recalculated):
    _, out, summary = recalculated
    ws = openpyxl.load_workbook(out, data_only=True)["Summary"]
    checked = []
    for label, got, _unit, key in ws.iter_rows(min_row=4, max_col=4, values_only=True):
        if not key:
            continue
        expected = _lookup(summary, key)
        assert isinstance(got, int | float), (label, got)
        assert math.isclose(got, expected, rel_tol=REL, abs_tol=1e-9), (label, got, expected)
        checked.append(key)
    assert {"total_cost_usd", "cost_per_pflops_usd", "pv_mw_dc", "pv_modules"} <= set(checked)
    assert sum(k.startswith("cost_by_category_usd.") for k in checked) == len(
        summary["cost_by_category_usd"]
    )


def test_bom_lines_subtotals_and_total_equal_summary_json(recalculated):
    _, out, summary = recalculated
    ws = openpyxl.load_workbook(out, data_only=True)["BOM"]
    rows = list(ws.iter_rows(min_row=2, max_col=6, values_only=True))
    lines = summary["bom_lines"]
    for got, line in zip(rows, lines, strict=False):
        assert math.isclose(got[5], line["extended_cost_usd"], rel_tol=REL)
    subtotals = {r[0]: r[5] for r in rows[len(lines) + 2 :] if r[0] and r[0] != "Total"}
    assert subtotals.keys() == summary["cost_by_category_usd"].keys()
    for cat, usd in summary["cost_by_category_usd"].items():
        assert math.isclose(subtotals[cat], usd, rel_tol=REL), cat
    total = [r[5] for r in rows if r[0] == "Total"]
    assert len(total) == 1
    assert math.isclose(total[0], summary["total_cost_usd"], rel_tol=REL)


def test_cash_flow_recalculates_to_the_reported_npc(recalculated):
    stripped, out, summary = recalculated
    formulas = openpyxl.load_workbook(stripped)["Cash flow"]
    cells = [c.coordinate for row in formulas.iter_rows() for c in row if c.data_type == "f"]
    assert len(cells) > 7 * 31  # every year row is live
    ws = openpyxl.load_workbook(out, data_only=True)["Cash flow"]
    assert [c for c in cells if ws[c].value is None] == []
    rows = {r[0]: r[7] for r in ws.iter_rows(values_only=True) if isinstance(r[0], str)}
    econ = summary["economics"]
    assert math.isclose(rows["Net present cost"], econ["npc_usd"], rel_tol=1e-9)
    assert math.isclose(rows["Annualised cost [$/yr]"], econ["annualised_usd_per_yr"], rel_tol=1e-9)
