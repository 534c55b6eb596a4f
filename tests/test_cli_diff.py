"""``zopt diff RUN_A RUN_B [--json]`` on small hand-made run folders (no solve)."""

import json
from pathlib import Path

from typer.testing import CliRunner

from optimizer.cli import app

runner = CliRunner()


def _line(cat, item, qty, unit, cost, key):
    return {
        "category": cat,
        "item": item,
        "quantity": qty,
        "unit": unit,
        "unit_cost_usd": cost,
        "extended_cost_usd": qty * cost,
        "price_key": key,
    }


def _run(folder: Path, module_price=0.26, w_dc=1e9, chips=1000, parcels=("P1", "P2"), seed=0):
    folder.mkdir(parents=True)
    lines = [
        _line("Compute", "H100 accelerators", chips, "chip", 25000.0, "chips:H100"),
        _line("PV", f"PV modules ({w_dc / 500:,.0f} x 500 W)", w_dc, "W_dc", module_price,
              "pv_module_usd_per_w_dc"),
        _line("Pumped hydro", "R1 pumps", 1000.0, "kW", 900.0, "phs_pump_usd_per_kw"),
        _line("Pumped hydro", "R2 pumps", 500.0, "kW", 900.0, "phs_pump_usd_per_kw"),
    ]  # fmt: skip
    by_cat = {}
    for ln in lines:
        by_cat[ln["category"]] = by_cat.get(ln["category"], 0.0) + ln["extended_cost_usd"]
    summary = {
        "total_cost_usd": sum(by_cat.values()),
        "cost_by_category_usd": by_cat,
        "chips": {"H100": chips},
        "pv_mw_dc": w_dc / 1e6,
        "pv_modules": int(w_dc / 500),
        "parcels_selected": list(parcels),
        "land_acres_bought": 10.0 * len(parcels),
        "storage": {"R1": {"technology": "pumped hydro", "energy_mwh": 5000.0,
                           "turbine_mw": 100.0, "pump_mw": 200.0}},
        "bom_lines": lines,
    }  # fmt: skip
    manifest = {
        "inputs": {
            "prices": {"path": "p.csv", "sha256": f"{module_price:064.3f}".replace(".", "a")},
            "chips": {"path": "c.csv", "sha256": "c" * 64},
        },
        "prices": {
            "pv_module_usd_per_w_dc": {"value": module_price, "unit": "$/W_dc"},
            "pue": {"value": 1.15, "unit": "ratio"},
        },
        "options": {"target_flops": 1e21, "mode": "sustained"},
        "solver_options": {"threads": 1, "random_seed": seed},
    }
    (folder / "summary.json").write_text(json.dumps(summary))
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def test_diff_json_lists_prices_files_sizes_bom_and_total(tmp_path):
    a = _run(tmp_path / "a")
    b = _run(
        tmp_path / "b", module_price=0.30, w_dc=1.2e9, chips=1000, parcels=("P2", "P3"), seed=7
    )
    result = runner.invoke(app, ["diff", str(a), str(b), "--json"])
    assert result.exit_code == 0, result.output
    d = json.loads(result.output)
    assert [p["key"] for p in d["inputs"]["prices"]] == ["pv_module_usd_per_w_dc"]
    assert [f["input"] for f in d["inputs"]["files"]] == ["prices"]
    assert d["inputs"]["options"] == [{"option": "random_seed", "a": 0, "b": 7}]
    sizes = {r["what"]: r for r in d["sizes"]["changed"]}
    assert sizes["PV [MW_dc]"]["delta"] == 200.0
    assert "chips H100" not in sizes
    assert d["sizes"]["parcels_bought"] == ["P3"]
    assert d["sizes"]["parcels_dropped"] == ["P1"]
    (line,) = d["bom"]
    assert line["line"] == "pv_module_usd_per_w_dc"
    assert line["delta_usd"] == 1.2e9 * 0.30 - 1e9 * 0.26
    assert d["total_cost_usd"]["delta"] == line["delta_usd"]
    assert [c["what"] for c in d["cost_by_category_usd"]] == ["PV"]


def test_diff_table_for_people(tmp_path):
    a = _run(tmp_path / "a")
    b = _run(tmp_path / "b", module_price=0.30)
    result = runner.invoke(app, ["diff", str(a), str(b)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Prices that changed" in out and "pv_module_usd_per_w_dc" in out
    assert "+$40,000,000" in out  # 1e9 W x 0.04 $/W
    assert "BOM lines that changed" in out


def test_identical_runs_show_no_change(tmp_path):
    a = _run(tmp_path / "a")
    d = json.loads(runner.invoke(app, ["diff", str(a), str(a), "--json"]).output)
    assert d["inputs"]["prices"] == [] and d["bom"] == [] and d["sizes"]["changed"] == []
    assert d["total_cost_usd"]["delta"] == 0
    assert d["edits"] == []  # no bom.xlsx, nothing edited
    out = runner.invoke(app, ["diff", str(a), str(a)]).output
    assert "Input files that changed" not in out  # no empty table


def test_parcels_left_out_of_b_are_dropped_not_sold(tmp_path):
    a = _run(tmp_path / "a")
    b = _run(tmp_path / "b", parcels=("P2", "P3"))
    out = runner.invoke(app, ["diff", str(a), str(b)]).output
    assert "parcels dropped (in A only)" in out and "sold" not in out


def test_not_a_run_folder_exits_2(tmp_path):
    a = _run(tmp_path / "a")
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(app, ["diff", str(a), str(empty)])
    assert result.exit_code == 2
    assert f"{empty}: not a zopt run folder" in result.output
    assert "expected a folder written by zopt solve, holding summary.json" in result.output
    result = runner.invoke(app, ["diff", str(tmp_path / "missing"), str(a)])
    assert result.exit_code == 2
    assert "not a zopt run folder (found nothing at this path" in result.output


def test_bad_summary_json_exits_2(tmp_path):
    a = _run(tmp_path / "a")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "summary.json").write_text("{not json")
    result = runner.invoke(app, ["diff", str(a), str(bad)])
    assert result.exit_code == 2
    assert "summary.json: not valid JSON" in result.output
