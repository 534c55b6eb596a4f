"""Refuse hostile ``.xlsx`` files before openpyxl opens them.

An ``.xlsx`` is a zip of XML parts. Two attacks hide there: a *zip bomb* (a part that inflates to
gigabytes: memory and minutes spent before any error) and *XML entity expansion* ("billion
laughs": a DOCTYPE whose entities expand to gigabytes; a spreadsheet program never writes
one). Both are caught from the archive's directory and the parts' first bytes, without
inflating anything large.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from optimizer.errors import ProblemCollector

#: Largest accepted total of the parts' inflated sizes [bytes] (a zopt bom.xlsx: ~10 MB).
MAX_TOTAL_BYTES = 256 * 2**20
#: Largest accepted inflation ratio of a part above :data:`RATIO_FLOOR_BYTES` (XML: ~5-20).
MAX_RATIO = 200.0
RATIO_FLOOR_BYTES = 2**20
#: Bytes of each XML part searched for a DOCTYPE or ENTITY declaration.
SCAN_BYTES = 4096
LIMITS = f"under {MAX_TOTAL_BYTES // 2**20} MB inflated, each part under {MAX_RATIO:g}x"


def _bomb(infos: list[zipfile.ZipInfo]) -> tuple[str, str] | None:
    """Return ``(part, found)`` for the first part that inflates too far, else None."""
    total = sum(i.file_size for i in infos)
    if total > MAX_TOTAL_BYTES:
        return "", f"{total / 2**20:,.0f} MB inflated"
    for i in infos:
        if i.file_size > RATIO_FLOOR_BYTES and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            return i.filename, f"{i.file_size / max(i.compress_size, 1):,.0f}x inflation"
    return None


def _entity(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> str | None:
    """Return the first XML part that declares a DOCTYPE or entities, else None."""
    for i in infos:
        if not i.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        with zf.open(i) as fh:
            head = fh.read(SCAN_BYTES).upper()
        if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
            return i.filename
    return None


def hostile_xlsx(path: Path, problems: ProblemCollector) -> bool:
    """Record a problem and return True when ``path`` is a zip bomb or holds XML entities.

    A file that is not a readable zip is left to the workbook reader (which says what it is).
    """
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            bomb = _bomb(infos)
            if bomb is not None:
                problems.add(
                    bomb[0],
                    "",
                    "refused: the workbook inflates far beyond any spreadsheet (a zip bomb?)",
                    found=bomb[1],
                    expected=LIMITS,
                )
                return True
            part = _entity(zf, infos)
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
        return False
    if part is not None:
        problems.add(
            part,
            "",
            "refused: XML with a DOCTYPE or entity declarations (entity expansion attack?)",
            found="<!DOCTYPE or <!ENTITY",
            expected="plain XML parts as spreadsheet programs write them",
        )
        return True
    return False
