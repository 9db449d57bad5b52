"""The start's first read of a local store: the standard library's sqlite3 alone, read-only (issue 15).

SQLAlchemy (0.3-0.5 s of a cold start's CPU with its ORM classes and the store's open), Alembic and numpy are not
imported for it, so the window's first paint can show what the store holds now. The full store (store/db.py,
bootstrap.open_store) still opens after that paint, with every one of its checks and its safety copy, and the
window is built from it; what it reads is compared with this read (app.Starter), and the store's wins.

The same rules as the store's open, each either checked here, cheaply, or proved by the content digest:

- checked here: a regular, non-empty SQLite file (store/db.check_sqlite_file's first tests), opened read-only and
  never created (`mode=ro`); this app's tables and exactly one schema revision, the head the migration scripts
  name (store/revisions.py: the store's own rules and reading of them; an older store is upgraded by the full
  open, a newer one or another app's file refused by it, so neither is read here); no trigger
  (db.refuse_planted_code: warroom creates none);
- proved by the digest: the values the store refuses as edited outside warroom (db.hand_edits: a dozen SQL rules
  written for SQLAlchemy's connection) are not re-run here. `fingerprint` is the digest of every row and the
  schema in this read's own transaction (store/fingerprint.py); the caller shows this read's figures as live only
  when that digest is the one a previous start recorded after the full open accepted the store (app.Starter, the
  start frame's key): the same content passes the same content checks.

Anything else (a server URL, a locked, damaged, older, newer or foreign store, a contest named on the command line
that the store lacks, a value of an unexpected type) is a `Fallback` with its reason: the start takes the normal
path, exactly as before.
"""

from __future__ import annotations

import json
import sqlite3
import stat
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from warroom.core import types as core
from warroom.core.types import Contest, Poll, TransferObservation, contest_title
from warroom.store.digest import digest_rows
from warroom.store.revisions import CORE_TABLES, SQLITE_MAGIC, odd_side_file, plain_head, wal_not_its_own

LOCK_WAIT_S = 0.05
"""A store another process holds locked is not waited for: the full open after the first paint waits for it."""
MAX_POLLS = 2_000
"""A store with more polls has no first read: digesting and reading it would hold the first paint (the window's
start then paints its poll table before the average, services/analysis_service's background_from, as before)."""
KINDS = ("first", "second", "party")  # poll_figure.kind, as store/polls.py reads them


@dataclass(frozen=True, slots=True)
class FirstRead:
    """The open contest and its polls as the store holds them now, and the digest of that same snapshot.

    Attributes:
        db_file: the store read.
        revision: its schema revision (the head).
        fingerprint: store/fingerprint.digest_rows of the snapshot the polls were read from.
        contest_id, contest_name: the contest the window opens (the store's rule: by name, else the default).
        demo: it is one of the bundled demo races.
        polls: that contest's polls, as store.polls.list_polls gives them (by fieldwork end, then id).
        contest: that contest as store.polls.get_contest gives it (its candidates, parties and rules: the poll
            form the start's first stage opens needs them, ui/start_shell.py).
        created: that contest's creation time as stored (store.polls.contest_identity's; None: unreadable), which
            tells it from a contest a teammate made under its id after deleting it (what the first stage typed for
            it must not go into that one).
    """

    db_file: Path
    revision: str
    fingerprint: str
    contest_id: int
    contest_name: str
    demo: bool
    polls: tuple[Poll, ...]
    contest: Contest
    created: datetime | None = None

    @property
    def title(self) -> str:
        """The contest as its picker shows it (core.types.contest_title)."""
        return contest_title(self.contest_name, self.demo)


@dataclass(frozen=True, slots=True)
class Fallback:
    """The first read was not made: why (the start takes the normal path)."""

    reason: str


