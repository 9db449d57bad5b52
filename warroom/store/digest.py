"""The digest of a SQLite store's rows and schema over an open connection (stdlib only): store/fingerprint.py's
store_fingerprint and the start's first read (store/first_read.py) both make it, inside their read transaction."""

from __future__ import annotations

import hashlib
import sqlite3


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
