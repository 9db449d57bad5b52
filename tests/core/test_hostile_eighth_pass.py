"""Hostile pass 8 (issue 16): inputs no earlier pass tried (two-round poll CSV, ballots, French files)."""

from __future__ import annotations

from datetime import date

from tests.conftest import TOY
from warroom.core.compilations import parse_question_csv

TODAY = date(2024, 4, 1)
HEADER = "pollster,client,poll_id,question,fieldwork_start,fieldwork_end,sample_size,first:ann,first:bob,first:cat,"
HEADER += "second:ann,second:bob,transfer:cat>ann,transfer:cat>bob\n"


def test_two_rows_of_one_notice_giving_one_transfer_two_figures_are_refused_naming_both_lines() -> None:
    """The rows of one notice (same pollster, fieldwork and poll_id) each carrying `transfer:` figures for the same
    electorate: the later row's figures silently replaced the earlier's (Cat's voters 40/30 on line 2 and 10/30 on
    line 3 were stored as 10/30, the 40 gone without a word). A second figure for one transfer is refused, naming
    both lines; the same figure written twice is read once."""
    rows = (  # (the second row a hypothesis: a poll asks a pair once, tests/core/test_hostile_h5_two_round.py)
        "Zeta,,f1,M1,2024-03-05,2024-03-07,1500,,,,53,47,40,30\nZeta,,f1,H2,2024-03-05,2024-03-07,1500,45,40,15,,,10,30\n"
    )
    result = parse_question_csv(HEADER + rows, TOY, today=TODAY)
    assert [(e.line, e.field) for e in result.errors] == [(3, "transfer:cat>ann")], result.errors
    assert "line 2" in result.errors[0].message and "40" in result.errors[0].message
    same = rows.replace(",10,30\n", ",40,30\n")
    result = parse_question_csv(HEADER + same, TOY, today=TODAY)
    assert not result.errors and len(result.matrices) == 1
    (row,) = result.matrices[0].rows.values()
    assert (row.to_a, row.to_b) == (40.0, 30.0)


def test_rows_of_one_notice_that_disagree_on_its_sample_or_client_are_refused() -> None:
    """One notice's rows are read as one poll: the first row's sample size and client were kept and a later
    row's others dropped silently (a matchup asked of 800 people stored as asked of 1,500, weighting it almost
    twice as much in the average). A row that gives its notice another sample size or client is refused, naming
    the line, the field and the line it contradicts; a row that leaves the client empty agrees with any."""
    rows = (
        "Zeta,Le Monde,f1,H1,2024-03-05,2024-03-07,1500,45,40,15,,,,\n"
        "Zeta,Le Monde,f1,M1,2024-03-05,2024-03-07,800,,,,53,47,,\n"
        "Zeta,Libé,f1,H2,2024-03-05,2024-03-07,1500,44,41,15,,,,\n"  # (a hypothesis: a poll asks a pair once)
    )
    result = parse_question_csv(HEADER + rows, TOY, today=TODAY)
    assert [(e.line, e.field) for e in result.errors] == [(3, "sample_size"), (4, "client")], result.errors
    assert all("line 2" in e.message for e in result.errors)
    agreeing = rows.replace(",800,", ",1500,").replace("Libé", "")
    result = parse_question_csv(HEADER + agreeing, TOY, today=TODAY)
    assert not result.errors and len(result.notices) == 1
    assert result.notices[0].sample_size == 1500 and result.notices[0].client == "Le Monde"


def test_an_instant_runoff_count_of_more_candidates_than_it_takes_is_refused_up_front() -> None:
    """A ballot file may name up to 10,000 candidates, and an instant-runoff count of them took time cubic in their
    number (800 candidates: 14 s; 2,000: minutes; 10,000: hours, the window's count with it), then printed
    rounds quadratic in it. The engine's tie-break and transfers are now linear-ish per round (bench:
    benchmarks/bench_count_many_candidates.py), and a count of more than MAX_ELIMINATION_CANDIDATES is refused
    up front, naming the number; Supplementary Vote and the contingent vote (one step) still take them all."""
    from warroom.core.ballots import Ballot
    from warroom.core.count import MAX_ELIMINATION_CANDIDATES, CountError, count_ballots

    many = [Ballot((f"C{i:05d}",), 1 + i % 3) for i in range(MAX_ELIMINATION_CANDIDATES + 1)]
    try:
        count_ballots(many, "irv")
    except CountError as exc:
        assert f"{MAX_ELIMINATION_CANDIDATES + 1:,} candidates" in str(exc)
    else:
        raise AssertionError("counted")
    assert count_ballots(many, "sv").winner in {f"C{i:05d}" for i in range(len(many))}
    at_most = many[:MAX_ELIMINATION_CANDIDATES]
    assert len(count_ballots(at_most, "irv").rounds) == MAX_ELIMINATION_CANDIDATES - 1


