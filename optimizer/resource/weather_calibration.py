"""Derive the embedded cloud-model figures from a real typical-year file, in clear-sky-index space.

Everything is expressed relative to pvlib's Ineichen clear sky at the file's own location, so the
figures carry over to other places: the site's clear sky (latitude, altitude, Linke turbidity)
sets the absolute level, the figures below only how often and how long clouds dim it.

Figures (see ``data/weather/README.md``):

* daily clear-sky index :math:`K_d = \\sum_h GHI / \\sum_h GHI_{cs}` per day, and its monthly
  energy-weighted mean;
* four daily classes by :math:`K_d` (clear, hazy, cloudy, overcast) with monthly frequencies
  :math:`\\pi_m` and the persistence :math:`\\rho_g` of two groups (clear, not clear) in a
  Markov chain :math:`P(i\\to j) = \\rho_g [j \\in g(i)]\\,\\pi_m(j)/\\pi_m(g) +
  (1-\\rho_g)\\,\\pi_m(j)`, which keeps :math:`\\pi_m` stationary;
* quantiles of :math:`K_d` within each class; the hourly scatter of :math:`k_c/K_d` (standard
  deviation, lag-1 autocorrelation) per class;
* mean ratio :math:`DNI / DNI_{cs}` in bins of the hourly clear-sky index :math:`k_c`;
* the deepest 3-day and 7-day mean :math:`K_d` starting in each month;
* monthly air temperature mean and diurnal range, a normalised diurnal shape, monthly wind speed.

Reference for the clear-sky-index approach: Ineichen & Perez, *A new airmass independent
formulation for the Linke turbidity coefficient*, Solar Energy 73(3) (2002) 151-157; for the
Markov-chain of daily clearness: Aguiar, Collares-Pereira & Conde, *Simple procedure for
generating sequences of daily radiation values using a library of Markov transition matrices*,
Solar Energy 40(3) (1988) 269-279.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from optimizer.inputs.weather import WeatherData
from optimizer.resource.sun import solar_position

#: Upper bounds of the daily classes on K_d [-]: overcast < 0.45 <= cloudy < 0.7 <= hazy < 0.9.
CLASS_EDGES = (0.45, 0.70, 0.90)
CLASS_NAMES = ("overcast", "cloudy", "hazy", "clear")
QUANTILES = np.linspace(0.0, 1.0, 11)
KC_BINS = np.round(np.arange(0.0, 1.31, 0.1), 2)
SPELL_DAYS = (3, 7)
#: Clear-sky GHI below which an hour is not used for hourly statistics [W/m2].
MIN_CS_GHI = 50.0


def clearsky(index: pd.DatetimeIndex, lat: float, lon: float, altitude_m: float) -> pd.DataFrame:
    """Ineichen clear sky [W/m2] at mid-hour of hour-beginning ``index`` (pvlib Linke turbidity).

    Reference: Ineichen & Perez (2002), pvlib ``Location.get_clearsky``; the sun from
    :func:`optimizer.resource.sun.solar_position` (pvlib's SPA, time terms shared by places).
    """
    import pvlib

    loc = pvlib.location.Location(lat, lon, altitude=altitude_m)
    times = index + pd.Timedelta(minutes=30)
    sp = solar_position(times, lat, lon, altitude_m)
    cs = loc.get_clearsky(times, model="ineichen", solar_position=sp)
    return cs.set_axis(index)


def day_class(kd: np.ndarray) -> np.ndarray:
    """Class number 0..3 (overcast .. clear) of each daily clear-sky index ``kd`` [-]."""
    return np.searchsorted(np.asarray(CLASS_EDGES), kd, side="right")


def _persistence(cls: np.ndarray, month: np.ndarray, pi: np.ndarray, use: np.ndarray) -> list:
    """Persistence rho_g [-] of the clear group and of the not-clear group, per class.

    ``rho_g = (s_g - e_g) / (1 - e_g)`` with ``s_g`` the observed share of days followed by a
    day of the same group and ``e_g`` the share expected from the monthly frequencies alone.
    Pooling the three cloudy classes keeps the estimate stable with few overcast days.
    """
    clear = len(CLASS_NAMES) - 1
    grp = cls == clear
    p_clear = pi[:, clear]
    pairs = use[:-1] & use[1:]
    rho = {}
    for g in (True, False):
        sel = pairs & (grp[:-1] == g)
        if sel.sum() < 5:  # e.g. calibrating on every other day: no consecutive pairs
            rho[g] = 0.0
            continue
        stay = float(np.mean(grp[1:][sel] == g))
        p = p_clear[month[1:][sel] - 1]
        expect = float(np.mean(p if g else 1.0 - p))
        rho[g] = float(np.clip((stay - expect) / max(1.0 - expect, 1e-6), 0.0, 0.9))
    return [rho[i == clear] for i in range(len(CLASS_NAMES))]


def _hourly_scatter(
    kc: np.ndarray, kd: np.ndarray, ok: np.ndarray, cls: np.ndarray, use: np.ndarray
) -> tuple[list, list]:
    """Per class: robust std and lag-1 autocorrelation of the hourly k_c / K_d - 1 [-].

    The scale is 1.4826 x the median absolute deviation (Huber, *Robust Statistics*, 1981), so the
    systematic low-sun departures of the clear-sky model are not taken for cloud scatter.
    """
    rel = np.where(ok, kc / np.maximum(kd[:, None], 1e-3) - 1.0, np.nan)
    sd, ar = [], []
    for i in range(len(CLASS_NAMES)):
        r = rel[(cls == i) & use]
        if np.isfinite(r).sum() < 10:
            sd.append(0.0)
            ar.append(0.0)
            continue
        r_ok = r[np.isfinite(r)]
        sd.append(float(1.4826 * np.median(np.abs(r_ok - np.median(r_ok)))))
        a, b = r[:, :-1].ravel(), r[:, 1:].ravel()
        both = np.isfinite(a) & np.isfinite(b)
        ar.append(float(np.corrcoef(a[both], b[both])[0, 1]) if both.sum() > 10 else 0.0)
    return sd, ar


def calibrate(weather: WeatherData, use_day: np.ndarray | None = None) -> dict[str, pd.DataFrame]:
    """Derive the cloud-model tables from ``weather``, using only the days in ``use_day``.

    Parameters
    ----------
    weather : a real typical year (8,760 h)
    use_day : boolean mask of the 365 days to learn from (all when None)

    Returns
    -------
    dict with DataFrames ``monthly`` (12 rows), ``classes`` (4 rows), ``dni`` (kc bins),
    ``diurnal`` (24 rows).
    """
    df = weather.df
    use = np.ones(365, dtype=bool) if use_day is None else np.asarray(use_day, dtype=bool)
    cs = clearsky(df.index, weather.latitude, weather.longitude, weather.altitude_m)
    g, c = df["ghi"].to_numpy().reshape(365, 24), cs["ghi"].to_numpy().reshape(365, 24)
    kd = g.sum(axis=1) / c.sum(axis=1)
    cls = day_class(kd)
    month = df.index.month.to_numpy()[::24]
    monthly = _monthly(df, g, c, cls, month, use)
    pi = monthly[[f"p_{n}" for n in CLASS_NAMES]].to_numpy()
    ok = c > MIN_CS_GHI
    kc = np.where(ok, g / np.maximum(c, 1e-6), np.nan)
    sd, ar = _hourly_scatter(kc, kd, ok, cls, use)
    classes = pd.DataFrame(
        {
            "class": CLASS_NAMES,
            "kd_low": (0.0, *CLASS_EDGES),
            "kd_high": (*CLASS_EDGES, 9.9),
            "persistence": _persistence(cls, month, pi, use),
            "hourly_sd": sd,
            "hourly_ar1": ar,
        }
    )
    for q in QUANTILES:
        vals = [
            np.quantile(kd[(cls == i) & use], q)
            if ((cls == i) & use).any()
            else np.mean(classes.loc[i, ["kd_low", "kd_high"]].clip(upper=1.1))
            for i in range(len(CLASS_NAMES))
        ]
        classes[f"q{int(round(q * 100)):03d}"] = vals
    return {
        "monthly": monthly,
        "classes": classes,
        "dni": _dni_table(df, cs, kc, use),
        "diurnal": _diurnal(df, use),
        "spells": spell_table(kd, month, use),
    }


def rolling_means(kd: np.ndarray, window: int) -> np.ndarray:
    """Mean of ``kd`` [..., 365] over ``window`` days starting on each day, wrapping the year."""
    x = np.concatenate([kd, kd[..., : window - 1]], axis=-1)
    c = np.concatenate([np.zeros(kd.shape[:-1] + (1,)), np.cumsum(x, axis=-1)], axis=-1)
    return (c[..., window:] - c[..., :-window]) / window


def spell_minima(kd: np.ndarray, month: np.ndarray) -> np.ndarray:
    """Lowest 3-day and 7-day mean K_d by start month, shape (..., 24) [-] (NaN days skipped)."""
    out = []
    for window in SPELL_DAYS:
        r = rolling_means(kd, window)
        r = np.where(np.isfinite(r), r, np.inf)
        out += [r[..., month == s].min(axis=-1) for s in range(1, 13)]
    return np.stack(out, axis=-1).reshape(kd.shape[:-1] + (len(out),))


def spell_table(kd: np.ndarray, month: np.ndarray, use: np.ndarray) -> pd.DataFrame:
    """Deepest 3-day and 7-day spells (mean K_d) by start month in the days used [-]."""
    masked = np.where(use, kd, np.nan)
    mins = spell_minima(masked, month)
    rows = [
        {"window_days": w, "month": m, "min_mean_kd": float(mins[i * 12 + m - 1])}
        for i, w in enumerate(SPELL_DAYS)
        for m in range(1, 13)
    ]
    return pd.DataFrame(rows)


def _monthly(df, g, c, cls, month, use) -> pd.DataFrame:
    """Monthly K_d (energy-weighted), class frequencies, temperature and wind."""
    rows = []
    temp = df["temp_air"].to_numpy().reshape(365, 24)
    wind = df["wind_speed"].to_numpy().reshape(365, 24)
    for m in range(1, 13):
        sel = (month == m) & use
        row = {"month": m, "kd_mean": g[sel].sum() / c[sel].sum(), "n_days": int(sel.sum())}
        for i, name in enumerate(CLASS_NAMES):
            row[f"p_{name}"] = float(np.mean(cls[sel] == i))
        row["temp_mean_c"] = float(temp[sel].mean())
        row["temp_range_c"] = float((temp[sel].max(axis=1) - temp[sel].min(axis=1)).mean())
        row["wind_mean_m_s"] = float(wind[sel].mean())
        rows.append(row)
    return pd.DataFrame(rows)


def _dni_table(df, cs, kc, use) -> pd.DataFrame:
    """Mean DNI / DNI_cs [-] in bins of hourly k_c (energy-conserving: ratio of sums)."""
    dni = df["dni"].to_numpy().reshape(365, 24)[use].ravel()
    dni_cs = cs["dni"].to_numpy().reshape(365, 24)[use].ravel()
    k = kc[use].ravel()
    rows = []
    for lo in KC_BINS:
        sel = np.isfinite(k) & (k >= lo) & (k < lo + 0.1)
        ratio = dni[sel].sum() / dni_cs[sel].sum() if sel.sum() >= 5 else np.nan
        rows.append(
            {
                "kc_low": lo,
                "kc_high": round(lo + 0.1, 2),
                "n_hours": int(sel.sum()),
                "dni_ratio": ratio,
            }
        )
    out = pd.DataFrame(rows)
    out["dni_ratio"] = out["dni_ratio"].ffill().bfill()
    return out


def _diurnal(df, use) -> pd.DataFrame:
    """Mean diurnal temperature shape, scaled to zero mean and unit range [-]."""
    temp = df["temp_air"].to_numpy().reshape(365, 24)[use]
    anomaly = (temp - temp.mean(axis=1, keepdims=True)).mean(axis=0)
    shape = anomaly / (anomaly.max() - anomaly.min())
    return pd.DataFrame({"hour": np.arange(24), "temp_shape": shape})
