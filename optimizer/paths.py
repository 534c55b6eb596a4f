"""Where the embedded default data live.

The repository's top-level ``data/`` folder (an editable install, as the README uses), or the
folder named by the ``ZOPT_DATA_DIR`` environment variable.
"""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """Return the folder holding the embedded default inputs."""
    env = os.environ.get("ZOPT_DATA_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1] / "data"


def default_path(name: str) -> Path:
    """Return the path of one embedded default file, e.g. ``default_path("prices.csv")``."""
    return data_dir() / name
