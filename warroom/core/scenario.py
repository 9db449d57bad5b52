"""Scenario maths: transfer splits and the "tie him to his party" message lever, projected to the runoff.

The question staff ask: the front-runner A polls well above his party (his *bounce*, A's first-round share
minus his party's voting intention) and the challenger B polls below his (his *drag*, B's party VI minus B's
share). Could a message that ties A to his party close the runoff gap, and what would it take?

Levers, in percentage points of the baseline first-round vote:

* Message strength m (0-1): m x bounce points leave A. Of those, `to_b` % go to B's first round,
  `to_others` % to the eliminated candidates in proportion to their shares (so they come back through those
  candidates' splits), and `to_abstain` % stop voting and leave the valid vote.
* Drag recovery r (0-1): r x drag points join B, taken from A (`from_a` %), from the eliminated candidates in
  proportion (`from_others` %), or from people who would have stayed at home (`from_abstention` %, which
  enlarges the valid vote). A gives up at most his party's share (what the message can never peel) and the
  others at most what they have; any shortfall is made up by new voters. So nobody's share goes negative
  for any m in 0-1 and nothing is clipped, which keeps the next point exact.

The first round is renormalised to 100 % of valid votes. Under the Supplementary Vote (and the contingent
vote) anyone above 50 % wins outright; otherwise A and B meet in a runoff fed by each eliminated
candidate's Split. Both finalists' runoff votes, in points of the *baseline* electorate, are affine in m;
the renormalisation divides both by the same total, so margin = 0 exactly where a(m) = b(m). The
break-even message strength is that linear equation solved, not searched for, and the heatmap is one numpy
broadcast over the whole grid.

Win probability. The projected margin (A minus B, points of the runoff vote) is treated as normal with
    sigma^2 = polling_sd^2 + sum_k (d margin / d y_k)^2 x transfer_sd^2,
where y_k is candidate k's share of valid transfers going to A; d margin / d y_k = 2 x share_k x valid_k /
(A + B runoff votes) is exact, as the margin is linear in each y_k with the denominator fixed.

polling_sd = 5.5 points on the runoff margin. Final polls against the official count (runoff lead of the
eventual winner; error = poll lead minus actual lead; each pollster's last poll of the final week):

    2004 Livingstone +10.8   YouGov eve of poll 51-49 (certain to vote): -8.8
    2008 Johnson +6.4        YouGov eve of poll 53-47: -0.4; Ipsos MORI (week before) 48-52: -10.4;
                             MRUK (Sunday Times) 49-51: -8.4
    2012 Johnson +3.1        YouGov 53-47: +2.9; Opinium 52-48: +0.9; Populus/Times 56-44: +8.9
    2016 Khan +13.7          YouGov 57-43: +0.3; Opinium 57-43: +0.3; ComRes 56-44: -1.7

(Results from resources/data/london_mayor_results.json; 2012 polls from resources/data/london_2012_polls.csv;
the others as reported by UK Polling Report, politicalbetting, the Evening Standard, Opinium and Savanta.)
The root mean square of the ten errors is 5.9 points; of the mean of each year's final polls, 5.8; of
YouGov's alone, 4.6. Errors come in two sizes: five of the ten are within 2 points and four are off by
8-10 (the 2008 telephone polls, Populus 2012; YouGov's "certain to vote" filter in 2004). Averaging polls
removes house noise but not the shared miss, so the app's poll-average baseline should expect about 5.8.
Poll runoff figures already include the pollsters' own transfer estimates, so the transfer term below is
not wholly extra: at a 2012-like baseline (about 19 points of eliminated candidates, several of them) it
adds 1-1.5 points in quadrature, and sqrt(5.8^2 - 1.3^2) = 5.65; 5.5, as the record cannot pin it closer
than half a point. (These records do not support "YouGov called 2004 within a point" for the runoff, nor a
large overstatement of Khan's 2016 lead: the 2016 final polls were within 2 points.)

transfer_sd = 10 points on each y_k. A candidate on 7 % in a poll of 1,000-1,500 has 70-100 respondents,
35-50 of whom name a finalist, so y_k has a sampling error of 7-8 points at an even split; pollsters' methods
differ on top of that, and the actual 2012 count (Jones's voters 22 %, Webb's 77 % to Johnson) shows how far
real splits sit from a neutral guess. 10 points covers sampling plus a moderate house difference.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from statistics import NormalDist

import numpy as np

from warroom.core.forecast import field_verdict, verdict_sentence
from warroom.core.runoff import SPLIT_TOLERANCE, Runoff, Split, check_parts, implied_runoff
from warroom.core.types import EXHAUSTED, TransferObservation, bidi_isolated, listed, placing

DEFAULT_TRANSFER_RATE = 100.0 * (124_977 + 135_089) / 478_320
"""Share (%) of eliminated candidates' voters whose second preference names a finalist, used for candidates
with no published split: the official 2008 London count, 478,320 first preferences for eliminated
candidates, of which 124,977 went to Johnson and 135,089 to Livingstone, 54.4 %. 2008 is the last count
before the demo race, so a back-test of 2012 does not peek at 2012's own count; 2012's figure was
185,235 of 346,626 (82,880 Johnson, 102,355 Livingstone), 53.4 %, and 2016's 45.7 %."""

