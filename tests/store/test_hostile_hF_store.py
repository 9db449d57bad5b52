"""A fresh hostile pass (issue 16) over the store: long store names and their backups.

A store's backups are named `<stem>-<stamp>-<reason>.n<sequence>.sqlite3`, written under `.<that>.<hex>.partial`
(with SQLite's `-journal` beside it) and restored as `restored-<that>` (with its `-wal.owner`): about 90 bytes
more than the store's own name. A store named 190 to 245 bytes (which the store itself takes) was never backed up,
its every start saying "this start was not backed up: ... file name too long" (or, at 190 bytes, "cannot be written
here (read-only location or no permission)", which it could), and a contest deleted from it had no copy taken.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import TOY, make_poll
from warroom.store import polls as repo

NAME_MAX = 255


def _store_named(folder: Path, length: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder / ("s" * (length - len(".sqlite3")) + ".sqlite3")


def _longest_name_made_from(backup: Path) -> int:
    """The longest name a backup leads to: its partial's journal while written, its restored copy's log owner."""
    partial_journal = len(os.fsencode(f".{backup.name}.{'0' * 12}.partial-journal"))
    restored_owner = len(os.fsencode(f"restored-{backup.name}-wal.owner"))
    return max(partial_journal, restored_owner)


@pytest.mark.parametrize("length", [190, 200, 245])
def test_a_store_with_a_long_name_is_backed_up_at_every_start_and_keeps_five(tmp_path: Path, length: int) -> None:
    from warroom.bootstrap import open_store
    from warroom.store.db import backup_sqlite, backups_of

    backup_dir = tmp_path / "state" / "backups"
    store = _store_named(tmp_path / "team", length)
    made: list[Path] = []
    for start in range(7):
        opened = open_store(store, backup_dir=backup_dir, seed=False)
        try:
            assert opened.backup_error is None, opened.backup_error
            assert opened.backup is not None
            made.append(Path(opened.backup))
            with opened.sessions.begin() as s:  # work done in each session: each start's copy is a new one
                if start == 0:
                    repo.add_contest(s, TOY)
                repo.add_polls(s, 1, [make_poll(start + 1)])
        finally:
            opened.close()
    made.append(backup_sqlite(store, backup_dir, reason="before-delete"))  # a contest deleted
    kept = backups_of(store, backup_dir)
    assert kept == list(reversed(made))[:5]
    for backup in kept:
        assert _longest_name_made_from(backup) <= NAME_MAX, backup.name


def test_a_long_named_store_whose_backups_fit_keeps_its_name_in_them_and_another_store_s_stay_apart(
    tmp_path: Path,
) -> None:
    """A name short enough for its backups keeps them named after it as before (those already made stay its
    own); two long names that start alike never share backups."""
    from warroom.store.db import backup_sqlite, backups_of

    backup_dir = tmp_path / "state" / "backups"
    short = _store_named(tmp_path / "team", 150)
    short.write_bytes(b"")
    backup = backup_sqlite(short, backup_dir, reason="open")
    assert backup.name.startswith(short.stem + "-")
    first = _store_named(tmp_path / "team", 240)
    second = first.with_name("s" * 231 + "t.sqlite3")
    for store in (first, second):
        store.write_bytes(b"")
    a = backup_sqlite(first, backup_dir, reason="open")
    b = backup_sqlite(second, backup_dir, reason="open")
    assert a != b
    assert backups_of(first, backup_dir) == [a]
    assert backups_of(second, backup_dir) == [b]
    assert backups_of(short, backup_dir) == [backup]


def test_a_damaged_store_with_a_long_name_is_offered_a_copy_of_its_backup(tmp_path: Path) -> None:
    from warroom.app import open_with_recovery
    from warroom.bootstrap import open_store
    from warroom.paths import AppPaths

    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    store = _store_named(tmp_path / "team", 245)
    opened = open_store(store, backup_dir=paths.backup_dir, seed=False)
    with opened.sessions.begin() as s:
        cid = repo.add_contest(s, TOY)
        repo.add_polls(s, cid, [make_poll(1, pollster="Kept in the backup")])
    opened.close()
    opened = open_store(store, backup_dir=paths.backup_dir, seed=False)  # this start's backup holds the poll
    assert opened.backup is not None, opened.backup_error
    opened.close()
    store.write_bytes(b"\x00damaged" * 600)
    for extra in store.parent.glob(store.name + "-*"):
        extra.unlink()
    asked: list[str] = []
    told: list[str] = []
    restored = open_with_recovery(
        store,
        paths,
        ask=lambda _t, q: asked.append(q) or True,  # type: ignore[func-returns-value]
        tell=lambda _t, m: told.append(m),
    )
    assert not told, told
    assert restored is not None, asked
    try:
        with restored.sessions() as s:
            assert [p.pollster for p in repo.list_polls(s, cid)] == ["Kept in the backup"]
    finally:
        restored.close()
    assert store.read_bytes() == b"\x00damaged" * 600


@pytest.mark.parametrize(
    ("url", "part"),
    [
        ("postgresql+psycopg://team@/warroom?host=/tmp%00x", "host"),
        ("postgresql+psycopg://team@db.example:6543/war%00room", "database"),
        ("postgresql+psycopg://te%00am@db.example:6543/warroom", "user"),
        ("postgresql+psycopg://team:se%00cret@db.example:6543/warroom", "password"),
        ("postgresql+psycopg://team@db.example:6543/warroom?sslmode=require%00x", "sslmode"),
    ],
)
def test_a_nul_in_a_server_store_url_is_refused_before_connecting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str, part: str
) -> None:
    """libpq reads its connection settings as one C string, cut at the first NUL: `/war%00room` at
    db.example:6543 as team connected to the database `war` on this computer's own server (port 5432, as whoever
    runs warroom: every setting after the database's dropped), `?host=/tmp%00x` to the server at /tmp. Another
    store than the one named was opened, or "could not be reached" named the wrong place. Refused before any
    connection, naming the part; a password is never shown."""
    import psycopg

    from tests.cli._run import run

    tried: list[object] = []
    monkeypatch.setattr(psycopg.Connection, "connect", classmethod(lambda cls, *a, **k: tried.append(k)))
    code, _out, err = run("--data-dir", str(tmp_path / "state"), "--db", url, "contests")
    assert code != 0
    assert "Traceback" not in err, err
    assert "NUL" in err and part in err and "nothing was opened" in err, err
    assert "se" not in err.split("team:", 1)[-1][:4], err  # (the password is shown as ***)
    assert not tried


def _toy_store(db: Path) -> None:
    from warroom.store.db import make_engine, make_session_factory, upgrade

    engine = make_engine(str(db))
    upgrade(engine)
    with make_session_factory(engine).begin() as s:
        cid = repo.add_contest(s, TOY)
        repo.add_polls(s, cid, [make_poll(1)])
    engine.dispose()


@pytest.mark.parametrize("left", [0, 100])
def test_a_store_file_emptied_or_cut_short_while_open_is_never_written_blind(tmp_path: Path, left: int) -> None:
    """A store file truncated in place under the running app (`: > polls.sqlite3`, another program saving over
    it) keeps its name and inode, so the check for a file deleted, moved or replaced did not see it: every later
    write said saved (it went into the write-ahead log only), reads showed the polls from the log, and the next
    start found "this file is empty: no poll store in it yet" and made a new store over the log holding them."""
    from dataclasses import replace

    from warroom.store.db import StoreError, make_engine, make_session_factory, translated

    db = tmp_path / "polls.sqlite3"
    _toy_store(db)
    engine = make_engine(str(db))
    sessions = make_session_factory(engine)
    with sessions() as s:
        assert len(repo.list_polls(s, 1)) == 1  # a connection is open on the file, as in the running app
    os.truncate(db, left)
    with pytest.raises(StoreError) as info, translated(engine), sessions.begin() as s:
        repo.add_polls(s, 1, [replace(make_poll(2), pollster="Late")])
    assert info.value.kind == "missing"
    assert str(db) in info.value.where
    assert "emptied or cut short" in str(info.value) and "nothing was saved" in str(info.value), info.value
    with pytest.raises(StoreError), translated(engine), sessions() as s:  # reads say so too
        repo.list_polls(s, 1)
    engine.dispose()
    assert db.stat().st_size == left  # left as it was found


def test_a_new_store_is_not_taken_for_one_emptied(tmp_path: Path) -> None:
    """A new store's file is empty until SQLite first writes it: that is no store emptied under the app."""
    from warroom.bootstrap import open_store

    db = tmp_path / "new.sqlite3"
    opened = open_store(db, backup_dir=tmp_path / "backups", seed=False)
    try:
        with opened.sessions.begin() as s:
            cid = repo.add_contest(s, TOY)
        with opened.sessions() as s:
            assert repo.list_polls(s, cid) == []
    finally:
        opened.close()


