"""Read and validate a sweep spec (TOML): ``[base]``, ``[[axis]]`` and ``[sensitivity]``.

Every problem is collected before anything is solved and raised at once as an
:class:`~optimizer.errors.InputError` (exit 2), like any other input. Option names are the long
names of ``zopt solve`` (``mip-gap`` or ``mip_gap``).

Axis kinds (exactly one per ``[[axis]]``):

``price = "KEY"``
    a key of the prices table; values in the key's unit (range-checked like ``prices.csv``).
``chip_price = "NAME"``
    the price of one chip type [$/chip]; ``chip_price = "*"`` scales every chip's price by
    each value (a factor, e.g. ``[0.7, 1.0]``).
``option = "NAME"``
    any ``zopt solve`` option (e.g. ``target`` [FLOPS], ``mode``, ``mip-gap``).
``input = "NAME"``
    an input file (``weather``, ``parcels``, ``chips``, ``reservoirs``, ``prices``); values
    are paths, relative to the spec file's folder.

``[sensitivity]``: ``keys`` (price keys; ``chip_price`` = every chip's price at once;
``chip_price:NAME`` = one chip; or a numeric option such as ``target``) and ``range`` (a
fraction): each key is solved at base x (1 - range) and base x (1 + range), the others at base.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from optimizer.choices import CHOICES, choice_list
from optimizer.errors import InputError, Problem
from optimizer.inputs.prices import price_schema
from optimizer.model.registry import component_options

#: long option name -> (where it goes, attribute, type): "run" RunOptions, "solve" SolveOptions,
#: "paths" InputPaths (an input file or a land setting: read once per distinct value)
OPTIONS: dict[str, tuple[str, str, type]] = {
    "target": ("run", "target_flops", float),
    "mode": ("run", "mode", str),
    "precision": ("paths", "precision", str),
    "mount": ("run", "mount", str),
    "method": ("run", "method", str),
    "no-liion": ("run", "no_liion", bool),
    "max-unserved": ("run", "max_unserved", float),
    "max-distance-km": ("run", "max_distance_km", float),
    "max-sites": ("run", "max_sites", int),
    "warm-start": ("run", "warm_start", Path),
    "time-limit": ("solve", "time_limit_s", float),
    "mip-gap": ("solve", "mip_rel_gap", float),
    "threads": ("solve", "threads", int),
    "seed": ("solve", "random_seed", int),
    "parcels": ("paths", "parcels", Path),
    "parcels-layer": ("paths", "parcels_layer", str),
    "prices": ("paths", "prices", Path),
    "chips": ("paths", "chips", Path),
    "reservoirs": ("paths", "reservoirs", Path),
    "weather": ("paths", "weather", Path),
    "scenario": ("paths", "scenario", str),
    "exclude": ("paths", "exclude", list),
    "exclude-buffer-m": ("paths", "exclude_buffer_m", float),
    "fix-geometry": ("paths", "fix_geometry", bool),
    "column-map": ("paths", "column_map", str),
}
#: the registry components' options (``Component.options``): "component" RunOptions.components
OPTIONS.update({o.name: ("component", o.key, o.kind) for o in component_options()})
INPUT_FILES = ("parcels", "prices", "chips", "reservoirs", "weather")
AXIS_KINDS = ("price", "chip_price", "option", "input")
MAX_CASES = 10_000


@dataclass(frozen=True)
class Axis:
    """One ``[[axis]]``: its kind (:data:`AXIS_KINDS`), name and values."""

    kind: str
    name: str
    values: tuple

    @property
    def label(self) -> str:
        """Column name of the axis in ``sweep.csv``, e.g. ``price:pv_module_usd_per_w_dc``."""
        return f"{self.kind}:{self.name}"


@dataclass
class SweepSpec:
    """A validated sweep spec.

    Attributes
    ----------
    path : the spec file
    name : sweep folder name (``name`` in the spec, else ``sweep_<file stem>``)
    base : option name (canonical, hyphenated) -> value
    axes : the ``[[axis]]`` entries (cases are their product)
    sensitivity_keys, sensitivity_range : one-at-a-time keys and their range [fraction]
    text : the spec file's bytes (its sha256 goes into the manifest)
    problems : problems found in the structure (with ``read_spec(strict=False)``)
    """

    path: Path
    name: str
    base: dict = field(default_factory=dict)
    axes: list[Axis] = field(default_factory=list)
    sensitivity_keys: list[str] = field(default_factory=list)
    sensitivity_range: float = 0.2
    text: bytes = b""
    problems: list[Problem] = field(default_factory=list)


def canonical_option(name: str) -> str:
    """``mip_gap`` / ``--mip-gap`` -> ``mip-gap``."""
    return str(name).strip().lstrip("-").replace("_", "-")


class _Collector:
    def __init__(self, file: str):
        self.file, self.problems = file, []

    def add(self, where, column, message, found=None, expected=None):
        self.problems.append(Problem(self.file, where, column, message, found, expected))


def _coerce(name: str, value, where: str, c: _Collector, base_dir: Path):
    """``value`` converted to the option's type, or None with a problem recorded (a choice
    option's value must be one of :data:`optimizer.choices.CHOICES`, like on the command line)."""
    _, _, typ = OPTIONS[name]
    if typ is bool:
        if isinstance(value, bool):
            return value
    elif typ is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    elif typ is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif typ is Path:
        if isinstance(value, str) and value:
            p = Path(value).expanduser()
            return p if p.is_absolute() else (base_dir / p)
    elif typ is list:
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return [base_dir / Path(v) for v in value]
    elif isinstance(value, str):
        if name in CHOICES and value not in CHOICES[name]:
            c.add(where, name, f"unknown {name}", value, choice_list(name))
            return None
        return value
    c.add(where, name, "wrong type", repr(value), typ.__name__)
    return None


