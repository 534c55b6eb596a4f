"""HiGHS settings by measurement: the root LP relaxation of suite cases under each setting.

Run from the repository root (after the README's install)::

    PYTHONPATH=. python benchmarks/highs_settings.py [--cases a,b] [--timeout 120]

For each case of :mod:`benchmarks.suite` named, the root LP of the solve strategy (the model
:func:`optimizer.solve.strategy.solve_with_gap` solves first, built from the same data) is
written as an MPS file once; every setting then solves that file in a fresh HiGHS process
(a hung setting is stopped at ``--timeout`` seconds). Prints a Markdown table: wall time,
status, objective [$M] and iterations per (case, setting). The defaults zopt records in each
run's manifest (``SolveOptions``) are the fastest row on every case measured, see
``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

SETTINGS = {
    "default (choose: dual simplex), 1 thread": {},
    "dual simplex, presolve off": {"solver": "simplex", "presolve": "off"},
    "dual simplex PAMI, 2 threads": {"solver": "simplex", "simplex_strategy": 2, "threads": 2},
    "primal simplex": {"solver": "simplex", "simplex_strategy": 4},
    "IPM (ipx) + crossover": {"solver": "ipm"},
    "IPM (ipx) + crossover, 2 threads": {"solver": "ipm", "threads": 2},
    "HiPO + crossover": {"solver": "hipo"},
    "PDLP (first order)": {"solver": "pdlp"},
}

_CHILD = """
import json, sys, time, highspy
h = highspy.Highs(); h.setOptionValue("output_flag", False)
h.readModel(sys.argv[1])
opts = json.loads(sys.argv[2])
h.setOptionValue("threads", 1)
for k, v in opts.items():
    h.setOptionValue(k, v)
t = time.perf_counter(); h.run(); dt = time.perf_counter() - t
i = h.getInfo()
print(json.dumps({"s": dt, "status": h.modelStatusToString(h.getModelStatus()),
                  "obj": i.objective_function_value, "simplex": i.simplex_iteration_count,
                  "ipm": i.ipm_iteration_count, "pdlp": i.pdlp_iteration_count}))
"""


def dump_root_lp(name: str, folder: Path) -> Path:
    """Write the root LP of suite case ``name`` as MPS (the strategy's first LP, same data)."""
    import suite

    import optimizer.solve.branch as branch
    from optimizer.pipeline import run_solve

    path = folder / (name.replace(" ", "_").replace(",", "") + ".mps")

    class _StopError(Exception):
        pass

    original = branch.LpSession

    class Dump(original):
        def __init__(self, model, options):
            super().__init__(model, options)
            self.h.writeModel(str(path))
            raise _StopError

    branch.LpSession = Dump
    try:
        make_paths, opts = suite.cases(folder)[name]
        paths = make_paths()
        with contextlib.suppress(_StopError):
            run_solve(paths, opts)
    finally:
        branch.LpSession = original
    return path


def measure(mps: Path, options: dict, timeout_s: float) -> dict:
    """Solve ``mps`` with ``options`` in a child process; its figures or a timeout."""
    try:
        out = subprocess.run(
            [sys.executable, "-c", _CHILD, str(mps), json.dumps(options)],
            capture_output=True, text=True, timeout=timeout_s, check=True,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return {"s": timeout_s, "status": f"stopped at {timeout_s:g} s"}
    except subprocess.CalledProcessError as err:
        return {"s": float("nan"), "status": f"error: {err.stderr.strip()[-80:]}"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", default="embedded 1e21 sustained,embedded 1e20 average")
    ap.add_argument("--timeout", type=float, default=90.0)
    args = ap.parse_args()
    print("| case | setting | wall [s] | status | objective [$M] | iterations |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name in [c.strip() for c in args.cases.split(",") if c.strip()]:
            mps = dump_root_lp(name, Path(tmp))
            for label, options in SETTINGS.items():
                r = measure(mps, options, args.timeout)
                its = "/".join(str(r.get(k, "")) for k in ("simplex", "ipm", "pdlp"))
                obj = f"{r['obj']:,.3f}" if "obj" in r else ""
                print(f"| {name} | {label} | {r['s']:.1f} | {r['status']} | {obj} | {its} |",
                      flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
