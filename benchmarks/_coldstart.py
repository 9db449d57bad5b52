"""Cold start of the window on the demo race, as a subprocess, against floors measured in the same run.

warroom (issue 15) paints a shell of its window first (ui/start_shell.py: menus, the race, the poll table and the
last session's headline when the store is unchanged), then builds the real window with its charts in its place.
Moments timed from the launch of the process: the shell's first paint ("first paint"); the first window to work
in ("editable": the shell when it is the real window's first stage, its live poll table selecting, sorting and
filtering, Add/Edit/Delete opening the real poll form, ui/start_shell.py; else the real window); the whole window
with its scenario sliders working ("sliders": the shell when it has the real scenario panel, bound to the case the
start frame kept, app.Starter._first_panel; else the real window); the real
window's first paint ("window": its poll table and panel with the live figures and sliders, the charts still
loading), its charts in ("charts": pyqtgraph loaded after that paint, the charts built with the window's data) and
its figures in ("ready": the scenario panel's first view and the charts, fully interactive), each also as the
process's CPU seconds (all its threads), which a busy machine stretches far less than wall time. The floors, each one process doing only that: an empty Python; `import PySide6.QtWidgets`; an
empty QWidget shown and painted; a bare PySide6 window (a table in a QMainWindow, painted); a bare PySide6 +
pyqtgraph window (a plot in a QMainWindow, painted). `measure(db=...)` starts on another store (bench_startup.py:
10,000 polls).

Each start has the bytecode caches a user's install has (the environment's PYTHONDONTWRITEBYTECODE is dropped
and the caches go to a temporary folder, written by an untimed first run of each). Median of --repeat runs,
interleaved so a burst of load on the machine hits every variant alike.

Used by bench_scale.py and bench_startup.py; run on its own: python benchmarks/_coldstart.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_PAINT_THEN_QUIT = """
import time
from PySide6.QtCore import QEvent, QObject, QTimer
class First(QObject):
    def __init__(self, app):
        super().__init__()
        self.app, self.seen = app, False
    def eventFilter(self, obj, ev):
        if ev.type() == QEvent.Type.Paint and not self.seen:
            self.seen = True
            stamp = time.time()
            cpu = time.process_time()
            QTimer.singleShot(
                0, lambda: (print(f"painted shell={stamp:.4f} cpu_shell={cpu:.4f}", flush=True), self.app.quit())
            )
        return False
"""


def _floor(imports: str, window: str) -> str:
    """A process that only shows `window` (built after `imports`) at the app's size and quits once it painted."""
    return _PAINT_THEN_QUIT + (
        f"{imports}\napp = QApplication([])\n{window}\n"
        "first = First(app)\napp.installEventFilter(first)\nwin.resize(1400, 900)\nwin.show()\napp.exec()\n"
    )


QT_FLOOR = _floor(
    "from PySide6.QtWidgets import QApplication, QMainWindow, QTableWidget",
    "win = QMainWindow()\nwin.setCentralWidget(QTableWidget(20, 8))",
)
TOOLKIT_FLOOR = _floor(
    "import pyqtgraph as pg\nfrom PySide6.QtWidgets import QApplication, QMainWindow",
    "win = QMainWindow()\nwin.setCentralWidget(pg.PlotWidget())",
)
EMPTY_FLOOR = _floor("from PySide6.QtWidgets import QApplication, QWidget", "win = QWidget()")
QT_IMPORT_FLOOR = "import PySide6.QtWidgets"


