"""Stress test: the fixed-size dispatch LP by hand, synthetic years, and a design replayed on
three weather years one of which carries a deep winter spell."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pvlib
import pytest

from optimizer.results.stress_lp import least_unserved

GREENSBORO = Path(pvlib.__file__).parent / "data" / "723170TYA.CSV"


def test_lp_one_storage_by_hand():
    """4 h, load 10 MW; PV 30 MW in hour 0 only. Storage: 100 MWh, 20 MW each way, charge
    efficiency 0.9, discharge 0.8, loss 0.5 MWh/h, cyclic. Hour 0 stores 20 x 0.9 - 0.5 = 17.5
    MWh; hour 1 serves 10 MW (12.5 MWh + 0.5 loss: 4.5 left); hour 2 can draw (4.5 - 0.5 - 0.5
    kept for hour 3's loss) x 0.8 = 2.8 MW (7.2 unserved); hour 3: nothing (10 unserved)."""
    unit = dict(eff_in=0.9, eff_out=0.8, loss_mwh_per_h=0.5, energy_mwh=100.0, charge_mw=20.0,
                discharge_mw=20.0)  # fmt: skip
    out = least_unserved([unit], np.array([30.0, 0, 0, 0]), np.full(4, 10.0))
    np.testing.assert_allclose(out.unserved_mw, [0, 0, 7.2, 10.0], atol=1e-6)
    np.testing.assert_allclose(out.level_mwh, [17.5, 4.5, 0.5, 0.0], atol=1e-6)
    assert out.status == "Optimal"


def test_lp_backup_share_and_an_empty_store_that_loses_water():
    """No sun: a 6 MW backup may supply half the 40 MWh load (20 MWh) and an empty store's
    evaporation is waived (the year is not infeasible)."""
    unit = dict(eff_in=0.9, eff_out=0.9, loss_mwh_per_h=0.1, energy_mwh=50.0, charge_mw=5.0,
                discharge_mw=5.0)  # fmt: skip
    out = least_unserved([unit], np.zeros(4), np.full(4, 10.0), backup_mw=6.0, backup_share=0.5)
    assert out.backup_mw.sum() == pytest.approx(20.0, abs=1e-6)
    assert out.unserved_mw.sum() == pytest.approx(20.0, abs=1e-6)
    assert out.waived_mwh == pytest.approx(0.4, abs=1e-6)


def test_lp_leaves_no_global_scheduler_behind():
    """A later HiGHS solve with another thread count still runs (HiGHS's scheduler is global;
    without the reset it stopped with status "Not Set")."""
    import highspy

    unit = dict(eff_in=1.0, eff_out=1.0, loss_mwh_per_h=0.0, energy_mwh=1.0, charge_mw=1.0,
                discharge_mw=1.0)  # fmt: skip
    least_unserved([unit], np.ones(4), np.ones(4))
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 3)
    h.addVar(0.0, 1.0)
    h.changeColCost(0, -1.0)
    h.run()
    assert h.modelStatusToString(h.getModelStatus()) == "Optimal"
    highspy.Highs.resetGlobalScheduler(True)


def test_synthetic_years_are_seeded_and_differ():
    from optimizer.resource.synthetic_years import synthetic_year

    a = synthetic_year(33.45, -112.5, 400.0, 1)
    b = synthetic_year(33.45, -112.5, 400.0, 1)
    c = synthetic_year(33.45, -112.5, 400.0, 2)
    assert a.label == "synthetic 1" and "synthetic year 1" in a.source
    np.testing.assert_array_equal(a.df["ghi"].to_numpy(), b.df["ghi"].to_numpy())
    assert not np.allclose(a.df["ghi"].to_numpy(), c.df["ghi"].to_numpy())
    assert len(a.df) == 8760 and (a.df["ghi"] >= 0).all()


def spell_copy(tmp_path: Path, name: str, first_day: int, days: int, factor: float) -> Path:
    """Greensboro TMY3 with the sun x ``factor`` from December ``first_day`` for ``days``."""
    lines = GREENSBORO.read_text().splitlines()
    out = lines[:2]
    for line in lines[2:]:
        cells = line.split(",")
        month, day = int(cells[0][:2]), int(cells[0][3:5])
        if month == 12 and first_day <= day < first_day + days:
            for j in (4, 7, 10):  # GHI, DNI, DHI [W/m2]
                cells[j] = f"{float(cells[j]) * factor:.0f}"
        out.append(",".join(cells))
    path = tmp_path / name
    path.write_text("\n".join(out) + "\n")
    return path


