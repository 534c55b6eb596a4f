"""Validate a whole sweep before any solve: read each distinct set of inputs once, expand the
cases and check every case's options and overridden values; report every problem at once."""

from __future__ import annotations

from dataclasses import dataclass, field

from optimizer.errors import InputError, Problem
from optimizer.inputs.bundle import Inputs, load_inputs
from optimizer.inputs.prices import price_schema
from optimizer.options import run_option_problems
from optimizer.sweep.cases import (
    Case,
    case_key,
    dedupe,
    group_key,
    input_paths,
    product_cases,
    run_options,
    sensitivity_cases,
)
from optimizer.sweep.spec import SweepSpec, relabel


@dataclass
class Prepared:
    """A validated sweep: its cases (distinct keys) and the inputs of each input group."""

    spec: SweepSpec
    cases: list[Case]
    inputs: dict[str, Inputs] = field(default_factory=dict)  # group key -> validated inputs


def _read_groups(cases: list[Case]) -> tuple[dict[str, Inputs], list[Problem]]:
    """Read and validate the inputs of every distinct input setting once."""
    groups, problems = {}, []
    for case in cases:
        g = group_key(case.options)
        if g in groups:
            continue
        paths, precision = input_paths(case.options)
        try:
            groups[g] = load_inputs(paths, precision=precision)
        except InputError as exc:
            groups[g] = None
            problems += [p for p in exc.problems if p not in problems]
    return groups, problems


def _option_problems(case: Case, file: str, where: str) -> list[Problem]:
    """The case's run options checked as ``zopt solve`` checks them
    (:func:`optimizer.options.run_option_problems`), relabelled to the spec."""
    return relabel(run_option_problems(run_options(case.options)), file, where)


def _value_problems(case: Case, inputs: Inputs, file: str, where: str) -> list[Problem]:
    """Overridden prices within the key's range; chip names known; chip prices positive."""
    out = []
    for key, value in case.prices.items():
        if key not in price_schema():
            out.append(Problem(file, where, "price", "unknown price key", key,
                               "a key of data/prices.csv"))  # fmt: skip
            continue
        unit, lo, hi = price_schema()[key]
        if not lo <= value <= hi:
            out.append(Problem(file, where, key, "price out of range", value,
                               f"{lo:g} to {hi:g} {unit}"))  # fmt: skip
    names = set(inputs.chips["chip"]) if inputs is not None else set()
    for name, value in case.chip_prices.items():
        if inputs is not None and name not in names:
            out.append(Problem(file, where, "chip_price", "unknown chip", name,
                               " | ".join(sorted(names))))  # fmt: skip
        if not value > 0:
            out.append(Problem(file, where, f"chip_price:{name}", "must be positive", value,
                               "> 0 $/chip"))  # fmt: skip
    if case.chip_factor is not None and not case.chip_factor > 0:
        out.append(Problem(file, where, "chip_price", "factor must be positive", case.chip_factor,
                           "> 0, e.g. 0.7"))  # fmt: skip
    for name, f in (("chip_scale", min(case.chip_scale or (1.0,))),
                    ("parcel_factor", case.parcel_factor)):  # fmt: skip
        if f is not None and not (f > 0 and f < float("inf")):
            out.append(Problem(file, where, name, "factor must be positive", f, "> 0"))
    return out


def _drop_no_ops(case: Case, inputs: Inputs) -> None:
    """Forget overrides equal to the inputs' own values (the case's key is then the key of the
    same case without them, so the two are solved once)."""
    case.prices = {k: v for k, v in case.prices.items() if v != inputs.prices.value(k)}
    price = dict(zip(inputs.chips["chip"], inputs.chips["price_usd"], strict=True))
    case.chip_prices = {k: v for k, v in case.chip_prices.items() if v != price.get(k)}
    if case.chip_factor == 1.0:
        case.chip_factor = None
    if case.chip_scale == (1.0, 1.0):
        case.chip_scale = None
    if case.parcel_factor == 1.0:
        case.parcel_factor = None


def _where(case: Case) -> str:
    if case.role == "sensitivity":
        return f"[sensitivity] {case.sens_key or 'base'} {case.sens_side}".rstrip()
    if not case.varied:
        return "[base]"
    return "case " + ", ".join(f"{k}={v}" for k, v in case.varied.items())


def prepare(spec: SweepSpec) -> Prepared:
    """Expand and validate the sweep; raise :class:`InputError` listing every problem."""
    file = str(spec.path)
    cases = product_cases(spec)
    base = Case(dict(spec.base))
    groups, problems = _read_groups([base, *cases])
    problems = list(spec.problems) + problems
    if spec.sensitivity_keys or not spec.axes:
        base_inputs = groups.get(group_key(spec.base))
        if base_inputs is not None:
            sens, p = sensitivity_cases(spec, base_inputs)
            cases += sens if spec.sensitivity_keys else []
            problems += p
    seen = {(p.column, p.message, str(p.found)) for p in problems}
    for case in cases:
        inputs = groups.get(group_key(case.options))
        where = _where(case)
        for p in _option_problems(case, file, where) + _value_problems(case, inputs, file, where):
            if (p.column, p.message, str(p.found)) not in seen:  # a base problem: once
                seen.add((p.column, p.message, str(p.found)))
                problems.append(p)
    if problems:
        raise InputError(problems)
    checksums = {g: i.checksums() for g, i in groups.items()}
    for case in cases:
        _drop_no_ops(case, groups[group_key(case.options)])
        case.key = case_key(case, checksums[group_key(case.options)])
    return Prepared(spec, dedupe(cases), {g: i for g, i in groups.items() if i is not None})
