"""Weather readers on real files: TMY3 (leap February), TMY2, PVGIS typical year and series,
NSRDB single-year PSM3 (30-minute), and leap-year cases."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib
import pytest

from optimizer.inputs.weather import MODEL_YEAR, read_weather, read_weather_years

PVLIB_DATA = Path(pvlib.__file__).parent / "data"
GREENSBORO = PVLIB_DATA / "723170TYA.CSV"
MIAMI = PVLIB_DATA / "12839.tm2"
DATA = Path(__file__).resolve().parents[1] / "data" / "weather"


def unzip(name: str, tmp_path: Path) -> Path:
    """``tests/data/weather/<name>.gz`` unpacked into ``tmp_path`` (the readers take paths)."""
    out = tmp_path / name
    with gzip.open(DATA / f"{name}.gz", "rb") as src, open(out, "wb") as dst:
        shutil.copyfileobj(src, dst)
    return out


def messages(path: Path) -> list[str]:
    years, problems = read_weather_years(path)
    assert years == []
    return [str(p) for p in problems.problems]


def test_greensboro_tmy3_with_a_leap_february_reads_clean():
    data, problems = read_weather(GREENSBORO)
    assert not problems, [str(p) for p in problems.problems]
    df = data.df
    assert len(df) == 8760 and data.label == "typical"
    assert df.index[0] == pd.Timestamp(f"{MODEL_YEAR}-01-01 00:00", tz="Etc/GMT+5")
    assert (pd.Series(df.index).diff().dropna() == pd.Timedelta(hours=1)).all()
    # the file's row "02/28/1996,24:00" is the hour beginning Feb 28, 23:00 (not Feb 29)
    raw = pd.read_csv(GREENSBORO, skiprows=1)
    row = raw[(raw["Date (MM/DD/YYYY)"] == "02/28/1996") & (raw["Time (HH:MM)"] == "24:00")]
    assert len(row) == 1
    t = pd.Timestamp(f"{MODEL_YEAR}-02-28 23:00", tz="Etc/GMT+5")
    assert df.loc[t, "temp_air"] == pytest.approx(float(row["Dry-bulb (C)"].iloc[0]))
    assert df.loc[pd.Timestamp(f"{MODEL_YEAR}-03-01 00:00", tz="Etc/GMT+5"), "ghi"] == 0
    assert df["ghi"].sum() / 1000 == pytest.approx(raw["GHI (W/m^2)"].sum() / 1000)


def _tmy3_leap_copy(tmp_path: Path, complete: bool) -> Path:
    """Greensboro re-dated to 2020 with Feb 29 inserted (a copy of Feb 28) when ``complete``,
    or one Feb 29 row only otherwise."""
    lines = GREENSBORO.read_text().splitlines()
    out = lines[:2]
    for line in lines[2:]:
        date = line[:10]
        line = line[:6] + "2020" + line[10:]
        out.append(line)
        if date.startswith("02/28") and (complete or line[11:16] == "01:00"):
            out.append(line.replace("02/28/2020", "02/29/2020", 1))
    path = tmp_path / "leap.csv"
    path.write_text("\n".join(out) + "\n")
    return path


def test_complete_leap_year_drops_feb29_and_says_so(tmp_path):
    data, problems = read_weather(_tmy3_leap_copy(tmp_path, complete=True))
    assert not problems, [str(p) for p in problems.problems]
    assert len(data.df) == 8760
    assert any("Feb 29 dropped" in n for n in data.notes)
    greensboro, _ = read_weather(GREENSBORO)
    np.testing.assert_allclose(data.df["ghi"], greensboro.df["ghi"])


def test_feb29_in_a_year_that_is_not_complete_is_refused_with_its_row(tmp_path):
    path = _tmy3_leap_copy(tmp_path, complete=False)
    msgs = messages(path)
    assert any(
        m.startswith(f"{path}:row 1396:time: Feb 29 in a file that is not a complete leap year")
        for m in msgs
    ), msgs


def test_miami_tmy2():
    data, problems = read_weather(MIAMI)
    assert not problems, [str(p) for p in problems.problems]
    df = data.df
    assert len(df) == 8760
    assert df.index[0] == pd.Timestamp(f"{MODEL_YEAR}-01-01 00:00", tz="Etc/GMT+5")
    assert 22 < df["temp_air"].mean() < 27  # Miami; TMY2 stores tenths of deg C
    assert 2 < df["wind_speed"].mean() < 6
    assert 1700 < df["ghi"].sum() / 1000 < 1900
    assert (data.latitude, data.altitude_m) == (pytest.approx(25.8), 2.0)


@pytest.mark.parametrize(
    "name", ["tmy_45.000_8.000_2005_2023.csv", "tmy_45.000_8.000_2005_2023.json"]
)
def test_pvgis_typical_year(tmp_path, name):
    data, problems = read_weather(unzip(name, tmp_path))
    assert not problems, [str(p) for p in problems.problems]
    df = data.df
    assert len(df) == 8760 and data.label == "typical"
    assert str(df.index.tz) == "Etc/GMT-1"  # Italy keeps UTC+1 standard time
    assert any("UTC stamps converted" in n for n in data.notes)
    # the file's first row (2018-01-01 00:00 UTC) is 01:00 local standard time
    assert df["temp_air"].iloc[1] == pytest.approx(2.04)
    assert df["ghi"].sum() / 1000 == pytest.approx(1436, abs=1)


def test_pvgis_series_on_a_tilted_plane_is_refused_with_the_fix():
    path = DATA / "pvgis_hourly_Timeseries_45.000_8.000_SA_30deg_0deg_2016_2016.csv"
    msgs = messages(path)
    assert any("slope 0 deg" in m and "found slope 30.0 deg" in m for m in msgs), msgs
    path = DATA / "pvgis_hourly_Timeseries_45.000_8.000_SA2_10kWp_CIS_5_2a_2013_2014.json"
    assert any("radiation components" in m for m in messages(path))


def _pvgis_horizontal_series(tmp_path: Path, years: list[int]) -> Path:
    """A PVGIS hourly-series CSV of horizontal components (slope 0) for ``years``, built from
    the real PVGIS typical year (its beam horizontal = GHI - DHI)."""
    src = unzip("tmy_45.000_8.000_2005_2023.csv", tmp_path)
    tmy = pd.read_csv(src, skiprows=17, nrows=8760)
    head = [
        "Latitude (decimal degrees):\t45.000",
        "Longitude (decimal degrees):\t8.000",
        "Elevation (m):\t250",
        "Radiation database:\tPVGIS-SARAH3",
        "",
        "",
        "Slope: 0 deg. ",
        "Azimuth: 0 deg. ",
        "time,Gb(i),Gd(i),Gr(i),H_sun,T2m,WS10m,Int",
    ]
    rows = []
    for year in years:
        stamps = pd.date_range(f"{year}-01-01", f"{year}-12-31 23:00", freq="h")
        keep = ~((stamps.month == 2) & (stamps.day == 29))
        i = np.cumsum(keep) - 1  # a Feb 29 repeats Feb 28's hours
        for t, k in zip(stamps, i, strict=True):
            r = tmy.iloc[k]
            beam = max(r["G(h)"] - r["Gd(h)"], 0.0)
            rows.append(f"{t:%Y%m%d:%H}10,{beam},{r['Gd(h)']},0.0,0.0,{r['T2m']},{r['WS10m']},0.0")
    path = tmp_path / "series.csv"
    path.write_text("\n".join(head + rows + ["", "PVGIS (c) European Union"]) + "\n")
    return path


def test_pvgis_horizontal_series_of_two_years_one_leap(tmp_path):
    years, problems = read_weather_years(_pvgis_horizontal_series(tmp_path, [2019, 2020]))
    assert not problems, [str(p) for p in problems.problems][:5]
    assert [y.label for y in years] == ["2019", "2020"]
    assert all(len(y.df) == 8760 for y in years)
    assert any("Feb 29 dropped" in n for n in years[1].notes)
    assert any("DNI computed" in n for n in years[0].notes)
    np.testing.assert_allclose(years[0].df["ghi"].sum(), years[1].df["ghi"].sum(), rtol=1e-3)


def test_nsrdb_psm3_single_year_30_minutes(tmp_path):
    years, problems = read_weather_years(unzip("test_read_psm3.csv", tmp_path))
    assert not problems, [str(p) for p in problems.problems]
    assert [y.label for y in years] == ["2017"]
    data = years[0]
    assert any("30-minute samples averaged" in n for n in data.notes)
    assert str(data.df.index.tz) == "Etc/GMT+7"
    assert 1650 < data.df["ghi"].sum() / 1000 < 1850


def test_nsrdb_psm3_leap_year_hourly(tmp_path):
    """An hourly PSM3 single year 2020 (8,784 rows): Feb 29 dropped, the rest kept in place."""
    lines = unzip("test_read_psm3.csv", tmp_path).read_text().splitlines()
    head, rows = lines[:3], [r.split(",") for r in lines[3:] if r.split(",")[4] == "30"]
    out = []
    for r in rows:
        r[0] = "2020"
        out.append(",".join(r))
        if r[1] == "2" and r[2] == "28":
            out.append(",".join([r[0], "2", "29", *r[3:]]))
    path = tmp_path / "leap_psm3.csv"
    path.write_text("\n".join(head + out) + "\n")
    years, problems = read_weather_years(path)
    assert not problems, [str(p) for p in problems.problems]
    assert [y.label for y in years] == ["2020"] and len(years[0].df) == 8760
    assert any("Feb 29 dropped" in n for n in years[0].notes)
