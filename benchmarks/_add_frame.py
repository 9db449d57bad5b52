"""One poll added to a big contest, measured to the end (used by bench_scale.py; runs on its own too).

What is measured, per add, on the GUI thread, from the call that adds the poll (PollService.add_polls: the poll
shown and its write queued to the writer thread, its change signal and everything the window does for it) until ALL
of these hold (and the write has landed):
- the poll table has the new poll's row;
- every chart shows the new poll's point AND the new average (the averages computed from the polls including
  it have reached the charts: lines, bands, end labels);
- the scenario panel shows the case rebuilt on that average (the scenario controller's view evaluated from
  the new average's baseline);
- and the event loop has run until a whole pass paints nothing (Qt's own repaint of what changed, on screen;
  offscreen here).
Wall time and the GUI thread's own CPU (time.thread_time) over that span, and the turns it took. The average
and the scenario may be computed on worker threads: their wall time counts, their CPU does not (a second core).

References in the same run: the same window repainted with nothing changed (every chart, the table and the
panel marked dirty, then the same "until a pass paints nothing"), and the charts alone grabbed.
"""

from __future__ import annotations

import os
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from _common import CONTEST


@dataclass
class AddTimes:
    """One add, seconds from the call: when each part showed it, and the totals."""

    table: float = 0.0
    points: float = 0.0
    average: float = 0.0
    point_painted: float = 0.0  # the charts' first paint with the new point in their series
    average_painted: float = 0.0  # their first paint once the new average is theirs
    scenario: float = 0.0
    total: float = 0.0
    cpu: float = 0.0
    turns: int = 0
    turn_cpu: list[float] = field(default_factory=list)


def _paint_counter(app: Any) -> Any:
    from PySide6.QtCore import QEvent, QObject

    class Counter(QObject):
        painted = 0
        watched: Any = None  # the charts' viewport: its paints are told to on_chart_paint
        on_chart_paint: Any = None

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.painted += 1
                if obj is self.watched and self.on_chart_paint is not None:
                    self.on_chart_paint()
            return False

    counter = Counter()
    app.installEventFilter(counter)
    return counter


