"""How every ``zopt`` command reports a failure: the problems as sentences on stderr, then the
exit code of the error (:mod:`optimizer.errors`). Shared by the command modules."""

from __future__ import annotations

import typer
from rich.console import Console

from optimizer.errors import InputError, ZoptError

err = Console(stderr=True, emoji=False, highlight=False)


def fail(exc: ZoptError) -> None:
    """Print ``exc`` (every problem of an :class:`InputError`) and exit with its code."""
    if isinstance(exc, InputError):
        for problem in exc.problems:
            err.print(str(problem), markup=False, highlight=False, soft_wrap=True)
        err.print(f"{len(exc.problems)} input problem(s); nothing was written.", style="red")
    else:
        err.print(str(exc), markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(exc.exit_code)
