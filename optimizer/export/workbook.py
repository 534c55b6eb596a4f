"""``bom.xlsx``: the workbook people review.

Sheets: Summary, BOM, Parcels, Storage, Dispatch, Prices, Run info, Monthly, Charts. BOM extended
costs, category subtotals and the grand total are live formulas; BOM unit costs that come from
the price table refer to the Prices sheet; Summary figures that derive from the BOM, Prices or
Parcels are formulas too. Column D of the Summary names the ``summary.json`` key each figure
must equal (checked by a LibreOffice recalculation test). User text is stored as text.

The workbook is written in openpyxl's write-only (streaming) mode.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from optimizer.export import charts
from optimizer.export.xlsx_style import (
    add_table,
    formula,
    header,
    register_styles,
    set_widths,
    sheet_title,
    text,
    value,
)
from optimizer.results.bom import BOM_COLUMNS
from optimizer.results.run import SECONDS_PER_YEAR, RunResult

MODE_WORDS = {
    "sustained": "sustained: the target is delivered in every hour of the year",
    "average": "average: the year's delivered FLOP / seconds in the year >= target",
    "peak": "peak: installed FLOPS >= target; every chip runs at full power in the best hour",
}
BOM_HEADERS = BOM_COLUMNS  # the sheet's columns are the BOM table's
SHEETS = ["Summary", "BOM", "Parcels", "Storage", "Dispatch", "Prices", "Run info", "Monthly"]
DISPATCH_DECIMALS = 3  # 1 kW / 1 kWh resolution in the Dispatch sheet


@dataclass
class BomLayout:
    """Where the BOM sheet put things (1-based rows) for the Summary's formulas and charts."""

    last_item_row: int
    total_ref: str = ""
    category_rows: dict[str, int] = field(default_factory=dict)
    line_rows: dict[str, int] = field(default_factory=dict)


SUFFIX_STYLES = {"_mw": "zopt_mw", "_mw_dc": "zopt_mw", "_mwh": "zopt_mwh", "_usd": "zopt_usd"}


def _auto_formats(columns) -> dict[str, str]:
    """Number style of a column from its unit suffix (``_mw``, ``_mwh``, ``_usd``...)."""
    out = {}
    for col in map(str, columns):
        for suffix, style in SUFFIX_STYLES.items():
            if col.endswith(suffix):
                out[col] = style
        if "_usd_per_" in col:
            out[col] = "zopt_usd_cents"
    return out


def _frame_sheet(ws, frame: pd.DataFrame, table: str, formats: dict | None = None) -> None:
    """Stream a DataFrame as an Excel table with a frozen header (number styles by suffix)."""
    formats = {**_auto_formats(frame.columns), **(formats or {})}
    ws.freeze_panes = "A2"
    set_widths(ws, {j: max(10, min(40, len(str(c)) + 4)) for j, c in enumerate(frame.columns, 1)})
    ws.append(header(ws, [str(c) for c in frame.columns]))
    styles = [formats.get(c) for c in frame.columns]
    for rec in frame.itertuples(index=False, name=None):
        ws.append([value(ws, v, s) for v, s in zip(rec, styles, strict=True)])
    add_table(ws, table, [str(c) for c in frame.columns], len(frame))


def _price_rows(prices: pd.DataFrame) -> dict[str, int]:
    return {k: i + 2 for i, k in enumerate(prices["key"])}


def _bom_item_row(ws, r: int, rec, price_rows: dict[str, int]) -> list:
    key = str(rec.price_key)
    if key in price_rows:
        unit_cost = formula(ws, f"=Prices!$B${price_rows[key]}", "zopt_usd_cents")
    else:
        unit_cost = value(ws, float(rec.unit_cost_usd), "zopt_usd_cents")
    return [
        text(ws, rec.category),
        text(ws, rec.item),
        value(ws, float(rec.quantity), "zopt_number"),
        text(ws, rec.unit),
        unit_cost,
        formula(ws, f"=C{r}*E{r}", "zopt_usd"),
        text(ws, key),
        text(ws, rec.source),
        text(ws, rec.year),
    ]


