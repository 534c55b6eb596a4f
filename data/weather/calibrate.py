"""Derive the embedded cloud-model tables in data/weather/ from a real typical-year file.

Usage (from the repository root)::

    PYTHONPATH=. python data/weather/calibrate.py \
        ../shared/reference/weather/phoenix_az_33.450495_-111.983688_psmv3_60_tmy.csv

Writes ``monthly.csv``, ``classes.csv``, ``dni.csv``, ``diurnal.csv`` and ``meta.csv`` beside this
script. The method is in ``optimizer/resource/weather_calibration.py`` and ``README.md``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from optimizer.inputs.weather import read_weather
from optimizer.resource.weather_calibration import calibrate

HERE = Path(__file__).resolve().parent
SOURCE = "NREL NSRDB PSM3 v3.0.0 TMY (months drawn from 1999-2017), public domain"
DEFAULT_FILE = (
    HERE.parents[1]
    / ".."
    / "shared"
    / "reference"
    / "weather"
    / "phoenix_az_33.450495_-111.983688_psmv3_60_tmy.csv"
)


def main(path: Path = DEFAULT_FILE, out: Path = HERE) -> None:
    """Calibrate on ``path`` and write the tables to ``out``."""
    weather, problems = read_weather(path)
    if weather is None:
        sys.exit("\n".join(str(p) for p in problems.problems))
    tables = calibrate(weather)
    for name, table in tables.items():
        table.round(5).to_csv(out / f"{name}.csv", index=False)
    meta = pd.DataFrame(
        {
            "key": ["source", "file", "latitude", "longitude", "altitude_m"],
            "value": [
                SOURCE,
                Path(path).name,
                weather.latitude,
                weather.longitude,
                weather.altitude_m,
            ],
        }
    )
    meta.to_csv(out / "meta.csv", index=False)
    print(f"wrote {', '.join(tables)} and meta to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_FILE)
