"""Instant-runoff scenario maths: the whole elimination chain at the share level, and who wins how often.

An instant-runoff race is not a top-two runoff: the order of elimination decides who reaches the final pair.
Here the chain is run from two things a staffer can talk about:

* first-round shares over N candidates (percent of the valid vote, renormalised to 100);
* a next-preference matrix: row i says, of the votes candidate i holds, the share whose next choice is each
  other candidate, or nobody (EXHAUSTED). Rows sum to 100; the diagonal is 0.

Each round the lowest continuing candidate is excluded (or, with `batch_elimination`, every group of lowest
candidates whose combined votes are below the next candidate's, as `core.count` does) and their votes move
along their row. The count stops when a candidate has more than half of the continuing votes (as the count
engine does; `stop_at_majority=False` runs on to the last two, the "two-candidate preferred" count of
Australian practice), or when two are left.

Assumptions, said plainly:

* Markov transfers. Votes move by the row of the candidate who holds them, whoever held them before. A row
  derived from a real count (`scenario_from_count`) is that candidate's actual transfers at their exclusion,
  so it reproduces the count exactly; a row from last election's ballots (`prior_from_ballots`) describes
  first-preference voters only.
* Independence from eliminated alternatives. A voter whose next choice is already excluded moves on to their
  next one, drawn from the same row restricted to what is still open: the continuing candidates and
  exhaustion (a voter with no further preference). So a row's weights among the open entries keep their
  ratios, and the share that would have gone to excluded candidates is spread over the rest in proportion.
* Preference limits (`max_rankings`, New York City 5, Alaska 4). Each vote carries its depth (the ranking it
  is counted on). A transfer uses one more ranking, and so does each excluded candidate passed over: a vote
  counted on ranking d whose row sends a share q to excluded candidates lands on ranking d + 1 + s with
  probability (1 - q) q^s, and exhausts if that is past the limit. The chance it survives is 1 - q^(L - d).
  Use a raw next-preference matrix (from ballots or polls) with the limit; a matrix from a count already has
  the limit's exhaustion in it, so it goes with max_rankings=None.
* Full preferential voting is a matrix with no exhaustion (a 0 exhausted column); optional preferential
  voting is its exhausted column.

Every elimination reports its margin, the gap between the lowest survivor and the highest excluded candidate
in points of the first-round valid vote ("who finishes third" when three are left), and whether it is
*decisive*: the count is replayed from that round with the two swapped (the survivor excluded instead) and
the elimination is decisive when that replay elects someone else.

Win probabilities (`IrvSimulator`, `simulate_irv`) run the whole chain vectorised over draws, as numpy arrays
of shape (draws, N). Every draw is run down to the last two: going on past a majority never changes the
winner (the majority holder's tally can only grow, the others' combined tally only shrink), and the last two
are the pair `IrvOdds.p_final_pair` reports.

* Polling error: a logistic-normal first round, the same law as `forecast.simulate_first_round`: each
  log-share gets normal noise with sd 2 sd / (100 sqrt(p)) centred at -sigma^2 / 2, then softmax, so shares
  stay positive and sum to 100 and a candidate on p % has sd about sd x 2 sqrt(p (1 - p)) points.
  DEFAULT_SHARE_SD documents the sd of a 50 % candidate.
* Transfer uncertainty: every row is drawn around its value as a Dirichlet(alpha x row) with concentration
  DEFAULT_CONCENTRATION (zero entries stay zero). By default the Dirichlet's gammas are drawn as lognormals
  with the gammas' own mean and variance (shape k: log G ~ N(log k - s^2 / 2, s^2), s^2 = log(1 + 1 / k)),
  which gives rows with the Dirichlet's mean and spread to within a few per cent (tested at alpha = 24). That
  form takes standard normals drawn once per seed: a slider move reuses them (common random numbers), so the
  probabilities move smoothly with the slider instead of re-rolling, and a move costs no random number
  generation. The exact gamma draws are available (`exact=True`) and agree within simulation error (tested).
* The common case (no preference limit, one exclusion a round) runs in float32 with the lowest candidate
  found by one integer minimum (`_chain_fast`); tallies within about 2e-6 of each other (relative) are then
  tied and go to the earlier candidate, far below what a simulation resolves. A reused `IrvSimulator` keeps
  that count round by round (`_FastChain`): after a row edit each draw is re-run only from the round the
  edited candidate is excluded, with results identical to a whole run (a slider drag on a late-excluded
  candidate's row re-runs two or three rounds of ten).
* A big race (past _DENSE_LIMIT row-noise values: 45 candidates at 2,000 draws) is simulated a block of draws
  at a time, keeping only who won, with the candidates on nothing left out of the count (`IrvSimulator`):
  memory stays within tens of MB at 200 candidates, where holding every draw's noise and rounds took 1.3 GB.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import compress, pairwise
from typing import TYPE_CHECKING

import numpy as np

from warroom.core.ballots import Ballot, BallotTable, table_from_ballots
from warroom.core.runoff import SPLIT_TOLERANCE
from warroom.core.types import EXHAUSTED, TransferObservation, bidi_isolated, listed

if TYPE_CHECKING:  # the counting engine itself is imported only by what counts (the CLI's light verbs do not)
    from warroom.core.count import CountResult, CountRules

__all__ = [
    "DEFAULT_CONCENTRATION",
    "DEFAULT_DRAWS",
    "DEFAULT_SHARE_SD",
    "Elimination",
    "IrvOdds",
    "IrvRound",
    "IrvRun",
    "IrvScenario",
    "IrvSimulator",
    "elimination_lines",
    "grouped_row",
    "irv_scenario",
    "minor_group",
    "pair_leads",
    "prior_from_ballots",
    "proportional_row",
    "row_break_even",
    "run_irv",
    "scenario_from_count",
    "set_row",
    "simulate_irv",
    "with_published_rows",
    "without_exhaustion",
]

DEFAULT_CONCENTRATION = 24.0
"""Dirichlet concentration alpha of each transfer row. A Dirichlet component with mean p has sd
sqrt(p (1 - p) / (alpha + 1)); alpha = 24 gives 10 points at an even split, the same uncertainty as
`scenario.ErrorModel.transfer_sd` (10 points on an eliminated candidate's share of transfers going to A: the
sampling error of the 70-100 respondents a 7 % candidate has in a poll of 1,000-1,500, plus a moderate
house difference; derivation in core/scenario.py). A row on 5 % to someone then has sd 4.4 points."""

DEFAULT_SHARE_SD = 2.74
"""sd (points) of a 50 % candidate's first-round share error on the eve of poll: the fitted s0 of the London
mayor share curve in resources/data/forecast_errors.json (2.7358, from the 2008, 2012 and 2016 final-week
averages against the official count; see core/forecast.py). Pass `ForecastErrors.share_scale(days)` for
another distance to polling day; a candidate on p % gets sd x 2 sqrt(p (1 - p)) points."""

DEFAULT_DRAWS = 2000
"""Draws per simulation: a win probability of 50 % has a simulation sd of 1.1 points, small beside the
polling error, and 12 candidates fit the slider frame (benchmarks/bench_irv_scenario.py)."""

_DENSE_LIMIT = 1 << 22
"""Row noise values (candidates x draws x (candidates + 1)) up to which an `IrvSimulator` keeps its noise and the
count's rounds for slider moves (about 16 bytes a value: 67 MB at the limit, 45 candidates at 2,000 draws); a
bigger race is streamed (see IrvSimulator)."""

_CHUNK_BYTES = 32 << 20
"""Bytes of float32 transfer rows a streamed simulation holds at once (one block of draws): 200 candidates on
votes, 2,000 draws in 10 blocks of 207."""

_TIE = 1e-9  # points: tallies this close are tied (shares from integer counts differ in the last bits)
_ROUND = 9  # decimals kept when tallies are compared for ties


# --- the scenario ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class IrvScenario:
    """An instant-runoff race as shares and a next-preference matrix.

    Attributes:
        codes: candidate codes; the order of `first_round` and of the matrix's rows and first N columns.
        first_round: (N,) first-preference shares (percent), renormalised to sum to 100.
        transfers: (N, N + 1) next-preference matrix in percent; row i: of the votes candidate i holds, the
            share whose next choice is each candidate (column j) or nobody (last column, EXHAUSTED). Rows are
            rescaled to sum to exactly 100; the diagonal is 0.
        max_rankings: how many rankings count (None: all). See the module docstring.
        batch_elimination: exclude mathematically excluded candidates together, as the count engine does.
        stop_at_majority: stop when a candidate has more than half of the continuing votes (the count
            engine's rule); False runs the chain down to the last two.
        full_preferential: every formal ballot numbers every candidate (`core.types.Rules.full_preferential`),
            so no vote exhausts: every row's exhausted share must be 0 (`without_exhaustion` folds it into the
            others) and no preference limit applies.
        tie_names: each candidate's name as the window shows it, in `codes`' order: the names tied candidates
            are ordered by (`core.types.placing` on `core.types.tie_names`, the count engine's rule); None: the
            codes are the names. `IrvCase` gives its scenario the case's names.
    """

    codes: tuple[str, ...]
    first_round: np.ndarray
    transfers: np.ndarray
    max_rankings: int | None = None
    batch_elimination: bool = False
    stop_at_majority: bool = True
    full_preferential: bool = False
    tie_names: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        codes = tuple(self.codes)
        n = len(codes)
        if self.tie_names is not None:
            ties = tuple(self.tie_names)
            if len(ties) != n or not all(isinstance(t, str) for t in ties):
                raise ValueError(f"instant-runoff scenario: need a name for each of the {n} candidates, got {ties!r}")
            object.__setattr__(self, "tie_names", ties)
        if n < 2:
            raise ValueError(f"instant-runoff scenario: need at least two candidates, got {n}")
        bad = [c for c in codes if not isinstance(c, str) or not c.strip() or c == EXHAUSTED]
        if bad:
            raise ValueError(f"instant-runoff scenario: candidate codes {bad!r} are empty or reserved")
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise ValueError(f"instant-runoff scenario: candidate codes {dupes} appear twice")
        first = np.array(self.first_round, dtype=float)
        if first.shape != (n,):
            raise ValueError(f"instant-runoff scenario: first round needs {n} shares, got shape {first.shape}")
        wrong = [c for c, v in zip(codes, first, strict=True) if not (math.isfinite(v) and v >= 0)]
        if wrong:
            raise ValueError(f"instant-runoff scenario: first-round shares of {wrong} must be numbers >= 0")
        with np.errstate(over="ignore"):  # each finite, yet 100 x one or their sum not: inf and NaN shares
            total = first.sum()
            too_large = not (math.isfinite(total) and np.isfinite(100.0 * first).all())
        if not total > 0:
            raise ValueError("instant-runoff scenario: first-round shares are all zero")
        if too_large:
            raise ValueError(
                f"instant-runoff scenario: first-round shares are too large to scale to percentages (largest "
                f"{first.max():g})"
            )
        matrix = np.array(self.transfers, dtype=float)
        if matrix.shape != (n, n + 1):
            raise ValueError(
                f"instant-runoff scenario: the transfer matrix must be {n} x {n + 1} (a column per candidate "
                f"and one for exhausted), got shape {matrix.shape}"
            )
        with np.errstate(invalid="ignore"):  # NaN rows are named below, not warned about
            in_range = (
                np.isfinite(matrix).all(axis=1)
                & (matrix >= 0).all(axis=1)
                & (matrix <= 100.0 + SPLIT_TOLERANCE).all(axis=1)
            )
            totals = matrix.sum(axis=1)
        self_transfer = np.diagonal(matrix) > 0
        bad_sum = np.abs(totals - 100.0) > SPLIT_TOLERANCE
        for i in np.flatnonzero(~in_range | self_transfer | bad_sum):  # empty for a good matrix: one pass
            code, row = codes[i], matrix[i]
            if not in_range[i]:
                raise ValueError(f"transfer row {code!r}: every share must lie within 0-100, got {row.tolist()}")
            if self_transfer[i]:
                raise ValueError(f"transfer row {code!r}: a candidate cannot transfer to themselves ({row[i]:g} %)")
            raise ValueError(f"transfer row {code!r}: shares must sum to 100, got {totals[i]:g}")
        matrix *= 100.0 / totals[:, None]
        if self.max_rankings is not None and (
            isinstance(self.max_rankings, bool) or not isinstance(self.max_rankings, int) or self.max_rankings < 1
        ):
            raise ValueError(
                f"instant-runoff scenario: max_rankings must be a whole number >= 1, got {self.max_rankings!r}"
            )
        if self.full_preferential:
            if self.max_rankings is not None:
                raise ValueError(
                    "instant-runoff scenario: full preferential voting numbers every candidate, so no preference "
                    f"limit applies (max_rankings {self.max_rankings})"
                )
            exhausting = np.flatnonzero(matrix[:, -1] > SPLIT_TOLERANCE)
            if exhausting.size:
                at = int(exhausting[0])
                raise ValueError(
                    f"transfer row {codes[at]!r}: under full preferential voting no ballot exhausts, but the row "
                    f"sends {matrix[at, -1]:g} % to exhausted"
                )
            if matrix[:, -1].any():  # a rounding crumb: the rest of the row keeps its 100
                matrix[:, -1] = 0.0
                matrix *= 100.0 / matrix.sum(axis=1)[:, None]
        if abs(first.sum() - 100.0) > 1e-9:  # already normalised (a copy from with_row): kept bit for bit, so the
            first = 100.0 * first / first.sum()  # simulator's cache keyed on it holds across row edits
        first.setflags(write=False)
        matrix.setflags(write=False)
        object.__setattr__(self, "codes", codes)
        object.__setattr__(self, "first_round", first)
        object.__setattr__(self, "transfers", matrix)

    @property
    def n(self) -> int:
        """Number of candidates."""
        return len(self.codes)

    @property
    def tie(self) -> tuple[str, ...]:
        """The names tied candidates are ordered by, in `codes`' order (the later name ahead, as the count)."""
        return self.codes if self.tie_names is None else self.tie_names

    def index(self, code: str) -> int:
        """Position of a candidate (KeyError naming the unknown code)."""
        try:
            return self.codes.index(code)
        except ValueError:
            raise KeyError(f"unknown candidate {code!r} (the scenario has {', '.join(self.codes)})") from None

    def share(self, code: str) -> float:
        """First-round share (%) of a candidate."""
        return float(self.first_round[self.index(code)])

    def row(self, code: str) -> dict[str, float]:
        """A candidate's next-preference row: other candidate code or EXHAUSTED -> percent."""
        i = self.index(code)
        out = {c: float(v) for j, (c, v) in enumerate(zip(self.codes, self.transfers[i], strict=False)) if j != i}
        out[EXHAUSTED] = float(self.transfers[i, -1])
        return out

    def with_row(self, code: str, row: np.ndarray) -> IrvScenario:
        """A copy with one candidate's row replaced ((N + 1,) percent, checked as any row)."""
        i = self.index(code)
        matrix = np.array(self.transfers)
        matrix[i] = np.asarray(row, dtype=float)
        return self.with_values(transfers=matrix)

    def with_values(self, *, first_round: np.ndarray | None = None, transfers: np.ndarray | None = None) -> IrvScenario:
        """A copy with new shares and/or matrix (same candidates and rules)."""
        return IrvScenario(
            self.codes,
            self.first_round if first_round is None else first_round,
            self.transfers if transfers is None else transfers,
            self.max_rankings,
            self.batch_elimination,
            self.stop_at_majority,
            self.full_preferential,
            self.tie_names,
        )


def without_exhaustion(scenario: IrvScenario) -> IrvScenario:
    """The scenario under full preferential voting: each row's exhausted share spread over the candidates in
    proportion to the row's other entries (a row that is all exhausted becomes `proportional_row`), and no
    preference limit (a full-preferential paper numbers everyone)."""
    matrix = np.array(scenario.transfers, dtype=float)
    for i in range(scenario.n):
        rest = matrix[i, :-1].sum()
        matrix[i] = (
            proportional_row(scenario.first_round, i) if rest <= 0 else np.append(matrix[i, :-1] * (100.0 / rest), 0.0)
        )
    return IrvScenario(
        scenario.codes,
        scenario.first_round,
        matrix,
        None,
        scenario.batch_elimination,
        scenario.stop_at_majority,
        True,
        scenario.tie_names,
    )


def proportional_row(first_round: np.ndarray, i: int, exhausted: float = 0.0) -> np.ndarray:
    """A neutral row for candidate i: (100 - exhausted) % spread over the others by first-round share.

    Used where a candidate's row is unknown. If the others have no first-round votes, spread evenly.

    Args:
        first_round: (N,) shares.
        i: the candidate whose row this is.
        exhausted: the exhausted share (%).

    Returns:
        (N + 1,) row in percent.
    """
    n = len(first_round)
    weights = np.array(first_round, dtype=float)
    weights[i] = 0.0
    if not weights.sum() > 0:
        weights = np.ones(n)
        weights[i] = 0.0
    row = np.zeros(n + 1)
    row[:n] = (100.0 - exhausted) * weights / weights.sum()
    row[n] = exhausted
    return row


def irv_scenario(
    first_round: Mapping[str, float],
    rows: Mapping[str, Mapping[str, float]],
    *,
    max_rankings: int | None = None,
    batch_elimination: bool = False,
    stop_at_majority: bool = True,
    full_preferential: bool = False,
    tie_names: Sequence[str] | None = None,
) -> IrvScenario:
    """Build a scenario from dictionaries.

    Args:
        first_round: candidate code -> first-preference share (%); the candidates, in this order.
        rows: candidate code -> {other candidate code or EXHAUSTED: percent}; a name left out gets 0. A
            candidate with no row gets `proportional_row` (the others by first-round share, no exhaustion).
        max_rankings: how many rankings count (None: all).
        batch_elimination: exclude mathematically excluded candidates together.
        stop_at_majority: stop at a majority of the continuing votes (else run to the last two).
        full_preferential: no ballot exhausts (every row's exhausted share must be 0).
        tie_names: the names ties are broken by, in `first_round`'s order (None: the codes).

    Returns:
        The scenario.
    """
    codes = tuple(first_round)
    if len(codes) < 2:
        raise ValueError(f"instant-runoff scenario: need at least two candidates, got {len(codes)}")
    index = {c: i for i, c in enumerate(codes)}
    first = np.array([first_round[c] for c in codes], dtype=float)
    unknown = sorted(set(rows) - set(codes))
    if unknown:
        raise ValueError(f"transfer rows for unknown candidates {unknown}")
    matrix = np.zeros((len(codes), len(codes) + 1))
    safe_first = np.where(np.isfinite(first) & (first > 0), first, 0.0)
    for i, code in enumerate(codes):
        row = rows.get(code)
        if row is None:
            matrix[i] = proportional_row(safe_first, i)
            continue
        for to, share in row.items():
            if to == EXHAUSTED:
                matrix[i, -1] = share
            elif to in index:
                matrix[i, index[to]] = share
            else:
                raise ValueError(f"transfer row {code!r}: unknown candidate {to!r}")
    return IrvScenario(
        codes,
        first,
        matrix,
        max_rankings,
        batch_elimination,
        stop_at_majority,
        full_preferential,
        None if tie_names is None else tuple(tie_names),
    )


# --- moving votes (the simulation's general path; the single run has the same rule in plain floats) ---------


def _move(
    mass: np.ndarray, row: np.ndarray, open_: np.ndarray, limited: bool, fallback: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Where excluded votes go.

    Args:
        mass: (D, K) votes of the excluded candidate by depth (K = 1 with no preference limit).
        row: (D, N + 1) its next-preference weights (any positive scale; last column exhausted).
        open_: (D, N + 1) continuing candidates, and True in the exhausted column.
        limited: apply the preference limit (K rankings).
        fallback: (D, N + 1) full preferential voting: where a row has nobody open, the votes go by these
            weights (the first round, 0 exhausted) instead of exhausting: every such ballot names someone.

    Returns:
        ((D, N, K) votes arriving at each continuing candidate by depth, (D,) votes exhausted).
    """
    w = np.where(open_, row, 0.0)
    ws = w.sum(axis=1)
    if fallback is not None and not (ws > 0).all():
        empty = ~(ws > 0)
        w[empty] = np.where(open_, fallback, 0.0)[empty]
        ws = w.sum(axis=1)
    total = mass.sum(axis=1)
    positive = ws > 0
    if not limited:
        scale = np.divide(total, ws, out=np.zeros_like(total), where=positive)
        flows = w * scale[:, None]
        return flows[:, :-1, None], flows[:, -1] + np.where(positive, 0.0, total)
    rs = row.sum(axis=1)
    o = np.divide(ws, rs, out=np.zeros_like(ws), where=rs > 0)  # the open share: 1 - q
    q = 1.0 - o
    r = np.divide(w, ws[:, None], out=np.zeros_like(w), where=positive[:, None])
    k = mass.shape[1]
    land = np.zeros_like(mass)
    acc = np.zeros_like(total)
    for e in range(1, k):  # a vote on ranking d lands on ranking e > d with probability (1 - q) q^(e - d - 1)
        acc = acc * q + mass[:, e - 1]
        land[:, e] = o * acc
    to = r[:, :-1, None] * land[:, None, :]
    return to, total - to.sum(axis=(1, 2))


# --- one deterministic run -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IrvRound:
    """One round of the chain, as the count engine reports a round.

    Attributes:
        number: 1 for the first round.
        tallies: continuing candidate -> votes (points of the first-round valid vote) in this round.
        eliminated: candidates excluded at the end of the previous round whose votes moved in this round.
        transfers: (from, to or EXHAUSTED, points) moved in this round.
        exhausted: points exhausted so far (cumulative).
    """

    number: int
    tallies: dict[str, float]
    eliminated: tuple[str, ...] = ()
    transfers: tuple[tuple[str, str, float], ...] = ()
    exhausted: float = 0.0


@dataclass(frozen=True)
class Elimination:
    """An exclusion and how close it was.

    Attributes:
        round: the round whose tallies excluded them (their votes move in the next round).
        eliminated: who was excluded.
        survivor: the lowest candidate who stayed in.
        margin: survivor's tally minus the highest excluded candidate's (points of the first-round valid vote).
        winner_if_swapped: who wins if the survivor is excluded instead (and the chain runs on by its rules).
        decisive: that winner differs from the actual one.
    """

    round: int
    eliminated: tuple[str, ...]
    survivor: str
    margin: float
    winner_if_swapped: str
    decisive: bool


@dataclass(frozen=True)
class IrvRun:
    """The whole chain at the scenario's values.

    Attributes:
        rounds: every round.
        eliminations: every exclusion, in order, with its margin and whether it decides the race.
        winner: the winner.
        final_pair: the two leading candidates of the last round, winner first.
        final_margin: winner minus runner-up in points of their two votes (as Runoff.margin).
        notes: ties and how they were broken.
    """

    rounds: tuple[IrvRound, ...]
    eliminations: tuple[Elimination, ...]
    winner: str
    final_pair: tuple[str, str]
    final_margin: float
    notes: tuple[str, ...] = ()

    @property
    def decisive(self) -> tuple[Elimination, ...]:
        """The eliminations whose order decides the winner."""
        return tuple(e for e in self.eliminations if e.decisive)

    @property
    def exhausted(self) -> float:
        """Points of the first-round vote exhausted by the end."""
        return self.rounds[-1].exhausted


def _move_one(
    mass: list[float], row: list[float], open_: list[bool], limited: bool, fallback: list[float] | None = None
) -> tuple[list[list[float]], float]:
    """`_move` for a single count in plain floats (N is small: Python beats numpy's per-call cost here).

    Returns:
        (votes arriving at each candidate by depth, votes exhausted).
    """
    n, k = len(row) - 1, len(mass)
    w = [r if o else 0.0 for r, o in zip(row, open_, strict=True)]
    ws = sum(w)
    total = sum(mass)
    if ws <= 0 and fallback is not None:  # full preferential: the ballot names someone still in the count
        row = fallback
        w = [r if o else 0.0 for r, o in zip(row, open_, strict=True)]
        ws = sum(w)
    if ws <= 0:
        return [[0.0] * k for _ in range(n)], total
    if not limited:
        f = total / ws
        return [[x * f] for x in w[:n]], w[n] * f
    o = ws / sum(row)  # the open share: 1 - q
    q = 1.0 - o
    land = [0.0] * k
    acc = 0.0
    for e in range(1, k):
        acc = acc * q + mass[e - 1]
        land[e] = o * acc
    to = [[x / ws * v for v in land] for x in w[:n]]
    return to, total - sum(sum(t) for t in to)


class _Chain:
    """State of one deterministic count at the share level.

    Without a preference limit a candidate's votes are one number (`t`); with one, `votes` keeps them by the
    ranking they are counted on and `t` is their sum.
    """

    def __init__(self, scenario: IrvScenario) -> None:
        self.s = scenario
        self.limited = scenario.max_rankings is not None
        depth = scenario.max_rankings if scenario.max_rankings is not None else 1
        self.rows: list[list[float]] = scenario.transfers.tolist()
        self.t: list[float] = scenario.first_round.tolist()
        self.votes = [[v] + [0.0] * (depth - 1) for v in self.t] if self.limited else []
        self.alive = [True] * scenario.n
        self.exhausted = 0.0
        self.history: list[list[float]] = [self.t]
        # each candidate's place in the backwards tie-break order, folded in from the history as far as `_ordered`
        # rows (only when a tie is to be broken): the whole history's tuple per candidate per sort was cubic in the
        # candidates (200 candidates: a scenario of minutes)
        self._order: list[int] = [0] * scenario.n
        self._ordered = 0
        # full preferential: votes whose row names nobody still in the count go by the first round instead
        self.fallback: list[float] | None = [*self.t, 0.0] if scenario.full_preferential else None

    def copy(self) -> _Chain:
        other = _Chain.__new__(_Chain)
        other.s, other.limited, other.rows = self.s, self.limited, self.rows
        other.t, other.votes = list(self.t), [list(v) for v in self.votes]
        other.alive, other.exhausted, other.history = list(self.alive), self.exhausted, list(self.history)
        other.fallback = self.fallback
        other._order, other._ordered = self._order, self._ordered  # (replaced, never changed in place)
        return other

    def _order_now(self) -> list[int]:
        """Each candidate's place when ordered by (this round's tally, the round before's, ... the first's), rounded
        to _ROUND: the rounds not yet folded in are, one at a time (by the round, then the place before)."""
        order = self._order
        n = self.s.n
        for h in self.history[self._ordered :]:
            keys = [(round(h[c], _ROUND), order[c]) for c in range(n)]
            ranked = sorted(range(n), key=keys.__getitem__)
            new = [0] * n
            place, previous = -1, None
            for c in ranked:
                if keys[c] != previous:
                    place, previous = place + 1, keys[c]
                new[c] = place
            order = new
        self._order, self._ordered = order, len(self.history)
        return order

    def _tie_key(self, c: int) -> tuple[object, ...]:
        # As the count engine: a tie goes back to the most recent round where the tied differ, then by the name
        # shown (the earlier name lower: core.types.placing). (The history's last row is this round's tallies, so
        # the order already begins with them.)
        return (round(self.t[c], _ROUND), self._order_now()[c], self.s.tie[c])

    def ascending(self) -> list[int]:
        """Continuing candidates, lowest first (ties broken as the count engine breaks them)."""
        t = self.t
        up = sorted((c for c, on in enumerate(self.alive) if on), key=t.__getitem__)
        if any(t[b] - t[a] <= _TIE for a, b in pairwise(up)):
            order, names = self._order_now(), self.s.tie  # (_tie_key, its order worked out once per sort)
            up.sort(key=lambda c: (round(t[c], _ROUND), order[c], names[c]))
        return up

    def outcome(self) -> int | None:
        """The winner if the count stops here, else None."""
        t = self.t
        if self.s.stop_at_majority:
            standing = list(compress(t, self.alive))  # the continuing tallies, in candidate order
            total = sum(standing)
            top = max(standing)
            if 2.0 * top - total > _TIE:  # (two cannot both hold more than half: the top one is the one)
                return next(c for c, on in enumerate(self.alive) if on and t[c] == top)
            if len(standing) <= 2:
                return self.ascending()[-1]
            return None
        if sum(self.alive) <= 2:
            return self.ascending()[-1]
        return None

    def losers(self) -> tuple[list[int], str | None]:
        """Who is excluded now, and a note when a tie or a batch decided it."""
        t = self.t
        up = self.ascending()
        names = self.s.tie
        if self.s.batch_elimination:
            batch, total = 0, 0.0
            for k in range(1, len(up) - 1):
                total += t[up[k - 1]]
                if t[up[k]] - total > _TIE:
                    batch = k
            if batch >= 2:
                out = up[:batch]
                together = ", ".join(names[c] for c in out)
                return out, f"{together} excluded together (fewer votes between them than {names[up[batch]]})"
        tied = [c for c in up if t[c] - t[up[0]] <= _TIE]
        note = None
        if len(tied) > 1:
            note = f"{', '.join(names[c] for c in tied)} tied for last; {names[up[0]]} excluded on earlier rounds/name"
        return [up[0]], note

    def eliminate(self, losers: list[int], record: bool = True) -> list[tuple[str, str, float]]:
        """Exclude `losers` and move their votes; returns the transfers (if `record`)."""
        n = self.s.n
        codes = self.s.codes
        for c in losers:
            self.alive[c] = False
        open_ = [*self.alive, True]
        transfers: list[tuple[str, str, float]] = []
        t = list(self.t)
        votes = [list(v) for v in self.votes]
        for c in losers:
            t[c] = 0.0
            if self.limited:
                votes[c] = [0.0] * len(votes[c])
        for c in losers:
            to, ex = _move_one(
                self.votes[c] if self.limited else [self.t[c]], self.rows[c], open_, self.limited, self.fallback
            )
            for j in range(n):
                moved = to[j]
                v = sum(moved)
                if v:
                    t[j] += v
                    if self.limited:
                        votes[j] = [a + b for a, b in zip(votes[j], moved, strict=True)]
                    if record and v > _TIE:
                        transfers.append((codes[c], codes[j], v))
            if record and ex > _TIE:
                transfers.append((codes[c], EXHAUSTED, ex))
            self.exhausted += ex
        self.t, self.votes = t, votes
        self.history.append(t)
        return sorted(transfers)

    def play_out(self) -> int:
        """Run the chain to the end by its rules and return the winner."""
        while True:
            winner = self.outcome()
            if winner is not None:
                return winner
            self._step()

    def _step(self) -> None:
        """One step of `play_out`: an exclusion (or every candidate on nothing, together), no records kept."""
        if not (self.limited or self.s.batch_elimination) and self._step_fast():
            return
        if not self.s.batch_elimination and self._drop_zeros():
            return
        self.eliminate(self.losers()[0], record=False)

    def before_reading(self, i: int) -> _Chain | None:
        """The count as `play_out` has it just before the step that excludes candidate i, when i's row is first
        read (None: the count ends with i still in, so i's row is never read). Every round before it is the same
        whatever i's row says, so a play-out from there with another row for i is the whole play-out's
        (`row_break_even` tries a hundred rows of one candidate: each re-plays only the rounds from i's
        exclusion). Advances this chain past that step."""
        while self.outcome() is None:
            before = self.copy()
            self._step()
            if not self.alive[i]:
                return before
        return None

    def _drop_zeros(self) -> bool:
        """Exclude together every continuing candidate on exactly no votes, when nobody else is tied with them.

        The rule excludes them one a round anyway (the lowest, tied at nothing, in the tie-break's order): each
        such exclusion moves no vote and changes no tally (x + 0.0 is x), so the count after all of them, and
        every later round, is the same whatever their order. Only the winner is asked for here (`play_out`:
        the decisive replays and the break-evens), so the rounds in between are not kept: a race with a
        hundred candidates on nothing ran a tie-broken sort per round of every replay (a scenario of minutes).
        The history gains no row: a round whose tallies equal the last one's changes no tie-break order.

        Returns:
            False (nothing done) unless at least one was excluded and two candidates with votes remain.
        """
        t, alive = self.t, self.alive
        zeros = [c for c, on in enumerate(alive) if on and t[c] == 0.0]
        others = [t[c] for c, on in enumerate(alive) if on and t[c] != 0.0]
        if not zeros or len(others) < 2 or min(others) <= _TIE:
            return False
        for c in zeros:
            alive[c] = False
        return True

    def _step_fast(self) -> bool:
        """One exclusion with no preference limit and no batch, when the lowest is clear (no tie to break).

        The same rule as `eliminate`, without records or copies: the decisive replays run many of these.

        Returns:
            False (and nothing done) when the lowest two are tied: `losers` must then break the tie.
        """
        t, alive = self.t, self.alive
        live = list(compress(range(len(t)), alive))  # (min and index at C speed: a race of 200 ran this 60,000 times)
        tallies = [t[c] for c in live]
        lowest = min(tallies)
        at = tallies.index(lowest)  # the earliest on the lowest tally, as the scan in candidate order found
        tallies[at] = math.inf
        if min(tallies) - lowest <= _TIE:  # (the second lowest; a repeat of the lowest is a tie)
            return False
        loser = live.pop(at)
        alive[loser] = False
        row = self.rows[loser]
        new = list(t)
        new[loser] = 0.0
        open_total = row[-1] + sum(compress(row, alive))  # (the open entries in order: the same sum, at C speed)
        if open_total <= 0 and self.fallback is not None:
            row = self.fallback
            open_total = sum(compress(row, alive))
        if open_total > 0:
            f = t[loser] / open_total
            for j in live:
                new[j] += row[j] * f
            self.exhausted += row[-1] * f
        else:
            self.exhausted += t[loser]
        self.t = new
        self.history.append(new)
        return True

    def tallies(self) -> dict[str, float]:
        return {self.s.codes[c]: self.t[c] for c in range(self.s.n) if self.alive[c]}


def run_irv(scenario: IrvScenario, *, replays: bool = True) -> IrvRun:
    """Run the elimination chain at the scenario's values: every round, the winner, the decisive eliminations.

    Args:
        scenario: the race.
        replays: replay the count from every exclusion with the survivor out instead (the decisive ones). False
            for a caller that reads only the rounds and who went out when (a break-even's sentence): then no
            elimination is marked decisive and each one's `winner_if_swapped` is the winner, not worked out
            (200 candidates: 200 replays of up to 200 rounds).

    Returns:
        The run.
    """
    chain = _Chain(scenario)
    codes = scenario.codes
    rounds = [IrvRound(1, chain.tallies())]
    pending: list[tuple[int, _Chain, list[int], int, float]] = []
    notes: list[str] = []
    while True:
        winner = chain.outcome()
        if winner is not None:
            break
        losers, note = chain.losers()
        if note:
            notes.append(f"round {len(rounds)}: {note}")
        t = chain.t
        up = chain.ascending()
        survivor = next(c for c in up if c not in losers)
        top_loser = max(losers, key=up.index)
        pending.append((len(rounds), chain.copy() if replays else chain, losers, survivor, t[survivor] - t[top_loser]))
        transfers = chain.eliminate(losers)
        rounds.append(
            IrvRound(
                len(rounds) + 1, chain.tallies(), tuple(codes[c] for c in losers), tuple(transfers), chain.exhausted
            )
        )
    eliminations = []
    for number, before, losers, survivor, margin in pending:
        if not replays:
            other = winner
            eliminations.append(
                Elimination(number, tuple(codes[c] for c in losers), codes[survivor], margin, codes[other], False)
            )
            continue
        top_loser = max(losers, key=before.ascending().index)
        swapped = [c for c in losers if c != top_loser] + [survivor]
        replay = before.copy()
        replay.eliminate(swapped)
        other = replay.play_out()
        eliminations.append(
            Elimination(number, tuple(codes[c] for c in losers), codes[survivor], margin, codes[other], other != winner)
        )
    t = chain.t
    alive = [c for c in range(scenario.n) if chain.alive[c]]
    names = scenario.tie
    runner = max((c for c in alive if c != winner), key=lambda c: (float(t[c]), names[c]))
    pair_total = t[winner] + t[runner]
    final_margin = 100.0 * (t[winner] - t[runner]) / pair_total if pair_total > 0 else 0.0
    if len(alive) == 2 and abs(t[winner] - t[runner]) <= _TIE:
        notes.append("final round tied: decided on earlier rounds, then by name")
    return IrvRun(
        tuple(rounds), tuple(eliminations), codes[winner], (codes[winner], codes[runner]), final_margin, tuple(notes)
    )


_SCAN = 64  # grid points per direction in row_break_even before bisection


def row_break_even(scenario: IrvScenario, code: str, to: str, source: str, *, tol: float = 1e-9) -> float | None:
    """How far one slider of a row must move to change the winner: the "what would it take" of a transfer.

    Points of `code`'s row are moved from `source` to `to` (a positive answer) or from `to` back to `source`
    (a negative one); the rest of the row stays as it is. The answer is the smallest such move that elects
    someone else, to within `tol` points (tallies within 1e-9 points count as tied, so in practice to about
    1e-9 / the slope of the closest gap: 1e-8 points when a point of the row moves the gap by 0.1).

    The winner is a step function of the move; each direction is scanned on a grid of _SCAN points and the
    first change is then bisected, so a change that reverses within one grid step (1/64 of the share
    available) could be passed over. Up to about 200 runs of the chain: tens of milliseconds for 12
    candidates, so compute it on demand (the slider released, a button), not every frame.

    Args:
        scenario: the race.
        code: whose row.
        to: candidate code or EXHAUSTED gaining in the positive direction.
        source: candidate code or EXHAUSTED losing in the positive direction.
        tol: precision in points.

    Returns:
        The signed move in points of the row, or None if no move within the row changes the winner.
    """
    i = scenario.index(code)
    cols = []
    for name in (to, source):
        j = scenario.n if name == EXHAUSTED else scenario.index(name)
        if j == i:
            raise ValueError(f"transfer row {code!r}: a candidate cannot transfer to themselves")
        cols.append(j)
    a, b = cols
    if a == b:
        raise ValueError(f"row break-even: {to!r} and {source!r} are the same")
    base = scenario.transfers[i].tolist()
    chain = _Chain(scenario)
    start = chain.before_reading(i)  # the rounds before i's exclusion, played once for every row tried
    if start is None:  # i is never excluded: their row moves no vote, whatever it says
        return None
    winner = start.copy().play_out()

    def winner_at(x: float) -> int:
        row = list(base)
        row[a] += x
        row[b] -= x
        replay = start.copy()
        replay.rows = [*replay.rows[:i], row, *replay.rows[i + 1 :]]
        return replay.play_out()

    return scan_for_change(winner_at, winner, up=base[b], down=base[a], tol=tol)


def scan_for_change(
    winner_at: Callable[[float], int], winner: int, *, up: float, down: float, tol: float
) -> float | None:
    """The smallest signed move x (within +`up` and -`down` points) at which `winner_at(x)` is no longer `winner`:
    _SCAN grid points each way, then bisection to `tol`. None if no move within them changes the winner."""
    best: float | None = None
    for sign, room in ((1.0, up), (-1.0, down)):
        if room <= 0:
            continue
        previous = 0.0
        for step in range(1, _SCAN + 1):
            x = room * step / _SCAN
            if winner_at(sign * x) != winner:
                lo, hi = previous, x
                while hi - lo > tol:
                    mid = 0.5 * (lo + hi)
                    if winner_at(sign * mid) != winner:
                        hi = mid
                    else:
                        lo = mid
                if best is None or hi < abs(best):
                    best = sign * hi
                break
            previous = x
    return best


# --- from real counts and ballots ------------------------------------------------------------------------------


def scenario_from_count(result: CountResult, *, fallback: IrvScenario | None = None) -> IrvScenario:
    """The scenario at a real count's shares and real transfers: it reproduces the count's rounds.

    Row i is what candidate i's votes actually did when i was excluded (their transfers over the votes i held
    then), so it already includes exhaustion from preference limits (max_rankings stays None) and is zero for
    candidates excluded before i. Candidates never excluded take their row from `fallback` (a prior with the
    same codes, e.g. `prior_from_ballots`), else `proportional_row`.

    Args:
        result: an instant-runoff count from `core.count.count_ballots`.
        fallback: rows for the candidates the count never excluded.

    Returns:
        The scenario (batch elimination as in the count's rules).
    """
    first = result.rounds[0].tallies
    codes = tuple(first)
    valid = sum(first.values())
    if valid <= 0:
        raise ValueError("count: the first round has no votes")
    shares = np.array([100.0 * first[c] / valid for c in codes])
    index = {c: i for i, c in enumerate(codes)}
    matrix = np.array([proportional_row(shares, i) for i in range(len(codes))])
    if fallback is not None:
        for i, code in enumerate(codes):
            if code in fallback.codes:
                prior = fallback.row(code)
                matrix[i] = [0.0 if c == code else prior.get(c, 0.0) for c in codes] + [prior[EXHAUSTED]]
                total = matrix[i].sum()
                matrix[i] = 100.0 * matrix[i] / total if total > 0 else proportional_row(shares, i)
    for previous, this in zip(result.rounds, result.rounds[1:], strict=False):
        for loser in this.eliminated:
            held = previous.tallies.get(loser, 0)
            if held <= 0:
                continue
            row = np.zeros(len(codes) + 1)
            for t in this.transfers:
                if t.from_candidate == loser:
                    row[-1 if t.to_candidate == EXHAUSTED else index[t.to_candidate]] += 100.0 * t.votes / held
            matrix[index[loser]] = row
    return IrvScenario(
        codes, shares, matrix, None, result.rules.batch_elimination, True, result.rules.full_preferential
    )


def prior_from_ballots(
    ballots: Iterable[Ballot] | BallotTable,
    candidates: Sequence[str] | None = None,
    *,
    max_rankings: int | None = None,
    full_preferential: bool = False,
    rules: CountRules | None = None,
) -> IrvScenario:
    """Last election's ballots as a scenario: first preferences and each candidate's voters' next choice.

    Row i counts the ballots whose first preference is i by their next preference: the first later ranking
    that names another candidate (blank rankings and repeats of i are passed over; an overvote, or no
    candidate within `max_rankings`, is exhausted). A ballot with a blank or overvoted first ranking is left
    out, as the count engine rejects it by default. A candidate with no first preferences gets
    `proportional_row`.

    Under full preferential voting (`full_preferential`, a contest's `Rules.full_preferential`) a paper that
    does not number every candidate but the last is informal (`core.count.formal_full_preferential`, the count
    engine's own test): it feeds neither the first preferences nor any row. A formal paper never exhausts:
    its next preference is its second number, or (two candidates standing) the one candidate it leaves
    implied; so no row has an exhausted share.

    Args:
        ballots: Ballot rows or a BallotTable (what the CSV reader gives).
        candidates: every candidate standing, in order (default: as they appear on the ballots).
        max_rankings: how many rankings the next preference may come from (None: all; not applied under full
            preferential voting, where every number counts).
        full_preferential: read the papers as a full preferential count does.
        rules: read the papers as the count under these rules does (`core.count.read_papers`: a first choice
            left blank passed over when the rules allow it, skips, repeats and overvotes as they say), so the
            first preferences are the count's round 1 (New York City's papers count from their first valid
            ranking; read by the default rule, those papers were left out). `max_rankings`, when given, limits
            the rankings instead of the rules'. Not used under full preferential voting.

    Returns:
        A scenario with the ballots' first-round shares and next-preference rows (no preference limit set;
        `full_preferential` as given).

    Raises:
        ValueError: a name on the ballots is not in `candidates`, or no ballot (formal ballot, under full
            preferential voting) has a first preference.
    """
    from warroom.core.count import formal_full_preferential  # (the count engine's rule; imported when used)

    table = ballots if isinstance(ballots, BallotTable) else table_from_ballots(ballots)
    if full_preferential:
        max_rankings = None
    names = list(candidates) if candidates is not None else list(table.candidates)
    index = {c: i for i, c in enumerate(names)}
    unknown = [c for c in table.candidates if c not in index]
    if unknown:
        raise ValueError(f"ballots name candidates {unknown} who are not in the candidate list")
    n = len(names)
    lut = np.array([index[c] for c in table.candidates] + [-1, -2], dtype=np.intp)  # BLANK -1, OVERVOTE -2
    ranks = table.ranks if max_rankings is None else table.ranks[:, :max_rankings]
    counts = table.counts.astype(float)
    if ranks.shape[1] == 0 or ranks.shape[0] == 0:
        raise ValueError("ballots: nothing to read")
    codes = lut[np.where(ranks >= 0, ranks, len(table.candidates) + (-ranks - 1))]  # -1 -> BLANK, -2 -> OVERVOTE
    first = codes[:, 0]
    counted = first >= 0
    if full_preferential:
        counted &= formal_full_preferential(table)  # an informal paper is rejected, not exhausted
    nxt = np.full(first.shape, n, dtype=np.intp)  # n: exhausted
    pending = counted.copy()
    for j in range(1, codes.shape[1]):
        v = codes[:, j]
        stop = pending & (v == -2)
        found = pending & (v >= 0) & (v != first)
        nxt[found] = v[found]
        pending &= ~(stop | found)
    if full_preferential and pending.any():  # a formal paper of a two-candidate race: the other is implied
        named = {index[table.candidates[c]] for c in np.unique(table.ranks[table.ranks >= 0])}
        for i in np.unique(first[pending]):
            others = named - {int(i)}
            if len(others) == 1:
                nxt[pending & (first == i)] = others.pop()
    if rules is not None and not full_preferential:  # the count's own reading of each paper
        from warroom.core.count import read_papers

        limit = rules.max_rankings if max_rankings is None else max_rankings
        prefs, length, rejected = read_papers(table, replace(rules, max_rankings=limit))
        head = prefs[:, 0].astype(np.intp)
        counted = ~rejected & (head >= 0)  # a leading overvote that says who (`continuing`) exhausts in round 1
        first = np.where(head >= 0, lut[np.maximum(head, 0)], -1)
        after = prefs[:, 1].astype(np.intp) if prefs.shape[1] > 1 else np.full(head.shape, -1, dtype=np.intp)
        nxt = np.where((length >= 2) & (after >= 0), lut[np.maximum(after, 0)], n)
    f = first[counted]
    if not counts[counted].sum() > 0:
        formal = "formal " if full_preferential else ""
        raise ValueError(f"ballots: no {formal}ballot has a valid first preference")
    first_votes = np.bincount(f, weights=counts[counted], minlength=n)
    pairs = np.bincount(f * (n + 1) + nxt[counted], weights=counts[counted], minlength=n * (n + 1)).reshape(n, n + 1)
    shares = 100.0 * first_votes / first_votes.sum()
    matrix = np.empty((n, n + 1))
    for i in range(n):
        matrix[i] = 100.0 * pairs[i] / first_votes[i] if first_votes[i] > 0 else proportional_row(shares, i)
    return IrvScenario(tuple(names), shares, matrix, full_preferential=full_preferential)


# --- rows edited one at a time -------------------------------------------------------------------------------


def minor_group(scenario: IrvScenario, below: float = 5.0, keep: Sequence[str] = ()) -> tuple[str, ...]:
    """Candidates under `below` % of the first round (except those in `keep`): the usual "minor" group."""
    return tuple(c for c, v in zip(scenario.codes, scenario.first_round, strict=True) if v < below and c not in keep)


def _check_groups(scenario: IrvScenario, groups: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """member -> group name, checking names and members."""
    member_of: dict[str, str] = {}
    for name, members in groups.items():
        if name in scenario.codes or name == EXHAUSTED:
            raise ValueError(f"group {name!r}: the name is also a candidate code (or reserved)")
        if not members:
            raise ValueError(f"group {name!r}: has no members")
        for m in members:
            scenario.index(m)
            if m in member_of:
                raise ValueError(f"group {name!r}: {m!r} is already in group {member_of[m]!r}")
            member_of[m] = name
    return member_of


def grouped_row(
    scenario: IrvScenario, code: str, groups: Mapping[str, Sequence[str]] | None = None
) -> dict[str, float]:
    """A candidate's row as its sliders show it: each group's members summed under the group's name.

    Args:
        scenario: the race.
        code: whose row.
        groups: group name -> member codes (e.g. {"minor": minor_group(scenario)}).

    Returns:
        candidate code, group name or EXHAUSTED -> percent (the candidate's own code is left out).
    """
    member_of = _check_groups(scenario, groups or {})
    out: dict[str, float] = {}
    for to, share in scenario.row(code).items():
        key = member_of.get(to, to)
        out[key] = out.get(key, 0.0) + share
    return out


def set_row(
    scenario: IrvScenario,
    code: str,
    shares: Mapping[str, float],
    groups: Mapping[str, Sequence[str]] | None = None,
) -> IrvScenario:
    """A copy of the scenario with one candidate's row set from slider values.

    Args:
        scenario: the race.
        code: whose row.
        shares: other candidate code, group name or EXHAUSTED -> percent; anything left out gets 0. Must sum
            to 100 (within SPLIT_TOLERANCE; rescaled to exactly 100).
        groups: group name -> member codes. A group's share is spread over its members (other than `code`)
            in proportion to their first-round shares, evenly if they have none.

    Returns:
        The new scenario.
    """
    scenario.index(code)  # KeyError naming an unknown candidate before anything else
    groups = groups or {}
    member_of = _check_groups(scenario, groups)
    n = scenario.n
    row = np.zeros(n + 1)
    for key, value in shares.items():
        if not (isinstance(value, int | float) and math.isfinite(value) and 0.0 <= value <= 100.0):
            shown = "exhausted" if key == EXHAUSTED else key  # (its internal code, '__exhausted__', was printed)
            raise ValueError(f"transfer row {code!r}: share to {shown!r} must lie within 0-100, got {value!r}")
        if key == EXHAUSTED:
            row[n] += value
        elif key in groups:
            members = [scenario.index(m) for m in groups[key] if m != code]
            if not members:
                if value > 0:
                    raise ValueError(
                        f"transfer row {code!r}: group {key!r} has no member but {code!r} to receive votes"
                    )
                continue
            weights = scenario.first_round[members]
            weights = weights / weights.sum() if weights.sum() > 0 else np.full(len(members), 1.0 / len(members))
            row[members] += value * weights
        elif key == code:
            raise ValueError(f"transfer row {code!r}: a candidate cannot transfer to themselves")
        elif key in member_of and member_of[key] in shares:
            raise ValueError(f"transfer row {code!r}: {key!r} is given both alone and in group {member_of[key]!r}")
        else:
            row[scenario.index(key)] += value
    total = float(row.sum())
    if abs(total - 100.0) > SPLIT_TOLERANCE:
        raise ValueError(f"transfer row {code!r}: shares must sum to 100, got {total:g}")
    return scenario.with_row(code, row)


# --- published transfers and words ---------------------------------------------------------------------------

_FULL_PUBLICATION = 100.0 - 6 * SPLIT_TOLERANCE  # figures summing to this or more describe every voter (rounded)


def with_published_rows(scenario: IrvScenario, observed: Sequence[TransferObservation]) -> IrvScenario:
    """The scenario with each candidate's row set from the latest usable published figures.

    `observed` is in chronological order, each publication's figures together (as Poll.transfers are); a
    (from, to) pair seen again starts a new publication, as in `scenario.default_splits`, so figures from
    different polls are never mixed. A publication is read as:

    * figures that name EXHAUSTED, or sum to 97 or more (rounding): rescaled to 100, anyone unnamed 0;
    * otherwise the named figures stand and the rest of the row, 100 minus their sum, is spread over what
      was not named (the other candidates and exhaustion) in proportion to the scenario's own row there
      (the prior), or by first-round share if that row has nothing there, or to exhaustion when no unnamed
      candidate has a share (every other candidate named: the rest gave no next preference).

    A publication naming someone outside the scenario, the candidate themselves, or figures outside 0-100
    (or summing past 100 by more than rounding) is passed over for the one before it.

    Args:
        scenario: the race and its prior rows.
        observed: published next-preference figures, oldest first.

    Returns:
        A new scenario (rows without a usable publication keep their prior).
    """
    publications: dict[str, list[dict[str, float]]] = {}
    for t in observed:
        runs = publications.setdefault(t.from_candidate, [{}])
        if t.to_candidate in runs[-1]:
            runs.append({})
        runs[-1][t.to_candidate] = t.share
    matrix = np.array(scenario.transfers)
    for code, runs in publications.items():
        if code not in scenario.codes:
            continue
        i = scenario.index(code)
        for published in reversed(runs):
            row = _published_row(scenario, i, published)
            if row is not None:
                matrix[i] = row
                break
    return scenario.with_values(transfers=matrix)


def _published_row(scenario: IrvScenario, i: int, published: Mapping[str, float]) -> np.ndarray | None:
    n = scenario.n
    named = np.zeros(n + 1, dtype=bool)
    row = np.zeros(n + 1)
    for to, share in published.items():
        j = n if to == EXHAUSTED else (scenario.codes.index(to) if to in scenario.codes else -1)
        if j < 0 or j == i or not (math.isfinite(share) and 0.0 <= share <= 100.0):
            return None
        named[j] = True
        row[j] = share
    total = float(row.sum())
    if total > 100.0 + SPLIT_TOLERANCE:
        return None
    if named[n] or total >= _FULL_PUBLICATION:
        return 100.0 * row / total if total > 0 else None
    free = ~named
    free[i] = False
    weights = np.where(free, scenario.transfers[i], 0.0)
    if not weights.sum() > 0:
        weights = np.where(free[:n], scenario.first_round, 0.0)
        weights = np.append(weights, 0.0)
        if not weights.sum() > 0:
            # No unnamed candidate with votes: the rest have no next preference and exhaust ("of Cat's voters,
            # 35 % Ann, 35 % Bob" in a race of three). The publication was passed over, the polls left unread.
            if not free[n]:
                return None
            weights[n] = 1.0
    return row + (100.0 - total) * weights / weights.sum()


def pair_leads(scenario: IrvScenario, first_rounds: np.ndarray, a: str, b: str) -> np.ndarray:
    """The two-candidate-preferred lead of `a` over `b` for many first rounds at once.

    Each row of `first_rounds` is counted through the scenario's transfer rows and preference limit with every
    candidate but `a` and `b` excluded, lowest first, until only the two are left (Australia's
    "two-candidate-preferred" count). When the chain's own final pair is (a, b) and it runs to the last two,
    this is its final margin (`IrvRun.final_margin`); it goes on past a majority, as the TCP count does.
    Ties for lowest go to the earlier candidate (a chart cannot resolve them anyway).

    Args:
        scenario: the transfer rows, preference limit and candidates (its first round is not used).
        first_rounds: (D, N) first-round shares in the scenario's candidate order (any scale per row).
        a, b: the pair.

    Returns:
        (D,) a's votes minus b's in points of their two votes; NaN where the two have none between them.
    """
    ia, ib = scenario.index(a), scenario.index(b)
    if ia == ib:
        raise ValueError(f"a two-candidate-preferred lead needs two different candidates, got {a!r} twice")
    first = np.array(first_rounds, dtype=float, ndmin=2)
    d, n = first.shape
    if n != scenario.n:
        raise ValueError(f"first rounds have {n} candidates, the scenario {scenario.n}")
    limited = scenario.max_rankings is not None
    depth = scenario.max_rankings if scenario.max_rankings is not None else 1
    votes = np.zeros((d, n, depth))
    votes[:, :, 0] = first = np.where(np.isfinite(first) & (first > 0), first, 0.0)
    alive = np.ones((d, n), dtype=bool)
    open_ = np.ones((d, n + 1), dtype=bool)
    draw = np.arange(d)
    for _ in range(n - 2):
        key = np.where(alive, votes.sum(axis=2), np.inf)
        key[:, [ia, ib]] = np.inf
        loser = np.argmin(key, axis=1)
        alive[draw, loser] = False
        open_[:, :n] = alive
        mass = votes[draw, loser]
        votes[draw, loser] = 0.0
        fallback = np.concatenate([first, np.zeros((d, 1))], axis=1) if scenario.full_preferential else None
        arriving, _exhausted = _move(mass, scenario.transfers[loser], open_, limited, fallback)
        votes += arriving
    ta, tb = votes[:, ia].sum(axis=1), votes[:, ib].sum(axis=1)
    both = ta + tb
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(both > 0, 100.0 * (ta - tb) / both, np.nan)


def elimination_lines(run: IrvRun, names: Mapping[str, str] | None = None) -> list[str]:
    """The chain in words, one line per exclusion and one for the result: what a briefing or the CLI prints.

    Args:
        run: the single run.
        names: candidate code -> display name (codes where missing).

    Returns:
        Lines such as "Round 3: Labor out, 0.5 points behind Greens. Decisive: with Greens out instead,
        Labor wins."
    """

    def name(code: str) -> str:
        return bidi_isolated((names or {}).get(code, code))

    lines = []
    for e in run.eliminations:
        out = listed([name(c) for c in e.eliminated])
        gap = f"{e.margin:.1f} points" if e.margin >= 0.05 else "less than 0.1 points"
        line = f"Round {e.round}: {out} out, {gap} behind {name(e.survivor)}."
        if e.decisive:
            line += f" Decisive: with {name(e.survivor)} out instead, {name(e.winner_if_swapped)} wins."
        lines.append(line)
    winner, runner = run.final_pair
    last = run.rounds[-1].tallies if run.rounds else {}
    pair = last.get(winner, 0.0) + last.get(runner, 0.0)
    shares = (
        f"{100.0 * last.get(winner, 0.0) / pair:.1f} % to {100.0 * last.get(runner, 0.0) / pair:.1f} % of their two votes; "
        if pair > 0
        else ""
    )
    lines.append(
        f"{name(winner)} wins, {run.final_margin:.1f} points ahead of {name(runner)} in the final round "
        f"({shares}{run.exhausted:.1f} points of the first-round vote exhausted)."
    )
    return lines


# --- win probabilities by simulation -------------------------------------------------------------------------


@dataclass(frozen=True)
class IrvOdds:
    """What the simulation says about every candidate.

    Attributes:
        codes: the candidates.
        n: number of draws.
        p_win: candidate code -> share of draws they win.
        p_final_pair: candidate code -> share of draws they are one of the last two when the count is run to
            the end (the two-candidate-preferred pair; the winner is the same whether or not the count stops
            at a majority).
        p_third: candidate code -> share of draws they finish third: the last excluded before the final two
            (the highest of that exclusion under batch elimination). The "who finishes third" question.
        p_first_out: candidate code -> share of draws they are the first excluded (a sanity check on the field).
    """

    codes: tuple[str, ...]
    n: int
    p_win: dict[str, float]
    p_final_pair: dict[str, float]
    p_third: dict[str, float]
    p_first_out: dict[str, float]

    def simulation_sd(self, code: str) -> float:
        """Simulation (Monte Carlo) sd of P(win) for a candidate, in probability units."""
        p = self.p_win[code]
        return math.sqrt(p * (1.0 - p) / self.n)


def _check_positive(name: str, value: float, *, zero_ok: bool) -> None:
    if not (isinstance(value, int | float) and math.isfinite(value) and (value >= 0 if zero_ok else value > 0)):
        raise ValueError(
            f"instant-runoff simulation: {name} must be a number {'>=' if zero_ok else '>'} 0, got {value!r}"
        )


def _first_round_draws(p: np.ndarray, z: np.ndarray, share_sd: float) -> np.ndarray:
    """(D, N) logistic-normal first rounds around shares p (percent) from standard normals z."""
    frac = p / 100.0
    alive = frac > 0
    safe = np.where(alive, frac, 1.0)
    sigma = np.where(alive, 2.0 * share_sd / (100.0 * np.sqrt(safe)), 0.0)
    centre = np.where(alive, np.log(safe) - 0.5 * sigma**2, -np.inf)
    x = centre + sigma * z
    x -= x.max(axis=1, keepdims=True)
    e = np.exp(x)
    return 100.0 * e / e.sum(axis=1, keepdims=True)


def _row_draws(row: np.ndarray, z: np.ndarray, concentration: float) -> np.ndarray:
    """(D, N + 1) Dirichlet(concentration x row) weights as moment-matched lognormal gammas (unnormalised)."""
    shape = concentration * row / 100.0
    on = shape > 0
    safe = np.where(on, shape, 1.0)
    s2 = np.log1p(1.0 / safe)
    mu = np.log(safe) - 0.5 * s2
    if on.all():
        return np.exp(mu + np.sqrt(s2) * z)
    out = np.zeros(z.shape)  # a zero share stays exactly zero (exp(-inf)); only the others are drawn
    cols = np.flatnonzero(on)
    out[..., cols] = np.exp(mu[cols] + np.sqrt(s2[cols]) * z[..., cols])
    return out


def _chain_fast(
    first: np.ndarray, rows: np.ndarray, full: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """`_chain_draws` with no preference limit and one exclusion a round: the slider's hot path (a full run of
    `_FastChain`; see there)."""
    chain = _FastChain(first, full, keep=False)
    chain.run_all(rows)
    return chain.results()


class _FastChain:
    """Every draw's count with no preference limit and one exclusion a round, kept so that a row edit re-runs
    only what it changes.

    Every draw excludes one candidate a round, so the loop runs exactly N - 2 times with no per-draw
    bookkeeping of who is still counting. Excluded candidates are kept out of the minimum by an infinite
    tally and out of the transfers by a zero in the open mask. Tallies are float32, held candidate-major
    (N, D) (and so is each round's gathered rows, so every step of a round is a contiguous pass) so that the lowest candidate of every draw is one contiguous integer minimum: a positive float32
    read as an int32 keeps its order, and its lowest bits are replaced by the candidate's index, so the
    minimum carries the loser with it. Tallies within 2^-(23 - bits) of each other (bits = the index's
    width, 4 for up to 16 candidates: 2e-6 relative) count as tied and go to the earlier candidate;
    float32 itself keeps shares to about 1e-5 points. Both are far below what a simulation resolves.

    Re-running from a round: candidate i's row is read only when i is excluded, so in a draw where i goes out
    in round k, every round before k (and who goes out in it, i included) is the same whatever i's row says.
    A whole run keeps every round's tallies and loser; after an edit of some rows, each draw restarts from
    the first round in which one of them is excluded, or from the last round whose kept tallies are still
    those of the current count if that is earlier (draws where every edited candidate reaches the last two
    are not re-run at all). A re-run round is the same arithmetic, draw by draw, as in a whole run, so the
    results are identical, not close. Dragging one candidate's slider re-runs only the rounds from that
    candidate's exclusion.
    """

    def __init__(self, first: np.ndarray, full: bool, keep: bool = True) -> None:
        d, n = first.shape
        self.first = first
        self.full = full
        self.d, self.n = d, n
        rounds = max(n - 2, 0)
        self.losers = np.zeros((rounds, d), dtype=np.intp)  # who goes out in each round of each draw
        # each draw's tallies before each round (+inf: out by then), for `rerun`; a one-off count (`keep` False)
        # keeps none: N - 2 rounds of N x D tallies are as large as the rows themselves
        self.before = np.zeros((rounds, n, d) if keep else (0, n, d), dtype=np.float32)
        self.kept = np.zeros(d, dtype=np.intp)  # kept for rounds 0 .. kept[j] of draw j (later ones are stale)
        self.winner = np.zeros(d, dtype=np.intp)
        self.runner = np.zeros(d, dtype=np.intp)

    def results(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """((D,) winner, (D,) runner-up, (D,) first excluded, (D,) third), as `_chain_draws` returns them."""
        if self.n <= 2:
            none = np.full(self.d, -1, dtype=np.intp)
            return self.winner, self.runner, none, none.copy()
        return self.winner, self.runner, self.losers[0].copy(), self.losers[-1].copy()

    def run_all(self, rows: np.ndarray) -> None:
        """The whole count of every draw with `rows` ((N, D, N + 1) next-preference weights)."""
        self._run(rows, np.zeros(self.d, dtype=np.intp))

    def rerun(self, rows: np.ndarray, changed: Sequence[int]) -> None:
        """Bring the results up to date after the rows `changed` (candidate indices) were redrawn."""
        rounds = self.n - 2
        if rounds <= 0:
            return
        if not len(self.before):
            raise RuntimeError("this count kept no rounds to re-run from (made with keep=False)")
        start = np.full(self.d, rounds, dtype=np.intp)
        for i in changed:  # the first round in which a changed row is read, draw by draw
            k, draw = np.nonzero(self.losers == i)  # (a draw excludes i once at most: no repeated draw)
            start[draw] = np.minimum(start[draw], k)
        self._run(rows, np.minimum(start, self.kept))

    def _run(self, rows: np.ndarray, start: np.ndarray) -> None:
        """Run draw j from round start[j] (0: the whole count; N - 2: not at all; at most kept[j])."""
        d, n, first, full = self.d, self.n, self.first, self.full
        if n <= 2:
            order = np.argsort(-first, axis=1, kind="stable")
            self.winner, self.runner = order[:, 0].copy(), order[:, 1 % n].copy()
            return
        rounds = n - 2
        picked = np.flatnonzero(start < rounds)
        if picked.size == 0:
            return
        whole = picked.size == d and not start.any()  # every draw from the first round: every round kept
        keep = len(self.before) > 0
        if not whole:
            picked = picked[np.argsort(start[picked], kind="stable")]  # by restart round: those running, a prefix
        begins = start[picked]
        m_all = picked.size
        bits = max(1, (n - 1).bit_length())
        low = np.int32((1 << bits) - 1)
        high = np.int32(~low)
        index = np.arange(n, dtype=np.int32)[:, None]
        # The picked draws' state at their restart round: tallies as kept (an excluded candidate's at +inf, so
        # the tallies are their own key for the minimum), the candidates out by then closed to transfers.
        open_ = np.ones((n + 1, m_all), dtype=np.float32)  # (N + 1, M): who can receive (the last: exhausted)
        if whole:
            tallies = np.array(first.T, dtype=np.float32, order="C")
            alive_sum = np.full(m_all, n * (n - 1) // 2, dtype=np.intp)  # the indices of those still in, summed
        else:
            tallies = np.ascontiguousarray(self.before[begins, :, picked].T)
            live = np.isfinite(tallies)  # (N, M): still in at the restart
            open_[:n] = live
            alive_sum = (live * index).sum(axis=0).astype(np.intp)
            self.kept[picked] = begins  # the rounds re-run below are not kept
        flat_rows = rows.reshape(n * d, n + 1)
        weights_buf = np.empty((n + 1, m_all), dtype=np.float32)
        t_flat, open_flat = tallies.reshape(-1), open_.reshape(-1)
        local_all = np.arange(m_all)
        key_buf = np.empty((n, m_all), dtype=np.int32)
        at = np.empty(m_all, dtype=np.intp)
        tiny = np.float32(1e-30)  # a row with nobody open moves nothing (weights all 0), whatever it is scaled by
        active = np.searchsorted(begins, np.arange(rounds), side="right")  # draws running in each round
        for k in range(int(begins[0]), rounds):
            m = int(active[k])
            t = tallies[:, :m]
            here = picked[:m]
            if whole and keep:
                self.before[k] = t
            key_bits = np.bitwise_and(t.view(np.int32), high, out=key_buf[:, :m])
            key_bits |= index
            loser = key_bits.min(axis=0)
            loser &= low
            loser = loser.astype(np.intp)
            self.losers[k, here] = loser
            alive_sum[:m] -= loser
            a = np.multiply(loser, m_all, out=at[:m])
            a += local_all[:m]  # (loser, draw) in the (N, M) tallies and the (N + 1, M) open mask alike
            mass = t_flat.take(a)
            t_flat[a] = np.inf
            open_flat[a] = 0.0
            o = open_[:, :m]
            weights = weights_buf[:, :m]  # (N + 1, M): the losers' rows, candidate-major like the tallies
            np.copyto(weights.T, flat_rows.take(loser * d + here, axis=0))
            weights *= o
            total = weights.sum(axis=0)
            if full and not (total > 0).all():  # full preferential: nobody open in the row, so by the first round
                empty = np.flatnonzero(~(total > 0))
                weights[:n, empty] = first[here[empty]].T * o[:n, empty]
                weights[n, empty] = 0.0
                total[empty] = weights[:, empty].sum(axis=0)
            np.maximum(total, tiny, out=total)
            np.divide(mass, total, out=total)
            moved = weights[:n]
            moved *= total
            t += moved  # (an excluded candidate's weight is 0: their +inf stays)
        if whole:
            self.kept[:] = rounds
        # Two are left: the lower is the runner-up, found as every loser was (a tie: the earlier candidate).
        key_bits = np.bitwise_and(tallies.view(np.int32), high, out=key_buf)
        key_bits |= index
        runner = (key_bits.min(axis=0) & low).astype(np.intp)
        self.runner[picked] = runner
        self.winner[picked] = alive_sum - runner


def _chain_draws(
    first: np.ndarray, rows: np.ndarray, max_rankings: int | None, batch: bool, full: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Run the chain in every draw at once, down to the last two.

    Running on past a majority never changes the winner: the majority holder's tally can only grow, and the
    others' combined tally can only shrink (each exclusion moves votes out of it), so the draws need no
    per-draw stopping rule.

    Args:
        first: (D, N) first-round shares.
        rows: (N, D, N + 1) each candidate's next-preference weights in each draw.
        max_rankings: preference limit (None: all).
        batch: batch elimination.
        full: full preferential voting (a row with nobody open goes by the first round, never exhausts).

    Returns:
        ((D,) winner, (D,) runner-up in the last two, (D,) first excluded, (D,) third: the highest of the last
        exclusion), as candidate indices; -1 where there was no exclusion.
    """
    if max_rankings is None and not batch:
        return _chain_fast(first, rows, full)
    d, n = first.shape
    limited = max_rankings is not None
    depth = max_rankings if max_rankings is not None else 1
    votes = np.zeros((d, n, depth))
    votes[:, :, 0] = first
    alive = first >= 0  # everyone, as a (D, N) mask
    draw = np.arange(d)
    flat_rows = rows.reshape(n * d, n + 1)
    first_out = np.full(d, -1, dtype=np.intp)
    third = np.full(d, -1, dtype=np.intp)
    open_ = np.ones((d, n + 1), dtype=bool)
    fallback = np.concatenate([first, np.zeros((d, 1))], axis=1) if full else None
    for _ in range(n - 2 + 1):
        tot = votes[:, :, 0] if depth == 1 else votes.sum(axis=2)
        live = alive.sum(axis=1) > 2
        if not live.any():
            break
        key = np.where(alive, tot, np.inf)
        if batch:
            order = np.argsort(key, axis=1)
            ranked = np.take_along_axis(key, order, axis=1)
            below = np.cumsum(np.where(np.isfinite(ranked), ranked, 0.0), axis=1)
            n_alive = alive.sum(axis=1)
            k = np.arange(1, n)
            fits = (below[:, :-1] < ranked[:, 1:]) & (k[None, :] <= (n_alive - 2)[:, None])
            size = np.where(fits, k[None, :], 0).max(axis=1)
            size = np.where(size >= 2, size, 1)
            slots = [(order[:, j], live & (j < size)) for j in range(int(size[live].max()))]
            top = order[draw, size - 1]
        else:
            slots = [(np.argmin(key, axis=1), live)]
            top = slots[0][0]
        third = np.where(live, top, third)
        for loser, mask in slots:
            alive[draw[mask], loser[mask]] = False
        first_out = np.where((first_out < 0) & live, slots[0][0], first_out)
        open_[:, :n] = alive
        arriving = np.zeros_like(votes)
        for loser, mask in slots:
            mass = votes[draw, loser] * mask[:, None]
            to, _ = _move(mass, flat_rows[loser * d + draw], open_, limited, fallback)
            arriving += to
            votes[draw[mask], loser[mask]] = 0.0
        votes += arriving
    tot = np.where(alive, votes[:, :, 0] if depth == 1 else votes.sum(axis=2), -np.inf)
    winner = np.argmax(tot, axis=1)
    tot[draw, winner] = -np.inf
    return winner, np.argmax(tot, axis=1), first_out, third


class IrvSimulator:
    """Win probabilities for a race of N candidates, with the random numbers drawn once per seed.

    The standard normals behind every draw are kept, so repeated calls (a slider being dragged) reuse them:
    each call is arithmetic only, results change smoothly with the inputs, and a row whose values did not
    change is not recomputed. A fresh simulator with the same seed gives identical results. Not thread-safe:
    give each worker its own.

    A big race is streamed instead (`streamed`: more than _DENSE_LIMIT row noise values, N x draws x (N + 1);
    45 candidates at 2,000 draws): kept noise and rounds would grow with candidates squared x draws (200
    candidates: 1.3 GB). Each run then draws the rows' noise afresh, a block of draws at a time (_CHUNK_BYTES
    of rows), from one generator per candidate seeded by (seed, candidate) and read on from block to block (so
    the figures do not depend on the block size), counts the block and keeps only who won: memory stays within
    tens of MB whatever the field. Candidates on exactly nothing in the first round are left out of the count
    (`_contenders`; with no preference limit): every draw gives them no votes, so the count excludes them
    first, lowest index first, moving no vote, and the rounds after are those of the count without them
    (tested exact). Same seed, same figures; they differ from what a dense simulator would draw by simulation
    error only (tested), and a race under the limit (every ordinary race) is simulated exactly as before.
    """

    def __init__(self, n_candidates: int, draws: int = DEFAULT_DRAWS, seed: int = 0) -> None:
        """Draw the noise.

        Args:
            n_candidates: N, the race size this simulator serves.
            draws: number of simulated counts.
            seed: seed of numpy's default generator.
        """
        if not (isinstance(n_candidates, int) and n_candidates >= 2):
            raise ValueError(f"instant-runoff simulation: need at least two candidates, got {n_candidates!r}")
        if not (isinstance(draws, int) and not isinstance(draws, bool) and draws >= 1):
            raise ValueError(f"instant-runoff simulation: draws must be a whole number >= 1, got {draws!r}")
        self.n = n_candidates
        self.draws = draws
        self.seed = seed
        self.streamed = n_candidates * draws * (n_candidates + 1) > _DENSE_LIMIT
        rng = np.random.default_rng(seed)
        self._z_first = rng.standard_normal((draws, n_candidates))
        rows_shape = (0, draws, n_candidates + 1) if self.streamed else (n_candidates, draws, n_candidates + 1)
        self._z_rows = rng.standard_normal(rows_shape)
        self._rows = np.empty(rows_shape, dtype=np.float32)  # see _chain_fast
        self._row_keys: list[tuple[bytes, float] | None] = [None] * n_candidates
        self._first = np.empty((draws, n_candidates))
        self._first_key: tuple[bytes, float] | None = None
        self._chain: _FastChain | None = None  # the last fast-path count, re-run from the rounds an edit changes
        self._last: tuple[tuple[object, ...], IrvOdds] | None = None  # streamed: the last run's inputs and odds

    def run(
        self,
        scenario: IrvScenario,
        *,
        share_sd: float = DEFAULT_SHARE_SD,
        concentration: float = DEFAULT_CONCENTRATION,
    ) -> IrvOdds:
        """Simulate the count `draws` times.

        Args:
            scenario: the race (N candidates, as the simulator was made for).
            share_sd: sd (points) of a 50 % candidate's first-round share; 0 for no polling error.
            concentration: Dirichlet concentration of every transfer row; math.inf for no transfer error.

        Returns:
            The odds.
        """
        if scenario.n != self.n:
            raise ValueError(
                f"instant-runoff simulation: this simulator is for {self.n} candidates, the scenario has {scenario.n}"
            )
        _check_positive("share sd", share_sd, zero_ok=True)
        if not (isinstance(concentration, int | float) and concentration > 0 and not math.isnan(concentration)):
            raise ValueError(f"instant-runoff simulation: concentration must be a number > 0, got {concentration!r}")
        if self.streamed:
            return self._run_streamed(scenario, float(share_sd), float(concentration))
        changed = []
        for i in range(self.n):
            key = (scenario.transfers[i].tobytes(), float(concentration))
            if self._row_keys[i] != key:
                if math.isinf(concentration):
                    self._rows[i] = scenario.transfers[i]
                else:
                    self._rows[i] = _row_draws(scenario.transfers[i], self._z_rows[i], concentration)
                self._row_keys[i] = key
                changed.append(i)
        key = (scenario.first_round.tobytes(), float(share_sd))
        if self._first_key != key:  # a row slider leaves the first round as it was
            self._first = _first_round_draws(scenario.first_round, self._z_first, share_sd)
            self._first_key = key
            self._chain = None
        if scenario.max_rankings is not None or scenario.batch_elimination:
            self._chain = None
            return _odds(scenario, self._first, self._rows)
        chain = self._chain
        if chain is None or chain.full != scenario.full_preferential:
            chain = self._chain = _FastChain(self._first, scenario.full_preferential)
            chain.run_all(self._rows)
        elif changed:  # a slider move: each draw re-run from the round the moved row is first read
            chain.rerun(self._rows, changed)
        return _tally_odds(scenario.codes, *chain.results())

    def _run_streamed(self, scenario: IrvScenario, share_sd: float, concentration: float) -> IrvOdds:
        """`run` for a big race: a block of draws at a time, the candidates on nothing left out (see the class)."""
        key = (
            scenario.first_round.tobytes(),
            scenario.transfers.tobytes(),
            share_sd,
            concentration,
            scenario.max_rankings,
            scenario.batch_elimination,
            scenario.full_preferential,
        )
        if self._last is not None and self._last[0] == key:  # (the panel asks again for an unchanged case)
            return self._last[1]
        first = _first_round_draws(scenario.first_round, self._z_first, share_sd)
        kept = _contenders(scenario)
        p = kept.size
        rows_of = scenario.transfers[np.ix_(kept, np.append(kept, self.n))]  # (P, P + 1): the exhausted column last
        block = max(1, min(self.draws, _CHUNK_BYTES // (4 * p * (p + 1))))
        # `_row_draws` in float32, in place: log G = mu + s z (a zero entry: mu -inf, s 0, so G is exactly 0)
        fixed = math.isinf(concentration)  # no transfer error: every draw's rows are the scenario's
        shape = (1.0 if fixed else concentration) * rows_of / 100.0
        on = shape > 0
        safe = np.where(on, shape, 1.0)
        s2 = np.log1p(1.0 / safe)
        mu = np.where(on, np.log(safe) - 0.5 * s2, -np.inf).astype(np.float32)
        sd = np.where(on, np.sqrt(s2), 0.0).astype(np.float32)
        found = np.empty((4, self.draws), dtype=np.intp)
        # one stream per candidate, read a block at a time: the same numbers whatever the block size
        streams = [np.random.default_rng([self.seed, 1, i]) for i in kept.tolist()]
        for start in range(0, self.draws, block):
            stop = min(self.draws, start + block)
            rows = np.empty((p, stop - start, p + 1), dtype=np.float32)
            for a, stream in enumerate(streams):
                row = rows[a]
                if fixed:
                    row[...] = rows_of[a]
                    continue
                _normals32(stream, row)
                row *= sd[a]
                row += mu[a]
                np.exp(row, out=row)
            found[:, start:stop] = _count_contenders(first[start:stop], rows, kept, scenario)
        odds = _tally_odds(scenario.codes, *found)
        self._last = (key, odds)
        return odds


def _normals32(stream: np.random.Generator, out: np.ndarray) -> None:
    """Fill `out` ((C, W) float32) with standard normals by the Box-Muller transform of `stream`'s float32
    uniforms: twice as fast as numpy's normal sampler in float32 (a streamed simulation of 200 candidates draws
    80 million). Each row of `out` takes 2 ceil(W / 2) uniforms, so a stream read a block of rows at a time
    gives the same numbers whatever the block size. (The uniforms' 2^-24 grain cuts the tails at 5.8 sd.)"""
    c, w = out.shape
    h = (w + 1) // 2
    u = stream.random((c, 2, h), dtype=np.float32)
    radius, angle = u[:, 0], u[:, 1]
    np.subtract(np.float32(1.0), radius, out=radius)  # (0, 1]: log is finite
    np.log(radius, out=radius)
    radius *= np.float32(-2.0)
    np.sqrt(radius, out=radius)
    angle *= np.float32(2.0 * math.pi)
    np.multiply(radius, np.cos(angle), out=out[:, :h])
    np.multiply(radius[:, : w - h], np.sin(angle[:, : w - h]), out=out[:, h:])


def _contenders(scenario: IrvScenario) -> np.ndarray:
    """The candidates a streamed simulation counts: those with first-round votes (at least two: with one, the
    highest-indexed candidate on nothing too, the one the count leaves beside them). Sorted indices.

    Everyone under a preference limit: there a share of a row sent to an excluded candidate still uses up a
    ranking (the module docstring), so the candidates on nothing weigh in every transfer's exhaustion."""
    first_round = scenario.first_round
    if scenario.max_rankings is not None:
        return np.arange(scenario.n)
    kept = np.flatnonzero(first_round > 0)
    if kept.size < 2:
        kept = np.union1d(kept, np.flatnonzero(~(first_round > 0))[-(2 - kept.size) :])
    return kept


def _count_contenders(
    first: np.ndarray, rows: np.ndarray, kept: np.ndarray, scenario: IrvScenario
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """`_chain_draws` over the whole field, counted over the contenders `kept` only.

    Every other candidate has no first-round vote in any draw (`_first_round_draws` gives a share of 0 exactly
    0), so the count excludes them first, one a round, lowest index first (the fast path's integer minimum and
    the general path's argmin both take the earliest of tied tallies), moving no vote: x + 0.0 is x and, with
    no preference limit (`_contenders` keeps everyone under one), a closed entry of a row weighs 0, so the count
    of the contenders alone has the same tallies, bit for bit on the fast path. Under batch elimination they go
    out together with the lowest, and the same winner and runner-up follow.

    Args:
        first: (D, N) first-round shares of the whole field (0 outside `kept`).
        rows: (P, D, P + 1) the contenders' next-preference weights over the contenders and exhaustion.
        kept: (P,) the contenders' indices in the field, ascending.
        scenario: the rules (preference limit, batch elimination, full preferential voting).

    Returns:
        As `_chain_draws`, as indices in the whole field.
    """
    d, n = first.shape
    p = kept.size
    winner, runner, first_out, third = _chain_draws(
        np.ascontiguousarray(first[:, kept]),
        rows,
        scenario.max_rankings,
        scenario.batch_elimination,
        scenario.full_preferential,
    )
    dropped = np.setdiff1d(np.arange(n), kept)
    if dropped.size:
        first_out = np.full(d, dropped[0], dtype=np.intp)
    else:
        first_out = np.where(first_out >= 0, kept[np.maximum(first_out, 0)], -1)
    if p > 2:
        third = np.where(third >= 0, kept[np.maximum(third, 0)], -1)
    else:  # the contenders are the last two: the last one out is the last left out (if any)
        third = np.full(d, dropped[-1] if dropped.size else -1, dtype=np.intp)
    return kept[winner], kept[runner], first_out, third


def _odds(scenario: IrvScenario, first: np.ndarray, rows: np.ndarray) -> IrvOdds:
    results = _chain_draws(first, rows, scenario.max_rankings, scenario.batch_elimination, scenario.full_preferential)
    return _tally_odds(scenario.codes, *results)


def _tally_odds(
    codes: tuple[str, ...], winner: np.ndarray, runner: np.ndarray, first_out: np.ndarray, third: np.ndarray
) -> IrvOdds:
    d, n = winner.shape[0], len(codes)
    wins = np.bincount(winner, minlength=n) / d
    pair = (np.bincount(winner, minlength=n) + np.bincount(runner, minlength=n)) / d
    thirds = np.bincount(third[third >= 0], minlength=n) / d
    out = np.bincount(first_out[first_out >= 0], minlength=n) / d
    return IrvOdds(
        codes,
        d,
        {c: float(v) for c, v in zip(codes, wins, strict=True)},
        {c: float(v) for c, v in zip(codes, pair, strict=True)},
        {c: float(v) for c, v in zip(codes, thirds, strict=True)},
        {c: float(v) for c, v in zip(codes, out, strict=True)},
    )


def simulate_irv(
    scenario: IrvScenario,
    *,
    draws: int = DEFAULT_DRAWS,
    seed: int = 0,
    share_sd: float = DEFAULT_SHARE_SD,
    concentration: float = DEFAULT_CONCENTRATION,
    exact: bool = False,
) -> IrvOdds:
    """Win probabilities of one scenario (a one-off `IrvSimulator`; use the class for repeated calls).

    Args:
        scenario: the race.
        draws: number of simulated counts.
        seed: seed of numpy's default generator.
        share_sd: sd (points) of a 50 % candidate's first-round share.
        concentration: Dirichlet concentration of every transfer row.
        exact: draw the rows' gammas exactly (numpy's gamma sampler) instead of the moment-matched lognormals;
            slower, not reusable across calls, and all held at once (N x draws x (N + 1)): a check for ordinary
            races, not streamed.

    Returns:
        The odds.
    """
    if not exact:
        return IrvSimulator(scenario.n, draws, seed).run(scenario, share_sd=share_sd, concentration=concentration)
    sim = IrvSimulator(scenario.n, draws, seed)  # validates and draws the same first-round noise
    _check_positive("share sd", share_sd, zero_ok=True)
    _check_positive("concentration", concentration, zero_ok=False)
    rng = np.random.default_rng([seed, 1])
    shape = concentration * scenario.transfers / 100.0
    rows = rng.standard_gamma(np.broadcast_to(shape[:, None, :], (scenario.n, draws, scenario.n + 1)))
    first = _first_round_draws(scenario.first_round, sim._z_first, share_sd)
    return _odds(scenario, first, rows)