@pytest.mark.parametrize("verb", [("contests",), ("contest", "new", "--from", "{race}"), ("polls",)])
def test_an_emptied_store_whose_log_holds_writes_is_not_made_a_new_store(tmp_path: Path, verb: tuple[str, ...]) -> None:
    """A store file emptied under the app (or by a command) with its write-ahead log beside it still holding the
    last writes: a verb that writes made a new store in the empty file, and SQLite then wiped the log, the last
    copy of those writes (reading verbs said "no poll store in it yet"). Refused as damaged, both files left as
    they are, naming the newest backup."""
    from tests.cli._run import run
    from tests.cli.test_hostile_hB_long_names import CONTEST
    from warroom.paths import AppPaths

    race = tmp_path / "race.toml"
    race.write_text(CONTEST)
    state = tmp_path / "state"
    paths = AppPaths.under(state)
    db = tmp_path / "team.sqlite3"
    assert run("--data-dir", str(state), "--db", str(db), "contest", "new", "--from", str(race))[0] == 0
    from warroom.bootstrap import open_store

    opened = open_store(db, backup_dir=paths.backup_dir, seed=False, create=False)
    with opened.sessions.begin() as s:
        repo.add_polls(s, 1, [make_poll(1, pollster="Only in the log")])
    os.truncate(db, 0)  # (the connection still open, as in the running app)
    opened.close()
    wal = Path(f"{db}-wal")
    assert db.stat().st_size == 0 and wal.stat().st_size > 0
    log = wal.read_bytes()
    argv = [a.format(race=race) for a in verb]
    code, _out, err = run("--data-dir", str(state), "--db", str(db), *argv)
    assert code != 0, err
    assert "Traceback" not in err, err
    assert "empty" in err and "write-ahead log" in err and "nothing was opened or changed" in err.lower(), err
    assert "backup" in err, err
    assert db.stat().st_size == 0 and wal.read_bytes() == log


