"""The solve benchmark suite: a fixed list of cases, hard ones included, one table.

Run from the repository root (after the README's install)::

    PYTHONPATH=. python benchmarks/suite.py [--cases a,b,...] [--json out.json]

``--cases`` takes parts of case names (e.g. ``roads``), separated by commas; a part that
itself holds a comma (``"4,000 parcels"``) is taken whole when some case name contains it.

Each case is a full run through :mod:`optimizer.pipeline` (read, PV yield, solve, independent
check, export to a temporary reports folder), at the default ``--mip-gap`` and time limit, in a
fresh Python process with an empty PV cache of its own (every case pays its PV yield, as a
first run does; ``ZOPT_CACHE_DIR`` in a temporary folder). Per case it records the peak
resident memory of that process (inputs generated there included), the wall time of each
stage and of each solver call, the proven gap, the total cost, whether any stage reached its
time limit, and the exit the CLI would give (0, or the error's class for infeasible cases).
Generated inputs (the user layer far from the reservoirs, the single-chip catalogue, 10,000
parcels) are written deterministically into a temporary folder. Prints a Markdown table;
``--json`` also writes every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import numpy as np
from shapely.geometry import Point, box

from optimizer.errors import ZoptError
from optimizer.inputs.bundle import InputPaths
from optimizer.paths import data_dir
from optimizer.pipeline import RunOptions, export_run, run_solve
from optimizer.solve.highs import new_highs

UTM = "EPSG:32612"
MILE_M = 1609.344


def far_layer(folder: Path, n: int = 30) -> Path:
    """``n`` one-mile sections (640 acres) on a jittered grid around 32.95 N, 112.15 W, 75-95
    km from the embedded reservoir sites, as a UTM GeoPackage; prices 900-2,400 $/acre."""
    rng = np.random.default_rng(20261201)
    o = gpd.GeoSeries([Point(-112.20, 32.90)], crs="EPSG:4326").to_crs(UTM).iloc[0]
    cols = 6
    geoms, ids, price = [], [], []
    for i in range(n):
        c, r = i % cols, i // cols
        x0 = o.x + c * MILE_M * 1.6 + rng.uniform(-200, 200)
        y0 = o.y + r * MILE_M * 1.6 + rng.uniform(-200, 200)
        geoms.append(box(x0, y0, x0 + MILE_M, y0 + MILE_M))
        ids.append(f"S{i + 1:02d}")
        price.append(round(float(rng.uniform(900, 2400)), 0))
    gdf = gpd.GeoDataFrame(
        {"parcel_id": ids, "price_usd_per_acre": price, "buildable_fraction": 0.9},
        geometry=geoms,
        crs=UTM,
    )
    path = folder / "sections.gpkg"
    gdf.to_file(path, layer="parcels", driver="GPKG")
    return path


def single_chip_catalogue(folder: Path, chip: str = "H100 SXM") -> Path:
    """The embedded chip catalogue reduced to one type (1e21 FLOPS is not a whole number of
    H100s at fp8: 505,305.7)."""
    lines = (data_dir() / "chips.csv").read_text().splitlines()
    keep = [lines[0]] + [ln for ln in lines[1:] if ln.split(",")[0] == chip]
    path = folder / "chips_one.csv"
    path.write_text("\n".join(keep) + "\n")
    return path


def ten_thousand(folder: Path) -> Path:
    """The 10,000-parcel layer of :mod:`benchmarks.parcels_10k` (same generator and seed)."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from parcels_10k import make_layer

    parcels, _ = make_layer(folder, 10_000)
    return parcels


