"""The editable input sheets of ``bom.xlsx``: Chips, Parcels (prices), Reservoirs, Prices, and
the hidden ``Run values`` sheet that records what this run used, so that a rerun on the
workbook (``zopt solve --prices RUN/bom.xlsx``) can tell an edited value from an unchanged one.

Editable cells have a green fill; a value edited in an earlier workbook has a yellow fill, its
source reads ``edited in <file>`` and the ``previous`` column keeps the old value and source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from optimizer.export.xlsx_frames import FrameLayout, frame_sheet
from optimizer.export.xlsx_style import col, formula, header_row, text, value
from optimizer.inputs.chips import PRECISIONS
from optimizer.inputs.workbook_inputs import (
    CHIP_EDITABLE,
    raw_chip_catalogue,
)
from optimizer.paths import default_path
from optimizer.results.run import RunResult

FLOPS_PER_TFLOPS = 1e12
W_PER_MW = 1e6


@dataclass
class InputRefs:
    """Cell references into the input sheets (for the BOM and the Summary)."""

    prices: dict[str, int] = field(default_factory=dict)  # key -> sheet row (1-based)
    chips: FrameLayout | None = None
    chip_index: dict[str, int] = field(default_factory=dict)  # chip -> record index
    parcels: FrameLayout | None = None
    parcel_index: dict[str, int] = field(default_factory=dict)
    reservoirs: FrameLayout | None = None
    reservoir_index: dict[str, int] = field(default_factory=dict)
    chip_totals_row: int = 0  # 1-based row of the Chips sheet's totals
    run_values: list[tuple] = field(default_factory=list)


def chips_frame(run: RunResult) -> pd.DataFrame:
    """One row per catalogue chip: the catalogue's figures, the count chosen and the source."""
    used = run.inputs.chips.reset_index(drop=True)
    raw = raw_chip_catalogue(run.inputs.paths.get("chips"))
    counts = dict(zip(used["chip"], run.solution.chip_count, strict=True))
    prec = run.data.meta.get("precision") or run.inputs.precision
    rows = []
    for rec in used.to_dict("records"):
        extra = raw.get(rec["chip"], {})
        row = {"chip": rec["chip"], "vendor": rec.get("vendor", "")}
        for p in PRECISIONS:
            row[f"{p}_tflops"] = rec["tflops"] if p == prec else extra.get(f"{p}_tflops")
        row.update({c: rec.get(c) for c in ("tdp_w", "price_usd", "max_count", "overhead_usd")})
        row["overhead_w"] = rec.get("overhead_w")
        row.update(source=rec.get("source", ""), year=rec.get("year", ""))
        row["previous"] = rec.get("previous", "")
        row["count"] = int(counts.get(rec["chip"], 0))
        rows.append(row)
    for chip, extra in raw.items():
        if chip not in counts:
            rows.append({"chip": chip, **{k: extra.get(k) for k in extra if k != "chip"},
                         "count": 0})  # fmt: skip
    frame = pd.DataFrame(rows)
    for c in [f"{p}_tflops" for p in PRECISIONS] + list(CHIP_EDITABLE):
        if c in frame:
            frame[c] = pd.to_numeric(frame[c], errors="coerce")
    frame["previous"] = frame["previous"].fillna("")
    frame["flops_per_chip"] = frame[f"{prec}_tflops"] * FLOPS_PER_TFLOPS
    frame["installed_flops"] = frame["count"] * frame["flops_per_chip"].fillna(0.0)
    ow = frame["overhead_w"].fillna(run.inputs.prices.value("server_network_w_per_chip"))
    frame["it_load_mw"] = frame["count"] * (frame["tdp_w"] + ow) / W_PER_MW
    return frame


def _chip_formulas(frame: pd.DataFrame, prec: str, server_w_ref: str):
    c = {name: col(j) for j, name in enumerate(frame.columns)}

    def flops(r):
        return f"={c[f'{prec}_tflops']}{r}*1E12", frame.loc[r - 2, "flops_per_chip"]

    def installed(r):
        return f"={c['count']}{r}*{c['flops_per_chip']}{r}", frame.loc[r - 2, "installed_flops"]

    def it(r):
        ow = f"IF(ISBLANK({c['overhead_w']}{r}),{server_w_ref},{c['overhead_w']}{r})"
        return f"={c['count']}{r}*({c['tdp_w']}{r}+{ow})/1E6", frame.loc[r - 2, "it_load_mw"]

    return {"flops_per_chip": flops, "installed_flops": installed, "it_load_mw": it}


def write_chips(ws, run: RunResult, refs: InputRefs) -> None:
    """The Chips sheet: count x FLOPS per chip = installed FLOPS, with totals under the table."""
    frame = chips_frame(run)
    prec = run.data.meta.get("precision") or run.inputs.precision
    server_w = f"Prices!$B${refs.prices['server_network_w_per_chip']}"
    fmts = {c: "zopt_input" for c in ("price_usd",)}
    fmts.update(count="zopt_int", flops_per_chip="zopt_sci", installed_flops="zopt_sci")
    lay = frame_sheet(ws, frame, "Chips", fmts, _chip_formulas(frame, prec, server_w))
    refs.chips, refs.chip_index = lay, {c: i for i, c in enumerate(frame["chip"])}
    _mark_edits(ws, frame, lay, ["price_usd"])
    n, r = len(frame), len(frame) + 2  # the totals row (0-based index r)
    text(ws, r, 0, "Total", "zopt_label")
    for name, style in (("count", "zopt_int"), ("installed_flops", "zopt_sci"),
                        ("it_load_mw", "zopt_mw")):  # fmt: skip
        j = lay.columns[name]
        total = float(frame[name].sum())
        formula(ws, r, j, f"=SUM({col(j)}2:{col(j)}{n + 1})", total, style)
    refs.chip_totals_row = r + 1
    ws.print_area(0, 0, r, len(frame.columns) - 1)
    for rec in frame.to_dict("records"):
        for c in CHIP_EDITABLE:
            refs.run_values.append(("Chips", rec["chip"], c, rec.get(c), rec.get("source", "")))


