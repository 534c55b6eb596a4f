"""Typical-year hourly weather files: NSRDB PSM3 CSV, TMY3 CSV and EPW, detected by content.

Every file is mapped onto one convention: 8,760 rows indexed at the *beginning* of each hour in
local standard time (fixed UTC offset), calendar year :data:`MODEL_YEAR`. The sun position for an
hour is taken at mid-hour (index + 30 min) by the PV model.

Time conventions of the sources (pvlib 0.16 readers):

* PSM3 (``read_nsrdb_psm4``): stamps at HH:30, values for that half-hour instant -> floor to HH:00.
* TMY3 (``read_tmy3``): stamps at the *end* of the hour (01:00 .. 24:00) -> minus 1 h.
* EPW (``read_epw``): pvlib already shifts hour 1 to 00:00 (hour-beginning) -> unchanged.

References: Wilcox & Marion, *Users Manual for TMY3 Data Sets*, NREL/TP-581-43156 (2008);
EnergyPlus *Auxiliary Programs*, EPW format; Sengupta et al., *The National Solar Radiation Data
Base (NSRDB)*, RSER 89 (2018) 51-60.
"""

from __future__ import annotations

import csv
import datetime
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from optimizer.errors import ProblemCollector
from optimizer.inputs import weather_checks
from optimizer.inputs.weather_complete import complete, missing_columns

HOURS_PER_YEAR = 8760
HOURS_PER_LEAP_YEAR = 8784
COLUMNS = ["ghi", "dni", "dhi", "temp_air", "wind_speed"]
#: The calendar year every typical-year file is mapped onto (not a leap year).
MODEL_YEAR = 2023
#: Line number (1-based) of the first data row of each format.
FIRST_DATA_LINE = {"psm3": 4, "tmy3": 3, "epw": 9}
#: Shift that turns the reader's stamps into hour-beginning stamps.
TO_HOUR_BEGINNING = {
    "psm3": pd.Timedelta(0),
    "tmy3": pd.Timedelta(hours=-1),
    "epw": pd.Timedelta(0),
}


@dataclass
class WeatherData:
    """Hourly weather for one place over a typical (non-leap) year.

    ``df`` has 8,760 rows indexed by local standard time at the beginning of each hour (tz-aware,
    fixed offset) and the columns ``ghi, dni, dhi`` [W/m2], ``temp_air`` [C],
    ``wind_speed`` [m/s]. ``latitude, longitude`` [deg], ``altitude_m`` [m]. ``notes`` says
    what zopt changed, e.g. ``"GHI computed from DNI and DHI and the solar position"``.
    """

    df: pd.DataFrame
    latitude: float
    longitude: float
    altitude_m: float
    source: str
    notes: list[str] = field(default_factory=list)


