"""Chip catalogue: one row per accelerator type with dense TFLOPS per precision, power and price."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from optimizer.choices import PRECISIONS  # one list: optimizer/choices.py
from optimizer.errors import ProblemCollector
from optimizer.inputs.tables import (
    check_unique,
    parse_number,
    read_csv_table,
    require_columns,
    row_number,
)

REQUIRED = ["chip", "tdp_w", "price_usd"]
NUMERIC_OPTIONAL = ["max_count", "overhead_usd", "overhead_w"]


def _parse_chip_row(
    rec: dict, where: str, precision: str, problems: ProblemCollector
) -> dict | None:
    """Validate one catalogue row; return its record, or None if a required figure is bad.

    Parameters
    ----------
    rec : the raw row (column name -> cell text)
    where : location for problem messages, e.g. ``"row 3"``
    precision : the precision whose TFLOPS [1e12 FLOP/s] column is read
    problems : collector that receives every problem found in the row

    Returns
    -------
    dict or None
        ``chip, vendor, tflops, tdp_w [W], price_usd [$], max_count, overhead_usd [$],
        overhead_w [W], source, year``; optional figures are NaN when empty.
    """
    flops_col = f"{precision}_tflops"
    tflops = parse_number(
        rec[flops_col], where, flops_col, problems, strictly_positive=True, required=False
    )
    for col in PRECISIONS:
        if col != precision and f"{col}_tflops" in rec:
            parse_number(
                rec[f"{col}_tflops"],
                where,
                f"{col}_tflops",
                problems,
                strictly_positive=True,
                required=False,
            )
    tdp = parse_number(rec["tdp_w"], where, "tdp_w", problems, strictly_positive=True, maximum=1e5)
    price = parse_number(rec["price_usd"], where, "price_usd", problems, minimum=0.0, maximum=1e8)
    extra = {
        c: parse_number(rec.get(c, ""), where, c, problems, minimum=0.0, required=False)
        for c in NUMERIC_OPTIONAL
    }
    if extra["max_count"] is not None and extra["max_count"] != int(extra["max_count"]):
        problems.add(where, "max_count", "must be a whole number", found=extra["max_count"])
    if tflops is None or tdp is None or price is None:
        return None
    return {
        "chip": rec["chip"].strip(),
        "vendor": rec.get("vendor", ""),
        "tflops": tflops,
        "tdp_w": tdp,
        "price_usd": price,
        **{c: (float("nan") if v is None else v) for c, v in extra.items()},
        "source": rec.get("source", ""),
        "year": rec.get("year", ""),
    }


def read_chips(path: Path, precision: str) -> tuple[pd.DataFrame | None, ProblemCollector]:
    """Read and validate the chip catalogue for one precision.

    Returns a DataFrame with columns ``chip, vendor, tflops, tdp_w, price_usd, max_count,
    overhead_usd, overhead_w, source, year`` holding only the chips that have a figure for
    ``precision`` (dense TFLOPS [1e12 FLOP/s]); optional cells are NaN when empty.
    """
    problems = ProblemCollector(str(path))
    df = read_csv_table(Path(path), problems)
    flops_col = f"{precision}_tflops"
    if df is None or not require_columns(df, REQUIRED + [flops_col], problems):
        return None, problems
    check_unique(
        df["chip"].str.strip().tolist(), "chip", problems, lambda i: f"row {row_number(df, i)}"
    )
    rows = []
    for i, rec in enumerate(df.to_dict("records")):
        row = _parse_chip_row(rec, f"row {row_number(df, i)}", precision, problems)
        if row is not None:
            rows.append(row)
    if not rows and not problems:
        problems.add(
            "",
            flops_col,
            f"no chip in the catalogue has a {precision} figure",
            expected=f"at least one number in column {flops_col}",
        )
    return pd.DataFrame(rows), problems
