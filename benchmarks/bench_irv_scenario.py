"""Instant-runoff scenario maths on a 12-candidate race: what one slider move costs.

A slider move edits one candidate's transfer row (minor candidates grouped), then reruns the chain once at the
scenario's values (rounds, margins, decisive eliminations) and the simulated win probabilities. Issue 12's
target is a repaint within p95 8 ms including the simulation, so the maths should take about 2 ms or less.
The reference, measured in the same run: the deterministic single run alone (`run_irv`).

Run: python benchmarks/bench_irv_scenario.py [--moves 200] [--draws 2000 4000]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from functools import partial

import numpy as np
from _common import summary

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


class Timings:
    """Wall and CPU (process) time of each call, in ms. On a shared machine the wall clock also counts the
    time other processes hold the cores; CPU time is what the maths itself costs."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def time(self, fn: Callable[[], object]) -> None:
        c, t = time.process_time(), time.perf_counter()
        fn()
        self.wall.append((time.perf_counter() - t) * 1000.0)
        self.cpu.append((time.process_time() - c) * 1000.0)

    def line(self) -> str:
        return f"{summary(self.wall)}   cpu median {statistics.median(self.cpu):6.2f} ms"


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

    def whole_move(i: int, sim: IrvSimulator) -> None:
        scenario = edited(i)
        sim.run(scenario)
        run_irv(scenario)

    reference = run_irv(base)
    print(
        f"12 candidates; winner {reference.winner}, final pair {reference.final_pair}, "
        f"{len(reference.eliminations)} eliminations, {len(reference.decisive)} decisive; {args.moves} moves, "
        "each kind timed in turn so all see the same machine load"
    )
    for draws in args.draws:
        t = time.perf_counter()
        sim, sim_alone = IrvSimulator(12, draws=draws, seed=0), IrvSimulator(12, draws=draws, seed=0)
        sim.run(base)
        setup = (time.perf_counter() - t) * 1000.0
        sim_alone.run(base)
        ref, row_edit, sims, moves = Timings(), Timings(), Timings(), Timings()
        for i in range(args.moves + 5):
            s = edited(i)
            if i < 5:  # warm-up
                run_irv(s)
                sim.run(s)
                continue
            ref.time(partial(run_irv, s))
            row_edit.time(partial(edited, i))
            sims.time(partial(sim_alone.run, s))
            moves.time(partial(whole_move, i, sim))
        ratio = statistics.median(moves.cpu) / statistics.median(ref.cpu)
        print(f"{draws} draws")
        print(f"  reference: run_irv (rounds, margins, decisive replays)   {ref.line()}")
        print(f"  set_row (slider value -> scenario)                       {row_edit.line()}")
        print(f"  simulation (one row changed since the last call)         {sims.line()}")
        print(
            f"  whole move (row, simulation, single run)                 {moves.line()}   cpu {ratio:.1f} x reference"
        )
        odds = sim.run(base)
        top = sorted(odds.p_win.items(), key=lambda kv: -kv[1])[:3]
        print(
            f"  first call (noise drawn, every row): {setup:.1f} ms; P(win) {', '.join(f'{c} {p:.3f}' for c, p in top)}"
        )
    t = time.perf_counter()
    simulate_irv(base, draws=args.draws[0], seed=0, exact=True)
    print(f"exact gamma rows, {args.draws[0]} draws, one call: {(time.perf_counter() - t) * 1000.0:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
