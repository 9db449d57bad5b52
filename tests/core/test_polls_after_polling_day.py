"""A past election and polls published after it (issue 16, one number, one place): the forecast is read on
polling day from the polls known by then, and says that the later ones are left out."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from tests.conftest import TOY
from warroom.core.pipeline import BaselineChoice, compute_averages, evaluate, make_case
from warroom.core.types import Poll


def _poll(day: date, ann: float, bob: float, pollster: str) -> Poll:
    return Poll(
        pollster=pollster,
        fieldwork_start=day - timedelta(days=2),
        fieldwork_end=day,
        sample_size=1000,
        first_round={"ann": ann, "bob": bob, "cat": 100 - ann - bob},
    )


BEFORE = [_poll(date(2024, 4, 12), 40, 38, "P1"), _poll(date(2024, 4, 22), 39, 40, "P2")]
AFTER = [_poll(date(2024, 6, 12), 55, 30, "P1"), _poll(date(2024, 7, 12), 56, 29, "P2")]


def test_the_forecast_of_a_past_election_leaves_out_the_polls_after_it_and_says_so() -> None:
    """Two recall polls in June and July of a race held on 2 May put the default baseline at "Poll average on
    12 Jul 2024" and its verdict at "Safe Red (99 % chance)", with no word that the polls were taken after the
    vote. The default baseline is now the average on polling day, from the polls known by then, labelled so."""
    polls = [*BEFORE, *AFTER]
    baseline, scenario = make_case(BaselineChoice(), polls, TOY, compute_averages(polls, TOY))
    assert baseline.as_of == TOY.election_date
    assert "02 May 2024" in baseline.label and "2 polls after it left out" in baseline.label, baseline.label
    only_before, defaults = make_case(BaselineChoice(), BEFORE, TOY, compute_averages(BEFORE, TOY))
    shown, known = evaluate(baseline, scenario).projection, evaluate(only_before, defaults).projection
    assert shown.margin == known.margin and dict(shown.first_round) == dict(known.first_round)
    assert shown.verdict == known.verdict
    # a race whose polls all precede polling day reads its latest average as before, with no such words
    assert "left out" not in only_before.label and only_before.as_of == date(2024, 4, 21)
    # an explicit day after the vote is the user's choice, read as asked
    late = BaselineChoice("as_of", date(2024, 7, 12))
    chosen, _ = make_case(late, polls, TOY, compute_averages(polls, TOY))
    assert chosen.as_of == date(2024, 7, 12) and "left out" not in chosen.label


def test_a_race_polled_after_polling_day_only_keeps_its_baseline_on_them() -> None:
    """Only recall polls (nothing known by polling day): there is nothing to forecast from, so the baseline is
    the latest average as before rather than an error."""
    polls = list(AFTER)
    baseline, _ = make_case(BaselineChoice(), polls, replace(TOY), compute_averages(polls, TOY))
    assert baseline.as_of == date(2024, 7, 11)  # (the last poll's fieldwork midpoint)


def test_an_instant_runoff_race_is_read_on_polling_day_too() -> None:
    """The instant-runoff case (core.irv_pipeline.irv_baseline) took its first round and next preferences from the
    latest average, recall polls after polling day included; it is read on polling day as the others are."""
    from tests.irv_fixture import IRV_CONTEST, irv_polls
    from warroom.core.irv_pipeline import irv_baseline

    before = irv_polls()
    polling_day = IRV_CONTEST.election_date
    after = [
        replace(
            p,
            id=None,
            fieldwork_start=polling_day + timedelta(days=30 + 7 * i),
            fieldwork_end=polling_day + timedelta(days=32 + 7 * i),
            first_round={**p.first_round, "lnp": 50.0},
        )
        for i, p in enumerate(before[-2:])
    ]
    polls = [*before, *after]
    case = irv_baseline(IRV_CONTEST, polls, compute_averages(polls, IRV_CONTEST))
    known = irv_baseline(IRV_CONTEST, before, compute_averages(before, IRV_CONTEST, as_of=polling_day))
    assert case.as_of == polling_day and "(polling day; 2 polls after it left out)" in case.label, case.label
    assert case.scenario.codes == known.scenario.codes
    assert (case.scenario.first_round == known.scenario.first_round).all()
    assert (case.scenario.transfers == known.scenario.transfers).all()
