"""Read every editable input of a zopt workbook (``bom.xlsx``) back for a rerun.

``zopt solve --prices RUN/bom.xlsx`` takes from the workbook, besides the Prices sheet:

- **Chips**: the catalogue (``chip``, ``price_usd``, ``*_tflops``, ``tdp_w``, ``max_count``,
  ``overhead_usd``, ``overhead_w``, ``source``, ``year``), validated like a chips CSV;
- **Parcels**: ``price_usd`` per ``parcel_id`` (the polygons still come from the parcels file);
- **Reservoirs**: the candidate sites with ``fixed_cost_usd``, validated like a reservoirs CSV.

A value that differs from the one the earlier run used (kept in the hidden ``Run values`` sheet)
is an edit: its source becomes ``edited in <file>`` and ``previous`` keeps the old value and
source. Problems are recorded, never raised.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from optimizer.errors import ProblemCollector
from optimizer.inputs.chips import REQUIRED as CHIP_REQUIRED
from optimizer.inputs.chips import _parse_chip_row
from optimizer.inputs.reservoirs import REQUIRED as RESERVOIR_REQUIRED
from optimizer.inputs.reservoirs import _parse_site_row
from optimizer.inputs.tables import check_unique, parse_number, require_columns

RUN_VALUES_SHEET = "Run values"
CHIP_EDITABLE = ("price_usd", "tdp_w", "max_count", "overhead_usd", "overhead_w",
                 "fp4_tflops", "fp8_tflops", "bf16_tflops")  # fmt: skip


def sheet_rows(path: Path, sheet: str) -> list[dict] | None:
    """Rows of ``sheet`` as dicts of text (header from row 1); None when the sheet is absent."""
    import openpyxl

    wb = openpyxl.load_workbook(path, data_only=True, read_only=True)
    try:
        if sheet not in wb.sheetnames:
            return None
        rows = list(wb[sheet].iter_rows(values_only=True))
    finally:
        wb.close()
    if not rows:
        return []
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    out = []
    for vals in rows[1:]:
        if all(v is None for v in vals):
            break  # the table ends at the first empty row (totals follow it)
        out.append({h: _text(v) for h, v in zip(header, vals, strict=False) if h})
    return out


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return str(v)


def run_values(path: Path) -> dict[tuple[str, str, str], tuple[str, str]]:
    """(sheet, id, column) -> (value text, source) as the run that wrote ``path`` used them."""
    rows = sheet_rows(path, RUN_VALUES_SHEET) or []
    return {(r["sheet"], r["id"], r["column"]): (r.get("value", ""), r.get("source", ""))
            for r in rows}  # fmt: skip


def _differs(a: str, b: str) -> bool:
    try:
        return not math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=0.0)
    except ValueError:
        return a.strip() != b.strip()


def mark_edits(rec: dict, sheet: str, ident: str, columns, known: dict, path: Path) -> dict:
    """Mark ``rec`` edited when one of ``columns`` differs from the run's value.

    Returns a copy with ``source`` set to ``edited in <path>`` and ``previous`` naming the old
    values and source (``rec`` itself when nothing was edited).
    """
    changes, old_source = [], ""
    for c in columns:
        if (sheet, ident, c) not in known:
            continue
        old, old_source = known[(sheet, ident, c)]
        if _differs(rec.get(c, ""), old):
            changes.append(f"{c} was {old or 'empty'}")
    if not changes:
        return rec
    return {**rec, "source": f"edited in {path}",
            "previous": f"{'; '.join(changes)} (source: {old_source})"}  # fmt: skip


def raw_chip_catalogue(path: Path | None) -> dict[str, dict]:
    """chip -> raw catalogue row (text) from a chips CSV or a workbook's Chips sheet."""
    if path is None:
        return {}
    path = Path(path)
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            rows = sheet_rows(path, "Chips") or []
        else:
            rows = pd.read_csv(path, dtype=str, keep_default_na=False).to_dict("records")
    except Exception:  # noqa: BLE001 - a catalogue we cannot reread only loses extra columns
        return {}
    return {str(r.get("chip", "")).strip(): r for r in rows if r.get("chip")}


