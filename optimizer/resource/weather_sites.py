"""Cloud-model tables of several calibration sites, and their combination at any place.

Each calibration site (a real typical year) gives one set of tables
(:func:`optimizer.resource.weather_calibration.calibrate`). They are stored stacked, with a
``site`` column, in ``data/weather/*.csv``; the places are in ``data/weather/sites.csv``.

At a place the default weather uses a weighted mean of the sites' tables:

.. math:: w_i = \\lambda [i = \\text{nearest}] + (1 - \\lambda) / n,
          \\qquad \\lambda = \\exp(-d_{nearest} / L)

i.e. the pooled (equal-weight) regional statistics, except close to a calibration site
(:math:`L` = :data:`LOCAL_KM`), where that site's own statistics take over. Leave-one-site-out
validation (``benchmarks/RESULTS_solar.md`` item 2b) found pooled statistics to transfer to a
held-out site somewhat better than the nearest site's own (7 against 6 of the 12 limits met; a
design run with inverse-distance weights, which also lean on the nearest site, did no better);
the local term only says that at a calibration site its own year is the best estimate.
Blending is linear in every figure (class frequencies, quantiles of :math:`K_d`, persistence,
spell depths, beam ratios, climate), which keeps frequencies summing to one and quantiles
ordered.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from optimizer.inputs.weather import WeatherData, read_weather
from optimizer.inputs.weather_extract import read_daylight_extract
from optimizer.resource.weather_calibration import calibrate

#: Distance over which a calibration site's own statistics give way to the pooled ones [km].
LOCAL_KM = 50.0
#: Mean Earth radius [km].
EARTH_RADIUS_KM = 6371.0
#: Tables that are blended; ``meta`` is rebuilt from the sites' places.
BLENDED = ("monthly", "classes", "dni", "diurnal", "spells")
#: Non-numeric or key columns that are carried over, not averaged.
KEYS = {
    "monthly": ["month"],
    "classes": ["class", "kd_low", "kd_high"],
    "dni": ["kc_low", "kc_high"],
    "diurnal": ["hour"],
    "spells": ["window_days", "month"],
}


def great_circle_km(lat1: float, lon1: float, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Great-circle distance [km] between one place and others [deg] (haversine)."""
    p1, p2 = np.radians(lat1), np.radians(np.asarray(lat2, dtype=float))
    dlat = p2 - p1
    dlon = np.radians(np.asarray(lon2, dtype=float) - lon1)
    h = np.sin(dlat / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def site_weights(
    latitude: float, longitude: float, sites: pd.DataFrame, local_km: float = LOCAL_KM
) -> pd.Series:
    """Weights [-] of the calibration ``sites`` at a place [deg, deg], summing to one.

    Pooled (equal) weights, shifted toward the nearest site by ``exp(-d / local_km)``;
    ``local_km`` 0 gives the pooled weights everywhere. Indexed by site name.
    """
    d = great_circle_km(latitude, longitude, sites["latitude"], sites["longitude"])
    lam = float(np.exp(-d.min() / local_km)) if local_km > 0 else 0.0
    w = np.full(len(d), (1.0 - lam) / len(d))
    w[int(np.argmin(d))] += lam
    return pd.Series(w, index=sites["site"].to_numpy())


def stack(per_site: dict[str, dict[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    """Stack the tables of each site into one table per name with a leading ``site`` column."""
    names = next(iter(per_site.values())).keys()
    return {
        name: pd.concat(
            [t[name].assign(site=site) for site, t in per_site.items()], ignore_index=True
        )[["site", *next(iter(per_site.values()))[name].columns]]
        for name in names
    }


def blend_tables(
    stacked: dict[str, pd.DataFrame], sites: pd.DataFrame, weights: pd.Series
) -> dict[str, pd.DataFrame]:
    """Weighted mean of the sites' tables, plus a ``meta`` table (key, value) of the blend.

    Parameters
    ----------
    stacked : tables with a ``site`` column (:func:`stack`)
    sites : one row per site with ``site, latitude, longitude, altitude_m``
    weights : weight [-] per site name, summing to one; sites with zero weight are skipped
    """
    used = weights[weights > 0]
    out = {}
    for name in BLENDED:
        keys, cols, per_site = _site_parts(stacked[name], KEYS[name])
        values = [per_site[s] for s in used.index]
        mean = sum(w * v for w, v in zip(used.to_numpy(), values, strict=True))  # 0 + w1 v1 + ..
        frame = keys.copy()
        for i, col in enumerate(cols):
            frame[col] = mean[:, i]
        out[name] = frame
    places = sites.set_index("site").loc[used.index]
    altitude_m = float((places["altitude_m"] * used).sum())
    out["meta"] = pd.DataFrame(
        {
            "key": ["sites", "altitude_m"],
            "value": [";".join(f"{s}:{w:.3f}" for s, w in used.items()), altitude_m],
        }
    )
    return out


_PARTS: dict[int, tuple] = {}


def _site_parts(table: pd.DataFrame, keys: list[str]) -> tuple:
    """``(key columns of the first site, value column names, {site: values (rows, cols)})`` of
    a stacked table, computed once per table object (the stacked tables are cached)."""
    hit = _PARTS.get(id(table))
    if hit is not None and hit[0] is table:
        return hit[1]
    sites = list(dict.fromkeys(table["site"]))
    parts = {
        s: table[table["site"] == s].drop(columns="site").reset_index(drop=True) for s in sites
    }
    first = parts[sites[0]]
    cols = [c for c in first.columns if c not in keys]
    value = {s: p[cols].to_numpy(dtype=float) for s, p in parts.items()}
    _PARTS[id(table)] = (table, (first[keys], cols, value))
    return first[keys], cols, value


def read_site_file(path: Path) -> WeatherData:
    """Read a calibration file: a daylight-only extract (``*_daylight.csv``) or a PSM3/TMY3/EPW."""
    path = Path(path)
    if path.name.endswith("_daylight.csv"):
        return read_daylight_extract(path)
    weather, problems = read_weather(path)
    if weather is None:
        raise ValueError("\n".join(str(p) for p in problems.problems))
    return weather


def calibrate_sites(files: dict[str, Path]) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Calibrate each site file; return the stacked tables and the sites table.

    Parameters
    ----------
    files : site name -> real typical-year file

    Returns
    -------
    (tables with a ``site`` column, sites with ``site, latitude, longitude, altitude_m, file``)
    """
    per_site, rows = {}, []
    for site, path in files.items():
        weather = read_site_file(path)
        per_site[site] = calibrate(weather)
        rows.append(
            {
                "site": site,
                "latitude": weather.latitude,
                "longitude": weather.longitude,
                "altitude_m": weather.altitude_m,
                "file": Path(path).name,
            }
        )
    return stack(per_site), pd.DataFrame(rows)
