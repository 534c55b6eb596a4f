"""Workbook helpers on XlsxWriter: named formats, safe text cells, formulas that store their
value, tables, widths from content, print setup and valid sheet names.

XlsxWriter is used for writing because it stores a formula's computed value beside the formula
(openpyxl cannot), so pandas, ``openpyxl(data_only=True)`` and previewers show numbers, and
because it streams the 8,760-row Dispatch sheet quickly. openpyxl still reads workbooks.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
MAX_SHEET_TITLE = 31
MIN_WIDTH, MAX_WIDTH = 8, 72  # column widths [characters]
PAPER_LETTER = 1

NUMBER_FORMATS = {
    "usd": '"$"#,##0',
    "usd_cents": '"$"#,##0.00##',
    "usd_m": '"$"#,##0.0,," M"',
    "number": "#,##0.###",
    "f1": "#,##0.0",
    "f3": "#,##0.000",
    "int": "#,##0",
    "mw": '#,##0.000" MW"',
    "mw_dc": '#,##0.000" MW_dc"',
    "mwh": '#,##0.0" MWh"',
    "acre": '#,##0.00" ac"',
    "deg": '0.0000"°"',
    "m": '#,##0" m"',
    "m3": '#,##0" m³"',
    "km": '#,##0.00" km"',
    "pflops": '#,##0.0" PFLOPS"',
    "sci": "0.000E+00",
    "pct": "0.000%",
    "ratio": "0.000",
    "datetime": "yyyy-mm-dd hh:mm",
    "bool": '"TRUE";"TRUE";"FALSE"',  # LibreOffice shows a styled boolean as 0/1 otherwise
}


def clean_text(value: object) -> str:
    """Return ``value`` as text with control characters removed."""
    return CONTROL_CHARS.sub("", str(value))


def sheet_title(name: str) -> str:
    """Return a valid sheet name: no ``[]:*?/\\``, no control characters, <= 31 characters."""
    title = SHEET_FORBIDDEN.sub("_", clean_text(name)).strip().strip("'")
    return (title or "Sheet")[:MAX_SHEET_TITLE]


def new_workbook(path) -> xlsxwriter.Workbook:
    """An XlsxWriter workbook that never turns text into formulas, numbers or links."""
    wb = xlsxwriter.Workbook(
        str(path),
        {
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "default_date_format": NUMBER_FORMATS["datetime"],
        },
    )
    register_styles(wb)
    return wb


def register_styles(wb) -> dict:
    """Create the workbook's formats once (``wb.zopt[name]``); return the mapping."""
    if getattr(wb, "zopt", None):
        return wb.zopt
    fmts = {
        "zopt_header": wb.add_format(
            {"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E78", "text_wrap": True,
             "valign": "vcenter", "align": "center", "border": 1}
        ),
        "zopt_title": wb.add_format({"bold": True, "font_size": 14}),
        "zopt_label": wb.add_format({"bold": True}),
        "zopt_note": wb.add_format({"italic": True, "font_color": "#595959"}),
        "zopt_edited": wb.add_format({"bg_color": "#FFF2CC"}),
        "zopt_input": wb.add_format({"bg_color": "#E2EFDA", "num_format": NUMBER_FORMATS["usd"]}),
        "zopt_total": wb.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "num_format": NUMBER_FORMATS["usd"], "top": 1}
        ),
        "zopt_text": wb.add_format({}),
    }  # fmt: skip
    for key, fmt in NUMBER_FORMATS.items():
        fmts[f"zopt_{key}"] = wb.add_format({"num_format": fmt})
    fmts["zopt_bool"].set_align("center")
    fmts["zopt_unit"] = wb.add_format({"indent": 1})
    fmts["zopt_year"] = wb.add_format({"num_format": "0", "align": "center"})
    wb.zopt = fmts
    return fmts


def fmt(ws, style: str | None):
    """The format object named ``style`` of the sheet's workbook (None passes through)."""
    return ws.zopt_book.zopt[style] if style else None


def text(ws, r: int, c: int, v: object, style: str | None = None) -> None:
    """Write text at 0-based (r, c): ``=1+1`` or ``@SUM(A1)`` stays a string, never a formula."""
    ws.write_string(r, c, clean_text(v), fmt(ws, style))


