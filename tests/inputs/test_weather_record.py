"""Weather records: several files (or a folder) at one place, checked together."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pvlib
import pytest

from optimizer.inputs.bundle import InputPaths, load_inputs
from optimizer.inputs.weather_record import distance_km, read_weather_record

PVLIB_DATA = Path(pvlib.__file__).parent / "data"
GREENSBORO = PVLIB_DATA / "723170TYA.CSV"
MIAMI = PVLIB_DATA / "12839.tm2"


def test_files_of_different_places_are_refused_with_their_distance():
    years, problems = read_weather_record([GREENSBORO, MIAMI])
    assert years == []
    msgs = [str(p) for p in problems]
    d = distance_km(36.1, -79.95, 25.8, -80.2667)
    assert 1100 < d < 1200
    assert msgs == [
        f"{MIAMI}:latitude,longitude: another place than 723170TYA.CSV: {d:,.0f} km apart "
        "(found 25.800, -80.267, expected within 25 km of 36.100, -79.950)"
    ]


def test_folder_and_files_make_one_record_with_labelled_typical_years(tmp_path):
    folder = tmp_path / "years"
    folder.mkdir()
    shutil.copy(GREENSBORO, folder / "a.csv")
    shutil.copy(GREENSBORO, folder / "b.csv")
    (folder / "notes.txt").write_text("not weather\n")
    years, problems = read_weather_record([folder])
    assert problems == []
    assert [y.label for y in years] == ["typical (a.csv)", "typical (b.csv)"]


def test_empty_folder_and_a_year_given_twice(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    _, problems = read_weather_record([empty])
    assert "no weather file in the folder" in str(problems[0])
    src = Path(__file__).resolve().parents[1] / "data" / "weather" / "test_read_psm3.csv.gz"
    psm3 = tmp_path / "y2017.csv"
    with gzip.open(src, "rb") as fh:
        psm3.write_bytes(fh.read())
    shutil.copy(psm3, tmp_path / "again.csv")
    years, problems = read_weather_record([psm3, tmp_path / "again.csv"])
    assert years == []
    assert [str(p) for p in problems] == [
        f"{tmp_path / 'again.csv'}:time: year 2017 given twice (found also in {psm3}, "
        "expected each year once)"
    ]


def test_single_file_run_keeps_its_behaviour():
    inputs = load_inputs(InputPaths(weather=GREENSBORO))
    assert len(inputs.weather_years) == 1
    assert inputs.weather is inputs.weather_years[0]
    assert inputs.weather.label == "typical"
    assert inputs.paths["weather"] == GREENSBORO


@pytest.mark.parametrize("n", [2, 3])
def test_record_lists_every_file_in_the_checksums(tmp_path, n):
    copies = []
    for i in range(n):
        copies.append(tmp_path / f"g{i}.csv")
        shutil.copy(GREENSBORO, copies[-1])
    inputs = load_inputs(InputPaths(weather=copies))
    assert inputs.paths["weather"] == copies[0] and inputs.paths[f"weather {n}"] == copies[-1]
    assert [y.label for y in inputs.weather_years] == [f"typical (g{i}.csv)" for i in range(n)]
