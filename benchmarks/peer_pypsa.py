"""zopt against PyPSA on the same plant: the power-side LP over 8,760 hours.

The plant: one parcel (large enough never to bind) of single-axis PV, one pumped-hydro
reservoir (energy, pump power and turbine power sized separately, plus a powerhouse rated for the
larger of the two), no Li-ion, and a fixed number of chips, i.e. a constant facility load. Both
tools get the same hourly PV profile (zopt's embedded default weather and pvlib yield chain at
33.4 N, 112.5 W, computed once) and the same prices (zopt's embedded ``data/prices.csv``). The
problem is an LP: zopt's binaries (buy the parcel, build the reservoir) and the chip count are
fixed before the solve; evaporation, dead pool, land price, fixed development cost and chip
costs are zero, so both optima are the capital cost of PV + reservoir + pump + turbine +
powerhouse only.

PyPSA model (mathematically the same LP): buses ``elec`` and ``water``; Generator ``pv``
(``p_nom_extendable``, ``p_max_pu`` = profile, free curtailment like zopt's ``>=`` balance);
Load ``load`` (constant); Store ``reservoir`` (``e_cyclic``, no standing loss; level in MWh of
potential energy as in zopt); Link ``pump`` elec -> water (efficiency = pump efficiency, rated on
electric input like zopt's pump power); Link ``turbine`` water -> elec (efficiency = turbine
efficiency; a PyPSA Link is rated on its *input*, so ``p_nom`` = zopt's turbine power / eta_t and
its capital cost per MW is the turbine price x eta_t); the powerhouse variable ``H >= pump p_nom``,
``H >= eta_t * turbine p_nom`` is added with ``extra_functionality``. Money: $M in zopt, $ in PyPSA.

Install the benchmark-only dependencies (not dependencies of zopt)::

    .venv/bin/pip install pypsa linopy

Usage (repository root)::

    PYTHONPATH=. python benchmarks/peer_pypsa.py --repeat 3 --write benchmarks/RESULTS_peer.md
    PYTHONPATH=. python benchmarks/peer_pypsa.py --repeat 3 --pypsa-io-api direct \
        --write benchmarks/RESULTS_peer.md --append

Times [s] (``time.perf_counter``): zopt build = ``ModelData`` -> ``build_model`` (+ fixing the
binaries and chip count); zopt solve = ``solve_model`` (Pyomo's standard-form compilation +
HiGHS); PyPSA build = Network construction; PyPSA solve = ``n.optimize(solver_name="highs")``
(linopy model creation + hand-off + HiGHS). Both use HiGHS with 1 thread, presolve on, solver
"choose", crossover on.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

LAT, LON = 33.4, -112.5
HIGHS_OPTIONS = {
    "threads": 1,
    "presolve": "on",
    "solver": "choose",
    "run_crossover": "on",
    "random_seed": 0,
    "time_limit": 3600.0,
}


@dataclass(frozen=True)
class Plant:
    """Prices and figures of the benchmark plant, in zopt's model units.

    Attributes
    ----------
    load_mw : constant facility load [MW]
    pv_musd_per_mw_dc : PV installed cost [$M/MW_dc]
    head_m : reservoir head [m]
    mwh_per_mm3 : potential energy of 1e6 m3 over the head [MWh/Mm3]
    max_active_mm3 : reservoir volume limit [Mm3] (large: never binds; checked)
    reservoir_musd_per_mm3 : reservoir cost [$M/Mm3]
    pump_musd_per_mw, turbine_musd_per_mw, house_musd_per_mw : power costs [$M/MW]
    pump_eff, turbine_eff : efficiencies [-]
    """

    load_mw: float
    pv_musd_per_mw_dc: float
    head_m: float
    mwh_per_mm3: float
    max_active_mm3: float
    reservoir_musd_per_mm3: float
    pump_musd_per_mw: float
    turbine_musd_per_mw: float
    house_musd_per_mw: float
    pump_eff: float
    turbine_eff: float

    @property
    def store_musd_per_mwh(self) -> float:
        """Reservoir cost per MWh of stored potential energy [$M/MWh]."""
        return self.reservoir_musd_per_mm3 / self.mwh_per_mm3


def plant_from_prices(load_mw: float, head_m: float = 400.0) -> Plant:
    """The benchmark plant priced from zopt's embedded price table (as ``from_inputs`` does)."""
    from optimizer import units as u
    from optimizer.inputs.prices import require_prices

    pr = require_prices()
    per_kw = u.KW_PER_MW / u.USD_PER_MUSD
    usd_per_w_dc = (
        pr.value("pv_module_usd_per_w_dc")
        + pr.value("pv_bos_usd_per_w_dc")
        + pr.value("pv_inverter_usd_per_w_ac") / pr.value("pv_dc_ac_ratio")
    )
    return Plant(
        load_mw=load_mw,
        pv_musd_per_mw_dc=usd_per_w_dc * u.W_PER_MW / u.USD_PER_MUSD,
        head_m=head_m,
        mwh_per_mm3=u.potential_energy_mwh_per_mm3(head_m),
        max_active_mm3=1e4,
        reservoir_musd_per_mm3=pr.value("phs_reservoir_usd_per_m3") * u.M3_PER_MM3 / u.USD_PER_MUSD,
        pump_musd_per_mw=pr.value("phs_pump_usd_per_kw") * per_kw,
        turbine_musd_per_mw=pr.value("phs_turbine_usd_per_kw") * per_kw,
        house_musd_per_mw=(
            pr.value("phs_powerhouse_usd_per_kw") + pr.value("phs_contingency_usd_per_kw")
        )
        * per_kw,
        pump_eff=pr.value("phs_pump_efficiency"),
        turbine_eff=pr.value("phs_turbine_efficiency"),
    )


