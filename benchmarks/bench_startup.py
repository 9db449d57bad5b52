"""Start-up (issue 15): cold start to a real, usable window, and the window built at 10,000 polls, each against
floors measured in the same run (docs/STARTUP.md has the profile behind it).

1. Cold start on the demo race (benchmarks/_coldstart.py: from the launch of `python -m warroom` to the shell's
   first paint, the real window's first paint (live figures and poll table; its charts load after it), its charts
   in and its figures in; and the moment the live figures and poll table first painted: the shell, when the start's
   first read proved its figures current, else the real window; and the first window to work in: that shell as
   the real window's first stage, its poll table and poll form working; and the whole window with its scenario sliders
   working: that shell with the real scenario panel, bound to the case the start frame kept, else the real window),
   against `python -c "import PySide6.QtWidgets"`, an empty QWidget shown and painted, a bare PySide6 window with a
   table, a PySide6 + pyqtgraph plot window and an empty Python, all in the same run. Target: the whole window with
   its sliders working painted under 0.5 s.
2. The same cold start on a 10,000-poll store (`--db`).
3. Window built and first painted on a 10,000-poll store, in a fresh process whose imports are done (what the
   issue's table times): open the store, build the war room, show it, its first paint. References in the same
   run, measured the same way: the same window on the demo race (17 polls), and an empty QWidget shown and
   painted. Target: under 1 s.

Run: python benchmarks/bench_startup.py [--repeat 5] [--polls 10000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _coldstart import ROOT, _env, measure, summary

WINDOW = """
import sys, time
from pathlib import Path
from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtWidgets import QWidget
from warroom.app import WarRoom, configure_charts, make_qapp
from warroom.bootstrap import open_store
from warroom.services.settings import AppSettings
import warroom.ui.main_window, warroom.ui.scenario_panel, warroom.ui.irv_panel, warroom.ui.two_round_panel  # noqa
import warroom.ui.actions, warroom.ui.contest_actions, warroom.services.poll_service  # noqa
import warroom.services.analysis_service, warroom.services.scenario_service, warroom.store.contests  # noqa
app = make_qapp(["warroom"])
db, folder, what = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
painted = []
class First(QObject):
    def __init__(self, target):
        super().__init__()
        self.target = target
    def eventFilter(self, obj, ev):
        if ev.type() == QEvent.Type.Paint and obj is self.target and not painted:
            painted.append((time.perf_counter(), time.process_time()))
            QTimer.singleShot(0, app.quit)
        return False
t0, c0 = time.perf_counter(), time.process_time()
if what == "empty":
    win = QWidget()
else:
    store = open_store(db, backup_dir=folder / "backups")
    settings = AppSettings(QSettings(str(folder / f"settings-{what}.ini"), QSettings.Format.IniFormat))
    room = WarRoom(store, settings, watch=False)
    win = room.window
