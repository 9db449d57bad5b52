"""The two-round scenario: a runoff is a new election, fed by every first-round electorate. Pure.

Under a two-round system (the French presidential election) the runoff is not a recount of the first
round's ballots. Everybody registered votes again or not: each first-round electorate, the finalists' own
voters and the first round's abstainers and blank or null voters included, splits between finalist A,
finalist B, a blank or null vote, and abstention. The law counts only valid votes: the winner has the
majority of votes for A or B, blank and null excluded (Code électoral, art. L. 65 and the 2014 law that
counts blank votes separately without making them valid).

Inputs (all votes are counts of people, or any consistent unit):

* `FirstRound`: each candidate's valid votes, registered voters and blank/null votes (from official results,
  or from shares, turnout and a blank/null rate).
* `TwoRoundScenario`: for every electorate a `RunoffSplit` (to A, to B, blank/null, abstain, summing to 100);
  a turnout lever t in -0.999..1 (TURNOUT_LEVER_MIN; t > 0: a fraction t of each electorate's would-be abstainers turns out and
  votes as that electorate's runoff voters do; t < 0: a fraction -t of each electorate's runoff voters stays
  at home); a message lever on either finalist (a fraction of his runoff voters, of every electorate or of
  one, goes to the other finalist, a blank/null vote or abstention).

Outputs (`TwoRoundProjection`): runoff votes, blank/null, abstention, A's share of valid votes, the margin
(A minus B, points of valid votes), turnout, and P(A wins).

Break-evens, solved. A's and B's runoff votes are sums over electorates of electorate x final split. The
question "what share of X's voters must go to D (A, B, blank/null, abstention) for the runoff to tie?"
moves X's final split along one parameter p: p to D, the rest of X's voters keeping the proportions
they have between the other destinations. Both finalists' votes are then affine in p, and A's valid share
A / (A + B) is a ratio of affine functions whose numerator minus one half of the denominator vanishes where
A(p) = B(p): a linear equation, solved from two evaluations (p = 0 and p = 1). The message lever is affine
in its strength in the same way, and so is the turnout lever on each side of 0.

Win probability. The margin is treated as normal with
    sigma^2 = polling_sd^2 + sum_k (d margin / d y_k)^2 x transfer_sd_k^2,
where y_k is the share (%) of electorate k's finalist votes that go to A; d margin / d y_k = 2 v_k f_k /
(A + B), with v_k the electorate and f_k the fraction of it voting for a finalist, is exact because the
margin is linear in y_k with A + B fixed.

polling_sd = 6 points of margin. The only French runoff record in the shipped data is 2022: the final
week's head-to-head polls (each institute's last, 16-23 April) averaged 55.4 % for Macron against 58.55 %,
a miss of 6.3 points on the margin, and the published transfer matrices applied to the official first round
give 54.6 %, a miss of 7.9 (tests/core/test_two_round.py recomputes both). One election cannot pin an sd
down, and core.scenario's London record gives 5.8 points for a poll average; 6 sits between the two, so a
10-point lead is about a 95 % favourite and a 2-point lead about 63 %.

transfer_sd defaults to the spread across pollsters of each electorate's to-A share in the published
matrices (`TransferDefaults.sd`), and to TRANSFER_SD (8 points) where fewer than two pollsters publish the
electorate. 8 points is about the sampling error of y_k for an electorate of 150 respondents at an even
split (100 x sqrt(0.25 / 150) x 2 = 8.2): a 5 % candidate in a 3,000-person matrix poll.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from statistics import NormalDist, mean, pstdev

import numpy as np

from warroom.core.france import ABSTAINERS, BLANK_NULL, TransferMatrix, name_key
from warroom.core.runoff import check_parts
from warroom.core.types import Rules, firm_spellings

DESTINATIONS = ("a", "b", "blank_null", "abstain")
"""Where a first-round electorate can go in the runoff, in the column order of every split array."""
_A, _B, _BN, _AB = range(4)


BLANK_SHARE_OF_NEITHER = 25.0
"""Share (%) of an electorate's "neither finalist" voters who vote blank or null rather than abstain, where a
matrix publishes the two together (all 35 matrices of 2022 do). From the 2017 runoff, the last one before
the 2022 back-test: 24.95 % of registered voters abstained and 11.47 % of those who voted cast a blank or
null ballot (RFI, 8 May 2017, from the Interior Ministry's count), so blank and null were
0.1147 x 75.05 = 8.6 points of registered against 24.95 of abstention, 26 % of "neither"; rounded to 25."""

POLLING_SD = 6.0
"""sd of the runoff margin from polling error, points of valid votes (module docstring)."""
TRANSFER_SD = 8.0
"""sd of an electorate's to-A share of its finalist votes where no spread across pollsters is known (points)."""

_NORMAL = NormalDist()
_INERT = 1e-12


@dataclass(frozen=True, slots=True)
class RunoffSplit:
    """What one first-round electorate does in the runoff (percent of that electorate, summing to 100).

    Attributes:
        to_a: votes for finalist A.
        to_b: votes for finalist B.
        blank_null: votes blank or null.
        abstain: stays at home.
    """

    to_a: float
    to_b: float
    blank_null: float = 0.0
    abstain: float = 0.0

    def __post_init__(self) -> None:
        check_parts("runoff split", self.parts)

    @classmethod
    def rescaled(cls, to_a: float, to_b: float, blank_null: float, abstain: float) -> RunoffSplit:
        """A split from figures that sum to about 100 (published, rounded), rescaled to exactly 100."""
        total = to_a + to_b + blank_null + abstain
        if not (total > 0 and math.isfinite(total)):
            raise ValueError(f"runoff split: figures must sum to more than 0, got {total:g}")
        return cls(*(100.0 * x / total for x in (to_a, to_b, blank_null, abstain)))

    @property
    def parts(self) -> tuple[float, float, float, float]:
        return (self.to_a, self.to_b, self.blank_null, self.abstain)

    @property
    def a_of_valid(self) -> float:
        """Of this electorate's votes for a finalist, the share (%) going to A (50 if none)."""
        valid = self.to_a + self.to_b
        return 100.0 * self.to_a / valid if valid > 0 else 50.0


@dataclass(frozen=True)
class FirstRound:
    """The first round as the runoff's electorates see it.

    Attributes:
        votes: candidate -> valid votes, in ballot order.
        registered: registered voters.
        blank_null: blank and null votes.
    """

    votes: Mapping[str, float]
    registered: float
    blank_null: float = 0.0

    def __post_init__(self) -> None:
        if any(not (v >= 0 and math.isfinite(v)) for v in self.votes.values()):
            raise ValueError("first round: votes must be numbers >= 0")
        if not self.valid > 0:
            raise ValueError("first round: no valid votes")
        if not (self.blank_null >= 0 and math.isfinite(self.blank_null)):
            raise ValueError(f"first round: blank and null votes must be >= 0, got {self.blank_null}")
        if not (math.isfinite(self.registered) and self.registered >= self.valid + self.blank_null):
            raise ValueError(
                f"first round: {self.registered:,.0f} registered voters are fewer than the "
                f"{self.valid + self.blank_null:,.0f} votes cast"
            )
        if ABSTAINERS in self.votes or BLANK_NULL in self.votes:
            raise ValueError("first round: candidate codes may not be the reserved electorate codes")

    @classmethod
    def from_shares(
        cls, shares: Mapping[str, float], *, registered: float, turnout: float, blank_null: float
    ) -> FirstRound:
        """A first round from shares of the valid vote (rescaled to 100), turnout and the blank/null rate.

        Args:
            shares: candidate -> share of valid votes (%).
            registered: registered voters.
            turnout: votes cast, % of registered.
            blank_null: blank and null votes, % of votes cast.

        Returns:
            The first round, in votes.
        """
        if not (0.0 < turnout <= 100.0 and 0.0 <= blank_null < 100.0):
            raise ValueError(f"turnout must lie in 0-100 and blank/null in 0-100 %, got {turnout}, {blank_null}")
        total = sum(shares.values())
        if not total > 0:
            raise ValueError("first round: shares sum to 0")
        cast = registered * turnout / 100.0
        valid = cast * (1.0 - blank_null / 100.0)
        return cls({k: valid * v / total for k, v in shares.items()}, registered, cast - valid)

    @property
    def valid(self) -> float:
        return float(sum(self.votes.values()))

    @property
    def abstainers(self) -> float:
        return self.registered - self.valid - self.blank_null

    @property
    def turnout(self) -> float:
        """Votes cast, % of registered."""
        return 100.0 * (self.valid + self.blank_null) / self.registered

    def electorates(self) -> dict[str, float]:
        """Every electorate the runoff draws on: each candidate's voters, blank/null voters, abstainers."""
        return {**self.votes, BLANK_NULL: self.blank_null, ABSTAINERS: self.abstainers}

    def shares(self) -> dict[str, float]:
        """Candidates' shares of valid votes (%)."""
        valid = self.valid
        return {k: 100.0 * v / valid for k, v in self.votes.items()}


@dataclass(frozen=True, slots=True)
class Message:
    """A message against one finalist: a fraction of his runoff voters leaves him.

    Attributes:
        on: the finalist who loses voters (A's or B's code; works on either).
        strength: 0-1, the fraction of his runoff voters (of `among`, or of every electorate) who leave.
        to_other: % of those who vote for the other finalist instead.
        to_blank_null: % who vote blank or null.
        to_abstain: % who stay at home.
        among: only this electorate's voters (a candidate code, ABSTAINERS or BLANK_NULL); None: all.
    """

    on: str
    strength: float = 0.0
    to_other: float = 40.0
    to_blank_null: float = 30.0
    to_abstain: float = 30.0
    among: str | None = None

    def __post_init__(self) -> None:
        if not 0.0 <= self.strength <= 1.0:
            raise ValueError(f"message strength must lie within 0-1, got {self.strength:g}")
        check_parts("message destination", (self.to_other, self.to_blank_null, self.to_abstain))


TURNOUT_LEVER_MIN = -0.999
"""The turnout lever's lowest value (-99.9 %). At -100 % every runoff voter stays at home: there are no votes, so
no result, margin or chance to project (it printed "50.0 %" and a 50 % chance, made up). A lever below 0 scales
every electorate's runoff voters alike, so down to here it moves the turnout and leaves the shares as they are."""


@dataclass(frozen=True)
class TwoRoundScenario:
    """Settings of one runoff scenario.

    Attributes:
        a: finalist A (a first-round candidate).
        b: finalist B.
        splits: electorate (candidate code, ABSTAINERS, BLANK_NULL) -> RunoffSplit; every electorate of the
            first round needs one (`splits_for_first_round` fills them from published matrices).
        turnout: lever in TURNOUT_LEVER_MIN..1 (module docstring); 0 leaves the splits as they are.
        message: a message against either finalist, or None.
        name: a label for saved scenarios.
    """

    a: str
    b: str
    splits: Mapping[str, RunoffSplit]
    turnout: float = 0.0
    message: Message | None = None
    name: str = ""

    def __post_init__(self) -> None:
        if self.a == self.b:
            raise ValueError("the two finalists must differ")
        if not TURNOUT_LEVER_MIN - 1e-12 <= self.turnout <= 1.0:  # (`not`: NaN too; -99.9 / 100 may round below)
            raise ValueError(
                f"turnout lever must lie within {100 * TURNOUT_LEVER_MIN:.1f} % and +100 %, got {100 * self.turnout:g} %"
                + (" (at -100 % nobody votes in the runoff: there is no result to project)" if self.turnout < 0 else "")
            )
        if self.message is not None and self.message.on not in (self.a, self.b):
            raise ValueError(f"the message must be on a finalist ({self.a} or {self.b}), not {self.message.on!r}")


@dataclass(frozen=True)
class TwoRoundError:
    """Uncertainty of a projection.

    Attributes:
        polling_sd: sd of the margin from polling error (points of valid votes).
        transfer_sd: electorate -> sd (points) of its to-A share of finalist votes; TRANSFER_SD where absent.
    """

    polling_sd: float = POLLING_SD
    transfer_sd: Mapping[str, float] = field(default_factory=dict)

    def sd(self, electorate: str) -> float:
        return self.transfer_sd.get(electorate, TRANSFER_SD)


@dataclass(frozen=True)
class TwoRoundProjection:
    """Where a runoff scenario leads.

    Attributes:
        a: finalist A.
        b: finalist B.
        a_votes: A's votes.
        b_votes: B's votes.
        blank_null: blank and null votes.
        abstention: registered voters who do not vote.
        registered: registered voters (the first round's).
        flows: electorate -> (to A, to B, blank/null, abstain) in votes, levers applied.
        a_share: A's share of valid votes (%).
        margin: A minus B, points of valid votes (negative: B wins).
        turnout: votes cast, % of registered.
        blank_null_share: blank and null, % of votes cast.
        sigma: sd of the margin.
        win_probability_a: P(A wins).
        message_break_even: message strength at which the margin is zero (None: no message, or it cannot
            move the margin); outside 0-1 means not reachable.
    """

    a: str
    b: str
    a_votes: float
    b_votes: float
    blank_null: float
    abstention: float
    registered: float
    flows: Mapping[str, tuple[float, float, float, float]]
    a_share: float
    margin: float
    turnout: float
    blank_null_share: float
    sigma: float
    win_probability_a: float
    message_break_even: float | None = None

    @property
    def valid(self) -> float:
        return self.a_votes + self.b_votes

    @property
    def winner(self) -> str | None:
        """The finalist with more valid votes (None on an exact tie)."""
        return self.a if self.margin > 0 else self.b if self.margin < 0 else None


@dataclass(frozen=True, slots=True)
class BreakEven:
    """The share of one electorate that must go to one destination for the runoff to tie.

    Attributes:
        electorate: whose voters (candidate code, ABSTAINERS or BLANK_NULL).
        destination: "a", "b", "blank_null" or "abstain".
        share: the % of that electorate at the destination for a tie, the rest keeping their proportions;
            outside 0-100 means no such share exists (this electorate alone cannot turn the result).
        current: the % the scenario sends there now, levers included.
        above_wins: the finalist who wins when more than `share` go to the destination.
    """

    electorate: str
    destination: str
    share: float
    current: float
    above_wins: str

    @property
    def reachable(self) -> bool:
        return 0.0 <= self.share <= 100.0


# --- the model -------------------------------------------------------------------------------------------


def _arrays(first: FirstRound, scenario: TwoRoundScenario) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Electorate codes, their sizes, and their splits as fractions (n x 4), before the levers."""
    electorates = first.electorates()
    for code in (scenario.a, scenario.b):
        if code not in first.votes:
            raise ValueError(f"finalist {code!r} is not a first-round candidate")
    missing = [k for k, v in electorates.items() if v > 0 and k not in scenario.splits]
    if missing:
        raise ValueError(f"no runoff split for: {', '.join(missing)}")
    codes = list(electorates)
    sizes = np.array([electorates[k] for k in codes], float)
    rows = np.array([scenario.splits[k].parts if k in scenario.splits else (0, 0, 0, 100) for k in codes], float)
    rows /= rows.sum(axis=1, keepdims=True)  # exactly 1: typed splits may be off by SPLIT_TOLERANCE
    return codes, sizes, rows


def _turnout(rows: np.ndarray, t: float) -> np.ndarray:
    """Apply the turnout lever to every split (fractions)."""
    if t == 0:
        return rows
    out = rows.copy()
    voting = rows[:, :_AB].sum(axis=1)
    if t > 0:
        # A fraction t of the abstainers votes as the electorate's voters do (nobody votes where nobody did).
        scale = np.where(voting > 0, 1.0 + t * rows[:, _AB] / np.where(voting > 0, voting, 1.0), 1.0)
        out[:, :_AB] *= scale[:, None]
        out[:, _AB] = 1.0 - out[:, :_AB].sum(axis=1)
    else:
        out[:, :_AB] *= 1.0 + t
        out[:, _AB] = rows[:, _AB] - t * voting
    return out


def _message_rows(codes: Sequence[str], rows: np.ndarray, scenario: TwoRoundScenario, m: np.ndarray) -> np.ndarray:
    """Splits with the message applied at each strength in m: shape (len(m), n, 4); affine in m."""
    out = np.repeat(rows[None, :, :], len(m), axis=0)
    msg = scenario.message
    if msg is None:
        return out
    col, other = (_A, _B) if msg.on == scenario.a else (_B, _A)
    hit = np.ones(len(codes), bool) if msg.among is None else np.array([k == msg.among for k in codes])
    if msg.among is not None and not hit.any():
        raise ValueError(f"message among {msg.among!r}: not an electorate of this first round")
    moved = m[:, None] * np.where(hit, rows[:, col], 0.0)[None, :]
    out[:, :, col] -= moved
    out[:, :, other] += moved * msg.to_other / 100.0
    out[:, :, _BN] += moved * msg.to_blank_null / 100.0
    out[:, :, _AB] += moved * msg.to_abstain / 100.0
    return out


def _final_rows(
    first: FirstRound, scenario: TwoRoundScenario, m: np.ndarray
) -> tuple[list[str], np.ndarray, np.ndarray]:
    codes, sizes, rows = _arrays(first, scenario)
    return codes, sizes, _message_rows(codes, _turnout(rows, scenario.turnout), scenario, m)


def _strength(scenario: TwoRoundScenario) -> float:
    return scenario.message.strength if scenario.message is not None else 0.0


def project(first: FirstRound, scenario: TwoRoundScenario, *, error: TwoRoundError | None = None) -> TwoRoundProjection:
    """Runoff votes, valid shares, margin, turnout and P(A wins) for one scenario.

    Args:
        first: the first round.
        scenario: splits and levers.
        error: uncertainty (default: POLLING_SD and TRANSFER_SD).

    Returns:
        The projection.
    """
    error = error or TwoRoundError()
    codes, sizes, final = _final_rows(first, scenario, np.array([_strength(scenario)]))
    flows = sizes[:, None] * final[0]
    totals = flows.sum(axis=0)
    a_votes, b_votes, blank_null, abstention = (float(x) for x in totals)
    valid = a_votes + b_votes
    if not valid > 0:  # (a 50-50 share and a 50 % chance of no votes at all were printed)
        raise ValueError(
            f"nobody votes for {scenario.a} or {scenario.b} in this runoff scenario (every split sends its voters to "
            "blank or null votes or abstention): there is no result to project"
        )
    a_share = 100.0 * a_votes / valid
    margin = 2.0 * a_share - 100.0
    var = error.polling_sd**2
    finalist = flows[:, _A] + flows[:, _B]
    for k, code in enumerate(codes):
        slope = 2.0 * finalist[k] / valid  # margin points per point of k's finalist votes moved to A
        var += (slope * error.sd(code)) ** 2
    sigma = math.sqrt(var)
    p_a = _NORMAL.cdf(margin / sigma) if sigma > 0 else (1.0 if margin > 0 else 0.0 if margin < 0 else 0.5)
    cast = valid + blank_null
    return TwoRoundProjection(
        a=scenario.a,
        b=scenario.b,
        a_votes=a_votes,
        b_votes=b_votes,
        blank_null=blank_null,
        abstention=abstention,
        registered=first.registered,
        flows={
            code: (float(f[0]), float(f[1]), float(f[2]), float(f[3])) for code, f in zip(codes, flows, strict=True)
        },
        a_share=a_share,
        margin=margin,
        turnout=100.0 * cast / first.registered,
        blank_null_share=100.0 * blank_null / cast if cast > 0 else 0.0,
        sigma=sigma,
        win_probability_a=float(p_a),
        message_break_even=break_even_message(first, scenario),
    )


def _solve(gap0: float, gap1: float) -> float | None:
    """Where an affine function with these values at 0 and 1 is zero (None if it is flat)."""
    slope = gap1 - gap0
    if abs(slope) < _INERT * max(1.0, abs(gap0)):
        return None
    return -gap0 / slope


def break_even_message(first: FirstRound, scenario: TwoRoundScenario) -> float | None:
    """The message strength (0-1) at which A and B tie, everything else as set.

    Returns:
        The strength (outside 0-1: not reachable with this message); None with no message, or when it cannot
        move the margin (nobody it targets votes for the finalist, or everyone it moves goes to the other in
        a way that keeps the gap).
    """
    if scenario.message is None:
        return None
    _, sizes, final = _final_rows(first, scenario, np.array([0.0, 1.0]))
    votes = np.einsum("n,mnk->mk", sizes, final)
    gap = votes[:, _A] - votes[:, _B]
    return _solve(float(gap[0]), float(gap[1]))


def break_even_share(
    first: FirstRound, scenario: TwoRoundScenario, electorate: str, destination: str
) -> BreakEven | None:
    """What share of one electorate must end at one destination for the runoff to tie.

    "What share of Mélenchon's voters must abstain for B to win?" is
    `break_even_share(first, scenario, "Jean-Luc Mélenchon", "abstain")`: p of his voters abstain and the
    rest split between A, B and blank/null in the proportions the scenario gives them (levers included).
    Solved exactly from the linear equation A(p) = B(p) (module docstring).

    Args:
        first: the first round.
        scenario: splits and levers.
        electorate: a candidate code, ABSTAINERS or BLANK_NULL.
        destination: "a", "b", "blank_null" or "abstain".

    Returns:
        The break-even, or None when this electorate cannot move the margin (no voters, or moving them to
        the destination takes equally from both finalists).
    """
    if destination not in DESTINATIONS:
        raise ValueError(f"destination must be one of {', '.join(DESTINATIONS)}, got {destination!r}")
    codes, sizes, final = _final_rows(first, scenario, np.array([_strength(scenario)]))
    if electorate not in codes:
        raise ValueError(f"{electorate!r} is not an electorate of this first round")
    k, d = codes.index(electorate), DESTINATIONS.index(destination)
    row = final[0, k]
    rest = row.copy()
    rest[d] = 0.0
    if rest.sum() <= _INERT:  # everyone already goes there: the others' proportions are unknown, take them even
        rest = np.where(np.arange(4) == d, 0.0, 1.0)
    rest /= rest.sum()
    others = np.delete(sizes[:, None] * final[0], k, axis=0).sum(axis=0)
    gaps = []
    for p in (0.0, 1.0):
        row_p = (1.0 - p) * rest
        row_p[d] += p
        votes = others + sizes[k] * row_p
        gaps.append(float(votes[_A] - votes[_B]))
    p_star = _solve(gaps[0], gaps[1])
    if p_star is None or sizes[k] <= 0:
        return None
    above = scenario.a if gaps[1] > gaps[0] else scenario.b
    return BreakEven(electorate, destination, 100.0 * p_star, 100.0 * float(row[d]), above)


def break_even_turnout(first: FirstRound, scenario: TwoRoundScenario) -> float | None:
    """The turnout lever (-1..1) at which A and B tie, everything else as set.

    The finalists' votes are affine in the lever on each side of 0 (module docstring), so each side is a
    linear equation; the side whose root lies within it is returned.

    Returns:
        The lever value; None when turnout alone cannot make a tie within -1..1 (a lower turnout, as
        defined, takes the same fraction from every electorate's voters, so it never changes the sign).
    """
    strength = np.array([_strength(scenario)])
    codes, sizes, rows = _arrays(first, scenario)

    def gap(t: float) -> float:
        v = np.einsum("n,mnk->mk", sizes, _message_rows(codes, _turnout(rows, t), scenario, strength))[0]
        return float(v[_A] - v[_B])

    g0 = gap(0.0)
    if g0 == 0.0:
        return 0.0
    for end in (1.0, -1.0):
        root = _solve(g0, gap(end))
        # At -1 nobody votes and the "tie" is 0 = 0: not a result, so that end is left out.
        if root is not None and root >= 0.0 and (root <= 1.0 if end > 0 else root < 1.0 - 1e-9):
            return root * end
    return None


def margin_grid(
    first: FirstRound,
    scenario: TwoRoundScenario,
    strengths: np.ndarray,
    electorate: str,
    destination: str,
    shares: np.ndarray,
) -> np.ndarray:
    """Margin (A minus B, points of valid votes) for every (share of `electorate` at `destination`, message
    strength), in one broadcast: rows are `shares` (0-100), columns `strengths` (0-1).

    The electorate's final split is set as in `break_even_share` (so the message does not act on it).
    """
    m = np.asarray(strengths, float)
    codes, sizes, final = _final_rows(first, scenario, m if scenario.message is not None else np.zeros(len(m)))
    if electorate not in codes:
        raise ValueError(f"{electorate!r} is not an electorate of this first round")
    k, d = codes.index(electorate), DESTINATIONS.index(destination)
    base = _final_rows(first, scenario, np.array([_strength(scenario)]))[2][0, k]
    rest = base.copy()
    rest[d] = 0.0
    rest = rest / rest.sum() if rest.sum() > _INERT else np.where(np.arange(4) == d, 0.0, 1.0 / 3.0)
    p = np.asarray(shares, float)[:, None] / 100.0
    row_p = (1.0 - p) * rest[None, :]
    row_p[:, d] += p[:, 0]
    mask = np.ones(len(codes), bool)
    mask[k] = False
    others = np.einsum("n,mnk->mk", sizes[mask], final[:, mask, :])  # (len(m), 4)
    a = others[None, :, _A] + sizes[k] * row_p[:, None, _A]
    b = others[None, :, _B] + sizes[k] * row_p[:, None, _B]
    total = a + b
    return np.divide(100.0 * (a - b), total, out=np.zeros(total.shape), where=total > 0)


# --- defaults from published matrices ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CellRange:
    """The spread across pollsters of one cell (percent of the electorate).

    Attributes:
        mean: the average of the pollsters' own averages.
        low: the lowest pollster's figure.
        high: the highest.
        low_by: the pollster(s) at the low end.
        high_by: the pollster(s) at the high end.
        sd: standard deviation across pollsters (0 with one pollster).
    """

    mean: float
    low: float
    high: float
    low_by: tuple[str, ...]
    high_by: tuple[str, ...]
    sd: float


@dataclass(frozen=True)
class TransferDefaults:
    """Runoff splits averaged over published matrices, with the range across pollsters.

    Attributes:
        a: finalist A.
        b: finalist B.
        splits: electorate name (as in the matrices, or ABSTAINERS) -> average split; each pollster's
            matrices are averaged first, then the pollsters with equal weight; "neither" is divided
            between blank/null and abstention by `blank_share_of_neither`.
        ranges: electorate -> {"a", "b", "neither"} -> CellRange across pollsters.
        pollsters: electorate -> the pollsters that publish it.
        matrices: how many matrices went in.
        blank_share_of_neither: the % of "neither" counted as blank or null.
    """

    a: str
    b: str
    splits: Mapping[str, RunoffSplit]
    ranges: Mapping[str, Mapping[str, CellRange]]
    pollsters: Mapping[str, tuple[str, ...]]
    matrices: int
    blank_share_of_neither: float = BLANK_SHARE_OF_NEITHER

    def lookup(self, name: str) -> str | None:
        """The electorate key matching `name` (accents, case and hyphens ignored), or None."""
        if name in self.splits:
            return name
        key = name_key(name)
        return next((k for k in self.splits if name_key(k) == key), None)

    def sd(self) -> dict[str, float]:
        """Electorate -> sd across pollsters of its to-A share of finalist votes, where 2 or more publish."""
        return {k: v["a_of_valid"].sd for k, v in self.ranges.items() if len(self.pollsters[k]) >= 2}


def defaults_from_matrices(
    matrices: Iterable[TransferMatrix],
    a: str,
    b: str,
    *,
    since: date | None = None,
    until: date | None = None,
    latest: bool = False,
    blank_share_of_neither: float = BLANK_SHARE_OF_NEITHER,
) -> TransferDefaults:
    """Average the published matrices of the pair (a, b) per first-round electorate.

    Args:
        matrices: published matrices (others pairs are left out; a matrix naming b first is turned round).
        a: finalist A (names compared with `name_key`).
        b: finalist B.
        since: only matrices whose fieldwork ended on or after this day.
        until: only those ended by this day.
        latest: only each pollster's latest matrix (in the window): the range then shows where each house
            ended up rather than its campaign average.
        blank_share_of_neither: % of "neither" counted as blank or null (the rest abstains).

    Returns:
        The defaults; raises ValueError when no matrix of this pair is left.
    """
    if not 0.0 <= blank_share_of_neither <= 100.0:
        raise ValueError(f"blank share of neither must lie within 0-100, got {blank_share_of_neither}")
    per: dict[str, dict[str, list[tuple[float, float, float]]]] = {}
    names: dict[str, str] = {}
    used = 0
    ka, kb = name_key(a), name_key(b)
    chosen = [
        m
        for m in matrices
        if (since is None or m.fieldwork_end >= since)
        and (until is None or m.fieldwork_end <= until)
        and (name_key(m.a), name_key(m.b)) in ((ka, kb), (kb, ka))
    ]
    by_date = sorted(chosen, key=lambda m: (m.fieldwork_end, m.fieldwork_start, m.poll_id))
    house = firm_spellings(m.institute for m in by_date)  # "Ifop" and "IFOP": one institute, weighted once
    if latest:
        last: dict[str, TransferMatrix] = {}
        for m in by_date:
            last[house[m.institute]] = m
        chosen = list(last.values())
    for m in chosen:
        pair = (name_key(m.a), name_key(m.b))
        flip = pair == (kb, ka)
        used += 1
        for origin, row in m.rows.items():
            key = origin if origin == ABSTAINERS else name_key(origin)
            names.setdefault(key, origin)
            to_a, to_b = (row.to_b, row.to_a) if flip else (row.to_a, row.to_b)
            per.setdefault(key, {}).setdefault(house[m.institute], []).append((to_a, to_b, row.neither))
    if not used:
        raise ValueError(f"no published matrix for {a} against {b}")
    splits: dict[str, RunoffSplit] = {}
    ranges: dict[str, dict[str, CellRange]] = {}
    pollsters: dict[str, tuple[str, ...]] = {}
    for key, by_house in per.items():
        house_means = {h: tuple(mean(col) for col in zip(*rows, strict=True)) for h, rows in by_house.items()}
        cells = {
            "a": {h: v[0] for h, v in house_means.items()},
            "b": {h: v[1] for h, v in house_means.items()},
            "neither": {h: v[2] for h, v in house_means.items()},
            "a_of_valid": {
                h: 100.0 * v[0] / (v[0] + v[1]) if v[0] + v[1] > 0 else 50.0 for h, v in house_means.items()
            },
        }
        name = names[key]
        ranges[name] = {cell: _range(values) for cell, values in cells.items()}
        to_a, to_b, neither = (ranges[name][c].mean for c in ("a", "b", "neither"))
        blank = neither * blank_share_of_neither / 100.0
        splits[name] = RunoffSplit.rescaled(to_a, to_b, blank, neither - blank)
        pollsters[name] = tuple(sorted(by_house))
    return TransferDefaults(a, b, splits, ranges, pollsters, used, blank_share_of_neither)


def _range(values: Mapping[str, float]) -> CellRange:
    low, high = min(values.values()), max(values.values())
    return CellRange(
        mean=mean(values.values()),
        low=low,
        high=high,
        low_by=tuple(sorted(h for h, v in values.items() if v == low)),
        high_by=tuple(sorted(h for h, v in values.items() if v == high)),
        sd=pstdev(values.values()) if len(values) > 1 else 0.0,
    )


ASSUMED_OWN_VOTERS = "no published row: a finalist's voters assumed to vote for their candidate again"
"""The source of a finalist's own voters' split when no matrix publishes her row: all to her."""

ASSUMED_AS_IN_ROUND_ONE = "no published row: assumed to do again what they did in round one"
"""The source of the first round's abstainers' and blank and null voters' splits when no matrix publishes an
abstainers' row: they stay at home, or vote blank or null, again."""


@dataclass(frozen=True)
class FilledSplits:
    """Splits for every electorate of a first round, and how each was found.

    Attributes:
        splits: electorate (candidate code, ABSTAINERS, BLANK_NULL) -> split.
        sources: electorate -> "published", "as <other>" (a proxy), "pooled" (mean of the published
            eliminated candidates' splits), or ASSUMED_AS_IN_ROUND_ONE (abstainers, blank and null voters).
    """

    splits: Mapping[str, RunoffSplit]
    sources: Mapping[str, str]


def splits_for_first_round(
    defaults: TransferDefaults,
    first: FirstRound,
    *,
    names: Mapping[str, str] | None = None,
    proxies: Mapping[str, str] | None = None,
) -> FilledSplits:
    """Give every electorate of `first` a split from the published defaults.

    A candidate matches the matrices by name (`names` maps codes to names where codes differ). Without a
    published row: a proxy electorate if `proxies` names one (a far-left candidate as Mélenchon's voters),
    else, for a finalist, her own voters all to her (ASSUMED_OWN_VOTERS), for anyone else the mean of the
    published eliminated candidates' splits. First-round blank and null voters take
    the abstainers' split (no 2022 matrix has a row for them). Without a published abstainers' row, the first
    round's abstainers stay at home and its blank and null voters vote blank or null again (source
    ASSUMED_AS_IN_ROUND_ONE), as a pair with no matrix at all assumes (core.two_round_view.neutral_splits).

    Args:
        defaults: from `defaults_from_matrices`.
        first: the first round.
        names: candidate code -> name in the matrices, where they differ.
        proxies: candidate code -> another electorate (code or matrix name) whose split it takes.

    Returns:
        The splits and where each came from.
    """
    names = names or {}
    proxies = proxies or {}
    finalist_keys = {name_key(defaults.a), name_key(defaults.b)}
    eliminated = [s for k, s in defaults.splits.items() if k != ABSTAINERS and name_key(k) not in finalist_keys]
    pooled = RunoffSplit.rescaled(*(mean(s.parts[i] for s in eliminated) for i in range(4))) if eliminated else None
    splits: dict[str, RunoffSplit] = {}
    sources: dict[str, str] = {}

    def find(code: str) -> RunoffSplit | None:
        key = defaults.lookup(names.get(code, code))
        return defaults.splits[key] if key is not None else None

    for code in first.votes:
        split = find(code)
        proxy = find(proxies[code]) if code in proxies else None
        if split is not None:
            splits[code], sources[code] = split, "published"
        elif proxy is not None:
            splits[code], sources[code] = proxy, f"as {proxies[code]}"
        elif name_key(names.get(code, code)) in finalist_keys:
            # A finalist is on the runoff ballot: her voters keep to her. The eliminated candidates' mean gave
            # finalist A's own voters 37.5 % for A and 32.5 % for B in a test race.
            own = (
                RunoffSplit(100, 0) if name_key(names.get(code, code)) == name_key(defaults.a) else RunoffSplit(0, 100)
            )
            splits[code], sources[code] = own, ASSUMED_OWN_VOTERS
        elif pooled is not None:
            splits[code], sources[code] = pooled, "pooled"
        else:
            raise ValueError(f"no published split for {code!r} and no other candidate's to pool")
    if ABSTAINERS in defaults.splits:
        splits[ABSTAINERS], sources[ABSTAINERS] = defaults.splits[ABSTAINERS], "published"
        splits[BLANK_NULL], sources[BLANK_NULL] = splits[ABSTAINERS], "as abstainers (published)"
    else:
        # Not the pooled split: that is what people who voted did, and given to those who stayed at home it
        # sent most of them to the polls (a 4-candidate race's runoff turnout 92.5 % against 73.7 % in round one).
        splits[ABSTAINERS], sources[ABSTAINERS] = RunoffSplit(0, 0, 0, 100), ASSUMED_AS_IN_ROUND_ONE
        splits[BLANK_NULL], sources[BLANK_NULL] = RunoffSplit(0, 0, 100, 0), ASSUMED_AS_IN_ROUND_ONE
    return FilledSplits(splits, sources)


# --- who qualifies for the runoff ---------------------------------------------------------------------------

QUALIFY_SD_SCALE = 0.6
"""sd of a candidate's first-round share about the poll average, in points, is QUALIFY_SD_SCALE x
sqrt(share): bigger candidates miss by more points. From the 2022 back-test (tests/core/test_two_round.py):
the final-week average's twelve errors against the official first round, each divided by the square root
of the official share, have a root mean square of 0.60 (Mélenchon -4.6 points on 22 %, Pécresse +3.3 on
4.8 %, Zemmour +2.3 on 7.1 %, Macron -1.4 on 27.9 %). So 2.8 points for a 22 % candidate, 0.85 for 2 %."""


def qualify_probabilities(
    shares: Mapping[str, float],
    *,
    rules: Rules | None = None,
    valid_of_base: float = 100.0,
    sd_scale: float = QUALIFY_SD_SCALE,
    draws: int = 20_000,
    seed: int = 0,
    withdrawn: Iterable[str] = (),
) -> dict[str, float]:
    """P(each candidate reaches the runoff), by simulation around the first-round average.

    Each draw adds independent normal errors (sd `sd_scale` x sqrt(share)) to the shares, clips them at 0 and
    rescales them to 100 % of valid votes; then the rules pick the finalists: the top two, or everyone at or
    over the threshold (a share of registered voters, for French legislative seats: 12.5 %) and at least
    the top two. A withdrawn candidate's share stays in the first round (the Supplementary Vote's rule,
    core.pipeline) but he never qualifies: the finalists are the others'.

    Args:
        shares: candidate -> average share of valid votes (%).
        rules: the counting rules (default: top two).
        valid_of_base: valid votes as % of the threshold's base (for a "registered" base: turnout x (1 -
            blank and null rate)); 100 for a threshold on valid votes.
        sd_scale: see QUALIFY_SD_SCALE.
        draws: simulated elections.
        seed: random seed (the same answer for the same inputs).
        withdrawn: candidates (keys of `shares`) who cannot qualify.

    Returns:
        Candidate -> probability (0-1).
    """
    if len(shares) < 2:
        raise ValueError("need at least two candidates")
    if not 0.0 < valid_of_base <= 100.0:
        raise ValueError(f"valid votes must be 0-100 % of the threshold's base, got {valid_of_base}")
    rules = rules or Rules(preferences=1)
    codes = list(shares)
    mu = np.array([max(float(shares[k]), 0.0) for k in codes])
    if not mu.sum() > 0:
        raise ValueError("first-round shares are all zero")
    mu = 100.0 * mu / mu.sum()
    rng = np.random.default_rng(seed)
    sim = np.clip(mu + rng.standard_normal((draws, len(codes))) * (sd_scale * np.sqrt(mu)), 0.0, None)
    sim = 100.0 * sim / sim.sum(axis=1, keepdims=True)
    out = np.array([k in set(withdrawn) for k in codes])
    order = np.argsort(np.where(out, np.inf, -sim), axis=1)  # (stable: the withdrawn sort last, never top two)
    qualified = np.zeros(sim.shape, bool)
    np.put_along_axis(qualified, order[:, :2], True, axis=1)
    if rules.finalists == "threshold" and rules.qualify_threshold is not None:
        qualified |= sim * valid_of_base / 100.0 >= rules.qualify_threshold
    qualified[:, out] = False
    return {k: float(qualified[:, i].mean()) for i, k in enumerate(codes)}
