"""The generic write-in candidate spelt two ways in one ballot file ("Write-in" and "write in", "WRITE-INS") was
counted as two candidates: the write-in votes split between piles, each excluded sooner than the one pile the
officials report. Refused, naming both lines, as a candidate written in two cases is. A named write-in
("Write-in: Ann Lee") is a candidate of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from warroom.core.count import CountError, count_ballots
from warroom.core.csvformat import parse_ballot_file


@pytest.mark.parametrize(
    ("rows", "first", "second"),
    [
        ("Write-in,Kiss,3\nwrite in,Kiss,2\n", "'Write-in' (line 4)", "'write in' (line 5)"),
        ("Write-in,,3\nWRITE-INS,,1\n", "'Write-in' (line 4)", "'WRITE-INS' (line 5)"),
        ("Writein,,3\nWrite In,,1\n", "'Writein' (line 4)", "'Write In' (line 5)"),
    ],
)
def test_the_write_ins_spelt_two_ways_are_refused_naming_both_lines(
    tmp_path: Path, rows: str, first: str, second: str
) -> None:
    path = tmp_path / "b.csv"
    path.write_text("pref1,pref2,count\nWright,Kiss,10\nKiss,,8\n" + rows, encoding="utf-8")
    table, errors = parse_ballot_file(path)
    assert errors == []
    with pytest.raises(CountError, match="both the write-ins, spelt two ways") as info:
        count_ballots(table, "irv")
    assert first in str(info.value) and second in str(info.value)


def test_one_spelling_of_the_write_ins_and_named_write_ins_are_counted(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    path.write_text(
        "pref1,pref2,count\nWright,Kiss,10\nKiss,,8\nWrite-in,Kiss,3\nWrite-in: Ann Lee,,2\nWrite-in: Bo,,1\n",
        encoding="utf-8",
    )
    table, errors = parse_ballot_file(path)
    assert errors == []
    result = count_ballots(table, "irv")
    first = result.rounds[0].tallies
    assert first["Write-in"] == 3 and first["Write-in: Ann Lee"] == 2 and first["Write-in: Bo"] == 1
