"""A pasted figure is read whole or passed on whole: a mark inside it never vanishes to join two numbers."""

from __future__ import annotations

import pytest

from warroom.core.csvformat import ParseResult, parse_polls_csv
from warroom.core.paste import guess_columns, split_table, to_poll_csv
from warroom.demo import LONDON_2012

HEADER = "Polling firm\tFieldwork date\tSample size\tJohnson\tLivingstone\tLib Dem\tGreen\tOthers\n"


def _parse(johnson: str, sample: str = "1,000") -> ParseResult:
    rows = split_table(HEADER + f"YouGov\t20–22 Apr 2012\t{sample}\t{johnson}\t41\t8\t2\t6\n")
    return parse_polls_csv(to_poll_csv(rows, guess_columns(rows[0], LONDON_2012)), LONDON_2012)


@pytest.mark.parametrize("cell", ["43%", "43 %", "43[a]", "43%[12]", "43\u2009%", "43\u00a0%", "%43", "43[a][b]"])
def test_marks_around_a_figure_are_dropped(cell: str) -> None:
    parsed = _parse(cell)
    assert parsed.ok, parsed.errors
    assert parsed.polls[0].first_round["johnson"] == 43


@pytest.mark.parametrize("cell", ["4%3", "4[a]3", "4\u20093", "4%%3", "%4%"])
def test_a_mark_inside_a_figure_is_named_not_read_as_another_number(cell: str) -> None:
    """ "4%3" had become 43: the percent sign, a footnote or a thin space anywhere in a cell was dropped."""
    parsed = _parse(cell)
    assert not parsed.ok
    assert parsed.errors[0].line == 2 and "johnson" in str(parsed.errors[0])


@pytest.mark.parametrize("sample", ["1\u2009024", "1\u00a0024", "1\u202f024", "1 024", "1,024"])
def test_a_sample_size_keeps_its_thousands_separator(sample: str) -> None:
    parsed = _parse("43", sample=sample)
    assert parsed.ok, parsed.errors
    assert parsed.polls[0].sample_size == 1024


def test_a_sample_size_with_a_thin_space_out_of_place_is_named() -> None:
    parsed = _parse("43", sample="10\u200924")
    assert not parsed.ok and "sample" in str(parsed.errors[0])
