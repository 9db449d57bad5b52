"""Every menu, toolbar, shortcut and dialog action on a big contest: the longest event-loop stall of each
(issue 15: no UI freeze over 100 ms; issue 16: freezes of the "10,000-row paste" kind).

A war room is opened on a store holding one London 2012 contest of N synthetic polls (bench_scale.scale_polls)
and a small second contest (so switching races can be measured). Each action is triggered through the code its
menu entry runs (file and input dialogs answered by stand-ins, modal dialogs shown and closed), then the event
loop turns until its work is done (the file written, the store write confirmed, the averages and scenario in).
A 10 ms QTimer probe (benchmarks/_responsive.py StallProbe) records the longest gap between its ticks (wall) and
the GUI thread's CPU in the busiest turn. Reference in the same run: the same probe on the idle window.

Two actions are not menu entries: a new average landing on its own (of every poll but the latest 1,000, then of
every poll again: worked out on the averages' worker, then landed on the charts, the scenario and the runoff panel),
the turn most of the big actions' busiest turns were.

Scenario > Forecast over time is left out (measured and fixed on its own). Exporting a campaign bundle is a CLI verb
(`warroom contest export`), not a window action, so it is not here.

Run: python benchmarks/bench_menu_stalls.py [--polls 10000] [--only "NAME;NAME"] [--profile] [--no-cache]
(--profile: cProfile on the GUI thread, and each action's busiest turn printed by cumulative time; the stall
figures are then inflated by the profiler)

The store built (5-15 s at 100,000 polls) is kept in a cache folder (WARROOM_BENCH_CACHE, else
~/.cache/warroom-bench) under a key made of the code that builds it (this script's build_store, bench_scale.py,
_common.py, and the warroom package's store/, core/ and bootstrap.py that are imported), and each run works on a
copy of it; --no-cache builds it again.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import inspect
import os
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from _common import CONTEST, scratch_folder
from _responsive import StallProbe, _import_polls, run_loop

from warroom.core.types import Poll

SAVED = 20  # saved scenarios in the store before "compare"
PASTE_ROWS = 10_000  # rows of the pasted table


def build_store(folder: Path, polls: list[Poll]) -> Path:
    from warroom.bootstrap import open_store
    from warroom.store import polls as repo

    db = folder / f"menu-{len(polls)}.sqlite3"
    store = open_store(db, backup_dir=None, seed=False)
    with store.sessions.begin() as s:
        repo.add_contest(s, replace(CONTEST, name="Small race", id=None))
        cid = repo.add_contest(s, CONTEST)
        repo.add_polls(s, cid, polls)
    store.close()
    return db


def _cache_key(n: int) -> str:
    """A digest of the code the store is built by (and of `n`): another commit's store code builds its own."""
    import warroom

    package = Path(warroom.__file__).resolve().parent
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256(f"{n}\n{inspect.getsource(build_store)}".encode())
    sources = [here / "bench_scale.py", here / "_common.py", package / "bootstrap.py"]
    sources += sorted((package / "store").rglob("*.py")) + sorted((package / "core").rglob("*.py"))
    for source in sources:
        digest.update(str(source.relative_to(source.parents[1])).encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()[:16]


def cached_store(folder: Path, n: int, *, use_cache: bool) -> tuple[Path, str]:
    """A store of n scale polls in `folder` (a copy of the cached one when its key matches) and how it was made."""
    from bench_scale import scale_polls

    cache = Path(os.environ.get("WARROOM_BENCH_CACHE") or Path.home() / ".cache" / "warroom-bench")
    kept = cache / f"menu-{n}-{_cache_key(n)}.sqlite3"
    db = folder / f"menu-{n}.sqlite3"
    if use_cache and kept.is_file():
        shutil.copyfile(kept, db)
        return db, f"copied from {kept}"
    t = time.perf_counter()
    built = build_store(folder, scale_polls(n))
    how = f"built in {time.perf_counter() - t:.1f} s"
    if use_cache and not any(built.with_name(built.name + tail).exists() for tail in ("-wal", "-journal")):
        cache.mkdir(parents=True, exist_ok=True)
        partial = kept.with_name(kept.name + f".{os.getpid()}.part")
        shutil.copyfile(built, partial)
        partial.replace(kept)  # whole or not there (two runs at once each write their own part)
    return built, how


class _Answers:
    """Stand-ins for the file and input dialogs a menu entry asks (the user's answers, instantly)."""

    def __init__(self) -> None:
        self.save_path = ""

    def install(self) -> None:
        from PySide6.QtWidgets import QFileDialog, QInputDialog

        QFileDialog.getSaveFileName = lambda *a, **k: (self.save_path, "")  # type: ignore[method-assign]
        QInputDialog.getInt = lambda *a, **k: (1920, True)  # type: ignore[method-assign]
        QInputDialog.getItem = lambda _p, _t, _l, items, *a, **k: (items[0], True)  # type: ignore[method-assign]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--polls", type=int, default=10_000)
    parser.add_argument("--only", default="", help="action names separated by ;")
    parser.add_argument("--profile", action="store_true", help="print each action's busiest GUI-thread turn")
    parser.add_argument("--no-cache", action="store_true", help="build the store again (not from the cache)")
    args = parser.parse_args()

    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtWidgets import QDialog

    from warroom.app import WarRoom, collect_on_gui_thread, make_qapp
    from warroom.bootstrap import open_store
    from warroom.core.csvformat import polls_to_csv
    from warroom.services.settings import AppSettings
    from warroom.ui import compare_dialog

    folder = scratch_folder("warroom-bench-menu-")
    db, how = cached_store(folder, args.polls, use_cache=not args.no_cache)
    print(f"store of {args.polls:,} polls {how}", file=sys.stderr)

    make_qapp()
    answers = _Answers()
    answers.install()
    compared: list[object] = []  # each Compare dialog shown (its figures land from a worker first)
    compare_dialog.CompareDialog.exec = lambda self: (
        compared.append(self),
        self.show(),
        run_loop(0.05),
        self.close(),
        0,
    )[-1]  # type: ignore[method-assign]
    store = open_store(db, backup_dir=None, seed=False)
    settings = AppSettings(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
    room = WarRoom(store, settings, watch=True)
    room.window.resize(1600, 1000)
    room.window.show()
    win, service = room.window, room.poll_service
    errors: list[str] = []
    win.show_error = lambda message: (errors.append(message), print("ERROR:", message[:300], file=sys.stderr))  # type: ignore[method-assign]

    def settle(until: Callable[[], bool] = lambda: True, seconds: float = 600.0) -> None:
        run_loop(seconds, until=lambda: until() or bool(errors))
        run_loop(seconds, until=lambda: service.pending_writes == 0 and not room.import_worker.busy)
        run_loop(
            seconds, until=lambda: not room.averages.busy and (room.averages.averages is not None or not service.polls)
        )
        run_loop(seconds, until=lambda: not room.scenarios.busy)
        run_loop(0.15)

    settle(lambda: service.loading is None)  # (a big race at the start is read on the writer's thread)
    # As the app's start leaves it (app.Start._resume_gc): what the start built frozen, and the cyclic collector run
    # from the window's thread only. Python's automatic collector ran on whichever thread crossed its threshold, the
    # store writer's as often: its collections held the GIL there, not on the window's turn the app then has.
    gc.freeze()
    collect_on_gui_thread()
    if service.contest is None or service.contest.name != CONTEST.name:
        service.open_contest(next(c.id for c in service.contests() if c.name == CONTEST.name))
        settle(lambda: len(service.polls) == args.polls)
    big = service.contest
    assert big is not None and len(service.polls) == args.polls, (big, len(service.polls))
    probe = StallProbe(profile=args.profile)

    imported = _import_polls(1000)
    import_csv = folder / "import-1000.csv"
    import_csv.write_text(polls_to_csv(imported, big), encoding="utf-8")
    # 10,000 rows whatever the store's size: more go back past the contest's ten-year limit and are refused
    paste_rows = [replace(p, pollster=p.pollster.replace("Panel", "Paste")) for p in _import_polls(PASTE_ROWS)]
    paste_text = polls_to_csv(paste_rows, big)

    class FakeContestDialog:
        def __init__(self, contest: object) -> None:
            self._contest, self._shown = contest, False

        def exec(self) -> int:
            if self._shown:
                return QDialog.DialogCode.Rejected
            self._shown = True
            return QDialog.DialogCode.Accepted

        def contest(self) -> object:
            return self._contest

    def rename() -> None:
        c = service.contest
        first = c.candidates[0]
        cands = (replace(first, name=first.name + " Jr"), *c.candidates[1:])
        room.contest_actions.edit_contest(FakeContestDialog(replace(c, candidates=cands)))  # type: ignore[arg-type]

    def recolour() -> None:
        c = service.contest
        first = c.candidates[1]
        cands = (c.candidates[0], replace(first, colour="#123456"), *c.candidates[2:])
        room.contest_actions.edit_contest(FakeContestDialog(replace(c, candidates=cands)))  # type: ignore[arg-type]

    def picker_to(contest_name: str) -> None:
        picker = room.contest_actions.picker
        for i in range(picker.count()):
            if picker.itemText(i).startswith(contest_name):
                picker.setCurrentIndex(i)
                return
        raise AssertionError(contest_name)

    shown: list[int] = []  # the rows the typed filter left (a check that it was applied)

    def filter_typing() -> None:
        box = win.polls_pane.filter
        for ch in "Pollster 1":
            box.setText(box.text() + ch)
            run_loop(0.03)
        # the filter applied (it waits for the keys to pause: filter_pending), then the box emptied
        run_loop(30, until=lambda: not getattr(win.polls_pane, "filter_pending", lambda: False)())
        shown.append(win.polls_pane.proxy.rowCount())
        box.clear()

    actions: list[tuple[str, Callable[[], object], Callable[[], bool]]] = []
    polls_n = lambda: len(service.polls)  # noqa: E731
    sort_columns = win.polls_pane.proxy.columnCount()

    sizes: dict[str, int] = {}  # each export's file, in bytes (printed after the table)

    def exp(name: str, fn: Callable[[], object]) -> tuple[Callable[[], object], Callable[[], bool]]:
        path = folder / name

        def written() -> bool:  # (a PNG is written on a worker: done once no export is still writing)
            if not path.exists() or getattr(win, "file_writes", ()):
                return False
            sizes[name] = path.stat().st_size
            return True

        return (lambda: (setattr(answers, "save_path", str(path)), fn())), written

    for name, file, fn in (
        ("export charts PNG", "charts.png", lambda: win._export_charts("png")),
        ("export charts SVG", "charts.svg", lambda: win._export_charts("svg")),
        ("export first chart PNG", "first.png", lambda: win.export_chart_dialog("first")),
        ("export first chart SVG", "first.svg", lambda: win.export_chart_dialog("first")),
        ("export first chart PDF", "first.pdf", lambda: win.export_chart_dialog("first")),
        ("export scenario panel", "scenario.png", lambda: win.action_export_scenario.trigger()),
        ("briefing PDF", "briefing.pdf", lambda: win.action_briefing.trigger()),
        ("export polls CSV", "polls.csv", lambda: win.choose_export()),
    ):
        go, done = exp(file, fn)
        actions.append((name, go, done))

    # A new average landing alone (no table or store work): the averages of every poll but the latest 1,000, then of
    # every poll again, computed on the worker and landed on the charts, the scenario and the runoff panel
    averaged: list[int] = []
    room.averages.averages_ready.connect(lambda ps, _a: averaged.append(len(ps)))

    def average_of(polls: list[Poll]) -> Callable[[], object]:
        return lambda: (averaged.clear(), room.averages.set_polls(polls))

    def averaged_all(n: int) -> Callable[[], bool]:
        return lambda: bool(averaged) and averaged[-1] == n

    acts = room.scenario_actions
    settle(lambda: room.scenarios.view is not None)  # (a save before the first view is refused: nothing to save)
    for i in range(SAVED - 1):
        acts.save_as(f"Case {i:02d}")
    settle()
    actions += [
        ("save a scenario", lambda: acts.save_as("Saved here"), lambda: True),
        ("compare 20 saved", lambda: (compared.clear(), acts.compare()), lambda: bool(compared)),
        ("load a scenario", lambda: acts.load("Case 03"), lambda: True),
        ("delete a scenario", lambda: acts.delete("Saved here"), lambda: True),
        ("edit contest: rename", rename, lambda: True),
        ("edit contest: recolour", recolour, lambda: True),
        ("switch to small race", lambda: picker_to("Small race"), lambda: service.contest.name == "Small race"),
        ("switch to the big one", lambda: picker_to(big.name), lambda: polls_n() == args.polls),
        (
            "average of 1,000 fewer lands",
            lambda: average_of(list(service.polls)[:-1000])(),
            averaged_all(args.polls - 1000),
        ),
        ("average of all lands again", lambda: average_of(list(service.polls))(), averaged_all(args.polls)),
        ("meeting mode enter", win.enter_presentation, lambda: True),
        ("meeting mode step x3", lambda: [win.step_view(1) for _ in range(3)], lambda: True),
        ("meeting mode leave", win.leave_presentation, lambda: True),
        (
            "import 1,000 polls",
            lambda: room.import_actions.import_file(import_csv),
            lambda: polls_n() == args.polls + 1000,
        ),
        ("undo the import", win.undo_stack.undo, lambda: polls_n() == args.polls),
        ("redo the import", win.undo_stack.redo, lambda: polls_n() == args.polls + 1000),
        ("undo it again", win.undo_stack.undo, lambda: polls_n() == args.polls),
    ]
    for col in range(sort_columns):
        actions.append(
            (
                f"sort by column {col}",
                lambda col=col: win.polls_pane.view.sortByColumn(col, Qt.SortOrder.AscendingOrder),
                lambda: True,
            )
        )
    actions += [
        ("filter typing", filter_typing, lambda: True),
        (
            "select all + delete",
            lambda: (win.polls_pane.view.selectAll(), win.delete_selected()),
            lambda: polls_n() == 0,
        ),
        ("undo the delete", win.undo_stack.undo, lambda: polls_n() == args.polls),
        (
            f"paste {PASTE_ROWS:,} rows",
            lambda: room.import_actions.import_text(paste_text),
            lambda: polls_n() == args.polls + PASTE_ROWS,
        ),
    ]

    only = {s.strip() for s in args.only.split(";") if s.strip()}
    rows: list[tuple[str, float, float, float]] = []
    os.sync() if hasattr(os, "sync") else None
    probe.start()
    run_loop(2.0)
    probe.stop()
    rows.append(("(idle window, 2 s)", probe.longest, probe.longest_cpu, 0.0))
    for name, go, done in actions:
        if only and name not in only:
            continue
        errors.clear()
        probe.start()
        t0 = time.perf_counter()
        go()
        settle(done)
        took = time.perf_counter() - t0 - 0.15
        probe.stop()
        rows.append((name + (" (FAILED)" if errors else ""), probe.longest, probe.longest_cpu, took))
        print(
            f"{name:<26} stall {probe.longest * 1e3:7.0f} ms  cpu {probe.longest_cpu * 1e3:7.0f} ms  done in {took:6.2f} s",
            file=sys.stderr,
        )
        if args.profile:
            probe.report(name)
    probe.start()
    run_loop(2.0)
    probe.stop()
    rows.append(("(idle window, at the end)", probe.longest, probe.longest_cpu, 0.0))

    load = os.getloadavg()
    print(f"\n{args.polls:,} polls: the longest event-loop stall of each action (a 10 ms QTimer probe), wall, and the")
    print(f"most GUI-thread CPU in one turn; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (2 cores)")
    print(f"{'action':<28}{'stall ms':>10}{'GUI CPU ms':>12}{'done in s':>11}  over 100 ms?")
    for name, stall, cpu, took in rows:
        flag = "" if name.startswith("(") else ("STALL" if stall > 0.1 else "ok")
        print(f"{name:<28}{stall * 1e3:10.0f}{cpu * 1e3:12.0f}{took:11.2f}  {flag}")
    if sizes:
        print("files written: " + ", ".join(f"{name} {size / 1e6:.2f} MB" for name, size in sizes.items()))
    if shown:
        print(f"(filter typing: 'Pollster 1' left {shown[-1]:,} rows shown before the box was emptied)")
    win.close()
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