def read_first(db_file: Path | None, asked: str | None, remembered: str | None = None) -> FirstRead | Fallback:
    """The first read of `db_file`, or why not (FirstReader's two steps, one after the other).

    Args:
        db_file: the local SQLite store (None: a server's URL, which has no first read).
        asked: the contest named on the command line (one the store lacks: Fallback, the full start says so).
        remembered: the contest the settings remember (one the store lacks: the default, as the window opens).
    """
    reader = FirstReader(db_file)
    reader.begin()
    return reader.finish(asked, remembered)


class FirstReader:
    """The first read in two steps over one read transaction (one snapshot): `begin` (the checks and the digest,
    the costly part: store/fingerprint.StoreDigest runs it on its thread while Qt loads) and `finish` (the
    contest's polls, once the settings say which contest: on the GUI thread). The snapshot holds a read lock on
    the store until `finish` or `close`, which must come before the full store opens (it may write)."""

    def __init__(self, db_file: Path | None) -> None:
        self.db_file = db_file
        self.fingerprint: str | None = None  # the snapshot's digest, once begin() passed every check
        self.fallback: Fallback | None = None  # why there is no first read (set by begin or finish)
        self._conn: sqlite3.Connection | None = None
        self._head = ""
        self._finished = False  # finish() has read the polls

    def begin(self) -> None:
        """Open the store read-only, check it and digest it (any thread; then `finish` or `close`)."""
        db_file = self.db_file
        if db_file is None:
            self.fallback = Fallback("not a local SQLite store")
            return
        try:
            info = db_file.stat()
        except OSError as exc:
            self.fallback = Fallback(f"cannot reach the store: {exc.strerror or exc}")
            return
        if not stat.S_ISREG(info.st_mode) or info.st_size == 0:
            self.fallback = Fallback("not a regular, non-empty file (the full open sets up or refuses it)")
            return
        head = plain_head()
        if head is None:
            self.fallback = Fallback("the migration scripts do not name one head plainly")
            return
        self._head = head
        try:
            with db_file.open("rb") as fh:
                if fh.read(16) != SQLITE_MAGIC:
                    self.fallback = Fallback("not a SQLite database")
                    return
            if odd_side_file(db_file) is not None:  # a FIFO at -journal: SQLite's read held the start for ever
                self.fallback = Fallback("something other than a file lies at one of SQLite's names beside it")
                return
            if wal_not_its_own(db_file) is not None:  # never read through it: the full open refuses it, naming it
                self.fallback = Fallback("a write-ahead log of another store lies beside it")
                return
            uri = f"{db_file.resolve().as_uri()}?mode=ro"
            # check_same_thread=False: begun on the digest's thread, finished on the GUI thread, never at once
            conn = sqlite3.connect(uri, uri=True, timeout=LOCK_WAIT_S, isolation_level=None, check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            self.fallback = Fallback(f"cannot open the store read-only: {exc}")
            return
        self._conn = conn
        try:
            conn.execute("BEGIN")  # one snapshot: the checks, the digest and the polls all of one moment
            self.fallback = _check(conn, head)
            if self.fallback is None:
                self.fingerprint = digest_rows(conn)
        except sqlite3.Error as exc:
            self.fallback = Fallback(f"cannot read the store: {exc}")
        if self.fallback is not None:
            self.close()

    def finish(self, asked: str | None, remembered: str | None = None) -> FirstRead | Fallback:
        """The contest the window opens and its polls, from the snapshot `begin` checked; the store let go."""
        conn, fingerprint = self._conn, self.fingerprint
        try:
            if self.fallback is not None:
                return self.fallback
            if conn is None or fingerprint is None:
                self.fallback = Fallback("the store was not read")
                return self.fallback
            try:
                read = _read(conn, self.db_file or Path(), self._head, fingerprint, asked, remembered)
            # (AttributeError, KeyError, RecursionError: JSON text edited outside warroom, such as a contest's
            # rules that are a list or nested too deeply; the full open names it, store.db.hand_edits)
            except (sqlite3.Error, ValueError, TypeError, IndexError, AttributeError, KeyError, RecursionError) as exc:
                read = Fallback(f"cannot read the store: {exc}")
            if isinstance(read, Fallback):
                self.fallback = read
            self._finished = True
            return read
        finally:
            self.close()

    def close(self) -> None:
        """Let go of the store (its read lock); the first read is over (idempotent)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()
        if self.fallback is None and conn is not None and not self._finished:
            self.fallback = Fallback("the store was let go before it was read")


def _check(conn: sqlite3.Connection, head: str) -> Fallback | None:
    """The store's checks a first read can make cheaply (see the module's docstring); None: all passed."""
    tables = {
        str(name)
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if not str(name).startswith("sqlite_")
    }
    if "alembic_version" not in tables or not tables >= CORE_TABLES:
        return Fallback("not this app's tables (the full open sets up or refuses the file)")
    revisions = [str(r) for (r,) in conn.execute("SELECT version_num FROM alembic_version")]
    if revisions != [head]:
        return Fallback(f"schema revision {', '.join(revisions) or 'none'}, not the head {head}")
    triggers = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'").fetchone()[0]
    if triggers:
        return Fallback("the store holds triggers (the full open refuses them)")
    (stored,) = conn.execute("SELECT count(*) FROM poll").fetchone()
    if stored > MAX_POLLS:
        return Fallback(f"{stored:,} polls: read by the full store on its own (the first paint does not wait)")
    return None


def _read(
    conn: sqlite3.Connection, db_file: Path, head: str, fingerprint: str, asked: str | None, remembered: str | None
) -> FirstRead | Fallback:
    found = _contest(conn, asked) if asked else None
    if asked and found is None:
        return Fallback(f"no contest named {asked!r} (the full start says so)")
    if found is None and remembered:
        found = _contest(conn, remembered)
    if found is None:
        found = _default_contest(conn)
    if found is None:
        return Fallback("the store holds no contest")
    contest_id, name = found
    contest = _contest_of(conn, contest_id)
    polls = tuple(_polls(conn, contest_id))
    return FirstRead(
        db_file, head, fingerprint, contest_id, name, contest.demo, polls, contest, _created(conn, contest_id)
    )


def _created(conn: sqlite3.Connection, contest_id: int) -> datetime | None:
    """The contest's created_at as SQLAlchemy reads it (its SQLite text, ISO 8601 with or without microseconds)."""
    row = conn.execute("SELECT created_at FROM contest WHERE id = ?", (contest_id,)).fetchone()
    try:
        return datetime.fromisoformat(str(row[0])) if row is not None and row[0] is not None else None
    except ValueError:
        return None


