"""Hostile poll CSVs: repeated columns, absurd numbers, impossible dates, formula smuggling (issue 16)."""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import TOY, make_poll
from warroom.core.csvformat import escape_cell, parse_polls_csv, polls_to_csv, unescape_cell
from warroom.core.types import DIRECTION_CONTROLS
from warroom.core.validation import LATEST_AFTER_ELECTION, MAX_SAMPLE_SIZE, validate_poll

ROW = "Acme,2024-03-01,2024-03-02,800,45,40,15"


@pytest.mark.parametrize(
    ("header", "first", "second"),
    [
        (
            "pollster,fieldwork_start,fieldwork_end,sample_size,first:ann,first:bob,first:cat,first:Ann Red",
            "first:ann",
            "first:Ann Red",
        ),
        (
            "pollster,fieldwork_start,fieldwork_end,sample_size,first_ann,first:bob,first:cat,FIRST:Red",
            "first_ann",
            "FIRST:Red",
        ),
        (
            "pollster,fieldwork_start,fieldwork_end,sample_size,first:ann,first:bob,first:cat,Sample_Size",
            "sample_size",
            "Sample_Size",
        ),
        (
            "pollster,fieldwork_start,fieldwork_end,sample_size,first:ann,first:bob,first:cat,transfer:cat>ann,"
            "transfer:Cat Green->Ann Red",
            "transfer:cat>ann",
            "transfer:Cat Green->Ann Red",
        ),
    ],
)
def test_a_repeated_column_is_an_error_naming_line_1_and_both_columns(header: str, first: str, second: str) -> None:
    result = parse_polls_csv(f"{header}\n{ROW},45\n", TOY)
    assert not result.ok and not result.polls
    (error,) = [e for e in result.errors if e.field == second]
    assert error.line == 1 and first in error.message and "same" in error.message


def test_party_columns_repeated_under_code_and_name_are_refused() -> None:
    text = "pollster,fieldwork_end,sample_size,first:ann,first:bob,first:cat,party:R,party:Reds\n"
    result = parse_polls_csv(text + "Acme,2024-03-02,800,45,40,15,30,30\n", TOY)
    assert [(e.line, e.field) for e in result.errors] == [(1, "party:Reds")]


HEADER = "pollster,fieldwork_start,fieldwork_end,sample_size,first:ann,first:bob,first:cat"


@pytest.mark.parametrize("sample", [str(2**63), str(2**64 + 5), "9" * 30, "9" * 5000, str(MAX_SAMPLE_SIZE + 1)])
def test_an_impossibly_large_sample_is_an_error_naming_line_and_field(sample: str) -> None:
    result = parse_polls_csv(f"{HEADER}\nAcme,2024-03-01,2024-03-02,{sample},45,40,15\n", TOY)
    assert not result.ok
    assert [(e.line, e.field) for e in result.errors] == [(2, "sample_size")]


@pytest.mark.parametrize("sample", ["1_000", "١٢٣", "１０００", "+800", "8e3"])
def test_a_sample_must_be_plain_digits(sample: str) -> None:
    result = parse_polls_csv(f'{HEADER}\nAcme,2024-03-01,2024-03-02,"{sample}",45,40,15\n', TOY)
    assert [(e.line, e.field) for e in result.errors] == [(2, "sample_size")]


def test_the_largest_sample_and_thousands_commas_are_fine() -> None:
    text = f'{HEADER}\nAcme,2024-03-01,2024-03-02,"{MAX_SAMPLE_SIZE:,}",45,40,15\n'
    result = parse_polls_csv(text, TOY)
    assert result.ok, result.errors
    assert result.polls[0].sample_size == MAX_SAMPLE_SIZE


@pytest.mark.parametrize(
    ("start", "end", "published", "field"),
    [
        ("2024-03-01", "9999-12-31", "", "fieldwork_end"),
        ("", "9999-12-31", "", "fieldwork_end"),
        ("2024-03-01", "2024-03-02", "9999-01-01", "published"),
        ("0001-01-01", "2024-03-02", "", "fieldwork_start"),
    ],
)
def test_a_date_far_from_the_election_is_impossible(start: str, end: str, published: str, field: str) -> None:
    header = "pollster,fieldwork_start,fieldwork_end,published,sample_size,first:ann,first:bob,first:cat"
    text = f"{header}\nAcme,{start},{end},{published},800,45,40,15\n"
    result = parse_polls_csv(text, TOY, today=date(2024, 4, 1))
    (error,) = [e for e in result.errors if e.field == field]
    assert error.line == 2 and "impossible" in error.message
    assert all(e.line == 2 for e in result.errors) and not result.ok


def test_the_date_window_edges() -> None:
    latest = TOY.election_date + LATEST_AFTER_ELECTION
    assert validate_poll(replace(make_poll(1), fieldwork_end=latest), TOY) == []
    (problem,) = validate_poll(replace(make_poll(1), fieldwork_end=latest + timedelta(days=1)), TOY)
    assert problem.field == "fieldwork_end" and latest.isoformat() in problem.message


