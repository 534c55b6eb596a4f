"""A layer of more than 2,000 parcels gets 4-hour coarse blocks and, at a tight gap, a hint."""

import geopandas as gpd
import numpy as np
from shapely.geometry import box

from optimizer.inputs.bundle import InputPaths
from optimizer.pipeline import MANY_PARCELS, RunOptions, _read_inputs
from optimizer.solve.highs import SolveOptions


def _layer(path, n):
    x0, y0 = 300_000.0, 3_690_000.0  # UTM 12N, west of Phoenix
    geoms = [box(x0 + (i % 50) * 300, y0 + (i // 50) * 300, x0 + (i % 50) * 300 + 250,
                 y0 + (i // 50) * 300 + 250) for i in range(n)]  # fmt: skip
    gpd.GeoDataFrame(
        {
            "parcel_id": [f"L{i}" for i in range(n)],
            "price_usd_per_acre": np.full(n, 1000.0),
            "buildable_fraction": np.full(n, 0.9),
        },
        geometry=geoms,
        crs="EPSG:32612",
    ).to_crs("EPSG:4326").to_file(path, driver="GeoJSON")
    return path


def test_large_layer_blocks_and_hint(tmp_path):
    path = _layer(tmp_path / "many.geojson", MANY_PARCELS + 1)
    said: list[str] = []
    _, opts = _read_inputs(InputPaths(parcels=path), RunOptions(), said.append, {})
    assert opts.coarse_block_h == 4
    assert any(s.startswith("hint: 2,001 parcels at --mip-gap 0.001") for s in said)
    said.clear()
    loose = RunOptions(solve=SolveOptions(mip_rel_gap=1e-2), coarse_block_h=2)
    _, opts = _read_inputs(InputPaths(parcels=path), loose, said.append, {})
    assert opts.coarse_block_h == 2  # an explicit choice stays
    assert not any(s.startswith("hint:") for s in said)
