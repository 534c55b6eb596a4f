"""Measure the solar acceptance figures and write benchmarks/RESULTS_solar.md.

Run from the repository root::

    PYTHONPATH=. /tmp/venv/bin/python benchmarks/solar_accuracy.py

Needs ``../shared/reference/weather/`` (the Phoenix NSRDB PSM3 TMY).
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from pvwatts_reference import REFERENCE, reference_ac_per_kw_dc  # noqa: E402

from optimizer.inputs.prices import require_prices  # noqa: E402
from optimizer.inputs.weather import read_weather  # noqa: E402
from optimizer.resource import default_weather as dw  # noqa: E402
from optimizer.resource.solar import PVSystemParams, ac_per_kw_dc  # noqa: E402
from optimizer.resource.weather_calibration import calibrate  # noqa: E402
from optimizer.resource.yield_report import summarize  # noqa: E402

PHOENIX = (
    HERE.parent
    / ".."
    / "shared"
    / "reference"
    / "weather"
    / "phoenix_az_33.450495_-111.983688_psmv3_60_tmy.csv"
).resolve()
#: name, lat, lon, facts.csv annual GHI [kWh/m2-yr] or None
SITES = [
    ("Phoenix AZ", 33.45, -111.98, 2115.0),
    ("Tucson AZ", 32.12, -110.94, 2131.0),
    ("Daggett CA", 34.87, -116.78, 2111.0),
    ("Las Cruces NM", 32.31, -106.78, None),
]
N_SEEDS = 20


def yield_of(w, params):
    return ac_per_kw_dc(w, w.latitude, w.longitude, w.altitude_m, params)


def compare(ac_syn, ac_real) -> dict:
    """Relative errors [%] of the synthetic profile against the real one."""
    s, r = summarize(ac_syn), summarize(ac_real)
    months = 100 * (np.array(s.monthly_kwh_per_kw_dc) / np.array(r.monthly_kwh_per_kw_dc) - 1)
    return {
        "annual": 100 * (s.annual_kwh_per_kw_dc / r.annual_kwh_per_kw_dc - 1),
        "months": months,
        "max_month": float(np.abs(months).max()),
        "w3": 100 * (s.worst_3day_kwh_per_kw_dc / r.worst_3day_kwh_per_kw_dc - 1),
        "w7": 100 * (s.worst_7day_kwh_per_kw_dc / r.worst_7day_kwh_per_kw_dc - 1),
        "syn": s,
        "real": r,
    }


def item1(real, params, out):
    ours = yield_of(real, params).sum()
    ref = reference_ac_per_kw_dc(real.df, real.latitude, real.longitude).sum()
    out += [
        "## 1. PV chain vs an independent PVWatts-style reference (Phoenix PSM3, tracker)",
        "",
        "| chain | annual AC [kWh/kW_dc] |",
        "|---|---|",
        f"| zopt (`ac_per_kw_dc`, single-axis) | {ours:.1f} |",
        f"| reference (`benchmarks/pvwatts_reference.py`) | {ref:.1f} |",
        f"| difference | {100 * (ours / ref - 1):+.2f} % (limit 3 %) |",
        "| facts.csv yield_tracker_phoenix | 2097 (2081-2145) |",
        "",
        "Reference parameters: ephemeris sun position at mid-hour; horizontal N-S tracker, "
        "backtracking, closed-form (Marion & Dobos 2013); Hay-Davies coded by hand; "
        "no IAM; Faiman cell temperature; PVWatts DC; flat inverter efficiency; "
        + ", ".join(f"{k}={v}" for k, v in REFERENCE.items())
        + ".",
        "",
    ]


def item2_phoenix(real, params, out):
    ac_real = yield_of(real, params)
    t0 = time.perf_counter()
    syn = dw.default_weather(real.latitude, real.longitude, real.altitude_m)
    seconds = time.perf_counter() - t0
    c = compare(yield_of(syn, params), ac_real)
    fixed = replace(params, mount="fixed")
    cf = compare(yield_of(syn, fixed), yield_of(real, fixed))
    out += [
        "## 2a. Embedded default vs the real Phoenix file (location seed)",
        "",
        f"Default weather built in {seconds:.2f} s (clear sky + cloud model).",
        "",
        "| figure | real file | default | error | limit |",
        "|---|---|---|---|---|",
    ]
    for label, k, key in (
        ("annual [kWh/kW_dc]", "annual", "annual_kwh_per_kw_dc"),
        ("worst 3-day [kWh/kW_dc]", "w3", "worst_3day_kwh_per_kw_dc"),
        ("worst 7-day [kWh/kW_dc]", "w7", "worst_7day_kwh_per_kw_dc"),
    ):
        lim = {"annual": "3 %", "w3": "15 %", "w7": "15 %"}[k]
        out.append(
            f"| {label} | {getattr(c['real'], key):.2f} | {getattr(c['syn'], key):.2f} "
            f"| {c[k]:+.1f} % | {lim} |"
        )
    out.append(f"| worst month | | | {c['max_month']:.1f} % | 8 % |")
    out += [
        "",
        "Monthly error, single-axis [%]: " + ", ".join(f"{v:+.1f}" for v in c["months"]),
        "",
        f"Fixed tilt (latitude): annual {cf['annual']:+.1f} %, worst month "
        f"{cf['max_month']:.1f} %, 3-day {cf['w3']:+.1f} %, 7-day {cf['w7']:+.1f} %.",
        f"GHI: real {real.df.ghi.sum() / 1e3:.0f}, default {syn.df.ghi.sum() / 1e3:.0f} "
        f"kWh/m2-yr; DNI: real {real.df.dni.sum() / 1e3:.0f}, default "
        f"{syn.df.dni.sum() / 1e3:.0f} kWh/m2-yr.",
        "",
    ]


def item2_seeds(real, params, out):
    ac_real = yield_of(real, params)
    rows = []
    for seed in range(N_SEEDS):
        syn = dw.synthesize(real.latitude, real.longitude, real.altitude_m, dw.load_tables(), seed)
        rows.append(compare(yield_of(syn, params), ac_real))
    f = pd.DataFrame([{k: r[k] for k in ("annual", "max_month", "w3", "w7")} for r in rows])
    ok = (f.annual.abs() <= 3) & (f.max_month <= 8) & (f.w3.abs() <= 15) & (f.w7.abs() <= 15)
    out += [
        f"## 2b. Same method, {N_SEEDS} other random seeds at Phoenix (spread of one "
        "synthetic year)",
        "",
        "| error [%] | min | median | max |",
        "|---|---|---|---|",
    ]
    for k in f.columns:
        out.append(f"| {k} | {f[k].min():+.1f} | {f[k].median():+.1f} | {f[k].max():+.1f} |")
    out += ["", f"{int(ok.sum())} of {N_SEEDS} seeds meet all four limits.", ""]


def item2_sites(params, out):
    import pvlib

    out += [
        "## 2c. Other desert Southwest sites (embedded default only; no real files here)",
        "",
        "| site | lat, lon | altitude [m] | GHI default | GHI facts.csv | diff | "
        "tracker yield [kWh/kW_dc] | seconds |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, lat, lon, ghi_ref in SITES:
        alt = float(pvlib.location.lookup_altitude(lat, lon))
        t0 = time.perf_counter()
        w = dw.default_weather(lat, lon, alt)
        sec = time.perf_counter() - t0
        ghi = w.df.ghi.sum() / 1e3
        ref = f"{ghi_ref:.0f}" if ghi_ref else "n/a"
        diff = f"{100 * (ghi / ghi_ref - 1):+.1f} %" if ghi_ref else "n/a"
        out.append(
            f"| {name} | {lat}, {lon} | {alt:.0f} | {ghi:.0f} | {ref} | {diff} | "
            f"{yield_of(w, params).sum():.0f} | {sec:.2f} |"
        )
    out.append("")


def item2_split(real, params, out):
    """Calibrate on half of each month's days, validate monthly yield on the other half."""
    ac_real = yield_of(real, params).reshape(365, 24).sum(axis=1)
    dom = real.df.index.day.to_numpy()[::24]
    month = real.df.index.month.to_numpy()[::24]
    meta = dw.load_tables()["meta"]
    out += [
        "## 2d. Split-sample check (calibrate on one half of the days, validate on the other)",
        "",
        "| calibrated on | validated on | annual mean-day error | "
        "worst month | months within 8 % |",
        "|---|---|---|---|---|",
    ]
    for name, use in (
        ("days 1-15", dom <= 15),
        ("days 16-31", dom > 15),
        ("odd days", dom % 2 == 1),
        ("even days", dom % 2 == 0),
    ):
        tables = calibrate(real, use) | {"meta": meta}
        syn = dw.synthesize(
            real.latitude,
            real.longitude,
            real.altitude_m,
            tables,
            dw.location_seed(real.latitude, real.longitude),
        )
        syn_daily = yield_of(syn, params).reshape(365, 24).sum(axis=1)
        err = (
            np.array(
                [
                    syn_daily[month == m].mean() / ac_real[(month == m) & ~use].mean() - 1
                    for m in range(1, 13)
                ]
            )
            * 100
        )
        annual = 100 * (syn_daily.mean() / ac_real[~use].mean() - 1)
        out.append(
            f"| {name} | the other days | {annual:+.1f} % | {np.abs(err).max():.1f} % | "
            f"{int((np.abs(err) <= 8).sum())} of 12 |"
        )
    for name, use in (("days 1-15", dom <= 15), ("odd days", dom % 2 == 1)):
        err = (
            np.array(
                [
                    ac_real[(month == m) & use].mean() / ac_real[(month == m) & ~use].mean() - 1
                    for m in range(1, 13)
                ]
            )
            * 100
        )
        out.append(
            f"| no model: the real {name} themselves | the other days | "
            f"{100 * (ac_real[use].mean() / ac_real[~use].mean() - 1):+.1f} % | "
            f"{np.abs(err).max():.1f} % | {int((np.abs(err) <= 8).sum())} of 12 |"
        )
    out.append("")