def measure(
    db: Path,
    folder: Path,
    *,
    adds: int = 9,
    size: tuple[int, int] = (1600, 1000),
    profiler: Any = None,
    profile_first: bool = False,
    turn_profiles: list[Any] | None = None,
) -> dict[str, Any]:
    """Open the war room on `db`, add `adds` polls one by one, each measured to the end (see the module).
    With a cProfile.Profile, the GUI thread of every add but the first is profiled into it (profile_first: the
    first add's only). With turn_profiles (a list), the last add's GUI-thread turns are each profiled into a
    cProfile.Profile of their own, appended to it with the turn's CPU seconds."""
    from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings
    from PySide6.QtWidgets import QWidget

    from warroom.app import WarRoom, make_qapp
    from warroom.bootstrap import open_store
    from warroom.services.settings import AppSettings

    app = make_qapp()
    store = open_store(db, backup_dir=None, seed=False)
    settings = AppSettings(QSettings(str(folder / f"settings-add-{db.stem}.ini"), QSettings.Format.IniFormat))
    # watch=True, as the app runs: the poll service then also compiles its first write's statements at an idle
    # moment after opening (PollService._warm_up), so the first add measures what a user's first add costs
    room = WarRoom(store, settings, watch=True)
    room.window.resize(*size)
    room.window.show()
    counter = _paint_counter(app)

    per_turn: list[Any] = []  # [profiling on?]: each turn of the add gets its own profile

    def turn() -> None:
        if per_turn and per_turn[0]:
            import cProfile

            prof, c = cProfile.Profile(time.thread_time), time.thread_time()
            prof.enable()
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents)
            prof.disable()
            spent = time.thread_time() - c
            if spent >= 1e-3 and turn_profiles is not None:
                turn_profiles.append((spent, prof))
            return
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents)

    def quiet() -> None:
        """Turns until a whole pass paints nothing."""
        while True:
            counter.painted = 0
            turn()
            if not counter.painted:
                return

    def idle(seconds: float) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            turn()
            time.sleep(0.002)

    deadline = time.perf_counter() + 60
    while (room.scenarios.view is None or room.averages.busy or room.scenarios.busy) and time.perf_counter() < deadline:
        turn()
        time.sleep(0.002)
    idle(3.0)  # the idle warm-ups after start (marker pictures, the store's statements, ...)
    quiet()

    import gc

    gc_time = [0.0, 0.0, 0]  # seconds in collections during the adds, the start of the one running, collections

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            gc_time[1] = time.perf_counter()
        else:
            gc_time[0] += time.perf_counter() - gc_time[1]
            gc_time[2] += 1

    gc.callbacks.append(on_gc)
    service, charts, model = room.poll_service, room.window.charts, room.window.polls_pane.model
    worker_cpu = _watch_workers(room)  # the workers' own CPU per job (the average's, the scenario's)
    landed: dict[str, Any] = {}
    room.averages.averages_ready.connect(lambda polls, averages: landed.update(polls=polls, averages=averages))
    room.scenarios.view_ready.connect(lambda view: landed.update(view=view))
    latest = max(service.polls, key=lambda p: p.fieldwork_end)
    counter.watched = charts._layout_widget.viewport()
    watch: dict[str, Any] = {}  # the add being measured: its start, times, new poll id and expected poll count

    def on_chart_paint() -> None:
        """The charts are about to paint (this paint event): what they hold now is what it draws."""
        times_now: AddTimes | None = watch.get("times")
        if times_now is None:
            return
        now = time.perf_counter() - watch["t0"]
        if not times_now.point_painted and watch.get("id") in set(charts.point_data("lead1")[2].tolist()):
            times_now.point_painted = now
        held = landed.get("averages")
        shown = charts._last_data[1] if charts._last_data is not None else None
        if (
            not times_now.average_painted
            and held is not None
            and len(landed["polls"]) == watch["expected"]
            and shown is held
        ):
            times_now.average_painted = now

    counter.on_chart_paint = on_chart_paint
    runs: list[AddTimes] = []
    first: AddTimes | None = None
    for i in range(adds + 1):
        landed.clear()
        expected = len(service.polls) + 1
        new = replace(latest, pollster=f"Newcomer {i}", id=None, sample_size=1000 + i)
        times = AddTimes()
        t0, c0 = time.perf_counter(), time.thread_time()
        if profiler is not None and (i == 0) == profile_first:
            profiler.enable()
        profiling_turns = turn_profiles is not None and i == adds
        if profiling_turns:
            import cProfile

            call_profile = cProfile.Profile(time.thread_time)
            call_profile.enable()
        watch.update(times=times, t0=t0, expected=expected, id=None)
        ids = service.add_polls([new])
        watch["id"] = ids[0] if ids else None
        if profiling_turns:
            call_profile.disable()
            assert turn_profiles is not None
            turn_profiles.append((time.thread_time() - c0, call_profile))
            per_turn[:] = [True]
        last_cpu = time.thread_time()
        times.turn_cpu.append(last_cpu - c0)  # the call's own turn: signal, table row, chart points (write queued)
        new_id = ids[0] if ids else None
        while True:
            now = time.perf_counter()
            if not times.table and new_id is not None and model.row_of(new_id) is not None:
                times.table = now - t0
            if not times.points and new_id is not None and new_id in set(charts.point_data("lead1")[2].tolist()):
                times.points = now - t0
            averages = landed.get("averages")
            shown = charts._last_data[1] if charts._last_data is not None else None
            if (
                not times.average
                and averages is not None
                and len(landed["polls"]) == expected
                and shown is averages
                and not charts._unreleased  # every series handed its points (the charts do a few per turn)
            ):
                times.average = now - t0
            view = landed.get("view")
            if (
                not times.scenario
                and times.average
                and view is not None
                and room.scenarios.averages is averages
                and room.scenarios.view is view
                and not room.scenarios.busy
            ):
                times.scenario = now - t0
            if times.table and times.points and times.average and times.scenario and not service.pending_writes:
                counter.painted = 0
                turn()
                if not counter.painted:
                    break
            else:
                counter.painted = 0
                turn()
            cpu = time.thread_time()
            if cpu - last_cpu < 1e-4:
                time.sleep(0.0002)  # nothing to do this turn: the workers get the lock and a core, as in an idle loop
            if cpu - last_cpu >= 1e-4:  # a turn that did something
                times.turn_cpu.append(cpu - last_cpu)
            last_cpu = time.thread_time()
            if time.perf_counter() - t0 > 30:
                raise SystemExit("an add did not reach the table, the charts and the panel within 30 s")
        if profiler is not None:
            profiler.disable()
        per_turn[:] = []
        watch.clear()
        times.total = time.perf_counter() - t0
        times.cpu = time.thread_time() - c0
        times.turns = len(times.turn_cpu)
        if first is None:
            first = times  # the first add after opening (one-time work shows here)
        else:
            runs.append(times)
        idle(0.3)
        quiet()
        if first is times:
            for jobs in worker_cpu.values():
                jobs.clear()  # the first add's jobs are not the steady state

    gc.callbacks.remove(on_gc)
    print(f"garbage collection during the adds: {gc_time[2]} collections, {gc_time[0] * 1e3:.1f} ms in all",
          file=sys.stderr)  # fmt: skip

    # references, same run: the same window repainted with nothing changed; the charts grabbed
    repaint, repaint_cpu = [], []
    panel = room.scenario_panel
    table_view = room.window.polls_pane.view
    for _ in range(adds):
        t, c = time.perf_counter(), time.thread_time()
        charts._layout_widget.viewport().update()
        table_view.viewport().update()
        for child in (panel, *panel.findChildren(QWidget)):  # every widget of the panel
            child.update()
        quiet()
        repaint.append(time.perf_counter() - t)
        repaint_cpu.append(time.thread_time() - c)
    grab = []
    for _ in range(adds):
        t = time.perf_counter()
        charts.grab()
        grab.append(time.perf_counter() - t)
    room.window.close()
    store.close()
    assert first is not None

    def med(key: str) -> float:
        return statistics.median(getattr(r, key) for r in runs)

    return {
        "total": med("total"),
        "cpu": med("cpu"),
        "p95_total": sorted(r.total for r in runs)[max(0, int(len(runs) * 0.95) - 1)],
        "table": med("table"),
        "points": med("points"),
        "average": med("average"),
        "scenario": med("scenario"),
        "point_painted": med("point_painted"),
        "average_painted": med("average_painted"),
        "turns": med("turns"),
        "busiest_turn_cpu": statistics.median(max(r.turn_cpu) for r in runs),
        "first_total": first.total,
        "first_cpu": first.cpu,
        "first_busiest_turn_cpu": max(first.turn_cpu),
        "repaint": statistics.median(repaint),
        "repaint_cpu": statistics.median(repaint_cpu),
        "grab": statistics.median(grab),
        "runs": runs,
        "first": first,
        "worker_average_cpu": statistics.median(worker_cpu["average"]) if worker_cpu["average"] else 0.0,
        "worker_scenario_cpu": statistics.median(worker_cpu["scenario"]) if worker_cpu["scenario"] else 0.0,
    }


