"""Synthetic weather years from the default weather's cloud model (seeded, reproducible).

The embedded default (:mod:`optimizer.resource.default_weather`) keeps, of 512 realisations of
the cloud model, the most *typical* one and scales its deepest spells to the calibrated depth.
A synthetic year is one realisation as drawn: the daily class chain (with the calibrated
persistence), the within-class clear-sky index, each month's mean matched to the calibration
(steps 1-2 of the default without the selection and the spell scaling), then the same hourly
scatter, beam split and climate. So its spells are those the chain happens to draw: some years
deeper than the typical year, some shallower.

Seeds: year k at a place uses ``[seed of the place, 20, k]`` with the place rounded to 0.01 deg
(:func:`~optimizer.resource.default_weather.location_seed`). The stress test draws each year
once, at the first weather profile's place, and uses it for every profile (as a weather file
is used), so the profiles share one sequence of cloudy days, as a region under one weather
system does.

What this can and cannot represent is stated in ``data/weather/README.md``.
"""

from __future__ import annotations

import numpy as np

from optimizer.inputs.weather import WeatherData
from optimizer.resource.default_weather import (
    candidate_classes,
    candidate_kd,
    location_seed,
    tables_at,
    weather_from_days,
    year_frame,
)

#: Stream number that keeps synthetic years apart from the default year's random stream.
STREAM = 20


def synthetic_year(
    latitude: float, longitude: float, altitude_m: float, k: int, seed_place=None
) -> WeatherData:
    """Synthetic weather year ``k`` (1, 2, ...) at a place [deg, deg, m], labelled
    ``"synthetic k"``; ``seed_place`` (lat, lon) [deg] sets the seed (default: the place)."""
    tables = tables_at(latitude, longitude)
    index, cs, cs_ghi, month, pi_day, rho = year_frame(latitude, longitude, altitude_m, tables)
    lat0, lon0 = seed_place if seed_place is not None else (latitude, longitude)
    seed = [location_seed(lat0, lon0), STREAM, int(k)]
    rng = np.random.default_rng(seed)
    seq = candidate_classes(pi_day, rho, rng, n_candidates=1)
    kd = candidate_kd(seq, month, cs_ghi.sum(axis=1), tables, rng)[0]
    source = f"synthetic year {k} (cloud model of the embedded default, seed {seed})"
    w = weather_from_days(kd, (index, cs, cs_ghi), (latitude, longitude, altitude_m), tables,
                          rng, source)  # fmt: skip
    w.label = f"synthetic {k}"
    return w
