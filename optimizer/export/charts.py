"""Charts inside ``bom.xlsx`` (openpyxl charts, drawn by the spreadsheet program from the cells).

- cost by category: a bar chart over the BOM sheet's category subtotals (formulas);
- a summer and a winter week of dispatch: PV available/used, load, storage charge/discharge on
  the left axis [MW], storage levels on the right axis [MWh], from the Dispatch sheet;
- monthly energy: PV available/used/curtailed and load [MWh], from the Monthly sheet.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from openpyxl.chart import BarChart, LineChart, Reference, Series

SUMMER_START_H = 24 * 172  # 21 June
WINTER_START_H = 24 * 355  # 21 December
WEEK_H = 24 * 7
MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
MONTHLY_COLUMNS = ["pv_available_mw", "pv_used_mw", "pv_curtailed_mw", "load_mw"]
CHART_HEIGHT_CM = 9.0
CHART_WIDTH_CM = 24.0


def _month_of_hour(n_hours: int) -> np.ndarray:
    """Month index 0..11 of each hour of a 365-day year (or a flat split if not 8,760 h)."""
    if n_hours == 8760:
        days = pd.date_range("2001-01-01", periods=8760, freq="h")
        return days.month.to_numpy() - 1
    return np.minimum(np.arange(n_hours) * 12 // max(n_hours, 1), 11)


def monthly_energy(dispatch: pd.DataFrame) -> pd.DataFrame:
    """Monthly energy [MWh]: hourly MW summed over each month (1-hour steps)."""
    month = _month_of_hour(len(dispatch))
    out = pd.DataFrame({"month": MONTH_NAMES})
    for col in MONTHLY_COLUMNS:
        if col in dispatch:
            sums = np.bincount(month, weights=dispatch[col].to_numpy(), minlength=12)
            out[col.replace("_mw", "_mwh")] = np.round(sums, 3)
    return out


def _size(chart) -> None:
    chart.height, chart.width = CHART_HEIGHT_CM, CHART_WIDTH_CM


def cost_chart(bom_ws, category_rows: dict[str, int]) -> BarChart | None:
    """Bar chart of the BOM's category subtotals [$]."""
    if not category_rows:
        return None
    first, last = min(category_rows.values()), max(category_rows.values())
    chart = BarChart()
    chart.type = "bar"
    chart.title = "Capital cost by category [$]"
    chart.legend = None
    chart.add_data(Reference(bom_ws, min_col=6, min_row=first, max_row=last))
    chart.set_categories(Reference(bom_ws, min_col=1, min_row=first, max_row=last))
    chart.y_axis.numFmt = '"$"#,##0'
    chart.y_axis.title = "$"
    _size(chart)
    return chart


def week_chart(dispatch_ws, columns: list[str], start_h: int, title: str) -> LineChart:
    """One week of the Dispatch sheet: flows [MW] left, storage levels [MWh] right."""
    first, last = start_h + 2, start_h + WEEK_H + 1  # sheet row of hour h is h + 2
    flows, levels = LineChart(), LineChart()
    for j, col in enumerate(columns, start=1):
        if col == "time_local_standard":
            continue
        target = levels if col.endswith("_level_mwh") else flows
        ref = Reference(dispatch_ws, min_col=j, min_row=first, max_row=last)
        series = Series(ref, title=col)
        series.smooth = False
        target.series.append(series)
    flows.title = title
    flows.y_axis.title = "MW"
    flows.x_axis.title = "hour of the week"
    if levels.series:
        levels.y_axis.axId = 200
        levels.y_axis.title = "MWh stored"
        levels.y_axis.crosses = "max"
        flows += levels
    _size(flows)
    return flows


def monthly_chart(monthly_ws, n_months: int, n_cols: int) -> BarChart:
    """Clustered bars of the Monthly sheet [MWh]."""
    chart = BarChart()
    chart.type = "col"
    chart.title = "Monthly energy [MWh]"
    data = Reference(monthly_ws, min_col=2, max_col=n_cols, min_row=1, max_row=n_months + 1)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(monthly_ws, min_col=1, min_row=2, max_row=n_months + 1))
    chart.y_axis.title = "MWh"
    _size(chart)
    return chart


def add_charts(ws, category_rows: dict[str, int], dispatch: pd.DataFrame, n_months: int) -> None:
    """Place every chart on the Charts sheet ``ws`` (it refers to the other sheets by name)."""
    wb = ws.parent
    bom, disp, monthly = wb["BOM"], wb["Dispatch"], wb["Monthly"]
    cols = list(dispatch.columns)
    anchors = iter(["A1", "A20", "A39", "A58"])
    chart = cost_chart(bom, category_rows)
    if chart is not None:
        ws.add_chart(chart, next(anchors))
    n = len(dispatch)
    winter = WINTER_START_H if n >= WINTER_START_H + WEEK_H else 0
    summer = SUMMER_START_H if n >= SUMMER_START_H + WEEK_H else 0
    ws.add_chart(week_chart(disp, cols, summer, "Summer week (from 21 June)"), next(anchors))
    ws.add_chart(week_chart(disp, cols, winter, "Winter week (from 21 December)"), next(anchors))
    n_cols = 1 + sum(c in dispatch for c in MONTHLY_COLUMNS)
    ws.add_chart(monthly_chart(monthly, n_months, n_cols), next(anchors))
