"""A disk cache of hourly PV profiles, keyed by everything that determines them.

A rerun after a price edit recomputes nothing of the resource: the profile of a place depends
only on the weather (the file's hourly values, or the embedded default weather model's files),
the place (latitude, longitude, elevation), the PV design parameters, and the code and pvlib
version that compute it. The key is the sha256 of all of these; a changed input or code is a
new key, never a stale hit. Entries are ``.npy`` files written atomically (temporary file, then
rename) under ``$ZOPT_CACHE_DIR`` (default ``~/.cache/zopt/pv``); ``ZOPT_CACHE_DIR=off``
disables the cache. A cache that cannot be read or written is skipped silently: it only saves
time.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import numpy as np

_HERE = Path(__file__).parent


def _code_digest() -> str:
    """sha256 of the code a profile depends on (this package's resource and weather modules)."""
    files = sorted(_HERE.glob("*.py")) + sorted((_HERE.parent / "inputs").glob("weather*.py"))
    files += [_HERE.parent / "inputs" / "timezone.py"]
    h = hashlib.sha256()
    for p in files:
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


_CODE_SHA = _code_digest()


def cache_dir() -> Path | None:
    """The cache folder, or None when disabled."""
    env = os.environ.get("ZOPT_CACHE_DIR", "")
    if env.lower() == "off":
        return None
    return Path(env) if env else Path.home() / ".cache" / "zopt" / "pv"


def weather_digest(weather, default_files: list[Path]) -> str:
    """sha256 of a weather's hourly values (or of the default weather model's files)."""
    h = hashlib.sha256()
    if weather is not None:
        h.update(np.ascontiguousarray(weather.df.to_numpy(dtype=float)).tobytes())
        h.update(str(weather.df.index[0]).encode())
    else:
        for p in sorted(default_files):
            h.update(p.name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def profile_key(weather_sha: str, lat: float, lon: float, alt: float, params) -> str:
    """The cache key of one profile."""
    import pvlib

    h = hashlib.sha256()
    h.update(weather_sha.encode())
    h.update(f"{lat:.9f},{lon:.9f},{alt:.3f}".encode())
    h.update(repr(sorted(asdict(params).items())).encode())
    h.update(pvlib.__version__.encode())
    h.update(_CODE_SHA.encode())
    return h.hexdigest()


def cached(key: str, compute: Callable[[], np.ndarray]) -> np.ndarray:
    """The array stored under ``key``, or ``compute()`` stored there."""
    root = cache_dir()
    path = root / f"{key}.npy" if root is not None else None
    if path is not None and path.is_file():
        try:
            return np.load(path)
        except (OSError, ValueError):
            pass
    value = compute()
    if path is not None:
        try:
            root.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=root, suffix=".tmp", delete=False) as f:
                np.save(f, value)
            os.replace(f.name, path)
        except OSError:
            pass
    return value
