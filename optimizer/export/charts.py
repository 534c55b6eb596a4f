"""Charts inside ``bom.xlsx`` (XlsxWriter charts, drawn by the spreadsheet program from cells).

- cost by category: bars over the BOM sheet's category subtotals (formulas), axis in $M;
- a summer and a winter week of dispatch: power flows [MW] on the left axis, storage levels
  [MWh] on the right, dates on the time axis, series named in words, all-zero series left out;
- monthly energy: PV available/used/curtailed and load [GWh], from the Monthly sheet.

Legends sit below the plot area, outside the data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SUMMER_START_H = 24 * 171  # 21 June (0-based day 171)
WINTER_START_H = 24 * 354  # 21 December
WEEK_H = 24 * 7
MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
MONTHLY_COLUMNS = ["pv_available_mw", "pv_used_mw", "pv_curtailed_mw", "load_mw"]
CHART_SIZE = {"x_scale": 1.9, "y_scale": 1.25}  # about 27 x 9 cm
ROWS_PER_CHART = 20
SERIES_WORDS = {
    "pv_available_mw": "PV available",
    "pv_used_mw": "PV used",
    "pv_curtailed_mw": "PV curtailed",
    "load_mw": "Facility load",
    "phs_charge_mw": "Pumped hydro: pumping",
    "phs_discharge_mw": "Pumped hydro: generating",
    "phs_level_mwh": "Pumped hydro: stored (right axis)",
    "liion_charge_mw": "Li-ion: charging",
    "liion_discharge_mw": "Li-ion: discharging",
    "liion_level_mwh": "Li-ion: stored (right axis)",
    "unserved_mw": "Unserved load",
}
WEEK_SKIP = {"time_local_standard", "pv_curtailed_mw"}  # curtailed = available - used
MONTHLY_WORDS = {c.replace("_mw", "_mwh"): w for c, w in SERIES_WORDS.items()}
USD_M = '"$"#,##0,," M"'
EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def words(column: str) -> str:
    """A series name in words for a dispatch or monthly column."""
    return SERIES_WORDS.get(column) or MONTHLY_WORDS.get(column) or column.replace("_", " ")


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


def _legend_below(chart) -> None:
    chart.set_legend({"position": "bottom"})
    chart.set_size(CHART_SIZE)


def cost_chart(wb, category_rows: dict[str, int]):
    """Bar chart of the BOM's category subtotals [$M]."""
    if not category_rows:
        return None
    first, last = min(category_rows.values()), max(category_rows.values())
    chart = wb.add_chart({"type": "bar"})
    chart.add_series({
        "name": "Capital cost",
        "categories": ["BOM", first - 1, 0, last - 1, 0],
        "values": ["BOM", first - 1, 5, last - 1, 5],
        "data_labels": {"value": True, "num_format": USD_M},
    })  # fmt: skip
    chart.set_title({"name": "Capital cost by category [$M]"})
    chart.set_x_axis({"num_format": USD_M, "name": "$M", "major_gridlines": {"visible": True}})
    chart.set_y_axis({"reverse": True})
    chart.set_legend({"none": True})
    chart.set_size(CHART_SIZE)
    return chart


def _excel_serial(t) -> float:
    """Excel's date number of a timestamp [days since 1899-12-30]."""
    return (pd.Timestamp(t).tz_localize(None) - EXCEL_EPOCH) / pd.Timedelta(days=1)


def week_chart(wb, dispatch: pd.DataFrame, start_h: int, title: str):
    """One week of the Dispatch sheet: flows [MW] left, storage levels [MWh] right.

    A scatter chart with straight lines: its x axis is a value axis, so hourly points keep
    their hour (a date category axis would stack a day's 24 hours on one tick) and the
    axis shows dates.
    """
    first, last = start_h + 1, start_h + WEEK_H  # 0-based sheet rows (row 0 is the header)
    cols = list(dispatch.columns)
    has_time = "time_local_standard" in cols
    week = dispatch.iloc[start_h : start_h + WEEK_H]
    chart = wb.add_chart({"type": "scatter", "subtype": "straight"})
    for j, c in enumerate(cols):
        if c in WEEK_SKIP or not np.any(np.abs(week[c].to_numpy(float)) > 1e-9):
            continue
        series = {"name": words(c), "values": ["Dispatch", first, j, last, j],
                  "line": {"width": 1.5}, "marker": {"type": "none"}}  # fmt: skip
        if has_time:
            series["categories"] = ["Dispatch", first, 0, last, 0]
        if c.endswith("_level_mwh"):
            series["y2_axis"] = True
            series["line"]["dash_type"] = "dash"
        chart.add_series(series)
    chart.set_title({"name": title})
    if has_time:
        t0 = _excel_serial(week["time_local_standard"].iloc[0])
        chart.set_x_axis({"name": "date (local standard time)", "num_format": "dd mmm",
                          "min": t0, "max": t0 + 7, "major_unit": 1,
                          "major_gridlines": {"visible": True}})  # fmt: skip
    else:
        chart.set_x_axis({"name": "hour of the week"})
    chart.set_y_axis({"name": "MW", "num_format": "#,##0"})
    chart.set_y2_axis({"name": "MWh stored", "num_format": "#,##0"})
    _legend_below(chart)
    return chart


def monthly_chart(wb, monthly: pd.DataFrame):
    """Clustered columns of the Monthly sheet [GWh]."""
    chart = wb.add_chart({"type": "column"})
    n = len(monthly)
    for j, c in enumerate(monthly.columns):
        if c == "month" or not np.any(monthly[c].to_numpy(float) > 0):
            continue
        chart.add_series({
            "name": words(c),
            "categories": ["Monthly", 1, 0, n, 0],
            "values": ["Monthly", 1, j, n, j],
        })  # fmt: skip
    chart.set_title({"name": "Monthly energy [GWh]"})
    chart.set_y_axis({"name": "GWh", "num_format": '#,##0,'})
    _legend_below(chart)
    return chart


def _week_title(season: str, dispatch: pd.DataFrame, start_h: int) -> str:
    if "time_local_standard" not in dispatch:
        return f"{season} week (from hour {start_h + 1})"
    t = pd.Timestamp(dispatch["time_local_standard"].iloc[start_h])
    return f"{season} week from {t.day} {t:%B}: power [MW] and storage [MWh]"


def add_charts(ws, category_rows: dict[str, int], dispatch: pd.DataFrame, n_months: int) -> None:
    """Place every chart on the Charts sheet ``ws`` (they refer to the other sheets by name)."""
    wb = ws.zopt_book
    n = len(dispatch)
    winter = WINTER_START_H if n >= WINTER_START_H + WEEK_H else 0
    summer = SUMMER_START_H if n >= SUMMER_START_H + WEEK_H else 0
    made = [
        cost_chart(wb, category_rows),
        week_chart(wb, dispatch, summer, _week_title("Summer", dispatch, summer)),
        week_chart(wb, dispatch, winter, _week_title("Winter", dispatch, winter)),
        monthly_chart(wb, monthly_energy(dispatch)),
    ]
    made = [c for c in made if c is not None]
    for i, chart in enumerate(made):
        ws.insert_chart(i * ROWS_PER_CHART, 0, chart)
    ws.set_landscape()
    ws.set_paper(1)
    ws.fit_to_pages(1, 0)
    ws.print_area(0, 0, ROWS_PER_CHART * len(made), 17)
    ws.set_h_pagebreaks([ROWS_PER_CHART * k for k in range(2, len(made), 2)])
