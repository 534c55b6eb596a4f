"""Lifecycle economics: net present cost (NPC) of every cost term, annualised cost, cash flows.

Each capital cost term :math:`K_n` [$] belongs to a life class c (see
:func:`optimizer.model.registry.life_class`) with life :math:`\\ell_c` [yr]. With discount rate
r and plant life N [yr]:

.. math::
    f_c = 1 + \\sum_{k=1}^{n_c - 1} (1+r)^{-y_k} - s_c (1+r)^{-N}, \\qquad
    A = \\sum_{y=1}^{N} (1+r)^{-y}, \\qquad
    s_c = \\frac{\\max(n_c \\ell_c - N, 0)}{\\ell_c}

(replacements bought at the years :math:`y_k = \\lfloor k \\ell_c + 1/2 \\rfloor < N`, so
:math:`n_c = \\max(\\lceil (N - 1/2)/\\ell_c \\rceil, 1)` purchases in all; the last unit's
remaining life is credited as a linear salvage value at year N). Annual terms
:math:`G_n` [$/yr] are paid every year, their present value is :math:`A \\, G_n`. Each component
registers its own (``m.annual_costs``), per unit of what it built or ran:

- O&M (the components' ``om`` terms, set :math:`\\mathcal{O}`): fixed O&M per unit and year,
  e.g. PV :math:`o_{pv} C_{dc}` [$/kW_dc-yr x kW_dc], pumped hydro :math:`o_{phs} \\sum_g H_g`
  on the powerhouse rating plus :math:`v_{phs} \\sum_t w_t Q^{out}_t` on the turbines' energy
  [$/MWh], Li-ion :math:`o_E E + o_P P`, the data hall :math:`o_h IT`, a backup :math:`o_G G`;
- fuel (every other annual term): what a dispatchable backup burns, with its variable O&M per
  MWh generated.

The objectives:

- ``capex``: :math:`\\min \\sum_n K_n + A \\sum_{n \\notin \\mathcal{O}} G_n` (capital, plus the
  present value of the fuel a backup burns; without a backup this is the plain capital cost:
  O&M does not enter it);
- ``lifecycle``: :math:`\\min NPC = \\sum_n f_{c(n)} K_n + A \\sum_n G_n` (O&M included).

Both are linear in the model's decisions. Annualised cost :math:`NPC \\cdot CRF`,
:math:`CRF = r (1+r)^N / ((1+r)^N - 1) = 1 / A`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass
class LifecycleData:
    """Objective, discount rate [1/yr], plant life [yr] and life [yr] per life class (a class
    missing from ``life_yr`` lasts the plant's life)."""

    objective: str = "capex"
    discount_rate: float = 0.07
    plant_life_yr: float = 30.0
    life_yr: dict[str, float] = field(default_factory=dict)

    @property
    def years(self) -> int:
        """Whole years of the plant life N."""
        return int(round(self.plant_life_yr))

    def discount(self, year: float) -> float:
        """Discount factor :math:`(1+r)^{-y}`."""
        return (1.0 + self.discount_rate) ** (-year)

    @property
    def annuity(self) -> float:
        """Present value of 1 $/yr over the plant life, :math:`A` [yr]."""
        return float(sum(self.discount(y) for y in range(1, self.years + 1)))

    @property
    def crf(self) -> float:
        """Capital recovery factor :math:`1/A` [1/yr]."""
        return 1.0 / self.annuity

    def life(self, cls: str) -> float:
        """Life of class ``cls`` [yr] (the plant life when not given)."""
        return float(self.life_yr.get(cls, self.plant_life_yr))

    def purchases(self, cls: str) -> int:
        r"""Purchases of class ``cls`` within the plant life, :math:`n_c = \max(\lceil (N -
        1/2) / \ell_c \rceil, 1)` (the first, and every replacement whose year, rounded to
        whole years, falls before N)."""
        return max(math.ceil((self.years - 0.5) / self.life(cls)), 1)

    def replacement_years(self, cls: str) -> list[int]:
        r"""Years at which class ``cls`` is bought again: :math:`\lfloor k \ell_c + 1/2
        \rfloor` for :math:`k = 1 .. n_c - 1`."""
        life = self.life(cls)
        return [math.floor(k * life + 0.5) for k in range(1, self.purchases(cls))]

    def salvage_fraction(self, cls: str) -> float:
        r"""Share of the last purchase's value left at year N, :math:`s_c = \max(n_c \ell_c -
        N, 0) / \ell_c` (linear in the remaining life)."""
        life = self.life(cls)
        return max(self.purchases(cls) * life - self.years, 0.0) / life

    def npc_factor(self, cls: str) -> float:
        """Present cost per $ of capital of class ``cls``, :math:`f_c`."""
        repl = sum(self.discount(y) for y in self.replacement_years(cls))
        salvage = self.salvage_fraction(cls) * self.discount(self.years)
        return 1.0 + repl - salvage

    def objective_factor(self, cls: str) -> float:
        """Weight of a capital term in the objective: 1 (capex) or :math:`f_c` (lifecycle)."""
        return self.npc_factor(cls) if self.objective == "lifecycle" else 1.0

    def counts(self, om: bool) -> bool:
        """Whether an annual term (O&M when ``om``, else fuel) is in the objective: fuel
        always, O&M only under ``lifecycle``."""
        return self.objective == "lifecycle" or not om


def npc_usd(capital_usd: dict, annual_usd: dict, lc: LifecycleData, classes: dict) -> float:
    """Net present cost [$] of capital terms [$] and annual terms [$/yr] (O&M and fuel)."""
    cap = sum(lc.npc_factor(classes[n]) * v for n, v in capital_usd.items())
    return float(cap + lc.annuity * sum(annual_usd.values()))


def objective_usd(
    capital_usd: dict, annual_usd: dict, lc: LifecycleData, classes: dict, om=frozenset()
) -> float:
    """The objective's value [$] recomputed from the terms (see the module docstring; ``om``
    names the annual terms that are O&M)."""
    cap = sum(lc.objective_factor(classes[n]) * v for n, v in capital_usd.items())
    return float(cap + lc.annuity * sum(v for n, v in annual_usd.items() if lc.counts(n in om)))


CASH_FLOW_COLUMNS = ["year", "capital_usd", "replacements_usd", "om_usd", "fuel_usd",
                     "salvage_usd", "discount_factor", "present_value_usd"]  # fmt: skip


def cash_flow(
    capital_usd: dict, annual_usd: dict, lc: LifecycleData, classes: dict, om=frozenset()
) -> pd.DataFrame:
    """One row per year 0..N: capital (year 0), replacements, O&M (the annual terms named in
    ``om``), fuel (the other annual terms), salvage (negative, year N), discount factor and
    present value [$]; the present values sum to :func:`npc_usd`."""
    n = lc.years
    rows = np.zeros((n + 1, 5))
    for name, k in capital_usd.items():
        cls = classes[name]
        rows[0, 0] += k
        for y in lc.replacement_years(cls):
            rows[y, 1] += k
        rows[n, 4] -= lc.salvage_fraction(cls) * k
    for name, g in annual_usd.items():
        rows[1:, 2 if name in om else 3] += g
    df = pd.DataFrame(rows, columns=CASH_FLOW_COLUMNS[1:6])
    df.insert(0, "year", np.arange(n + 1))
    df["discount_factor"] = [lc.discount(y) for y in range(n + 1)]
    df["present_value_usd"] = rows.sum(axis=1) * df["discount_factor"]
    return df


def lifecycle_from_prices(prices, objective: str = "capex") -> LifecycleData:
    """Read ``discount_rate``, ``plant_life_yr`` and ``life_<class>_yr`` (Li-ion:
    ``liion_calendar_life_yr``) from a prices table (keys missing: defaults of the dataclass;
    the O&M prices are the components' own, see :mod:`optimizer.model.from_inputs`)."""
    keys = list(prices.keys()) if hasattr(prices, "keys") else []
    life = {k[5:-3]: prices.value(k) for k in keys if k.startswith("life_") and k.endswith("_yr")}
    if "liion_calendar_life_yr" in keys:
        life["liion"] = prices.value("liion_calendar_life_yr")
    get = (lambda k, d: prices.value(k) if k in keys else d)  # noqa: E731
    return LifecycleData(
        objective=objective,
        discount_rate=get("discount_rate", 0.07),
        plant_life_yr=get("plant_life_yr", 30.0),
        life_yr=life,
    )
