"""A roadmap's outputs: ``roadmap.csv``, ``roadmap.xlsx`` (Roadmap, Budget, Charts sheets),
``roadmap.png`` (cost against year, the cases as a band, the budget and its crossing years),
``shares.png`` (cost share by category over the years) and ``manifest.json``; each file is
written to a temporary name and renamed into place."""

from __future__ import annotations

import hashlib
import json
import math
import os
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from optimizer.sweep.results import _atomic, versions

FIRST = ["year", "case", "status", "total_cost_usd"]
TAIL = ["chips", "chip_count", "pv_mw_dc", "storage_mwh", "lcoe_usd_per_mwh",
        "usd_per_pflop_hour", "gap", "wall_s", "run_folder", "reason", "case_id"]  # fmt: skip
CASE_COLORS = {"conservative": "#C44E52", "moderate": "#4C72B0", "advanced": "#55A868"}


def add_economics(rows: list[dict], roadmap_dir: Path) -> list[dict]:
    """Each ok row with its run's LCOE [$/MWh] and cost per PFLOP-hour [$] (``summary.json``
    ``economics``)."""
    for row in rows:
        folder = row.get("run_folder")
        if row.get("status") != "ok" or not folder:
            continue
        try:
            eco = json.loads((Path(roadmap_dir) / folder / "summary.json").read_text())["economics"]
        except (OSError, ValueError, KeyError):
            continue
        row["lcoe_usd_per_mwh"] = eco.get("lcoe_usd_per_mwh")
        row["usd_per_pflop_hour"] = eco.get("usd_per_pflop_hour")
    return rows


def roadmap_frame(rows: list[dict]) -> pd.DataFrame:
    """One row per (year, case): total cost [$] and cost by category [$], chips, PV [MW_dc],
    storage [MWh deliverable], LCOE [$/MWh], cost per PFLOP-hour [$], gap, run folder."""
    df = pd.DataFrame(rows)
    cost = sorted(c for c in df.columns if c.startswith("cost_") and c.endswith("_usd"))
    cols = FIRST + cost + TAIL
    for c in cols:
        if c not in df.columns:
            df[c] = None
    order = {c: i for i, c in enumerate(CASE_COLORS)}
    df["_o"] = df["case"].map(order)
    return df.sort_values(["_o", "year"])[cols].reset_index(drop=True)


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _year_axis(ax) -> None:
    """Whole years on the x axis."""
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("year")


def plot_roadmap(df: pd.DataFrame, path: Path, budget_usd: float | None,
                 crossings: dict) -> Path | None:  # fmt: skip
    """Total capital cost [$M, log] against year: one line per case, the band between the
    cheapest and dearest case, the budget line and each case's crossing year."""
    ok = df[df["status"] == "ok"]
    if ok.empty:
        return None
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(9, 5))
    wide = ok.pivot_table(index="year", columns="case", values="total_cost_usd") / 1e6
    if wide.shape[1] > 1:
        ax.fill_between(wide.index, wide.min(axis=1), wide.max(axis=1), color="#999999",
                        alpha=0.25, label="range of the cases")  # fmt: skip
    for name in wide.columns:
        ax.plot(wide.index, wide[name], "o-", ms=3, color=CASE_COLORS.get(name), label=name)
    if budget_usd is not None:
        ax.axhline(budget_usd / 1e6, color="k", ls="--", lw=1,
                   label=f"budget \\${budget_usd / 1e6:,.1f}M")  # fmt: skip
        for c in crossings.values():
            if c["year"] is not None:
                ax.axvline(c["year"], color=CASE_COLORS.get(c["case"]), ls=":", lw=1)
                ax.annotate(f"{c['case']} {c['year']}", (c["year"], budget_usd / 1e6),
                            textcoords="offset points", xytext=(4, 6), fontsize=8,
                            color=CASE_COLORS.get(c["case"]))  # fmt: skip
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    ax.set_yscale("log")
    shown = [wide.min().min(), wide.max().max()] + ([budget_usd / 1e6] if budget_usd else [])
    decades = math.log10(max(shown) / max(min(shown), 1e-9))
    subs = (1.0, 2.0, 5.0) if decades > 1.5 else (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0)
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=subs))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:,.0f}" if v >= 1 else f"{v:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())
    _year_axis(ax)
    ax.set_ylabel("total capital cost [\\$M]")
    ax.set_title("Cost of the target by year of purchase (projected prices)")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    fig.tight_layout()
    _atomic(path, lambda p: fig.savefig(p, dpi=120, format="png"))
    plt.close(fig)
    return path


