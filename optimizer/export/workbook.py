"""``bom.xlsx``: the workbook people review, print and edit.

Sheets: Summary, BOM, Cash flow (:mod:`optimizer.export.workbook_cashflow`), Chips, Parcels,
Reservoirs, Storage, Dispatch, Prices, Run info, Monthly, Charts, one sheet per registry
component with a table hook (after the fixed sheets) and the hidden Run values. BOM extended
costs, category subtotals and the grand total are live formulas; BOM unit costs refer to the
Prices, Chips, Parcels and Reservoirs sheets; Summary figures are formulas into those sheets.
Every formula cell also stores the value zopt computed, so readers that do not recalculate
(pandas, previewers) show numbers. Column D of the Summary names the ``summary.json`` key each
figure must equal (checked by a LibreOffice recalculation test). User text is stored as text.
Every sheet is set up for printing.

Written with XlsxWriter (it stores formula values; openpyxl cannot), which also streams the
8,760-row Dispatch sheet quickly.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from optimizer.export import charts
from optimizer.export import workbook_inputs as wi
from optimizer.export.weather_years import sheet_frame
from optimizer.export.workbook_cashflow import cash_flow_sheet
from optimizer.export.workbook_summary import summary_sheet
from optimizer.export.xlsx_frames import frame_sheet
from optimizer.export.xlsx_style import (
    add_sheet,
    add_table,
    formula,
    new_workbook,
    print_setup,
    set_widths,
    text,
    value,
    widths_from,
)
from optimizer.inputs.workbook_inputs import RUN_VALUES_SHEET
from optimizer.results.bom import BOM_COLUMNS
from optimizer.results.run import RunResult

BOM_HEADERS = BOM_COLUMNS  # the sheet's columns are the BOM table's
SHEETS = ["Summary", "BOM", "Cash flow", "Chips", "Parcels", "Reservoirs", "Storage", "Dispatch",
          "Prices", "Run info", "Monthly", "Charts"]  # fmt: skip
DISPATCH_DECIMALS = 3  # 1 kW / 1 kWh resolution in the Dispatch sheet
DISPATCH_PRINTED_ROWS = 25  # the header and the first day; the Monthly sheet is the digest
MEGA_UNITS = {"W_dc": "MW_dc", "W_ac": "MW_ac"}  # BOM quantities shown in MW, prices per MW


@dataclass
class BomLayout:
    """Where the BOM sheet put things (1-based rows) for the Summary's formulas and charts."""

    last_item_row: int
    total_ref: str = ""
    total: float = 0.0
    category_rows: dict[str, int] = field(default_factory=dict)
    category_usd: dict[str, float] = field(default_factory=dict)
    line_rows: dict[str, int] = field(default_factory=dict)
    quantities: dict[int, float] = field(default_factory=dict)  # sheet row -> quantity
    npc_ref: str = ""  # the Cash flow sheet's net present cost cell


def _unit_cost_ref(key: str, refs: wi.InputRefs) -> str | None:
    """The input cell a BOM line's unit cost comes from (None: typed in the BOM)."""
    if key in refs.prices:
        return f"Prices!$B${refs.prices[key]}"
    kind, _, rest = key.partition(":")
    if kind == "chips" and refs.chips is not None:
        chip, _, field_ = rest.partition(":")
        if chip in refs.chip_index:
            return refs.chips.ref("Chips", field_ or "price_usd", refs.chip_index[chip])
    if kind == "parcels" and rest in refs.parcel_index:
        return refs.parcels.ref("Parcels", "price_usd_per_acre", refs.parcel_index[rest])
    if kind == "reservoirs" and rest in refs.reservoir_index:
        return refs.reservoirs.ref("Reservoirs", "fixed_cost_usd", refs.reservoir_index[rest])
    return None


def _bom_item(ws, i: int, rec, refs: wi.InputRefs) -> float:
    """Write BOM line ``i`` (sheet row i+2); return its quantity in the sheet's unit."""
    r = i + 2
    key, unit = str(rec.price_key), str(rec.unit)
    qty, cost = float(rec.quantity), float(rec.unit_cost_usd)
    scale = 1e6 if unit in MEGA_UNITS else 1.0
    qty, cost = qty / scale, cost * scale
    text(ws, i + 1, 0, rec.category)
    text(ws, i + 1, 1, rec.item)
    value(ws, i + 1, 2, qty, "zopt_number")
    text(ws, i + 1, 3, MEGA_UNITS.get(unit, unit), "zopt_unit")
    ref = _unit_cost_ref(key, refs)
    if ref:
        expr = f"={ref}*1E6" if scale != 1.0 else f"={ref}"
        formula(ws, i + 1, 4, expr, cost, "zopt_usd_cents")
    else:
        value(ws, i + 1, 4, cost, "zopt_usd_cents")
    formula(ws, i + 1, 5, f"=C{r}*E{r}", qty * cost, "zopt_usd")
    text(ws, i + 1, 6, key, "zopt_unit")
    text(ws, i + 1, 7, rec.source)
    year = str(rec.year).strip()
    value(ws, i + 1, 8, int(year) if year.isdigit() else year, "zopt_year")
    return qty * cost


