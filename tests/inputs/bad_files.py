"""Builders of bad and hostile input files for ``test_bad_inputs.py``.

Each builder takes a folder and returns ``(zopt validate arguments, the file named in the
message, the place expected after it)``.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "data"
GARBAGE = bytes((i * 151 + 7) % 256 for i in range(4096))
PSM3_HEAD = [
    "Source,Location ID,City,State,Country,Latitude,Longitude,Time Zone,Elevation,"
    "Local Time Zone,Dew Point Units,DHI Units,DNI Units,GHI Units,Temperature Units,"
    "Pressure Units,Wind Direction Units,Wind Speed,Surface Albedo Units,Version",
    "NSRDB,78208,-,-,-,33.45,-111.98,-7,358,-7,c,w/m2,w/m2,w/m2,c,mbar,Degrees,m/s,N/A,v3.0.0",
]


def edit_csv(name: str, folder: Path, row: int, column: str, value: str) -> tuple[Path, int]:
    """Copy ``data/name`` with one cell changed; return the path and the file row edited."""
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[row - 1].split(",")
    cells[header.index(column)] = value
    lines[row - 1] = ",".join(cells)
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, row


def write(folder: Path, name: str, content: bytes | str) -> Path:
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def prices_workbook(folder: Path, name: str = "bom.xlsx", value: object = 0.3) -> Path:
    """A minimal workbook with a Prices sheet as zopt writes it."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Prices"
    ws.append(["key", "value", "unit", "source", "year", "notes", "is_default"])
    ws.append(["pv_module_usd_per_w_dc", value, "$/W_dc", "quote", "2025", "", False])
    path = folder / name
    wb.save(path)
    return path


def zip_bomb_xlsx(folder: Path) -> Path:
    """An .xlsx whose sheet inflates 64 MB from about 64 kB (1,000x)."""
    src = prices_workbook(folder, "src.xlsx")
    path = folder / "bomb.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                zout.writestr(info, zin.read(info))
        with zout.open("xl/worksheets/sheet1.xml", "w") as fh:
            for _ in range(64):
                fh.write(b" " * 2**20)
    src.unlink()
    return path


def _laugh(i: int) -> str:
    inner = (f"&lol{i - 1};" if i > 1 else "&lol;") * 10
    return f'<!ENTITY lol{i} "{inner}">'


LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(_laugh(i) for i in range(1, 10))
    + "]>\n"
)


def entity_xlsx(folder: Path) -> Path:
    """An .xlsx whose shared strings declare "billion laughs" entities."""
    src = prices_workbook(folder, "src.xlsx", value="=1")
    path = folder / "laughs.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode("utf-8").split("?>", 1)[-1]
                data = (LAUGHS + text.replace("$/W_dc", "&lol9;")).encode("utf-8")
            zout.writestr(info, data)
    src.unlink()
    return path


def geojson(folder: Path, name: str, props: dict, ring=None, crs=None) -> Path:
    ring = ring or [
        [-112.9, 33.4],
        [-112.89, 33.4],
        [-112.89, 33.41],
        [-112.9, 33.41],
        [-112.9, 33.4],
    ]  # noqa: E501
    doc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"parcel_id": "P1", "price_usd": 1e5},
             "geometry": {"type": "Polygon", "coordinates": [ring]}},
            {"type": "Feature", "properties": props,
             "geometry": {"type": "Polygon", "coordinates": [[[x + 0.02, y] for x, y in ring]]}},
        ],
    }  # fmt: skip
    if crs:
        doc["crs"] = crs
    return write(folder, name, json.dumps(doc))


VRT = (
    '<OGRVRTDataSource><OGRVRTLayer name="p"><SrcDataSource>/vsicurl/http://127.0.0.1:9/p.geojson'
    "</SrcDataSource></OGRVRTLayer></OGRVRTDataSource>"
)


def psm3(folder: Path, name: str, columns: list[str], rows: int) -> Path:
    """A PSM3-looking file with ``columns`` after the date and ``rows`` hourly rows."""
    lines = [*PSM3_HEAD, ",".join(["Year", "Month", "Day", "Hour", "Minute", *columns])]
    for h in range(rows):
        lines.append(
            ",".join(["2012", "1", str(1 + h // 24), str(h % 24), "30"] + ["0"] * len(columns))
        )  # noqa: E501
    return write(folder, name, "\n".join(lines) + "\n")
