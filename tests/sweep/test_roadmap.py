"""``zopt roadmap``: projections by formula, a bad projections file refused at once (exit 2,
nothing written), and (slow) a budget crossing that equals the one found by separate solves."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from optimizer.cli import app
from optimizer.inputs.bundle import InputPaths, load_inputs
from optimizer.inputs.projections import Projection, read_projections
from optimizer.paths import data_dir
from optimizer.sweep.roadmap import crossing, parse_years, year_case
from optimizer.sweep.worker import case_inputs

ROOT = Path(__file__).resolve().parents[2]
HEAD = "key,case,base_year,rate_per_yr,path,source,year,notes\n"


def _write(path: Path, text: str) -> Path:
    path.write_text(HEAD + text)
    return path


def test_embedded_projections_are_clean_and_cover_every_case():
    proj, problems = read_projections(data_dir() / "projections.csv")
    assert not problems.problems
    for case in ("conservative", "moderate", "advanced"):
        keys = proj.for_case(case)
        assert {"chips:flops_per_usd", "chips:flops_per_w", "pv_module_usd_per_w_dc",
                "liion_energy_usd_per_kwh", "phs_reservoir_usd_per_m3"} <= set(keys)  # fmt: skip


def test_rate_and_path_follow_the_formula():
    rate = Projection("pv_module_usd_per_w_dc", "moderate", 2025, -0.1, (), "s", "2025")
    assert rate.factor(2025) == 1.0
    assert rate.factor(2028) == pytest.approx(0.9**3, rel=1e-12)
    path = Projection("x", "moderate", 2020, None, ((2030, 0.5), (2040, 0.125)), "s", "2025")
    assert path.factor(2030) == pytest.approx(0.5)
    assert path.factor(2025) == pytest.approx(0.5**0.5)  # geometric between the points
    assert path.factor(2035) == pytest.approx(0.25)
    assert path.factor(2060) == pytest.approx(0.125)  # held after the last point


def test_year_case_projects_one_price_and_the_chips_by_formula(tmp_path):
    """Hand-checkable: module price -10 %/yr from 2025, FLOPS per $ +50 %/yr, FLOPS per W
    +25 %/yr: in 2027 the module costs 0.26 x 0.9^2, every chip 1/1.5^2 of its price and
    1/1.25^2 of its power, and the Prices sheet source says where the value came from."""
    f = _write(tmp_path / "p.csv",
               "pv_module_usd_per_w_dc,moderate,2025,-0.1,,test source,2025,\n"
               "chips:flops_per_usd,moderate,2025,0.5,,chip source,2024,\n"
               "chips:flops_per_w,moderate,2025,0.25,,chip source,2024,\n")  # fmt: skip
    proj, problems = read_projections(f)
    assert not problems.problems
    inputs = load_inputs(InputPaths())
    case = year_case(inputs, proj.for_case("moderate"), 2027, "moderate", {"target": 1e21})
    out = case_inputs(inputs, case)
    module = out.prices["pv_module_usd_per_w_dc"]
    assert module.value == pytest.approx(0.26 * 0.9**2, rel=1e-12)
    assert module.source.startswith("projected from 0.26 in 2025 at -10.0 %/yr (moderate: test")
    assert out.prices["pv_bos_usd_per_w_dc"].value == inputs.prices["pv_bos_usd_per_w_dc"].value
    before, after = inputs.chips.set_index("chip"), out.chips.set_index("chip")
    assert after["price_usd"].to_numpy() == pytest.approx(before["price_usd"].to_numpy() / 2.25)
    assert after["tdp_w"].to_numpy() == pytest.approx(before["tdp_w"].to_numpy() / 1.5625)
    assert (after["tflops"] == before["tflops"]).all()
    assert after["source"].str.startswith("projected to 2027 (moderate)").all()


BAD = (
    "pv_modul_usd_per_w_dc,moderate,2025,-0.02,,s,2024,\n"  # unknown key
    "pv_bos_usd_per_w_dc,middling,2025,-0.02,,s,2024,\n"  # unknown case
    "pv_inverter_usd_per_w_ac,moderate,2025,-0.02,2030:0.9,s,2024,\n"  # rate and path
    "liion_energy_usd_per_kwh,moderate,2024.5,,2030:0.8;2028:0.7,,2024,\n"  # year, path, source
    "chips:flops_per_usd,moderate,2025,-3,,s,,\n"  # rate out of range, year missing
    "chips:flops_per_w,moderate,2025,0.4,,s,2025,\n"
    "chips:flops_per_w,moderate,2025,0.3,,s,2025,\n"  # the same key and case twice
    "data_hall_usd_per_mw_it,moderate,2025,,2030:abc,s,2025,\n"  # malformed path point
)


def test_bad_projections_file_is_refused_with_every_problem_at_once(tmp_path):
    bad = _write(tmp_path / "bad.csv", BAD)
    reports = tmp_path / "reports"
    res = CliRunner().invoke(app, ["roadmap", "--projections", str(bad), "--years", "2026-2027",
                                   "--reports-dir", str(reports)])  # fmt: skip
    assert res.exit_code == 2, res.output
    out = res.output
    for expected in (
        f"{bad}:row 2:key: unknown projection key (found pv_modul_usd_per_w_dc, expected did you",
        f"{bad}:row 3:case: unknown case (found 'middling'",
        f"{bad}:row 4:rate_per_yr: give exactly one of rate_per_yr and path",
        f"{bad}:row 5:base_year: must be a whole year (found 2024.5)",
        f"{bad}:row 5:source: source missing",
        f"{bad}:row 6:rate_per_yr: below the allowed range (found -3.0, expected >= -0.9)",
        f"{bad}:row 6:year: year missing",
        f"{bad}:row 8:key: the same key and case twice (found chips:flops_per_w moderate, "
        "expected once (see row 7))",
        f"{bad}:row 9:path: malformed point (found '2030:abc'",
    ):
        assert expected in out, expected
    assert "nothing was written" in out
    assert not reports.exists()


def test_bad_command_line_and_projected_value_out_of_range(tmp_path):
    """Years that are not a range, and a projection that drives a price out of its range by
    the last year, are found before any solve."""
    f = _write(tmp_path / "p.csv", "pv_gcr,moderate,2025,0.2,,s,2025,\n")  # 0.35 x 1.2^n > 0.95
    res = CliRunner().invoke(app, ["roadmap", "--projections", str(f), "--years", "2026-2031",
                                   "--case", "moderate",
                                   "--reports-dir", str(tmp_path / "r")])  # fmt: skip
    assert res.exit_code == 2
    assert "moderate 2031:pv_gcr: price out of range" in res.output
    assert "moderate 2030" not in res.output  # 0.35 x 1.2^5 = 0.87: still allowed
    assert parse_years("2026-2050:10")[0] == [2026, 2036, 2046, 2050]
    assert parse_years("2030-2026")[1] and parse_years("soon")[1]


def test_crossing_names_the_first_year_within_budget_or_the_last_cost():
    costs = ((2026, 50e6), (2027, 31e6), (2028, 29e6))
    rows = [{"year": y, "case": "moderate", "status": "ok", "total_cost_usd": c,
             "run_folder": f"cases/{y}"} for y, c in costs]  # fmt: skip
    rows.append({"year": 2026, "case": "conservative", "status": "ok", "total_cost_usd": 90e6})
    found = crossing(rows, 30e6)
    assert found["moderate"]["year"] == 2028 and found["moderate"]["run_folder"] == "cases/2028"
    assert found["conservative"]["year"] is None
    assert found["conservative"]["last_cost_usd"] == 90e6


# --- slow: real solves -----------------------------------------------------------------------

SEED = data_dir() / "scenarios" / "seed"
YEARS = (2026, 2027, 2028)
CHIP_RATE, HALL_RATE = 1.0, -0.10  # FLOPS per $ doubles every year; data hall -10 %/yr
OPTIONS = ["--scenario", "seed", "--target", "1e19", "--mode", "peak"]


def _separate_solve(tmp: Path, year: int):
    """The year solved on its own: the seed's chip and data-hall price projected by hand."""
    from optimizer.pipeline import RunOptions, run_solve

    n = year - 2025
    prices = tmp / f"prices_{year}.csv"
    with open(prices, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["key", "value", "unit", "source", "year"])
        w.writerow(["data_hall_usd_per_mw_it", 1e6 * (1 + HALL_RATE) ** n, "$/MW_IT", "t", year])
    chips = pd.read_csv(SEED / "chips.csv", dtype=str, keep_default_na=False)
    chips["price_usd"] = repr(100 / (1 + CHIP_RATE) ** n)
    chips.to_csv(tmp / f"chips_{year}.csv", index=False)
    opts = RunOptions(target_flops=1e19, mode="peak")
    paths = InputPaths(scenario="seed", prices=prices, chips=tmp / f"chips_{year}.csv")
    return run_solve(paths, opts).total_cost_usd


