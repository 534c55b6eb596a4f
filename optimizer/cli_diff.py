"""`zopt diff RUN_A RUN_B [--json]`: what changed between two run folders.

``optimizer/cli.py`` calls :func:`register` on its typer app.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from optimizer.errors import EXIT_BAD_INPUT, InputError


def _fmt(v, digits: int = 6) -> str:
    if v is None:
        return "-"
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int | float):
        return f"{v:,.{digits}g}" if abs(v) < 1e4 else f"{v:,.0f}"
    return str(v)


def _usd(v) -> str:
    return "-" if v is None else f"${v:,.0f}"


def _signed_usd(v) -> str:
    return "-" if v is None else f"{'+' if v >= 0 else '-'}${abs(v):,.0f}"


def _table(title: str, columns: list[str]) -> Table:
    t = Table(title=title, title_justify="left")
    for i, c in enumerate(columns):
        t.add_column(c, justify="left" if i == 0 else "right")
    return t


def _input_tables(d: dict) -> list[Table]:
    out = []
    t = _table("Prices that changed", ["key", "A", "B", "unit", "change"])
    for r in d["prices"]:
        t.add_row(r["key"], _fmt(r["a"]), _fmt(r["b"]), str(r["unit"]), _fmt(r.get("delta")))
    if not d["prices"]:
        t.add_row("(no price changed)", "", "", "", "")
    out.append(t)
    if d["files"] or not d["checksums_known"]:
        t = _table("Input files that changed (sha256)", ["input", "A", "B"])
        for r in d["files"]:
            a = f"{r['a_path'] or 'embedded'} {(r['a_sha256'] or '')[:12]}"
            b = f"{r['b_path'] or 'embedded'} {(r['b_sha256'] or '')[:12]}"
            t.add_row(r["input"], a, b)
        if not d["checksums_known"]:
            t.add_row("(unknown)", "a run lacks manifest.json", "")
        out.append(t)
    if d["options"]:
        t = _table("Options that changed", ["option", "A", "B"])
        for r in d["options"]:
            t.add_row(r["option"], _fmt(r["a"]), _fmt(r["b"]))
        out.append(t)
    return out


def _edit_tables(edits: list[dict]) -> list[Table]:
    """Values edited in the workbook run B was given (chips, parcel prices, reservoirs, prices)."""
    if not edits:
        return []
    t = _table(f"Edited in {edits[0]['edited_in']}", ["sheet", "item", "field", "B", "before"])
    for e in edits:
        t.add_row(e["sheet"], str(e["item"]), e["field"], _fmt(_num(e["value"])), e["previous"])
    return [t]


def _num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return v


def _result_tables(d: dict) -> list[Table]:
    t = _table("Sizes that changed", ["size", "A", "B", "change"])
    for r in d["sizes"]["changed"]:
        t.add_row(r["what"], _fmt(r["a"]), _fmt(r["b"]), _fmt(r["delta"]))
    sizes = d["sizes"]
    if sizes["parcels_bought"]:
        t.add_row("parcels bought in B", "", ", ".join(sizes["parcels_bought"]), "")
    if sizes["parcels_dropped"]:
        t.add_row("parcels dropped (in A only)", ", ".join(sizes["parcels_dropped"]), "", "")
    if not t.row_count:
        t.add_row("(no size changed)", "", "", "")
    b = _table("BOM lines that changed", ["line", "qty A", "qty B", "unit", "A", "B", "change"])
    if not d["bom"]:
        b.add_row("(no BOM line changed)", *[""] * 6)
    for r in d["bom"]:
        b.add_row(
            f"{r['category']}: {r['item']}",
            _fmt(r["a_quantity"]),
            _fmt(r["b_quantity"]),
            str(r["unit"]),
            _usd(r["a_cost_usd"]),
            _usd(r["b_cost_usd"]),
            _signed_usd(r["delta_usd"]),
        )
    c = _table("Cost", ["", "A", "B", "change"])
    for r in d["cost_by_category_usd"]:
        c.add_row(f"  {r['what']}", _usd(r["a"]), _usd(r["b"]), _signed_usd(r["delta"]))
    tot = d["total_cost_usd"]
    pct = "" if tot["delta_pct"] is None else f" ({tot['delta_pct']:+.3f}%)"
    c.add_row("total capital cost", _usd(tot["a"]), _usd(tot["b"]), _signed_usd(tot["delta"]) + pct)
    return [t, b, c]


def diff_command(
    run_a: Path = typer.Argument(..., help="First run folder (reports/<run>)."),
    run_b: Path = typer.Argument(..., help="Second run folder."),
    as_json: bool = typer.Option(False, "--json", help="Print the differences as JSON."),
) -> None:
    """Show what changed between two runs: inputs, sizes, BOM lines and total cost."""
    from optimizer.results.diff import diff_runs, load_run

    out = Console(emoji=False, highlight=False, width=140)
    err = Console(stderr=True, emoji=False, highlight=False)
    problems = []
    records = []
    for folder in (run_a, run_b):
        try:
            records.append(load_run(folder))
        except InputError as exc:
            problems += exc.problems
    if problems:
        for p in problems:
            err.print(str(p), markup=False, soft_wrap=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    d = diff_runs(*records)
    if as_json:
        typer.echo(json.dumps(d, indent=2, default=str))
        return
    out.print(f"A: {d['a']}\nB: {d['b']}", markup=False)
    for table in _edit_tables(d.get("edits", [])) + _input_tables(d["inputs"]) + _result_tables(d):
        out.print(table)


def register(app: typer.Typer) -> None:
    """Add the ``diff`` command to ``app``."""
    app.command("diff")(diff_command)
