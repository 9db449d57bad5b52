"""Hostile pass 9 (issue 16), the leftovers of pass 8 in the store: the read-only rule as root."""

from __future__ import annotations

import os
from pathlib import Path

from warroom.paths import user_made_read_only
from warroom.store.db import _unwritable


def test_the_read_only_rule_is_the_write_bit_for_root_too(tmp_path: Path) -> None:
    """`os.access` says yes to root for every file, so a store's -wal file made read-only under the open app was
    reported as "the disk reported an error" (the read-only explanation asked os.access alone). One rule now
    (`paths.user_made_read_only`): no write permission, or no write bit at all; a missing file is not read-only."""
    db = tmp_path / "polls.sqlite3"
    db.write_bytes(b"")
    wal = Path(f"{db}-wal")
    wal.write_bytes(b"")
    assert not user_made_read_only(db) and not _unwritable(db)
    wal.chmod(0o444)
    assert user_made_read_only(wal) and _unwritable(db)
    assert os.geteuid() != 0 or os.access(wal, os.W_OK)  # what root is told by os.access
    wal.chmod(0o644)
    db.chmod(0o400)  # the owner's read bit only: nobody may write
    assert user_made_read_only(db) and _unwritable(db)
    assert not user_made_read_only(tmp_path / "missing.sqlite3")
