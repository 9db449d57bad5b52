"""Issues 15 and 16: the window's store writes run on the writer thread. The change is shown at once and pending,
lands as a synchronous write would, and a failure takes it (and what was built on it) back with a message; the
GUI thread never waits on the database, even for a PostgreSQL server that stopped answering."""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from PySide6.QtCore import QTimer

from tests.conftest import TOY, make_poll
from warroom.core.types import Poll
from warroom.services.poll_service import PollService, WriteFailure
from warroom.services.store_writer import StoreWriter
from warroom.store import polls as repo


class StallProbe:
    """The longest gap between the ticks of a 5 ms timer on the GUI thread: how long the event loop was held."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setInterval(5)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last)
        self._last = now

    def stop(self) -> float:
        self._tick()
        self._timer.stop()
        return self.longest


def _open(store_url: str) -> Any:
    from warroom.bootstrap import open_store

    store = open_store(store_url, backup_dir=None, seed=False)
    with store.sessions.begin() as s:
        cid = repo.add_contest(s, TOY)
        repo.add_polls(s, cid, [make_poll(d) for d in range(1, 9)])
    return store, cid


@pytest.fixture
def threaded(store_url: str) -> Iterator[tuple[PollService, Any, int]]:
    """A poll service on a fresh store (SQLite, and PostgreSQL when set) with its writes on a writer thread."""
    store, cid = _open(store_url)
    writer = StoreWriter()
    service = PollService(store.sessions, watch=False, writer=writer)
    service.open_contest(cid)
    service.reserved = lambda: not writer.busy  # type: ignore[attr-defined]  (the spare ids read at open landed)
    yield service, store, cid
    assert service.wait_for_writes(20)
    writer.shutdown()
    store.close()


def _stored(store: Any, cid: int) -> list[Poll]:
    with store.sessions() as s:
        return repo.list_polls(s, cid)


def _settled(qtbot, service: PollService) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: service.pending_writes == 0, timeout=20000)


def _session(service: PollService) -> list[tuple[str, Any]]:
    """One session of the window's writes, as the undo commands make them; returns what each call returned."""
    out: list[tuple[str, Any]] = []
    (a,) = service.add_polls([make_poll(20, pollster="New one")])
    out.append(("add", a))
    shown = service.poll(a)
    assert shown is not None
    service.update_poll(replace(shown, sample_size=1234, notes="edited before it landed"))
    victim = service.polls[2]
    gone = service.delete_polls([victim.id or 0])
    out.append(("delete", [p.pollster for p in gone]))
    service.add_polls(gone)  # an undo of the delete: back under its own id
    service.delete_polls([a])  # an undo of the add
    (b,) = service.add_polls([make_poll(21, pollster="Kept")])
    edited = service.poll(b)
    assert edited is not None
    service.update_poll(replace(edited, first_round={"ann": 50.0, "bob": 40.0, "cat": 10.0}))
    service.save_scenario("plan A", {"kind": "sv", "a": [1, 2]}, {"x": 1})
    service.save_scenario("plan B", {"kind": "sv"}, {})
    service.save_scenario("plan A", {"kind": "sv", "a": [3]}, {"x": 2})
    service.delete_scenario("plan B")
    return out


