"""Suite cases on two commits, alternating case by case, so both see the same machine load.

Usage (repository root)::

    PYTHONPATH=. .venv/bin/python benchmarks/ab_suite.py --base b3072ba --json ab.json \
        [--cases "embedded 1e20 average;seed average"]

The base commit is checked out once into a git worktree (``--base-tree``, default
``../wt/base``); each case then runs through ``run_case`` of the base tree's own suite and of
this tree's, one after the other in a fresh process each (its own imports, the same PV cache),
the base first on even cases and second on odd ones. A case the base's suite does not have
runs on this tree only. Printed: a Markdown table with both answers, gaps and wall times,
this tree's peak memory per case (its process's) and the reference LP time [s] of the machine
measured around each pair (:func:`suite.reference_lp_s`).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HERE / "benchmarks"))

from suite import cases, reference_lp_s  # noqa: E402


def _tree(base: str, where: Path) -> Path:
    """A worktree of ``base`` at ``where`` (made when missing)."""
    if not (where / "benchmarks" / "suite.py").exists():
        subprocess.run(["git", "-C", str(HERE), "worktree", "add", "-f", str(where), base],
                       check=True)  # fmt: skip
    return where


def _names(tree: Path) -> set[str]:
    """The case names of ``tree``'s suite."""
    out = subprocess.run(
        [sys.executable, "-c", "import suite, pathlib, tempfile; print('\\n'.join("
         "suite.cases(pathlib.Path(tempfile.mkdtemp()))))"],  # fmt: skip
        cwd=tree / "benchmarks", env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return set(out.stdout.splitlines())


#: one case in a fresh process, in the tree's own suite (cases then were (InputPaths, options),
#: now (a function making the InputPaths, options)); prints the row as JSON
DRIVER = """
import json, sys, tempfile, pathlib, suite
with tempfile.TemporaryDirectory() as tmp:
    paths, opts = suite.cases(pathlib.Path(tmp))[sys.argv[1]]
    paths = paths() if callable(paths) else paths
    print(json.dumps(suite.run_case(paths, opts, pathlib.Path(tmp) / "reports"), default=float))
"""


def _run(tree: Path, name: str) -> dict:
    """One case on ``tree`` in a fresh process: its suite row (``exit``, ``wall_s``, ...)."""
    p = subprocess.run(
        [sys.executable, "-c", DRIVER, name], cwd=tree / "benchmarks",
        env={**os.environ, "PYTHONPATH": str(tree)}, capture_output=True, text=True,
    )  # fmt: skip
    if p.returncode != 0:
        return {"exit": f"rc {p.returncode}", "message": p.stderr[-300:], "wall_s": float("nan")}
    return json.loads(p.stdout.strip().splitlines()[-1])


def _cell(r: dict | None) -> str:
    if r is None:
        return "- | - | -"
    if r["exit"] != 0:
        return f"{r['exit']} | | {r['wall_s']:.1f}"
    return f"${r['cost_usd']:,.0f} | {100 * r['gap']:.3f}% | {r['wall_s']:.1f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", required=True, help="the commit to compare with")
    ap.add_argument("--base-tree", type=Path, default=HERE.parent / "wt" / "base")
    ap.add_argument("--cases", default="", help="';'-separated full case names (default: all)")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    base = _tree(args.base, args.base_tree)
    names = list(cases(Path(".")))
    if args.cases:
        names = [n for n in names if n in {c.strip() for c in args.cases.split(";")}]
    in_base = _names(base)
    print(
        "| case | base answer | base gap | base wall [s] | answer | gap | wall [s] | "
        "peak memory [MB] | ref LP [s] |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    rows = {}
    for i, name in enumerate(names):
        ref = reference_lp_s()
        order = [("base", base), ("head", HERE)] if i % 2 == 0 else [("head", HERE), ("base", base)]
        got = {k: _run(t, name) for k, t in order if k == "head" or name in in_base}
        rows[name] = {**got, "reference_lp_s": ref}
        mem = got["head"].get("peak_rss_mb", float("nan"))
        print(f"| {name} | {_cell(got.get('base'))} | {_cell(got.get('head'))} | {mem:,.0f} | "
              f"{ref:.2f} |", flush=True)  # fmt: skip
        if args.json:
            args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
