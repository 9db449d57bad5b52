"""An instant-runoff contest's stored ballots prior in the baseline: its rows before a past count's, and, for a
contest with no polls (the Burlington 2009 demo), its first round too."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from tests.irv_fixture import IRV_CONTEST, irv_polls
from warroom.core.ballot_prior import contest_prior
from warroom.core.irv_pipeline import irv_baseline
from warroom.core.irv_scenario import IrvScenario, proportional_row, run_irv, set_row
from warroom.core.pipeline import PipelineError, compute_averages
from warroom.core.types import EXHAUSTED
from warroom.demo import BURLINGTON_2009, BURLINGTON_2009_RULES, burlington_ballots, burlington_official


def burlington_prior() -> IrvScenario:
    """The rows `warroom count --save-prior` stores for the 2009 ballots (and the demo seeds)."""
    rules = BURLINGTON_2009_RULES
    prior = contest_prior(burlington_ballots(), BURLINGTON_2009, max_rankings=rules.max_rankings)
    return replace(prior, batch_elimination=rules.batch_elimination)


def test_a_contest_with_no_polls_starts_from_its_ballots_and_says_so() -> None:
    prior = burlington_prior()
    case = irv_baseline(BURLINGTON_2009, [], None, ballots=prior, ballots_label="2009 ballots")
    s = case.scenario
    assert case.label == "2009 ballots; no polls" and case.as_of is None
    assert set(case.sources.values()) == {"2009 ballots"}
    # The first round is the ballots' first preferences: the official round 1, to the vote.
    first = burlington_official()["rounds"][0]["tallies"]
    valid = sum(first.values())
    by_code = {c.code: c.name for c in BURLINGTON_2009.candidates}
    assert {c: s.share(c) for c in s.codes} == pytest.approx({c: 100 * first[by_code[c]] / valid for c in s.codes})
    for code in s.codes:
        assert s.row(code) == pytest.approx(prior.row(code))
    # The city's batch elimination comes with the ballots: the count's three rounds, not five.
    assert s.batch_elimination
    run = run_irv(s)
    assert [set(r.eliminated) for r in run.rounds] == [set(), {"smith", "simpson", "write_in"}, {"montroll"}]
    assert run.winner == "kiss" and set(run.final_pair) == {"kiss", "wright"}
    assert [e.eliminated for e in run.decisive] == [("montroll",)]


def test_no_polls_and_no_ballots_is_still_refused() -> None:
    with pytest.raises(PipelineError, match="no polls"):
        irv_baseline(BURLINGTON_2009, [], None)
    with pytest.raises(PipelineError, match="fewer than two"):
        only = replace(burlington_prior(), first_round=np.array([100.0, 0, 0, 0, 0, 0]))
        irv_baseline(BURLINGTON_2009, [], None, ballots=only, ballots_label="2009 ballots")


def _riverton_ballots() -> IrvScenario:
    """A ballots prior over the Riverton field: Moss's voters mostly to Reid."""
    codes = IRV_CONTEST.candidate_codes
    shares = np.linspace(30, 1, len(codes))
    matrix = np.array([proportional_row(shares, i) for i in range(len(codes))])
    prior = IrvScenario(codes, shares, matrix)
    return set_row(prior, "dem", {"alp": 70.0, "lnp": 10.0, EXHAUSTED: 20.0})


def test_with_polls_the_first_round_is_the_polls_and_the_ballots_rows_come_before_a_past_counts() -> None:
    polls = [replace(p, id=i + 1) for i, p in enumerate(irv_polls())]
    averages = compute_averages(polls, IRV_CONTEST)
    plain = irv_baseline(IRV_CONTEST, polls, averages)
    past = {"dem": {"lnp": 60.0, "alp": 20.0, EXHAUSTED: 20.0}, "sci": {"lnp": 100.0}}
    ballots = _riverton_ballots()
    case = irv_baseline(
        IRV_CONTEST, polls, averages, prior_rows=past, ballots=ballots, ballots_label="ballots in 2022.csv"
    )
    s = case.scenario
    # First round, label and published rows: as without the ballots.
    assert case.label == plain.label and case.label.startswith("Poll average on")
    assert np.allclose(s.first_round, plain.scenario.first_round) and not s.batch_elimination
    assert case.sources["alp"] == "polls" and s.row("alp") == pytest.approx(plain.scenario.row("alp"))
    # Rows no poll publishes: the ballots' rather than the past count's.
    assert case.sources["dem"] == "ballots in 2022.csv"
    assert (s.row("dem")["alp"], s.row("dem")[EXHAUSTED]) == pytest.approx((70, 20))
    # A ballot file the user has just chosen comes first (prior_first).
    chosen = irv_baseline(IRV_CONTEST, polls, averages, prior_rows=past, ballots=ballots, prior_first=True)
    assert chosen.sources["dem"] == "past count" and chosen.scenario.row("dem")["lnp"] == pytest.approx(60)
