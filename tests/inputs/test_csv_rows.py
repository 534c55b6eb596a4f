"""A stray comma is a ``file:row`` problem and the rest of the file is still checked (issue 11)."""

from pathlib import Path

from optimizer.inputs.chips import read_chips
from optimizer.inputs.prices import read_price_file
from optimizer.inputs.reservoirs import read_reservoirs

DATA = Path(__file__).resolve().parents[2] / "data"


def _edit(src: Path, dst: Path, edits: dict) -> Path:
    lines = src.read_text(encoding="utf-8").splitlines()
    for i, fn in edits.items():
        lines[i] = fn(lines[i])
    dst.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return dst


def test_stray_comma_is_reported_with_its_row_and_other_rows_still_checked(tmp_path):
    path = _edit(
        DATA / "prices.csv",
        tmp_path / "prices.csv",
        {2: lambda s: s.replace(",", ",,", 1), 5: lambda s: s.replace(",", ",abc,", 1)},
    )
    # line 3 has a stray comma; line 6 has "abc" inserted as the value, shifting the unit:
    # that is also 7 fields. Break line 8's value instead to see a later, ordinary problem.
    lines = path.read_text().splitlines()
    key, _value, *rest = lines[7].split(",")
    lines[7] = ",".join([key, "lots", *rest])
    path.write_text("\n".join(lines) + "\n")
    _, problems = read_price_file(path)
    text = [str(p) for p in problems.problems]
    assert f"{path}:row 3: wrong number of fields (a stray or missing comma?) (found 7 fields, " \
        "expected 6, as in the header)" in text  # fmt: skip
    assert any(t.startswith(f"{path}:row 6:") and "found 7 fields" in t for t in text)
    assert any(t.startswith(f"{path}:row 8:value: not a number") for t in text), text
    assert not any("tokenizing" in t for t in text)


def test_row_numbers_stay_those_of_the_file_after_a_bad_row(tmp_path):
    path = _edit(
        DATA / "chips.csv",
        tmp_path / "chips.csv",
        {1: lambda s: s + ",x", 3: lambda s: s.replace(",NVIDIA,", ",NVIDIA,,", 1)},
    )
    lines = path.read_text().splitlines()
    f = lines[4].split(",")
    f[5] = "-5"  # tdp_w of the chip on line 5
    lines[4] = ",".join(f)
    path.write_text("\n".join(lines) + "\n")
    _, problems = read_chips(path, "fp8")
    text = [str(p) for p in problems.problems]
    assert any(t.startswith(f"{path}:row 2: wrong number of fields") for t in text)
    assert any(t.startswith(f"{path}:row 4: wrong number of fields") for t in text)
    assert any(t.startswith(f"{path}:row 5:tdp_w:") for t in text), text


def test_reservoir_file_with_a_stray_comma(tmp_path):
    path = _edit(DATA / "reservoirs.csv", tmp_path / "r.csv", {2: lambda s: s + ","})
    table, problems = read_reservoirs(path)
    assert [str(p) for p in problems.problems] == [
        f"{path}:row 3: wrong number of fields (a stray or missing comma?) "
        "(found 10 fields, expected 9, as in the header)"
    ]
    assert "R2" not in list(table["site_id"]) and "R1" in list(table["site_id"])


def test_clean_files_unchanged():
    for reader, name in ((read_reservoirs, "reservoirs.csv"),):
        _, problems = reader(DATA / name)
        assert not problems
    _, problems = read_chips(DATA / "chips.csv", "fp8")
    assert not problems
    _, problems = read_price_file(DATA / "prices.csv")
    assert not problems
