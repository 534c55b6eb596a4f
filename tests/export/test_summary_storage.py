"""summary.json storage entries: nothing built is not listed, no -0, energies and powers named
by meaning and technology (issue 11). Unit tests on a storage table; one slow test reads the
embedded run."""

from __future__ import annotations

import json

import jsonschema
import pandas as pd
import pytest

from optimizer.cli_table import summary_table
from optimizer.export.summary import _clean, _storage_summary, summary_schema


def storage_table() -> pd.DataFrame:
    return pd.DataFrame(
        [
            # a zero-fixed-cost site the MILP flags as built with nothing in it
            {"technology": "pumped hydro", "site_id": "R1", "built": True,
             "active_volume_m3": -0.0, "stored_energy_mwh": -0.0, "deliverable_energy_mwh": -0.0,
             "charge_mw": -1e-12, "discharge_mw": -0.0},
            {"technology": "pumped hydro", "site_id": "R2", "built": True,
             "active_volume_m3": 2.5e7, "stored_energy_mwh": 3.0e4, "deliverable_energy_mwh": 2.7e4,
             "charge_mw": 1273.9, "discharge_mw": 454.25},
            {"technology": "pumped hydro", "site_id": "R3", "built": False,
             "active_volume_m3": 0.0, "stored_energy_mwh": 0.0, "deliverable_energy_mwh": 0.0,
             "charge_mw": 0.0, "discharge_mw": 0.0},
            {"technology": "Li-ion", "site_id": "LIION", "built": True,
             "stored_energy_mwh": 800.0, "deliverable_energy_mwh": 780.0,
             "charge_mw": 200.0, "discharge_mw": 200.0},
        ]
    )  # fmt: skip


def test_site_with_nothing_built_is_not_listed():
    storage = _clean(_storage_summary(storage_table()))
    assert list(storage) == ["R2", "LIION"]


def test_energies_and_powers_named_by_meaning_and_technology():
    storage = _clean(_storage_summary(storage_table()))
    r2, li = storage["R2"], storage["LIION"]
    assert r2["stored_energy_mwh"] == 3.0e4 and r2["deliverable_energy_mwh"] == 2.7e4
    assert r2["pump_mw"] == 1273.9 and r2["turbine_mw"] == 454.25
    assert r2["active_volume_m3"] == 2.5e7
    assert li["charge_mw"] == 200.0 and li["discharge_mw"] == 200.0
    assert "pump_mw" not in li and "turbine_mw" not in li
    assert li["energy_mwh"] == li["deliverable_energy_mwh"]  # deprecated alias, older readers


def test_no_negative_zero_in_json_or_console():
    storage = _clean(_storage_summary(storage_table()))
    text = json.dumps({"storage": storage, "x": _clean(-0.0), "y": _clean([-1e-13])})
    assert "-0" not in text.replace("e-0", "")
    summary = {
        "target_flops": 1e21, "achieved_flops": 1e21, "mode": "sustained",
        "total_cost_usd": 1.0, "cost_by_category_usd": {"pv": _clean(-0.0)}, "chips": {"B200": 5},
        "pv_mw_dc": 1.0, "parcels_selected": ["P1"], "land_acres_bought": 1.0,
        "storage": storage, "solver": {"status": "optimal"}, "check": {"passed": True},
    }  # fmt: skip
    from rich.console import Console

    console = Console(width=200, record=True)
    console.print(summary_table(summary))
    out = console.export_text()
    assert "R1" not in out and "-0" not in out
    assert "27,000 MWh deliverable (30,000 stored), 454 MW (pumped hydro)" in out
    assert "780 MWh deliverable (800 stored), 200 MW (Li-ion)" in out


def test_storage_entries_match_the_schema():
    schema = summary_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    # the storage sub-schema refers to $defs: validate through the whole schema
    validator = jsonschema.Draft202012Validator(
        {**schema, "required": [], "properties": {"storage": schema["properties"]["storage"]}}
    )
    storage = _clean(_storage_summary(storage_table()))
    validator.validate({"storage": storage})
    bad = {"storage": {"LIION": {**storage["LIION"], "pump_mw": 1.0}}}
    assert not validator.is_valid(bad)  # Li-ion has no pumps


@pytest.mark.slow
def test_storage_sheet_rates_the_reservoir_line_for_the_pumps():
    """The line to a built reservoir carries the pumps' draw one way and the turbines' output
    the other: its rating is the larger (the embedded pumps draw ~1,260 MW, turbines ~450)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from zopt_run_cache import base_run

    run, folder = base_run()
    table = run.storage_table()
    built = table[(table["technology"] == "pumped hydro") & table["built"]]
    assert len(built) >= 1
    for _, row in built.iterrows():
        # a reservoir's charge is its pumps' draw, its discharge its turbines' output
        assert row["line_mw"] >= max(row["charge_mw"], row["discharge_mw"]) * (1 - 1e-6)
        assert row["charge_mw"] > row["discharge_mw"]  # the case the old rating got wrong
    import pandas as pd

    sheet = pd.read_excel(folder / "bom.xlsx", "Storage")
    assert "line_mw" in sheet.columns
