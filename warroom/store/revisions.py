"""What makes a file this app's store at this version: the schema revisions, read from the migration scripts' own
lines, the SQLite header and the tables every revision has had (stdlib only).

Shared by the store's open (store/db.py, with SQLAlchemy) and the start's first read (store/first_read.py, with
the standard library's sqlite3 alone): one rule for "is this store ours, and at head", in one place.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

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
