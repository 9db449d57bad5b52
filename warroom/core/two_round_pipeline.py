"""The two-round campaign pipeline: a campaign's poll notices -> averages per candidate and per matchup ->
who qualifies and who wins the runoff. Pure; the CLI and the GUI's services both call these functions.

A French campaign (core.france) publishes, per poll notice, several first-round *hypotheses* (candidate
lists) and several runoff *matchups*. Two kinds of average come out of it:

* Per candidate, across hypotheses (`candidate_averages`). A candidate's share depends on who else is on the
  list: Pécresse's share is not the same with and without Bertrand. Each hypothesis label gets an additive
  *hypothesis effect* per candidate, estimated from the notices that ask that label beside others (the
  within-notice deviation of the candidate's share in that hypothesis from his mean across the notice's
  hypotheses), shrunk toward zero by HYPOTHESIS_SHRINK pseudo-notices. Every hypothesis's figure, its
  effect removed, feeds one observation per notice (their mean: one fieldwork, one sample), and the
  smoother of core.averaging (random walk, pollster house effects) runs over them. Picking a hypothesis adds
  its effect back: the whole campaign's polls, seen through that candidate list.
* Per matchup (`matchup_average`): A's share of the pair's votes in every notice that asks A against B,
  smoothed the same way; the lead is 2 x share - 100, and P(A wins) treats the last day's margin as normal
  with the smoother's sd and core.two_round's POLLING_SD (the same 6 points the scenario uses).

P(each candidate qualifies) is core.two_round.qualify_probabilities on the latest shares of one lineup.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from statistics import NormalDist
from typing import NamedTuple

import numpy as np

from warroom.core.averaging import AverageSeries, Observation, share_variance, smooth_many
from warroom.core.france import ABSTAINERS, PollNotice, RoundResult, TransferMatrix, name_key
from warroom.core.two_round import (
    POLLING_SD,
    FirstRound,
    TwoRoundProjection,
    TwoRoundScenario,
    defaults_from_matrices,
    project,
    qualify_probabilities,
    splits_for_first_round,
)
from warroom.core.types import Rules

__all__ = [
    "ABSTAINERS",
    "Campaign",
    "CandidateAverages",
    "MatchupAverage",
    "candidate_averages",
    "first_round_of",
    "hypothesis_labels",
    "matchup_average",
    "matchups_asked",
    "qualify_odds",
]

HYPOTHESIS_SHRINK = 2.0
"""Pseudo-notices of zero effect added to each hypothesis effect's mean: a label asked beside others in one
notice moves its candidates by a third of what that notice says, in five notices by five sevenths."""

DRIFT_SD_PER_DAY = 0.25
"""Daily random-walk sd of a share (points): core.averaging's default, about 1.3 points a month unprompted."""


class Campaign(NamedTuple):
    """What a two-round contest's store holds, as core types (store.questions.load_campaign).

    Attributes:
        notices: poll notices, oldest fieldwork first.
        matrices: published transfer matrices, oldest first.
        results: round (1, 2) -> official figures; empty when none is stored.
    """

    notices: tuple[PollNotice, ...]
    matrices: tuple[TransferMatrix, ...]
    results: Mapping[int, RoundResult]


def first_round_of(result: RoundResult) -> FirstRound:
    """The runoff's electorates from an official first round: candidates' votes, registered, blank and null."""
    return FirstRound(dict(result.votes), float(result.registered), float(result.blank_null))


def _midpoint(p: PollNotice) -> float:
    return (p.fieldwork_start.toordinal() + p.fieldwork_end.toordinal()) / 2.0
