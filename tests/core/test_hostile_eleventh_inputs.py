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


# --- a quote opened and never closed -----------------------------------------------------------------------------


def test_a_poll_file_with_a_quote_never_closed_is_refused_not_cut_short() -> None:
    """A note starting with a stray quote ('"online') made the csv module read every line after it into that note:
    three polls in the file, one imported, and the note holding the other two rows, without a word."""
    text = (
        f"{HEADER},notes\n"
        'Acme,2024-03-01,2024-03-02,800,45,40,15,"online panel\n'
        "Bcme,2024-03-03,2024-03-04,800,44,41,15,phone\n"
        "Ccme,2024-03-05,2024-03-06,800,43,42,15,phone\n"
    )
    result = parse_polls_csv(text, TOY, today=TODAY)
    assert not result.ok, [p.notes for p in result.polls]
    assert any("quote opened on line 2 is never closed" in e.message for e in result.errors), result.errors


def test_quoted_cells_that_close_are_read_as_before() -> None:
    """A note over two lines, a doubled quote and a quoted last cell are read whole: only a quote the file ends in
    is refused."""
    text = (
        f"{HEADER},notes\n"
        'Acme,2024-03-01,2024-03-02,800,45,40,15,"two\nlines, ""quoted"""\n'
        'Bcme,2024-03-03,2024-03-04,800,44,41,15,"last"'
    )
    result = parse_polls_csv(text, TOY, today=TODAY)
    assert result.ok, result.errors
    assert [p.notes for p in result.polls] == ['two\nlines, "quoted"', "last"]


def test_a_ballot_or_result_file_with_a_quote_never_closed_names_the_quote() -> None:
    """Both were refused already, but as a candidate named 'A,B\\n2,B,A' holding a line break, or an unknown
    candidate: the quote that swallowed the lines after it is what to fix."""
    from warroom.core.csvformat import parse_ballot_table
    from warroom.core.resultfile import ResultFileError, parse_result_csv
    from warroom.demo import LONDON_2012

    _table, errors = parse_ballot_table('count,p1,p2\n5,A,B\n3,"A,B\n2,B,A\n')
    assert any("quote opened on line 3 is never closed" in e.message for e in errors), errors
    with pytest.raises(ResultFileError) as info:
        parse_result_csv('candidate,first_round\n"Boris Johnson,971931\nKen Livingstone,889918\n', LONDON_2012)
    assert any("quote opened on line 2 is never closed" in p.message for p in info.value.problems)


# --- files that are not CSV text at all ---------------------------------------------------------------------------

POLL_TEXT = f"\ufeff{HEADER}\nAcme,2024-03-01,2024-03-02,800,45,40,15\n"


def _workbook() -> bytes:
    """An .xlsx is a zip archive; its first entry's name and a few stray UTF-8-looking bytes are enough."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types>" + "\u00e9" * 50 + "</Types>")
        archive.writestr("xl/worksheets/sheet1.xml", "<x>" + bytes(range(256)).hex() * 20 + "</x>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (POLL_TEXT.encode("utf-16-le"), "UTF-16"),  # Excel's "Unicode Text" (the BOM is the text's first letter)
        (POLL_TEXT.encode("utf-16-be"), "UTF-16"),
        (POLL_TEXT.encode("utf-32-le"), "UTF-32"),
        (_workbook(), "Excel workbook"),  # an .xlsx chosen, or renamed .csv
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8, "Excel 97-2003 workbook"),
    ],
)
def test_a_file_that_is_not_csv_text_says_what_it_is(data: bytes, words: str) -> None:
    """A workbook renamed .csv was "line 1 is not UTF-8 though the file holds UTF-8 letters elsewhere (two encodings
    mixed)", and the window's import (which skipped the command line's check) called UTF-16 text "binary"."""
    from warroom.core.infile import decode_csv_bytes

    with pytest.raises(ValueError, match=words) as info:
        decode_csv_bytes(data)
    assert "CSV UTF-8" in str(info.value)
    assert "two encodings" not in str(info.value)


@pytest.mark.parametrize(("data", "words"), [("count,p1\n3,A\n".encode("utf-16"), "UTF-16"), (_workbook(), "workbook")])
def test_a_ballot_file_that_is_not_csv_text_says_what_it_is(tmp_path, data: bytes, words: str) -> None:
    """`warroom count` said "the file is not UTF-8 text (byte 0 cannot be read)"."""
    from warroom.core.csvformat import CsvFormatError, parse_ballot_file

    path = tmp_path / "ballots.csv"
    path.write_bytes(data)
    with pytest.raises(CsvFormatError, match=words):
        parse_ballot_file(path)


