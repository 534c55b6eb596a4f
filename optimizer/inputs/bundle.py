"""Read and validate every input of a run at once (nothing is built before all are clean)."""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from optimizer.choices import MODES  # noqa: F401 - re-exported (one list: optimizer/choices.py)
from optimizer.errors import InputError, Problem, ProblemCollector
from optimizer.inputs import workbook_inputs as wi
from optimizer.inputs.chips import PRECISIONS, read_chips
from optimizer.inputs.exclusions import apply_exclusions, read_exclusions
from optimizer.inputs.parcels import parse_column_map, read_parcels
from optimizer.inputs.prices import Prices, load_prices
from optimizer.inputs.reservoirs import read_reservoirs
from optimizer.inputs.scenario import Scenario, load_scenario
from optimizer.inputs.weather import WeatherData
from optimizer.inputs.weather_record import read_weather_record
from optimizer.inputs.workbook_inputs import apply_parcel_prices
from optimizer.paths import default_path


@dataclass
class InputPaths:
    """User-given input files; None means the embedded default in ``data/``."""

    parcels: Path | None = None
    prices: Path | None = None
    chips: Path | None = None
    reservoirs: Path | None = None
    weather: Path | list[Path] | None = None  # files or folders: a weather record
    parcels_layer: str | None = None
    scenario: str | None = None
    exclude: list[Path] = field(default_factory=list)
    exclude_buffer_m: float = 0.0
    fix_geometry: bool = False
    column_map: str | None = None

    def resolved(self) -> dict[str, Path | None]:
        """Return the file actually read for each input (weather None = embedded model)."""
        return {
            "parcels": self.parcels or default_path("parcels.geojson"),
            "prices": self.prices or default_path("prices.csv"),
            "chips": self.chips or default_path("chips.csv"),
            "reservoirs": self.reservoirs or default_path("reservoirs.csv"),
            "weather": self.weather_paths()[0] if self.weather_paths() else None,
        }

    def weather_paths(self) -> list[Path]:
        """The ``--weather`` values given (files or folders), in order."""
        if self.weather is None:
            return []
        given = self.weather if isinstance(self.weather, list | tuple) else [self.weather]
        return [Path(p) for p in given]


@dataclass
class Inputs:
    """Everything a run reads, validated."""

    prices: Prices
    chips: pd.DataFrame
    parcels: gpd.GeoDataFrame
    reservoirs: pd.DataFrame
    weather: WeatherData | None
    precision: str
    paths: dict[str, Path | None] = field(default_factory=dict)
    scenario: Scenario | None = None
    exclusions: gpd.GeoDataFrame | None = None
    exclude_buffer_m: float = 0.0
    #: every weather year of the record (the first is ``weather``, the design year); empty with
    #: the embedded default weather
    weather_years: list[WeatherData] = field(default_factory=list)

    def checksums(self) -> dict[str, str]:
        """Return ``name -> sha256`` of every input file read (embedded ones included)."""
        out = {}
        for name, path in self.paths.items():
            out[name] = sha256_file(path) if path is not None else "embedded model"
        return out


