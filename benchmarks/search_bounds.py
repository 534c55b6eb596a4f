"""The search's bounds against HiGHS's own optimum on many random small plants.

Run from the repository root (after the README's install)::

    PYTHONPATH=. python benchmarks/search_bounds.py [--seeds 0-249] [--json out.json]

Each seed is a plant of ``tests/solve/random_plants.py`` (modes, objectives, backup, unserved
energy, warm starts, one to three chip types, compute sites, zero to two reservoirs). The full
MILP is solved by HiGHS to a gap of 1e-7 (``method="direct"``), the search to 1e-6; a violation
is a search lower bound above HiGHS's optimum, a search answer dearer than that optimum by more
than the search's stated gap, or a disagreement on infeasibility. Prints one line per
violation and a summary (instances, violations, cases by mode, seconds); exits 1 on any
violation. The default test run checks the first 40 seeds (``tests/solve/test_search_bounds.py``).
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "solve"), str(ROOT / "tests" / "model")]

from random_plants import random_plant  # noqa: E402
from test_search_bounds import check_seed  # noqa: E402


def _seeds(text: str) -> list[int]:
    lo, _, hi = text.partition("-")
    return list(range(int(lo), int(hi or lo) + 1))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", default="0-249", help="a range of seeds, e.g. 0-249")
    ap.add_argument("--json", type=Path, help="write the figures here")
    args = ap.parse_args()
    t0, kinds, bad = time.perf_counter(), collections.Counter(), []
    seeds = _seeds(args.seeds)
    for seed in seeds:
        data, start = random_plant(seed)
        c = data.compute
        kinds[(c.mode, data.lifecycle.objective, "site" if data.land.site else "no site",
               "backup" if "backup" in data.parts else "")] += 1  # fmt: skip
        kinds[("warm start",)] += start is not None
        kinds[("chip types", len(c.names))] += 1
        msg = check_seed(seed)
        if msg:
            bad.append(msg)
            print(msg, flush=True)
    seconds = time.perf_counter() - t0
    print(f"{len(seeds)} instances, {len(bad)} violations, {seconds:,.0f} s")
    for k, n in sorted(kinds.items(), key=str):
        print(f"  {' / '.join(str(x) for x in k if x != '')}: {n}")
    if args.json:
        kinds_by_name = {" / ".join(map(str, k)): n for k, n in kinds.items()}
        out = {"instances": len(seeds), "violations": bad, "seconds": seconds,
               "kinds": kinds_by_name}  # fmt: skip
        args.json.write_text(json.dumps(out, indent=1))
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
