"""Opening a store for the app or the CLI: engine, schema upgrade (with backup), demo seeding. No Qt."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from warroom.demo import LONDON_2012, demo_polls
from warroom.store import polls as repo
from warroom.store.db import (
    backup_sqlite,
    is_read_only,
    make_engine,
    make_session_factory,
    redacted,
    sqlite_path,
    translated,
    upgrade,
    write_locked,
)


@dataclass
class OpenStore:
    engine: Engine
    sessions: sessionmaker[Session]
    target: str
    backup: str | None = None
    seeded: bool = False
    read_only: bool = False

    @property
    def display_target(self) -> str:
        """The store as it may be shown (status bar, tooltips, messages): a path, or a URL with no password."""
        return redacted(self.target)

    def close(self) -> None:
        self.engine.dispose()


def open_store(target: str | Path, *, backup_dir: Path | None, seed: bool = True) -> OpenStore:
    """Open (creating if needed) a poll store, migrate it to the current schema and seed the demo race if empty.

    Raises:
        StoreError: the store is damaged, locked, read-only, or the disk is full; message says what and where.
    """
    engine = make_engine(target)
    try:
        backup = upgrade(engine, backup_dir=backup_dir)
        db_file = sqlite_path(engine)
        if backup is None and backup_dir is not None and db_file is not None and db_file.stat().st_size > 0:
            # Every start keeps a copy (online backup API, consistent even if another instance is writing);
            # the newest five are kept. This is what the app offers when the store is found damaged.
            with translated(engine):
                backup = str(backup_sqlite(db_file, backup_dir, reason="open"))
        sessions = make_session_factory(engine)
        seeded = False
        read_only = is_read_only(engine)
        if seed and not read_only:
            # Under the write lock, so two instances starting on a new store seed it once, neither failing.
            with translated(engine), write_locked(engine) as conn, Session(bind=conn) as session:
                if repo.count_contests(session) == 0:
                    contest_id = repo.add_contest(session, LONDON_2012)
                    repo.add_polls(session, contest_id, demo_polls())
                    session.flush()
                    seeded = True
    except Exception:
        engine.dispose()
        raise
    return OpenStore(engine, sessions, str(target), backup, seeded, read_only)