def plot_shares(df: pd.DataFrame, path: Path) -> Path | None:
    """Cost share by category [%] over the years, one panel per case (stacked areas)."""
    ok = df[df["status"] == "ok"]
    cats = [c for c in df.columns if c.startswith("cost_") and c.endswith("_usd")]
    if ok.empty or not cats:
        return None
    plt = _pyplot()
    names = list(dict.fromkeys(ok["case"]))
    fig, axes = plt.subplots(1, len(names), figsize=(4.5 * len(names) + 2, 4.5), squeeze=False)
    for ax, name in zip(axes[0], names, strict=True):
        g = ok[ok["case"] == name].sort_values("year")
        costs = g[cats].fillna(0.0).astype(float)
        share = costs.div(costs.sum(axis=1), axis=0) * 100
        labels = [c.removeprefix("cost_").removesuffix("_usd") for c in cats]
        ax.stackplot(g["year"], share.T.to_numpy(), labels=labels, alpha=0.85)
        ax.set_title(name)
        _year_axis(ax)
        ax.set_ylim(0, 100)
    axes[0][0].set_ylabel("share of the capital cost [%]")
    axes[0][-1].legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8)
    fig.suptitle("Cost share by category")
    fig.tight_layout()
    _atomic(path, lambda p: fig.savefig(p, dpi=120, format="png"))
    plt.close(fig)
    return path


def write_xlsx(df: pd.DataFrame, budget: pd.DataFrame | None, images: dict, path: Path) -> None:
    """``roadmap.xlsx``: Roadmap (one row per year and case), Budget, Charts."""

    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="xlsxwriter") as xw:
            df.to_excel(xw, sheet_name="Roadmap", index=False, freeze_panes=(1, 2))
            xw.sheets["Roadmap"].autofilter(0, 0, len(df), len(df.columns) - 1)
            if budget is not None:
                budget.to_excel(xw, sheet_name="Budget", index=False)
            if images:
                sheet = xw.book.add_worksheet("Charts")
                for i, img in enumerate(images.values()):
                    sheet.insert_image(1 + 32 * i, 0, str(img))

    tmp = path.with_name(f".tmp-{path.stem}.xlsx")
    write(tmp)
    os.replace(tmp, path)


def write_roadmap(folder: Path, rows: list[dict], budget_usd: float | None, crossings: dict,
                  info: dict, spec_text: bytes) -> dict:  # fmt: skip
    """Write every output of the roadmap; return ``name -> path`` of what was written."""
    folder = Path(folder)
    df = roadmap_frame(add_economics(rows, folder))
    written = {"csv": folder / "roadmap.csv"}
    _atomic(written["csv"], lambda p: df.to_csv(p, index=False))
    images = {"roadmap": plot_roadmap(df, folder / "roadmap.png", budget_usd, crossings),
              "shares": plot_shares(df, folder / "shares.png")}  # fmt: skip
    images = {k: v for k, v in images.items() if v is not None}
    budget = pd.DataFrame(list(crossings.values())) if budget_usd is not None else None
    if budget is not None:
        budget.insert(0, "budget_usd", budget_usd)
    written["xlsx"] = folder / "roadmap.xlsx"
    write_xlsx(df, budget, images, written["xlsx"])
    written.update(images)
    manifest = {
        "format": 1,
        "written_utc": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "projections_and_options_sha256": hashlib.sha256(spec_text).hexdigest(),
        "rows": len(df),
        "status": df["status"].value_counts().to_dict(),
        "budget_usd": budget_usd,
        "crossings": crossings,
        **info,
        "versions": versions(),
    }
    written["manifest"] = folder / "manifest.json"
    _atomic(written["manifest"],
            lambda p: p.write_text(json.dumps(manifest, indent=2, default=str) + "\n"))  # fmt: skip
    return written
