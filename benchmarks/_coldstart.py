"""Cold start to the first painted window, as a subprocess: warroom on the demo race against two floors measured
in the same run (an empty Python, and the bare toolkit: PySide6 + pyqtgraph importing, one plot window painted).
Used by bench_scale.py; run on its own: python benchmarks/_coldstart.py [--repeat 5]"""

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

TOOLKIT_FLOOR = """
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
win = QMainWindow()
win.setCentralWidget(pg.PlotWidget())
class First(QObject):
    def eventFilter(self, obj, ev):
        if ev.type() == QEvent.Type.Paint and not self.seen:
            self.seen = True
            QTimer.singleShot(0, lambda: (print("painted", flush=True), app.quit()))
        return False
first = First()
first.seen = False
app.installEventFilter(first)
win.resize(1400, 900)
win.show()
app.exec()
"""


def _env() -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT), "WARROOM_EXIT_AFTER_PAINT": "1"}


def _time(argv: list[str]) -> float:
    t = time.perf_counter()
    out = subprocess.run(argv, capture_output=True, text=True, env=_env(), timeout=120)
    elapsed = time.perf_counter() - t
    if out.returncode != 0 or ("painted" not in out.stdout and "-c" not in argv[1:2]):
        raise RuntimeError(f"{argv[:4]} failed: {out.stderr[-2000:]}")
    return elapsed


def measure(repeat: int = 5) -> dict[str, float]:
    """Median seconds to the first paint: 'warroom', 'toolkit' (PySide6 + pyqtgraph floor), 'python' (empty)."""
    with tempfile.TemporaryDirectory() as tmp:
        app = [sys.executable, "-m", "warroom", "--data-dir", str(Path(tmp) / "state")]
        _time(app)  # the first start seeds the demo store and writes the bytecode caches; not timed
        runs: dict[str, list[float]] = {"warroom": [], "toolkit": [], "python": []}
        for _ in range(repeat):  # interleaved, so a burst of load on the machine hits all three alike
            runs["warroom"].append(_time(app))
            runs["toolkit"].append(_time([sys.executable, "-c", TOOLKIT_FLOOR]))
            runs["python"].append(_time([sys.executable, "-c", "pass"]))
    return {name: statistics.median(times) for name, times in runs.items()}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    r = measure(parser.parse_args().repeat)
    print(
        f"cold start to a painted window (demo race): warroom {r['warroom']:.2f} s; same run: bare PySide6 + "
        f"pyqtgraph plot window {r['toolkit']:.2f} s, empty Python {r['python']:.2f} s"
    )
