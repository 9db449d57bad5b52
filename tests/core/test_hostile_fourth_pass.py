"""Issue 16, a fourth hostile pass over every reader: one rule for whole numbers (counts, samples, votes), and
what a fresh pass found. Each case failed before its fix: a traceback, or a file read as something it does not
say."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import TOY
from tests.core.test_hostile_third_pass import _nsp
from warroom.core.csvformat import parse_ballot_file, parse_ballot_table, parse_polls_csv
from warroom.core.france import FranceFormatError, parse_nsppolls_polls
from warroom.core.resultfile import ResultFileError, parse_result_csv
from warroom.core.validation import whole_number
from warroom.demo import LONDON_2012

# Each is read by int() (or int() after the commas are dropped) as some number, and by the one rule as none.
NOT_WHOLE = [
    "1_000",  # Python's digit grouping
    "\u0661\u0660\u0660\u0660",  # Arabic-Indic 1000
    "\uff11\uff10\uff10\uff10",  # fullwidth 1000
    "\u0967\u0966\u0966",  # Devanagari 100
    "+800",
    "1,0,0",  # read as 100 once the commas were dropped
    "1,000 000",  # two kinds of grouping
    "\u00b2",  # a digit to str.isdigit, a traceback to int()
]
WHOLE = [("1000", 1000), ("1,000", 1000), ("48 747 876", 48_747_876), ("1\u202f000", 1000), ("007", 7)]


@pytest.mark.parametrize("text", NOT_WHOLE)
def test_the_one_rule_refuses_what_int_would_read(text: str) -> None:
    with pytest.raises(ValueError, match="is not a whole number"):
        whole_number(text, most=10**9)


@pytest.mark.parametrize(("text", "value"), WHOLE)
def test_the_one_rule_reads_published_figures(text: str, value: int) -> None:
    assert whole_number(text, most=10**9) == value


@pytest.mark.parametrize("text", NOT_WHOLE)
def test_a_ballot_count_follows_the_rule_the_poll_csv_follows(tmp_path: Path, text: str) -> None:
    """Ballot counts took "1_000" and Unicode digits while the poll CSV's sample size refused them."""
    poll = parse_polls_csv(
        f'pollster,fieldwork_start,fieldwork_end,sample_size,first:ann,first:bob,first:cat\nAcme,2024-03-01,2024-03-02,"{text}",45,40,15\n',
        TOY,
    )
    assert not poll.ok and any(e.line == 2 and e.field == "sample_size" for e in poll.errors)
    ballots = f'pref1,pref2,count\nA,B,5\nB,A,"{text}"\n'
    _table, errors = parse_ballot_table(ballots)
    assert [(e.line, e.field) for e in errors] == [(3, "count")], errors
    assert "is not a whole number" in errors[0].message
    path = tmp_path / "ballots.csv"
    path.write_text(ballots, encoding="utf-8")
    _table, errors = parse_ballot_file(path)
    assert [(e.line, e.field) for e in errors] == [(3, "count")]


@pytest.mark.parametrize("text", NOT_WHOLE)
def test_an_official_result_follows_the_rule_too(text: str) -> None:
    with pytest.raises(ResultFileError, match=r"line 2.*is not a whole number"):
        parse_result_csv(f'candidate,first_round\njohnson,"{text}"\nlivingstone,90\n', LONDON_2012)


@pytest.mark.parametrize("text", NOT_WHOLE)
def test_a_compilations_sample_follows_the_rule_too(text: str) -> None:
    """'²' in a French compilation's sample size was a ValueError traceback; '١٥٠٠' was read as 1500."""
    rows = _nsp([("Ann", "60"), ("Bob", "40")]).replace(",1500,", f',"{text}",')
    with pytest.raises(FranceFormatError, match=r"line 2, echantillon: .*is not a sample size"):
        parse_nsppolls_polls(rows)


def test_a_ballot_count_past_64_bits_is_named(tmp_path: Path) -> None:
    _table, errors = parse_ballot_table("pref1,count\nA,99999999999999999999\n")
    assert [(e.line, e.field) for e in errors] == [(2, "count")] and "too large" in errors[0].message


def test_a_whole_number_of_a_million_digits_is_refused_at_once() -> None:
    with pytest.raises(ValueError, match="too large"):
        whole_number("9" * 1_000_000, most=2**63 - 1)


