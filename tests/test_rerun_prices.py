"""Reruns on new prices: ``--prices bom.xlsx`` reads the Prices sheet of a zopt workbook that a
person edited; broken, encrypted and inconsistent workbooks exit 2 with a clear message."""

import json
import shutil
import sys
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from optimizer.cli import app
from optimizer.export.xlsx_frames import frame_sheet
from optimizer.export.xlsx_style import add_sheet, new_workbook
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
    wb = new_workbook(path)
    frame_sheet(add_sheet(wb, "Prices"), frame, "Prices")
    wb.close()
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


CHIP_PRICE_STEP = 1000.0  # [$ per chip]
EDITS: dict = {}


def _set(ws, id_col: str, ident: str, column: str, new):
    """Set ``column`` of the row whose ``id_col`` is ``ident``; return the old value."""
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[header.index(id_col)].value == ident:
            cell = row[header.index(column)]
            old = cell.value
            cell.value = new(old) if callable(new) else new
            return old
    raise AssertionError(f"{ident} not in {ws.title}")


@pytest.fixture(scope="module")
def rerun(tmp_path_factory):
    _, folder_a = base_run()
    edited = tmp_path_factory.mktemp("edit") / "bom.xlsx"
    shutil.copy(folder_a / "bom.xlsx", edited)
    a = json.loads((folder_a / "summary.json").read_text())
    (chip,) = a["chips"]
    parcel = a["parcels_selected"][0]
    (site,) = a["storage"]
    wb = openpyxl.load_workbook(edited)
    _set(wb["Prices"], "key", "pv_module_usd_per_w_dc", "value", NEW_MODULE_PRICE)
    old_chip = _set(wb["Chips"], "chip", chip, "price_usd", lambda v: v + CHIP_PRICE_STEP)
    old_parcel = _set(wb["Parcels"], "parcel_id", parcel, "price_usd", lambda v: v * 1.01)
    _set(wb["Reservoirs"], "site_id", site, "fixed_cost_usd", lambda v: v + 1e6)
    wb.save(edited)  # openpyxl drops every stored formula value: only typed inputs are read
    EDITS.update(chip=chip, chip_price=old_chip, parcel=parcel, parcel_price=old_parcel, site=site)
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
    same = a["parcels_selected"] == b["parcels_selected"] and a["storage"].keys() == b[
        "storage"
    ].keys()
    if b["pv_mw_dc"] == pytest.approx(a["pv_mw_dc"], rel=1e-9) and a["chips"] == b["chips"]:
        expected = (NEW_MODULE_PRICE - 0.26) * a["pv_mw_dc"] * 1e6  # [$]
        expected += CHIP_PRICE_STEP * a["chips"][EDITS["chip"]]  # price change x chip count
        if same:
            expected += 1e6 + 0.01 * EDITS["parcel_price"]  # reservoir and parcel edits
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
def test_chip_edit_changes_its_line_by_price_change_times_count(rerun):
    folder_a, folder_b = rerun
    a = json.loads((folder_a / "summary.json").read_text())
    b = json.loads((folder_b / "summary.json").read_text())
    key = f"chips:{EDITS['chip']}"
    (la,) = [ln for ln in a["bom_lines"] if ln["price_key"] == key]
    (lb,) = [ln for ln in b["bom_lines"] if ln["price_key"] == key]
    assert lb["unit_cost_usd"] == pytest.approx(EDITS["chip_price"] + CHIP_PRICE_STEP)
    if la["quantity"] == lb["quantity"]:
        delta = lb["extended_cost_usd"] - la["extended_cost_usd"]
        assert delta == pytest.approx(CHIP_PRICE_STEP * la["quantity"], rel=1e-12)


