"""Instant-runoff scenario maths on a 12-candidate race: what one slider move costs.

A slider move edits one candidate's transfer row (minor candidates grouped), then reruns the chain once at the
scenario's values (rounds, margins, decisive eliminations) and the simulated win probabilities. Issue 12's
target is a repaint within p95 8 ms including the simulation, so the maths should take about 2 ms or less.
The reference, measured in the same run: the deterministic single run alone (`run_irv`).

Run: python benchmarks/bench_irv_scenario.py [--moves 200] [--draws 2000 4000]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
from _common import p95, summary

from warroom.core.irv_scenario import (
    IrvScenario,
    IrvSimulator,
    grouped_row,
    irv_scenario,
    minor_group,
    run_irv,
    set_row,
    simulate_irv,
)
from warroom.core.types import EXHAUSTED


def race() -> IrvScenario:
    """Twelve candidates: three large, three middling, six minor; a three-way race for the final pair."""
    shares = [26.0, 24.5, 23.5, 7.0, 5.5, 4.5, 2.5, 2.0, 1.6, 1.3, 0.9, 0.7]
    codes = [f"c{i:02d}" for i in range(12)]
    rng = np.random.default_rng(3)  # a three-way race with two decisive eliminations
    rows = {}
    for i, code in enumerate(codes):
        weights = rng.dirichlet(np.ones(12)) * 80
        weights[i] = 0
        row = {c: float(w) for c, w in zip(codes, weights, strict=True) if c != code}
        row[EXHAUSTED] = 100.0 - sum(row.values())
        rows[code] = row
    return irv_scenario(dict(zip(codes, shares, strict=True)), rows)


CPU: list[float] = []  # process CPU time of the last timed batch (ms per call): what the maths costs on a busy machine


def time_moves(fn: Callable[[int], object], moves: int) -> list[float]:
    """Wall times (ms) of fn(0), fn(1), ...; the batch's CPU time per call goes to CPU."""
    out = []
    cpu = time.process_time()
    for i in range(moves):
        t = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - t) * 1000.0)
    CPU[:] = [(time.process_time() - cpu) * 1000.0 / moves]
    return out


def line(times: list[float]) -> str:
    return f"{summary(times)}   cpu {CPU[0]:6.2f} ms/call"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--moves", type=int, default=200)
    parser.add_argument("--draws", type=int, nargs="+", default=[2000, 4000])
    args = parser.parse_args()

    base = race()
    groups = {"minor": minor_group(base, below=3.0)}
    target = "c04"  # the candidate whose row the sliders edit
    start = grouped_row(base, target, groups)
    positions = np.linspace(0.0, 30.0, 31)

    def edited(i: int) -> IrvScenario:
        row = dict(start)
        shift = min(float(positions[i % len(positions)]), row["c01"])
        row["c00"] += shift
        row["c01"] -= shift
        return set_row(base, target, row, groups)

    scenarios = [edited(i) for i in range(len(positions))]
    reference = run_irv(base)
    print(
        f"12 candidates; winner {reference.winner}, final pair {reference.final_pair}, "
        f"{len(reference.eliminations)} eliminations, {len(reference.decisive)} decisive"
    )

    for _ in range(5):
        run_irv(scenarios[0])
    ref = time_moves(lambda i: run_irv(scenarios[i % len(scenarios)]), args.moves)
    print(f"reference  run_irv (single run, margins, decisive replays):  {line(ref)}")
    row_edit = time_moves(lambda i: edited(i), args.moves)
    print(f"           set_row (one slider value -> scenario):            {line(row_edit)}")

    for draws in args.draws:
        t = time.perf_counter()
        sim = IrvSimulator(12, draws=draws, seed=0)
        sim.run(base)
        setup = (time.perf_counter() - t) * 1000.0
        for _ in range(5):
            sim.run(scenarios[_ % len(scenarios)])

        def sim_only(i: int, sim: IrvSimulator = sim) -> None:
            sim.run(scenarios[i % len(scenarios)])

        sims = time_moves(sim_only, args.moves)
        sim_line = line(sims)

        def move(i: int, sim: IrvSimulator = sim) -> None:
            s = edited(i)
            run_irv(s)
            sim.run(s)

        moves = time_moves(move, args.moves)
        move_line = line(moves)
        odds = sim.run(base)
        top = sorted(odds.p_win.items(), key=lambda kv: -kv[1])[:3]
        print(f"{draws:>5} draws: simulation only (one row edited):       {sim_line}")
        print(
            f"{draws:>5} draws: whole move (row + single run + simulation): {move_line}"
            f"   p95 = {p95(moves) / p95(ref):.1f} x the reference's"
        )
        print(
            f"             first call (noise drawn, all rows): {setup:.1f} ms; "
            f"P(win) {', '.join(f'{c} {p:.3f}' for c, p in top)}"
        )
    t = time.perf_counter()
    simulate_irv(base, draws=args.draws[0], seed=0, exact=True)
    print(f"exact gamma rows, {args.draws[0]} draws, one call: {(time.perf_counter() - t) * 1000.0:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
