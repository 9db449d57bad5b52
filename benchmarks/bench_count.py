"""Counting speed at campaign scale: read a ballot CSV and count it by instant runoff (issue 15).

Run: python benchmarks/bench_count.py [--ballots 1000000] [--candidates 10 30] [--peer-ballots 250000]
                                      [--old-ballots 100000]

For each candidate count the script writes a synthetic ballot file (distinct rankings, one paper per row,
ranked by a Plackett-Luce model and cut at a random depth from 4 to all, so the race needs every round),
then times the real command, `python -m warroom count FILE --system irv --json`, in a fresh process, with
that process's peak resident memory (the issue 15 row). A second fresh process runs the engine alone
(parse_ballot_file, which streams the file, then count_ballots) with wall and CPU times, its peak resident
memory and the tracemalloc peak. The load average is printed first: the machine is shared, and wall
times stretch with it.

The reference, measured in the same run on the same ballots: pyrankvote's instant runoff (a pure-Python
peer engine from PyPI; install it into the virtualenv with `pip install pyrankvote` or the peer step is
skipped with a message; it is not a test dependency). pyrankvote always excludes mathematically beaten candidates together, so our
engine is run with `CountRules(batch_elimination=True)` for the comparison, and every round's tallies
must agree. The peer is slow (one Python object per paper), so it counts the first `--peer-ballots` rows
of the file, and our engine's time on that same subset is printed beside it. The engine this one replaced
(the per-paper Python count, taken from git history) is timed on `--old-ballots` rows as a second reference.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGETS = {10: (2.0, 300), 30: (3.0, 400)}  # candidates -> (seconds, MB), from issue 15

_CLI = r"""
import json, resource, subprocess, sys, time
# A small go-between process: the command's peak memory is read from RUSAGE_CHILDREN here, where it is
# not inflated by the large benchmark process (Linux carries a parent's peak across fork and exec).
t0 = time.perf_counter()
done = subprocess.run([sys.executable, "-m", "warroom", *sys.argv[1:]], capture_output=True, text=True)
wall = time.perf_counter() - t0
if done.returncode:
    raise SystemExit(done.stderr)
