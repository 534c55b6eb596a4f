"""Detect a weather file's format and read it with pvlib's reader into calendar fields.

Every reader's output is reduced to :class:`RawWeather`: the columns ``ghi, dni, dhi``
[W/m2], ``temp_air`` [C], ``wind_speed`` [m/s] (or the ones the file has), and per row the
*local standard time* calendar fields ``year, month, day, hour`` of the **beginning** of the
hour the row stands for, in the file's own calendar. Nothing is shifted across a day boundary
here: :mod:`optimizer.inputs.weather_calendar` maps these fields onto the model year.

Time conventions of the sources (pvlib 0.16 readers):

* NSRDB PSM3 (``read_nsrdb_psm4``): stamps HH:30 (hourly) or HH:00/HH:30 (30-min), values for
  that instant. Hourly: the hour beginning HH:00. Sub-hourly: the hour's mean of the samples,
  trapezoidal (:func:`hourly_means`).
* TMY3 (``read_tmy3``): ``Time (HH:MM)`` is the *end* of the hour (01:00 .. 24:00) -> the hour
  beginning at HH-1 **on the row's own date** (``02/28/1996 24:00`` is Feb 28, 23:00; pvlib's
  index would say 1996-03-01 00:00, and shifting that lands on Feb 29).
* TMY2 (``read_tmy2``): hour 1..24 ending; pvlib already indexes hour-1 on the row's date.
  Temperature and wind are stored in tenths (TMY2 manual, NREL/SP-463-7668) -> divided by 10.
* EPW (``read_epw``): pvlib already shifts hour 1 to 00:00 (hour-beginning).
* PVGIS typical year (``read_pvgis_tmy``) and hourly series (``read_pvgis_hourly``): stamps in
  **UTC** (HH:00, or HH:10 for SARAH series) -> converted to the place's standard time
  (:mod:`optimizer.inputs.timezone`), floored to the hour. A series must have horizontal
  radiation components (slope 0, "radiation components" ticked): ``Gb(i)`` is then the beam
  and ``Gd(i)`` the diffuse horizontal irradiance, GHI their sum, DNI computed.

References: Wilcox & Marion, NREL/TP-581-43156 (2008) (TMY3); Marion & Urban, NREL (1995)
(TMY2); EnergyPlus Auxiliary Programs (EPW); Sengupta et al., RSER 89 (2018) 51-60 (NSRDB);
Huld et al., Solar Energy 86 (2012) 1803-1815 (PVGIS).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from optimizer.errors import ProblemCollector
from optimizer.inputs.timezone import standard_utc_offset_h

#: Human names of the formats (messages, the run's source line).
FORMAT_NAMES = {
    "psm3": "NSRDB PSM3 CSV",
    "tmy3": "TMY3 CSV",
    "tmy2": "TMY2",
    "epw": "EPW",
    "pvgis_tmy": "PVGIS typical year",
    "pvgis_hourly": "PVGIS hourly series",
}
#: Line number (1-based) of the first data row of the fixed-header formats.
FIRST_DATA_LINE = {"psm3": 4, "tmy3": 3, "epw": 9, "tmy2": 2}
FIELDS = ["year", "month", "day", "hour"]


@dataclass
class RawWeather:
    """A weather file as read, before the mapping onto the model year.

    ``df``: one row per record of the file, weather columns as named in the module doc.
    ``fields``: ``year, month, day, hour`` (local standard time, hour beginning) per row.
    ``rows``: the file's line number (1-based) of each row (records of a JSON file: index + 1).
    ``utc_offset_h``: the local standard time of ``fields`` minus UTC [h].
    """

    fmt: str
    df: pd.DataFrame
    fields: pd.DataFrame
    rows: np.ndarray
    latitude: float
    longitude: float
    altitude_m: float
    utc_offset_h: float
    notes: list[str] = field(default_factory=list)


def detect_format(path: Path) -> str | None:
    """Return the format key (see :data:`FORMAT_NAMES`) from the first bytes of ``path``."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            head = fh.read(4096)
    except OSError:
        return None
    lines = head.splitlines() + ["", "", ""]
    first = lines[0]
    if first.lstrip().startswith("{"):
        if '"tmy_hourly"' in head or "months_selected" in head:
            return "pvgis_tmy"
        return "pvgis_hourly" if '"outputs"' in head or '"inputs"' in head else None
    if first.startswith("LOCATION,"):
        return "epw"
    if first.startswith("Latitude (decimal degrees)"):
        return "pvgis_tmy" if ("month,year" in head or "time(UTC)" in head) else "pvgis_hourly"
    if first.startswith("Source,") or "NSRDB" in lines[1][:10]:
        return "psm3"
    if len(first.split(",")) == 7 and "Date (MM/DD/YYYY)" in lines[1]:
        return "tmy3"
    parts = first.split()
    if parts and len(parts[0]) == 5 and parts[0].isdigit() and len(lines[1]) > 100:
        return "tmy2"
    return None


