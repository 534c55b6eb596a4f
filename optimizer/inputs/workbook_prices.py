"""Read the Prices sheet of a zopt workbook (``bom.xlsx``) that a person may have edited."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd

from optimizer.errors import ProblemCollector

SHEET = "Prices"


def read_prices_sheet(path: Path, problems: ProblemCollector) -> pd.DataFrame | None:
    """Return the Prices sheet as a table of strings, or record why it cannot be read.

    Formula cells must carry a cached value (the workbook was saved by a spreadsheet program);
    a formula without one is an error that says what to do.
    """
    import openpyxl

    try:
        wb_values = openpyxl.load_workbook(path, data_only=True, read_only=True)
        wb_formulas = openpyxl.load_workbook(path, data_only=False, read_only=True)
    except FileNotFoundError:
        problems.add("", "", "file not found")
        return None
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        problems.add(
            "",
            "",
            "not a readable .xlsx workbook (corrupted, encrypted or another "
            f"format): {type(exc).__name__}",
        )
        return None
    if SHEET not in wb_values.sheetnames:
        problems.add(
            "",
            "",
            f"workbook has no '{SHEET}' sheet",
            found=", ".join(wb_values.sheetnames),
            expected=SHEET,
        )
        return None
    values = list(wb_values[SHEET].iter_rows(values_only=True))
    formulas = list(wb_formulas[SHEET].iter_rows(values_only=True))
    if not values:
        problems.add(SHEET, "", "sheet is empty")
        return None
    header = [str(h).strip() if h is not None else "" for h in values[0]]
    rows = []
    for r, (vals, forms) in enumerate(zip(values[1:], formulas[1:], strict=False), start=2):
        if all(v is None for v in vals) and all(f is None for f in forms):
            continue
        rec = {}
        for col, v, f in zip(header, vals, forms, strict=False):
            if isinstance(f, str) and f.startswith("=") and v is None:
                problems.add(
                    f"{SHEET}!row {r}",
                    col,
                    "formula without a saved value",
                    found=f,
                    expected="a number (open and save the workbook in a "
                    "spreadsheet program, or type the value)",
                )
            rec[col] = "" if v is None else str(v)
        rows.append(rec)
    return pd.DataFrame(rows, columns=header)
