"""Issue 16, the thirteenth hostile pass: `warroom count` on New York City workbooks that are damaged, encrypted or
a few hundred bytes that ask for gigabytes, and on BLT files whose names read as other names
(tests/core/test_hostile_thirteenth_counts.py has the readers'). Each test failed before its fix."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.cli._run import run
from tests.core.test_hostile_thirteenth_counts import HEADER, MAIN, MAYOR, PAPER, _bomb, _flip
from tests.core.test_nyc_cvr import CANDIDACY, write_xlsx


def test_count_of_a_tiny_workbook_asking_for_gigabytes_names_the_cell_not_the_memory(tmp_path: Path) -> None:
    """An 877-byte workbook with a cell at column ZZZZZZZZZ: "it ran out of memory" (exit 5), blaming the machine."""

    def sheet(handle: zipfile.ZipExtFile) -> None:
        handle.write(f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">{HEADER}<c r="ZZZZZZZZZ1"/></row>'.encode())
        handle.write(f"{PAPER}</sheetData></worksheet>".encode())

    path = _bomb(tmp_path / "cvr.xlsx", sheet)
    assert path.stat().st_size < 1000
    code, out, err = run("count", str(path), "--system", "irv")
    assert code == 1 and out == ""
    assert err.strip() == (
        "warroom count: cvr.xlsx, row 1: the cell ZZZZZZZZZ1 is past Excel's last column (XFD, the 16,384th)"
    )


@pytest.mark.parametrize("what", ["damaged", "encrypted", "method"])
def test_count_of_a_damaged_or_encrypted_workbook_is_one_line(tmp_path: Path, what: str) -> None:
    """zlib.error, RuntimeError and NotImplementedError escaped `warroom count` as tracebacks."""
    rows: list[list[object]] = [["Cast Vote Record", MAYOR]] + [[i, "Ann Lee Smith"] for i in range(1, 400)]
    plain = write_xlsx(tmp_path / "plain.xlsx", rows)
    with zipfile.ZipFile(plain) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    path = tmp_path / "cvr.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in parts.items():
            book.writestr(name, data)
    _flip(path, what)
    code, out, err = run("count", str(path), "--system", "irv")
    assert code == 1 and out == ""
    assert err.startswith("warroom count: cvr.xlsx: the workbook ") and err.count("\n") == 1


def test_a_candidacy_workbook_past_excels_columns_is_named_as_that_file(tmp_path: Path) -> None:
    cvr = write_xlsx(tmp_path / "cvr.xlsx", [["Cast Vote Record", MAYOR], [1, 217430]])
    names = write_xlsx(tmp_path / "names.xlsx", CANDIDACY)
    with zipfile.ZipFile(names) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(b"</row>", b'<c r="AAAAAAAA1"><v>1</v></c></row>', 1)
    with zipfile.ZipFile(names, "w") as book:
        for name, data in parts.items():
            book.writestr(name, data)
    code, _, err = run("count", str(cvr), "--system", "irv", "--candidacy", str(names))
    assert code == 1 and "names.xlsx, row 1: the cell AAAAAAAA1 is past Excel's last column" in err


def test_count_of_a_blt_file_with_unquoted_names_is_refused_not_a_wrong_winner(tmp_path: Path) -> None:
    """It printed "Winner: Bob" (Bob Kiss read as two candidates, Bob and Kiss)."""
    path = tmp_path / "mayor.blt"
    path.write_text("2 1\n3 1 2 0\n2 2 1 0\n0\nBob Kiss\nAndy Montroll\n", encoding="utf-8")
    code, out, err = run("count", str(path), "--system", "irv")
    assert code == 1 and out == "" and "Winner" not in err
    assert "mayor.blt: line 5: 'Bob Kiss' reads as 2 names" in err
    path.write_text('2 1\n3 1 2 0\n2 2 1 0\n0\n"Bob Kiss"\n"Andy Montroll" # first\n', encoding="utf-8")
    code, out, err = run("count", str(path), "--system", "irv", "--json")
    assert code == 0, err
    assert '"winner": "Bob Kiss"' in out
