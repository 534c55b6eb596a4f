"""Shared checks for tabular inputs: every problem is collected, none raised on its own."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from optimizer.errors import ProblemCollector

#: Spreadsheet-style row number of the first data row in a CSV (row 1 is the header).
FIRST_DATA_ROW = 2


def read_csv_table(path: Path, problems: ProblemCollector) -> pd.DataFrame | None:
    """Read a CSV as strings (no type guessing), or record why it cannot be read."""
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except FileNotFoundError:
        problems.add("", "", "file not found")
        return None
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        problems.add("", "", f"not a readable CSV file: {str(exc).splitlines()[0]}")
        return None
    df.columns = [str(c).strip() for c in df.columns]
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
    """Record every empty or repeated identifier in ``values``."""
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
