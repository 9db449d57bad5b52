"""Property tests of the count engine: invariants, and agreement with a plain one-paper-at-a-time count."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warroom.core.count import Ballot, CountError, CountResult, CountRules, Overvote, count_ballots
from warroom.core.types import EXHAUSTED

NAMES = ["A", "B", "C", "D", "E"]
_cell = st.sampled_from([*NAMES, "", "overvote", "A=B", "B=C=D", "E=A"])  # `A=B`: an overvote saying who
_ballot = st.builds(
    Ballot,
    st.lists(_cell, min_size=1, max_size=6).map(tuple),
    st.integers(min_value=0, max_value=40),
)
_ballots = st.lists(_ballot, min_size=1, max_size=25)
_rules = st.builds(
    CountRules,
    max_rankings=st.one_of(st.none(), st.integers(1, 5)),
    exhaust_after_skips=st.one_of(st.none(), st.integers(1, 3)),
    overvote=st.sampled_from(list(Overvote)),
    first_choice_required=st.booleans(),
    full_preferential=st.booleans(),
    batch_elimination=st.booleans(),
    final_two=st.booleans(),
)


def _read(prefs: tuple[str, ...], rules: CountRules, limit: int) -> list[str | frozenset[str]] | None:
    """One paper read by the rules as the module docstring words them; None if rejected.

    Under Overvote.CONTINUING an overvote that says who was marked stays on the paper as the set of them."""
    out: list[str | frozenset[str]] = []
    run = 0
    for j, cell in enumerate(prefs[:limit]):
        marked = frozenset(cell.split("=")) if "=" in cell else None
        if marked is not None and rules.overvote is not Overvote.CONTINUING:
            cell, marked = "overvote", None
        if j == 0 and rules.first_choice_required and (cell in ("", "overvote") or marked):
            return None
        if marked:
            out.append(marked)
            run = 0
            continue
        if cell == "overvote" and rules.overvote is not Overvote.SKIP:
            break
        if cell in ("", "overvote") or cell in out:
            run += 1
            if rules.exhaust_after_skips is not None and run >= rules.exhaust_after_skips:
                break
            continue
        out.append(cell)
        run = 0
    return out or None


def _reference(ballots: list[Ballot], system: str, rules: CountRules) -> tuple[list[dict[str, int]], str] | None:
    """Rounds and winner, counted a paper at a time with dicts; None when there is nothing to count."""
    width = max(len(b.preferences) for b in ballots)
    limit = width if rules.max_rankings is None else min(width, rules.max_rankings)
    read = [(_read(b.preferences, rules, limit), b.count) for b in ballots]
    names = sorted({c for prefs, _ in read if prefs for item in prefs for c in _names_in(item)})
    on_papers = {c for b in ballots for cell in b.preferences for c in cell.split("=")} - {"", "overvote"}
    if system == "contingent" and len(on_papers) == 3:
        return None  # the three-candidate limit is covered by its own unit test
    if rules.full_preferential:  # the first N - 1 cells are N - 1 different candidates, or it is informal
        need = max(len(names) - 1, 1)

        def formal(cells: tuple[str, ...]) -> bool:
            head = cells[:limit][:need]
            return len(head) == need and all(c in NAMES for c in head) and len(set(head)) == need

        read = [(p if formal(b.preferences) else None, n) for (p, n), b in zip(read, ballots, strict=True)]
    papers = [(p, n) for p, n in read if p and n]
    if not papers:
        return None
    alive = set(names)

    def next_from(p: list[str | frozenset[str]], start: int) -> tuple[str, int]:
        for at in range(start, len(p)):
            item = p[at]
            live = [item] if isinstance(item, str) and item in alive else sorted(alive & _names_in(item))
            if isinstance(item, frozenset) and len(live) > 1:
                return EXHAUSTED, at
            if live:
                return live[0], at
        return EXHAUSTED, len(p)

    placed = [next_from(p, 0) for p, _ in papers]
    holder = [h for h, _ in placed]
    where = [at for _, at in placed]
    tallies = {c: sum(n for (_p, n), h in zip(papers, holder, strict=True) if h == c) for c in names}
    rounds = [dict(tallies)]

    def move(out: set[str]) -> None:
        alive.difference_update(out)
        for i, (p, _n) in enumerate(papers):
            if holder[i] in out:
                holder[i], where[i] = next_from(p, where[i] + 1)
        for c in list(tallies):
            tallies[c] = sum(n for (_p, n), h in zip(papers, holder, strict=True) if h == c)
            if c not in alive:
                del tallies[c]
        rounds.append(dict(tallies))

    def key(c: str) -> tuple[int, ...]:
        return tuple(r.get(c, 0) for r in reversed(rounds))

    while True:
        total = sum(tallies.values())
        top = [c for c in tallies if 2 * tallies[c] > total]
        if top and (system != "irv" or not rules.final_two or len(rounds) == 1):  # NYC: on to the last two
            return rounds, top[0]
        if system != "irv":
            first = rounds[0]
            # ties as instant runoff breaks them: first preferences, then the later name ahead
            ordered = sorted(names, key=lambda c: (first[c], c), reverse=True)
            # SV keeps everyone tied for second (or three or more tied for first); the contingent vote two
            kept = [c for c in ordered if first[c] >= first[ordered[1]]] if system == "sv" else ordered[:2]
            move(set(ordered) - set(kept))
            return rounds, max(kept, key=lambda c: (tallies[c], first[c], c))
        if len(alive) <= 2:
            return rounds, max(alive, key=lambda c: (tallies[c], key(c), c))
        ascending = sorted(alive, key=lambda c: (tallies[c], key(c), c))
        out = {ascending[0]}
        if rules.batch_elimination:
            for k in range(2, len(ascending) - 1):
                if sum(tallies[c] for c in ascending[:k]) < tallies[ascending[k]]:
                    out = set(ascending[:k])
        move(out)


def _names_in(item: str | frozenset[str]) -> frozenset[str]:
    return frozenset([item]) if isinstance(item, str) else item


def _conserved(result: CountResult) -> None:
    for r in result.rounds:
        assert r.continuing_votes + r.exhausted == result.valid


@settings(max_examples=300, deadline=None)
@given(_ballots, st.sampled_from(["sv", "contingent", "irv"]), _rules)
def test_engine_agrees_with_a_paper_at_a_time_count(ballots: list[Ballot], system: str, rules: CountRules) -> None:
    expected = _reference(ballots, system, rules)
    if expected is None:
        if system == "contingent":
            return
        with pytest.raises(CountError):
            count_ballots(ballots, system, rules=rules)
        return
    result = count_ballots(ballots, system, rules=rules)
    rounds, winner = expected
    assert [r.tallies for r in result.rounds] == rounds
    assert result.winner == winner
    _conserved(result)


@settings(max_examples=200, deadline=None)
@given(_ballots, st.sampled_from(["sv", "contingent", "irv"]), st.randoms(use_true_random=False))
def test_counts_conserved_and_row_order_irrelevant(ballots: list[Ballot], system: str, rnd: random.Random) -> None:
    try:
        result = count_ballots(ballots, system)
    except CountError:
        return
    _conserved(result)
    shuffled = list(ballots)
    rnd.shuffle(shuffled)
    again = count_ballots(shuffled, system)
    assert again.winner == result.winner
    assert [r.tallies for r in again.rounds] == [r.tallies for r in result.rounds]
    assert [r.transfers for r in again.rounds] == [r.transfers for r in result.rounds]


_two_columns = st.lists(
    st.builds(Ballot, st.lists(_cell, min_size=1, max_size=2).map(tuple), st.integers(0, 40)), min_size=1, max_size=25
)


@settings(max_examples=200, deadline=None)
@given(_two_columns)
def test_sv_equals_contingent_when_papers_have_two_preferences(ballots: list[Ballot]) -> None:
    # On a two-column paper the rules coincide: a void or repeated second counts the first only under SV,
    # and under the contingent vote there is no third preference to fall back on.
    try:
        sv = count_ballots(ballots, "sv")
    except CountError as exc:
        with pytest.raises(CountError) as again:
            count_ballots(ballots, "contingent")
        assert str(again.value) == str(exc)
        return
    contingent = count_ballots(ballots, "contingent")
    if len(sv.rounds) > 1 and len(sv.final_round.tallies) > 2:
        # A tie for second (or of three or more for first): SV keeps every tied candidate (Schedule 5B para 5),
        # the contingent vote keeps two (Article 94(3)-(4)), so only the first round and the pair coincide.
        assert contingent.first_round == sv.first_round
        assert set(contingent.final_round.tallies) < set(sv.final_round.tallies)
        return
    assert contingent.rounds == sv.rounds
    assert (contingent.winner, contingent.valid, contingent.rejected) == (sv.winner, sv.valid, sv.rejected)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.builds(Ballot, st.lists(st.sampled_from(["A", "B"]), min_size=1, max_size=2).map(tuple), st.integers(1, 50)),
        min_size=1,
        max_size=20,
    )
)
def test_irv_with_two_candidates_is_plurality(ballots: list[Ballot]) -> None:
    result = count_ballots(ballots, "irv", candidates=["A", "B"])
    firsts = {c: sum(b.count for b in ballots if b.preferences[0] == c) for c in ("A", "B")}
    assert result.rounds[0].tallies == firsts
    assert len(result.rounds) == 1
    if firsts["A"] != firsts["B"]:
        assert result.winner == max(firsts, key=lambda c: firsts[c])
