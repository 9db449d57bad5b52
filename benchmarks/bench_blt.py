"""A BLT ballot file at scale: `warroom count FILE.blt` against the same ballots as a ballot CSV.

Run: python benchmarks/bench_blt.py [--lines 1000000] [--candidates 10] [--patterns 5000] [--old REV]

Writes two BLT files of `--lines` ballot lines, one paper each: a weighted profile drawing its lines from
`--patterns` different rankings (what published BLT files look like: a ranking repeated on many lines), and
one whose every line is a different ranking (the worst case for the reader, which keeps each different
ranking once). Each is counted by `python -m warroom count FILE --system irv --json` in a fresh process, with
its wall time and peak resident memory. The reference, in the same run: the same ballots written as a ballot
CSV and counted by the same command. `--old REV` also times the code at a git revision (a detached worktree
made in a temporary folder) on the same files. The winner and round count must agree everywhere.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_count import synthetic_ballots, write_csv  # noqa: E402

_CLI = r"""
import json, resource, subprocess, sys, time
t0 = time.perf_counter()
done = subprocess.run([sys.executable, "-m", "warroom", *sys.argv[2:]], capture_output=True, text=True,
                      cwd=sys.argv[1], env=dict(__import__("os").environ, PYTHONPATH=sys.argv[1]))
wall = time.perf_counter() - t0
if done.returncode:
    raise SystemExit(done.stderr)
result = json.loads(done.stdout)
print(json.dumps({"wall": wall, "rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                  "winner": result["winner"], "rounds": len(result["rounds"])}))
"""


def write_blt(path: Path, names: list[str], rows: np.ndarray) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(f"{len(names)} 1\n")
        for start in range(0, rows.shape[0], 100_000):
            block = rows[start : start + 100_000] + 1
            out.write("".join("1 " + " ".join(str(c) for c in r if c > 0) + " 0\n" for r in block.tolist()))
        out.write("0\n")
        out.writelines(f'"{name}"\n' for name in names)
        out.write('"Synthetic"\n')


def count(code: Path, path: Path, data_dir: Path) -> dict[str, float]:
    argv = [sys.executable, "-c", _CLI, str(code), "count", str(path), "--system", "irv", "--json"]
    argv += ["--data-dir", str(data_dir)]
    return json.loads(subprocess.run(argv, capture_output=True, text=True, check=True).stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000, help="ballot lines in each file")
    parser.add_argument("--candidates", type=int, default=10)
    parser.add_argument("--patterns", type=int, default=5_000, help="different rankings in the weighted profile")
    parser.add_argument("--old", help="a git revision whose reader is timed on the same files too")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}; {args.lines:,} lines, {args.candidates} candidates")
    rng = np.random.default_rng(7)
    names, distinct = synthetic_ballots(args.lines, args.candidates)
    profile = distinct[: args.patterns][rng.integers(0, min(args.patterns, distinct.shape[0]), args.lines)]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        codes = [("this tree", ROOT)]
        if args.old:
            old = folder / "old"
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(old), args.old], check=True
            )
            codes.append((f"at {args.old}", old))
        try:
            for label, rows in ((f"{args.patterns:,} rankings repeated", profile), ("every line different", distinct)):
                blt, csv = folder / "ballots.blt", folder / "ballots.csv"
                write_blt(blt, names, rows)
                write_csv(csv, names, rows)
                print(f"\n{label}: BLT {blt.stat().st_size / 1e6:.1f} MB, CSV {csv.stat().st_size / 1e6:.1f} MB")
                seen = set()
                for what, path in (("BLT", blt), ("CSV (reference)", csv)):
                    for code_label, code in codes if what == "BLT" else codes[:1]:
                        got = count(code, path, folder / "data")
                        seen.add((got["winner"], got["rounds"]))
                        print(f"  {what:16} {code_label:14} {got['wall']:6.2f} s  {got['rss_mb']:6.0f} MB peak")
                if len(seen) != 1:
                    raise SystemExit(f"the counts disagree: {seen}")
        finally:
            if args.old:
                subprocess.run(
                    ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(folder / "old")], check=True
                )


if __name__ == "__main__":
    main()
