"""Weather files with two of GHI, DNI, DHI: the third is computed and said (issue 11)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from conftest import PHOENIX_TMY
from typer.testing import CliRunner

from optimizer.cli import app
from optimizer.inputs.weather import read_weather
from optimizer.resource.solar import PVSystemParams, ac_per_kw_dc

pytestmark = pytest.mark.shared
runner = CliRunner()


def drop_columns(src: Path, dst: Path, names: set[str]) -> Path:
    """Copy a PSM3 file without the data columns in ``names`` (header lines kept)."""
    with open(src, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    cols = [j for j, name in enumerate(rows[2]) if name not in names]
    out = rows[:2] + [[r[j] for j in cols if j < len(r)] for r in rows[2:]]
    with open(dst, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(out)
    return dst


@pytest.fixture(scope="module")
def no_ghi(tmp_path_factory) -> Path:
    return drop_columns(PHOENIX_TMY, tmp_path_factory.mktemp("w") / "phx_no_ghi.csv", {"GHI"})


def _annual_yield(w) -> float:
    return float(ac_per_kw_dc(w, w.latitude, w.longitude, w.altitude_m, PVSystemParams()).sum())


@pytest.mark.parametrize("dropped", ["GHI", "DNI", "DHI"])
def test_missing_component_is_computed_and_yield_within_3_percent(phoenix_tmy, tmp_path, dropped):
    path = drop_columns(PHOENIX_TMY, tmp_path / f"no_{dropped}.csv", {dropped})
    w, problems = read_weather(path)
    assert not problems, [str(p) for p in problems.problems][:5]
    others = " and ".join(c for c in ("GHI", "DNI", "DHI") if c != dropped)
    assert w.notes == [f"{dropped} computed from {others} and the solar position (pvlib)"]
    assert w.notes[0] in w.source
    full, part = _annual_yield(phoenix_tmy), _annual_yield(w)
    print(f"{dropped} dropped: {part:.1f} vs {full:.1f} kWh/kW_dc ({part / full - 1:+.3%})")
    assert abs(part / full - 1) < 0.03
    col = dropped.lower()
    ratio = w.df[col].sum() / phoenix_tmy.df[col].sum()
    print(f"  annual {dropped} ratio computed/file {ratio:.4f}")


def test_fewer_than_two_components_is_still_refused(tmp_path):
    path = drop_columns(PHOENIX_TMY, tmp_path / "dni_only.csv", {"GHI", "DHI"})
    w, problems = read_weather(path)
    assert w is None
    assert [str(p) for p in problems.problems][0].startswith(
        f"{path}:header:ghi,dhi: required weather columns missing"
    )


def test_zopt_yield_on_a_file_without_ghi(no_ghi, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = ["yield", "--lat", "33.45", "--lon", "-111.98", "--weather", str(no_ghi), "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert "GHI computed from DNI and DHI" in out["weather_source"]
    with_ghi = runner.invoke(app, [*args[:5], "--weather", str(PHOENIX_TMY), "--json"])
    ref = json.loads(with_ghi.output)
    key = next(k for k in out if k.startswith("annual"))
    assert abs(out[key] / ref[key] - 1) < 0.03, (out[key], ref[key])


def test_validate_accepts_the_file_and_says_ghi_is_computed(no_ghi):
    result = runner.invoke(app, ["validate", "--weather", str(no_ghi)])
    assert result.exit_code == 0, result.output
    assert "GHI computed from DNI and DHI" in " ".join(result.output.split())


@pytest.mark.slow
def test_zopt_solve_on_a_file_without_ghi_and_its_summary_matches_the_schema(no_ghi, tmp_path):
    """One real solve: the note reaches summary.json and the manifest, and summary.json
    validates against the published schema."""
    import jsonschema

    from optimizer.export.summary import summary_schema

    reports = tmp_path / "reports"
    args = ["solve", "--target", "1e21", "--mip-gap", "0.02", "--weather", str(no_ghi)]
    args += ["--reports-dir", str(reports)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "weather: GHI computed from DNI and DHI" in result.output
    (folder,) = [p for p in reports.iterdir() if not p.name.startswith(".")]
    summary = json.loads((folder / "summary.json").read_text())
    jsonschema.validate(summary, summary_schema())
    assert summary["notes"] == [
        "weather: GHI computed from DNI and DHI and the solar position (pvlib)"
    ]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert "GHI computed from DNI and DHI" in manifest["weather_source"]
    assert "-0" not in json.dumps(summary["storage"]).replace("e-0", "")
    for sid, st in summary["storage"].items():
        assert st["stored_energy_mwh"] > 0, sid
        words = {"pumped hydro": "turbine_mw", "Li-ion": "discharge_mw"}[st["technology"]]
        assert words in st
