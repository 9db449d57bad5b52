"""Fourteenth hostile pass, inputs: New York City cast-vote-record headers in digits other than 0-9."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.test_nyc_cvr import HEADER, write_csv
from warroom.core.nyc_cvr import NycFormatError, contests_in, is_nyc_file, read_nyc_cvr

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
PAPER = ["1", "AD 65 ED 001", "1", "Ada Adams", "Ben Brown", "", "", ""]


def _mayor(k: int, *, n: str = "5", cid: str = "026916") -> str:
    return f"DEM Mayor Choice {k} of {n} Citywide ({cid})"


@pytest.mark.parametrize(
    ("header", "column", "bad"),
    [
        # every number of every ranking column in Arabic-Indic digits: read as contest ٠٢٦٩١٦, choices 1-5
        ([h.translate(ARABIC_INDIC) for h in HEADER[:8]], "D", "١"),
        # one column's choice number only: it was read as choice 3 of 5 like the others
        ([*HEADER[:3], _mayor(1), _mayor(2), _mayor(3).replace("3", "٣", 1), _mayor(4), _mayor(5)], "F", "٣"),
        # the contest id (fullwidth digits): int() reads it as 026916
        ([*HEADER[:3], *(_mayor(k, cid="０２６９１６") for k in range(1, 6))], "D", "０２６９１６"),
    ],
)
def test_ranking_columns_numbered_in_other_scripts_digits_are_refused_naming_the_column(
    tmp_path: Path, header: list[str], column: str, bad: str
) -> None:
    """`Choice k of n` and the contest id take the digits 0-9 only, as every other reader does
    (core.validation.plain_decimal's rule); `\\d` took any script's digits and int() read them."""
    path = write_csv(tmp_path / "cvr.csv", [header, PAPER])
    assert is_nyc_file(path)  # still seen as the Board's layout, so it is refused as one, not read as a ballot CSV
    with pytest.raises(NycFormatError, match=rf"cvr.csv, row 1, column {column} .*{bad!r}.* digits 0-9"):
        read_nyc_cvr(path, contest="DEM Mayor")
    with pytest.raises(NycFormatError, match=rf"row 1, column {column} "):
        contests_in(header)


def test_plain_digits_still_read(tmp_path: Path) -> None:
    [contest] = contests_in([*HEADER[:3], *(_mayor(k) for k in range(1, 6))])
    assert (contest.contest_id, contest.rankings, contest.columns) == ("026916", 5, (3, 4, 5, 6, 7))


@pytest.mark.parametrize("cell", ["٢٠٢٤-٠٣-٠١", "١٢ Mar ٢٠٢٤", "２０２４-０３-０１", "12–14 Mar ２０２４"])
def test_a_pasted_date_in_other_scripts_digits_is_named_by_line_and_field_not_read(cell: str) -> None:
    """A pasted table's fieldwork date in Arabic-Indic or fullwidth digits became an ISO date (`\\d`, and NFKD
    turning fullwidth digits into ASCII ones), though the poll CSV it goes to refuses it (core.validation.iso_date:
    ASCII digits only). It now reaches the importer as written, which names its line and field."""
    from tests.conftest import TOY
    from warroom.core.csvformat import parse_polls_csv
    from warroom.core.paste import guess_columns, parse_dates, split_table, to_poll_csv

    assert parse_dates(cell) is None
    rows = split_table(f"Pollster\tFieldwork\tSample\tAnn\tBob\tCat\nAcme\t{cell}\t1000\t40\t40\t20\n")
    result = parse_polls_csv(to_poll_csv(rows, guess_columns(rows[0], TOY)), TOY)
    assert not result.ok and {(e.line, e.field) for e in result.errors} <= {
        (2, "fieldwork_start"),
        (2, "fieldwork_end"),
    }
    assert result.errors
