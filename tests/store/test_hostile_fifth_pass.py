"""Hostile pass 5 (issue 16), store: faults nobody had listed."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from tests.conftest import TOY, make_poll
from tests.store._tmpfs import small_tmpfs
from warroom.store import polls as repo
from warroom.store.db import make_engine, make_session_factory, upgrade


def _toy_store(db: Path) -> None:
    engine = make_engine(str(db))
    upgrade(engine)
    with make_session_factory(engine).begin() as s:
        repo.add_polls(s, repo.add_contest(s, TOY), [make_poll(1)])
    engine.dispose()


def _polls_in(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM poll").fetchone()[0])


def _add_poll(db: Path, day: int) -> None:
    engine = make_engine(str(db))
    with make_session_factory(engine).begin() as s:
        repo.add_polls(s, 1, [make_poll(day)])
    engine.dispose()


class _Clock:
    """datetime with a settable now(), for the store's backup stamps."""

    at = datetime(2099, 1, 1)

    @classmethod
    def install(cls, monkeypatch: pytest.MonkeyPatch) -> None:
        class Fake(datetime):
            @classmethod
            def now(cls_, tz=None):  # type: ignore[no-untyped-def,override]
                return cls.at

        monkeypatch.setattr("warroom.store.db.datetime", Fake)


