"""Importing 10,000 polls through the window: how long does the event loop stall? (issue 16: "no stall over 100 ms")

A running war room on the London 2012 demo store imports a 10,000-poll CSV through File > Import's own code path
(ImportActions.import_file -> the import worker). A QTimer probe ticks every 5 ms on the GUI thread; the longest
gap between two ticks, less the interval, is the longest the window could not repaint or answer a click.

Measured separately:
- during the import (from the call until the worker hands the stored polls over: reading, checking, writing,
  reading back);
- the refresh after it (from then until the new averages are on the charts), which the poll table, the average
  and the charts do on the GUI thread, once.

Reference in the same run: the same file imported the way the window did it before, synchronously on the GUI
thread (PollService.parse_csv, then MainWindow.import_polls), on a fresh copy of the same store. Its stall is
simply its duration.

Also measured: the paste dialog over the same rows as a spreadsheet table, where changing a column's field
re-checks every row for the preview (on the import worker's check thread), against that check's own time.

Run: python benchmarks/bench_import_stall.py [--polls 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from _common import scratch_folder, synthetic_polls

PROBE_MS = 5


class Probe:
    """Ticks every PROBE_MS on the GUI thread and keeps the longest gap between ticks within a window of time."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.ticks: list[float] = []
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(PROBE_MS)
        self._timer.timeout.connect(lambda: self.ticks.append(time.perf_counter()))
        self._timer.start()

    def longest_stall_ms(self, start: float, end: float) -> float:
        """The longest time (ms) between start and end in which the probe could not tick, less its interval."""
        marks = [start] + [t for t in self.ticks if start < t < end] + [end]
        gaps = [b - a for a, b in itertools.pairwise(marks)]
        return max(0.0, max(gaps) * 1000.0 - PROBE_MS)

    def stop(self) -> None:
        self._timer.stop()


