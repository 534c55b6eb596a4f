"""Wind turbine output from a weather file's wind speed, with windpowerlib (oemof).

The weather's wind speed :math:`v_m` [m/s], measured at height :math:`z_m` [m] (10 m in TMY3,
EPW and PVGIS files), is carried to the hub height :math:`z_h` [m] by the logarithmic wind
profile (neutral stratification, roughness length :math:`z_0` [m];
:func:`windpowerlib.wind_speed.logarithmic_profile`):

.. math:: v_h = v_m \\frac{\\ln(z_h / z_0)}{\\ln(z_m / z_0)}

and turned into power by the turbine's power curve (windpowerlib's turbine library, the oedb
data shipped inside the package: no network), linear between the curve's points and zero
outside them (:func:`windpowerlib.power_output.power_curve`). The capacity factor is that
power over the turbine's nominal power, times :math:`1 - \\lambda` for the losses
(availability, wakes, electrical) :math:`\\lambda`:

.. math:: cf_t = (1 - \\lambda) \\, P(v_{h,t}) / P_{nom} \\quad [MW/MW]
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from windpowerlib import WindTurbine
from windpowerlib.power_output import power_curve
from windpowerlib.wind_speed import logarithmic_profile

#: the turbine of every wind plant: Vestas V126-3.45 MW (126 m rotor), the oedb turbine
#: library's closest to NREL ATB 2024's land-based reference turbine (3.3 MW, 148 m rotor)
TURBINE_TYPE = "V126/3450"


@dataclass(frozen=True)
class Turbine:
    """A turbine's power curve: ``speeds_m_s`` [m/s] and ``power_w`` [W] (ascending speeds),
    ``nominal_w`` [W], ``rotor_m`` [m], ``name``."""

    name: str
    speeds_m_s: np.ndarray
    power_w: np.ndarray
    nominal_w: float
    rotor_m: float


@lru_cache(maxsize=8)
def turbine(name: str = TURBINE_TYPE, hub_height_m: float = 100.0) -> Turbine:
    """The power curve of turbine ``name`` from windpowerlib's local oedb library."""
    t = WindTurbine(hub_height=hub_height_m, turbine_type=name, path="oedb")
    curve = t.power_curve.sort_values("wind_speed")
    return Turbine(
        name,
        curve["wind_speed"].to_numpy(float),
        curve["value"].to_numpy(float),
        float(t.nominal_power),
        float(t.rotor_diameter or 0.0),
    )


def hub_wind_m_s(
    wind_m_s: np.ndarray, measured_m: float, hub_m: float, roughness_m: float
) -> np.ndarray:
    """Wind speed at the hub [m/s] by the logarithmic profile (module docstring)."""
    speed = pd.Series(np.asarray(wind_m_s, float))
    return np.asarray(logarithmic_profile(speed, measured_m, hub_m, roughness_m), float)


def wind_cf(
    wind_m_s: np.ndarray,
    measured_m: float,
    hub_m: float,
    roughness_m: float,
    loss_fraction: float,
    name: str = TURBINE_TYPE,
) -> np.ndarray:
    """Hourly capacity factor [MW/MW] of the turbine at hub height ``hub_m`` [m] from wind
    speeds ``wind_m_s`` [m/s] measured at ``measured_m`` [m] (module docstring)."""
    t = turbine(name, hub_m)
    v = pd.Series(hub_wind_m_s(wind_m_s, measured_m, hub_m, roughness_m))
    power = np.asarray(power_curve(v, pd.Series(t.speeds_m_s), pd.Series(t.power_w)), float)
    return np.clip(power / t.nominal_w, 0.0, 1.0) * (1.0 - loss_fraction)
