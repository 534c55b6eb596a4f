"""The package's import graph: no cycle, and no arrow from a lower layer to a higher one.

Every module of ``optimizer`` is parsed with :mod:`ast`; every ``import``/``from ... import``
anywhere in it (module top, inside functions, under ``TYPE_CHECKING``) is an arrow, and so is
``importlib.import_module("optimizer...")``. The layers (README, Layers):

    base (units, errors, paths, choices, the package) -> inputs -> resource -> model -> solve
    -> results -> export -> (pipeline, options) -> sweep -> cli, cli_*

A module may import its own layer or a lower one; within a layer the arrows must not close a
circle (a cycle anywhere fails, whatever the layers).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "optimizer"
LAYERS = [
    {"optimizer", "optimizer.units", "optimizer.errors", "optimizer.paths", "optimizer.choices"},
    {"optimizer.inputs"},
    {"optimizer.resource"},
    {"optimizer.model"},
    {"optimizer.solve"},
    {"optimizer.results"},
    {"optimizer.export"},
    {"optimizer.pipeline", "optimizer.options"},
    {"optimizer.sweep"},
    {"optimizer.cli"},
]


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its ``__init__``)."""
    out = {}
    for f in sorted(ROOT.rglob("*.py")):
        parts = list(f.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = f
    return out


def layer(name: str) -> int:
    """The layer index of module ``name`` (``cli_*`` modules are the cli layer)."""
    parts = name.split(".")
    if len(parts) == 2 and parts[1].startswith("cli"):
        name = "optimizer.cli"
    for i, group in enumerate(LAYERS):
        if any(name == g or (g != "optimizer" and name.startswith(g + ".")) for g in group):
            return i
    raise AssertionError(f"module {name} is in no layer: add it to LAYERS and the README")


def _resolve(name: str, path: Path, node: ast.ImportFrom, known: dict) -> list[str]:
    if node.level:
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        base = package[: len(package) - node.level + 1]
        mod = ".".join(base + ([node.module] if node.module else []))
    else:
        mod = node.module or ""
    if not mod.startswith("optimizer"):
        return []
    out = []
    for alias in node.names:
        sub = f"{mod}.{alias.name}"
        out.append(sub if sub in known else mod)
    return out


def arrows(name: str, path: Path, known: dict) -> set[str]:
    """The modules of the package that module ``name`` imports, anywhere in its body."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.split(".")[0] == "optimizer"}
        elif isinstance(node, ast.ImportFrom):
            out |= set(_resolve(name, path, node, known))
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "import_module":
            arg = node.args[0] if node.args else None
            if isinstance(arg, ast.Constant) and str(arg.value).startswith("optimizer"):
                out.add(str(arg.value))
    return {m for m in out if m != name}


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: {m for m in arrows(name, path, known) if m in known}
            for name, path in known.items()}  # fmt: skip


def cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index, low, on, stack, out, counter = {}, {}, set(), [], [], [0]

    def visit(v: str) -> None:
        work = [(v, iter(sorted(g[v])))]
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        while work:
            node, it = work[-1]
            nxt = next(it, None)
            if nxt is not None:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter[0]
                    counter[0] += 1
                    stack.append(nxt)
                    on.add(nxt)
                    work.append((nxt, iter(sorted(g[nxt]))))
                elif nxt in on:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return out


def test_no_arrow_from_a_lower_layer_to_a_higher_one():
    g = graph()
    up = [f"{a} -> {b}" for a in sorted(g) for b in sorted(g[a]) if layer(b) > layer(a)]
    assert not up, "imports from a lower layer to a higher one:\n" + "\n".join(up)


def test_no_import_cycle():
    found = cycles(graph())
    assert not found, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in found)


def test_the_walk_sees_imports_inside_functions_and_cycles(tmp_path):
    """The checker itself: an import inside a function is an arrow, and a circle is found."""
    src = tmp_path / "m.py"
    src.write_text("def f():\n    from optimizer.cli import app\n    return app\n")
    known = {"optimizer.cli": Path("cli.py"), "optimizer.model.x": src}
    assert arrows("optimizer.model.x", src, known) == {"optimizer.cli"}
    assert layer("optimizer.cli_sweep") > layer("optimizer.model.x")
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    with pytest.raises(AssertionError, match="in no layer"):
        layer("optimizer.nowhere")
