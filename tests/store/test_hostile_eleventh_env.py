"""Hostile pass 11 (issue 16), the store under odd environments: the umask of the backups' folders, a teammate's
lock on the team store."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from tests.store._held_lock import held_by_another
from warroom.store.db import backup_sqlite


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_backup_folders_are_owner_only_under_any_umask(tmp_path: Path, open_umask: None) -> None:
    """A store outside the data folder is backed up into `backups/elsewhere/<its path's digest>`: `elsewhere` was
    made with the umask's mode (mkdir's parents), 0777 under umask 000, where every folder warroom makes is
    0700; in a data folder deleted or emptied while the app ran the backups folder itself was too."""
    store = tmp_path / "team" / "polls.sqlite3"
    store.parent.mkdir()
    sqlite3.connect(store).close()
    backups = tmp_path / "state" / "backups"  # the data folder itself gone (deleted while the app ran)
    made = backup_sqlite(store, backups, reason="start")
    assert made.is_file()
    for folder in (tmp_path / "state", backups, backups / "elsewhere", made.parent):
        assert _mode(folder) == 0o700, folder


@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)  # SQLite's busy timeout already bounds it
def test_a_teammates_long_transaction_is_busy_not_a_server_that_did_not_answer(
    store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A teammate's transaction holding a lock on the team store (psql's `LOCK TABLE`, a long migration script):
    every command-line verb (and the window's start) waited PG_ANSWER_WAIT_S (60 s) and then said "the store's
    server did not answer (stopped, overloaded or cut off)", a server that was answering all along. A lock wait
    now ends after PG_LOCK_WAIT_MS, as SQLite's busy timeout does, saying another program holds a lock."""
    import time

    from tests.cli._run import run
    from warroom.bootstrap import open_store
    from warroom.store import db

    open_store(store_url, backup_dir=None).close()  # the store set up, the demos seeded
    monkeypatch.setattr(db, "PG_LOCK_WAIT_MS", 1500)
    lock = held_by_another(store_url, sqlite_begin="", postgres=("BEGIN", "LOCK TABLE poll IN ACCESS EXCLUSIVE MODE"))
    with lock:
        started = time.monotonic()
        code, _, err = run("--db", store_url, "--data-dir", str(tmp_path / "state"), "polls")
        waited = time.monotonic() - started
    assert code == 3 and "busy" in err and "another program holds a lock" in err and "did not answer" not in err, err
    assert waited < db.PG_ANSWER_WAIT_S / 4, waited
    code, out, err = run("--db", store_url, "--data-dir", str(tmp_path / "state"), "polls")
    assert code == 0 and "polls" in out, err  # the lock gone, the same verb works
