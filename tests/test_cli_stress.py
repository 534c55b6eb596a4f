"""`zopt stress RUN --weather F`: a design from a run folder replayed on a real TMY3 year."""

from __future__ import annotations

import json
from pathlib import Path

import pvlib
from typer.testing import CliRunner

from optimizer.cli import app

GREENSBORO = Path(pvlib.__file__).parent / "data" / "723170TYA.CSV"


def _run_folder(tmp_path: Path, energy_mwh: float) -> Path:
    """A run folder whose summary.json carries a hand-made design at Greensboro: 100 MW_dc of
    single-axis PV, a 10 MW load and one store of ``energy_mwh``."""
    design = {
        "profiles": [{"lat": 36.1, "lon": -79.95, "alt_m": 273.0, "mw_dc": 100.0}],
        "storage": [{"name": "store", "eff_in": 0.9, "eff_out": 0.9, "loss_mwh_per_h": 0.0,
                     "energy_mwh": energy_mwh, "charge_mw": 60.0, "discharge_mw": 10.0}],
        "load_mw": 10.0,
        "pv_params": {"mount": "single-axis"},
    }  # fmt: skip
    run = tmp_path / f"run{energy_mwh:g}"
    run.mkdir()
    (run / "summary.json").write_text(json.dumps({"weather_years": {"design": design}}))
    return run


def test_stress_a_run_on_a_year_given_later(tmp_path):
    runner = CliRunner()
    small, large = _run_folder(tmp_path, 50.0), _run_folder(tmp_path, 5000.0)
    out = {}
    for run in (small, large):
        result = runner.invoke(app, ["stress", str(run), "--weather", str(GREENSBORO),
                                     "--reports-dir", str(tmp_path / "r"), "--json"])  # fmt: skip
        assert result.exit_code == 0, result.output
        out[run] = json.loads(result.stdout)
        assert (Path(out[run]["folder"]) / "weather_years.png").is_file()
    small_year, large_year = out[small]["years"][0], out[large]["years"][0]
    assert small_year["label"] == "typical" and small_year["hours_unserved"] > 1000
    assert large_year["hours_unserved"] < small_year["hours_unserved"]
    assert 0 < small_year["unserved_share"] < 1
    # 100 MW_dc x ~1,560 kWh/kW (Greensboro) is ~156 GWh against 87.6 GWh of load
    assert 1400 < small_year["pv_kwh_per_kw_dc"] < 1700


def test_stress_refuses_a_folder_without_a_design(tmp_path):
    result = CliRunner().invoke(app, ["stress", str(tmp_path), "--weather", str(GREENSBORO)])
    assert result.exit_code == 2
    assert "cannot read the run's summary" in result.output
