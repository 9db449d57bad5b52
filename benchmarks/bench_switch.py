"""Switching contests in the toolbar picker: from the pick to every view repainted (issue 10: "instant").

Two contests in one store: the London 2012 demo (17 polls) and a copy with 1,000 synthetic polls. Each switch is
timed from the picker's change to the window painted for real (grab). Reference in the same run: one plain
repaint of the same window with nothing changed, so the switch's own cost is the difference.
Run: python benchmarks/bench_switch.py [--switches 40]
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace

from _common import scratch_folder, summary, synthetic_polls


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--switches", type=int, default=40)
    args = parser.parse_args()

    from warroom.app import WarRoom, make_qapp
    from warroom.bootstrap import open_store
    from warroom.demo import LONDON_2012
    from warroom.paths import AppPaths
    from warroom.services.settings import open_settings
    from warroom.store import contests as contests_repo
    from warroom.store import polls as repo

    app = make_qapp()
    paths = AppPaths.under(scratch_folder("warroom-bench-"))
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir)
    big = replace(LONDON_2012, name="London (1,000 polls)", id=None, demo=False)
    with store.sessions.begin() as s:
        cid = contests_repo.create_contest(s, big)
        polls, seen = [], set()
        for p in synthetic_polls(1200):  # the store refuses a repeated pollster and fieldwork: keep the first
            if p.key() not in seen and len(polls) < 1000:
                seen.add(p.key())
                polls.append(p)
        repo.add_polls(s, cid, polls)
    room = WarRoom(store, open_settings(paths), watch=False)
    room.window.resize(1920, 1080)
    room.window.show()
    app.processEvents()
    picker = room.contest_actions.picker
    ids = [picker.itemData(i) for i in range(picker.count())]

    def switch(i: int) -> None:
        picker.setCurrentIndex(picker.findData(ids[i % len(ids)]))
        app.processEvents()  # the coalesced recomputes run, the views update
        app.processEvents()
        room.window.grab()  # painted for real

    for i in range(4):
        switch(i)
    times = []
    for i in range(args.switches):
        t = time.perf_counter()
        switch(i)
        times.append((time.perf_counter() - t) * 1000.0)
    ref = []
    for _ in range(args.switches):
        t = time.perf_counter()
        room.window.grab()
        ref.append((time.perf_counter() - t) * 1000.0)
    print(f"switching contests (demo 17 polls <-> 1,000 polls), {args.switches} switches, 1920x1080 window")
    print(f"  pick -> every view recomputed and painted  {summary(times)}")
    print(f"  reference: one repaint of the same window  {summary(ref)}")
    room.window.close()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
