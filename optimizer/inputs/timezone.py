"""The local *standard* time zone of a place, from a maintained time-zone map.

Weather files and the Dispatch sheet are in local standard time (no daylight saving), as NSRDB
typical years are. The zone comes from the IANA time-zone boundaries (``timezonefinder``), never
from arithmetic on longitude: Arizona lies west of -112.5 deg yet keeps UTC-7 all year.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@lru_cache(maxsize=1)
def _finder():
    from timezonefinder import TimezoneFinder

    return TimezoneFinder()


@lru_cache(maxsize=4096)
def zone_name(latitude: float, longitude: float) -> str | None:
    """IANA time-zone name at a place [deg, deg] (``Etc/GMT+k`` at sea), or None if unknown."""
    try:
        return _finder().timezone_at(lng=float(longitude), lat=float(latitude))
    except ValueError:
        return None


def _standard_offset(name: str) -> timedelta | None:
    """The zone's standard UTC offset this year: UTC offset minus daylight saving, in January
    and July (the smaller one, so a zone with "negative DST" like Europe/Dublin is right too)."""
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    year = datetime.now(UTC).year
    offsets = []
    for month in (1, 7):
        t = datetime(year, month, 1, 12, tzinfo=UTC).astimezone(zone)
        offsets.append(t.utcoffset() - (t.dst() or timedelta(0)))
    return min(offsets)


def standard_utc_offset_h(latitude: float, longitude: float) -> float:
    """Local standard time minus UTC [h] at a place [deg, deg], daylight saving ignored.

    Arizona (-112 deg) gives -7.0; Phoenix and Los Angeles differ by one hour. Where the map
    has no zone the offset falls back to the nautical zone ``round(longitude / 15)``.
    """
    name = zone_name(latitude, longitude)
    offset = _standard_offset(name) if name else None
    if offset is None:
        return float(round(longitude / 15.0))
    return offset.total_seconds() / 3600.0


def standard_tz(latitude: float, longitude: float):
    """A fixed-offset tz for pandas: the place's standard time (``Etc/GMT+7`` for Arizona)."""
    hours = standard_utc_offset_h(latitude, longitude)
    if hours == int(hours):
        return f"Etc/GMT{-int(hours):+d}" if hours else "UTC"
    return timezone(timedelta(hours=hours))
