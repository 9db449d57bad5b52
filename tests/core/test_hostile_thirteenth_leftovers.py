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


def _two_round_toy():  # type: ignore[no-untyped-def]
    from datetime import date

    from warroom.core.types import CountingSystem

    return replace(TOY, system=CountingSystem.TWO_ROUND, second_round_date=date(2024, 5, 16))


def test_a_two_round_poll_csv_groups_its_rows_by_the_one_rule_for_firm_names() -> None:
    """The two-round poll CSV grouped a poll's rows by france.name_key, which drops accents and hyphens where the
    one rule for a firm (core.types.firm_key: the store's duplicates, the average's house effects, the chart's key)
    keeps them: rows of one poll_id written "Elabe" and "Élabe" were silently one notice under the first spelling,
    while every other reader counts them as two firms. Such rows are now a problem naming both spellings; rows the
    one rule calls one firm ("IFOP" and "Ifop") are still one notice."""
    from datetime import date

    from warroom.core.compilations import parse_question_csv

    head = "pollster,client,poll_id,question,fieldwork_start,fieldwork_end,sample_size,first:ann,first:bob,first:cat,"
    head += "second:ann,second:bob\n"
    rows = "{a},,p1,H1,2024-03-05,2024-03-07,1000,40,40,20,,\n{b},,p1,M1,2024-03-05,2024-03-07,1000,,,,52,48\n"
    for a, b in (("Elabe", "Élabe"), ("Harris Interactive", "Harris-Interactive")):
        read = parse_question_csv(head + rows.format(a=a, b=b), _two_round_toy(), today=date(2024, 4, 1))
        assert [(e.line, e.field) for e in read.errors] == [(3, "pollster")], read.errors
        assert repr(a) in read.errors[0].message and repr(b) in read.errors[0].message, read.errors
    read = parse_question_csv(head + rows.format(a="IFOP", b="Ifop"), _two_round_toy(), today=date(2024, 4, 1))
    assert not read.errors and [(len(n.hypotheses), len(n.matchups)) for n in read.notices] == [(1, 1)]


def test_the_final_week_average_takes_each_firm_by_the_one_rule() -> None:
    """The eve-of-poll average (france._latest_per_institute) kept one poll per name_key, so "Elabe" and "Élabe"
    (two firms to the store and the average) were one institute there, the earlier poll dropped."""
    from datetime import date

    from warroom.core.france import Hypothesis, PollNotice, final_week_first_round

    def notice(pid: str, firm: str, day: int, share: float) -> PollNotice:
        return PollNotice(
            pid, firm, "", date(2022, 4, day), date(2022, 4, day), 1000, "", None,
            (Hypothesis("H", {"Ann": share, "Bob": 100 - share}, 1),), (),
        )  # fmt: skip

    notices = [notice("a", "Elabe", 5, 40.0), notice("b", "Élabe", 6, 60.0)]
    assert final_week_first_round(notices, date(2022, 4, 10))["Ann"] == 50.0


NOT_PUBLISHED_CELLS = ["\u2013", "\u2014", "-", "n/a", "N/A", "*", "\u2014[a]"]


def test_a_not_published_mark_is_a_blank_in_the_poll_csv_as_in_a_paste() -> None:
    """Dashes, "n/a" and "*" were blanks in a pasted table only: the same cells in a poll CSV were refused ("'–'
    is not a whole number", "'n/a' is not a number"). One rule for both readers now (csvformat.not_published): a
    mark is a blank cell in the figure, sample size, date and pollster columns (a blank pollster or fieldwork end
    is refused as empty); free-text columns (client, method, source, notes) keep what is written, so an export
    reads back as it was."""
    from datetime import date

    from warroom.core.csvformat import parse_polls_csv, polls_to_csv
    from warroom.core.paste import split_table, to_poll_csv

    head = "pollster,client,fieldwork_start,fieldwork_end,published,sample_size,notes,first:ann,first:bob,first:cat\n"
    for mark in NOT_PUBLISHED_CELLS:
        text = head + f"Acme,{mark},2024-03-01,2024-03-02,{mark},{mark},{mark},55,45,{mark}\n"
        read = parse_polls_csv(text, TOY, today=date(2024, 4, 1))
        assert read.ok, (mark, read.errors)
        (poll,) = read.polls
        assert poll.sample_size is None and poll.published is None and poll.first_round == {"ann": 55, "bob": 45}
        assert poll.client == mark and poll.notes == mark  # free text: as written
        assert parse_polls_csv(polls_to_csv([poll], TOY), TOY, today=date(2024, 4, 1)).polls == [poll]
        pasted = f"Firm\tClient\tFieldwork\tAnn Red\tBob Blue\tCat Green\nAcme\t{mark}\t1–2 Mar 2024\t55\t45\t{mark}\n"
        mapping = ["pollster", "client", "fieldwork", "first:ann", "first:bob", "first:cat"]
        (from_paste,) = parse_polls_csv(
            to_poll_csv(split_table(pasted), mapping, 2024), TOY, today=date(2024, 4, 1)
        ).polls
        assert from_paste.client == mark.replace("[a]", "") and from_paste.first_round == {"ann": 55, "bob": 45}
        for column in ("pollster", "fieldwork_end"):
            cells = {"pollster": "Acme", "fieldwork_end": "2024-03-02"} | {column: mark}
            bad = head + f"{cells['pollster']},,2024-03-01,{cells['fieldwork_end']},,,,55,45,\n"
            errors = parse_polls_csv(bad, TOY, today=date(2024, 4, 1)).errors
            assert [(e.line, e.field) for e in errors] == [(2, column)], (mark, errors)
            assert "empty" in errors[0].message, errors