NEUTRAL_SPLIT = Split.from_head_to_head(50.0, DEFAULT_TRANSFER_RATE)
"""Split for an eliminated candidate with no published figures: even between the finalists, at the default
transfer rate."""

_NORMAL = NormalDist()
_INERT = 1e-12  # a slope below this (points per unit of lever) means the lever does not move the margin
TIE_POINTS = 0.05
"""Projected first-round shares closer than this (points) are level: they print alike to one decimal, and no poll
tells them apart. A candidate level with the second is in the count under the Supplementary Vote's law, which a
runoff of two cannot show (Projection.notes says so)."""

_GAP_TOLERANCE = 1e-9  # margins within this of zero count as a dead heat (break-even round trips land here)


@dataclass(frozen=True, slots=True)
class Destination:
    """Where voters peeled from the front-runner by the message go (percent, summing to 100).

    Attributes:
        to_b: switch to the challenger's first round.
        to_others: switch to the eliminated candidates, in proportion to their shares.
        to_abstain: stay at home (leave the valid vote).
    """

    to_b: float = 50.0
    to_others: float = 30.0
    to_abstain: float = 20.0

    def __post_init__(self) -> None:
        check_parts("message destination", (self.to_b, self.to_others, self.to_abstain))


@dataclass(frozen=True, slots=True)
class DragSource:
    """Where voters won back by the challenger come from (percent, summing to 100).

    Attributes:
        from_a: the front-runner's first round.
        from_others: the eliminated candidates, in proportion to their shares.
        from_abstention: people who would have stayed at home (they enlarge the valid vote).
    """

    from_a: float = 40.0
    from_others: float = 40.0
    from_abstention: float = 20.0

    def __post_init__(self) -> None:
        check_parts("drag source", (self.from_a, self.from_others, self.from_abstention))


