"""Hostile pass 10 (issue 16), the leftover of pass 9 on the command line: `warroom scenario` on an instant-runoff
race of 200 candidates took 7 s and 1.3 GB (tests/core/test_hostile_tenth_irv.py: the simulator)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

RACE_SCRIPT = """
import io, sys, tracemalloc
from pathlib import Path
import numpy as np
from warroom.cli import main

folder, n = Path(sys.argv[1]), int(sys.argv[2])
db = ["--data-dir", str(folder / "state")]
lines = ['[contest]', 'name = "Many"', 'election_date = 2026-06-06', 'system = "irv"', '']
for i in range(n):
    lines += ['[[candidate]]', f'code = "c{i:03d}"', f'name = "Candidate {i:03d}"', '']
(folder / "race.toml").write_text("\\n".join(lines), encoding="utf-8")
rng = np.random.default_rng(1)
rows = ["pollster,fieldwork_start,fieldwork_end,sample_size," + ",".join(f"first:c{i:03d}" for i in range(n))]
base = rng.uniform(0.5, 20, n)
for k in range(3):
    s = np.round(100 * base * rng.uniform(0.9, 1.1, n) / base.sum(), 3)
    s[0] = round(100 - s[1:].sum(), 3)
    rows.append(f"P{k},2026-05-0{k + 1},2026-05-0{k + 2},2000," + ",".join(f"{v:.3f}" for v in s))
(folder / "polls.csv").write_text("\\n".join(rows) + "\\n", encoding="utf-8")
for argv in (["contest", "new", "--from", str(folder / "race.toml")], ["import", str(folder / "polls.csv"), "--contest", "Many"]):
    assert main([*argv, *db], out=io.StringIO(), err=sys.stderr) == 0
out = io.StringIO()
tracemalloc.start()
code = main([*db, "scenario", "--contest", "Many", "--json"], out=out, err=sys.stderr)
peak = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
print(code, peak)
print(out.getvalue())
"""


def test_warroom_scenario_on_a_race_of_120_candidates_stays_within_a_bounded_memory(tmp_path: Path) -> None:
    """`warroom scenario` on 120 candidates, every one on votes: the dense simulator held 120 x 2,000 x 121 noise
    values and as many rounds' tallies (about 470 MB traced); the streamed one holds a block of draws (32 MB).
    The peak Python and numpy allocation of the whole verb (tracemalloc, in a fresh process) stays under 150 MB,
    and its chances are a distribution: they sum to 1."""
    done = subprocess.run(
        [sys.executable, "-c", RACE_SCRIPT, str(tmp_path), "120"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    status, report = done.stdout.split("\n", 1)
    code, peak = (int(v) for v in status.split())
    assert code == 0
    assert peak < 150e6, f"peak {peak / 1e6:.0f} MB"
    chances = json.loads(report)["p_win"]
    assert len(chances) == 120
    assert sum(chances.values()) == pytest.approx(1.0, abs=120 * 5e-5)  # each rounded to 4 decimals