def _watch_workers(room: Any) -> dict[str, list[float]]:
    """Record the CPU each worker job takes on its own thread: the average (AverageController._compute) and the
    scenario's case (scenario_service._ahead, begun on the average's worker, or _rebuilt when set_data starts it)."""
    from warroom.services import scenario_service

    out: dict[str, list[float]] = {"average": [], "scenario": []}
    averages = room.averages
    compute = averages._compute

    def timed_compute(*args: Any) -> Any:
        c = time.thread_time()
        try:
            return compute(*args)
        finally:
            out["average"].append(time.thread_time() - c)

    averages._compute = timed_compute
    for name in ("_ahead", "_rebuilt"):
        real = getattr(scenario_service, name)

        def timed(*args: Any, _real: Any = real) -> Any:
            if threading.current_thread() is threading.main_thread():
                return _real(*args)  # (a small contest's, on this thread: counted in the GUI's CPU)
            c = time.thread_time()
            try:
                return _real(*args)
            finally:
                out["scenario"].append(time.thread_time() - c)

        setattr(scenario_service, name, timed)
    return out


def summary(r: dict[str, Any]) -> str:
    ms = 1e3
    return (
        f"one poll added, to the table, every chart (point and new average) and the scenario panel showing it,"
        f" painted:\n  median {r['total'] * ms:.1f} ms wall (p95 {r['p95_total'] * ms:.1f}), {r['cpu'] * ms:.1f} ms of"
        f" GUI-thread CPU in {r['turns']:.0f} turns (busiest {r['busiest_turn_cpu'] * ms:.1f} ms)\n"
        f"  parts, ms from the call: table row {r['table'] * ms:.1f}, chart point {r['points'] * ms:.1f},"
        f" new average on the charts {r['average'] * ms:.1f}, scenario panel {r['scenario'] * ms:.1f}\n"
        f"  painted, ms from the call: the charts' first paint with the new point {r['point_painted'] * ms:.1f},"
        f" with the new average {r['average_painted'] * ms:.1f} (the changed points' repaint is held for the average)\n"
        f"  the first add after opening: {r['first_total'] * ms:.1f} ms wall, {r['first_cpu'] * ms:.1f} ms CPU"
        f" (busiest turn {r['first_busiest_turn_cpu'] * ms:.1f} ms)\n"
        f"  same run: the window repainted with nothing changed (charts, table, panel) {r['repaint'] * ms:.1f} ms wall,"
        f" {r['repaint_cpu'] * ms:.1f} ms CPU; the charts grabbed {r['grab'] * ms:.1f} ms\n"
        f"  the workers' own CPU per add (median): the average {r['worker_average_cpu'] * ms:.1f} ms, the scenario's case"
        f" {r['worker_scenario_cpu'] * ms:.1f} ms"
    )


