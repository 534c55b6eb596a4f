"""Wall time of ``zopt solve --target 1e21`` on the embedded data, split by stage.

Usage (repository root)::

    python benchmarks/solve_embedded.py [--repeat N] [--target 1e21] [--mode sustained]

Prints a Markdown table (read, yield, build, solve, verify, export, total) with one row per
repeat, the model sizes and the proven gap. Runs go to a temporary reports folder.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

from optimizer.inputs.bundle import InputPaths
from optimizer.pipeline import RunOptions, export_run, run_solve

STAGES = ["read", "yield", "build", "solve", "verify", "export"]


def one_run(target: float, mode: str, reports: Path) -> tuple[dict, dict]:
    """Run the pipeline once; return (timings [s], solver info)."""
    t0 = time.perf_counter()
    run = run_solve(InputPaths(), RunOptions(target_flops=target, mode=mode))
    export_run(run, reports)
    timings = dict(run.timings_s)
    timings["total"] = time.perf_counter() - t0
    return timings, run.solver | {"cost": run.total_cost_usd}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--target", type=float, default=1e21)
    ap.add_argument("--mode", default="sustained")
    args = ap.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}\n"
    )
    print("| run | " + " | ".join(STAGES) + " | total [s] | gap | total cost [$] |")
    print("|---" * (len(STAGES) + 4) + "|")
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):
            t, s = one_run(args.target, args.mode, Path(tmp))
            cells = " | ".join(f"{t.get(k, 0.0):.1f}" for k in STAGES)
            print(
                f"| {i + 1} | {cells} | {t['total']:.1f} | {100 * s['gap']:.3f}% | "
                f"{s['cost']:,.0f} |"
            )
    print(
        f"\nhourly model: {s['rows']:,} rows x {s['columns']:,} columns; coarse stage: "
        f"{s['coarse_rows']:,} rows, {s['coarse_integer_columns']} integer columns"
    )


if __name__ == "__main__":
    main()
