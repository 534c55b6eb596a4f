"""Hourly weather files -> weather years on the model calendar (8,760 hours each).

Formats, detected by content and read with pvlib's readers (:mod:`.weather_formats`):
NSRDB PSM3 CSV (typical or single years, hourly or sub-hourly), TMY3 CSV, TMY2, EPW, PVGIS
typical years and PVGIS hourly series (CSV or JSON). Every weather year is mapped onto one
convention: 8,760 rows indexed at the *beginning* of each hour in local standard time (fixed UTC
offset), calendar year :data:`MODEL_YEAR`; rows are mapped onto the model year by month, day and
hour before anything else (:mod:`optimizer.inputs.weather_calendar`). The sun position for an
hour is taken at mid-hour (index + 30 min) by the PV model.

References: Wilcox & Marion, *Users Manual for TMY3 Data Sets*, NREL/TP-581-43156 (2008);
EnergyPlus *Auxiliary Programs*, EPW format; Sengupta et al., *The National Solar Radiation Data
Base (NSRDB)*, RSER 89 (2018) 51-60; Huld et al., Solar Energy 86 (2012) 1803-1815 (PVGIS).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from optimizer.errors import ProblemCollector
from optimizer.inputs import weather_checks, weather_formats
from optimizer.inputs.timezone import standard_utc_offset_h, zone_name
from optimizer.inputs.weather_calendar import (
    HOURS_PER_LEAP_YEAR,
    HOURS_PER_YEAR,
    MODEL_YEAR,
    model_index,
    split_years,
)
from optimizer.inputs.weather_complete import complete, missing_columns
from optimizer.inputs.weather_formats import FIRST_DATA_LINE, RawWeather

__all__ = ["HOURS_PER_LEAP_YEAR", "HOURS_PER_YEAR", "MODEL_YEAR", "WeatherData", "read_weather"]

COLUMNS = ["ghi", "dni", "dhi", "temp_air", "wind_speed"]


@dataclass
class WeatherData:
    """Hourly weather for one place over one weather year mapped onto the (non-leap) model year.

    ``df`` has 8,760 rows indexed by local standard time at the beginning of each hour (tz-aware,
    fixed offset) and the columns ``ghi, dni, dhi`` [W/m2], ``temp_air`` [C],
    ``wind_speed`` [m/s]. ``latitude, longitude`` [deg], ``altitude_m`` [m]. ``notes`` says
    what zopt changed, e.g. ``"GHI computed from DNI and DHI and the solar position"``.
    ``label`` is ``"typical"``, the calendar year (``"2017"``) or ``"synthetic N"``; ``file``
    the file it was read from (empty for the embedded default).
    """

    df: pd.DataFrame
    latitude: float
    longitude: float
    altitude_m: float
    source: str
    notes: list[str] = field(default_factory=list)
    label: str = "typical"
    file: str = ""


def detect_format(path: Path) -> str | None:
    """Return the format key of ``path`` (see :data:`weather_formats.FORMAT_NAMES`) or None."""
    return weather_formats.detect_format(Path(path))


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


def _open_weather(path: Path, problems: ProblemCollector) -> RawWeather | None:
    """Find, detect, read and check the required columns of a weather file.

    Parameters
    ----------
    path : path of the weather file
    problems : collector that receives the reason when the file cannot be used

    Returns
    -------
    RawWeather or None
        None when the file is missing, of unknown format, unreadable or lacks a column.
    """
    if not path.is_file():
        problems.add("", "", "file not found")
        return None
    fmt = detect_format(path)
    if fmt is None:
        problems.add("row 1", "", "unknown weather file format",
                     expected=", ".join(weather_formats.FORMAT_NAMES.values()))  # fmt: skip
        return None
    try:
        raw = weather_formats.read_raw(path, fmt, problems)
    except Exception as exc:  # pvlib raises KeyError/ValueError/IndexError on malformed files
        name = weather_formats.FORMAT_NAMES[fmt]
        problems.add("", "", f"cannot read as {name}: {type(exc).__name__}: {exc}")
        if fmt in ("psm3", "tmy3"):
            _locate_unreadable_cells(path, fmt, problems)
        return None
    if raw is None:
        return None
    missing = missing_columns(raw.df.columns, problems)
    if missing is False:
        return None
    if missing is not None:
        raw.df = raw.df.assign(**{missing: 0.0})  # computed once the time zone is known
    raw.df.attrs["computed"] = missing
    return raw


def read_weather_years(path: Path) -> tuple[list[WeatherData], ProblemCollector]:
    """Read and validate every weather year of a weather file (see the module doc).

    Checks, all collected before returning: known format and required columns (two of GHI, DNI
    and DHI are enough: the third is computed, see :mod:`optimizer.inputs.weather_complete`,
    and said in ``notes`` and the source); every hour of each year once (a complete leap year
    loses Feb 29, said in the notes); increasing timestamps; no NaN or missing-value sentinels
    (-9999, 9999, EPW 99.9 / 999 ...); values within physical ranges; no sunlight at night, GHI
    not above the extraterrestrial horizontal irradiance, DNI not above the solar constant; the
    daily irradiance centroid within 0.5 h of solar noon (a shifted time zone or hour convention
    is reported with its offset).

    Parameters
    ----------
    path : path of the weather file

    Returns
    -------
    (list of WeatherData, ProblemCollector)
        One WeatherData per weather year (file order); empty whenever any problem was found.
    """
    path = Path(path)
    problems = ProblemCollector(str(path))
    raw = _open_weather(path, problems)
    if raw is None:
        return [], problems
    years = [_year_data(raw, year, path, problems) for year in split_years(raw, problems)]
    if problems:
        return [], problems
    return years, problems


def _year_data(raw: RawWeather, year, path: Path, problems: ProblemCollector):
    """One weather year of ``raw`` on the model calendar, its values checked."""
    order = np.argsort(year.hours, kind="stable")
    take, hours = year.take[order], year.hours[order]
    values = raw.df.iloc[take][COLUMNS].apply(pd.to_numeric, errors="coerce").astype(float)
    rows = raw.rows[take]
    n_before = len(problems.problems)
    weather_checks.check_values(values, rows, raw.fmt, problems)
    if len(take) != HOURS_PER_YEAR or len(np.unique(hours)) != HOURS_PER_YEAR:
        return None
    values.index = model_index(hours, raw.utc_offset_h)
    notes = list(raw.notes) + list(year.notes) + _zone_note(values.index, raw.latitude,
                                                            raw.longitude)  # fmt: skip
    if raw.df.attrs.get("computed"):
        notes.append(complete(values, raw.df.attrs["computed"], raw.latitude, raw.longitude))
    usable = values.where(np.isfinite(values) & (values.abs() < 9000), 0.0)
    weather_checks.check_sun(usable, raw.latitude, raw.longitude, rows, problems)
    if len(problems.problems) > n_before:
        return None
    label = "" if year.label == "typical" else f" {year.label}"
    source = f"{raw.fmt}:{path}{label}{_note(notes)}"
    return WeatherData(values, raw.latitude, raw.longitude, raw.altitude_m, source, notes,
                       year.label, str(path))  # fmt: skip


def read_weather(path: Path) -> tuple[WeatherData | None, ProblemCollector]:
    """Read and validate a weather file and return its first weather year.

    The checks are those of :func:`read_weather_years`; a file of several years (a series)
    gives its first year, and says so in ``notes``.

    Returns
    -------
    (WeatherData or None, ProblemCollector)
        None whenever any problem was found.
    """
    years, problems = read_weather_years(path)
    if not years:
        return None, problems
    first = years[0]
    if len(years) > 1:
        labels = ", ".join(y.label for y in years)
        first.notes.append(f"the file holds {len(years)} weather years ({labels}); "
                           f"{first.label} is used")  # fmt: skip
    return first, problems


def _zone_note(index: pd.DatetimeIndex, lat: float, lon: float) -> list[str]:
    """A note when the file's UTC offset is not the place's standard time (hours stay the
    file's; the embedded default weather uses the place's standard time)."""

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