def formula(ws, r: int, c: int, expr: str, result, style: str | None = None) -> None:
    """Write a live formula ``expr`` (starting with ``=``) with its stored value ``result``."""
    if not expr.startswith("="):
        raise ValueError(f"a formula must start with '=' (found {expr!r})")
    if hasattr(result, "item"):
        result = result.item()
    if isinstance(result, float) and not math.isfinite(result):
        result = 0
    ws.write_formula(r, c, expr, fmt(ws, style), result)


def value(ws, r: int, c: int, v: object, style: str | None = None) -> None:
    """Write any Python/numpy value: text stays text, NaN stays empty, bool is TRUE/FALSE."""
    if hasattr(v, "item") and not isinstance(v, str | bytes):
        v = v.item()
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return
    if isinstance(v, bool):
        ws.write_boolean(r, c, v, fmt(ws, style or "zopt_bool"))
    elif isinstance(v, int | float):
        ws.write_number(r, c, v, fmt(ws, style))
    elif isinstance(v, datetime | date):
        ws.write_datetime(r, c, v, fmt(ws, style or "zopt_datetime"))
    else:
        text(ws, r, c, v, style)


def add_sheet(wb, name: str):
    """Add a worksheet that knows its workbook's formats (``ws.zopt_book``)."""
    ws = wb.add_worksheet(sheet_title(name))
    ws.zopt_book = wb
    return ws


def add_table(ws, name: str, names: list[str], n_rows: int, style: str = "Table Style Medium 2"):
    """Declare row 0 (``names``) and ``n_rows`` data rows (written before) as an Excel table."""
    if n_rows < 1:
        header_row(ws, 0, names)
        return
    cols = [{"header": clean_text(n), "header_format": fmt(ws, "zopt_header")} for n in names]
    ws.add_table(
        0, 0, n_rows, len(names) - 1,
        {"name": name, "columns": cols, "style": style, "autofilter": True},
    )  # fmt: skip


def header_row(ws, r: int, names: list[str], c0: int = 0) -> None:
    """A header row in the header style."""
    for j, n in enumerate(names):
        text(ws, r, c0 + j, n, "zopt_header")


def width_of(v: object) -> int:
    """Characters a value needs on screen (numbers as formatted with thousands separators)."""
    if isinstance(v, bool):
        return 4
    if isinstance(v, float):
        return len(f"{v:,.3f}") if abs(v) < 1e15 else 10
    if isinstance(v, int):
        return len(f"{v:,}")
    if isinstance(v, datetime | date):
        return 16
    return len(str(v))


def set_widths(ws, widths: dict[int, float]) -> None:
    """Set column widths by 0-based column index [characters], clamped to a readable range."""
    for col, w in widths.items():
        ws.set_column(col, col, max(MIN_WIDTH, min(MAX_WIDTH, w)))


def widths_from(columns: list[str], rows: list[list], extra: int = 2) -> dict[int, float]:
    """Widths [characters] from the header and the longest cell of each column (first rows)."""
    out = {}
    for j, name in enumerate(columns):
        longest = max((width_of(r[j]) for r in rows[:400] if r[j] is not None), default=0)
        out[j] = max(min(len(str(name)), 24), longest) + extra
    return out


def print_setup(
    ws, n_rows: int, n_cols: int, landscape: bool = True, one_page: bool = False,
    title_rows: int = 1, first_row: int = 0,
) -> None:
    """Letter paper, landscape where wide, fit to one page wide, header rows repeated, and a
    print area of the ``n_rows`` x ``n_cols`` block starting at ``first_row``."""
    ws.set_paper(PAPER_LETTER)
    if landscape:
        ws.set_landscape()
    ws.fit_to_pages(1, 1 if one_page else 0)
    if title_rows:
        ws.repeat_rows(first_row, first_row + title_rows - 1)
    ws.print_area(first_row, 0, first_row + max(n_rows, 1) - 1, max(n_cols, 1) - 1)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    ws.set_footer("&L&A&RPage &P of &N")


def col(c: int) -> str:
    """Column letter of a 0-based column index."""
    return xl_col_to_name(c)
