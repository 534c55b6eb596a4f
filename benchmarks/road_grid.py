"""A parcel layer with roads between the parcels: a grid whose columns and rows are separated
by road allowances, so that no two parcels touch (issue 21, a campus across the road).

Run from the repository root to write a layer::

    PYTHONPATH=. python benchmarks/road_grid.py OUT.gpkg [--parcels N] [--min-gap-m 80]

Column widths and row heights are drawn so that every parcel has ``min_acres``-``max_acres``
[acre]; the gap between neighbouring columns (rows) is drawn in ``min_gap_m``-``max_gap_m``
[m]. Deterministic (fixed seed). Used by ``benchmarks/suite.py`` (10,000 parcels) and by
``tests/test_cli_campus.py`` (a small layer).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import geopandas as gpd
import numpy as np
from shapely.geometry import Point, box

UTM = "EPSG:32612"
M2_PER_ACRE = 4046.8564224
SEED = 20261202


def road_grid(
    n: int,
    min_acres: float = 40.0,
    max_acres: float = 160.0,
    min_gap_m: float = 80.0,
    max_gap_m: float = 150.0,
    origin_lonlat: tuple[float, float] = (-113.05, 33.25),
    seed: int = SEED,
    buildable_fraction: float = 0.9,
) -> gpd.GeoDataFrame:
    """``n`` parcels (``parcel_id`` R00001.., ``price_usd_per_acre`` 700-2,500,
    ``buildable_fraction``) on a square-ish grid with roads of ``min_gap_m``-``max_gap_m`` [m]
    between columns and rows, in UTM zone 12N."""
    rng = np.random.default_rng(seed)
    cols = int(np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / cols))
    lo, hi = np.sqrt(min_acres * M2_PER_ACRE), np.sqrt(max_acres * M2_PER_ACRE)
    width, height = rng.uniform(lo, hi, cols), rng.uniform(lo, hi, rows)
    height = np.clip(height, min_acres * M2_PER_ACRE / width.min(), None)  # >= min_acres
    height = np.minimum(height, max_acres * M2_PER_ACRE / width.max())  # <= max_acres
    gap_x, gap_y = rng.uniform(min_gap_m, max_gap_m, cols), rng.uniform(min_gap_m, max_gap_m, rows)
    x = np.concatenate(([0.0], np.cumsum(width + gap_x)[:-1]))
    y = np.concatenate(([0.0], np.cumsum(height + gap_y)[:-1]))
    o = gpd.GeoSeries([Point(origin_lonlat)], crs="EPSG:4326").to_crs(UTM).iloc[0]
    geoms = [box(o.x + x[c], o.y + y[r], o.x + x[c] + width[c], o.y + y[r] + height[r])
             for r in range(rows) for c in range(cols)][:n]  # fmt: skip
    return gpd.GeoDataFrame(
        {
            "parcel_id": [f"R{i + 1:05d}" for i in range(n)],
            "price_usd_per_acre": rng.uniform(700, 2500, n).round(0),
            "buildable_fraction": buildable_fraction,
        },
        geometry=geoms,
        crs=UTM,
    )


def write_road_grid(path: Path, n: int, **kw) -> Path:
    """Write :func:`road_grid` to ``path`` (GeoPackage, layer ``parcels``); return ``path``."""
    road_grid(n, **kw).to_file(path, layer="parcels", driver="GPKG")
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--parcels", type=int, default=10_000)
    ap.add_argument("--min-gap-m", type=float, default=80.0)
    ap.add_argument("--max-gap-m", type=float, default=150.0)
    args = ap.parse_args()
    write_road_grid(args.out, args.parcels, min_gap_m=args.min_gap_m, max_gap_m=args.max_gap_m)
    print(args.out)


if __name__ == "__main__":
    main()
