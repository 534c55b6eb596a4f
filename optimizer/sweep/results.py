"""A sweep's outputs: ``sweep.csv``, ``sweep.xlsx`` (Cases, Tornado and Cost vs target sheets),
``tornado.png``, ``cost_vs_target.png`` and ``manifest.json``; each file is written to a temporary
name and renamed into place."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import pandas as pd

from optimizer.export.manifest import package_versions
from optimizer.sweep.cases import sens_label

FIRST = ["case_id", "role", "sens_key", "sens_side"]
LAST = ["status", "exit_code", "reason", "total_cost_usd"]
TAIL = ["chips", "chip_count", "pv_mw_dc", "storage_mwh", "gap", "lower_bound_usd",
        "solver_status", "wall_s", "run_folder", "key"]  # fmt: skip


def rows_frame(rows: list[dict], varied: list[str]) -> pd.DataFrame:
    """One row per case: id, every varied value, status, total cost [$], cost by category [$],
    chips, PV [MW_dc], storage [MWh deliverable], proven gap, wall time [s], run folder."""
    df = pd.DataFrame(rows)
    cost = sorted(c for c in df.columns if c.startswith("cost_") and c.endswith("_usd"))
    cols = FIRST + varied + ["target_flops", "mode"] + LAST + cost + TAIL
    for c in cols:
        if c not in df.columns:
            df[c] = None
    rest = [c for c in df.columns if c not in cols and c != "traceback"]
    return df[cols + rest]


def _atomic(path: Path, write) -> None:
    tmp = path.with_name(f".tmp-{path.name}")
    write(tmp)
    os.replace(tmp, path)


def tornado_frame(df: pd.DataFrame) -> pd.DataFrame | None:
    """Per sensitivity key: low and high value, total cost [$] at each, change from the base
    [$]; sorted by swing (largest first). None without a solved base case."""
    base = df[(df["sens_side"] == "base") & (df["status"] == "ok")]
    if base.empty:
        return None
    base_cost = float(base["total_cost_usd"].iloc[0])
    out = []
    for key, g in df[df["sens_side"].isin(["low", "high"])].groupby("sens_key", sort=False):
        rec = {"key": key, "base_cost_usd": base_cost}
        for side in ("low", "high"):
            hit = g[g["sens_side"] == side]
            ok = not hit.empty and hit["status"].iloc[0] == "ok"
            col = sens_label(key)
            rec[f"{side}_value"] = hit[col].iloc[0] if not hit.empty and col in hit else None
            rec[f"{side}_cost_usd"] = float(hit["total_cost_usd"].iloc[0]) if ok else None
            rec[f"{side}_delta_usd"] = rec[f"{side}_cost_usd"] - base_cost if ok else None
        out.append(rec)
    if not out:
        return None
    t = pd.DataFrame(out)
    t["swing_usd"] = (t["high_delta_usd"].fillna(0) - t["low_delta_usd"].fillna(0)).abs()
    return t.sort_values("swing_usd", ascending=False).reset_index(drop=True)


def plot_tornado(t: pd.DataFrame, path: Path, range_: float) -> Path:
    """Horizontal bars: change in total cost [$M] at base x (1 -+ range) per key."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = t.iloc[::-1]
    fig, ax = plt.subplots(figsize=(8, 1.2 + 0.5 * len(t)))
    y = range(len(t))
    ax.barh(y, t["low_delta_usd"].fillna(0) / 1e6, color="#4C72B0",
            label=f"-{range_:.0%}")  # fmt: skip
    ax.barh(y, t["high_delta_usd"].fillna(0) / 1e6, color="#DD8452", label=f"+{range_:.0%}")
    ax.set_yticks(list(y), t["key"])
    ax.axvline(0, color="k", lw=0.8)
    base = t["base_cost_usd"].iloc[0] / 1e6
    ax.set_xlabel(f"change in total capital cost [\\$M] (base \\${base:,.0f} M)")
    ax.set_title("Sensitivity of the total cost (one at a time)")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    _atomic(path, lambda p: fig.savefig(p, dpi=120, format="png"))
    plt.close(fig)
    return path


