"""The start's first read (issue 15): stdlib sqlite3, read-only, the store's checks. What it reads is what the
store reads; a store that fails any check gets no first read (the start's normal path), and nothing is written."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import TOY
from tests.ui.conftest import toy_polls
from warroom.bootstrap import open_store
from warroom.store import first_read
from warroom.store import polls as repo
from warroom.store.db import head_revision, known_revisions
from warroom.store.fingerprint import store_fingerprint
from warroom.store.first_read import Fallback, FirstRead, read_first


def _store(tmp_path: Path, *, demo: bool = True) -> Path:
    """A store at head with the demo races (seeded) and, unless not wanted, a contest of the user's own."""
    db = tmp_path / "polls.sqlite3"
    store = open_store(db, backup_dir=None, seed=demo)
    with store.sessions.begin() as s:
        repo.add_polls(s, repo.add_contest(s, TOY), toy_polls())
        repo.add_contest(s, replace(TOY, name="Second Race"))
    store.close()
    return db


def _store_reads(db: Path, key: str | None) -> tuple[str, list[object]]:
    store = open_store(db, backup_dir=None, seed=False)
    try:
        with store.sessions() as s:
            contest = repo.get_contest(s, key) if key else repo.get_contest(s)
            assert contest is not None and contest.id is not None
            return contest.title, list(repo.list_polls(s, contest.id))
    finally:
        store.close()


def _content(db: Path) -> str:
    return hashlib.sha256(db.read_bytes()).hexdigest()


@pytest.mark.parametrize("key", [None, "Toyton Mayor", "  toyton   MAYOR ", "London Mayor 2012", "Second Race"])
def test_the_first_read_reads_what_the_store_reads(tmp_path: Path, key: str | None) -> None:
    db = _store(tmp_path)
    read = read_first(db, None, key)
    assert isinstance(read, FirstRead), read
    title, polls = _store_reads(db, key)
    assert read.title == title
    assert list(read.polls) == polls  # every field of every poll, in the store's order
    assert (len(polls) > 0) == (title != "Second Race")
    assert read.revision == head_revision()
    assert read.fingerprint == store_fingerprint(db)  # the digest of the same snapshot


def test_a_remembered_contest_the_store_lacks_opens_the_default_and_one_asked_for_is_no_first_read(
    tmp_path: Path,
) -> None:
    db = _store(tmp_path)
    read = read_first(db, None, "Gone Race")
    assert isinstance(read, FirstRead) and read.title == _store_reads(db, None)[0] == "Second Race"
    asked = read_first(db, "Gone Race", "Toyton Mayor")
    assert isinstance(asked, Fallback) and "Gone Race" in asked.reason  # the full start says so (exit 1)
    assert isinstance(read_first(db, "toyton mayor", None), FirstRead)


def test_a_demo_only_store_opens_on_the_first_demo(tmp_path: Path) -> None:
    db = tmp_path / "polls.sqlite3"
    open_store(db, backup_dir=None).close()
    read = read_first(db, None, None)
    assert isinstance(read, FirstRead)
    assert read.demo and read.title == _store_reads(db, None)[0] == "London Mayor 2012 (demo)"
    assert list(read.polls) == _store_reads(db, None)[1] and len(read.polls) == 17


def _execute(db: Path, *sql: str) -> None:
    conn = sqlite3.connect(db)
    for statement in sql:
        conn.execute(statement)
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        (lambda db: db.unlink(), "cannot reach"),
        (lambda db: db.write_bytes(b""), "non-empty"),
        (lambda db: db.write_bytes(b"id,name\n1,x\n" * 10), "not a SQLite database"),
        (lambda db: _execute(db, "UPDATE alembic_version SET version_num = '0099_newer'"), "0099_newer"),
        (lambda db: _execute(db, "UPDATE alembic_version SET version_num = '0001'"), "not the head"),
        (lambda db: _execute(db, "INSERT INTO alembic_version VALUES ('0001')"), "not the head"),
        (lambda db: _execute(db, "DROP TABLE alembic_version"), "not this app's tables"),
        (lambda db: _execute(db, "DROP TABLE poll_figure"), "not this app's tables"),
        (
            lambda db: _execute(db, "CREATE TRIGGER t AFTER INSERT ON poll BEGIN DELETE FROM poll; END"),
            "triggers",
        ),
        (lambda db: _execute(db, "UPDATE poll SET fieldwork_end = 20240105 WHERE id = 3"), "cannot read"),
        (lambda db: _execute(db, "UPDATE poll SET fieldwork_start = 'soon' WHERE id = 3"), "cannot read"),
        (lambda db: _execute(db, "UPDATE poll_figure SET share = 'lots' WHERE id = 2"), "cannot read"),
        (lambda db: _execute(db, "UPDATE poll SET sample_size = 1.5 WHERE id = 3"), "cannot read"),
    ],
)
def test_a_store_that_fails_a_check_gets_no_first_read_and_is_left_untouched(
    tmp_path: Path, spoil: object, reason: str
) -> None:
    db = _store(tmp_path, demo=False)
    spoil(db)  # type: ignore[operator]
    before = _content(db) if db.exists() else None
    read = read_first(db, None, "Toyton Mayor")
    assert isinstance(read, Fallback) and reason in read.reason, read
    assert (_content(db) if db.exists() else None) == before