def sha256_file(path: Path) -> str:
    """Return the hex sha256 of a file's bytes (and of its sidecar files for a Shapefile)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def load_inputs(paths: InputPaths | None = None, precision: str = "fp8") -> Inputs:
    """Read and validate every input; raise :class:`InputError` listing all problems found."""
    paths = paths or InputPaths()
    files = paths.resolved()
    problems: list[Problem] = []
    scenario = None
    if paths.scenario is not None:
        scenario, p = load_scenario(paths.scenario)
        problems += p.problems
        if scenario is not None and scenario.chips is not None and paths.chips is None:
            files["chips"] = scenario.chips
        if scenario is not None and scenario.prices is not None:
            files["scenario_prices"] = scenario.prices
    if precision not in PRECISIONS:
        problems.append(
            Problem("--precision", "", "", "unknown precision", precision, "|".join(PRECISIONS))
        )
    prices, price_problems = load_prices(paths.prices, files.get("scenario_prices"))
    problems += price_problems
    chips, p = read_chips(files["chips"], precision if precision in PRECISIONS else "fp8")
    problems += p.problems
    column_map, p = parse_column_map(paths.column_map)
    problems += p.problems
    parcels, p = read_parcels(
        files["parcels"], paths.parcels_layer, column_map, fix_geometry=paths.fix_geometry
    )
    problems += p.problems
    exclusions, excl_problems = read_exclusions(
        list(paths.exclude), paths.exclude_buffer_m, paths.fix_geometry
    )
    problems += excl_problems
    reservoirs, p = read_reservoirs(files["reservoirs"])
    problems += p.problems
    book = _workbook_inputs(paths, files, precision if precision in PRECISIONS else "fp8")
    problems += book["problems"]
    chips = chips if book["chips"] is None else book["chips"]
    reservoirs = reservoirs if book["reservoirs"] is None else book["reservoirs"]
    weather, years = None, []
    if paths.weather_paths():
        years, p = read_weather_record(paths.weather_paths())
        problems += p
        weather = years[0] if years else None
    if not problems:
        parcels = _apply_parcel_prices(parcels, book, problems)
    if problems:
        raise InputError(problems)
    parcels = apply_exclusions(parcels, exclusions, paths.exclude_buffer_m)
    for i, path in enumerate(paths.exclude):
        files[f"exclude {i + 1}"] = Path(path)
    _weather_files(files, years)
    return Inputs(
        prices,
        chips,
        parcels,
        reservoirs,
        weather,
        precision,
        files,
        scenario,
        exclusions,
        paths.exclude_buffer_m,
        years,
    )


def _weather_files(files: dict, years: list[WeatherData]) -> None:
    """Record the files of a weather record's further years (``weather 2``, ...) in ``files``."""
    seen: list[str] = []
    for y in years:
        if y.file and y.file not in seen:
            seen.append(y.file)
            files["weather" if len(seen) == 1 else f"weather {len(seen)}"] = Path(y.file)


def _workbook_inputs(paths: InputPaths, files: dict, precision: str) -> dict:
    """Chips, reservoir sites and parcel prices from a zopt workbook given as ``--prices``.

    Only inputs the user did not give as files of their own are taken from the workbook; the
    workbook then stands as that input in ``files`` (so its checksum is recorded).
    """

    out = {"chips": None, "reservoirs": None, "parcel_prices": None, "problems": []}
    book = paths.prices
    if book is None or Path(book).suffix.lower() not in (".xlsx", ".xlsm"):
        return out
    if not Path(book).is_file() or not zipfile.is_zipfile(book):
        return out  # the Prices reader already says what is wrong with the file
    collector = ProblemCollector(str(book))
    try:
        if paths.chips is None and paths.scenario is None:
            out["chips"] = wi.read_chips_sheet(Path(book), precision, collector)
            if out["chips"] is not None:
                files["chips"] = Path(book)
        if paths.reservoirs is None:
            out["reservoirs"] = wi.read_reservoirs_sheet(Path(book), collector)
            if out["reservoirs"] is not None:
                files["reservoirs"] = Path(book)
        out["parcel_prices"] = wi.read_parcel_prices(Path(book), collector)
    except Exception:  # noqa: BLE001 - a damaged workbook is reported by the Prices reader
        return {**out, "chips": None, "reservoirs": None, "parcel_prices": None}
    out["problems"] = collector.problems
    return out


def _apply_parcel_prices(parcels, book: dict, problems: list) -> gpd.GeoDataFrame:
    """``parcels`` with the workbook's parcel prices (unchanged without a workbook)."""

    if book["parcel_prices"] is None:
        return parcels
    collector = ProblemCollector("Parcels sheet")
    out = apply_parcel_prices(parcels, book["parcel_prices"], collector)
    problems += collector.problems
    return out
