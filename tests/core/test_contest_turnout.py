"""Issue 16, "nothing wrong counted": a two-round race without an official first round took France 2022's turnout,
blank/null rate and registered electorate, whatever the race, and said "2022's turnout". Each two-round contest
now carries its own expected figures (Contest.expected); the first round from the poll average uses them and
says so, and a race that has none set is told to set them rather than given France's."""

from __future__ import annotations

import math
from datetime import date

import pytest

from warroom.core.contestfile import (
    ContestFileError,
    contest_from_dict,
    contest_to_dict,
    contest_to_toml,
    parse_contest_file,
)
from warroom.core.france import FRANCE_2022_TURNOUT, Hypothesis, Matchup, PollNotice
from warroom.core.saved_cases import two_round_case
from warroom.core.two_round_pipeline import Campaign
from warroom.core.two_round_view import first_round_from
from warroom.core.types import Candidate, Contest, CountingSystem, ExpectedTurnout

LIMA = ExpectedTurnout(turnout=61.5, blank_null=8.0, registered=7_650_000)
"""A non-French two-round race's own figures (a municipal runoff)."""

RACE = Contest(
    "Lima Mayor 2026",
    date(2026, 10, 4),
    CountingSystem.TWO_ROUND,
    (Candidate("ana", "Ana Ruiz"), Candidate("beto", "Beto Paz"), Candidate("cata", "Cata Vega")),
    second_round_date=date(2026, 10, 18),
    expected=LIMA,
)


def test_the_poll_average_first_round_uses_the_contests_own_figures_and_says_so() -> None:
    first, said = first_round_from({}, {"A": 60.0, "B": 40.0}, LIMA)
    assert first.registered == 7_650_000
    assert first.turnout == pytest.approx(61.5)
    assert 100 * first.blank_null / (first.valid + first.blank_null) == pytest.approx(8.0)
    assert first.shares() == pytest.approx({"A": 60.0, "B": 40.0})
    assert "2022" not in said
    assert "61.5 %" in said and "8.0 %" in said and "7,650,000" in said and "race's own setting" in said


def test_without_the_contests_figures_nothing_is_counted_and_it_says_where_to_set_them() -> None:
    with pytest.raises(ValueError, match="not set") as caught:
        first_round_from({}, {"A": 60.0, "B": 40.0}, None)
    assert "2022" not in str(caught.value) and "form" in str(caught.value)


def test_an_official_first_round_still_wins_over_the_contests_figures() -> None:
    from warroom.core.france import RoundResult

    one = RoundResult(1, date(2026, 10, 4), {"A": 600, "B": 300}, registered=1200, voters=920, blank_null=20)
    first, said = first_round_from({1: one}, {"A": 10.0, "B": 90.0}, LIMA)
    assert first.registered == 1200 and said.startswith("Official")


def test_france_2022_figures_are_the_official_first_round_of_10_april_2022() -> None:
    assert FRANCE_2022_TURNOUT.registered == 48_747_876
    assert FRANCE_2022_TURNOUT.turnout == pytest.approx(100 * 35_923_707 / 48_747_876)
    assert FRANCE_2022_TURNOUT.blank_null == pytest.approx(100 * 790_760 / 35_923_707)


@pytest.mark.parametrize(
    ("field", "values", "words"),
    [
        ("expected_turnout", {"turnout": math.nan}, "expected_turnout"),
        ("expected_turnout", {"turnout": -5.0}, "expected_turnout"),
        ("expected_turnout", {"turnout": 0.0}, "expected_turnout"),
        ("expected_turnout", {"turnout": 100.5}, "expected_turnout"),
        ("expected_blank_null", {"blank_null": math.nan}, "expected_blank_null"),
        ("expected_blank_null", {"blank_null": -1.0}, "expected_blank_null"),
        ("expected_blank_null", {"blank_null": 0.0}, "expected_blank_null"),
        ("expected_blank_null", {"blank_null": 100.0}, "expected_blank_null"),
        ("expected_blank_null", {"blank_null": 250.0}, "expected_blank_null"),
        ("registered", {"registered": 0}, "registered"),
        ("registered", {"registered": -10}, "registered"),
        ("registered", {"registered": 1.5}, "registered"),
        ("registered", {"registered": math.nan}, "registered"),
        ("registered", {"registered": True}, "registered"),
        ("registered", {"registered": 10**12}, "registered"),
    ],
)
def test_bad_figures_are_refused_naming_the_field(field: str, values: dict[str, object], words: str) -> None:
    given = {"turnout": 61.5, "blank_null": 8.0, "registered": 7_650_000} | values
    with pytest.raises(ValueError, match=words):
        ExpectedTurnout(**given)  # type: ignore[arg-type]


def test_a_full_turnout_is_allowed() -> None:
    first, _ = first_round_from({}, {"A": 60.0, "B": 40.0}, ExpectedTurnout(100.0, 1.0, 1000))
    assert first.abstainers == pytest.approx(0.0)


def test_only_a_two_round_contest_takes_them() -> None:
    from dataclasses import replace

    sv = replace(RACE, system=CountingSystem.SV, second_round_date=None)
    assert any(p.startswith("expected_turnout:") for p in sv.problems())
    assert RACE.problems() == []


