"""Hostile pass 13 (issue 16), the twelfth pass's leftovers in core: the store's length limits as one rule the
dialogs check as the user types, notes given a limit, a long value never echoed whole."""

from __future__ import annotations

from dataclasses import replace

from tests.conftest import TOY, make_poll
from warroom.core.types import CONTEST_TEXT_LIMITS, NAME_LIMIT, NOTES_LIMIT, Candidate, Party
from warroom.core.validation import TEXT_LIMITS, validate_poll


def test_the_stores_length_limits_are_contest_problems_with_the_long_value_cut_short() -> None:
    """Contest.problems() (what the contest dialog lists as the user types) said nothing of a 5,000-character
    contest, candidate or party name: only the store refused it, on OK, echoing the whole name in its message.
    Contest notes had no limit at all."""
    long = "N" * 5000
    contest = replace(
        TOY,
        name=long,
        office=long,
        candidates=(*TOY.candidates[:2], replace(TOY.candidates[2], name=long, short_name=long)),
        parties=(*TOY.parties[:2], replace(TOY.parties[2], name=long)),
        notes="x" * (NOTES_LIMIT + 1),
    )
    problems = contest.problems()
    joined = "\n".join(problems)
    assert f"name: is 5,000 characters long; at most {CONTEST_TEXT_LIMITS['name']}" in joined, problems
    assert f"office: is 5,000 characters long; at most {CONTEST_TEXT_LIMITS['office']}" in joined, problems
    assert any(p.startswith("candidate 'cat': name: is 5,000 characters") for p in problems), problems
    assert any(p.startswith("candidate 'cat': short_name: is 5,000 characters") for p in problems), problems
    assert any(p.startswith("party 'G': name: is 5,000 characters") for p in problems), problems
    assert any(p.startswith(f"notes: is {NOTES_LIMIT + 1:,} characters long") for p in problems), problems
    assert all(len(p) < 200 for p in problems), [len(p) for p in problems]
    at_limit = replace(
        TOY,
        name="N" * CONTEST_TEXT_LIMITS["name"],
        candidates=(*TOY.candidates[:2], replace(TOY.candidates[2], name="C" * NAME_LIMIT)),
        notes="x" * NOTES_LIMIT,
    )
    assert at_limit.problems() == []


def test_a_poll_note_past_the_notes_limit_is_a_problem() -> None:
    """Poll notes had no limit either (Text in the store): one rule for both kinds of note."""
    assert not validate_poll(make_poll(1, notes="x" * NOTES_LIMIT), TOY)
    problems = [str(p) for p in validate_poll(make_poll(1, notes="x" * (NOTES_LIMIT + 1)), TOY)]
    assert any("notes" in p and f"at most {NOTES_LIMIT:,}" in p for p in problems), problems
    assert TEXT_LIMITS["pollster"] == NAME_LIMIT


def test_party_and_candidate_codes_keep_their_limit() -> None:
    contest = replace(TOY, candidates=(*TOY.candidates, Candidate("d" * 41, "Dee Long", None, "#000000")))
    contest = replace(contest, parties=(*TOY.parties, Party("P" * 41, "Purples", "#800080")))
    problems = "\n".join(contest.problems())
    assert "code: is 41 characters long; at most 40" in problems, problems