def test_after_the_clock_went_back_recovery_offers_the_backup_written_last(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Backups were ordered by the time stamp in their names: after the clock went back (a dead battery, a wrong
    manual date, a virtual machine restored) every new backup sorted below the ones stamped while the clock was
    ahead, so recovery offered a days-old copy as "the newest automatic backup" (losing every poll since), and
    rotation deleted the fresh ones first. A backup now carries a sequence number, one more than any before it,
    and recovery and rotation go by it (backups from before the number was kept count as older than any
    numbered one)."""
    from warroom.app import open_with_recovery
    from warroom.paths import AppPaths
    from warroom.store.db import backup_sqlite, backups_of

    _Clock.install(monkeypatch)
    paths = AppPaths.under(tmp_path)
    paths.ensure()
    db = paths.database
    _toy_store(db)
    _Clock.at = datetime(2099, 1, 1)  # the clock far ahead
    backup_sqlite(db, paths.backup_dir, reason="open")
    _Clock.at = datetime(2026, 11, 29, 12, 0)  # put right: every later backup is stamped earlier
    for day in range(2, 6):
        _add_poll(db, day)
        _Clock.at = _Clock.at.replace(minute=_Clock.at.minute + 1)
        backup_sqlite(db, paths.backup_dir, reason="open")
    newest = backups_of(db, paths.backup_dir)[0]
    assert _polls_in(newest) == 5, f"{newest.name} is not the backup written last"
    # rotation drops the one written first (stamped 2099), not the latest
    for day in range(6, 8):
        _add_poll(db, day)
        _Clock.at = _Clock.at.replace(minute=_Clock.at.minute + 1)
        backup_sqlite(db, paths.backup_dir, reason="open")
    kept = backups_of(db, paths.backup_dir)
    assert [_polls_in(b) for b in kept] == [7, 6, 5, 4, 3]
    db.write_bytes(b"\x00garbage" * 500)  # the store is damaged: recovery offers the copy written last
    for extra in paths.data_dir.glob("polls.sqlite3-*"):
        extra.unlink()
    questions: list[str] = []
    store = open_with_recovery(db, paths, ask=lambda _t, q: questions.append(q) or True, tell=lambda *_: None)
    assert store is not None and kept[0].name in questions[0]
    with store.sessions() as s:
        assert len(repo.list_polls(s, 1)) == 7
    store.close()


def test_backups_from_before_the_sequence_number_are_still_listed_and_rotated(tmp_path: Path) -> None:
    from warroom.store.db import backup_sqlite, backups_of

    db = tmp_path / "polls.sqlite3"
    _toy_store(db)
    backups = tmp_path / "backups"
    backups.mkdir()
    for i in range(5):  # written by an older warroom: no sequence number in the name
        (backups / f"polls-2099010{i}-000000-000000-open.sqlite3").write_bytes(db.read_bytes())
    made = backup_sqlite(db, backups, reason="open")
    listed = backups_of(db, backups)
    assert listed[0] == made and len(listed) == 5
    assert [b.name for b in listed[1:]] == [f"polls-2099010{i}-000000-000000-open.sqlite3" for i in (4, 3, 2, 1)]


@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)  # a SQLite store has no server to stop
def test_a_server_stopped_mid_write_is_a_message_in_seconds_and_nothing_is_half_saved(qtbot, store_url: str) -> None:
    """PostgreSQL: a server that stops answering in the middle of a statement (stopped, swapped out, a VM paused,
    a cable pulled mid-write) held a write on the window's thread for ever: libpq waits with no limit once the
    statement is sent, the server cannot enforce its own statement_timeout, and a cancel request goes to the
    same stopped server. The driver now waits a bounded time for each answer (the window's writes: their lock
    wait plus PG_ANSWER_MARGIN_S), then drops the connection: a store error that says so, the poll not saved,
    and the next action reconnects."""
    import os
    import signal
    import time

    from sqlalchemy import event

    from tests.store._service import service_on_one_poll
    from warroom.services.poll_service import INTERACTIVE_LOCK_WAIT_MS
    from warroom.store.db import PG_ANSWER_MARGIN_S, StoreError

    store, service, cid = service_on_one_poll(store_url)
    stopped: list[int] = []

    def stop_the_server(conn, _cursor, statement: str, *_args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("INSERT INTO POLL ") and not stopped:
            pid = conn.connection.dbapi_connection.info.backend_pid
            os.kill(pid, signal.SIGSTOP)  # the server process serving this write stops answering
            stopped.append(pid)

    def resume() -> None:  # without a bounded wait the write would never return: let the test fail, not hang
        for pid in stopped:
            os.kill(pid, signal.SIGCONT)

    import threading

    rescue = threading.Timer(30, resume)
    rescue.start()
    engine = store.engine
    event.listen(engine, "before_cursor_execute", stop_the_server)
    try:
        started = time.monotonic()
        with pytest.raises(StoreError) as info:
            service.add_polls([make_poll(2, pollster="Mid-statement")])
        waited = time.monotonic() - started
    finally:
        rescue.cancel()
        resume()
        event.remove(engine, "before_cursor_execute", stop_the_server)
    assert stopped, "the write never reached the server"
    assert waited < INTERACTIVE_LOCK_WAIT_MS / 1000 + PG_ANSWER_MARGIN_S + 3, f"the window waited {waited:.1f} s"
    message = f"{info.value} {info.value.where}"
    assert "did not answer" in message and "nothing was saved" in message, message
    # nothing half-saved, and the next action works on a new connection
    service.add_polls([make_poll(3, pollster="Afterwards")])
    with store.sessions() as s:
        assert sorted(p.pollster for p in repo.list_polls(s, cid)) == ["Acme", "Afterwards"]

    # stopped with the commit on its way: the message cannot say "nothing was saved", and does not
    def stop_at_commit(conn) -> None:  # type: ignore[no-untyped-def]
        if not stopped:
            pid = conn.connection.dbapi_connection.info.backend_pid
            os.kill(pid, signal.SIGSTOP)
            stopped.append(pid)

    stopped.clear()
    rescue = threading.Timer(30, resume)
    rescue.start()
    event.listen(engine, "commit", stop_at_commit)
    try:
        with pytest.raises(StoreError) as info:
            service.add_polls([make_poll(4, pollster="At commit")])
    finally:
        rescue.cancel()
        resume()
        event.remove(engine, "commit", stop_at_commit)
    assert stopped and "did not answer" in str(info.value) and "nothing was saved" not in str(info.value)
    assert "whether the change was stored" in str(info.value)
    store.close()


@pytest.mark.parametrize(
    ("edit", "named"),
    [
        ("UPDATE poll SET fieldwork_end = 'garbage' WHERE id = 11", "poll #11: fieldwork_end 'garbage' is not a date"),
        ("UPDATE poll SET pollster = X'FFFE41' WHERE id = 12", "poll #12: pollster"),
        ("UPDATE contest SET system = 'stv' WHERE id = 7", "contest #7: system 'stv' is not a counting system"),
        ("UPDATE poll_figure SET share = 'lots' WHERE poll_id = 11", "poll_figure #"),
    ],
)
def test_an_old_store_with_values_edited_outside_is_refused_before_its_migration_changes_it(
    tmp_path: Path, edit: str, named: str
) -> None:
    """A store written by an older version, holding a value edited outside warroom (a text date, a blob for a
    name, an unknown system), was migrated to the current schema first and refused after, with "nothing was
    changed" in the message although the file had just been converted. The values are checked on the old
    schema, before the migration (and its backup) run: the file is left byte for byte as it was."""
    from tests.store.test_contests import _old_store
    from warroom.bootstrap import open_store
    from warroom.store.db import StoreError

    db = tmp_path / "polls.sqlite3"
    _old_store(str(db), demo=True).dispose()  # version 0002's schema, London 2012 and two polls
    with sqlite3.connect(db) as conn:
        conn.execute(edit)
    before = db.read_bytes()
    with pytest.raises(StoreError) as info:
        open_store(db, backup_dir=tmp_path / "backups", seed=False)
    assert named in str(info.value) and "nothing was changed" in str(info.value), str(info.value)
    assert db.read_bytes() == before, "the store was converted before it was refused"
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0002",)


def test_a_delete_or_an_undo_over_a_teammates_newer_edit_or_delete_is_refused(qtbot, store_url: str) -> None:
    """Two instances on one store: a teammate edits a poll, and before this window's watch has seen it the user
    deletes that poll, or presses Undo on adding it: the teammate's figures were deleted unseen (an edit was
    already refused in that case, a delete was not). And Undo of an add after a teammate had deleted the poll
    did nothing and said nothing, so Redo later put back a poll the teammate had removed. Both are now refused
    as the edit is (nothing changed, the window re-reads the store)."""
    from warroom.services.poll_service import PollService
    from warroom.store.db import StoreError

    store = open_store_for(store_url)
    with store.sessions.begin() as s:
        cid = repo.add_contest(s, TOY)
        repo.add_polls(s, cid, [make_poll(1), make_poll(8, pollster="Beta")])
    mine = PollService(store.sessions, watch=False)
    mine.open_contest(cid)
    theirs = PollService(store.sessions, watch=False)
    theirs.open_contest(cid)
    beta = next(p for p in theirs.polls if p.pollster == "Beta")
    theirs.update_poll(replace(beta, sample_size=2222))  # the teammate's newer edit, not seen here yet
    with pytest.raises(StoreError) as info:
        mine.delete_polls([beta.id or 0])
    assert info.value.kind == "conflict" and "another program or a teammate" in str(info.value)
    with store.sessions() as s:
        assert repo.list_polls(s, cid, ids=[beta.id or 0])[0].sample_size == 2222  # still there
    with qtbot.waitSignal(mine.polls_changed, timeout=5000):
        pass  # the window re-reads the store at once
    added = mine.add_polls([make_poll(15, pollster="Gamma")])  # what an Undo would delete
    theirs.reload()
    theirs.delete_polls(added)  # the teammate deletes it first
    with pytest.raises(StoreError) as info:
        mine.delete_polls(added)  # Undo of the add
    assert info.value.kind == "conflict"
    with qtbot.waitSignal(mine.polls_changed, timeout=5000):
        pass
    assert "Gamma" not in {p.pollster for p in mine.polls}  # shown as stored: gone, nothing to redo into
    mine.delete_polls([p.id or 0 for p in mine.polls if p.pollster == "Acme"])  # an ordinary delete still works
    with store.sessions() as s:
        assert sorted(p.pollster for p in repo.list_polls(s, cid)) == ["Beta"]
    store.close()


def open_store_for(url: str):  # type: ignore[no-untyped-def]
    from warroom.bootstrap import open_store

    return open_store(url, backup_dir=None, seed=False)


@pytest.fixture
def full_disk(tmp_path: Path) -> object:
    """A small tmpfs holding a store, then filled to the last byte (needs the right to mount: root)."""
    import gc

    where = tmp_path / "full"
    with small_tmpfs(where, "mounting a small file system to fill"):
        from warroom.bootstrap import open_store

        open_store(where / "polls.sqlite3", backup_dir=None).close()
        gc.collect()
        with open(where / "filler", "wb", buffering=0) as filler:  # every last block taken
            try:
                while True:
                    filler.write(b"\0" * 4096)
            except OSError:
                pass
        yield where / "polls.sqlite3"


def test_a_store_on_a_full_disk_can_still_be_read(full_disk: Path, tmp_path: Path) -> None:
    """On a disk filled to the last byte every verb failed, reading ones too ("warroom polls: the disk is full:
    nothing was saved"): SQLite cannot make the shared-memory file a WAL store's reader needs, so the user could
    not even read or export the polls to another disk; and the stub shared-memory file a failed open left made
    every later open fail as well. Such a store now opens for reading (immutable: nothing is written); a write
    says the disk is full."""
    import contextlib

    from warroom.bootstrap import open_store
    from warroom.store.db import StoreError, translated

    before = full_disk.read_bytes()
    with contextlib.suppress(sqlite3.Error):  # an earlier open that failed on the full disk leaves a stub -shm
        plain = sqlite3.connect(full_disk)
        plain.execute("SELECT count(*) FROM contest").fetchone()
    plain.close()
    store = open_store(full_disk, backup_dir=tmp_path / "backups")
    try:
        assert store.read_only
        with store.sessions() as s:
            assert repo.count_contests(s) == 3 and len(repo.list_polls(s, 1)) > 10
        with pytest.raises(StoreError) as info, translated(store.engine), store.sessions.begin() as s:
            repo.add_polls(s, 1, [make_poll(7)])
        assert info.value.kind == "full" and "disk is full" in str(info.value), str(info.value)
    finally:
        store.close()
    assert full_disk.read_bytes() == before


def test_a_postgresql_connection_dropped_while_open_is_closed_not_left_to_warn(store_url: str) -> None:
    """A pooled PostgreSQL connection whose engine is discarded without dispose() was left open until the
    process ended, and psycopg's garbage-collection warning then surfaced in whatever ran next (a CI run failed
    on it in an unrelated test). The driver's connection now closes itself when collected."""
    import gc
    import warnings

    from sqlalchemy import text

    from warroom.store.db import make_engine

    if not store_url.startswith("postgresql"):
        pytest.skip("a PostgreSQL connection")
    engine = make_engine(store_url)
    with engine.connect() as conn:
        conn.execute(text("select 1"))
    raw = engine.pool._pool.queue[0].dbapi_connection  # type: ignore[attr-defined]
    assert raw is not None and not raw.closed
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a ResourceWarning from __del__ would be unraisable: count them instead
        seen: list[object] = []
        import sys

        old_hook = sys.unraisablehook
        sys.unraisablehook = lambda u: seen.append(u.exc_value)
        try:
            del raw, conn, engine
            gc.collect()
        finally:
            sys.unraisablehook = old_hook
    assert not [e for e in seen if isinstance(e, ResourceWarning)], seen
