"""Workbook helpers for a write-only (streamed) workbook: named styles, safe text cells,
formulas, tables, widths and valid sheet names.

Every sheet is written row by row with ``openpyxl`` in write-only mode, so the 8,760-row
Dispatch sheet is streamed to disk instead of being held as 100,000 cell objects.
"""

from __future__ import annotations

import math
import re
import warnings
from datetime import date, datetime

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
MAX_SHEET_TITLE = 31

NUMBER_FORMATS = {
    "usd": '"$"#,##0',
    "usd_cents": '"$"#,##0.00##',
    "number": "#,##0.###",
    "int": "#,##0",
    "mw": '#,##0.000" MW"',
    "mwh": '#,##0.0" MWh"',
    "pflops": '#,##0.0" PFLOPS"',
    "sci": "0.000E+00",
    "pct": "0.000%",
    "datetime": "yyyy-mm-dd hh:mm",
    "text": "@",
}


def register_styles(wb) -> None:
    """Register the named styles used by every sheet (once per workbook)."""
    header = NamedStyle(
        name="zopt_header",
        font=Font(bold=True, color="FFFFFF"),
        fill=PatternFill("solid", fgColor="1F4E78"),
        alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
    )
    title = NamedStyle(name="zopt_title", font=Font(bold=True, size=14))
    total = NamedStyle(
        name="zopt_total",
        font=Font(bold=True),
        fill=PatternFill("solid", fgColor="DDEBF7"),
        number_format=NUMBER_FORMATS["usd"],
    )
    label = NamedStyle(name="zopt_label", font=Font(bold=True))
    for style in (header, title, total, label):
        if style.name not in wb.named_styles:
            wb.add_named_style(style)
    for key, fmt in NUMBER_FORMATS.items():
        name = f"zopt_{key}"
        if name not in wb.named_styles:
            wb.add_named_style(NamedStyle(name=name, number_format=fmt))


def clean_text(value: object) -> str:
    """Return ``value`` as text with control characters removed."""
    return CONTROL_CHARS.sub("", str(value))


def sheet_title(name: str) -> str:
    """Return a valid sheet name: no ``[]:*?/\\``, no control characters, <= 31 characters."""
    title = SHEET_FORBIDDEN.sub("_", clean_text(name)).strip().strip("'")
    return (title or "Sheet")[:MAX_SHEET_TITLE]


def text(ws, value: object, style: str | None = None) -> WriteOnlyCell:
    """A text cell: ``=1+1`` or ``@SUM(A1)`` is stored as a string, never as a formula."""
    cell = WriteOnlyCell(ws, value=None)
    cell.value = clean_text(value)
    cell.data_type = "s"
    if style:
        cell.style = style
    return cell


def formula(ws, expr: str, style: str | None = None) -> WriteOnlyCell:
    """A live formula, ``expr`` starting with ``=`` (the only way a formula enters a workbook)."""
    if not expr.startswith("="):
        raise ValueError(f"a formula must start with '=' (found {expr!r})")
    cell = WriteOnlyCell(ws, value=expr)
    cell.data_type = "f"
    if style:
        cell.style = style
    return cell


def value(ws, v: object, style: str | None = None):
    """A cell for any Python/numpy value: text stays text, NaN becomes empty."""
    if hasattr(v, "item") and not isinstance(v, str | bytes):
        v = v.item()
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return None
    if isinstance(v, str):
        return text(ws, v, style)
    if not isinstance(v, bool | int | float | datetime | date):
        return text(ws, v, style)
    if style is None:
        return v  # a plain number streams faster than a cell object
    cell = WriteOnlyCell(ws, value=v)
    if style:
        cell.style = style
    return cell


def header(ws, names: list[str]) -> list[WriteOnlyCell]:
    """A header row in the header style."""
    return [text(ws, n, "zopt_header") for n in names]


def add_table(
    ws, name: str, names: list[str], n_rows: int, style: str = "TableStyleMedium2"
) -> None:
    """Declare the header row 1 (``names``) and ``n_rows`` data rows as an Excel table."""
    if n_rows < 1:
        return
    ref = f"A1:{get_column_letter(len(names))}{1 + n_rows}"
    table = Table(displayName=name, ref=ref)
    table.tableColumns = [TableColumn(id=j, name=clean_text(n)) for j, n in enumerate(names, 1)]
    table.autoFilter = AutoFilter(ref=ref)
    table.tableStyleInfo = TableStyleInfo(name=style, showRowStripes=True)
    with warnings.catch_warnings():  # openpyxl warns in write-only mode even with columns set
        warnings.simplefilter("ignore", UserWarning)
        ws.add_table(table)


def set_widths(ws, widths: dict[int, float]) -> None:
    """Set column widths by 1-based column index [characters] (before the first row)."""
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width