def verdicts(r: dict[str, Any]) -> list[str]:
    """The "target met?" lines, each with its same-run reference."""
    ms = 1e3
    floor = r["repaint_cpu"]
    return [
        f"target met? {'PASS' if r['total'] < 0.016 else 'MISS'} one 60 Hz frame end to end (under 16 ms:"
        f" {r['total'] * ms:.1f} ms median wall; same run, a plain repaint of the window {r['repaint'] * ms:.1f} ms)",
        f"target met? {'PASS' if r['busiest_turn_cpu'] < 0.016 else 'MISS'} no GUI-thread turn longer than a frame"
        f" (busiest turn's CPU, median over the adds: {r['busiest_turn_cpu'] * ms:.1f} ms; target 16 ms)",
        f"the GUI thread's CPU per add {r['cpu'] * ms:.1f} ms = {r['cpu'] / floor if floor else 0:.2f}x the paint floor"
        f" (the whole window repainted with nothing changed, same run: {floor * ms:.1f} ms of CPU)",
    ]


if __name__ == "__main__":
    import argparse
    import tempfile

    from _responsive import build_store
    from bench_scale import scale_polls

    parser = argparse.ArgumentParser()
    parser.add_argument("--polls", type=int, default=10_000)
    parser.add_argument("--adds", type=int, default=9)
    parser.add_argument("--turns", action="store_true", help="print every add's CPU per turn")
    parser.add_argument("--profile", action="store_true", help="profile the GUI thread of the adds (not the first)")
    parser.add_argument("--profile-first", action="store_true", help="profile the GUI thread of the first add")
    parser.add_argument(
        "--profile-turns", action="store_true", help="profile each GUI-thread turn of the last add on its own"
    )
    args = parser.parse_args()
    import cProfile
    import pstats

    profiler = cProfile.Profile() if args.profile or args.profile_first else None
    turn_profiles: list[Any] | None = [] if args.profile_turns else None
    with tempfile.TemporaryDirectory() as tmp:
        result = measure(
            build_store(Path(tmp), scale_polls(args.polls)),
            Path(tmp),
            adds=args.adds,
            profiler=profiler,
            profile_first=args.profile_first,
            turn_profiles=turn_profiles,
        )
    for k, (spent, prof) in enumerate(turn_profiles or []):
        print(f"\n=== the last add's turn {k} ({'the call' if k == 0 else 'a later turn'}): {spent * 1e3:.1f} ms CPU",
              file=sys.stderr)  # fmt: skip
        pstats.Stats(prof, stream=sys.stderr).sort_stats(os.environ.get("SORT", "tottime")).print_stats(
            int(os.environ.get("LINES", "25"))
        )
    if profiler is not None:
        pstats.Stats(profiler, stream=sys.stderr).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(
            int(os.environ.get("LINES", "45"))
        )
    print(f"{args.polls:,} polls (contest {CONTEST.name})")
    print(summary(result))
    if args.turns:
        for r in [result["first"], *result["runs"]]:
            print(" ".join(f"{c * 1e3:.1f}" for c in r.turn_cpu), file=sys.stderr)
    for line in verdicts(result):
        print(line)
