"""Named scenarios: ``data/scenarios/NAME/`` with price overrides, a chip catalogue and the
scenario's own back-of-envelope figures (see ``data/scenarios/README.md``)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from optimizer.errors import ProblemCollector
from optimizer.paths import data_dir


@dataclass
class Scenario:
    """A named set of assumptions layered over the embedded defaults."""

    name: str
    description: str
    prices: Path | None
    chips: Path | None
    envelope_usd: dict[str, float] = field(default_factory=dict)
    source: str = ""


def available_scenarios() -> list[str]:
    """Names of the scenarios shipped in ``data/scenarios/``."""
    root = data_dir() / "scenarios"
    return sorted(p.name for p in root.iterdir() if (p / "scenario.json").is_file())


def load_scenario(name: str) -> tuple[Scenario | None, ProblemCollector]:
    """Read ``data/scenarios/<name>/``; record a problem when it does not exist or is malformed."""
    folder = data_dir() / "scenarios" / name
    problems = ProblemCollector(str(folder / "scenario.json"))
    if not (folder / "scenario.json").is_file():
        problems.add(
            "",
            "--scenario",
            "unknown scenario",
            found=name,
            expected=" or ".join(available_scenarios()) or "a folder in data/scenarios",
        )
        return None, problems
    try:
        meta = json.loads((folder / "scenario.json").read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        problems.add(f"line {exc.lineno}", "", f"not valid JSON: {exc.msg}")
        return None, problems
    envelope = meta.get("envelope_usd", {})
    if not isinstance(envelope, dict) or not all(
        isinstance(v, int | float) for v in envelope.values()
    ):
        problems.add("", "envelope_usd", "must map item names to dollar figures", found=envelope)
        envelope = {}
    return Scenario(
        name=str(meta.get("name", name)),
        description=str(meta.get("description", "")),
        prices=folder / "prices.csv" if (folder / "prices.csv").is_file() else None,
        chips=folder / "chips.csv" if (folder / "chips.csv").is_file() else None,
        envelope_usd={str(k): float(v) for k, v in envelope.items()},
        source=str(meta.get("source", "")),
    ), problems
