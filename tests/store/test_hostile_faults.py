"""A fourth hostile pass, over faults and the environment (issue 16): the store changing under a running app,
another program holding its lock, planted triggers. Each test failed before its fix."""

from __future__ import annotations

import gc
import os
import sqlite3
import time
from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import TOY, make_poll
from tests.store._held_lock import held_by_another
from tests.store._service import service_on_one_poll
from tests.store._tmpfs import small_tmpfs
from warroom.bootstrap import open_store
from warroom.store import polls as repo
from warroom.store.db import StoreError, make_engine, make_session_factory, translated, upgrade


def _toy_store(db: Path) -> None:
    engine = make_engine(str(db))
    upgrade(engine)
    with make_session_factory(engine).begin() as s:
        cid = repo.add_contest(s, TOY)
        repo.add_polls(s, cid, [make_poll(1)])
    engine.dispose()


def _pollsters(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [str(r[0]) for r in conn.execute("SELECT pollster FROM poll ORDER BY id")]


@pytest.mark.parametrize("fault", ["deleted", "replaced", "moved"])
def test_a_store_file_deleted_moved_or_replaced_while_open_is_never_written_blind(tmp_path: Path, fault: str) -> None:
    """The engine's pooled connections keep the old file open: a poll added after the file was deleted went
    into a file nobody can reach (lost at exit), and after a replacement into whichever file a connection had."""
    db = tmp_path / "polls.sqlite3"
    _toy_store(db)
    engine = make_engine(str(db))
    sessions = make_session_factory(engine)
    with sessions() as s:
        assert len(repo.list_polls(s, 1)) == 1  # a connection is open on the file, as in the running app
    if fault == "deleted":
        db.unlink()
    elif fault == "moved":
        db.rename(tmp_path / "elsewhere.sqlite3")
    else:
        other = tmp_path / "other.sqlite3"
        _toy_store(other)
        os.replace(other, db)
    with pytest.raises(StoreError) as info, translated(engine), sessions.begin() as s:
        repo.add_polls(s, 1, [replace(make_poll(2), pollster="Late")])
    assert info.value.kind == "missing"
    assert str(db) in info.value.where
    assert "deleted, moved or replaced" in str(info.value) and "nothing was saved" in str(info.value)
    with pytest.raises(StoreError), translated(engine), sessions() as s:  # reads say so too, never a mix of files
        repo.list_polls(s, 1)
    engine.dispose()
    for path in tmp_path.glob("*.sqlite3"):
        assert "Late" not in _pollsters(path)


def test_the_running_app_says_once_that_its_store_file_went_away(qtbot, tmp_path: Path) -> None:
    from PySide6.QtCore import QCoreApplication  # noqa: F401  (qtbot makes the application)

    from warroom.services.poll_service import PollService

    db = tmp_path / "polls.sqlite3"
    _toy_store(db)
    store = open_store(db, backup_dir=None, seed=False)
    service = PollService(store.sessions, watch=True)
    service.open_contest(1)
    db.unlink()
    with qtbot.waitSignal(service.store_failed, timeout=5000) as told:
        pass
    assert "deleted, moved or replaced" in told.args[0] and str(db) in told.args[0]
    with pytest.raises(StoreError):
        service.add_polls([replace(make_poll(3), pollster="Late")])
    assert [p.pollster for p in service.polls] == [make_poll(1).pollster]  # the window shows nothing unsaved
    store.close()


def test_an_edit_while_another_program_holds_the_lock_is_refused_quickly_and_kept(qtbot, store_url: str) -> None:
    """Another program holding the store's write lock (SQLite BEGIN EXCLUSIVE, a psql session's LOCK TABLE)
    froze the window for 10 s on SQLite and for ever on PostgreSQL; now a write from the window waits at most
    INTERACTIVE_LOCK_WAIT_MS, then says the store is busy, and the store and the service's polls are unchanged."""
    import time

    from warroom.services.poll_service import INTERACTIVE_LOCK_WAIT_MS

    store, service, cid = service_on_one_poll(store_url)
    before = service.polls[0]
    lock = held_by_another(
        store_url, sqlite_begin="BEGIN EXCLUSIVE", postgres=("BEGIN", "LOCK TABLE poll IN ACCESS EXCLUSIVE MODE")
    )
    with lock:
        started = time.monotonic()
        with pytest.raises(StoreError) as info:
            service.update_poll(replace(before, pollster="Edited"))
        waited = time.monotonic() - started
    assert info.value.kind == "locked" and "try again" in str(info.value)
    assert waited < INTERACTIVE_LOCK_WAIT_MS / 1000 + 4  # bounded (the engine's own wait is 10 s)
    assert service.polls == [before]
    with store.sessions() as s:
        assert [p.pollster for p in repo.list_polls(s, cid)] == [before.pollster]
    service.update_poll(replace(before, pollster="Edited"))  # once the lock is gone, the retry is stored
    with store.sessions() as s:
        assert [p.pollster for p in repo.list_polls(s, cid)] == ["Edited"]
    store.close()


def test_the_import_worker_keeps_the_long_wait_after_a_quick_window_write(tmp_path: Path) -> None:
    """The window's short wait is for its own transaction only: the pooled connection's next user (the import
    worker, a read) has the engine's own busy timeout again."""
    from warroom.store.db import limit_lock_wait

    db = tmp_path / "polls.sqlite3"
    _toy_store(db)
    engine = make_engine(str(db), busy_timeout_ms=7000)
    sessions = make_session_factory(engine)
    with sessions.begin() as s:
        limit_lock_wait(s, 300)
        assert s.connection().exec_driver_sql("PRAGMA busy_timeout").scalar() == 300
    with sessions.begin() as s:
        assert s.connection().exec_driver_sql("PRAGMA busy_timeout").scalar() == 7000
    engine.dispose()


_PLANTED = {
    "sqlite": "CREATE TRIGGER tidy AFTER INSERT ON poll BEGIN DELETE FROM poll WHERE id <> NEW.id; END",
    "postgresql": (
        "CREATE FUNCTION tidy() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN DELETE FROM poll WHERE id <> NEW.id; RETURN NULL; END $$; "
        "CREATE TRIGGER tidy AFTER INSERT ON poll FOR EACH ROW EXECUTE FUNCTION tidy()"
    ),
}


def test_a_store_with_a_planted_trigger_is_refused_before_anything_runs_it(store_url: str) -> None:
    """warroom creates no triggers; one in a store received from someone else ran on the user's next write: here
    adding one poll silently deleted every other. The store is refused at open, naming the trigger, unchanged."""
    from sqlalchemy import create_engine

    from warroom.store.db import resolve_url

    store = open_store(store_url, backup_dir=None, seed=False)
    with store.sessions.begin() as s:
        cid = repo.add_contest(s, TOY)
        repo.add_polls(s, cid, [make_poll(1), make_poll(2)])
    store.close()
    raw = create_engine(resolve_url(store_url))
    with raw.begin() as conn:
        conn.exec_driver_sql(_PLANTED[raw.dialect.name])
    raw.dispose()
    with pytest.raises(StoreError) as info:
        open_store(store_url, backup_dir=None)
    assert info.value.kind == "foreign"
    assert "trigger" in str(info.value) and "tidy" in str(info.value) and "nothing was changed" in str(info.value)
    raw = create_engine(resolve_url(store_url))
    with raw.connect() as conn:  # nothing seeded, nothing lost
        assert conn.exec_driver_sql("SELECT count(*) FROM poll").scalar() == 2
    raw.dispose()


def _teammate(store_url: str) -> object:
    """A second program on the same store (another instance, a teammate's machine)."""
    return open_store(store_url, backup_dir=None, seed=False)


def test_a_contest_a_teammate_deletes_and_replaces_under_the_same_id_is_never_written_into(
    qtbot, store_url: str
) -> None:
    """SQLite reuses the largest id: a teammate deleting the contest on screen and creating another got that id,
    and the window then showed the new contest's polls under the old contest's candidates, and added its next
    poll into the teammate's contest. Now the write is refused, and the watch says what happened and opens a
    contest that exists."""
    from warroom.services.poll_service import PollService
    from warroom.store import contests as contests_repo

    store = open_store(store_url, backup_dir=None, seed=False)
    with store.sessions.begin() as s:
        repo.add_contest(s, replace(TOY, name="Elsewhere"))
        mine = repo.add_contest(s, TOY)
        repo.add_polls(s, mine, [make_poll(1)])
    service = PollService(store.sessions, watch=False)
    service.open_contest(mine)
    time.sleep(1.1)  # SQLite keeps creation times to the second: the teammate's race is made a moment later
    other = _teammate(store_url)
    with other.sessions.begin() as s:  # type: ignore[attr-defined]
        contests_repo.delete_contest(s, mine)
        theirs = repo.add_contest(s, replace(TOY, name="Their race"))
        repo.add_polls(s, theirs, [make_poll(5, pollster="Theirs")])
    other.close()  # type: ignore[attr-defined]
    with pytest.raises(StoreError) as info:
        service.add_polls([make_poll(9, pollster="Mine")])
    assert "Toyton Mayor" in str(info.value) and "deleted" in str(info.value)
    with store.sessions() as s:
        assert all(p.pollster != "Mine" for c in repo.list_contests(s) for p in repo.list_polls(s, c.id or 0))
    with qtbot.waitSignal(service.store_failed, timeout=5000) as told:
        service.reload(external=True)  # what the watch does on seeing the teammate's change
    assert "Toyton Mayor" in told.args[0] and "deleted" in told.args[0]
    assert service.contest is not None and service.contest.name != "Toyton Mayor"
    with store.sessions() as s:
        stored = {p.id for p in repo.list_polls(s, service.contest.id or 0)}
    assert {p.id for p in service.polls} == stored  # what is shown is that contest's own polls
    store.close()


def test_a_teammates_edit_of_the_contest_on_screen_is_shown(qtbot, store_url: str) -> None:
    """The watch re-read the polls only: a candidate a teammate added or a renamed contest stayed unseen."""
    from warroom.services.poll_service import PollService
    from warroom.store import contests as contests_repo

    store = open_store(store_url, backup_dir=None, seed=False)
    with store.sessions.begin() as s:
        cid = repo.add_contest(s, TOY)
    service = PollService(store.sessions, watch=False)
    service.open_contest(cid)
    other = _teammate(store_url)
    with other.sessions.begin() as s:  # type: ignore[attr-defined]
        contests_repo.update_contest(s, cid, replace(TOY, id=cid, name="Toyton Mayor (renamed)"))
    other.close()  # type: ignore[attr-defined]
    service.add_polls([make_poll(3)])  # before the watch has looked: a rename is no reason to refuse a write
    told: list[str] = []
    service.store_failed.connect(told.append)
    with qtbot.waitSignal(service.contest_loaded, timeout=5000) as loaded:
        service.reload(external=True)
    assert loaded.args[0].name == "Toyton Mayor (renamed)" and service.contest.name == "Toyton Mayor (renamed)"
    assert told == [] and service.contest.id == cid  # renamed, not deleted: the window stays on it
    service.add_polls([make_poll(4)])  # and writes to it still work
    qtbot.wait(50)  # the re-read the write scheduled (it saw the teammate's change) runs before the store closes
    store.close()


def test_a_full_disk_that_sqlite_calls_a_disk_io_error_is_named_as_a_full_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a really full disk (a 400 KB tmpfs filled to the last byte) an upgrade failed with "the poll store failed:
    disk I/O error": SQLite cannot make its shared-memory file, and says I/O, not full. The store was whole, but
    the message gave the user nothing to do. The free space of the store's folder now tells the two apart."""
    import shutil
    from collections import namedtuple

    from warroom.store.db import translate

    db = tmp_path / "polls.sqlite3"
    _toy_store(db)
    engine = make_engine(str(db))
    io_error = sqlite3.OperationalError("disk I/O error")
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda _p: usage(400_000, 400_000, 0))
    full = translate(io_error, engine)
    assert full.kind == "full" and "disk is full" in str(full) and str(db) == full.where
    monkeypatch.setattr(shutil, "disk_usage", lambda _p: usage(10**12, 10**9, 10**12 - 10**9))
    failing = translate(io_error, engine)
    assert (
        failing.kind == "io" and "could not be read or written" in str(failing) and "nothing was saved" in str(failing)
    )
    # `chattr +i` on the store and its -wal mid-session (root included) gave the same "disk I/O error"
    with engine.connect():  # a connection held open, as the running app holds one: the -wal file exists
        wal = Path(f"{db}-wal")
        assert wal.exists()
        monkeypatch.setattr(os, "access", lambda f, _mode: Path(f) != wal)
        frozen = translate(io_error, engine)
    assert frozen.kind == "readonly" and "read-only or immutable" in str(frozen)
    engine.dispose()


