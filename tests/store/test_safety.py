"""Nothing lost: crash mid-write, full disk, read-only location, damaged files, two writers."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import event

from tests.conftest import TOY, make_poll
from warroom.store import polls as repo
from warroom.store.db import (
    StoreError,
    backup_sqlite,
    list_backups,
    make_engine,
    make_session_factory,
    translated,
    upgrade,
)

ROOT = Path(__file__).parents[2]


def _store(db: Path):
    engine = make_engine(str(db))
    upgrade(engine)
    sessions = make_session_factory(engine)
    with sessions.begin() as s:
        if repo.get_contest(s, TOY.name) is None:
            repo.add_contest(s, TOY)
    return engine, sessions


WRITER = textwrap.dedent(
    """
    import sys
    from datetime import date, timedelta
    from tests.conftest import TOY, make_poll
    from dataclasses import replace
    from warroom.store.db import make_engine, make_session_factory
    from warroom.store import polls as repo
    engine = make_engine(sys.argv[1])
    sessions = make_session_factory(engine)
    k = 0
    while True:
        polls = [replace(make_poll(1, pollster=f"batch-{k}-{i}"), notes=f"batch-{k}") for i in range(200)]
        with sessions.begin() as s:
            cid = repo.get_contest(s, TOY.name).id
            repo.add_polls(s, cid, polls)
        k += 1
        print(k, flush=True)
    """
)


@pytest.mark.parametrize("delay", [0.05, 0.3, 0.9])
def test_kill_9_mid_write_leaves_all_or_none_of_each_batch(tmp_path: Path, delay: float) -> None:
    db = tmp_path / "polls.sqlite3"
    engine, _ = _store(db)
    engine.dispose()
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(db)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    proc.stdout.readline()  # at least one batch committed
    time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    counts = conn.execute("SELECT notes, count(*) FROM poll GROUP BY notes").fetchall()
    figures = conn.execute("SELECT count(*) FROM poll_figure").fetchone()[0]
    conn.close()
    assert counts, "the first batch was committed before the kill"
    assert all(n == 200 for _, n in counts), counts
    assert figures == 3 * 200 * len(counts)


def test_full_disk_keeps_the_store_as_it_was(tmp_path: Path) -> None:
    db = tmp_path / "polls.sqlite3"
    engine, sessions = _store(db)
    with sessions.begin() as s:
        cid = repo.get_contest(s, TOY.name).id
        repo.add_polls(s, cid, [make_poll(1)])
    pages = sqlite3.connect(db).execute("PRAGMA page_count").fetchone()[0]

    @event.listens_for(engine, "connect")
    def _tiny_disk(dbapi_conn, _record) -> None:  # the disk fills up one page past the current size
        dbapi_conn.execute(f"PRAGMA max_page_count={pages + 1}")

    engine.dispose()  # new connections get the limit
    from dataclasses import replace

    big = [replace(make_poll(2, pollster=f"P{i}"), notes="x" * 2000) for i in range(50)]
    with pytest.raises(StoreError) as info, translated(engine), sessions.begin() as s:
        repo.add_polls(s, cid, big)
    assert info.value.kind == "full" and "nothing was saved" in str(info.value)
    with sessions() as s:
        assert len(repo.list_polls(s, cid)) == 1
    engine.dispose()


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_location_is_explained(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(StoreError) as info:
            make_engine(str(folder / "polls.sqlite3"))
        assert info.value.kind == "readonly"
    finally:
        folder.chmod(0o700)


def test_read_only_file_is_explained_even_for_root(tmp_path: Path) -> None:
    db = tmp_path / "polls.sqlite3"
    engine, _ = _store(db)
    engine.dispose()
    ro = make_engine(f"sqlite:///file:{db}?mode=ro&uri=true")
    ro_sessions = make_session_factory(ro)
    with pytest.raises(StoreError) as info, translated(ro), ro_sessions.begin() as s:
        repo.add_polls(s, 1, [make_poll(4)])
    assert info.value.kind == "readonly"
    ro.dispose()


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty_header"])
def test_damaged_store_is_refused_untouched(tmp_path: Path, damage: str) -> None:
    db = tmp_path / "polls.sqlite3"
    engine, sessions = _store(db)
    with sessions.begin() as s:
        repo.add_polls(s, 1, [make_poll(i) for i in range(1, 20)])
    engine.dispose()
    data = db.read_bytes()
    if damage == "truncate":
        db.write_bytes(data[: len(data) // 3])
    elif damage == "garbage":
        db.write_bytes(data[:100] + os.urandom(len(data) - 100))
    else:
        db.write_bytes(b"\x00" * len(data))
    before = db.read_bytes()
    with pytest.raises(StoreError) as info:
        engine = make_engine(str(db))
        try:
            upgrade(engine)
            with translated(engine), make_session_factory(engine)() as s:
                repo.list_polls(s, 1)
                s.connection().exec_driver_sql("PRAGMA integrity_check").all()
        finally:
            engine.dispose()
    assert info.value.kind in ("corrupt", "error")
    assert db.read_bytes() == before


def test_rotating_backups_use_the_online_api_and_keep_five(tmp_path: Path) -> None:
    db = tmp_path / "polls.sqlite3"
    engine, sessions = _store(db)
    with sessions.begin() as s:
        repo.add_polls(s, 1, [make_poll(1)])
    for _ in range(7):
        backup_sqlite(db, tmp_path / "backups", reason="test")
    backups = list_backups(tmp_path / "backups")
    assert len(backups) == 5
    conn = sqlite3.connect(backups[0])
    assert conn.execute("SELECT count(*) FROM poll").fetchone()[0] == 1
    conn.close()
    assert oct(backups[0].stat().st_mode & 0o777) == "0o600"
    engine.dispose()


def test_two_writers_on_one_store_both_succeed(tmp_path: Path) -> None:
    db = tmp_path / "polls.sqlite3"
    engine, _ = _store(db)
    engine.dispose()
    script = textwrap.dedent(
        """
        import sys
        from tests.conftest import make_poll
        from warroom.store.db import make_engine, make_session_factory
        from warroom.store import polls as repo
        engine = make_engine(sys.argv[1]); sessions = make_session_factory(engine)
        for i in range(40):
            with sessions.begin() as s:
                repo.add_polls(s, 1, [make_poll(1, pollster=f"{sys.argv[2]}-{i}")])
        """
    )
    procs = [subprocess.Popen([sys.executable, "-c", script, str(db), name], cwd=ROOT) for name in ("A", "B")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM poll").fetchone()[0] == 80
    conn.close()


def test_damaged_store_offers_a_copy_of_the_newest_backup(tmp_path: Path) -> None:
    from warroom.app import open_with_recovery
    from warroom.paths import AppPaths

    paths = AppPaths.under(tmp_path)
    paths.ensure()
    from warroom.bootstrap import open_store

    first = open_store(paths.database, backup_dir=paths.backup_dir)  # seeds the demo race
    first.close()
    second = open_store(paths.database, backup_dir=paths.backup_dir)  # an ordinary start: backed up
    second.close()
    assert list_backups(paths.backup_dir)
    paths.database.write_bytes(b"\x00garbage" * 500)
    for extra in paths.data_dir.glob("polls.sqlite3-*"):
        extra.unlink()
    damaged = paths.database.read_bytes()
    questions: list[str] = []
    store = open_with_recovery(
        paths.database, paths, ask=lambda _t, q: questions.append(q) or True, tell=lambda *_: None
    )
    assert store is not None and questions and "newest automatic backup" in questions[0]
    with store.sessions() as s:
        assert len(repo.list_polls(s, 1)) > 10  # the demo polls are back
    assert "restored-" in store.target
    store.close()
    assert paths.database.read_bytes() == damaged  # the damaged file is left as it was
    told: list[str] = []
    assert open_with_recovery(paths.database, paths, ask=lambda *_: False, tell=lambda _t, m: told.append(m)) is None


def test_locked_store_is_explained_and_nothing_is_written(tmp_path: Path) -> None:
    db = tmp_path / "polls.sqlite3"
    engine, _ = _store(db)
    engine.dispose()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another program holds the write lock
    try:
        impatient = make_engine(str(db), busy_timeout_ms=200)
        sessions = make_session_factory(impatient)
        with pytest.raises(StoreError) as info, translated(impatient), sessions.begin() as s:
            repo.add_polls(s, 1, [make_poll(6)])
        assert info.value.kind == "locked" and "another program" in str(info.value)
        assert str(db) in info.value.where
        impatient.dispose()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert sqlite3.connect(db).execute("SELECT count(*) FROM poll").fetchone()[0] == 0