@pytest.mark.slow
def test_design_on_year_1_fails_in_the_spell_year(tmp_path):
    """Year 1 (Greensboro's typical year) designs the plant; the same year with a 9-day
    December spell at 15 % of the sun runs dry (hours unserved), the design year holds."""
    import json

    import jsonschema
    import openpyxl

    from optimizer.export.summary import summary_schema
    from optimizer.inputs.bundle import InputPaths
    from optimizer.pipeline import RunOptions, export_run, run_solve

    years = [spell_copy(tmp_path, "y1.csv", 1, 0, 1.0),
             spell_copy(tmp_path, "y2_spell.csv", 10, 9, 0.15),
             spell_copy(tmp_path, "y3_mild.csv", 10, 3, 0.6)]  # fmt: skip
    opts = RunOptions(target_flops=1e19)
    opts.solve.live = False
    run = run_solve(InputPaths(weather=years), opts)
    by = {y.label: y for y in run.weather_years}
    assert list(by) == ["typical (y1.csv)", "typical (y2_spell.csv)", "typical (y3_mild.csv)"]
    assert by["typical (y1.csv)"].hours_unserved == 0 and by["typical (y1.csv)"].holds
    bad = by["typical (y2_spell.csv)"]
    assert bad.hours_unserved > 24 and not bad.holds
    assert bad.longest_outage_start.startswith("Dec")
    assert bad.worst_spell_start[:6] in ("Dec 09", "Dec 10")  # the night before counts
    assert bad.worst_spell_pv_share < 0.2
    folder = export_run(run, tmp_path / "reports")
    summary = json.loads((folder / "summary.json").read_text())
    jsonschema.validate(summary, summary_schema())
    assert summary["weather_years"]["worst_year"] == "typical (y2_spell.csv)"
    assert (folder / "weather_years.png").stat().st_size > 10_000
    sheet = openpyxl.load_workbook(folder / "bom.xlsx")["Weather years"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("weather_year", "synthetic", "holds_every_hour")
    assert rows[2][4] == bad.hours_unserved


def small_inputs(tmp_path: Path) -> dict:
    """The 12 embedded parcels nearest the first one and one reservoir site (R2): a record
    design of three years solves in about 3 minutes instead of 6+."""
    import geopandas as gpd

    from optimizer.paths import default_path

    parcels = gpd.read_file(default_path("parcels.geojson"))
    c = parcels.to_crs(32612).geometry.centroid
    d = np.hypot(c.x - c.x.iloc[0], c.y - c.y.iloc[0]).to_numpy()
    parcels.iloc[np.argsort(d)[:12]].to_file(tmp_path / "parcels.geojson", driver="GeoJSON")
    lines = default_path("reservoirs.csv").read_text().splitlines()
    (tmp_path / "reservoirs.csv").write_text("\n".join([lines[0], lines[2]]) + "\n")
    return {"parcels": tmp_path / "parcels.geojson", "reservoirs": tmp_path / "reservoirs.csv"}


@pytest.mark.slow
def test_design_on_every_year_holds_every_hour_and_costs_more(tmp_path):
    """The same three years designed at once (--design-years all): every hour of every year is
    served (the independent check replays all 26,280 hours; the stress test replays the record
    end to end) and the plant costs at least the year-1 design (solved here too)."""
    from optimizer.inputs.bundle import InputPaths
    from optimizer.pipeline import RunOptions, run_solve

    years = [spell_copy(tmp_path, "y1.csv", 1, 0, 1.0),
             spell_copy(tmp_path, "y2_spell.csv", 10, 9, 0.15),
             spell_copy(tmp_path, "y3_mild.csv", 10, 3, 0.6)]  # fmt: skip
    small = small_inputs(tmp_path)
    one = RunOptions(target_flops=1e19)
    one.solve.live = False
    first = run_solve(InputPaths(weather=years[0], **small), one)
    assert first.weather_years[0].hours_unserved == 0
    every = RunOptions(target_flops=1e19, design_years="all")
    every.solve.live, every.solve.time_limit_s = False, 900.0
    run = run_solve(InputPaths(weather=years, **small), every)
    assert run.data.hours == 3 * 8760 and run.check.passed
    assert [y.hours_unserved for y in run.weather_years] == [0, 0, 0]
    assert run.total_cost_usd >= first.total_cost_usd * (1 - 1e-6)