def _emptied_after_two_starts(target: Path, backup_dir: Path) -> None:
    """A store at `target` with one poll, opened twice (each start backed up), then emptied, no log left."""
    from warroom.bootstrap import open_store

    opened = open_store(target, backup_dir=backup_dir, seed=False)
    with opened.sessions.begin() as s:
        cid = repo.add_contest(s, TOY)
        repo.add_polls(s, cid, [make_poll(1, pollster="Kept in the backups")])
    opened.close()
    open_store(target, backup_dir=backup_dir, seed=False).close()
    os.truncate(target, 0)
    assert not Path(f"{target}-wal").exists()


def _backups_with_the_poll(target: Path, backup_dir: Path) -> int:
    import sqlite3

    from warroom.store.db import backups_of

    held = 0
    for backup in backups_of(target, backup_dir):
        with sqlite3.connect(f"{backup.as_uri()}?mode=ro", uri=True) as conn:
            held += conn.execute("SELECT count(*) FROM poll WHERE pollster = 'Kept in the backups'").fetchone()[0]
        conn.close()
    return held


@pytest.mark.parametrize("which", ["own", "team"])
def test_an_emptied_store_with_backups_is_offered_its_backup_not_made_a_demo_store(tmp_path: Path, which: str) -> None:
    """A store file emptied (cut to nothing by a sync tool or a command) while warroom was not running was taken for
    a new store: the app seeded the demo races into it without a word, and each later start's backup rotated one of
    the user's own away; by the fifth start none was left. A store file that is empty while backups of it are kept
    is refused as damaged: the app offers a copy of the newest backup, and the backups stay."""
    from warroom.app import open_with_recovery
    from warroom.paths import AppPaths

    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    target = paths.database if which == "own" else tmp_path / "team.sqlite3"
    _emptied_after_two_starts(target, paths.backup_dir)
    assert _backups_with_the_poll(target, paths.backup_dir) >= 1
    for _start in range(6):
        asked: list[str] = []
        told: list[str] = []
        opened = open_with_recovery(
            target,
            paths,
            ask=lambda _t, q, asked=asked: asked.append(q) or False,  # type: ignore[misc]
            tell=lambda _t, m, told=told: told.append(m),  # type: ignore[misc]
        )
        assert opened is None, "opened as a new store"
        assert len(asked) == 1 and "empty" in asked[0] and "backup" in asked[0], (asked, told)
    assert target.stat().st_size == 0
    assert _backups_with_the_poll(target, paths.backup_dir) >= 1
    asked = []
    opened = open_with_recovery(target, paths, ask=lambda _t, q: asked.append(q) or True, tell=lambda _t, m: None)  # type: ignore[func-returns-value]
    assert opened is not None, asked
    try:
        with opened.sessions() as s:
            assert [p.pollster for p in repo.list_polls(s, 1)] == ["Kept in the backups"]
    finally:
        opened.close()