@pytest.mark.parametrize("cid", ["\u00b2", "\u0662\u0661\u0667\u0664\u0663\u0660"])  # '²'; Arabic-Indic 217430
def test_a_candidacy_id_in_another_script_is_refused_naming_its_cell(tmp_path: Path, cid: str) -> None:
    """'²' in the candidacy file was a ValueError traceback; '٢١٧٤٣٠' was read as candidacy 217430."""
    from tests.core.test_nyc_cvr import CANDIDACY, write_csv
    from warroom.core.nyc_cvr import NycFormatError, read_candidacy_names

    rows = [list(r) for r in CANDIDACY]
    rows[1][0] = cid
    path = write_csv(tmp_path / "names.csv", rows)
    with pytest.raises(NycFormatError, match=r"names\.csv.*row 2, column A: .* is not a candidacy ID"):
        read_candidacy_names(path)


# --- ballot files ----------------------------------------------------------------------------------------------


def test_a_ballot_file_with_lines_ended_by_a_lone_cr_is_read(tmp_path: Path) -> None:
    """An old-Mac file (CR line ends) was a csv.Error traceback out of `warroom count`; the poll CSV reads it."""
    from warroom.core.count import count_ballots

    text = "pref1,pref2,count\rA,B,10\rB,A,9\r"
    path = tmp_path / "cr.csv"
    path.write_bytes(text.encode())
    for table, errors in (parse_ballot_file(path), parse_ballot_table(text)):
        assert errors == []
        result = count_ballots(table, "sv")
        assert result.valid == 19 and result.winner == "A" and table.line_of(1) == 3


@pytest.mark.parametrize(
    ("rows", "first", "second"),
    [
        ("a,B,10\nA,b,5\n", "'a' (line 2)", "'A' (line 3)"),  # one candidate typed in two cases
        ("A,B,10\nB,A,9\n\ufeffB,A,2\n", "'B' (line 2)", "'\\ufeffB' (line 4)"),  # a BOM where two files were joined
        ("Ann Lee,Bo,10\nAnn  Lee,Bo,9\n", "'Ann Lee' (line 2)", "'Ann  Lee' (line 3)"),
        ("Ann,Bo,10\nA\u200bnn,Bo,9\n", "'Ann' (line 2)", "'A\\u200bnn' (line 3)"),
    ],
)
def test_ballot_candidates_written_two_ways_are_refused_naming_both_lines(
    tmp_path: Path, rows: str, first: str, second: str
) -> None:
    """'a' and 'A', or 'B' and a 'B' behind a byte-order mark, were counted as two candidates: one candidate's
    votes split in two piles, and a winner that may be wrong."""
    from warroom.core.count import CountError, count_ballots

    path = tmp_path / "b.csv"
    path.write_text("pref1,pref2,count\n" + rows, encoding="utf-8")
    table, errors = parse_ballot_file(path)
    assert errors == []
    with pytest.raises(CountError, match="differ only in case, spacing or invisible characters") as info:
        count_ballots(table, "irv")
    assert first in str(info.value) and second in str(info.value)


# --- poll CSV ---------------------------------------------------------------------------------------------------

HEADER = "pollster,fieldwork_start,fieldwork_end,sample_size,first:ann,first:bob,first:cat"


@pytest.mark.parametrize(
    ("pollster", "code"),
    [
        ("Ac\ufeffme", "FEFF"),  # a byte-order mark where two files were pasted together
        ("Ac\u200bme", "200B"),  # a zero-width space
        ("Ac\u00adme", "00AD"),  # a soft hyphen
        ("Ac\nme", "000A"),  # a quoted line break
    ],
)
def test_a_pollster_name_with_an_invisible_character_is_refused(pollster: str, code: str) -> None:
    """'Ac\\u200bme' displays as Acme but was a second firm: its poll was not a duplicate of Acme's, and its house
    effect was estimated apart."""
    text = f'{HEADER}\n"{pollster}",2024-03-01,2024-03-02,800,45,40,15\nAcme,2024-03-01,2024-03-02,800,45,40,15\n'
    result = parse_polls_csv(text, TOY, today=date(2024, 4, 1))
    assert not result.ok
    assert any(e.field == "pollster" and f"U+{code}" in e.message for e in result.errors), result.errors


def test_a_pollster_written_in_fullwidth_letters_is_the_same_firm() -> None:
    """'Ａcme' (fullwidth A) and 'Acme' were two polls of two firms; Poll.key() compares names as they look."""
    text = f"{HEADER}\n\uff21cme,2024-03-01,2024-03-02,800,45,40,15\nACME ,2024-03-01,2024-03-02,800,45,40,15\n"
    result = parse_polls_csv(text, TOY, today=date(2024, 4, 1))
    assert [(e.line, e.field) for e in result.errors] == [(3, "pollster")]
    assert "duplicate of line 2" in result.errors[0].message


