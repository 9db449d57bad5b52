"""Hostile stores and odd environments: nothing wrong counted, nothing leaked, nothing taken over (issue 16)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.conftest import TOY, make_poll
from tests.store._held_lock import held_by_another
from warroom.store import polls as repo
from warroom.store.db import backup_sqlite, list_backups, make_engine, make_session_factory, upgrade


def _store(db: Path) -> None:
    engine = make_engine(str(db))
    upgrade(engine)
    with make_session_factory(engine).begin() as s:
        repo.add_contest(s, TOY)
    engine.dispose()


def test_backups_of_a_store_whose_name_extends_another_are_kept_apart(tmp_path: Path) -> None:
    backups = tmp_path / "backups"
    mine, team = tmp_path / "polls.sqlite3", tmp_path / "polls-team.sqlite3"
    _store(mine)
    _store(team)
    sqlite3.connect(mine).execute("UPDATE contest SET name = 'mine'").connection.commit()
    own = backup_sqlite(mine, backups, reason="open")
    for _ in range(6):  # a few starts of the team store rotate only the team store's backups
        backup_sqlite(team, backups, reason="open")
    assert own.exists()
    assert list_backups(backups, "polls") == [own]
    assert len(list_backups(backups, "polls-team")) == 5
    assert own not in list_backups(backups, "polls-team")


def test_backup_reasons_cannot_make_names_ambiguous(tmp_path: Path) -> None:
    db = tmp_path / "polls.sqlite3"
    _store(db)
    for reason in ("", "a/b", "open-2026-11", "x y", "../up"):
        with pytest.raises(ValueError):
            backup_sqlite(db, tmp_path / "backups", reason=reason)
    assert list_backups(tmp_path / "backups", "polls") == []


SECRET = "s3cr3t-Pa55"


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql+psycopg://team:{SECRET}@db.example:5432/polls",
        f"postgresql+psycopg://team:{SECRET}@db.example/polls?sslmode=require",
        f"postgresql://team@db.example/polls?password={SECRET}&sslmode=require",
        f"postgresql://team:{SECRET}@db.example:notaport/polls",  # unparsable port
        f"postgresql+psycopg://team:{SECRET[:4]}@{SECRET[5:]}@db.example/polls",  # unencoded '@' in the password
    ],
)
def test_redacted_never_shows_the_password(url: str) -> None:
    from warroom.store.db import redacted

    shown = redacted(url)
    assert SECRET not in shown and SECRET[:4] not in shown and SECRET[5:] not in shown
    assert "team" in shown and "db.example" in shown and "***" in shown


def test_a_path_is_shown_as_it_is(tmp_path: Path) -> None:
    from warroom.store.db import redacted

    assert redacted(tmp_path / "polls.sqlite3") == str(tmp_path / "polls.sqlite3")


def test_open_store_offers_a_redacted_display_target(tmp_path: Path) -> None:
    from warroom.bootstrap import open_store

    store = open_store(tmp_path / "polls.sqlite3", backup_dir=None, seed=False)
    try:
        assert store.display_target == str(tmp_path / "polls.sqlite3")
        store.target = f"postgresql://team:{SECRET}@db.example/polls"
        assert SECRET not in store.display_target and "db.example" in store.display_target
    finally:
        store.close()


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql+pg8000://team:{SECRET}@127.0.0.1:1/polls",  # driver not installed
        f"mysql://team:{SECRET}@127.0.0.1:1/polls",  # driver not installed
        f"nosuchdb://team:{SECRET}@127.0.0.1:1/polls",  # no such database kind
        f"postgresql://team:{SECRET}@127.0.0.1:notaport/polls",  # not a URL SQLAlchemy can read
        f"postgresql+psycopg://team:{SECRET}@127.0.0.1:1/polls",  # nothing listening
    ],
)
def test_a_bad_store_url_is_a_store_error_without_the_password(url: str) -> None:
    from warroom.bootstrap import open_store
    from warroom.store.db import StoreError

    with pytest.raises(StoreError) as info:
        open_store(url, backup_dir=None, seed=False)
    shown = f"{info.value} {info.value.where}"
    assert SECRET not in shown and "127.0.0.1" in shown


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file in `folder` with its bytes and mode: what 'left untouched' means."""
    return {p.name: (p.read_bytes(), p.stat().st_mode) for p in sorted(folder.iterdir()) if p.is_file()}


def _foreign(db: Path) -> None:
    conn = sqlite3.connect(db)  # another application's database: rollback journal, its own tables, mode 0644
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.execute("INSERT INTO moz_places (url) VALUES ('https://example.org')")
    conn.commit()
    conn.close()
    db.chmod(0o644)


