"""Scenario > Forecast over time on a big contest: how long the window cannot respond.

Run: QT_QPA_PLATFORM=offscreen python benchmarks/bench_forecast_dialog.py [--polls 10000]

The war room on a synthetic contest (bench_scale.scale_polls, the London 2012 race) with a 10 ms event-loop
probe (_responsive.StallProbe): the longest gap between its ticks, wall and the GUI thread's own CPU, while
(1) the forecast is worked out on the spot on the GUI thread, as the menu did before (ScenarioActions.
forecast_dialog with no points: the reference, measured in the same run), and (2) the menu's path now
(ScenarioActions.show_forecast: a worker with a progress dialog), until its charts are shown. Also the idle
window's longest gap over the same time, the floor any stall figure stands on.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from _responsive import StallProbe, build_store, run_loop
from bench_scale import scale_polls


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--polls", type=int, default=10000)
    args = parser.parse_args()
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from warroom.app import WarRoom, make_qapp
    from warroom.bootstrap import open_store
    from warroom.services.settings import AppSettings
    from warroom.ui.forecast_dialog import ForecastDialog

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = build_store(folder, scale_polls(args.polls))
        app = make_qapp()
        store = open_store(db, backup_dir=None, seed=False)
        settings = AppSettings(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
        room = WarRoom(store, settings, watch=False)
        room.window.resize(1600, 1000)
        room.window.show()
        run_loop(60.0, until=lambda: room.scenarios.view is not None and not room.averages.busy)
        run_loop(0.5)
        probe = StallProbe()

        probe.start()
        t = time.perf_counter()
        dialog = room.scenario_actions.forecast_dialog()  # before: on the GUI thread
        run_loop(0.05)
        on_spot = time.perf_counter() - t
        stall_before, cpu_before = probe.stop(), probe.cpu_of_longest
        dialog.deleteLater()
        run_loop(0.3)

        probe.start()
        run_loop(on_spot)
        idle, idle_cpu = probe.stop(), probe.cpu_of_longest

        def shown() -> bool:
            return any(isinstance(w, ForecastDialog) and w.isVisible() for w in QApplication.topLevelWidgets())

        probe.start()
        t = time.perf_counter()
        room.scenario_actions.show_forecast()  # now: on a worker, a progress dialog meanwhile
        run_loop(120.0, until=shown)
        landed = time.perf_counter() - t
        stall_after, cpu_after = probe.stop(), probe.cpu_of_longest
        print(f"{args.polls:,} polls, forecast over time:")
        print(
            f"  on the GUI thread (before): charts in {on_spot:.2f} s; longest stall {stall_before * 1e3:.0f} ms "
            f"({cpu_before * 1e3:.0f} ms GUI CPU)"
        )
        print(
            f"  on a worker (now):          charts in {landed:.2f} s; longest stall {stall_after * 1e3:.0f} ms "
            f"({cpu_after * 1e3:.0f} ms GUI CPU)"
        )
        print(f"  same run, the idle window:  longest stall {idle * 1e3:.0f} ms ({idle_cpu * 1e3:.0f} ms GUI CPU)")
        room.window.close()
        store.close()
        app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
