"""Per-step arrays back to hours (:mod:`optimizer.model.steps` merges hours into steps).

Kept apart from the merging, which reads the component registry: the components themselves
use this to report hourly flows.
"""

from __future__ import annotations

import numpy as np

from optimizer.model.data import ModelData


def expand_steps(values: np.ndarray, data: ModelData, level: bool = False) -> np.ndarray:
    """Per-step values (last axis = steps of ``data``) as hourly values.

    Flows are constant within a step; with ``level`` the values are end-of-step levels and the
    hours in between are interpolated linearly from the previous step's end (cyclic).
    """
    if data.step_of_hour is None:
        return values
    s = data.step_of_hour
    if not level:
        return values[..., s]
    w = data.weights_h
    prev = np.roll(values, 1, axis=-1)
    first = np.concatenate([[True], s[1:] != s[:-1]])
    pos = np.arange(len(s)) - np.maximum.accumulate(np.where(first, np.arange(len(s)), 0))
    frac = (pos + 1) / w[s]
    return prev[..., s] + frac * (values[..., s] - prev[..., s])
