"""An independently coded, simpler PVWatts-style chain used only as a yardstick for zopt's PV model.

Differences from ``optimizer.resource.solar`` on purpose: solar position from pvlib's
``ephemeris`` (not SPA) at plain mid-hour; single-axis tracking with backtracking coded here from
the closed-form equations (Marion & Dobos, NREL/TP-6A20-58891, 2013; Lorenzo et al., Prog.
Photovolt. 19 (2011) 747); Hay-Davies transposition coded here (Hay & Davies 1980, as in Duffie &
Beckman, *Solar Engineering of Thermal Processes*, 4th ed., 2.16); no incidence-angle loss; Faiman
cell temperature (Faiman, Prog. Photovolt. 16 (2008) 307; U0 = 25 W/m2K, U1 = 6.84 W s/m3K);
PVWatts DC with gamma = -0.37 %/C; fixed 14 % system losses; flat 96 % inverter efficiency and
clipping at 1/ILR.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

REFERENCE = {
    "gcr": 0.35,
    "max_angle_deg": 60.0,
    "albedo": 0.2,
    "u0": 25.0,
    "u1": 6.84,
    "gamma_per_c": -0.0037,
    "losses": 0.14,
    "eta_inverter": 0.96,
    "dc_ac_ratio": 1.34,
}


def tracker_normal(x: np.ndarray, z: np.ndarray, gcr: float, max_deg: float) -> np.ndarray:
    """Rotation [rad] of a horizontal N-S single-axis tracker with backtracking.

    ``x`` east component and ``z`` up component of the unit sun vector. True tracking
    ``R = atan2(x, z)``; backtracking when ``|cos R| < gcr``: ``R -= sign(R) acos(|cos R| / gcr)``.
    """
    r = np.arctan2(x, z)
    c = np.abs(np.cos(r))
    shade = (c < gcr) & (z > 0)
    r = np.where(shade, r - np.sign(r) * np.arccos(np.clip(c / gcr, -1, 1)), r)
    lim = np.radians(max_deg)
    return np.clip(r, -lim, lim)


def reference_ac_per_kw_dc(
    df: pd.DataFrame, lat: float, lon: float, p: dict = REFERENCE
) -> np.ndarray:
    """Hourly AC per kW_dc [kW/kW] on a single-axis tracker from hour-beginning ``df``."""
    import pvlib

    times = df.index + pd.Timedelta(minutes=30)
    sp = pvlib.solarposition.ephemeris(times, lat, lon)
    zen = np.radians(sp["apparent_zenith"].to_numpy())
    az = np.radians(sp["azimuth"].to_numpy())
    x, z = np.sin(zen) * np.sin(az), np.cos(zen)
    rot = tracker_normal(x, z, p["gcr"], p["max_angle_deg"])
    cos_aoi = np.clip(np.sin(rot) * x + np.cos(rot) * z, 0.0, None)
    tilt = np.abs(rot)
    e0 = pvlib.irradiance.get_extra_radiation(times).to_numpy()
    dni, dhi, ghi = (df[c].to_numpy() for c in ("dni", "dhi", "ghi"))
    up = z > 0.0
    a_i = np.where(up, dni / e0, 0.0)
    rb = cos_aoi / np.maximum(z, 0.0872)
    sky = dhi * (a_i * rb + (1 - a_i) * (1 + np.cos(tilt)) / 2)
    ground = ghi * p["albedo"] * (1 - np.cos(tilt)) / 2
    poa = np.where(up, dni * cos_aoi + sky + ground, 0.0)
    t_cell = df["temp_air"].to_numpy() + poa / (p["u0"] + p["u1"] * df["wind_speed"].to_numpy())
    pdc = poa / 1000 * (1 + p["gamma_per_c"] * (t_cell - 25.0)) * (1 - p["losses"])
    return np.clip(pdc * p["eta_inverter"], 0.0, 1.0 / p["dc_ac_ratio"])