def test_a_pasted_csv_with_a_quote_never_closed_is_refused_not_cut_short() -> None:
    """Pasted comma-separated text went through the csv module too: the rows after a stray quote in a note were
    read into that note, and the paste imported one poll of two."""
    from warroom.core.paste import PasteError, split_table

    text = (
        "pollster,fieldwork_end,first:ann,first:bob,first:cat,notes\n"
        'Acme,2024-03-02,45,40,15,"online\n'
        "Bcme,2024-03-04,44,41,15,phone\n"
    )
    with pytest.raises(PasteError, match="quote opened on line 2 is never closed"):
        split_table(text)
    assert len(split_table(text.replace('"online', '"online"'))) == 3


# --- a source address or method that rewrites the briefing's lines ----------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        # the briefing PDF's sources showed "Acme: https://acme.example/exe.png" for this address
        ("source_url", "https://acme.example/\u202egnp.exe", "202E"),
        # a line break made a second sources line, "Ccme: https://fake.example/", for a pollster nobody polled
        ("source_url", "https://b.example/x\nCcme: https://fake.example/", "000A"),
        ("method", "online\u202e", "202E"),
        ("method", "online\rphone", "000D"),
    ],
)
def test_a_source_address_or_method_holding_a_line_break_or_direction_control_is_refused(
    field: str, value: str, code: str
) -> None:
    quoted = value.replace('"', '""')
    text = f'{HEADER},{field}\nAcme,2024-03-01,2024-03-02,800,45,40,15,"{quoted}"\n'
    result = parse_polls_csv(text, TOY, today=TODAY)
    # a record over two lines is named by the line it ends on, as every error of the reader
    assert [(e.line, e.field) for e in result.errors] == [(2 if code == "202E" else 3, field)], result.errors
    assert f"U+{code}" in result.errors[0].message


def test_ordinary_source_addresses_methods_and_notes_are_read() -> None:
    text = (
        f"{HEADER},source_url,method,notes\n"
        'Acme,2024-03-01,2024-03-02,800,45,40,15,https://acme.example/poll?id=3&x=%20,online panel,"two\nlines"\n'
    )
    result = parse_polls_csv(text, TOY, today=TODAY)
    assert result.ok, result.errors
    assert result.polls[0].notes == "two\nlines"


def test_a_two_round_notice_source_holding_a_line_break_is_refused() -> None:
    from dataclasses import replace

    from tests.core.test_hostile_third_pass import _nsp
    from warroom.core.france import parse_nsppolls_polls
    from warroom.store.questions import check_campaign

    notices = parse_nsppolls_polls(_nsp([("Ann", "60"), ("Bob", "40")]))
    spoofed = [replace(n, source="https://ifop.example/\nFake: https://x.example/") for n in notices]
    problems = check_campaign(spoofed)
    assert any("source" in p and "U+000A" in p for p in problems), problems


# --- ballot files whose numbered columns are not in rank order ---------------------------------------------------


@pytest.mark.parametrize(
    ("header", "words"),
    [
        ("count,rank3,rank2,rank1", "'rank3'"),  # written last to first: C counted first where the paper says A
        (
            "count,Choice 1,Choice 10,Choice 2,Choice 3,Choice 4,Choice 5,Choice 6,Choice 7,Choice 8,Choice 9",
            "'Choice 10'",
        ),
        ("count,pref1,pref3", "'pref3'"),  # no second-preference column: SV would count the third as the second
        ("count,pref1,pref1,pref2", "'pref1'"),
        # a cast-vote record's other columns were read as rankings: each precinct a first preference
        ("precinct,count,rank1,rank2", "'precinct'"),
        ("count,ballot_id,rank1,rank2", "'ballot_id'"),
    ],
)
def test_a_ballot_file_whose_numbered_columns_are_not_in_rank_order_is_refused(
    tmp_path, header: str, words: str
) -> None:
    """Preference columns are read in file order, so `rank3,rank2,rank1` and a tool's sorted `Choice 1, Choice 10,
    Choice 2, ...` were counted with the preferences reordered, without a word."""
    from warroom.core.csvformat import CsvFormatError, parse_ballot_file, parse_ballot_table

    width = header.count(",")
    text = f"{header}\n3,{','.join('ABCDEFGHIJ'[:width])}\n"
    with pytest.raises(CsvFormatError, match=words):
        parse_ballot_table(text)
    path = tmp_path / "ballots.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CsvFormatError, match=words):
        parse_ballot_file(path)