def test_a_verb_that_writes_into_an_emptied_store_with_backups_is_refused_naming_the_newest(tmp_path: Path) -> None:
    from tests.cli._run import run
    from tests.cli.test_hostile_hB_long_names import CONTEST
    from warroom.paths import AppPaths

    race = tmp_path / "race.toml"
    race.write_text(CONTEST)
    paths = AppPaths.under(tmp_path / "state")
    target = tmp_path / "team.sqlite3"
    _emptied_after_two_starts(target, paths.backup_dir)
    for verb in (("contest", "new", "--from", str(race)), ("contests",)):
        code, _out, err = run("--data-dir", str(tmp_path / "state"), "--db", str(target), *verb)
        assert code != 0, err
        assert "Traceback" not in err, err
        assert "empty" in err and "newest automatic backup" in err, err
    assert target.stat().st_size == 0


def test_a_store_made_read_only_while_open_is_not_written_and_is_again_once_writable(tmp_path: Path) -> None:
    """A store the user made read-only (chmod a-w) is opened read-only, never written, whoever runs warroom; made
    read-only while warroom had it open, every later write still went in through the connections already open,
    each one "saved". Writes are refused from then on, saying so, reads go on, and writing is back once the user
    gives the file its write permission again."""
    from dataclasses import replace

    from warroom.store.db import StoreError, make_engine, make_session_factory, translated

    db = tmp_path / "polls.sqlite3"
    _toy_store(db)
    engine = make_engine(str(db))
    sessions = make_session_factory(engine)
    with sessions() as s:
        assert len(repo.list_polls(s, 1)) == 1  # a connection is open on the file, as in the running app
    mode = db.stat().st_mode
    db.chmod(0o444)
    with pytest.raises(StoreError) as info, translated(engine), sessions.begin() as s:
        repo.add_polls(s, 1, [replace(make_poll(2), pollster="Late")])
    assert "read-only" in str(info.value), info.value
    with translated(engine), sessions() as s:
        assert [p.pollster for p in repo.list_polls(s, 1)] == [make_poll(1).pollster]
    db.chmod(mode)
    with translated(engine), sessions.begin() as s:
        repo.add_polls(s, 1, [replace(make_poll(2), pollster="Late")])
    engine.dispose()
    with translated(engine), make_session_factory(make_engine(str(db)))() as s:
        assert [p.pollster for p in repo.list_polls(s, 1)] == [make_poll(1).pollster, "Late"]


@pytest.mark.parametrize("verb", [("contest", "new", "--from", "{race}"), ("contests",)])
def test_a_backup_given_as_the_store_is_refused_saying_to_open_a_copy(tmp_path: Path, verb: tuple[str, ...]) -> None:
    """`--db` naming one of the automatic backups (a tab completion in the data folder) opened it in place: a verb
    that writes changed it, so it no longer held the store as it was, and the store's next starts rotated it away
    with the work done in it, without a word; even a reading verb marked it and took a backup of it. Refused for
    every verb, the backup untouched, saying to copy it out of the backups folder first."""
    from tests.cli._run import run
    from tests.cli.test_hostile_hB_long_names import CONTEST
    from warroom.paths import AppPaths

    race = tmp_path / "race.toml"
    race.write_text(CONTEST)
    state = tmp_path / "state"
    paths = AppPaths.under(state)
    store = tmp_path / "team.sqlite3"
    assert run("--data-dir", str(state), "--db", str(store), "contest", "new", "--from", str(race))[0] == 0
    assert run("--data-dir", str(state), "--db", str(store), "contests")[0] == 0
    from warroom.store.db import backups_of

    backup = backups_of(store, paths.backup_dir)[-1]
    before = backup.read_bytes()
    files = sorted(paths.backup_dir.rglob("*"))
    code, _out, err = run("--data-dir", str(state), "--db", str(backup), *[a.format(race=race) for a in verb])
    assert code != 0, err
    assert "Traceback" not in err, err
    assert "automatic backup" in err and "copy" in err and "nothing was opened or changed" in err, err
    assert backup.read_bytes() == before
    assert sorted(paths.backup_dir.rglob("*")) == files


