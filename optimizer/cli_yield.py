"""`zopt yield`: hourly PV yield summary for one place.

The lead's ``optimizer/cli.py`` calls :func:`register` on its typer app.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path

import typer

from optimizer.choices import MOUNTS, choice_list
from optimizer.errors import EXIT_BAD_INPUT, EXIT_WRITE_FAILED, Problem, ProblemCollector

#: Largest accepted distance between --lat/--lon and a weather file's own location [deg].
MAX_FILE_DISTANCE_DEG = 1.0
PNG_MONTHLY = "yield_monthly.png"
PNG_HEATMAP = "yield_average_day.png"


def _check_arguments(lat: float, lon: float, mount: str, tilt: float | None) -> list[Problem]:
    args = ProblemCollector("command line")
    if not (math.isfinite(lat) and -90.0 <= lat <= 90.0):
        args.add("", "--lat", "latitude out of range", found=lat, expected="-90..90")
    if not (math.isfinite(lon) and -180.0 <= lon <= 180.0):
        args.add("", "--lon", "longitude out of range", found=lon, expected="-180..180")
    if mount not in MOUNTS:
        args.add("", "--mount", "unknown mount", found=mount, expected=choice_list("mount"))
    if tilt is not None and not (0.0 <= tilt <= 90.0):
        args.add("", "--tilt", "tilt out of range", found=tilt, expected="0..90 deg")
    if tilt is not None and mount != "fixed":
        args.add("", "--tilt", "--tilt only applies to --mount fixed", found=mount)
    return args.problems


def _load_weather(lat: float, lon: float, weather: Path | None):
    """Return (WeatherData or None, problems); the embedded default when no file."""
    import pvlib

    from optimizer.inputs.weather import read_weather
    from optimizer.resource.default_weather import default_weather

    if weather is None:
        altitude = float(pvlib.location.lookup_altitude(lat, lon))
        return default_weather(lat, lon, altitude), []
    data, problems = read_weather(weather)
    if data is not None:
        far = max(abs(data.latitude - lat), abs(data.longitude - lon))
        if far > MAX_FILE_DISTANCE_DEG:
            problems.add(
                "header",
                "latitude/longitude",
                "weather file is for another place than --lat/--lon",
                found=f"{data.latitude:.3f}, {data.longitude:.3f}",
                expected=f"within {MAX_FILE_DISTANCE_DEG} deg of {lat}, {lon}",
            )
            data = None
    return data, problems.problems


def _out_dir(out: Path | None, lat: float, lon: float) -> Path:
    """A new folder for the PNGs; never reuse one that already holds yield figures."""
    if out is None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        base = Path("reports") / f"yield_{stamp}_{lat:.4f}_{lon:.4f}"
        out, n = base, 1
        while out.exists():
            n += 1
            out = base.with_name(f"{base.name}_{n}")
    elif (out / PNG_MONTHLY).exists() or (out / PNG_HEATMAP).exists():
        raise FileExistsError(f"{out} already holds yield figures; choose a new --out")
    out.mkdir(parents=True, exist_ok=True)
    return out


def _write_outputs(out: Path, summary, ac, title: str) -> None:
    from optimizer.export.yield_plots import plot_heatmap, plot_monthly
    from optimizer.resource.yield_report import average_day_by_month

    plot_monthly(summary.monthly_kwh_per_kw_dc, out / PNG_MONTHLY, title)
    plot_heatmap(average_day_by_month(ac), out / PNG_HEATMAP, title)
    (out / "yield_summary.json").write_text(json.dumps(summary.to_dict(), indent=2) + "\n")


def _print_table(summary, source: str, out: Path) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from optimizer.export.yield_plots import MONTHS

    rows = [
        ("annual [kWh/kW_dc]", f"{summary.annual_kwh_per_kw_dc:,.0f}"),
        ("capacity factor (DC) [-]", f"{summary.capacity_factor:.3f}"),
    ]
    if summary.capacity_factor_ac is not None:
        rows.append(("capacity factor (AC) [-]", f"{summary.capacity_factor_ac:.3f}"))
    rows += [
        (f"  {name} [kWh/kW_dc]", f"{value:,.1f}")
        for name, value in zip(MONTHS, summary.monthly_kwh_per_kw_dc, strict=True)
    ]
    rows += [
        (
            "worst 3 days [kWh/kW_dc]",
            f"{summary.worst_3day_kwh_per_kw_dc:.2f} from {summary.worst_3day_start}",
        ),
        (
            "worst 7 days [kWh/kW_dc]",
            f"{summary.worst_7day_kwh_per_kw_dc:.2f} from {summary.worst_7day_start}",
        ),
    ]
    table = Table(title=escape(f"PV yield per kW_dc ({source})"))
    table.add_column("figure")
    table.add_column("value", justify="right")
    for name, value in rows:
        table.add_row(escape(name), value)
    console = Console()
    console.print(table)
    console.print(escape(f"figures: {out}"))


def _fail(problems: list[Problem]) -> None:
    for p in problems:
        typer.echo(str(p), err=True)
    raise typer.Exit(EXIT_BAD_INPUT)


def _check_out(out: Path | None) -> None:
    """Exit 5 at once when ``--out`` cannot be written (a file, a read-only folder)."""
    from optimizer.errors import WriteError
    from optimizer.export.runfolder import check_writable

    try:
        check_writable(out if out is not None else Path("reports"))
    except WriteError as exc:
        typer.echo(str(exc).replace("--reports-dir", "--out"), err=True)
        raise typer.Exit(EXIT_WRITE_FAILED) from exc


def yield_command(
    lat: float = typer.Option(..., "--lat", help="latitude [deg north]"),
    lon: float = typer.Option(..., "--lon", help="longitude [deg east, west negative]"),
    weather: Path | None = typer.Option(
        None, "--weather", help="NSRDB PSM3 CSV, TMY3 CSV or EPW file"
    ),
    mount: str = typer.Option(
        "single-axis", "--mount", metavar=f"<{'|'.join(MOUNTS)}>", help="PV mounting"
    ),
    tilt: float | None = typer.Option(None, "--tilt", help="fixed tilt [deg]; default latitude"),
    prices: Path | None = typer.Option(None, "--prices", help="price/assumption table (CSV)"),
    as_json: bool = typer.Option(False, "--json", help="print only a JSON object"),
    out: Path | None = typer.Option(
        None, "--out", help="folder for the PNG figures (with --json: only when given)"
    ),
) -> None:
    """Hourly PV yield summary for one place: annual, monthly, worst 3-day and 7-day stretches."""
    from optimizer.inputs.prices import load_prices
    from optimizer.resource.solar import PVSystemParams, ac_per_kw_dc
    from optimizer.resource.yield_report import summarize

    problems = _check_arguments(lat, lon, mount, tilt)
    if problems:
        _fail(problems)
    _check_out(out)
    price_table, price_problems = load_prices(prices)
    data, weather_problems = _load_weather(lat, lon, weather)
    if price_problems or weather_problems or data is None:
        _fail(list(price_problems) + list(weather_problems))
    params = PVSystemParams.from_prices(price_table, mount=mount, tilt_deg=tilt)
    ac = ac_per_kw_dc(data, data.latitude, data.longitude, data.altitude_m, params)
    summary = summarize(ac, dc_ac_ratio=params.dc_ac_ratio)
    folder = None
    if out is not None or not as_json:  # --json alone prints, it writes no figures
        try:
            folder = _out_dir(out, lat, lon)
            label = "embedded default weather" if weather is None else Path(weather).name
            _write_outputs(folder, summary, ac, f"{lat:.3f}, {lon:.3f} - {mount} - {label}")
        except OSError as exc:
            typer.echo(f"cannot write the figures: {exc}", err=True)
            raise typer.Exit(EXIT_WRITE_FAILED) from exc
    if as_json:
        payload = summary.to_dict() | {
            "mount": mount,
            "weather_source": data.source,
            "out_dir": None if folder is None else str(folder),
        }
        typer.echo(json.dumps(payload))
    else:
        _print_table(summary, data.source, folder)


def register(app: typer.Typer) -> None:
    """Add the ``yield`` command to ``app``."""
    app.command("yield")(yield_command)
