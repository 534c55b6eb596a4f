"""Reruns on new prices: ``--prices bom.xlsx`` reads the Prices sheet of a zopt workbook that a
person edited; broken, encrypted and inconsistent workbooks exit 2 with a clear message."""

import json
import shutil
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from optimizer.cli import app
from optimizer.export.workbook import _frame_sheet
from optimizer.export.xlsx_style import register_styles
from optimizer.inputs.prices import load_prices, read_price_file

sys.path.insert(0, str(Path(__file__).resolve().parent / "export"))
from zopt_run_cache import base_run  # noqa: E402

runner = CliRunner()
NEW_MODULE_PRICE = 0.30  # [$/W_dc], embedded 0.26


def _zopt_prices_workbook(path: Path, edit=None) -> Path:
    """A workbook whose Prices sheet is written by zopt's own writer (is_default included)."""
    prices, _ = load_prices()
    frame = prices.to_frame()
    if edit:
        frame = edit(frame)
    wb = Workbook(write_only=True)
    register_styles(wb)
    _frame_sheet(wb.create_sheet("Prices"), frame, "Prices")
    wb.save(path)
    return path


def _validate(path: Path):
    result = runner.invoke(app, ["validate", "--prices", str(path)])
    return result.exit_code, result.output


def test_reader_accepts_the_prices_sheet_zopt_writes(tmp_path):
    items, problems = read_price_file(_zopt_prices_workbook(tmp_path / "p.xlsx"))
    assert not problems, [str(p) for p in problems.problems]
    assert len(items) == len(load_prices()[0])


def test_keys_the_workbook_lacks_keep_the_default_and_are_marked(tmp_path):
    path = _zopt_prices_workbook(tmp_path / "p.xlsx", lambda f: f[f["key"] != "pue"])
    prices, problems = load_prices(path)
    assert not problems
    assert prices["pue"].is_default is True
    assert prices["pv_module_usd_per_w_dc"].is_default is False
    assert prices.to_frame().set_index("key").loc["pue", "is_default"]


def test_rows_still_marked_default_keep_the_default_unless_edited(tmp_path):
    def edit(f):
        f = f.copy()
        f.loc[f["key"].isin(["pue", "pv_gcr"]), "is_default"] = True
        f.loc[f["key"] == "pv_gcr", "value"] = 0.4
        return f

    prices, problems = load_prices(_zopt_prices_workbook(tmp_path / "p.xlsx", edit))
    assert not problems
    assert prices["pue"].is_default is True  # unchanged: still the embedded default
    assert prices["pv_gcr"].is_default is False  # edited by a person: a user price
    assert prices.value("pv_gcr") == 0.4