@dataclass(frozen=True)
class Baseline:
    """What a scenario starts from: first-round shares and party voting intention (percent).

    Attributes:
        first_round: candidate code -> first-preference share (%); renormalised to 100 where used.
        party_vi: party code -> voting intention (%).
        candidate_party: candidate code -> party code (None for an independent).
        a: the front-runner.
        b: the challenger.
        label: where the figures come from ("Poll average on 30 Apr 2012").
        names: candidate code -> display name, for verdicts.
        runoff_adjustment: points added to every runoff margin the transfers imply, so that this baseline with
            its default transfers reproduces its runoff source (a poll's published head-to-head, or the runoff
            poll average); the levers and transfers then move the margin from there. 0: transfers alone.
        runoff_source: what the baseline's runoff comes from, in words, for every place that shows it.
        as_of: the day the figures describe (for the forecast's distance to polling day); None if unknown.
        majority: the first-round share (% of valid votes) past which a candidate is elected outright: the
            contest's own `[rules] majority` (core.pipeline.make_baseline), 50 % by default.
        majority_unapplied: the contest's own majority in words ("40 % of registered voters") when it is a share of
            votes cast or of the electorate, which a baseline's shares of valid votes cannot follow ("" when it
            is followed); `majority_note` says so wherever the verdict is shown.
        polls_to: the fieldwork end of the latest poll the figures rest on, when it is before `as_of` (an
            average read on a later day): the forecast's distance to polling day counts from it
            (core.pipeline.OddsModel.days_before), since a poll months old is no surer for being read today.
            None: `as_of` is that day.
        withdrawn: candidates of the first round who have withdrawn (core.types.Candidate.withdrawn), never the
            finalists: their share stays and their voters transfer, but they are never elected outright, never
            a runoff pair the count would hold instead (the projection's notes), and never a finalist or the
            winner of a simulated race (core.forecast.simulate_runoff's `ineligible`).
    """

    first_round: Mapping[str, float]
    party_vi: Mapping[str, float]
    candidate_party: Mapping[str, str | None]
    a: str
    b: str
    label: str = ""
    names: Mapping[str, str] = field(default_factory=dict)
    runoff_adjustment: float = 0.0
    runoff_source: str = "first round plus transfers"
    as_of: date | None = None
    majority: float = 50.0
    majority_unapplied: str = ""
    polls_to: date | None = None
    withdrawn: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.a in self.withdrawn or self.b in self.withdrawn:
            raise ValueError(f"the finalists {self.a!r} and {self.b!r} cannot be withdrawn candidates")
        if not 0.0 < self.majority < 100.0:  # `not` so NaN is refused too
            raise ValueError(f"majority must lie strictly between 0 and 100 %, got {self.majority}")
        if self.a not in self.first_round or self.b not in self.first_round:
            raise ValueError(f"the finalists {self.a!r} and {self.b!r} need first-round shares")
        if self.a == self.b:
            raise ValueError("the two finalists must differ")
        if not sum(v for v in self.first_round.values() if v > 0) > 0:
            raise ValueError("first-round shares are all zero")
        if not all(math.isfinite(v) for v in (*self.first_round.values(), *self.party_vi.values())):
            raise ValueError("baseline shares must be numbers (got NaN or infinity)")
        if not -100.0 <= self.runoff_adjustment <= 100.0:  # `not` so NaN is refused too
            raise ValueError(f"runoff adjustment must lie within -100 to 100 points, got {self.runoff_adjustment}")

    @property
    def majority_note(self) -> str | None:
        """Why the verdict's majority is not the contest's own (`majority_unapplied`), in words; None when it is."""
        if not self.majority_unapplied:
            return None
        return (
            f"Majority: {self.majority:g} % of valid votes, not the contest's {self.majority_unapplied} "
            "(a baseline has shares of valid votes, no turnout)"
        )

    def name(self, code: str) -> str:
        """Display name of a candidate (the code if none was given), isolated for joining into a sentence
        (types.bidi_isolated: a right-to-left name keeps the figures after it)."""
        return bidi_isolated(self.names.get(code, code))

    def _party_share(self, code: str) -> float | None:
        party = self.candidate_party.get(code)
        return self.party_vi.get(party) if party else None

    @property
    def normalised(self) -> dict[str, float]:
        """First-round shares rescaled to sum to 100 (negative shares count as 0)."""
        total = sum(v for v in self.first_round.values() if v > 0)
        return {k: 100.0 * max(v, 0.0) / total for k, v in self.first_round.items()}

    @property
    def bounce(self) -> float:
        """Front-runner's personal vote: his first-round share minus his party's VI (>= 0; 0 if unknown)."""
        party = self._party_share(self.a)
        return max(0.0, self.normalised[self.a] - party) if party is not None else 0.0

    @property
    def drag(self) -> float:
        """Challenger's drag: his party's VI minus his first-round share (>= 0; 0 if unknown)."""
        party = self._party_share(self.b)
        return max(0.0, party - self.normalised[self.b]) if party is not None else 0.0

    @property
    def eliminated(self) -> list[str]:
        """Every candidate but the two finalists, the largest first round first (ties: the later name first, the
        one tie rule, core.types.placing). Not the first round's key order: a saved case's record is stored with
        its keys sorted, so a case read back named them in another order than the case saved (the assumption
        lines, the panel's transfer rows, Compare), and a one-poll baseline took its poll's column order."""
        others = [k for k in self.first_round if k not in (self.a, self.b)]
        return sorted(others, key=lambda k: placing(self.first_round[k], self.names.get(k, k)), reverse=True)


def baseline_from_shares(
    first_round: Mapping[str, float],
    party_vi: Mapping[str, float],
    candidate_party: Mapping[str, str | None],
    *,
    a: str | None = None,
    b: str | None = None,
    label: str = "",
    names: Mapping[str, str] | None = None,
) -> Baseline:
    """A Baseline whose finalists default to the two largest first-round shares, leader first.

    Args:
        first_round: candidate code -> first-preference share (%).
        party_vi: party code -> voting intention (%).
        candidate_party: candidate code -> party code.
        a: front-runner; with b, overrides the first-round order.
        b: challenger.
        label: where the figures come from.
        names: candidate code -> display name.

    Returns:
        The baseline.
    """
    if a is None or b is None:
        # Tied candidates as the count orders them (core.types.placing on the names), never by code
        named = names or {}
        ranked = sorted(
            (k for k in first_round if k not in (a, b)),
            key=lambda k: placing(first_round[k], named.get(k, k)),
            reverse=True,
        )
        if len(ranked) < (a is None) + (b is None):
            raise ValueError("need at least two candidates")
        if a is None:
            a = ranked.pop(0)
        if b is None:
            b = ranked.pop(0)
    return Baseline(dict(first_round), dict(party_vi), dict(candidate_party), a, b, label, dict(names or {}))