def test_another_applications_database_and_a_server_url_get_no_first_read(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite3"
    _execute(other, "CREATE TABLE contest (id INTEGER)", "CREATE TABLE notes (body TEXT)")
    assert isinstance(read_first(other, None, None), Fallback)
    assert read_first(None, None, None) == Fallback("not a local SQLite store")
    assert isinstance(read_first(tmp_path, None, None), Fallback)  # a folder


def test_a_store_held_locked_by_another_process_is_not_waited_for(tmp_path: Path) -> None:
    db = _store(tmp_path, demo=False)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("PRAGMA journal_mode=DELETE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        read = read_first(db, None, None)
        assert isinstance(read, Fallback) and "locked" in read.reason
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_big_store_gets_no_first_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = _store(tmp_path, demo=False)
    monkeypatch.setattr(first_read, "MAX_POLLS", 29)
    read = read_first(db, None, None)
    assert isinstance(read, Fallback) and "30 polls" in read.reason
    monkeypatch.setattr(first_read, "MAX_POLLS", 30)
    assert isinstance(read_first(db, None, None), FirstRead)


def test_the_head_is_the_stores_own_reading_of_the_scripts() -> None:
    assert first_read.plain_head() == head_revision() and head_revision() in known_revisions()


def test_the_first_read_imports_no_database_library_numerics_or_qt(tmp_path: Path) -> None:
    db = _store(tmp_path)
    code = (
        "import sys; from pathlib import Path; from warroom.store.first_read import read_first, FirstRead\n"
        "r = read_first(Path(sys.argv[1]), None, None); assert isinstance(r, FirstRead), r\n"
        "print(sorted(m for m in ('sqlalchemy', 'alembic', 'numpy', 'PySide6', 'pyqtgraph') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_the_digest_thread_begins_the_first_read_and_the_caller_finishes_it(tmp_path: Path) -> None:
    """The checks and the digest on the digest's thread, the polls on the caller's, one snapshot; the store is let
    go after (a writer in rollback-journal mode is not kept waiting by it)."""
    from warroom.store.fingerprint import StoreDigest

    db = _store(tmp_path)
    _execute(db, "PRAGMA journal_mode=DELETE")
    digest = StoreDigest(db)
    assert digest.wait(30) == store_fingerprint(db)
    read = digest.first_read(None, "Toyton Mayor")
    assert read == read_first(db, None, "Toyton Mayor") and isinstance(read, FirstRead)
    assert read.fingerprint == digest.result
    digest.let_go()
    writer = sqlite3.connect(db, timeout=0)
    writer.execute("UPDATE poll SET notes = 'later' WHERE id = 1")  # no lock left held
    writer.commit()
    writer.close()
    held = StoreDigest(db)
    held.wait(30)  # begun and never finished: let_go releases the snapshot
    held.let_go()
    writer = sqlite3.connect(db, timeout=0)
    writer.execute("UPDATE poll SET notes = 'later still' WHERE id = 1")
    writer.commit()
    writer.close()
    assert held.first_read(None, None) == Fallback("the store was let go before it was read")


def test_a_digest_not_ready_for_the_first_paint_gives_no_first_read(tmp_path: Path) -> None:
    from warroom.store.fingerprint import StoreDigest

    db = _store(tmp_path)
    assert isinstance(StoreDigest(db).first_read(None, None), Fallback)  # never started


def test_a_first_read_let_go_while_its_thread_runs_is_closed_by_the_thread(tmp_path: Path) -> None:
    import threading

    from warroom.store.fingerprint import StoreDigest

    db = _store(tmp_path)
    gate = threading.Event()

    class Held(StoreDigest):
        def run(self) -> None:
            gate.wait(10)
            super().run()

    digest = Held(db)
    digest.start()
    digest.let_go(wait=False)  # at once: the thread has not begun
    gate.set()
    digest.join(30)
    assert digest.result == store_fingerprint(db)  # (the digest itself is still made)
    assert digest.reader._conn is None  # the thread let go of the store
    assert digest.first_read(None, None) == Fallback("the store was let go before it was read")
