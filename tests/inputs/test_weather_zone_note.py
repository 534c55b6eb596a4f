"""A weather file kept in another UTC offset than the place's standard time is noted (issue 11)."""

from __future__ import annotations

import pytest
from conftest import PHOENIX_TMY

from optimizer.inputs.weather import read_weather

pytestmark = pytest.mark.shared


def test_file_in_pacific_time_at_phoenix_is_noted(tmp_path):
    lines = PHOENIX_TMY.read_text().splitlines()
    head = lines[1].split(",")
    head[7] = head[9] = "-8"  # Time Zone, Local Time Zone
    rows = [r.split(",") for r in lines[3:]]
    values = [r[5:] for r in rows]
    shifted = [r[:5] + v for r, v in zip(rows, values[1:] + values[:1], strict=True)]
    path = tmp_path / "phx_pst.csv"
    path.write_text("\n".join([lines[0], ",".join(head), lines[2], *map(",".join, shifted)]) + "\n")
    w, problems = read_weather(path)
    assert not problems, [str(p) for p in problems.problems][:3]
    assert w.notes == [
        "the file keeps UTC-8 while America/Phoenix keeps UTC-7 standard time: "
        "hours are shown in the file's time"
    ]


def test_file_in_the_place_standard_time_has_no_note(phoenix_tmy):
    assert phoenix_tmy.notes == []
