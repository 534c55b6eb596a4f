"""Stress test of a design: replay its fixed sizes on other weather years.

The design (:class:`StressDesign`: PV capacity per weather profile, each storage unit's energy,
charge and discharge power, efficiencies and standing loss, a backup's capacity and share, the
facility load) is taken from a solved run, or from a run folder's ``summary.json``
(``weather_years.design``). For each weather year the PV output of every profile is computed
with pvlib at the profile's place (as for the design, :func:`optimizer.resource.solar.ac_per_kw_dc`)
and the least energy the design leaves unserved in that year is found by an LP with every size
fixed (:mod:`optimizer.results.stress_lp`, exact for any mix of storage units; the storage level
is cyclic over each year, as in the design model).

Per year: hours with unserved load, unserved energy [MWh] and its share of the year's load,
the longest run of consecutive unserved hours (an outage) and when it starts, the lowest total
storage level [MWh] and when, and the worst spell: the 7-day window with the least PV energy
(its start and its energy as a share of an average week's).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from optimizer.inputs.weather import WeatherData
from optimizer.model.pv import profile_capacity_mw_dc
from optimizer.model.registry import COMPONENTS
from optimizer.resource.solar import PVSystemParams, ac_per_kw_dc
from optimizer.resource.synthetic_years import synthetic_year
from optimizer.results.solution import facility_load_mw
from optimizer.results.stress_lp import Dispatch, least_unserved

#: An hour counts as unserved above this share of the load [-] (solver tolerance).
UNSERVED_TOL = 1e-6
SPELL_DAYS = 7
#: Storage units smaller than this [MWh, MW] are left out of the replay (not built).
SIZE_TOL = 1e-6


@dataclass
class StressDesign:
    """The fixed sizes replayed on each weather year (JSON-serialisable).

    ``profiles``: one dict per weather profile (``lat, lon`` [deg], ``alt_m`` [m], ``mw_dc``);
    ``storage``: one dict per unit (``name, eff_in, eff_out, loss_mwh_per_h, energy_mwh,
    charge_mw, discharge_mw``); ``load_mw`` the facility load [MW]; ``backup_mw`` [MW] and
    ``backup_max_share`` [-]; ``max_unserved`` the share the design may leave unserved [-];
    ``pv_params`` the :class:`~optimizer.resource.solar.PVSystemParams` fields; ``mode``;
    ``sources`` one dict per other weather-driven source of the registry (``component`` its
    name, the rest what its ``replay`` hook needs, from its ``replay_params`` hook).
    """

    profiles: list[dict]
    storage: list[dict]
    load_mw: float
    backup_mw: float = 0.0
    backup_max_share: float = 0.0
    max_unserved: float = 0.0
    pv_params: dict = field(default_factory=dict)
    mode: str = "sustained"
    sources: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        """Plain dict for ``summary.json``."""
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> StressDesign:
        """Inverse of :meth:`to_dict`."""
        return cls(**d)


@dataclass
class YearStress:
    """What one weather year does to the design (see the module doc for each figure)."""

    label: str
    synthetic: bool
    source: str
    pv_kwh_per_kw_dc: float
    hours_unserved: int
    unserved_mwh: float
    unserved_share: float
    longest_outage_h: int
    longest_outage_start: str | None
    lowest_level_mwh: float
    lowest_level_share: float
    lowest_level_at: str
    worst_spell_start: str
    worst_spell_pv_share: float
    holds: bool
    lp_status: str
    level_mwh: np.ndarray = field(repr=False, default=None)
    unserved_mw: np.ndarray = field(repr=False, default=None)

    def row(self) -> dict:
        """JSON row (the hourly arrays left out)."""
        return {k: v for k, v in asdict(self).items() if k not in ("level_mwh", "unserved_mw")}


def design_of_run(run) -> StressDesign:
    """The :class:`StressDesign` of a solved run (:class:`~optimizer.results.run.RunResult`)."""

    sol, data, prof = run.solution, run.data, run.profiles
    mw_dc = profile_capacity_mw_dc(sol, data)
    elev = run.inputs.parcels["elevation_m"].to_numpy(dtype=float)
    profiles = []
    for j in range(len(prof.lat)):
        e = elev[prof.parcel_profile == j]
        alt = float(np.nanmean(e)) if np.isfinite(e).any() else 0.0
        profiles.append({"lat": float(prof.lat[j]), "lon": float(prof.lon[j]), "alt_m": alt,
                         "mw_dc": float(mw_dc[j])})  # fmt: skip
    units = [u for part in sol.parts.values() if isinstance(part, dict)
             for u in part.get("storage", [])]  # fmt: skip
    storage = [{"name": u.name, "eff_in": float(u.eff_in), "eff_out": float(u.eff_out),
                "loss_mwh_per_h": max(float(u.loss_mwh_per_h), 0.0),
                "energy_mwh": max(float(u.energy_mwh), 0.0),
                "charge_mw": max(float(u.charge_cap_mw), 0.0),
                "discharge_mw": max(float(u.discharge_cap_mw), 0.0)}
               for u in units if u.energy_mwh > SIZE_TOL and u.discharge_cap_mw > SIZE_TOL
               ]  # fmt: skip
    backup = sol.parts.get("backup")
    share = data.parts["backup"].max_share if backup is not None else 0.0
    params = PVSystemParams.from_prices(run.inputs.prices, mount=run.options.get("mount"))
    sources = [{"component": c.name, **c.replay_params(sol.parts[c.name], run)}
               for c in COMPONENTS if c.replay_params is not None and c.name in sol.parts]
    return StressDesign(
        profiles, storage, float(facility_load_mw(sol, data).max()),
        float(backup["mw"]) if backup is not None else 0.0, float(share),
        float(run.options.get("max_unserved", 0.0)), asdict(params),
        data.compute.mode, sources,
    )  # fmt: skip


def year_pv_mw(design: StressDesign, weather: WeatherData) -> np.ndarray:
    """Hourly output [MW] of the design's weather-driven sources in one weather year: PV
    available, plus every other source's (its component's ``replay`` hook on
    :attr:`StressDesign.sources`, e.g. wind).

    One weather year for every profile (as a weather file is used for the design); the sun is
    at each profile's own place.
    """

    params = PVSystemParams(**design.pv_params)
    total = np.zeros(8760)
    for p in design.profiles:
        if p["mw_dc"] <= 0:
            continue
        cf = ac_per_kw_dc(weather, p["lat"], p["lon"], p["alt_m"], params)
        total += p["mw_dc"] * np.asarray(cf)
    hooks = {c.name: c.replay for c in COMPONENTS if c.replay is not None}
    for src in design.sources:
        params = {k: v for k, v in src.items() if k != "component"}
        total += hooks[src["component"]](params, weather)
    return total


def _runs(mask: np.ndarray) -> tuple[int, int]:
    """Longest run of True in ``mask`` (not wrapping): (length, start index)."""
    best, start, cur, cur_start = 0, -1, 0, 0
    for i, v in enumerate(mask):
        if v:
            cur_start = i if cur == 0 else cur_start
            cur += 1
            if cur > best:
                best, start = cur, cur_start
        else:
            cur = 0
    return best, start


def _stamp(index: pd.DatetimeIndex, i: int) -> str:
    return f"{index[i]:%b %d %H:00}"


def replay_year(design: StressDesign, pv_mw: np.ndarray, year: WeatherData) -> YearStress:
    """The design's least-unserved operation in one year and its figures (module doc)."""
    load = np.full(len(pv_mw), design.load_mw)
    out = least_unserved(design.storage, pv_mw, load, design.backup_mw, design.backup_max_share)
    return year_figures(design, pv_mw, out, year)