def pv_profile(lat: float = LAT, lon: float = LON) -> np.ndarray:
    """Hourly AC output per kW_dc [kW_ac/kW_dc], shape (8760,): zopt's embedded default weather
    at (lat, lon) and its pvlib chain, single-axis, parameters from the embedded prices."""
    import pvlib

    from optimizer.inputs.prices import require_prices
    from optimizer.resource.default_weather import default_weather
    from optimizer.resource.solar import PVSystemParams, ac_per_kw_dc

    alt = float(pvlib.location.lookup_altitude(lat, lon))
    params = PVSystemParams.from_prices(require_prices(), mount="single-axis")
    return ac_per_kw_dc(default_weather(lat, lon, alt), lat, lon, alt, params)


def zopt_model_data(cf: np.ndarray, plant: Plant):
    """``ModelData`` of the plant (one parcel, one reservoir, one chip type; Li-ion disabled).

    1 chip = 1 PFLOPS at 1 kW IT, PUE 1, no chip or hall cost: ``load_mw * 1000`` chips.
    """
    from optimizer.model.data import (
        BatteryData,
        ComputeData,
        LandData,
        ModelData,
        PumpedHydroData,
        PVData,
    )

    chips = plant.load_mw * 1e3
    land = LandData(
        ids=["P1"],
        buildable_acres=np.array([1e7]),  # 1e6 MW_dc at 0.1 MW_dc/acre: never binds (checked)
        price_musd=np.array([0.0]),
        profile=np.zeros(1, dtype=int),
        mw_dc_per_acre=0.1,
    )
    phs = PumpedHydroData(
        ids=["R1"],
        mwh_per_mm3=np.array([plant.mwh_per_mm3]),
        max_active_mm3=np.array([plant.max_active_mm3]),
        fixed_musd=np.array([0.0]),
        evap_per_h=np.array([0.0]),
        reservoir_musd_per_mm3=plant.reservoir_musd_per_mm3,
        pump_musd_per_mw=plant.pump_musd_per_mw,
        turbine_musd_per_mw=plant.turbine_musd_per_mw,
        house_musd_per_mw=plant.house_musd_per_mw,
        pump_eff=plant.pump_eff,
        turbine_eff=plant.turbine_eff,
        min_level_fraction=0.0,
    )
    compute = ComputeData(
        names=["chip"],
        pflops_per_chip=np.array([1.0]),
        it_mw_per_chip=np.array([1e-3]),
        musd_per_chip=np.array([0.0]),
        max_count=np.array([np.inf]),
        pue=1.0,
        hall_musd_per_mw_it=0.0,
        target_pflops=chips,
    )
    return ModelData(
        land=land,
        pv=PVData(cf=np.atleast_2d(cf), musd_per_mw_dc=plant.pv_musd_per_mw_dc),
        phs=phs,
        battery=BatteryData(0.0, 0.0, 0.9, enabled=False),
        compute=compute,
        meta={"target_flops": chips * 1e15},
    )


