"""The cyclic garbage collector runs on the window's thread only once the app has started (app.GuiThreadCollector):
a Qt object only Python owns, in a reference cycle, was destroyed by whichever thread crossed the collector's
threshold (the store writer, the averages worker), and Qt objects destroyed off their thread leave their timers
with the window's event dispatcher: the next timer event read freed memory (a segmentation fault)."""

from __future__ import annotations

import gc
import threading
import time

from warroom.app import GuiThreadCollector, collect_on_gui_thread


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_collections_run_on_the_windows_thread_only(qapp, qtbot) -> None:
    threads: list[int] = []

    def seen(phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            threads.append(threading.get_ident())

    collector = collect_on_gui_thread()
    assert isinstance(collector, GuiThreadCollector)
    collector.timer.setInterval(20)
    gc.callbacks.append(seen)
    try:
        assert not gc.isenabled()
        before = collector.collections

        def worker() -> None:  # allocates far past the first generation's threshold, cycles among them
            for _ in range(20 * gc.get_threshold()[0]):
                _Cycle()

        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
        assert threads == []  # nothing collected on the worker's thread
        qtbot.waitUntil(lambda: collector.collections > before, timeout=3000)
        assert threads and set(threads) == {threading.get_ident()}  # (the test runs on the window's thread)
        assert collect_on_gui_thread() is collector  # one per application
    finally:
        gc.callbacks.remove(seen)
        collector.stop()
    assert gc.isenabled()


def test_the_collector_collects_the_oldest_generation_over_its_threshold(qapp, monkeypatch) -> None:
    collector = GuiThreadCollector(qapp)
    asked: list[int] = []
    monkeypatch.setattr(gc, "collect", lambda generation=2: asked.append(generation) or 0)
    collector.threshold = (700, 10, 10)
    for counts, expected in (((10, 0, 0), []), ((701, 0, 0), [0]), ((701, 11, 0), [1]), ((701, 11, 11), [2])):
        asked.clear()
        monkeypatch.setattr(gc, "get_count", lambda counts=counts: counts)
        collector.check()
        assert asked == expected, counts
    collector.deleteLater()


def test_a_busy_worker_puts_a_big_collection_off(qapp, monkeypatch) -> None:
    """A worker holding a batch it built (the store writer's 100,000 polls read back for a select all + Delete) is
    not walked at each look: a collection waits while a worker is at a job, up to
    DEFER_AT_MOST looks, and is made once the workers are idle."""
    collector = GuiThreadCollector(qapp)
    asked: list[int] = []
    monkeypatch.setattr(gc, "collect", lambda generation=2: asked.append(generation) or 0)
    collector.threshold = (700, 10, 10)
    busy = [True]
    collector.busy = lambda: busy[0]
    big = 50_000

    def look(young: int) -> bool:
        asked.clear()
        monkeypatch.setattr(gc, "get_count", lambda: (young, 0, 0))
        collector.check()
        return bool(asked)

    assert not look(800)  # a worker at work: put off (the count cannot tell how many a collection walks)
    assert not look(big)
    assert not look(big * 9)
    busy[0] = False
    assert look(big * 9)  # the workers idle: collected
    busy[0] = True
    for i in range(GuiThreadCollector.DEFER_AT_MOST):
        assert not look(big), i
    assert collector.deferred == GuiThreadCollector.DEFER_AT_MOST
    assert look(big)  # put off DEFER_AT_MOST looks in a row: collected anyway
    assert collector.deferred == 0
    collector.deleteLater()


def test_an_open_rooms_workers_are_seen_busy(room, qtbot) -> None:
    from warroom.app import workers_busy

    qtbot.waitUntil(lambda: not workers_busy())
    started = threading.Event()
    room.store_writer.submit(lambda: (started.set(), time.sleep(0.2)), lambda _result, _error: None)
    assert started.wait(5) and workers_busy()  # the store writer at a job
    qtbot.waitUntil(lambda: not workers_busy())
