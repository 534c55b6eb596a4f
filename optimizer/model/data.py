"""Model data in scaled units: what the Pyomo model is built from, and what the check replays.

Units: power [MW], energy [MWh], money [$M], compute [PFLOPS], volume [Mm3], area [acre].
Built from validated :class:`~optimizer.inputs.bundle.Inputs` by :func:`model_data_from_inputs`,
or directly in tests for tiny hand-checkable cases.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from optimizer import units as u
from optimizer.model.lifecycle import LifecycleData


@dataclass
class LandData:
    """Candidate parcels. Arrays have one entry per parcel.

    ``mw_dc_per_acre`` is the PV power density of buildable land [MW_dc/acre].
    """

    ids: list[str]
    buildable_acres: np.ndarray
    price_musd: np.ndarray
    profile: np.ndarray
    mw_dc_per_acre: float
    prep_musd_per_acre: float = 0.0
    site: SiteData | None = None


@dataclass
class SiteData:
    """The compute site and the power lines (see :mod:`optimizer.model.site`).

    Candidate sites j are parcels ``site_parcel[j]``. Parcel p connects to collector hub
    ``hub[p]`` over ``parcel_hub_km[p]`` [km]; hub h to site j over ``hub_site_km[h, j]``;
    reservoir s to site j over ``reservoir_site_km[s, j]``. ``parcel_site_km[p, j]`` is the direct
    distance used by the optional limit ``max_distance_km``. Line costs [$M/km], [$M/MW-km];
    data hall footprint [acre/MW_IT]. ``campus[j]``: the parcels the hall of site j may use
    (the site parcel first, then the parcels adjacent to it, then the parcels within
    ``campus_km`` [km] of it; None: the site parcel alone); ``link_km[j]`` (aligned with
    ``campus[j]``): the length [km] of the fibre and road link a hall building on that parcel
    needs to the site parcel (0 on the site parcel and the parcels adjacent to it, which are
    contiguous with it; None: no links), priced at ``link_musd_per_km`` [$M/km].
    ``cluster[p]`` labels contiguous parcels; with ``max_clusters`` set, bought parcels may
    form at most that many clusters.
    """

    site_parcel: np.ndarray
    hall_acres_per_mw_it: float
    hub: np.ndarray
    parcel_hub_km: np.ndarray
    hub_site_km: np.ndarray
    parcel_site_km: np.ndarray
    reservoir_site_km: np.ndarray
    line_musd_per_km: float
    line_musd_per_mw_km: float
    cluster: np.ndarray
    parcel_lat: np.ndarray
    parcel_lon: np.ndarray
    reservoir_lat: np.ndarray = field(default_factory=lambda: np.zeros(0))
    reservoir_lon: np.ndarray = field(default_factory=lambda: np.zeros(0))
    max_distance_km: float = float("inf")
    max_clusters: int | None = None
    fixed_site: int | None = None
    relaxed: bool = False
    campus: list[np.ndarray] | None = None
    hub_flows: bool = False
    link_km: list[np.ndarray] | None = None
    link_musd_per_km: float = 0.0
    campus_km: float = 0.0

    @property
    def n_hubs(self) -> int:
        """Number of collector hubs H."""
        return int(self.hub.max()) + 1 if len(self.hub) else 0

    @property
    def candidates(self) -> list[int]:
        """Candidate indices j the model may choose: all, or only ``fixed_site``."""
        if self.fixed_site is not None:
            return [int(self.fixed_site)]
        return list(range(len(self.site_parcel)))

    def campus_of(self, j: int) -> np.ndarray:
        """Parcel indices of candidate ``j``'s campus (its site parcel first)."""
        if self.campus is None:
            return np.array([int(self.site_parcel[j])])
        return np.asarray(self.campus[j], dtype=int)

    def links_of(self, j: int) -> np.ndarray:
        """Link length [km] of a hall building on each parcel of :meth:`campus_of` ``(j)`` to
        the site parcel (0: the site parcel or a parcel adjacent to it)."""
        if self.link_km is None:
            return np.zeros(len(self.campus_of(j)))
        return np.asarray(self.link_km[j], dtype=float)

    def remote_of(self, j: int) -> dict[int, float]:
        """Parcel -> link length [km] of the campus parcels of ``j`` that need a link."""
        return {int(p): float(k) for p, k in zip(self.campus_of(j), self.links_of(j),
                                                 strict=True) if k > 0}  # fmt: skip

    def campus_acres(self, buildable_acres: np.ndarray) -> np.ndarray:
        """Buildable acres [acre] of each candidate's campus."""
        return np.array(
            [float(buildable_acres[self.campus_of(j)].sum()) for j in range(len(self.site_parcel))]
        )

    def fixed(self, j: int) -> SiteData:
        """The same data with the site fixed to candidate ``j`` (no per-site flow columns)."""
        return replace(self, fixed_site=int(j), relaxed=False)

    def by_hub(self) -> SiteData:
        """The same data with the PV lines' flows split per (hub, site) instead of per
        (parcel, site): the same problem (exact at a whole site choice), a looser LP
        relaxation, hubs x candidates flow columns instead of parcels x candidates."""
        return replace(self, hub_flows=True)

    def relaxation(self) -> SiteData:
        """The same data as a relaxation: no site choice, the hall on any bought parcel of any
        campus, and each line priced at its distance to the *nearest* candidate, a lower bound
        on its cost at any chosen site."""
        return replace(self, fixed_site=None, relaxed=True)


