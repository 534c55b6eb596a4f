"""Price and assumption table: ``key, value, unit, source, year`` (CSV or a zopt workbook).

Every key zopt knows is declared with its unit and allowed range: the core keys in
:data:`PRICE_SCHEMA`, a registry component's own keys in its record (:func:`price_schema` has
them all). A user
table may hold any subset: missing keys keep the embedded default (and are marked as defaults).
Unknown keys and unit mismatches are errors.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from optimizer.errors import InputError, ProblemCollector
from optimizer.inputs.tables import parse_number, read_csv_table, require_columns, row_number
from optimizer.inputs.workbook_prices import read_prices_sheet
from optimizer.inputs.xlsx_guard import hostile_xlsx
from optimizer.paths import default_path

#: key -> (unit, minimum, maximum). Units are compared as written (case-sensitive).
PRICE_SCHEMA: dict[str, tuple[str, float, float]] = {
    "pv_module_usd_per_w_dc": ("$/W_dc", 0.0, 10.0),
    "pv_inverter_usd_per_w_ac": ("$/W_ac", 0.0, 5.0),
    "pv_bos_usd_per_w_dc": ("$/W_dc", 0.0, 10.0),
    "pv_dc_ac_ratio": ("ratio", 0.8, 2.5),
    "pv_module_w": ("W", 50.0, 1500.0),
    "pv_module_area_m2": ("m2", 0.3, 5.0),
    "pv_gcr": ("fraction", 0.05, 0.95),
    "pv_array_area_fraction": ("fraction", 0.05, 1.0),
    "pv_system_losses_fraction": ("fraction", 0.0, 0.5),
    "pv_temp_coeff_per_c": ("1/C", -0.01, 0.0),
    "pv_inverter_efficiency": ("fraction", 0.5, 1.0),
    "land_prep_usd_per_acre": ("$/acre", 0.0, 1e6),
    "phs_reservoir_usd_per_m3": ("$/m3", 0.0, 1e4),
    "phs_pump_usd_per_kw": ("$/kW", 0.0, 1e5),
    "phs_turbine_usd_per_kw": ("$/kW", 0.0, 1e5),
    "phs_powerhouse_usd_per_kw": ("$/kW", 0.0, 1e5),
    "phs_contingency_usd_per_kw": ("$/kW", 0.0, 1e5),
    "phs_pump_efficiency": ("fraction", 0.3, 1.0),
    "phs_turbine_efficiency": ("fraction", 0.3, 1.0),
    "phs_evaporation_mm_per_day": ("mm/day", 0.0, 50.0),
    "phs_mean_depth_m": ("m", 1.0, 500.0),
    "phs_min_level_fraction": ("fraction", 0.0, 0.9),
    "liion_energy_usd_per_kwh": ("$/kWh", 0.0, 1e5),
    "liion_power_usd_per_kw": ("$/kW", 0.0, 1e5),
    "liion_round_trip_efficiency": ("fraction", 0.3, 1.0),
    "plant_life_yr": ("yr", 1.0, 100.0),
    "liion_calendar_life_yr": ("yr", 1.0, 100.0),
    "server_network_usd_per_chip": ("$/chip", 0.0, 1e7),
    "server_network_w_per_chip": ("W/chip", 0.0, 1e5),
    "pue": ("ratio", 1.0, 3.0),
    "data_hall_usd_per_mw_it": ("$/MW_IT", 0.0, 1e9),
    "pv_tracker_max_angle_deg": ("deg", 0.0, 90.0),
    "pv_ground_albedo": ("fraction", 0.0, 1.0),
    "line_usd_per_km": ("$/km", 0.0, 1e8),
    "line_usd_per_mw_km": ("$/MW-km", 0.0, 1e7),
    "data_hall_acres_per_mw_it": ("acre/MW_IT", 0.0, 100.0),
    # lifecycle economics (optimizer.model.lifecycle): lives per life class; O&M per unit
    "discount_rate": ("1/yr", 0.0, 0.5),
    "life_pv_yr": ("yr", 1.0, 100.0),
    "life_chips_yr": ("yr", 1.0, 100.0),
    "life_data_hall_yr": ("yr", 1.0, 100.0),
    "life_phs_yr": ("yr", 1.0, 200.0),
    "life_lines_yr": ("yr", 1.0, 100.0),
    "pv_fom_usd_per_kw_dc_yr": ("$/kW_dc-yr", 0.0, 1e3),
    "phs_fom_usd_per_kw_yr": ("$/kW-yr", 0.0, 1e3),
    "phs_vom_usd_per_mwh": ("$/MWh", 0.0, 1e3),
    "liion_fom_usd_per_kwh_yr": ("$/kWh-yr", 0.0, 1e3),
    "liion_fom_usd_per_kw_yr": ("$/kW-yr", 0.0, 1e3),
    "data_hall_fom_usd_per_mw_it_yr": ("$/MW_IT-yr", 0.0, 1e8),
}

#: keys of earlier zopt versions, accepted and ignored (a rerun on an older workbook): key ->
#: what replaced it
RETIRED_KEYS = {
    "fom_pv_per_yr": "pv_fom_usd_per_kw_dc_yr",
    "fom_phs_per_yr": "phs_fom_usd_per_kw_yr",
    "fom_liion_per_yr": "liion_fom_usd_per_kwh_yr",
    "fom_data_hall_per_yr": "data_hall_fom_usd_per_mw_it_yr",
    "fom_chips_per_yr": "",
    "fom_backup_per_yr": "backup_<kind>_fom_usd_per_kw_yr",
}


#: the keys the registry components declare (``Component.prices``), given to this layer by
#: :mod:`optimizer.model.registry` when it is imported (:func:`declare_component_prices`): the
#: inputs never import the model, the model tells the inputs what its components read
_COMPONENT_KEYS: dict[str, tuple[str, float, float]] = {}
_DECLARED: list[bool] = []


def declare_component_prices(keys: dict[str, tuple]) -> None:
    """Register the price keys of the registry components: key -> ``(unit, min, max)`` (keys
    given without a range, or already in :data:`PRICE_SCHEMA`, are left to the core table)."""
    _COMPONENT_KEYS.update(
        {k: tuple(v) for k, v in keys.items() if k not in PRICE_SCHEMA and len(v) == 3}
    )
    _DECLARED.append(True)


def price_schema() -> dict[str, tuple[str, float, float]]:
    """Every known price key -> (unit, minimum, maximum): :data:`PRICE_SCHEMA` (the core
    technologies' keys and the economics) and the keys the registry components declared
    (:func:`declare_component_prices`, e.g. a backup generator's), in that order.

    Raises RuntimeError when the registry has not declared its keys yet (a program that reads
    prices imports :mod:`optimizer.model.registry` first; every ``zopt`` entry point does)."""
    if not _DECLARED:
        raise RuntimeError(
            "the component registry has not declared its price keys: import "
            "optimizer.model.registry before reading prices"
        )
    return {**PRICE_SCHEMA, **_COMPONENT_KEYS}

PRICE_COLUMNS = ["key", "value", "unit", "source", "year"]


@dataclass(frozen=True)
class PriceItem:
    """One row of the price table.

    ``is_default`` is True when the value came from the embedded table although the user gave
    a price file of their own.
    """

    key: str
    value: float
    unit: str
    source: str
    year: str
    notes: str = ""
    is_default: bool = False


class Prices(dict):
    """Mapping key -> :class:`PriceItem`, with ``prices["key"]`` giving the item."""

    def value(self, key: str) -> float:
        """Return the numeric value of ``key`` in its declared unit."""
        return self[key].value

    def to_frame(self) -> pd.DataFrame:
        """Return the table as a DataFrame (one row per key, schema order first)."""
        rows = [vars(item) for item in self.values()]
        return pd.DataFrame(
            rows, columns=["key", "value", "unit", "source", "year", "notes", "is_default"]
        )


def _rows_from_xlsx(path: Path, problems: ProblemCollector) -> pd.DataFrame | None:
    """Read the Prices sheet of a zopt workbook into the same string table a CSV gives."""

    if hostile_xlsx(path, problems):  # zip bomb or XML entity expansion: never opened
        return None
    return read_prices_sheet(path, problems)


def _parse_rows(df: pd.DataFrame, problems: ProblemCollector, row_of) -> list[PriceItem]:
    items: list[PriceItem] = []
    seen: dict[str, str] = {}
    schema = price_schema()
    for i, rec in enumerate(df.to_dict("records")):
        where = row_of(i)
        key = str(rec.get("key", "")).strip()
        if key == "":
            problems.add(where, "key", "key missing", found="empty")
            continue
        if key in RETIRED_KEYS:  # fixed O&M as a share of capital: now per unit
            continue
        if key not in schema:
            problems.add(where, "key", "unknown price key", found=key, expected=_did_you_mean(key))
            continue
        if key in seen:
            problems.add(
                where, "key", "duplicate key", found=key, expected=f"once (see {seen[key]})"
            )
            continue
        seen[key] = where
        unit, lo, hi = schema[key]
        if str(rec.get("unit", "")).strip() != unit:
            problems.add(
                where,
                "unit",
                f"unit mismatch for {key}",
                found=repr(str(rec.get("unit", "")).strip()),
                expected=repr(unit),
            )
        value = parse_number(rec.get("value"), where, "value", problems, minimum=lo, maximum=hi)
        if value is None:
            continue
        items.append(
            PriceItem(
                key,
                value,
                unit,
                str(rec.get("source", "")).strip(),
                str(rec.get("year", "")).strip(),
                str(rec.get("notes", "")).strip(),
            )
        )
    return items


def _did_you_mean(key: str) -> str:
    """What an unknown price key probably meant (the closest known keys, or the right sheet)."""
    import difflib

    kind = key.split(":", 1)[0]
    if kind in ("chips", "parcels", "reservoirs"):
        sheet = {"chips": "Chips", "parcels": "Parcels", "reservoirs": "Reservoirs"}[kind]
        return f"a key of data/prices.csv; {kind} prices are edited in the {sheet} sheet"
    close = difflib.get_close_matches(key, list(price_schema()), n=3, cutoff=0.6)
    if close:
        return "did you mean " + " or ".join(close) + "?"
    return "one of the keys in data/prices.csv"


def read_price_file(path: Path) -> tuple[list[PriceItem], ProblemCollector]:
    """Read and validate a price table (CSV, or the Prices sheet of an ``.xlsx``).

    Returns the parsed items and the problems found (empty when the file is clean).
    """
    path = Path(path)
    problems = ProblemCollector(str(path))
    is_xlsx = path.suffix.lower() in (".xlsx", ".xlsm")
    prefix = "Prices!row" if is_xlsx else "row"
    df = _rows_from_xlsx(path, problems) if is_xlsx else read_csv_table(path, problems)

    def row_of(i: int) -> str:
        return f"{prefix} {row_number(df, i)}"

    if df is None or not require_columns(df, ["key", "value", "unit"], problems):
        return [], problems
    return _parse_rows(df, problems, row_of), problems


def load_prices(
    user_path: Path | None = None, scenario_path: Path | None = None
) -> tuple[Prices, list]:
    """Return the embedded price table overlaid with a scenario's and ``user_path``'s rows.

    Keys the user file lacks keep the embedded (or scenario) value with ``is_default=True``.
    Returns the table and all problems found.
    """
    base_items, base_problems = read_price_file(default_path("prices.csv"))
    problems = list(base_problems.problems)
    prices = Prices({item.key: item for item in base_items})
    if scenario_path is not None:
        scenario_items, scenario_problems = read_price_file(scenario_path)
        problems += scenario_problems.problems
        prices.update({item.key: item for item in scenario_items})
    if user_path is not None:
        user_items, user_problems = read_price_file(user_path)
        problems += user_problems.problems
        for key in list(prices):
            prices[key] = replace(prices[key], is_default=True)
        for item in user_items:
            prices[item.key] = item
    missing = [k for k in price_schema() if k not in prices]
    if missing and not problems:
        collector = ProblemCollector(str(default_path("prices.csv")))
        for k in missing:
            collector.add("", "key", "embedded price table lacks a key", expected=k)
        problems += collector.problems
    return prices, problems


def require_prices(user_path: Path | None = None) -> Prices:
    """Like :func:`load_prices` but raise :class:`InputError` on any problem."""
    prices, problems = load_prices(user_path)
    if problems:
        raise InputError(problems)
    return prices
