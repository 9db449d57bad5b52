"""Where an export's recorded picture is painted (ui.sketch.paint_here): the cost of each place.

1. The demo race (London 2012, the store a new user opens on): the first chart's PNG (1920 px) and PDF, the chart
   panel's PNG and the briefing, from click to the file landed and the longest event-loop stall meanwhile, painted
   by a child process (h3's path: sketch.PAINT_HERE_BELOW = 0) and in the window's process (PAINT_HERE_BELOW
   past any size, sketch.PDF_HERE True), alternated in one run.
2. The size rule's number: a job of N markers (circles, 1920 x 1080) painted on a worker thread of this process,
   as PNG and as PDF: its time, and the longest gap the main thread saw between 1 ms sleeps meanwhile (PySide6
   holds Python's lock through each QPainter call, so this is what the window's thread could be held); beside it,
   a child's start and paint of an empty job.

Run: python benchmarks/bench_paint_here.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time

from _common import scratch_folder
from _responsive import StallProbe, run_loop


def demo(rounds: int) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QFileDialog, QInputDialog

    import warroom.ui.sketch as sketch
    from warroom.app import WarRoom, make_qapp
    from warroom.bootstrap import open_store
    from warroom.services.settings import AppSettings

    folder = scratch_folder("warroom-bench-paint-")
    make_qapp()
    store = open_store(folder / "demo.sqlite3", backup_dir=None, seed=True)
    room = WarRoom(store, AppSettings(QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat)))
    room.window.resize(1600, 1000)
    room.window.show()
    win = room.window
    run_loop(60, until=lambda: room.averages.averages is not None and not room.averages.busy)
    run_loop(1)
    target = [""]
    QFileDialog.getSaveFileName = lambda *a, **k: (target[0], "PNG (*.png)")  # type: ignore[method-assign]
    QInputDialog.getInt = lambda *a, **k: (1920, True)  # type: ignore[method-assign]
    QInputDialog.getItem = lambda _p, _t, _l, items, *a, **k: (items[0], True)  # type: ignore[method-assign]
    errors: list[str] = []
    win.show_error = errors.append  # type: ignore[method-assign]
    probe = StallProbe()
    times: dict[tuple[str, str], list[tuple[float, float]]] = {}
    actions = {
        "chart png": ("png", lambda: win.export_chart_dialog("first")),
        "chart pdf": ("pdf", lambda: win.export_chart_dialog("first")),
        "panel png": ("png", lambda: win.export_view_dialog(win.charts, "png")),
        "briefing": ("pdf", win.action_briefing.trigger),
    }
    for n in range(rounds):
        for name, (kind, act) in actions.items():
            for mode in ("child (h3)", "here"):
                sketch.PAINT_HERE_BELOW = 0 if mode == "child (h3)" else 1 << 30  # (here: whatever the size)
                sketch.PDF_HERE = mode == "here"
                out = folder / f"{name.replace(' ', '-')}-{n}-{mode[:4]}.{kind}"
                target[0] = str(out)
                run_loop(0.3)
                probe.start()
                t = time.perf_counter()
                act()
                run_loop(60, until=lambda out=out: out.exists() and not win.file_writes)  # type: ignore[misc]
                landed = (time.perf_counter() - t) * 1000
                run_loop(0.1)
                times.setdefault((name, mode), []).append((landed, probe.longest * 1000))
                probe.stop()
                assert out.exists() and not errors, errors
    from warroom.ui.export import _markers_in

    markers = _markers_in(win.charts)
    print(
        f"demo race ({markers:,} markers in the panel), first chart at 1920 px (PNG) / as on screen (PDF): click to "
        f"file landed, ms (longest event-loop stall meanwhile, ms); load {os.getloadavg()[0]:.1f}:"
    )
    for (kind, mode), ms in times.items():
        print(f"  {kind:9} {mode:11} " + ", ".join(f"{m:,.0f} ({s:,.0f})" for m, s in ms))


def sizes() -> None:
    import numpy as np
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QBrush, QColor, QPainter, QPen

    from warroom.ui.sketch import Child, Markers, PdfJob, PngJob

    folder = scratch_folder("warroom-bench-sizes-")
    rng = np.random.default_rng(1)
    print(f"a job of N markers painted on a worker thread (ms), load {os.getloadavg()[0]:.1f}:")
    print("  N          PNG paint / longest main-thread gap    PDF paint / longest gap")
    for n in (1_000, 5_000, 10_000, 20_000, 50_000, 100_000):
        points = rng.uniform((60, 60), (1860, 1020), size=(n, 2))
        marks = Markers(
            points,
            np.full(n, 7.0),
            np.zeros((n, 3), dtype=np.int64),
            (["o"], [QPen(QColor("#333333"))], [QBrush(QColor("#3366cc"))]),
            [],
            0.9,
            QPainter.RenderHint.Antialiasing,
            None,
            True,
        )
        paged = Markers(
            points, marks.sizes, marks.which, (marks.symbols, marks.pens, marks.brushes), [], 0.9,
            QPainter.RenderHint.Antialiasing, None, True, QRectF(0, 0, 1920, 1080), 48,
        )  # fmt: skip
        row = []
        for job, name in (
            (PngJob(1920, 1080, (255, 255, 255, 255), [marks], n), "x.png"),
            (PdfJob(1920, 1080, 96, "t", (255, 255, 255, 255), [paged], n), "x.pdf"),
        ):
            done = threading.Event()
            took = [0.0]

            def paint(job=job, name=name, done=done, took=took) -> None:  # type: ignore[no-untyped-def]
                t = time.perf_counter()
                job.paint(folder / name)
                took[0] = (time.perf_counter() - t) * 1000
                done.set()

            worker = threading.Thread(target=paint)
            gap, last = 0.0, time.perf_counter()
            worker.start()
            while not done.is_set():
                time.sleep(0.001)
                now = time.perf_counter()
                gap, last = max(gap, now - last), now
            worker.join()
            row.append(f"{took[0]:8,.0f} / {gap * 1000:5,.0f}")
        print(f"  {n:<9,}  {row[0]:>30}    {row[1]:>22}")
    starts = []
    for _ in range(3):
        t = time.perf_counter()
        Child().run(PngJob(8, 8, (255, 255, 255, 255), []), folder / "empty.png")
        starts.append((time.perf_counter() - t) * 1000)
    print("  a child's start and paint of an empty 8 x 8 PNG: " + ", ".join(f"{s:,.0f}" for s in starts) + " ms")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-sizes", action="store_true", help="only the demo race's exports")
    args = parser.parse_args()
    demo(args.rounds)
    if not args.no_sizes:
        sizes()
    return 0


if __name__ == "__main__":
    sys.exit(main())
