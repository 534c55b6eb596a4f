"""Read a daylight-only transcription of an NSRDB PSM3 typical year into a full 8,760-hour year.

The validation extracts in ``data/weather/validation/`` keep only the rows where the sun is up
(night rows, where DNI = DHI = GHI = 0, are omitted) with the columns
``month, day, hour, dni_w_m2, dhi_w_m2, ghi_w_m2, temp_air_c, wind_speed_m_s``. A first line
``# source: ...; lat L, lon L, elevation E m, time zone Z`` gives the place.

Time convention: as in the PSM3 file (and :mod:`optimizer.inputs.weather`), ``hour`` H is local
standard time and labels the hour beginning at H:00; its sun position is the mid-hour one. The
reader indexes row H at H:00, exactly as :func:`optimizer.inputs.weather.read_weather` floors the
PSM3 stamps H:30 to H:00.

Night hours get zero irradiance; their air temperature and wind speed are interpolated linearly
in time between the last daylight value of one day and the first of the next (the year wraps).
They do not change PV energy (no irradiance at night).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from optimizer.inputs.weather import HOURS_PER_YEAR, MODEL_YEAR, WeatherData
from optimizer.inputs.weather_calendar import standard_tz

#: Extract column -> WeatherData column.
EXTRACT_COLUMNS = {
    "ghi_w_m2": "ghi",
    "dni_w_m2": "dni",
    "dhi_w_m2": "dhi",
    "temp_air_c": "temp_air",
    "wind_speed_m_s": "wind_speed",
}
_META = re.compile(
    r"lat\s+(?P<lat>-?[\d.]+),\s*lon\s+(?P<lon>-?[\d.]+),\s*elevation\s+(?P<alt>-?[\d.]+)\s*m,"
    r"\s*time zone\s+(?P<tz>[-+]?[\d.]+)"
)


def extract_metadata(path: Path) -> dict[str, float]:
    """Latitude [deg], longitude [deg], altitude [m] and UTC offset [h] from the comment line."""
    with open(path, encoding="utf-8") as fh:
        first = fh.readline()
    found = _META.search(first) if first.startswith("#") else None
    if found is None:
        raise ValueError(f"{path}: first line must be '# source: ...; lat L, lon L, ...'")
    return {
        "latitude": float(found["lat"]),
        "longitude": float(found["lon"]),
        "altitude_m": float(found["alt"]),
        "utc_offset_h": float(found["tz"]),
    }


def fill_night(values: np.ndarray) -> np.ndarray:
    """Linear interpolation in time over NaN hours of a periodic year [same unit as values]."""
    n = len(values)
    known = np.flatnonzero(np.isfinite(values))
    x = np.r_[known - n, known, known + n]
    y = np.tile(values[known], 3)
    return np.interp(np.arange(n), x, y)


def read_daylight_extract(path: Path) -> WeatherData:
    """Rebuild the full typical year (8,760 h) of a daylight-only PSM3 extract.

    Parameters
    ----------
    path : extract CSV (comment line with the place, then the columns listed in the module doc)

    Returns
    -------
    WeatherData
        Hour-beginning local standard time in :data:`MODEL_YEAR`; ``ghi, dni, dhi`` [W/m2] zero
        at night; ``temp_air`` [C] and ``wind_speed`` [m/s] interpolated over the night.
    """
    path = Path(path)
    meta = extract_metadata(path)
    rows = pd.read_csv(path, comment="#")
    index = pd.date_range(
        f"{MODEL_YEAR}-01-01",
        periods=HOURS_PER_YEAR,
        freq="h",
        tz=standard_tz(meta["utc_offset_h"]),
    )
    stamps = pd.to_datetime(
        {"year": MODEL_YEAR, "month": rows["month"], "day": rows["day"], "hour": rows["hour"]}
    )
    pos = ((stamps - pd.Timestamp(f"{MODEL_YEAR}-01-01")) // pd.Timedelta(hours=1)).to_numpy()
    if len(np.unique(pos)) != len(pos) or pos.min() < 0 or pos.max() >= HOURS_PER_YEAR:
        raise ValueError(f"{path}: duplicate or out-of-year (month, day, hour) rows")
    df = pd.DataFrame(index=index, columns=list(EXTRACT_COLUMNS.values()), dtype=float)
    for src, dst in EXTRACT_COLUMNS.items():
        col = np.full(HOURS_PER_YEAR, 0.0 if dst in ("ghi", "dni", "dhi") else np.nan)
        col[pos] = rows[src].to_numpy(dtype=float)
        df[dst] = col if dst in ("ghi", "dni", "dhi") else fill_night(col)
    return WeatherData(
        df, meta["latitude"], meta["longitude"], meta["altitude_m"], f"psm3-daylight:{path}"
    )
