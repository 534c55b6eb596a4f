"""Map a weather file's rows onto the model year, one block of 8,760 hours per weather year.

Every row carries the calendar fields of the hour it stands for (local standard time, hour
beginning, in the file's own calendar; :mod:`optimizer.inputs.weather_formats`). Each row is put
at the hour of :data:`MODEL_YEAR` with the same month, day and hour **before** anything else
(pvlib's ``coerce_year`` idea), so a typical year whose February comes from a leap year (a
TMY3's ``02/28/1996 24:00``) never lands on Feb 29.

* **Typical years** (TMY3, TMY2, PVGIS TMY, and any file whose rows are not whole calendar
  years in order): one weather year labelled ``typical``.
* **Series** (NSRDB single-year PSM3, PVGIS hourly series, EPW of actual years): one weather
  year per calendar year (per UTC year for UTC-stamped PVGIS files, whose last hours then wrap to
  the first hours of the same local year: night hours at any place with |UTC offset| <= 12 h),
  labelled by the year.
* **Leap days**: a complete leap year (8,784 hours) loses Feb 29, said in the notes; a Feb 29
  in any other year is an error.
* **Completeness**: every hour of the model year exactly once; duplicates and gaps are errors.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from optimizer.errors import ProblemCollector
from optimizer.inputs.weather_formats import RawWeather

HOURS_PER_YEAR = 8760
HOURS_PER_LEAP_YEAR = 8784
#: The calendar year every weather year is mapped onto (not a leap year).
MODEL_YEAR = 2023
#: Formats that only hold typical years.
TYPICAL_FORMATS = ("tmy3", "tmy2", "pvgis_tmy")
_DAYS_BEFORE = np.cumsum([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30])


@dataclass
class YearRows:
    """One weather year of a file: which rows, where they go in the model year, and notes.

    ``take``: positions in the file's rows; ``hours``: the model-year hour (0..8759) of each;
    ``label``: ``"typical"`` or the calendar year, e.g. ``"2017"``.
    """

    label: str
    take: np.ndarray
    hours: np.ndarray
    notes: list[str] = field(default_factory=list)


def hour_of_year(fields: pd.DataFrame) -> np.ndarray:
    """Hour of :data:`MODEL_YEAR` (0..8759) of (month, day, hour) fields; Feb 29 gives -1."""
    month = fields["month"].to_numpy(dtype=int)
    day = fields["day"].to_numpy(dtype=int)
    hour = fields["hour"].to_numpy(dtype=int)
    out = (_DAYS_BEFORE[month - 1] + day - 1) * 24 + hour
    out[(month == 2) & (day == 29)] = -1
    return out


def _is_series(raw: RawWeather) -> bool:
    """Whole calendar years in order (each at least 8,760 - 24 rows), not a typical format."""
    if raw.fmt in TYPICAL_FORMATS:
        return False
    group = _groups(raw)
    if np.any(np.diff(group) < 0):
        return False
    _, counts = np.unique(group, return_counts=True)
    return bool(np.all(counts >= HOURS_PER_YEAR - 24))


def _groups(raw: RawWeather) -> np.ndarray:
    key = "group" if "group" in raw.fields.columns else "year"
    return raw.fields[key].to_numpy(dtype=int)


def split_years(raw: RawWeather, problems: ProblemCollector) -> list[YearRows]:
    """The weather years of ``raw``, each mapped onto the model year (problems collected)."""
    n = len(raw.fields)
    if not _is_series(raw):
        return [_one_year(raw, np.arange(n), "typical", problems)]
    group = _groups(raw)
    return [
        _one_year(raw, np.flatnonzero(group == year), str(year), problems)
        for year in np.unique(group)
    ]


def _where(label: str) -> str:
    return "" if label == "typical" else f"year {label}: "


def _one_year(raw: RawWeather, take: np.ndarray, label: str, problems) -> YearRows:
    """Map the rows ``take`` of ``raw`` onto the model year; report leap days, count, order."""
    hours = hour_of_year(raw.fields.iloc[take])
    notes: list[str] = []
    leap = hours < 0
    if leap.any():
        if len(take) == HOURS_PER_LEAP_YEAR and leap.sum() == 24:
            notes.append(f"{_where(label)}Feb 29 dropped (a leap year): 8,760 hours kept")
        else:
            problems.add(
                f"row {int(raw.rows[take[np.flatnonzero(leap)[0]]])}",
                "time",
                f"{_where(label)}Feb 29 in a file that is not a complete leap year",
                found=f"{len(take)} rows",
                expected=f"{HOURS_PER_LEAP_YEAR} rows with Feb 29",
            )
        take, hours = take[~leap], hours[~leap]
    if len(take) != HOURS_PER_YEAR and not leap.any():
        problems.add(
            "",
            "",
            f"{_where(label)}wrong number of hourly rows",
            found=len(take),
            expected=f"{HOURS_PER_YEAR} (or {HOURS_PER_LEAP_YEAR} for a leap year)",
        )
    _check_order(raw, take, hours, label, problems)
    return YearRows(label, take, hours, notes)


def _check_order(raw: RawWeather, take, hours, label: str, problems) -> None:
    """Hours increase row by row (one wrap allowed in UTC-converted PVGIS files); no hour
    twice, none missing."""
    step = np.diff(hours)
    bad = np.flatnonzero(step <= 0)
    if raw.fmt.startswith("pvgis"):
        wrap = (step < -(HOURS_PER_YEAR - 48)) & (hours[:-1] >= HOURS_PER_YEAR - 24)
        bad = bad[~wrap[bad]]
    f = raw.fields.iloc[take]
    for i in bad[:5]:
        problems.add(
            f"row {int(raw.rows[take[i + 1]])}",
            "time",
            f"{_where(label)}timestamp not after the previous one",
            found=_stamp(f.iloc[i + 1]),
            expected=f"after {_stamp(f.iloc[i])}",
        )
    counts = np.bincount(hours[(hours >= 0) & (hours < HOURS_PER_YEAR)], minlength=HOURS_PER_YEAR)
    missing = np.flatnonzero(counts == 0)
    if len(missing) and len(take) == HOURS_PER_YEAR and not len(bad):
        first = pd.Timestamp(f"{MODEL_YEAR}-01-01") + pd.Timedelta(hours=int(missing[0]))
        problems.add(
            "",
            "time",
            f"{_where(label)}{len(missing)} hours of the year missing (others repeated)",
            found=f"first missing {first:%b %d %H:00}",
            expected="every hour once",
        )


def standard_tz(offset_h: float):
    """Time zone of a fixed UTC offset [h]: ``Etc/GMT+7`` for -7 h (as pvlib's PSM3 reader)."""
    if offset_h == int(offset_h):
        return f"Etc/GMT{-int(offset_h):+d}" if offset_h else "UTC"
    return datetime.timezone(datetime.timedelta(hours=offset_h))


def _stamp(row) -> str:
    return f"{int(row.year):04d}-{int(row.month):02d}-{int(row.day):02d} {int(row.hour):02d}:00"


def model_index(hours: np.ndarray, utc_offset_h: float) -> pd.DatetimeIndex:
    """Hour-beginning stamps in :data:`MODEL_YEAR` (fixed offset ``utc_offset_h`` [h])."""
    start = pd.Timestamp(f"{MODEL_YEAR}-01-01")
    stamps = start + pd.to_timedelta(np.asarray(hours, dtype=np.int64), unit="h")
    return pd.DatetimeIndex(stamps).as_unit("ns").tz_localize(standard_tz(utc_offset_h))