def _contest(conn: sqlite3.Connection, key: str) -> tuple[int, str] | None:
    """store.polls.get_contest by name: exactly, else the one contest whose name matches ignoring case and spaces."""
    row = conn.execute("SELECT id, name FROM contest WHERE name = ?", (key,)).fetchone()
    if row is not None:
        return int(row[0]), str(row[1])
    if not key.strip():
        return None
    wanted = " ".join(key.split()).casefold()
    hits = [(int(i), str(n)) for i, n in conn.execute("SELECT id, name FROM contest") if _folded(n) == wanted]
    return hits[0] if len(hits) == 1 else None


def _contest_of(conn: sqlite3.Connection, contest_id: int) -> Contest:
    """store.polls._contest_to_core of the contest row `contest_id`, its parties and candidates in their order."""
    from warroom.core.contestfile import rules_from_dict  # (light: stdlib and core.types)

    name, held, system, office, area, second, rules, notes, demo, prior, turnout, blank_null, registered = conn.execute(
        "SELECT name, election_date, system, office, area, second_round_date, rules_json, notes, demo, "
        "transfer_prior, expected_turnout, expected_blank_null, expected_registered FROM contest WHERE id = ?",
        (contest_id,),
    ).fetchone()
    parties = tuple(
        core.Party(_text(code), _text(pname), _text(colour))
        for code, pname, colour in conn.execute(
            "SELECT code, name, colour FROM party WHERE contest_id = ? ORDER BY position, id", (contest_id,)
        )
    )
    candidates = tuple(
        core.Candidate(_text(code), _text(cname), _maybe_text(party), _text(colour), _text(short), bool(withdrawn))
        for code, cname, party, colour, short, withdrawn in conn.execute(
            "SELECT code, name, party_code, colour, short_name, withdrawn FROM candidate WHERE contest_id = ? "
            "ORDER BY position, id",
            (contest_id,),
        )
    )
    return Contest(
        id=contest_id,
        name=_text(name),
        election_date=_day(held),
        system=core.CountingSystem(system),
        candidates=candidates,
        parties=parties,
        office=_text(office),
        area=_text(area),
        second_round_date=None if second is None else _day(second),
        rules=rules_from_dict(json.loads(rules)) if rules else None,
        notes=_text(notes),
        demo=bool(demo),
        transfer_prior=_text(prior or ""),
        expected=core.ExpectedTurnout.stored(turnout, blank_null, registered),
    )