@pytest.mark.slow
def test_edits_are_marked_with_old_value_and_source(rerun):
    _, folder_b = rerun
    wb = openpyxl.load_workbook(folder_b / "bom.xlsx")
    for sheet, id_col, ident, column in (
        ("Chips", "chip", EDITS["chip"], "price_usd"),
        ("Parcels", "parcel_id", EDITS["parcel"], "price_usd"),
        ("Reservoirs", "site_id", EDITS["site"], "fixed_cost_usd"),
    ):
        ws = wb[sheet]
        header = [c.value for c in ws[1]]
        (row,) = [r for r in ws.iter_rows(min_row=2, values_only=True)
                  if r[header.index(id_col)] == ident]  # fmt: skip
        assert row[header.index("source")].startswith("edited in "), sheet
        assert row[header.index("previous")].startswith(f"{column} was "), sheet
        assert "(source: " in row[header.index("previous")]
    prices = {r[0]: r for r in wb["Prices"].iter_rows(min_row=2, values_only=True)}
    header = [c.value for c in wb["Prices"][1]]
    module = prices["pv_module_usd_per_w_dc"]
    assert module[header.index("source")].startswith("edited in ")
    assert module[header.index("notes")].startswith("was 0.26 $/W_dc (source: Anza")
    assert prices["pue"][header.index("source")] != module[header.index("source")]
    bom = {r[6]: r for r in wb["BOM"].iter_rows(min_row=2, values_only=True) if r[6]}
    assert bom[f"chips:{EDITS['chip']}"][7].startswith("edited in ")


@pytest.mark.slow
def test_diff_shows_the_price_and_the_cost_delta(rerun):
    folder_a, folder_b = rerun
    result = runner.invoke(app, ["diff", str(folder_a), str(folder_b), "--json"])
    assert result.exit_code == 0, result.output
    d = json.loads(result.output)
    (price,) = d["inputs"]["prices"]
    assert price["key"] == "pv_module_usd_per_w_dc"
    assert (price["a"], price["b"]) == (pytest.approx(0.26), pytest.approx(NEW_MODULE_PRICE))
    assert [f["input"] for f in d["inputs"]["files"]] == ["chips", "prices", "reservoirs"]
    edits = {(e["sheet"], e["item"]): e for e in d["edits"]}
    chip = edits[("Chips", EDITS["chip"])]
    assert chip["field"] == "price_usd"
    assert float(chip["value"]) == pytest.approx(EDITS["chip_price"] + CHIP_PRICE_STEP)
    assert chip["previous"].startswith(f"price_usd was {EDITS['chip_price']:g}")
    assert ("Parcels", EDITS["parcel"]) in edits and ("Reservoirs", EDITS["site"]) in edits
    a = json.loads((folder_a / "summary.json").read_text())
    b = json.loads((folder_b / "summary.json").read_text())
    assert d["total_cost_usd"]["delta"] == pytest.approx(b["total_cost_usd"] - a["total_cost_usd"])
    assert any(ln["line"] == "pv_module_usd_per_w_dc" for ln in d["bom"])
    table = runner.invoke(app, ["diff", str(folder_a), str(folder_b)])
    assert table.exit_code == 0
    assert "pv_module_usd_per_w_dc" in table.output
    assert "Edited in " in table.output and EDITS["chip"] in table.output
    assert f"{d['total_cost_usd']['delta']:+,.0f}".replace("+", "+$") in table.output


def test_unknown_key_gets_did_you_mean(tmp_path):
    def edit(f):
        f = f.copy()
        f.loc[f["key"] == "pv_gcr", "key"] = "pv_gcr_typo"
        f.loc[f["key"] == "pue", "key"] = "chips:MI355X"
        return f

    code, out = _validate(_zopt_prices_workbook(tmp_path / "p.xlsx", edit))
    assert code == 2
    assert "expected did you mean pv_gcr?" in out
    assert "chips prices are edited in the Chips sheet" in out


def test_chips_sheet_is_validated_like_a_chips_file(tmp_path):
    path = tmp_path / "p.xlsx"
    prices, _ = load_prices()
    chips = pd.DataFrame(
        {"chip": ["X1", "X1"], "fp8_tflops": [1000.0, 2000.0], "tdp_w": [700.0, 800.0],
         "price_usd": [-5.0, 20000.0], "source": ["test", "test"]}
    )  # fmt: skip
    wb = new_workbook(path)
    frame_sheet(add_sheet(wb, "Prices"), prices.to_frame(), "Prices")
    frame_sheet(add_sheet(wb, "Chips"), chips, "Chips")
    wb.close()
    code, out = _validate(path)
    assert code == 2
    assert "Chips!row 2:price_usd" in out
    assert "duplicate" in out.lower() and "X1" in out