SMUGGLED = [
    "\t=cmd",
    "\r=cmd",
    '\n=HYPERLINK("x")',
    "\x00+1",
    " =1+1",
    "\r\n@SUM(A1)",
    "\u200b=1",
    "\ufeff-2+3",
    "\x0b=1",
    "  \t\n-1+1",
]


@pytest.mark.parametrize("value", SMUGGLED)
def test_control_characters_cannot_smuggle_a_formula_past_the_escape(value: str) -> None:
    poll = make_poll(1, pollster="Acme", client=value, notes=value, method=value, source_url=value)
    rows = list(csv.reader(io.StringIO(polls_to_csv([poll], TOY))))
    header, row = rows[0], rows[1]
    for name in ("client", "method", "source_url", "notes"):
        assert row[header.index(name)].startswith("'"), (name, row[header.index(name)])


def _dangerous(cell: str) -> bool:
    """What a spreadsheet might run: a formula sign after any blanks or control characters."""
    import unicodedata

    rest = cell.lstrip("".join(ch for ch in cell if ch.isspace() or unicodedata.category(ch)[0] in "CZ"))
    return rest[:1] in ("=", "+", "-", "@", "＝", "＋", "－", "＠") and not rest.lstrip("-").replace(".", "").isdigit()


@settings(max_examples=400, deadline=None)
@given(
    st.text(
        st.sampled_from(["=", "+", "-", "@", "'", "\t", "\r", "\n", "\x00", " ", "\u200b", "a", "1", "."]), max_size=6
    )
)
def test_escaping_is_safe_and_reversible(value: str) -> None:
    escaped = escape_cell(value)
    assert unescape_cell(escaped) == value
    assert escaped.startswith("'") or not _dangerous(escaped)


def test_an_apostrophe_typed_before_a_formula_sign_survives_the_round_trip() -> None:
    poll = make_poll(1, notes="'=not a formula", client="'+44")
    back = parse_polls_csv(polls_to_csv([poll], TOY), TOY)
    assert back.ok, back.errors
    assert back.polls == [replace(poll)]


@pytest.mark.parametrize(("field", "limit"), [("pollster", 120), ("client", 120), ("method", 60)])
def test_text_longer_than_the_store_keeps_is_an_error_naming_line_and_field(field: str, limit: int) -> None:
    header = "pollster,client,method,fieldwork_start,fieldwork_end,sample_size,first:ann,first:bob,first:cat"
    values = {"pollster": "Acme", "client": "", "method": ""}
    ok = dict(values, **{field: "x" * limit})
    long = dict(values, **{field: "x" * (limit + 1)})
    rows = [
        f"{v['pollster']},{v['client']},{v['method']},2024-03-0{i},2024-03-0{i + 1},800,45,40,15"
        for i, v in ((1, ok), (4, long))
    ]
    result = parse_polls_csv(header + "\n" + "\n".join(rows) + "\n", TOY)
    assert [(e.line, e.field) for e in result.errors] == [(3, field)]
    assert str(limit) in result.errors[0].message


def test_a_nul_character_in_a_typed_poll_is_a_problem_naming_the_field() -> None:
    problems = validate_poll(replace(make_poll(1), notes="before\x00after"), TOY)
    assert [p.field for p in problems] == ["notes"]


def test_the_largest_sample_fits_every_store() -> None:
    assert MAX_SAMPLE_SIZE <= 2**31 - 1  # PostgreSQL INTEGER; SQLite would take 2**63 - 1
    result = parse_polls_csv(f"{HEADER}\nAcme,2024-03-01,2024-03-02,{2**31},45,40,15\n", TOY)
    assert [(e.line, e.field) for e in result.errors] == [(2, "sample_size")]


_FREE_TEXT = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=30).map(str.strip)
_HEADERS = st.lists(
    st.sampled_from(
        [
            "pollster",
            "Pollster",
            "fieldwork_end",
            "fieldwork_start",
            "sample_size",
            "first:ann",
            "first_ann",
            "first:Ann Red",
            "first:bob",
            "first:cat",
            "first:other",
            "second:ann",
            "party:R",
            "party:Reds",
            "transfer:cat>ann",
            "transfer:Cat Green->exhausted",
            "notes",
            "",
            "\ufeffpollster",
            "first:",
            "x",
        ]
    ),
    min_size=1,
    max_size=10,
)
_CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            "45",
            "2024-03-02",
            "9999-12-31",
            "0001-01-01",
            str(2**63),
            "1,000",
            "nan",
            "-0",
            "=1+1",
            "\t=1",
            "'=1",
            '"',
            "\r",
            "1e308",
            "١٢٣",
        ]
    ),
    st.text(max_size=8),
)


