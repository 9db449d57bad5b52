"""One million ballots by instant runoff: warroom's count against a peer engine from PyPI on the same ballots.

Run: python benchmarks/bench_count_peer.py [--ballots 1000000] [--candidates 10] [--repeat 3]

The ballots: `--ballots` distinct rankings (one paper each) of `--candidates` candidates, ranked by a
Plackett-Luce model and cut at a random depth from 4 to all (bench_count.synthetic_ballots), so the race runs
every round and no two papers can be merged: the hardest case for an engine that groups identical rankings.

Timed, in this one process, on those same ballots:
* warroom: `count_ballots` on the column-wise table (the best of `--repeat` runs), and the whole path from a
  CSV file of them (`parse_ballot_file` + `count_ballots`). Target (issue 12): under 2 s.
* the peer: pyrankvote's `instant_runoff_voting` (pure Python, one object per paper; `pip install pyrankvote`
  into the virtualenv, it is not a test dependency), timed once, with the time to build its ballot objects
  printed beside it. pyrankvote always excludes mathematically beaten candidates together, so warroom counts
  with `CountRules(batch_elimination=True)`.
Every round must agree: the same number of rounds, every candidate's tally, the exhausted papers, the winner;
the script exits with an error if they do not. The load average is printed first: the machine may be shared.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_count import synthetic_ballots, write_csv

from warroom.core.ballots import BallotTable
from warroom.core.count import CountResult, CountRules, count_ballots
from warroom.core.csvformat import parse_ballot_file

RULES = CountRules(batch_elimination=True)


def time_ours(names: list[str], rows: np.ndarray, repeat: int) -> tuple[CountResult, float]:
    table = BallotTable(tuple(names), np.asfortranarray(rows), np.ones(rows.shape[0], dtype=np.int64), None, 2)
    best = float("inf")
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = count_ballots(table, "irv", rules=RULES)
        best = min(best, time.perf_counter() - t0)
    assert result is not None
    return result, best


def time_ours_from_file(names: list[str], rows: np.ndarray) -> tuple[float, float, CountResult]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ballots.csv"
        write_csv(path, names, rows)
        t0 = time.perf_counter()
        table, errors = parse_ballot_file(path)
        t1 = time.perf_counter()
        result = count_ballots(table, "irv", rules=RULES)
        t2 = time.perf_counter()
    assert not errors
    return t1 - t0, t2 - t1, result


def run_peer(names: list[str], rows: np.ndarray) -> tuple[object, float, float] | None:
    try:
        import pyrankvote
        from pyrankvote import Ballot as PeerBallot
        from pyrankvote import Candidate as PeerCandidate
    except ImportError:
        return None
    t0 = time.perf_counter()
    peer_candidates = [PeerCandidate(n) for n in names]
    peer_ballots = [PeerBallot([peer_candidates[c] for c in r if c >= 0]) for r in rows.tolist()]
    build = time.perf_counter() - t0
    t0 = time.perf_counter()
    peer = pyrankvote.instant_runoff_voting(peer_candidates, peer_ballots)
    return peer, build, time.perf_counter() - t0


def agree(ours: CountResult, peer: object) -> list[str]:
    """Where the two counts differ, round by round (empty when every round agrees)."""
    problems = []
    rounds = peer.rounds  # type: ignore[attr-defined]
    if len(rounds) != len(ours.rounds):
        problems.append(f"{len(ours.rounds)} rounds here, {len(rounds)} in the peer")
    for mine, theirs in zip(ours.rounds, rounds, strict=False):
        votes = {r.candidate.name: r.number_of_votes for r in theirs.candidate_results}
        for c, v in mine.tallies.items():
            if abs(votes.get(c, -1) - v) > 1e-6:
                problems.append(f"round {mine.number}: {c} {v:,} here, {votes.get(c)} in the peer")
        if abs(theirs.number_of_blank_votes - mine.exhausted) > 1e-6:
            problems.append(
                f"round {mine.number}: {mine.exhausted:,} exhausted here, {theirs.number_of_blank_votes} in the peer"
            )
    winner = peer.get_winners()[0].name  # type: ignore[attr-defined]
    if winner != ours.winner:
        problems.append(f"winner {ours.winner} here, {winner} in the peer")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--candidates", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall times stretch under load)")
    names, rows = synthetic_ballots(args.ballots, args.candidates)
    print(f"{rows.shape[0]:,} distinct ballots, {args.candidates} candidates, instant runoff, batch elimination")
    ours, ours_s = time_ours(names, rows, args.repeat)
    parse_s, count_s, from_file = time_ours_from_file(names, rows)
    assert [r.tallies for r in from_file.rounds] == [r.tallies for r in ours.rounds]
    print(
        f"  warroom count_ballots: {ours_s:.2f} s (best of {args.repeat}; target < 2 s); from a CSV file "
        f"{parse_s + count_s:.2f} s (read {parse_s:.2f} + count {count_s:.2f}); {len(ours.rounds)} rounds, "
        f"winner {ours.winner}"
    )
    gc.collect()
    peer = run_peer(names, rows)
    if peer is None:
        print("  peer: pyrankvote is not installed (pip install pyrankvote); no comparison")
        return
    result, build_s, peer_s = peer
    print(
        f"  pyrankvote instant_runoff_voting: {peer_s:.2f} s (+ {build_s:.2f} s building its ballots) on the same "
        f"ballots: {peer_s / ours_s:.0f}x warroom's count time"
    )
    problems = agree(ours, result)
    if problems:
        print("  ROUNDS DISAGREE:\n    " + "\n    ".join(problems[:20]))
        raise SystemExit("the peer engine disagrees with warroom's count")
    print(f"  every round agrees ({len(ours.rounds)} rounds: tallies, exhausted papers and the winner)")


if __name__ == "__main__":
    main()
