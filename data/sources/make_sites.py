"""Regenerate the embedded, illustrative candidate parcels and pumped-hydro sites.

Run from the repository root: ``python data/sources/make_sites.py``. Deterministic (fixed seed).

The parcels are *illustrative*: rectangles laid on the 1-mile Public Land Survey System grid of the
Harquahala / Tonopah valleys west of Phoenix, Arizona (a sunny, hilly part of the Sonoran desert:
Saddle, Big Horn, Belmont and Gila Bend mountains nearby). They are not real ownership records.
Sizes are whole PLSS aliquot parts (40, 80, 160, 320, 640 acres). Prices per acre scale the USDA
NASS 2023 Mountain-region pasture value (808 $/acre) by an access factor (0.8x far from roads to
3x next to Interstate 10); elevations follow the valley floor (about 300-450 m).
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
from shapely.geometry import Point, box

DATA = Path(__file__).resolve().parents[1]
UTM = "EPSG:32612"  # WGS 84 / UTM zone 12N (metres)
MILE_M = 1609.344
SEED = 20251128
N_PARCELS = 120
ORIGIN_LONLAT = (-113.10, 33.28)  # south-west corner of the candidate area
SIZES_ACRES = np.array([40, 80, 160, 320, 640])
SIZE_WEIGHTS = np.array([0.05, 0.10, 0.20, 0.30, 0.35])
USDA_PASTURE_MOUNTAIN_USD_PER_ACRE = 808.0
I10_LAT = 33.43  # Interstate 10 runs roughly east-west here


def _parcel_rectangle(x0: float, y0: float, acres: int) -> object:
    """Return a PLSS aliquot rectangle [UTM m] in the section whose SW corner is (x0, y0)."""
    half, quarter = MILE_M / 2, MILE_M / 4
    shapes = {
        640: (MILE_M, MILE_M),
        320: (MILE_M, half),
        160: (half, half),
        80: (half, quarter),
        40: (quarter, quarter),
    }
    w, h = shapes[int(acres)]
    return box(x0, y0, x0 + w, y0 + h)


def make_parcels(rng: np.random.Generator) -> gpd.GeoDataFrame:
    """Draw ``N_PARCELS`` parcels on distinct sections of a 24 x 18 mile grid."""
    origin = gpd.GeoSeries([Point(ORIGIN_LONLAT)], crs="EPSG:4326").to_crs(UTM).iloc[0]
    cells = rng.choice(24 * 18, size=N_PARCELS, replace=False)
    rows = []
    for cell in sorted(cells):
        col, row = divmod(int(cell), 18)
        x0, y0 = origin.x + col * MILE_M, origin.y + row * MILE_M
        acres = int(rng.choice(SIZES_ACRES, p=SIZE_WEIGHTS))
        rows.append(
            {"col": col, "row": row, "acres": acres, "geometry": _parcel_rectangle(x0, y0, acres)}
        )
    gdf = gpd.GeoDataFrame(rows, crs=UTM).to_crs("EPSG:4326")
    lat = gdf.to_crs(UTM).geometry.centroid.to_crs("EPSG:4326").y.to_numpy()
    access = 0.8 + 2.2 * np.exp(-np.abs(lat - I10_LAT) / 0.05) + rng.uniform(0, 0.4, len(gdf))
    price = np.round(USDA_PASTURE_MOUNTAIN_USD_PER_ACRE * access, -1)
    gdf = gdf.assign(
        parcel_id=[f"P{i + 1:03d}" for i in range(len(gdf))],
        name=[
            f"T{1 + r // 6}N R{8 + c // 6}W sec {1 + (r % 6) * 6 + c % 6}"
            for c, r in zip(gdf["col"], gdf["row"], strict=True)
        ],
        price_usd_per_acre=price,
        buildable_fraction=np.round(rng.uniform(0.70, 0.98, len(gdf)), 2),
        elevation_m=np.round(300 + 150 * rng.random(len(gdf)) + 4 * gdf["row"]).astype(int),
        source="illustrative; price = USDA NASS 2023 Mountain pasture 808 $/acre x access factor",
        year=2023,
    )
    return gdf[
        [
            "parcel_id",
            "name",
            "price_usd_per_acre",
            "buildable_fraction",
            "elevation_m",
            "source",
            "year",
            "geometry",
        ]
    ]


RESERVOIRS = [
    # site_id, name, lon, lat, head_m, max_volume_m3, fixed_cost_usd
    ("R1", "Saddle Mountain (upper) / Tonopah valley", -112.96, 33.46, 420, 18e6, 60e6),
    ("R2", "Big Horn Mountains / Harquahala valley", -113.05, 33.62, 520, 25e6, 85e6),
    ("R3", "Belmont Mountains / Winters Wash", -112.83, 33.60, 260, 12e6, 45e6),
    ("R4", "Gila Bend Mountains / Gila River terrace", -113.02, 33.20, 340, 30e6, 70e6),
    ("R5", "Palo Verde Hills / Centennial Wash", -112.90, 33.37, 160, 8e6, 25e6),
]


def make_reservoirs() -> list[dict]:
    """Return the illustrative pumped-hydro candidate pairs as CSV rows."""
    return [
        {
            "site_id": s,
            "name": n,
            "lon": lon,
            "lat": lat,
            "head_m": h,
            "max_volume_m3": int(v),
            "fixed_cost_usd": int(c),
            "source": "illustrative upper/lower pair; head and volume assumed from the relief "
            "of the named range; fixed cost [E] roads tunnels and permitting",
            "year": 2025,
        }
        for s, n, lon, lat, h, v, c in RESERVOIRS
    ]


def main() -> None:
    rng = np.random.default_rng(SEED)
    parcels = make_parcels(rng)
    out = DATA / "parcels.geojson"
    parcels.to_file(out, driver="GeoJSON")
    # round coordinates for a compact, diff-friendly file
    doc = json.loads(out.read_text())
    for feat in doc["features"]:
        feat["geometry"]["coordinates"] = [
            [[round(x, 6), round(y, 6)] for x, y in ring]
            for ring in feat["geometry"]["coordinates"]
        ]
    features = ",\n".join(json.dumps(f) for f in doc.pop("features"))
    head = json.dumps(doc)[:-1]
    out.write_text(head + ', "features": [\n' + features + "\n]}\n")
    import pandas as pd

    pd.DataFrame(make_reservoirs()).to_csv(DATA / "reservoirs.csv", index=False)
    print(f"wrote {len(parcels)} parcels, {len(RESERVOIRS)} reservoir sites")


if __name__ == "__main__":
    main()