def read_raw(path: Path, fmt: str, problems: ProblemCollector) -> RawWeather | None:
    """Read ``path`` as ``fmt`` with pvlib's reader; None (with a problem) when it cannot."""
    reader = {
        "psm3": _read_psm3,
        "tmy3": _read_tmy3,
        "tmy2": _read_tmy2,
        "epw": _read_epw,
        "pvgis_tmy": _read_pvgis,
        "pvgis_hourly": _read_pvgis,
    }[fmt]
    return reader(Path(path), fmt, problems)


def _fields(index: pd.DatetimeIndex) -> pd.DataFrame:
    """Calendar fields of tz-aware or naive stamps, in the stamps' own local time."""
    naive = index.tz_localize(None) if index.tz is not None else index
    return pd.DataFrame(
        {"year": naive.year, "month": naive.month, "day": naive.day, "hour": naive.hour}
    )


def _offset_h(index: pd.DatetimeIndex) -> float:
    offset = index[0].utcoffset() if index.tz is not None else None
    return offset.total_seconds() / 3600.0 if offset is not None else 0.0


def _raw(fmt, df, fields, rows, meta_lat, meta_lon, meta_alt, offset_h, notes=None):
    return RawWeather(
        fmt,
        df.reset_index(drop=True),
        fields.reset_index(drop=True).astype(int),
        np.asarray(rows, dtype=int),
        float(meta_lat),
        float(meta_lon),
        float(meta_alt or 0.0),
        float(offset_h),
        list(notes or []),
    )