def test_each_write_lands_and_equals_the_same_writes_made_synchronously(qtbot, store_url: str, threaded) -> None:
    service, store, cid = threaded
    before = _stored(store, cid)
    changes: list[object] = []
    states: list[str] = []
    service.polls_changed.connect(changes.append)
    service.write_state_changed.connect(states.append)
    out = _session(service)
    # shown at once, before the writer has stored anything
    assert [p.pollster for p in service.polls].count("Kept") == 1 and service.pending_writes > 0
    assert states == ["saving"]
    _settled(qtbot, service)
    assert states == ["saving", "saved"]
    # the same session through a service that writes on this thread, into a second contest of the same kind
    with store.sessions.begin() as s:
        sync_cid = repo.add_contest(s, replace(TOY, name="Toyton Mayor, written synchronously"))
        repo.add_polls(s, sync_cid, [make_poll(d) for d in range(1, 9)])
    sync_store = store
    sync = PollService(store.sessions, watch=False)
    sync.open_contest(sync_cid)
    assert _session(sync)[1] == out[1]

    def comparable(polls: list[Poll]) -> list[Poll]:  # ids aside: PostgreSQL's spare ids leave gaps
        return [replace(p, id=None) for p in polls]

    assert comparable(_stored(store, cid)) == comparable(_stored(sync_store, sync_cid))
    assert [p.id for p in _stored(store, cid)][:8] == [p.id for p in before]  # the deleted one came back as itself
    with store.sessions() as s, sync_store.sessions() as t:
        assert repo.list_scenarios(s, cid) == repo.list_scenarios(t, sync_cid)
    # and the window shows exactly what is stored: stored ids, no provisional one left
    assert service.polls == _stored(store, cid)
    assert len(changes[0].added) == 1  # the first add, announced before it was stored
    assert service.scenarios() == sync.scenarios()
    assert service.pending_writes == 0 and not any(service.is_pending(p.id or 0) for p in service.polls)


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_writes_run_on_the_writer_thread_in_order(qtbot, threaded) -> None:
    service, store, cid = threaded
    seen: list[int] = []
    from sqlalchemy import event

    def record(*_args: Any) -> None:
        seen.append(threading.get_ident())

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        ids = [service.add_polls([make_poll(22 + k, pollster=f"Order {k}")])[0] for k in range(5)]
        assert len(set(ids)) == 5 and service.pending_writes == 5  # shown at once, each under its own id
        _settled(qtbot, service)
    finally:
        event.remove(store.engine, "before_cursor_execute", record)
    assert seen and threading.main_thread().ident not in seen
    stored = [p for p in _stored(store, cid) if p.pollster.startswith("Order")]
    assert [p.pollster for p in sorted(stored, key=lambda p: p.id or 0)] == [f"Order {k}" for k in range(5)]
    assert [service.poll(i).id for i in ids] == sorted(p.id for p in stored)  # type: ignore[union-attr]


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_a_failing_write_is_taken_back_on_screen_with_its_message_and_the_input_kept(qtbot, threaded) -> None:
    """Another program holds the store's write lock for longer than the window waits: the add, and the edit and
    delete made while it was pending, are taken back; the message names the change and the reason; the window
    was never held; the poll as typed is in the failure, and entering it again afterwards saves it."""
    service, store, cid = threaded
    before = service.polls
    failures: list[WriteFailure] = []
    messages: list[str] = []
    service.write_failed.connect(failures.append)
    service.store_failed.connect(messages.append)
    path = store.engine.url.database
    holder = sqlite3.connect(path, timeout=0)
    holder.execute("BEGIN EXCLUSIVE")  # a database browser's write transaction
    probe = StallProbe()
    try:
        typed = make_poll(25, pollster="Typed in")
        (a,) = service.add_polls([typed])
        shown = service.poll(a)
        assert shown is not None and shown.pollster == "Typed in" and service.is_pending(a)
        service.update_poll(replace(before[0], sample_size=4321))
        service.delete_polls([before[1].id or 0])
        assert len(service.polls) == len(before)  # one added, one deleted: on screen at once
        qtbot.waitUntil(lambda: bool(failures), timeout=15000)
    finally:
        longest = probe.stop()
        holder.rollback()
        holder.close()
    assert longest < 1.0, f"the GUI thread was held {longest * 1000:.0f} ms"  # the write waited 2 s or more
    assert service.polls == before == _stored(store, cid)  # all three taken back; nothing half-saved
    (failure,) = failures
    assert failure.action == "add" and failure.polls == (typed,) and failure.later == 2
    assert "add the Typed in poll" in messages[0] and "busy" in messages[0].lower(), messages[0]
    assert "2 later change(s)" in messages[0]
    # retried (the store free again): it lands
    service.add_polls(list(failure.polls))
    _settled(qtbot, service)
    assert [p.pollster for p in _stored(store, cid)].count("Typed in") == 1


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_a_teammates_newer_edit_still_refuses_a_pending_edit_and_the_window_follows_the_store(qtbot, threaded) -> None:
    service, store, cid = threaded
    target = service.polls[0]
    with store.sessions.begin() as s:  # a teammate, unseen by the watch so far
        repo.update_poll(s, replace(target, sample_size=777))
    failures: list[WriteFailure] = []
    service.write_failed.connect(failures.append)
    service.update_poll(replace(target, sample_size=999))
    assert service.poll(target.id or 0).sample_size == 999  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: bool(failures), timeout=10000)
    assert failures[0].kind == "conflict" and failures[0].action == "edit"
    qtbot.waitUntil(lambda: service.poll(target.id or 0).sample_size == 777, timeout=5000)  # type: ignore[union-attr]
    # two edits in a row of the same poll are not a conflict with each other
    fresh = service.poll(target.id or 0)
    assert fresh is not None
    service.update_poll(replace(fresh, sample_size=1001))
    service.update_poll(replace(fresh, sample_size=1002))
    _settled(qtbot, service)
    assert len(failures) == 1
    assert next(p for p in _stored(store, cid) if p.id == target.id).sample_size == 1002


