"""Plausibility checks for hourly weather: missing values, physical limits, sun geometry.

Pure functions that add :class:`~optimizer.errors.Problem` rows; used by
:func:`optimizer.inputs.weather.read_weather`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from optimizer.errors import ProblemCollector

#: Values used by PSM3 / TMY3 / EPW for "missing" (EPW: 9999 irradiance, 99.9 C, 999 m/s).
SENTINELS = {
    "ghi": (-9999, -9900, 9999),
    "dni": (-9999, -9900, 9999),
    "dhi": (-9999, -9900, 9999),
    "temp_air": (-9999, -9900, 9999, 99.9, 999),
    "wind_speed": (-9999, -9900, 9999, 999),
}
#: Physically possible ranges [W/m2, W/m2, W/m2, C, m/s].
LIMITS = {
    "ghi": (0.0, 1500.0),
    "dni": (0.0, 1400.0),
    "dhi": (0.0, 1000.0),
    "temp_air": (-60.0, 60.0),
    "wind_speed": (0.0, 60.0),
}
#: Rows reported per check before summarising the rest.
MAX_ROWS = 5
#: Largest accepted distance between the daily irradiance centroid and solar noon [h].
MAX_NOON_OFFSET_H = 0.5
#: Solar constant [W/m2] (Gueymard 2004) and slack for hourly means [W/m2].
SOLAR_CONSTANT = 1361.0
SLACK_W_M2 = 50.0


def _report(
    mask: np.ndarray,
    values: np.ndarray,
    rows: np.ndarray,
    col: str,
    message: str,
    expected,
    problems: ProblemCollector,
) -> None:
    """Add one problem per flagged row (first :data:`MAX_ROWS`), then a count of the rest."""
    idx = np.flatnonzero(mask)
    for i in idx[:MAX_ROWS]:
        problems.add(f"row {int(rows[i])}", col, message, found=_fmt(values[i]), expected=expected)
    if len(idx) > MAX_ROWS:
        problems.add(
            f"rows {int(rows[idx[MAX_ROWS]])}..{int(rows[idx[-1]])}",
            col,
            f"{len(idx) - MAX_ROWS} more rows: {message}",
        )


def _fmt(x: float) -> str:
    return "NaN" if not np.isfinite(x) else f"{x:g}"


def check_values(
    values: pd.DataFrame, rows: np.ndarray, fmt: str, problems: ProblemCollector
) -> None:
    """Flag NaN, missing-value sentinels and values outside :data:`LIMITS`, per column.

    Parameters
    ----------
    values : columns ghi, dni, dhi [W/m2], temp_air [C], wind_speed [m/s]
    rows : file line number of each row
    fmt : 'psm3', 'tmy3' or 'epw' (only for messages)
    """
    for col, (lo, hi) in LIMITS.items():
        v = values[col].to_numpy(dtype=float)
        nan = ~np.isfinite(v)
        sentinel = np.isin(v, SENTINELS[col])
        bad = ~nan & ~sentinel & ((v < lo) | (v > hi))
        _report(nan, v, rows, col, "missing value", "a number", problems)
        _report(
            sentinel,
            v,
            rows,
            col,
            f"missing-value sentinel ({fmt.upper()} code for no data)",
            f"a measured value in {lo:g}..{hi:g}",
            problems,
        )
        _report(bad, v, rows, col, "physically impossible value", f"{lo:g}..{hi:g}", problems)


def hour_angle_deg(times: pd.DatetimeIndex, lon: float, eot_min: np.ndarray) -> np.ndarray:
    """Solar hour angle [deg] at tz-aware ``times``: :math:`15 (h_{UTC} - 12) + \\lambda + E/4`
    with :math:`h_{UTC}` the UTC hour of day, :math:`\\lambda` the longitude [deg] and
    :math:`E` the equation of time [min]; the same as pvlib's ``hour_angle`` (up to whole turns),
    vectorised.
    """
    utc_ns = times.tz_convert("UTC").as_unit("ns").asi8
    hours = (utc_ns % (86_400 * 10**9)) / 3.6e12
    return 15.0 * (hours - 12.0) + lon + np.asarray(eot_min) / 4.0


def cos_zenith(times: pd.DatetimeIndex, lat: float, lon: float) -> np.ndarray:
    """Cosine of the solar zenith angle [-] at tz-aware ``times`` (Spencer 1971 formulas).

    Reference: Spencer, *Fourier series representation of the position of the sun*, Search 2(5)
    (1971); pvlib ``solar_zenith_analytical``.
    """
    import pvlib

    doy = times.day_of_year.to_numpy()
    eot = pvlib.solarposition.equation_of_time_spencer71(doy)
    dec = pvlib.solarposition.declination_spencer71(doy)
    ha = np.radians(hour_angle_deg(times, lon, eot))
    zen = pvlib.solarposition.solar_zenith_analytical(np.radians(lat), ha, dec)
    return np.cos(zen)


def solar_noon_lst_h(times: pd.DatetimeIndex, lon: float) -> np.ndarray:
    """Solar noon in local standard time [h] for the day of each of ``times``.

    .. math:: t_{noon} = 12 - (\\lambda - 15\\,UTC_{off}) / 15 - EoT / 60
    """
    import pvlib

    offset_h = times.tz.utcoffset(None).total_seconds() / 3600.0 if times.tz else 0.0
    eot = pvlib.solarposition.equation_of_time_spencer71(times.day_of_year.to_numpy())
    return 12.0 - (lon - 15.0 * offset_h) / 15.0 - eot / 60.0


def noon_offset_h(ghi: pd.Series, lon: float) -> float:
    """Median over sunny days of (GHI-weighted centroid time - solar noon) [h].

    ``ghi`` is indexed at hour beginning; the centroid uses mid-hour times. A correctly aligned
    file gives about 0; a file in the wrong time zone or hour convention gives the shift.
    """
    t_mid = ghi.index.hour.to_numpy() + 0.5
    g = np.clip(ghi.to_numpy(dtype=float), 0.0, None)
    day = ghi.index.day_of_year.to_numpy()
    n_days = int(day.max())
    total = np.bincount(day, weights=g, minlength=n_days + 1)[1:]
    moment = np.bincount(day, weights=g * t_mid, minlength=n_days + 1)[1:]
    noon = solar_noon_lst_h(ghi.index[::24][:n_days], lon)[: len(total)]
    sunny = total > 0.3 * np.max(total) if total.max() > 0 else np.zeros_like(total, dtype=bool)
    if sunny.sum() < 10:
        return 0.0
    return float(np.median(moment[sunny] / total[sunny] - noon[sunny]))


def check_sun(
    values: pd.DataFrame, lat: float, lon: float, rows: np.ndarray, problems: ProblemCollector
) -> None:
    """Check the time alignment against solar position, then night light and extraterrestrial caps.

    Parameters
    ----------
    values : hourly weather indexed at hour beginning, local standard time (tz-aware)
    lat, lon : site [deg]
    rows : file line number of each row
    """
    offset = noon_offset_h(values["ghi"], lon)
    if abs(offset) > MAX_NOON_OFFSET_H:
        shift = int(np.round(offset))
        direction = "later" if offset > 0 else "earlier"
        problems.add(
            "",
            "time",
            f"irradiance is shifted by {shift:+d} h: the daily peak comes "
            f"{abs(offset):.2f} h {direction} than solar noon; check the file's time zone "
            "and hour-beginning/hour-ending convention (hour checks skipped)",
            found=f"{offset:+.2f} h",
            expected=f"within +-{MAX_NOON_OFFSET_H} h",
        )
        return
    idx = values.index
    half = pd.Timedelta(minutes=30)
    cz = np.vstack([cos_zenith(idx + k * half, lat, lon) for k in (0, 1, 2)])
    cz_max = cz.max(axis=0)
    import pvlib

    e0 = pvlib.irradiance.get_extra_radiation(
        idx.day_of_year.to_numpy(), solar_constant=SOLAR_CONSTANT
    )
    ghi, dni = values["ghi"].to_numpy(), values["dni"].to_numpy()
    night = (cz_max < -0.0145) & (ghi > 10.0)  # sun below horizon (90.83 deg) the whole hour
    _report(night, ghi, rows, "ghi", "sunlight while the sun is below the horizon", "0", problems)
    cap = e0 * np.clip(cz_max, 0.0, None) + SLACK_W_M2
    _report(
        ~night & (ghi > cap),
        ghi,
        rows,
        "ghi",
        "GHI above the extraterrestrial horizontal irradiance",
        "<= E0 cos(zenith)",
        problems,
    )
    _report(
        dni > e0 + SLACK_W_M2,
        dni,
        rows,
        "dni",
        "DNI above the extraterrestrial irradiance",
        "<= E0 (about 1,361 W/m2)",
        problems,
    )
