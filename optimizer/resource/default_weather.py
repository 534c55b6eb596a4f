"""The embedded default weather when the user gives no file.

pvlib's Ineichen clear-sky model (Linke turbidity and altitude that ship with pvlib) at the site,
times a cloud model. See ``data/weather/README.md`` for the method and its calibration.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from optimizer.inputs.weather import HOURS_PER_YEAR, MODEL_YEAR, WeatherData

#: Annual ratio of typical-year to clear-sky GHI at Phoenix (facts.csv ghi_clearsky_ineichen_phoenix)
TMY_TO_CLEARSKY_GHI = 0.96


def default_weather(latitude: float, longitude: float, altitude_m: float = 0.0) -> WeatherData:
    """Return a synthetic typical year at a place [deg, deg, m].

    Irradiance is Ineichen clear sky scaled by :data:`TMY_TO_CLEARSKY_GHI`; air temperature a
    seasonal and daily sine (desert Southwest climatology); wind 2 m/s.
    """
    import pvlib

    tz_hours = int(round(longitude / 15.0))
    tz = f"Etc/GMT{-tz_hours:+d}" if tz_hours else "UTC"
    times = pd.date_range(f"{MODEL_YEAR}-01-01 00:30", periods=HOURS_PER_YEAR, freq="h", tz=tz)
    loc = pvlib.location.Location(latitude, longitude, tz=tz, altitude=altitude_m)
    cs = loc.get_clearsky(times, model="ineichen")
    doy = times.dayofyear.to_numpy()
    hour = times.hour.to_numpy() + 0.5
    temp = 23.0 - 11.0 * np.cos(2 * np.pi * (doy - 20) / 365) - 7.0 * np.cos(2 * np.pi * (hour - 3) / 24)
    k = TMY_TO_CLEARSKY_GHI
    df = pd.DataFrame({"ghi": cs["ghi"].to_numpy() * k, "dni": cs["dni"].to_numpy() * k,
                       "dhi": cs["dhi"].to_numpy() * k, "temp_air": temp,
                       "wind_speed": 2.0}, index=times.floor("h"))
    return WeatherData(df, latitude, longitude, altitude_m, "embedded default (clear sky x 0.96)")
