"""``manifest.json``: what a run read and what ran it, so two runs can be compared (``zopt diff``)
and a run can be reproduced.

Holds the sha256 of every input file (and of the embedded weather model's files when no weather
file was given), the price table used, package versions (HiGHS version and git hash included),
the solver options (threads, seed...), the termination status, the proven gap and the wall time
of each stage [s]. The Run info sheet of ``bom.xlsx`` shows the same content, flattened.
"""

from __future__ import annotations

import json
import platform
import re
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import optimizer
from optimizer.inputs.bundle import sha256_file
from optimizer.paths import data_dir, default_path
from optimizer.results.run import RunResult

MANIFEST = "manifest.json"
FORMAT_VERSION = 1
PACKAGES = [
    "pyomo",
    "highspy",
    "pvlib",
    "geopandas",
    "pyogrio",
    "shapely",
    "pyproj",
    "pandas",
    "numpy",
    "scipy",
    "openpyxl",
    "matplotlib",
]


def _dist_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def package_versions(highs_version: str = "") -> dict[str, str]:
    """Versions of Python, zopt, the libraries, GDAL (via pyogrio) and HiGHS."""

    out = {"python": platform.python_version(), "zopt": optimizer.__version__}
    out.update({name: _dist_version(name) for name in PACKAGES})
    try:
        import pyogrio

        out["GDAL"] = pyogrio.__gdal_version_string__
    except (ImportError, AttributeError):
        out["GDAL"] = "unknown"
    match = re.match(r"\s*(\S+)\s*\(git\s*([0-9a-fA-F]+)\)", highs_version or "")
    out["HiGHS"] = match.group(1) if match else (highs_version or "unknown")
    out["HiGHS githash"] = match.group(2) if match else "unknown"
    return out


def input_files(run: RunResult) -> dict[str, dict]:
    """Input name -> {path, sha256, embedded}; the embedded weather model lists its files."""
    out = {}
    for name, path in run.inputs.paths.items():
        if path is None:
            folder = default_path("weather")
            files = sorted(p for p in Path(folder).glob("*.csv"))
            out[name] = {
                "path": None,
                "embedded": True,
                "sha256": None,
                "files": {p.name: sha256_file(p) for p in files},
            }
            continue
        embedded = Path(path).resolve().parent == data_dir().resolve()
        out[name] = {"path": str(path), "embedded": embedded, "sha256": sha256_file(path)}
    return out


def build_manifest(run: RunResult) -> dict:
    """Return the manifest of ``run`` as a JSON-ready dict."""
    solver_options = {
        k.removeprefix("solver_"): v for k, v in run.options.items() if k.startswith("solver_")
    }
    return {
        "format": FORMAT_VERSION,
        "written_utc": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "inputs": input_files(run),
        "weather_source": run.profiles.weather_source,
        "scenario": getattr(getattr(run.inputs, "scenario", None), "name", None),
        "prices": {
            k: {
                "value": p.value,
                "unit": p.unit,
                "source": p.source,
                "year": p.year,
                "is_default": bool(p.is_default),
            }
            for k, p in run.inputs.prices.items()
        },
        "options": {k: v for k, v in run.options.items() if not k.startswith("solver_")},
        "solver_options": solver_options,
        "solver": dict(run.solver),
        "packages": package_versions(str(run.solver.get("highs_version", ""))),
        "timings_s": {k: round(float(v), 3) for k, v in run.timings_s.items()},
    }


def flatten(manifest: dict) -> dict[str, object]:
    """The manifest as ``key -> value`` rows for the Run info sheet (prices are on their own
    sheet and left out)."""
    rows: dict[str, object] = {}
    for name, version in manifest["packages"].items():
        rows[f"version {name}"] = version
    for name, info in manifest["inputs"].items():
        rows[f"input {name}"] = info["path"] or "embedded model (data/weather)"
        if info.get("sha256"):
            rows[f"sha256 {name}"] = info["sha256"]
        for fname, digest in info.get("files", {}).items():
            rows[f"sha256 {name}/{fname}"] = digest
    rows["weather source"] = manifest["weather_source"]
    rows["scenario"] = manifest.get("scenario") or "none"
    rows.update({f"option {k}": v for k, v in manifest["options"].items()})
    rows.update({f"solver option {k}": v for k, v in manifest["solver_options"].items()})
    solver = dict(manifest["solver"])
    loop = solver.pop("record_loop", None)
    rows.update({f"solver {k}": v for k, v in solver.items()})
    if loop:  # one design for every weather year: a row per iteration of the loop
        from optimizer.solve.record import iteration_lines

        rows.update({f"solver record loop {it['iteration']}": line
                     for it, line in zip(loop, iteration_lines(loop), strict=True)})  # fmt: skip
    rows.update({f"seconds {k}": v for k, v in manifest["timings_s"].items()})
    return rows


def write_manifest(run: RunResult, folder: Path) -> Path:
    """Write ``manifest.json`` into ``folder`` and return its path."""
    path = Path(folder) / MANIFEST
    text = json.dumps(build_manifest(run), indent=2, default=str)
    path.write_text(text + "\n", encoding="utf-8")
    return path
