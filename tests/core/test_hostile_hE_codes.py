"""Fresh hostile pass hE: candidate codes that a poll CSV's transfer columns (`transfer:<from>><to>`, or the
arrow form `transfer:<from>-><to>`) cannot tell apart."""

from __future__ import annotations

from datetime import date

import pytest

from warroom.core.compilations import Compilation, contest_from_compilation
from warroom.core.csvformat import parse_polls_csv, polls_to_csv
from warroom.core.france import RoundResult
from warroom.core.types import EXHAUSTED, Candidate, Contest, CountingSystem, Party, Poll, TransferObservation


def _contest(*codes: str) -> Contest:
    names = ["Ann Alpha", "Bob Beta", "Cat Gamma", "Dee Delta"]
    cands = tuple(Candidate(code, names[i]) for i, code in enumerate(codes))
    return Contest("T", date(2027, 5, 6), CountingSystem.SV, cands)


HEAD = "pollster,fieldwork_start,fieldwork_end,sample_size"


@pytest.mark.parametrize("code", ["a>b", ">a", "a>", "a-", "a--"])
def test_a_code_a_transfer_column_cannot_hold_is_refused_naming_it(code: str) -> None:
    problems = _contest(code, "c", "d").problems()
    assert any(repr(code) in p and ">" in p for p in problems), problems


@pytest.mark.parametrize("code", ["a-b", "le-pen", "-a"])
def test_a_hyphen_inside_a_code_is_still_allowed(code: str) -> None:
    assert _contest(code, "c", "d").problems() == []


def test_a_stored_code_ending_in_a_hyphen_is_never_read_as_the_code_without_it() -> None:
    # A race stored before the rule: "a-" and "a". `transfer:a->d` is a- to d (the export writes from>to) or a to d
    # (the arrow form): it was read as a to d, silently; now it is refused, naming both readings.
    contest = _contest("a-", "a", "d")
    text = f"{HEAD},first:a-,first:a,first:d,transfer:a->d\nAcme,2027-04-01,2027-04-02,1000,40,35,25,50\n"
    result = parse_polls_csv(text, contest)
    assert result.polls == []
    assert [e.line for e in result.errors] == [1]
    message = result.errors[0].message
    assert "'a-'" in message and "'a'" in message and "'d'" in message


def test_a_stored_code_holding_a_chevron_is_never_split_at_the_wrong_one() -> None:
    contest = _contest("a", "a>b", "b>c", "c")
    text = (
        f"{HEAD},first:a,first:a>b,first:b>c,first:c,transfer:a>b>c\nAcme,2027-04-01,2027-04-02,1000,30,30,20,20,50\n"
    )
    result = parse_polls_csv(text, contest)
    assert result.polls == []
    assert "transfer:a>b>c" in {e.field for e in result.errors}


def test_a_stored_code_holding_a_chevron_reads_where_only_one_split_names_candidates() -> None:
    contest = _contest("x", "y>z", "d")
    poll = Poll(
        "Acme",
        date(2027, 4, 1),
        date(2027, 4, 2),
        1000,
        {"x": 40.0, "y>z": 35.0, "d": 25.0},
        transfers=(TransferObservation("d", "y>z", 60.0), TransferObservation("y>z", "x", 30.0)),
    )
    result = parse_polls_csv(polls_to_csv([poll], contest), contest)
    assert result.errors == []
    assert [p.transfers for p in result.polls] == [poll.transfers]


def test_the_arrow_form_still_reads() -> None:
    contest = _contest("a", "b", "d")
    text = f"{HEAD},first:a,first:b,first:d,transfer:d->a,transfer:Cat Gamma -> exhausted\n"
    text += "Acme,2027-04-01,2027-04-02,1000,40,35,25,60,40\n"
    result = parse_polls_csv(text, contest)
    assert result.errors == []
    assert {(t.from_candidate, t.to_candidate) for t in result.polls[0].transfers} == {("d", "a"), ("d", EXHAUSTED)}


