"""Issue 16, hostile pass hK: a two-round race whose every polled runoff has a withdrawn candidate. Failed before
its fix."""

from __future__ import annotations

import dataclasses
from datetime import date

from tests.conftest import TOY
from warroom.core.compilations import parse_question_csv
from warroom.core.france import FRANCE_2022_TURNOUT
from warroom.core.saved_cases import two_round_case
from warroom.core.two_round_pipeline import Campaign, withdrawn_names
from warroom.core.types import CountingSystem

RACE = dataclasses.replace(TOY, system=CountingSystem.TWO_ROUND)
HEAD = "pollster,poll_id,question,fieldwork_start,fieldwork_end,sample_size,first:ann,first:bob,first:cat,second:ann,second:bob\n"
ROWS = "Zeta,z1,H1,2024-03-05,2024-03-07,1000,40,35,25,,\nZeta,z1,Ann / Bob,2024-03-05,2024-03-07,1000,,,,60,40\n"


def _campaign() -> Campaign:
    read = parse_question_csv(HEAD + ROWS, RACE, today=date(2024, 4, 1))
    assert not read.errors, read.errors
    return Campaign(read.notices, (), {}, FRANCE_2022_TURNOUT)  # (a race's own expected first round: hJ)


def test_a_runoff_with_a_withdrawn_finalist_says_so() -> None:
    """Ann withdrawn, and the polls ask only Ann v Bob: the scenario (`warroom scenario`, the panel) showed that
    runoff as the race's, with no word that it can no longer take place. Its note says so, and that every runoff
    asked has a withdrawn candidate; a runoff of two standing candidates has no note."""
    campaign = _campaign()
    assert two_round_case(campaign).note == ""
    out = withdrawn_names(
        dataclasses.replace(
            RACE, candidates=tuple(dataclasses.replace(c, withdrawn=c.code == "ann") for c in RACE.candidates)
        )
    )
    case = two_round_case(campaign, withdrawn=out)
    assert "Ann Red" in case.pair
    assert case.note == (
        "Ann Red has withdrawn: this runoff can no longer take place (every runoff the polls ask has a withdrawn "
        "candidate in it)."
    ), case.note
