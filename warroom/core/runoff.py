"""Second round implied by first-round shares and second-preference splits.

This is the share-level (not ballot-level) form of the count: the voters of every
candidate other than the final two split between them, or exhaust.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from warroom.core.types import placing

SPLIT_TOLERANCE = 0.5  # percentage points: published splits are rounded


def check_parts(what: str, parts: Sequence[float]) -> None:
    """Percentages of one electorate: each within 0-100 and together 100 (to SPLIT_TOLERANCE).

    Raises:
        ValueError: naming `what` and the parts; NaN fails too.
    """
    if any(not (0.0 <= p <= 100.0) for p in parts):  # `not` so NaN is refused too
        raise ValueError(f"{what} parts must lie within 0-100, got {tuple(parts)}")
    if abs(sum(parts) - 100.0) > SPLIT_TOLERANCE:
        raise ValueError(f"{what} parts must sum to 100, got {sum(parts):g}")


@dataclass(frozen=True, slots=True)
class Split:
    """How one eliminated candidate's voters divide their next preference (percent, summing to 100)."""

    to_a: float
    to_b: float
    exhausted: float

    def __post_init__(self) -> None:
        check_parts("split", (self.to_a, self.to_b, self.exhausted))

    @classmethod
    def from_head_to_head(cls, a_of_valid: float, valid: float) -> Split:
        """Split where `valid` % name one of the two, `a_of_valid` % of those naming A (e.g. 70/30)."""
        to_a = valid * a_of_valid / 100.0
        return cls(to_a, valid - to_a, 100.0 - valid)

    @property
    def a_of_valid(self) -> float:
        """Of the voters who transfer at all, the % who go to A (the 70 of "70/30")."""
        valid = self.to_a + self.to_b
        return 100.0 * self.to_a / valid if valid > 0 else 50.0


NO_TRANSFER = Split(0.0, 0.0, 100.0)


@dataclass(frozen=True, slots=True)
class Runoff:
    """Second round in percent of first-round valid votes (a, b, exhausted sum to 100).

    Attributes:
        a: first finalist.
        b: second finalist.
        a_votes: A's runoff votes (percent of first-round valid votes).
        b_votes: B's runoff votes.
        exhausted: voters with no valid preference for either finalist.
        adjustment: points added to the margin that the votes imply, so that a baseline reproduces a published
            head-to-head (or the runoff poll average) that first round plus transfers alone do not; half of it
            goes to A's share. 0 for a runoff implied by transfers alone.
    """

    a: str
    b: str
    a_votes: float
    b_votes: float
    exhausted: float
    adjustment: float = 0.0

    @property
    def implied_a_share(self) -> float:
        """A's share of the runoff implied by the votes alone, before the adjustment (%)."""
        total = self.a_votes + self.b_votes
        return 100.0 * self.a_votes / total if total > 0 else 50.0

    @property
    def a_share(self) -> float:
        """A's share of the second-round valid vote (%), adjustment included (kept within 0-100)."""
        return min(100.0, max(0.0, self.implied_a_share + self.adjustment / 2.0))

    @property
    def b_share(self) -> float:
        return 100.0 - self.a_share

    @property
    def margin(self) -> float:
        """A minus B in points of the second-round valid vote; negative means B wins."""
        return self.a_share - self.b_share


def implied_runoff(
    first_round: Mapping[str, float],
    a: str,
    b: str,
    splits: Mapping[str, Split],
    default: Split = NO_TRANSFER,
    adjustment: float = 0.0,
) -> Runoff:
    """Runoff between `a` and `b` implied by first-round shares and each other candidate's split.

    Shares are renormalised to sum to 100 first, so "others" and rounding do not leak.
    Candidates without a split use `default` (by default: all exhaust). `adjustment` is carried to
    Runoff.adjustment.
    """
    total = sum(v for v in first_round.values() if v > 0)
    if total <= 0:
        raise ValueError("first-round shares are all zero")
    if a not in first_round or b not in first_round:
        raise KeyError(f"finalists {a!r} and {b!r} need first-round shares")
    scale = 100.0 / total
    a_votes = first_round[a] * scale
    b_votes = first_round[b] * scale
    exhausted = 0.0
    for code, share in first_round.items():
        if code in (a, b) or share <= 0:
            continue
        split = splits.get(code, default)
        votes = share * scale
        a_votes += votes * split.to_a / 100.0
        b_votes += votes * split.to_b / 100.0
        exhausted += votes * split.exhausted / 100.0
    return Runoff(a, b, a_votes, b_votes, exhausted, adjustment)


def front_pair(shares: Mapping[str, float], names: Mapping[str, str] | None = None) -> tuple[str, str]:
    """The two candidates with the largest shares, leader first, tied candidates ordered as the count orders them
    (core.types.placing: the later name ahead). `names`: code -> the name the count compares
    (core.types.tie_names); a code without one is its own name.

    The count's rule, not the codes': polls of 40-30-30 ran a scenario of the first against the earlier code of
    the two tied for second, where the contingent count keeps the later name (and the Supplementary Vote both:
    the projection's notes say so)."""
    if len(shares) < 2:
        raise ValueError("need at least two candidates")
    named = names or {}
    first, second = heapq.nlargest(2, shares, key=lambda k: placing(shares[k], named.get(k, k)))
    return first, second
