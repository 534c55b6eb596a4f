"""The shared-time solar position equals pvlib's SPA exactly (issue 21)."""

import numpy as np
import pandas as pd
import pvlib
import pytest

from optimizer.resource import sun
from optimizer.resource.solar import sun_minutes, sun_times


@pytest.mark.parametrize("lat, lon, alt", [(33.1, -112.3, 400.0), (34.6, -110.8, 2100.0)])
def test_solar_position_equals_pvlib(lat, lon, alt):
    index = pd.date_range("2023-01-01", periods=8760, freq="h", tz="Etc/GMT+7")
    times = sun_times(index, lat, lon)  # mid-hour, sunrise and sunset hours shifted
    ours = sun.solar_position(times, lat, lon, alt)
    ref = pvlib.solarposition.get_solarposition(times, lat, lon, altitude=alt)
    for col in ours.columns:
        np.testing.assert_allclose(ours[col], ref[col], rtol=0, atol=1e-12)


def test_time_terms_shared_between_places():
    times = pd.date_range("2023-06-01", periods=48, freq="h", tz="UTC")
    sun.solar_position(times, 33.0, -112.0, 300.0)
    kept = len(sun._CACHE["t"])
    sun.solar_position(times, 34.0, -111.0, 900.0)
    assert len(sun._CACHE["t"]) == kept  # the second place computed no time terms


def test_sun_minutes_of_many_places_equal_one_at_a_time():
    index = pd.date_range("2023-01-01", periods=8760, freq="h", tz="Etc/GMT+7")
    lat, lon = np.array([31.9, 33.4, 34.6]), np.array([-114.0, -112.1, -110.8])
    many = sun_minutes(index, lat, lon)
    for j in range(len(lat)):
        one = sun_minutes(index, lat[j], lon[j])[0]
        np.testing.assert_array_equal(many[j], one)
    assert ((many > 0) & (many < 60)).all() and (many != 30.0).any()


def test_profiles_of_many_places_equal_one_at_a_time(monkeypatch):
    from optimizer.resource.default_weather import default_weather
    from optimizer.resource.profiles import build_profiles
    from optimizer.resource.solar import PVSystemParams, ac_per_kw_dc

    monkeypatch.setenv("ZOPT_CACHE_DIR", "off")
    parcels = pd.DataFrame(
        {"lat": [32.2, 34.3], "lon": [-113.5, -111.2], "elevation_m": [300.0, 1400.0]}
    )
    params = PVSystemParams()
    profiles = build_profiles(parcels, None, params, radius_km=30.0)
    assert profiles.cf.shape[0] == 2
    for j in range(2):
        lat, lon, alt = parcels.iloc[j]
        one = ac_per_kw_dc(default_weather(lat, lon, alt), lat, lon, alt, params)
        np.testing.assert_allclose(profiles.cf[j], one, rtol=0, atol=1e-12)