@dataclass(frozen=True)
class Scenario:
    """Settings of one scenario: transfer splits and the two levers.

    Attributes:
        splits: eliminated candidate code -> Split; missing candidates use NEUTRAL_SPLIT.
        message_strength: 0-1, the fraction of A's bounce the message peels away.
        message_destination: where the peeled voters go.
        drag_recovery: 0-1, the fraction of B's drag won back to B.
        drag_source: where the recovered voters come from.
        name: a label for saved scenarios.
        message_uncertainty: 0-1; the message strength is a guess within plus or minus this much (the win
            probability then draws it uniformly from that range; the projection uses the set strength).
    """

    splits: Mapping[str, Split]
    message_strength: float = 0.0
    message_destination: Destination = field(default_factory=Destination)
    drag_recovery: float = 0.0
    drag_source: DragSource = field(default_factory=DragSource)
    name: str = ""
    message_uncertainty: float = 0.0

    def __post_init__(self) -> None:
        for label, value in (
            ("message strength", self.message_strength),
            ("drag recovery", self.drag_recovery),
            ("message uncertainty", self.message_uncertainty),
        ):
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{label} must lie within 0-1, got {value:g}")

    @property
    def message_range(self) -> tuple[float, float]:
        """The message strengths the user thinks possible: the set strength plus or minus its uncertainty,
        within 0-1 (a point when the lever is not marked uncertain)."""
        m, u = self.message_strength, self.message_uncertainty
        return (max(0.0, m - u), min(1.0, m + u))

    def split(self, code: str) -> Split:
        """The split of an eliminated candidate, NEUTRAL_SPLIT if the scenario has none."""
        return self.splits.get(code) or NEUTRAL_SPLIT


@dataclass(frozen=True)
class ErrorModel:
    """Uncertainty of a projection (see the module docstring for the defaults).

    Attributes:
        polling_sd: sd of the runoff margin from polling error (points of the runoff vote).
        transfer_sd: sd of each eliminated candidate's share of valid transfers going to A (points).
    """

    polling_sd: float = 5.5
    transfer_sd: float = 10.0

    def __post_init__(self) -> None:
        if not (self.polling_sd >= 0 and self.transfer_sd >= 0):
            raise ValueError(f"error sds must be >= 0, got {self.polling_sd:g} and {self.transfer_sd:g}")


DEFAULT_ERROR = ErrorModel()


@dataclass(frozen=True)
class Projection:
    """Where a scenario leads.

    Attributes:
        first_round: projected first-round shares, renormalised to 100 % of valid votes.
        outright_winner: a candidate above 50 % of the first round, else None.
        runoff: the A-B runoff, in percent of the projected first-round valid vote.
        margin: A minus B in points of the runoff's valid vote (negative: B wins).
        verdict: a short sentence for staff.
        gap_closed: B wins or ties (margin <= 0, or B wins outright).
        break_even_message: message strength at which the margin is zero with everything else as set;
            outside 0-1 means not reachable with this lever (negative: closed even without it); None if
            the message cannot move the margin (no bounce).
        win_probability_b: P(B wins), from the margin and `sigma`.
        sigma: sd of the margin (polling and transfer uncertainty).
        notes: caveats, e.g. an eliminated candidate overtaking a finalist in the projected first round.
        situation: the verdict without its odds ("Gap not closed: A still ahead in the runoff by 4.0 points").
    """

    first_round: Mapping[str, float]
    outright_winner: str | None
    runoff: Runoff
    margin: float
    verdict: str
    gap_closed: bool
    break_even_message: float | None
    win_probability_b: float
    sigma: float
    notes: tuple[str, ...] = ()
    situation: str = ""

    @property
    def break_even_reachable(self) -> bool:
        """The gap can be closed (or already is) by a message strength within 0-1."""
        return self.break_even_message is not None and self.break_even_message <= 1.0


def default_splits(
    observed: Sequence[TransferObservation],
    eliminated: Iterable[str],
    a: str,
    b: str,
    fallback: Mapping[str, Split] | None = None,
) -> dict[str, Split]:
    """A split for every eliminated candidate: the latest published one, else `fallback`'s (priors from a past
    count), else NEUTRAL_SPLIT.

    `observed` is in chronological order, each publication's figures together (as Poll.transfers are).
    A (from, to) pair seen again starts a new publication, and the latest publication that gives a usable
    split wins, so figures from different polls are never mixed. Reading one publication:

    * to A, to B and exhausted: rescaled to sum to 100;
    * two of the three: the third is what is left;
    * to A and to B summing to about 100 with no exhausted figure (a "70/30"): a split of those who
      transfer, applied at DEFAULT_TRANSFER_RATE;
    * to A and to B summing to well under 100: shares of all voters, the rest exhausting.

    Args:
        observed: published transfers, oldest first.
        eliminated: the candidates who need a split.
        a: front-runner code.
        b: challenger code.

    Returns:
        eliminated candidate code -> Split.
    """
    groups: dict[str, list[dict[str, float]]] = {}
    for t in observed:
        runs = groups.setdefault(t.from_candidate, [{}])
        if t.to_candidate in runs[-1]:
            runs.append({})
        runs[-1][t.to_candidate] = t.share
    out: dict[str, Split] = {}
    read: dict[tuple[tuple[str, float], ...], Split | None] = {}  # publications already read, by their figures
    for code in eliminated:
        split = None
        for published in reversed(groups.get(code, [])):
            # The same figures published again (a tracker's weekly wave) read the same: read once per call
            # (1,000 publications pinning no split were read one by one on each rebuild: 2-3 ms at 10,000 polls).
            figures = tuple(published.items())
            if figures in read:
                split = read[figures]
            else:
                split = read[figures] = _split_from(published, a, b)
            if split is not None:
                break
        out[code] = split or (fallback or {}).get(code) or NEUTRAL_SPLIT
    return out


