"""Shared checks for tabular inputs: every problem is collected, none raised on its own."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd

from optimizer.errors import ProblemCollector

#: Spreadsheet-style row number of the first data row in a CSV (row 1 is the header).
FIRST_DATA_ROW = 2


#: Longest accepted CSV field [characters]: a multi-megabyte "line" is not a price table.
MAX_FIELD_CHARS = 100_000
#: Largest accepted CSV table [bytes]: the embedded tables are a few kB.
MAX_CSV_BYTES = 64 * 2**20


def row_number(df: pd.DataFrame, i: int) -> int:
    """File row number (line of the record; the header is row 1) of the ``i``-th data row."""
    rows = df.attrs.get("row_numbers")
    return int(rows[i]) if rows is not None else i + FIRST_DATA_ROW


def _records(path: Path, problems: ProblemCollector):
    """Parse ``path`` with :mod:`csv`; return ``(header, [(row number, fields)])`` or None.

    A row whose field count differs from the header's is recorded as a problem and left out,
    so the rest of the file is still checked (pandas would stop at the first such row).
    """
    if path.is_file() and path.stat().st_size > MAX_CSV_BYTES:
        size = path.stat().st_size
        problems.add("", "", "file too large for a table", found=f"{size / 2**20:,.0f} MB",
                     expected=f"under {MAX_CSV_BYTES // 2**20} MB")  # fmt: skip
        return None
    limit = csv.field_size_limit(MAX_FIELD_CHARS)  # restored below: a process-wide setting
    try:
        return _parse(path, problems)
    finally:
        csv.field_size_limit(limit)


def _parse(path: Path, problems: ProblemCollector):
    """The body of :func:`_records`: parse every row, or record why the file cannot be read."""
    header, rows = None, []
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh, skipinitialspace=True)
            for fields in reader:
                if not fields or (len(fields) == 1 and fields[0].strip() == ""):
                    continue  # blank line
                if header is None:
                    header = [f.strip() for f in fields]
                elif len(fields) != len(header):
                    problems.add(
                        f"row {reader.line_num}",
                        "",
                        "wrong number of fields (a stray or missing comma?)",
                        found=f"{len(fields)} fields",
                        expected=f"{len(header)}, as in the header",
                    )
                else:
                    rows.append((reader.line_num, fields))
    except FileNotFoundError:
        problems.add("", "", "file not found")
        return None
    except IsADirectoryError:
        problems.add("", "", "is a folder, not a file", expected="a CSV file")
        return None
    except UnicodeDecodeError as exc:
        problems.add(
            "", "", f"not a text CSV file: byte {exc.start} is not UTF-8", expected="UTF-8 text"
        )
        return None
    except csv.Error as exc:
        problems.add(
            f"row {reader.line_num}",
            "",
            f"not a readable CSV file: {exc}",
            expected=f"fields under {MAX_FIELD_CHARS:,} characters, no NUL bytes",
        )
        return None
    if header is None:
        problems.add("", "", "file is empty", expected="a header row and data rows")
        return None
    return header, rows


def read_csv_table(path: Path, problems: ProblemCollector) -> pd.DataFrame | None:
    """Read a CSV as strings (no type guessing), or record why it cannot be read.

    Rows with the wrong number of fields are reported (``row N``) and left out; the others keep
    their file row numbers (see :func:`row_number`).
    """
    parsed = _records(Path(path), problems)
    if parsed is None:
        return None
    header, rows = parsed
    df = pd.DataFrame([fields for _, fields in rows], columns=header, dtype=str)
    df.attrs["row_numbers"] = [n for n, _ in rows]
    return df


def require_columns(df: pd.DataFrame, columns: list[str], problems: ProblemCollector) -> bool:
    """Record every required column that is missing; return True when all are present."""
    ok = True
    for col in columns:
        if col not in df.columns:
            problems.add(
                "header",
                col,
                "required column missing",
                found=", ".join(map(str, df.columns)) or "no columns",
                expected=col,
            )
            ok = False
    return ok


def parse_number(
    raw: object,
    where: str,
    column: str,
    problems: ProblemCollector,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    strictly_positive: bool = False,
    required: bool = True,
) -> float | None:
    """Parse one cell as a finite number within bounds, recording a problem otherwise.

    Returns None (and records nothing) for an empty optional cell.
    """
    text = "" if raw is None else str(raw).strip()
    if isinstance(raw, float) and math.isnan(raw):
        text = ""
    if text == "":
        if required:
            problems.add(where, column, "value missing", found="empty", expected="a number")
        return None
    try:
        value = float(text.replace(",", "")) if isinstance(raw, str) else float(raw)
    except (TypeError, ValueError):
        problems.add(where, column, "not a number", found=repr(text), expected="a number")
        return None
    if not math.isfinite(value):
        problems.add(where, column, "not a finite number", found=text, expected="a finite number")
        return None
    if strictly_positive and value <= 0:
        problems.add(where, column, "must be positive", found=value, expected="> 0")
        return None
    if minimum is not None and value < minimum:
        problems.add(
            where, column, "below the allowed range", found=value, expected=f">= {minimum}"
        )
        return None
    if maximum is not None and value > maximum:
        problems.add(
            where, column, "above the allowed range", found=value, expected=f"<= {maximum}"
        )
        return None
    return value


def check_unique(
    values: list[str],
    column: str,
    problems: ProblemCollector,
    where_of=lambda i: f"row {i + FIRST_DATA_ROW}",
) -> None:
    """Record every empty or repeated identifier in ``values`` (``where_of(i)`` names the place
    of the ``i``-th value)."""
    seen: dict[str, int] = {}
    for i, v in enumerate(values):
        if str(v).strip() == "":
            problems.add(where_of(i), column, "identifier missing", found="empty")
        elif v in seen:
            problems.add(
                where_of(i),
                column,
                "duplicate identifier",
                found=v,
                expected=f"unique (first used at {where_of(seen[v])})",
            )
        else:
            seen[v] = i
