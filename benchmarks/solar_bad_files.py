"""Item 3 of benchmarks/RESULTS_solar.md: bad weather files through ``zopt yield --weather F``."""

from __future__ import annotations

from pathlib import Path


def _bad_cases(lines: list[str]) -> dict[str, list[str]]:
    """Corrupted copies of a PSM3 file's lines, by case name."""
    col = lines[2].split(",")

    def cell(n, name, value):
        out = list(lines)
        cells = out[n - 1].split(",")
        cells[col.index(name)] = value
        out[n - 1] = ",".join(cells)
        return out

    rows = [r.split(",") for r in lines[3:]]
    shifted = lines[:3] + [
        ",".join(r[:5] + v)
        for r, v in zip(rows, [r[5:] for r in rows[-1:] + rows[:-1]], strict=True)
    ]
    meta = lines[1].split(",")
    meta[7] = "0"
    return {
        "short (8,000 rows)": lines[:8003],
        "NaN in GHI": cell(500, "GHI", "NaN"),
        "-9999 in DNI": cell(700, "DNI", "-9999"),
        "9999 in Temperature": cell(900, "Temperature", "9999"),
        "irradiance shifted +1 h": shifted,
        "time zone declared UTC": [lines[0], ",".join(meta), *lines[2:]],
        "GHI column renamed": [*lines[:2], lines[2].replace(",GHI,", ",Global,"), *lines[3:]],
        "text in a number cell": cell(321, "DHI", "abc"),
    }


def item3(phoenix: Path, out: list[str]) -> None:
    """Run each corrupted copy of the Phoenix file through the CLI; one table row per case."""
    import tempfile

    import typer
    from typer.testing import CliRunner

    from optimizer import cli_yield

    app = typer.Typer()
    cli_yield.register(app)
    app.command("noop")(lambda: None)
    out += [
        "## 3. Bad weather files through `zopt yield --weather F` (exit code, first line)",
        "",
        "| case | exit | message |",
        "|---|---|---|",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for name, lines in _bad_cases(phoenix.read_text().splitlines()).items():
            path = Path(tmp) / "bad.csv"
            path.write_text("\n".join(lines) + "\n")
            res = CliRunner().invoke(
                app,
                ["yield", "--lat", "33.45", "--lon", "-111.98", "--weather", str(path), "--json"],
            )
            first = res.stderr.splitlines()[0].replace(str(path), "bad.csv").replace("|", "/")
            out.append(f"| {name} | {res.exit_code} | `{first}` |")
    out.append("")
