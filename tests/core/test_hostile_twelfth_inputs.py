"""Issue 16, leftovers of the eleventh pass: a pollster written two ways, votes past the CSV's limit in a contest
file, Wikipedia's "not published" cells, a result CSV in Windows-1252 or UTF-16, a direction override in a note.
Each test failed before its fix."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from tests.conftest import TOY, make_poll
from warroom.core.averaging import Observation, SeriesData, average_polls
from warroom.core.contestfile import ContestFileError, parse_contest_file
from warroom.core.csvformat import parse_polls_csv
from warroom.core.france import TransferMatrix, TransferRow
from warroom.core.paste import split_table, to_poll_csv
from warroom.core.resultfile import ResultFileError, parse_result_csv
from warroom.core.two_round import defaults_from_matrices
from warroom.core.validation import validate_poll

TODAY = date(2024, 4, 1)
SPELLINGS = ("YouGov", "yougov", "YOUGOV", "\uff39\uff4f\uff55\uff27\uff4f\uff56", "YouGov\u00a0", " YouGov\u2009 ")
"""One firm as users and web pages write it: case, fullwidth letters, a trailing no-break or thin space, a leading space."""


def _polls(names: tuple[str, ...]) -> list:
    """Two other firms and YouGov (written as `names`, one poll each, in that order) reading Ann 4 points high."""
    out = []
    pid = 1
    for day in range(1, 13):
        for firm, a in (("Acme", 44), ("Bcme", 43)):
            out.append(replace(make_poll(day, firm, a=a, b=41, c=100 - a - 41), id=pid))
            pid += 1
    for k, name in enumerate(names):
        out.append(replace(make_poll(2 * k + 1, name, a=48, b=39, c=13), id=pid))
        pid += 1
    return out


def test_a_pollster_is_one_firm_however_it_is_written() -> None:
    from warroom.core.types import firm_key, firm_spellings

    assert len({firm_key(name) for name in SPELLINGS}) == 1
    assert firm_key("YouGov") != firm_key("YouGov Blue")
    shown = firm_spellings(["yougov", "Acme", "YouGov", "ＹｏｕＧｏｖ"])
    assert shown == {"yougov": "yougov", "Acme": "Acme", "YouGov": "yougov", "ＹｏｕＧｏｖ": "yougov"}


def test_the_average_gives_a_firm_written_six_ways_one_house_effect_shown_as_first_written() -> None:
    """Each spelling was a firm of its own, with a house effect and a key each (six YouGovs, each one poll)."""
    mixed = average_polls(_polls(SPELLINGS), TOY)
    same = average_polls(_polls(("YouGov",) * len(SPELLINGS)), TOY)
    assert set(mixed.first_lead.house_effects) == {"Acme", "Bcme", "YouGov"}
    assert mixed.first_lead.house_effects == pytest.approx(same.first_lead.house_effects)
    assert mixed.first_lead.mean == pytest.approx(same.first_lead.mean)
    assert set(mixed.columns.names) == {"Acme", "Bcme", "YouGov"}
    # shown as first written (by fieldwork): the lower-case one when it came first
    first_lower = average_polls(_polls(("yougov", *SPELLINGS)), TOY)
    assert set(first_lower.first_lead.house_effects) == {"Acme", "Bcme", "yougov"}


def test_the_incremental_average_equals_the_full_one_when_a_firm_is_written_another_way() -> None:
    from warroom.core.averaging import ColumnBuilder

    polls = _polls(("YouGov", "YouGov"))
    builder = ColumnBuilder(TOY)
    builder.build(polls)
    added = [*polls, replace(make_poll(20, "yougov ", a=48, b=39, c=13), id=999)]
    edited = builder.build(added)
    fresh = ColumnBuilder(TOY).build(added)
    assert edited.names == fresh.names == ("Acme", "Bcme", "YouGov")
    assert list(edited.pollster) == list(fresh.pollster)


def test_the_two_round_smoother_and_the_transfer_defaults_take_one_institute_written_two_ways() -> None:
    obs = [Observation(float(d), 50.0 + d % 3, 4.0, name) for d, name in enumerate(["Ifop", "IFOP", "Elabe", "ifop"])]
    assert list(SeriesData.of(obs).names) == ["Elabe", "Ifop"]

    def matrix(pid: int, institute: str, to_a: float) -> TransferMatrix:
        row = TransferRow(to_a, 100 - to_a - 10, 10)
        return TransferMatrix(str(pid), institute, date(2022, 4, pid), date(2022, 4, pid), "Ann", "Bob", {"Cat": row})

    # Ifop twice (as "Ifop" and "IFOP") and Elabe once: institutes are equal, so Ifop's two matrices count once
    got = defaults_from_matrices([matrix(1, "Ifop", 60), matrix(2, "IFOP", 60), matrix(3, "Elabe", 30)], "Ann", "Bob")
    assert got.pollsters["Cat"] == ("Elabe", "Ifop")
    assert got.ranges["Cat"]["a"].mean == pytest.approx(45.0)


# --- 2. votes: one limit for the result CSV and the contest file --------------------------------------------

MAX_VOTES = 10**12 - 1
"""The result CSV's limit as the README states it."""

