"""The shared-time solar position equals pvlib's SPA exactly (issue 21)."""

import numpy as np
import pandas as pd
import pvlib
import pytest

from optimizer.resource import sun
from optimizer.resource.solar import sun_times


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