@dataclass
class PVData:
    """PV output profiles ``cf`` (K x T) [MW_ac/MW_dc], installed cost [$M/MW_dc] and fixed
    O&M [$M/MW_dc-yr]."""

    cf: np.ndarray
    musd_per_mw_dc: float
    module_w: float = 435.0
    fom_musd_per_mw_dc_yr: float = 0.0


@dataclass
class PumpedHydroData:
    """Pumped-hydro candidate sites (arrays per site) and technology figures.

    ``mwh_per_mm3`` is the potential energy of 1e6 m3 over the site's head [MWh/Mm3];
    ``evap_per_h`` the fraction of the full volume lost per hour [1/h]; ``group`` the dispatch
    group of each site: sites with the same efficiencies and loss rate share one hourly dispatch
    (exact: an optimal design can always give each site power in proportion to its energy).
    O&M: fixed [$M/MW-yr] on the powerhouse rating, variable [$M/MWh] on the turbines' energy.
    """

    ids: list[str]
    mwh_per_mm3: np.ndarray
    max_active_mm3: np.ndarray
    fixed_musd: np.ndarray
    evap_per_h: np.ndarray
    reservoir_musd_per_mm3: float
    pump_musd_per_mw: float
    turbine_musd_per_mw: float
    house_musd_per_mw: float
    pump_eff: float
    turbine_eff: float
    min_level_fraction: float
    group: np.ndarray = None
    fom_musd_per_mw_yr: float = 0.0
    vom_musd_per_mwh: float = 0.0

    def __post_init__(self):
        if self.group is None:
            _, self.group = np.unique(
                np.round(np.asarray(self.evap_per_h, float), 12), return_inverse=True
            )
        self.group = np.asarray(self.group, dtype=int).ravel()

    @property
    def n_groups(self) -> int:
        """Number of dispatch groups."""
        return int(self.group.max()) + 1 if len(self.group) else 0


@dataclass
class BatteryData:
    """Li-ion technology figures (``enabled`` False removes it from the model).

    ``purchases`` is how many times the battery is bought over the plant's life
    (``ceil(plant life / calendar life)``): its capital costs are multiplied by it. Fixed O&M
    per MWh [$M/MWh-yr] and per MW [$M/MW-yr].
    """

    energy_musd_per_mwh: float
    power_musd_per_mw: float
    round_trip_eff: float
    enabled: bool = True
    purchases: int = 1
    fom_musd_per_mwh_yr: float = 0.0
    fom_musd_per_mw_yr: float = 0.0


@dataclass
class ComputeData:
    """Chip types (arrays per type), facility figures and the target.

    ``it_mw_per_chip`` includes the chip's server/network share; facility load = IT x ``pue``.
    The data hall's fixed O&M is ``hall_fom_musd_per_mw_it_yr`` [$M/MW_IT-yr].
    """

    names: list[str]
    pflops_per_chip: np.ndarray
    it_mw_per_chip: np.ndarray
    musd_per_chip: np.ndarray
    max_count: np.ndarray  # inf where unlimited
    pue: float
    hall_musd_per_mw_it: float
    target_pflops: float
    mode: str = "sustained"
    max_unserved: float = 0.0
    hall_fom_musd_per_mw_it_yr: float = 0.0
    #: ``average`` mode: the types that get running chips (None: every type); the others are
    #: fixed at zero (a relaxation only with the lowered target of
    #: :func:`optimizer.model.bounds.dominance`)
    runs: tuple[int, ...] | None = None


