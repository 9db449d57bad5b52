"""Hostile pass 6 (issue 16): inputs no earlier pass tried."""

from __future__ import annotations

import dataclasses
import unicodedata
from datetime import date

from tests.conftest import TOY
from warroom.core.csvformat import parse_polls_csv
from warroom.core.types import Candidate

ZOE = dataclasses.replace(
    TOY,
    candidates=(
        Candidate("ann", "Zoë Ünal", "R", "#d62728"),
        Candidate("bob", "Bob Blue", "B", "#1f77b4"),
        Candidate("cat", "Cat Green", "G", "#2ca02c"),
    ),
)


def test_a_poll_column_naming_a_candidate_in_decomposed_letters_is_that_candidate() -> None:
    """A header typed on a Mac or copied from a PDF often arrives decomposed (U + combining diaeresis):
    `first:Ünal` was refused as "unknown candidate 'Ünal'" beside a candidate shown as Ünal, the two spellings
    drawn alike on screen. Names are compared composed (NFC); the figures go to her."""
    for spelling in ("Ünal", "Zoë Ünal", "ÜNAL"):
        header = unicodedata.normalize("NFD", f"first:{spelling}")
        assert header != unicodedata.normalize("NFC", header)
        text = f"pollster,fieldwork_start,fieldwork_end,sample_size,{header},first:bob,first:cat\n"
        text += "Acme,2024-03-01,2024-03-02,800,45,40,15\n"
        result = parse_polls_csv(text, ZOE, today=date(2024, 4, 1))
        assert result.ok, result.errors
        assert result.polls[0].first_round == {"ann": 45.0, "bob": 40.0, "cat": 15.0}


def test_a_dead_heat_gets_one_winner_under_every_system_and_an_honest_note() -> None:
    """Five ballots A then B and five B alone: a dead heat between two candidates, first preferences equal too
    (with more candidates the systems' rounds differ, and so may their earlier-round tie-breaks). The Supplementary Vote
    named A ("decided on first preferences here", though they were equal) and instant runoff named B ("by
    name"), from the same papers; the contingent vote followed SV. One tie rule for all three (earlier rounds,
    then by name, as instant runoff), and the note says when the first preferences could not decide it."""
    from warroom.core.count import Ballot, count_ballots

    for papers in (
        [Ballot(("A", "B"), 5), Ballot(("B",), 5)],
        [Ballot(("B", "A"), 5), Ballot(("A",), 5)],
        [Ballot(("Ann",), 5), Ballot(("Bob", "Ann"), 5), Ballot(("Ann", "Bob"), 0)],
    ):
        results = {system: count_ballots(papers, system) for system in ("sv", "contingent", "irv")}
        assert len({r.winner for r in results.values()}) == 1, {s: r.winner for s, r in results.items()}
        for system in ("sv", "contingent"):
            notes = " ".join(results[system].notes)
            assert "decided on first preferences" not in notes and "by lot" in notes, notes


def test_a_withdrawn_candidate_is_never_a_finalist_of_a_new_baseline() -> None:
    """The contest file says `withdrawn = true` leaves a candidate "out of new baselines", and the instant-runoff
    and party-VI baselines did so; the Supplementary Vote poll average still made a withdrawn front-runner a
    finalist, so the scenario, the charts' leads and `warroom scenario` projected a runoff he cannot be in (and
    gave him a chance of winning). The finalists are the top two standing candidates; his share stays in the
    first round, his voters transferring like any eliminated candidate's."""
    from tests.conftest import make_poll
    from warroom.core.pipeline import BaselineChoice, compute_averages, make_baseline

    contest = dataclasses.replace(
        TOY, candidates=tuple(dataclasses.replace(c, withdrawn=c.code == "ann") for c in TOY.candidates)
    )
    polls = [make_poll(day, a=45, b=35, c=20) for day in range(1, 20, 3)]
    averages = compute_averages(polls, contest)
    assert averages is not None and {averages.a, averages.b} == {"bob", "cat"}
    base = make_baseline(BaselineChoice(), polls, contest, averages)
    assert {base.a, base.b} == {"bob", "cat"} and base.first_round["ann"] > 40  # kept, and eliminated
    everyone = compute_averages(polls, TOY)
    assert everyone is not None and {everyone.a, everyone.b} == {"ann", "bob"}  # standing: unchanged


MIXED = (
    b"pollster,fieldwork_start,fieldwork_end,sample_size,first:ann,first:bob,first:cat\n"
    b"Zo\xc3\xab Research,2024-03-01,2024-03-02,800,45,40,15\n"
    b"Caf\xe9 Polls,2024-03-03,2024-03-04,800,45,40,15\n"
)


