"""The energy envelope of a plant: what every source of the registry can give, in one place.

Each component with an ``energy`` hook (:class:`~optimizer.model.component.Energy`) states,
with every candidate acre built, the most it can supply in each step [MW], the least capital
cost of one MWh a year of its output [$M per MWh/yr], and (a dispatchable source) the largest
share of the facility energy it may supply. Summed over the registry they give the figures the
capacity screen, the big-M bounds and the infeasibility diagnosis share:

- **least facility energy** [MWh]: the most efficient chips reaching the target at the PUE,
  in every hour (``sustained``, less ``max_unserved``) or on average, less what dispatchable
  sources may supply, :math:`E_0 = L_{min} \\, H \\, \\max(1 - u - \\sum_d \\sigma_d, 0)`;
  the land-bound sources must deliver at least this (storage only loses energy);
- **most energy the land can give** [MWh]: :math:`\\sum_s \\sum_t w_t \\bar S_{s,t}`, and the
  best step :math:`\\max_t \\sum_s \\bar S_{s,t}` [MW] (peak mode), with
  :math:`\\bar S_{s,t}` source s's output on all candidate land;
- **least cost of that energy** [$M]: :math:`E_0 \\min_s c_s`, with :math:`c_s` source s's
  capital per MWh a year. Every land-bound source's output is linear in its capacity and at
  most its best yield per MW, so any mix delivering :math:`E_0` costs at least this, whatever
  the shares (a convex combination of the per-source costs is no less than the least).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from optimizer.model.data import ModelData
from optimizer.model.registry import COMPONENTS


@dataclass
class Envelope:
    """The registry's sources summed: ``land_mw`` (steps,) the most the land-bound sources
    supply in each step [MW]; ``land_mwh`` the most they supply in the year [MWh];
    ``share`` the dispatchable sources' share of the facility energy [-]; ``musd_per_mwh_yr``
    the least capital per MWh a year of any land-bound source [$M]; ``sources`` the land-bound
    sources' names, each with its own step series in ``by_name`` [MW]."""

    land_mw: np.ndarray
    land_mwh: float
    share: float
    musd_per_mwh_yr: float
    sources: list[str] = field(default_factory=list)
    by_name: dict[str, np.ndarray] = field(default_factory=dict)

    def words(self) -> str:
        """The land-bound sources in words (``PV``, ``PV and wind``)."""
        names = [{"pv": "PV"}.get(s, s) for s in self.sources]
        return " and ".join(names) or "no source"


def _in_model(c, data: ModelData) -> bool:
    parts = getattr(data, "parts", {})
    return c.active(data) and (c.data is None or c.name in parts)


def envelope(data: ModelData) -> Envelope:
    """Sum the ``energy`` hooks of the components of ``data`` (module docstring)."""
    land = np.zeros(data.hours)
    share, cost, sources, by_name = 0.0, np.inf, [], {}
    for c in COMPONENTS:
        if c.energy is None or not _in_model(c, data):
            continue
        e = c.energy(data)
        share += e.share
        if e.full_mw is not None:
            land = land + e.full_mw
            sources.append(c.name)
            by_name[c.name] = e.full_mw
            cost = min(cost, e.musd_per_mwh_yr)
    mwh = float(land @ data.weights_h)
    return Envelope(land, mwh, float(share), float(cost), sources, by_name)


def least_it_mw(data: ModelData) -> float:
    """IT load [MW] of the most efficient chips reaching the target (max_count ignored)."""
    d = data.compute
    return d.target_pflops * float(np.min(d.it_mw_per_chip / d.pflops_per_chip))


def dispatchable_share(data: ModelData) -> float:
    """The largest share of the facility energy the dispatchable sources may supply."""
    return envelope(data).share


def least_facility_energy_mwh(data: ModelData, env: Envelope | None = None) -> float:
    """:math:`E_0` [MWh]: the least energy the land-bound sources must deliver in a year
    (0 in ``peak`` mode, which has no energy balance over the year)."""
    d = data.compute
    if d.mode == "peak":
        return 0.0
    share = (env or envelope(data)).share
    return d.pue * least_it_mw(data) * data.year_h * max(1.0 - d.max_unserved - share, 0.0)


def energy_lower_bound_musd(data: ModelData) -> float:
    """Least capital cost [$M] of the land-bound sources: :math:`E_0 \\min_s c_s`."""
    env = envelope(data)
    need = least_facility_energy_mwh(data, env)
    if need <= 0 or not np.isfinite(env.musd_per_mwh_yr):
        return 0.0
    return need * env.musd_per_mwh_yr