def replay_record(design: StressDesign, years: list[WeatherData]) -> list[YearStress]:
    """The design's least-unserved operation over a record laid end to end (storage carried
    across the years, cyclic over the record, as a record design is solved), figures per year."""

    pvs = [year_pv_mw(design, y) for y in years]
    pv = np.concatenate(pvs)
    load = np.full(len(pv), design.load_mw)
    out = least_unserved(design.storage, pv, load, design.backup_mw, design.backup_max_share)
    res = []
    for i, y in enumerate(years):
        part = slice(8760 * i, 8760 * (i + 1))
        one = Dispatch(out.unserved_mw[part], out.level_mwh[part], out.backup_mw[part],
                       out.waived_mwh, out.status)  # fmt: skip
        res.append(year_figures(design, pvs[i], one, y))
    return res


def year_figures(design: StressDesign, pv_mw: np.ndarray, out, year: WeatherData) -> YearStress:
    """The figures of one year (module doc) from its hourly PV [MW] and LP answer ``out``."""
    n = len(pv_mw)
    load = np.full(n, design.load_mw)
    short = out.unserved_mw > UNSERVED_TOL * design.load_mw
    longest, start = _runs(short)
    index = year.df.index
    energy = sum(u["energy_mwh"] for u in design.storage)
    low = int(np.argmin(out.level_mwh)) if energy > 0 else 0
    week = SPELL_DAYS * 24
    window = np.convolve(np.r_[pv_mw, pv_mw[: week - 1]], np.ones(week), "valid")[:n]
    spell = int(np.argmin(window))
    unserved = float(out.unserved_mw.sum())
    share = unserved / max(float(load.sum()), 1e-9)
    mw_dc = sum(p["mw_dc"] for p in design.profiles)
    return YearStress(
        label=year.label, synthetic=year.label.startswith("synthetic"), source=year.source,
        pv_kwh_per_kw_dc=float(pv_mw.sum() / max(mw_dc, 1e-9)),
        hours_unserved=int(short.sum()), unserved_mwh=unserved, unserved_share=share,
        longest_outage_h=int(longest),
        longest_outage_start=_stamp(index, start) if longest else None,
        lowest_level_mwh=float(out.level_mwh[low]) if energy > 0 else 0.0,
        lowest_level_share=float(out.level_mwh[low] / energy) if energy > 0 else 0.0,
        lowest_level_at=_stamp(index, low),
        worst_spell_start=_stamp(index, spell),
        worst_spell_pv_share=float(window[spell] / max(window.mean(), 1e-9)),
        holds=bool(share <= design.max_unserved + 1e-6), lp_status=out.status,
        level_mwh=out.level_mwh, unserved_mw=out.unserved_mw,
    )  # fmt: skip