def _parse_base(raw, c: _Collector, base_dir: Path) -> dict:
    if not isinstance(raw, dict):
        c.add("[base]", "", "must be a table", type(raw).__name__, "[base] with options")
        return {}
    out = {}
    for key, value in raw.items():
        name = canonical_option(key)
        if name not in OPTIONS:
            c.add("[base]", key, "unknown option", key, "a long option of zopt solve")
            continue
        v = _coerce(name, value, "[base]", c, base_dir)
        if v is not None:
            out[name] = v
    return out


def _parse_axis(i: int, raw, c: _Collector, base_dir: Path) -> Axis | None:
    where = f"axis {i + 1}"
    if not isinstance(raw, dict):
        c.add(where, "", "must be a table", type(raw).__name__, "[[axis]]")
        return None
    kinds = [k for k in AXIS_KINDS if k in raw]
    extra = sorted(set(raw) - set(AXIS_KINDS) - {"values"})
    for key in extra:
        c.add(where, key, "unknown axis field", key, "price | chip_price | option | input, values")
    if len(kinds) != 1:
        c.add(where, "", "needs exactly one of price, chip_price, option, input", kinds or None)
        return None
    kind, name = kinds[0], raw[kinds[0]]
    values = raw.get("values")
    if not isinstance(values, list) or not values:
        c.add(where, "values", "must be a non-empty list", values)
        return None
    if not isinstance(name, str) or not name:
        c.add(where, kind, "must be a name", name)
        return None
    if len({repr(v) for v in values}) != len(values):
        c.add(where, "values", "repeated value", values, "distinct values")
    if kind == "option":
        name = canonical_option(name)
        if name not in OPTIONS:
            c.add(where, "option", "unknown option", name, "a long option of zopt solve")
            return None
        values = [_coerce(name, v, where, c, base_dir) for v in values]
    elif kind == "input":
        if name not in INPUT_FILES:
            c.add(where, "input", "unknown input file", name, " | ".join(INPUT_FILES))
            return None
        values = [_coerce(name, v, where, c, base_dir) for v in values]
    else:
        if kind == "price" and name not in price_schema():
            close = difflib.get_close_matches(name, list(price_schema()), n=2, cutoff=0.6)
            hint = "did you mean " + " or ".join(close) + "?" if close else "a key of prices.csv"
            c.add(where, "price", "unknown price key", name, hint)
            return None
        bad = [v for v in values if isinstance(v, bool) or not isinstance(v, int | float)]
        if bad:
            c.add(where, "values", "must be numbers", bad)
            return None
        values = [float(v) for v in values]
    return Axis(kind, name, tuple(values))