def _bom_sheet(ws, bom: pd.DataFrame, refs: wi.InputRefs) -> BomLayout:
    """Write the BOM: item rows (a table), category subtotals (SUMIF) and the total (SUM)."""
    wb = ws.zopt_book
    layout = BomLayout(last_item_row=len(bom) + 1)
    keys = bom["price_key"].astype(str)
    costs = []
    for i, rec in enumerate(bom.itertuples(index=False)):
        costs.append(_bom_item(ws, i, rec, refs))
        key = str(rec.price_key)
        layout.line_rows[key if (keys == key).sum() == 1 else f"{key}|{rec.item}"] = i + 2
        scale = 1e6 if str(rec.unit) in MEGA_UNITS else 1.0
        layout.quantities[i + 2] = float(rec.quantity) / scale
    add_table(ws, "BOM", BOM_HEADERS, len(bom))
    last = layout.last_item_row
    text(ws, last + 1, 0, "Subtotal by category", "zopt_label")
    r = last + 2  # 1-based row of the subtotal header
    cats = bom["category"].astype(str).tolist()
    for cat in dict.fromkeys(cats):
        r += 1
        usd = sum(c for c, k in zip(costs, cats, strict=True) if k == cat)
        text(ws, r - 1, 0, cat)
        formula(ws, r - 1, 5, f"=SUMIF($A$2:$A${last},A{r},$F$2:$F${last})", usd, "zopt_usd")
        layout.category_rows[cat], layout.category_usd[cat] = r, usd
    r += 1
    layout.total = sum(costs)
    text(ws, r - 1, 0, "Total", "zopt_total")
    for j in range(1, 5):
        ws.write_blank(r - 1, j, None, wb.zopt["zopt_total"])
    formula(ws, r - 1, 5, f"=SUM(F2:F{last})", layout.total, "zopt_total")
    layout.total_ref = f"BOM!$F${r}"
    rows = [[rec[c] for c in BOM_HEADERS] for rec in bom.to_dict("records")]
    widths = widths_from(BOM_HEADERS, rows)
    widths.update({1: min(widths[1], 72), 2: 16, 4: 15, 5: 18, 6: widths[6] + 1,
                   7: min(widths[7], 48), 8: 7})  # fmt: skip
    set_widths(ws, widths)
    ws.freeze_panes(1, 0)
    print_setup(ws, r, len(BOM_HEADERS))
    return layout


def _dispatch_frame(run: RunResult) -> pd.DataFrame:
    d = run.dispatch.round(DISPATCH_DECIMALS) + 0.0  # + 0.0 turns -0.0 into 0.0
    if isinstance(d.index, pd.DatetimeIndex):
        d.insert(0, "time_local_standard", d.index.tz_localize(None) if d.index.tz else d.index)
    return d.reset_index(drop=True)


def _dispatch_sheet(ws, dispatch: pd.DataFrame) -> None:
    """8,760 hourly rows; only the first day is in the print area (Monthly is the digest)."""
    plain = {c: None for c in dispatch.columns}  # unstyled numbers: the sheet writes faster
    plain["time_local_standard"] = "zopt_datetime"
    frame_sheet(ws, dispatch, "Dispatch", plain, print_rows=DISPATCH_PRINTED_ROWS)
    ws.set_header("&LDispatch: first day only (8,760 rows in the file; see the Monthly sheet)")


def _storage_sheet(ws, run: RunResult) -> dict[str, int]:
    """The Storage sheet; return site_id -> 1-based sheet row."""
    table = run.storage_table()
    frame_sheet(ws, table, "Storage", {"built": "zopt_bool"})
    return {str(s): i + 2 for i, s in enumerate(table.get("site_id", []))}


def _fill(run: RunResult, summary: dict, run_info: dict, wb) -> None:
    ws = {name: add_sheet(wb, name) for name in SHEETS}
    for name, table in run.component_tables().items():  # registry components' own sheets
        title = name.replace("_", " ").capitalize()
        frame_sheet(add_sheet(wb, title), table, title.replace(" ", ""))
    if run.weather_years:  # the stress test (optimizer.results.stress)
        frame_sheet(add_sheet(wb, "Weather years"), sheet_frame(run.weather_years), "WeatherYears")
    refs = wi.InputRefs()
    wi.write_prices(ws["Prices"], run, refs)
    wi.write_chips(ws["Chips"], run, refs)
    parcels = wi.write_parcels(ws["Parcels"], run, refs)
    wi.write_reservoirs(ws["Reservoirs"], run, refs)
    storage_rows = _storage_sheet(ws["Storage"], run)
    dispatch = _dispatch_frame(run)
    _dispatch_sheet(ws["Dispatch"], dispatch)
    info = pd.DataFrame({"key": list(run_info), "value": [str(v) for v in run_info.values()]})
    frame_sheet(ws["Run info"], info, "RunInfo", landscape=False)
    monthly = charts.monthly_energy(run.dispatch)
    frame_sheet(ws["Monthly"], monthly, "Monthly", landscape=False)
    lay = _bom_sheet(ws["BOM"], run.bom, refs)
    lay.npc_ref = cash_flow_sheet(ws["Cash flow"], run, refs)
    charts.add_charts(ws["Charts"], lay.category_rows, dispatch, len(monthly))
    wi.write_run_values(add_sheet(wb, RUN_VALUES_SHEET), refs)
    summary_sheet(ws["Summary"], run, summary, lay, refs, parcels, storage_rows)


def write_workbook(run: RunResult, summary: dict, run_info: dict, path: Path) -> Path:
    """Write ``bom.xlsx`` to ``path`` via a temporary file and an atomic rename."""
    tmp = Path(path).with_suffix(".xlsx.tmp")
    wb = new_workbook(tmp)
    _fill(run, summary, run_info, wb)
    wb.close()
    os.replace(tmp, path)
    return Path(path)
