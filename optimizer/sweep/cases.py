"""Expand a sweep spec into cases: the product of the axes, plus one-at-a-time sensitivity cases
at base x (1 +- range). Each case gets a key (sha256 of everything that defines its inputs) that
names its folder, so a rerun of the same spec finds the cases already done."""

from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import dataclass, field

from optimizer.errors import Problem
from optimizer.inputs.bundle import InputPaths
from optimizer.inputs.prices import price_schema
from optimizer.pipeline import RunOptions
from optimizer.solve.highs import SolveOptions
from optimizer.sweep.spec import OPTIONS, Axis, SweepSpec

#: numeric options that a sensitivity key may name
NUMERIC_OPTIONS = tuple(k for k, (w, _, t) in OPTIONS.items() if t is float and w != "paths")


@dataclass
class Case:
    """One case of a sweep.

    Attributes
    ----------
    options : canonical option name -> value ([base] with this case's option/input values)
    prices : price key -> value [the key's unit] replacing the table's value
    chip_prices : chip name -> price [$/chip]
    chip_factor : every chip's price multiplied by this [-] (None: unchanged)
    varied : column label -> value, the values that define the case in ``sweep.csv``
    role : "product" (an axes combination) or "sensitivity"
    sens_key, sens_side : the sensitivity key and "low" / "base" / "high"
    price_sources : price key -> the source text of its overridden value (default "zopt sweep")
    chip_scale : (price factor, power factor) [-] applied to every chip's ``price_usd`` and
        ``overhead_usd``, and to its ``tdp_w`` and ``overhead_w`` (None: unchanged)
    chip_source : the source text of the scaled catalogue (with ``chip_scale``)
    parcel_factor : every parcel's price multiplied by this [-] (None: unchanged)
    """

    options: dict
    prices: dict = field(default_factory=dict)
    chip_prices: dict = field(default_factory=dict)
    chip_factor: float | None = None
    varied: dict = field(default_factory=dict)
    role: str = "product"
    sens_key: str = ""
    sens_side: str = ""
    key: str = ""
    price_sources: dict = field(default_factory=dict)
    chip_scale: tuple[float, float] | None = None
    chip_source: str = ""
    parcel_factor: float | None = None

    @property
    def case_id(self) -> str:
        """Short stable id: the first 12 hex digits of :attr:`key` (the case folder's name)."""
        return self.key[:12]


def _apply(case: Case, axis: Axis, value) -> None:
    if axis.kind == "price":
        case.prices[axis.name] = value
    elif axis.kind == "chip_price" and axis.name == "*":
        case.chip_factor = value
    elif axis.kind == "chip_price":
        case.chip_prices[axis.name] = value
    else:  # option or input file
        case.options[axis.name] = value
    case.varied[axis.label] = value


def product_cases(spec: SweepSpec) -> list[Case]:
    """Every combination of the axes' values (one case, the base, when there are no axes)."""
    out = []
    for combo in itertools.product(*(a.values for a in spec.axes)):
        case = Case(options=dict(spec.base))
        for axis, value in zip(spec.axes, combo, strict=True):
            _apply(case, axis, value)
        out.append(case)
    return out


def run_options(options: dict) -> RunOptions:
    """The :class:`RunOptions` of a case (solver live line off; one HiGHS thread by default)."""
    opts, solve = RunOptions(), SolveOptions()
    for name, value in options.items():
        where, attr, _ = OPTIONS[name]
        if where == "solve":
            setattr(solve, attr, value)
        elif attr == "no_liion":
            opts.liion = not value
        elif where == "run":
            setattr(opts, attr, value)
        elif where == "component":
            opts.components[attr] = value
    solve.live = False
    opts.solve = solve
    return opts


def input_paths(options: dict) -> tuple[InputPaths, str]:
    """The :class:`InputPaths` and precision of a case's options."""
    paths = InputPaths()
    for name, value in options.items():
        where, attr, _ = OPTIONS[name]
        if where == "paths" and attr != "precision":
            setattr(paths, attr, value)
    return paths, options.get("precision", "fp8")


