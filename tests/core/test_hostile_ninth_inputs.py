"""Hostile pass 9 (issue 16): inputs no earlier pass tried (official results that do not add up, pasted tables
from spreadsheets, dates across a year's end, one-respondent polls)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warroom.core.contestfile import ContestFileError, parse_contest_file

LONDON_2016 = """\
[contest]
name = "London Mayor 2016"
election_date = 2016-05-05
system = "{system}"

[[candidate]]
code = "khan"
name = "Sadiq Khan"

[[candidate]]
code = "goldsmith"
name = "Zac Goldsmith"

[[candidate]]
code = "berry"
name = "Sian Berry"

[[candidate]]
code = "pidgeon"
name = "Caroline Pidgeon"

[result]
first_round = {{ khan = 1148716, goldsmith = 909755, berry = 150673, pidgeon = 120005, other = 267812 }}
final_round = {{ khan = 1310143, goldsmith = 994614 }}
transfers = []
exhausted = 292204
{extra}
"""


def _result_file(final: str = "", *, system: str = "sv", extra: str = "") -> str:
    text = LONDON_2016.format(system=system, extra=extra)
    return text if not final else text.replace("final_round = { khan = 1310143, goldsmith = 994614 }", final)


def test_the_declared_london_2016_result_is_read() -> None:
    """The real declared figures (the README's example): they add up, so the checks below refuse none of them."""
    result = parse_contest_file(_result_file()).result
    assert result is not None and result.final_round == {"khan": 1310143, "goldsmith": 994614}


@pytest.mark.parametrize(
    ("final", "extra", "key", "words"),
    [
        # a third finalist under the Supplementary Vote, which takes the top two only
        ("final_round = { khan = 1310143, goldsmith = 994614, berry = 5 }", "", "final_round", "two"),
        # Berry, third on first preferences, in the final round: eliminated and "winning"
        ("final_round = { berry = 1310143, goldsmith = 994614 }", "", "final_round.berry", "top two"),
        # a finalist's final count below his own first preferences: votes vanished
        ("final_round = { khan = 10, goldsmith = 994614 }", "", "final_round.khan", "first-round"),
        # more votes in the final round than were cast in the first
        ("final_round = { khan = 9310143, goldsmith = 994614 }", "", "final_round", "more"),
        # an electorate smaller than the votes counted
        ("", "electorate = 5", "electorate", "fewer"),
        # a transfer from a finalist, who keeps every vote
        ("", "", "transfers", "finalist"),
    ],
)
def test_an_official_result_that_does_not_add_up_is_refused_naming_its_key(
    final: str, extra: str, key: str, words: str
) -> None:
    """Every one of these was stored without a word, and the back-test, `contest show` and the result panel then
    reported it as the race's declared outcome (a third-placed candidate as the winner, millions of votes from
    nowhere). A result is now held to what its system's count makes possible, each problem named by its key."""
    text = _result_file(final, extra=extra)
    if key == "transfers":
        text = text.replace("transfers = []", 'transfers = [{ from = "khan", to = "goldsmith", votes = 1234 }]')
    with pytest.raises(ContestFileError) as caught:
        parse_contest_file(text)
    message = str(caught.value)
    assert f"result.{key}" in message, message
    assert words in message, message


def test_exhausted_votes_past_the_first_round_are_refused() -> None:
    text = _result_file().replace("exhausted = 292204", "exhausted = 99999999")
    with pytest.raises(ContestFileError, match=r"result\.exhausted"):
        parse_contest_file(text)


def test_a_two_round_runoff_may_count_more_votes_than_the_first_round() -> None:
    """A runoff is a second election: its turnout can rise (France 2002), so its votes are not held to the first
    round's, but its finalists still need first-round votes and the electorate still bounds it."""
    bigger = "final_round = { khan = 2310143, goldsmith = 994614 }"
    assert parse_contest_file(_result_file(bigger, system="two_round")).result is not None
    with pytest.raises(ContestFileError, match=r"result\.electorate"):
        parse_contest_file(_result_file(bigger, system="two_round", extra="electorate = 2000000"))


def test_the_store_refuses_an_inconsistent_result_from_every_path() -> None:
    """A result CSV, File > Official result, a bundle and `count --save-result` all end in set_official_result:
    the same rule there (core.validation.result_problems), so no path stores what a contest file refuses."""
    from warroom.core.types import OfficialResult
    from warroom.core.validation import result_problems

    contest = parse_contest_file(_result_file()).contest
    bad = OfficialResult(
        first_round={"khan": 100, "goldsmith": 90, "berry": 80, "other": 5},
        final_round={"berry": 150, "goldsmith": 100},
    )
    problems = result_problems(contest, bad)
    assert [key for key, _message in problems] == ["final_round.berry"], problems
    good = OfficialResult(
        first_round={"khan": 100, "goldsmith": 90, "berry": 80, "other": 5}, final_round={"khan": 150}
    )
    assert result_problems(contest, good) == []


def test_year_end_fieldwork_in_a_paste_keeps_its_years() -> None:
    """ "28 Dec 2012 – 2 Jan 2013" was read as 28 Dec 2011 to 2 Jan 2012 (the first year written taken for the
    end, the start then moved back a year): a poll a year off, silently. Two years written are the two years."""
    from warroom.core.paste import DateRange, parse_dates

    want = DateRange(date(2012, 12, 28), date(2013, 1, 2))
    assert parse_dates("28 Dec 2012 – 2 Jan 2013", 2013) == want
    assert parse_dates("Dec 28, 2012 – Jan 2, 2013", 2013) == want
    assert parse_dates("28 Dec – 2 Jan 2013", 2013) == want  # one year written: the end's
    assert parse_dates("30 Apr – 2 May 2012", 2012) == DateRange(date(2012, 4, 30), date(2012, 5, 2))


def test_a_paste_date_with_a_two_digit_year_or_days_out_of_order_is_not_a_date() -> None:
    """ "28 Apr '12" was read as 28 Apr 2011 to 12 Apr 2012 (the year taken for a day, then the start moved back a
    year to fit): a fieldwork of a year. Within one month the days must come in order; otherwise the cell goes on
    as it is, for the importer to name its line and field."""
    from warroom.core.paste import parse_dates

    assert parse_dates("28 Apr '12", 2012) is None
    assert parse_dates("30–28 Apr 2012", 2012) is None
    assert parse_dates("28 Apr 2012 – 2 Jan 2012", 2012) is None  # years written, and the end before the start


SPREADSHEET_COPY = (
    "Pollster\tFieldwork\tSample\tJohnson\tLivingstone\tNotes\r\n"
    'YouGov\t2012-04-20\t1,231\t46\t44\t"Online panel,\n""forced choice"" excluded"\r\n'
    'Opinium\t2012-04-22\t1,000\t45\t43\t"Don\'t know" left out\r\n'
)


def test_a_spreadsheets_quoted_cells_are_read_whole_in_a_paste() -> None:
    """Excel, LibreOffice and Google Sheets copy a cell holding a line break, tab or quote in double quotes, its
    quotes doubled. The paste was split on every line break, so a two-line note cut its poll in two (the first
    half with no figures, the second a poll by "forced choice"), and a note's quotes were kept doubled. Both
    readers of pasted text (the paste dialog's and the importer's) now read such a cell whole; a web page's cell
    that merely starts with a quote keeps it."""
    from warroom.core.csvformat import pasted_table_to_csv
    from warroom.core.paste import split_table

    rows = split_table(SPREADSHEET_COPY)
    assert len(rows) == 3, rows
    assert rows[1] == ["YouGov", "2012-04-20", "1,231", "46", "44", 'Online panel,\n"forced choice" excluded']
    assert rows[2][-1] == '"Don\'t know" left out'
    as_csv = pasted_table_to_csv(SPREADSHEET_COPY)
    import csv
    import io

    assert list(csv.reader(io.StringIO(as_csv))) == rows


def test_a_ten_megabyte_quoted_cell_is_read_in_linear_time() -> None:
    """A 10 MB cell (a whole page pasted into one cell) is read by one pass, not by backtracking."""
    import time

    from warroom.core.paste import split_table

    big = '"' + ("x" * 5_000_000 + '""') * 2 + '"'
    started = time.process_time()
    rows = split_table("Pollster\tNotes\nA\t" + big + "\n")
    assert time.process_time() - started < 5.0
    assert len(rows[1][1]) == 10_000_002


@pytest.mark.parametrize("name", ["exhausted", "Exhausted", "CONTINUING", "ｅxhausted"])
def test_a_ballot_candidate_named_like_a_row_of_the_count_is_refused_naming_its_line(name: str) -> None:
    """A ballot file naming a candidate `exhausted` (or `continuing`) counted him, and the round table printed two
    rows called "exhausted" (his votes and the exhausted pile) and "Winner: exhausted". Refused, with the line."""
    from warroom.core.count import CountError, count_ballots
    from warroom.core.csvformat import parse_ballots_csv
    from warroom.core.types import CountingSystem

    ballots, errors = parse_ballots_csv(f"count,p1,p2\n4,B,\n5,{name},B\n3,C,\n")
    assert not errors
    with pytest.raises(CountError, match=r"line 3") as caught:
        count_ballots(ballots, CountingSystem.IRV)
    assert "row of the count" in str(caught.value)


def _french_official() -> tuple[str, str]:
    from warroom.resources import resource_path

    folder = resource_path("data", "france_2022")
    return (folder / "official_results.csv").read_text(encoding="utf-8"), (folder / "turnout.csv").read_text(
        encoding="utf-8"
    )


def test_a_runoff_naming_the_first_rounds_third_or_dated_before_it_is_refused() -> None:
    """official_results.csv with Mélenchon (third in round 1) in Le Pen's runoff row, or the runoff dated before
    the first round, was imported without a word: the back-test and the runoff view then showed a runoff that
    cannot happen. Each is refused naming its line and field; the real file still reads."""
    from warroom.core.france import FranceFormatError, parse_official_results

    results, turnout = _french_official()
    assert set(parse_official_results(results, turnout)) == {1, 2}
    swapped = results.replace("2,2022-04-24,Marine Le Pen,RN", "2,2022-04-24,Jean-Luc Mélenchon,LFI")
    with pytest.raises(FranceFormatError) as caught:
        parse_official_results(swapped, turnout)
    assert "candidate" in str(caught.value) and "top two" in str(caught.value), caught.value
    early = results.replace("2,2022-04-24,", "2,2022-04-04,")
    with pytest.raises(FranceFormatError, match=r"date.*not after the first round"):
        parse_official_results(early, turnout)


ATHENS = """\
[contest]
name = "Athens Mayor 2023"
election_date = 2023-10-08
system = "two_round"
second_round_date = 2023-10-15

[[party]]
code = "ΝΔ"
name = "Νέα Δημοκρατία"
colour = "#0000FF"

[[candidate]]
code = "kostas"
name = "Κώστας Μπακογιάννης"
party = "ΝΔ"

[[candidate]]
code = "haris"
name = "Χάρης Δούκας"
"""


def test_pasted_headers_in_another_script_are_guessed_and_a_blank_header_is_nobodys() -> None:
    """Headers were reduced to their ASCII letters: a Greek candidate's column ("Δούκας") was never guessed, and
    since his rival's party ("ΝΔ") reduced to nothing too, every blank header (a colour-swatch column, an unnamed
    lead) was guessed as Kostas's first-round share. Letters of every script are now kept; a blank header is
    never guessed."""
    from warroom.core.paste import guess_columns

    contest = parse_contest_file(ATHENS).contest
    header = ["Pollster", "Date", "", "Μπακογιάννης", "Δούκας", "%", "—"]
    assert guess_columns(header, contest) == ["pollster", "fieldwork", "", "first:kostas", "first:haris", "", ""]
    assert guess_columns(["Pollster", "Νέα Δημοκρατία"], contest) == ["pollster", "first:kostas"]


def test_a_first_round_of_one_figure_is_refused_naming_the_field() -> None:
    """`first:johnson` alone at 100 passed every check (it sums to 100): the demo's Johnson average went from 44.1
    to 54.7 on that one line while the lead, which needs both, did not move. Refused naming its field; one
    figure and `other` is a first round."""
    from warroom.core.csvformat import parse_polls_csv
    from warroom.demo import LONDON_2012

    header = "pollster,fieldwork_start,fieldwork_end,sample_size,first:johnson"
    result = parse_polls_csv(f"{header}\nZed,2012-04-29,2012-04-30,1000,100\n", LONDON_2012, today=date(2012, 5, 1))
    assert [(e.line, e.field) for e in result.errors] == [(2, "first")], result.errors
    fine = "pollster,fieldwork_start,fieldwork_end,sample_size,first:johnson,first:other\nZed,2012-04-29,2012-04-30,1000,45,55\n"
    assert not parse_polls_csv(fine, LONDON_2012, today=date(2012, 5, 1)).errors


def test_a_ballot_candidate_name_with_a_line_break_is_refused_naming_its_line() -> None:
    """A quoted ballot cell `"Kiss\\n\\nWinner: Wright"` was a candidate: the count printed "Winner: Kiss" and, on
    a line of its own, "Winner: Wright". Names with a line break or any control character are refused, with the
    line, as contest names are."""
    from warroom.core.count import CountError, count_ballots
    from warroom.core.csvformat import parse_ballots_csv
    from warroom.core.types import CountingSystem

    ballots, errors = parse_ballots_csv('count,p1,p2\n4,Wright,\n5,"Kiss\n\nWinner: Wright",Wright\n')
    assert not errors
    with pytest.raises(CountError, match=r"\(line [35]\) contains a control character"):
        count_ballots(ballots, CountingSystem.IRV)


def test_a_result_csv_column_the_reader_does_not_know_is_refused() -> None:
    """`candidate,first_round,second_round` (final_round misspelt) was read without its final round, and the result
    stored over one that had it; an unknown column is now refused naming it, nothing stored."""
    from warroom.core.resultfile import ResultFileError, parse_result_csv

    contest = parse_contest_file(_result_file()).contest
    rows = "khan,1148716,1310143\ngoldsmith,909755,994614\nother,538490,\nexhausted,292204,\n"
    assert parse_result_csv("candidate,first_round,final_round\n" + rows, contest).final_round
    with pytest.raises(ResultFileError, match=r"second_round: unknown column"):
        parse_result_csv("candidate,first_round,second_round\n" + rows, contest)


def test_a_poll_csv_figure_under_a_column_with_no_name_is_refused() -> None:
    """A header ending in a comma has a column with no name; a row's figure under it (a share shifted by one cell)
    was dropped without a word. It is refused naming the line and the column; empty cells there are fine."""
    from warroom.core.csvformat import parse_polls_csv
    from warroom.demo import LONDON_2012

    header = "pollster,fieldwork_start,fieldwork_end,sample_size,first:johnson,first:livingstone,\n"
    today = date(2012, 5, 1)
    result = parse_polls_csv(header + "Zed,2012-04-20,2012-04-21,1000,55,45,99\n", LONDON_2012, today=today)
    assert [(e.line, e.field) for e in result.errors] == [(2, "the column after first:livingstone")], result.errors
    assert not parse_polls_csv(header + "Zed,2012-04-20,2012-04-21,1000,55,45,\n", LONDON_2012, today=today).errors
    from tests.conftest import TOY
    from warroom.core.compilations import parse_question_csv

    two = "pollster,client,poll_id,question,fieldwork_start,fieldwork_end,sample_size,first:ann,first:bob,first:cat,\n"
    result = parse_question_csv(
        two + "Zeta,,f1,H1,2024-03-05,2024-03-07,1500,40,40,20,77\n", TOY, today=date(2024, 4, 1)
    )
    assert [(e.line, e.field) for e in result.errors] == [(2, "the column after first:cat")], result.errors


def test_two_parties_drawn_alike_are_refused() -> None:
    """Party codes were compared by case only: "CON" and "СON" (a Cyrillic С) were two parties with one look in
    every key, picker and `party:` header; two parties of one name were accepted too."""
    base = ATHENS.replace('code = "ΝΔ"', 'code = "CON"').replace('party = "ΝΔ"', 'party = "CON"')
    twin = '\n[[party]]\ncode = "\u0421ON"\nname = "Other"\ncolour = "#00FF00"\n'
    with pytest.raises(ContestFileError, match="appears twice"):
        parse_contest_file(base.replace("[[candidate]]", twin + "\n[[candidate]]", 1))
    same_name = '\n[[party]]\ncode = "ND2"\nname = "Νέα  Δημοκρατία"\ncolour = "#00FF00"\n'
    with pytest.raises(ContestFileError, match="two parties are named"):
        parse_contest_file(base.replace("[[candidate]]", same_name + "\n[[candidate]]", 1))
    assert parse_contest_file(base).contest.parties[0].code == "CON"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab \t\r\n", max_size=40))
def test_the_fast_and_the_quoted_tab_readers_agree_on_text_without_quotes(text: str) -> None:
    """split_tabbed splits text with no quote at C speed; a quoted cell after it takes the quoted reader, which must
    read the rest exactly as the fast path did."""
    from warroom.core.csvformat import split_tabbed

    assert split_tabbed(text + '\n"q"') == [*split_tabbed(text), ["q"]]


def test_a_poll_giving_one_candidate_100_beside_others_is_refused() -> None:
    """A head-to-head of 100 to 0 (a shifted or mistyped figure) passed every check and, as a 1,000-respondent poll
    with no spread at all, moved the demo's runoff lead from +6.3 to +46.2. A share of exactly 100 beside other
    figures is refused naming the column, in the first round and the head-to-head."""
    from warroom.core.csvformat import parse_polls_csv
    from warroom.demo import LONDON_2012

    today = date(2012, 5, 1)
    header = "pollster,fieldwork_start,fieldwork_end,sample_size,first:johnson,first:livingstone,first:other,"
    header += "second:johnson,second:livingstone\n"
    result = parse_polls_csv(header + "Zed,2012-04-29,2012-04-30,1000,45,40,15,100,0\n", LONDON_2012, today=today)
    assert [(e.line, e.field) for e in result.errors] == [(2, "second:johnson")], result.errors
    result = parse_polls_csv(header + "Zed,2012-04-29,2012-04-30,1000,0,100,0,,\n", LONDON_2012, today=today)
    assert [(e.line, e.field) for e in result.errors] == [(2, "first:livingstone")], result.errors
    fine = header + "Zed,2012-04-29,2012-04-30,1000,45,40,15,99,1\n"
    assert not parse_polls_csv(fine, LONDON_2012, today=today).errors
