"""The stress test in the run's outputs: ``summary.json`` ``weather_years``, the **Weather years**
sheet, ``weather_years.png`` and the terminal table (:mod:`optimizer.results.stress`)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from rich.table import Table  # noqa: E402

from optimizer.results.stress import StressDesign, YearStress, stress_frame  # noqa: E402

#: What the stress test is, in one line (summary.json, the sheet's caption, the terminal).
MEANING = (
    "the design's fixed sizes replayed on each weather year (an LP with every size fixed finds "
    "the least unserved energy; storage cyclic over each year)"
)


def weather_years_summary(design: StressDesign | None, years: list[YearStress],
                          seconds: float | None) -> dict | None:  # fmt: skip
    """The ``weather_years`` block of ``summary.json`` (None without a stress test)."""
    if design is None:
        return None
    return {
        "meaning": MEANING,
        "years": [y.row() for y in years],
        "years_holding": int(sum(y.holds for y in years)),
        "worst_year": max(years, key=lambda y: y.unserved_mwh).label if years else None,
        "seconds": seconds,
        "design": design.to_dict(),
    }


def sheet_frame(years: list[YearStress]) -> pd.DataFrame:
    """The Weather years sheet: one row per year (units in the column names)."""
    f = stress_frame(years)
    return f.rename(
        columns={
            "label": "weather_year",
            "holds": "holds_every_hour",
            "unserved_pct": "unserved_pct_of_load",
            "longest_outage_h": "longest_outage_h",
            "lowest_level_pct": "lowest_level_pct_of_capacity",
            "worst_spell_pv_pct": "worst_7day_pv_pct_of_mean_week",
        }
    )


def plot_weather_years(years: list[YearStress], path: Path) -> Path:
    """Two panels: unserved hours per year (bars; synthetic years hatched) and the total
    storage level of every year over the calendar."""
    import matplotlib.dates as mdates

    fig, axes = plt.subplots(2, 1, figsize=(12, 8), gridspec_kw={"height_ratios": [1, 1.4]})
    labels = [y.label for y in years]
    hours = [y.hours_unserved for y in years]
    colors = ["#d62728" if h > 0 else "#2ca02c" for h in hours]
    bars = axes[0].bar(range(len(years)), hours, color=colors)
    for bar, y in zip(bars, years, strict=True):
        if y.synthetic:
            bar.set_hatch("//")
        axes[0].annotate(f"{y.hours_unserved:,} h\n{100 * y.unserved_share:.2f} %",
                         (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                         ha="center", va="bottom", fontsize=8)  # fmt: skip
    axes[0].set_xticks(range(len(years)), labels, rotation=20, ha="right", fontsize=8)
    axes[0].set_ylabel("hours with unserved load")
    axes[0].set_title("Unserved hours per weather year (hatched: synthetic; green: holds)")
    axes[0].margins(y=0.25)
    days = pd.date_range("2023-01-01", periods=365, freq="D")
    for y in years:
        if y.level_mwh is not None:
            daily_min = np.asarray(y.level_mwh)[: 365 * 24].reshape(365, 24).min(axis=1)
            axes[1].plot(days, daily_min, lw=1.0, label=y.label, ls="--" if y.synthetic else "-")
    axes[1].set_title("Lowest energy stored each day, per weather year (0: the store ran dry)")
    axes[1].set_ylabel("MWh")
    axes[1].xaxis.set_major_locator(mdates.MonthLocator())
    axes[1].xaxis.set_major_formatter(mdates.DateFormatter("%b"))
    axes[1].grid(alpha=0.3)
    if axes[1].lines:
        axes[1].legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)
    return path


def stress_table(block: dict | None) -> Table | None:
    """The terminal table of a ``weather_years`` block (None without one)."""
    if not block or not block["years"]:
        return None
    t = Table(title="stress test: the design on each weather year", show_header=True)
    for col in ("year", "unserved", "longest outage", "lowest storage", "worst PV week"):
        t.add_column(col, justify="left" if col == "year" else "right")
    for y in block["years"]:
        outage = (f"{y['longest_outage_h']} h, {y['longest_outage_start'][:6]}"
                  if y["longest_outage_h"] else "none")  # fmt: skip
        t.add_row(
            y["label"] + (" ok" if y["holds"] else ""),
            f"{y['hours_unserved']:,} h, {y['unserved_mwh']:,.0f} MWh "
            f"({100 * y['unserved_share']:.2f} %)",
            outage,
            f"{y['lowest_level_mwh']:,.0f} MWh, {y['lowest_level_at'][:6]}",
            f"{y['worst_spell_start'][:6]}: {100 * y['worst_spell_pv_share']:.0f} %",
        )
    t.caption = "unserved: % of the year's load; worst PV week: its PV / a mean week's"
    return t


def unserved_hours(years: list[YearStress]) -> np.ndarray:
    """Hours with unserved load per year (tests, benchmarks)."""
    return np.array([y.hours_unserved for y in years])
