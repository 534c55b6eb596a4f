"""Hourly PV output per kW of DC capacity, with pvlib (PVWatts-style chain).

Chain: solar position -> tracker angles (single-axis with backtracking) or fixed tilt ->
Perez transposition -> physical incidence-angle modifier -> SAPM cell temperature ->
PVWatts DC model with a temperature coefficient -> system losses -> PVWatts inverter with
clipping at the DC/AC ratio.

Time alignment: weather rows are stamped at the beginning of each hour (local standard time, see
:mod:`optimizer.inputs.weather`); the sun is evaluated at mid-hour, or at the middle of the sunlit
part of the sunrise and sunset hours (:func:`sun_times`), as NREL SAM does.

References: Dobos, *PVWatts Version 5 Manual*, NREL/TP-6A20-62641 (2014); pvlib-python,
Anderson et al., JOSS 8(92) 5994 (2023); Perez et al., Solar Energy 44(5) (1990) 271-289.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from optimizer.choices import MOUNTS  # one list: optimizer/choices.py
from optimizer.inputs.weather import WeatherData
from optimizer.inputs.weather_checks import cos_zenith
from optimizer.resource.sun import solar_position


@dataclass(frozen=True)
class PVSystemParams:
    """PV plant design parameters (values and sources in the prices table).

    Attributes
    ----------
    mount : {"single-axis", "fixed"}
    gcr : ground coverage ratio [-]
    dc_ac_ratio : DC/AC (inverter loading) ratio [-]
    system_losses : fraction of DC energy lost to soiling, wiring, mismatch... [-]
    gamma_pdc : power temperature coefficient [1/C]
    inverter_efficiency : nominal inverter efficiency [-]
    tilt_deg : fixed-tilt angle [deg]; None means latitude tilt
    max_angle_deg : tracker rotation limit [deg]
    albedo : ground reflectance [-]
    """

    mount: str = "single-axis"
    gcr: float = 0.35
    dc_ac_ratio: float = 1.34
    system_losses: float = 0.14
    gamma_pdc: float = -0.0037
    inverter_efficiency: float = 0.96
    tilt_deg: float | None = None
    max_angle_deg: float = 60.0
    albedo: float = 0.2

    def __post_init__(self):
        if self.mount not in MOUNTS:
            raise ValueError(f"mount must be one of {MOUNTS}, not {self.mount!r}")

    @classmethod
    def from_prices(cls, prices, mount: str = "single-axis", tilt_deg: float | None = None):
        """Build the parameters from a :class:`~optimizer.inputs.prices.Prices` table."""
        return cls(
            mount=mount,
            gcr=prices.value("pv_gcr"),
            dc_ac_ratio=prices.value("pv_dc_ac_ratio"),
            system_losses=prices.value("pv_system_losses_fraction"),
            gamma_pdc=prices.value("pv_temp_coeff_per_c"),
            inverter_efficiency=prices.value("pv_inverter_efficiency"),
            tilt_deg=tilt_deg,
            max_angle_deg=prices.value("pv_tracker_max_angle_deg"),
            albedo=prices.value("pv_ground_albedo"),
        )


def sun_minutes(index: pd.DatetimeIndex, lat, lon) -> np.ndarray:
    """Minutes into each hour [min] at which to evaluate the sun, for K places at once.

    Mid-hour (30), except in the sunrise and sunset hours, where it is the middle of the part
    of the hour with the sun above the horizon (as NREL SAM does). Sub-steps of 5 min,
    analytical solar zenith; the time-only terms are computed once for all places.

    Parameters
    ----------
    index : hour-beginning stamps [tz-aware], T of them
    lat, lon : K places [deg] (scalars: one place)

    Returns
    -------
    (K, T) minutes [min]
    """
    lat = np.atleast_1d(np.asarray(lat, dtype=float))[:, None]
    lon = np.atleast_1d(np.asarray(lon, dtype=float))[:, None]
    steps = np.arange(2.5, 60.0, 5.0)  # minutes into the hour
    n_up = np.zeros((len(lat), len(index)), dtype=int)
    up_minutes = np.zeros((len(lat), len(index)))
    for m in steps:
        up = cos_zenith(index + pd.Timedelta(minutes=float(m)), lat, lon) > 0.0
        n_up += up
        up_minutes += m * up
    partial = (n_up > 0) & (n_up < len(steps))
    minutes = np.full(n_up.shape, 30.0)
    minutes[partial] = up_minutes[partial] / n_up[partial]
    return minutes


def sun_times(
    index: pd.DatetimeIndex, lat: float, lon: float, minutes: np.ndarray | None = None
) -> pd.DatetimeIndex:
    """Time at which to evaluate the sun for each hour [tz-aware], from hour-beginning stamps
    (:func:`sun_minutes`; ``minutes`` [min]: this place's row of it, when already computed)."""
    minutes = sun_minutes(index, lat, lon)[0] if minutes is None else minutes
    return index + pd.to_timedelta(minutes, unit="min")


def _plane_of_array(
    weather: WeatherData,
    lat: float,
    lon: float,
    altitude_m: float,
    params: PVSystemParams,
    minutes: np.ndarray | None = None,
):
    """Return (effective POA after IAM [W/m2], POA global [W/m2], weather at sun times)
    (``minutes``: :func:`sun_minutes` of this place, when already computed)."""
    import pvlib

    times = sun_times(weather.df.index, lat, lon, minutes)
    sp = solar_position(times, lat, lon, altitude_m)  # pvlib's SPA, time terms shared
    if params.mount == "single-axis":
        trk = pvlib.tracking.singleaxis(
            sp["apparent_zenith"],
            sp["azimuth"],
            axis_tilt=0,
            axis_azimuth=180,
            max_angle=params.max_angle_deg,
            backtrack=True,
            gcr=params.gcr,
        )
        tilt = trk["surface_tilt"].fillna(0.0)
        azimuth = trk["surface_azimuth"].fillna(180.0)
    else:
        tilt = abs(lat) if params.tilt_deg is None else params.tilt_deg
        azimuth = 180.0 if lat >= 0 else 0.0
    dni_extra = pvlib.irradiance.get_extra_radiation(times)
    airmass = pvlib.atmosphere.get_relative_airmass(sp["apparent_zenith"])
    w = weather.df.set_axis(times)
    poa = pvlib.irradiance.get_total_irradiance(
        tilt,
        azimuth,
        sp["apparent_zenith"],
        sp["azimuth"],
        w["dni"],
        w["ghi"],
        w["dhi"],
        dni_extra=dni_extra,
        airmass=airmass,
        model="perez",
        albedo=params.albedo,
    )
    aoi = pvlib.irradiance.aoi(tilt, azimuth, sp["apparent_zenith"], sp["azimuth"])
    iam = pvlib.iam.physical(aoi)
    effective = (poa["poa_direct"] * iam + poa["poa_diffuse"]).fillna(0.0).clip(lower=0.0)
    return effective, poa["poa_global"].fillna(0.0), w


def ac_per_kw_dc(
    weather: WeatherData,
    lat: float,
    lon: float,
    altitude_m: float,
    params: PVSystemParams,
    minutes: np.ndarray | None = None,
) -> np.ndarray:
    """Return hourly AC output per kW of DC nameplate [kW_ac / kW_dc], shape (8760,)
    (``minutes``: this place's :func:`sun_minutes`, when computed with other places').

    .. math::
        p_{dc} = \\frac{G_{eff}}{1000} (1 + \\gamma (T_{cell} - 25)) (1 - L_{sys}),\\quad
        p_{ac} = \\min(\\eta_{inv}(p_{dc}) p_{dc}, 1 / ILR)
    """
    import pvlib

    effective, poa_global, w = _plane_of_array(weather, lat, lon, altitude_m, params, minutes)
    tparams = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"]["open_rack_glass_polymer"]
    t_cell = pvlib.temperature.sapm_cell(poa_global, w["temp_air"], w["wind_speed"], **tparams)
    pdc = pvlib.pvsystem.pvwatts_dc(effective, t_cell, 1.0, params.gamma_pdc)
    pdc = pdc * (1.0 - params.system_losses)
    pac0 = 1.0 / params.dc_ac_ratio
    pdc0_inv = pac0 / params.inverter_efficiency
    pac = pvlib.inverter.pvwatts(pdc, pdc0_inv, eta_inv_nom=params.inverter_efficiency)
    return np.clip(np.nan_to_num(pac.to_numpy(dtype=float)), 0.0, pac0)