def zopt_power_lp(cf: np.ndarray, plant: Plant) -> dict:
    """Build and solve the plant in zopt as an LP; return times [s], optimum [$] and sizes.

    The parcel is bought, the reservoir built and the chip count fixed (``Var.fix``) right after
    ``build_model``, inside the build timing; ``solve_model`` then hands HiGHS a pure LP.
    """
    from optimizer.model.build import build_model
    from optimizer.solve.highs import SolveOptions, solve_model

    data = zopt_model_data(cf, plant)
    t0 = time.perf_counter()
    m = build_model(data)
    m.land.buy[0].fix(1)
    m.phs.build[0].fix(1)
    m.compute.count[0].fix(round(data.compute.target_pflops))
    build_s = time.perf_counter() - t0
    options = SolveOptions(time_limit_s=HIGHS_OPTIONS["time_limit"], threads=1)
    t1 = time.perf_counter()
    r = solve_model(m, options)
    solve_s = time.perf_counter() - t1
    if r.status != "Optimal" or r.integers:
        raise RuntimeError(f"zopt: {r.status}, {r.integers} integer columns")
    return {
        "build_s": build_s,
        "solve_s": solve_s,
        "highs_s": r.solve_s,
        "compile_s": r.compile_s,
        "optimum_usd": r.objective * 1e6,
        "rows": r.rows,
        "columns": r.columns,
        "sizes": _zopt_sizes(m, plant),
    }


def _zopt_sizes(m, plant: Plant) -> dict:
    """PV [MW_dc], energy [MWh], pump, turbine and powerhouse [MW] of the zopt solution."""
    import pyomo.environ as pyo

    ph = m.phs
    return {
        "pv_mw_dc": pyo.value(m.pv_total_mw_dc),
        "energy_mwh": pyo.value(ph.energy_mwh[0]),
        "pump_mw": pyo.value(ph.pump_mw[0]),
        "turbine_mw": pyo.value(ph.turbine_mw[0]),
        "house_mw": pyo.value(ph.house_mw[0]),
        "volume_share": pyo.value(ph.volume_mm3[0]) / plant.max_active_mm3,
    }


def pypsa_network(cf: np.ndarray, plant: Plant):
    """The same plant as a PyPSA Network (costs in $, powers in MW, energy in MWh)."""
    import pandas as pd
    import pypsa

    usd = 1e6  # $ per $M
    n = pypsa.Network()
    n.set_snapshots(pd.date_range("2025-01-01", periods=len(cf), freq="h"))
    n.add("Bus", "elec")
    n.add("Bus", "water")
    n.add(
        "Generator",
        "pv",
        bus="elec",
        p_nom_extendable=True,
        capital_cost=plant.pv_musd_per_mw_dc * usd,
        p_max_pu=pd.Series(cf, index=n.snapshots),
    )
    n.add("Load", "load", bus="elec", p_set=plant.load_mw)
    n.add(
        "Store",
        "reservoir",
        bus="water",
        e_nom_extendable=True,
        e_cyclic=True,
        standing_loss=0.0,
        capital_cost=plant.store_musd_per_mwh * usd,
    )
    n.add(
        "Link",
        "pump",
        bus0="elec",
        bus1="water",
        efficiency=plant.pump_eff,
        p_nom_extendable=True,
        capital_cost=plant.pump_musd_per_mw * usd,
    )
    n.add(
        "Link",
        "turbine",
        bus0="water",
        bus1="elec",
        efficiency=plant.turbine_eff,
        p_nom_extendable=True,
        capital_cost=plant.turbine_musd_per_mw * plant.turbine_eff * usd,  # rated on input
    )
    return n