def _bad_cases(lines: list[str]) -> dict[str, list[str]]:
    col = lines[2].split(",")

    def cell(n, name, value):
        out = list(lines)
        cells = out[n - 1].split(",")
        cells[col.index(name)] = value
        out[n - 1] = ",".join(cells)
        return out

    rows = [r.split(",") for r in lines[3:]]
    shifted = lines[:3] + [
        ",".join(r[:5] + v)
        for r, v in zip(rows, [r[5:] for r in rows[-1:] + rows[:-1]], strict=True)
    ]
    meta = lines[1].split(",")
    meta[7] = "0"
    return {
        "short (8,000 rows)": lines[:8003],
        "NaN in GHI": cell(500, "GHI", "NaN"),
        "-9999 in DNI": cell(700, "DNI", "-9999"),
        "9999 in Temperature": cell(900, "Temperature", "9999"),
        "irradiance shifted +1 h": shifted,
        "time zone declared UTC": [lines[0], ",".join(meta), *lines[2:]],
        "GHI column renamed": [*lines[:2], lines[2].replace(",GHI,", ",Global,"), *lines[3:]],
        "text in a number cell": cell(321, "DHI", "abc"),
    }


def item3(out):
    import tempfile

    import typer
    from typer.testing import CliRunner

    from optimizer import cli_yield

    app = typer.Typer()
    cli_yield.register(app)
    app.command("noop")(lambda: None)
    out += [
        "## 3. Bad weather files through `zopt yield --weather F` (exit code, first line)",
        "",
        "| case | exit | message |",
        "|---|---|---|",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for name, lines in _bad_cases(PHOENIX.read_text().splitlines()).items():
            path = Path(tmp) / "bad.csv"
            path.write_text("\n".join(lines) + "\n")
            res = CliRunner().invoke(
                app,
                ["yield", "--lat", "33.45", "--lon", "-111.98", "--weather", str(path), "--json"],
            )
            first = res.stderr.splitlines()[0].replace(str(path), "bad.csv").replace("|", "/")
            out.append(f"| {name} | {res.exit_code} | `{first}` |")
    out.append("")


def main() -> None:
    real, problems = read_weather(PHOENIX)
    if real is None:
        sys.exit("\n".join(str(p) for p in problems.problems))
    params = PVSystemParams.from_prices(require_prices())
    out = [
        "# Solar resource: measured acceptance figures",
        "",
        "Command (repository root): `PYTHONPATH=. /tmp/venv/bin/python "
        "benchmarks/solar_accuracy.py` (writes this file).",
        "",
        f"Weather: `{PHOENIX.name}` (NSRDB PSM3 v3 TMY). Plant: prices.csv defaults "
        f"(ILR {params.dc_ac_ratio}, losses {params.system_losses}, GCR {params.gcr}, "
        f"tracker +-{params.max_angle_deg} deg).",
        "",
    ]
    item1(real, params, out)
    item2_phoenix(real, params, out)
    item2_seeds(real, params, out)
    item2_sites(params, out)
    item2_split(real, params, out)
    item3(out)
    text = "\n".join(out) + "\n"
    (HERE / "RESULTS_solar.md").write_text(
        text + (HERE / "RESULTS_solar_notes.md").read_text()
        if (HERE / "RESULTS_solar_notes.md").exists()
        else text
    )
    print(text)


if __name__ == "__main__":
    main()
