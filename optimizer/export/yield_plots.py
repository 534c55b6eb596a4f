"""PNG figures for `zopt yield`: monthly energy bars and an average-day heat map (Agg backend)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_monthly(monthly_kwh_per_kw_dc, path: Path, title: str) -> Path:
    """Bar chart of the 12 monthly energies [kWh/kW_dc], written to ``path`` (PNG)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 4), dpi=120)
    values = np.asarray(monthly_kwh_per_kw_dc, dtype=float)
    ax.bar(MONTHS, values, color="#f2a900", edgecolor="#7a5500")
    for i, v in enumerate(values):
        ax.text(i, v, f"{v:.0f}", ha="center", va="bottom", fontsize=8)
    ax.set_ylabel("AC energy [kWh / kW_dc]")
    ax.set_title(title)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return Path(path)


def plot_heatmap(average_day, path: Path, title: str) -> Path:
    """Heat map of the average day by month, (12, 24) [kW_ac/kW_dc], written to ``path`` (PNG).

    Hours are local standard time at the hour's beginning.
    """
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(9, 4), dpi=120)
    grid = np.asarray(average_day, dtype=float)
    im = ax.imshow(
        grid, aspect="auto", cmap="inferno", origin="upper", extent=(0, 24, 11.5, -0.5), vmin=0.0
    )
    ax.set_yticks(range(12), MONTHS)
    ax.set_xticks(range(0, 25, 3))
    ax.set_xlabel("hour of day (local standard time)")
    ax.set_title(title)
    fig.colorbar(im, ax=ax, label="mean AC output [kW_ac / kW_dc]")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return Path(path)
