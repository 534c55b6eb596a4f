"""What changed between two run folders: inputs (prices row by row, input files by sha256,
options), sizes (chips by type, PV, parcels bought/dropped, storage), BOM lines and costs.

A run folder is recognised by its ``summary.json``; ``manifest.json`` (checksums, prices) is
used when present, otherwise the prices come from the Prices sheet of ``bom.xlsx``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from optimizer.errors import InputError, ProblemCollector
from optimizer.inputs.workbook_inputs import sheet_rows
from optimizer.inputs.workbook_prices import read_prices_sheet

REL_TOL = 1e-9
NOT_A_RUN = "not a zopt run folder"
EXPECTED_RUN = "a folder written by zopt solve, holding summary.json"


@dataclass
class RunRecord:
    """The parts of a run folder that ``zopt diff`` compares."""

    folder: Path
    summary: dict
    manifest: dict | None
    prices: dict[str, dict]


def _same(a, b) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(float(a), float(b), rel_tol=REL_TOL, abs_tol=1e-9)
    return a == b


def _prices_from_workbook(path: Path) -> dict[str, dict]:

    problems = ProblemCollector(str(path))
    df = read_prices_sheet(path, problems) if path.exists() else None
    if df is None or "key" not in df or "value" not in df:
        return {}
    out = {}
    for rec in df.to_dict("records"):
        try:
            out[str(rec["key"])] = {"value": float(rec["value"]), "unit": rec.get("unit", "")}
        except ValueError:
            out[str(rec["key"])] = {"value": rec["value"], "unit": rec.get("unit", "")}
    return out


def load_run(folder: Path) -> RunRecord:
    """Read a run folder; raise :class:`InputError` (exit 2) when it is not a zopt run."""
    folder = Path(folder)
    problems = ProblemCollector(str(folder))
    summary_path = folder / "summary.json"
    if not folder.is_dir():
        found = "a file" if folder.exists() else "nothing at this path"
        problems.add("", "", NOT_A_RUN, found=found, expected=EXPECTED_RUN)
        raise InputError(problems.problems)
    if not summary_path.is_file():
        problems.add("", "", NOT_A_RUN, found="no summary.json", expected=EXPECTED_RUN)
        raise InputError(problems.problems)
    try:
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        problems.add("summary.json", "", "not valid JSON", found=str(exc), expected=EXPECTED_RUN)
        raise InputError(problems.problems) from exc
    if not isinstance(summary, dict) or "total_cost_usd" not in summary:
        problems.add("summary.json", "total_cost_usd", NOT_A_RUN, found="no total_cost_usd")
        raise InputError(problems.problems)
    manifest = None
    if (folder / "manifest.json").is_file():
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    prices = manifest["prices"] if manifest else _prices_from_workbook(folder / "bom.xlsx")
    return RunRecord(folder, summary, manifest, prices)


def _num_row(label: str, a, b) -> dict:
    a = 0.0 if a is None else a
    b = 0.0 if b is None else b
    return {"what": label, "a": a, "b": b, "delta": b - a}


def _file_digest(info: dict) -> str:
    if info.get("sha256"):
        return info["sha256"]
    return json.dumps(info.get("files", {}), sort_keys=True)


def input_changes(a: RunRecord, b: RunRecord) -> dict:
    """Changed price rows, input files (by sha256) and options."""
    prices = []
    for key in sorted(set(a.prices) | set(b.prices)):
        pa, pb = a.prices.get(key, {}), b.prices.get(key, {})
        va, vb = pa.get("value"), pb.get("value")
        if not _same(va, vb) or pa.get("unit") != pb.get("unit"):
            row = {"key": key, "a": va, "b": vb, "unit": pb.get("unit") or pa.get("unit")}
            if isinstance(va, int | float) and isinstance(vb, int | float):
                row["delta"] = vb - va
            row["b_is_default"] = pb.get("is_default")
            prices.append(row)
    files, options = [], []
    if a.manifest and b.manifest:
        ia, ib = a.manifest["inputs"], b.manifest["inputs"]
        for name in sorted(set(ia) | set(ib)):
            da, db = _file_digest(ia.get(name, {})), _file_digest(ib.get(name, {}))
            if da != db:
                fa, fb = ia.get(name, {}), ib.get(name, {})
                files.append(
                    {
                        "input": name,
                        "a_path": fa.get("path"),
                        "b_path": fb.get("path"),
                        "a_sha256": fa.get("sha256"),
                        "b_sha256": fb.get("sha256"),
                    }
                )
        oa = {**a.manifest["options"], **a.manifest["solver_options"]}
        ob = {**b.manifest["options"], **b.manifest["solver_options"]}
        options = [
            {"option": k, "a": oa.get(k), "b": ob.get(k)}
            for k in sorted(set(oa) | set(ob))
            if not _same(oa.get(k), ob.get(k))
        ]
    known = bool(a.manifest and b.manifest)
    return {"prices": prices, "files": files, "options": options, "checksums_known": known}


def size_changes(a: dict, b: dict) -> dict:
    """Changed sizes between two summaries, plus parcels bought (in B only) and dropped (in A
    only)."""
    rows = []
    for chip in sorted(set(a["chips"]) | set(b["chips"])):
        rows.append(_num_row(f"chips {chip}", a["chips"].get(chip, 0), b["chips"].get(chip, 0)))
    rows.append(_num_row("PV [MW_dc]", a["pv_mw_dc"], b["pv_mw_dc"]))
    rows.append(_num_row("PV modules", a.get("pv_modules"), b.get("pv_modules")))
    sel_a, sel_b = set(a["parcels_selected"]), set(b["parcels_selected"])
    rows.append(_num_row("parcels bought", len(sel_a), len(sel_b)))
    rows.append(_num_row("land [acre]", a.get("land_acres_bought"), b.get("land_acres_bought")))
    for sid in sorted(set(a["storage"]) | set(b["storage"])):
        sa, sb = a["storage"].get(sid, {}), b["storage"].get(sid, {})
        fields = [("energy_mwh", "MWh")] + [(f, "MW") for f in POWER_WORDS if f in sa or f in sb]
        for field, unit in fields:  # a reservoir's pump/turbine, a battery's charge/discharge
            rows.append(_num_row(f"storage {sid} {field} [{unit}]", sa.get(field), sb.get(field)))
    return {
        "changed": [r for r in rows if not _same(r["a"], r["b"])],
        "parcels_bought": sorted(sel_b - sel_a),
        "parcels_dropped": sorted(sel_a - sel_b),
    }


#: the power fields of a storage unit in ``summary.json``, in the technology's words
POWER_WORDS = ("turbine_mw", "pump_mw", "discharge_mw", "charge_mw")


def _line_ids(lines: list[dict]) -> dict[str, dict]:
    keys = [ln["price_key"] for ln in lines]
    out = {}
    for ln in lines:
        key = ln["price_key"]
        out[key if keys.count(key) == 1 else f"{key}|{ln['item']}"] = ln
    return out


def bom_changes(a: dict, b: dict) -> list[dict]:
    """BOM lines added, removed or changed (quantity, unit cost or extended cost)."""
    la, lb = _line_ids(a.get("bom_lines", [])), _line_ids(b.get("bom_lines", []))
    out = []
    for line in list(dict.fromkeys([*la, *lb])):
        x, y = la.get(line, {}), lb.get(line, {})
        fields = ("quantity", "unit_cost_usd", "extended_cost_usd")
        if all(_same(x.get(f), y.get(f)) for f in fields):
            continue
        ca, cb = x.get("extended_cost_usd", 0.0), y.get("extended_cost_usd", 0.0)
        out.append(
            {
                "line": line,
                "category": (y or x)["category"],
                "item": (y or x)["item"],
                "unit": (y or x)["unit"],
                "a_quantity": x.get("quantity"),
                "b_quantity": y.get("quantity"),
                "a_unit_cost_usd": x.get("unit_cost_usd"),
                "b_unit_cost_usd": y.get("unit_cost_usd"),
                "a_cost_usd": ca,
                "b_cost_usd": cb,
                "delta_usd": cb - ca,
            }
        )
    return out


def diff_runs(a: RunRecord, b: RunRecord) -> dict:
    """Everything that changed from run ``a`` to run ``b`` (JSON-ready)."""
    sa, sb = a.summary, b.summary
    cats = sorted(set(sa["cost_by_category_usd"]) | set(sb["cost_by_category_usd"]))
    by_cat = [
        _num_row(c, sa["cost_by_category_usd"].get(c, 0.0), sb["cost_by_category_usd"].get(c, 0.0))
        for c in cats
    ]
    total = _num_row("total_cost_usd", sa["total_cost_usd"], sb["total_cost_usd"])
    total["delta_pct"] = 100.0 * total["delta"] / total["a"] if total["a"] else None
    return {
        "a": str(a.folder),
        "b": str(b.folder),
        "inputs": input_changes(a, b),
        "edits": workbook_edits(b.folder / "bom.xlsx"),
        "sizes": size_changes(sa, sb),
        "bom": bom_changes(sa, sb),
        "cost_by_category_usd": [r for r in by_cat if not _same(r["a"], r["b"])],
        "total_cost_usd": total,
    }


EDIT_SHEETS = {"Prices": "key", "Chips": "chip", "Parcels": "parcel_id", "Reservoirs": "site_id"}


def workbook_edits(path: Path) -> list[dict]:
    """Values a person edited in the workbook the run was given (``source`` starts with
    ``edited in``): sheet, item, the new value, the previous value and source, the file."""

    if not path.is_file():
        return []
    out = []
    try:
        for sheet, ident in EDIT_SHEETS.items():
            for rec in sheet_rows(path, sheet) or []:
                source = rec.get("source", "")
                if not source.startswith("edited in "):
                    continue
                previous = rec.get("previous") or rec.get("notes", "")
                field = previous.split(" was ", 1)[0] if " was " in previous else "value"
                if sheet == "Prices":
                    field = "value"
                new = rec.get(field, rec.get("value", ""))
                out.append({"sheet": sheet, "item": rec.get(ident, ""), "field": field,
                            "value": new, "previous": previous,
                            "edited_in": source.removeprefix("edited in ")})  # fmt: skip
    except Exception:  # noqa: BLE001 - an unreadable workbook has no edits to show
        return out
    return out
