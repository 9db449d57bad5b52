"""Repository functions: take a Session, return core types. The caller owns the transaction."""

from __future__ import annotations

import gc
import json
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import Select, Table, case, delete, func, insert, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, selectinload

from warroom.core.contestfile import rules_from_dict, rules_to_dict
from warroom.core.types import (
    MAX_CONTEST_EVENTS,
    NOTES_LIMIT,
    Annotation,
    Candidate,
    Contest,
    CountingSystem,
    ExpectedTurnout,
    Party,
    Poll,
    TransferObservation,
    clipped,
    firm_key,
    lookalike_key,
    without_invisibles,
)
from warroom.store.errors import StoreError
from warroom.store.schema import (
    AnnotationRow,
    CandidateRow,
    ContestRow,
    PartyRow,
    PollFigureRow,
    PollRow,
    RevisionRow,
    ScenarioRow,
    TransferRow,
)


class PollRejectedError(ValueError):
    """The store refused a poll. The message names the poll (pollster and dates), its line if known, and the field.

    Attributes:
        index: position of the poll in the batch given to add_polls (0-based), or None.
        line: the source line the caller gave for that poll, or None.
        field: the field at fault ("pollster", "sample_size", "first_round[ann]", ...).
        subject: how the message names the poll ("Acme 2024-01-01 to 2024-01-03"; "" if it does not), so that a
            caller whose own words already name it can say "it" instead of naming it twice.
    """

    def __init__(
        self, message: str, *, index: int | None = None, line: int | None = None, field: str = "", subject: str = ""
    ) -> None:
        super().__init__(message)
        self.index = index
        self.line = line
        self.field = field
        self.subject = subject


class DuplicatePollError(PollRejectedError):
    """A poll with the same pollster (ignoring case and outer spaces) and fieldwork dates is stored or repeated."""


class PollValueError(PollRejectedError):
    """A value no supported database can store as given (too long, out of range, NUL byte, not a number)."""


def _bump_statement() -> Any:
    return update(RevisionRow).where(RevisionRow.id == 1).values(revision=RevisionRow.revision + 1)


def bump_revision(session: Session) -> None:
    """Mark a change. Called first in every write so the write lock is taken before any read (no upgrade race)."""
    result = session.execute(_bump_statement())
    if result.rowcount == 0:  # type: ignore[attr-defined]
        session.add(RevisionRow(id=1, revision=1))


def never_written(session: Session) -> bool:
    """Whether nothing was ever written to the store since it was made: its change counter is still the 0 its
    first migration wrote (every write of the app bumps it first), or it has none."""
    return not session.scalar(select(RevisionRow.revision).where(RevisionRow.id == 1))


def lock_for_check(session: Session, poll_ids: Sequence[int] = ()) -> None:
    """Before a write checks what it is about to change (a teammate's newer edit refuses it): on PostgreSQL, take
    the store's write lock (the change counter's row, which every write of the app updates first) and lock the
    poll rows, so that the check reads what a concurrent writer commits rather than the version before it (the
    check passed, then the update waited for that writer's lock and wrote over its edit once committed). On SQLite
    a write transaction holds the whole store's write lock from BEGIN already."""
    if session.get_bind().dialect.name != "postgresql":
        return
    session.execute(select(RevisionRow.revision).where(RevisionRow.id == 1).with_for_update())
    ids = sorted({int(i) for i in poll_ids})
    for chunk in _chunks(ids):
        session.execute(select(PollRow.id).where(PollRow.id.in_(chunk)).order_by(PollRow.id).with_for_update())


def revision(session: Session) -> int:
    value = session.scalar(select(RevisionRow.revision).where(RevisionRow.id == 1))
    return int(value or 0)


# --- contests -------------------------------------------------------------------------------------------------


def _contest_to_core(row: ContestRow) -> Contest:
    return Contest(
        id=row.id,
        name=row.name,
        election_date=row.election_date,
        system=CountingSystem(row.system),
        candidates=tuple(
            Candidate(c.code, c.name, c.party_code, c.colour, c.short_name, bool(c.withdrawn)) for c in row.candidates
        ),
        parties=tuple(Party(p.code, p.name, p.colour) for p in row.parties),
        office=row.office,
        area=row.area,
        second_round_date=row.second_round_date,
        rules=rules_from_dict(json.loads(row.rules_json)) if row.rules_json else None,
        notes=row.notes,
        demo=bool(row.demo),
        transfer_prior=row.transfer_prior or "",
        expected=expected_of(row),
    )


def expected_of(row: ContestRow) -> ExpectedTurnout | None:
    """The contest's expected first round from its row's three columns (None: not set)."""
    return ExpectedTurnout.stored(row.expected_turnout, row.expected_blank_null, row.expected_registered)


def set_expected(row: ContestRow, contest: Contest) -> None:
    """The contest's expected first round into its row's three columns (all NULL: not set)."""
    row.expected_turnout, row.expected_blank_null, row.expected_registered = (
        contest.expected.columns() if contest.expected is not None else (None, None, None)
    )


def add_contest(session: Session, contest: Contest) -> int:
    """Store a new contest as given (store.contests.create_contest checks it first; use that for user input)."""
    bump_revision(session)
    row = ContestRow(
        name=contest.name,
        election_date=contest.election_date,
        system=contest.system.value,
        office=contest.office,
        area=contest.area,
        second_round_date=contest.second_round_date,
        rules_json=None if contest.rules is None else json.dumps(rules_to_dict(contest.rules), sort_keys=True),
        notes=contest.notes,
        demo=contest.demo,
        transfer_prior=contest.transfer_prior,
    )
    set_expected(row, contest)
    row.parties = [
        PartyRow(code=p.code, name=p.name, colour=p.colour, position=i) for i, p in enumerate(contest.parties)
    ]
    row.candidates = [
        CandidateRow(
            code=c.code,
            name=c.name,
            party_code=c.party,
            colour=c.colour,
            position=i,
            short_name=c.short_name,
            withdrawn=c.withdrawn,
        )
        for i, c in enumerate(contest.candidates)
    ]
    if session.get_bind().dialect.name == "sqlite":
        # Its creation time tells it from a race deleted and replaced under its id (contest_identity: SQLite reuses
        # the largest id). SQLite's CURRENT_TIMESTAMP keeps only the second, so a script deleting a race and making
        # another within it made the two alike: kept to the microsecond, in UTC as CURRENT_TIMESTAMP is.
        row.created_at = datetime.now(UTC).replace(tzinfo=None)
    session.add(row)
    session.flush()
    return row.id