@pytest.mark.parametrize("seed", [False, True])  # False: what read-only verbs (contests, polls) do
def test_another_applications_sqlite_file_is_refused_untouched(tmp_path: Path, seed: bool) -> None:
    from warroom.bootstrap import open_store
    from warroom.store.db import StoreError

    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "places.sqlite"
    _foreign(db)
    before = _snapshot(folder)
    with pytest.raises(StoreError) as info:
        open_store(db, backup_dir=tmp_path / "backups", seed=seed)
    assert info.value.kind == "foreign" and "not a warroom poll store" in str(info.value)
    assert "moz_places" in str(info.value) and str(db) in info.value.where
    assert _snapshot(folder) == before  # no tables, no WAL files, no chmod


def test_a_store_from_a_newer_version_is_refused_before_anything_is_converted(tmp_path: Path) -> None:
    from warroom.bootstrap import open_store
    from warroom.store.db import StoreError

    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "polls.sqlite3"
    _store(db)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=DELETE")  # so a WAL switch would show
    conn.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    conn.commit()
    conn.close()
    db.chmod(0o644)
    before = _snapshot(folder)
    with pytest.raises(StoreError) as info:
        open_store(db, backup_dir=tmp_path / "backups")
    assert info.value.kind == "newer" and "newer version" in str(info.value)
    assert "0099_from_the_future" in str(info.value)
    assert _snapshot(folder) == before


def test_upgrade_refuses_an_unknown_revision_with_a_store_error(tmp_path: Path) -> None:
    """The same refusal in upgrade() itself, the only check a PostgreSQL store gets."""
    from warroom.store.db import StoreError

    db = tmp_path / "polls.sqlite3"
    _store(db)
    engine = make_engine(str(db))
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'ffff'")
    with pytest.raises(StoreError) as info:
        upgrade(engine)
    engine.dispose()
    assert info.value.kind == "newer"


def test_a_store_the_user_made_read_only_stays_read_only_and_unchanged(tmp_path: Path) -> None:
    """Even for root, who may write any file: the missing write bit is the user's decision."""
    from tests.conftest import make_poll
    from warroom.bootstrap import open_store
    from warroom.store.db import StoreError, translated

    db = tmp_path / "polls.sqlite3"
    _store(db)
    db.chmod(0o444)
    content = db.read_bytes()
    store = open_store(db, backup_dir=tmp_path / "backups")  # reading works; an empty store is not seeded
    try:
        assert store.read_only and not store.seeded
        with store.sessions() as s:
            assert repo.get_contest(s, TOY.name) is not None
        with pytest.raises(StoreError) as info, translated(store.engine), store.sessions.begin() as s:
            repo.add_polls(s, 1, [make_poll(3)])
        assert info.value.kind == "readonly"
    finally:
        store.close()
    assert (db.stat().st_mode & 0o777) == 0o444
    assert db.read_bytes() == content


def test_a_read_only_store_of_an_older_version_is_explained(tmp_path: Path) -> None:
    from alembic import command

    from warroom.bootstrap import open_store
    from warroom.store.db import StoreError, _alembic_config

    db = tmp_path / "polls.sqlite3"
    engine = make_engine(str(db))
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "0001")
    engine.dispose()
    db.chmod(0o444)
    content = db.read_bytes()
    with pytest.raises(StoreError) as info:
        open_store(db, backup_dir=None)
    assert info.value.kind == "readonly" and "older version" in str(info.value)
    assert db.read_bytes() == content and (db.stat().st_mode & 0o777) == 0o444


def test_a_store_path_that_is_a_folder_or_a_fifo_is_a_store_error(tmp_path: Path) -> None:
    import os

    from warroom.bootstrap import open_store
    from warroom.store.db import StoreError

    folder = tmp_path / "polls.sqlite3"
    folder.mkdir()
    with pytest.raises(StoreError) as info:
        open_store(folder, backup_dir=None)
    assert "folder" in str(info.value) and str(folder) in info.value.where
    fifo = tmp_path / "fifo.sqlite3"
    os.mkfifo(fifo)
    with pytest.raises(StoreError) as info:  # reading it would hang
        open_store(fifo, backup_dir=None)
    assert "not a regular file" in str(info.value)


STARTER = """
import sys
from pathlib import Path
from warroom.bootstrap import open_store
from warroom.store.db import StoreError
print("ready", flush=True)
sys.stdin.readline()  # the starting gun: both processes are imported and waiting
try:
    store = open_store(sys.argv[1], backup_dir=Path(sys.argv[2]))
except StoreError as exc:
    print(f"StoreError: {exc} [{exc.kind}]", flush=True)
    sys.exit(3)
store.close()
print("opened", flush=True)
"""


