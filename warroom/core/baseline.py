"""Building a scenario baseline from polls: the poll average on a day, or one poll. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import date
from typing import Any

import numpy as np

from warroom.core.averaging import Observation, PollAverages, recency_weighted_mean, share_variance
from warroom.core.runoff import Split
from warroom.core.scenario import Baseline, Destination, DragSource, Scenario, default_splits
from warroom.core.types import Contest, Poll


def display_names(contest: Contest) -> dict[str, str]:
    """Candidate code -> the name verdicts use (the short name, else the surname), plus "Others"."""
    names = {c.code: c.display for c in contest.candidates}
    names["other"] = "Others"
    return names


def party_average(polls: Sequence[Poll], as_of_day: float) -> dict[str, float]:
    """Party voting intention: a recency-weighted mean of the polls that publish it (no look-ahead)."""
    by_party: dict[str, list[Observation]] = {}
    for p in polls:
        if p.fieldwork_end.toordinal() > as_of_day:
            continue
        day = float(p.midpoint.toordinal())
        for party, share in p.party_vi.items():
            by_party.setdefault(party, []).append(
                Observation(day, share, share_variance(share, p.sample_size), p.pollster)
            )
    return {
        party: recency_weighted_mean(obs, as_of_day=as_of_day, half_life_days=30.0) for party, obs in by_party.items()
    }


def baseline_from_average(
    averages: PollAverages, polls: Sequence[Poll], contest: Contest, as_of: date | None = None
) -> Baseline:
    """Baseline from the poll average on `as_of` (default: the last day of the average)."""
    any_series = next(iter(averages.first_round.values()))
    # The grid never runs past the last day a poll of the race may carry (average_polls caps `as_of` there).
    day = min(float(as_of.toordinal()), float(any_series.days[-1])) if as_of is not None else float(any_series.days[-1])
    shares = averages.latest_first_round(day)
    shares = {k: max(v, 0.0) for k, v in shares.items()}
    total = sum(shares.values())
    if total < 99.5:
        shares["other"] = 100.0 - total  # the remainder: minor candidates the polls group as "other"
    when = date.fromordinal(int(day))
    return Baseline(
        first_round=shares,
        party_vi=party_average(polls, day),
        candidate_party={c.code: c.party for c in contest.candidates},
        a=averages.a,
        b=averages.b,
        label=f"Poll average on {when:%d %b %Y}",
        names=display_names(contest),
    )


def baseline_from_poll(poll: Poll, contest: Contest, a: str, b: str) -> Baseline:
    shares = {k: v for k, v in poll.first_round.items() if v > 0}
    total = sum(shares.values())
    if total < 99.5 and "other" not in shares:
        shares["other"] = 100.0 - total
    return Baseline(
        first_round=shares,
        party_vi=dict(poll.party_vi),
        candidate_party={c.code: c.party for c in contest.candidates},
        a=a,
        b=b,
        label=f"{poll.pollster} poll, fieldwork ended {poll.fieldwork_end:%d %b %Y}",
        names=display_names(contest),
    )


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    return {
        "splits": {k: [s.to_a, s.to_b, s.exhausted] for k, s in scenario.splits.items()},
        "message_strength": scenario.message_strength,
        "message_destination": asdict(scenario.message_destination),
        "drag_recovery": scenario.drag_recovery,
        "drag_source": asdict(scenario.drag_source),
        "message_uncertainty": scenario.message_uncertainty,
    }


def scenario_from_dict(data: dict[str, Any], name: str = "") -> Scenario:
    """Inverse of scenario_to_dict; raises ValueError (naming the field) on bad settings."""
    try:
        return Scenario(
            splits={k: Split(*map(float, v)) for k, v in data.get("splits", {}).items()},
            message_strength=float(data.get("message_strength", 0.0)),
            message_destination=Destination(**{k: float(v) for k, v in data.get("message_destination", {}).items()}),
            drag_recovery=float(data.get("drag_recovery", 0.0)),
            drag_source=DragSource(**{k: float(v) for k, v in data.get("drag_source", {}).items()}),
            name=name,
            message_uncertainty=float(data.get("message_uncertainty", 0.0)),
        )
    except (TypeError, ValueError) as exc:
        raise ValueError(f"saved scenario {name!r} is invalid: {exc}") from exc


HEATMAP_STRENGTHS = np.linspace(0.0, 1.0, 41)
"""Message strengths (0-1) along the heatmap's x axis."""
HEATMAP_SPLITS = np.linspace(0.0, 100.0, 41)
"""Shares of valid transfers to the front-runner (%) along the heatmap's y axis."""


def splits_from_polls(
    polls: Sequence[Poll],
    contest: Contest,
    a: str,
    b: str,
    as_of: date | None = None,
    fallback: Mapping[str, Split] | None = None,
) -> dict[str, Split]:
    """Second-preference splits for every non-finalist: the latest published by `as_of`, else `fallback`'s
    (priors from a past count), else the neutral default."""
    usable = sorted(
        (p for p in polls if p.transfers and (as_of is None or p.fieldwork_end <= as_of)), key=lambda p: p.fieldwork_end
    )
    observed = [t for p in usable for t in p.transfers]
    eliminated = [c.code for c in contest.candidates if c.code not in (a, b)] + ["other"]
    return default_splits(observed, eliminated, a, b, fallback)