@pytest.mark.parametrize(
    "header",
    [
        "count,rank1,rank2,rank3",
        "rank1,rank2,rank3,count",
        "count,first,second,third",
        "count,Choice 1 of 3,Choice 2 of 3,Choice 3 of 3",
        "count,1st,2nd,3rd",
        "count,p0,p1,p2",
    ],
)
def test_ballot_columns_in_rank_order_or_unnumbered_are_read(header: str) -> None:
    from warroom.core.csvformat import parse_ballot_table

    row = "A,B,C,3" if header.endswith("count") else "3,A,B,C"
    table, errors = parse_ballot_table(f"{header}\n{row}\n")
    assert errors == [] and len(table.counts) == 1


def test_a_month_first_date_says_the_file_may_be_month_first_and_how_to_write_dates() -> None:
    """'4/28/2024' (an American export) was "not a date (day/month/year: no such day)": fixing that row alone left
    the file's other American dates, '4/5/2024' among them, read as 4 May. The message says the file may be
    month-first and to write every date as YYYY-MM-DD."""
    text = f"{HEADER}\nAcme,3/5/2024,3/28/2024,800,45,40,15\n"
    result = parse_polls_csv(text, TOY, today=date(2024, 4, 30))
    assert [(e.line, e.field) for e in result.errors] == [(2, "fieldwork_end")], result.errors
    message = result.errors[0].message
    assert "month/day/year" in message and "YYYY-MM-DD" in message and "every date" in message


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("Premier tour,,", 'Premier tour,"Hypoth\u0435se Bayrou",', "label"),  # Cyrillic е: drawn as "Hypothese"
        ("Ann,P,", "\u0410nn,P,", "candidate"),  # Cyrillic А: a second Ann in the question
    ],
)
def test_a_two_round_label_or_candidate_borrowing_a_cyrillic_letter_is_refused(old: str, new: str, field: str) -> None:
    """A hypothesis label or candidate name with a Cyrillic letter drawn like a Latin one displays as another's
    (two questions drawn alike in the picker), as a pollster's does."""
    from tests.core.test_hostile_third_pass import _nsp
    from warroom.core.france import parse_nsppolls_polls
    from warroom.store.questions import check_campaign

    text = _nsp([("Ann", "60"), ("Bob", "40")]).replace(old, new)
    problems = check_campaign(parse_nsppolls_polls(text))
    assert any(field in p and "U+04" in p for p in problems), problems


@pytest.mark.parametrize(("sep", "what"), [(";", "semicolons"), ("\t", "tabs")])
def test_a_ballot_file_separated_by_semicolons_or_tabs_says_so(sep: str, what: str) -> None:
    """It was "line 1: missing column 'count'" beside a header that plainly has one; the poll CSV says what it is."""
    from warroom.core.csvformat import CsvFormatError, parse_ballot_table

    with pytest.raises(CsvFormatError, match=f"separated by {what}"):
        parse_ballot_table(f"count{sep}rank1{sep}rank2\n3{sep}A{sep}B\n")


# --- a contest file naming thousands of candidates ----------------------------------------------------------------


def _many(n: int, parties: int = 0) -> str:
    head = '[contest]\nname = "Many"\nelection_date = 2026-05-07\nsystem = "sv"\n'
    party = "".join(f'[[party]]\ncode = "P{i}"\nname = "Party {i}"\n' for i in range(parties))
    return head + party + "".join(f'[[candidate]]\ncode = "c{i}"\nname = "Cand Number{i}"\n' for i in range(n))


def test_a_contest_of_thousands_of_candidates_is_refused_naming_the_most_there_may_be() -> None:
    """A 270 KB contest file of 5,000 candidates was stored, and `warroom render window` of it then took 168 s
    (98 s of CPU) where London's took 5.6 s: the window would freeze as long. No race has so many."""
    from warroom.core.contestfile import ContestFileError, parse_contest_file
    from warroom.core.types import MAX_CONTEST_CANDIDATES

    assert len(parse_contest_file(_many(MAX_CONTEST_CANDIDATES)).contest.candidates) == MAX_CONTEST_CANDIDATES
    with pytest.raises(ContestFileError) as info:
        parse_contest_file(_many(MAX_CONTEST_CANDIDATES + 1))
    assert any(f"at most {MAX_CONTEST_CANDIDATES:,}" in p.message for p in info.value.problems), info.value.problems
    with pytest.raises(ContestFileError) as info:
        parse_contest_file(_many(2, parties=MAX_CONTEST_CANDIDATES + 1))
    assert any(f"at most {MAX_CONTEST_CANDIDATES:,}" in p.message for p in info.value.problems), info.value.problems
