"""Official results from a CSV file: names, surnames or codes; every problem with its line and column."""

from __future__ import annotations

import pytest

from warroom.core.resultfile import ResultFileError, parse_result_csv
from warroom.demo import LONDON_2012, official_2012_result

CSV = (
    "candidate,first_round,final_round\n"
    'Boris Johnson,971931,1054811\nLivingstone,"889,918",992273\njones,98913,\nBrian Paddick,91774,\n'
    "Siobhan Benita,83914,\nWebb,43274,\nCortiglia,28751,\nexhausted,161391,\n"
)


def test_the_2012_declaration_reads_to_the_stored_result() -> None:
    result = parse_result_csv(CSV, LONDON_2012, "London Elects")
    official = official_2012_result()
    assert dict(result.first_round) == dict(official.first_round)
    assert dict(result.final_round) == dict(official.final_round)
    assert result.exhausted == official.exhausted == 161_391


@pytest.mark.parametrize(
    ("bad", "line", "column"),
    [
        ("Nobody,5,\n", 10, "candidate"),
        ("other,12.5,\n", 10, "votes"),
        ("jones,7,\n", 10, "candidate"),  # a second row for Jones
    ],
)
def test_problems_name_their_line_and_column(bad: str, line: int, column: str) -> None:
    with pytest.raises(ResultFileError) as info:
        parse_result_csv(CSV + bad, LONDON_2012)
    assert (info.value.problems[0].line, info.value.problems[0].column) == (line, column)


def test_a_final_round_is_held_to_its_systems_finalists() -> None:
    """A third finalist the Supplementary Vote would not take on is refused by the store's rule (result_problems:
    a candidate tied for second would be taken, tests/cli/test_hostile_i2_pass.py); a single final figure too."""
    with pytest.raises(ResultFileError, match="names 3 finalists; Supplementary Vote takes the top two"):
        parse_result_csv(CSV.replace("jones,98913,", "jones,98913,100"), LONDON_2012)
    with pytest.raises(ResultFileError, match="at least two finalists, not 1"):
        parse_result_csv(CSV.replace(",992273", ","), LONDON_2012)
    with pytest.raises(ResultFileError, match="header"):
        parse_result_csv("name,votes\nx,1\n", LONDON_2012)


def test_a_standing_candidate_left_out_of_a_result_is_refused_by_name() -> None:
    """Issue 16: a result could leave out a standing candidate without a word (every share was then over the
    total given, and he had no result at all). One rule for every path (core.validation.result_problems): the
    candidate is named; 0 votes, or an 'other' row holding the candidates left out, is taken."""
    from warroom.core.validation import result_problems

    without_webb = CSV.replace("Webb,43274,\n", "").replace("exhausted,161391,\n", "")  # (figures that add up)
    with pytest.raises(ResultFileError) as info:
        parse_result_csv(without_webb, LONDON_2012)
    (problem,) = info.value.problems
    assert problem.column == "first_round" and "Cortiglia" not in problem.message
    webb = next(c for c in LONDON_2012.candidates if "Webb" in c.name)
    assert webb.name in problem.message and "0" in problem.message and "'other'" in problem.message
    # 0 votes, or the left-out candidates grouped as 'other', is a full result
    assert parse_result_csv(without_webb + "Webb,0,\n", LONDON_2012).first_round[webb.code] == 0
    grouped = parse_result_csv(without_webb + "other,43274,\n", LONDON_2012)
    assert result_problems(LONDON_2012, grouped) == []