def test_the_app_given_one_of_its_backups_as_the_store_says_so(tmp_path: Path) -> None:
    from warroom.app import open_with_recovery
    from warroom.bootstrap import open_store
    from warroom.paths import AppPaths

    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    for _start in range(2):
        open_store(paths.database, backup_dir=paths.backup_dir, seed=False).close()
    from warroom.store.db import backups_of

    backup = backups_of(paths.database, paths.backup_dir)[-1]
    before = backup.read_bytes()
    told: list[str] = []
    opened = open_with_recovery(backup, paths, ask=lambda _t, _q: True, tell=lambda _t, m: told.append(m))
    assert opened is None
    assert told and "automatic backup" in told[0], told
    assert backup.read_bytes() == before


def test_starts_that_change_nothing_never_rotate_away_the_backup_from_before_a_bad_change(tmp_path: Path) -> None:
    """Every start, and every command (`warroom polls`, `contests`, `export`), backed up the store and rotated the
    oldest of five away, whether or not anything had changed: five commands run to look into a bad change (an
    import into the wrong race, a teammate's deletion) left five copies of the store as it is now, and the backup
    from before the change was gone. A start whose copy is the very store its newest backup holds keeps that backup
    (byte for byte the same) and rotates nothing away."""
    from tests.cli._run import run
    from tests.cli.test_hostile_hB_long_names import CONTEST
    from warroom.paths import AppPaths
    from warroom.store.db import backups_of

    race = tmp_path / "race.toml"
    race.write_text(CONTEST)
    state = ("--data-dir", str(tmp_path / "state"))
    paths = AppPaths.under(tmp_path / "state")
    assert run(*state, "contest", "new", "--from", str(race))[0] == 0
    assert run(*state, "contests")[0] == 0  # this start's backup holds Toyton Mayor
    assert run(*state, "contest", "delete", "Toyton Mayor", "--yes")[0] == 0  # the bad change
    for _look in range(6):
        code, out, err = run(*state, "contests")
        assert code == 0 and "Toyton Mayor" not in out, err
    held = [b for b in backups_of(paths.database, paths.backup_dir) if "Toyton Mayor" in _contest_names(b)]
    assert held, [b.name for b in backups_of(paths.database, paths.backup_dir)]


def _contest_names(backup: Path) -> list[str]:
    import sqlite3

    conn = sqlite3.connect(f"{backup.as_uri()}?mode=ro", uri=True)
    try:
        return [str(r[0]) for r in conn.execute("SELECT name FROM contest")]
    finally:
        conn.close()


def test_the_running_app_says_its_store_file_was_emptied(qtbot, tmp_path: Path) -> None:
    """The window's watch of the store reads it every few seconds: an emptied file is said at once, in the
    window's error, and nothing more is written to it."""
    from dataclasses import replace

    from PySide6.QtCore import QCoreApplication  # noqa: F401  (qtbot makes the application)

    from warroom.bootstrap import open_store
    from warroom.services.poll_service import PollService
    from warroom.store.db import StoreError

    db = tmp_path / "polls.sqlite3"
    _toy_store(db)
    store = open_store(db, backup_dir=None, seed=False)
    service = PollService(store.sessions, watch=True)
    service.open_contest(1)
    os.truncate(db, 0)
    with qtbot.waitSignal(service.store_failed, timeout=5000) as told:
        pass
    assert "emptied or cut short" in told.args[0] and str(db) in told.args[0]
    with pytest.raises(StoreError):
        service.add_polls([replace(make_poll(3), pollster="Late")])
    assert [p.pollster for p in service.polls] == [make_poll(1).pollster]
    store.close()
    assert db.stat().st_size == 0