def _parse_sensitivity(raw, c: _Collector) -> tuple[list[str], float]:
    if raw is None:
        return [], 0.2
    if not isinstance(raw, dict):
        c.add("[sensitivity]", "", "must be a table", type(raw).__name__)
        return [], 0.2
    keys, rng = raw.get("keys", []), raw.get("range", 0.2)
    for key in sorted(set(raw) - {"keys", "range"}):
        c.add("[sensitivity]", key, "unknown field", key, "keys, range")
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        c.add("[sensitivity]", "keys", "must be a list of names", keys)
        keys = []
    if isinstance(rng, bool) or not isinstance(rng, int | float) or not 0 < rng < 1:
        c.add("[sensitivity]", "range", "must be a fraction", rng, "0 < range < 1, e.g. 0.2")
        rng = 0.2
    if len(set(keys)) != len(keys):
        c.add("[sensitivity]", "keys", "repeated key", keys, "each key once")
    return list(keys), float(rng)


def read_spec(path: Path, strict: bool = True) -> SweepSpec:
    """Read the spec file's structure; raise :class:`InputError` with every problem found
    (with ``strict=False`` only for a file that is not TOML: the other problems are left in
    :attr:`SweepSpec.problems`, for :func:`optimizer.sweep.prepare.prepare` to report them
    with the ones that need the inputs: price ranges, chip names, option values).
    """
    path = Path(path)
    c = _Collector(str(path))
    try:
        text = path.read_bytes()
        raw = tomllib.loads(text.decode("utf-8"))
    except OSError as exc:
        msg = f"cannot read: {exc.strerror or exc}"
        raise InputError([Problem(str(path), "", "", msg)]) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError([Problem(str(path), "", "", f"not valid TOML: {exc}")]) from exc
    for key in sorted(set(raw) - {"base", "axis", "sensitivity", "name"}):
        c.add(key, "", "unknown table", key, "name, [base], [[axis]], [sensitivity]")
    base_dir = path.resolve().parent
    base = _parse_base(raw.get("base", {}), c, base_dir)
    axes_raw = raw.get("axis", [])
    if not isinstance(axes_raw, list):
        c.add("axis", "", "must be an array of tables", type(axes_raw).__name__, "[[axis]]")
        axes_raw = []
    axes = [ax for i, raw_ax in enumerate(axes_raw) if (ax := _parse_axis(i, raw_ax, c, base_dir))]
    labels = [a.label for a in axes]
    for label in sorted({x for x in labels if labels.count(x) > 1}):
        c.add("axis", label, "the same axis twice", label, "each axis once")
    keys, rng = _parse_sensitivity(raw.get("sensitivity"), c)
    name = raw.get("name", f"sweep_{path.stem}")
    if not isinstance(name, str) or not name or "/" in name or name.startswith("."):
        c.add("name", "", "must be a folder name", name, "e.g. prices_2026")
    if c.problems and strict:
        raise InputError(c.problems)
    return SweepSpec(path, name if isinstance(name, str) else "sweep", base, axes, keys, rng,
                     text, c.problems)  # fmt: skip


def relabel(problems: list[Problem], file: str, where: str) -> list[Problem]:
    """Problems of ``zopt solve`` options (file "command line") re-addressed to the spec."""
    return [
        replace(p, file=file, where=where, column=p.column.lstrip("-"))
        if p.file == "command line"
        else p
        for p in problems
    ]
