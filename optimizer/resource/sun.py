"""Solar position for many places at shared times: pvlib's NREL SPA, split in two.

The SPA's costly terms (the Earth's heliocentric position, nutation, the sun's right
ascension and declination, sidereal time) depend only on the time; the place enters only after
them (hour angle, parallax, refraction). :func:`solar_position` computes the time terms once per
distinct instant and keeps them (:data:`MAX_CACHED` instants at most), so a hundred weather
profiles of one time zone pay for one year of them. Every step is pvlib's own function
(``pvlib.spa``) in pvlib's order, so the result equals
``pvlib.solarposition.get_solarposition(method="nrel_numpy")`` element by element.

Reference: Reda & Andreas, *Solar position algorithm for solar radiation applications*, Solar
Energy 76(5) (2004) 577-589; pvlib-python ``pvlib.spa.solar_position_numpy``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: difference between terrestrial and universal time [s] (pvlib ``spa_python``'s default)
DELTA_T_S = 67.0
#: atmospheric refraction at sunrise and sunset [deg] (pvlib's default)
ATMOS_REFRACT_DEG = 0.5667
#: the most instants whose time terms are kept between calls
MAX_CACHED = 400_000
TERMS = ("R", "v", "alpha", "delta")
_CACHE: dict[str, np.ndarray] = {"t": np.empty(0)}


def unixtime_s(times: pd.DatetimeIndex) -> np.ndarray:
    """Seconds since 1970-01-01 UTC of ``times`` [s] (as pvlib computes them)."""
    epoch = pd.Timestamp("1970-01-01", tz="UTC")
    epoch = epoch.tz_convert(times.tz) if times.tz is not None else epoch.tz_localize(None)
    return np.array((times - epoch) / pd.Timedelta("1s"))


def _compute_terms(unixtime: np.ndarray) -> dict[str, np.ndarray]:
    """The SPA's time-only terms at ``unixtime`` [s]: R [AU], v, alpha, delta [deg]."""
    from pvlib import spa

    jd = spa.julian_day(unixtime)
    jde = spa.julian_ephemeris_day(jd, DELTA_T_S)
    jc = spa.julian_century(jd)
    jce = spa.julian_ephemeris_century(jde)
    jme = spa.julian_ephemeris_millennium(jce)
    R = spa.heliocentric_radius_vector(jme)
    theta = spa.geocentric_longitude(spa.heliocentric_longitude(jme))
    beta = spa.geocentric_latitude(spa.heliocentric_latitude(jme))
    x = [f(jce) for f in (spa.mean_elongation, spa.mean_anomaly_sun, spa.mean_anomaly_moon,
                          spa.moon_argument_latitude, spa.moon_ascending_longitude)]  # fmt: skip
    nutation = np.empty((2, len(x[0])))
    spa.longitude_obliquity_nutation(jce, *x, nutation)
    delta_psi, delta_epsilon = nutation
    epsilon = spa.true_ecliptic_obliquity(spa.mean_ecliptic_obliquity(jme), delta_epsilon)
    lamd = spa.apparent_sun_longitude(theta, delta_psi, spa.aberration_correction(R))
    v = spa.apparent_sidereal_time(spa.mean_sidereal_time(jd, jc), delta_psi, epsilon)
    alpha = spa.geocentric_sun_right_ascension(lamd, epsilon, beta)
    delta = spa.geocentric_sun_declination(lamd, epsilon, beta)
    return {"R": R, "v": v, "alpha": alpha, "delta": delta}


def time_terms(unixtime: np.ndarray) -> dict[str, np.ndarray]:
    """The SPA's time terms at ``unixtime`` [s], computed only for instants not kept yet."""
    new = np.setdiff1d(unixtime, _CACHE["t"])
    if len(new):
        if len(_CACHE["t"]) + len(new) > MAX_CACHED:
            _CACHE.clear()
            _CACHE["t"], new = np.empty(0), np.unique(unixtime)
        terms = _compute_terms(new)
        t = np.concatenate((_CACHE["t"], new))
        order = np.argsort(t, kind="stable")
        _CACHE["t"] = t[order]
        for k in TERMS:
            _CACHE[k] = np.concatenate((_CACHE.get(k, np.empty(0)), terms[k]))[order]
    idx = np.searchsorted(_CACHE["t"], unixtime)
    return {k: _CACHE[k][idx] for k in TERMS}


def solar_position(
    times: pd.DatetimeIndex,
    lat: float,
    lon: float,
    altitude_m: float,
    pressure_pa: float | None = None,
    temperature_c: float = 12.0,
) -> pd.DataFrame:
    """Sun position at ``times`` seen from a place [deg, deg, m]: ``apparent_zenith``,
    ``zenith``, ``apparent_elevation``, ``elevation``, ``azimuth`` [deg].

    The same as ``pvlib.solarposition.get_solarposition(times, lat, lon, altitude_m,
    pressure_pa, method="nrel_numpy", temperature=temperature_c)`` (pressure [Pa] from the
    altitude when None), without its equation of time.
    """
    from pvlib import atmosphere, spa

    if pressure_pa is None:
        pressure_pa = atmosphere.alt2pres(altitude_m)
    s = time_terms(unixtime_s(times))
    H = spa.local_hour_angle(s["v"], lon, s["alpha"])
    xi = spa.equatorial_horizontal_parallax(s["R"])
    u = spa.uterm(lat)
    x, y = spa.xterm(u, lat, altitude_m), spa.yterm(u, lat, altitude_m)
    d_alpha = spa.parallax_sun_right_ascension(x, xi, H, s["delta"])
    delta_prime = spa.topocentric_sun_declination(s["delta"], x, y, xi, d_alpha, H)
    H_prime = spa.topocentric_local_hour_angle(H, d_alpha)
    e0 = spa.topocentric_elevation_angle_without_atmosphere(lat, delta_prime, H_prime)
    d_e = spa.atmospheric_refraction_correction(
        pressure_pa / 100, temperature_c, e0, ATMOS_REFRACT_DEG
    )
    e = spa.topocentric_elevation_angle(e0, d_e)
    gamma = spa.topocentric_astronomers_azimuth(H_prime, delta_prime, lat)
    return pd.DataFrame(
        {
            "apparent_zenith": spa.topocentric_zenith_angle(e),
            "zenith": spa.topocentric_zenith_angle(e0),
            "apparent_elevation": e,
            "elevation": e0,
            "azimuth": spa.topocentric_azimuth_angle(gamma),
        },
        index=times,
    )
