"""Daylight-only PSM3 extracts (Tucson, Daggett): the reader, and the default weather against them.

The extracts ship in ``data/weather/validation/``, so these tests need no ``../shared``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from optimizer.inputs.prices import require_prices
from optimizer.inputs.weather_checks import cos_zenith, noon_offset_h
from optimizer.inputs.weather_extract import extract_metadata, read_daylight_extract
from optimizer.resource.default_weather import default_weather
from optimizer.resource.solar import PVSystemParams, ac_per_kw_dc
from optimizer.resource.yield_report import summarize

VALIDATION = Path(__file__).resolve().parents[2] / "data" / "weather" / "validation"
#: file, annual GHI [kWh/m2], lat [deg], lon [deg], altitude [m], UTC offset [h]
EXTRACTS = {
    "tucson": ("tucson_psm3_tmy_daylight.csv", 2130.9, 32.13, -110.94, 773.0, -7),
    "daggett": ("daggett_psm3_tmy_daylight.csv", 2129.2, 34.85, -116.78, 561.0, -8),
}


@pytest.fixture(scope="module", params=list(EXTRACTS))
def site(request):
    name = request.param
    return name, read_daylight_extract(VALIDATION / EXTRACTS[name][0])


@pytest.fixture(scope="module")
def params():
    return PVSystemParams.from_prices(require_prices())


def test_full_year_with_the_right_annual_ghi(site):
    name, w = site
    _, ghi_kwh_m2, lat, lon, alt, tz = EXTRACTS[name]
    df = w.df
    assert len(df) == 8760 and np.isfinite(df.to_numpy()).all()
    assert df.index.is_monotonic_increasing and df.index[0].utcoffset().total_seconds() == tz * 3600
    assert df["ghi"].sum() / 1000 == pytest.approx(ghi_kwh_m2, rel=0.001)
    assert (w.latitude, w.longitude, w.altitude_m) == (lat, lon, alt)
    assert (df["ghi"] > 0).sum() == len(pd.read_csv(VALIDATION / EXTRACTS[name][0], comment="#"))


def test_hour_beginning_labels_close_the_irradiance(site):
    """GHI = DNI cos z + DHI with the sun at mid-hour (PSM3 convention): a few W/m2 (Spencer sun).

    A label one hour off (or at the hour's start) would leave residuals of tens of W/m2.
    """
    _, w = site
    df = w.df
    day = df["ghi"] > 0

    def residual(minutes):
        times = df.index + pd.Timedelta(minutes=minutes)
        cosz = np.clip(cos_zenith(times, w.latitude, w.longitude), 0, 1)
        return (df["ghi"] - df["dni"] * cosz - df["dhi"])[day].abs()

    assert residual(30).mean() < 4.0 and residual(30).quantile(0.99) < 12.0
    assert residual(0).mean() > 5 * residual(30).mean()
    assert residual(90).mean() > 5 * residual(30).mean()
    assert abs(noon_offset_h(df["ghi"], w.longitude)) < 0.2


def test_night_is_dark_and_night_temperature_interpolated(site):
    _, w = site
    df = w.df
    night = df["ghi"] == 0
    assert (df.loc[night, ["dni", "dhi"]] == 0).all().all()
    step = df["temp_air"].diff().abs()
    assert step[night].max() <= step[~night].max() + 1e-9


def test_metadata_line_is_required(tmp_path):
    bad = tmp_path / "x_daylight.csv"
    bad.write_text("month,day,hour,dni_w_m2,dhi_w_m2,ghi_w_m2,temp_air_c,wind_speed_m_s\n")
    with pytest.raises(ValueError, match="first line"):
        extract_metadata(bad)


def test_default_meets_annual_and_monthly_limits(site, params):
    """Acceptance: tracker AC yield annual within 3 %, every month within 8 % of the real year."""
    _, w = site
    syn = default_weather(w.latitude, w.longitude, w.altitude_m)
    real = summarize(ac_per_kw_dc(w, w.latitude, w.longitude, w.altitude_m, params))
    ours = summarize(ac_per_kw_dc(syn, w.latitude, w.longitude, w.altitude_m, params))
    assert ours.annual_kwh_per_kw_dc == pytest.approx(real.annual_kwh_per_kw_dc, rel=0.03)
    months = np.array(ours.monthly_kwh_per_kw_dc) / np.array(real.monthly_kwh_per_kw_dc) - 1
    assert np.abs(months).max() < 0.08, months.round(3)
    for key in ("worst_3day_kwh_per_kw_dc", "worst_7day_kwh_per_kw_dc"):
        assert getattr(ours, key) == pytest.approx(getattr(real, key), rel=0.15), key