def test_a_store_path_longer_than_sqlite_can_open_says_so(tmp_path: Path) -> None:
    """SQLite opens paths of at most 512 bytes, its journal's name included: a --data-dir deep enough made every
    start fail with "cannot be written here (read-only location or no permission)", sending the user to fix
    permissions that were fine."""
    deep = tmp_path
    while len(str(deep)) < 520:
        deep = deep / ("d" * 100)
    deep.mkdir(parents=True)
    db = deep / "polls.sqlite3"
    with pytest.raises(StoreError) as info:
        open_store(db, backup_dir=None)
    assert "too long" in str(info.value) and "504" in str(info.value) and "permission" not in str(info.value)
    assert info.value.where == str(db)
    assert not db.exists()
    shallow = tmp_path / ("s" * 200) / "polls.sqlite3"  # a long path SQLite can open still works
    open_store(shallow, backup_dir=None).close()


@pytest.fixture
def read_only_mount(tmp_path: Path) -> object:
    """A small tmpfs with a store on it, remounted read-only (a CD, a read-only share, a snapshot). Needs the
    right to mount (root in a container allows it; elsewhere the test cannot be set up and says so)."""
    import subprocess

    where = tmp_path / "media"
    with small_tmpfs(where, "mounting a read-only file system") as mount:
        open_store(where / "polls.sqlite3", backup_dir=None).close()
        for _attempt in range(20):  # "busy" while a closed connection's file is still being let go of
            gc.collect()
            remounted = subprocess.run([mount, "-o", "remount,ro", str(where)], capture_output=True)
            if remounted.returncode == 0:
                break
            time.sleep(0.25)
        assert remounted.returncode == 0, remounted.stderr.decode(errors="replace")
        yield where / "polls.sqlite3"


