"""Typical-year hourly weather files: NSRDB PSM3 CSV, TMY3 CSV and EPW, detected by content."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from optimizer.errors import ProblemCollector

HOURS_PER_YEAR = 8760
COLUMNS = ["ghi", "dni", "dhi", "temp_air", "wind_speed"]
#: The calendar year every typical-year file is mapped onto (not a leap year).
MODEL_YEAR = 2023


@dataclass
class WeatherData:
    """Hourly weather for one place over a typical (non-leap) year.

    ``df`` has 8,760 rows indexed by local standard time (tz-aware, fixed offset) and the columns
    ``ghi, dni, dhi`` [W/m2], ``temp_air`` [C], ``wind_speed`` [m/s].
    """

    df: pd.DataFrame
    latitude: float
    longitude: float
    altitude_m: float
    source: str


def detect_format(path: Path) -> str | None:
    """Return ``'psm3'``, ``'epw'``, ``'tmy3'`` or None from the first line of ``path``."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            first = fh.readline()
    except OSError:
        return None
    if first.startswith("LOCATION,"):
        return "epw"
    if first.startswith("Source,") or "NSRDB" in first:
        return "psm3"
    if len(first.split(",")) == 7:
        return "tmy3"
    return None


def _read_raw(path: Path, fmt: str):
    import pvlib

    if fmt == "psm3":
        df, meta = pvlib.iotools.read_nsrdb_psm4(str(path), map_variables=True)
        return df, meta["latitude"], meta["longitude"], meta.get("altitude", 0.0)
    if fmt == "epw":
        df, meta = pvlib.iotools.read_epw(str(path))
        return df, meta["latitude"], meta["longitude"], meta.get("altitude", 0.0)
    df, meta = pvlib.iotools.read_tmy3(str(path), map_variables=True)
    return df, meta["latitude"], meta["longitude"], meta.get("altitude", 0.0)


def _to_model_year(index: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Map a typical year's mixed calendar years onto :data:`MODEL_YEAR`, keeping local time."""
    tz = index.tz
    naive = index.tz_localize(None) if tz is not None else index
    mapped = pd.to_datetime({"year": MODEL_YEAR, "month": naive.month, "day": naive.day,
                             "hour": naive.hour, "minute": naive.minute})
    out = pd.DatetimeIndex(mapped)
    return out.tz_localize(tz) if tz is not None else out


def read_weather(path: Path) -> tuple[WeatherData | None, ProblemCollector]:
    """Read and validate a typical-year weather file.

    Checks: known format, 8,760 hourly rows, no NaN or sentinel values (e.g. -9999, 9999),
    irradiance within physical limits (0 <= GHI, DNI <= 1,500 W/m2), monotonic timestamps.
    """
    path = Path(path)
    problems = ProblemCollector(str(path))
    fmt = detect_format(path)
    if fmt is None:
        problems.add("row 1", "", "unknown weather file format",
                     expected="NSRDB PSM3 CSV, TMY3 CSV or EPW")
        return None, problems
    try:
        df, lat, lon, alt = _read_raw(path, fmt)
    except Exception as exc:  # pvlib raises KeyError/ValueError/IndexError on malformed files
        problems.add("", "", f"cannot read as {fmt.upper()}: {type(exc).__name__}: {exc}")
        return None, problems
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        problems.add("header", ",".join(missing), "required weather columns missing",
                     found=", ".join(map(str, df.columns[:12])))
        return None, problems
    df = df[COLUMNS].astype(float)
    if len(df) != HOURS_PER_YEAR:
        problems.add("", "", "wrong number of hourly rows", found=len(df), expected=HOURS_PER_YEAR)
    header_rows = {"psm3": 3, "epw": 9, "tmy3": 3}[fmt]
    limits = {"ghi": (0, 1500), "dni": (0, 1500), "dhi": (0, 1000), "temp_air": (-60, 65),
              "wind_speed": (0, 75)}
    for col, (lo, hi) in limits.items():
        bad = ~np.isfinite(df[col].to_numpy()) | (df[col].to_numpy() < lo) | (df[col].to_numpy() > hi)
        for i in np.flatnonzero(bad)[:5]:
            problems.add(f"row {i + header_rows + 1}", col, "missing or impossible value",
                         found=df[col].iloc[i], expected=f"{lo}..{hi}")
        if bad.sum() > 5:
            problems.add("", col, f"{int(bad.sum()) - 5} more rows with missing or impossible values")
    if problems:
        return None, problems
    df.index = _to_model_year(df.index).floor("h")  # hour-beginning stamps
    if not df.index.is_monotonic_increasing:
        problems.add("", "time", "timestamps are not in increasing order")
        return None, problems
    return WeatherData(df, float(lat), float(lon), float(alt or 0.0), f"{fmt}:{path}"), problems
