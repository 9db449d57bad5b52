"""A fresh hostile pass on restoring a damaged store from its automatic backups."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import TOY, make_poll
from warroom.store import polls as repo


def _damaged_store_with_two_backups(tmp_path: Path) -> tuple[object, int, Path, Path]:
    """A store with one poll, backed up twice (the older good), then damaged."""
    from warroom.bootstrap import open_store
    from warroom.paths import AppPaths
    from warroom.store.db import backup_sqlite

    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    store = open_store(paths.database, backup_dir=None, seed=False)
    with store.sessions.begin() as s:
        cid = repo.add_contest(s, TOY)
        repo.add_polls(s, cid, [make_poll(1, pollster="Kept in the backups")])
    store.close()
    older = backup_sqlite(paths.database, paths.backup_dir, reason="open")
    newest = backup_sqlite(paths.database, paths.backup_dir, reason="open")
    paths.database.write_bytes(b"\x00damaged" * 600)
    for extra in paths.data_dir.glob("polls.sqlite3-*"):
        extra.unlink()
    return paths, cid, older, newest


@pytest.mark.parametrize("harm", ["cut short", "zeroed", "from a newer version"])
def test_a_newest_backup_that_cannot_be_opened_leads_to_the_one_before_it(tmp_path: Path, harm: str) -> None:
    """A damaged store and a newest backup that cannot be opened either (cut short by a full disk or a copy,
    zeroed, written by a newer version): the app offered only that backup, its copy would not open, and every
    later start offered that broken copy again as "restored before, may hold work done since": the good backups
    before it were never offered. Now a backup SQLite cannot read, or of a schema this version does not know, is
    passed over, named, and the newest one that opens is offered."""
    import sqlite3

    from warroom.app import open_with_recovery

    paths, cid, older, newest = _damaged_store_with_two_backups(tmp_path)
    data = newest.read_bytes()
    if harm == "from a newer version":
        with sqlite3.connect(newest) as con:
            con.execute("UPDATE alembic_version SET version_num = '9999_from_a_newer_version'")
        con.close()
    else:
        newest.write_bytes(data[: len(data) // 2] if harm == "cut short" else b"\x00" * len(data))
    for start in (1, 2):
        asked: list[str] = []
        told: list[str] = []
        opened = open_with_recovery(
            paths.database,
            paths,
            ask=lambda _t, q, asked=asked: asked.append(q) or True,  # type: ignore[misc]
            tell=lambda _t, m, told=told: told.append(m),  # type: ignore[misc]
        )
        assert opened is not None, (start, asked, told)
        with opened.sessions() as s:
            assert [p.pollster for p in repo.list_polls(s, cid)] == ["Kept in the backups"]
        opened.close()
        assert not told
        assert newest.name in asked[-1] and older.name in asked[-1] and "could not be opened" in asked[-1], asked
        if start == 2:  # the copy of the good backup, restored at the first start, is opened as it is
            assert "restored before" in asked[-1], asked
        assert len(asked) == 1, asked
    assert not (paths.data_dir / f"restored-{newest.name}").exists()
    assert paths.database.read_bytes() == b"\x00damaged" * 600  # left as it was


def test_when_no_backup_can_be_opened_each_is_named(tmp_path: Path) -> None:
    from warroom.app import open_with_recovery

    paths, _cid, older, newest = _damaged_store_with_two_backups(tmp_path)
    for backup in (older, newest):
        backup.write_bytes(b"\x00" * 4096)
    told: list[str] = []
    opened = open_with_recovery(paths.database, paths, ask=lambda *_: True, tell=lambda _t, m: told.append(m))
    assert opened is None and len(told) == 1 and older.name in told[0] and newest.name in told[0], told
    assert not list(paths.data_dir.glob("restored-*"))


def test_a_copy_that_is_refused_at_open_is_taken_away_and_the_backup_before_it_offered(tmp_path: Path) -> None:
    """A newest backup SQLite reads but the store refuses at open (here a planted trigger): its copy, made here and
    never opened, is taken away again (no later start offers it as one "restored before" that may hold work), and
    the backup before it is offered."""
    import sqlite3

    from warroom.app import open_with_recovery

    paths, cid, older, newest = _damaged_store_with_two_backups(tmp_path)
    with sqlite3.connect(newest) as con:
        con.execute("CREATE TRIGGER planted AFTER INSERT ON poll BEGIN DELETE FROM poll; END")
    con.close()
    asked: list[str] = []
    opened = open_with_recovery(paths.database, paths, ask=lambda _t, q: asked.append(q) or True, tell=lambda *_: None)
    assert opened is not None and len(asked) == 2, asked
    assert newest.name in asked[1] and "could not be opened" in asked[1] and older.name in asked[1], asked[1]
    with opened.sessions() as s:
        assert [p.pollster for p in repo.list_polls(s, cid)] == ["Kept in the backups"]
    opened.close()
    assert {p.name for p in paths.data_dir.glob("restored-*")} <= {
        f"restored-{older.name}{end}" for end in ("", "-wal", "-shm", "-wal.owner")
    }


def test_the_command_line_names_the_way_back_from_a_damaged_store(tmp_path: Path) -> None:
    """`warroom polls` on a damaged store said only "left untouched": not the backup the app offers, nor, once the
    app had restored it, the copy it then works in (every poll added since is there, out of every verb's sight).
    It names the restored copy when there is one, else the newest backup that opens."""
    from tests.cli._run import run
    from warroom.app import open_with_recovery

    paths, cid, older, newest = _damaged_store_with_two_backups(tmp_path)
    newest.write_bytes(b"\x00" * 4096)
    data = ["--data-dir", str(tmp_path / "state")]
    code, _out, err = run(*data, "polls")
    assert code == 3 and str(older) in err and str(newest) not in err and "--db" in err, err
    opened = open_with_recovery(paths.database, paths, ask=lambda *_: True, tell=lambda *_: None)
    assert opened is not None
    with opened.sessions.begin() as s:
        repo.add_polls(s, cid, [make_poll(9, pollster="Worked in since")])
    opened.close()
    code, _out, err = run(*data, "polls")
    restored = paths.data_dir / f"restored-{older.name}"
    assert code == 3 and f"--db {restored}" in err, err
    code, out, err = run("--db", str(restored), "polls", "--contest", TOY.name)
    assert code == 0 and "Worked in since" in out, err


def test_a_damaged_store_deleted_and_made_new_names_the_restored_copy_once(tmp_path: Path) -> None:
    """The damaged own store deleted (to be rid of the question): the next start made a new store with the demo
    races and named nowhere the restored copy holding the work done since. The start that makes it says where
    that copy is, in the same words for the window (OpenStore.notice, shown in its status bar) and a verb (stderr),
    once: the starts after it open the new store and say nothing."""
    from tests.cli._run import run
    from warroom.app import open_with_recovery

    paths, _cid, _older, newest = _damaged_store_with_two_backups(tmp_path)
    opened = open_with_recovery(paths.database, paths, ask=lambda *_: True, tell=lambda *_: None)
    assert opened is not None and opened.notice is None
    opened.close()
    restored = paths.data_dir / f"restored-{newest.name}"
    assert Path(opened.target) == restored
    paths.database.unlink()
    made = open_with_recovery(paths.database, paths, ask=lambda *_: False, tell=lambda *_: None)
    assert made is not None and made.seeded
    assert made.notice == (
        "a new poll store was made with the demo races; the copy of its backup restored at an earlier start, which "
        f"holds the work done in it since, is {restored} (open it with --db {restored})"
    )
    made.close()
    again = open_with_recovery(paths.database, paths, ask=lambda *_: False, tell=lambda *_: None)
    assert again is not None and again.notice is None
    again.close()
    paths.database.unlink()
    code, _out, err = run("--data-dir", str(tmp_path / "state"), "contests")
    assert code == 0 and f"is {restored} (open it with --db {restored})" in err, err