def test_formula_without_saved_value_says_what_to_do(tmp_path):
    path = _zopt_prices_workbook(tmp_path / "p.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["Prices"]["B2"] = "=0.26*1"
    wb.save(path)
    code, out = _validate(path)
    assert code == 2
    assert "Prices!row 2:value: formula without a saved value (found =0.26*1" in out
    assert "open and save the workbook in a spreadsheet program, or type the value" in out


def test_unknown_key_and_unit_mismatch_are_errors(tmp_path):
    def edit(f):
        f = f.copy()
        f.loc[f["key"] == "pue", "unit"] = "percent"
        f.loc[f["key"] == "pv_gcr", "key"] = "pv_gcr_typo"
        return f

    code, out = _validate(_zopt_prices_workbook(tmp_path / "p.xlsx", edit))
    assert code == 2
    assert "unit mismatch for pue (found 'percent', expected 'ratio')" in out
    assert "unknown price key (found pv_gcr_typo" in out


def test_corrupted_xlsx_exits_2(tmp_path):
    good = _zopt_prices_workbook(tmp_path / "good.xlsx")
    bad = tmp_path / "corrupted.xlsx"
    bad.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    code, out = _validate(bad)
    assert code == 2
    assert f"{bad}: corrupted .xlsx workbook" in out


def test_xlsx_with_damaged_xml_exits_2(tmp_path):
    good = _zopt_prices_workbook(tmp_path / "good.xlsx")
    bad = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bad, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = data[: len(data) // 2]
            zout.writestr(item, data)
    code, out = _validate(bad)
    assert code == 2
    assert "corrupted .xlsx workbook" in out


def test_encrypted_xlsx_exits_2(tmp_path):
    # Excel saves a password-protected workbook as an OLE compound file, not a zip.
    enc = tmp_path / "encrypted.xlsx"
    enc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096)
    code, out = _validate(enc)
    assert code == 2
    assert "encrypted (password-protected) workbook or legacy .xls file" in out
    assert "save it unencrypted as .xlsx" in out


def test_other_file_named_xlsx_exits_2(tmp_path):
    txt = tmp_path / "prices.xlsx"
    txt.write_text("key,value\n")
    code, out = _validate(txt)
    assert code == 2
    assert "not an .xlsx workbook (found not a zip archive" in out


def test_workbook_without_prices_sheet_exits_2(tmp_path):
    path = tmp_path / "other.xlsx"
    wb = Workbook()
    wb.active.title = "Sheet1"
    wb.save(path)
    code, out = _validate(path)
    assert code == 2
    assert "workbook has no 'Prices' sheet (found Sheet1, expected Prices)" in out


@pytest.fixture(scope="module")
def rerun(tmp_path_factory):
    _, folder_a = base_run()
    edited = tmp_path_factory.mktemp("edit") / "bom.xlsx"
    shutil.copy(folder_a / "bom.xlsx", edited)
    wb = openpyxl.load_workbook(edited)
    for row in wb["Prices"].iter_rows(min_row=2):
        if row[0].value == "pv_module_usd_per_w_dc":
            row[1].value = NEW_MODULE_PRICE
    wb.save(edited)
    reports = tmp_path_factory.mktemp("reports")
    result = runner.invoke(app, ["solve", "--prices", str(edited), "--reports-dir", str(reports)])
    assert result.exit_code == 0, result.output
    (folder_b,) = [p for p in reports.iterdir() if not p.name.startswith(".")]
    return folder_a, folder_b


@pytest.mark.slow
def test_rerun_on_edited_workbook_changes_the_cost_as_it_should(rerun):
    folder_a, folder_b = rerun
    a = json.loads((folder_a / "summary.json").read_text())
    b = json.loads((folder_b / "summary.json").read_text())
    line = [ln for ln in b["bom_lines"] if ln["price_key"] == "pv_module_usd_per_w_dc"][0]
    assert line["unit_cost_usd"] == pytest.approx(NEW_MODULE_PRICE)
    assert line["quantity"] == pytest.approx(b["pv_mw_dc"] * 1e6)
    if b["pv_mw_dc"] == pytest.approx(a["pv_mw_dc"], rel=1e-9) and a["chips"] == b["chips"]:
        expected = (NEW_MODULE_PRICE - 0.26) * a["pv_mw_dc"] * 1e6  # [$]
        delta = b["total_cost_usd"] - a["total_cost_usd"]
        assert delta == pytest.approx(expected, rel=1e-3)
    else:  # the optimizer re-sized: a dearer module can only raise the optimum
        assert b["total_cost_usd"] >= a["total_cost_usd"] * (1 - 1e-2)
    prices = openpyxl.load_workbook(folder_b / "bom.xlsx")["Prices"]
    rows = {r[0]: r for r in prices.iter_rows(min_row=2, values_only=True)}
    header = [c.value for c in prices[1]]
    assert rows["pv_module_usd_per_w_dc"][1] == pytest.approx(NEW_MODULE_PRICE)
    assert not any(r[header.index("is_default")] for r in rows.values())


@pytest.mark.slow
def test_diff_shows_the_price_and_the_cost_delta(rerun):
    folder_a, folder_b = rerun
    result = runner.invoke(app, ["diff", str(folder_a), str(folder_b), "--json"])
    assert result.exit_code == 0, result.output
    d = json.loads(result.output)
    (price,) = d["inputs"]["prices"]
    assert price["key"] == "pv_module_usd_per_w_dc"
    assert (price["a"], price["b"]) == (pytest.approx(0.26), pytest.approx(NEW_MODULE_PRICE))
    assert [f["input"] for f in d["inputs"]["files"]] == ["prices"]
    a = json.loads((folder_a / "summary.json").read_text())
    b = json.loads((folder_b / "summary.json").read_text())
    assert d["total_cost_usd"]["delta"] == pytest.approx(b["total_cost_usd"] - a["total_cost_usd"])
    assert any(ln["line"] == "pv_module_usd_per_w_dc" for ln in d["bom"])
    table = runner.invoke(app, ["diff", str(folder_a), str(folder_b)])
    assert table.exit_code == 0
    assert "pv_module_usd_per_w_dc" in table.output
    assert f"{d['total_cost_usd']['delta']:+,.0f}".replace("+", "+$") in table.output
