"""Embedded default weather: deterministic, physical, close to the real years it was built on."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import PHOENIX_TMY as PHOENIX

from optimizer.errors import ProblemCollector
from optimizer.inputs.weather_checks import check_sun, noon_offset_h
from optimizer.resource.default_weather import default_weather, load_tables, tables_at
from optimizer.resource.weather_calibration import calibrate, rolling_means
from optimizer.resource.weather_sites import read_site_file, site_weights
from optimizer.resource.weather_spells import match_year_spells

VALIDATION = Path(__file__).resolve().parents[2] / "data" / "weather" / "validation"


@pytest.fixture(scope="module")
def real(phoenix_tmy):
    return phoenix_tmy


@pytest.fixture(scope="module")
def synthetic():
    return default_weather(33.45, -111.98, 358.0)


def test_deterministic_by_location(synthetic):
    again = default_weather(33.45, -111.98, 358.0)
    pd.testing.assert_frame_equal(synthetic.df, again.df)
    other = default_weather(32.12, -110.94, 782.0)
    assert not np.allclose(other.df["ghi"], synthetic.df["ghi"])


def test_physically_valid_and_aligned(synthetic):
    df = synthetic.df
    assert len(df) == 8760 and np.isfinite(df.to_numpy()).all()
    assert (df[["ghi", "dni", "dhi"]] >= 0).all().all()
    problems = ProblemCollector("default")
    rows = np.arange(8760)
    check_sun(df, synthetic.latitude, synthetic.longitude, rows, problems)
    assert not problems, [str(p) for p in problems.problems][:5]
    assert abs(noon_offset_h(df["ghi"], synthetic.longitude)) < 0.2
    closure = df["ghi"] - df["dhi"]
    assert (closure >= -1e-6).all()


def test_has_multi_day_cloudy_spells(synthetic):
    daily = synthetic.df["ghi"].to_numpy().reshape(365, 24).sum(axis=1)
    clear = pd.Series(daily).rolling(15, center=True, min_periods=1).max().to_numpy()
    dim = daily < 0.75 * clear
    edges = np.flatnonzero(np.diff(np.r_[0, dim.astype(int), 0]))
    runs = edges[1::2] - edges[::2]
    assert dim.sum() >= 25 and runs.max() >= 3 and (runs >= 2).sum() >= 5


@pytest.mark.shared
def test_close_to_real_phoenix(real, synthetic):
    g_real, g_syn = real.df["ghi"], synthetic.df["ghi"]
    assert g_syn.sum() == pytest.approx(g_real.sum(), rel=0.03)
    m_real = g_real.groupby(g_real.index.month).sum()
    m_syn = g_syn.groupby(g_syn.index.month).sum()
    assert (abs(m_syn / m_real.to_numpy() - 1) < 0.08).all()
    assert synthetic.df["dni"].sum() == pytest.approx(real.df["dni"].sum(), rel=0.05)
    assert synthetic.df["temp_air"].mean() == pytest.approx(real.df["temp_air"].mean(), abs=1.0)


@pytest.mark.parametrize(
    ("lat", "lon", "alt", "ghi_kwh_m2"),
    [(32.12, -110.94, 782.0, 2131.0), (34.87, -116.78, 588.0, 2111.0)],
)
def test_other_desert_sites_plausible(lat, lon, alt, ghi_kwh_m2):
    """facts.csv ghi_tucson_tmy 2131, ghi_daggett_tmy 2111 kWh/m2-yr (NSRDB PSM3)."""
    w = default_weather(lat, lon, alt)
    assert w.df["ghi"].sum() / 1000 == pytest.approx(ghi_kwh_m2, rel=0.05)


def _assert_site_tables_equal(site: str, path: Path) -> None:
    fresh = calibrate(read_site_file(path))
    shipped = load_tables()
    for name in ("monthly", "classes", "dni", "spells", "diurnal"):
        rows = shipped[name][shipped[name]["site"] == site]
        a = fresh[name].select_dtypes("number").to_numpy(dtype=float)
        b = rows.select_dtypes("number").to_numpy(dtype=float)
        np.testing.assert_allclose(a, b, atol=1e-4, err_msg=f"{site} {name}")


@pytest.mark.parametrize("site", ["tucson", "daggett"])
def test_shipped_tables_come_from_the_calibration(site):
    """The Tucson and Daggett extracts ship in the repository: always checked."""
    sites = load_tables()["sites"].set_index("site")
    _assert_site_tables_equal(site, VALIDATION / sites.loc[site, "file"])


@pytest.mark.shared
def test_shipped_phoenix_tables_come_from_the_calibration(real):
    _assert_site_tables_equal("phoenix", PHOENIX)


def test_site_weights_local_near_a_site_pooled_far_away():
    sites = load_tables()["sites"]
    at = site_weights(32.13, -110.94, sites)
    assert at["tucson"] == pytest.approx(1.0) and at.sum() == pytest.approx(1.0)
    far = site_weights(32.31, -106.78, sites)  # Las Cruces, ~390 km from Tucson
    assert far.sum() == pytest.approx(1.0)
    assert far.max() - far.min() < 0.01
    tables = tables_at(33.45, -111.98)
    phoenix = load_tables()["monthly"].query("site == 'phoenix'")
    np.testing.assert_allclose(tables["monthly"]["kd_mean"], phoenix["kd_mean"])


def test_spell_matching_keeps_monthly_means_and_sets_the_depth():
    rng = np.random.default_rng(0)
    month = pd.date_range("2023-01-01", periods=365, freq="D").month.to_numpy()
    e_cs = 5000 + 2500 * np.sin(np.pi * (np.arange(365) - 80) / 365)
    kd = np.clip(rng.normal(0.95, 0.08, 365), 0.3, 1.1)
    target = np.r_[np.full(12, 0.7), np.full(12, 0.85)]
    target[0], target[12] = 0.35, 0.6  # deepest spells in January
    out = match_year_spells(kd, month, e_cs, target, 1.3)
    for m in range(1, 13):
        sel = month == m
        assert (out[sel] * e_cs[sel]).sum() == pytest.approx((kd[sel] * e_cs[sel]).sum())
    depth3 = rolling_means(out * e_cs, 3)[month == 1].min()
    assert depth3 == pytest.approx(0.35 * e_cs[month == 1].mean(), rel=1e-6)


def test_reports_say_which_calibration_sites_the_default_uses():
    from optimizer.resource.default_weather import describe_default

    at_tucson = describe_default(32.13, -110.94)
    assert "tucson 1.00" in at_tucson and "nearest calibration site tucson, 0 km" in at_tucson
    far = describe_default(36.1, -115.2)  # Las Vegas: ~200 km from Daggett, pooled weights
    assert "nearest calibration site daggett, 199 km" in far
