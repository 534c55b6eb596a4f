"""User text stays text; sheet names are valid; formulas only through ``formula()``."""

import re
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from optimizer.export.xlsx_style import add_sheet, formula, new_workbook, sheet_title, text, value

sys.path.insert(0, str(Path(__file__).resolve().parent))
from zopt_run_cache import recalculate  # noqa: E402

TRICKY = ["=1+1", "@SUM(A1)", "+1+2", "-3+4", '=HYPERLINK("http://x")', "a\x00b\x07c\x1fd"]


def _write(path: Path) -> Path:
    wb = new_workbook(path)
    ws = add_sheet(wb, "Parcels")
    text(ws, 0, 0, "parcel")
    for r, s in enumerate(TRICKY, start=1):
        text(ws, r, 0, s)
    value(ws, len(TRICKY) + 1, 0, "=2+2")
    formula(ws, len(TRICKY) + 1, 1, "=1+1", 2)
    wb.close()
    return path


def test_tricky_text_is_stored_as_strings_not_formulas(tmp_path):
    path = _write(tmp_path / "t.xlsx")
    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    formulas = re.findall(r"<f>(.*?)</f>", xml)
    assert formulas == ["1+1"]  # only the deliberate formula cell
    assert re.search(r"<f>1\+1</f><v>2</v>", xml)  # it stores its value
    wb = openpyxl.load_workbook(path)
    ws = wb["Parcels"]
    got = [ws.cell(row=r, column=1).value for r in range(2, 2 + len(TRICKY))]
    assert got[:5] == TRICKY[:5]
    assert got[5] == "abcd"  # control characters removed
    assert all(ws.cell(row=r, column=1).data_type == "s" for r in range(2, 2 + len(TRICKY)))
    assert ws.cell(row=len(TRICKY) + 2, column=1).value == "=2+2"
    assert ws.cell(row=len(TRICKY) + 2, column=1).data_type == "s"


@pytest.mark.slow
def test_libreoffice_does_not_evaluate_text(tmp_path):
    out = recalculate(_write(tmp_path / "t.xlsx"), tmp_path / "lo")
    ws = openpyxl.load_workbook(out, data_only=True)["Parcels"]
    assert ws["A2"].value == "=1+1"
    assert ws["A3"].value == "@SUM(A1)"
    assert ws.cell(row=len(TRICKY) + 2, column=1).value == "=2+2"
    assert ws.cell(row=len(TRICKY) + 2, column=2).value == 2  # the real formula computes


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Prices", "Prices"),
        ("a/b:c*d?e[f]g\\h", "a_b_c_d_e_f_g_h"),
        ("x" * 40, "x" * 31),
        ("'quoted'", "quoted"),
        ("\x01", "Sheet"),
    ],
)
def test_sheet_titles_are_valid(name, expected):
    assert sheet_title(name) == expected


def test_formula_must_start_with_equals(tmp_path):
    wb = new_workbook(tmp_path / "x.xlsx")
    ws = add_sheet(wb, "x")
    with pytest.raises(ValueError, match="must start with '='"):
        formula(ws, 0, 0, "1+1", 2)
    wb.close()