@pytest.mark.slow
def test_budget_crossing_equals_separate_solves(tmp_path, monkeypatch):
    parts = [str(ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(parts))
    costs = {y: _separate_solve(tmp_path, y) for y in YEARS}
    assert costs[2026] > costs[2027] > costs[2028]
    budget = (costs[2026] + costs[2027]) / 2  # the first year within it: 2027
    proj = _write(tmp_path / "proj.csv",
                  f"chips:flops_per_usd,moderate,2025,{CHIP_RATE},,t,2025,\n"
                  f"data_hall_usd_per_mw_it,moderate,2025,{HALL_RATE},,t,2025,\n")  # fmt: skip
    reports = tmp_path / "reports"
    args = ["roadmap", *OPTIONS, "--years", "2026-2028", "--projections", str(proj),
            "--budget", repr(budget), "--workers", "1", "--reports-dir", str(reports)]  # fmt: skip
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "moderate: 2027 fits" in res.output
    folder = next(reports.iterdir())
    df = pd.read_csv(folder / "roadmap.csv")
    assert list(df["year"]) == list(YEARS) and (df["status"] == "ok").all()
    for year, cost in costs.items():
        assert df.set_index("year").loc[year, "total_cost_usd"] == pytest.approx(cost, rel=0.011)
        # by hand: 1e19 / 1e16 = 1,000 chips at $100 / 2^n and 1,000 x 100 W = 0.1 MW_IT of
        # data hall at $1M/MW_IT x 0.9^n (the seed: no server cost or power per chip)
        n = year - 2025
        compute = 1000 * 100 / (1 + CHIP_RATE) ** n + 0.1 * 1e6 * (1 + HALL_RATE) ** n
        assert df.set_index("year").loc[year, "cost_Compute_usd"] == pytest.approx(compute)
    run = folder / df.set_index("year").loc[2027, "run_folder"]
    assert (run / "bom.xlsx").is_file() and (run / "summary.json").is_file()
    prices = pd.read_excel(run / "bom.xlsx", sheet_name="Prices").set_index("key")
    assert prices.loc["data_hall_usd_per_mw_it", "source"].startswith(
        "projected from 1e+06 in 2025 at -10.0 %/yr")  # fmt: skip
    for name in ("roadmap.xlsx", "roadmap.png", "shares.png", "manifest.json"):
        assert (folder / name).is_file(), name
    again = CliRunner().invoke(app, args)  # resume: every year already done
    assert again.exit_code == 0 and "0 solved now, 3 already done" in again.output
