"""Issue 16, the thirteenth hostile pass: `warroom count` on New York City workbooks that are damaged, encrypted or
a few hundred bytes that ask for gigabytes, and on BLT files whose names read as other names
(tests/core/test_hostile_thirteenth_counts.py has the readers'). Each test failed before its fix."""

from __future__ import annotations

import json
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


RACE = """\
[contest]
name = "DEM Mayor 2029"
election_date = 2029-06-26
system = "irv"
""" + "".join(
    f'\n[[candidate]]\ncode = "{code}"\nname = "{name}"\ncolour = "{colour}"\n'
    for code, name, colour in (
        ("ann", "Ann Lee", "#D55E00"),
        ("bob", "Bob Ruiz", "#0072B2"),
        ("cy", "Cy Cole", "#009E73"),
    )
)


def test_a_prior_saved_from_a_count_has_that_counts_first_round(tmp_path: Path) -> None:
    """One number, one place: the city's papers whose first ranking is blank count from their first valid one
    (Bob's and Cy's round 1 is 2 each), but `--save-prior` read them by the default rule and left them out, so
    the race's case showed first preferences of 33 / 33 / 33 % against the count's 20 / 40 / 40 %."""
    from tests.cli.test_prior_cli import stored_prior
    from tests.core.test_nyc_cvr import write_csv

    race = tmp_path / "race.toml"
    race.write_text(RACE, encoding="utf-8")
    db = ["--data-dir", str(tmp_path / "state")]
    assert run("contest", "new", "--from", str(race), *db)[0] == 0
    header = ["Cast Vote Record", *(f"DEM Mayor Choice {k} of 3 Citywide (026916)" for k in (1, 2, 3))]
    papers = [
        ["1", "Ann Lee", "Bob Ruiz", "undervote"],
        ["2", "undervote", "Bob Ruiz", "Ann Lee"],
        ["3", "Cy Cole", "undervote", "undervote"],
        ["4", "Bob Ruiz", "Ann Lee", "undervote"],
        ["5", "undervote", "undervote", "Cy Cole"],
        ["6", "overvote", "Ann Lee", "Bob Ruiz"],
    ]
    cvr = write_csv(tmp_path / "cvr.csv", [header, *papers])
    code, out, err = run(
        "count", str(cvr), "--system", "irv", "--contest", "DEM Mayor 2029", "--save-prior", "--json", *db
    )
    assert code == 0, err
    first = json.loads(out)["rounds"][0]["tallies"]
    assert first == {"Ann Lee": 1, "Bob Ruiz": 2, "Cy Cole": 2}
    _, stored = stored_prior(tmp_path / "state", "DEM Mayor 2029")
    assert stored is not None
    total = sum(first.values())
    by_code = {"ann": "Ann Lee", "bob": "Bob Ruiz", "cy": "Cy Cole"}
    assert {c: round(stored.scenario.share(c), 6) for c in by_code} == {
        c: round(100 * first[name] / total, 6) for c, name in by_code.items()
    }
    # Bob's first-round voters' next choices, as the count reads them: papers 2 and 4 both go on to Ann.
    assert stored.scenario.row("bob")["ann"] == pytest.approx(100.0)


def test_count_of_a_ballot_workbook_says_to_save_it_as_csv(tmp_path: Path) -> None:
    """A ballot file (count, preference columns) kept as .xlsx was told only that it had no 'DEM Mayor Choice 1 of
    5' columns: every .xlsx is read as New York City's export, and the way to count it was not said."""
    path = write_xlsx(tmp_path / "ballots.xlsx", [["count", "pref1", "pref2"], [3, "Ann", "Bob"], [2, "Bob", "Ann"]])
    code, out, err = run("count", str(path), "--system", "irv")
    assert code == 1 and out == ""
    assert "ballots.xlsx, row 1: no ranked-choice columns" in err
    assert "a ballot file in a workbook is counted once saved as CSV UTF-8" in err
