"""Opening a store for the app or the CLI: engine, schema upgrade (with backup), demo seeding. No Qt."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from warroom.demo import LONDON_2012, demo_polls, france_2022_compilation, france_2022_contest, official_2012_result
from warroom.store import polls as repo
from warroom.store import questions
from warroom.store.contests import set_official_result
from warroom.store.db import (
    StoreError,
    backup_sqlite,
    hand_edits,
    in_memory,
    is_read_only,
    is_url,
    make_engine,
    make_session_factory,
    redacted,
    resolve_url,
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
    backup_error: str | None = None

    @property
    def display_target(self) -> str:
        """The store as it may be shown (status bar, tooltips, messages): a path, or a URL with no password."""
        return redacted(self.target)

    def close(self) -> None:
        self.engine.dispose()


def seed_france_2022(session: Session) -> int:
    """Store the France 2022 demo (second of the two demos: London stays contest 1, the one a new store opens
    on): its candidates, every poll notice and matrix of the campaign, the official rounds. Returns its id."""
    compilation = france_2022_compilation()
    contest_id = repo.add_contest(session, france_2022_contest())
    questions.add_campaign(session, contest_id, compilation.notices, compilation.matrices, compilation.results)
    return contest_id


def _memory(target: str) -> bool:
    try:
        return in_memory(resolve_url(target))
    except Exception:  # a malformed URL: make_engine says so, without the password
        return False


def open_store(target: str | Path, *, backup_dir: Path | None, seed: bool = True) -> OpenStore:
    """Open (creating if needed) a poll store, migrate it to the current schema and seed the demo race if empty.

    Raises:
        StoreError: the store is damaged, locked, read-only, or the disk is full; message says what and where.
    """
    if (
        isinstance(target, str)
        and target.strip().casefold().startswith("sqlite")
        and is_url(target)
        and _memory(target)
    ):
        raise StoreError(
            "this store would live in memory and lose everything when warroom ends; nothing was opened or "
            "written: give a file (--db polls.sqlite3) or a server URL",
            where=redacted(target),
        )
    engine = make_engine(target)
    try:
        backup = upgrade(engine, backup_dir=backup_dir)
        edited = hand_edits(engine)
        if edited:  # refused before this start's backup, so the backups keep the store as it was before
            raise StoreError(
                "this store holds values edited outside warroom that it cannot use: " + "; ".join(edited)
                + "; correct them, or restore a backup (nothing was changed)",
                where=str(sqlite_path(engine) or redacted(target)),
                kind="corrupt",
            )  # fmt: skip
        db_file = sqlite_path(engine)
        backup_error: str | None = None
        if backup is None and backup_dir is not None and db_file is not None and db_file.stat().st_size > 0:
            # Every start keeps a copy (online backup API, consistent even if another instance is writing);
            # the newest five are kept. This is what the app offers when the store is found damaged.
            try:
                with translated(engine):
                    backup = str(backup_sqlite(db_file, backup_dir, reason="open"))
            except StoreError as exc:
                if exc.kind == "corrupt":
                    raise  # the store itself is damaged: the caller offers a backup instead
                # Only the copy failed (backup folder full, read-only or not a folder): the store is fine, so
                # open it and let the caller say that this start was not backed up.
                backup_error = f"this start was not backed up: {exc} ({backup_dir})"
        sessions = make_session_factory(engine)
        seeded = False
        read_only = is_read_only(engine)
        if seed and not read_only:
            # Under the write lock, so two instances starting on a new store seed it once, neither failing.
            with translated(engine), write_locked(engine) as conn, Session(bind=conn) as session:
                if repo.count_contests(session) == 0:
                    contest_id = repo.add_contest(session, LONDON_2012)
                    repo.add_polls(session, contest_id, demo_polls())
                    set_official_result(session, contest_id, official_2012_result())  # the demo's back-test
                    seed_france_2022(session)
                    session.flush()
                    seeded = True
    except Exception:
        engine.dispose()
        raise
    return OpenStore(engine, sessions, str(target), backup, seeded, read_only, backup_error)
