"""``bom.xlsx``: the workbook people review (Summary, BOM, Parcels, Storage, Dispatch, Prices,
Run info). BOM extended costs and totals are live formulas; user text is stored as text."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from optimizer.export.xlsx_style import (
    add_table,
    header_row,
    put,
    put_formula,
    register_styles,
    set_widths,
)
from optimizer.results.run import RunResult

MODE_WORDS = {
    "sustained": "sustained: the target is delivered in every hour of the year",
    "average": "average: the year's delivered FLOP / seconds in the year >= target",
    "peak": "peak: installed FLOPS >= target; every chip runs at full power in the best hour",
}
BOM_HEADERS = [
    "category",
    "item",
    "quantity",
    "unit",
    "unit_cost_usd",
    "extended_cost_usd",
    "price_key",
    "source",
    "year",
]


def _frame_sheet(wb, title: str, frame: pd.DataFrame, table: str, formats: dict | None = None):
    ws = wb.create_sheet(title)
    header_row(ws, 1, [str(c) for c in frame.columns])
    formats = formats or {}
    for i, rec in enumerate(frame.itertuples(index=False), start=2):
        for j, (col, v) in enumerate(zip(frame.columns, rec, strict=True), start=1):
            if isinstance(v, float) and v != v:
                v = None
            elif hasattr(v, "item"):
                v = v.item()
            put(ws, i, j, v, formats.get(col))
    add_table(ws, table, 1, len(frame), len(frame.columns))
    ws.freeze_panes = "A2"
    set_widths(ws, {j: max(10, min(40, len(str(c)) + 4)) for j, c in enumerate(frame.columns, 1)})
    return ws


def _bom_sheet(wb, bom: pd.DataFrame) -> str:
    """Write the BOM; return the cell address of the grand total."""
    ws = wb.create_sheet("BOM")
    header_row(ws, 1, BOM_HEADERS)
    for r, rec in enumerate(bom.itertuples(index=False), start=2):
        put(ws, r, 1, rec.category)
        put(ws, r, 2, rec.item)
        put(ws, r, 3, float(rec.quantity), "zopt_number")
        put(ws, r, 4, rec.unit)
        put(ws, r, 5, float(rec.unit_cost_usd), "zopt_usd_cents")
        put_formula(ws, r, 6, f"=C{r}*E{r}", "zopt_usd")
        put(ws, r, 7, str(rec.price_key))
        put(ws, r, 8, str(rec.source))
        put(ws, r, 9, str(rec.year))
    last = len(bom) + 1
    add_table(ws, "BOM", 1, len(bom), len(BOM_HEADERS))
    total_row = last + 2
    put(ws, total_row, 5, "Total", "zopt_total")
    put_formula(ws, total_row, 6, f"=SUM(F2:F{last})", "zopt_total")
    ws.freeze_panes = "A2"
    set_widths(ws, {1: 14, 2: 52, 3: 18, 4: 9, 5: 14, 6: 18, 7: 30, 8: 60, 9: 8})
    return f"BOM!$F${total_row}"


def _summary_sheet(ws, run: RunResult, summary: dict, total_ref: str) -> None:
    put(ws, 1, 1, "zopt design summary", "zopt_title")
    rows = [
        ("Target", summary["target_flops"], "FLOPS", "zopt_number"),
        ("Mode", MODE_WORDS[summary["mode"]], "", None),
        ("Precision", summary["precision"], "", None),
        ("Achieved", summary["achieved_flops"], "FLOPS", "zopt_number"),
        ("Delivered per year", summary["delivered_flop_per_year"], "FLOP", "zopt_number"),
        ("Total capital cost", f"={total_ref}", "USD", "zopt_usd"),
        ("Cost per PFLOPS", f"={total_ref}/(B6/1E15)", "USD/PFLOPS", "zopt_usd"),
        ("PV capacity", summary["pv_mw_dc"], "MW_dc", "zopt_number"),
        ("PV modules", summary["pv_modules"], "modules", "zopt_int"),
        ("Parcels bought", len(summary["parcels_selected"]), "parcels", "zopt_int"),
        ("Land bought", summary["land_acres_bought"], "acre", "zopt_number"),
        ("IT load", summary["it_load_mw"], "MW", "zopt_number"),
        ("Facility peak load", summary["facility_peak_load_mw"], "MW", "zopt_number"),
    ]
    for chip, n in summary["chips"].items():
        rows.append((f"Chips: {chip}", n, "chips", "zopt_int"))
    for sid, st in summary["storage"].items():
        rows.append(
            (
                f"Storage {sid} ({st['technology']})",
                st["energy_mwh"],
                "MWh deliverable",
                "zopt_number",
            )
        )
    s = summary["solver"]
    rows += [
        ("Solver status", s["status"], "", None),
        ("Proven gap", s["gap"], "", "zopt_pct"),
        ("Independent check", "passed" if summary["check"]["passed"] else "FAILED", "", None),
    ]
    header_row(ws, 3, ["figure", "value", "unit"])
    for i, (label, value, unit, style) in enumerate(rows, start=4):
        put(ws, i, 1, label)
        if isinstance(value, str) and value.startswith("="):
            put_formula(ws, i, 2, value, style)
        else:
            put(ws, i, 2, value, style)
        put(ws, i, 3, unit)
    ws.freeze_panes = "A4"
    set_widths(ws, {1: 34, 2: 62, 3: 18})


def _dispatch_frame(run: RunResult) -> pd.DataFrame:
    d = run.dispatch.copy()
    if isinstance(d.index, pd.DatetimeIndex):
        d.insert(0, "time_local_standard", d.index.tz_localize(None) if d.index.tz else d.index)
    return d.reset_index(drop=True)


def write_workbook(run: RunResult, summary: dict, run_info: dict, path: Path) -> Path:
    """Write ``bom.xlsx`` to ``path`` via a temporary file and an atomic rename."""
    wb = Workbook()
    register_styles(wb)
    ws = wb.active
    ws.title = "Summary"
    total_ref = _bom_sheet(wb, run.bom)
    _summary_sheet(ws, run, summary, total_ref)
    _frame_sheet(wb, "Parcels", run.parcels_table(), "Parcels")
    _frame_sheet(wb, "Storage", run.storage_table(), "Storage")
    _frame_sheet(wb, "Dispatch", _dispatch_frame(run), "Dispatch")
    _frame_sheet(wb, "Prices", run.inputs.prices.to_frame(), "Prices")
    info = pd.DataFrame({"key": list(run_info), "value": [str(v) for v in run_info.values()]})
    _frame_sheet(wb, "Run info", info, "RunInfo")
    tmp = Path(path).with_suffix(".xlsx.tmp")
    wb.save(tmp)
    os.replace(tmp, path)
    return Path(path)
