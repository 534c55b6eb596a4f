"""The one list of choices of every choice option (``zopt solve``, ``zopt yield``, sweep specs).

The command line (``click.Choice``: ``--help`` lists the choices, any other value is refused
with the list), the input checks and the sweep spec all read these tuples, so a new choice is
added in one place. This module imports nothing from zopt (every layer may read it).
"""

from __future__ import annotations

MODES = ("sustained", "average", "peak")
PRECISIONS = ("fp4", "fp8", "bf16")
MOUNTS = ("single-axis", "fixed")
OBJECTIVES = ("capex", "lifecycle")
BACKUP_KINDS = ("gas", "diesel")
#: how the solve proves its gap (``optimizer.solve.strategy``): a search by hand over LP
#: relaxations, or HiGHS's branch and bound on the full MILP
METHODS = ("search", "direct")

#: long option name (as in ``zopt solve`` and a sweep spec) -> its choices
CHOICES: dict[str, tuple[str, ...]] = {
    "mode": MODES,
    "precision": PRECISIONS,
    "mount": MOUNTS,
    "objective": OBJECTIVES,
    "backup": BACKUP_KINDS,
    "method": METHODS,
}


def choice_list(name: str) -> str:
    """The choices of option ``name`` in words, e.g. ``"sustained | average | peak"``."""
    return " | ".join(CHOICES[name])