CONTEST = """\
[contest]
name = "Toyton Mayor"
election_date = 2024-05-02
system = "sv"

[[candidate]]
code = "ann"
name = "Ann Red"

[[candidate]]
code = "bob"
name = "Bob Blue"

[result]
first_round = {{ ann = {ann}, bob = 900 }}
final_round = {{ ann = {ann}, bob = 900 }}
"""


def test_a_contest_file_holds_votes_to_the_result_csvs_limit_and_no_further() -> None:
    """The contest file took 10^26 votes; the result CSV stopped at 10^12 - 1 (validation.MAX_VOTES now)."""
    from warroom.core import validation

    assert validation.MAX_VOTES == MAX_VOTES
    assert parse_contest_file(CONTEST.format(ann=MAX_VOTES)).result is not None
    for too_many in (MAX_VOTES + 1, 10**26):
        with pytest.raises(ContestFileError) as info:
            parse_contest_file(CONTEST.format(ann=too_many))
        keys = {(p.key, p.line) for p in info.value.problems}
        assert ("result.first_round.ann", 15) in keys and ("result.final_round.ann", 16) in keys
        assert f"at most {MAX_VOTES:,}" in str(info.value)
    huge = CONTEST.format(ann=1000) + "electorate = 100000000000000000000000000\n"
    with pytest.raises(ContestFileError, match="electorate"):
        parse_contest_file(huge)
    csv_text = "candidate,first_round,final_round\nann,{n},{n}\nbob,900,900\ncat,0,\n"  # (TOY's three stand)
    assert parse_result_csv(csv_text.format(n=MAX_VOTES), TOY).first_round["ann"] == MAX_VOTES
    with pytest.raises(ResultFileError, match=f"at most {MAX_VOTES:,}"):
        parse_result_csv(csv_text.format(n=MAX_VOTES + 1), TOY)


# --- 3. pasted "not published" cells ---------------------------------------------------------------------------

PASTE_HEADER = "Polling firm\tFieldwork date\tSample size\tAnn Red\tBob Blue\tCat Green\tPublished"


@pytest.mark.parametrize("dash", ["\u2013", "\u2014", "-", "n/a", "N/A", "*", "\u2014[a]"])
def test_a_pasted_not_published_cell_is_a_blank_where_a_blank_is_allowed(dash: str) -> None:
    """Refused before: "'–' is not a whole number" for a sample size Wikipedia marks as not published."""
    text = (
        f"{PASTE_HEADER}\nAcme\t1–2 Mar 2024\t{dash}\t45\t40\t15\t{dash}\nBcme\t3–4 Mar 2024\t900\t55\t45\t{dash}\t\n"
    )
    rows = split_table(text)
    mapping = ["pollster", "fieldwork", "sample_size", "first:ann", "first:bob", "first:cat", "published"]
    result = parse_polls_csv(to_poll_csv(rows, mapping, 2024), TOY, today=TODAY)
    assert result.ok, result.errors
    acme, bcme = result.polls
    assert acme.sample_size is None and acme.published is None
    assert bcme.first_round == {"ann": 55.0, "bob": 45.0}  # Cat not published: no figure, not 0