first = First(win)
win.installEventFilter(first)
win.resize(1400, 900)
win.show()
app.exec()
print(f"window={painted[0][0] - t0:.4f} cpu={painted[0][1] - c0:.4f}")
"""


def window_times(db: Path, folder: Path, what: str, pycache: str) -> tuple[float, float]:
    """Seconds from before the store is opened to the window's first paint: wall, and the process's CPU."""
    env = {k: v for k, v in _env(pycache).items() if k != "WARROOM_EXIT_AFTER_PAINT"}
    out = subprocess.run(
        [sys.executable, "-c", WINDOW, str(db), str(folder), what],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=ROOT,  # `-c` puts the working folder first on sys.path: this checkout's, not another's
    )
    if out.returncode != 0:
        raise RuntimeError(f"{what}: {out.stderr[-2000:]}")
    line = next(x for x in out.stdout.splitlines() if x.startswith("window="))
    wall, cpu = (float(part.split("=")[1]) for part in line.split())
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--polls", type=int, default=10_000)
    parser.add_argument("--no-cold", action="store_true", help="only the in-process window figures")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from _responsive import build_store
    from bench_scale import scale_polls

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall times stretch with it)", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        big = build_store(folder, scale_polls(args.polls))
        demo_dir = folder / "demo"
        demo_dir.mkdir()
        from warroom.bootstrap import open_store

        open_store(demo_dir / "polls.sqlite3", backup_dir=None).close()  # seeded: the demo races
        pycache = str(folder / "pycache")
        runs: dict[str, list[tuple[float, float]]] = {"big": [], "demo": [], "empty": []}
        for what, db in (("big", big), ("demo", demo_dir / "polls.sqlite3"), ("empty", big)):
            window_times(db, folder, what, pycache)  # untimed: bytecode caches, the store's first backup
        for _ in range(args.repeat):
            for what, db in (("big", big), ("demo", demo_dir / "polls.sqlite3"), ("empty", big)):
                runs[what].append(window_times(db, folder, what, pycache))
        window = {k: statistics.median(w for w, _c in v) for k, v in runs.items()}
        cpu = {k: statistics.median(c for _w, c in v) for k, v in runs.items()}
        cold = cold_big = None
        if not args.no_cold:
            cold = measure(args.repeat)
            cold_big = measure(args.repeat, db=big)
    print(f"load average {os.getloadavg()[0]:.1f} after the run\n")
    print(
        f"window built and first painted, {args.polls:,}-poll store (imports done; median of {args.repeat}): "
        f"{window['big']:.3f} s; same run: the same window on the demo race {window['demo']:.3f} s, an empty "
        f"QWidget shown and painted {window['empty']:.3f} s\n  as CPU seconds of the process: {cpu['big']:.3f}; "
        f"same run: the demo window {cpu['demo']:.3f}, the empty QWidget {cpu['empty']:.3f}"
    )
    if cold is not None and cold_big is not None:
        print("\n" + summary(cold))
        print(f"\nthe same cold start on the {args.polls:,}-poll store: " + summary(cold_big).split(": ", 1)[1])
    print("\ntargets (issue 15)")
    print(
        f"  window built and painted, {args.polls:,} polls, < 1 s:  {_verdict(window['big'] < 1.0)} "
        f"(its CPU time: {_verdict(cpu['big'] < 1.0)})"
    )
    if cold is not None:
        print(f"  cold start, demo, first paint (the shell) < 0.5 s:      {_verdict(cold['first_paint'] < 0.5)}")
        print(
            f"  cold start, demo, live figures + poll table < 0.5 s:   {_verdict(cold['live'] < 0.5)} "
            f"(its CPU time: {_verdict(cold['cpu_live'] < 0.5)}; painted by the shell, proved current by the "
            f"first read, in {cold['live_first']:.0%} of starts; before SQLAlchemy, Alembic and pyqtgraph)"
        )
        print(
            f"  cold start, demo, first window to work in < 0.5 s:     {_verdict(cold['editable'] < 0.5)} "
            f"(its CPU time: {_verdict(cold['cpu_editable'] < 0.5)}; the shell as the real window's first stage in "
            f"{cold['editable_first']:.0%} of starts: poll table selecting, sorting, filtering; Add/Edit/Delete "
            f"opening the real poll form, saved once the store opens)"
        )
        print(
            f"  cold start, demo, whole window, sliders working < 0.5 s: {_verdict(cold['sliders'] < 0.5)} "
            f"(its CPU time: {_verdict(cold['cpu_sliders'] < 0.5)}; the shell with the real scenario panel in "
            f"{cold['sliders_first']:.0%} of starts: sliders, typed values, message lever, verdict and break-even "
            f"working from the start frame's case; charts loading; same run: an empty QWidget {cold['empty']:.2f} s, "
            f"a table window {cold['qt']:.2f} s)"
        )
        print(
            f"  cold start, demo, the real window itself painted < 0.5 s: {_verdict(cold['window'] < 0.5)} "
            f"(its CPU time: {_verdict(cold['cpu_window'] < 0.5)}; it takes the first stage's place, charts loading)"
        )
        print(f"  cold start, demo, figures in (interactive) < 0.5 s:    {_verdict(cold['ready'] < 0.5)}")
        print(
            f"  (the real window paints with its live figures and poll table, its charts loading; they are in at "
            f"{cold['charts']:.2f} s)"
        )
    return 0


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


if __name__ == "__main__":
    sys.exit(main())