def _powerhouse(plant: Plant):
    """``extra_functionality``: powerhouse H [MW] >= pump and turbine electric power, costed."""

    def extra(n, snapshots):
        m = n.model
        p_nom = m["Link-p_nom"]
        house = m.add_variables(lower=0, name="powerhouse_mw")
        m.add_constraints(house - p_nom.sel(name="pump") >= 0, name="house_pump")
        m.add_constraints(
            house - plant.turbine_eff * p_nom.sel(name="turbine") >= 0, name="house_turbine"
        )
        m.objective = m.objective.expression + plant.house_musd_per_mw * 1e6 * house

    return extra


def pypsa_power_lp(cf: np.ndarray, plant: Plant, io_api: str | None = None) -> dict:
    """Build and solve the plant in PyPSA; return times [s], optimum [$] and sizes.

    ``io_api``: linopy's hand-off to HiGHS; None is PyPSA's default (an LP file that HiGHS
    reads), "direct" passes the matrices through highspy.
    """
    kwargs = {} if io_api is None else {"io_api": io_api}
    t0 = time.perf_counter()
    n = pypsa_network(cf, plant)
    build_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    status, condition = n.optimize(
        solver_name="highs",
        extra_functionality=_powerhouse(plant),
        include_objective_constant=False,
        solver_options=HIGHS_OPTIONS | {"output_flag": False},
        log_to_console=False,
        progress=False,
        **kwargs,
    )
    solve_s = time.perf_counter() - t1
    if status != "ok" or condition != "optimal":
        raise RuntimeError(f"PyPSA: {status} {condition}")
    links = n.links.p_nom_opt
    house = float(n.model.solution["powerhouse_mw"])
    return {
        "build_s": build_s,
        "solve_s": solve_s,
        "highs_s": float(n.model.solver_model.getRunTime()),
        "rows": int(n.model.ncons),
        "columns": int(n.model.nvars),
        "optimum_usd": float(n.objective),
        "sizes": {
            "pv_mw_dc": float(n.generators.p_nom_opt["pv"]),
            "energy_mwh": float(n.stores.e_nom_opt["reservoir"]),
            "pump_mw": float(links["pump"]),
            "turbine_mw": float(links["turbine"]) * plant.turbine_eff,
            "house_mw": house,
        },
    }


def _row(tool: str, i: int, r: dict, diff: float) -> str:
    total = r["build_s"] + r["solve_s"]
    return (
        f"| {tool} | {i} | {r['build_s']:.2f} | {r['solve_s']:.2f} | {total:.2f} | "
        f"{r['highs_s']:.2f} | {r['optimum_usd']:,.2f} | {diff:.2e} |"
    )


def _quiet_imports() -> None:
    """Import both tools before any timing (imports are not build time) and silence PyPSA's
    and linopy's INFO logging and warnings about undefined carriers and dtypes."""
    import logging
    import warnings

    import pyomo.environ  # noqa: F401
    import pypsa  # noqa: F401

    import optimizer.model.build  # noqa: F401

    for name in ("pypsa", "linopy"):
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", message="Coordinates across variables not equal")