def _bom_sheet(ws, bom: pd.DataFrame, price_rows: dict[str, int]) -> BomLayout:
    """Write the BOM: item rows (a table), category subtotals (SUMIF) and the total (SUM)."""
    ws.freeze_panes = "A2"
    set_widths(ws, {1: 16, 2: 52, 3: 18, 4: 9, 5: 14, 6: 18, 7: 30, 8: 60, 9: 8})
    ws.append(header(ws, BOM_HEADERS))
    layout = BomLayout(last_item_row=len(bom) + 1)
    keys = bom["price_key"].astype(str)
    for r, rec in enumerate(bom.itertuples(index=False), start=2):
        ws.append(_bom_item_row(ws, r, rec, price_rows))
        key = str(rec.price_key)
        layout.line_rows[key if (keys == key).sum() == 1 else f"{key}|{rec.item}"] = r
    add_table(ws, "BOM", BOM_HEADERS, len(bom))
    last = layout.last_item_row
    ws.append([])
    ws.append([text(ws, "Subtotal by category", "zopt_label")])
    r = last + 2
    for cat in dict.fromkeys(bom["category"]):
        r += 1
        sumif = f"=SUMIF($A$2:$A${last},A{r},$F$2:$F${last})"
        ws.append([text(ws, cat), None, None, None, None, formula(ws, sumif, "zopt_usd")])
        layout.category_rows[str(cat)] = r
    r += 1
    ws.append(
        [text(ws, "Total", "zopt_total")]
        + [None] * 4
        + [formula(ws, f"=SUM(F2:F{last})", "zopt_total")]
    )
    layout.total_ref = f"BOM!$F${r}"
    return layout


def _line(layout: BomLayout, key: str) -> str | None:
    r = layout.line_rows.get(key)
    return f"BOM!$C${r}" if r else None


def _parcel_refs(parcels: pd.DataFrame) -> tuple[str, str]:
    n = len(parcels) + 1
    sel = get_column_letter(list(parcels.columns).index("selected") + 1)
    area = get_column_letter(list(parcels.columns).index("area_acres") + 1)
    return f"Parcels!${sel}$2:${sel}${n}", f"Parcels!${area}$2:${area}${n}"


SUMMARY_FIRST_ROW = 4  # after the title, the note and the header
TOTAL_COST_ROW = 10  # "Total capital cost" (see _summary_rows)


def _summary_rows(run: RunResult, summary: dict, lay: BomLayout, refs: dict) -> list[tuple]:
    """(label, value or '=formula', unit, style, summary.json key) for the Summary sheet."""
    sel, area = refs["parcels"]
    pv = _line(lay, "pv_module_usd_per_w_dc")
    hall = _line(lay, "data_hall_usd_per_mw_it")
    avg = run.check.figures["average_delivered_flops"]
    rows = [
        ("Target", summary["target_flops"], "FLOPS", "zopt_sci", "target_flops"),
        ("Mode", MODE_WORDS[summary["mode"]], "", None, ""),
        ("Precision", summary["precision"], "", None, ""),
        ("Achieved", summary["achieved_flops"], "FLOPS", "zopt_sci", "achieved_flops"),
        ("Average delivered", avg, "FLOPS", "zopt_sci", ""),
        ("Delivered per year", f"=B8*{SECONDS_PER_YEAR:.0f}", "FLOP", "zopt_sci",
         "delivered_flop_per_year"),
        ("Total capital cost", f"={lay.total_ref}", "USD", "zopt_total", "total_cost_usd"),
        ("Cost per PFLOPS", "=B10/(B7/1E15)", "USD/PFLOPS", "zopt_usd", "cost_per_pflops_usd"),
        ("Achieved in PFLOPS", "=B7/1E15", "PFLOPS", "zopt_pflops", ""),
    ]  # fmt: skip
    for cat, r in lay.category_rows.items():
        rows.append((f"  {cat}", f"=BOM!$F${r}", "USD", "zopt_usd", f"cost_by_category_usd.{cat}"))
    rows += [
        ("PV capacity", f"={pv}/1E6" if pv else 0.0, "MW_dc", "zopt_mw", "pv_mw_dc"),
        ("PV modules", f"=ROUNDUP({pv}/Prices!$B${refs['module_w']}-1E-9,0)" if pv else 0,
         "modules", "zopt_int", "pv_modules"),
        ("Parcels bought", f"=COUNTIF({sel},TRUE)", "parcels", "zopt_int", "parcels_selected#"),
        ("Land bought", f"=SUMIF({sel},TRUE,{area})", "acre", "zopt_number", "land_acres_bought"),
        ("IT load", f"={hall}" if hall else 0.0, "MW", "zopt_mw", "it_load_mw"),
        ("Facility peak load", summary["facility_peak_load_mw"], "MW", "zopt_mw",
         "facility_peak_load_mw"),
    ]  # fmt: skip
    for chip in summary["chips"]:
        ref = _line(lay, f"chips:{chip}")
        rows.append((f"Chips: {chip}", f"={ref}", "chips", "zopt_int", f"chips.{chip}"))
    for sid, st in summary["storage"].items():
        label = f"Storage {sid} ({st['technology']})"
        rows.append((label, st["energy_mwh"], "MWh deliverable", "zopt_mwh", ""))
    s = summary["solver"]
    rows += [
        ("Solver status", s["status"], "", None, ""),
        ("Proven gap", s["gap"], "", "zopt_pct", "solver.gap"),
        ("Independent check", "passed" if summary["check"]["passed"] else "FAILED", "", None, ""),
        ("Chip utilization", summary["chip_utilization"], "", "zopt_pct", "chip_utilization"),
    ]
    return rows + _scenario_rows(summary, first_row=SUMMARY_FIRST_ROW + len(rows))


