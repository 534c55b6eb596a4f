"""Pumped-hydro candidate sites: an upper/lower reservoir pair per row."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from optimizer.errors import ProblemCollector
from optimizer.inputs.tables import (
    check_unique,
    parse_number,
    read_csv_table,
    require_columns,
    row_number,
)

REQUIRED = ["site_id", "lat", "lon", "head_m", "max_volume_m3"]


def _parse_site_row(rec: dict, where: str, problems: ProblemCollector) -> dict | None:
    """Validate one reservoir row; return its record, or None if a required figure is bad.

    Parameters
    ----------
    rec : the raw row (column name -> cell text)
    where : location for problem messages, e.g. ``"row 3"``
    problems : collector that receives every problem found in the row

    Returns
    -------
    dict or None
        ``site_id, name, lat [deg], lon [deg], head_m [m], max_volume_m3 [m3],
        mean_depth_m [m] (NaN when empty), fixed_cost_usd [$] (0 when empty), source, year``.
    """
    vals = {
        "lat": parse_number(rec["lat"], where, "lat", problems, minimum=-90, maximum=90),
        "lon": parse_number(rec["lon"], where, "lon", problems, minimum=-180, maximum=180),
        "head_m": parse_number(
            rec["head_m"], where, "head_m", problems, strictly_positive=True, maximum=2000
        ),
        "max_volume_m3": parse_number(
            rec["max_volume_m3"],
            where,
            "max_volume_m3",
            problems,
            strictly_positive=True,
            maximum=1e11,
        ),
        "mean_depth_m": parse_number(
            rec.get("mean_depth_m", ""),
            where,
            "mean_depth_m",
            problems,
            strictly_positive=True,
            maximum=500,
            required=False,
        ),
        "fixed_cost_usd": parse_number(
            rec.get("fixed_cost_usd", ""),
            where,
            "fixed_cost_usd",
            problems,
            minimum=0,
            maximum=1e11,
            required=False,
        ),
    }
    if any(vals[c] is None for c in ("lat", "lon", "head_m", "max_volume_m3")):
        return None
    vals["mean_depth_m"] = float("nan") if vals["mean_depth_m"] is None else vals["mean_depth_m"]
    vals["fixed_cost_usd"] = vals["fixed_cost_usd"] or 0.0
    return {
        "site_id": rec["site_id"].strip(),
        "name": rec.get("name", ""),
        **vals,
        "source": rec.get("source", ""),
        "year": rec.get("year", ""),
    }


def read_reservoirs(path: Path) -> tuple[pd.DataFrame | None, ProblemCollector]:
    """Read and validate reservoir sites.

    Returns columns ``site_id, name, lat, lon, head_m [m], max_volume_m3 [m3], mean_depth_m [m],
    fixed_cost_usd [$], source, year``. ``mean_depth_m`` (surface area = volume / depth, used for
    evaporation) is NaN when absent (the prices table's ``phs_mean_depth_m`` applies) and
    ``fixed_cost_usd`` is 0 when absent or empty.
    """
    problems = ProblemCollector(str(path))
    df = read_csv_table(Path(path), problems)
    if df is None or not require_columns(df, REQUIRED, problems):
        return None, problems
    check_unique(
        df["site_id"].str.strip().tolist(),
        "site_id",
        problems,
        lambda i: f"row {row_number(df, i)}",
    )
    rows = []
    for i, rec in enumerate(df.to_dict("records")):
        row = _parse_site_row(rec, f"row {row_number(df, i)}", problems)
        if row is not None:
            rows.append(row)
    return pd.DataFrame(rows), problems
