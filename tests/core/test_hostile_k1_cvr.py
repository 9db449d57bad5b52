"""A fresh hostile pass over New York City's cast-vote-record reader: one paper is one ballot, however the file
came to hold it twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.test_nyc_cvr import write_csv, write_xlsx
from warroom.core.count import count_ballots
from warroom.core.nyc_cvr import NycFormatError, read_nyc_cvr

MAYOR = [f"DEM Mayor Choice {k} of 3 Citywide (026916)" for k in (1, 2, 3)]
HEADER = ["Cast Vote Record", *MAYOR]
# A hand count: Ann 2, Bob 2, Cy 1; Cy's paper goes to Bob, who wins 3-2.
PAPERS: list[list[object]] = [
    ["1", "Ann", "Bob", ""],
    ["2", "Bob", "Ann", ""],
    ["3", "Cy", "Bob", ""],
    ["4", "Ann", "", ""],
    ["5", "Bob", "", ""],
]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_paper_whose_cast_vote_record_id_appears_twice_is_refused_naming_both_rows(tmp_path: Path, kind: str) -> None:
    """Rows copied twice into the sheet (two exports joined without a second header, a paste done twice) were
    each counted: two more copies of paper 1 turned Bob's 3-2 win into Ann's 4-2-1 win in round one."""
    write = write_csv if kind == "csv" else write_xlsx
    whole = read_nyc_cvr(write(tmp_path / f"whole.{kind}", [HEADER, *PAPERS]))
    result = count_ballots(whole.table, "irv", rules=whole.rules)
    assert (whole.papers, result.winner, result.rounds[-1].tallies) == (5, "Bob", {"Bob": 3, "Ann": 2})
    doubled = write(tmp_path / f"doubled.{kind}", [HEADER, *PAPERS, PAPERS[0], PAPERS[0]])
    with pytest.raises(NycFormatError) as refused:
        read_nyc_cvr(doubled)
    message = str(refused.value)
    assert f"doubled.{kind}, row 7, column A" in message and "row 2" in message and "'1'" in message


def test_a_file_given_twice_is_refused_not_counted_twice(tmp_path: Path) -> None:
    one = write_csv(tmp_path / "batch1.csv", [HEADER, *PAPERS])
    (tmp_path / "latest.csv").symlink_to(one)  # the same file under another name
    with pytest.raises(NycFormatError, match=r"latest\.csv: given twice \(also as .*batch1\.csv\)"):
        read_nyc_cvr([one, tmp_path / "latest.csv"])
    # two batches of different papers are one contest's ballots, as before
    two = write_csv(tmp_path / "batch2.csv", [HEADER, ["6", "Cy", "Ann", ""]])
    assert read_nyc_cvr([one, two]).papers == 6


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_ballot_file_with_a_count_column_and_the_boards_headers_is_refused_not_read_a_paper_a_row(
    tmp_path: Path, kind: str
) -> None:
    """A file of two formats: ranking patterns with a `count` column (a ballot CSV) whose ranking columns keep the
    Board's headers (`DEM Mayor Choice 1 of 2 Citywide (1)`, as after tallying its export) was read as the
    Board's export, one paper a row and the counts dropped: 801 ballots counted as 3, and Bob declared the
    winner where the hand count gives Ann 500 of 801 in round one. It is refused naming the column."""
    write = write_csv if kind == "csv" else write_xlsx
    header = ["Count", "DEM Mayor Choice 1 of 2 Citywide (1)", "DEM Mayor Choice 2 of 2 Citywide (1)"]
    mixed = write(
        tmp_path / f"tallied.{kind}", [header, ["500", "Ann", "Bob"], ["300", "Bob", "Ann"], ["1", "Cy", "Bob"]]
    )
    with pytest.raises(NycFormatError, match=r"tallied\.(csv|xlsx), row 1, column A \('Count'\): .*one paper"):
        read_nyc_cvr(mixed)
