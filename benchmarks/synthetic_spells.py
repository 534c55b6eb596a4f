"""How deep are the synthetic years' worst spells next to the real typical years'?

For each calibration site (Phoenix when ../shared is present, Tucson, Daggett): the deepest
3-day and 7-day mean daily clear-sky index K_d (daily GHI / Ineichen clear-sky GHI, windows
within the year) of the real NSRDB typical year, of the embedded default (typical) year, and of
N synthetic years (min / median / max over the years). Also the Greensboro TMY3 shipped in
pvlib (a real typical year of a humid place, outside the calibration region) against the
synthetic years zopt would draw there (pooled statistics).

    PYTHONPATH=. python benchmarks/synthetic_spells.py [N]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pvlib

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from optimizer.inputs.weather import read_weather  # noqa: E402
from optimizer.inputs.weather_extract import read_daylight_extract  # noqa: E402
from optimizer.resource.default_weather import default_weather  # noqa: E402
from optimizer.resource.synthetic_years import synthetic_year  # noqa: E402
from optimizer.resource.weather_calibration import clearsky  # noqa: E402

PHOENIX = ROOT.parent / "shared/reference/weather/phoenix_az_33.450495_-111.983688_psmv3_60_tmy.csv"
VALID = ROOT / "data/weather/validation"


def worst_kd(w, lat, lon, alt) -> tuple[float, float]:
    """Deepest 3-day and 7-day mean K_d [-] of a weather year."""
    cs = clearsky(w.df.index, lat, lon, alt)["ghi"].to_numpy().reshape(365, 24).sum(axis=1)
    ghi = w.df["ghi"].to_numpy().reshape(365, 24).sum(axis=1)
    out = []
    for days in (3, 7):
        k = np.convolve(ghi, np.ones(days), "valid") / np.convolve(cs, np.ones(days), "valid")
        out.append(float(k.min()))
    return out[0], out[1]


def sites() -> list[tuple[str, object]]:
    out = []
    if PHOENIX.is_file():
        out.append(("phoenix", read_weather(PHOENIX)[0]))
    out.append(("tucson", read_daylight_extract(VALID / "tucson_psm3_tmy_daylight.csv")))
    out.append(("daggett", read_daylight_extract(VALID / "daggett_psm3_tmy_daylight.csv")))
    out.append(("greensboro", read_weather(Path(pvlib.__file__).parent / "data/723170TYA.CSV")[0]))
    return out


def main(n: int = 20) -> None:
    t0 = time.perf_counter()
    print("| site | real TMY 3-day / 7-day | default (typical) | synthetic years: min / median / "
          "max 3-day | 7-day | synthetic years deeper than the real 7-day |")
    print("|---|---|---|---|---|---|")
    for name, real in sites():
        lat, lon, alt = real.latitude, real.longitude, real.altitude_m
        r3, r7 = worst_kd(real, lat, lon, alt)
        d3, d7 = worst_kd(default_weather(lat, lon, alt), lat, lon, alt)
        syn = np.array([worst_kd(synthetic_year(lat, lon, alt, k), lat, lon, alt)
                        for k in range(1, n + 1)])  # fmt: skip
        q3, q7 = np.percentile(syn[:, 0], [0, 50, 100]), np.percentile(syn[:, 1], [0, 50, 100])
        deeper = int((syn[:, 1] < r7).sum())
        print(f"| {name} | {r3:.2f} / {r7:.2f} | {d3:.2f} / {d7:.2f} | "
              f"{q3[0]:.2f} / {q3[1]:.2f} / {q3[2]:.2f} | {q7[0]:.2f} / {q7[1]:.2f} / {q7[2]:.2f} "
              f"| {deeper} of {n} |")
    print(f"({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
