"""Benchmark: 10,000 generated candidate parcels solved for a 1e21 FLOPS target.

Run from the repository root::

    PYTHONPATH=. python benchmarks/parcels_10k.py [--parcels N] [--mip-gap G] [--threads T]

Generates, deterministically (fixed seed) into a temporary folder, a GeoPackage layer of N
parcels (default 10,000) on a 100 x 100 grid of 500 m cells west of Phoenix (about 62 acres each;
half of them touch their neighbours, half keep a 15 m gap) plus 8 flagged 640-acre compute-site
parcels south of the grid, and an exclusion layer of three washes (lines, buffered 100 m).
Runs the solve through :mod:`optimizer.pipeline` and prints timings split read / yield / geo /
build / solve / verify / export, the model sizes, and the number of hourly rows (constraints
indexed by time) of the hourly model for the embedded 120 parcels and for the generated layer.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyomo.environ as pyo
from shapely.geometry import LineString, Point, box

from optimizer.inputs.bundle import InputPaths, load_inputs
from optimizer.model.build import build_model
from optimizer.model.from_inputs import model_data_from_inputs
from optimizer.model.site import site_data_from_inputs
from optimizer.pipeline import RunOptions, export_run, run_solve
from optimizer.resource.profiles import build_profiles
from optimizer.resource.solar import PVSystemParams
from optimizer.solve.highs import SolveOptions

UTM = "EPSG:32612"
ORIGIN_LONLAT = (-113.10, 33.20)
CELL_M = 500.0
SEED = 20251128


def make_layer(folder: Path, n: int) -> tuple[Path, Path]:
    """Write ``parcels.gpkg`` (layer ``parcels``) and ``washes.geojson``; return both paths."""
    rng = np.random.default_rng(SEED)
    o = gpd.GeoSeries([Point(ORIGIN_LONLAT)], crs="EPSG:4326").to_crs(UTM).iloc[0]
    side = int(np.ceil(np.sqrt(n - 8)))
    cells = np.arange(n - 8)
    col, row = cells % side, cells // side
    inset = np.where(rng.random(len(cells)) < 0.5, 0.0, 15.0)
    geoms = [
        box(
            o.x + c * CELL_M + g,
            o.y + r * CELL_M + g,
            o.x + (c + 1) * CELL_M,
            o.y + (r + 1) * CELL_M,
        )
        for c, r, g in zip(col, row, inset, strict=True)
    ]
    mile = 1609.344
    geoms += [box(o.x + k * 6000.0, o.y - 3000.0, o.x + k * 6000.0 + mile, o.y - 3000.0 + mile)
              for k in range(8)]  # fmt: skip
    gdf = gpd.GeoDataFrame(
        {
            "APN": [f"G{i + 1:05d}" for i in range(n)],
            "price_usd_per_acre": np.round(rng.uniform(600, 3000, n), -1),
            "buildable_fraction": np.round(rng.uniform(0.6, 0.98, n), 2),
            "elevation_m": np.round(rng.uniform(300, 450, n)),
            "compute_site": [0] * (n - 8) + [1] * 8,
        },
        geometry=geoms,
        crs=UTM,
    )
    parcels = folder / "parcels.gpkg"
    gdf.to_file(parcels, layer="parcels", driver="GPKG")
    span = side * CELL_M
    washes = [
        LineString([(o.x, o.y + f * span), (o.x + span, o.y + (f + 0.1) * span)])
        for f in (0.2, 0.5, 0.8)
    ]
    excl = folder / "washes.geojson"
    gpd.GeoDataFrame({"name": ["wash A", "wash B", "wash C"]}, geometry=washes, crs=UTM).to_crs(
        "EPSG:4326"
    ).to_file(excl, driver="GeoJSON")
    return parcels, excl


def hourly_rows(paths: InputPaths) -> int:
    """Rows of the hourly model indexed by time (they must not grow with the parcel count)."""
    inputs = load_inputs(paths)
    prof = build_profiles(inputs.parcels, None, PVSystemParams.from_prices(inputs.prices))
    data = model_data_from_inputs(inputs, prof, 1e21)
    data.land.site = site_data_from_inputs(inputs, data.land)
    m = build_model(data)
    rows = 0
    for con in m.component_objects(pyo.Constraint, active=True, descend_into=True):
        index = con.index_set()
        subsets = list(index.subsets()) if con.is_indexed() else []
        if any(s is m.T for s in subsets):
            rows += len(con)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--parcels", type=int, default=10_000)
    ap.add_argument("--mip-gap", type=float, default=1e-2)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--time-limit", type=float, default=300.0)
    ap.add_argument("--skip-hourly-rows", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t = time.perf_counter()
        parcels, excl = make_layer(folder, args.parcels)
        print(f"generated {args.parcels} parcels in {time.perf_counter() - t:.1f} s")
        paths = InputPaths(
            parcels=parcels,
            parcels_layer="parcels",
            column_map="parcel_id=APN",
            exclude=[excl],
            exclude_buffer_m=100.0,
        )
        opts = RunOptions(
            target_flops=1e21,
            solve=SolveOptions(mip_rel_gap=args.mip_gap, threads=args.threads,
                               time_limit_s=args.time_limit),
        )  # fmt: skip
        t0 = time.perf_counter()
        run = run_solve(paths, opts, progress=lambda msg: print("  " + msg, flush=True))
        folder_out = export_run(run, folder / "reports")
        total = time.perf_counter() - t0
        tm = run.timings_s
        print("timings [s]: " + ", ".join(f"{k} {v:.1f}" for k, v in tm.items()))
        print(f"total (read to export) {total:.1f} s")
        s = run.solver
        print(
            f"final LP: {s['rows']:,} rows x {s['columns']:,} columns; {len(s['stages'])} "
            f"solver calls, time limit reached: {s['time_limit_reached']}"
        )
        print(f"solver: {s['status']}; objective ${run.total_cost_usd:,.0f}")
        print(f"parcels bought {int(run.solution.parcel_selected.sum())}, "
              f"site {run.data.land.ids[run.solution.meta['site'].parcel]}, "
              f"wrote {sorted(p.name for p in folder_out.iterdir())}")  # fmt: skip
        if not args.skip_hourly_rows:
            print(f"hourly rows, embedded 120 parcels: {hourly_rows(InputPaths()):,}")
            print(f"hourly rows, {args.parcels} parcels: {hourly_rows(paths):,}")


if __name__ == "__main__":
    main()
