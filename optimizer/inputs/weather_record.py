"""A weather record: several weather years at one place, from one or more files or a folder.

``--weather`` may be given several times, and each value may be a file or a folder (every file
in it whose format is recognised, in name order). Each file holds one weather year (a typical
year, an NSRDB single year, an EPW of an actual year) or a series of years (a PVGIS hourly
series, concatenated NSRDB years); every year is read and checked on its own
(:func:`optimizer.inputs.weather.read_weather_years`: hourly completeness, leap days).

The record is refused, with every problem at once, when a file lies at another place than the
first one (farther than :data:`MAX_PLACE_KM`, geodesic distance on the WGS84 ellipsoid, pyproj
``Geod``) or a calendar year is given twice. Two typical years are told apart by their file
name in their label. The first year given is the **design year**; the others are replayed on
the design (the stress test, :mod:`optimizer.results.stress`).
"""

from __future__ import annotations

from pathlib import Path

from optimizer.errors import Problem
from optimizer.inputs.weather import WeatherData, detect_format, read_weather_years

#: Largest distance between the places of two files of one record [km]: a few NSRDB 4-km cells,
#: or a station (TMY3) and the satellite cell around it.
MAX_PLACE_KM = 25.0


def weather_files(given: list[Path]) -> tuple[list[Path], list[Problem]]:
    """Expand folders into their weather files (recognised formats, name order).

    Returns
    -------
    (files, problems)
        A folder without any weather file is a problem.
    """
    files: list[Path] = []
    problems: list[Problem] = []
    for path in map(Path, given):
        if not path.is_dir():
            files.append(path)
            continue
        inside = [p for p in sorted(path.iterdir()) if p.is_file() and detect_format(p)]
        if not inside:
            problems.append(
                Problem(str(path), "", "", "no weather file in the folder",
                        expected="NSRDB PSM3, TMY3, TMY2, EPW or PVGIS files")  # fmt: skip
            )
        files += inside
    return files, problems


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Geodesic distance on the WGS84 ellipsoid [km] (pyproj ``Geod.inv``)."""
    from pyproj import Geod

    _, _, metres = Geod(ellps="WGS84").inv(lon1, lat1, lon2, lat2)
    return float(metres) / 1000.0


def _place_problems(files: list[Path], years: list[list[WeatherData]]) -> list[Problem]:
    """A problem for every file farther than :data:`MAX_PLACE_KM` from the first file."""
    out = []
    ref = next(((f, ys[0]) for f, ys in zip(files, years, strict=True) if ys), None)
    if ref is None:
        return out
    f0, w0 = ref
    for f, ys in zip(files, years, strict=True):
        if not ys or f == f0:
            continue
        d = distance_km(w0.latitude, w0.longitude, ys[0].latitude, ys[0].longitude)
        if d > MAX_PLACE_KM:
            out.append(
                Problem(
                    str(f), "", "latitude,longitude",
                    f"another place than {f0.name}: {d:,.0f} km apart",
                    found=f"{ys[0].latitude:.3f}, {ys[0].longitude:.3f}",
                    expected=f"within {MAX_PLACE_KM:g} km of {w0.latitude:.3f}, "
                    f"{w0.longitude:.3f}",
                )  # fmt: skip
            )
    return out


def _label_problems(files: list[Path], years: list[list[WeatherData]]) -> list[Problem]:
    """Name typical years by their file when there are several; refuse a calendar year twice."""
    seen: dict[str, Path] = {}
    out = []
    typical = sum(1 for ys in years for y in ys if y.label == "typical")
    for f, ys in zip(files, years, strict=True):
        for y in ys:
            if y.label == "typical":
                y.label = f"typical ({f.name})" if typical > 1 else "typical"
                continue
            if y.label in seen:
                out.append(Problem(str(f), "", "time", f"year {y.label} given twice",
                                   found=f"also in {seen[y.label]}",
                                   expected="each year once"))  # fmt: skip
            seen.setdefault(y.label, f)
    return out


def read_weather_record(given: list[Path]) -> tuple[list[WeatherData], list[Problem]]:
    """Read every weather year of the files (and folders) ``given``, checked as one record.

    Returns
    -------
    (years, problems)
        The weather years in the order given (the first is the design year); empty whenever
        any problem was found.
    """
    files, problems = weather_files(given)
    years = []
    for f in files:
        ys, p = read_weather_years(f)
        years.append(ys)
        problems += p.problems
    problems += _place_problems(files, years)
    problems += _label_problems(files, years)
    if problems:
        return [], problems
    return [y for ys in years for y in ys], problems


def describe_record(years: list[WeatherData]) -> list[str]:
    """Lines for the terminal and the run: one per weather year (label, source file, notes)."""
    out = []
    for i, y in enumerate(years):
        role = "design year" if i == 0 else "replayed"
        out.append(f"weather year {y.label}: {y.file or y.source} ({role})")
        out += [f"weather year {y.label}: {n}" for n in y.notes]
    return out