@dataclass
class ModelData:
    """Everything the model needs, in model units.

    Time steps: ``pv.cf`` has one column per step t; ``step_h[t]`` is the step's length [h]
    (None: every step is one hour). Data reduced from an hourly year by
    :mod:`optimizer.model.steps` also carries ``step_of_hour[h]``, the step holding original
    hour h (None: steps are the hours). ``bounds`` (:class:`~optimizer.model.bounds.Bounds`)
    are the big-M's of the optional builds; None: derived from the data when the model is built.
    ``lifecycle`` holds the objective and the economics (:mod:`optimizer.model.lifecycle`);
    ``parts`` the data of registry components that bring their own (component name -> data,
    absent: the component is off). ``segment_starts_h``: hours (of the hourly horizon, before
    any merging) where every storage level starts free in [0, E] instead of following the
    previous step; with any, the horizon is not cyclic across them (a set of weather windows,
    :mod:`optimizer.solve.record`; empty: one cyclic horizon).
    """

    land: LandData
    pv: PVData
    phs: PumpedHydroData | None
    battery: BatteryData | None
    compute: ComputeData
    meta: dict = field(default_factory=dict)
    step_h: np.ndarray | None = None
    step_of_hour: np.ndarray | None = None
    bounds: object | None = None  # optimizer.model.bounds.Bounds; None: from the data alone
    lifecycle: LifecycleData = field(default_factory=LifecycleData)
    parts: dict = field(default_factory=dict)  # registry component name -> its data
    segment_starts_h: tuple[int, ...] = ()

    @property
    def segment_start_steps(self) -> frozenset[int]:
        """The steps holding :attr:`segment_starts_h` (each the first hour of its step when the
        steps were merged by :mod:`optimizer.model.steps`, which never merges across them)."""
        if self.step_of_hour is None:
            return frozenset(int(h) for h in self.segment_starts_h)
        return frozenset(int(self.step_of_hour[h]) for h in self.segment_starts_h)

    @property
    def hours(self) -> int:
        """Number of time steps T (hours unless steps were merged)."""
        return self.pv.cf.shape[1]

    @property
    def weights_h(self) -> np.ndarray:
        """Length of every time step [h] (ones for an hourly year)."""
        if self.step_h is None:
            return np.ones(self.hours)
        return np.asarray(self.step_h, dtype=float)

    @property
    def year_h(self) -> float:
        """Hours covered by the time steps [h] (8,760 for a full year)."""
        return float(self.weights_h.sum())

    def at_site(self, j: int | None) -> ModelData:
        """This data with the compute site fixed at candidate ``j`` (itself when ``j`` is None
        or there is no compute site)."""
        if j is None or self.land.site is None:
            return self
        return replace(self, land=replace(self.land, site=self.land.site.fixed(j)))

    def site_by_hub(self) -> ModelData:
        """This data with the site's PV flows per hub (:meth:`SiteData.by_hub`)."""
        return self._site_choice(SiteData.by_hub)

    def site_relaxed(self) -> ModelData:
        """This data with the compute site relaxed (:meth:`SiteData.relaxation`)."""
        return self._site_choice(SiteData.relaxation)

    def _site_choice(self, change) -> ModelData:
        """This data with ``change(site)`` as its site data while it has a site choice (itself
        without a site, with one fixed or already relaxed)."""
        s = self.land.site
        if s is None or s.fixed_site is not None or s.relaxed:
            return self
        return replace(self, land=replace(self.land, site=change(s)))


def pv_mw_dc_per_acre(
    gcr: float, module_w: float, module_area_m2: float, array_area_fraction: float
) -> float:
    """PV power density of buildable land from the array layout [MW_dc/acre].

    .. math:: d = GCR \\cdot \\frac{P_{module}}{A_{module}} \\cdot f_{array} \\cdot 4046.86 / 10^6
    """
    return gcr * (module_w / module_area_m2) * array_area_fraction * u.M2_PER_ACRE / u.W_PER_MW
