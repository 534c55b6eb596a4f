"""Wall time of a sensitivity sweep on the embedded data with 1 and 2 Dask workers.

Usage (repository root)::

    python benchmarks/sweep_sensitivity.py [--workers 1 2] [--out DIR]

The sweep (``sweep_sensitivity.toml`` written next to the output): target 1e21 FLOPS,
sustained, three keys (PV module price, every chip's price, pumped-hydro reservoir price) at
base x (1 -+ 0.2): 7 cases. Each worker count runs the same spec into a fresh folder (no
resume). Prints a Markdown table (workers, cases, wall time [s], speed-up) and copies the
tornado chart of the last run to ``benchmarks/sweep_tornado.png``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from optimizer.sweep.runner import run_sweep

SPEC = """name = "sensitivity"
[base]
target = 1e21
mode = "sustained"
[sensitivity]
keys = ["pv_module_usd_per_w_dc", "chip_price", "phs_reservoir_usd_per_m3"]
range = 0.2
"""


def main() -> None:
    """Run the sweep once per worker count; print the table of wall times [s]."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--out", type=Path, default=None, help="default: a temporary folder")
    args = ap.parse_args()
    root = Path(__file__).resolve().parents[1]
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(root), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    )
    args.out = args.out or Path(tempfile.mkdtemp(prefix="zopt-sweep-bench-"))
    args.out.mkdir(parents=True, exist_ok=True)
    spec = args.out / "sweep_sensitivity.toml"
    spec.write_text(SPEC)
    rows, result = [], None
    for n in args.workers:
        reports = args.out / f"workers_{n}"
        shutil.rmtree(reports, ignore_errors=True)
        t0 = time.perf_counter()
        result = run_sweep(spec, reports, workers=n)
        rows.append((n, len(result.rows), result.failed, time.perf_counter() - t0))
    print("| workers | cases | not ok | wall [s] | speed-up |")
    print("|---|---|---|---|---|")
    for n, cases, failed, wall in rows:
        print(f"| {n} | {cases} | {failed} | {wall:.1f} | {rows[0][3] / wall:.2f} |")
    if result is not None and "tornado" in result.files:
        shutil.copy(result.files["tornado"], root / "benchmarks" / "sweep_tornado.png")
        print(f"tornado: benchmarks/sweep_tornado.png (from {result.files['tornado']})")
        import pandas as pd

        cols = ["case_id", "sens_key", "sens_side", "status", "total_cost_usd", "gap", "wall_s"]
        df = pd.read_csv(result.folder / "sweep.csv", keep_default_na=False)
        print("| " + " | ".join(cols) + " |\n|" + "---|" * len(cols))
        for rec in df[cols].to_dict("records"):
            print("| " + " | ".join(str(rec[c]) for c in cols) + " |")


if __name__ == "__main__":
    main()
