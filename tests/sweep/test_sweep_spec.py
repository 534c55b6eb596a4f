"""Sweep specs: validation (every problem at once, exit 2), case expansion, keys, overrides and
the result files (no solve: fast)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from optimizer.cli import app
from optimizer.errors import InputError
from optimizer.sweep.cases import Case, group_key
from optimizer.sweep.prepare import prepare
from optimizer.sweep.results import tornado_frame, write_outputs
from optimizer.sweep.spec import read_spec
from optimizer.sweep.worker import case_inputs, profile_key

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "data" / "sweeps" / "example.toml"

BAD = """
colour = 3
[base]
target = "lots"
modee = 1
mode = "fast"
[[axis]]
price = "pv_module_usd_per_w"
values = [0.2]
[[axis]]
chip_price = "NoSuchChip"
values = [1000]
[[axis]]
price = "pv_gcr"
values = [2.0]
[[axis]]
option = "weather"
values = []
[sensitivity]
keys = ["nonsense", "chip_price"]
range = 1.5
"""


def _spec(tmp_path: Path, text: str, name: str = "s.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _prepare(path: Path):
    return prepare(read_spec(path, strict=False))


def test_bad_spec_reports_every_problem_at_once(tmp_path):
    with pytest.raises(InputError) as info:
        _prepare(_spec(tmp_path, BAD))
    text = "\n".join(map(str, info.value.problems))
    for expected in ("colour: unknown table", "target: wrong type", "modee: unknown option",
                     "unknown price key (found pv_module_usd_per_w", "did you mean",
                     "unknown chip (found NoSuchChip", "price out of range (found 2.0",
                     "values: must be a non-empty list", "range: must be a fraction",
                     "unknown key (found nonsense", "unknown mode (found fast"):  # fmt: skip
        assert expected in text, expected


def test_bad_spec_exits_2_and_writes_nothing(tmp_path):
    spec = _spec(tmp_path, BAD)
    result = CliRunner().invoke(app, ["sweep", str(spec), "--reports-dir", str(tmp_path / "r")])
    assert result.exit_code == 2, result.output
    assert "input problem(s); nothing was written" in result.output
    assert not (tmp_path / "r").exists()


def test_not_toml_and_missing_file_exit_2(tmp_path):
    runner = CliRunner()
    bad = _spec(tmp_path, "[base\ntarget=1")
    assert runner.invoke(app, ["sweep", str(bad)]).exit_code == 2
    assert runner.invoke(app, ["sweep", str(tmp_path / "none.toml")]).exit_code == 2


def test_bad_input_file_axis_is_an_input_problem(tmp_path):
    spec = _spec(tmp_path, '[[axis]]\ninput = "weather"\nvalues = ["missing.csv"]\n')
    with pytest.raises(InputError) as info:
        _prepare(spec)
    assert "missing.csv" in str(info.value)


def test_example_expands_to_product_plus_sensitivity():
    prep = _prepare(EXAMPLE)
    product = [c for c in prep.cases if c.role == "product"]
    sens = [c for c in prep.cases if c.role == "sensitivity"]
    assert len(product) == 6  # 3 module prices x 2 chip factors
    assert len(sens) == 6  # 3 keys x (low, high); the base is the (0.26, 1.0) product case
    base = [c for c in prep.cases if c.sens_side == "base"]
    assert len(base) == 1 and base[0].prices == {} and base[0].chip_factor is None
    low = next(c for c in sens if c.sens_key == "pv_module_usd_per_w_dc" and c.sens_side == "low")
    assert low.prices["pv_module_usd_per_w_dc"] == pytest.approx(0.26 * 0.8)
    chips = {c.sens_side: c.chip_factor for c in sens if c.sens_key == "chip_price"}
    assert chips == pytest.approx({"low": 0.8, "high": 1.2})
    assert len({c.key for c in prep.cases}) == len(prep.cases)


def test_keys_are_stable_and_follow_the_inputs(tmp_path):
    a = {c.key for c in _prepare(EXAMPLE).cases}
    assert a == {c.key for c in _prepare(EXAMPLE).cases}
    text = EXAMPLE.read_text().replace("mip-gap = 0.01", "mip-gap = 0.02")
    b = {c.key for c in _prepare(_spec(tmp_path, text)).cases}
    assert not a & b


def test_overrides_copy_the_inputs_and_profiles_are_shared(tmp_path):
    spec = _spec(tmp_path, """