def list_contests(session: Session) -> list[Contest]:
    stmt = select(ContestRow).options(selectinload(ContestRow.parties), selectinload(ContestRow.candidates))
    return [_contest_to_core(r) for r in session.scalars(stmt.order_by(ContestRow.election_date.desc(), ContestRow.id))]


def folded_name(name: str) -> str:
    """A contest name as `get_contest` looks one up: spacing, composition (NFC) and case aside."""
    return unicodedata.normalize("NFC", " ".join(name.split())).casefold()


def get_contest(session: Session, key: int | str | None = None) -> Contest | None:
    """A contest by id or name; with no key, the most recently created one of the user's own, else the first
    demo seeded (London 2012: a new store opens on the demo it always opened on, France 2022 a click away)."""
    stmt = select(ContestRow).options(selectinload(ContestRow.parties), selectinload(ContestRow.candidates))
    if isinstance(key, int):
        stmt = stmt.where(ContestRow.id == key)
    elif isinstance(key, str):
        stmt = stmt.where(ContestRow.name == key)
    else:
        own_first = case((ContestRow.demo.is_(True), 1), else_=0)
        newest_own = case((ContestRow.demo.is_(True), ContestRow.id), else_=-ContestRow.id)
        stmt = stmt.order_by(own_first, newest_own).limit(1)
    row = session.scalars(stmt).first()
    if row is None and isinstance(key, str) and key.strip():
        # Names are unique ignoring case (store.contests), so " london mayor 2012 " names one contest: found
        # as the window's picker would, not "no contest named ..." for a trailing space from a script.
        # Composed (NFC) too: a name pasted decomposed (a Mac's "e" + combining diaeresis) is the name it looks like.
        # A stored name holding a zero-width space or soft hyphen (drawn as nothing) is found typed without it; a
        # name typed with one is not the name (without_invisibles: on the stored side only).
        wanted = folded_name(key)
        names = session.execute(select(ContestRow.id, ContestRow.name)).all()
        ids = [cid for cid, name in names if folded_name(without_invisibles(name)) == wanted]
        if len(ids) == 1:
            return get_contest(session, int(ids[0]))
    return _contest_to_core(row) if row else None


def count_contests(session: Session) -> int:
    return len(session.scalars(select(ContestRow.id)).all())


def contest_identity(session: Session, contest_id: int) -> tuple[str, datetime | None] | None:
    """The name and creation time of the contest stored under `contest_id` now (None: there is none). The
    creation time tells a renamed contest (same) from one deleted and replaced under the same id (SQLite reuses
    the largest id)."""
    row = session.execute(select(ContestRow.name, ContestRow.created_at).where(ContestRow.id == contest_id)).first()
    return (str(row[0]), row[1]) if row is not None else None


# --- polls ----------------------------------------------------------------------------------------------------
#
# Polls are written and read set-based: a 10,000-poll import is a handful of executemany statements in the
# caller's transaction, and a contest's polls are read with three SELECTs (polls, figures, transfers) assembled
# in Python. No ORM objects are loaded per poll on these paths (issue 15: 28 s -> under 1.5 s, 3.0 s -> 0.1 s).

_POLL = cast(Table, PollRow.__table__)
_FIGURE = cast(Table, PollFigureRow.__table__)
_TRANSFER = cast(Table, TransferRow.__table__)
_FEW = 64
"""Polls read by id (list_polls(ids=...)) up to which the statements come from SQLAlchemy's compiled cache."""
_IN_CHUNK = 500  # values per IN (...) list: far below SQLite's 32,766 bound parameters and PostgreSQL's 65,535
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1  # INTEGER on PostgreSQL is 32-bit (SQLite would take up to 2^63 - 1)
_FIGURE_KINDS = (("first", "first_round"), ("second", "second_round"), ("party", "party_vi"))


def _limit(table: Any, column: str) -> int | None:
    """The declared length of a String column (None for Text): the schema stays the one source of the limits."""
    return getattr(table.c[column].type, "length", None)


_TEXT_LIMITS = {name: _limit(_POLL, name) for name in ("pollster", "client", "method", "source_url", "notes")}
_TEXT_LIMITS["notes"] = NOTES_LIMIT  # a Text column: core's rule for notes (validate_poll, Contest.problems)
_TEXT_LIMIT_ITEMS = tuple(_TEXT_LIMITS.items())
_CODE_LIMIT = _limit(_FIGURE, "code")
_TRANSFER_CODE_LIMIT = _limit(_TRANSFER, "from_code")


def _label(poll: Poll) -> str:
    """How a message names a poll; a pollster past the store's length (refused for it) quoted cut short."""
    return (
        f"{clipped(poll.pollster.strip(), 60)} {poll.fieldwork_start.isoformat()} to {poll.fieldwork_end.isoformat()}"
    )


def _where(index: int, lines: Sequence[int] | None, count: int) -> tuple[str, int | None]:
    """'line 12: ' when the caller gave lines, 'poll 3 of 40: ' in a batch, '' for a single poll."""
    if lines is not None:
        return f"line {lines[index]}: ", lines[index]
    if count > 1:
        return f"poll {index + 1} of {count}: ", None
    return "", None