def _mark_edits(ws, frame: pd.DataFrame, lay: FrameLayout, columns: list[str]) -> None:
    """Yellow fill on edited rows' editable cells (rows whose ``previous`` is not empty)."""
    if "previous" not in frame:
        return
    for i, prev in enumerate(frame["previous"]):
        if isinstance(prev, str) and prev:
            for c in columns:
                value(ws, i + 1, lay.columns[c], frame.iloc[i][c], "zopt_edited")


def write_parcels(ws, run: RunResult, refs: InputRefs) -> pd.DataFrame:
    """The Parcels sheet: every candidate; ``price_usd`` editable, the price per acre a formula."""
    parcels = run.parcels_table()
    if "previous" not in parcels:
        parcels["previous"] = ""
    parcels["previous"] = parcels["previous"].fillna("")
    j_price, j_area = list(parcels.columns).index("price_usd"), list(parcels.columns).index(
        "area_acres"
    )

    def per_acre(r):
        return f"={col(j_price)}{r}/{col(j_area)}{r}", parcels.loc[r - 2, "price_usd_per_acre"]

    fmts = {"price_usd": "zopt_input", "price_usd_per_acre": "zopt_usd_cents"}
    lay = frame_sheet(ws, parcels, "Parcels", fmts, {"price_usd_per_acre": per_acre})
    _mark_edits(ws, parcels, lay, ["price_usd"])
    refs.parcels, refs.parcel_index = lay, {p: i for i, p in enumerate(parcels["parcel_id"])}
    src = parcels["source"] if "source" in parcels else pd.Series([""] * len(parcels))
    for pid, price, s in zip(parcels["parcel_id"], parcels["price_usd"], src, strict=True):
        refs.run_values.append(("Parcels", pid, "price_usd", float(price), s or "parcels file"))
    return parcels


def write_reservoirs(ws, run: RunResult, refs: InputRefs) -> None:
    """The Reservoirs sheet: the candidate sites as read, ``fixed_cost_usd`` editable."""
    res = run.inputs.reservoirs.reset_index(drop=True).copy()
    built = run.solution.phs_built  # empty when pumped hydro is not in the model (peak mode)
    res["built"] = np.asarray(built, dtype=bool) if len(built) == len(res) else False
    if "previous" not in res:
        res["previous"] = ""
    res["previous"] = res["previous"].fillna("")
    lay = frame_sheet(ws, res, "Reservoirs", {"fixed_cost_usd": "zopt_input"})
    _mark_edits(ws, res, lay, ["fixed_cost_usd"])
    refs.reservoirs, refs.reservoir_index = lay, {s: i for i, s in enumerate(res["site_id"])}
    for rec in res.to_dict("records"):
        refs.run_values.append(
            ("Reservoirs", rec["site_id"], "fixed_cost_usd", rec["fixed_cost_usd"], rec["source"])
        )


def write_prices(ws, run: RunResult, refs: InputRefs) -> None:
    """The Prices sheet (edit ``value`` and rerun with ``--prices bom.xlsx``)."""
    prices = run.inputs.prices.to_frame()
    prices["origin"] = _price_origins(run, prices)
    lay = frame_sheet(ws, prices, "Prices", {"value": "zopt_number", "is_default": "zopt_bool"})
    for i, note in enumerate(prices["notes"]):
        if str(prices.loc[i, "source"]).startswith("edited in "):
            value(ws, i + 1, lay.columns["value"], prices.loc[i, "value"], "zopt_edited")
            text(ws, i + 1, lay.columns["notes"], note, "zopt_edited")
    refs.prices = {k: i + 2 for i, k in enumerate(prices["key"])}
    for rec in prices.to_dict("records"):
        refs.run_values.append(("Prices", rec["key"], "value", rec["value"], rec["source"]))


def _price_origins(run: RunResult, prices: pd.DataFrame) -> list[str]:
    """Where each price came from, in words (``is_default`` alone reads as the opposite)."""

    given = run.inputs.paths.get("prices")
    embedded = given is None or Path(given) == Path(default_path("prices.csv"))
    out = []
    for source, is_default in zip(prices["source"], prices["is_default"], strict=True):
        if str(source).startswith("edited in "):
            out.append(str(source))
        elif embedded:
            out.append("embedded data/prices.csv")
        elif is_default:
            out.append(f"default: {Path(given).name} lacks this key")
        else:
            word = "unchanged in" if Path(given).suffix.lower() == ".xlsx" else "from"
            out.append(f"{word} {Path(given).name}")
    return out


def write_run_values(ws, refs: InputRefs) -> None:
    """The hidden sheet of every editable value as this run used it (for edit detection)."""
    header_row(ws, 0, ["sheet", "id", "column", "value", "source"])
    for r, (sheet, ident, column, v, source) in enumerate(refs.run_values, start=1):
        text(ws, r, 0, sheet)
        text(ws, r, 1, ident)
        text(ws, r, 2, column)
        value(ws, r, 3, v)
        text(ws, r, 4, "" if source is None else source)
    ws.hide()
