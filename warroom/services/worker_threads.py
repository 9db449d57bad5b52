"""The worker threads' shared helpers: the GIL switch interval a worker job runs under (gui_first) and the wait
for a job's landing (wait_landed). QtCore and the standard library only: the scenario controller, which uses them,
is built in the start's first stage, before SQLAlchemy is imported (issue 15, docs/STARTUP.md)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject

SWITCH_INTERVAL_S = 0.00005
"""Python's GIL switch interval while a worker runs (the default is 0.005 s).

Parsing is Python code, so the worker holds the GIL; the GUI thread needs it for every call from Qt into Python
(each paint, event and virtual method of a widget made in Python) and waits one switch interval for each. At the
default 5 ms, merely showing the progress dialog stalled the window for 150-300 ms (benchmarks/
bench_import_stall.py); at 0.5 ms it takes a few tens of ms. The interval only matters while two threads want
the GIL, so the import itself is hardly slower.

0.05 ms rather than 0.5: at 100,000 polls the average and the scenario rebuild run on workers after every change
while the window repaints, and a turn of 30-40 ms of GUI-thread CPU stretched to 100-170 ms waiting for the lock
(benchmarks/_responsive.py's longest gap against its CPU). Eight interleaved runs at 100,000 polls (load 2-3):
phases stalled over 100 ms 7 of 24 at 0.5 ms, 1 of 24 at 0.05 ms; adding a poll's longest stall 86-104 ms against
45-82 ms; the workers no slower (an add's average landed in 705-874 ms against 676-756 ms).
"""
_T = TypeVar("_T")
WorkProgress = Callable[[int, int], bool]
"""A worker job's progress callback: (done, total); False asks the job to stop (it then raises)."""

_switch_lock = threading.Lock()
_switch_users = 0
_switch_saved = 0.005


def wait_landed(owner: QObject, job: Future[Any] | None, timeout_ms: int) -> None:
    """Block until a worker `job` has finished, then deliver the landing it queued to `owner` now (the averages'
    and the scenario rebuild's wait(), for scripts and tests). Raises the job's TimeoutError past `timeout_ms`."""
    if job is not None:
        job.result(timeout=timeout_ms / 1000.0)
        from PySide6.QtCore import QCoreApplication

        QCoreApplication.sendPostedEvents(owner)


@contextmanager
def gui_first() -> Iterator[None]:
    """Shorten the GIL switch interval while any worker job runs; restore it when the last one ends (the import
    worker's jobs, the poll average's and the scenario rebuild's)."""
    global _switch_users, _switch_saved
    with _switch_lock:
        if _switch_users == 0:
            _switch_saved = sys.getswitchinterval()
            sys.setswitchinterval(min(_switch_saved, SWITCH_INTERVAL_S))
        _switch_users += 1
    try:
        yield
    finally:
        with _switch_lock:
            _switch_users -= 1
            if _switch_users == 0:
                sys.setswitchinterval(_switch_saved)


class WorkerRun(Generic[_T]):
    """A job worked out on a thread of its own: how far it is (`done` of `total`, for a progress bar), cancel(),
    and its outcome as `result` (a Future; the job's own exception once cancelled). The job is called with a
    progress callback (WorkProgress) that returns False once cancel() was called. Scenario > Forecast over time,
    File > Export polls, Compare and the briefing's figures."""

    def __init__(self, job: Callable[[WorkProgress], _T], name: str = "warroom-worker") -> None:
        self.done, self.total = 0, 1
        self._stop = threading.Event()
        self.result: Future[_T] = Future()
        self._thread = threading.Thread(target=self._work, args=(job,), name=name, daemon=True)
        self._thread.start()

    def cancel(self) -> None:
        """Stop at the job's next progress call (the result then raises the job's cancellation)."""
        self._stop.set()

    @property
    def cancelled(self) -> bool:
        return self._stop.is_set()

    def finish(self, timeout: float) -> bool:
        """cancel(), then wait up to `timeout` seconds for the thread to end (a window closing while the job writes a
        file: the thread is a daemon, and the process leaving mid-write left the job's temporary file behind).
        True: the thread has ended (cancelled at its next progress call, or its write finished whole)."""
        self.cancel()
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _report(self, done: int, total: int) -> bool:
        self.done, self.total = done, total  # (two ints, read by the GUI thread's timer)
        return not self._stop.is_set()

    def _work(self, job: Callable[[WorkProgress], _T]) -> None:
        try:
            with gui_first():  # (the window's turns wait less for Python's lock while this runs)
                out = job(self._report)
        except BaseException as exc:  # handed to the GUI thread through the Future
            self.result.set_exception(exc)
        else:
            self.result.set_result(out)