def test_a_store_on_a_read_only_mount_opens_read_only(read_only_mount: Path, tmp_path: Path) -> None:
    """A store on read-only media could not be opened at all ("cannot be written here"): SQLite's read-only
    WAL reader wants to make a shared-memory file beside it. Nobody can change a file on a read-only mount, so
    it is opened as immutable: reads work, writes say the store is read-only."""
    store = open_store(read_only_mount, backup_dir=tmp_path / "backups")
    try:
        assert store.read_only
        assert store.backup_error is None and store.backup is not None  # its start is backed up as usual
        with store.sessions() as s:
            assert repo.count_contests(s) == 3 and len(repo.list_polls(s, 1)) > 10
        with pytest.raises(StoreError) as info, translated(store.engine), store.sessions.begin() as s:
            repo.add_polls(s, 1, [make_poll(7)])
        assert info.value.kind == "readonly"
    finally:
        store.close()


def test_an_edit_or_undo_over_a_teammates_newer_edit_is_refused_not_written_over_it(qtbot, store_url: str) -> None:
    """Two instances on one store: a teammate edits a poll, and within the watch's 0.7 s this window saves its own
    edit of the same poll (or presses Undo on an older edit): the teammate's figures were overwritten unseen.
    Now the write is refused, nothing is changed, and the window reloads what is stored."""
    from warroom.services.poll_service import PollService

    store = open_store(store_url, backup_dir=None, seed=False)
    with store.sessions.begin() as s:
        cid = repo.add_contest(s, TOY)
        repo.add_polls(s, cid, [make_poll(1), make_poll(8, pollster="Beta")])
    mine = PollService(store.sessions, watch=False)
    mine.open_contest(cid)
    theirs = PollService(store.sessions, watch=False)
    theirs.open_contest(cid)
    shown = mine.polls[0]
    mine.update_poll(replace(shown, sample_size=1500))  # an ordinary edit still works, and again after it
    mine.update_poll(replace(mine.polls[0], sample_size=1600))
    theirs.reload()
    theirs.update_poll(replace(theirs.polls[0], sample_size=2222))  # the teammate's newer edit
    with pytest.raises(StoreError) as info:
        mine.update_poll(replace(mine.polls[0], sample_size=1700))
    assert info.value.kind == "conflict" and "another program or a teammate" in str(info.value)
    with store.sessions() as s:
        assert repo.list_polls(s, cid, ids=[shown.id or 0])[0].sample_size == 2222
    with qtbot.waitSignal(mine.polls_changed, timeout=5000):
        pass  # the window re-reads the store at once
    assert mine.polls[0].sample_size == 2222
    store.close()


