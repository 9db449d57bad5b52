"""Hostile pass 8 (issue 16): inputs no earlier pass tried (two-round poll CSV, ballots, French files)."""

from __future__ import annotations

from datetime import date

from tests.conftest import TOY
from warroom.core.compilations import parse_question_csv

TODAY = date(2024, 4, 1)
HEADER = "pollster,client,poll_id,question,fieldwork_start,fieldwork_end,sample_size,first:ann,first:bob,first:cat,"
HEADER += "second:ann,second:bob,transfer:cat>ann,transfer:cat>bob\n"


def test_two_rows_of_one_notice_giving_one_transfer_two_figures_are_refused_naming_both_lines() -> None:
    """The rows of one notice (same pollster, fieldwork and poll_id) each carrying `transfer:` figures for the same
    electorate: the later row's figures silently replaced the earlier's (Cat's voters 40/30 on line 2 and 10/30 on
    line 3 were stored as 10/30, the 40 gone without a word). A second figure for one transfer is refused, naming
    both lines; the same figure written twice is read once."""
    rows = (
        "Zeta,,f1,M1,2024-03-05,2024-03-07,1500,,,,53,47,40,30\nZeta,,f1,M2,2024-03-05,2024-03-07,1500,,,,52,48,10,30\n"
    )
    result = parse_question_csv(HEADER + rows, TOY, today=TODAY)
    assert [(e.line, e.field) for e in result.errors] == [(3, "transfer:cat>ann")], result.errors
    assert "line 2" in result.errors[0].message and "40" in result.errors[0].message
    same = rows.replace(",10,30\n", ",40,30\n")
    result = parse_question_csv(HEADER + same, TOY, today=TODAY)
    assert not result.errors and len(result.matrices) == 1
    (row,) = result.matrices[0].rows.values()
    assert (row.to_a, row.to_b) == (40.0, 30.0)


def test_rows_of_one_notice_that_disagree_on_its_sample_or_client_are_refused() -> None:
    """One notice's rows are read as one poll: the first row's sample size and client were kept and a later
    row's others dropped silently (a matchup asked of 800 people stored as asked of 1,500, weighting it almost
    twice as much in the average). A row that gives its notice another sample size or client is refused, naming
    the line, the field and the line it contradicts; a row that leaves the client empty agrees with any."""
    rows = (
        "Zeta,Le Monde,f1,H1,2024-03-05,2024-03-07,1500,45,40,15,,,,\n"
        "Zeta,Le Monde,f1,M1,2024-03-05,2024-03-07,800,,,,53,47,,\n"
        "Zeta,Libé,f1,M2,2024-03-05,2024-03-07,1500,,,,51,49,,\n"
    )
    result = parse_question_csv(HEADER + rows, TOY, today=TODAY)
    assert [(e.line, e.field) for e in result.errors] == [(3, "sample_size"), (4, "client")], result.errors
    assert all("line 2" in e.message for e in result.errors)
    agreeing = rows.replace(",800,", ",1500,").replace("Libé", "")
    result = parse_question_csv(HEADER + agreeing, TOY, today=TODAY)
    assert not result.errors and len(result.notices) == 1
    assert result.notices[0].sample_size == 1500 and result.notices[0].client == "Le Monde"
