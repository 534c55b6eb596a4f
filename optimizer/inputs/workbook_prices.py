"""Read the Prices sheet of a zopt workbook (``bom.xlsx``) that a person may have edited.

The sheet zopt writes has the columns ``key, value, unit, source, year, notes, is_default``.
A row still marked ``is_default`` whose value equals the embedded default is left out, so it
keeps the embedded default and its mark in the new run; every other row is a price given by the
user (other extra columns are ignored). Problems are recorded, never raised:

- a file that is not a zip archive: an encrypted (password-protected) workbook or a legacy
  ``.xls`` (both OLE containers), or another format;
- a corrupted ``.xlsx`` (damaged zip or XML);
- no Prices sheet; a formula cell without a saved value (openpyxl cannot compute formulas).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd

from optimizer.errors import ProblemCollector
from optimizer.inputs.workbook_inputs import mark_edits, run_values
from optimizer.paths import default_path

SHEET = "Prices"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
TRUE_WORDS = ("true", "1", "yes")
SAVE_AS = "save it unencrypted as .xlsx (Excel Workbook) and rerun"


def _container_problem(path: Path, problems: ProblemCollector) -> bool:
    """Record why ``path`` is not an .xlsx container; return True when it is not one."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except FileNotFoundError:
        problems.add("", "", "file not found")
        return True
    except OSError as exc:
        problems.add("", "", f"cannot read the file: {exc.strerror}")
        return True
    if head.startswith(OLE_MAGIC):
        problems.add(
            "",
            "",
            "encrypted (password-protected) workbook or legacy .xls file, not an .xlsx",
            found="an OLE container",
            expected=f"an .xlsx zip archive; {SAVE_AS}",
        )
        return True
    if not head.startswith(ZIP_MAGIC):
        problems.add(
            "",
            "",
            "not an .xlsx workbook",
            found="not a zip archive" if head else "an empty file",
            expected=f"an .xlsx zip archive; {SAVE_AS}",
        )
        return True
    return False


def _read_sheet(path: Path, data_only: bool) -> tuple[list[str], list[tuple]]:
    """Return (sheet names, rows of the Prices sheet or [] if absent); may raise."""
    import openpyxl

    wb = openpyxl.load_workbook(path, data_only=data_only, read_only=True)
    try:
        names = list(wb.sheetnames)
        rows = list(wb[SHEET].iter_rows(values_only=True)) if SHEET in names else []
    finally:
        wb.close()
    return names, rows


def _load(path: Path, problems: ProblemCollector):
    try:
        names, values = _read_sheet(path, data_only=True)
        _, formulas = _read_sheet(path, data_only=False)
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        problems.add("", "", "corrupted .xlsx workbook (damaged zip archive)", found=str(exc))
        return None
    except Exception as exc:  # openpyxl raises many types on damaged XML  # noqa: BLE001
        problems.add(
            "",
            "",
            "corrupted .xlsx workbook (cannot be read)",
            found=f"{type(exc).__name__}: {str(exc)[:120]}",
            expected=f"a workbook saved by a spreadsheet program; {SAVE_AS}",
        )
        return None
    if SHEET not in names:
        problems.add(
            "", "", f"workbook has no '{SHEET}' sheet", found=", ".join(names), expected=SHEET
        )
        return None
    return values, formulas


def _records(values: list[tuple], formulas: list[tuple], header: list[str], problems) -> list:
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
    return rows


def read_prices_sheet(path: Path, problems: ProblemCollector) -> pd.DataFrame | None:
    """Return the Prices sheet as a table of strings, or record why it cannot be read.

    Formula cells must carry a cached value (the workbook was saved by a spreadsheet program);
    a formula without one is an error that says what to do.
    """
    path = Path(path)
    if _container_problem(path, problems):
        return None
    loaded = _load(path, problems)
    if loaded is None:
        return None
    values, formulas = loaded
    if not values:
        problems.add(SHEET, "", "sheet is empty", expected="a header row key, value, unit, ...")
        return None
    header = [str(h).strip() if h is not None else "" for h in values[0]]
    rows = _mark_price_edits(_records(values, formulas, header, problems), path)
    for extra in ("source", "notes"):
        if extra not in header and any(extra in r for r in rows):
            header.append(extra)
    return pd.DataFrame(_drop_unchanged_defaults(rows), columns=header)


def _mark_price_edits(rows: list[dict], path: Path) -> list[dict]:
    """Rows whose value differs from the one the writing run used (hidden ``Run values`` sheet)
    get the source ``edited in <path>``; the old value and source go to ``notes``."""

    try:
        known = run_values(path)
    except Exception:  # noqa: BLE001 - without the sheet nothing is marked
        return rows
    out = []
    for rec in rows:
        key = str(rec.get("key", "")).strip()
        marked = mark_edits(rec, "Prices", key, ["value"], known, path)
        if marked is not rec:
            unit = rec.get("unit", "")
            prev = marked.pop("previous").replace("value was ", "was ", 1)
            marked["notes"] = prev.replace(" (source:", f" {unit} (source:", 1)
            marked["is_default"] = "FALSE"
        out.append(marked)
    return out


def _drop_unchanged_defaults(rows: list[dict]) -> list[dict]:
    """Leave out rows marked ``is_default`` whose value is still the embedded default."""
    if not any(str(r.get("is_default", "")).strip().lower() in TRUE_WORDS for r in rows):
        return rows
    table = pd.read_csv(default_path("prices.csv"), dtype=str, keep_default_na=False)
    embedded = {}  # the embedded values as numbers (validated when the table itself is read)
    for key, value in zip(table["key"], table["value"], strict=True):
        try:
            embedded[key.strip()] = float(value)
        except ValueError:
            continue
    out = []
    for rec in rows:
        marked = str(rec.get("is_default", "")).strip().lower() in TRUE_WORDS
        try:
            same = float(rec.get("value", "")) == embedded.get(str(rec.get("key", "")).strip())
        except ValueError:
            same = False
        if not (marked and same):
            out.append(rec)
    return out
