"""The checks of a run's options, in one place: ``zopt solve`` and every sweep case use them.

Layer: beside :mod:`optimizer.pipeline` (it reads :class:`~optimizer.pipeline.RunOptions` and
the registry components' own checks, ``Component.check_options``). Every problem is a
:class:`~optimizer.errors.Problem` naming the option, what was found and what is expected;
the caller reports them all at once (exit 2).
"""

from __future__ import annotations

from optimizer.choices import METHODS, MODES, MOUNTS, OBJECTIVES, PRECISIONS, choice_list
from optimizer.errors import Problem
from optimizer.model.registry import option_problems


def _cmd(option: str, message: str, found, expected) -> Problem:
    return Problem("command line", "", option, message, found, expected)


def core_problems(target, mode, time_limit, mip_gap, method, mount) -> list[Problem]:
    """Target [FLOPS] in (0, 1e30), mode, time limit [s] > 0, gap in [0, 1), method, mount."""
    checks = [
        (0 < target < 1e30, "--target", "must be a positive FLOPS figure", target, "e.g. 1e21"),
        (mode in MODES, "--mode", "unknown mode", mode, choice_list("mode")),
        (time_limit > 0, "--time-limit", "must be positive", time_limit, "> 0 s"),
        (0 <= mip_gap < 1, "--mip-gap", "must be a fraction", mip_gap, "0 <= gap < 1"),
        (method in METHODS, "--method", "unknown method", method, choice_list("method")),
        (mount in MOUNTS, "--mount", "unknown mount", mount, choice_list("mount")),
    ]
    return [_cmd(opt, msg, found, exp) for ok, opt, msg, found, exp in checks if not ok]


def unserved_problems(max_unserved: float, mode: str) -> list[Problem]:
    """``--max-unserved``: a fraction in [0, 1), only in sustained mode."""
    if not 0 <= max_unserved < 1:
        return [_cmd("--max-unserved", "must be a fraction", max_unserved, "0 <= fraction < 1")]
    if max_unserved > 0 and mode != "sustained":
        return [_cmd("--max-unserved", "only applies to --mode sustained", mode, "sustained")]
    return []


def land_option_problems(max_distance_km, max_sites, campus_km=None) -> list[Problem]:
    """``--campus-km`` in [0, 50], ``--max-distance-km`` > 0, ``--max-sites`` >= 1."""
    out = []
    if campus_km is not None and not 0 <= campus_km <= 50:
        out.append(_cmd("--campus-km", "must be a distance", campus_km, "0 <= km <= 50"))
    if max_distance_km is not None and not max_distance_km > 0:
        out.append(_cmd("--max-distance-km", "must be positive", max_distance_km, "> 0 km"))
    if max_sites is not None and max_sites < 1:
        out.append(_cmd("--max-sites", "must be at least 1", max_sites, ">= 1"))
    return out


def run_option_problems(opts) -> list[Problem]:
    """Every problem of one run's options (a :class:`~optimizer.pipeline.RunOptions`): the
    core options above, precision, objective, threads, stress years and every registry
    component's own check of its options (e.g. ``--backup``, ``--wind``)."""
    s = opts.solve
    out = core_problems(opts.target_flops, opts.mode, s.time_limit_s, s.mip_rel_gap,
                        opts.method, opts.mount)  # fmt: skip
    out += unserved_problems(opts.max_unserved, opts.mode)
    out += land_option_problems(opts.max_distance_km, opts.max_sites, opts.campus_km)
    if opts.precision not in PRECISIONS:
        out.append(_cmd("--precision", "unknown precision", opts.precision,
                        choice_list("precision")))  # fmt: skip
    if opts.objective not in OBJECTIVES:
        out.append(_cmd("--objective", "unknown objective", opts.objective,
                        choice_list("objective")))  # fmt: skip
    if s.threads < 1:
        out.append(_cmd("--threads", "must be at least 1", s.threads, ">= 1"))
    if opts.stress_years < 0:
        out.append(_cmd("--stress-years", "must not be negative", opts.stress_years, ">= 0"))
    return out + option_problems(opts.as_dict())
