"""The column-wise ballot CSV reader: its numpy fast path reads exactly what the csv module path reads."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import warroom.core.ballots as ballots_module
from warroom.core.ballots import BLANK, OVERVOTE, Ballot, BallotTable, read_table_fast, table_from_ballots
from warroom.core.count import count_ballots
from warroom.core.csvformat import (
    CsvFormatError,
    _ballot_table_csv,
    parse_ballot_file,
    parse_ballot_table,
    parse_ballots_csv,
)

# Lengths around the 8-byte word edges, shared prefixes and suffixes, non-ASCII, padding, reserved words.
CELLS = [
    "",
    "A",
    "Candidate 1",
    "Candidate 10",
    "Xandidate 10",
    "12345678",
    "123456789",
    "abcdefghijklmnop",
    "abcdefghijklmnopq",
    "Siân Berry",
    "  Ken Livingstone ",
    "overvote",
    "UNDERVOTE",
    "skipped",
    "x" * 40,
    "A=Candidate 1",  # an overvote that says who was marked (the csv path records them)
]


def _same(a: BallotTable, b: BallotTable) -> None:
    assert a.candidates == b.candidates
    assert np.array_equal(a.ranks, b.ranks)
    assert np.array_equal(a.counts, b.counts)
    assert dict(a.overvote_marks) == dict(b.overvote_marks)
    for row in range(a.rows):
        assert a.line_of(row) == b.line_of(row)


def _text(rows: list[tuple[int, list[str]]], width: int, count_first: bool) -> str:
    header = [f"pref{i + 1}" for i in range(width)]
    header.insert(0 if count_first else width, "count")
    lines = [",".join(header)]
    for n, cells in rows:
        cells = (cells + [""] * width)[:width]
        cells.insert(0 if count_first else width, str(n))
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 5).flatmap(
        lambda width: st.tuples(
            st.just(width),
            st.lists(st.tuples(st.integers(0, 10**12), st.lists(st.sampled_from(CELLS), max_size=width)), max_size=30),
            st.booleans(),
            st.sampled_from(["\n", "\r\n"]),
        )
    ),
    st.integers(30, 400),
)
def test_fast_path_reads_what_the_csv_module_reads(case: tuple, chunk: int) -> None:
    width, rows, count_first, newline = case
    text = _text(rows, width, count_first).replace("\n", newline)
    saved = ballots_module._CHUNK_CHARS
    ballots_module._CHUNK_CHARS = chunk  # several chunks: names met in a later, narrower chunk keep their code
    try:
        fast, errors = parse_ballot_table(text)
    finally:
        ballots_module._CHUNK_CHARS = saved
    slow, slow_errors = _ballot_table_csv(text)
    assert errors == slow_errors == []
    _same(fast, slow)


def test_a_plain_file_takes_the_fast_path_and_codes_cells() -> None:
    text = "count,pref1,pref2,pref3\n5, A ,B,\n3,overvote,,A\n2,B,undervote,C\n"
    table = read_table_fast(text, text.index("\n") + 1, 4, 0, first_line=2)
    assert table is not None
    assert table.candidates == ("A", "B", "C")
    assert table.ranks.tolist() == [[0, 1, BLANK], [OVERVOTE, BLANK, 0], [1, BLANK, 2]]
    assert table.counts.tolist() == [5, 3, 2]


@pytest.mark.parametrize(
    "body",
    [
        '1,"Smith, John",B\n',  # quoted
        "1,A,B\n\n2,B,A\n",  # a blank line inside
        "1,A\n",  # a short row
        "1,A,B,C\n",  # a long row
        "1,A\u00a0,B\n",  # a no-break space the csv path strips
        "1_000,A,B\n",  # a count int() reads
        "1,A,B\x0c\n",  # a form feed
        "1,A=B,C\n",  # an overvote that names its candidates
    ],
)
def test_anything_irregular_goes_to_the_csv_path(body: str) -> None:
    text = "count,pref1,pref2\n" + body
    assert read_table_fast(text, text.index("\n") + 1, 3, 0, first_line=2) is None
    table, errors = parse_ballot_table(text)
    slow, slow_errors = _ballot_table_csv(text)
    assert errors == slow_errors
    _same(table, slow)


def test_a_key_clash_falls_back_instead_of_merging_two_names(monkeypatch: pytest.MonkeyPatch) -> None:
    # With the word mix switched off, "Candidate 10" and "Xandidate 10" share a key (their last word).
    monkeypatch.setattr(ballots_module, "_MIX", np.uint64(0))
    text = "count,pref1,pref2\n4,Candidate 10,B\n3,Xandidate 10,B\n"
    assert read_table_fast(text, text.index("\n") + 1, 3, 0, first_line=2) is None
    table, _ = parse_ballot_table(text)
    assert table.candidates == ("Candidate 10", "B", "Xandidate 10")


def test_csv_path_errors_name_the_line() -> None:
    text = "pref1,pref2,count\nA,B,10\n\nB,,x\nC,A,-1\nA,B,C,4\nA,B,99999999999999999999\n"
    table, errors = parse_ballot_table(text)
    assert [(e.line, e.field) for e in errors] == [(4, "count"), (5, "count"), (6, "row"), (7, "count")]
    assert table.counts.tolist() == [10]
    assert table.line_of(0) == 2


def test_header_problems_are_format_errors() -> None:
    with pytest.raises(CsvFormatError, match="appears more than once"):
        parse_ballot_table("count,pref1,count\n1,A,2\n")
    with pytest.raises(CsvFormatError, match="missing column 'count'"):
        parse_ballot_table("pref1,pref2\nA,B\n")
    with pytest.raises(CsvFormatError, match="empty"):
        parse_ballot_table("")
    with pytest.raises(CsvFormatError, match="binary"):
        parse_ballot_table("count,pref1\n1,A\x00\n")


def test_issue_16_file_counts_the_same_through_either_reader() -> None:
    text = "count,pref1,pref2,pref3\n40,A,,\n35,B,,\n25,C,,B\n"
    table, _ = parse_ballot_table(text)
    ballots, _ = parse_ballots_csv(text)
    for source in (table, ballots):
        result = count_ballots(source, "sv")
        assert result.rounds[1].tallies == {"A": 40, "B": 35}
        assert result.winner == "A"
    assert count_ballots(table, "irv").winner == "B"  # instant runoff reads every column


def test_all_zero_file_is_a_count_error_not_a_crash() -> None:
    from warroom.core.count import CountError

    table, errors = parse_ballot_table("count,pref1,pref2\n0,A,B\n0,B,A\n")
    assert errors == []
    with pytest.raises(CountError, match="zero"):
        count_ballots(table, "sv")


def test_parse_ballots_csv_rows_read_like_a_list_and_count_column_wise() -> None:
    rows, errors = parse_ballots_csv("count,pref1,pref2\n5,A,\n3,overvote,B\n2,B,A\n")
    assert errors == []
    assert len(rows) == 3
    assert rows[0] == Ballot(("A", ""), 5)
    assert rows[-1] == Ballot(("B", "A"), 2)
    assert rows[1:] == [Ballot(("overvote", "B"), 3), Ballot(("B", "A"), 2)]
    assert rows == [Ballot(("A", ""), 5), Ballot(("overvote", "B"), 3), Ballot(("B", "A"), 2)]
    with pytest.raises(IndexError):
        rows[3]
    from_rows = count_ballots(rows, "irv")
    from_list = count_ballots(list(rows), "irv")
    assert from_rows.rounds == from_list.rounds
    assert (from_rows.valid, from_rows.rejected) == (from_list.valid, from_list.rejected) == (7, 3)


@pytest.mark.parametrize(
    "text",
    [
        "count,pref1,pref2\n5,A,B\n3,B,\n\n\n",  # fast path, trailing blank lines
        "\ufeffcount,pref1,pref2\r\n5,A,B\r\n3,B,\r\n",  # BOM and CRLF
        'count,pref1,pref2\n5,"Smith, J",B\n',  # quoted: csv path
        "count,pref1,pref2\n5,A,B\nx,B,A\n",  # an error with its line
        "count,pref1,pref2\n",  # header only
    ],
)
def test_parse_ballot_file_streams_to_the_same_table(tmp_path: Path, text: str) -> None:
    path = tmp_path / "ballots.csv"
    path.write_bytes(text.encode("utf-8"))
    from_file, file_errors = parse_ballot_file(path)
    from_text, text_errors = parse_ballot_table(text.lstrip("\ufeff"))
    assert file_errors == text_errors
    _same(from_file, from_text)


def test_parse_ballot_file_reads_in_blocks_and_rejects_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    rows = "".join(f"{i},Candidate {i % 7},Candidate {(i + 3) % 7},\n" for i in range(2000))
    path = tmp_path / "big.csv"
    path.write_text("count,pref1,pref2,pref3\n" + rows, encoding="utf-8")
    with path.open("rb") as handle:
        blocks = list(ballots_module.file_chunks(handle, 1000))
    assert len(blocks) > 50 and all(b.endswith(b"\n") for b in blocks)
    table, errors = parse_ballot_file(path)
    assert errors == [] and table.rows == 2000 and table.lines is None
    _same(table, parse_ballot_table(path.read_text(encoding="utf-8"))[0])
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"count,pref1\n1,A\n2,B\xff\n")
    with pytest.raises(CsvFormatError, match="not UTF-8"):
        parse_ballot_file(bad)


def test_names_first_met_in_one_block_are_known_to_blocks_already_in_flight() -> None:
    # Many small blocks: later blocks are looked up on worker threads before the new names of earlier
    # blocks are registered; they must still take the fast path and give the same codes.
    rows = "".join(f"1,N{i % 50},N{(i * 7) % 50}\n" for i in range(3000))
    text = "count,pref1,pref2\n" + rows
    saved = ballots_module._CHUNK_CHARS
    ballots_module._CHUNK_CHARS = 64
    try:
        fast = read_table_fast(text, text.index("\n") + 1, 3, 0, first_line=2)
    finally:
        ballots_module._CHUNK_CHARS = saved
    assert fast is not None
    _same(fast, _ballot_table_csv(text)[0])


def test_an_overvote_that_names_its_candidates_is_read_and_kept() -> None:
    text = "count,rank1,rank2,rank3\n2,A,B = C,D\n1,C=A,,B\n"
    rows, errors = parse_ballots_csv(text)
    assert errors == []
    table = rows.table
    assert table.ranks[0, 1] == OVERVOTE and table.ranks[1, 0] == OVERVOTE
    named = {cell: tuple(table.candidates[c] for c in marked) for cell, marked in table.overvote_marks.items()}
    assert named == {(0, 1): ("B", "C"), (1, 0): ("C", "A")}
    assert rows[0] == Ballot(("A", "B=C", "D"), 2)  # written back as the file says it
    with_marks = table_from_ballots(list(rows))
    assert with_marks.overvote_marks.keys() == table.overvote_marks.keys()


def test_a_malformed_overvote_cell_is_an_error_naming_line_and_column() -> None:
    rows, errors = parse_ballots_csv("count,rank1,rank2\n1,A,B\n3,A=,B\n2,C=C,A\n")
    assert [(e.line, e.field) for e in errors] == [(3, "rank1"), (4, "rank1")]
    assert "none left empty" in errors[0].message and "two different" in errors[1].message
    assert list(rows) == [Ballot(("A", "B"), 1)]  # the rows in error are left out (callers count only if none)


def test_a_ballot_files_read_reports_its_progress_and_stops_when_the_callback_raises(tmp_path: Path) -> None:
    """parse_ballot_file's progress: (bytes read, the file's size) as the fast reader goes, reaching the size;
    whatever the callback raises ends the read (the instant-runoff panel's Cancel)."""
    from warroom.core.csvformat import parse_ballot_file

    path = tmp_path / "ballots.csv"
    path.write_text("count,p1,p2\n" + "3,Ann,Bob\n2,Bob,\n" * 60_000)  # about 1.2 MB: a few of the reader's blocks
    size = path.stat().st_size
    seen: list[tuple[int, int]] = []
    table, errors = parse_ballot_file(path, progress=lambda done, total: seen.append((done, total)))
    assert not errors and int(table.counts.sum()) == 300_000
    assert len(seen) >= 2 and all(total == size for _done, total in seen)
    assert [d for d, _t in seen] == sorted(d for d, _t in seen) and seen[-1][0] == size

    class Stop(Exception):
        pass

    def stop(_done: int, _total: int) -> None:
        raise Stop

    with pytest.raises(Stop):
        parse_ballot_file(path, progress=stop)