def read_chips_sheet(path: Path, precision: str, problems: ProblemCollector):
    """The workbook's Chips sheet as a validated chips table (None when the sheet is absent)."""
    rows = sheet_rows(path, "Chips")
    if rows is None:
        return None
    frame = pd.DataFrame(rows)
    if not require_columns(frame, CHIP_REQUIRED + [f"{precision}_tflops"], problems):
        return pd.DataFrame()
    check_unique([str(r["chip"]).strip() for r in rows], "chip", problems)
    known = run_values(path)
    out = []
    for i, rec in enumerate(rows):
        rec = mark_edits(rec, "Chips", rec["chip"].strip(), CHIP_EDITABLE, known, path)
        row = _parse_chip_row(rec, f"Chips!row {i + 2}", precision, problems)
        if row is not None:
            out.append({**row, "previous": rec.get("previous", "")})
    return pd.DataFrame(out)


def read_reservoirs_sheet(path: Path, problems: ProblemCollector):
    """The workbook's Reservoirs sheet as a validated sites table (None when absent)."""
    rows = sheet_rows(path, "Reservoirs")
    if rows is None:
        return None
    if not require_columns(pd.DataFrame(rows), RESERVOIR_REQUIRED, problems):
        return pd.DataFrame()
    check_unique([str(r["site_id"]).strip() for r in rows], "site_id", problems)
    known = run_values(path)
    out = []
    for i, rec in enumerate(rows):
        rec = mark_edits(rec, "Reservoirs", rec["site_id"].strip(), ["fixed_cost_usd"], known, path)
        row = _parse_site_row(rec, f"Reservoirs!row {i + 2}", problems)
        if row is not None:
            out.append({**row, "previous": rec.get("previous", "")})
    return pd.DataFrame(out)


def read_parcel_prices(path: Path, problems: ProblemCollector) -> dict[str, dict] | None:
    """parcel_id -> {price_usd [$], source, previous} from the Parcels sheet (None if absent)."""
    rows = sheet_rows(path, "Parcels")
    if rows is None:
        return None
    if not require_columns(pd.DataFrame(rows), ["parcel_id", "price_usd"], problems):
        return {}
    known = run_values(path)
    out = {}
    for i, rec in enumerate(rows):
        pid = rec["parcel_id"].strip()
        rec = mark_edits(rec, "Parcels", pid, ["price_usd"], known, path)
        price = parse_number(
            rec["price_usd"], f"Parcels!row {i + 2}", "price_usd", problems, strictly_positive=True
        )
        if price is not None:
            out[pid] = {"price_usd": price, "source": rec.get("source", ""),
                        "previous": rec.get("previous", "")}  # fmt: skip
    return out


def apply_parcel_prices(parcels, prices: dict[str, dict], problems: ProblemCollector):
    """Return ``parcels`` with the workbook's prices; ids the parcels lack are problems."""
    ids = set(parcels["parcel_id"])
    for pid in sorted(set(prices) - ids):
        expected = "the same --parcels file as the run that wrote the workbook"
        problems.add(
            "Parcels", "parcel_id", "parcel not in the parcels input", found=pid, expected=expected
        )
    out = parcels.copy()
    new = out["parcel_id"].map(lambda p: prices.get(p, {}).get("price_usd"))
    keep = new.isna()
    out["price_usd"] = new.where(~keep, out["price_usd"]).astype(float)
    out["price_usd_per_acre"] = out["price_usd"] / out["area_acres"]
    prev = out["parcel_id"].map(lambda p: prices.get(p, {}).get("previous", ""))
    out["source"] = [
        prices.get(p, {}).get("source") or "parcels file" for p in out["parcel_id"]
    ]
    out["previous"] = prev.fillna("")
    return out
