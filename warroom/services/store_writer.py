"""StoreWriter: the one thread that writes the store for the window, in order, off the GUI thread.

The window's writes (add, edit and delete polls, save and delete scenarios) and the change watch's look at the
store run here one at a time, in the order they were asked for; each result comes back on the thread that owns
the writer (the GUI's), in that same order. The GUI thread never waits on the database: a PostgreSQL server that
stops answering holds this thread for the driver's bounded answer wait (store.db.PG_ANSWER_WAIT_S and the lock
wait's margin), not the window. Only core values and plain Python objects cross threads, never a Session.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Signal, Slot

from warroom.services.worker_threads import gui_first

Done = Callable[[Any, BaseException | None], None]
"""Called on the owner's thread with a job's result (None if it raised) and what it raised (None if nothing)."""


class StoreWriter(QObject):
    """Runs store jobs one at a time on its own thread, in the order submitted; results come back in order.

    Signals:
        busy_changed: bool; True when the first job is queued, False when the last one's result was delivered.
    """

    busy_changed = Signal(bool)
    _finished = Signal(object, object, object)  # (done, result, exception): emitted on the writer thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="warroom-store-writer")
        self._queued = 0  # submitted and not yet delivered (GUI thread only)
        self._thread_id: int | None = None
        self._closed = False
        self._finished.connect(self._on_finished)  # emitted from the writer thread: a queued connection

    @property
    def busy(self) -> bool:
        """Jobs are queued, running, or their results not yet delivered."""
        return self._queued > 0

    @property
    def pending(self) -> int:
        """How many submitted jobs have not yet had their result delivered."""
        return self._queued

    @property
    def closed(self) -> bool:
        """Shut down: no more jobs are taken."""
        return self._closed

    @property
    def thread_id(self) -> int | None:
        """The writer thread's identity (threading.get_ident()) once it has run a job."""
        return self._thread_id

    def submit(self, job: Callable[[], Any], done: Done) -> None:
        """Queue `job` for the writer thread; `done(result, exception)` is called on this object's thread.

        Raises:
            RuntimeError: the writer was shut down (the window is closing).
        """
        if self._closed:
            raise RuntimeError("the store writer has shut down")
        self._queued += 1
        if self._queued == 1:
            self.busy_changed.emit(True)

        def run() -> None:
            self._thread_id = threading.get_ident()
            try:
                # Python's lock handed back to the window sooner while a write's Python work runs (reading back
                # and comparing 100,000 polls for a select all + Delete or its Undo): at the default switch
                # interval every call from Qt into Python waited up to 5 ms for it, and the window's turns, a few
                # ms of its own CPU, stretched to 0.5-1.2 s (benchmarks/bench_menu_stalls.py)
                with gui_first():
                    result, error = job(), None
            except BaseException as exc:  # handed back to the GUI thread, which reports it
                result, error = None, exc
            self._finished.emit(done, result, error)

        self._executor.submit(run)

    def wait(self, timeout_s: float) -> bool:
        """Block the calling (owner's) thread until every job submitted so far has run and its result has been
        delivered, or `timeout_s` has passed. For closing the window: True if everything was delivered."""
        if not self._queued:
            return True
        marker = self._executor.submit(lambda: None)  # runs after every job queued before it
        try:
            marker.result(timeout=max(0.0, timeout_s))
        except FutureTimeout:
            return False
        # the results are posted to this thread as queued signal deliveries: deliver them now
        QCoreApplication.sendPostedEvents(self, QEvent.Type.MetaCall.value)
        return self._queued == 0

    def shutdown(self) -> None:
        """No new jobs. The jobs already queued still run, in order, and the interpreter waits for them at exit (each
        is bounded by the store's lock and answer waits): a write is never dropped or cut off half-way."""
        self._closed = True
        self._executor.shutdown(wait=False)  # what is queued still runs (joined at exit)

    @Slot(object, object, object)
    def _on_finished(self, done: Done, result: Any, error: BaseException | None) -> None:
        self._queued -= 1
        try:
            done(result, error)
        finally:
            if self._queued == 0:
                self.busy_changed.emit(False)
