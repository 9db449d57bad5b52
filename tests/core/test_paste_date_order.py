"""Pasted dates written in figures alone ("4/5/2012") are 4 May day first and April 5 month first. They were read
day first whatever the table: a US table whose days were all 12 or less was stored with its days and months
swapped, without a word. Now the table's order is the one chosen, else the one the table shows (a number past
12), else the paste is refused naming a cell and its two readings (`core.paste.table_date_order`)."""

from __future__ import annotations

from datetime import date

import pytest

from warroom.core.csvformat import parse_polls_csv
from warroom.core.paste import PasteError, date_order_note, guess_columns, split_table, to_poll_csv
from warroom.core.types import Candidate, Contest

TOY = Contest(
    name="Toy",
    election_date=date(2012, 11, 6),
    system="sv",
    candidates=(Candidate("ann", "Ann Red"), Candidate("bob", "Bob Blue")),
)
US = "Pollster\tDate\tAnn Red\tBob Blue\nAcme\t4/5/2012\t55\t45\nBeta\t6/7/2012\t52\t48\n"


def _fieldwork(text: str, order: str | None = None) -> list[tuple[date, date]]:
    rows = split_table(text)
    parsed = parse_polls_csv(to_poll_csv(rows, guess_columns(rows[0], TOY), 2012, order), TOY, today=date(2012, 11, 1))
    assert parsed.ok, parsed.errors
    return [(p.fieldwork_start, p.fieldwork_end) for p in parsed.polls]


def test_a_table_whose_every_date_reads_both_ways_is_refused_naming_the_cell_and_both_readings() -> None:
    rows = split_table(US)
    with pytest.raises(PasteError) as caught:
        to_poll_csv(rows, guess_columns(rows[0], TOY), 2012)
    assert str(caught.value) == (
        "column 'Date', line 2: '4/5/2012' is 4 May 2012 read day first or 5 April 2012 read month first: choose "
        "the order of the table's dates"
    )


def test_the_order_chosen_reads_every_date() -> None:
    assert _fieldwork(US, "mdy") == [(date(2012, 4, 5), date(2012, 4, 5)), (date(2012, 6, 7), date(2012, 6, 7))]
    assert _fieldwork(US, "dmy") == [(date(2012, 5, 4), date(2012, 5, 4)), (date(2012, 7, 6), date(2012, 7, 6))]
    rows = split_table(US)
    assert date_order_note(rows, guess_columns(rows[0], TOY), "mdy") == "Dates in figures are read month/day/year."


def test_a_date_past_12_shows_the_tables_order_and_says_so() -> None:
    us = US + "Cyan\t4/13/2012\t50\t50\n"
    assert _fieldwork(us)[0] == (date(2012, 4, 5), date(2012, 4, 5))
    uk = US.replace("6/7/2012", "13/04/2012")
    assert _fieldwork(uk) == [(date(2012, 5, 4), date(2012, 5, 4)), (date(2012, 4, 13), date(2012, 4, 13))]
    rows = split_table(us)
    assert date_order_note(rows, guess_columns(rows[0], TOY)) == (
        "Dates in figures are read month/day/year, as column 'Date', line 4: '4/13/2012' shows."
    )


def test_a_table_in_both_orders_is_refused_naming_a_cell_of_each() -> None:
    rows = split_table(US + "Cyan\t4/13/2012\t50\t50\nDune\t13.4.2012\t50\t50\n")
    with pytest.raises(PasteError, match=r"both orders: column 'Date', line 5: '13.4.2012' is day first, "):
        to_poll_csv(rows, guess_columns(rows[0], TOY), 2012)


def test_dates_that_read_one_way_need_no_order() -> None:
    same = (
        "Pollster\tDate\tAnn Red\tBob Blue\nAcme\t5/5/2012\t55\t45\nBeta\t2012-06-07\t52\t48\nGo\t8 Jun 2012\t1\t99\n"
    )
    assert _fieldwork(same) == [
        (date(2012, 5, 5), date(2012, 5, 5)),
        (date(2012, 6, 7), date(2012, 6, 7)),
        (date(2012, 6, 8), date(2012, 6, 8)),
    ]
    rows = split_table(same)
    assert date_order_note(rows, guess_columns(rows[0], TOY)) == ""


CSV = "pollster,fieldwork_end,first:ann,first:bob\nAcme,4/5/2012,55,45\nBeta,6/7/2012,50,50\n"


def test_a_poll_csv_whose_every_slash_date_reads_both_ways_is_refused_in_the_same_words() -> None:
    # The poll CSV read 4/5/2012 as 4 May without a word, as the paste did: one rule (csvformat.figure_date_order)
    result = parse_polls_csv(CSV, TOY, today=date(2012, 11, 1))
    assert [str(e) for e in result.errors] == [
        "line 2, fieldwork_end: '4/5/2012' is 4 May 2012 read day first or 5 April 2012 read month first: write "
        "every date as YYYY-MM-DD, or give the file's order (day/month/year or month/day/year)"
    ]
    chosen = parse_polls_csv(CSV, TOY, today=date(2012, 11, 1), date_order="mdy")
    assert chosen.ok and [p.fieldwork_end for p in chosen.polls] == [date(2012, 4, 5), date(2012, 6, 7)]
    shown = parse_polls_csv(CSV + "Cyan,13/04/2012,50,50\n", TOY, today=date(2012, 11, 1))  # a day past 12: UK
    assert shown.ok and [p.fieldwork_end for p in shown.polls][:2] == [date(2012, 5, 4), date(2012, 7, 6)]


def test_a_poll_csv_showing_month_first_is_refused_asking_the_order_then_read_so() -> None:
    us = CSV + "Cyan,4/13/2012,50,50\n"
    refused = parse_polls_csv(us, TOY, today=date(2012, 11, 1))
    assert [(e.line, e.field) for e in refused.errors] == [(4, "fieldwork_end")] and refused.dates_unordered
    read = parse_polls_csv(us, TOY, today=date(2012, 11, 1), date_order="mdy")
    assert read.ok and [p.fieldwork_end for p in read.polls][-1] == date(2012, 4, 13)


def test_a_date_in_another_scripts_digits_is_no_date_in_figures_for_the_order() -> None:
    # Arabic-Indic 1/3/2024 is no date (the importer names it), so it asks no order either
    rows = split_table("Pollster\tDate\tAnn Red\tBob Blue\nAcme\t\u0661/\u0663/\u0662\u0660\u0662\u0664\t55\t45\n")
    result = parse_polls_csv(to_poll_csv(rows, guess_columns(rows[0], TOY), 2024), TOY, today=date(2024, 4, 1))
    assert [(e.line, e.field) for e in result.errors][:1] == [(2, "fieldwork_start")], result.errors
