"""The review loop, end to end: solve, edit one price in the run's workbook, rerun from it.

Run from the repository root (after the README's install)::

    PYTHONPATH=. python benchmarks/rerun_prices.py [--repeat N] [--target 1e21]

Each repeat runs ``zopt solve --target T`` in a fresh reports folder, raises
``pv_module_usd_per_w_dc`` by 10 % in that run's ``bom.xlsx`` (Prices sheet, as a user would
in Excel), then runs ``zopt solve --target T --prices RUN/bom.xlsx``. Both are timed end to
end (process start to exit, the wall a user waits); the table gives each run's cost and
proven gap from its ``summary.json``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

PRICE = "pv_module_usd_per_w_dc"


def _zopt(args: list[str], reports: Path) -> tuple[float, Path]:
    """Run the CLI; return (wall [s], the run folder it wrote)."""
    before = set(reports.glob("*/"))
    t = time.perf_counter()
    exe = Path(sys.executable).with_name("zopt")  # the README's entry point, as a user runs it
    zopt = [str(exe)] if exe.exists() else [sys.executable, "-m", "optimizer.cli"]
    cmd = [*zopt, "solve", *args, "--reports-dir", str(reports)]
    subprocess.run(cmd, check=True, capture_output=True)
    wall = time.perf_counter() - t
    (run,) = set(reports.glob("*/")) - before
    return wall, run


def _raise_price(workbook: Path, factor: float) -> float:
    """Multiply the Prices sheet's value of :data:`PRICE` by ``factor``; return the new value."""
    wb = openpyxl.load_workbook(workbook)
    ws = wb["Prices"]
    header = [c.value for c in ws[1]]
    col = header.index("value")
    for row in ws.iter_rows(min_row=2):
        if row[0].value == PRICE:
            row[col].value = float(row[col].value) * factor
            wb.save(workbook)
            return row[col].value
    raise SystemExit(f"{workbook}: no {PRICE} row on the Prices sheet")


def _summary(run: Path) -> tuple[float, float]:
    s = json.loads((run / "summary.json").read_text())
    return float(s["total_cost_usd"]), float(s["solver"]["gap"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--target", default="1e21")
    a = ap.parse_args()
    print("| repeat | run | wall [s] | total cost | proven gap |")
    print("|---|---|---|---|---|")
    for i in range(1, a.repeat + 1):
        with tempfile.TemporaryDirectory() as tmp:
            reports = Path(tmp)
            wall, run = _zopt(["--target", a.target], reports)
            cost, gap = _summary(run)
            print(f"| {i} | first solve | {wall:.2f} | ${cost:,.0f} | {100 * gap:.3f}% |")
            value = _raise_price(run / "bom.xlsx", 1.10)
            args = ["--target", a.target, "--prices", str(run / "bom.xlsx")]
            wall, rerun = _zopt(args, reports)
            cost, gap = _summary(rerun)
            print(f"| {i} | rerun, {PRICE} = {value:.4f} | {wall:.2f} | ${cost:,.0f} | "
                  f"{100 * gap:.3f}% |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
