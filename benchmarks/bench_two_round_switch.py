"""Switching the runoff matchup or the first-round hypothesis on France 2022 (409 notices, ~1,300 questions):
from the pick to every chart, the scenario panel, the pickers and the poll table updated and repainted by Qt's
own pass (the event loop runs until idle: the coalesced evaluation, the views' updates, the paint events),
against one 60 Hz frame (16.7 ms, issue 11's target). --grab also paints the whole window into an image
after each switch (slower: every widget, changed or not).

Each switch cycles the six most asked matchups (and hypotheses): the first pass works each choice out, later
passes find it kept. Reference in the same run: the whole window repainted with nothing changed (update() and
the same event-loop pass), so the switch's own cost is the difference. --profile prints where the later
switches' time goes (cProfile, cumulative).

Run: python benchmarks/bench_two_round_switch.py [--switches 36] [--size 1920x1080] [--grab] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

from _common import summary


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--switches", type=int, default=36)
    parser.add_argument("--size", default="1920x1080")
    parser.add_argument("--grab", action="store_true")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QWidget

    from warroom.app import WarRoom, make_qapp
    from warroom.bootstrap import open_store
    from warroom.demo import FRANCE_2022_NAME
    from warroom.paths import AppPaths
    from warroom.services.settings import AppSettings

    app = make_qapp()
    paths = AppPaths.under(Path(tempfile.mkdtemp(prefix="warroom-bench-")))
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir)  # seeded: London 2012 and France 2022
    settings = AppSettings(QSettings(str(paths.settings_file), QSettings.Format.IniFormat))
    settings.contest = FRANCE_2022_NAME
    room = WarRoom(store, settings, watch=False)
    room.window.resize(width, height)
    room.window.show()
    while room.two_round.view is None:
        app.processEvents()
    for _ in range(5):
        app.processEvents()
        room.window.grab()
    pickers = room.two_round_pickers
    combos = {"matchup": pickers.matchup_combo, "hypothesis": pickers.hypothesis_combo}

    def switch(combo, index: int) -> None:
        combo.setCurrentIndex(index)
        app.processEvents()  # the coalesced evaluation runs, the views update
        app.processEvents()  # and paint
        if args.grab:
            room.window.grab()

    times: dict[str, list[float]] = {k: [] for k in combos}
    cycle = {k: min(c.count(), 6) for k, c in combos.items()}
    profile = cProfile.Profile() if args.profile else None
    for i in range(args.switches):
        for key, combo in combos.items():
            index = (i + 1) % cycle[key]
            t = time.perf_counter()
            if profile is not None and i >= cycle[key]:
                profile.enable()
            switch(combo, index)
            if profile is not None:
                profile.disable()
            times[key].append((time.perf_counter() - t) * 1000.0)
    ref = []
    for _ in range(args.switches):
        t = time.perf_counter()
        for widget in room.window.findChildren(QWidget):
            widget.update()
        app.processEvents()
        app.processEvents()
        if args.grab:
            room.window.grab()
        ref.append((time.perf_counter() - t) * 1000.0)

    how = "then the whole window grabbed" if args.grab else "Qt's own pass"
    print(f"France 2022: switch -> every chart, the panel and the poll table repainted ({how}; {width}x{height})")
    for key, values in times.items():
        first = cycle[key] - 1  # the first pass: each choice worked out (the starting one was already)
        print(f"  {key:10s} first time each  {summary(values[:first])}")
        print(f"  {key:10s} again            {summary(values[first:])}")
    print(f"  reference: every widget of the same window repainted, nothing changed  {summary(ref)}")
    print("  target: one 60 Hz frame, 16.7 ms")
    if profile is not None:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
    room.window.close()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