@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
def test_a_stopped_postgresql_server_does_not_hold_the_window_and_the_next_write_reconnects(qtbot, threaded) -> None:
    """The server process serving the write stops answering mid-statement: the window stays live ("saving"),
    then says the write failed; the server back, the next change lands on a new connection."""
    from sqlalchemy import event

    service, store, cid = threaded
    stopped: list[int] = []
    states: list[str] = []
    failures: list[WriteFailure] = []
    service.write_state_changed.connect(states.append)
    service.write_failed.connect(failures.append)

    def stop_the_server(conn, _cursor, statement: str, *_args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("INSERT INTO POLL ") and not stopped:
            pid = conn.connection.dbapi_connection.info.backend_pid
            os.kill(pid, signal.SIGSTOP)
            stopped.append(pid)

    def resume() -> None:
        for pid in stopped:
            os.kill(pid, signal.SIGCONT)

    rescue = threading.Timer(30, resume)
    rescue.start()
    event.listen(store.engine, "before_cursor_execute", stop_the_server)
    probe = StallProbe()
    try:
        service.add_polls([make_poll(25, pollster="Mid-statement")])
        assert states == ["saving"] and [p.pollster for p in service.polls].count("Mid-statement") == 1
        qtbot.waitUntil(lambda: bool(failures), timeout=25000)
    finally:
        longest = probe.stop()
        rescue.cancel()
        resume()
        event.remove(store.engine, "before_cursor_execute", stop_the_server)
    assert stopped, "the write never reached the server"
    assert longest < 1.0, f"the GUI thread was held {longest * 1000:.0f} ms"  # the write waited 2 s or more
    assert states == ["saving", "failed"] and "did not answer" in failures[0].message
    assert "Mid-statement" not in [p.pollster for p in service.polls]
    service.add_polls([make_poll(26, pollster="Afterwards")])
    _settled(qtbot, service)
    assert "Afterwards" in [p.pollster for p in _stored(store, cid)]
    assert "Mid-statement" not in [p.pollster for p in _stored(store, cid)]


def test_a_new_poll_is_shown_under_the_id_the_store_gives_it_and_its_confirmation_changes_nothing(
    qtbot, threaded
) -> None:
    service, store, cid = threaded
    qtbot.waitUntil(service.reserved)
    changes: list[object] = []
    service.polls_changed.connect(changes.append)
    (a,) = service.add_polls([make_poll(22, pollster="Direct")])
    (b,) = service.add_polls([make_poll(23, pollster="Second")])
    assert 0 < a < b
    _settled(qtbot, service)
    assert len(changes) == 2  # the two adds, shown at once; their confirmations had nothing to change
    assert service.polls == _stored(store, cid)
    assert {p.pollster: p.id for p in _stored(store, cid)}["Direct"] == a


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_an_id_another_program_took_first_is_replaced_by_the_one_the_store_gave(qtbot, threaded) -> None:
    """SQLite holds no id for us: another program's poll can take the id a new poll is shown under. Ours is
    stored under another id, the window follows (and reads the other program's poll), an undo still finds it."""
    service, store, cid = threaded
    qtbot.waitUntil(service.reserved)
    with store.sessions.begin() as s:
        (theirs,) = repo.add_polls(s, cid, [make_poll(24, pollster="Teammate")])
    (a,) = service.add_polls([make_poll(22, pollster="Mine")])
    assert a == theirs  # shown under the id the store had spare a moment ago
    _settled(qtbot, service)
    qtbot.waitUntil(lambda: "Teammate" in [p.pollster for p in service.polls], timeout=5000)
    _settled(qtbot, service)
    stored = {p.pollster: p.id for p in _stored(store, cid)}
    assert stored["Teammate"] == theirs and stored["Mine"] != theirs
    assert service.polls == _stored(store, cid)
    mine = service.poll(stored["Mine"])
    assert mine is not None and mine.pollster == "Mine"


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_a_teammates_change_is_read_on_the_writer_thread_and_shown(qtbot, store_url: str) -> None:
    """The watch's look at the store and the re-read after another program's change (100,000 polls: seconds of
    reading) run on the writer thread; the window only shows what was read."""
    from sqlalchemy import event

    store, cid = _open(store_url)
    writer = StoreWriter()
    service = PollService(store.sessions, watch=True, writer=writer)
    service.open_contest(cid)
    qtbot.waitUntil(lambda: not writer.busy)
    reads: list[bool] = []

    def record(*_args: Any) -> None:  # every statement (list_polls reads through the driver: its connection)
        reads.append(threading.current_thread() is threading.main_thread())

    event.listen(store.engine, "checkout", record)
    try:
        with store.sessions.begin() as s:  # a teammate's write (another connection)
            repo.add_polls(s, cid, [make_poll(24, pollster="Teammate")])
        reads.clear()
        qtbot.waitUntil(lambda: "Teammate" in [p.pollster for p in service.polls], timeout=10000)
    finally:
        event.remove(store.engine, "checkout", record)
    assert reads and not any(reads), "the store was read on the GUI thread"
    assert service.polls == _stored(store, cid)
    assert service.wait_for_writes(10)
    writer.shutdown()
    store.close()


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_opening_another_contest_with_a_change_pending_keeps_each_where_it_belongs(qtbot, threaded) -> None:
    service, store, cid = threaded
    with store.sessions.begin() as s:
        other = repo.add_contest(s, replace(TOY, name="Other race"))
        repo.add_polls(s, other, [make_poll(3, pollster="Other pollster")])
    service.add_polls([make_poll(24, pollster="Pending here")])
    service.open_contest(other)
    assert [p.pollster for p in service.polls] == ["Other pollster"]
    _settled(qtbot, service)
    assert [p.pollster for p in service.polls] == ["Other pollster"]
    assert "Pending here" in [p.pollster for p in _stored(store, cid)]


def test_a_write_runs_with_the_gil_handed_back_to_the_window_sooner(qtbot) -> None:
    """A write's Python work on the writer thread (reading back and comparing the 100,000 polls of a select all +
    Delete or its Undo) ran at Python's default 5 ms GIL switch interval: each call from Qt into Python on the
    window's thread waited for it, and turns of a few ms of the window's own CPU stretched to 0.5-1.2 s
    (benchmarks/bench_menu_stalls.py). It runs under the workers' short interval now, restored once it is done."""
    import sys

    from warroom.services.worker_threads import SWITCH_INTERVAL_S

    before = sys.getswitchinterval()
    writer = StoreWriter()
    seen: list[float] = []
    landed: list[object] = []
    writer.submit(lambda: seen.append(sys.getswitchinterval()), lambda result, error: landed.append(error))
    qtbot.waitUntil(lambda: bool(landed))
    writer.shutdown()
    assert landed == [None]
    assert seen == [pytest.approx(min(before, SWITCH_INTERVAL_S))]  # (before: 0.005, the default)
    assert sys.getswitchinterval() == before
