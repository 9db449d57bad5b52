"""Shared helpers for the benchmark scripts (run them directly: python benchmarks/bench_*.py)."""

from __future__ import annotations

import atexit
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from warroom.core.types import Poll, TransferObservation
from warroom.demo import LONDON_2012


def scratch_folder(prefix: str) -> Path:
    """A temporary folder for one run, removed when the process ends, however it ends (a run of
    bench_menu_stalls.py at 100,000 polls leaves about 100 MB: 119 runs had left 13 GB in /tmp)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, folder, True)
    return folder


def synthetic_polls(n: int, seed: int = 1, days: int = 1000) -> list[Poll]:
    """n polls of the London 2012 race spread over `days`, with house effects and sampling noise."""
    rng = np.random.default_rng(seed)
    start = date(2009, 8, 1)
    pollsters = ["YouGov", "ComRes", "Opinium", "Populus", "Survation", "Ipsos MORI", "TNS-BMRB", "Angus Reid"]
    truth = 44 + np.cumsum(rng.normal(0, 0.2, days))
    polls = []
    for i in range(n):
        d = int(rng.integers(0, days))
        pollster = pollsters[i % len(pollsters)]
        j = truth[d] + (i % 5) - 2 + rng.normal(0, 1.5)
        k = 84 - truth[d] + rng.normal(0, 1.5)
        rest = 100 - j - k
        fs = start + timedelta(days=d)
        polls.append(
            Poll(
                pollster=pollster,
                fieldwork_start=fs,
                fieldwork_end=fs + timedelta(days=2),
                sample_size=int(rng.integers(500, 2500)),
                first_round={
                    "johnson": round(j, 1),
                    "livingstone": round(k, 1),
                    "paddick": round(rest * 0.4, 1),
                    "jones": round(rest * 0.25, 1),
                    "benita": round(rest * 0.15, 1),
                    "webb": round(rest * 0.12, 1),
                    "cortiglia": round(rest * 0.08, 1),
                },
                second_round={"johnson": 52.0, "livingstone": 48.0} if i % 3 == 0 else {},
                party_vi={"CON": 32.0, "LAB": 44.0},
                transfers=(
                    TransferObservation("paddick", "johnson", 70),
                    TransferObservation("paddick", "livingstone", 30),
                )
                if i == 0
                else (),
                id=i + 1,
            )
        )
    return polls


def timeit(fn: Callable[[], object], repeat: int = 15, warmup: int = 2) -> list[float]:
    """Wall times in milliseconds."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000.0)
    return out


def summary(times: list[float]) -> str:
    times = sorted(times)
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return f"median {statistics.median(times):7.2f} ms   p95 {p95:7.2f} ms   (n={len(times)})"


def p95(times: list[float]) -> float:
    times = sorted(times)
    return times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


CONTEST = LONDON_2012


def open_room(size: tuple[int, int] = (1920, 1080), prepare: Callable[[Any], object] | None = None) -> tuple[Any, Any]:
    """The war room as the slider benchmarks drive it: a fresh seeded store (the London 2012 and France 2022
    demos) in a temporary folder, the window at `size`, shown and laid out.

    Args:
        size: the window's size.
        prepare: called with the open store before the window is built (e.g. to add another contest).

    Returns:
        (the QApplication, the WarRoom).
    """

    from PySide6.QtCore import QSettings

    from warroom.app import WarRoom, make_qapp
    from warroom.bootstrap import open_store
    from warroom.paths import AppPaths
    from warroom.services.settings import AppSettings

    app = make_qapp()
    paths = AppPaths.under(scratch_folder("warroom-bench-"))
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir)
    if prepare is not None:
        prepare(store)
    settings = AppSettings(QSettings(str(paths.settings_file), QSettings.Format.IniFormat))
    room = WarRoom(store, settings, watch=False)
    room.window.resize(*size)
    room.window.show()
    app.processEvents()
    return app, room


def close_room(room: Any) -> None:
    room.window.close()
    room.store.close()


def paint_counter() -> Any:
    """An event filter that counts paint events per object name (counter.counts), to show that Qt really
    repaints every output view on each move."""
    from PySide6.QtCore import QEvent, QObject

    class PaintCounter(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.counts: dict[str, int] = {}

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.counts[obj.objectName()] = self.counts.get(obj.objectName(), 0) + 1
            return False

    return PaintCounter()


def sv_slider_move(room: Any, rng: np.random.Generator) -> Callable[[int], None]:
    """The reference move of every slider benchmark: on the open Supplementary Vote contest (London 2012), odd
    moves set the message slider, even ones the first slider of a transfer split, at random positions."""
    panel = room.scenario_panel
    splits = list(panel._split_widgets.values())

    def move(i: int) -> None:
        if i % 2:
            panel.message_slider.setValue(int(rng.integers(0, 1001)))
        else:
            splits[i % len(splits)].sliders[0].setValue(int(rng.integers(0, 1001)))

    return move
