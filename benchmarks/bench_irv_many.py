"""Instant-runoff races of 50-200 candidates (issue 16's leftovers): the chain, the break-evens, the simulated
chances, and `warroom scenario` as a whole.

Part 1, the scenario's maths (CPU seconds), on 100 and 200 candidates, every other one on nothing: the chain with
its decisive replays (`run_irv`) and the break-evens of the default row, against the same with the rule read
literally (one exclusion a round, each a tie-broken sort: the code before the ninth pass); then the simulated
chances (a new `IrvSimulator`, 2,000 draws) and their peak traced memory, against the dense simulator kept for
ordinary races (every draw's noise and rounds held at once: the code before this change) and numpy drawing the
dense simulator's standard normals alone.

Part 2, `warroom scenario --contest NAME` on a race of 50, 100 and 200 candidates, every one on votes in six
polls (a candidate the polls give nothing is not in the scenario), each run in a fresh process: CPU seconds of
the verb, the process's wall time, and its peak resident memory; against, in the same run, the verb as it was
before this change (the dense simulator, break-evens played from the first round), the verb with only the dense
simulator put back, and the 12-candidate race of the tests' fixture. The headline (favourite and chance) may
differ from the dense simulator's by simulation error: other noise, the same model.

Run: python benchmarks/bench_irv_many.py [--sizes 100 200] [--cli-sizes 50 100 200] [--no-reference]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import _common  # noqa: F401  (puts the repository on the path)
import numpy as np

from tests.irv_fixture import many_candidates
from warroom.core import irv_scenario
from warroom.core.irv_pipeline import break_evens, default_row
from warroom.core.irv_scenario import IrvScenario, IrvSimulator, _Chain, run_irv

ROOT = Path(__file__).resolve().parents[1]


def chain_and_break_evens(scenario: IrvScenario) -> tuple[float, tuple[object, ...]]:
    start = time.process_time()
    run = run_irv(scenario)
    found = break_evens(scenario, default_row(scenario, run), run=run)
    return time.process_time() - start, (run, tuple(found))


def simulate(scenario: IrvScenario, dense: bool) -> tuple[float, float, dict[str, float]]:
    """(CPU s, peak traced MB, P(win)) of a new simulator's first run; `dense`: the simulator kept for ordinary
    races, whatever the size."""
    limit = irv_scenario._DENSE_LIMIT
    if dense:
        irv_scenario._DENSE_LIMIT = 1 << 62
    try:
        tracemalloc.start()
        start = time.process_time()
        odds = IrvSimulator(scenario.n, 2000, 0).run(scenario)
        took = time.process_time() - start
        peak = tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()
        irv_scenario._DENSE_LIMIT = limit
    return took, peak, odds.p_win


def part_one(sizes: list[int], reference: bool) -> None:
    for n in sizes:
        scenario = many_candidates(n)  # every other one on nothing
        took, result = chain_and_break_evens(scenario)
        print(f"{n} candidates ({n // 2} on nothing): chain + decisive replays + break-evens {took:.2f} s CPU")
        if reference:
            drop = _Chain._drop_zeros
            _Chain._drop_zeros = lambda self: False  # type: ignore[method-assign]
            try:
                literal, same = chain_and_break_evens(scenario)
            finally:
                _Chain._drop_zeros = drop  # type: ignore[method-assign]
            print(
                f"  reference, the rule read literally: {literal:.2f} s CPU ({literal / took:.0f}x); "
                f"same figures: {'YES' if repr(same) == repr(result) else 'NO'}"
            )
        print(f"  target met? chain + break-evens < 1 s: {'YES' if took < 1.0 else 'NO'} ({took:.2f} s)")
        start = time.process_time()
        run_irv(scenario)
        chain = time.process_time() - start
        print(
            f"  the window's GUI thread per evaluation (the chain; from services.irv_service.BIG_RACE candidates the "
            f"chances and break-evens run on a background thread): {chain:.2f} s CPU; target met? < 0.5 s: "
            f"{'YES' if chain < 0.5 else 'NO'}"
        )
        sim, peak, p_win = simulate(scenario, dense=False)
        print(f"  the simulated chances (a new simulator, 2,000 draws): {sim:.2f} s CPU, peak {peak:.0f} MB traced")
        if reference:
            old, old_peak, old_p = simulate(scenario, dense=True)
            start = time.process_time()
            np.random.default_rng(0).standard_normal((n, 2000, n + 1))
            floor = time.process_time() - start
            gap = max(abs(p_win[c] - old_p[c]) for c in p_win)
            print(
                f"  reference, the dense simulator (before this change): {old:.2f} s CPU, peak {old_peak:.0f} MB; "
                f"numpy's normals alone {floor:.2f} s; largest P(win) difference {gap:.3f} "
                f"(simulation sd at 50 %: {0.5 / np.sqrt(2000):.3f}; different noise, same model)"
            )
        print(
            f"  target met? chances < 1 s and < 300 MB: {'YES' if sim < 1.0 and peak < 300 else 'NO'} "
            f"({sim:.2f} s, {peak:.0f} MB)"
        )


def write_race(folder: Path, n: int) -> str:
    """A store with an IRV contest of n candidates and six polls giving each of them votes; the contest's name."""
    rng = np.random.default_rng(1)
    name = f"Many {n}"
    lines = ["[contest]", f'name = "{name}"', "election_date = 2026-06-06", 'system = "irv"', ""]
    for i in range(n):
        lines += ["[[candidate]]", f'code = "c{i:03d}"', f'name = "Candidate {i:03d}"', ""]
    (folder / "race.toml").write_text("\n".join(lines), encoding="utf-8")
    rows = ["pollster,fieldwork_start,fieldwork_end,sample_size," + ",".join(f"first:c{i:03d}" for i in range(n))]
    base = rng.uniform(0.5, 20, n)
    for k in range(6):
        shares = base * rng.uniform(0.9, 1.1, n)
        shares = np.round(100 * shares / shares.sum(), 3)
        shares[0] = round(100 - shares[1:].sum(), 3)
        rows.append(f"P{k},2026-05-{k + 1:02d},2026-05-{k + 2:02d},2000," + ",".join(f"{v:.3f}" for v in shares))
    (folder / "polls.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    _cli(folder, "contest", "new", "--from", str(folder / "race.toml"))
    _cli(folder, "import", str(folder / "polls.csv"), "--contest", name)
    return name


def write_fixture(folder: Path) -> str:
    """The tests' 12-candidate race (tests/irv_fixture.py) in a store; the contest's name."""
    sys.path.insert(0, str(ROOT))
    from tests.irv_fixture import IRV_CONTEST, irv_polls
    from warroom.bootstrap import open_store
    from warroom.paths import AppPaths
    from warroom.store import polls

    opened = open_store(AppPaths.under(folder / "state").database, backup_dir=None, seed=False)
    try:
        with opened.sessions.begin() as session:
            polls.add_polls(session, polls.add_contest(session, IRV_CONTEST), irv_polls())
    finally:
        opened.close()
    return IRV_CONTEST.name


def _cli(folder: Path, *argv: str) -> None:
    from warroom.cli import main

    err = io.StringIO()
    if main([*argv, "--data-dir", str(folder / "state")], out=io.StringIO(), err=err) != 0:
        raise SystemExit(f"warroom {' '.join(argv)}: {err.getvalue()}")


def child(folder: str, name: str, mode: str) -> None:
    """One `warroom scenario` in this (fresh) process: its CPU seconds and this process's peak RSS, as JSON.

    mode: "new"; "dense", the simulator before this change; "before", the whole verb before this change (that
    simulator, each row a break-even tries played from the first round, a break-even's sentence with the
    count's decisive replays)."""
    if mode in ("dense", "before"):
        irv_scenario._DENSE_LIMIT = 1 << 62
    if mode == "before":
        from warroom.core import irv_pipeline

        _Chain.before_reading = lambda self, i: self.copy()  # type: ignore[method-assign,assignment]
        whole = irv_pipeline.run_irv
        irv_pipeline.run_irv = lambda scenario, replays=True: whole(scenario)  # type: ignore[assignment]
    from warroom.cli import main

    out, err = io.StringIO(), io.StringIO()
    start = time.process_time()
    code = main(["--data-dir", str(Path(folder) / "state"), "scenario", "--contest", name], out=out, err=err)
    took = time.process_time() - start
    if code != 0:
        raise SystemExit(err.getvalue())
    peak = _peak_rss_mb()
    print(json.dumps({"cpu": took, "rss": peak, "head": out.getvalue().splitlines()[1]}))


def _peak_rss_mb() -> float:
    """This process's peak resident memory (MB): VmHWM, which starts afresh at exec (getrusage's ru_maxrss would
    carry the parent's resident size at the fork)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)


def in_fresh_process(folder: Path, name: str, mode: str = "new") -> dict[str, float | str]:
    argv = [sys.executable, __file__, "--child", str(folder), name, mode]
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, check=False, env={**os.environ})
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    found: dict[str, float | str] = json.loads(done.stdout.splitlines()[-1])
    found["wall"] = wall
    return found


def part_two(sizes: list[int], reference: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "fixture"
        small.mkdir()
        fixture = in_fresh_process(small, write_fixture(small))
        print(
            f"warroom scenario, the tests' 12-candidate race: {fixture['cpu']:.2f} s CPU in the verb, "
            f"{fixture['wall']:.2f} s wall for the process, peak {fixture['rss']:.0f} MB RSS"
        )
        for n in sizes:
            folder = Path(tmp) / f"r{n}"
            folder.mkdir()
            name = write_race(folder, n)
            new = in_fresh_process(folder, name)
            print(
                f"warroom scenario, {n} candidates on votes: {new['cpu']:.2f} s CPU in the verb, {new['wall']:.2f} s "
                f"wall for the process, peak {new['rss']:.0f} MB RSS ({new['head']})"
            )
            if reference:
                for mode, what in (
                    ("before", "the verb before this change"),
                    ("dense", "the simulator before this change, the rest as now"),
                ):
                    old = in_fresh_process(folder, name, mode)
                    same = "the same headline" if old["head"] == new["head"] else f"headline {old['head']!r}"
                    print(
                        f"  reference, {what}: {old['cpu']:.2f} s CPU, {old['wall']:.2f} s wall, "
                        f"peak {old['rss']:.0f} MB RSS ({same})"
                    )
            cpu, rss = float(new["cpu"]), float(new["rss"])
            print(
                f"  target met? memory < 300 MB: {'YES' if rss < 300 else 'NO'} ({rss:.0f} MB); "
                f"time near 1 s (< 1.5 s CPU): {'YES' if cpu < 1.5 else 'NO'} ({cpu:.2f} s)"
            )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4])
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="*", default=[100, 200])
    parser.add_argument("--cli-sizes", type=int, nargs="*", default=[50, 100, 200])
    parser.add_argument("--no-reference", action="store_true", help="skip the old code paths (minutes, 1.3 GB)")
    args = parser.parse_args()
    part_one(args.sizes, not args.no_reference)
    part_two(args.cli_sizes, not args.no_reference)


if __name__ == "__main__":
    main()
