"""Hostile pass 11 (issue 16), the store under odd environments: the umask of the backups' folders."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

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