@pytest.mark.parametrize(
    "day",
    [
        "\u0661/\u0663/\u0662\u0660\u0662\u0664",  # Arabic-Indic 1/3/2024: read as 1 March 2024
        "20240301",  # ISO's basic form: read by Python 3.11, refused by 3.10
        "2024-W09-5",  # an ISO week date, likewise
        "2024-3-1",
    ],
)
def test_a_poll_date_is_yyyy_mm_dd_or_day_month_year_in_ascii_digits(day: str) -> None:
    text = f"{HEADER}\nAcme,{day},2024-03-02,800,45,40,15\n"
    result = parse_polls_csv(text, TOY, today=date(2024, 4, 1))
    assert [(e.line, e.field) for e in result.errors] == [(2, "fieldwork_start")], result.errors
    assert "is not a date" in result.errors[0].message


def test_a_compilation_date_in_other_digits_is_refused() -> None:
    text = _nsp([("Ann", "60"), ("Bob", "40")]).replace(",2022-04-01,", ",\u0661 avril \u0662\u0660\u0662\u0662,")
    with pytest.raises(FranceFormatError, match=r"line 2, debut_enquete: .*is not a date"):
        parse_nsppolls_polls(text)


# --- pasted tables -----------------------------------------------------------------------------------------------


def _pasted(text: str) -> list:
    from warroom.core.paste import guess_columns, split_table, to_poll_csv

    rows = split_table(text)
    result = parse_polls_csv(to_poll_csv(rows, guess_columns(rows[0], TOY), 2024), TOY, today=date(2024, 4, 1))
    assert result.ok, result.errors
    return [dict(p.first_round) for p in result.polls]


@pytest.mark.parametrize(
    "text",
    [
        "Pollster;Date;Ann Red;Bob Blue;Cat Green\nAcme;1 Mar 2024;44,5;40,5;15\n",  # a European spreadsheet's CSV
        "Pollster\tDate\tAnn Red\tBob Blue\tCat Green\nAcme\t1 Mar 2024\t44,5\t40,5\t15\n",
        'Pollster,Date,Ann Red,Bob Blue,Cat Green\nAcme,1 Mar 2024,"44,5","40,5",15\n',
        "Pollster\tDate\tAnn Red\tBob Blue\tCat Green\nAcme\t1 Mar 2024\t44,5[a]\t40,5\t15\n",  # a footnote mark
    ],
)
def test_a_pasted_table_with_semicolons_or_decimal_commas_is_read_whole(text: str) -> None:
    """A semicolon-separated paste was one column ("missing column 'fieldwork_end'"), and '44,5' in a share was
    refused; one or two digits after a comma are decimals (a group of three stays thousands)."""
    assert _pasted(text) == [{"ann": 44.5, "bob": 40.5, "cat": 15.0}]


def test_a_pasted_column_named_by_a_surname_two_candidates_share_is_not_guessed() -> None:
    """'Johnson' was guessed as whichever Johnson came last (Jo), with no sign anything was ambiguous; the poll
    CSV refuses such a column, and the paste now leaves it for the user to pick."""
    from warroom.core.paste import guess_columns
    from warroom.core.types import Candidate

    twins = replace(
        TOY,
        candidates=(*TOY.candidates, Candidate("boris", "Boris Johnson", None, "#0000ff"),
                    Candidate("jo", "Jo Johnson", None, "#00ff00")),
    )  # fmt: skip
    assert guess_columns(["Pollster", "Johnson", "Boris Johnson", "jo", "Ann"], twins) == [
        "pollster",
        "",
        "first:boris",
        "first:jo",
        "first:ann",
    ]


def test_a_quoted_decimal_comma_in_a_poll_file_says_how_to_write_it() -> None:
    result = parse_polls_csv(f'{HEADER}\nAcme,2024-03-01,2024-03-02,800,"44,5",40.5,15\n', TOY, today=date(2024, 4, 1))
    assert [str(e) for e in result.errors] == [
        "line 2, first:ann: '44,5' is not a number (write decimals with a point: 44.5)"
    ]


# --- contest files --------------------------------------------------------------------------------------------

RACE = """[contest]
name = "Race 2031"
election_date = {day}
system = "sv"

[[candidate]]
code = "zoe"
name = "{first}"

[[candidate]]
code = "{code}"
name = "{second}"
"""


