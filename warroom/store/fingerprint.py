"""A digest of a SQLite store's whole content, read with the standard library alone (no SQLAlchemy, no Alembic).

The start frame (core/startframe.py) is keyed to it: the window's first paint may show the last session's
figures only if the store holds exactly what it held then. Every table, every row, every column, in rowid order,
so any write (a poll, a contest, a setting stored in the database, a migration) changes it. It is computed from
the rows, not the file's bytes: a WAL checkpoint or a VACUUM rewrites the file without changing a figure.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path


def store_fingerprint(db_file: Path) -> str | None:
    """The digest of every row of every table in `db_file`, or None if it cannot be read (no such file, not a
    SQLite database, locked, damaged): the caller then has no key and shows no cached figures."""
    if not db_file.is_file():
        return None
    try:
        # Read-only, and never created: a missing or foreign file is not touched.
        conn = sqlite3.connect(f"{db_file.resolve().as_uri()}?mode=ro", uri=True, timeout=0.2, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        conn.execute("BEGIN")  # one read transaction: every table as of one moment, even while another writes
        return digest_rows(conn)
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def digest_rows(conn: sqlite3.Connection) -> str:
    """store_fingerprint of an open connection, inside the caller's read transaction (store/first_read.py reads
    the polls it shows in the same one). The schema's own text (tables, indexes, triggers, views) is digested too:
    a trigger planted since is another store.

    Raises:
        sqlite3.Error: the database cannot be read.
    """
    digest = hashlib.sha256()
    schema = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()
    _update(digest, "\n".join(repr(row) for row in schema))
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    for table in tables:
        columns = [r[1] for r in conn.execute(f"PRAGMA table_info({_quoted(table)})")]
        if not columns:
            continue
        # One string per table, built inside SQLite (quote() keeps types apart: 1, 1.0, '1' and X'01' differ):
        # a fifth of the time of fetching the rows as Python tuples.
        row = "||','||".join(f"quote({_quoted(c)})" for c in columns)
        order = "" if _without_rowid(conn, table) else " ORDER BY rowid"
        (text,) = conn.execute(
            f"SELECT group_concat(r, char(10)) FROM (SELECT {row} AS r FROM {_quoted(table)}{order})"
        ).fetchone()
        for part in (table, ",".join(columns), text or ""):
            _update(digest, part)
    return digest.hexdigest()


def _update(digest: hashlib._Hash, part: str) -> None:
    data = part.encode("utf-8", "surrogatepass")
    digest.update(len(data).to_bytes(8, "little"))
    digest.update(data)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _without_rowid(conn: sqlite3.Connection, table: str) -> bool:
    (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone()
    return "WITHOUT ROWID" in (sql or "").upper()


def sqlite_file(target: str | Path) -> Path | None:
    """The SQLite file a store target names (a path, or a sqlite:/// URL); None for a server's URL."""
    text = str(target)
    if text.startswith("sqlite:///"):
        text = text[len("sqlite:///") :].split("?", 1)[0]
    elif "://" in text or text.startswith("sqlite:"):
        return None
    return Path(text) if text else None


class StoreDigest(threading.Thread):
    """store_fingerprint on its own thread: sqlite3 lets go of the GIL while it reads, so the digest is made on
    the other core while the window's modules load."""

    def __init__(self, db_file: Path | None, also: Callable[[], object] | None = None) -> None:
        super().__init__(name="warroom-store-digest", daemon=True)
        self.db_file = db_file
        self.also = also  # more start-up work for this thread, after the digest (its result is the caller's)
        self.result: str | None = None

    def run(self) -> None:
        if self.db_file is not None:
            self.result = store_fingerprint(self.db_file)
        if self.also is not None:
            self.also()

    def wait(self, seconds: float) -> str | None:
        """The digest if it is ready within `seconds` (None otherwise, or if there is none)."""
        if self.ident is None:
            self.start()
        self.join(seconds)
        return None if self.is_alive() else self.result