[[axis]]
chip_price = "MI355X"
values = [20000, 30000]
[[axis]]
price = "pv_gcr"
values = [0.3, 0.4]
""")
    prep = _prepare(spec)
    inputs = next(iter(prep.inputs.values()))
    before = inputs.chips["price_usd"].tolist()
    case = next(c for c in prep.cases if c.chip_prices.get("MI355X") == 20000)
    mod = case_inputs(inputs, case)
    assert inputs.chips["price_usd"].tolist() == before
    assert mod.chips.set_index("chip").loc["MI355X", "price_usd"] == 20000
    assert mod.prices["pv_gcr"].source == "zopt sweep"
    keys = {profile_key(inputs, c) for c in prep.cases}
    assert len(keys) == 2  # PV profiles once per GCR, not per chip price


def test_every_chip_factor_scales_all_prices():
    prep = _prepare(EXAMPLE)
    inputs = next(iter(prep.inputs.values()))
    mod = case_inputs(inputs, Case({}, chip_factor=0.5))
    assert (mod.chips["price_usd"] * 2).tolist() == pytest.approx(inputs.chips["price_usd"])


def _rows():
    base = {"role": "product", "sens_key": "", "sens_side": "base", "status": "ok",
            "total_cost_usd": 100e6, "case_id": "b", "key": "b"}  # fmt: skip
    rows = [base]
    for key, lo, hi in (("pv_module_usd_per_w_dc", 90e6, 110e6), ("chip_price", 70e6, 130e6)):
        col = "price:" + key if key != "chip_price" else "chip_price:*"
        for side, cost in (("low", lo), ("high", hi)):
            rows.append({"role": "sensitivity", "sens_key": key, "sens_side": side, col: 1.0,
                         "status": "ok", "total_cost_usd": cost, "case_id": key + side,
                         "key": key + side})  # fmt: skip
    return rows


def test_tornado_sorted_by_swing():
    t = tornado_frame(pd.DataFrame(_rows()))
    assert t["key"].tolist() == ["chip_price", "pv_module_usd_per_w_dc"]
    assert t.loc[0, "low_delta_usd"] == pytest.approx(-30e6)


def test_outputs_written_with_chart_in_workbook(tmp_path):
    import openpyxl

    spec = read_spec(EXAMPLE)
    files = write_outputs(tmp_path, spec, _rows(), {"scheduler": "test", "workers": 0})
    for name in ("csv", "xlsx", "tornado", "manifest"):
        assert Path(files[name]).is_file()
    book = openpyxl.load_workbook(files["xlsx"])
    assert {"Cases", "Tornado"} <= set(book.sheetnames)
    assert len(book["Tornado"]._images) == 1
    assert not list(tmp_path.glob(".tmp-*"))


@pytest.mark.shared
def test_weather_axis_reads_each_file_once(tmp_path):
    from conftest import PHOENIX_TMY

    spec = _spec(tmp_path, f"""
[[axis]]
input = "weather"
values = ["{PHOENIX_TMY}"]
[[axis]]
price = "pv_module_usd_per_w_dc"
values = [0.2, 0.3]
[sensitivity]
keys = ["chip_price"]
""")
    prep = _prepare(spec)
    assert len(prep.inputs) == 2  # the embedded weather (base) and the Phoenix file
    weather = [c for c in prep.cases if c.role == "product"]
    assert {str(c.options["weather"]) for c in weather} == {str(PHOENIX_TMY)}
    keys = {profile_key(prep.inputs[group_key(c.options)], c) for c in prep.cases}
    assert len(keys) == 2  # PV profiles once per weather, not per case
