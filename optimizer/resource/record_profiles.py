"""PV profiles over a whole weather record: one design for every year at once.

The years of a record (:mod:`optimizer.inputs.weather_record`) are laid end to end: each
profile's hourly output of year 1, then year 2, ... (``cf`` of shape K x 8,760 Y). The design
model then sees one horizon of 8,760 Y hours, so the plant must serve every hour of every year,
and storage is carried across the year boundaries (the level is cyclic over the whole record,
not over each year). The parcels are grouped into profiles once; each year's profile is computed
exactly as for one file (:func:`optimizer.resource.profiles.build_profiles`, with its cache).
"""

from __future__ import annotations

import numpy as np

from optimizer.inputs.weather import WeatherData
from optimizer.resource.profiles import Profiles, build_profiles
from optimizer.resource.solar import PVSystemParams


def record_profiles(
    parcels, years: list[WeatherData], params: PVSystemParams, radius_km: float = 30.0
) -> Profiles:
    """Profiles of every year of ``years`` concatenated in time (module doc).

    Returns
    -------
    Profiles
        ``cf`` (K, 8,760 x len(years)) [MW_ac/MW_dc]; places and parcel grouping as for one year.
    """
    each = [build_profiles(parcels, y, params, radius_km) for y in years]
    first = each[0]
    labels = ", ".join(y.label for y in years)
    source = f"weather record of {len(years)} years ({labels}), designed on all at once"
    return Profiles(
        np.hstack([p.cf for p in each]), first.lat, first.lon, first.parcel_profile, source
    )