def _env(pycache: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {
        **env,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": str(ROOT),
        "PYTHONPYCACHEPREFIX": pycache,
        "WARROOM_EXIT_AFTER_PAINT": "1",
    }


def _run(argv: list[str], pycache: str) -> dict[str, float]:
    """Seconds from launch to each stamp the process prints ('painted shell=... window=... ready=...'), and to
    its exit ('exit')."""
    launched = time.time()
    # cwd: `python -m warroom` puts the working folder first on sys.path; another checkout there would be timed
    out = subprocess.run(argv, capture_output=True, text=True, env=_env(pycache), timeout=120, cwd=ROOT)
    ended = time.time()
    if out.returncode != 0:
        raise RuntimeError(f"{argv[:4]} failed ({out.returncode}): {out.stderr[-2000:]}")
    times = {"exit": ended - launched}
    for line in out.stdout.splitlines():
        if line.startswith("painted"):
            for part in line.split()[1:]:
                name, value = part.split("=")
                if name in ("heavy", "charts_at_window"):
                    continue  # (what the shell's paint had loaded: tests/ui/test_start_frame.py checks it)
                plain = name in (
                    "figures",
                    "live_first",
                    "editable_first",
                    "sliders_first",
                    "stall",
                    "turn_cpu",
                ) or name.startswith("cpu_")  # CPU: seconds of this process
                times[name] = float(value) if plain else float(value) - launched
    return times


def measure(repeat: int = 5, db: Path | None = None) -> dict[str, float]:
    """Median seconds from launch: 'first_paint', 'window', 'ready' (warroom on the demo race, or on the store
    `db`), 'qt' (bare PySide6 window with a table), 'empty' (an empty QWidget shown and painted), 'qt_import'
    (`python -c "import PySide6.QtWidgets"`, to its exit), 'toolkit' (PySide6 + pyqtgraph window), 'python'
    (empty, to its exit); plus 'figures', the share of timed starts whose shell showed the last session's figures
    (the store digested in time), and 'stall', the longest the event loop was held between the first paint and
    the figures (a 10 ms timer probe)."""
    with tempfile.TemporaryDirectory() as tmp:
        pycache = str(Path(tmp) / "pycache")
        app = [sys.executable, "-m", "warroom", "--data-dir", str(Path(tmp) / "state")]
        if db is not None:
            app += ["--db", str(db)]
        qt = [sys.executable, "-c", QT_FLOOR]
        empty = [sys.executable, "-c", EMPTY_FLOOR]
        qt_import = [sys.executable, "-c", QT_IMPORT_FLOOR]
        toolkit = [sys.executable, "-c", TOOLKIT_FLOOR]
        python = [sys.executable, "-c", "pass"]
        # Untimed: the first start seeds the demo store, the second leaves the start frame a user's second start
        # finds; both write the bytecode caches, as the floors' first runs do theirs.
        for argv in (app, app, qt, empty, toolkit):
            _run(argv, pycache)
        names = (
            "first_paint",
            "live",
            "live_first",
            "editable",
            "editable_first",
            "sliders",
            "sliders_first",
            "window",
            "charts",
            "ready",
            "qt",
            "empty",
            "qt_import",
            "toolkit",
            "python",
            "figures",
            "stall",
        )
        names += (
            "cpu_first_paint",
            "cpu_live",
            "cpu_editable",
            "cpu_sliders",
            "cpu_window",
            "cpu_charts",
            "cpu_ready",
            "cpu_qt",
            "cpu_empty",
            "cpu_toolkit",
            "turn_cpu",
        )
        runs: dict[str, list[float]] = {k: [] for k in names}
        for _ in range(repeat):
            w = _run(app, pycache)
            runs["first_paint"].append(w["shell"])
            runs["window"].append(w["window"])
            runs["live"].append(w["live"])
            runs["live_first"].append(w.get("live_first", 0.0))
            runs["editable"].append(w["editable"])
            runs["editable_first"].append(w.get("editable_first", 0.0))
            runs["sliders"].append(w["sliders"])
            runs["sliders_first"].append(w.get("sliders_first", 0.0))
            runs["charts"].append(w["charts"])
            runs["ready"].append(w["ready"])
            runs["figures"].append(w.get("figures", 0.0))
            runs["stall"].append(w.get("stall", 0.0))
            runs["turn_cpu"].append(w.get("turn_cpu", 0.0))
            for key, stamp in (
                ("first_paint", "shell"),
                ("live", "live"),
                ("editable", "editable"),
                ("sliders", "sliders"),
                ("window", "window"),
                ("charts", "charts"),
                ("ready", "ready"),
            ):
                runs[f"cpu_{key}"].append(w[f"cpu_{stamp}"])
            for key, argv in (("qt", qt), ("empty", empty)):
                floor = _run(argv, pycache)
                runs[key].append(floor["shell"])
                runs[f"cpu_{key}"].append(floor["cpu_shell"])
            runs["qt_import"].append(_run(qt_import, pycache)["exit"])
            floor = _run(toolkit, pycache)
            runs["toolkit"].append(floor["shell"])
            runs["cpu_toolkit"].append(floor["cpu_shell"])
            runs["python"].append(_run(python, pycache)["exit"])
        result = {name: statistics.median(times) for name, times in runs.items()}
        result["figures"] = statistics.fmean(runs["figures"])
        result["live_first"] = statistics.fmean(runs["live_first"])
        result["editable_first"] = statistics.fmean(runs["editable_first"])
        result["sliders_first"] = statistics.fmean(runs["sliders_first"])
    return result


def summary(r: dict[str, float]) -> str:
    return _wall(r) + "\n" + cpu_summary(r)


_CPU_MOMENTS = (
    ("first paint", "first_paint"),
    ("live figures and poll table painted", "live"),
    ("first window to work in", "editable"),
    ("whole window with sliders working", "sliders"),
    ("real window painted", "window"),
    ("its charts in", "charts"),
    ("figures in", "ready"),
)
_CPU_FLOORS = (
    ("an empty QWidget shown and painted", "empty"),
    ("bare PySide6 window with a table", "qt"),
    ("PySide6 + pyqtgraph plot window", "toolkit"),
)


def cpu_summary(r: dict[str, float]) -> str:
    """The same moments as this process's CPU seconds (every thread), steadier than wall time on a busy machine."""
    moments = ", ".join(f"{label} {r['cpu_' + key]:.2f}" for label, key in _CPU_MOMENTS)
    floors = ", ".join(f"{label} {r['cpu_' + key]:.2f}" for label, key in _CPU_FLOORS)
    busiest = r["turn_cpu"] * 1e3
    return (
        f"  as CPU seconds of the process: {moments}; same run: {floors}; the GUI thread's own CPU in its busiest "
        f"turn between first paint and figures {busiest:.0f} ms"
    )


def _wall(r: dict[str, float]) -> str:
    return (
        f"cold start, demo race: first paint {r['first_paint']:.2f} s (the window's shell; with the last session's "
        f"figures in {r['figures']:.0%} of starts, proved live by the first read in {r['live_first']:.0%}), "
        f"live figures and poll table painted {r['live']:.2f} s (the shell when the first read proved its figures "
        f"current, else the real window), first window to work in painted {r['editable']:.2f} s (the shell as "
        f"the real window's first stage in {r['editable_first']:.0%} of starts: poll table and poll form working, "
        f"charts not yet), whole window with its scenario sliders working painted {r['sliders']:.2f} s (the shell "
        f"with the real scenario panel in {r['sliders_first']:.0%} of starts), "
        f"real window painted {r['window']:.2f} s (charts loading), "
        f"its charts in {r['charts']:.2f} s, "
        f"figures in (interactive) {r['ready']:.2f} s (longest event-loop stall meanwhile {r['stall'] * 1e3:.0f} ms, "
        f"10 ms probe); same run: `python -c 'import PySide6.QtWidgets'` {r['qt_import']:.2f} s, an empty QWidget "
        f"shown and painted {r['empty']:.2f} s, bare PySide6 window with a table {r['qt']:.2f} s, "
        f"bare PySide6 + pyqtgraph plot window {r['toolkit']:.2f} s, empty Python {r['python']:.2f} s"
    )


def main(argv: list[str] | None = None) -> None:
    """This script on its own: the demo's cold start, `--repeat` starts of each variant (default 5)."""
    options = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    options.add_argument("--repeat", type=int, default=5, help="starts of each variant (the median is printed)")
    print(summary(measure(options.parse_args(argv).repeat)))


if __name__ == "__main__":
    main()