def plot_cost_vs_target(df: pd.DataFrame, path: Path, others: list[str]) -> Path | None:
    """Total cost [$M] against the target [FLOPS], one line per combination of other axes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ok = df[(df["status"] == "ok") & (df["role"] == "product")]
    if ok.empty:
        return None
    fig, ax = plt.subplots(figsize=(8, 4.5))
    groups = ok.groupby(others, sort=True) if others else [("all", ok)]
    for label, g in groups:
        g = g.sort_values("option:target")
        name = ", ".join(f"{k}={v}" for k, v in zip(others, label if isinstance(label, tuple)
                                                     else (label,), strict=False))  # fmt: skip
        ax.plot(g["option:target"], g["total_cost_usd"] / 1e6, "o-", label=name or "cost")
    ax.set_xscale("log")
    ax.set_xlabel("target [FLOPS]")
    ax.set_ylabel("total capital cost [\\$M]")
    ax.set_title("Cost vs target")
    ax.grid(alpha=0.3)
    if others:
        ax.legend(fontsize=7)
    fig.tight_layout()
    _atomic(path, lambda p: fig.savefig(p, dpi=120, format="png"))
    plt.close(fig)
    return path


def write_xlsx(df: pd.DataFrame, tornado: pd.DataFrame | None, images: dict, path: Path) -> None:
    """``sweep.xlsx``: Cases (one row per case), Tornado (table and chart), Cost vs target."""

    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="xlsxwriter") as xw:
            df.to_excel(xw, sheet_name="Cases", index=False, freeze_panes=(1, 1))
            xw.sheets["Cases"].autofilter(0, 0, len(df), len(df.columns) - 1)
            if tornado is not None:
                tornado.to_excel(xw, sheet_name="Tornado", index=False)
                if images.get("tornado"):
                    xw.sheets["Tornado"].insert_image(len(tornado) + 3, 0, str(images["tornado"]))
            if images.get("cost_vs_target"):
                sheet = xw.book.add_worksheet("Cost vs target")
                sheet.insert_image(1, 0, str(images["cost_vs_target"]))

    tmp = path.with_name(f".tmp-{path.stem}.xlsx")
    write(tmp)
    os.replace(tmp, path)


def versions() -> dict[str, str]:
    """Versions of zopt, Python, HiGHS, Dask and the libraries."""

    out = package_versions()
    for name in ("dask", "distributed"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def write_outputs(sweep_dir: Path, spec, rows: list[dict], info: dict) -> dict:
    """Write every result file of the sweep and return ``name -> path`` of what was written."""
    sweep_dir = Path(sweep_dir)
    varied = [a.label for a in spec.axes]
    varied += [sens_label(k) for k in spec.sensitivity_keys if sens_label(k) not in varied]
    df = rows_frame(rows, varied).sort_values(["role", "sens_key", "sens_side", "case_id"])
    written = {"csv": sweep_dir / "sweep.csv"}
    _atomic(written["csv"], lambda p: df.to_csv(p, index=False))
    tornado = tornado_frame(df) if spec.sensitivity_keys else None
    images = {}
    if tornado is not None:
        images["tornado"] = plot_tornado(tornado, sweep_dir / "tornado.png", spec.sensitivity_range)
    if any(a.label == "option:target" for a in spec.axes):
        others = [a.label for a in spec.axes if a.label != "option:target"]
        images["cost_vs_target"] = plot_cost_vs_target(df, sweep_dir / "cost_vs_target.png",
                                                       others)  # fmt: skip
    written["xlsx"] = sweep_dir / "sweep.xlsx"
    write_xlsx(df, tornado, images, written["xlsx"])
    written.update({k: v for k, v in images.items() if v is not None})
    manifest = {
        "format": 1,
        "written_utc": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "spec": str(spec.path),
        "spec_sha256": hashlib.sha256(spec.text).hexdigest(),
        "cases": len(df),
        "status": df["status"].value_counts().to_dict(),
        **info,
        "versions": versions(),
    }
    written["manifest"] = sweep_dir / "manifest.json"
    _atomic(written["manifest"],
            lambda p: p.write_text(json.dumps(manifest, indent=2, default=str) + "\n"))  # fmt: skip
    return written
