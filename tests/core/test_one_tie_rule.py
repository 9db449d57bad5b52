"""Issue 16, one tie rule: the count engine, the result check, a projection's outright winner and the runoff pair
an average proposes all order tied candidates by core.types.placing on the candidate's name as shown
(core.types.tie_names), never by code. Each test failed before its fix."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from tests.conftest import make_poll
from warroom.core.averaging import average_polls
from warroom.core.backtest import no_final_round_reason
from warroom.core.count import Ballot, CountRules, count_ballots
from warroom.core.runoff import front_pair
from warroom.core.scenario import Baseline, Scenario, project
from warroom.core.types import Candidate, Contest, CountingSystem, OfficialResult, Rules, tie_names
from warroom.core.validation import first_round_winner

# Codes and names sort apart: code "b" is Ann, code "a" is Bob.
APART = (Candidate("b", "Ann"), Candidate("a", "Bob"), Candidate("c", "Cy"))
VOTES = {"b": 45_000, "a": 45_000, "c": 10_000}


def _apart(system: CountingSystem) -> Contest:
    rules = replace(Rules.default_for(system), majority=40.0)
    return Contest("Apart", date(2025, 5, 1), system, APART, rules=rules)


@pytest.mark.parametrize("system", [CountingSystem.SV, CountingSystem.CONTINGENT, CountingSystem.IRV])
def test_codes_and_names_that_sort_apart_elect_one_candidate_in_the_count_and_the_check(system: CountingSystem) -> None:
    """Ann (code "b") and Bob (code "a") tied on 45 % past a 40 % majority. The count, on ballots naming them,
    elected Bob (the later name); the result check and the back-test compared codes and named Ann ("b" is
    after "a"). Both now name Bob; so does a count of ballots written with the codes, given the contest's names."""
    contest = _apart(system)
    rules = CountRules.for_contest(system, contest.counting_rules)
    by_name = count_ballots(
        [Ballot(("Ann",), 45_000), Ballot(("Bob",), 45_000), Ballot(("Cy",), 10_000)], system, rules=rules
    )
    assert by_name.winner == "Bob" and len(by_name.rounds) == 1
    result = OfficialResult(first_round=dict(VOTES))
    won = first_round_winner(contest, result)
    assert won is not None and won[0] == "a"
    assert "Bob was elected in the first round" in no_final_round_reason(contest, result)
    names = tie_names(contest)  # ballot label (here the code) -> the name the count compares
    by_code = count_ballots([Ballot((code,), v) for code, v in VOTES.items()], system, rules=rules, tie_names=names)
    assert by_code.winner == "a"


def test_a_projection_of_level_leaders_names_the_one_the_count_elects_when_codes_and_names_sort_apart() -> None:
    """The projection's outright winner compared codes too: Ann ("b") where the count elects Bob ("a")."""
    names = {"b": "Ann", "a": "Bob", "c": "Cy"}
    base = Baseline({"b": 45.0, "a": 45.0, "c": 10.0}, {}, {}, "b", "a", names=names, majority=40.0)
    assert project(base, Scenario({})).outright_winner == "a"


def test_front_pair_breaks_ties_as_the_count_does() -> None:
    """front_pair put the earlier code ahead; the count puts the later name ahead."""
    names = {"b": "Ann", "a": "Bob", "c": "Cy"}
    assert front_pair({"b": 40.0, "a": 40.0, "c": 20.0}, names) == ("a", "b")  # tie for first: Bob leads
    assert front_pair({"b": 50.0, "a": 25.0, "c": 25.0}, names) == ("b", "c")  # tie for second: Cy, as the count
    assert front_pair({"x": 40.0, "y": 40.0}) == ("y", "x")  # no names: the codes are the names


@pytest.mark.parametrize(
    ("shares", "pair"),
    [
        ({"a": 40, "b": 30, "c": 30}, ("ann", "cat")),  # tie for second: Cat Green after Bob Blue
        ({"a": 20, "b": 40, "c": 40}, ("cat", "bob")),  # tie for first: Cat Green after Bob Blue, ahead
    ],
)
def test_the_runoff_pair_an_average_proposes_is_the_contingent_counts_finalists(
    shares: dict[str, float], pair: tuple[str, str]
) -> None:
    """Polls of 40-30-30 (Ann Red, Bob Blue, Cat Green): the scenario ran off Ann against Bob (the earlier code)
    where the contingent count keeps Ann and Cat (the later name, with a note that the law draws lots); 40-40-20
    made Bob (Blue) the front-runner by code order over Cat (Green), where the count puts the later name ahead. The pair and
    its order now come from the count's rule: the scenario runs off the pair the count would."""
    from tests.conftest import TOY

    contest = replace(TOY, system=CountingSystem.CONTINGENT, rules=Rules.default_for(CountingSystem.CONTINGENT))
    polls = [make_poll(1, a=shares["a"], b=shares["b"], c=shares["c"])]
    averages = average_polls(polls, contest)
    assert (averages.a, averages.b) == pair
    papers = [
        Ballot((contest.candidate(code).display,), int(shares[k] * 1000))
        for k, code in zip("abc", ("ann", "bob", "cat"), strict=True)
    ]
    counted = count_ballots(papers, CountingSystem.CONTINGENT)
    assert set(counted.rounds[-1].tallies) == {contest.candidate(code).display for code in pair}


def test_a_baseline_from_shares_or_party_voting_intention_orders_tied_leaders_as_the_count() -> None:
    """The two other places that pick a scenario's pair put the earlier code ahead too: shares given without a
    pair (baseline_from_shares), and a race with no poll of its own (party voting intention plus personal votes).
    of two level candidates the count puts the later name (as shown) ahead."""
    from tests.conftest import TOY
    from warroom.core.pipeline import BaselineChoice, make_baseline
    from warroom.core.scenario import baseline_from_shares

    names = {"ann": "Red", "bob": "Blue", "cat": "Green"}
    base = baseline_from_shares({"bob": 40.0, "ann": 40.0, "cat": 20.0}, {}, {}, names=names)
    assert (base.a, base.b) == ("ann", "bob")
    base = baseline_from_shares({"bob": 20.0, "ann": 40.0, "cat": 20.0}, {}, {}, names=names)
    assert (base.a, base.b) == ("ann", "cat")  # Green after Blue: the tie for second as the contingent count keeps
    polls = [replace(make_poll(d), id=d, first_round={}, party_vi={"R": 40.0, "B": 30.0, "G": 30.0}) for d in (1, 5)]
    vi = make_baseline(BaselineChoice("party_vi"), polls, TOY, None)
    assert (vi.a, vi.b) == ("ann", "cat")  # Ann Red 40; Bob Blue and Cat Green level on 30: Green, the later name
