"""Write a DataFrame as a readable, printable Excel table: a number format for every numeric
column (chosen from the column's unit suffix), widths from content, a frozen header, repeated
header rows and a print area. Columns may be replaced by formulas (with stored values).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from optimizer.export.xlsx_style import (
    NUMBER_FORMATS,
    add_table,
    col,
    formula,
    print_setup,
    set_widths,
    value,
    widths_from,
)

#: (column name test, style) in order: the first match names the number format of a column.
SUFFIX_STYLES: list[tuple[Callable[[str], bool], str]] = [
    (lambda c: "_usd_per_" in c, "zopt_usd_cents"),
    (lambda c: c.endswith("_usd"), "zopt_usd"),
    (lambda c: c.endswith("_mw_dc"), "zopt_mw_dc"),
    (lambda c: c.endswith("_mw"), "zopt_mw"),
    (lambda c: c.endswith("_mwh"), "zopt_mwh"),
    (lambda c: c.endswith("_per_acre") or c.endswith("_fraction"), "zopt_ratio"),
    (lambda c: c.endswith("acres"), "zopt_acre"),
    (lambda c: c in ("lat", "lon", "latitude", "longitude"), "zopt_deg"),
    (lambda c: c.endswith("_km"), "zopt_km"),
    (lambda c: c.endswith("_m3"), "zopt_m3"),
    (lambda c: c.endswith("_m"), "zopt_m"),
    (lambda c: c.endswith("_flops"), "zopt_sci"),
    (lambda c: c.endswith("_tflops") or c.endswith("_w") or c == "max_count", "zopt_int"),
]


def style_for(column: str, sample) -> str | None:
    """Number style of a column from its unit suffix; plain numbers get ``#,##0.###``."""
    for test, style in SUFFIX_STYLES:
        if test(str(column)):
            return style
    if isinstance(sample, bool | np.bool_):
        return "zopt_bool"
    if isinstance(sample, int | float | np.integer | np.floating):
        return "zopt_number"
    return None


@dataclass
class FrameLayout:
    """Where a frame sheet put its columns (0-based) and rows (sheet row of record i is i+1)."""

    columns: dict[str, int] = field(default_factory=dict)
    n_rows: int = 0

    def ref(self, sheet: str, column: str, i: int) -> str:
        """Absolute A1 reference of record ``i`` (0-based) in ``column``."""

        return f"'{sheet}'!${col(self.columns[column])}${i + 2}"


def _suffix_len(style: str | None) -> int:
    """Characters a number format adds (a unit such as `` MW_dc``, a ``$``, decimals)."""
    if not style or style == "zopt_bool":
        return 0
    fmt = NUMBER_FORMATS.get(style.removeprefix("zopt_"), "")
    quoted = sum(len(q) for q in re.findall(r'"([^"]*)"', fmt))
    return quoted + 2 if style != "zopt_sci" else 3


def _sample(frame: pd.DataFrame, c: str):
    s = frame[c].dropna()
    return s.iloc[0] if len(s) else None


def frame_sheet(
    ws,
    frame: pd.DataFrame,
    table: str,
    formats: dict | None = None,
    formulas: dict[str, Callable[[int], tuple[str, object]]] | None = None,
    landscape: bool = True,
    print_rows: int | None = None,
) -> FrameLayout:
    """Write ``frame`` with a header in row 1 as the Excel table ``table``.

    Parameters
    ----------
    ws : XlsxWriter worksheet made by :func:`optimizer.export.xlsx_style.add_sheet`
    frame : the table; column names are written as the header
    table : Excel table name
    formats : column -> style name, overriding the suffix rule (None: unstyled, faster)
    formulas : column -> f(sheet row 1-based) returning (formula, stored value)
    landscape : print in landscape
    print_rows : rows printed (header included); None prints them all

    Returns
    -------
    FrameLayout
        Column positions and the number of data rows.
    """
    cols = [str(c) for c in frame.columns]
    styles = {c: style_for(c, _sample(frame, c)) for c in cols}
    styles.update(formats or {})
    formulas = formulas or {}
    records = list(frame.itertuples(index=False, name=None))
    order = [(j, c, styles.get(c), formulas.get(c)) for j, c in enumerate(cols)]
    for i, rec in enumerate(records, start=1):
        for (j, _c, style, f), v in zip(order, rec, strict=True):
            if f is not None:
                expr, result = f(i + 1)
                formula(ws, i, j, expr, result, style)
            else:
                value(ws, i, j, v, style)
    add_table(ws, table, cols, len(records))
    ws.freeze_panes(1, 0)
    widths = widths_from(cols, [list(r) for r in records])
    set_widths(ws, {j: w + _suffix_len(styles.get(c)) for (j, w), c in zip(widths.items(), cols,
                                                                          strict=True)})
    n = len(records) + 1 if print_rows is None else min(print_rows, len(records) + 1)
    print_setup(ws, n, len(cols), landscape=landscape)
    return FrameLayout({c: j for j, c in enumerate(cols)}, len(records))