def _from_compilation(*names: str) -> Contest:
    votes = {n: 1000 - i for i, n in enumerate(names)}
    first = RoundResult(1, date(2027, 4, 11), votes, 50_000, 10_000, 0)
    comp = Compilation("nsppolls", (), results={1: first})
    return contest_from_compilation(comp, "France 2027", election_date=date(2027, 4, 11))


@pytest.mark.parametrize(
    "names",
    [
        ("Ann " + "a" * 39 + " Bee", "Bob Cee"),  # the surname's slug cut at 40 characters, just after a hyphen
        ("Ann Smith", "B" * 39 + " Smith"),  # the full name of a clashing surname, likewise
        ("Ann Smith", "Bo > Smith"),  # a full name with a '>'
        ("Ann None", "Bob Other", "Cat Exhausted"),  # surnames that are the reserved codes
    ],
)
def test_a_race_made_from_a_compilation_has_codes_it_can_store(names: tuple[str, ...]) -> None:
    contest = _from_compilation(*names)
    assert contest.problems() == []
    assert [c.name for c in contest.candidates] == list(names)


@pytest.mark.parametrize("code", ["other", "OTHER", "Other "])
def test_a_party_coded_other_is_refused_naming_it(code: str) -> None:
    # "party:other" is the grouped other parties of a poll (and of the store's figures): a party coded OTHER made
    # the app's own export unreadable ("'OTHER' could be other (other) or Other Party (OTHER)") and its figures
    # one with the others'.
    contest = Contest(
        "T",
        date(2027, 5, 6),
        CountingSystem.SV,
        (Candidate("a", "Ann Alpha", "LAB"), Candidate("b", "Bob Beta", code)),
        parties=(Party("LAB", "Labour"), Party(code, "Other Party")),
    )
    assert any(repr(code) in p and "reserved" in p for p in contest.problems()), contest.problems()


def test_a_compilation_party_named_other_gets_a_code_it_can_store() -> None:
    votes = {"Ann Smith": 1000, "Bob Jones": 900}
    comp = Compilation(
        "nsppolls",
        (),
        results={1: RoundResult(1, date(2027, 4, 11), votes, 50_000, 10_000, 0)},
        parties={"Ann Smith": "Other", "Bob Jones": "Labour"},
    )
    contest = contest_from_compilation(comp, "France 2027", election_date=date(2027, 4, 11))
    assert contest.problems() == []
    assert contest.candidate("smith").party not in (None, "OTHER")


@pytest.mark.parametrize("code", ["\u200b", "\u00ad\u200b", "other\u200b", "ｏｔｈｅｒ", "ехhausted", "Nоne"])
def test_a_code_that_looks_empty_or_reserved_is_refused(code: str) -> None:
    # A code of invisible characters only, or one drawn as a reserved code (a zero-width space after "other",
    # fullwidth letters, a Cyrillic е or о): the first made the app's own export unreadable ("unknown candidate
    # '\u200b'"), the second made every `first:other` column ambiguous.
    problems = _contest(code, "c", "d").problems()
    assert any("needs a code" in p or "reserved" in p for p in problems), problems


@pytest.mark.parametrize("name", ["\u200b", "\u200b\u00ad"])
def test_a_name_of_invisible_characters_is_refused(name: str) -> None:
    contest = Contest("T", date(2027, 5, 6), CountingSystem.SV, (Candidate("a", name), Candidate("b", "Bob Beta")))
    assert any("needs a name" in p for p in contest.problems()), contest.problems()


def test_a_party_code_drawn_as_other_is_refused() -> None:
    contest = Contest(
        "T",
        date(2027, 5, 6),
        CountingSystem.SV,
        (Candidate("a", "Ann Alpha", "OTHER\u200b"), Candidate("b", "Bob Beta")),
        parties=(Party("OTHER\u200b", "Other Party"),),
    )
    assert any("reserved" in p for p in contest.problems()), contest.problems()
