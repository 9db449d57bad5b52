"""A fresh hostile pass (issue 16) over what keeps the user's work: the recovery file of unsaved changes, and the
backups' leftovers."""

from __future__ import annotations

import os
import time
from pathlib import Path

from tests.conftest import TOY
from warroom.store import polls as repo


def _store(db: Path) -> None:
    from warroom.bootstrap import open_store

    opened = open_store(db, backup_dir=None, seed=False)
    try:
        with opened.sessions.begin() as s:
            repo.add_contest(s, TOY)
    finally:
        opened.close()


def test_a_killed_start_s_partial_copy_is_cleared_when_the_clock_was_set_back(tmp_path: Path) -> None:
    """A start killed mid-copy leaves a `.partial` copy of the whole store; with the clock set back since (a dead
    battery, a restored virtual machine) its time is in the future, and it was never cleared: a store's size of
    disk lost at each such start. One dated now (another start copying at this moment) stays."""
    from warroom.store.db import STALE_PARTIAL_S, backup_sqlite

    db, backups = tmp_path / "polls.sqlite3", tmp_path / "backups"
    _store(db)
    backups.mkdir()
    ahead = backups / ".polls-20270101-000000-000000-open.sqlite3.0123456789ab.partial"
    journal = ahead.with_name(ahead.name + "-journal")
    fresh = backups / ".polls-20260101-000001-000000-open.sqlite3.ba9876543210.partial"
    for leftover in (ahead, journal, fresh):
        leftover.write_bytes(b"SQLite format 3\x00half")
    days_ahead = time.time() + 30 * 86400  # written before the clock went back a month
    for leftover in (ahead, journal):
        os.utime(leftover, (days_ahead, days_ahead))
    in_a_minute = time.time() + 60  # another machine's clock a little ahead, copying now: not stale
    os.utime(fresh, (in_a_minute, in_a_minute))
    assert STALE_PARTIAL_S > 60
    backup_sqlite(db, backups, reason="open")
    assert not ahead.exists() and not journal.exists()
    assert fresh.exists()
