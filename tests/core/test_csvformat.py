from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import TOY, make_poll
from warroom.core.csvformat import (
    CsvFormatError,
    escape_cell,
    parse_ballots_csv,
    parse_polls_csv,
    polls_to_csv,
    unescape_cell,
)
from warroom.core.types import EXHAUSTED, TransferObservation
from warroom.core.validation import validate_poll

HEADER = "pollster,fieldwork_start,fieldwork_end,sample_size,first:ann,first:Bob Blue,first_green"


def test_names_codes_and_surnames_all_resolve() -> None:
    result = parse_polls_csv(f"{HEADER}\nAcme,2024-03-01,2024-03-02,800,45,40,15\n", TOY)
    assert result.ok, result.errors
    assert result.polls[0].first_round == {"ann": 45, "bob": 40, "cat": 15}


def test_every_error_names_line_and_field() -> None:
    text = (
        f"{HEADER}\n"
        "Acme,2024-03-01,2024-03-02,800,45,40,15\n"
        "Acme,2024-03-09,2024-03-02,800,45,40,15\n"  # reversed dates
        "Acme,2024-03-10,2024-03-11,abc,45,40,15\n"  # sample not a number
        "Acme,2024-03-12,2024-02-30,800,45,40,15\n"  # impossible date
        "Acme,2024-03-13,2024-03-14,800,45,40,35\n"  # sums to 120
        "Acme,2024-03-01,2024-03-02,800,45,40,15\n"  # duplicate of line 2
        "Acme,2024-03-15,2024-03-16,800,x,40,15\n"  # not a number
    )
    result = parse_polls_csv(text, TOY)
    assert not result.ok
    where = {(e.line, e.field) for e in result.errors}
    assert (3, "fieldwork_end") in where
    assert (4, "sample_size") in where
    assert (5, "fieldwork_end") in where
    assert (6, "first") in where
    assert (7, "pollster") in where
    assert (8, "first:ann") in where
    assert all(e.line >= 2 for e in result.errors)


def test_unknown_candidate_column_is_a_header_error() -> None:
    result = parse_polls_csv("pollster,fieldwork_end,sample_size,first:zed\nA,2024-01-01,100,50\n", TOY)
    assert [(e.line, e.field) for e in result.errors] == [(1, "first:zed")]


def test_not_csv_at_all() -> None:
    with pytest.raises(CsvFormatError):
        parse_polls_csv("", TOY)
    with pytest.raises(CsvFormatError):
        parse_polls_csv("\x00\x01binary", TOY)
    with pytest.raises(CsvFormatError, match="missing column 'fieldwork_end'"):
        parse_polls_csv("pollster,sample_size\nA,1000\n", TOY)


def test_blank_sample_size_means_not_published_but_zero_is_an_error() -> None:
    text = f"{HEADER}\nAcme,2024-03-01,2024-03-02,,45,40,15\nAcme,2024-03-05,2024-03-06,0,45,40,15\n"
    result = parse_polls_csv(text, TOY)
    assert result.polls[0].sample_size is None
    assert [(e.line, e.field) for e in result.errors] == [(3, "sample_size")]


def test_round_trip_keeps_everything() -> None:
    polls = [
        make_poll(1, second_round={"ann": 53.5, "bob": 46.5}, party_vi={"R": 30.0}, notes="=SUM(A1)", client="+44"),
        make_poll(
            5,
            pollster="Other Co",
            transfers=(TransferObservation("cat", "ann", 70), TransferObservation("cat", EXHAUSTED, 10)),
        ),
    ]
    text = polls_to_csv(polls, TOY)
    assert "'=SUM(A1)" in text and "'+44" in text
    back = parse_polls_csv(text, TOY)
    assert back.ok, back.errors
    assert back.polls == polls


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-x", "@SUM", "\tcmd"])
def test_formula_cells_are_escaped_and_restored(cell: str) -> None:
    escaped = escape_cell(cell)
    assert escaped.startswith("'")
    assert unescape_cell(escaped) == cell


def test_negative_numbers_stay_numbers() -> None:
    assert escape_cell("-3.5") == "-3.5"


def test_validation_catches_bad_polls() -> None:
    poll = make_poll(a=60, b=50, c=10, n=0)
    fields = {p.field for p in validate_poll(poll, TOY)}
    assert {"first", "sample_size"} <= fields
    future = make_poll()
    assert any(p.field == "fieldwork_start" for p in validate_poll(future, TOY, today=date(2024, 1, 1)))


def test_ballots_csv_errors_name_the_line() -> None:
    ballots, errors = parse_ballots_csv("pref1,pref2,count\nA,B,10\nB,,x\nC,A,-1\n")
    assert [b.count for b in ballots] == [10]
    assert [(e.line, e.field) for e in errors] == [(3, "count"), (4, "count")]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_fuzz_parser_never_crashes(text: str) -> None:
    try:
        result = parse_polls_csv(HEADER + "\n" + text, TOY)
    except CsvFormatError:
        return
    for error in result.errors:
        assert error.line >= 1 and error.field and error.message
    if result.ok:
        for poll in result.polls:
            assert validate_poll(poll, TOY) == []


_cell = st.one_of(
    st.just(""),
    st.text(max_size=12),
    st.integers(-10, 3000).map(str),
    st.floats(-5, 120).map(lambda x: f"{x:g}"),
    st.sampled_from(["nan", "inf", "-inf"]),
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["2024-02-30", "31/12/2023", "1,000", "=1+1", "@x", "45%", " 12 "]),
)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.lists(_cell, min_size=0, max_size=9), min_size=1, max_size=6))
def test_fuzz_structured_rows(rows: list[list[str]]) -> None:
    """Rows of plausible and implausible cells under a real header: no crash, every error placed, all or nothing."""
    import csv as _csv
    import io as _io

    buf = _io.StringIO()
    writer = _csv.writer(buf)
    writer.writerow(
        [
            "pollster",
            "fieldwork_start",
            "fieldwork_end",
            "sample_size",
            "first:ann",
            "first:bob",
            "first:cat",
            "second:ann",
            "second:bob",
        ]
    )
    writer.writerows(rows)
    text = buf.getvalue()
    try:
        result = parse_polls_csv(text, TOY)
    except CsvFormatError as exc:  # e.g. a NUL byte: refused as a whole, with a message
        assert str(exc)
        return
    # Physical lines, ended by CRLF, CR or LF as the parser reads them; a quoted cell may hold a line break.
    n_lines = text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
    for error in result.errors:
        assert 1 <= error.line <= n_lines
        assert error.field and error.message
    if result.ok:
        assert all(validate_poll(p, TOY) == [] for p in result.polls)