def _reference_order(history: list[list[int]], names: list[str], alive: list[int]) -> list[int]:
    """The backwards tie-break as the rule reads: by this round's tally, then the round before's, ..., then name."""
    return sorted(alive, key=lambda c: (tuple(h[c] for h in reversed(history)), names[c]))


def test_the_tie_break_order_kept_round_by_round_is_the_backwards_rule() -> None:
    """The engine keeps each candidate's place in the backwards tie-break order as rounds are added (it recomputed
    every candidate's whole history every round): the same exclusions as the rule read literally, on counts
    full of ties at every round."""
    import random

    from warroom.core.ballots import Ballot
    from warroom.core.count import count_ballots

    rng = random.Random(8)
    for _ in range(300):
        n = rng.randint(2, 9)
        names = [f"K{j}" for j in range(n)]
        ballots = [
            Ballot(tuple(rng.sample(names, rng.randint(1, n))), rng.randint(1, 3)) for _ in range(rng.randint(1, 12))
        ]
        result = count_ballots(ballots, "irv")
        order = [r.tallies for r in result.rounds]
        history: list[list[int]] = []
        standing = list(dict.fromkeys(n for b in ballots for n in b.preferences[:1]))
        seen = sorted({p for b in ballots for p in b.preferences}, key=[*standing, *names].index)
        for k, tallies in enumerate(order):
            history.append([tallies.get(c, 0) for c in seen])
            if k + 1 < len(result.rounds):
                (out,) = result.rounds[k + 1].eliminated
                alive = [j for j, c in enumerate(seen) if c in tallies]
                expected = _reference_order(history, seen, alive)[0]
                assert out == seen[expected], (ballots, k, out, seen[expected])


def test_a_transfer_from_a_candidate_to_himself_is_refused_naming_the_column() -> None:
    """`transfer:cat>cat` (a slip for cat>ann) was stored: 30 % of Cat's voters transferring to Cat, read by no
    split (the figure silently ignored in the Supplementary Vote scenario, a row of a candidate to himself in an
    instant-runoff one). Refused like an unknown candidate, naming the column."""
    from warroom.core.csvformat import parse_polls_csv

    text = (
        "pollster,fieldwork_start,fieldwork_end,sample_size,first:ann,first:bob,first:cat,"
        "transfer:cat>cat,transfer:cat>bob\nZeta,2024-03-05,2024-03-07,1000,45,40,15,30,20\n"
    )
    result = parse_polls_csv(text, TOY, today=TODAY)
    assert [(e.line, e.field) for e in result.errors] == [(2, "transfer:cat->cat")], result.errors
    assert "to himself" in result.errors[0].message


def test_the_irv_scenarios_tie_order_kept_round_by_round_is_the_backwards_rule() -> None:
    """The instant-runoff scenario's chain broke ties by every candidate's whole history, rebuilt at every sort
    (cubic in the candidates: an instant-runoff race of 200 candidates took minutes to project, 100 of them
    tied at nothing). The order is now folded in round by round; the chain's exclusions are those of the rule
    read literally, on scenarios full of ties."""
    import random

    import numpy as np

    from warroom.core.irv_scenario import _ROUND, IrvScenario, _Chain

    rng = random.Random(16)
    for _ in range(200):
        n = rng.randint(3, 9)
        first = np.array([rng.choice([0.0, 5.0, 10.0, 10.0, 20.0]) for _ in range(n)]) + 1e-9
        rows = np.array([[rng.choice([0, 1, 1, 2]) for _ in range(n + 1)] for _ in range(n)], dtype=float)
        for i in range(n):
            rows[i, i] = 0.0
            rows[i] = rows[i] / rows[i].sum() * 100.0 if rows[i].sum() else np.eye(n + 1)[n] * 100.0
        chain = _Chain(IrvScenario(tuple(f"k{j}" for j in range(n)), first, rows))
        while chain.outcome() is None:
            literal = sorted(
                (c for c in range(n) if chain.alive[c]),
                key=lambda c: (
                    round(chain.t[c], _ROUND),
                    tuple(round(h[c], _ROUND) for h in reversed(chain.history)),
                    chain.s.codes[c],
                ),
            )
            up = chain.ascending()
            assert up[0] == literal[0] or chain.t[up[0]] < chain.t[literal[0]] - 1e-12, (up, literal)
            chain.eliminate([up[0]], record=False)