def group_key(options: dict) -> str:
    """Which inputs a case reads: cases with the same key share one read of the inputs."""
    paths, precision = input_paths(options)
    return json.dumps([vars(paths), precision], sort_keys=True, default=str)


def base_value(key: str, spec: SweepSpec, inputs) -> float | None:
    """The base value of a sensitivity key (None when the key is unknown)."""
    if key in price_schema():
        return inputs.prices.value(key)
    if key == "chip_price":
        return 1.0
    if key.startswith("chip_price:"):
        name = key.split(":", 1)[1]
        hit = inputs.chips.loc[inputs.chips["chip"] == name, "price_usd"]
        return float(hit.iloc[0]) if len(hit) else None
    name = key.removeprefix("option:")
    if name in NUMERIC_OPTIONS:
        default = run_options({}).as_dict()
        return spec.base.get(name, default.get(OPTIONS[name][1], default.get(
            "solver_" + OPTIONS[name][1])))  # fmt: skip
    return None


def sens_label(key: str) -> str:
    """The ``sweep.csv`` column of a sensitivity key (the same as an axis on it would have):
    ``price:KEY``, ``chip_price:*`` (every chip), ``chip_price:NAME`` or ``option:NAME``."""
    if key in price_schema():
        return f"price:{key}"
    if key == "chip_price":
        return "chip_price:*"
    if key.startswith("chip_price:"):
        return key
    return f"option:{key.removeprefix('option:')}"


def sensitivity_cases(spec: SweepSpec, inputs) -> tuple[list[Case], list[Problem]]:
    """The base case and each key at base x (1 - range) and base x (1 + range)."""
    problems, out = [], [Case(dict(spec.base), role="sensitivity", sens_side="base")]
    r = spec.sensitivity_range
    for key in spec.sensitivity_keys:
        base = base_value(key, spec, inputs)
        if base is None:
            problems.append(Problem(str(spec.path), "[sensitivity]", "keys", "unknown key", key,
                                    "a price key, chip_price, chip_price:NAME or "
                                    + ", ".join(NUMERIC_OPTIONS)))  # fmt: skip
            continue
        for side, factor in (("low", 1 - r), ("high", 1 + r)):
            case = Case(dict(spec.base), role="sensitivity", sens_key=key, sens_side=side)
            value = base * factor
            if key in price_schema():
                case.prices[key] = value
            elif key == "chip_price":
                case.chip_factor = value
            elif key.startswith("chip_price:"):
                case.chip_prices[key.split(":", 1)[1]] = value
            else:
                case.options[key.removeprefix("option:")] = value
            case.varied[sens_label(key)] = value
            out.append(case)
    return out, problems


def case_key(case: Case, checksums: dict) -> str:
    """sha256 of a case's effective options, input paths and file checksums and overrides."""
    paths, precision = input_paths(case.options)
    record = {
        "options": run_options(case.options).as_dict(),
        "paths": vars(paths),
        "precision": precision,
        "checksums": checksums,
        "prices": case.prices,
        "chip_prices": case.chip_prices,
        "chip_factor": case.chip_factor,
    }
    for name in ("price_sources", "chip_scale", "chip_source", "parcel_factor"):
        if getattr(case, name) not in (None, "", {}):  # only when set: older keys unchanged
            record[name] = getattr(case, name)
    text = json.dumps(record, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def dedupe(cases: list[Case]) -> list[Case]:
    """Cases with distinct keys, first occurrence kept (the base may be an axes combination
    too: it then keeps its sensitivity side as well)."""
    seen: dict[str, Case] = {}
    for case in cases:
        if case.key in seen:
            first = seen[case.key]
            if case.sens_side and not first.sens_side:  # e.g. the base is an axes combination
                first.sens_key, first.sens_side = case.sens_key, case.sens_side
                first.varied = {**case.varied, **first.varied}
            continue
        seen[case.key] = case
    return list(seen.values())