def detect_format(path: Path) -> str | None:
    """Return ``'psm3'``, ``'epw'``, ``'tmy3'`` or None from the first lines of ``path``."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            lines = [fh.readline() for _ in range(3)]
    except OSError:
        return None
    first = lines[0]
    if first.startswith("LOCATION,"):
        return "epw"
    if first.startswith("Source,") or "NSRDB" in lines[1][:10]:
        return "psm3"
    if len(first.split(",")) == 7 and "Date (MM/DD/YYYY)" in lines[1]:
        return "tmy3"
    return None


def _read_raw(path: Path, fmt: str):
    """Read with the pvlib reader of ``fmt``; return (df, lat [deg], lon [deg], altitude [m])."""
    import pvlib

    if fmt == "psm3":
        df, meta = pvlib.iotools.read_nsrdb_psm4(str(path), map_variables=True)
    elif fmt == "epw":
        df, meta = pvlib.iotools.read_epw(str(path))
    else:
        df, meta = pvlib.iotools.read_tmy3(str(path), map_variables=True)
    return df, float(meta["latitude"]), float(meta["longitude"]), float(meta.get("altitude") or 0)


def _locate_unreadable_cells(path: Path, fmt: str, problems: ProblemCollector) -> None:
    """After a reader failure, report the cells that are not numbers (first 10)."""
    first = FIRST_DATA_LINE[fmt]
    found = 0
    with open(path, encoding="utf-8", errors="replace") as fh:
        rows = list(csv.reader(fh))
    header = rows[first - 2] if fmt != "epw" else [""] * 35
    for line_no, row in enumerate(rows[first - 1 :], start=first):
        for j, cell in enumerate(row[: len(header)]):
            text = cell.strip()
            skip = fmt == "tmy3" and j < 2
            if text == "" or skip or _is_number(text):
                continue
            col = header[j] if j < len(header) and header[j] else f"field {j + 1}"
            if found < 10:
                problems.add(f"row {line_no}", col, "not a number", found=repr(text))
            found += 1
    if found > 10:
        problems.add("", "", f"{found - 10} more cells that are not numbers")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _local_naive(index: pd.DatetimeIndex, fmt: str) -> pd.DatetimeIndex:
    """Reader stamps -> tz-naive hour-beginning local standard time (calendar years as in file)."""
    naive = index.tz_localize(None) if index.tz is not None else index
    return (naive + TO_HOUR_BEGINNING[fmt]).floor("h")


def standard_tz(offset_h: float):
    """Time zone of a fixed UTC offset [h]: ``Etc/GMT+7`` for -7 h (as pvlib's PSM3 reader)."""
    if offset_h == int(offset_h):
        return f"Etc/GMT{-int(offset_h):+d}" if offset_h else "UTC"
    return datetime.timezone(datetime.timedelta(hours=offset_h))


def _to_model_year(naive: pd.DatetimeIndex, index: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Map a typical year's mixed calendar years onto :data:`MODEL_YEAR`, keeping local time."""
    mapped = pd.to_datetime(
        {"year": MODEL_YEAR, "month": naive.month, "day": naive.day, "hour": naive.hour}
    )
    offset = index[0].utcoffset() if index.tz is not None else None
    offset_h = offset.total_seconds() / 3600.0 if offset is not None else 0.0
    return pd.DatetimeIndex(mapped).tz_localize(standard_tz(offset_h))


def _check_rows(naive: pd.DatetimeIndex, first: int, problems: ProblemCollector) -> np.ndarray:
    """Check the row count and timestamps; return a mask of rows to keep (Feb 29 dropped)."""
    feb29 = np.asarray((naive.month == 2) & (naive.day == 29))
    n = len(naive)
    if n == HOURS_PER_LEAP_YEAR and feb29.sum() == 24:
        keep = ~feb29  # a declared leap year: drop Feb 29 so the year has 8,760 hours
    else:
        keep = np.ones(n, dtype=bool)
        if feb29.any():
            problems.add(
                f"row {first + int(np.flatnonzero(feb29)[0])}",
                "time",
                "Feb 29 in a file that is not a complete leap year",
                found=f"{n} rows",
                expected=f"{HOURS_PER_LEAP_YEAR} rows with Feb 29",
            )
        if n != HOURS_PER_YEAR:
            problems.add(
                "",
                "",
                "wrong number of hourly rows",
                found=n,
                expected=f"{HOURS_PER_YEAR} (or {HOURS_PER_LEAP_YEAR} for a leap year)",
            )
    # month/day/hour ordering: calendar years differ between TMY months, so compare within a year
    key = (naive.month * 100 + naive.day) * 100 + naive.hour
    step = np.diff(np.asarray(key)[keep])
    rows = np.flatnonzero(keep)
    for i in np.flatnonzero(step <= 0)[:5]:
        problems.add(
            f"row {first + int(rows[i + 1])}",
            "time",
            "timestamp not after the previous one",
            found=str(naive[rows[i + 1]]),
            expected=f"after {naive[rows[i]]}",
        )
    return keep


def _open_weather(path: Path, problems: ProblemCollector):
    """Find, detect, read and check the required columns of a weather file.

    Parameters
    ----------
    path : path of the weather file
    problems : collector that receives the reason when the file cannot be used

    Returns
    -------
    (fmt, df, lat [deg], lon [deg], altitude [m]) or None
        None when the file is missing, of unknown format, unreadable or lacks a column.
    """
    if not path.is_file():
        problems.add("", "", "file not found")
        return None
    fmt = detect_format(path)
    if fmt is None:
        problems.add(
            "row 1", "", "unknown weather file format", expected="NSRDB PSM3 CSV, TMY3 CSV or EPW"
        )
        return None
    try:
        df, lat, lon, alt = _read_raw(path, fmt)
    except Exception as exc:  # pvlib raises KeyError/ValueError/IndexError on malformed files
        problems.add("", "", f"cannot read as {fmt.upper()}: {type(exc).__name__}: {exc}")
        if fmt in ("psm3", "tmy3"):
            _locate_unreadable_cells(path, fmt, problems)
        return None
    missing = missing_columns(df.columns, problems)
    if missing is False:
        return None
    if missing is not None:
        df = df.assign(**{missing: 0.0})  # computed once the time zone is known
    df.attrs["computed"] = missing
    return fmt, df, lat, lon, alt


def read_weather(path: Path) -> tuple[WeatherData | None, ProblemCollector]:
    """Read and validate a typical-year weather file (PSM3, TMY3 or EPW).

    Checks, all collected before returning: known format and required columns (two of GHI, DNI
    and DHI are enough: the third is computed, see :mod:`optimizer.inputs.weather_complete`,
    and said in ``notes`` and the source); 8,760 hourly rows
    (or a complete leap year, whose Feb 29 is dropped); increasing timestamps; no NaN or
    missing-value sentinels (-9999, 9999, EPW 99.9 / 999 ...); values within physical ranges;
    no sunlight at night, GHI not above the extraterrestrial horizontal irradiance, DNI not above
    the solar constant; the daily irradiance centroid within 0.5 h of solar noon (a shifted time
    zone or hour convention is reported with its offset).

    Parameters
    ----------
    path : path of the weather file

    Returns
    -------
    (WeatherData or None, ProblemCollector)
        None whenever any problem was found.
    """
    path = Path(path)
    problems = ProblemCollector(str(path))
    opened = _open_weather(path, problems)
    if opened is None:
        return None, problems
    fmt, df, lat, lon, alt = opened
    first = FIRST_DATA_LINE[fmt]
    naive = _local_naive(pd.DatetimeIndex(df.index), fmt)
    keep = _check_rows(naive, first, problems)
    rows_ok = not problems
    values = df[COLUMNS].apply(pd.to_numeric, errors="coerce").astype(float)
    row_numbers = first + np.flatnonzero(keep)
    values = values.iloc[np.flatnonzero(keep)]
    weather_checks.check_values(values, row_numbers, fmt, problems)
    if not rows_ok:
        return None, problems
    values.index = _to_model_year(naive[keep], pd.DatetimeIndex(df.index))
    notes = _zone_note(values.index, lat, lon)
    if df.attrs.get("computed"):
        notes.append(complete(values, df.attrs["computed"], lat, lon))
    usable = values.where(np.isfinite(values) & (values.abs() < 9000), 0.0)
    weather_checks.check_sun(usable, lat, lon, row_numbers, problems)
    if problems:
        return None, problems
    return WeatherData(values, lat, lon, alt, f"{fmt}:{path}{_note(notes)}", notes), problems


def _zone_note(index: pd.DatetimeIndex, lat: float, lon: float) -> list[str]:
    """A note when the file's UTC offset is not the place's standard time (hours stay the
    file's; the embedded default weather uses the place's standard time)."""
    from optimizer.inputs.timezone import standard_utc_offset_h, zone_name

    file_h = index[0].utcoffset().total_seconds() / 3600.0
    place_h = standard_utc_offset_h(lat, lon)
    if file_h == place_h:
        return []
    return [
        f"the file keeps UTC{file_h:+g} while {zone_name(lat, lon)} keeps UTC{place_h:+g} "
        "standard time: hours are shown in the file's time"
    ]


def _note(notes: list[str]) -> str:
    return f" ({'; '.join(notes)})" if notes else ""
