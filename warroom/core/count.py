"""Ballot-level count engine: Supplementary Vote, contingent vote and instant runoff.

Exact integer arithmetic throughout: a count is reproduced to the vote or it is wrong.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from warroom.core.types import EXHAUSTED, CountingSystem


@dataclass(frozen=True, slots=True)
class Ballot:
    """`count` identical ballots ranking `preferences` (first choice first)."""

    preferences: tuple[str, ...]
    count: int = 1


@dataclass(frozen=True, slots=True)
class Transfer:
    """Votes moved in a round from an eliminated candidate to a continuing one, or to EXHAUSTED."""

    from_candidate: str
    to_candidate: str
    votes: int


@dataclass(frozen=True)
class CountRound:
    """One stage of the count.

    Attributes:
        tallies: votes of every candidate still in the count at the end of this round.
        eliminated: candidates excluded at the end of the previous round whose ballots moved in this round.
        transfers: where those ballots went.
        exhausted: ballots exhausted so far (cumulative).
    """

    number: int
    tallies: dict[str, int]
    eliminated: tuple[str, ...] = ()
    transfers: tuple[Transfer, ...] = ()
    exhausted: int = 0

    @property
    def continuing_votes(self) -> int:
        return sum(self.tallies.values())


@dataclass(frozen=True)
class CountResult:
    system: CountingSystem
    rounds: tuple[CountRound, ...]
    winner: str
    valid: int
    rejected: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def first_round(self) -> CountRound:
        return self.rounds[0]

    @property
    def final_round(self) -> CountRound:
        return self.rounds[-1]

    def added(self, candidate: str) -> int:
        """Votes a candidate gained by transfers over the whole count."""
        return sum(t.votes for r in self.rounds for t in r.transfers if t.to_candidate == candidate)


class CountError(ValueError):
    """The ballots cannot be counted (no valid ballots, unknown candidate, ...)."""


def _clean(preferences: Sequence[str]) -> tuple[str, ...]:
    """Drop blanks and repeated marks for the same candidate (a repeat adds nothing)."""
    seen: list[str] = []
    for pref in preferences:
        pref = pref.strip()
        if pref and pref not in seen:
            seen.append(pref)
    return tuple(seen)


def _majority(tallies: dict[str, int]) -> str | None:
    total = sum(tallies.values())
    for cand, votes in tallies.items():
        if 2 * votes > total:
            return cand
    return None


def _rank_key(cand: str, history: Sequence[dict[str, int]]) -> tuple[int, ...]:
    # Ties are broken on the most recent earlier round where the tied candidates differ
    # (the usual "backwards" rule), then by name so the count is deterministic.
    return tuple(h.get(cand, 0) for h in reversed(history))


def count_ballots(
    ballots: Iterable[Ballot],
    system: CountingSystem | str,
    candidates: Sequence[str] | None = None,
) -> CountResult:
    """Count `ballots` under `system`.

    Args:
        ballots: rows of preferences with a count. A ballot with no first preference is rejected.
        system: "sv" (only the second preference counts), "contingent" (highest preference for
            either of the top two counts) or "irv" (eliminate the last candidate one round at a time).
        candidates: all candidates standing; those with no first preferences still appear with 0.
            If given, a preference for anyone else is an error.

    Returns:
        Every round with transfers and exhausted ballots, and the winner.
    """
    system = CountingSystem(system)
    piles: Counter[tuple[str, ...]] = Counter()
    rejected = 0
    known = set(candidates) if candidates is not None else None
    for ballot in ballots:
        if ballot.count < 0:
            raise CountError(f"negative ballot count {ballot.count} for {ballot.preferences}")
        raw = ballot.preferences[:2] if system is CountingSystem.SV else ballot.preferences
        prefs = _clean(raw)  # SV: the paper has two columns; cut before dropping blanks and repeats
        if not prefs or not ballot.preferences or not ballot.preferences[0].strip():
            rejected += ballot.count  # no first preference: the whole paper is void
            continue
        if known is not None:
            unknown = [p for p in prefs if p not in known]
            if unknown:
                raise CountError(f"unknown candidate {unknown[0]!r} on a ballot")
        piles[prefs] += ballot.count
    if not piles:
        raise CountError("no valid ballots to count")

    names = list(candidates) if candidates is not None else []
    for prefs in piles:
        for p in prefs:
            if p not in names:
                names.append(p)

    first: dict[str, int] = {c: 0 for c in names}
    for prefs, n in piles.items():
        first[prefs[0]] += n
    valid = sum(first.values())
    rounds = [CountRound(1, dict(first))]
    notes: list[str] = []

    winner = _majority(first)
    if winner is not None:
        return CountResult(system, tuple(rounds), winner, valid, rejected, tuple(notes))

    if system in (CountingSystem.SV, CountingSystem.CONTINGENT):
        ordered = sorted(first, key=lambda c: (-first[c], c))
        if len(ordered) < 2:
            return CountResult(system, tuple(rounds), ordered[0], valid, rejected, tuple(notes))
        if len(ordered) > 2 and first[ordered[1]] == first[ordered[2]]:
            notes.append(
                f"tie for second place between {ordered[1]} and {ordered[2]}: decided by name here; the law decides by lot"
            )
        finalists = ordered[:2]
        out = tuple(ordered[2:])
        tallies = {c: first[c] for c in finalists}
        moved: Counter[tuple[str, str]] = Counter()
        for prefs, n in piles.items():
            if prefs[0] in finalists:
                continue
            dest = next((p for p in prefs[1:] if p in finalists), EXHAUSTED)
            moved[(prefs[0], dest)] += n
            if dest != EXHAUSTED:
                tallies[dest] += n
        transfers = tuple(Transfer(src, dst, n) for (src, dst), n in sorted(moved.items()))
        exhausted = sum(n for (src, dst), n in moved.items() if dst == EXHAUSTED)
        rounds.append(CountRound(2, tallies, out, transfers, exhausted))
        winner = max(finalists, key=lambda c: (tallies[c], first[c]))
        if tallies[finalists[0]] == tallies[finalists[1]]:
            notes.append("final round tied: decided on first preferences here; the law decides by lot")
        return CountResult(system, tuple(rounds), winner, valid, rejected, tuple(notes))

    # Instant runoff: ballots sit with their highest-ranked continuing candidate.
    continuing = list(names)
    holders: dict[tuple[str, ...], str] = {prefs: prefs[0] for prefs in piles}
    history = [dict(first)]
    exhausted = 0
    tallies = dict(first)
    number = 1
    while True:
        winner = _majority(tallies)
        if winner is not None or len(continuing) <= 2:
            if winner is None:
                winner = max(continuing, key=lambda c: (tallies[c], _rank_key(c, history), c))
                if len({tallies[c] for c in continuing}) == 1:
                    notes.append("final round tied: decided on earlier rounds, then by name")
            return CountResult(system, tuple(rounds), winner, valid, rejected, tuple(notes))
        low = min(tallies[c] for c in continuing)
        tied = [c for c in continuing if tallies[c] == low]
        loser = min(tied, key=lambda c: (_rank_key(c, history), c))
        if len(tied) > 1:
            notes.append(f"round {number}: {', '.join(tied)} tied for last; {loser} excluded on earlier rounds/name")
        continuing.remove(loser)
        moved = Counter()
        for prefs, holder in holders.items():
            if holder != loser:
                continue
            dest = next((p for p in prefs[prefs.index(loser) + 1 :] if p in continuing), EXHAUSTED)
            holders[prefs] = dest
            moved[(loser, dest)] += piles[prefs]
        number += 1
        tallies = {c: tallies[c] for c in continuing}
        for (_src, dst), n in moved.items():
            if dst == EXHAUSTED:
                exhausted += n
            else:
                tallies[dst] += n
        transfers = tuple(Transfer(src, dst, n) for (src, dst), n in sorted(moved.items()))
        rounds.append(CountRound(number, dict(tallies), (loser,), transfers, exhausted))
        history.append(dict(tallies))
