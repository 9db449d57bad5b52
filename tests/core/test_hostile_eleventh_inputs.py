"""Issue 16, an eleventh hostile pass over what the app reads: poll figures written as fractions of one, and
pollster names that borrow a Cyrillic or Greek letter drawn like a Latin one. Each case failed before its fix:
the file was read, and read as something it does not say."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import TOY
from warroom.core.csvformat import parse_polls_csv

TODAY = date(2024, 4, 1)
HEADER = "pollster,fieldwork_start,fieldwork_end,sample_size,first:ann,first:bob,first:cat"


@pytest.mark.parametrize(
    ("columns", "cells", "field"),
    [
        # party figures are not held to a sum (a poll may list some parties), so 0.44 was stored as 0.44 %
        ("party:R,party:B,party:G", "0.44,0.40,0.16", "party"),
        ("party:R,party:B", "0.45,0.40", "party"),
        # a transfer split read as 0.6 % and 0.4 % of Cat's voters: 99 % of them exhausted
        ("transfer:cat>ann,transfer:cat>bob", "0.6,0.4", "transfer:cat"),
    ],
)
def test_figures_written_as_fractions_of_one_are_refused_not_read_as_percentages(
    columns: str, cells: str, field: str
) -> None:
    text = f"{HEADER},{columns}\nAcme,2024-03-01,2024-03-02,800,45,40,15,{cells}\n"
    result = parse_polls_csv(text, TOY, today=TODAY)
    assert not result.ok, "fractions of one were read as figures under 1 %"
    assert [(e.line, e.field) for e in result.errors] == [(2, field)], result.errors
    assert "fractions of one" in result.errors[0].message
    assert "percentages" in result.errors[0].message


def test_a_first_round_written_as_fractions_says_so() -> None:
    """It was refused already, but told to "add an 'other' figure", which would not have helped."""
    result = parse_polls_csv(f"{HEADER}\nAcme,2024-03-01,2024-03-02,800,0.45,0.40,0.15\n", TOY, today=TODAY)
    assert [(e.line, e.field) for e in result.errors] == [(2, "first")], result.errors
    assert "fractions of one" in result.errors[0].message


@pytest.mark.parametrize(
    ("columns", "cells"),
    [
        ("party:R,party:B,party:G", "44,40,16"),  # percentages
        ("party:G", "0.8"),  # one small party under 1 %: cannot be told from a fraction, and is plausible
        ("party:R,party:B", "0.2,0.1"),  # two figures under 1 % adding to far less than a whole electorate
        ("transfer:cat>ann,transfer:cat>bob", "60,40"),
    ],
)
def test_percentages_and_small_figures_are_still_read(columns: str, cells: str) -> None:
    text = f"{HEADER},{columns}\nAcme,2024-03-01,2024-03-02,800,45,40,15,{cells}\n"
    result = parse_polls_csv(text, TOY, today=TODAY)
    assert result.ok, result.errors


@pytest.mark.parametrize(
    ("pollster", "code"),
    [
        ("Y\u043euGov", "043E"),  # Cyrillic o: prints as YouGov
        ("\u0410cme", "0410"),  # Cyrillic A
        ("Ips\u03bfs MORI", "03BF"),  # Greek omicron
    ],
)
def test_a_pollster_spelt_with_a_cyrillic_or_greek_letter_drawn_like_a_latin_one_is_refused(
    pollster: str, code: str
) -> None:
    """'YоuGov' with a Cyrillic о prints as YouGov but was another firm: its house effect estimated apart, a second
    YouGov in the chart's key, and its polls not duplicates of YouGov's."""
    text = f"{HEADER}\n{pollster},2024-03-01,2024-03-02,800,45,40,15\n"
    result = parse_polls_csv(text, TOY, today=TODAY)
    assert [(e.line, e.field) for e in result.errors] == [(2, "pollster")], result.errors
    assert f"U+{code}" in result.errors[0].message


@pytest.mark.parametrize(
    "pollster",
    [
        "\u0412\u0426\u0418\u041e\u041c",
        "Levada \u0426\u0435\u043d\u0442\u0440",
        "Kapa Research \u0395\u03bb\u03bb\u03ac\u03b4\u03b1",
    ],
)
def test_a_pollster_written_in_cyrillic_or_greek_words_is_read(pollster: str) -> None:
    """A whole word in one alphabet is a name, not a disguise: ВЦИОМ, or a Latin name with a Cyrillic word."""
    text = f"{HEADER}\n{pollster},2024-03-01,2024-03-02,800,45,40,15\n"
    result = parse_polls_csv(text, TOY, today=TODAY)
    assert result.ok, result.errors
    assert result.polls[0].pollster == pollster


def test_a_two_round_notice_whose_institute_borrows_a_cyrillic_letter_is_refused() -> None:
    """The French compilations' institutes go through the store's campaign check, not validate_poll."""
    from tests.core.test_hostile_third_pass import _nsp
    from warroom.core.france import parse_nsppolls_polls
    from warroom.store.questions import check_campaign

    plain = parse_nsppolls_polls(_nsp([("Ann", "60"), ("Bob", "40")]))
    assert check_campaign(plain) == []
    disguised = parse_nsppolls_polls(_nsp([("Ann", "60"), ("Bob", "40")]).replace(",Ifop,", ",If\u043ep,"))
    problems = check_campaign(disguised)
    assert any("pollster" in p and "U+043E" in p for p in problems), problems
