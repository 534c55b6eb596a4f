"""The Summary sheet of ``bom.xlsx``: headline figures as formulas into the BOM, Chips, Parcels,
Storage and Prices sheets (each storing its value), printed on one page.

Column D names the ``summary.json`` key a figure must equal (a LibreOffice recalculation test
compares them). A "chips x FLOPS per chip = installed FLOPS" block lets a reviewer check the
compute target from the Chips sheet.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from optimizer.export.xlsx_style import (
    col,
    formula,
    header_row,
    print_setup,
    set_widths,
    text,
    value,
)
from optimizer.results.run import SECONDS_PER_YEAR, RunResult

MODE_WORDS = {
    "sustained": "sustained: the target is delivered in every hour of the year",
    "average": "average: the year's delivered FLOP / seconds in the year >= target",
    "peak": "peak: installed FLOPS >= target; every chip runs at full power in the best hour",
}
#: The unit stands in column C, so numbers are formatted without a unit suffix.
PLAIN = {"zopt_mw": "zopt_f3", "zopt_mw_dc": "zopt_f3", "zopt_mwh": "zopt_f1",
         "zopt_acre": "zopt_f1", "zopt_pflops": "zopt_f1"}  # fmt: skip
SUMMARY_FIRST_ROW = 4  # after the title, the note and the header (1-based)


@dataclass
class Rows:
    """Summary rows being built: (label, value or '=formula', stored value, unit, style, key)."""

    rows: list[tuple] = field(default_factory=list)
    names: dict[str, int] = field(default_factory=dict)

    def add(self, label, v, result=None, unit="", style=None, key="", name=None) -> int:
        """Append a row; return its 1-based sheet row (also kept under ``name``)."""
        self.rows.append((label, v, v if result is None else result, unit, style, key))
        r = SUMMARY_FIRST_ROW + len(self.rows) - 1
        if name:
            self.names[name] = r
        return r

    def b(self, name: str) -> str:
        """``B<row>`` of the row called ``name``."""
        return f"B{self.names[name]}"


def _line(lay, key: str) -> int | None:
    return lay.line_rows.get(key)


def _compute_rows(b: Rows, run: RunResult, summary: dict, refs) -> None:
    """Chips x FLOPS per chip = installed FLOPS, from the Chips sheet."""
    chips = refs.chips
    for chip, n in summary["chips"].items():
        i = refs.chip_index[chip]
        count, per = chips.ref("Chips", "count", i), chips.ref("Chips", "flops_per_chip", i)
        per_chip = run.data.compute.pflops_per_chip[run.data.compute.names.index(chip)] * 1e15
        b.add(f"Chips: {chip}", f"={count}", n, "chips", "zopt_int", f"chips.{chip}")
        b.add(f"  x FLOPS per {chip}", f"={per}", per_chip, "FLOPS", "zopt_sci")
        b.add(f"  = {chip} FLOPS", f"={count}*{per}", n * per_chip, "FLOPS", "zopt_sci")
    tot = "'Chips'!$%s$%d"
    col_letter = _col(chips.columns["installed_flops"])
    b.add("Installed FLOPS (sum over chips)", "=" + tot % (col_letter, refs.chip_totals_row),
          run.check.figures["installed_flops"], "FLOPS", "zopt_sci", "installed_flops",
          name="installed")  # fmt: skip


def _col(j: int) -> str:

    return col(j)


def _cost_rows(b: Rows, run, summary: dict, lay) -> None:
    total = lay.total
    achieved = summary["achieved_flops"]
    b.add("Total capital cost", f"={lay.total_ref}", total, "USD", "zopt_total",
          "total_cost_usd", name="total")  # fmt: skip
    b.add("Cost per PFLOPS", f"={b.b('total')}/({b.b('achieved')}/1E15)",
          total / (achieved / 1e15) if achieved else 0, "USD/PFLOPS", "zopt_usd",
          "cost_per_pflops_usd")  # fmt: skip
    for cat, r in lay.category_rows.items():
        b.add(f"  {cat}", f"=BOM!$F${r}", lay.category_usd[cat], "USD", "zopt_usd",
              f"cost_by_category_usd.{cat}")  # fmt: skip
    _economics_rows(b, summary["economics"], lay)


def _economics_rows(b: Rows, econ: dict, lay) -> None:
    """Net present cost (the Cash flow sheet's total), annualised cost, LCOE, $/PFLOP-hour."""
    npc = f"={lay.npc_ref}" if lay.npc_ref else econ["npc_usd"]
    b.add(f"Net present cost ({econ['objective']} objective)", npc, econ["npc_usd"], "USD",
          "zopt_usd", "economics.npc_usd", name="npc")  # fmt: skip
    b.add("Annualised cost", econ["annualised_usd_per_yr"], None, "USD/yr", "zopt_usd",
          "economics.annualised_usd_per_yr")  # fmt: skip
    b.add("Levelised cost of electricity to the IT load", econ["lcoe_usd_per_mwh"], None,
          "USD/MWh", "zopt_usd_cents", "economics.lcoe_usd_per_mwh")  # fmt: skip
    b.add("Cost per PFLOP-hour delivered", econ["usd_per_pflop_hour"], None, "USD/PFLOP-h",
          "zopt_usd_cents", "economics.usd_per_pflop_hour")  # fmt: skip


def _size_rows(b: Rows, run, summary: dict, lay, refs, parcels, storage_rows) -> None:
    pv, hall = _line(lay, "pv_module_usd_per_w_dc"), _line(lay, "data_hall_usd_per_mw_it")
    mw_dc = lay.quantities.get(pv, 0.0) if pv else 0.0
    module_w = f"Prices!$B${refs.prices['pv_module_w']}"
    b.add("PV capacity", f"=BOM!$C${pv}" if pv else 0.0, mw_dc, "MW_dc", "zopt_mw_dc",
          "pv_mw_dc", name="pv")  # fmt: skip
    modules = summary["pv_modules"]
    b.add("PV modules", f"=ROUNDUP({b.b('pv')}*1E6/{module_w}-1E-9,0)" if pv else 0, modules,
          "modules", "zopt_int", "pv_modules")  # fmt: skip
    sel, area = refs.parcels.columns["selected"], refs.parcels.columns["area_acres"]
    n = refs.parcels.n_rows + 1
    sel_rng = f"Parcels!${_col(sel)}$2:${_col(sel)}${n}"
    area_rng = f"Parcels!${_col(area)}$2:${_col(area)}${n}"
    bought = parcels["selected"].astype(bool)
    b.add("Parcels bought", f"=COUNTIF({sel_rng},TRUE)", int(bought.sum()), "parcels",
          "zopt_int", "parcels_selected#")  # fmt: skip
    b.add("Land bought", f"=SUMIF({sel_rng},TRUE,{area_rng})",
          float(parcels.loc[bought, "area_acres"].sum()), "acre", "zopt_acre",
          "land_acres_bought")  # fmt: skip
    it = summary["it_load_mw"]
    b.add("IT load (chips x (TDP + server W))", f"=BOM!$C${hall}" if hall else 0.0, it, "MW",
          "zopt_mw", "it_load_mw", name="it")  # fmt: skip
    pue = run.inputs.prices.value("pue")
    peak = summary["facility_peak_load_mw"]
    if math.isclose(it * pue, peak, rel_tol=1e-9):
        b.add("Facility peak load (IT load x PUE)",
              f"={b.b('it')}*Prices!$B${refs.prices['pue']}", peak, "MW", "zopt_mw",
              "facility_peak_load_mw")  # fmt: skip
    else:
        b.add("Facility peak load (highest hour)", peak, None, "MW", "zopt_mw",
              "facility_peak_load_mw")  # fmt: skip
    _storage_rows(b, run, storage_rows)


def _storage_rows(b: Rows, run, storage_rows: dict[str, int]) -> None:
    """Deliverable energy and discharge (turbine) power of each built storage unit, from
    Storage."""
    table = run.storage_table()
    if not len(table):
        return
    cols = list(table.columns)
    e_col, p_col = _col(cols.index("deliverable_energy_mwh")), _col(cols.index("discharge_mw"))
    built = table[table["built"].astype(bool)]
    for _, row in built.iterrows():
        r = storage_rows[str(row["site_id"])]
        label = f"Storage {row['site_id']} ({row['technology']})"
        b.add(f"{label}: energy", f"=Storage!${e_col}${r}", float(row["deliverable_energy_mwh"]),
              "MWh deliverable", "zopt_mwh")  # fmt: skip
        b.add(f"{label}: power", f"=Storage!${p_col}${r}", float(row["discharge_mw"]),
              "MW (turbine / discharge)", "zopt_mw")  # fmt: skip
    n, bc = len(table) + 1, _col(cols.index("built"))
    b.add("Storage energy, all sites", f"=SUMIF(Storage!${bc}$2:${bc}${n},TRUE,"
          f"Storage!${e_col}$2:${e_col}${n})", float(built["deliverable_energy_mwh"].sum()),
          "MWh deliverable", "zopt_mwh")  # fmt: skip


def summary_rows(run: RunResult, summary: dict, lay, refs, parcels, storage_rows) -> Rows:
    """Every Summary row, in order."""
    b = Rows()
    b.add("Target", summary["target_flops"], None, "FLOPS", "zopt_sci", "target_flops")
    b.add("Mode", MODE_WORDS[summary["mode"]])
    b.add("Precision", summary["precision"])
    _compute_rows(b, run, summary, refs)
    avg = run.check.figures["average_delivered_flops"]
    if summary["mode"] == "average":
        b.add("Achieved (average delivered)", summary["achieved_flops"], None, "FLOPS",
              "zopt_sci", "achieved_flops", name="achieved")  # fmt: skip
    else:
        b.add("Achieved (installed)", f"={b.b('installed')}", summary["achieved_flops"],
              "FLOPS", "zopt_sci", "achieved_flops", name="achieved")  # fmt: skip
    b.add("Achieved in PFLOPS", f"={b.b('achieved')}/1E15", summary["achieved_flops"] / 1e15,
          "PFLOPS", "zopt_pflops")  # fmt: skip
    b.add("Average delivered", avg, None, "FLOPS", "zopt_sci", name="avg")
    b.add("Delivered per year", f"={b.b('avg')}*{SECONDS_PER_YEAR:.0f}", avg * SECONDS_PER_YEAR,
          "FLOP", "zopt_sci", "delivered_flop_per_year")  # fmt: skip
    _cost_rows(b, run, summary, lay)
    _size_rows(b, run, summary, lay, refs, parcels, storage_rows)
    s = summary["solver"]
    b.add("Solver status", s["status"])
    b.add("Proven gap", s["gap"], None, "", "zopt_pct", "solver.gap")
    limited = s.get("limited_by") or []
    b.add(
        "Time limit reached",
        ("YES in " + ", ".join(limited) + ": the gap is what was proven when it stopped")
        if limited
        else "no",
    )
    b.add("Independent check", "passed" if summary["check"]["passed"] else "FAILED")
    b.add("Chip utilization", summary["chip_utilization"], None, "", "zopt_pct",
          "chip_utilization")  # fmt: skip
    _scenario_rows(b, summary)
    return b


def _scenario_rows(b: Rows, summary: dict) -> None:
    """The scenario's own back-of-envelope beside the model's answer (e.g. the seed's $10M x 3)."""
    sc = summary.get("scenario")
    if not sc or not sc.get("envelope_usd"):
        return
    b.add(f"Scenario: {sc['name']}", sc["description"])
    first = None
    for item, usd in sc["envelope_usd"].items():
        r = b.add(f"  {sc['name']}'s envelope: {item}", usd, None, "USD", "zopt_usd")
        first = first or r
    total = sum(sc["envelope_usd"].values())
    r = b.add(f"  {sc['name']}'s envelope total", f"=SUM(B{first}:B{r})", total, "USD",
              "zopt_usd", "scenario.envelope_total_usd")  # fmt: skip
    b.add("Model's answer / envelope", f"={b.b('total')}/B{r}",
          summary["total_cost_usd"] / total if total else 0, "x", "zopt_number")  # fmt: skip


def summary_sheet(ws, run, summary: dict, lay, refs, parcels, storage_rows) -> None:
    """Write the Summary sheet (portrait, one printed page)."""
    b = summary_rows(run, summary, lay, refs, parcels, storage_rows)
    set_widths(ws, {0: 36, 1: 30, 2: 22, 3: 30})
    text(ws, 0, 0, "zopt design summary", "zopt_title")
    text(ws, 1, 0, "Formulas refer to the BOM, Chips, Parcels, Storage and Prices sheets; "
         "green cells in those sheets are editable inputs.", "zopt_note")  # fmt: skip
    header_row(ws, 2, ["figure", "value", "unit", "summary.json key"])
    for i, (label, v, result, unit, style, key) in enumerate(b.rows):
        r = SUMMARY_FIRST_ROW - 1 + i
        text(ws, r, 0, label, "zopt_label" if style == "zopt_total" else None)
        style = PLAIN.get(style, style)
        if isinstance(v, str) and v.startswith("="):
            formula(ws, r, 1, v, result, style)
        else:
            value(ws, r, 1, v, style)
        text(ws, r, 2, unit, "zopt_unit")
        text(ws, r, 3, key)
    ws.freeze_panes(3, 0)
    print_setup(ws, SUMMARY_FIRST_ROW - 1 + len(b.rows), 4, landscape=False, one_page=True,
                title_rows=0)  # fmt: skip