def test_the_figures_round_trip_through_contest_files_and_bundles() -> None:
    assert parse_contest_file(contest_to_toml(RACE)).contest == RACE
    assert contest_from_dict(contest_to_dict(RACE)).contest == RACE
    head = contest_to_dict(RACE)["contest"]
    assert (head["expected_turnout"], head["expected_blank_null"], head["registered"]) == (61.5, 8.0, 7_650_000)
    unset = contest_to_dict(Contest(RACE.name, RACE.election_date, RACE.system, RACE.candidates))["contest"]
    assert "expected_turnout" not in unset and "registered" not in unset


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("expected_turnout = nan", "expected_turnout"),
        ("expected_turnout = 120.0", "expected_turnout"),
        ("expected_turnout = -3", "expected_turnout"),
        ('expected_turnout = "lots"', "expected_turnout"),
        ("expected_blank_null = 100", "expected_blank_null"),
        ("registered = 12.5", "registered"),
        ("registered = -4", "registered"),
    ],
)
def test_a_contest_file_with_bad_figures_names_the_field(line: str, field: str) -> None:
    text = contest_to_toml(RACE)
    text = "\n".join(line if row.split(" = ")[0] == line.split(" = ")[0] else row for row in text.splitlines())
    with pytest.raises(ContestFileError) as caught:
        parse_contest_file(text)
    assert any(field in str(p) for p in caught.value.problems), caught.value.problems


def test_a_contest_file_with_only_some_of_the_figures_is_refused() -> None:
    text = "\n".join(row for row in contest_to_toml(RACE).splitlines() if not row.startswith("registered"))
    with pytest.raises(ContestFileError, match="registered"):
        parse_contest_file(text)


def notice_of_three() -> PollNotice:
    """One poll of RACE: a first-round list of its three candidates and the Ruiz v Paz runoff."""
    return PollNotice(
        "p1",
        "Ipsos",
        "",
        date(2026, 9, 1),
        date(2026, 9, 3),
        1000,
        "",
        False,
        (Hypothesis("H", {"Ana Ruiz": 40.0, "Beto Paz": 35.0, "Cata Vega": 25.0}, 1),),
        (Matchup("M", "Ana Ruiz", "Beto Paz", 55.0, 45.0, 2),),
    )


def test_the_case_the_panel_and_the_cli_start_from_takes_the_campaigns_figures() -> None:
    notice = notice_of_three()
    case = two_round_case(Campaign((notice,), (), {}, LIMA))
    assert case.first.registered == 7_650_000 and case.first.turnout == pytest.approx(61.5)
    assert "race's own setting" in case.first_source
    with pytest.raises(ValueError, match="not set"):
        two_round_case(Campaign((notice,), (), {}))


def test_a_threshold_on_registered_voters_reads_the_contests_own_turnout() -> None:
    """French legislative rules (12.5 % of registered qualify) on a race with its own figures and no official first
    round: the qualify odds took France 2022's 72.1 % of registered voters casting a valid vote; they now take the
    race's (61.5 % turnout, 8 % of it blank or null: 56.58 %). Unset, none is assumed (the next test)."""
    from warroom.core.two_round_pipeline import valid_share_of_base
    from warroom.core.types import Rules

    legislative = Rules(finalists="threshold", qualify_threshold=12.5, qualify_base="registered", preferences=1)
    of_cast = Rules(finalists="threshold", qualify_threshold=12.5, qualify_base="cast", preferences=1)
    campaign = Campaign((notice_of_three(),), (), {}, LIMA)
    assert valid_share_of_base(campaign, legislative) == pytest.approx(61.5 * 0.92)
    assert valid_share_of_base(campaign, of_cast) == pytest.approx(92.0)
    assert valid_share_of_base(Campaign((notice_of_three(),), (), {}), legislative) is None


def test_a_threshold_of_registered_voters_with_no_turnout_known_gives_no_qualify_odds() -> None:
    """A race with a qualifying threshold of registered voters (or of votes cast), no official first round and no
    expected turnout of its own: the odds assumed France 2022's 72.1 % valid of registered (98 % of cast), which
    for a legislative race at 47 % turnout put the bar at 17 % of valid votes where it is 27 %. Now no odds are
    worked out, and the report says why (the CLI prints it; the window shows it)."""
    import io

    from warroom.cli.two_round import print_report
    from warroom.core.two_round_pipeline import QUALIFY_NEEDS_TURNOUT, two_round_report
    from warroom.core.types import Rules

    for base in ("registered", "cast"):
        rules = Rules(finalists="threshold", qualify_threshold=12.5, qualify_base=base, preferences=1)
        unset = two_round_report(Campaign((notice_of_three(),), (), {}), rules=rules)
        assert unset.qualify == {} and unset.qualify_note == QUALIFY_NEEDS_TURNOUT
        own = two_round_report(Campaign((notice_of_three(),), (), {}, LIMA), rules=rules)
        assert own.qualify and own.qualify_note is None
    top_two = two_round_report(Campaign((notice_of_three(),), (), {}))  # top two: no turnout needed
    assert top_two.qualify and top_two.qualify_note is None
    out = io.StringIO()
    print_report(RACE, unset, out, qualify_only=True)
    assert QUALIFY_NEEDS_TURNOUT in out.getvalue().replace("\n", " ")
