"""What makes a file this app's store at this version: the schema revisions, read from the migration scripts' own
lines, the SQLite header and the tables every revision has had (stdlib only).

Shared by the store's open (store/db.py, with SQLAlchemy) and the start's first read (store/first_read.py, with
the standard library's sqlite3 alone): one rule for "is this store ours, and at head", in one place.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from warroom.core.infile import open_regular

MIGRATIONS = Path(__file__).with_name("migrations")
SQLITE_MAGIC = b"SQLite format 3\x00"
CORE_TABLES = frozenset({"contest", "poll", "poll_figure"})
"""Tables every schema revision has had since 0001: a file at a known revision without them is not ours."""

_REVISION_LINE = re.compile(r"^(down_revision|revision)\s*(?::[^=]*)?=\s*(None|['\"]([^'\"]+)['\"])\s*$", re.MULTILINE)


@functools.cache
def script_revisions() -> dict[str, str | None]:
    """revision -> down_revision of every migration script, read from the files' own assignment lines.

    Alembic would give the same (tests/store/test_store.py checks it does) but importing it costs a fifth of
    a cold start (issue 15), and a store already at head needs nothing more than these names. A script this
    reading cannot make sense of sends the caller to Alembic instead (ValueError)."""
    found: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        if path.name.startswith("__"):
            continue
        names = {key: value for key, _raw, value in _REVISION_LINE.findall(path.read_text(encoding="utf-8"))}
        if "revision" not in names or not names["revision"]:
            raise ValueError(f"{path.name}: no plain 'revision = \"...\"' line")
        found[names["revision"]] = names.get("down_revision") or None
    return found


def plain_head() -> str | None:
    """The newest revision if the scripts say it plainly (one head); None: ask Alembic (store/db.py does)."""
    try:
        scripts = script_revisions()
    except ValueError:
        return None
    heads = set(scripts) - {down for down in scripts.values() if down is not None}
    return heads.pop() if len(heads) == 1 else None


# --- whose write-ahead log: a -wal left by a crash belongs to one store file --------------------------------------

WAL_OWNER_SUFFIX = "-wal.owner"
"""Beside a store, `polls.sqlite3-wal.owner` holds the store's identity (the number in its header's user_version
field, set once at random by warroom): SQLite records nothing in a -wal file that ties it to its database, and plays
a -wal left by a crash into whatever file bears the store's name, another store copied into place included."""


def read_wal_owner(db_file: Path) -> str | None:
    """What `polls.sqlite3-wal.owner` says (stripped), None when it is missing, unreadable, or not a regular file:
    a FIFO planted at that name (a shared folder) held every start with a blocking read, for ever."""
    try:
        with open_regular(wal_owner_file(db_file)) as fh:
            return fh.read(64).decode("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None


def header_identity(db_file: Path) -> int | None:
    """The store's identity as its header holds it (SQLite's user_version, bytes 60-63, big-endian); None when the
    file cannot be read or is not SQLite."""
    try:
        with open_regular(db_file) as fh:  # (a FIFO at the store's own name is named by make_engine, never read)
            head = fh.read(64)
    except OSError:
        return None
    if len(head) < 64 or not head.startswith(SQLITE_MAGIC):
        return None
    return int.from_bytes(head[60:64], "big")


def wal_owner_file(db_file: Path) -> Path:
    return db_file.with_name(db_file.name + WAL_OWNER_SUFFIX)


def wal_not_its_own(db_file: Path) -> Path | None:
    """The store's -wal when it holds writes of another store (the identity kept beside it names another); None
    when there is no such file, it is empty, or nothing says whose it is (a store no version with this check
    has opened: SQLite's own behaviour)."""
    wal = db_file.with_name(db_file.name + "-wal")
    try:
        if wal.stat().st_size == 0:
            return None
    except OSError:
        return None
    owner = read_wal_owner(db_file)
    if owner is None or not owner.isdigit():
        return None
    identity = header_identity(db_file)
    return None if identity is None or identity == int(owner) else wal
