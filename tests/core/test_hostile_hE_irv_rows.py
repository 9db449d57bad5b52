"""Fresh hostile pass hE: an instant-runoff race's published next preferences that name every other candidate
and leave the rest unsaid (a three-candidate race's "of Cat's voters, 35 % Ann, 35 % Bob")."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from warroom.core.irv_pipeline import irv_baseline
from warroom.core.irv_scenario import IrvScenario, proportional_row, with_published_rows
from warroom.core.pipeline import compute_averages
from warroom.core.types import EXHAUSTED, Candidate, Contest, CountingSystem, Poll, TransferObservation


def _three() -> IrvScenario:
    shares = np.array([40.5, 37.5, 22.0])
    matrix = np.array([proportional_row(shares, i) for i in range(3)])
    return IrvScenario(("ann", "bob", "cat"), shares, matrix)


def test_a_row_naming_every_other_candidate_leaves_the_rest_exhausted() -> None:
    # The rest of the row, 30 %, had only exhaustion to go to, which the first-round-share row gives nothing:
    # the whole publication was passed over and Cat's row stayed "by first-round shares" (51.9/48.1, none
    # exhausted), the polls' 35/35 unread, without a word.
    out = with_published_rows(
        _three(), [TransferObservation("cat", "ann", 35.0), TransferObservation("cat", "bob", 35.0)]
    )
    assert out.row("cat") == pytest.approx({"ann": 35.0, "bob": 35.0, EXHAUSTED: 30.0})


def test_an_instant_runoff_race_reads_the_next_preferences_its_polls_publish() -> None:
    contest = Contest(
        "Tri IRV",
        date(2027, 5, 6),
        CountingSystem.IRV,
        (Candidate("ann", "Ann Alpha"), Candidate("bob", "Bob Beta"), Candidate("cat", "Cat Gamma")),
    )
    polls = [
        Poll(
            "Acme",
            date(2026, 11, 1),
            date(2026, 11, 3),
            1000,
            {"ann": 40.0, "bob": 38.0, "cat": 22.0},
            transfers=(TransferObservation("cat", "ann", 30.0), TransferObservation("cat", "bob", 40.0)),
            id=1,
        ),
    ]
    case = irv_baseline(contest, polls, compute_averages(polls, contest))
    assert case.sources["cat"] == "polls"
    assert case.scenario.row("cat") == pytest.approx({"ann": 30.0, "bob": 40.0, EXHAUSTED: 30.0})