def _split_from(published: Mapping[str, float], a: str, b: str) -> Split | None:
    """One publication's figures as a Split, or None if they do not pin one down."""
    to_a, to_b, ex = published.get(a), published.get(b), published.get(EXHAUSTED)
    if any(not (0.0 <= x <= 100.0) for x in (to_a, to_b, ex) if x is not None):
        return None  # a misread figure: pass over this publication
    try:
        if to_a is not None and to_b is not None and ex is not None:
            total = to_a + to_b + ex
            return Split(100 * to_a / total, 100 * to_b / total, 100 * ex / total) if total > 0 else None
        if ex is not None and to_a is not None and to_b is None:
            return Split(to_a, max(0.0, 100.0 - to_a - ex), ex)
        if ex is not None and to_b is not None and to_a is None:
            return Split(max(0.0, 100.0 - to_b - ex), to_b, ex)
        if to_a is None or to_b is None:
            return None
        if to_a + to_b >= 100.0 - 6 * SPLIT_TOLERANCE:  # a head-to-head "70/30" (maybe rounded to 99 or 101)
            return Split.from_head_to_head(100.0 * to_a / (to_a + to_b), DEFAULT_TRANSFER_RATE)
        return Split(to_a, to_b, 100.0 - to_a - to_b)
    except ValueError:  # figures that do not make a split (e.g. to A and exhausted over 100): pass over them
        return None


# --- the projection, vectorised over message strength (and optionally one candidate's split) ----------------


def first_round_votes(baseline: Baseline, scenario: Scenario, m: np.ndarray) -> dict[str, np.ndarray]:
    """First-round votes after both levers at message strengths `m` (points of the baseline valid vote, not
    renormalised): affine in m, so votes(1) - votes(0) is the message's effect per unit of strength."""
    return _first_round(baseline, scenario, m)


def _first_round(baseline: Baseline, scenario: Scenario, m: np.ndarray) -> dict[str, np.ndarray]:
    """First-round votes per candidate after both levers, in points of the baseline valid vote.

    Not renormalised: the total is 100 minus abstainers plus new voters. Every value is affine in m.
    """
    f = baseline.normalised
    a, b = baseline.a, baseline.b
    others = baseline.eliminated
    f_others = sum(f[k] for k in others)
    bounce = baseline.bounce
    peel = m * bounce
    rec = scenario.drag_recovery * baseline.drag
    dest, src = scenario.message_destination, scenario.drag_source
    # With nobody else standing, "to others" has nowhere to go but home, and "from others" must be new voters.
    to_others = dest.to_others / 100.0 if f_others > 0 else 0.0
    # Caps that do not depend on m, so the result stays affine in m: A gives up at most his party's share
    # (what the message, at m <= 1, never peels), the others at most all they have; new voters fill the rest.
    take_a = min(rec * src.from_a / 100.0, f[a] - bounce)
    take_others = min(rec * src.from_others / 100.0, f_others)
    first: dict[str, np.ndarray] = {
        a: f[a] - take_a - peel,
        b: f[b] + rec + peel * (dest.to_b / 100.0),
    }
    for k in others:
        weight = f[k] / f_others if f_others > 0 else 0.0
        first[k] = f[k] - weight * take_others + peel * (weight * to_others)
    return first


