"""Group parcels into a few weather profiles by distance and compute each profile's PV output.

Hourly constraints see one PV capacity per profile, never one per parcel, so the model's size
does not grow with the number of candidate parcels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from optimizer.inputs.weather import WeatherData
from optimizer.paths import data_dir
from optimizer.resource.default_weather import default_weather, describe_default
from optimizer.resource.pv_cache import cached, profile_key, weather_digest
from optimizer.resource.solar import PVSystemParams, ac_per_kw_dc, sun_minutes

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance [km] between points given in degrees (broadcasting)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dlat, dlon = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dlat / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def group_by_distance(lat: np.ndarray, lon: np.ndarray, radius_km: float) -> np.ndarray:
    """Assign each point to a group whose seed point lies within ``radius_km`` [km].

    Greedy leader clustering in input order: deterministic, O(points x groups).
    Returns the group index of every point.
    """
    seed_lat, seed_lon = np.empty(len(lat)), np.empty(len(lat))
    n_seeds = 0
    labels = np.empty(len(lat), dtype=int)
    for i, (la, lo) in enumerate(zip(lat, lon, strict=True)):
        if n_seeds:
            d = haversine_km(la, lo, seed_lat[:n_seeds], seed_lon[:n_seeds])
            j = int(np.argmin(d))
            if d[j] <= radius_km:
                labels[i] = j
                continue
        seed_lat[n_seeds], seed_lon[n_seeds] = la, lo
        labels[i] = n_seeds
        n_seeds += 1
    return labels


@dataclass
class Profiles:
    """PV output profiles.

    Attributes
    ----------
    cf : array (K, T) of AC output per DC capacity [MW_ac / MW_dc]
    lat, lon : profile locations [deg] (mean of member parcel centroids)
    parcel_profile : array (P,) profile index of each parcel
    weather_source : str describing the weather used
    """

    cf: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    parcel_profile: np.ndarray
    weather_source: str

    def table(self, parcel_ids) -> pd.DataFrame:
        """Return one row per profile: location, member count, annual yield [kWh/kW_dc]."""
        counts = np.bincount(self.parcel_profile, minlength=len(self.lat))
        return pd.DataFrame(
            {
                "profile": [f"W{k + 1}" for k in range(len(self.lat))],
                "lat": self.lat,
                "lon": self.lon,
                "parcels": counts,
                "annual_kwh_per_kw_dc": self.cf.sum(axis=1),
            }
        )


class _SunMinutes:
    """The sun-evaluation minutes (:func:`~optimizer.resource.solar.sun_minutes`) of every
    profile place, computed on first use for each hour index (one per time zone) for all places
    at once: the sun's time-only terms once, not once per profile."""

    def __init__(self, lat: np.ndarray, lon: np.ndarray):
        self.lat, self.lon, self.by_index = lat, lon, {}

    def __call__(self, index: pd.DatetimeIndex) -> np.ndarray:
        """(K, T) minutes [min] for hour-beginning ``index``."""
        key = (str(index.tz), len(index), index[0].value if len(index) else 0)
        hit = self.by_index.get(key)
        if hit is None or not hit[0].equals(index):
            hit = self.by_index[key] = (index, sun_minutes(index, self.lat, self.lon))
        return hit[1]


def build_profiles(
    parcels: pd.DataFrame,
    weather: WeatherData | None,
    params: PVSystemParams,
    radius_km: float = 30.0,
) -> Profiles:
    """Compute one hourly PV profile per group of nearby parcels.

    With a weather file, every profile uses its irradiance (sun position at the profile's own
    location); without one, each profile gets the embedded default weather at its location.
    Profiles come from the disk cache of :mod:`optimizer.resource.pv_cache` when the same
    weather, place, parameters and code computed them before.
    """
    lat, lon = parcels["lat"].to_numpy(), parcels["lon"].to_numpy()
    labels = group_by_distance(lat, lon, radius_km)
    k = labels.max() + 1
    plat = np.array([lat[labels == j].mean() for j in range(k)])
    plon = np.array([lon[labels == j].mean() for j in range(k)])
    elev = parcels["elevation_m"].to_numpy(dtype=float)
    wsha = weather_digest(weather, sorted((data_dir() / "weather").glob("*.csv")))
    minutes = _SunMinutes(plat, plon)
    cf = []
    for j in range(k):
        alt = float(np.nanmean(elev[labels == j])) if np.isfinite(elev[labels == j]).any() else 0.0

        def one(j=j, alt=alt):
            w = weather if weather is not None else default_weather(plat[j], plon[j], alt)
            return ac_per_kw_dc(w, plat[j], plon[j], alt, params, minutes(w.df.index)[j])

        cf.append(cached(profile_key(wsha, plat[j], plon[j], alt, params), one))
    source = weather.source if weather is not None else describe_default(lat.mean(), lon.mean())
    return Profiles(np.vstack(cf), plat, plon, labels, source)