def stress_years(
    design: StressDesign, years: list[WeatherData], progress=lambda _m: None
) -> list[YearStress]:
    """Replay ``design`` on each weather year of ``years`` (PV at every profile's place)."""
    out = []
    for year in years:
        out.append(replay_year(design, year_pv_mw(design, year), year))
        r = out[-1]
        progress(f"stress test {r.label}: {r.hours_unserved:,} h unserved "
                 f"({100 * r.unserved_share:.2f} % of the load)")  # fmt: skip
    return out


def stress_of_run(run, synthetic_years: int, progress=lambda _m: None):
    """The design of ``run`` and its stress test: on every weather year of the run's record
    (the design year among them), or, with the embedded default weather, on
    ``synthetic_years`` synthetic years (:mod:`optimizer.resource.synthetic_years`).

    Returns
    -------
    (StressDesign or None, list of YearStress)
        (None, []) outside ``sustained`` mode (chips that may sleep have no unserved load) or
        with no year to replay.
    """

    if run.data.compute.mode != "sustained":
        progress("stress test: only in sustained mode (skipped)")
        return None, []
    design = design_of_run(run)
    years: list = list(run.inputs.weather_years)
    if not years and synthetic_years > 0:
        p0 = design.profiles[0]
        years = [synthetic_year(p0["lat"], p0["lon"], p0["alt_m"], k)
                 for k in range(1, synthetic_years + 1)]  # fmt: skip
    if not years:
        return design, []
    if run.data.hours > 8760:  # a record designed at once: replayed as it was solved
        out = replay_record(design, years)
        for r in out:
            progress(f"stress test {r.label} (record replayed end to end): "
                     f"{r.hours_unserved:,} h unserved")  # fmt: skip
        return design, out
    return design, stress_years(design, years, progress)


def stress_frame(years: list[YearStress]) -> pd.DataFrame:
    """One row per weather year (the Weather years sheet and the terminal table)."""
    rows = [y.row() for y in years]
    frame = pd.DataFrame(rows)
    frame["unserved_pct"] = 100.0 * frame.pop("unserved_share")
    frame["lowest_level_pct"] = 100.0 * frame.pop("lowest_level_share")
    frame["worst_spell_pv_pct"] = 100.0 * frame.pop("worst_spell_pv_share")
    cols = ["label", "synthetic", "holds", "pv_kwh_per_kw_dc", "hours_unserved", "unserved_mwh",
            "unserved_pct", "longest_outage_h", "longest_outage_start", "lowest_level_mwh",
            "lowest_level_pct", "lowest_level_at", "worst_spell_start", "worst_spell_pv_pct",
            "source"]  # fmt: skip
    return frame[cols]