def _runoff_votes(
    baseline: Baseline,
    scenario: Scenario,
    first: Mapping[str, np.ndarray],
    override: tuple[str, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """A's and B's runoff votes (points of the baseline valid vote) from first-round votes.

    With `override` (code, y), candidate `code`'s share of valid transfers going to A is y (0-100, a column
    against m's row: result shape (len(y), len(m))); the share of his voters who transfer at all stays as in
    the scenario.
    """
    ra, rb = first[baseline.a], first[baseline.b]
    if override is not None:
        code, y = override
        if code not in baseline.eliminated:
            raise ValueError(f"{code!r} is not an eliminated candidate")
        split = scenario.split(code)
        valid = (split.to_a + split.to_b) / 100.0
        ya = np.asarray(y, float)[:, None] / 100.0
        ra = ra + first[code] * valid * ya
        rb = rb + first[code] * valid * (1.0 - ya)
    for k in baseline.eliminated:
        if override is not None and k == override[0]:
            continue
        split = scenario.split(k)
        ra = ra + first[k] * (split.to_a / 100.0)
        rb = rb + first[k] * (split.to_b / 100.0)
    return ra, rb


def _margin(ra: np.ndarray, rb: np.ndarray, adjustment: float = 0.0) -> np.ndarray:
    total = ra + rb
    implied = np.divide(100.0 * (ra - rb), total, out=np.zeros(np.shape(total)), where=total > 0)
    return np.clip(implied + adjustment, -100.0, 100.0)


def _gap(ra: np.ndarray, rb: np.ndarray, adjustment: float) -> np.ndarray:
    """A quantity with the sign of the margin that is affine wherever ra and rb are.

    100 (ra - rb) / (ra + rb) + c = 0 exactly where (100 + c) ra - (100 - c) rb = 0, so adding the baseline's
    runoff adjustment c keeps every break-even a linear equation.
    """
    return (100.0 + adjustment) * ra - (100.0 - adjustment) * rb


def break_even_message(baseline: Baseline, scenario: Scenario) -> float | None:
    """The message strength at which the runoff margin is exactly zero, everything else as set.

    A's and B's runoff votes are affine in m (a0 + m da, b0 + m db) and the margin is zero where they are
    equal, so m = (b0 - a0) / (da - db).

    Args:
        baseline: the starting point.
        scenario: transfers and the other lever (its message_strength is ignored).

    Returns:
        The strength; above 1 means not reachable with this lever, below 0 means the gap is closed even
        without it. None when the message does not move the margin (no bounce, or every peeled voter comes
        back to A).
    """
    ra, rb = _runoff_votes(baseline, scenario, _first_round(baseline, scenario, np.array([0.0, 1.0])))
    g = _gap(ra, rb, baseline.runoff_adjustment) / 100.0  # vote points (ra - rb when c = 0), for the inertia test
    slope = float(g[1] - g[0])
    if abs(slope) < _INERT:
        return None
    return float(-g[0] / slope)


def break_even_split(baseline: Baseline, scenario: Scenario, code: str) -> float | None:
    """The share (0-100) of `code`'s valid transfers going to A at which the margin is zero, all else as set.

    Args:
        baseline: the starting point.
        scenario: the other splits and both levers.
        code: an eliminated candidate.

    Returns:
        The share; outside 0-100 means no split of that candidate's voters closes (or opens) the gap.
        None when his transfers cannot move the margin (no voters, or none of them transfer).
    """
    first = _first_round(baseline, scenario, np.array([scenario.message_strength]))
    ra, rb = _runoff_votes(baseline, scenario, first, (code, np.array([0.0, 100.0])))
    g = _gap(ra, rb, baseline.runoff_adjustment) / 100.0
    diff0, diff1 = float(g[0, 0]), float(g[1, 0])
    if abs(diff1 - diff0) < _INERT:
        return None
    return 100.0 * -diff0 / (diff1 - diff0)


def break_even_curve(baseline: Baseline, scenario: Scenario, split_values: np.ndarray, split_of: str) -> np.ndarray:
    """For each split value (share of `split_of`'s valid transfers to A), the exact break-even message strength.

    The heatmap's "margin = 0" contour, solved row by row rather than traced from cells. NaN where the
    message cannot move the margin.
    """
    ys = np.asarray(split_values, float)
    ra, rb = _runoff_votes(baseline, scenario, _first_round(baseline, scenario, np.array([0.0, 1.0])), (split_of, ys))
    g = _gap(ra, rb, baseline.runoff_adjustment) / 100.0
    slope = g[:, 1] - g[:, 0]
    inert = np.abs(slope) < _INERT
    return np.where(inert, np.nan, -g[:, 0] / np.where(inert, 1.0, slope))


def largest_eliminated(baseline: Baseline) -> str | None:
    """The eliminated candidate whose second preferences weigh most (largest first-round share)."""
    others = baseline.eliminated
    return max(others, key=lambda k: baseline.first_round[k]) if others else None


def margin_grid(
    baseline: Baseline,
    scenario: Scenario,
    strengths: np.ndarray,
    split_values: np.ndarray,
    split_of: str | None = None,
) -> np.ndarray:
    """Runoff margin for every (split value, message strength), in one numpy broadcast.

    Args:
        baseline: the starting point.
        scenario: the other splits and the drag lever (its message_strength is replaced by `strengths`).
        strengths: message strengths (0-1), the columns.
        split_values: shares (0-100) of `split_of`'s valid transfers going to A, the rows; the share of his
            voters who transfer at all stays as in the scenario.
        split_of: the candidate on the y axis; default: the largest eliminated candidate.

    Returns:
        Margins (A minus B, points), shape (len(split_values), len(strengths)).
    """
    if split_of is None:
        split_of = largest_eliminated(baseline)
        if split_of is None:
            raise ValueError("no eliminated candidate to vary")
    m = np.asarray(strengths, float)
    ra, rb = _runoff_votes(baseline, scenario, _first_round(baseline, scenario, m), (split_of, split_values))
    return _margin(ra, rb, baseline.runoff_adjustment)


def margin_sigma(
    baseline: Baseline, scenario: Scenario, runoff: Runoff, first_round: Mapping[str, float], error: ErrorModel
) -> float:
    """Standard deviation of the runoff margin: polling error plus each split's uncertainty.

    Args:
        baseline: the starting point (for the eliminated candidates).
        scenario: the splits.
        runoff: the projected runoff (percent of first-round valid votes).
        first_round: projected first-round shares (percent of valid votes, as in `runoff`).
        error: the sds.

    Returns:
        sigma, in points of the runoff vote.
    """
    var = error.polling_sd**2
    total = runoff.a_votes + runoff.b_votes
    if total > 0:
        for k in baseline.eliminated:
            split = scenario.split(k)
            # One point more of k's valid transfers to A moves share*valid/100 votes from B to A: the
            # margin, 100 (A - B) / total, moves 2 share valid / total points (total unchanged).
            slope = 2.0 * max(first_round.get(k, 0.0), 0.0) * (split.to_a + split.to_b) / 100.0 / total
            var += (slope * error.transfer_sd) ** 2
    return math.sqrt(var)


def challenger_win_probability(margin: float, sigma: float) -> float:
    """P(B wins) = Phi(-margin / sigma); a step at 0 (ties to B) when sigma is 0."""
    if sigma > 0:
        return _NORMAL.cdf(-margin / sigma)
    return 1.0 if margin <= 0 else 0.0


def project(baseline: Baseline, scenario: Scenario, *, error: ErrorModel = DEFAULT_ERROR) -> Projection:
    """First round, runoff, margin, verdict, break-even and win probability for one scenario.

    Args:
        baseline: the starting point.
        scenario: transfer splits and levers.
        error: uncertainty for the win probability.

    Returns:
        The projection.
    """
    a, b = baseline.a, baseline.b
    votes = _first_round(baseline, scenario, np.array([scenario.message_strength]))
    raw = {k: max(float(v[0]), 0.0) for k, v in votes.items()}  # max: -1e-17 rounding only; see _first_round
    valid = sum(raw.values())
    shares = {k: 100.0 * v / valid for k, v in raw.items()}
    runoff = implied_runoff(
        shares, a, b, {k: scenario.split(k) for k in baseline.eliminated}, adjustment=baseline.runoff_adjustment
    )
    margin = runoff.margin
    # Level leaders: the count's tie rule, on the names it counts by (never the codes)
    # (a withdrawn candidate is never elected: his share stays, his voters transfer; Baseline.withdrawn)
    electable = [k for k in shares if k not in baseline.withdrawn]
    leader = max(electable, key=lambda k: placing(shares[k], baseline.names.get(k, k)))
    outright = leader if shares[leader] > baseline.majority else None
    sigma = margin_sigma(baseline, scenario, runoff, shares, error)
    # Even after a projected first-round majority the count is uncertain, so P(B wins) always comes from the
    # runoff margin; at 50 % a first-round majority implies a runoff majority, so it agrees with the verdict (under
    # a lower contest majority the simulated odds, core.pipeline.simulate_odds, count the outright win).
    p_b = challenger_win_probability(margin, sigma)
    name_a, name_b = baseline.name(a), baseline.name(b)
    # The words follow the probability (core.forecast.verdict_sentence): never a bare "wins" under 60 %.
    if outright is not None:
        situation = (
            f"{baseline.name(outright)} passes {baseline.majority:g} % in the first round with {shares[outright]:.1f} %"
        )
        gap_closed = outright == b
    elif abs(margin) <= _GAP_TOLERANCE:
        situation = f"Gap closed: dead heat between {name_a} and {name_b}"
        gap_closed = True
    elif margin < 0:
        situation = f"Gap closed: {name_b} ahead in the runoff by {_points(-margin)}"
        gap_closed = True
    else:
        situation = f"Gap not closed: {name_a} still ahead in the runoff by {_points(margin)}"
        gap_closed = False
    trailing = min((a, b), key=lambda k: shares[k])
    contenders = [k for k in baseline.eliminated if k not in baseline.withdrawn]
    notes = tuple(
        f"{baseline.name(k)} ({shares[k]:.1f} %) passes {baseline.name(trailing)} ({shares[trailing]:.1f} %) in the "
        "first round, so the real runoff pair would differ"
        for k in contenders
        if shares[k] >= shares[trailing] + TIE_POINTS
    )
    level = [k for k in contenders if abs(shares[k] - shares[trailing]) < TIE_POINTS]
    if level:
        # A runoff of two cannot hold a third finalist: said, not modelled (core.count keeps them all under SV).
        place = "first" if abs(shares[a] - shares[b]) < TIE_POINTS else "second"
        tied = listed([baseline.name(k) for k in (trailing, *level)])
        notes += (
            f"{tied} are level for {place} on {shares[trailing]:.1f} %: the Supplementary Vote keeps every candidate "
            f"tied for {place} in the count (Schedule 5B para 5{'' if place == 'first' else '(5)'}) and the "
            f"contingent vote draws lots between them; this scenario counts a runoff of {name_a} and {name_b} only",
        )
    return Projection(
        first_round=shares,
        outright_winner=outright,
        runoff=runoff,
        margin=margin,
        verdict=f"{situation}: {verdict_sentence(float(p_b), name_a, name_b)}",
        gap_closed=gap_closed,
        break_even_message=break_even_message(baseline, scenario),
        win_probability_b=float(p_b),
        sigma=sigma,
        notes=notes,
        situation=situation,
    )


def with_odds(
    projection: Projection,
    baseline: Baseline,
    p_b: float,
    sigma: float,
    p_win: Mapping[str, float] | None = None,
    draws: int | None = None,
) -> Projection:
    """The projection with another win probability (e.g. simulated) and the verdict words that follow it.

    Args:
        draws: the simulated elections the chances come from: chances level within the simulation's error name
            no favourite (core.forecast.level_within_error), so the words never take the other side from the
            point projection's headline on noise.
        p_win: each candidate's simulated chance. When a third candidate wins in some draws, the words give the
            favourite's own chance against the field (core.forecast.field_verdict): four candidates level at 25 %
            were "Likely Able (76 % chance)", one minus the challenger's 24 %, where Able won 27 % of the draws.
    """
    others = 0.0 if p_win is None else sum(v for k, v in p_win.items() if k not in (baseline.a, baseline.b))
    if p_win and others > 0.0:
        odds = field_verdict(p_win, baseline.name, draws=draws)[1]
    else:  # only the pair can win: the two-way words, P(A) = 1 - P(B)
        odds = verdict_sentence(float(p_b), baseline.name(baseline.a), baseline.name(baseline.b), draws=draws)
    return replace(projection, win_probability_b=float(p_b), sigma=sigma, verdict=f"{projection.situation}: {odds}")


def _round_voters(n: float) -> int:
    """Voters to two significant figures: the figure is an estimate, and staff quote it that way."""
    if n <= 0:
        return 0
    digits = max(0, len(str(int(n))) - 2)
    return int(round(n, -digits))


def _points(x: float) -> str:
    return f"{x:.1f} points" if x >= 0.05 else "less than 0.1 points"


def note_lines(projection: Projection) -> list[str]:
    """What the projection's runoff of two cannot show (Projection.notes: a candidate level with a finalist, an
    eliminated candidate passing one), one line each: the one function every surface that shows the projection's
    figures prints them with (the scenario panel, `warroom scenario`, Scenario > Compare, the briefing and
    `warroom render briefing`, meeting mode's answer page). Compare, the briefing and meeting mode printed the
    figures of a runoff the count would not hold without the word."""
    return [f"Note: {note}" for note in projection.notes]


def break_even_text(
    break_even: float | None, bounce: float | None = None, *, reached: bool = False, valid_votes: int | None = None
) -> str:
    """The break-even message strength in words, for the panel, compare, briefings and the command line.

    Args:
        break_even: Projection.break_even_message.
        bounce: the front-runner's personal vote (points of the first round), to say the strength in points too.
        reached: the current setting is at or past the break-even.
        valid_votes: the first-round valid vote expected, to say the points in voters too.
    """
    if break_even is None:
        return "no break-even (the message lever does not move the margin)"
    if break_even < 0:
        return "gap closed even with no message"
    points = f" = {break_even * bounce:.1f} points of the first round" if bounce else ""
    if bounce and valid_votes:
        voters = break_even * bounce / 100.0 * valid_votes
        points += f" (about {_round_voters(voters):,} voters)"
    if break_even <= 1:
        done = ", reached at the current setting" if reached else ""
        return f"break-even message {100 * break_even:.1f} % of the personal vote{points}{done}"
    return f"break-even out of reach ({100 * break_even:.0f} % of the personal vote would be needed{points})"