@pytest.mark.parametrize(
    ("day", "first", "code", "second", "words"),
    [
        ("2031-05-01", "Zoé Smith", "zo", "Zoe Smith", r"line 12: candidate\[2\]\.name: .*differ only by accents"),
        ("2031-05-01", "Jean-Luc Roy", "jl", "Jean Luc Roy", r"line 12: candidate\[2\]\.name: .*only by accents or hyphens"),
        ("0001-01-01", "Ann", "bo", "Bob", r"line 3: contest\.election_date: 0001-01-01 is outside 1900-2199"),
        ("9999-12-31", "Ann", "bo", "Bob", r"line 3: contest\.election_date: 9999-12-31 is outside 1900-2199"),
    ],
)  # fmt: skip
def test_a_contest_file_with_names_read_as_one_or_a_date_off_the_calendar_is_refused(
    day: str, first: str, code: str, second: str, words: str
) -> None:
    """Two names the French compilations and pastes fold to one were accepted (a poll of one read as the other's);
    an election in year 1 made `forecast` say only "ordinal must be >= 1"."""
    from warroom.core.contestfile import ContestFileError, parse_contest_file

    with pytest.raises(ContestFileError, match=words):
        parse_contest_file(RACE.format(day=day, first=first, code=code, second=second))


def test_a_contest_file_saved_with_a_byte_order_mark_is_read() -> None:
    """Notepad's UTF-8 adds a byte-order mark: the file was refused as "TOML syntax: Invalid statement"."""
    from warroom.core.contestfile import parse_contest_file

    text = "\ufeff" + RACE.format(day="2031-05-01", first="Ann", code="bo", second="Bob")
    assert [c.name for c in parse_contest_file(text).contest.candidates] == ["Ann", "Bob"]


def test_a_poll_file_of_a_million_columns_is_refused_at_the_header() -> None:
    """A million columns gave a million "unknown column" errors after 4 s (and printed them all)."""
    from warroom.core.csvformat import CsvFormatError

    text = HEADER + "," + ",".join(f"x{i}" for i in range(1_000_000)) + "\nAcme,2024-03-01,2024-03-02,800,45,40,15\n"
    with pytest.raises(CsvFormatError, match=r"line 1: 1,000,007 columns; a poll file has at most 10,000"):
        parse_polls_csv(text, TOY, today=date(2024, 4, 1))


@pytest.mark.parametrize(("sep", "what"), [(";", "semicolons"), ("\t", "tabs")])
def test_a_poll_file_in_another_list_separator_says_so(sep: str, what: str) -> None:
    """A spreadsheet's "CSV" with semicolons said "missing column 'pollster' (have: pollster;fieldwork_start;...)"."""
    from warroom.core.csvformat import CsvFormatError

    text = HEADER.replace(",", sep) + "\n" + "Acme,2024-03-01,2024-03-02,800,45,40,15".replace(",", sep) + "\n"
    with pytest.raises(CsvFormatError, match=rf"line 1: the columns are separated by {what}, not commas"):
        parse_polls_csv(text, TOY, today=date(2024, 4, 1))


def test_a_blt_file_naming_more_candidates_than_its_first_line_says_is_refused() -> None:
    """'2 1' then three names and a title: the third name was read as the title and the title dropped."""
    from warroom.core.blt import BltFormatError, parse_blt

    with pytest.raises(BltFormatError, match=r"line 8: more lines after the title: .* than the 2 its first line"):
        parse_blt('2 1\n5 1 2 0\n3 2 1 0\n0\n"A"\n"B"\n"C"\n"Race 2031"\n')
    assert parse_blt('2 1\n5 1 2 0\n3 2 1 0\n0\n"A"\n"B"\n"Race 2031"\n').title == "Race 2031"


def test_every_csv_reader_takes_lines_ended_by_a_lone_cr(tmp_path: Path) -> None:
    """An official-result CSV saved by an old Mac program was a csv.Error traceback; the compilations, New York
    City's CSV and the poll CSV read it."""
    from warroom.core import nyc_cvr
    from warroom.core.compilations import header_of

    result = parse_result_csv("candidate,first_round\rjohnson,100\rlivingstone,90\rother,10\r", LONDON_2012)
    assert dict(result.first_round) == {"johnson": 100, "livingstone": 90, "other": 10}
    text = _nsp([("Ann", "60"), ("Bob", "40")]).replace("\n", "\r")
    assert len(parse_nsppolls_polls(text)) == 1
    assert "nom_institut" in header_of(text)
    cvr = tmp_path / "cvr.csv"
    cvr.write_bytes(b"Cast Vote Record,DEM Mayor Choice 1 of 1 Citywide (026916)\r1,Ann\r2,Bob\r")
    assert nyc_cvr.is_nyc_file(cvr)  # was read as a ballot CSV: "missing column 'count'"
