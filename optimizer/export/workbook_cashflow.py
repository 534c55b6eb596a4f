"""The Cash flow sheet: the years behind the net present cost, as live formulas.

Top: discount rate r (B2), plant life N (B3) and whole years (B4), linked to the Prices sheet.
Then one row per cost term: capital :math:`K` [$] with its life :math:`\\ell` [yr] (linked to
Prices where a key exists) and salvage share :math:`s = \\max(n \\ell - N, 0)/\\ell` with
:math:`n = \\max(\\lceil (N - 1/2)/\\ell \\rceil, 1)`; or an annual term [$/yr]: O&M :math:`O`
(fixed O&M per unit, storage variable O&M) or fuel :math:`G`. Then one row per year y = 0..N:

- capital: :math:`\\sum K` in year 0;
- replacements: :math:`\\sum K` over the terms with :math:`0 < y < N`,
  :math:`k = \\mathrm{round}(y/\\ell) \\ge 1` and :math:`y = \\mathrm{round}(k \\ell)`;
- O&M :math:`\\sum O` and fuel :math:`\\sum G` in years 1..N;
- salvage :math:`-\\sum s K` in year N;
- discount factor :math:`(1+r)^{-y}`; present value = the row's sum x the factor.

The total of the present values is the reported net present cost (every formula cell stores
the value zopt computed; the LibreOffice recalculation test checks that they agree).
"""

from __future__ import annotations

from optimizer.export.xlsx_style import formula, header_row, print_setup, set_widths, text, value
from optimizer.model.registry import life_class, om_terms

TERM_HEADERS = ["cost term", "life class", "capital_usd", "life_yr", "salvage_fraction",
                "om_usd_per_yr", "fuel_usd_per_yr"]  # fmt: skip
YEAR_HEADERS = ["year", "capital_usd", "replacements_usd", "om_usd", "fuel_usd", "salvage_usd",
                "discount_factor", "present_value_usd"]  # fmt: skip


def _price_ref(refs, key: str, fallback: str) -> str:
    return f"Prices!$B${refs.prices[key]}" if key in refs.prices else fallback


def _life_key(cls: str) -> str:
    return "liion_calendar_life_yr" if cls == "liion" else f"life_{cls}_yr"


def _parameters(ws, lc, refs) -> None:
    text(ws, 0, 0, "Cash flow over the plant life (net present cost)", "zopt_label")
    rows = [
        ("discount rate [1/yr]", _price_ref(refs, "discount_rate", ""), lc.discount_rate),
        ("plant life [yr]", _price_ref(refs, "plant_life_yr", ""), lc.plant_life_yr),
    ]
    for i, (label, ref, v) in enumerate(rows, start=1):
        text(ws, i, 0, label)
        if ref:
            formula(ws, i, 1, f"={ref}", v, "zopt_number")
        else:
            value(ws, i, 1, v, "zopt_number")
    text(ws, 3, 0, "whole years N")
    formula(ws, 3, 1, "=ROUND(B3,0)", lc.years, "zopt_int")


def _term_rows(ws, run, lc, refs, r0: int) -> int:
    """Cost-term rows from 0-based row ``r0`` (header there); return the last 1-based row.
    Capital terms are those of one purchase (:func:`~optimizer.results.economics.
    one_purchase_terms`)."""
    header_row(ws, r0, TERM_HEADERS)
    r = r0
    capital, om = run.economics.terms_usd, om_terms()
    terms = [(n, k, 0.0, 0.0) for n, k in capital.items()]
    terms += [(n, 0.0, g, 0.0) if n in om else (n, 0.0, 0.0, g)
              for n, g in run.solution.annual_usd.items()]  # fmt: skip
    for name, k, o, g in terms:
        r += 1
        cls = life_class(name) if name in capital else ("O&M" if name in om else "fuel")
        row = r + 1
        text(ws, r, 0, name)
        text(ws, r, 1, cls)
        value(ws, r, 2, k, "zopt_usd")
        formula(ws, r, 3, f"={_price_ref(refs, _life_key(cls), '$B$3')}", lc.life(cls),
                "zopt_number")  # fmt: skip
        formula(ws, r, 4, f"=MAX(MAX(ROUNDUP(($B$4-0.5)/D{row},0),1)*D{row}-$B$4,0)/D{row}",
                lc.salvage_fraction(cls), "zopt_number")  # fmt: skip
        value(ws, r, 5, o, "zopt_usd")
        value(ws, r, 6, g, "zopt_usd")
    return r + 1


def _year_formulas(r: int, t0: int, t1: int) -> list[str]:
    """Formulas of the year row ``r`` (1-based) over the term rows ``t0..t1``."""
    k, life = f"$C${t0}:$C${t1}", f"$D${t0}:$D${t1}"
    salv, om, fuel = f"$E${t0}:$E${t1}", f"$F${t0}:$F${t1}", f"$G${t0}:$G${t1}"
    y = f"$A{r}"
    return [
        f"=IF({y}=0,SUM({k}),0)",
        f"=SUMPRODUCT(({y}>0)*({y}<$B$4)*(ROUND({y}/{life},0)>=1)"
        f"*(ROUND(ROUND({y}/{life},0)*{life},0)={y})*{k})",
        f"=IF({y}>0,SUM({om}),0)",
        f"=IF({y}>0,SUM({fuel}),0)",
        f"=IF({y}=$B$4,-SUMPRODUCT({k},{salv}),0)",
        f"=(1+$B$2)^(-{y})",
        f"=SUM(B{r}:F{r})*G{r}",
    ]


def cash_flow_sheet(ws, run, refs) -> str:
    """Write the Cash flow sheet; return the reference of its total present value cell."""
    econ, lc = run.economics, run.data.lifecycle
    _parameters(ws, lc, refs)
    t1 = _term_rows(ws, run, lc, refs, 5)
    t0 = 7
    top = t1 + 1  # 0-based header row of the yearly table
    header_row(ws, top, YEAR_HEADERS)
    cols = ["capital_usd", "replacements_usd", "om_usd", "fuel_usd", "salvage_usd",
            "discount_factor", "present_value_usd"]  # fmt: skip
    flows = econ.cash_flow
    for i, rec in enumerate(flows.to_dict("records")):
        r = top + 1 + i
        value(ws, r, 0, int(rec["year"]), "zopt_int")
        for j, (expr, c) in enumerate(zip(_year_formulas(r + 1, t0, t1), cols, strict=True)):
            style = "zopt_number" if c == "discount_factor" else "zopt_usd"
            formula(ws, r, j + 1, expr, rec[c], style)
    last = top + len(flows)
    text(ws, last + 1, 0, "Net present cost", "zopt_total")
    total = float(flows["present_value_usd"].sum())
    formula(ws, last + 1, 7, f"=SUM(H{top + 2}:H{last + 1})", total, "zopt_total")
    text(ws, last + 2, 0, "Annualised cost [$/yr]", "zopt_label")
    formula(ws, last + 2, 7, f"=H{last + 2}*$B$2/(1-(1+$B$2)^(-$B$4))",
            econ.annualised_usd_per_yr, "zopt_usd")  # fmt: skip
    set_widths(ws, {0: 26, 1: 14, 2: 18, 3: 18, 4: 16, 5: 16, 6: 18, 7: 20})
    print_setup(ws, last + 3, len(YEAR_HEADERS), landscape=True)
    return f"'Cash flow'!$H${last + 2}"