def run(repeat: int, load_mw: float, io_api: str | None = None) -> tuple[list[str], list[dict]]:
    """Compute the profile once, solve both models ``repeat`` times; return the table lines and
    the results (one dict per run and tool)."""
    _quiet_imports()
    t = time.perf_counter()
    cf = pv_profile()
    profile_s = time.perf_counter() - t
    plant = plant_from_prices(load_mw)
    lines = [
        f"PV profile: zopt default weather + pvlib single-axis at {LAT} N, {-LON} W, "
        f"{cf.sum():,.0f} kWh/kW_dc a year, capacity factor {cf.mean():.4f} "
        f"(computed once in {profile_s:.1f} s); load {load_mw:g} MW; PyPSA io_api "
        f"{io_api or 'default (LP file)'}",
        "",
        "| tool | run | build [s] | solve [s] | build+solve [s] | of which HiGHS [s] "
        "| optimum [$] | rel. diff |",
        "|---|---|---|---|---|---|---|---|",
    ]
    results = []
    for i in range(1, repeat + 1):
        z = zopt_power_lp(cf, plant)
        p = pypsa_power_lp(cf, plant, io_api)
        diff = abs(z["optimum_usd"] - p["optimum_usd"]) / abs(p["optimum_usd"])
        lines += [_row("zopt", i, z, diff), _row("PyPSA", i, p, diff)]
        results.append({"zopt": z, "pypsa": p, "diff": diff})
        print("\n".join(lines[-2:]), file=sys.stderr, flush=True)
    return lines + _notes(results, plant), results


def _notes(results: list[dict], plant: Plant) -> list[str]:
    """Sizes of both solutions and zopt's split of its solve time (last run)."""
    z, p = results[-1]["zopt"], results[-1]["pypsa"]
    keys = ["pv_mw_dc", "energy_mwh", "pump_mw", "turbine_mw", "house_mw"]
    out = ["", "| size (last run) | zopt | PyPSA |", "|---|---|---|"]
    out += [f"| {k} | {z['sizes'][k]:,.4f} | {p['sizes'][k]:,.4f} |" for k in keys]
    zs = [r["zopt"] for r in results]
    out += [
        "",
        f"LP sizes: zopt {z['rows']:,} rows x {z['columns']:,} columns, PyPSA {p['rows']:,} "
        f"constraints x {p['columns']:,} variables (before presolve). zopt's solve time is Pyomo "
        f"compilation {np.mean([r['compile_s'] for r in zs]):.2f} s + matrix hand-off + HiGHS "
        f"(mean over runs); PyPSA's is linopy model creation + hand-off + HiGHS. HiGHS [s]: zopt "
        f"`SolveResult.solve_s` (perf_counter around `h.run()`), PyPSA `getRunTime()` of "
        f"linopy's highspy object. Reservoir "
        f"volume used: {100 * z['sizes']['volume_share']:.3f} % of its limit; max rel. diff of "
        f"optima {max(r['diff'] for r in results):.2e}",
    ]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description="zopt vs PyPSA on the same power-side LP")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--load-mw", type=float, default=100.0, help="constant load [MW]")
    ap.add_argument("--pypsa-io-api", default=None, help='e.g. "direct" (default: PyPSA\'s)')
    ap.add_argument("--write", type=Path, default=None, help="also write the table here")
    ap.add_argument("--append", action="store_true", help="append to --write")
    args = ap.parse_args()
    lines, _ = run(args.repeat, args.load_mw, args.pypsa_io_api)
    import pypsa

    from optimizer.solve.highs import new_highs

    h = new_highs()
    head = [
        f"machine: {platform.machine()}, {os.cpu_count()} cores (load average "
        f"{os.getloadavg()[0]:.2f} at the end), Python {platform.python_version()}, HiGHS "
        f"{h.version()}, PyPSA {pypsa.__version__}",
        "",
    ]
    text = "\n".join(head + lines) + "\n"
    print(text)
    if args.write is not None:
        cmd = "PYTHONPATH=. python benchmarks/peer_pypsa.py " + " ".join(sys.argv[1:])
        with args.write.open("a" if args.append else "w") as f:
            title = "" if args.append else "# zopt vs PyPSA (power-side LP)\n\n"
            f.write(f"{title}Command: `{cmd}`\n\n{text}\n")


if __name__ == "__main__":
    main()