def _folded(name: object) -> str:
    return " ".join(str(name).split()).casefold()


def _default_contest(conn: sqlite3.Connection) -> tuple[int, str] | None:
    """store.polls.get_contest without a key: the newest of the user's own contests, else the first demo."""
    row = conn.execute(
        "SELECT id, name FROM contest ORDER BY CASE WHEN demo THEN 1 ELSE 0 END, CASE WHEN demo THEN id ELSE -id END "
        "LIMIT 1"
    ).fetchone()
    return None if row is None else (int(row[0]), str(row[1]))


def _polls(conn: sqlite3.Connection, contest_id: int) -> list[Poll]:
    """store.polls.list_polls of the whole contest: the poll rows, their figures and their transfer splits."""
    figures: dict[int, dict[str, dict[str, float]]] = {}
    for pid, kind, code, share in conn.execute(
        "SELECT poll_id, kind, code, share FROM poll_figure "
        "WHERE poll_id IN (SELECT id FROM poll WHERE contest_id = ?)",
        (contest_id,),
    ):
        by_kind = figures.setdefault(pid, {k: {} for k in KINDS})
        if kind in by_kind:  # a kind this version does not know is left alone (as the store does)
            by_kind[kind][_text(code)] = _number(share)
    transfers: dict[int, list[TransferObservation]] = {}
    for pid, source, target, share in conn.execute(
        "SELECT poll_id, from_code, to_code, share FROM transfer_split "
        "WHERE poll_id IN (SELECT id FROM poll WHERE contest_id = ?)",
        (contest_id,),
    ):
        transfers.setdefault(pid, []).append(TransferObservation(_text(source), _text(target), _number(share)))
    polls = []
    for pid, pollster, client, start, end, published, n, method, url, notes in conn.execute(
        "SELECT id, pollster, client, fieldwork_start, fieldwork_end, published, sample_size, method, source_url, "
        "notes FROM poll WHERE contest_id = ? ORDER BY fieldwork_end, id",
        (contest_id,),
    ):
        fig = figures.get(pid)
        polls.append(
            Poll(
                pollster=_text(pollster),
                fieldwork_start=_day(start),
                fieldwork_end=_day(end),
                sample_size=None if n is None else _whole(n),
                first_round=fig["first"] if fig else {},
                second_round=fig["second"] if fig else {},
                party_vi=fig["party"] if fig else {},
                transfers=tuple(transfers.get(pid, ())),
                client=_text(client),
                published=None if published is None else _day(published),
                method=_text(method),
                source_url=_text(url),
                notes=_text(notes),
                id=int(pid),
            )
        )
    return polls


def _day(value: Any) -> date:
    if not isinstance(value, str):
        raise TypeError(f"a date column holds {value!r}")
    return date.fromisoformat(value)  # ValueError for anything the store would not have written


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"a text column holds {value!r}")
    return value


def _maybe_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"a share holds {value!r}")
    return float(value)


def _whole(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"a sample size holds {value!r}")
    return value
