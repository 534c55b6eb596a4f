"""``summary.json``: the headline figures of a run, for scripts (PRODUCT.md section 5)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from optimizer.export.gis import land_summary
from optimizer.export.weather_years import weather_years_summary
from optimizer.results.run import RunResult

#: Below this a size [MWh, MW] is nothing built, and a figure is printed as 0, never "-0".
TINY = 1e-6


def _clean(obj):
    """JSON-ready values: numpy scalars to Python, NaN/inf to None, -0.0 and noise to 0."""
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    if isinstance(obj, np.integer | np.bool_):
        return obj.item()
    if isinstance(obj, np.floating | float):
        if not np.isfinite(obj):
            return None
        return 0.0 if abs(obj) < 1e-9 else float(obj)
    return obj


def bom_lines(run: RunResult) -> list[dict]:
    """The BOM lines as records (category, item, quantity, unit, unit and extended cost [$],
    price key), for scripts and ``zopt diff``."""
    cols = ["category", "item", "quantity", "unit", "unit_cost_usd", "extended_cost_usd"]
    return [
        {**{c: rec[c] for c in cols}, "price_key": str(rec["price_key"])}
        for rec in run.bom.to_dict("records")
    ]


def _storage_entry(row) -> dict:
    """One built storage unit: its energies [MWh] and powers [MW] in the technology's words
    (the Storage table's neutral ``charge_mw``/``discharge_mw`` are a reservoir's pumps and
    turbines, a battery's charge and discharge)."""
    phs = row["technology"] == "pumped hydro"
    charge, discharge = ("pump_mw", "turbine_mw") if phs else ("charge_mw", "discharge_mw")
    out = {
        "technology": row["technology"],
        "stored_energy_mwh": row["stored_energy_mwh"],
        "deliverable_energy_mwh": row["deliverable_energy_mwh"],
        charge: row["charge_mw"],
        discharge: row["discharge_mw"],
        "energy_mwh": row["deliverable_energy_mwh"],  # deprecated alias (zopt < 0.2 readers)
    }
    if phs:
        out["active_volume_m3"] = row["active_volume_m3"]
    return out


def is_built(row) -> bool:
    """Whether a storage row has anything built: its flag and some energy or power (a site
    with no fixed cost can carry the flag with zero sizes)."""
    sizes = [row.get(k, 0.0) for k in ("stored_energy_mwh", "charge_mw", "discharge_mw")]
    return bool(row["built"]) and max(abs(float(v)) for v in sizes) > TINY


def _storage_summary(storage) -> dict:
    """Per storage unit with something built (see :func:`is_built`): technology, stored energy
    (what the BOM prices) and deliverable energy (after the turbine or discharge losses) [MWh],
    charge and discharge power [MW] as ``pump_mw``/``turbine_mw`` (pumped hydro) or
    ``charge_mw``/``discharge_mw`` (Li-ion), and for pumped hydro the active volume [m3]."""
    return {
        row["site_id"]: _storage_entry(row) for row in storage.to_dict("records") if is_built(row)
    }


def _scenario_summary(scenario) -> dict | None:
    """Name, description and cost envelope [$] (per category and total) of the scenario, if any."""
    if scenario is None:
        return None
    return {
        "name": scenario.name,
        "description": scenario.description,
        "envelope_usd": scenario.envelope_usd,
        "envelope_total_usd": sum(scenario.envelope_usd.values()),
    }


def _notes(run: RunResult) -> list[str]:
    """What zopt changed in the inputs, e.g. ``"weather: GHI computed from DNI and DHI ..."``."""
    years = run.inputs.weather_years
    if len(years) > 1:  # a record: every year's repairs (e.g. "Feb 29 dropped")
        return [f"weather year {y.label}: {n}" for y in years for n in y.notes]
    weather = run.inputs.weather
    return [f"weather: {n}" for n in (weather.notes if weather is not None else [])]


def summary_dict(run: RunResult) -> dict:
    """Return the summary as a JSON-ready dict."""
    storage = run.storage_table()
    parcels = run.parcels_table()
    achieved = run.achieved_flops
    return _clean(
        {
            "target_flops": run.data.meta["target_flops"],
            "mode": run.data.compute.mode,
            "precision": run.data.meta.get("precision"),
            "achieved_flops": achieved,
            "installed_flops": run.check.figures["installed_flops"],
            "delivered_flop_per_year": run.delivered_flop_per_year,
            "total_cost_usd": run.total_cost_usd,
            "cost_per_pflops_usd": run.total_cost_usd / (achieved / 1e15) if achieved > 0 else None,
            "cost_by_category_usd": run.bom.groupby("category")["extended_cost_usd"]
            .sum()
            .to_dict(),
            "chips": run.chips(),
            "it_load_mw": float(run.data.compute.it_mw_per_chip @ run.solution.chip_count),
            "facility_peak_load_mw": run.check.figures["peak load [MW]"],
            "pv_mw_dc": float(run.solution.parcel_mw_dc.sum()),
            "pv_modules": int(
                np.ceil(
                    run.solution.parcel_mw_dc.sum() * 1e6 / run.inputs.prices.value("pv_module_w")
                    - 1e-9
                )
            ),
            "parcels_selected": parcels.loc[parcels["selected"], "parcel_id"].tolist(),
            "land_acres_bought": float(parcels.loc[parcels["selected"], "area_acres"].sum()),
            "land": land_summary(run),
            "storage": _storage_summary(storage),
            "scenario": _scenario_summary(run.inputs.scenario),
            "hours_with_unserved_compute": run.check.figures.get("hours with unserved compute", 0),
            "weather_profiles": run.profiles.table(None).to_dict("records"),
            "weather_source": run.profiles.weather_source,
            "notes": _notes(run),
            "chip_utilization": run.check.figures["average_delivered_flops"]
            / max(run.check.figures["installed_flops"], 1.0),
            "economics": run.economics.as_dict(),
            "components": {
                name: table.to_dict("records") for name, table in run.component_tables().items()
            },
            "solver": run.solver,
            "check": {"passed": run.check.passed, **run.check.figures},
            "timings_s": run.timings_s,
            "bom_lines": bom_lines(run),
            "weather_years": weather_years_summary(
                run.stress_design, run.weather_years, run.timings_s.get("stress")
            ),
        }
    )


#: JSON Schema of ``summary.json``, shipped in the package
SCHEMA_FILE = Path(__file__).with_name("summary.schema.json")


def summary_schema() -> dict:
    """Return the JSON Schema (draft 2020-12) that every ``summary.json`` satisfies."""
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def write_summary(run: RunResult, folder: Path) -> Path:
    """Write ``summary.json`` into ``folder`` and return its path."""
    path = Path(folder) / "summary.json"
    path.write_text(json.dumps(summary_dict(run), indent=2) + "\n", encoding="utf-8")
    return path