result = json.loads(done.stdout)
print(json.dumps({"wall": wall, "rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                  "winner": result["winner"], "rounds": len(result["rounds"])}))
"""

_CHILD = r"""
import json, sys, time, tracemalloc
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from warroom.core.count import count_ballots
from warroom.core.csvformat import parse_ballot_file

def high_water_mb():
    # VmHWM: this process's peak resident memory (ru_maxrss would carry the parent's peak across exec)
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")

before = high_water_mb()
trace = len(sys.argv) > 3
if trace:
    tracemalloc.start()
t0 = time.perf_counter()
c1 = time.process_time()
table, errors = parse_ballot_file(sys.argv[1])  # streamed: the text is never held whole
t2, c2 = time.perf_counter(), time.process_time()
result = count_ballots(table, "irv")
t3, c3 = time.perf_counter(), time.process_time()
assert not errors
print(json.dumps({
    "parse": t2 - t0, "count": t3 - t2, "total": t3 - t0, "cpu_parse": c2 - c1, "cpu_count": c3 - c2,
    "rss_mb": high_water_mb(), "rss_before_mb": before,
    "traced_mb": tracemalloc.get_traced_memory()[1] / 1e6 if trace else None,
    "rounds": len(result.rounds), "winner": result.winner, "rows": table.rows,
}))
"""


def synthetic_ballots(n: int, k: int, seed: int = 15) -> tuple[list[str], np.ndarray]:
    """n distinct rankings of k candidates (Plackett-Luce, truncated at a random depth); -1 pads."""
    rng = np.random.default_rng(seed)
    names = [f"Candidate {i + 1:02d}" for i in range(k)]
    strength = np.log(np.linspace(3.0, 0.4, k))
    rows = np.empty((0, k), dtype=np.int16)
    while rows.shape[0] < n:
        m = int((n - rows.shape[0]) * 1.3) + 1000
        order = np.argsort(-(strength + rng.gumbel(size=(m, k))), axis=1).astype(np.int16)
        depth = rng.integers(min(4, k), k + 1, m)
        order[np.arange(k)[None, :] >= depth[:, None]] = -1
        rows = np.unique(np.concatenate([rows, order]), axis=0)
    return names, rows[rng.permutation(rows.shape[0])[:n]]


def write_csv(path: Path, names: list[str], rows: np.ndarray) -> None:
    lookup = np.array([*names, ""], dtype=object)  # index -1 is the blank
    header = "count," + ",".join(f"pref{i + 1}" for i in range(rows.shape[1]))
    with path.open("w", encoding="utf-8") as out:
        out.write(header + "\n")
        for start in range(0, rows.shape[0], 100_000):
            block = lookup[rows[start : start + 100_000]]
            out.write("".join("1," + ",".join(r) + "\n" for r in block))


def run_engine(path: Path, trace: bool) -> dict[str, float]:
    argv = [sys.executable, "-c", _CHILD, str(path), str(ROOT)] + (["trace"] if trace else [])
    done = subprocess.run(argv, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def run_cli(path: Path, data_dir: Path) -> dict[str, float]:
    argv = [sys.executable, "-c", _CLI, "count", str(path), "--system", "irv", "--json", "--data-dir", str(data_dir)]
    done = subprocess.run(argv, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(done.stdout)


def compare_with_peer(names: list[str], rows: np.ndarray) -> None:
    try:
        import pyrankvote
        from pyrankvote import Ballot as PeerBallot
        from pyrankvote import Candidate as PeerCandidate
    except ImportError:
        print("  peer: pyrankvote is not installed (pip install pyrankvote); peer comparison skipped")
        return
    from warroom.core.ballots import BallotTable
    from warroom.core.count import CountRules, count_ballots

    table = BallotTable(tuple(names), rows, np.ones(rows.shape[0], dtype=np.int64), None, 2)
    t0 = time.perf_counter()
    ours = count_ballots(table, "irv", rules=CountRules(batch_elimination=True))
    ours_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    peer_candidates = [PeerCandidate(n) for n in names]
    peer_ballots = [PeerBallot([peer_candidates[c] for c in r if c >= 0]) for r in rows.tolist()]
    build_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    peer = pyrankvote.instant_runoff_voting(peer_candidates, peer_ballots)
    peer_s = time.perf_counter() - t0
    agree = len(peer.rounds) == len(ours.rounds)
    for mine, theirs in zip(ours.rounds, peer.rounds, strict=False):
        votes = {r.candidate.name: r.number_of_votes for r in theirs.candidate_results}
        agree &= all(abs(votes[c] - v) < 1e-6 for c, v in mine.tallies.items())
        agree &= abs(theirs.number_of_blank_votes - mine.exhausted) < 1e-6
    agree &= peer.get_winners()[0].name == ours.winner
    print(
        f"  same {rows.shape[0]:,} ballots: warroom count {ours_s:.2f} s; pyrankvote {peer_s:.2f} s "
        f"(+ {build_s:.2f} s building its ballots) = {(peer_s + build_s) / ours_s:.0f}x slower; "
        f"{len(ours.rounds)} rounds, winner {ours.winner}; "
        f"{'every round agrees' if agree else 'ROUNDS DISAGREE'}"
    )
    if not agree:
        raise SystemExit("the peer engine disagrees with warroom's count")


OLD_ENGINE = "5b0ad6e"  # the per-paper Python engine this one replaced (issue 16's fix applied)


def compare_with_old_engine(names: list[str], rows: np.ndarray) -> None:
    """Time the replaced engine (loaded from git history) and this one on the same Ballot objects."""
    import types

    try:
        source = subprocess.run(
            ["git", "show", f"{OLD_ENGINE}:warroom/core/count.py"], capture_output=True, text=True, check=True, cwd=ROOT
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        print("  old engine: not in this checkout's history; comparison skipped")
        return
    old = types.ModuleType("old_count")
    sys.modules["old_count"] = old  # dataclasses look their module up while the class is built
    exec(compile(source, "old_count.py", "exec"), old.__dict__)
    from warroom.core.ballots import BallotTable
    from warroom.core.count import count_ballots

    table = BallotTable(tuple(names), rows, np.ones(rows.shape[0], dtype=np.int64), None, 2)
    new_ballots = table.to_ballots()
    old_ballots = [old.Ballot(b.preferences, b.count) for b in new_ballots]
    t0 = time.perf_counter()
    before = old.count_ballots(old_ballots, "irv")
    old_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    after = count_ballots(new_ballots, "irv")
    new_s = time.perf_counter() - t0
    same = [r.tallies for r in before.rounds] == [r.tallies for r in after.rounds] and before.winner == after.winner
    print(
        f"  same {rows.shape[0]:,} Ballot objects: old engine {old_s:.2f} s, this engine {new_s:.2f} s "
        f"(from objects, conversion included); {'same rounds' if same else 'ROUNDS DIFFER'}"
    )
    if not same:
        raise SystemExit("the old engine and this one disagree")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--candidates", type=int, nargs="+", default=[10, 30])
    parser.add_argument("--peer-ballots", type=int, default=250_000, help="rows the peer engine counts (0: skip)")
    parser.add_argument("--old-ballots", type=int, default=100_000, help="rows the replaced engine counts (0: skip)")
    args = parser.parse_args()
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall times stretch under load; CPU times less)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for k in args.candidates:
            names, rows = synthetic_ballots(args.ballots, k)
            path = Path(tmp) / f"ballots_{k}.csv"
            write_csv(path, names, rows)
            size = path.stat().st_size / 1e6
            print(f"{args.ballots:,} distinct ballots, {k} candidates, IRV ({size:.0f} MB CSV):")
            goal_s, goal_mb = TARGETS.get(k, (float("nan"), float("nan")))
            cli = run_cli(path, Path(tmp) / "state")
            print(
                f"  `warroom count --system irv --json`: {cli['wall']:.2f} s wall, {cli['rss_mb']:.0f} MB peak "
                f"resident (target < {goal_s:g} s, < {goal_mb:g} MB); {cli['rounds']} rounds, winner {cli['winner']}"
            )
            fast = run_engine(path, trace=False)
            traced = run_engine(path, trace=True)
            print(
                f"  engine alone (parse_ballot_file + count_ballots): {fast['total']:.2f} s wall (read and parse "
                f"{fast['parse']:.2f}, count {fast['count']:.2f}); CPU {fast['cpu_parse'] + fast['cpu_count']:.2f} s "
                f"(parse {fast['cpu_parse']:.2f}, count {fast['cpu_count']:.2f}); {fast['rss_mb']:.0f} MB peak resident, "
                f"{fast['rss_before_mb']:.0f} MB of it Python+numpy before reading; tracemalloc peak "
                f"{traced['traced_mb']:.0f} MB"
            )
            if args.peer_ballots:
                compare_with_peer(names, rows[: args.peer_ballots])
            if args.old_ballots:
                compare_with_old_engine(names, rows[: args.old_ballots])


if __name__ == "__main__":
    main()
