"""Error types and exit codes shared by every layer.

Exit codes (PRODUCT.md section 2): 0 ok; 2 bad input; 3 infeasible; 4 the solver's answer failed
the independent check; 5 could not write output; 6 time limit reached with no acceptable solution.
"""

from __future__ import annotations

from dataclasses import dataclass

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_INFEASIBLE = 3
EXIT_CHECK_FAILED = 4
EXIT_WRITE_FAILED = 5
EXIT_NO_SOLUTION = 6


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file.

    Rendered as ``file:where:column: message (found X, expected Y)``.
    """

    file: str
    where: str
    column: str
    message: str
    found: object = None
    expected: object = None

    def __str__(self) -> str:
        parts = [p for p in (self.file, self.where, self.column) if p not in (None, "")]
        text = ":".join(str(p) for p in parts) + f": {self.message}"
        extra = []
        if self.found is not None:
            extra.append(f"found {self.found}")
        if self.expected is not None:
            extra.append(f"expected {self.expected}")
        if extra:
            text += f" ({', '.join(extra)})"
        return text


class ZoptError(Exception):
    """Base class: carries the process exit code."""

    exit_code = 1


class InputError(ZoptError):
    """One or more input problems, all collected before any math is built."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class InfeasibleError(ZoptError):
    """The target cannot be met with the given land, storage sites and chips."""

    exit_code = EXIT_INFEASIBLE


class CheckFailedError(ZoptError):
    """The solver's answer failed the independent numpy replay."""

    exit_code = EXIT_CHECK_FAILED


class WriteError(ZoptError):
    """The run folder or a file in it could not be written."""

    exit_code = EXIT_WRITE_FAILED


class NoSolutionError(ZoptError):
    """The solver stopped (time limit, numerical trouble) without an acceptable solution."""

    exit_code = EXIT_NO_SOLUTION


class ProblemCollector:
    """Collects :class:`Problem` objects for one file so every problem is reported at once."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def add(self, where, column, message, found=None, expected=None) -> None:
        self.problems.append(Problem(self.file, str(where), str(column), message, found, expected))

    def __bool__(self) -> bool:
        return bool(self.problems)