def spin_until(done: Callable[[], bool], timeout_s: float = 300.0) -> None:
    """Run the event loop (idle in Qt, as the app's own loop is: no busy Python loop taking the GIL) until done."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    deadline = time.perf_counter() + timeout_s
    check = QTimer()
    check.setInterval(10)

    def look() -> None:
        if done() or time.perf_counter() > deadline:
            loop.quit()

    check.timeout.connect(look)
    check.start()
    if not done():
        loop.exec()
    check.stop()
    if not done():
        raise TimeoutError("the import did not finish")


def make_room(folder: Path):  # type: ignore[no-untyped-def]
    from warroom.app import WarRoom
    from warroom.bootstrap import open_store
    from warroom.paths import AppPaths
    from warroom.services.settings import open_settings

    paths = AppPaths.under(folder)
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir)
    room = WarRoom(store, open_settings(paths), watch=False)
    room.window.resize(1600, 1000)
    room.window.show()
    spin_until(lambda: room.scenarios.view is not None)
    return room


def poll_file(folder: Path, n: int, room) -> Path:  # type: ignore[no-untyped-def]
    """n London 2012 polls with distinct pollster-and-dates, fieldwork before the election, as a poll CSV."""
    from warroom.core.csvformat import polls_to_csv

    # not the demo's pollsters: none of these is already stored, so both paths add all n
    pollsters = [f"Panel {c}" for c in "ABCDEFGH"]
    last = date(2012, 4, 28)
    polls = [
        replace(
            p,
            id=None,
            pollster=pollsters[i % len(pollsters)],
            fieldwork_start=last - timedelta(days=i // len(pollsters) + 2),
            fieldwork_end=last - timedelta(days=i // len(pollsters)),
            transfers=(),
        )
        for i, p in enumerate(synthetic_polls(n))
    ]
    path = folder / f"polls-{n}.csv"
    path.write_text(polls_to_csv(polls, room.poll_service.contest), encoding="utf-8")
    return path


def through_the_worker(folder: Path, path: Path, n: int) -> dict[str, float]:
    room = make_room(folder)
    finished: list[float] = []
    averaged: list[int] = []
    adopt = room.poll_service.adopt_added

    def timed_adopt(*args: object) -> None:  # the worker's part ends where the poll service takes its polls
        finished.append(time.perf_counter())
        adopt(*args)  # type: ignore[arg-type]

    room.poll_service.adopt_added = timed_adopt
    room.averages.averages_ready.connect(lambda polls, _avg: averaged.append(len(polls)))
    before = len(room.poll_service.polls)
    probe = Probe()
    spin_until(lambda: len(probe.ticks) > 20)  # the probe is ticking steadily
    t0 = time.perf_counter()
    room.import_actions.import_file(path)
    spin_until(lambda: bool(finished))
    spin_until(lambda: bool(averaged) and averaged[-1] == before + n)
    t2 = time.perf_counter()
    t1 = finished[0]
    probe.stop()
    assert len(room.poll_service.polls) == before + n, "the import did not add every poll"
    out = {
        "wall": t1 - t0,
        "stall_import": probe.longest_stall_ms(t0, t1),
        "stall_refresh": probe.longest_stall_ms(t1, t2),
        "refresh": t2 - t1,
    }
    room.window.close()
    room.store.close()
    return out


def paste_check(folder: Path, path: Path) -> dict[str, float]:
    """The paste dialog over the same 10,000 rows as a spreadsheet table: one column's field changed by hand, and
    the preview's check of all 10,000 rows (on the import worker's check thread). Reference: that check's own
    work (to_poll_csv + the importer's parse), done here on the GUI thread as the dialog did before."""
    from warroom.core.paste import split_table, to_poll_csv
    from warroom.services.poll_service import parse_poll_text
    from warroom.ui.paste_dialog import PasteDialog

    room = make_room(folder)
    rows = split_table(path.read_text(encoding="utf-8").replace(",", "\t"))
    dialog = PasteDialog(rows, room.poll_service.contest, room.import_worker, room.window)
    dialog.show()
    spin_until(lambda: not dialog.checking)
    probe = Probe()
    spin_until(lambda: len(probe.ticks) > 20)
    picker = dialog.pickers[5]  # sample_size: "not imported", then back
    t0 = time.perf_counter()
    picker.setCurrentIndex(0)
    spin_until(lambda: not dialog.checking)
    picker.setCurrentIndex(picker.findData("sample_size"))
    spin_until(lambda: not dialog.checking)
    t1 = time.perf_counter()
    probe.stop()
    assert dialog.summary.text().startswith(f"{len(rows) - 1:,} polls will be imported"), dialog.summary.text()
    contest = room.poll_service.contest
    t2 = time.perf_counter()
    parse_poll_text(to_poll_csv(rows, dialog.mapping()), contest)
    t3 = time.perf_counter()
    out = {"wall": (t1 - t0) / 2, "stall": probe.longest_stall_ms(t0, t1), "sync": t3 - t2}
    dialog.close()
    room.window.close()
    room.store.close()
    return out


def idle(folder: Path, seconds: float) -> dict[str, float]:
    """The noise floor: the same window doing nothing for as long as an import takes (a shared machine's
    scheduler alone can hold the process back for tens of milliseconds)."""
    room = make_room(folder)
    probe = Probe()
    spin_until(lambda: len(probe.ticks) > 20)
    t0 = time.perf_counter()
    spin_until(lambda: time.perf_counter() > t0 + seconds)
    t1 = time.perf_counter()
    probe.stop()
    out = {"stall": probe.longest_stall_ms(t0, t1)}
    room.window.close()
    room.store.close()
    return out


def synchronously(folder: Path, path: Path, n: int) -> dict[str, float]:
    """The old window path: parse and write on the GUI thread, inside one event-loop turn."""
    from PySide6.QtCore import QTimer

    room = make_room(folder)
    averaged: list[int] = []
    room.averages.averages_ready.connect(lambda polls, _avg: averaged.append(len(polls)))
    before = len(room.poll_service.polls)
    marks: list[float] = []

    def old_import() -> None:
        parsed = room.poll_service.parse_csv(path)
        assert parsed.ok, parsed.errors[:3]
        room.window.import_polls(parsed.polls)  # stored, read back and put in the table, all in this call
        marks.append(time.perf_counter())

    probe = Probe()
    spin_until(lambda: len(probe.ticks) > 20)
    t0 = time.perf_counter()
    QTimer.singleShot(0, room.window, old_import)
    spin_until(lambda: bool(marks))
    spin_until(lambda: bool(averaged) and averaged[-1] == before + n)
    t2 = time.perf_counter()
    t1 = marks[0]
    probe.stop()
    assert len(room.poll_service.polls) == before + n
    out = {
        "wall": t1 - t0,
        "stall_import": probe.longest_stall_ms(t0, t1),
        "stall_refresh": probe.longest_stall_ms(t1, t2),
        "refresh": t2 - t1,
    }
    room.window.close()
    room.store.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--polls", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from warroom.app import make_qapp

    make_qapp()
    root = scratch_folder("warroom-bench-import-")
    probe_room = make_room(root / "file")
    path = poll_file(root, args.polls, probe_room)
    probe_room.window.close()
    probe_room.store.close()

    ours: list[dict[str, float]] = []
    ref: list[dict[str, float]] = []
    quiet: list[dict[str, float]] = []
    pastes: list[dict[str, float]] = []
    for k in range(args.repeat):  # interleaved, so contention on a shared machine hits all of them alike
        ours.append(through_the_worker(root / f"worker-{k}", path, args.polls))
        ref.append(synchronously(root / f"sync-{k}", path, args.polls))
        quiet.append(idle(root / f"idle-{k}", ours[-1]["wall"]))
        pastes.append(paste_check(root / f"paste-{k}", path))

    def med(runs: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in runs)

    n = f"{args.polls:,}"
    print(f"Importing {n} polls through File > Import on a running window (median of {args.repeat} runs)")
    print(f"  probe: a {PROBE_MS} ms QTimer on the GUI thread; stall = longest gap between ticks less {PROBE_MS} ms")
    print()
    print("  import worker (this build):")
    print(f"    wall time of the import            {med(ours, 'wall') * 1000:8.0f} ms")
    print(f"    longest stall during the import    {med(ours, 'stall_import'):8.1f} ms   (target <= 100 ms)")
    print(f"    the one refresh afterwards         {med(ours, 'refresh') * 1000:8.0f} ms, "
          f"longest stall {med(ours, 'stall_refresh'):.1f} ms")  # fmt: skip
    print("  reference, same run: the same import synchronously on the GUI thread (the old path):")
    print(f"    wall time of the import            {med(ref, 'wall') * 1000:8.0f} ms   (with the table update)")
    print(f"    longest stall during the import    {med(ref, 'stall_import'):8.1f} ms")
    print(f"    the averages afterwards            {med(ref, 'refresh') * 1000:8.0f} ms, "
          f"longest stall {med(ref, 'stall_refresh'):.1f} ms")  # fmt: skip
    print("  noise floor, same run: the same window idle for as long as the import took:")
    print(f"    longest stall                      {med(quiet, 'stall'):8.1f} ms")
    print("  the paste dialog over the same rows, a column's field changed (the preview re-checks every row):")
    print(f"    check of {n} rows on the check thread {med(pastes, 'wall') * 1000:6.0f} ms, "
          f"longest stall {med(pastes, 'stall'):.1f} ms")  # fmt: skip
    print(f"    reference: that check on the GUI thread {med(pastes, 'sync') * 1000:5.0f} ms (the stall it used to be)")
    print()
    print("  every run (worker / synchronous / idle, longest stall in ms): " + ", ".join(
        f"{a['stall_import']:.0f}/{b['stall_import']:.0f}/{c['stall']:.0f}"
        for a, b, c in zip(ours, ref, quiet, strict=True)
    ))  # fmt: skip
    ok = med(ours, "stall_import") <= 100.0 and med(pastes, "stall") <= 100.0
    verdict = "PASS" if ok else "FAIL"
    print(f"  verdict: {verdict}: neither the import nor the paste preview's check stalls the window over 100 ms")
    print("  (the refresh after an import, averages + charts + scenario on the GUI thread, is not the import's)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