def _read_psm3(path: Path, fmt: str, problems: ProblemCollector) -> RawWeather | None:
    import pvlib

    df, meta = pvlib.iotools.read_nsrdb_psm4(str(path), map_variables=True)
    index = pd.DatetimeIndex(df.index)
    rows = FIRST_DATA_LINE[fmt] + np.arange(len(df))
    step = _step_minutes(index)
    notes = []
    if step is not None and step < 60 and 60 % step == 0:
        df, index, rows = hourly_means(df, index, 60 // step)
        notes.append(f"{step}-minute samples averaged to hourly means (trapezoidal)")
    fields = _fields(index.floor("h"))
    alt = meta.get("altitude") or meta.get("Elevation") or 0
    return _raw(fmt, df, fields, rows, meta["latitude"], meta["longitude"], alt,
                _offset_h(index), notes)  # fmt: skip


def _step_minutes(index: pd.DatetimeIndex) -> int | None:
    if len(index) < 3:
        return None
    diffs = np.diff(index.as_unit("ns").asi8[:50]) / 60e9
    return int(np.median(diffs))


def hourly_means(df: pd.DataFrame, index: pd.DatetimeIndex, per_hour: int):
    """Hourly means of instantaneous samples taken ``per_hour`` times an hour from HH:00.

    The mean over [HH:00, HH+1:00) of the piecewise-linear signal through the samples
    (trapezoidal rule): weights 1/2, 1, ..., 1, 1/2 over the ``per_hour + 1`` samples from HH:00
    to HH+1:00, divided by ``per_hour``; the last hour reuses its own first sample as the end.

    Returns
    -------
    (hourly DataFrame, hour-beginning index, file line of each hour's first sample)
    """
    values = df.select_dtypes("number").to_numpy(dtype=float)
    n_hours = len(values) // per_hour
    block = values[: n_hours * per_hour].reshape(n_hours, per_hour, -1)
    end = np.concatenate([block[1:, 0, :], block[-1:, 0, :]], axis=0)
    mean = (0.5 * block[:, 0, :] + block[:, 1:, :].sum(axis=1) + 0.5 * end) / per_hour
    cols = df.select_dtypes("number").columns
    out = pd.DataFrame(mean, columns=cols)
    hours = index[: n_hours * per_hour : per_hour]
    first_rows = np.arange(n_hours) * per_hour
    return out, hours, first_rows


def _read_tmy3(path: Path, fmt: str, problems: ProblemCollector) -> RawWeather | None:
    import pvlib

    df, meta = pvlib.iotools.read_tmy3(str(path), map_variables=True)
    date = pd.to_datetime(df["Date (MM/DD/YYYY)"], format="%m/%d/%Y")
    hour_end = df["Time (HH:MM)"].str.split(":").str[0].astype(int)
    fields = pd.DataFrame(
        {"year": date.dt.year, "month": date.dt.month, "day": date.dt.day, "hour": hour_end - 1}
    )
    rows = FIRST_DATA_LINE[fmt] + np.arange(len(df))
    return _raw(fmt, df, fields, rows, meta["latitude"], meta["longitude"], meta["altitude"],
                float(meta["TZ"]))  # fmt: skip


def _read_tmy2(path: Path, fmt: str, problems: ProblemCollector) -> RawWeather | None:
    import pvlib

    df, meta = pvlib.iotools.read_tmy2(str(path))
    out = pd.DataFrame(
        {
            "ghi": df["GHI"].to_numpy(dtype=float),
            "dni": df["DNI"].to_numpy(dtype=float),
            "dhi": df["DHI"].to_numpy(dtype=float),
            "temp_air": df["DryBulb"].to_numpy(dtype=float) / 10.0,  # tenths of deg C
            "wind_speed": df["Wspd"].to_numpy(dtype=float) / 10.0,  # tenths of m/s
        }
    )
    fields = _fields(pd.DatetimeIndex(df.index))
    fields["year"] = df["year"].to_numpy(dtype=int) + 1900  # pvlib keeps the first row's year
    rows = FIRST_DATA_LINE[fmt] + np.arange(len(df))
    return _raw(fmt, out, fields, rows, meta["latitude"], meta["longitude"], meta["altitude"],
                float(meta["TZ"]))  # fmt: skip


def _read_epw(path: Path, fmt: str, problems: ProblemCollector) -> RawWeather | None:
    import pvlib

    df, meta = pvlib.iotools.read_epw(str(path))
    index = pd.DatetimeIndex(df.index)
    fields = _fields(index)
    fields["year"] = df["year"].to_numpy(dtype=int)
    rows = FIRST_DATA_LINE[fmt] + np.arange(len(df))
    return _raw(fmt, df, fields, rows, meta["latitude"], meta["longitude"],
                meta.get("altitude"), _offset_h(index))  # fmt: skip


def _pvgis_first_line(path: Path) -> int:
    """1-based line number of the first data row of a PVGIS CSV (after the ``time`` header)."""
    with open(path, encoding="utf-8", errors="replace") as fh:
        for n, line in enumerate(fh, start=1):
            if line.startswith("time"):
                return n + 1
    return 1


def _read_pvgis(path: Path, fmt: str, problems: ProblemCollector) -> RawWeather | None:
    import pvlib

    is_json = detect_json(path)
    kind = "json" if is_json else "csv"
    reader = pvlib.iotools.read_pvgis_tmy if fmt == "pvgis_tmy" else pvlib.iotools.read_pvgis_hourly
    df, meta = reader(str(path), pvgis_format=kind, map_variables=True)
    inputs = meta.get("inputs", {})
    location = inputs.get("location", inputs)
    lat, lon = float(location["latitude"]), float(location["longitude"])
    alt = float(location.get("elevation") or 0.0)
    if fmt == "pvgis_hourly":
        df = _pvgis_horizontal(df, meta, problems)
        if df is None:
            return None
    offset_h = standard_utc_offset_h(lat, lon)
    utc = pd.DatetimeIndex(df.index)
    utc = utc.tz_localize("UTC") if utc.tz is None else utc.tz_convert("UTC")
    local = (utc.tz_localize(None) + pd.Timedelta(hours=offset_h)).floor("h")
    first = 1 if is_json else _pvgis_first_line(path)
    rows = first + np.arange(len(df))
    note = f"UTC stamps converted to local standard time (UTC{offset_h:+g})"
    fields = _fields(local)
    fields["group"] = np.asarray(utc.year)  # a series is split by its UTC years
    return _raw(fmt, df, fields, rows, lat, lon, alt, offset_h, [note])


def detect_json(path: Path) -> bool:
    with open(path, encoding="utf-8", errors="replace") as fh:
        return fh.read(64).lstrip().startswith("{")


def _pvgis_slope_deg(meta: dict) -> float | None:
    """The plane's slope [deg] of a PVGIS series (None when the file does not say)."""
    inputs = meta.get("inputs", {})
    text = inputs.get("Slope")
    if text is not None:
        try:
            return float(str(text).split()[0])
        except ValueError:
            return None
    mounting = inputs.get("mounting_system", {})
    for system in mounting.values():
        slope = system.get("slope", {}) if isinstance(system, dict) else {}
        try:
            return float(slope.get("value"))
        except (TypeError, ValueError):
            return None
    return None


def _pvgis_horizontal(df: pd.DataFrame, meta: dict, problems: ProblemCollector):
    """GHI, DHI (and beam) from a PVGIS series of horizontal radiation components."""
    slope = _pvgis_slope_deg(meta)
    components = {"poa_direct", "poa_sky_diffuse"} <= set(df.columns)
    if not components or slope is None or slope != 0.0:
        problems.add(
            "header",
            "Gb(i),Gd(i)",
            "a PVGIS series is only usable as horizontal radiation components; download it "
            "with slope 0 deg and 'radiation components' ticked",
            found=f"slope {slope if slope is not None else 'unknown'} deg, columns "
            + ", ".join(map(str, df.columns)),
            expected="slope 0 deg with Gb(i), Gd(i)",
        )
        return None
    beam = df["poa_direct"].astype(float)
    diffuse = df["poa_sky_diffuse"].astype(float)
    out = pd.DataFrame({"ghi": beam + diffuse, "dhi": diffuse}, index=df.index)
    for col in ("temp_air", "wind_speed"):
        if col in df.columns:
            out[col] = df[col].astype(float)
    return out  # DNI is computed from GHI, DHI and the sun (weather_complete)
