"""Is the target within reach of the inputs at all? The chips' part, in input units; the screen
itself, :func:`optimizer.model.diagnose.target_beyond_resources`, runs on the model data before
any model is built.

Necessary conditions, each a valid bound whatever the design (storage only loses energy):

* **chips**: when every chip type has a ``max_count``, the installed FLOPS cannot exceed
  :math:`\\sum_c n^{max}_c F_c`;
* **land**: PV on every buildable acre, :math:`\\bar P_k = d \\sum_{p \\in k} A_p` [MW_dc] per
  weather profile k, yields at most :math:`\\sum_k \\bar P_k \\sum_t cf_{k,t}` [MWh] a year
  (sustained and average modes: the chips' energy, :math:`L \\cdot 8760 (1 - u)` with the load
  :math:`L` of the most efficient chips that reach the target at the PUE) or
  :math:`\\max_t \\sum_k \\bar P_k cf_{k,t}` [MW] in the best hour (peak mode: the full load);
* **hall footprint** (with a compute site): the hall of the least IT load,
  :math:`\\alpha L / PUE` [acre], must fit on some candidate site's campus (its parcel and the
  parcels adjacent to it), :math:`\\alpha L / PUE \\le \\max_j \\sum_{p \\in K_j} A_p`.

A target beyond any of them is infeasible (exit 3) with the reason in words, instead of a model
whose numbers exceed the solver's range.
"""

from __future__ import annotations

import numpy as np


def least_load_mw(target_pflops: float, pflops, it_mw, max_count, pue: float) -> float | None:
    """Smallest facility load [MW] of chips that reach ``target_pflops`` [PFLOPS], or None.

    Greedy by MW per PFLOPS (exact for this fractional knapsack), each type up to its
    ``max_count`` (inf when unlimited). None when the chips cannot reach the target.
    """
    pflops, it_mw = np.asarray(pflops, float), np.asarray(it_mw, float)
    count = np.asarray(max_count, float)
    need, load = float(target_pflops), 0.0
    for c in np.argsort(it_mw / pflops):
        take = min(need, count[c] * pflops[c])
        load += take * it_mw[c] / pflops[c] * pue
        need -= take
        if need <= 0:
            return load
    return None