def _text_problem(value: object, limit: int | None) -> str | None:
    if not isinstance(value, str):
        return f"must be text, not {type(value).__name__}"
    if limit is not None and len(value) > limit:
        return f"is {len(value)} characters long; the store keeps at most {limit}"
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "contains characters that are not valid Unicode text (lone surrogates)"
    if "\x00" in value:
        return "contains a NUL character (\\x00), which PostgreSQL cannot store"
    return None


def _share_problem(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"must be a number, not {type(value).__name__}"
    if isinstance(value, int) and not -(2**63) <= value < 2**63:  # the drivers bind 64-bit integers at most
        return "is out of range for a share (a whole number past 2^63)"
    if not math.isfinite(value):
        return f"is {value!r}; a share must be a finite number"
    return None


def _fits(poll: Poll, codes_seen: set[str]) -> bool:
    """A quick yes for the usual poll (ASCII text within limits, plain numbers); False means 'look closer'.

    Only an optimisation: _poll_problem() gives the verdict and the message. This one avoids about twenty
    function calls per poll on the way to the same answer for a well-formed poll.
    """
    for name, limit in _TEXT_LIMIT_ITEMS:
        value = getattr(poll, name)
        if type(value) is not str or (limit is not None and len(value) > limit) or not value.isascii():
            return False
        if "\x00" in value:
            return False
    if not poll.pollster.strip():
        return False
    if type(poll.fieldwork_start) is not date or type(poll.fieldwork_end) is not date:
        return False
    if poll.published is not None and type(poll.published) is not date:
        return False
    n = poll.sample_size
    if n is not None and (type(n) is not int or not _INT_MIN <= n <= _INT_MAX):
        return False
    for figures in (poll.first_round, poll.second_round, poll.party_vi):
        for code, share in figures.items():
            if code not in codes_seen:
                if _text_problem(code, _CODE_LIMIT) is not None:
                    return False
                codes_seen.add(code)
            if type(share) is float:
                if share - share != 0.0:  # NaN or an infinity
                    return False
            elif type(share) is not int or not -(2**63) <= share < 2**63:
                return False
    return not poll.transfers  # rare: checked the long way


def _poll_problem(poll: Poll) -> tuple[str, str] | None:
    """The first field of `poll` that the store cannot hold as given, as (field, message); None if all fit."""
    for name, limit in _TEXT_LIMITS.items():
        value = getattr(poll, name)
        problem = _text_problem(value.strip() if name == "pollster" and isinstance(value, str) else value, limit)
        if problem:
            return name, problem
    if not poll.pollster.strip():
        return "pollster", "is empty"
    for name in ("fieldwork_start", "fieldwork_end", "published"):
        value = getattr(poll, name)
        if not (value is None and name == "published") and (not isinstance(value, date) or isinstance(value, datetime)):
            return name, f"must be a date, not {type(value).__name__}"
    n = poll.sample_size
    if n is not None:
        if isinstance(n, bool) or not isinstance(n, int):
            return "sample_size", f"must be a whole number, not {type(n).__name__}"
        if not _INT_MIN <= n <= _INT_MAX:
            return "sample_size", f"{n:,} is out of range (the store keeps whole numbers up to {_INT_MAX:,})"
    for _kind, attr in _FIGURE_KINDS:
        for code, share in getattr(poll, attr).items():
            problem = _text_problem(code, _CODE_LIMIT) or _share_problem(share)
            if problem:
                return f"{attr}[{code!r}]", problem
    for t in poll.transfers:
        problem = (
            _text_problem(t.from_candidate, _TRANSFER_CODE_LIMIT)
            or _text_problem(t.to_candidate, _TRANSFER_CODE_LIMIT)
            or _share_problem(t.share)
        )
        if problem:
            return f"transfers[{t.from_candidate!r}->{t.to_candidate!r}]", problem
    return None


def check_polls(polls: Sequence[Poll], lines: Sequence[int] | None = None) -> None:
    """Raise PollValueError for the first poll with a value the store cannot hold (every backend, not just SQLite).

    SQLite would take an over-long pollster or a sample size past 2^31 that PostgreSQL refuses mid-transaction
    with a bare driver error; checking first names the poll, its line and the field instead.

    Args:
        polls: the polls about to be written.
        lines: the source line of each poll, when the caller read them from a file.

    Raises:
        PollValueError: naming the poll (pollster and dates), its line if given, and the field.
    """
    codes_seen: set[str] = set()
    for i, poll in enumerate(polls):
        if _fits(poll, codes_seen):
            continue
        found = _poll_problem(poll)
        if found is not None:
            field, message = found
            where, line = _where(i, lines, len(polls))
            raise PollValueError(f"{where}{_label(poll)}: {field} {message}", index=i, line=line, field=field)


def _chunks(values: Sequence[Any], size: int = _IN_CHUNK) -> Iterator[Sequence[Any]]:
    for k in range(0, len(values), size):
        yield values[k : k + size]


def _stored_keys(session: Session, contest_id: int, ends: Iterable[date]) -> dict[tuple[str, date, date], int]:
    """Stored polls of the contest ending on any of `ends`, by Poll.key(): candidates found through the indexes."""
    found: dict[tuple[str, date, date], int] = {}
    for chunk in _chunks(sorted(set(ends))):
        # `contest_id + 0`, not the bare column: SQLite (no ANALYZE statistics) would otherwise walk the unique
        # (contest, pollster, dates) index through every poll of the contest (100,000 polls: 40 ms per add)
        # instead of looking the few dates up in the fieldwork-end index (under a millisecond).
        stmt = select(_POLL.c.id, _POLL.c.pollster, _POLL.c.fieldwork_start, _POLL.c.fieldwork_end).where(
            (_POLL.c.contest_id + 0) == contest_id, _POLL.c.fieldwork_end.in_(chunk)
        )
        for pid, pollster, start, end in session.execute(stmt).all():
            found.setdefault((firm_key(pollster), start, end), int(pid))  # as Poll.key()
    return found


def _check_duplicates(session: Session, contest_id: int, polls: Sequence[Poll], lines: Sequence[int] | None) -> None:
    """One pass over the batch (repeats within it), then one indexed look-up per 500 fieldwork end dates."""
    first_at: dict[tuple[str, date, date], int] = {}
    for i, poll in enumerate(polls):
        key = poll.key()
        if key in first_at:
            j = first_at[key]
            where, line = _where(i, lines, len(polls))
            earlier = f"line {lines[j]}" if lines is not None else f"poll {j + 1}"
            raise DuplicatePollError(
                f"{where}{_label(poll)} repeats {earlier} (same pollster and fieldwork dates)",
                index=i,
                line=line,
                field="pollster",
                subject=_label(poll),
            )
        first_at[key] = i
    stored = _stored_keys(session, contest_id, (p.fieldwork_end for p in polls))
    for key, i in first_at.items():
        if key in stored:
            where, line = _where(i, lines, len(polls))
            raise DuplicatePollError(
                f"{where}{_label(polls[i])} is already stored (poll #{stored[key]})",
                index=i,
                line=line,
                field="pollster",
                subject=_label(polls[i]),
            )


def _poll_values(contest_id: int, poll: Poll) -> dict[str, Any]:
    return {
        "contest_id": contest_id,
        "pollster": poll.pollster.strip(),
        "client": poll.client,
        "fieldwork_start": poll.fieldwork_start,
        "fieldwork_end": poll.fieldwork_end,
        "published": poll.published,
        "sample_size": poll.sample_size,
        "method": poll.method,
        "source_url": poll.source_url,
        "notes": poll.notes,
    }


_FIGURE_COLUMNS = ("poll_id", "kind", "code", "share")
_TRANSFER_COLUMNS = ("poll_id", "from_code", "to_code", "share")


def _children(poll_id: int, poll: Poll, figures: list[tuple[Any, ...]], transfers: list[tuple[Any, ...]]) -> None:
    """Append the figure and transfer rows of a poll, as tuples in _FIGURE_COLUMNS / _TRANSFER_COLUMNS order."""
    for kind, attr in _FIGURE_KINDS:
        figures.extend((poll_id, kind, code, float(share)) for code, share in getattr(poll, attr).items())
    transfers.extend((poll_id, t.from_candidate, t.to_candidate, float(t.share)) for t in poll.transfers)


def _insert_plain(session: Session, table: Table, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Insert rows of integers, floats and text in the session's transaction, the fastest way for the backend.

    On SQLite, executemany straight on the driver: SQLAlchemy prepares each parameter set in Python (about two
    microseconds a row), a third of the time of a 10,000-poll import whose 100,000 figure rows need no
    conversion at all. On PostgreSQL with psycopg, COPY. Driver errors come out as SQLAlchemy's DBAPIError, as
    from any other statement, so translated() explains them the same way.
    """
    if not rows:
        return
    conn = session.connection()
    dbapi = conn.dialect.loaded_dbapi
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        # psycopg's executemany costs some 50 microseconds a row in Python; COPY streams the rows (about 2).
        cursor = conn.connection.cursor()
        sql = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
        try:
            with cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
        except dbapi.Error as exc:
            raise DBAPIError.instance(sql, None, exc, dbapi.Error) from exc
        finally:
            cursor.close()
        return
    if conn.dialect.name != "sqlite":
        session.execute(insert(table), [dict(zip(columns, r, strict=True)) for r in rows])
        return
    sql, order = _plain_insert_sql(conn.dialect, table, columns)
    args: list[Any]
    if order is None:
        args = [dict(zip(columns, r, strict=True)) for r in rows]
    else:
        args = rows if order == list(range(len(columns))) else [tuple(r[k] for k in order) for r in rows]
    cursor = conn.connection.cursor()
    try:
        cursor.executemany(sql, args)
    except dbapi.Error as exc:
        raise DBAPIError.instance(sql, None, exc, dbapi.Error) from exc
    finally:
        cursor.close()


_PLAIN_SQL: dict[tuple[str, str, str, tuple[str, ...]], tuple[str, list[int] | None]] = {}
"""_insert_plain's statements as compiled for a dialect: compiling one took half a millisecond of every add."""


def _plain_insert_sql(dialect: Any, table: Table, columns: tuple[str, ...]) -> tuple[str, list[int] | None]:
    """The INSERT of `columns` into `table` as `dialect` writes it, and the order of its positional parameters
    (positions in `columns`; None: named parameters). Compiled once per kind of database, parameter style,
    table and columns (what the text depends on)."""
    key = (dialect.name, dialect.paramstyle, table.name, columns)
    found = _PLAIN_SQL.get(key)
    if found is None:
        compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
        order = [columns.index(name) for name in compiled.positiontup or ()] if compiled.positional else None
        found = _PLAIN_SQL[key] = (str(compiled), order)
    return found


def add_polls(
    session: Session, contest_id: int, polls: Sequence[Poll], *, lines: Sequence[int] | None = None
) -> list[int]:
    """Insert polls in the caller's transaction, all or nothing; returns their ids in the order given.

    Every poll is checked before anything is written: values every backend can store (check_polls),
    no repeat within the batch, none already stored (same pollster ignoring case and outer spaces, same
    fieldwork dates). A poll that carries an id no stored poll has keeps it (an undone delete comes back
    under its own id); any other poll gets a new one.

    Args:
        session: the session whose transaction the caller commits or rolls back.
        contest_id: the contest the polls belong to.
        polls: the polls to insert.
        lines: optional source line of each poll, so that errors can name it.

    Raises:
        PollValueError: a value the store cannot hold (names the poll, line and field).
        DuplicatePollError: a repeated or already stored poll; the caller rolls back.
    """
    if lines is not None and len(lines) != len(polls):
        raise ValueError(f"add_polls: {len(lines)} line numbers for {len(polls)} polls")
    bump_revision(session)
    if not polls:
        return []
    with _gc_paused():
        return _insert_polls(session, contest_id, polls, lines)


def _insert_polls(session: Session, contest_id: int, polls: Sequence[Poll], lines: Sequence[int] | None) -> list[int]:
    check_polls(polls, lines)
    _check_duplicates(session, contest_id, polls, lines)

    wanted = sorted({p.id for p in polls if p.id is not None})
    taken: set[int] = set()
    for chunk in _chunks(wanted):
        taken.update(session.scalars(select(_POLL.c.id).where(_POLL.c.id.in_(chunk))))
    ids: list[int | None] = [None] * len(polls)
    kept_rows: list[dict[str, Any]] = []
    new_rows: list[dict[str, Any]] = []
    new_at: dict[tuple[str, date, date], int] = {}
    for i, poll in enumerate(polls):
        values = _poll_values(contest_id, poll)
        # A poll that comes back (undo of a delete, redo of an add) keeps its old id, so later
        # history entries that name it stay valid.
        if poll.id is not None and poll.id not in taken:
            taken.add(poll.id)
            ids[i] = poll.id
            kept_rows.append({"id": poll.id, **values})
        else:
            new_at[(values["pollster"], poll.fieldwork_start, poll.fieldwork_end)] = i
            new_rows.append(values)
    try:
        if kept_rows:
            session.execute(insert(_POLL), kept_rows)
        if new_rows:
            # RETURNING the unique key as well as the id: rows come back in whatever order the backend
            # likes, and the key (unique in the batch, checked above) says which poll each id belongs to.
            for pid, pollster, start, end in session.execute(_insert_returning(), new_rows):
                ids[new_at[(pollster, start, end)]] = int(pid)
    except IntegrityError as exc:
        if _POLL_KEY_TAKEN.search(str(exc.orig)):  # warroom's own rule, not an index a user added (named by translate)
            raise DuplicatePollError(
                f"a poll in this batch was stored by another writer meanwhile ({exc.orig}); nothing was saved",
                field="pollster",
            ) from exc
        raise
    figures: list[tuple[Any, ...]] = []
    transfers: list[tuple[Any, ...]] = []
    for pid, poll in zip(ids, polls, strict=True):
        assert pid is not None  # every row was inserted above
        _children(pid, poll, figures, transfers)
    _insert_plain(session, _FIGURE, _FIGURE_COLUMNS, figures)
    _insert_plain(session, _TRANSFER, _TRANSFER_COLUMNS, transfers)
    return [pid for pid in ids if pid is not None]


_POLL_KEY_TAKEN = re.compile(
    r'"uq_poll_contest_id"|UNIQUE constraint failed: poll\.contest_id, poll\.pollster, poll\.fieldwork_start, '
    r"poll\.fieldwork_end\b"
)
"""The store refusing a poll by warroom's own unique key (contest, pollster, fieldwork), as PostgreSQL (by the
constraint's name) and SQLite (by its columns) word it; a unique index a user added is another rule."""


def _insert_returning() -> Any:
    return insert(_POLL).returning(_POLL.c.id, _POLL.c.pollster, _POLL.c.fieldwork_start, _POLL.c.fieldwork_end)


def _edit_statements(poll_id: int, values: dict[str, Any]) -> list[Any]:
    """update_poll's statements after its checks: the poll's own values, then its old figures and transfers out."""
    return [
        update(_POLL).where(_POLL.c.id == poll_id).values(**values),
        delete(_FIGURE).where(_FIGURE.c.poll_id == poll_id),
        delete(_TRANSFER).where(_TRANSFER.c.poll_id == poll_id),
    ]


def _delete_statements(chunk: Sequence[int]) -> list[Any]:
    """delete_polls' statements for one chunk of ids, children first (the poll's row's result is counted)."""
    return [
        delete(PollFigureRow).where(PollFigureRow.poll_id.in_(chunk)),
        delete(TransferRow).where(TransferRow.poll_id.in_(chunk)),
        delete(PollRow).where(PollRow.id.in_(chunk)),
    ]


def spare_poll_ids(session: Session, n: int = 8) -> list[int]:
    """Ids a new poll can take, for a writer that shows its polls before storing them (under these ids).

    PostgreSQL: taken from the poll id sequence (nextval), so nobody else is ever given them (unused ones are
    gaps). SQLite: the next `n` ids after every id used so far (AUTOINCREMENT's counter and the largest id); not
    held for us, so another program may take one first: add_polls then gives that poll a new id (the caller
    takes it from the ids add_polls returns).
    """
    if session.get_bind().dialect.name == "postgresql":
        stmt = text("SELECT nextval(pg_get_serial_sequence('poll', 'id')) FROM generate_series(1, :n)")
        return [int(i) for i in session.scalars(stmt, {"n": n})]
    top = session.execute(
        text(
            "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'poll'), 0),"
            " coalesce((SELECT max(id) FROM poll), 0))"
        )
    ).scalar()
    return list(range(int(top or 0) + 1, int(top or 0) + 1 + n))


def add_poll(session: Session, contest_id: int, poll: Poll) -> int:
    return add_polls(session, contest_id, [poll])[0]


def _find_duplicate(session: Session, contest_id: int, poll: Poll, exclude: int | None = None) -> int | None:
    # `contest_id + 0`: not the index that starts with contest_id (every poll of the contest, 40 ms at 100,000)
    # but the fieldwork-end index (the few polls of that day), as the bulk check above does
    stmt = select(PollRow.id, PollRow.pollster).where(
        (PollRow.contest_id + 0) == contest_id,
        PollRow.fieldwork_start == poll.fieldwork_start,
        PollRow.fieldwork_end == poll.fieldwork_end,
    )
    for pid, pollster in session.execute(stmt):
        if pid != exclude and firm_key(pollster) == firm_key(poll.pollster):  # as Poll.key(): one firm
            return int(pid)
    return None


def update_poll(session: Session, poll: Poll) -> None:
    if poll.id is None:
        raise ValueError("update_poll needs a stored poll (id is None)")
    check_polls([poll])
    bump_revision(session)
    # its contest through Core, not session.get(PollRow): no ORM object loaded (and then expired) per edit
    contest_id = session.execute(select(_POLL.c.contest_id).where(_POLL.c.id == poll.id)).scalar()
    if contest_id is None:
        raise KeyError(f"poll #{poll.id} no longer exists (deleted elsewhere?)")
    dup = _find_duplicate(session, contest_id, poll, exclude=poll.id)
    if dup is not None:
        raise DuplicatePollError(
            f"another poll by {poll.pollster} has the same fieldwork dates (poll #{dup})", field="pollster"
        )
    values = _poll_values(contest_id, poll)
    del values["contest_id"]
    for stmt in _edit_statements(poll.id, values):
        session.execute(stmt)
    figures: list[tuple[Any, ...]] = []
    transfers: list[tuple[Any, ...]] = []
    _children(poll.id, poll, figures, transfers)
    _insert_plain(session, _FIGURE, _FIGURE_COLUMNS, figures)
    _insert_plain(session, _TRANSFER, _TRANSFER_COLUMNS, transfers)
    # an ORM copy of the row loaded earlier in this session (none is, on the app's paths) is stale now
    stale = session.identity_map.get(session.identity_key(PollRow, poll.id))  # type: ignore[no-untyped-call]
    if stale is not None:
        session.expire(stale)


def delete_polls(session: Session, poll_ids: Iterable[int]) -> int:
    bump_revision(session)
    ids = list(poll_ids)
    deleted = 0
    for chunk in _chunks(ids):
        *children, rows = _delete_statements(chunk)
        for stmt in children:
            session.execute(stmt)
        result = session.execute(rows)
        deleted += int(result.rowcount)  # type: ignore[attr-defined]
    return deleted


def _raw_rows(session: Session, stmt: Select[Any]) -> list[tuple[Any, ...]]:
    """Rows of `stmt` as the driver's own tuples, in the session's transaction, with no result processing.

    Only for statements whose parameters and columns need no conversion (integers, floats, text): SQLAlchemy's
    Row objects cost about a microsecond each, which is half the time of reading 100,000 poll figures.
    """
    conn = session.connection()
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.params
    args: Any = tuple(params[name] for name in compiled.positiontup or ()) if compiled.positional else params
    dbapi = conn.dialect.loaded_dbapi
    cursor = conn.connection.cursor()
    try:
        cursor.execute(str(compiled), args)
        return list(cursor.fetchall())
    except dbapi.Error as exc:
        raise DBAPIError.instance(str(compiled), None, exc, dbapi.Error) from exc
    finally:
        cursor.close()


def count_polls(session: Session, contest_id: int) -> int:
    """How many polls the contest holds (one indexed count: milliseconds at 100,000 polls, where reading them takes
    seconds)."""
    return int(session.scalar(select(func.count()).select_from(_POLL).where(_POLL.c.contest_id == contest_id)) or 0)


def list_polls(
    session: Session, contest_id: int, *, since: date | None = None, ids: Sequence[int] | None = None
) -> list[Poll]:
    """The contest's polls, by fieldwork end then id: three SELECTs (polls, figures, transfers) put together here.

    Args:
        session: an open session.
        contest_id: the contest.
        since: only polls whose fieldwork ended on or after this day.
        ids: only these polls.
    """
    c = _POLL.c
    head = select(
        c.id, c.pollster, c.client, c.fieldwork_start, c.fieldwork_end, c.published, c.sample_size, c.method,
        c.source_url, c.notes,
    ).where(c.contest_id == contest_id).order_by(c.fieldwork_end, c.id)  # fmt: skip
    if since is not None:
        head = head.where(c.fieldwork_end >= since)
    chunks = [None] if ids is None else list(_chunks(sorted(set(ids))))
    # A few polls (the one just added or edited) through SQLAlchemy's cache of compiled statements; many through
    # the driver's own rows (compiled afresh each time, which costs less than a Row object per figure of them).
    few = ids is not None and len(ids) <= _FEW
    rows: list[Any] = []
    with _gc_paused():
        for chunk in chunks:
            stmt = head if chunk is None else head.where(c.id.in_(chunk))
            if since is None and not few:  # integer parameters only: the driver's rows, dates converted here
                rows.extend(_with_dates(_raw_rows(session, stmt)))
            else:
                rows.extend(session.execute(stmt).all())
        if not rows:
            return []
        polls = _assemble(session, rows, contest_id, whole_contest=since is None and ids is None, few=few)
    if len(chunks) > 1:  # each chunk came back in order, the chunks themselves do not
        polls.sort(key=lambda p: (p.fieldwork_end, p.id or 0))
    return polls


def _day(value: Any) -> date | None:
    """A date column's value as the driver gives it (PostgreSQL: a date; SQLite: 'YYYY-MM-DD' text)."""
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:  # not written by this app: read it as SQLAlchemy would (year-month-day, any padding)
        year, month, day = (int(part) for part in value[:10].split("-"))
        return date(year, month, day)


def _with_dates(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Poll rows from the driver with their three date columns (3, 4, 5) as dates.

    A contest's polls share a few hundred distinct days, so each text is parsed once (a cache per call).
    """
    texts = {r[3] for r in rows} | {r[4] for r in rows} | {r[5] for r in rows}
    day = {text: _day(text) for text in texts}
    return [(r[0], r[1], r[2], day[r[3]], day[r[4]], day[r[5]], *r[6:]) for r in rows]


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a large batch of objects is built.

    Building 10,000 polls makes some 300,000 objects, none of them garbage; the collector would walk the whole
    heap several times meanwhile (a third of list_polls' time in a full app). Reference counting still frees
    everything as usual; collection resumes, and catches up, at the end.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _assemble(
    session: Session, rows: list[Any], contest_id: int, *, whole_contest: bool, few: bool = False
) -> list[Poll]:
    """Polls from their poll rows (in order), with figures and transfers read in one SELECT each (per chunk).
    `few`: a handful of polls, read through SQLAlchemy's compiled-statement cache (see list_polls)."""
    c = _POLL.c

    def fetch(stmt: Select[Any]) -> Sequence[Any]:
        return session.execute(stmt).all() if few else _raw_rows(session, stmt)

    def scopes(poll_id: Any) -> list[Any]:
        """Conditions on a child table's poll_id that select the children of exactly the polls in `rows`."""
        if whole_contest:
            return [poll_id.in_(select(c.id).where(c.contest_id == contest_id))]
        return [poll_id.in_(chunk) for chunk in _chunks(sorted(row[0] for row in rows))]

    f = _FIGURE.c
    figures: dict[int, dict[str, dict[str, float]]] = {}
    for scope in scopes(f.poll_id):
        current = None
        by_kind: dict[str, dict[str, float]] = {}
        for pid, kind, code, share in fetch(select(f.poll_id, f.kind, f.code, f.share).where(scope)):
            if pid != current:  # a poll's figures come together (the poll_id index), but need not
                current = pid
                if pid in figures:
                    by_kind = figures[pid]
                else:
                    by_kind = figures[pid] = {"first": {}, "second": {}, "party": {}}
            target = by_kind.get(kind)
            if target is not None:  # a kind this version does not know is left alone
                target[code] = share
    t = _TRANSFER.c
    transfers: dict[int, list[TransferObservation]] = {}
    for scope in scopes(t.poll_id):
        for pid, from_code, to_code, share in fetch(select(t.poll_id, t.from_code, t.to_code, t.share).where(scope)):
            transfers.setdefault(pid, []).append(TransferObservation(from_code, to_code, share))
    polls = []
    new, no_transfers = object.__new__, ()
    for pid, pollster, client, start, end, published, n, method, url, notes in cast(Iterable[tuple[Any, ...]], rows):
        fig = figures.get(pid)
        splits = transfers.get(pid)
        poll = new(Poll)
        # The fields set directly (Poll is a frozen dataclass without slots): its generated __init__ sets
        # fourteen attributes through object.__setattr__, which was a sixth of list_polls' time at 10,000
        # polls. Every value here is already of its field's type; __post_init__'s one job, transfers in
        # canonical order, is done below. tests/store/test_store_scale.py checks the result equals Poll(...).
        vars(poll).update(
            pollster=pollster,
            fieldwork_start=start,
            fieldwork_end=end,
            sample_size=n,
            first_round=fig["first"] if fig is not None else {},
            second_round=fig["second"] if fig is not None else {},
            party_vi=fig["party"] if fig is not None else {},
            transfers=no_transfers if splits is None else tuple(sorted(splits, key=_transfer_order)),
            client=client,
            published=published,
            method=method,
            source_url=url,
            notes=notes,
            id=pid,
        )
        polls.append(poll)
    return polls


def _transfer_order(t: TransferObservation) -> tuple[str, str]:
    """Poll.__post_init__'s canonical order of transfers."""
    return (t.from_candidate, t.to_candidate)


WarmUpStep = Callable[[Session], None]


def warm_up_steps(contest_id: int) -> list[WarmUpStep]:
    """The statements a first one-poll add, edit or delete of the contest runs, as small steps that each run
    (reads) or compile (writes) one or two of them, reading only, results dropped.

    The first add after opening a store otherwise compiles each of them (SQLAlchemy caches a compiled statement
    per engine once it has run): 10-30 ms of CPU more than every later add, in the click that makes it. Run the
    steps at idle moments after a contest is opened, each in its own session (one per turn of the event loop:
    none holds the window for more than a few milliseconds). The writes are compiled on SQLite only, on a
    connection made query-only meanwhile (PRAGMA query_only): SQLAlchemy compiles and caches each, SQLite then
    refuses to run it, so nothing is written and no lock is taken.
    """
    sample: dict[str, Any] = {}

    def stored(session: Session) -> tuple[int, Poll] | None:
        """A stored poll of the contest to look up (its id, and a poll with its dates), None if it has none."""
        if "poll" not in sample:
            row = session.execute(
                select(_POLL.c.id, _POLL.c.fieldwork_start, _POLL.c.fieldwork_end)
                .where(_POLL.c.contest_id == contest_id)
                .limit(1)
            ).first()
            sample["poll"] = (
                None
                if row is None
                else (int(row[0]), Poll("", _day(row[1]) or date.today(), _day(row[2]) or date.today(), None))
            )
        return cast("tuple[int, Poll] | None", sample["poll"])

    def identity(session: Session) -> None:
        conn = session.connection()
        for table, columns in ((_FIGURE, _FIGURE_COLUMNS), (_TRANSFER, _TRANSFER_COLUMNS)):
            _plain_insert_sql(conn.dialect, table, columns)
        contest_identity(session, contest_id)
        revision(session)

    def read_back(session: Session) -> None:
        if (found := stored(session)) is not None:
            list_polls(session, contest_id, ids=[found[0]])

    def duplicates(session: Session) -> None:
        if (found := stored(session)) is not None:
            _stored_keys(session, contest_id, [found[1].fieldwork_end])
            session.execute(select(_POLL.c.contest_id).where(_POLL.c.id == found[0])).scalar()  # update's look-up
            _find_duplicate(session, contest_id, found[1], exclude=found[0])  # (with an edited poll's dates)

    def compiled(which: str) -> WarmUpStep:
        def step(session: Session) -> None:
            conn = session.connection()
            found = stored(session)
            if found is None or conn.dialect.name != "sqlite":
                return
            pid, probe = found
            values = _poll_values(contest_id, probe)
            edit = {k: v for k, v in values.items() if k != "contest_id"}
            plans: dict[str, list[tuple[Any, Any]]] = {
                "add": [(_bump_statement(), None), (_insert_returning(), [values])],
                "edit": [(stmt, None) for stmt in _edit_statements(pid, edit)],
                "delete": [(stmt, None) for stmt in _delete_statements([pid])],
            }
            statements = plans[which]
            conn.exec_driver_sql("PRAGMA query_only = ON")
            try:
                for stmt, params in statements:
                    try:
                        session.execute(stmt, params)
                    except DBAPIError as exc:
                        if "readonly" not in str(exc.orig).lower():
                            raise
                    else:  # pragma: no cover - SQLite ran a write on a query-only connection
                        raise RuntimeError("warm_up: a write ran on a read-only connection")
            finally:
                conn.exec_driver_sql("PRAGMA query_only = OFF")

        return step

    return [identity, read_back, duplicates, compiled("add"), compiled("edit"), compiled("delete")]


def warm_up(session: Session, contest_id: int) -> None:
    """Every step of warm_up_steps in one session (scripts, tests, the benchmark)."""
    for step in warm_up_steps(contest_id):
        step(session)


# --- annotations ----------------------------------------------------------------------------------------------


def add_annotation(session: Session, contest_id: int, annotation: Annotation) -> int:
    """Store an event marker of race `contest_id`.

    Raises:
        ValueError: the race holds MAX_CONTEST_EVENTS markers already (nothing added).
    """
    held = session.scalar(select(func.count(AnnotationRow.id)).where(AnnotationRow.contest_id == contest_id)) or 0
    if held >= MAX_CONTEST_EVENTS:  # every marker is a line on every chart, drawn on the GUI thread
        raise ValueError(
            f"this race has {held:,} event markers, at most {MAX_CONTEST_EVENTS} a race may hold; remove some first "
            "(nothing was added)"
        )
    bump_revision(session)
    row = AnnotationRow(contest_id=contest_id, day=annotation.when, text=annotation.text)
    session.add(row)
    session.flush()
    return row.id


def delete_annotation(session: Session, contest_id: int, annotation_id: int) -> None:
    """Delete race `contest_id`'s event marker `annotation_id`. A number that is not one of that race's markers (a
    marker of another race: numbers are reused once deleted) is refused and nothing is deleted."""
    bump_revision(session)
    result = session.execute(
        delete(AnnotationRow).where(AnnotationRow.id == annotation_id, AnnotationRow.contest_id == contest_id)
    )
    if int(result.rowcount) == 0:  # type: ignore[attr-defined]
        owner = session.scalar(select(AnnotationRow.contest_id).where(AnnotationRow.id == annotation_id))
        if owner is not None:
            stmt = select(ContestRow.id, ContestRow.name).where(ContestRow.id.in_([owner, contest_id]))
            names = {r[0]: r[1] for r in session.execute(stmt)}
            raise StoreError(
                f"event marker number {annotation_id} is one of the contest {names.get(owner, owner)!r}'s markers, "
                f"not of {names.get(contest_id, contest_id)!r}'s: nothing was deleted",
                kind="conflict",
            )


def list_annotations(session: Session, contest_id: int) -> list[Annotation]:
    stmt = select(AnnotationRow).where(AnnotationRow.contest_id == contest_id).order_by(AnnotationRow.day)
    return [Annotation(r.day, r.text, r.id) for r in session.scalars(stmt)]


# --- saved scenarios (stored as JSON documents; the core owns their meaning) ----------------------------------


def save_scenario(
    session: Session, contest_id: int, name: str, baseline: dict[str, Any], settings: dict[str, Any]
) -> int:
    bump_revision(session)
    row = session.scalars(
        select(ScenarioRow).where(ScenarioRow.contest_id == contest_id, ScenarioRow.name == name)
    ).first()
    if row is None:
        # A new name that looks like a saved one (case, spacing, fullwidth or Cyrillic letters: "Plan А" beside
        # "Plan A") would be a second entry drawn alike in every list, the one picked showing the other's figures.
        key = lookalike_key(name)
        stored = select(ScenarioRow.name).where(ScenarioRow.contest_id == contest_id)
        twin = next((n for n in session.scalars(stored) if lookalike_key(n) == key), None)
        if twin is not None:
            raise StoreError(
                f"the scenario name {name!a} looks like the saved scenario {twin!a} (they differ only in case, "
                "spacing or look-alike letters): save under that name to replace it (on the command line with "
                "--replace), or choose another name; nothing was saved",
                kind="input",
            )
        row = ScenarioRow(contest_id=contest_id, name=name)
        session.add(row)
    row.baseline_json = json.dumps(baseline, sort_keys=True)
    row.settings_json = json.dumps(settings, sort_keys=True)
    session.flush()
    return row.id


def list_scenarios(session: Session, contest_id: int) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """The contest's saved scenarios as (name, baseline record, settings record), by name. A record whose stored
    text does not read as JSON (edited outside warroom) is given as that text, which is no JSON object: each
    reader then names the scenario as unreadable and leaves it out (SavedScenario.from_dicts, the saved-case
    readers). It had raised here, so one such record hid every saved scenario of the race, unnamed."""
    stmt = select(ScenarioRow).where(ScenarioRow.contest_id == contest_id).order_by(ScenarioRow.name)
    return [(r.name, stored_record(r.baseline_json), stored_record(r.settings_json)) for r in session.scalars(stmt)]


def stored_record(text: Any) -> Any:
    """A saved scenario's stored JSON record, or its text as it is when it is not JSON (see list_scenarios)."""
    try:
        return json.loads(text)
    except (TypeError, ValueError, RecursionError):  # (json recurses once per level of [ or {)
        return text


def delete_scenario(session: Session, contest_id: int, name: str) -> None:
    bump_revision(session)
    session.execute(delete(ScenarioRow).where(ScenarioRow.contest_id == contest_id, ScenarioRow.name == name))


def check_new_polls(
    session: Session, contest_id: int, polls: Sequence[Poll], lines: Sequence[int] | None = None
) -> None:
    """Every check add_polls makes (values every backend can hold, no repeat, none already stored), writing
    nothing: a dry run that refuses exactly what the import would, on a read-only store too.

    Raises:
        PollValueError, DuplicatePollError: as add_polls.
    """
    check_polls(polls, lines)
    _check_duplicates(session, contest_id, polls, lines)
