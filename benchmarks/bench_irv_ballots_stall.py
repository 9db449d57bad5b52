"""The instant-runoff panel's "From last election's ballots…" on a big ballot file: the event loop's longest stall.

A running war room (the London 2012 demo store with the 12-candidate instant-runoff race added and opened) takes
its next preferences from a ballot file of --ballots rows (10^6 of 6 preferences: about 62 MB). A QTimer probe ticks every 5 ms
on the GUI thread; the longest gap between two ticks, less the interval, is the longest the window could not
repaint or answer a click. Three phases, in the same run, on the same window:

- idle: the window doing nothing, as long as the read below took (the machine's own noise);
- before: the old path, the read and parse on the GUI thread (parse_ballot_file, prior_rows_from_ballots and the
  rows set, as IrvController.load_prior_ballots did), started from the event loop;
- after: the button itself (the file dialog answered), the read on its worker thread, until the rows land.

Run: python benchmarks/bench_irv_ballots_stall.py [--ballots 1000000]
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _common import close_room, open_room

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.irv_fixture: the 12-candidate race

PROBE_MS = 5


def write_ballots(path: Path, n: int, ranks: int) -> None:
    """n ballots of one paper each, `ranks` preferences among the 12 candidates (a cast-vote record's shape)."""
    from tests.irv_fixture import NAMES

    names = [name for name, _p, _c in NAMES.values()]
    rng = np.random.default_rng(1)
    picks = np.argsort(rng.random((n, len(names))), axis=1)[:, :ranks]
    lines = ["count," + ",".join(f"rank{k + 1}" for k in range(ranks)) + "\n"]
    lines += ["1," + ",".join(names[i] for i in row) + "\n" for row in picks]
    path.write_text("".join(lines))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--ranks", type=int, default=6, help="preferences per ballot (6: about 60 MB at 10^6)")
    args = parser.parse_args()

    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QFileDialog

    from tests.irv_fixture import IRV_CONTEST, add_irv_contest
    from warroom.core.csvformat import parse_ballot_file
    from warroom.core.irv_pipeline import prior_rows_from_ballots

    app, room = open_room(prepare=add_irv_contest)
    room.poll_service.open_contest(IRV_CONTEST.name)
    while room.irv.view is None:
        app.processEvents()
    ticks: list[float] = []
    probe = QTimer()
    probe.setTimerType(Qt.TimerType.PreciseTimer)
    probe.setInterval(PROBE_MS)
    probe.timeout.connect(lambda: ticks.append(time.perf_counter()))
    probe.start()

    def stall_ms(start: float, end: float) -> float:
        marks = [start] + [t for t in ticks if start < t < end] + [end]
        return max(0.0, max(b - a for a, b in itertools.pairwise(marks)) * 1000.0 - PROBE_MS)

    def stall_at_ms(start: float, end: float) -> float:
        """When (ms after start) the longest stall began."""
        marks = [start] + [t for t in ticks if start < t < end] + [end]
        gap = max(itertools.pairwise(marks), key=lambda ab: ab[1] - ab[0])
        return (gap[0] - start) * 1000.0

    def run_until(done: object, start_call: object) -> tuple[float, float]:
        start = time.perf_counter()
        QTimer.singleShot(0, room.irv, start_call)  # type: ignore[arg-type]
        while not done():  # type: ignore[operator]
            app.processEvents()
            time.sleep(0.001)
        end = time.perf_counter()
        for _ in range(5):
            app.processEvents()
        return start, end

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ballots.csv"
        write_ballots(path, args.ballots, args.ranks)
        size = os.path.getsize(path)
        ctl = room.irv

        # before: the old synchronous path on the GUI thread
        landed = {"old": False}

        def old() -> None:
            table, errors = parse_ballot_file(path)
            assert not errors
            contest = ctl.contest
            rows = prior_rows_from_ballots(table, contest, max_rankings=contest.counting_rules.preferences)
            ctl._set_prior_rows(rows, f"ballots in {path.name}", first=True)
            landed["old"] = True

        b0, b1 = run_until(lambda: landed["old"], old)

        # after: the button, the read on its worker thread
        ctl.set_prior_rows(None)
        notices: list[str] = []
        ctl.notice.connect(notices.append)
        QFileDialog.getOpenFileName = staticmethod(lambda *a, **k: (str(path), ""))  # type: ignore[method-assign]
        a0, a1 = run_until(
            lambda: any(path.name in n for n in notices) and not ctl.ballots_loading,
            room.irv_panel.ballots_button.click,
        )

        # idle: as long as the read took, nothing happening
        i0 = time.perf_counter()
        while time.perf_counter() - i0 < b1 - b0:
            app.processEvents()
            time.sleep(0.001)
        i1 = time.perf_counter()

    probe.stop()
    print(f"{args.ballots:,} ballots, {size / 1e6:.0f} MB; load {os.getloadavg()[0]:.1f}")
    print(f"idle (reference):          longest stall {stall_ms(i0, i1):7.0f} ms over {(i1 - i0) * 1000:6.0f} ms")
    print(f"before (GUI thread):       longest stall {stall_ms(b0, b1):7.0f} ms over {(b1 - b0) * 1000:6.0f} ms")
    print(
        f"after (worker thread):     longest stall {stall_ms(a0, a1):7.0f} ms over {(a1 - a0) * 1000:6.0f} ms "
        f"(beginning {stall_at_ms(a0, a1):.0f} ms in)"
    )
    close_room(room)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
