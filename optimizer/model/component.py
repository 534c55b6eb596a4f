"""The component contract: what one technology module declares to the rest of zopt.

A technology is one module that builds a :class:`Component` record and one line in
:data:`optimizer.model.registry.COMPONENTS`; nothing else names it. The record is typed: each
hook's signature is one of the aliases below, and every hook is documented on
:class:`Component`. The small records it is made of (:class:`Option`, :class:`Energy`,
:class:`Limit`) and the tolerances the components' own checks share live here too, so that a
technology module imports this module and the model data, never the registry or another
technology.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyomo.environ as pyo

from optimizer.model.data import ModelData

#: absolute tolerance of a power [MW] (or energy [MWh]) in the independent check
ABS_TOL_MW = 1e-4
#: relative slack on every big-M bound (round-off of the incumbent's cost and of the data)
BOUND_SLACK = 1e-6
#: ``Component.rounding`` of the plant's own integers (parcels, reservoir sites, chips, the
#: compute site and hall buildings): rounded together by
#: :func:`optimizer.solve.design.round_design`, since the site depends on all of them
JOINT = "joint"


def tol_mw(scale: float) -> float:
    """Check tolerance for a figure of size ``scale`` [MW]: :data:`ABS_TOL_MW` + 1e-6 x scale."""
    return ABS_TOL_MW + 1e-6 * abs(scale)


def solved_value(x) -> float:
    """A solved Pyomo value as a float (None or NaN, e.g. a variable the presolve dropped: 0)."""
    val = pyo.value(x, exception=False)
    return 0.0 if val is None or (isinstance(val, float) and math.isnan(val)) else float(val)


def mwh_words(x: float) -> str:
    """An energy [MWh] in words (TWh from 0.1 TWh on)."""
    return f"{x / 1e6:,.2f} TWh" if abs(x) >= 1e5 else f"{x:,.1f} MWh"


@dataclass(frozen=True)
class Option:
    """One run option of a component, read by ``zopt solve`` (typer) and the sweep spec.

    ``name`` the long option name without dashes (``max-backup-share``); ``kind`` its Python
    type (``str``, ``float``, ``int``, ``bool``); ``default`` (None: off/unset); ``help`` the
    ``--help`` text; ``choices`` the values a ``str`` option accepts (shown as ``<a|b>``;
    checked by the component's ``check_options``). In the run's options it is
    ``name.replace("-", "_")``.
    """

    name: str
    kind: type
    default: Any
    help: str
    choices: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The option's name in ``RunOptions.as_dict()`` (``max_backup_share``)."""
        return self.name.replace("-", "_")


@dataclass(frozen=True)
class Energy:
    """What a source can give, for the screens, the bounds and the diagnosis
    (:mod:`optimizer.model.envelope`), each a bound valid for every feasible design.

    ``full_mw`` (steps,) the most it can supply in each step [MW] with every candidate acre
    built (None: not tied to land, e.g. a dispatchable generator); ``musd_per_mwh_yr`` the
    least capital cost [$M] of one MWh a year of its output (its cost per MW over its best
    yield [MWh/MW-yr]; inf: it gives no energy or its energy is counted by ``share``);
    ``share`` the largest share of the year's facility energy it may supply whatever the land
    (a dispatchable source's limit, 0 for land-bound sources).
    """

    full_mw: np.ndarray | None = None
    musd_per_mwh_yr: float = math.inf
    share: float = 0.0


@dataclass(frozen=True)
class BoundContext:
    """What :func:`optimizer.model.bounds.compute_bounds` tells a component's ``bounds`` hook,
    each valid for every design no dearer than the incumbent (so for some optimal design):

    ``budget_musd`` the capital an optimal design can spend on anything but its chips and data
    hall, the incumbent's capital cost less the cheapest chips reaching the target [$M]
    (inf: no incumbent; every cost term is non-negative, so one item of unit cost c is at most
    ``budget_musd / c``); ``storage_budget_musd`` that, less the least cost of the energy the
    land-bound sources must deliver (:func:`optimizer.model.envelope.energy_lower_bound_musd`)
    [$M]; ``facility_mw`` the largest facility load [MW]; ``supply_mw`` the most any step's
    supply can charge storage with [MW]: PV's best step on all land (within its budget), every
    other land-bound source's best step on all land, and with a dispatchable source the
    facility load.
    """

    budget_musd: float
    storage_budget_musd: float
    facility_mw: float
    supply_mw: float


@dataclass(frozen=True)
class LandUse:
    """What a component needs of the parcels besides PV (e.g. turbines spaced over them):
    ``parcels`` (P,) the parcels a rounded design must buy for it (from a solved, possibly
    relaxed model) and ``acres`` the buildable acres of bought parcels its sizes need [acre]
    (a bought parcel without PV is let go only while the others still hold these acres)."""

    parcels: np.ndarray
    acres: float


@dataclass(frozen=True)
class Limit:
    """One limit of the infeasibility diagnosis: ``key`` (its name in words),
    ``lift(data) -> data`` (the copy without it) and ``words(data, lifted, model) -> str`` (why
    it limits, with numbers; ``model`` is the solved model of ``lifted``)."""

    key: str
    lift: Callable[[ModelData], ModelData]
    words: Callable[[ModelData, ModelData, pyo.ConcreteModel], str]


Model = pyo.ConcreteModel
Part = dict  # a component's solution part: its sizes and hourly flows (hours, numpy)
AddHook = Callable[[Model, ModelData], None]
DataHook = Callable[[Any, dict], Any]
ProblemsHook = Callable[[dict], list]
RoundHook = Callable[[Model, ModelData], dict]
OffHook = Callable[[Model], list]
BoundsHook = Callable[[ModelData, BoundContext], dict]
EnergyHook = Callable[[ModelData], Energy]
ProfilesHook = Callable[[Any], np.ndarray]
WithProfilesHook = Callable[[Any, np.ndarray], Any]
LimitsHook = Callable[[ModelData], list]
ExtractHook = Callable[[Model, ModelData], Part]
FlowHook = Callable[[Part, Any, ModelData], np.ndarray]
DispatchHook = Callable[[Part, Any, ModelData, np.ndarray], dict]
CheckHook = Callable[[Part, Any, ModelData, Any], None]
BomHook = Callable[[Any, Part, Any, ModelData], None]
TableHook = Callable[[Part | None, Any], Any]
MapHook = Callable[[Any, Part, Any], None]
LandUseHook = Callable[[Model, ModelData], LandUse]
ReplayParamsHook = Callable[[Part, Any], dict]
ReplayHook = Callable[[dict, Any], np.ndarray]


@dataclass(frozen=True)
class Component:
    """One technology's contract with the rest of zopt (one record per module).

    Building the model:

    - ``name``; ``block`` the Pyomo block its ``add`` creates (None: none of its own);
    - ``add(m, data)``: adds ``m.<block>`` and registers its terms in ``m.supply``,
      ``m.demand`` (callables ``t -> expression`` [MW]), ``m.costs`` (capital [$M]) and
      ``m.annual_costs`` (one year of operation [$M/yr]: fuel, fixed and variable O&M);
    - ``active(data) -> bool``: whether it belongs in a model of ``data`` (e.g. not in peak
      mode);
    - ``data(inputs, options) -> object | None``: its model data from the inputs and the
      run's options by name (None: off), stored as ``ModelData.parts[name]``; the other hooks
      find it there.

    Inputs and options:

    - ``prices``: the price keys it reads, ``(key, unit)`` or ``(key, unit, min, max)``; keys
      with a range are validated by the inputs like the core keys (the registry declares them
      to :func:`optimizer.inputs.prices.declare_component_prices`); their rows are in
      ``data/prices.csv``;
    - ``options``: its run options (:class:`Option`): ``zopt solve`` and the sweep spec offer
      them, the run's options carry them by :attr:`Option.key`;
    - ``check_options(options) -> list[Problem]``: what is wrong with the run's options (all
      of them by name, so combinations can be refused), checked before anything is read.

    Integers and bounds:

    - ``integers``: its integer decision variables inside its block; ``build_model`` refuses a
      model with an integer variable no component declares or whose component has no
      ``rounding``;
    - ``rounding``: :data:`JOINT` (the plant's own integers, rounded together by the solve
      layer) or ``round(m, data) -> {variable: values per index}``, its integers from a solved
      (relaxed) model, so that a strategy's designs fix them;
    - ``switch_off(m) -> [variables]``: the sizes fixed at zero when a design leaves the
      technology out (e.g. Li-ion); None: never switched off;
    - ``bounds(data, ctx) -> dict``: its big-M's [model units] from the data and, when
      ``ctx.budget_musd`` is finite, from what the cheapest design leaves of an incumbent's
      capital cost (:class:`BoundContext`); stored as ``m.bounds.parts[name]``; its docstring
      states why each holds for some optimal design;
    - ``energy(data) -> Energy``: what it can supply (:class:`Energy`), summed over the
      registry by :func:`optimizer.model.envelope.envelope` for the capacity screen, the
      cost-derived bounds and the diagnosis;
    - ``land_use(m, data) -> LandUse``: the parcels it needs bought besides PV's (rounding
      buys them; a parcel without PV is let go only while the rest hold its acres);
    - ``profiles(part) -> (n, steps)`` / ``with_profiles(part, arr) -> part``: its hourly
      resource profiles, so that merging time steps (:mod:`optimizer.model.steps`) keeps them
      exact and averages them;
    - ``limits(data) -> list[Limit]``: its restrictions that may make a target infeasible.

    Results (``part`` is its ``Solution.parts[name]``; absent when it is not in the model):

    - ``om``: its annual terms that are O&M (net present cost only); ``life``: cost term ->
      life class (price key stem ``life_<class>_yr``);
    - ``extract(m, data) -> dict``: its sizes and hourly flows (steps expanded to hours);
    - ``supply_mw`` / ``demand_mw(part, sol, data)``: its hourly supply and demand [MW] in the
      independent check and the dispatch;
    - ``dispatch(part, sol, data, rest_mw) -> dict``: its hourly columns of the dispatch table
      (without it a component with ``supply_mw`` shows ``<name>_mw``);
    - ``check(part, sol, data, report)``: its own limits in the independent check;
    - ``bom(builder, part, sol, data)``: its BOM lines;
    - ``table(part, run) -> DataFrame | None``: its rows of the sheet ``sheet`` (or, with
      ``sheet`` None, a sheet of its own and its ``summary.json`` entry);
    - ``draw_map(ax, part, frame)``: what it adds to ``map.png`` (``frame`` a
      :class:`~optimizer.export.plots.MapFrame`: parcel centroids [km], polygons, the run);
    - ``replay_params(part, run) -> dict`` / ``replay(params, weather) -> (8760,)``: a
      weather-driven source's fixed sizes (JSON) and its hourly output [MW] in another weather
      year, for the stress test (:mod:`optimizer.results.stress`).
    """

    name: str
    block: str | None
    add: AddHook
    prices: tuple[tuple, ...] = ()
    integers: tuple[str, ...] = ()
    rounding: str | RoundHook | None = None
    switch_off: OffHook | None = None
    life: dict[str, str] = field(default_factory=dict)
    om: tuple[str, ...] = ()
    active: Callable[[ModelData], bool] = lambda data: True
    data: DataHook | None = None
    options: tuple[Option, ...] = ()
    check_options: ProblemsHook | None = None
    bounds: BoundsHook | None = None
    energy: EnergyHook | None = None
    land_use: LandUseHook | None = None
    profiles: ProfilesHook | None = None
    with_profiles: WithProfilesHook | None = None
    limits: LimitsHook | None = None
    extract: ExtractHook | None = None
    supply_mw: FlowHook | None = None
    demand_mw: FlowHook | None = None
    dispatch: DispatchHook | None = None
    check: CheckHook | None = None
    bom: BomHook | None = None
    table: TableHook | None = None
    sheet: str | None = None
    draw_map: MapHook | None = None
    replay_params: ReplayParamsHook | None = None
    replay: ReplayHook | None = None
