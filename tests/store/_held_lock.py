"""Another program holding a store's lock, for the tests of what the app does meanwhile."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Mapping, Sequence


@contextlib.contextmanager
def held_by_another(
    store_url: str, *, sqlite_begin: str, postgres: Sequence[str], params: Mapping[str, object] | None = None
) -> Iterator[None]:
    """While inside, another connection holds the lock: on SQLite (a file path) a transaction opened with
    `sqlite_begin` ("BEGIN EXCLUSIVE", "BEGIN IMMEDIATE"); on PostgreSQL (a URL) the `postgres` statements run
    in order on one connection (with `params`). Released on the way out, however the block ends."""
    if "://" in store_url:
        from sqlalchemy import create_engine, text

        engine = create_engine(store_url)
        conn = engine.connect()
        try:
            for statement in postgres:
                conn.execute(text(statement), dict(params or {}))
            yield
        finally:
            conn.close()
            engine.dispose()
    else:
        raw = sqlite3.connect(store_url, isolation_level=None)
        raw.execute(sqlite_begin)
        try:
            yield
        finally:
            raw.execute("ROLLBACK")
            raw.close()
