"""An instant-runoff count of many candidates, all tied at every round (issue 16, hostile pass 8).

Run: python benchmarks/bench_count_many_candidates.py [--candidates 1000] [--reference 200] [--old-full]

The engine had cubic time in the number of candidates (the backwards tie-break recomputed every candidate's whole
history each round; each round summed transfers over an array of every (from, to) pair): 800 tied candidates took
14 s. The count of the most candidates an instant-runoff count takes (core.count.MAX_ELIMINATION_CANDIDATES) is
timed here, with the CPU time of the process, beside the same-run reference: the same count at `--reference`
candidates, and the count as the previous engine did it at that size (its tie-break and transfer sums, taken
whole from git history when available). Target: 1,000 tied candidates counted in under 2 s of CPU on a quiet
two-core laptop (the lead re-measures on a quiet machine; six helpers share two cores here, so wall times are
inflated: CPU time is printed too).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_CPU_S = 2.0
OLD_COMMIT = "fd4b70f"  # the count engine before this pass (git history)


def _time_count(n: int) -> tuple[float, float, int]:
    from warroom.core.ballots import Ballot
    from warroom.core.count import count_ballots

    ballots = [Ballot((f"C{i:05d}",), 1) for i in range(n)]
    wall, cpu = time.perf_counter(), time.process_time()
    result = count_ballots(ballots, "irv")
    return time.perf_counter() - wall, time.process_time() - cpu, len(result.rounds)


def _old_engine(n: int) -> str:
    """The previous engine's time at n candidates, in a fresh process on the old count.py (or why not)."""
    try:
        old = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{OLD_COMMIT}:warroom/core/count.py"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        return f"not measured ({exc})"
    script = (
        "import sys, time, types\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "import warroom.core.ballots\n"
        "mod = types.ModuleType('warroom.core.count_old'); mod.__file__ = 'count_old.py'\n"
        "sys.modules['warroom.core.count_old'] = mod\n"
        "exec(compile(sys.stdin.read(), 'count_old.py', 'exec'), mod.__dict__)\n"
        "from warroom.core.ballots import Ballot\n"
        f"b = [Ballot((f'C{{i:05d}}',), 1) for i in range({n})]\n"
        "w, c = time.perf_counter(), time.process_time(); mod.count_ballots(b, 'irv')\n"
        "print(f'{time.perf_counter() - w:.2f} s wall, {time.process_time() - c:.2f} s CPU')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], input=old, capture_output=True, text=True, timeout=600)
    return done.stdout.strip() or f"not measured ({done.stderr.strip().splitlines()[-1:]})"


def main() -> int:
    from warroom.core.count import MAX_ELIMINATION_CANDIDATES

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=MAX_ELIMINATION_CANDIDATES)
    parser.add_argument("--reference", type=int, default=200)
    parser.add_argument("--old-full", action="store_true", help="also time the previous engine at --candidates")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} (2 cores shared)")
    ref_wall, ref_cpu, ref_rounds = _time_count(args.reference)
    print(
        f"reference: {args.reference} tied candidates, {ref_rounds} rounds: {ref_wall:.2f} s wall, {ref_cpu:.2f} s CPU"
    )
    print(f"reference: the previous engine at {args.reference} candidates: {_old_engine(args.reference)}")
    wall, cpu, rounds = _time_count(args.candidates)
    print(f"{args.candidates} tied candidates, {rounds} rounds: {wall:.2f} s wall, {cpu:.2f} s CPU")
    if args.old_full:
        print(f"the previous engine at {args.candidates} candidates: {_old_engine(args.candidates)}")
    met = cpu < TARGET_CPU_S
    print(f"target met? {'yes' if met else 'NO'} ({cpu:.2f} s CPU against {TARGET_CPU_S:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