def small_parcels(folder: Path, n: int = 10_000) -> Path:
    """``n`` parcels of 40-160 acres on a jittered 100 x 100 grid spanning 32.5-33.3 N,
    112.8-111.9 W (WGS84 GeoJSON), none large enough for a 1e21 data hall on its own."""
    rng = np.random.default_rng(20261201)
    side = int(np.ceil(np.sqrt(n)))
    lon0, lat0, dlon, dlat = -112.8, 32.5, 0.9 / side, 0.8 / side
    geoms, ids = [], []
    for i in range(n):
        c, r = i % side, i // side
        acres = rng.uniform(40, 160)
        w = np.sqrt(acres * 4046.86) / (111_320 * np.cos(np.radians(33)))  # deg lon
        h = np.sqrt(acres * 4046.86) / 110_574
        x = lon0 + (c + 0.5) * dlon + rng.uniform(-0.2, 0.2) * dlon
        y = lat0 + (r + 0.5) * dlat + rng.uniform(-0.2, 0.2) * dlat
        geoms.append(box(x - w / 2, y - h / 2, x + w / 2, y + h / 2))
        ids.append(f"Q{i + 1:05d}")
    gdf = gpd.GeoDataFrame(
        {"parcel_id": ids, "price_usd_per_acre": rng.uniform(700, 2500, n).round(0)},
        geometry=geoms,
        crs="EPSG:4326",
    )
    path = folder / "small_parcels.geojson"
    gdf.to_file(path, driver="GeoJSON")
    return path