def test_a_csv_file_in_two_encodings_is_refused_naming_the_line() -> None:
    """A row from a Windows export appended to a UTF-8 file: the whole file was read as Windows-1252, so every
    UTF-8 letter silently became two ("Zoë Research" stored as "ZoÃ« Research", another firm). A file wholly in
    Windows-1252 is still read, a UTF-8 one too."""
    import pytest

    from warroom.core.infile import decode_csv_bytes

    with pytest.raises(ValueError, match="line 3 is not UTF-8"):
        decode_csv_bytes(MIXED)
    assert "Café Polls" in decode_csv_bytes(MIXED.replace(b"Zo\xc3\xab", b"Zoe"))
    assert "Zoë Research" in decode_csv_bytes(MIXED.replace(b"Caf\xe9", b"Caf\xc3\xa9"))
    assert decode_csv_bytes(b"\xef\xbb\xbfpollster\n") == "pollster\n"


def test_an_official_result_file_with_a_field_past_the_csv_limit_is_a_problem_not_a_traceback() -> None:
    """A result CSV with a 300 KB cell (a paste gone wrong) ended `warroom contest result` and the window's
    Official result dialog in a traceback: _csv.Error, field larger than field limit (131072)."""
    import pytest

    from warroom.core.resultfile import ResultFileError, parse_result_csv

    text = "candidate,first_round,final_round\nann,5,5\n" + "X" * 300_000 + ",5,5\n"
    with pytest.raises(ResultFileError) as info:
        parse_result_csv(text, TOY)
    assert info.value.problems[0].line == 3 and "field larger than field limit" in str(info.value)


def test_a_two_round_poll_csv_that_stops_being_csv_is_refused_whole_naming_the_line() -> None:
    """The two-round poll CSV (with `question` columns): a field past the csv module's 128 KB limit in the
    header was a traceback (_csv.Error); in a row, every row after it was dropped without a word and the rows
    before it imported (or, with none before, "no polls in the file"). Refused whole, naming the line."""
    from warroom.core.compilations import parse_question_csv

    header = "pollster,fieldwork_start,fieldwork_end,sample_size,question,first:ann,first:bob,first:cat\n"
    good = [f"P{i},2024-03-0{i},2024-03-0{i + 1},800,h1,45,40,15\n" for i in range(1, 5)]
    text = header + good[0] + good[1] + "Big," + "X" * 300_000 + ",x,800,h1,45,40,15\n" + good[2] + good[3]
    result = parse_question_csv(text, TOY, today=date(2024, 4, 1))
    assert not result.notices and [(e.line, e.field) for e in result.errors] == [(4, "row")]
    assert "field larger than field limit" in result.errors[0].message
    result = parse_question_csv("pollster,question," + "X" * 300_000 + "\nA,B,C\n", TOY, today=date(2024, 4, 1))
    assert not result.notices and result.errors[0].line == 1
    whole = parse_question_csv(header + "".join(good), TOY, today=date(2024, 4, 1))
    assert not whole.errors and len(whole.notices) == 4


def test_a_french_compilation_whose_header_is_not_csv_is_a_problem_not_a_traceback() -> None:
    """NSPPolls' polls file, Mieux Voter's files and the official results: a header cell past 128 KB was a
    _csv.Error traceback out of `warroom import FOLDER`."""
    import pytest

    from warroom.core.france import FranceFormatError, parse_nsppolls_polls, parse_official_results

    text = "id,fin_enquete," + "X" * 300_000 + "\n1,2022-04-01,5\n"
    for parse in (parse_nsppolls_polls, lambda t: parse_official_results(t, t)):
        with pytest.raises(FranceFormatError) as info:
            parse(text)
        assert "field larger than field limit" in str(info.value)


def test_a_blt_file_in_two_encodings_is_refused_naming_the_line(tmp_path) -> None:
    """A BLT file whose names are UTF-8 but one Latin-1: read whole as Latin-1, "Zoë" was shown as "ZoÃ«"."""
    import pytest

    from warroom.core.blt import BltFormatError, read_blt

    body = b'2 1\n3 1 0\n2 2 0\n0\n"Zo\xc3\xab"\n"Caf\xe9"\n"Race"\n'
    path = tmp_path / "mixed.blt"
    path.write_bytes(body)
    with pytest.raises(BltFormatError, match="line 6: not UTF-8"):
        read_blt(path)
    path.write_bytes(body.replace(b"Caf\xe9", b"Cafe"))
    assert "Zoë" in read_blt(path).table.candidates
    path.write_bytes(body.replace(b"Zo\xc3\xab", b"Zoe"))
    assert "Café" in read_blt(path).table.candidates  # Latin-1 throughout is still read
