"""Weather file reading and validation: PSM3, TMY3, EPW; every bad-file case is reported."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from optimizer.inputs.weather import HOURS_PER_YEAR, MODEL_YEAR, WeatherData, read_weather
from optimizer.inputs.weather_checks import noon_offset_h

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
PHOENIX = SHARED / "reference" / "weather" / "phoenix_az_33.450495_-111.983688_psmv3_60_tmy.csv"


@pytest.fixture(scope="module")
def phoenix_lines() -> list[str]:
    if not PHOENIX.is_file():
        pytest.skip("../shared/reference is absent")
    return PHOENIX.read_text().splitlines()


@pytest.fixture(scope="module")
def phoenix(phoenix_lines) -> WeatherData:
    data, problems = read_weather(PHOENIX)
    assert not problems, [str(p) for p in problems.problems]
    return data


def write(tmp_path: Path, lines: list[str], name: str = "bad.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


def set_cell(lines: list[str], line_no: int, column: str, value: str) -> list[str]:
    """Copy of ``lines`` with one cell (1-based line number, PSM3 column name) replaced."""
    out = list(lines)
    j = out[2].split(",").index(column)
    cells = out[line_no - 1].split(",")
    cells[j] = value
    out[line_no - 1] = ",".join(cells)
    return out


def messages(path: Path) -> list[str]:
    data, problems = read_weather(path)
    assert data is None
    assert problems
    return [str(p) for p in problems.problems]


@pytest.mark.shared
def test_phoenix_psm3_reads_clean(phoenix):
    df = phoenix.df
    assert len(df) == HOURS_PER_YEAR
    assert list(df.columns) == ["ghi", "dni", "dhi", "temp_air", "wind_speed"]
    assert df.index[0] == pd.Timestamp(f"{MODEL_YEAR}-01-01 00:00", tz="Etc/GMT+7")
    assert (pd.Series(df.index).diff().dropna() == pd.Timedelta(hours=1)).all()
    assert df["ghi"].sum() / 1000 == pytest.approx(2115, rel=0.005)  # facts.csv ghi_phoenix_tmy
    assert abs(noon_offset_h(df["ghi"], phoenix.longitude)) < 0.2
    assert phoenix.latitude == pytest.approx(33.45) and phoenix.altitude_m == pytest.approx(358)


@pytest.mark.shared
def test_short_file(tmp_path, phoenix_lines):
    msgs = messages(write(tmp_path, phoenix_lines[: 3 + 8000]))
    assert any("wrong number of hourly rows (found 8000, expected 8760" in m for m in msgs)


@pytest.mark.shared
def test_nan_reported_with_row_and_column(tmp_path, phoenix_lines):
    lines = set_cell(phoenix_lines, 100, "GHI", "NaN")
    lines = set_cell(lines, 200, "Wind Speed", "")
    msgs = messages(write(tmp_path, lines))
    assert any(
        m.endswith(":row 100:ghi: missing value (found NaN, expected a number)") for m in msgs
    ), msgs
    assert any(":row 200:wind_speed: missing value" in m for m in msgs)


@pytest.mark.shared
def test_sentinels_all_reported(tmp_path, phoenix_lines):
    lines = phoenix_lines
    for n in (50, 51, 5000):
        lines = set_cell(lines, n, "DNI", "-9999")
    lines = set_cell(lines, 60, "Temperature", "9999")
    msgs = messages(write(tmp_path, lines))
    sentinel = [m for m in msgs if "missing-value sentinel" in m]
    assert len(sentinel) == 4, msgs
    assert any(":row 5000:dni:" in m and "found -9999" in m for m in sentinel)
    assert any(":row 60:temp_air:" in m for m in sentinel)


@pytest.mark.shared
def test_physically_impossible_values(tmp_path, phoenix_lines):
    lines = set_cell(phoenix_lines, 4, "GHI", "800")  # 00:30 local, Jan 1: night
    lines = set_cell(lines, 4000, "Wind Speed", "-3")
    msgs = messages(write(tmp_path, lines))
    assert any(":row 4000:wind_speed: physically impossible value" in m for m in msgs), msgs
    assert any(":row 4:ghi: sunlight while the sun is below the horizon" in m for m in msgs)


@pytest.mark.shared
@pytest.mark.parametrize("shift", [1, -1, 3])
def test_shifted_irradiance_names_the_offset(tmp_path, phoenix_lines, shift):
    head, rows = phoenix_lines[:3], [r.split(",") for r in phoenix_lines[3:]]
    values = [r[5:] for r in rows]
    rolled = values[-shift:] + values[:-shift]
    lines = head + [",".join(r[:5] + v) for r, v in zip(rows, rolled, strict=True)]
    msgs = messages(write(tmp_path, lines))
    assert any(f"irradiance is shifted by {shift:+d} h" in m for m in msgs), msgs


@pytest.mark.shared
def test_wrong_time_zone_in_header(tmp_path, phoenix_lines):
    meta = phoenix_lines[1].split(",")
    meta[7] = "0"  # 'Time Zone': local data declared as UTC
    msgs = messages(write(tmp_path, [phoenix_lines[0], ",".join(meta)] + phoenix_lines[2:]))
    assert any("irradiance is shifted by -7 h" in m for m in msgs), msgs


@pytest.mark.shared
def test_wrong_columns(tmp_path, phoenix_lines):
    lines = list(phoenix_lines)
    lines[2] = lines[2].replace(",GHI,", ",Global,").replace(",Temperature,", ",Temp,")
    msgs = messages(write(tmp_path, lines))
    assert any("required weather columns missing" in m and "ghi,temp_air" in m for m in msgs)


@pytest.mark.shared
def test_text_in_number_cell(tmp_path, phoenix_lines):
    msgs = messages(write(tmp_path, set_cell(phoenix_lines, 321, "DHI", "abc")))
    assert any(":row 321:DHI: not a number (found 'abc')" in m for m in msgs), msgs


@pytest.mark.shared
def test_unsorted_timestamps(tmp_path, phoenix_lines):
    lines = list(phoenix_lines)
    lines[1000], lines[1001] = lines[1001], lines[1000]
    msgs = messages(write(tmp_path, lines))
    assert any(":row 1002:time: timestamp not after the previous one" in m for m in msgs), msgs


def test_unknown_format_and_missing_file(tmp_path):
    msgs = messages(write(tmp_path, ["hello,world", "1,2"]))
    assert any("unknown weather file format" in m for m in msgs)
    msgs = messages(tmp_path / "nope.csv")
    assert any("file not found" in m for m in msgs)


def _epw_lines(w: WeatherData, leap: bool = False) -> list[str]:
    """A minimal EPW of ``w`` (hour h+1 holds the value of hour-beginning h)."""
    header = [f"LOCATION,Test,AZ,USA,test,000000,{w.latitude},{w.longitude},-7.0,{w.altitude_m}"]
    header += [f"HEADER{i},x" for i in range(2, 9)]
    rows = []
    year = 2012 if leap else 2001
    for t, r in w.df.iterrows():
        if leap and t.month == 3 and t.day == 1 and t.hour == 0:
            rows += [_epw_row(year, 2, 29, h, r) for h in range(24)]
        rows.append(_epw_row(year, t.month, t.day, t.hour, r))
    return header + rows


def _epw_row(year, month, day, hour, r) -> str:
    f = [
        year,
        month,
        day,
        hour + 1,
        60,
        "?",
        r.temp_air,
        0,
        50,
        97000,
        0,
        0,
        0,
        r.ghi,
        r.dni,
        r.dhi,
        0,
        0,
        0,
        0,
        180,
        r.wind_speed,
        0,
        0,
        9999,
        99999,
        9,
        999999999,
        0,
        0.1,
        0,
        88,
        0.2,
        0,
        0,
    ]
    return ",".join(str(x) for x in f)


@pytest.mark.shared
def test_epw_round_trip_keeps_alignment(tmp_path, phoenix):
    data, problems = read_weather(write(tmp_path, _epw_lines(phoenix), "x.epw"))
    assert not problems, [str(p) for p in problems.problems][:5]
    assert data.df.index.equals(phoenix.df.index)
    np.testing.assert_allclose(data.df["ghi"], phoenix.df["ghi"])


@pytest.mark.shared
def test_epw_leap_year_drops_feb29(tmp_path, phoenix):
    data, problems = read_weather(write(tmp_path, _epw_lines(phoenix, leap=True), "leap.epw"))
    assert not problems, [str(p) for p in problems.problems][:5]
    assert len(data.df) == HOURS_PER_YEAR
    np.testing.assert_allclose(data.df["ghi"], phoenix.df["ghi"])


@pytest.mark.shared
def test_epw_9999_sentinel(tmp_path, phoenix):
    lines = _epw_lines(phoenix)
    cells = lines[8 + 4000].split(",")
    cells[13] = "9999"
    lines[8 + 4000] = ",".join(cells)
    msgs = messages(write(tmp_path, lines, "s.epw"))
    assert any(":row 4009:ghi: missing-value sentinel (EPW" in m for m in msgs), msgs


@pytest.mark.shared
def test_tmy3_hour_ending_convention(tmp_path, phoenix):
    """TMY3 stamps hours at their end (01:00..24:00); the reader must shift them back 1 h."""
    lines = [
        f"722780,PHOENIX,AZ,-7.0,{phoenix.latitude},{phoenix.longitude},{phoenix.altitude_m:.0f}",
        "Date (MM/DD/YYYY),Time (HH:MM),GHI (W/m^2),DNI (W/m^2),DHI (W/m^2),"
        "Dry-bulb (C),Wspd (m/s)",
    ]
    for t, r in phoenix.df.iterrows():
        lines.append(
            f"{t.month:02d}/{t.day:02d}/2001,{t.hour + 1:02d}:00,{r.ghi},{r.dni},"
            f"{r.dhi},{r.temp_air},{r.wind_speed}"
        )
    data, problems = read_weather(write(tmp_path, lines, "t.csv"))
    assert not problems, [str(p) for p in problems.problems][:5]
    assert data.df.index.equals(phoenix.df.index)
    np.testing.assert_allclose(data.df["dni"], phoenix.df["dni"])
