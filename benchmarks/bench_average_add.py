"""The worker's side of one poll added to a big contest, no window: the average (core.pipeline.compute_averages with
the kept ColumnBuilder, and the charts' point order it makes there) and then the scenario's case rebuilt and
evaluated on it (services.scenario_service._ahead), each as CPU time on this thread per add.

References in the same run, on the same polls:
- the average computed from scratch (a new ColumnBuilder: what a recompute without the kept columns costs);
- the same adds averaged with the house effects summed poll by poll (core.averaging._reference_house_effects, the
  definition the cell sums are tested against) in place of the cell sums, its own kept columns edited alike;
- the code before this round, when given a checkout with --before DIR (run there as a subprocess, same polls).

The window's own figure (every chart and the panel painted with the new poll and its average) is
benchmarks/_add_frame.py; this script says how much of it is the workers' and what the last round changed there.

Run: python benchmarks/bench_average_add.py [--polls 10000] [--adds 30] [--before /path/to/older/checkout]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from _common import CONTEST


def measure(n: int, adds: int) -> dict[str, float]:
    from bench_scale import scale_polls

    from warroom.core import averaging
    from warroom.core.averaging import ColumnBuilder
    from warroom.core.forecast import ForecastErrors
    from warroom.core.pipeline import BaselineChoice, OddsModel, compute_averages
    from warroom.services.scenario_service import _Ahead, _ahead

    root = Path(__file__).resolve().parents[1]
    odds = OddsModel(ForecastErrors.load(root / "resources" / "data" / "forecast_errors.json"), CONTEST.election_date)
    polls = [replace(p, id=i + 1) for i, p in enumerate(scale_polls(n))]
    polls.sort(key=lambda p: (p.fieldwork_end, p.id or 0))  # as the poll service holds them: fieldwork order
    builder, twin = ColumnBuilder(CONTEST), ColumnBuilder(CONTEST)  # twin: the same adds, summed poll by poll
    compute_averages(polls, CONTEST, columns=builder, odds=odds)
    compute_averages(polls, CONTEST, columns=twin, odds=odds)
    latest = polls[-1]
    kept, scratch, by_poll, case = [], [], [], []
    for i in range(adds):
        polls = [*polls, replace(latest, pollster=f"Newcomer {i % 3}", id=10 * n + i, sample_size=1000 + i)]
        c = time.thread_time()
        averages = compute_averages(polls, CONTEST, columns=builder, odds=odds)
        assert averages is not None and averages.columns is not None
        averages.columns.in_day_order  # noqa: B018  # made on the worker too (AverageController._compute)
        kept.append(time.thread_time() - c)
        c = time.thread_time()
        _ahead(_Ahead(polls, averages, CONTEST, BaselineChoice(), None, odds, None, False, None))
        case.append(time.thread_time() - c)
        c = time.thread_time()
        compute_averages(polls, CONTEST, columns=ColumnBuilder(CONTEST), odds=odds)
        scratch.append(time.thread_time() - c)
        if hasattr(averaging, "_reference_house_effects"):
            fast = averaging._house_effects
            averaging._house_effects = averaging._reference_house_effects
            try:
                c = time.thread_time()
                twins = compute_averages(polls, CONTEST, columns=twin, odds=odds)
                assert twins is not None and twins.columns is not None
                twins.columns.in_day_order  # noqa: B018
                by_poll.append(time.thread_time() - c)
            finally:
                averaging._house_effects = fast
    med = statistics.median
    return {
        "average": med(kept),
        "case": med(case),
        "scratch": med(scratch),
        "by_poll": med(by_poll) if by_poll else float("nan"),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--polls", type=int, default=10_000)
    parser.add_argument("--adds", type=int, default=30)
    parser.add_argument("--before", type=Path, help="a checkout of the code before this round, measured the same way")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # (the --before subprocess)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    here = measure(args.polls, args.adds)
    if args.json:
        from warroom import core

        print(json.dumps({**here, "code": str(Path(core.__file__).resolve().parents[2])}))
        return 0
    before: dict[str, Any] | None = None
    if args.before is not None:
        # This script run with the older checkout's benchmarks/ and package first on the path (its _common puts
        # its own checkout first), so that everything it imports is the older code.
        before_root = args.before.resolve()
        boot = (
            f"import sys, runpy; sys.path[:0] = [{str(before_root / 'benchmarks')!r}, {str(before_root)!r}];"
            f" sys.argv = ['bench_average_add.py', '--polls', '{args.polls}', '--adds', '{args.adds}', '--json'];"
            f" runpy.run_path({str(Path(__file__).resolve())!r}, run_name='__main__')"
        )
        out = subprocess.run(
            [sys.executable, "-c", boot],
            cwd=before_root,
            env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
            capture_output=True,
            text=True,
            check=True,
        )
        before = json.loads(out.stdout.strip().splitlines()[-1])
    ms = 1e3
    print(f"one poll added to {args.polls:,} polls, the workers' CPU per add (median of {args.adds}; load {load:.1f}):")
    print(f"  the average (kept columns, charts' point order): {here['average'] * ms:.2f} ms")
    print(f"  the scenario's case rebuilt and evaluated on it: {here['case'] * ms:.2f} ms")
    print(f"  same run: the average from scratch (a new ColumnBuilder) {here['scratch'] * ms:.2f} ms;"
          f" with the house effects summed poll by poll {here['by_poll'] * ms:.2f} ms")  # fmt: skip
    if before is not None:
        print(f"  same run, the code in {before['code']}: the average {before['average'] * ms:.2f} ms, the case"
              f" {before['case'] * ms:.2f} ms (from scratch {before['scratch'] * ms:.2f} ms)")  # fmt: skip
        for key in ("average", "case"):
            print(f"  {key}: {before[key] / here[key]:.2f}x faster than before")
    frame = 1 / 60
    total = here["average"] + here["case"]
    print(
        f"target met? {'PASS' if total < frame else 'MISS'} the workers' share of an add within one 60 Hz frame"
        f" ({total * ms:.1f} ms of CPU for the average and the case, one after the other; target 16.7 ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
