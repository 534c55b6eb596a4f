"""Read and validate every input of a run at once (nothing is built before all are clean)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from optimizer.errors import InputError, Problem
from optimizer.inputs.chips import PRECISIONS, read_chips
from optimizer.inputs.parcels import read_parcels
from optimizer.inputs.prices import Prices, load_prices
from optimizer.inputs.reservoirs import read_reservoirs
from optimizer.inputs.scenario import Scenario, load_scenario
from optimizer.inputs.weather import WeatherData, read_weather
from optimizer.paths import default_path

MODES = ("sustained", "average", "peak")


@dataclass
class InputPaths:
    """User-given input files; None means the embedded default in ``data/``."""

    parcels: Path | None = None
    prices: Path | None = None
    chips: Path | None = None
    reservoirs: Path | None = None
    weather: Path | None = None
    parcels_layer: str | None = None
    scenario: str | None = None

    def resolved(self) -> dict[str, Path | None]:
        """Return the file actually read for each input (weather None = embedded model)."""
        return {
            "parcels": self.parcels or default_path("parcels.geojson"),
            "prices": self.prices or default_path("prices.csv"),
            "chips": self.chips or default_path("chips.csv"),
            "reservoirs": self.reservoirs or default_path("reservoirs.csv"),
            "weather": self.weather,
        }


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
    parcels, p = read_parcels(files["parcels"], layer=paths.parcels_layer)
    problems += p.problems
    reservoirs, p = read_reservoirs(files["reservoirs"])
    problems += p.problems
    weather = None
    if paths.weather is not None:
        weather, p = read_weather(paths.weather)
        problems += p.problems
    if problems:
        raise InputError(problems)
    return Inputs(prices, chips, parcels, reservoirs, weather, precision, files, scenario)