def road_gaps(folder: Path, n: int = 10_000) -> Path:
    """``n`` parcels of 40-160 acres on a grid with roads of 80-150 m between every column and
    row (:mod:`benchmarks.road_grid`): no two parcels touch, none holds a 1e21 data hall, which
    is split into buildings across the roads (issue 21)."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from road_grid import write_road_grid

    return write_road_grid(folder / "road_gaps.gpkg", n)


def square_parcels(path: Path, prefix: str, lon, lat, acres, price) -> Path:
    """Write square parcels of ``acres`` centred on (``lon``, ``lat``) [deg] with prices
    [$/acre] as a WGS84 GeoJSON layer ``path`` (ids ``prefix`` + number)."""
    side_m = np.sqrt(np.asarray(acres) * 4046.86)
    w = side_m / (111_320 * np.cos(np.radians(lat)))
    h = side_m / 110_574
    geoms = [box(x - a / 2, y - b / 2, x + a / 2, y + b / 2)
             for x, y, a, b in zip(lon, lat, w, h, strict=True)]  # fmt: skip
    ids = [f"{prefix}{i + 1:05d}" for i in range(len(geoms))]
    gdf = gpd.GeoDataFrame({"parcel_id": ids, "price_usd_per_acre": np.round(price, 0)},
                           geometry=geoms, crs="EPSG:4326")  # fmt: skip
    gdf.to_file(path, driver="GeoJSON")
    return path


def spread_layer(folder: Path, n: int = 4_000) -> Path:
    """``n`` parcels of 40-640 acres scattered over about 300 x 300 km of Arizona (31.9-34.6 N,
    114.0-110.8 W; WGS84 GeoJSON): about a hundred weather profiles of 30 km and well over a
    thousand collector hubs; prices 500-3,000 $/acre."""
    rng = np.random.default_rng(20261202)
    lon, lat = rng.uniform(-114.0, -110.8, n), rng.uniform(31.9, 34.6, n)
    acres, price = rng.uniform(40, 640, n), rng.uniform(500, 3000, n)
    return square_parcels(folder / "spread_parcels.geojson", "W", lon, lat, acres, price)


#: pvlib's real typical year for Greensboro, NC (NSRDB 1991-2005 TMY3, humid East)
GREENSBORO_TMY3 = "723170TYA.CSV"


def cloudy_case(folder: Path) -> tuple[Path, Path, Path]:
    """A cloudy climate: pvlib's Greensboro, NC TMY3 file, 60 parcels of 160-640 acres within
    about 40 km of it, three illustrative pumped-hydro pairs in the Uwharrie and Sauratown
    hills (heads 150-250 m). Returns (parcels, reservoirs, weather)."""
    import pvlib

    weather = Path(pvlib.__file__).parent / "data" / GREENSBORO_TMY3
    rng = np.random.default_rng(20261203)
    n = 60
    lon, lat = -79.94 + rng.uniform(-0.4, 0.4, n), 36.08 + rng.uniform(-0.3, 0.3, n)
    acres, price = rng.uniform(160, 640, n), rng.uniform(4000, 12000, n)
    parcels = square_parcels(folder / "nc_parcels.geojson", "NC", lon, lat, acres, price)
    res = folder / "nc_reservoirs.csv"
    res.write_text(
        "site_id,name,lon,lat,head_m,max_volume_m3,fixed_cost_usd,source,year\n"
        "U1,Uwharrie (upper) / Badin,-80.05,35.42,250,20000000,70000000,illustrative,2025\n"
        "S1,Sauratown (upper) / Dan River,-80.35,36.38,220,15000000,60000000,illustrative,2025\n"
        "H1,Hanging Rock (upper) / Dan River,-80.26,36.41,150,10000000,40000000,illustrative,2025\n"
    )
    return parcels, res, weather


def reference_lp_s(repeat: int = 3) -> float:
    """The machine's speed: the median time [s] of one fixed LP (a 200 x 200 transportation
    problem with seeded costs, dual simplex, one thread), so figures from different days
    compare."""
    import highspy
    import scipy.sparse as sp

    rng = np.random.default_rng(7)
    n = 200
    cost = rng.uniform(1, 100, n * n)
    supply = rng.uniform(50, 150, n)
    demand = np.full(n, supply.sum() / n)
    rows = np.concatenate([np.repeat(np.arange(n), n), n + np.tile(np.arange(n), n)])
    a = sp.csc_matrix((np.ones(2 * n * n), (rows, np.tile(np.arange(n * n), 2))))
    times = []
    for _ in range(repeat):
        h = new_highs(quiet=True)
        h.setOptionValue("threads", 1)
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = n * n, 2 * n
        lp.col_cost_, lp.col_lower_ = cost, np.zeros(n * n)
        lp.col_upper_ = np.full(n * n, highspy.kHighsInf)
        lp.row_lower_ = np.concatenate([np.full(n, -highspy.kHighsInf), demand])
        lp.row_upper_ = np.concatenate([supply, np.full(n, highspy.kHighsInf)])
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_, lp.a_matrix_.index_ = a.indptr, a.indices
        lp.a_matrix_.value_ = a.data
        h.passModel(lp)
        t = time.perf_counter()
        h.run()
        times.append(time.perf_counter() - t)
    return float(np.median(times))


def cases(folder: Path) -> dict[str, tuple]:
    """The suite: name -> (a function making its inputs, options); the inputs of a case are
    generated only when it runs."""
    base = RunOptions()
    return {
        "embedded 1e21 sustained": (InputPaths, base),
        "embedded 1e21 average": (InputPaths, replace(base, mode="average")),
        "embedded 1e21 peak": (InputPaths, replace(base, mode="peak")),
        "embedded 1e20 sustained": (InputPaths, replace(base, target_flops=1e20)),
        "embedded 1e20 average": (
            InputPaths,
            replace(base, target_flops=1e20, mode="average"),
        ),
        "seed sustained": (lambda: InputPaths(scenario="seed"), base),
        "seed average": (lambda: InputPaths(scenario="seed"), replace(base, mode="average")),
        "30 sections 75-95 km away, 1e20": (
            lambda: InputPaths(parcels=far_layer(folder)),
            replace(base, target_flops=1e20),
        ),
        "H100 only, no Li-ion, 1e21": (
            lambda: InputPaths(chips=single_chip_catalogue(folder)),
            replace(base, liion=False),
        ),
        "10,000 parcels (benchmark layer) 1e21": (
            lambda: InputPaths(parcels=ten_thousand(folder), column_map="parcel_id=APN"),
            base,
        ),
        "10,000 parcels of 40-160 acres 1e21": (
            lambda: InputPaths(parcels=small_parcels(folder)),
            base,
        ),
        "10,000 parcels with 80-150 m roads 1e21": (
            lambda: InputPaths(parcels=road_gaps(folder)),
            base,
        ),
        "4,000 parcels spread over 300 x 300 km 1e21": (
            lambda: InputPaths(parcels=spread_layer(folder)),
            base,
        ),
        # one design for every year of a record (issue 20): the loop over weather windows
        "record of 3 synthetic years 1e21": (InputPaths, replace(base, weather_years=3)),
        "record of 10 synthetic years 1e21": (InputPaths, replace(base, weather_years=10)),
        "record of 3 synthetic years, reliability 0.999, 1e21": (
            InputPaths,
            replace(base, weather_years=3, max_unserved=0.001),
        ),
        "cloudy: Greensboro NC TMY3, 60 parcels 1e20": (
            lambda: InputPaths(
                **dict(zip(("parcels", "reservoirs", "weather"), cloudy_case(folder), strict=True))
            ),  # fmt: skip
            replace(base, target_flops=1e20),
        ),
    }


def run_case(paths: InputPaths, opts: RunOptions, reports: Path) -> dict:
    """One full run; every figure of the row."""
    t0 = time.perf_counter()
    try:
        run = run_solve(paths, opts)
        export_run(run, reports)
    except ZoptError as err:
        return {"exit": type(err).__name__, "message": str(err), "wall_s": time.perf_counter() - t0}
    s = run.solver
    return {
        "exit": 0,
        "wall_s": time.perf_counter() - t0,
        "timings_s": dict(run.timings_s),
        "cost_usd": run.total_cost_usd,
        "gap": s["gap"],
        "status": s["status"],
        "time_limit_reached": s["time_limit_reached"],
        "stages": [
            {k: st[k] for k in ("stage", "seconds", "status", "time_limit_reached")}
            for st in s["stages"]
        ],
        "record_loop": s.get("record_loop"),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def run_isolated(name: str) -> dict:
    """Case ``name`` in a fresh process (``--one``) with an empty PV cache; its row."""
    here = Path(__file__).resolve().parent
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "PYTHONPATH": str(here.parent), "ZOPT_CACHE_DIR": f"{tmp}/pv"}
        p = subprocess.run(
            [sys.executable, str(here / "suite.py"), "--one", name, "--folder", tmp],
            env=env, capture_output=True, text=True,
        )  # fmt: skip
    if p.returncode != 0:
        return {"exit": f"rc {p.returncode}", "message": p.stderr[-300:], "wall_s": float("nan")}
    return json.loads(p.stdout.strip().splitlines()[-1])


def row(name: str, r: dict) -> str:
    """A Markdown table row."""
    if r["exit"] != 0:
        return f"| {name} | {r['exit']} | | | | {r['wall_s']:.1f} | | {r['message'][:90]} |"
    t = r["timings_s"]
    limit = "yes" if r["time_limit_reached"] else "no"
    calls = ", ".join(f"{st['seconds']:.1f}" for st in r["stages"])
    return (
        f"| {name} | ${r['cost_usd']:,.0f} | {100 * r['gap']:.3f}% | {limit} | "
        f"{t.get('solve', 0):.1f} ({calls}) | {r['wall_s']:.1f} | "
        f"{r.get('peak_rss_mb', float('nan')):,.0f} | {r['status']} |"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--cases",
        default="",
        help="comma-separated parts of case names, e.g. 'roads' (default: all)",
    )
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--one", default=None, help=argparse.SUPPRESS)  # a case, in this process
    ap.add_argument("--folder", type=Path, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one is not None:  # the worker of run_isolated: the row as JSON on the last line
        make_paths, opts = cases(args.folder)[args.one]
        print(json.dumps(run_case(make_paths(), opts, args.folder / "reports"), default=float))
        return
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; reference LP {reference_lp_s():.2f} s\n"
    )
    print(
        "| case | total cost | proven gap | time limit | solve [s] (per call) | wall [s] | "
        "peak memory [MB] | status |"
    )
    print("|---|---|---|---|---|---|---|---|")
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        all_cases = cases(folder)
        wanted = [w.strip() for w in args.cases.split(",") if w.strip()]
        if any(args.cases.strip() in name for name in all_cases):
            wanted = [args.cases.strip()]  # a part with a comma, e.g. "4,000 parcels"
        for name in all_cases:
            if wanted and not any(w in name for w in wanted):
                continue
            out[name] = run_isolated(name)
            print(row(name, out[name]), flush=True)
    after = reference_lp_s()
    print(f"\nreference LP after the suite: {after:.2f} s")
    out["_machine"] = {"reference_lp_s_after": after}
    if args.json:
        args.json.write_text(json.dumps(out, indent=1, default=float))


if __name__ == "__main__":
    main()