def _start_together(target: str, backups: Path, n: int = 2) -> list[tuple[int, str]]:
    import subprocess
    import sys

    root = Path(__file__).parents[2]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", STARTER, target, str(backups)],
            cwd=root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(n)
    ]
    for proc in procs:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    results = []
    for proc in procs:
        out, _ = proc.communicate(timeout=120)
        results.append((proc.returncode, out))
    return results


@pytest.mark.parametrize("attempt", range(3))
def test_two_instances_starting_together_on_a_new_store_both_open_it(
    store_url: str, tmp_path: Path, attempt: int
) -> None:
    """SQLite: no "busy"; PostgreSQL: no raw Alembic error. The demo races are seeded once."""
    from sqlalchemy import create_engine, text

    target = store_url if "://" in store_url else str(tmp_path / "new" / "polls.sqlite3")
    results = _start_together(target, tmp_path / "backups")
    assert [code for code, _ in results] == [0, 0], results
    engine = create_engine(target if "://" in target else f"sqlite:///{target}")
    with engine.connect() as conn:
        assert (
            conn.execute(text("SELECT count(*) FROM contest")).scalar_one() == 3
        )  # London, France 2022, Burlington 2009
        assert conn.execute(text("SELECT count(*) FROM poll_notice")).scalar_one() == 409
        assert conn.execute(text("SELECT count(*) FROM irv_prior")).scalar_one() == 1  # Burlington's ballots
    engine.dispose()


def test_the_text_limits_checked_on_input_are_the_store_columns() -> None:
    """validation.py (pure core) repeats the column sizes; they must not drift from schema.py."""
    from sqlalchemy import String

    from warroom.core.validation import TEXT_LIMITS
    from warroom.store.schema import PollRow

    columns = PollRow.__table__.c
    sized = {c.name: c.type.length for c in columns if isinstance(c.type, String) and c.type.length}
    assert {name: sized[name] for name in TEXT_LIMITS} == TEXT_LIMITS
    assert set(sized) <= set(TEXT_LIMITS)


