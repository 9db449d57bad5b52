"""The store's content digest (start frames are keyed to it): any write changes it, rewriting the file without
changing a row does not, and a file that is no store has none (and is not touched)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.conftest import TOY
from tests.ui.conftest import toy_polls
from warroom.bootstrap import open_store
from warroom.store import polls as repo
from warroom.store.fingerprint import store_fingerprint


def _store(tmp_path: Path) -> Path:
    db = tmp_path / "polls.sqlite3"
    store = open_store(db, backup_dir=None, seed=False)
    with store.sessions.begin() as s:
        cid = repo.add_contest(s, TOY)
        repo.add_polls(s, cid, toy_polls(6))
    store.close()
    return db


def test_any_write_changes_the_digest_and_a_rewrite_does_not(tmp_path: Path) -> None:
    db = _store(tmp_path)
    before = store_fingerprint(db)
    assert before is not None and store_fingerprint(db) == before
    conn = sqlite3.connect(db)
    conn.execute("VACUUM")  # the whole file rewritten, every row the same
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    assert store_fingerprint(db) == before
    conn = sqlite3.connect(db)
    conn.execute("UPDATE poll SET sample_size = sample_size + 1 WHERE id = 1")  # one figure of one poll
    conn.commit()
    after = store_fingerprint(db)
    assert after is not None and after != before
    conn.execute("UPDATE poll SET sample_size = sample_size - 1 WHERE id = 1")
    conn.commit()
    conn.close()
    assert store_fingerprint(db) == before  # the content, not the history


def test_a_write_still_in_the_wal_counts(tmp_path: Path) -> None:
    db = _store(tmp_path)
    before = store_fingerprint(db)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute("UPDATE contest SET name = name || ' (renamed)'")
    conn.commit()  # committed to the -wal file, not yet to the database file
    assert store_fingerprint(db) != before
    conn.close()


def test_what_is_no_store_has_no_digest_and_is_left_alone(tmp_path: Path) -> None:
    assert store_fingerprint(tmp_path / "missing.sqlite3") is None
    assert not (tmp_path / "missing.sqlite3").exists()
    text = tmp_path / "notes.sqlite3"
    text.write_text("not a database\n")
    assert store_fingerprint(text) is None
    assert text.read_text() == "not a database\n"
    assert store_fingerprint(tmp_path) is None  # a folder
