"""Workbook helpers: named styles registered once, safe text cells, tables, widths."""

from __future__ import annotations

import re

from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

NUMBER_FORMATS = {
    "usd": '"$"#,##0',
    "usd_cents": '"$"#,##0.00##',
    "number": "#,##0.###",
    "int": "#,##0",
    "mw": '#,##0.000" MW"',
    "mwh": '#,##0.0" MWh"',
    "pflops": '#,##0.0" PFLOPS"',
    "pct": "0.000%",
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
    for style in (header, title, total):
        if style.name not in wb.named_styles:
            wb.add_named_style(style)
    for key, fmt in NUMBER_FORMATS.items():
        name = f"zopt_{key}"
        if name not in wb.named_styles:
            wb.add_named_style(NamedStyle(name=name, number_format=fmt))


def clean_text(value: object) -> str:
    """Return ``value`` as text with control characters removed."""
    return CONTROL_CHARS.sub("", str(value))


def put(ws, row: int, col: int, value, style: str | None = None):
    """Write one cell; strings are always stored as text (``=1+1`` stays text, not a formula)."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        cell.value = clean_text(value)
        cell.data_type = "s"
    else:
        cell.value = value
    if style:
        cell.style = style
    return cell


def put_formula(ws, row: int, col: int, formula: str, style: str | None = None):
    """Write a live formula (the only way a formula enters a zopt workbook)."""
    cell = ws.cell(row=row, column=col)
    cell.value = formula
    if style:
        cell.style = style
    return cell


def add_table(
    ws, name: str, first_row: int, n_rows: int, n_cols: int, style: str = "TableStyleMedium2"
) -> None:
    """Declare rows ``first_row .. first_row + n_rows`` (header included) as an Excel table."""
    if n_rows < 1:
        return
    ref = f"A{first_row}:{get_column_letter(n_cols)}{first_row + n_rows}"
    table = Table(displayName=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name=style, showRowStripes=True)
    ws.add_table(table)


def header_row(ws, row: int, names: list[str]) -> None:
    """Write a header row with the header style."""
    for j, name in enumerate(names, start=1):
        put(ws, row, j, name, "zopt_header")


def set_widths(ws, widths: dict[int, float]) -> None:
    """Set column widths by 1-based column index [characters]."""
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width