@pytest.mark.parametrize(("column", "field"), [("pollster", "pollster"), ("fieldwork", "fieldwork_end")])
def test_a_pasted_not_published_cell_where_no_blank_is_allowed_is_refused_naming_it(column: str, field: str) -> None:
    cells = {"pollster": "Acme", "fieldwork": "1–2 Mar 2024"}
    cells[column] = "\u2013"
    text = f"Polling firm\tFieldwork date\tAnn Red\tBob Blue\tCat Green\n{cells['pollster']}\t{cells['fieldwork']}\t45\t40\t15\n"
    mapping = ["pollster", "fieldwork", "first:ann", "first:bob", "first:cat"]
    result = parse_polls_csv(to_poll_csv(split_table(text), mapping, 2024), TOY, today=TODAY)
    assert not result.ok
    assert [(e.line, e.field) for e in result.errors] == [(2, field)], result.errors
    assert "empty" in result.errors[0].message


@pytest.mark.parametrize("cell", ["<1", "< 1", "<0.5", "<1%"])
def test_under_one_percent_is_refused_asking_for_the_figure(cell: str) -> None:
    """'<1' was "'<1' is not a number": it now says what it lacks and what to write."""
    text = f"Polling firm\tFieldwork date\tAnn Red\tBob Blue\tCat Green\nAcme\t1–2 Mar 2024\t55\t45\t{cell}\n"
    mapping = ["pollster", "fieldwork", "first:ann", "first:bob", "first:cat"]
    result = parse_polls_csv(to_poll_csv(split_table(text), mapping, 2024), TOY, today=TODAY)
    assert [(e.line, e.field) for e in result.errors] == [(2, "first:cat")]
    assert "under" in result.errors[0].message and "leave the cell blank" in result.errors[0].message


# --- 5. direction overrides in a poll's notes --------------------------------------------------------------------


@pytest.mark.parametrize("control", ["\u202e", "\u202d", "\u2066", "\u200f"])
def test_a_direction_control_in_a_notes_cell_is_refused_as_in_the_other_free_text_fields(control: str) -> None:
    """Stored before, so the table, its tooltip and the briefing showed "\u202eenilno" as "online"."""
    poll = make_poll(notes=f"{control}enilno, weighted")
    assert [(p.field, "text-direction" in p.message) for p in validate_poll(poll, TOY)] == [("notes", True)]
    text = f"pollster,fieldwork_end,first:ann,first:bob,first:cat,notes\nAcme,2024-03-02,45,40,15,{control}x\n"
    result = parse_polls_csv(text, TOY, today=TODAY)
    assert [(e.line, e.field) for e in result.errors] == [(2, "notes")]
    # a note keeps its lines and tabs
    assert validate_poll(make_poll(notes="phone\nweighted\tby past vote"), TOY) == []


def test_every_path_that_stores_a_result_holds_it_to_the_same_vote_limit() -> None:
    """`count --save-result` and a bundle store through result_problems, which had no limit: a count of 10^13
    ballots was stored though neither file reader takes it."""
    from warroom.core.types import OfficialResult
    from warroom.core.validation import result_problems

    big = OfficialResult({"ann": MAX_VOTES + 1, "bob": 5}, {"ann": MAX_VOTES + 1, "bob": 5})
    keys = [key for key, _message in result_problems(TOY, big)]
    assert "first_round.ann" in keys and "final_round.ann" in keys
    fits = OfficialResult({"ann": MAX_VOTES, "bob": 5, "cat": 0}, {"ann": MAX_VOTES, "bob": 5})
    assert result_problems(TOY, fits) == []
