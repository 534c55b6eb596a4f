"""The summary table ``zopt solve`` prints after a run (rich)."""

from __future__ import annotations

from rich.table import Table


def _economics_rows(t: Table, summary: dict) -> None:
    """Net present cost, annualised cost, LCOE, cost per PFLOP-hour; registry components."""
    e = summary.get("economics") or {}
    if e:
        t.add_row(f"net present cost ({e['objective']})", f"${e['npc_usd']:,.0f}")
        t.add_row("annualised cost", f"${e['annualised_usd_per_yr']:,.0f}/yr")
        if e.get("lcoe_usd_per_mwh") is not None:
            t.add_row("LCOE to the IT load", f"${e['lcoe_usd_per_mwh']:,.2f}/MWh")
        if e.get("usd_per_pflop_hour") is not None:
            t.add_row("cost per PFLOP-hour", f"${e['usd_per_pflop_hour']:,.4f}")
    for name, rows in (summary.get("components") or {}).items():
        if name == "site":
            _hall_row(t, rows)
            continue
        for row in rows:
            share = row.get("share_fraction")
            extra = f", {100 * share:.1f}% of the facility energy" if share is not None else ""
            t.add_row(name, f"{row.get('technology', name)}: {row.get('capacity_mw', 0):,.1f} MW"
                      + extra)  # fmt: skip


def _hall_row(t: Table, rows: list[dict]) -> None:
    """The data hall's buildings: how many, on which parcels, the links across roads."""
    if not rows:
        return
    far = [r for r in rows if r.get("link_km", 0) > 0]
    text = f"{sum(r['hall_acres'] for r in rows):,.1f} acres in {len(rows)} building(s) on " + (
        ", ".join(str(r["parcel_id"]) for r in rows[:6]) + (" ..." if len(rows) > 6 else "")
    )
    if far:
        text += f"; {len(far)} across a road, {sum(r['link_km'] for r in far):,.2f} km of links"
    t.add_row("data hall", text)


def summary_table(summary: dict) -> Table:
    """The headline figures of ``summary.json``: costs by category, chips, PV, storage,
    economics, solver status (and any time limit reached), check."""
    t = Table(title="zopt design", show_header=True)
    t.add_column("figure")
    t.add_column("value", justify="right")
    t.add_row(
        "target / achieved",
        f"{summary['target_flops']:.4g} / "
        f"{summary['achieved_flops']:.4g} FLOPS ({summary['mode']})",
    )
    t.add_row("total capital cost", f"${summary['total_cost_usd']:,.0f}")
    for cat, usd in summary["cost_by_category_usd"].items():
        t.add_row(f"  {cat}", f"${usd:,.0f}")
    t.add_row("chips", ", ".join(f"{n:,} x {c}" for c, n in summary["chips"].items()))
    t.add_row(
        "PV",
        f"{summary['pv_mw_dc']:,.1f} MW_dc on {len(summary['parcels_selected'])} "
        f"parcels ({summary['land_acres_bought']:,.0f} acres)",
    )
    for sid, st in summary["storage"].items():  # built units only (summary.json)
        power = st.get("turbine_mw", st.get("discharge_mw", 0.0))
        t.add_row(
            f"storage {sid}",
            f"{st['deliverable_energy_mwh']:,.0f} MWh deliverable "
            f"({st['stored_energy_mwh']:,.0f} stored), {power:,.0f} MW ({st['technology']})",
        )
    _economics_rows(t, summary)
    t.add_row("solver", summary["solver"]["status"])
    if summary["solver"].get("time_limit_reached"):
        t.add_row(
            "time limit reached",
            "in " + ", ".join(summary["solver"].get("limited_by", [])) + ": the gap above is "
            "what was proven when it stopped",
        )
    t.add_row("independent check", "passed" if summary["check"]["passed"] else "FAILED")
    return t
