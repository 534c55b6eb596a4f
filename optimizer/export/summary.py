"""``summary.json``: the headline figures of a run, for scripts (PRODUCT.md section 5)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from optimizer.export.gis import land_summary
from optimizer.results.run import RunResult


def _clean(obj):
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    if isinstance(obj, np.integer | np.bool_):
        return obj.item()
    if isinstance(obj, np.floating | float):
        return None if not np.isfinite(obj) else float(obj)
    return obj


def bom_lines(run: RunResult) -> list[dict]:
    """The BOM lines as records (category, item, quantity, unit, unit and extended cost [$],
    price key), for scripts and ``zopt diff``."""
    cols = ["category", "item", "quantity", "unit", "unit_cost_usd", "extended_cost_usd"]
    return [
        {**{c: rec[c] for c in cols}, "price_key": str(rec["price_key"])}
        for rec in run.bom.to_dict("records")
    ]


def _storage_summary(built) -> dict:
    """Per built storage site: technology, deliverable and stored energy [MWh], pump and turbine
    power [MW], and for pumped hydro the active volume [m3]."""
    return {
        row["site_id"]: {
            "technology": row["technology"],
            "energy_mwh": row["deliverable_energy_mwh"],
            "stored_energy_mwh": row["stored_energy_mwh"],
            "pump_mw": row["pump_mw"],
            "turbine_mw": row["turbine_mw"],
            **(
                {"active_volume_m3": row["active_volume_m3"]}
                if row["technology"] == "pumped hydro"
                else {}
            ),
        }
        for _, row in built.iterrows()
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
    weather = run.inputs.weather
    return [f"weather: {n}" for n in (weather.notes if weather is not None else [])]


def summary_dict(run: RunResult) -> dict:
    """Return the summary as a JSON-ready dict."""
    storage = run.storage_table()
    built = storage[storage["built"]] if len(storage) else storage
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
            "storage": _storage_summary(built),
            "scenario": _scenario_summary(run.inputs.scenario),
            "hours_with_unserved_compute": run.check.figures.get("hours with unserved compute", 0),
            "weather_profiles": run.profiles.table(None).to_dict("records"),
            "weather_source": run.profiles.weather_source,
            "notes": _notes(run),
            "chip_utilization": run.check.figures["average_delivered_flops"]
            / max(run.check.figures["installed_flops"], 1.0),
            "solver": run.solver,
            "check": {"passed": run.check.passed, **run.check.figures},
            "timings_s": run.timings_s,
            "bom_lines": bom_lines(run),
        }
    )


def write_summary(run: RunResult, folder: Path) -> Path:
    """Write ``summary.json`` into ``folder`` and return its path."""
    path = Path(folder) / "summary.json"
    path.write_text(json.dumps(summary_dict(run), indent=2) + "\n", encoding="utf-8")
    return path
