"""Time steps of the model: merge hours exactly where the year allows, or as a relaxation.

Merging consecutive hours :math:`h \\in s` into one step of length :math:`w_s = |s|` [h]
averages the PV profiles, :math:`cf_{k,s} = \\frac{1}{w_s} \\sum_{h \\in s} cf_{k,h}`, and
the hourly profiles of every registry component that has them (``Component.profiles``, e.g.
wind) the same way; storage
levels are then kept at step ends, :math:`L_s = L_{s-1} + w_s (\\eta^{in} Q^{in}_s -
Q^{out}_s / \\eta^{out} - \\lambda)`.

- **Exact** (:func:`exact_steps`): a step only joins hours whose profiles are identical in every
  weather profile and every component profile (in practice the nights, where every PV profile
  is zero; with wind, hours of equal wind too). Any solution of the merged model is an hourly
  solution with constant flows inside each step (the level moves linearly between two
  feasible end values, so it stays within its bounds), and every hourly
  solution averaged over the steps is feasible in the merged model: both have the same optimum.
  The embedded year drops from 8,760 to about 4,600 steps.
- **Coarse** (:func:`coarse_steps`): merging hours whose profiles differ (daylight blocks) is
  a relaxation: every hourly solution averaged over the steps stays feasible (each hourly
  constraint is linear with time-invariant coefficients except the profiles (PV's and every
  component's, e.g. wind), which multiply a time-invariant capacity,
  :math:`P_h \\le cf_h C \\Rightarrow \\bar P_s \\le \\bar{cf}_s C`;
  the sums over the year keep their value, :math:`\\sum_h x_h = \\sum_s w_s \\bar x_s`; the
  levels at step ends are the hourly levels at those hours, the dropped hours' level bounds
  only loosen), not the other way round, so its optimum is a lower bound of the hourly
  optimum. Not in ``peak`` mode: there the load is served in the best PV hour only, a maximum
  over hours that averaging lowers (a coarse optimum may then exceed the hourly one).
  Any blocks of consecutive steps (:func:`block_starts`, :func:`split_blocks`,
  :func:`merge_steps`) give such a relaxation. The search bounds with it
  (:mod:`optimizer.solve.relaxation`: aggregated LPs) and takes designs rounded from it, but
  every design is evaluated, and every answer checked, on the exact steps.

:func:`~optimizer.model.hours.expand_steps` maps per-step arrays back to hours (flows constant
within a step, levels interpolated linearly).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from optimizer.model.data import ModelData
from optimizer.model.hours import expand_steps
from optimizer.model.registry import COMPONENTS

__all__ = [
    "block_starts",
    "coarse_steps",
    "exact_steps",
    "expand_steps",
    "merge_steps",
    "split_blocks",
]


def _profiled(data: ModelData) -> list:
    """The components of ``data`` with hourly profiles (``profiles`` and ``with_profiles``)."""
    return [c for c in COMPONENTS if c.profiles is not None and c.name in data.parts]


def merge_steps(data: ModelData, starts: np.ndarray) -> ModelData:
    """``data`` with the steps beginning at ``starts`` (sorted indices into the current steps,
    the first 0) merged: profiles averaged by step length, lengths summed. Exact where the
    merged steps have identical profiles, else a relaxation (module docstring)."""
    w = data.weights_h
    bounds = np.append(starts, data.hours)
    step_h = np.add.reduceat(w, starts)

    def average(cf: np.ndarray) -> np.ndarray:
        return np.add.reduceat(cf * w, starts, axis=1) / step_h

    parts = dict(data.parts)
    for c in _profiled(data):
        parts[c.name] = c.with_profiles(parts[c.name], average(c.profiles(parts[c.name])))
    new_of_old = np.repeat(np.arange(len(starts)), np.diff(bounds))
    old_of_hour = np.arange(data.hours) if data.step_of_hour is None else data.step_of_hour
    return replace(
        data,
        pv=replace(data.pv, cf=average(data.pv.cf)),
        step_h=step_h,
        step_of_hour=new_of_old[old_of_hour],
        parts=parts,
    )


def _runs(cf: np.ndarray, breaks: frozenset[int] = frozenset()) -> np.ndarray:
    """Start index of every run of consecutive identical profile columns; a run also starts at
    every index of ``breaks`` (segment starts, whose storage level is free)."""
    change = np.any(cf[:, 1:] != cf[:, :-1], axis=0)
    for b in breaks:
        if b > 0:
            change[b - 1] = True
    return np.concatenate([[0], np.flatnonzero(change) + 1])


def exact_steps(data: ModelData) -> ModelData:
    """Merge every run of hours with identical profiles (exact; see the module docstring).
    Never across a segment start (:attr:`~optimizer.model.data.ModelData.segment_starts_h`):
    its step begins there, so the free start level stands at the same hour as unmerged."""
    cf = np.vstack([data.pv.cf] + [c.profiles(data.parts[c.name]) for c in _profiled(data)])
    starts = _runs(cf, data.segment_start_steps)
    if len(starts) == data.hours:
        return data
    return merge_steps(data, starts)


def block_starts(data: ModelData, block_h: float) -> np.ndarray:
    """Start indices of blocks of consecutive steps of at most ``block_h`` hours each (a step
    longer than that, e.g. a merged night, stays alone; a block never straddles a segment
    start, which would link the free level to the hours before)."""
    starts, used = [0], 0.0
    breaks = data.segment_start_steps
    for i, w in enumerate(data.weights_h):
        if i and (used + w > block_h or i in breaks):
            starts.append(i)
            used = 0.0
        used += w
    return np.asarray(starts)


def split_blocks(starts: np.ndarray, n_steps: int, split: np.ndarray) -> np.ndarray:
    """The partition ``starts`` (block start indices into ``n_steps`` steps) with every block
    ``b`` where ``split[b]`` is true cut into its single steps (a refinement: it only adds
    starts, so the merged model it gives is a tighter relaxation than that of ``starts``)."""
    ends = np.append(starts[1:], n_steps)
    cut = [np.arange(a, e) for a, e, s in zip(starts, ends, split, strict=True) if s and e - a > 1]
    return np.unique(np.concatenate([starts, *cut])) if cut else np.asarray(starts)


def coarse_steps(data: ModelData, block_h: float) -> ModelData:
    """``data`` with consecutive steps merged into blocks of at most ``block_h`` hours
    (:func:`block_starts`): a relaxation (module docstring).

    Parameters
    ----------
    data : ModelData
        Hourly or already merged (:func:`exact_steps`) data.
    block_h : float
        Longest merged step [h]; >= 1.
    """
    if block_h < 1:
        raise ValueError(f"block_h must be at least 1 h (found {block_h})")
    if data.compute.mode == "peak":
        raise ValueError("coarse steps are no relaxation in peak mode (the best hour is a max)")
    starts = block_starts(data, block_h)
    if len(starts) == len(data.weights_h):
        return data
    return merge_steps(data, starts)
