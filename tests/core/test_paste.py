"""Pasted poll tables: columns guessed from web-page headers, dates in words, into the ordinary importer."""

from __future__ import annotations

from datetime import date

import pytest

from warroom.core.csvformat import parse_polls_csv
from warroom.core.paste import guess_columns, parse_dates, split_table, to_poll_csv
from warroom.demo import LONDON_2012

# Shaped like a poll table copied from a web page: its own headers, footnote marks, dates in words.
PASTED = (
    "Polling firm\tClient\tFieldwork date\tSample size\tJohnson\tLivingstone\tLib Dem\tGreen\tOthers\tLead\n"
    "YouGov[12]\tEvening Standard\t20–22 Apr 2012\t1,138\t43%\t41%\t8%\t2%\t6%\t2\n"
    "ComRes\tITV London\t23–25 Apr 2012\t1,024\t45\t36\t5\t6\t8\t9\n"
    "Opinium\t\t24 Apr – 30 Apr 2012\t1,010\t43\t37\t7\t6\t7\t6\n"
)


def test_headers_are_guessed_from_names_parties_and_the_usual_words() -> None:
    rows = split_table(PASTED)
    mapping = guess_columns(rows[0], LONDON_2012)
    assert mapping == [
        "pollster",
        "client",
        "fieldwork",
        "sample_size",
        "first:johnson",
        "first:livingstone",
        "first:paddick",
        "first:jones",
        "first:other",
        "",
    ]
    assert guess_columns(["Con", "Lab", "LD", "UKIP"], LONDON_2012) == [
        "first:johnson",
        "first:livingstone",
        "first:paddick",
        "first:webb",
    ]
    assert guess_columns(["Date(s) conducted", "Sample size (n)"], LONDON_2012) == ["fieldwork", "sample_size"]
    assert guess_columns(["Pollster", "Pollster"], LONDON_2012) == ["pollster", ""]  # a field is used once


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2012-04-28", date(2012, 4, 28), date(2012, 4, 28)),
        ("28/04/2012", date(2012, 4, 28), date(2012, 4, 28)),
        ("28 Apr 2012", date(2012, 4, 28), date(2012, 4, 28)),
        ("28–30 Apr 2012", date(2012, 4, 28), date(2012, 4, 30)),
        ("28 Apr – 2 May 2012", date(2012, 4, 28), date(2012, 5, 2)),
        ("April 28-30, 2012", date(2012, 4, 28), date(2012, 4, 30)),
        ("30th April 2012", date(2012, 4, 30), date(2012, 4, 30)),
        ("29 Dec – 3 Jan 2013", date(2012, 12, 29), date(2013, 1, 3)),
    ],
)
def test_dates_in_words(text: str, start: date, end: date) -> None:
    span = parse_dates(text)
    assert span is not None and (span.start, span.end) == (start, end)


def test_not_dates_are_none() -> None:
    assert parse_dates("soon") is None and parse_dates("31 Feb 2012") is None and parse_dates("12 Apr") is None
    assert parse_dates("12 Apr", default_year=2012) is not None


def test_a_pasted_table_imports_through_the_ordinary_importer() -> None:
    rows = split_table(PASTED)
    text = to_poll_csv(rows, guess_columns(rows[0], LONDON_2012))
    parsed = parse_polls_csv(text, LONDON_2012)
    assert parsed.ok, parsed.errors
    first = parsed.polls[0]
    assert first.pollster == "YouGov" and first.client == "Evening Standard"
    assert (first.fieldwork_start, first.fieldwork_end) == (date(2012, 4, 20), date(2012, 4, 22))
    assert first.sample_size == 1138 and first.first_round["johnson"] == 43 and first.first_round["other"] == 6
    assert parsed.polls[2].fieldwork_end == date(2012, 4, 30)


def test_an_unreadable_cell_reaches_the_importer_with_its_line() -> None:
    rows = split_table(PASTED.replace("23–25 Apr 2012", "late April"))
    parsed = parse_polls_csv(to_poll_csv(rows, guess_columns(rows[0], LONDON_2012)), LONDON_2012)
    assert not parsed.ok and parsed.errors[0].line == 3


def test_the_apps_own_export_pasted_back_keeps_every_column() -> None:
    """A paste of the app's own CSV (party codes in capitals, transfers, method, source) maps to itself, so it
    imports without the mapping step and loses nothing."""
    import csv
    import io

    from warroom.core.csvformat import polls_to_csv
    from warroom.demo import demo_polls

    polls = demo_polls()
    header = next(csv.reader(io.StringIO(polls_to_csv(polls, LONDON_2012))))
    mapping = guess_columns(header, LONDON_2012)
    assert [m.casefold() for m in mapping] == [h.casefold() for h in header]
    assert "party:CON" in mapping and "method" in mapping and "source_url" in mapping