@settings(max_examples=400, deadline=None)
@given(_HEADERS, st.lists(st.lists(_CELLS, max_size=10), max_size=5))
def test_fuzz_hostile_headers_and_cells(header: list[str], rows: list[list[str]]) -> None:
    """Repeated, unknown and empty columns with hostile cells: only CsvFormatError escapes; errors are placed;
    what parses cleanly is valid, storable and survives an export."""
    from warroom.core.csvformat import CsvFormatError

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    try:
        result = parse_polls_csv(out.getvalue(), TOY, today=date(2024, 4, 1))
    except CsvFormatError:
        return
    for error in result.errors:
        assert error.line >= 1 and error.field and error.message
    if result.ok:
        for poll in result.polls:
            assert validate_poll(poll, TOY) == []
            assert poll.sample_size is None or 0 < poll.sample_size <= MAX_SAMPLE_SIZE
        back = parse_polls_csv(polls_to_csv(result.polls, TOY), TOY)
        assert back.ok and back.polls == result.polls


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_FREE_TEXT, _FREE_TEXT, _FREE_TEXT), min_size=1, max_size=4))
def test_fuzz_free_text_survives_export_and_import(texts: list[tuple[str, str, str]]) -> None:
    """Any text a user can type (quotes, commas, line breaks, formula signs, control characters) comes back in
    notes; a pollster or client name holds no text-direction control, control or invisible character (refused:
    it displays as another firm's name; issue 16's fourth pass)."""

    def name(text: str) -> str:
        return "".join(ch for ch in text if ch not in DIRECTION_CONTROLS and unicodedata.category(ch)[0] != "C").strip()

    # notes: any text but a text-direction control (refused as in the other free-text fields; twelfth pass)
    texts = [(name(p), name(c), "".join(ch for ch in n if ch not in DIRECTION_CONTROLS)) for p, c, n in texts]
    polls = [
        replace(make_poll(1 + i, pollster=f"P{i}{pollster}"), client=client[:120], notes=notes)
        for i, (pollster, client, notes) in enumerate(texts)
    ]
    back = parse_polls_csv(polls_to_csv(polls, TOY), TOY)
    assert back.ok, back.errors
    assert back.polls == polls


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n"])
def test_old_mac_and_windows_line_endings_are_read_with_their_line_numbers(newline: str) -> None:
    lines = [HEADER, "Acme,2024-03-01,2024-03-02,800,45,40,15", "Beta,2024-03-03,2024-03-04,abc,45,40,15"]
    result = parse_polls_csv(newline.join(lines) + newline, TOY)
    assert [(e.line, e.field) for e in result.errors] == [(3, "sample_size")]
    assert [p.pollster for p in result.polls] == ["Acme"]


def test_a_quoted_line_break_inside_notes_is_kept_whatever_the_line_endings() -> None:
    header = HEADER + ",notes"
    text = f'{header}\r\nAcme,2024-03-01,2024-03-02,800,45,40,15,"one\rtwo\r\nthree"\r\n'
    result = parse_polls_csv(text, TOY)
    assert result.ok, result.errors
    assert result.polls[0].notes == "one\rtwo\r\nthree"


@pytest.mark.parametrize("share", ["4_5", "４５", "٤٥", "4.5e1", "45%%", "0x2d", "45 .0"])
def test_a_share_must_be_a_plain_decimal(share: str) -> None:
    result = parse_polls_csv(f'{HEADER}\nAcme,2024-03-01,2024-03-02,800,"{share}",40,15\n', TOY)
    assert [(e.line, e.field) for e in result.errors] == [(2, "first:ann")]


@pytest.mark.parametrize(
    ("share", "value"),
    [("45", 45.0), ("45.0", 45.0), (" 45 ", 45.0), ("45%", 45.0), ("45 %", 45.0), (".5", 0.5), ("44.", 44.0)],
)
def test_plain_decimals_and_a_percent_sign_are_read(share: str, value: float) -> None:
    result = parse_polls_csv(f'{HEADER}\nAcme,2024-03-01,2024-03-02,800,"{share}",40,15\n', TOY)
    assert result.polls[0].first_round["ann"] == value


@pytest.mark.parametrize("share", [1e-05, 45.123456789012, 100 / 3, 0.1 + 0.2, 5e-324])
def test_every_stored_share_survives_export_and_import_exactly(share: float) -> None:
    poll = make_poll(1, a=share, b=100 - share - 15, c=15)
    back = parse_polls_csv(polls_to_csv([poll], TOY), TOY)
    assert back.ok, back.errors
    assert back.polls[0].first_round == poll.first_round


def test_a_publication_date_after_today_is_refused() -> None:
    header = "pollster,fieldwork_start,fieldwork_end,published,sample_size,first:ann,first:bob,first:cat"
    text = f"{header}\nAcme,2024-03-01,2024-03-02,2024-04-20,800,45,40,15\n"
    result = parse_polls_csv(text, TOY, today=date(2024, 4, 1))
    assert [(e.line, e.field) for e in result.errors] == [(2, "published")]
    assert parse_polls_csv(text, TOY, today=date(2024, 4, 20)).ok


@pytest.mark.parametrize("text", ["03/25/2024", "31/02/2024", "00/01/2024"])
def test_an_impossible_day_month_year_date_is_named_in_its_error(text: str) -> None:
    result = parse_polls_csv(f"{HEADER}\nAcme,2024-03-01,{text},800,45,40,15\n", TOY)
    (error,) = result.errors
    assert (error.line, error.field) == (2, "fieldwork_end") and text in error.message
