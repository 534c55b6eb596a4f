"""Derive the embedded cloud-model tables in data/weather/ from real typical-year files.

Usage (from the repository root)::

    PYTHONPATH=. python data/weather/calibrate.py

Calibrates each site of :data:`FILES` (Phoenix from ``../shared/reference/weather/``, Tucson and
Daggett from the daylight extracts in ``data/weather/validation/``) and writes ``monthly.csv``,
``classes.csv``, ``dni.csv``, ``diurnal.csv`` and ``spells.csv`` (one block of rows per site,
``site`` column) and ``sites.csv`` beside this script. The method is in
``optimizer/resource/weather_calibration.py``, ``optimizer/resource/weather_sites.py`` and
``README.md``.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SOURCE = "NREL NSRDB PSM3 v3 TMY, public domain"
#: Calibration sites: name -> real typical-year file.
FILES = {
    "phoenix": ROOT.parent
    / "shared"
    / "reference"
    / "weather"
    / "phoenix_az_33.450495_-111.983688_psmv3_60_tmy.csv",
    "tucson": HERE / "validation" / "tucson_psm3_tmy_daylight.csv",
    "daggett": HERE / "validation" / "daggett_psm3_tmy_daylight.csv",
}


def main(out: Path = HERE) -> None:
    """Calibrate every site of :data:`FILES` and write the tables to ``out``."""
    from optimizer.resource.weather_sites import calibrate_sites

    missing = [str(p) for p in FILES.values() if not p.is_file()]
    if missing:
        sys.exit("calibration files not found: " + ", ".join(missing))
    tables, sites = calibrate_sites(FILES)
    for name, table in tables.items():
        table.round(5).to_csv(out / f"{name}.csv", index=False)
    sites.assign(source=SOURCE).to_csv(out / "sites.csv", index=False)
    print(f"wrote {', '.join(tables)} and sites for {', '.join(FILES)} to {out}")


if __name__ == "__main__":
    main()
