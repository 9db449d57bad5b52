"""An instant-runoff scenario of 100 and 200 candidates, half of them on nothing (issue 16's leftover: 11-44 s).

What `warroom scenario` and the IRV panel work out for one case: the chain with its decisive replays (`run_irv`),
the break-evens of the default row, and the simulated chances (a new `IrvSimulator`, 2,000 draws). CPU seconds.
References measured in the same run: the same chain and break-evens with the rule read literally (one exclusion
a round, each a tie-broken sort: the code before this change), and numpy drawing the simulator's standard
normals alone (the floor of a new simulator: its figures depend on exactly those numbers).

Run: python benchmarks/bench_irv_many.py [--sizes 100 200] [--no-reference]
"""

from __future__ import annotations

import argparse
import time

import _common  # noqa: F401  (puts the repository on the path)
import numpy as np

from warroom.core.irv_pipeline import break_evens, default_row
from warroom.core.irv_scenario import IrvScenario, IrvSimulator, _Chain, run_irv


def race(n: int) -> IrvScenario:
    """n candidates, every other one on nothing; rows spread by first-round share, a fifth exhausting."""
    rng = np.random.default_rng(1)
    first = np.where(np.arange(n) % 2 == 0, rng.uniform(0.5, 20, n), 0.0)
    rows = np.zeros((n, n + 1))
    rows[:, :n] = np.where(first > 0, first, 1e-3)[None, :]
    rows[:, n] = rows[:, :n].sum(axis=1) / 4
    np.fill_diagonal(rows, 0.0)
    rows *= 100.0 / rows.sum(axis=1)[:, None]
    return IrvScenario(tuple(f"c{i:03d}" for i in range(n)), first, rows)


def chain_and_break_evens(scenario: IrvScenario) -> tuple[float, tuple[object, ...]]:
    start = time.process_time()
    run = run_irv(scenario)
    found = break_evens(scenario, default_row(scenario, run), run=run)
    return time.process_time() - start, (run, tuple(found))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 200])
    parser.add_argument("--no-reference", action="store_true", help="skip the literal rule (minutes at 200)")
    args = parser.parse_args()
    for n in args.sizes:
        scenario = race(n)
        took, result = chain_and_break_evens(scenario)
        print(f"{n} candidates: chain + decisive replays + break-evens {took:.2f} s CPU")
        if not args.no_reference:
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
        start = time.process_time()
        IrvSimulator(n, 2000, 0).run(scenario)
        sim = time.process_time() - start
        start = time.process_time()
        np.random.default_rng(0).standard_normal((n, 2000, n + 1))
        floor = time.process_time() - start
        print(
            f"  a new simulator and its first run (2,000 draws): {sim:.2f} s CPU; numpy's normals alone {floor:.2f} s"
        )


if __name__ == "__main__":
    main()
