"""A digest of a SQLite store's whole content, read with the standard library alone (no SQLAlchemy, no Alembic).

The start frame (core/startframe.py) is keyed to it: the window's first paint may show the last session's
figures only if the store holds exactly what it held then. Every table, every row, every column, in rowid order,
so any write (a poll, a contest, a setting stored in the database, a migration) changes it. It is computed from
the rows, not the file's bytes: a WAL checkpoint or a VACUUM rewrites the file without changing a figure.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

from warroom.store.digest import digest_rows
from warroom.store.first_read import Fallback, FirstRead, FirstReader
from warroom.store.revisions import odd_side_file


def store_fingerprint(db_file: Path) -> str | None:
    """The digest of every row of every table in `db_file`, or None if it cannot be read (no such file, not a
    SQLite database, locked, damaged): the caller then has no key and shows no cached figures."""
    if not db_file.is_file() or odd_side_file(db_file) is not None:  # a FIFO at -journal: SQLite reads it for ever
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
    the other core while the window's modules load.

    It begins the start's first read too (store/first_read.FirstReader: the store's checks and the digest in one
    read transaction, which then also gives `result`); `first_read` finishes it on the caller's thread."""

    def __init__(self, db_file: Path | None, also: Callable[[], object] | None = None) -> None:
        super().__init__(name="warroom-store-digest", daemon=True)
        self.db_file = db_file
        self.also = also  # more start-up work for this thread, after the digest (its result is the caller's)
        self.result: str | None = None
        self.reader = FirstReader(db_file)
        self._lock = threading.Lock()
        self._abandoned = False  # let_go(wait=False) while this thread ran: it lets go of the store itself

    def run(self) -> None:
        if self.db_file is not None:
            self.reader.begin()
            with self._lock:
                if self._abandoned:
                    self.reader.close()
            # a store without a first read (an older one, a big one...) still has its digest: the frame's key
            self.result = self.reader.fingerprint or store_fingerprint(self.db_file)
        if self.also is not None:
            self.also()

    def wait(self, seconds: float) -> str | None:
        """The digest if it is ready within `seconds` (None otherwise, or if there is none)."""
        if self.ident is None:
            self.start()
        self.join(seconds)
        return None if self.is_alive() else self.result

    def first_read(self, asked: str | None, remembered: str | None) -> FirstRead | Fallback:
        """The first read, finished here (the contest and its polls) if the thread has begun it and ended; else
        why not (then, once the thread ends, call `let_go`)."""
        if self.is_alive() or self.ident is None:
            return Fallback("the store's digest was not ready for the first paint")
        return self.reader.finish(asked, remembered)

    def let_go(self, *, wait: bool = True) -> None:
        """Release the store's snapshot the first read holds (before the full store opens: it may write, and a
        held read would keep a rollback-journal store's writers waiting), waiting for the thread first; or, with
        `wait=False` (a start that ends), at once if the thread is done, else by the thread when it is."""
        if wait and self.ident is not None:
            self.join()
        with self._lock:
            if self.ident is not None and self.is_alive():
                self._abandoned = True
                return
        self.reader.close()