def test_a_validated_poll_with_the_largest_values_is_stored(store_url: str) -> None:
    """What validation accepts, every store keeps: no 'store failed' on PostgreSQL for what SQLite took."""
    from dataclasses import replace

    from tests.conftest import make_poll
    from warroom.core.validation import MAX_SAMPLE_SIZE, TEXT_LIMITS, validate_poll

    engine = make_engine(store_url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    poll = replace(
        make_poll(1, n=MAX_SAMPLE_SIZE),
        pollster="é" * TEXT_LIMITS["pollster"],
        client="é" * TEXT_LIMITS["client"],
        method="é" * TEXT_LIMITS["method"],
    )
    assert validate_poll(poll, TOY) == []
    with sessions.begin() as s:
        cid = repo.add_contest(s, TOY)
        repo.add_poll(s, cid, poll)
    with sessions() as s:
        (back,) = repo.list_polls(s, cid)
    engine.dispose()
    assert back.sample_size == MAX_SAMPLE_SIZE and back.pollster == poll.pollster


class _FillsUp:
    """A source connection whose backup copies a page, then finds the disk full."""

    def __init__(self, real: sqlite3.Connection) -> None:
        self.real = real

    def backup(self, target: sqlite3.Connection, **_: object) -> None:
        self.real.backup(target, pages=1, progress=self._full)

    @staticmethod
    def _full(_status: int, _remaining: int, _total: int) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    def close(self) -> None:
        self.real.close()


def _many_polls(db: Path) -> None:
    from tests.conftest import make_poll

    engine = make_engine(str(db))
    with make_session_factory(engine).begin() as s:
        repo.add_polls(s, 1, [make_poll(1, pollster=f"P{i}", notes="x" * 500) for i in range(200)])
    engine.dispose()


def test_a_backup_that_fails_half_way_leaves_no_partial_backup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Recovery offers the newest backup: a half-written one must never be it."""
    import warroom.store.db as db_module

    db, backups = tmp_path / "polls.sqlite3", tmp_path / "backups"
    _store(db)
    _many_polls(db)
    good = backup_sqlite(db, backups, reason="open")
    real_connect = sqlite3.connect

    def connect(target: str, uri: bool = False) -> object:
        conn = real_connect(target, uri=uri)
        return _FillsUp(conn) if uri else conn

    monkeypatch.setattr(db_module.sqlite3, "connect", connect)
    with pytest.raises(sqlite3.OperationalError):
        backup_sqlite(db, backups, reason="open")
    monkeypatch.undo()
    assert sorted(backups.iterdir()) == [good]
    assert list_backups(backups, "polls") == [good]


def test_a_start_whose_backup_cannot_be_written_still_opens_and_says_so(tmp_path: Path) -> None:
    from warroom.bootstrap import open_store

    db = tmp_path / "polls.sqlite3"
    _store(db)
    blocked = tmp_path / "backups"
    blocked.write_text("a file where the backup folder should be\n")
    store = open_store(db, backup_dir=blocked)
    try:
        assert store.backup is None and store.backup_error and str(blocked) in store.backup_error
        with store.sessions() as s:
            assert repo.get_contest(s, TOY.name) is not None
    finally:
        store.close()


def test_a_store_whose_name_has_uri_characters_opens_and_is_backed_up(tmp_path: Path) -> None:
    from warroom.bootstrap import open_store

    db = tmp_path / "team #1 ?100%.sqlite3"
    first = open_store(db, backup_dir=tmp_path / "backups")
    first.close()
    second = open_store(db, backup_dir=tmp_path / "backups")
    second.close()
    (newest,) = list_backups(tmp_path / "backups", db.stem)[:1]
    conn = sqlite3.connect(newest)
    assert conn.execute("SELECT count(*) FROM poll").fetchone()[0] > 10
    conn.close()
    names = {p.name for p in tmp_path.iterdir()}
    assert (
        {"backups", db.name}
        <= names
        <= {"backups", db.name, db.name + "-wal", db.name + "-shm", db.name + "-wal.owner"}
    )


def test_a_store_elsewhere_with_the_same_name_keeps_its_backups_apart(tmp_path: Path) -> None:
    """`--db ~/Desktop/polls.sqlite3` backs up into the same folder as the app's own polls.sqlite3: a few
    starts of it must not rotate away the app's backups, nor be what the app's recovery restores."""
    from warroom.bootstrap import open_store
    from warroom.store.db import backups_of

    backups = tmp_path / "data" / "backups"
    own, other = tmp_path / "data" / "polls.sqlite3", tmp_path / "Desktop" / "polls.sqlite3"
    for db in (own, other):
        db.parent.mkdir(parents=True)
        _store(db)
    sqlite3.connect(own).execute("UPDATE contest SET name = 'own'").connection.commit()
    own_backup = backup_sqlite(own, backups, reason="open")
    for start in range(6):  # (work done in each: a start whose copy is the newest backup's keeps that one)
        opened = open_store(other, backup_dir=backups, seed=False)
        with opened.sessions.begin() as s:
            repo.add_polls(s, 1, [make_poll(start + 2)])
        opened.close()
    assert list_backups(backups, "polls") == [own_backup] == backups_of(own, backups)
    theirs = backups_of(other, backups)
    assert len(theirs) == 5 and own_backup not in theirs
    conn = sqlite3.connect(theirs[0])
    assert conn.execute("SELECT name FROM contest").fetchall() == [(TOY.name,)]
    conn.close()


def test_the_apps_own_store_in_a_symlinked_folder_keeps_its_backups_where_recovery_looks(tmp_path: Path) -> None:
    from warroom.bootstrap import open_store
    from warroom.store.db import backups_of

    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "data").symlink_to(real)  # e.g. ~/.local/share on another disk
    db, backups = tmp_path / "data" / "polls.sqlite3", tmp_path / "data" / "backups"
    open_store(db, backup_dir=backups).close()
    open_store(db, backup_dir=backups).close()
    assert len(list_backups(backups, "polls")) == 2 and backups_of(db, backups) == list_backups(backups, "polls")


def test_a_held_write_lock_is_a_locked_store_error_not_a_hang(store_url: str) -> None:
    """Another instance stuck mid-migration: wait a bounded time, then say the store is busy."""
    import time

    from warroom.store.db import PG_LOCK_KEY, StoreError, translated, write_locked

    engine = make_engine(store_url, busy_timeout_ms=300)
    upgrade(engine)
    lock = held_by_another(
        store_url,
        sqlite_begin="BEGIN IMMEDIATE",
        postgres=("SELECT pg_advisory_lock(:key)",),
        params={"key": PG_LOCK_KEY},
    )
    started = time.monotonic()
    try:
        with lock, pytest.raises(StoreError) as info, translated(engine), write_locked(engine, lock_timeout_ms=300):
            pass
        assert info.value.kind == "locked"
        assert time.monotonic() - started < 20
    finally:
        engine.dispose()


def test_no_migration_without_its_backup(tmp_path: Path) -> None:
    """An older store whose backup cannot be written is left at its old version, with a StoreError."""
    from alembic import command

    from warroom.bootstrap import open_store
    from warroom.store.db import StoreError, _alembic_config

    db = tmp_path / "polls.sqlite3"
    engine = make_engine(str(db))
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "0001")
    engine.dispose()
    blocked = tmp_path / "backups"
    blocked.write_text("a file where the backup folder should be\n")
    with pytest.raises(StoreError) as info:
        open_store(db, backup_dir=blocked)
    assert "not upgraded" in str(info.value) and str(blocked) in str(info.value)
    raw = sqlite3.connect(db)
    assert raw.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    raw.close()


@pytest.mark.parametrize("kind", ["no-driver", "folder", "unreadable-url", "foreign"])
def test_the_cli_explains_a_bad_store_without_a_traceback_or_the_password(tmp_path: Path, kind: str) -> None:
    import subprocess
    import sys

    if kind == "foreign":
        db = tmp_path / "places.sqlite"
        _foreign(db)
        target = str(db)
    else:
        target = {
            "no-driver": f"mysql://team:{SECRET}@127.0.0.1:1/polls",
            "folder": str(tmp_path),
            "unreadable-url": f"postgresql://team:{SECRET}@127.0.0.1:notaport/polls",
        }[kind]
    done = subprocess.run(
        [sys.executable, "-m", "warroom", "--db", target, "--data-dir", str(tmp_path / "app"), "contests"],
        cwd=Path(__file__).parents[2],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr and SECRET not in done.stderr + done.stdout
    assert done.stderr.startswith("warroom contests: ")


def test_another_alembic_application_at_a_revision_we_also_have_is_refused_untouched(tmp_path: Path) -> None:
    """Sequential revision names ("0001") are common: the revision alone does not make a file ours."""
    from warroom.bootstrap import open_store
    from warroom.store.db import StoreError

    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "inventory.sqlite3"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
    conn.execute("INSERT INTO alembic_version VALUES ('0001')")
    conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT)")
    conn.commit()
    conn.close()
    db.chmod(0o644)
    before = _snapshot(folder)
    with pytest.raises(StoreError) as info:
        open_store(db, backup_dir=tmp_path / "backups", seed=False)
    assert info.value.kind == "foreign" and "users" in str(info.value)
    assert _snapshot(folder) == before


def test_another_applications_database_on_any_store_is_refused_without_adding_tables(store_url: str) -> None:
    """On PostgreSQL too: `--db` pointed at another application's database must not get our tables."""
    from sqlalchemy import create_engine, inspect, text

    from warroom.bootstrap import open_store
    from warroom.store.db import StoreError

    url = store_url if "://" in store_url else f"sqlite:///{store_url}"
    other = create_engine(url)
    with other.begin() as conn:
        conn.execute(text("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total INTEGER)"))
        conn.execute(text("INSERT INTO invoices (id, total) VALUES (1, 99)"))
    other.dispose()
    with pytest.raises(StoreError) as info:
        open_store(store_url, backup_dir=None, seed=True)
    assert info.value.kind == "foreign" and "invoices" in str(info.value)
    check = create_engine(url)
    with check.connect() as conn:
        assert inspect(conn).get_table_names() == ["invoices"]
    check.dispose()


def test_a_sqlite_uri_to_another_applications_file_is_refused_untouched(tmp_path: Path) -> None:
    from warroom.bootstrap import open_store
    from warroom.store.db import StoreError

    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "places.sqlite"
    _foreign(db)
    before = _snapshot(folder)
    with pytest.raises(StoreError) as info:
        open_store(f"sqlite:///file:{db}?uri=true", backup_dir=None, seed=False)
    assert info.value.kind == "foreign"
    assert _snapshot(folder) == before


def test_partial_backups_left_by_a_killed_start_are_cleared_later(tmp_path: Path) -> None:
    import os
    import time

    db, backups = tmp_path / "polls.sqlite3", tmp_path / "backups"
    _store(db)
    backups.mkdir()
    stale = backups / ".polls-20260101-000000-000000-open.sqlite3.0123456789ab.partial"
    fresh = backups / ".polls-20260101-000001-000000-open.sqlite3.ba9876543210.partial"  # another start, now
    for leftover in (stale, fresh):
        leftover.write_bytes(b"SQLite format 3\x00half")
    hours_ago = time.time() - 2 * 3600
    os.utime(stale, (hours_ago, hours_ago))
    backup_sqlite(db, backups, reason="open")
    assert not stale.exists() and fresh.exists()
