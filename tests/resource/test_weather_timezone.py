"""The embedded default weather keeps the place's real standard time (issue 11)."""

from __future__ import annotations

import numpy as np
import pvlib
import pytest

from optimizer.inputs.bundle import load_inputs
from optimizer.inputs.timezone import standard_tz, standard_utc_offset_h
from optimizer.inputs.weather_checks import noon_offset_h
from optimizer.resource.default_weather import default_weather
from optimizer.resource.solar import PVSystemParams, ac_per_kw_dc


@pytest.mark.parametrize(
    ("lat", "lon", "hours"),
    [
        (33.42, -112.9, -7.0),  # Arizona: no DST, UTC-7 west of -112.5 deg
        (34.05, -118.24, -8.0),  # Los Angeles: standard time, DST ignored
        (40.71, -74.0, -5.0),
        (28.61, 77.21, 5.5),  # India: a half-hour zone
        (51.5, -0.12, 0.0),
    ],
)
def test_standard_offset_from_the_time_zone_map(lat, lon, hours):
    assert standard_utc_offset_h(lat, lon) == hours


def test_arizona_is_mst_not_nautical_zone():
    assert standard_tz(33.42, -112.9) == "Etc/GMT+7"
    assert round(-112.9 / 15) == -8  # what the old arithmetic gave


def test_pv_output_centred_on_solar_noon_at_the_embedded_site():
    """Output-weighted mean hour of PV on the default weather is within 0.5 h of solar noon in
    local standard time (UTC-7) at the embedded parcels' site."""
    parcels = load_inputs().parcels
    lat, lon = float(parcels["lat"].mean()), float(parcels["lon"].mean())
    w = default_weather(lat, lon, 300.0)
    assert w.df.index.tz.utcoffset(None).total_seconds() / 3600 == -7.0
    ac = ac_per_kw_dc(w, lat, lon, 300.0, PVSystemParams())
    t_mid = np.arange(8760) % 24 + 0.5
    doy = np.arange(8760) // 24 + 1
    eot = pvlib.solarposition.equation_of_time_spencer71(doy)
    noon = 12.0 - (lon - 15.0 * -7.0) / 15.0 - eot / 60.0
    offset = float(np.sum(ac * (t_mid - noon)) / np.sum(ac))
    print(f"output-weighted mean hour - solar noon: {offset:+.3f} h")
    assert abs(offset) < 0.5
    # the same check as on user files: the daily irradiance centroid sits at solar noon
    assert abs(noon_offset_h(w.df["ghi"], lon)) < 0.2
