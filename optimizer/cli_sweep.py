"""``zopt sweep SPEC.toml``: scenarios and sensitivities on Dask (see :mod:`optimizer.sweep`)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from optimizer.errors import ZoptError

err = Console(stderr=True, emoji=False, highlight=False)
console = Console(emoji=False, highlight=False)


def _clock(seconds) -> str:
    if seconds is None:
        return "?"
    m, s = divmod(int(round(seconds)), 60)
    return f"{m // 60}:{m % 60:02d}:{s:02d}"


def _progress_line(state: dict) -> str:
    return (f"cases {state['done']}/{state['total']} done, {state['running']} running, "
            f"{state['failed']} failed; elapsed {_clock(state.get('elapsed_s'))}, "
            f"left ~{_clock(state.get('eta_s'))}")  # fmt: skip


def _table(result) -> Table:
    t = Table(title=f"zopt sweep: {len(result.rows)} cases")
    for col in ("case", "status", "total cost [$M]", "gap", "wall [s]"):
        t.add_column(col, justify="right" if "[" in col or col == "gap" else "left")
    for row in sorted(result.rows, key=lambda r: r.get("case_id", "")):
        cost = row.get("total_cost_usd")
        t.add_row(row["case_id"], row.get("status", ""),
                  f"{cost / 1e6:,.1f}" if cost == cost and cost is not None else "",
                  f"{row['gap']:.2%}" if row.get("gap") is not None else "",
                  f"{row.get('wall_s', 0):.0f}")  # fmt: skip
    return t


def sweep(
    spec: Path = typer.Argument(..., help="Sweep spec (TOML): [base], [[axis]], [sensitivity]."),
    scheduler: str = typer.Option(
        None, "--scheduler", help="Address of a running Dask scheduler, e.g. tcp://host:8786 "
        "(default: a local cluster)."),  # fmt: skip
    workers: int = typer.Option(
        None, "--workers", help="Worker processes of the local cluster [default: the cores]; "
        "with --scheduler, the workers to wait for."),  # fmt: skip
    reports_dir: Path = typer.Option(Path("reports"), "--reports-dir", help="Where sweeps go."),
) -> None:
    """Run a sweep of cases on Dask and write reports/<sweep>/ (sweep.csv, sweep.xlsx, charts)."""
    from rich.live import Live

    from optimizer.cli_errors import fail as _fail
    from optimizer.sweep.runner import run_sweep

    if workers is not None and workers < 1:
        from optimizer.errors import InputError, Problem

        _fail(InputError([Problem("command line", "", "--workers", "must be at least 1",
                                  workers, ">= 1")]))  # fmt: skip
    live = Live("", console=err, refresh_per_second=2, transient=False)
    try:
        with live:
            result = run_sweep(spec, reports_dir, scheduler, workers,
                               say=lambda m: err.print(m, markup=False, soft_wrap=True),
                               on_update=lambda s: live.update(_progress_line(s)))  # fmt: skip
    except ZoptError as exc:
        _fail(exc)
    if not err.is_terminal:
        err.print()  # end the last progress line
    console.print(_table(result))
    err.print(f"{result.ran} ran, {result.skipped} already done, {result.failed} not ok; "
              f"{result.wall_s:.0f} s", markup=False)  # fmt: skip
    console.print(str(result.folder), markup=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add ``zopt sweep`` to the ``zopt`` app."""
    app.command("sweep")(sweep)