def _scenario_rows(summary: dict, first_row: int) -> list[tuple]:
    """The scenario's own back-of-envelope beside the model's answer (e.g. the seed's $10M x 3)."""
    sc = summary.get("scenario")
    if not sc or not sc.get("envelope_usd"):
        return []
    rows = [(f"Scenario: {sc['name']}", sc["description"], "", None, "")]
    for item, usd in sc["envelope_usd"].items():
        rows.append((f"  {sc['name']}'s envelope: {item}", usd, "USD", "zopt_usd", ""))
    first, last = first_row + 1, first_row + len(rows) - 1
    rows.append(
        (
            f"  {sc['name']}'s envelope total",
            f"=SUM(B{first}:B{last})",
            "USD",
            "zopt_usd",
            "scenario.envelope_total_usd",
        )
    )
    rows.append(
        ("Model's answer / envelope", f"=B{TOTAL_COST_ROW}/B{last + 1}", "x", "zopt_number", "")
    )
    return rows  # fmt: skip


def _summary_sheet(ws, rows: list[tuple]) -> None:
    ws.freeze_panes = "A4"
    set_widths(ws, {1: 34, 2: 62, 3: 18, 4: 32})
    ws.append([text(ws, "zopt design summary", "zopt_title")])
    ws.append([text(ws, "Formulas refer to the BOM, Prices and Parcels sheets.")])
    ws.append(header(ws, ["figure", "value", "unit", "summary.json key"]))
    for label, v, unit, style, key in rows:
        cell = formula(ws, v, style) if isinstance(v, str) and v.startswith("=") else None
        ws.append([text(ws, label), cell or value(ws, v, style), text(ws, unit), text(ws, key)])


def _dispatch_frame(run: RunResult) -> pd.DataFrame:
    d = run.dispatch.round(DISPATCH_DECIMALS) + 0.0  # + 0.0 turns -0.0 into 0.0
    if isinstance(d.index, pd.DatetimeIndex):
        d.insert(0, "time_local_standard", d.index.tz_localize(None) if d.index.tz else d.index)
    return d.reset_index(drop=True)


def _fill(run: RunResult, summary: dict, run_info: dict, ws: dict) -> None:
    prices = run.inputs.prices.to_frame()
    parcels = run.parcels_table()
    dispatch = _dispatch_frame(run)
    lay = _bom_sheet(ws["BOM"], run.bom, _price_rows(prices))
    refs = {"parcels": _parcel_refs(parcels), "module_w": _price_rows(prices)["pv_module_w"]}
    _summary_sheet(ws["Summary"], _summary_rows(run, summary, lay, refs))
    _frame_sheet(ws["Parcels"], parcels, "Parcels")
    _frame_sheet(ws["Storage"], run.storage_table(), "Storage")
    plain = {c: None for c in dispatch.columns}  # unstyled numbers: the sheet opens faster
    _frame_sheet(
        ws["Dispatch"], dispatch, "Dispatch", {**plain, "time_local_standard": "zopt_datetime"}
    )
    _frame_sheet(ws["Prices"], prices, "Prices")
    info = pd.DataFrame({"key": list(run_info), "value": [str(v) for v in run_info.values()]})
    _frame_sheet(ws["Run info"], info, "RunInfo")
    monthly = charts.monthly_energy(run.dispatch)
    _frame_sheet(ws["Monthly"], monthly, "Monthly")
    charts.add_charts(ws["Charts"], lay.category_rows, dispatch, len(monthly))


def write_workbook(run: RunResult, summary: dict, run_info: dict, path: Path) -> Path:
    """Write ``bom.xlsx`` to ``path`` via a temporary file and an atomic rename."""
    wb = Workbook(write_only=True)
    register_styles(wb)
    ws = {name: wb.create_sheet(sheet_title(name)) for name in [*SHEETS, "Charts"]}
    _fill(run, summary, run_info, ws)
    tmp = Path(path).with_suffix(".xlsx.tmp")
    wb.save(tmp)
    os.replace(tmp, path)
    return Path(path)