def test_a_server_that_never_answers_is_a_store_error_in_seconds_not_a_frozen_window(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A PostgreSQL address that accepts the connection and then says nothing (a stalled server, a half-open VPN,
    a port forwarded to nowhere): libpq waited with no limit, and the window with it. Connecting now gives up
    after PG_CONNECT_TIMEOUT_S with a store error naming the store (no password)."""
    import socket
    import threading
    import time

    from warroom.store import db as db_module

    pytest.importorskip("psycopg")
    monkeypatch.setattr(db_module, "PG_CONNECT_TIMEOUT_S", 2)
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # the kernel completes the handshake; nobody ever speaks
    port = silent.getsockname()[1]
    url = f"postgresql+psycopg://team:s3cr3t-pw@127.0.0.1:{port}/polls"
    outcome: list[BaseException | None] = []

    def attempt() -> None:
        try:
            open_store(url, backup_dir=None)
            outcome.append(None)
        except BaseException as exc:  # what it raised is the point
            outcome.append(exc)

    started = time.monotonic()
    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(20)
    silent.close()
    assert outcome, "still waiting after 20 s"
    assert time.monotonic() - started < 15
    error = outcome[0]
    assert isinstance(error, StoreError) and "s3cr3t" not in f"{error} {error.where}" and "127.0.0.1" in error.where
    assert error.kind == "unreachable" and "could not be reached" in str(error)


def test_a_store_another_program_is_writing_still_opens_for_reading_at_once(tmp_path: Path) -> None:
    """Every start took the write lock to ask whether the demos needed seeding: with a database browser holding
    a write transaction open, warroom could not start at all (10 s, then "busy"), though nothing needed
    writing. The question is asked with a read; the lock is taken only for a store that is really empty."""
    import time

    db = tmp_path / "polls.sqlite3"
    open_store(db, backup_dir=None).close()  # seeded
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    started = time.monotonic()
    try:
        store = open_store(db, backup_dir=tmp_path / "backups")
        waited = time.monotonic() - started
        with store.sessions() as s:
            assert repo.count_contests(s) == 3
        store.close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert waited < 5  # the engine's busy wait is 10 s: it was never needed


def test_an_import_into_a_contest_a_teammate_replaced_meanwhile_is_refused(qtbot, store_url: str, tmp_path) -> None:
    """The window's import runs on a worker thread for seconds: a teammate deleting the race meanwhile and making
    another (which took its id on SQLite) had the import land in the teammate's race."""
    from PySide6.QtCore import Qt

    from warroom.core.csvformat import polls_to_csv
    from warroom.services.import_worker import ImportWorker
    from warroom.services.poll_service import PollService
    from warroom.store import contests as contests_repo

    store = open_store(store_url, backup_dir=None, seed=False)
    with store.sessions.begin() as s:
        repo.add_contest(s, replace(TOY, name="Elsewhere"))
        cid = repo.add_contest(s, TOY)
    service = PollService(store.sessions, watch=False)
    service.open_contest(cid)
    worker = ImportWorker(store.sessions, service, chunk=100)
    path = tmp_path / "polls.csv"
    path.write_text(polls_to_csv([make_poll(d, pollster=f"Firm {d}") for d in range(1, 30)], TOY))

    def teammate(progress: object) -> None:  # on the worker thread, between the check and the write
        if getattr(progress, "stage", "") == "writing" and getattr(progress, "done", 1) == 0:
            time.sleep(1.1)  # SQLite keeps creation times to the second: the teammate's race is made later
            other = _teammate(store_url)
            with other.sessions.begin() as s:  # type: ignore[attr-defined]
                contests_repo.delete_contest(s, cid)
                repo.add_contest(s, replace(TOY, name="Their race"))
            other.close()  # type: ignore[attr-defined]

    worker.progress_changed.connect(teammate, Qt.ConnectionType.DirectConnection)
    with qtbot.waitSignal(worker.import_failed, timeout=30000) as failed:
        worker.start_file(path)
    assert "Toyton Mayor" in failed.args[0] and "deleted" in failed.args[0]
    with store.sessions() as s:
        assert all(
            not p.pollster.startswith("Firm") for c in repo.list_contests(s) for p in repo.list_polls(s, c.id or 0)
        )
    worker.shutdown()
    store.close()


def test_rows_left_behind_by_a_contest_deleted_with_foreign_keys_off_are_refused_at_open(tmp_path: Path) -> None:
    """The sqlite3 shell and most database browsers run with foreign keys off: deleting a contest there leaves its
    polls, candidates and scenarios behind, and SQLite gives the deleted (largest) id to the next contest made,
    which then showed the deleted race's polls as its own. The leftovers are named at open, nothing changed."""
    db = tmp_path / "polls.sqlite3"
    store = open_store(db, backup_dir=None, seed=False)
    with store.sessions.begin() as s:
        repo.add_contest(s, replace(TOY, name="Kept"))
        gone = repo.add_contest(s, TOY)
        repo.add_polls(s, gone, [make_poll(1), make_poll(2)])
    store.close()
    with sqlite3.connect(db) as raw:  # foreign keys off, as in the sqlite3 shell
        raw.execute("DELETE FROM contest WHERE id = ?", (gone,))
    before = db.read_bytes()
    with pytest.raises(StoreError) as info:
        open_store(db, backup_dir=None)
    assert f"contest_id {gone} names no contest" in str(info.value) and "poll #" in str(info.value)
    assert info.value.kind == "corrupt" and db.read_bytes() == before


@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)  # a SQLite store has no connection to lose
def test_server_connections_cut_mid_session_and_mid_import_lose_nothing(qtbot, store_url: str, tmp_path) -> None:
    """PostgreSQL: the server dropping every connection (a restart, a failover, an idle cut) between two actions
    is reconnected to at the next one; a connection cut in the middle of an import's transaction stores none of
    it and says so plainly, and the next import works."""
    from PySide6.QtCore import Qt
    from sqlalchemy import create_engine, text

    from warroom.core.csvformat import polls_to_csv
    from warroom.services.import_worker import ImportWorker

    store, service, cid = service_on_one_poll(store_url)
    admin = create_engine(store_url, isolation_level="AUTOCOMMIT")

    def cut_every_connection() -> None:
        with admin.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )

    cut_every_connection()
    service.add_polls([make_poll(2, pollster="After the cut")])  # reconnected, no error
    worker = ImportWorker(store.sessions, service, chunk=10)
    path = tmp_path / "polls.csv"
    path.write_text(polls_to_csv([make_poll(d, pollster=f"Firm {d}") for d in range(3, 28)], TOY))

    def cut_mid_write(progress: object) -> None:  # on the worker thread, between two chunks of one transaction
        if getattr(progress, "stage", "") == "writing" and getattr(progress, "done", 0) == 20:
            cut_every_connection()

    worker.progress_changed.connect(cut_mid_write, Qt.ConnectionType.DirectConnection)
    with qtbot.waitSignal(worker.import_failed, timeout=30000) as failed:
        worker.start_file(path)
    assert failed.args[0].startswith("Nothing was imported from polls.csv")
    assert "connection to the store's server was lost" in failed.args[0] and "none of it was saved" in failed.args[0]
    with store.sessions() as s:
        assert sorted(p.pollster for p in repo.list_polls(s, cid)) == ["Acme", "After the cut"]
    worker.progress_changed.disconnect(cut_mid_write)
    with qtbot.waitSignal(worker.import_finished, timeout=30000):
        worker.start_file(path)
    with store.sessions() as s:
        assert len(repo.list_polls(s, cid)) == 2 + 25
    worker.shutdown()
    admin.dispose()
    store.close()


