"""The PV profile cache: a second build reads the cache, a changed input misses it."""

from __future__ import annotations

import numpy as np

from optimizer.inputs.bundle import InputPaths, load_inputs
from optimizer.resource import pv_cache
from optimizer.resource.profiles import build_profiles
from optimizer.resource.solar import PVSystemParams


def test_second_build_hits_the_cache_and_a_change_misses_it(tmp_path, monkeypatch):
    monkeypatch.setenv("ZOPT_CACHE_DIR", str(tmp_path))
    inputs = load_inputs(InputPaths())
    params = PVSystemParams.from_prices(inputs.prices)
    first = build_profiles(inputs.parcels, None, params)
    files = sorted(tmp_path.glob("*.npy"))
    assert len(files) == len(first.lat) > 0
    calls = []
    orig = pv_cache.cached

    def counting(key, compute):
        return orig(key, lambda: calls.append(key) or compute())

    monkeypatch.setattr("optimizer.resource.profiles.cached", counting)
    again = build_profiles(inputs.parcels, None, params)
    assert calls == [] and np.array_equal(again.cf, first.cf)
    fixed = PVSystemParams.from_prices(inputs.prices, mount="fixed")
    build_profiles(inputs.parcels, None, fixed)
    assert len(calls) == len(first.lat)  # a new PV setting: every profile recomputed


def test_cache_off(tmp_path, monkeypatch):
    monkeypatch.setenv("ZOPT_CACHE_DIR", "off")
    assert pv_cache.cache_dir() is None
    assert pv_cache.cached("k", lambda: np.ones(3)).sum() == 3