def test_a_store_linked_to_a_file_that_is_not_there_is_refused_not_made_anew(tmp_path: Path) -> None:
    """A store kept on a network drive through a link (polls.sqlite3 -> /mnt/team/polls.sqlite3) while the drive
    is not mounted: the link was followed, the folder made under the empty mount point and a new store seeded
    there; the user saw the demo races instead of their own, and their own store was hidden once the drive came
    back. A link to nothing is refused, naming both, and nothing is created."""
    link = tmp_path / "polls.sqlite3"
    target = tmp_path / "mnt" / "team" / "polls.sqlite3"
    link.symlink_to(target)
    with pytest.raises(StoreError) as info:
        open_store(link, backup_dir=None)
    assert str(target) in str(info.value) and "not mounted" in str(info.value) and info.value.where == str(link)
    assert not (tmp_path / "mnt").exists()
    target.parent.mkdir(parents=True)
    _toy_store(target)  # the drive is back: the link is followed as before
    store = open_store(link, backup_dir=None, seed=False)
    with store.sessions() as s:
        assert len(repo.list_polls(s, 1)) == 1
    store.close()


def test_a_backup_made_after_the_clock_went_back_survives_its_own_rotation(tmp_path: Path) -> None:
    """Backups are kept newest five by their time stamp: with the clock set back (a dead clock battery, a wrong
    manual date) every new backup was the oldest of six and deleted the moment it was made, so no start after
    that was backed up at all, with nothing said. The backup just made is always kept."""
    from warroom.store.db import backup_sqlite, list_backups

    db = tmp_path / "polls.sqlite3"
    _toy_store(db)
    backups = tmp_path / "backups"
    for _ in range(5):
        made = backup_sqlite(db, backups, reason="open")
        made.rename(made.with_name(made.name.replace(made.name[6:10], "2099", 1)))  # made when the clock was ahead
    fresh = backup_sqlite(db, backups, reason="open")
    assert fresh.exists() and fresh in list_backups(backups, "polls")
    assert len(list_backups(backups, "polls")) == 5
