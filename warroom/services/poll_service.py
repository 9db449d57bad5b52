"""PollService: the one door to the poll store for the GUI.

Writes are small single transactions. Given a StoreWriter (the app's), the window's poll and scenario writes run
on its thread, in order, and the GUI thread never waits on the database: each change is shown at once and marked
pending (polls added get provisional negative ids until stored), confirmed when the write lands, and taken back
on screen with a message naming what and where if it fails (with every later change still pending, which was
built on it); the input is kept in the failure for the user to try again. Without a writer (scripts, the CLI,
tests that want it), each write runs on the caller's thread and its error is raised to the caller. A timer
watches the store's change counter so that writes by another process or a teammate appear within a second.
"""

from __future__ import annotations

import bisect
import contextlib
import json
import operator
from collections import Counter, deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from itertools import chain
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QTimer, Signal
from sqlalchemy.orm import Session, sessionmaker

from warroom.core.csvformat import (
    CsvFormatError,
    ParseResult,
    contest_of_codes,
    parse_polls_csv,
    pasted_table_to_csv,
    polls_to_csv,
)
from warroom.core.forecast import ForecastErrors
from warroom.core.infile import decode_csv_bytes
from warroom.core.pipeline import PriorSource
from warroom.core.types import Annotation, Contest, OfficialResult, Poll
from warroom.core.validation import (
    AllowedCodes,
    codes_cover,
    codes_not_allowed,
    codes_union,
    contest_codes,
    event_date_problem,
    poll_problems,
    today_somewhere,
)
from warroom.paths import read_input_file, write_private_atomic
from warroom.services.store_writer import StoreWriter
from warroom.services.worker_threads import WorkerRun, WorkProgress
from warroom.store import contests as contests_repo
from warroom.store import polls as repo
from warroom.store.db import StoreError, limit_lock_wait, refuse_changed_schema, translated

T = TypeVar("T")
WARM_UP_AFTER_MS = 1500
"""How long after the first contest is opened the first write's statements are compiled (_warm_up): after the
window's first paint and its averages on a two-core laptop, at 10,000 polls too (bench_scale.py)."""
WARM_UP_LOCK_WAIT_MS = 50
"""How long the warm-up waits for a lock another program holds before giving up (it is best effort)."""
WATCH_INTERVAL_MS = 700  # well inside the two-second promise; one tiny query per tick
WRITE_WAIT_ON_SWITCH_S = 6.0
"""How long opening another contest waits for the open one's changes still on their way to the store: longer than
one write's longest wait (the lock wait, 2 s, and on PostgreSQL the answer margin, 3 s)."""
BULK_UNORDER = 64
"""More polls than this taken out at once (a select all + Delete, an undone import) leave the fieldwork order in one
pass (PollService._unorder_many)."""
FEW_AMONG = 8
"""Polls taken out of the fieldwork order at once are found by their keys (a bisection each) when the order holds more
than this many times as many (an undone import), else by one pass over the whole order."""
READ_LATER_FROM = 2_000
"""A race of this many polls or more, picked while another is shown, is read on the writer's thread (switch_to):
reading 100,000 polls held the window 3.2 s (benchmarks/bench_menu_stalls.py); about 30 microseconds a poll, so
from here a read on the window's thread would pass 100 ms on a two-core laptop."""
RECORDS_LEFT_KEPT = 4
"""Races left whose saved-case records are kept for a read of them again (PollService._leave_records)."""
INTERACTIVE_LOCK_WAIT_MS = 2000
"""How long a write made from the window (add, edit, delete, save a scenario or contest) waits for a lock another
program holds before saying the store is busy: long enough for any ordinary writer (another instance's import of
10,000 polls commits in about 2 s), short enough that the window never seems hung. The form comes back as typed,
so the user can try again."""


@dataclass(frozen=True)
class PollChange:
    """What changed: ids added, updated and removed; `reloaded` when the whole list was re-read."""

    added: tuple[int, ...] = ()
    updated: tuple[int, ...] = ()
    removed: tuple[int, ...] = ()
    reloaded: bool = False
    external: bool = False  # written by another process or user
    same_polls: bool = False  # (external) the re-read found the open contest's polls exactly as they were held


@dataclass(frozen=True)
class WriteFailure:
    """A write from the window that did not land, already taken back on screen.

    Attributes:
        what: the change as the user would say it ("add the YouGov poll").
        message: what went wrong and where, for the user.
        kind: the StoreError kind ("conflict", "busy", "unreachable", ...) or "" for another error.
        polls: the polls the user entered for that change (to offer them again), as entered.
        later: how many later changes, still pending, were taken back with it.
        action: what the failed write was: "add", "edit", "delete" (polls) or "scenario".
        elsewhere: the contest it was made in, when another has been opened since ("": the one open now, whose
            screen and undo history it was taken back from).
        changes: every poll change not saved with it, in the order made, for Retry: the failed one, then the later
            ones taken back (or skipped) with it, each (action, polls as entered); a later edit or delete of a poll
            whose add failed is folded into that add (that poll was never stored). Saved scenarios are not in it.
        contest_id: the contest they were made in.
        bases: for each edit among `changes`, (the edited poll's id as in `changes`, the version it was made
            against): a Retry is made against it, so a teammate's change stored since is found, not written over.
    """

    what: str
    message: str
    kind: str = ""
    polls: tuple[Poll, ...] = ()
    later: int = 0
    action: str = ""  # "add", "edit", "delete" (polls) or "scenario"
    elsewhere: str = ""
    changes: tuple[tuple[str, tuple[Poll, ...]], ...] = ()
    contest_id: int | None = None
    bases: tuple[tuple[int, Poll], ...] = ()


class _Skipped(Exception):
    """A queued write not run: an earlier write of the same batch failed, and the window took both back."""


@dataclass(eq=False)
class _Pending:
    """A write shown on screen and not yet confirmed (GUI thread only)."""

    what: str
    epoch: int
    rollback: Callable[[], None]
    confirm: Callable[[Any], None]
    touched: tuple[int, ...] = ()  # the poll ids (as shown) it changed on screen
    scenarios: tuple[str, ...] = ()  # the saved-scenario names it changed
    polls: tuple[Poll, ...] = ()
    action: str = ""
    left_in: str = ""  # the contest it was made in, once another was opened with it still on its way
    contest_id: int | None = None  # the contest it was made in (set when it is queued)
    base: Poll | None = None  # an edit's: the version of the poll it was made against (the store must hold it)


@dataclass
class ImportOutcome:
    ok: bool
    ids: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


Progress = Callable[[int, int], None]
"""A parse's progress: (line reached, lines in the text). What it raises ends the parse (a cancelled import)."""


def _lines_of(text: str, progress: Progress | None) -> Callable[[int], None] | None:
    if progress is None:
        return None
    total = text.count("\n") + (not text.endswith("\n"))
    return lambda line: progress(line, total)


def parse_poll_file(
    path: Path, contest: Contest, *, progress: Progress | None = None, date_order: str | None = None
) -> ParseResult:
    """Read and parse a poll CSV file for `contest` (any thread: no Qt, no store).

    Args:
        path: the file; a FIFO or a device is refused, not waited on.
        contest: the contest the polls are for.
        progress: called with (line reached, lines in the file) every few hundred rows; what it raises ends
            the parse.

    Raises:
        StoreError: the file cannot be read or is not a poll CSV at all (naming the file).
    """
    try:
        data = read_input_file(path, max_bytes=2 * 1024**3)
    except OSError as exc:
        raise StoreError(f"cannot read the file: {exc.strerror}", where=str(path)) from exc
    try:
        text = decode_csv_bytes(data)  # UTF-8, else Windows-1252; two mixed is refused naming the line
    except ValueError as exc:
        raise StoreError(str(exc), where=str(path)) from exc
    try:
        return parse_polls_csv(
            text, contest, today=today_somewhere(), progress=_lines_of(text, progress), date_order=date_order
        )
    except CsvFormatError as exc:
        raise StoreError(str(exc), where=str(path)) from exc


def parse_poll_text(
    text: str, contest: Contest, *, progress: Progress | None = None, date_order: str | None = None
) -> ParseResult:
    """Parse pasted text for `contest`: a poll CSV, or a spreadsheet table (tab-separated, header first).

    Raises:
        StoreError: the text is not a poll table at all (e.g. no pollster column).
    """
    try:
        csv_text = pasted_table_to_csv(text)
        return parse_polls_csv(
            csv_text, contest, today=today_somewhere(), progress=_lines_of(csv_text, progress), date_order=date_order
        )
    except CsvFormatError as exc:
        raise StoreError(f"the pasted table: {exc}") from exc


def _same_polls(stored: Sequence[Poll], expected: Sequence[Poll | None]) -> bool:
    """Whether the polls read from the store are exactly those expected (None: one expected gone), in any order.
    Matched by id, with no sort of either list (two sorts of 100,000 polls on the writer thread held the GIL)."""
    if len(stored) != len(expected) or any(e is None for e in expected):
        return False
    held = {p.id: p for p in stored}
    wanted = {e.id: e for e in expected if e is not None}
    return len(held) == len(stored) and len(wanted) == len(expected) and held == wanted


def _conflict(message: str, current: object) -> StoreError:
    """A save refused because a teammate or another program stored something else meanwhile; `current` is what is
    stored now, which the window takes as the new base (a save made again then goes in knowingly)."""
    error = StoreError(message, kind="conflict")
    error.current = current  # type: ignore[attr-defined]
    return error


def _with_id(poll: Poll, poll_id: int | None) -> Poll:
    """`poll` under `poll_id`: itself when it has that id already (no copy, no check of its figures again)."""
    return poll if poll.id == poll_id else replace(poll, id=poll_id)


def _order_key(poll: Poll) -> int:
    """Where a poll goes in the service's list: by fieldwork end, then by id, as one integer (the day's ordinal
    times 2^64 plus the id, which SQLite and PostgreSQL keep within +-2^63): integers compare several times
    faster than (date, id) tuples, and cost no tuple each (100,000 keys: 30 ms, tuples 95 ms)."""
    return (poll.fieldwork_end.toordinal() << 64) + (poll.id or 0)


@dataclass(frozen=True)
class OrderSnapshot:
    """The service's polls in fieldwork order as they stood at one moment (`version`), for a worker thread to
    merge an import into (merged_order) while the window goes on: copies, so nothing shared is read there."""

    version: int
    polls: list[Poll]
    keys: list[int]


@dataclass(frozen=True)
class PreparedOrder:
    """An OrderSnapshot with new polls merged in, made off the GUI thread: adopt_added swaps it in as it is when
    the service's order is still at `version` (one assignment, where merging 10,000 polls into 100,000 held the
    window 20-45 ms), and merges again otherwise."""

    version: int
    ids: frozenset[int]
    ordered: list[Poll]
    keys: list[int]


def _merge_runs(ordered: list[Poll], keys: list[int], polls: Sequence[Poll]) -> tuple[list[Poll], list[int]]:
    """`polls` merged into `ordered` (with its `keys`, _order_key of each), in fieldwork order: one sort of the kept
    keys with the new polls' after them (timsort takes the kept ones as one sorted run), each new key made once
    (it was made twice, to sort the new polls first)."""
    new = list(polls)
    all_keys = keys + list(map(_order_key, new))  # (each new poll's key made once; they sort among themselves below)
    everything = ordered + new
    order = sorted(range(len(all_keys)), key=all_keys.__getitem__)
    return list(map(everything.__getitem__, order)), list(map(all_keys.__getitem__, order))


def merged_order(snapshot: OrderSnapshot, polls: Sequence[Poll]) -> PreparedOrder:
    """(Any thread.) The snapshot's order with `polls` (stored, with ids) merged in, for PollService.adopt_added."""
    stored = [p for p in polls if p.id is not None]
    ordered, keys = _merge_runs(snapshot.polls, snapshot.keys, stored)
    return PreparedOrder(snapshot.version, frozenset(p.id or 0 for p in stored), ordered, keys)


class PollService(QObject):
    """Loads and changes polls, annotations and scenarios of one contest.

    Signals:
        contest_loaded: a Contest was opened (its polls follow in polls_changed).
        contest_loading: a picked Contest is being read on the writer's thread (switch_to), the race open until
            then still shown; None when that read ended (landed: contest_loaded follows; dropped or failed).
        contests_changed: the list of contests changed (list[Contest]): one was made, edited or deleted.
        polls_changed: PollChange; read `polls` for the new list.
        annotations_changed: list[Annotation].
        scenarios_changed: list of (name, baseline dict, settings dict).
        store_failed: a message for the user (what and where).
        write_state_changed: "saving" (a write from the window is pending), "saved" (none is), or "failed".
        write_failed: a WriteFailure (after store_failed has its message): that write and the later pending ones
            were taken back on screen; the undo history no longer matches the store.
    """

    contest_loaded = Signal(object)
    contest_loading = Signal(object)
    contests_changed = Signal(object)
    polls_changed = Signal(object)
    annotations_changed = Signal(object)
    scenarios_changed = Signal(object)
    store_failed = Signal(str)
    write_state_changed = Signal(str)
    write_failed = Signal(object)

    def __init__(
        self,
        sessions: sessionmaker[Session],
        parent: QObject | None = None,
        *,
        watch: bool = True,
        backup_dir: Path | None = None,
        writer: StoreWriter | None = None,
    ) -> None:
        super().__init__(parent)
        self._sessions = sessions
        # the window's writes go to the writer's thread (None: run on the caller's thread, errors raised)
        self._writer = writer
        self._pending: deque[_Pending] = deque()  # shown, not yet confirmed, in the order written
        # writes of a contest no longer open, still on their way: they land or fail on their own, and a failure is
        # said (naming their contest) without taking back anything of the contest open now
        self._left_behind: deque[_Pending] = deque()
        self._epoch = 0  # a failure takes back every pending write of its epoch and starts the next
        self._touch: Counter[int] = Counter()  # poll id as shown -> pending writes that changed it
        self._scenario_touch: Counter[str] = Counter()
        self._alias: dict[int, int] = {}  # provisional id (negative) -> stored id, once confirmed
        self._provisional_of: dict[int, int] = {}  # stored id -> the provisional id it had
        self._next_provisional = -2  # (-1 is what the poll table's id arrays use for "no id")
        # ids the store can give new polls (store.polls.spare_poll_ids): an add is shown under its stored id at
        # once, so its confirmation changes nothing on screen; provisional ids only when these have run out
        self._spare_ids: list[int] = []
        self._handed: set[int] = set()  # spare ids already given to a poll shown here
        # spare ids a new poll of ours is still shown under: another program may have taken the id first, and the
        # store then gave ours another (its writes go to that one, never to the other program's poll)
        self._ours_under_spare: set[int] = set()
        self._reloading = False  # another program's change is being read on the writer's thread
        self._watch_queued = False  # the watch's look at the store is on the writer's queue
        self._reload_wanted = False  # a reload asked for while writes were pending: done when they have landed
        self._scenarios: list[tuple[str, dict[str, Any], dict[str, Any]]] = []  # as shown
        # The saved-case records of the last few races left, by contest id: a race read again on the writer's
        # thread (switch_to) gets back the very record objects of those it read equal, so the views that keep
        # what they read of a record by its identity (ScenarioController.saved) do not read it again.
        self._records_left: dict[int, list[tuple[str, dict[str, Any], dict[str, Any]]]] = {}
        # writer-thread state: the ids the writer gave provisional ones, the last version each write stored, and
        # the epochs whose failure means their later writes are skipped
        self._w_alias: dict[int, int] = {}
        self._w_spare_alias: dict[int, int] = {}  # a spare id shown -> the id the store gave instead
        self._w_last: dict[int, Poll] = {}
        self._w_scenario: dict[str, str | None] = {}
        self._w_failed: set[int] = set()
        self._backup_dir = backup_dir  # where a copy goes before a contest is deleted
        # contest id -> (store revision, polls, annotations, scenarios) as last read: a switch back is instant
        # (and the polls' fieldwork-order keys, or None: made again when shown; 100,000 polls: 0.1 s of this thread)
        self._read_cache: dict[int, tuple[int, list[Poll], list[Annotation], list[Any], list[int] | None]] = {}
        # a picked race being read on the writer's thread (switch_to), and the number of the latest pick or open:
        # a read that lands under an older number is dropped (the user picked again meanwhile)
        self._loading: Contest | None = None
        self._open_serial = 0
        self.read_later_from = READ_LATER_FROM  # (tests lower it)
        self._engine = sessions.kw.get("bind")
        # Every code the open race's polls could use at any moment since it was opened (each kind's union of
        # core.validation.allowed_codes over its versions seen): an Undo's polls were stored under one of them, so
        # while the race's codes now hold all of these, no candidate or party an Undo could put back has gone
        # (_refuse_codes_gone looks at no poll; at 100,000 polls it gathered every poll's codes, 80-290 ms).
        self._codes_race: int | None = None
        self._codes_seen: AllowedCodes | None = None
        self._contest_now: Contest | None = None
        self._born: tuple[str, datetime | None] | None = None  # the open contest's name and creation time
        self._polls: dict[int, Poll] = {}
        # the same polls in fieldwork order, kept in order as polls come and go (bisect, not a sort per change:
        # 100,000 polls took 80 ms to sort), with their sort keys beside them
        self._ordered: list[Poll] = []
        # The fieldwork order of every poll the last delete of them all took away (and its keys): an undo of that
        # delete puts those very polls back in it, instead of ordering 100,000 polls again (_put_new)
        self._gone_order: tuple[list[Poll], list[int]] | None = None
        # ... and the map of them by id it took (the very dict): taken back as it is by that undo (_put_new)
        self._gone_polls: dict[int, Poll] | None = None
        self._order_keys: list[int] = []
        self._order_version = 0  # moved on by every change to that order (an OrderSnapshot names the one it saw)
        self._by_dates: dict[tuple[date, date], set[int]] | None = None  # see _same_dates
        self._annotations: list[Annotation] = []
        self._revision = -1
        self._held = False  # another thread of this app is writing (the import worker): its result is adopted
        # The first write's statements are compiled ahead of it (see _warm_up) by the service that watches the
        # store: the app's own, which lives as long as its window. Not by the short-lived ones of tests and
        # scripts (watch=False): a warm-up timer firing in a later test, on a discarded window that the garbage
        # collector then takes apart under it, crashed the interpreter.
        self._warmed = not watch
        self._watch = QTimer(self)
        self._watch.setInterval(WATCH_INTERVAL_MS)
        self._watch.timeout.connect(self._on_watch_timeout)
        self._watching = watch
        if watch:
            self._watch.start()

    # --- reading -------------------------------------------------------------------------------------------

    @property
    def contest(self) -> Contest | None:
        return self._contest

    @property
    def polls(self) -> list[Poll]:
        """Polls of the open contest, oldest fieldwork first (then by id); a new list each time."""
        return list(self._ordered)

    @property
    def polls_by_id(self) -> dict[int, Poll]:
        """Polls of the open contest by id (in no particular order); a new dict each time."""
        return dict(self._polls)

    @property
    def polls_view(self) -> Mapping[int, Poll]:
        """Polls of the open contest by id, read-only and live (no copy: at 100,000 polls a copy took 7-27 ms
        per change). It follows later changes; read it again after each polls_changed."""
        return MappingProxyType(self._polls)

    def order_snapshot(self) -> OrderSnapshot:
        """The polls in fieldwork order now, copied, with the order's version (see merged_order)."""
        return OrderSnapshot(self._order_version, list(self._ordered), list(self._order_keys))

    def fieldwork_days(self) -> list[int]:
        """Each poll's fieldwork end as a day number (date.toordinal), in the order of `polls`: read from the
        order's keys, not from the polls (a poll table sorted by fieldwork needs them whole at each reload)."""
        half = 1 << 63  # (an id below zero, a provisional one, borrows from the day in _order_key)
        return [(key + half) >> 64 for key in self._order_keys]

    def poll(self, poll_id: int) -> Poll | None:
        """A shown poll by its id (a provisional id still finds the poll once its add has landed)."""
        return self._polls.get(self._shown_key(poll_id))

    def stored_poll(self, poll_id: int) -> Poll | None:
        """A shown poll as the store holds it now, under the id it is shown under (one small read on this thread):
        a teammate's edit or delete the watch has not shown yet is in it. As shown while a write of it from here is
        still on its way (the store has not got it yet), or while it is shown under an id the store may not have
        given it. None: not stored (deleted by a teammate or another program).

        Raises:
            StoreError: the store could not be read.
        """
        key = self._shown_key(poll_id)
        if self._contest is None or key not in self._polls:
            return None
        if self._touch[key] > 0 or key < 0 or key in self._ours_under_spare:
            return self._polls[key]
        cid = self._contest.id or 0
        found = self._run(lambda s: repo.list_polls(s, cid, ids=[key]))
        return _with_id(found[0], key) if found else None

    @property
    def annotations(self) -> list[Annotation]:
        return list(self._annotations)

    def contests(self) -> list[Contest]:
        return self._run(repo.list_contests)

    def find_contest(self, name: str) -> Contest | None:
        """The contest `name` names as every verb's `--contest` finds it (store.polls.get_contest: as typed, else
        the one drawn alike, ignoring case and spacing); None when none is."""
        return self._run(lambda s: repo.get_contest(s, name))

    def open_contest(self, key: int | str | None = None) -> Contest | None:
        """Open a contest (None or "": the store's default) and read everything of it; returns it (None: none).

        Changes still on their way to the store are waited for first (bounded: the writer's lock and answer
        waits), so that what is read has them; any the store has still not answered by then land or fail later
        without touching what the newly opened contest shows (a failure is still said)."""
        return self._open(key)

    def _open(self, key: int | str | None, read: Contest | None = None) -> Contest | None:
        """open_contest; `read`: the contest `key` names, read from the store just before (switch_to), taken as it
        is unless writes were still on their way (then read again after them)."""
        self.stop_loading()
        if self._pending:
            self.wait_for_writes(WRITE_WAIT_ON_SWITCH_S)
            self._leave_pending()
            read = None
        self._ours_under_spare.clear()  # what is shown next is read from the store, under the ids it gave
        contest = (
            read
            if read is not None
            else self._run(lambda s: repo.get_contest(s, key) if key not in (None, "") else repo.get_contest(s))
        )
        if contest is None and key not in (None, ""):
            contest = self._run(repo.get_contest)
        if self._contest is None or contest is None or self._contest.id != contest.id:
            # The contest left's saved cases are not this one's: a view filled on contest_loaded (the Scenario menu)
            # read them under the new contest (20 of them at 100,000 polls: 0.1-0.2 s of the switch), before the
            # new contest's arrived in scenarios_changed.
            self._leave_records()
        self._contest = contest
        if contest is None:  # the store holds no race (every one deleted): the window shows none, not the last
            if self._polls:
                self._set_polls({})
                self.polls_changed.emit(PollChange(reloaded=True))
            self.contest_loading.emit(None)  # (no read under way: the window names no race and asks for one)
            return None
        self._born = self._identity(contest)
        self.contest_loaded.emit(contest)
        self.reload()
        self._opened()
        return contest

    def open_at_start(self, key: int | str | None = None) -> Contest | None:
        """open_contest for a window with no race open (the start; the open race deleted, here or by a teammate): a
        big race (`read_later_from` polls or
        more) is read on the writer's thread as a pick of it is (switch_to: contest_loading says so, contest_loaded
        and polls_changed follow when it lands), the window shown meanwhile with no race's polls (at the start, no
        race at all), never one race's polls under another's name; any other race is opened at once. At 100,000
        polls the read held the start's thread 2-3 s before the window was first painted.

        Returns:
            The race being read or opened; None when the store has none.
        """
        writer = self._writer
        if self._contest is not None or self._loading is not None or writer is None or writer.closed:
            return self.open_contest(key)

        def find(s: Session) -> tuple[Contest | None, int]:
            contest = repo.get_contest(s, key) if key not in (None, "") else repo.get_contest(s)
            if contest is None and key not in (None, ""):
                contest = repo.get_contest(s)  # (as open_contest: the store's default)
            return contest, repo.count_polls(s, contest.id or 0) if contest is not None else 0

        contest, polls = self._run(find)
        if contest is None or polls < self.read_later_from or self._pending:
            return self._open(contest.id if contest is not None else key, contest)
        self._read_later(contest, writer)
        return contest

    @property
    def loading(self) -> Contest | None:
        """The race picked and still being read on the writer's thread (switch_to); None when none is."""
        return self._loading

    def switch_to(self, contest_id: int) -> Contest | None:
        """The user picked a race. A big one (`read_later_from` polls or more) not read since the store last
        changed is read on the writer's thread, after the writes queued before it, while the race open now stays
        on screen, whole and usable: contest_loading says so, and contest_loaded and polls_changed follow when it
        lands, as open_contest gives them. Any other race is opened at once (open_contest). A read that lands
        after another pick (or open_contest, or stop_loading) is dropped, so one race's polls are never shown
        under another's name. Picking the race on screen while another is read only drops that read.

        Returns:
            The race picked (being read, or open now); None when there is none (the store's default is opened).
        """
        self.stop_loading()
        current, writer = self._contest, self._writer
        if current is not None and current.id == contest_id:
            return current
        if writer is None or writer.closed or self._read_is_current(contest_id):
            return self.open_contest(contest_id)
        if current is None:  # (none open: the start's read cancelled or failed) a big one read as at the start
            return self.open_at_start(contest_id)
        contest, polls = self._run(lambda s: (repo.get_contest(s, contest_id), repo.count_polls(s, contest_id)))
        if contest is None or polls < self.read_later_from:
            return self._open(contest_id, contest)  # (not read again)
        self._read_later(contest, writer)
        return contest

    def stop_loading(self) -> None:
        """Drop the read of a picked race under way (switch_to), if any: the race on screen stays."""
        self._open_serial += 1
        if self._loading is not None:
            self._loading = None
            self.contest_loading.emit(None)

    def _read_is_current(self, cid: int) -> bool:
        """What was last read of contest `cid` is what the store holds (nothing written since, nothing pending)."""
        cached = self._read_cache.get(cid)
        return cached is not None and not self._pending and self._run(repo.revision) == cached[0]

    def _read_later(self, contest: Contest, writer: StoreWriter) -> None:
        """Read `contest` whole on the writer's thread and show it when it lands, unless picked past meanwhile."""
        self._open_serial += 1
        serial, cid, born = self._open_serial, contest.id or 0, self._identity(contest)
        self._loading = contest
        earlier = {str(r[0]): r for r in self._records_left.get(cid, ())}

        def read() -> Any:  # writer thread: only core values come back
            read = self._run(lambda s: _whole_race(s, cid))
            keys = list(map(_order_key, read[3]))  # (here, not on the window's thread)
            # each saved case equal to one read before: that very record (compared here, not on the window's thread)
            cases = [r if (e := earlier.get(str(r[0]))) is None or e != r else e for r in read[5]]
            return (*read[:5], cases, keys if keys == sorted(keys) else None)

        def got(result: Any, error: BaseException | None) -> None:
            if serial != self._open_serial:
                return  # another race picked or opened meanwhile: that one is shown
            self._loading = None
            self.contest_loading.emit(None)
            if error is not None:
                where = getattr(error, "where", "")
                self.store_failed.emit(
                    f"The contest '{contest.name}' could not be opened: {error}"
                    + (f" ({where})" if where else "")
                    + (f"; '{self._contest.name}' is still shown." if self._contest is not None else ".")
                )
                return
            stored, identity, rev, polls, annotations, scenarios, keys = result
            if stored is None or not _same_contest(identity, born):
                self.contests_changed.emit(self.contests())
                self.store_failed.emit(
                    f"The contest '{contest.name}' was deleted by another program or a teammate before it could "
                    "be opened" + (f"; '{self._contest.name}' is still shown." if self._contest is not None else ".")
                )
                return
            if self._pending:  # made in the race shown during the read: they land or fail on their own
                self._leave_pending()
            self._ours_under_spare.clear()
            self._leave_records()
            self._contest, self._born = stored, identity
            self.contest_loaded.emit(stored)
            self._show_read(cid, rev, polls, annotations, scenarios, external=False, keys=keys, cases_later=True)
            self._opened()

        self.contest_loading.emit(contest)
        writer.submit(read, got)

    def _leave_records(self) -> None:
        """The race shown is left: its saved-case records are kept for a read of it again (_read_later)."""
        if self._contest is not None and self._contest.id is not None and self._scenarios:
            self._records_left.pop(self._contest.id, None)
            self._records_left[self._contest.id] = self._scenarios
            while len(self._records_left) > RECORDS_LEFT_KEPT:
                del self._records_left[next(iter(self._records_left))]
        self._scenarios = []

    def _leave_pending(self) -> None:
        """Another race is shown next: the writes still on their way are detached from the screen, left to land or
        fail on their own (a failure is said naming their race)."""
        left_in = self._contest.name if self._contest is not None else "another contest"
        for write in self._pending:  # detached from the screen, which will show the store as read now
            write.rollback, write.confirm = _nothing, _nothing  # (kept for a Retry in its own contest)
            write.left_in = left_in
        # the next contest's writes are not built on these: a failure of one of these never skips or takes
        # back any of them (their own epoch)
        self._left_behind.extend(self._pending)
        self._pending.clear()
        self._epoch += 1
        self._touch.clear()
        self._scenario_touch.clear()

    def _opened(self) -> None:
        """A contest was opened and shown: spare ids asked for, and the first write's statements compiled soon."""
        self._reserve_ids()
        if not self._warmed:
            self._warmed = True
            QTimer.singleShot(WARM_UP_AFTER_MS, self, self._warm_up)

    def _identity(self, contest: Contest) -> tuple[str, datetime | None] | None:
        return self._run(lambda s: repo.contest_identity(s, contest.id or 0))

    @property
    def _contest(self) -> Contest | None:
        return self._contest_now

    @_contest.setter
    def _contest(self, contest: Contest | None) -> None:
        self._contest_now = contest
        if contest is None:
            return  # (no race: the next one opened starts its own codes, or goes on with these if it is this one)
        codes = contest_codes(contest)
        if contest.id != self._codes_race or self._codes_seen is None:
            self._codes_race, self._codes_seen = contest.id, codes
        else:
            self._codes_seen = codes_union(self._codes_seen, codes)

    def _codes_kept(self, contest: Contest) -> bool:
        """Whether `contest` (the open race now) still allows every code it allowed since it was opened."""
        seen = self._codes_seen
        return seen is not None and contest.id == self._codes_race and codes_cover(contest_codes(contest), seen)

    @property
    def opened_identity(self) -> tuple[str, datetime | None] | None:
        """The open contest's name and creation time as read when it was opened (see require_still_there)."""
        return self._born

    def reload(self, *, external: bool = False) -> None:
        """Re-read everything of the open contest and announce it.

        Switching back to a contest read earlier reuses what was read when the store's change counter has not
        moved since (nobody wrote anything): the same poll objects, so every view's caches hold too.
        """
        if self._contest is None:
            return
        if self._pending and external:  # what the store holds now lacks the pending writes: read after they land
            self._reload_wanted = True
            return
        cid = self._contest.id or 0
        if external and not self._follow_contest(cid):
            return
        cached = self._read_cache.get(cid)
        keys: list[int] | None = None
        if cached is not None and not external and self._run(repo.revision) == cached[0]:
            rev, polls, annotations, scenarios, keys = cached
        else:

            def read(s: Session) -> tuple[int, list[Poll], list[Annotation], list[Any]]:
                return (
                    repo.revision(s),
                    repo.list_polls(s, cid),
                    repo.list_annotations(s, cid),
                    repo.list_scenarios(s, cid),
                )

            rev, polls, annotations, scenarios = self._run(read)
        self._show_read(cid, rev, polls, annotations, scenarios, external=external, keys=keys)

    def _show_read(
        self,
        cid: int,
        rev: int,
        polls: list[Poll],
        annotations: list[Annotation],
        scenarios: list[Any],
        *,
        external: bool,
        keys: list[int] | None = None,
        cases_later: bool = False,
    ) -> None:
        """Show what was read of contest `cid` at store revision `rev`, and announce it. `keys`: the polls'
        fieldwork-order keys, in order (made on the writer's thread, or kept from an earlier read). `cases_later`:
        the saved scenarios are announced in the next turn of the event loop, not in the one that shows the polls
        (the Scenario menu reads each: at 100,000 polls a case carries 100,000 poll ids, and 19 of them took
        a third of the turn a big race read on the writer's thread landed in)."""
        self._revision = rev
        held = self._polls
        # Another's write elsewhere (a race added, a scenario saved) moves the store's counter too: the polls
        # shown, and so the undo history of them, still match what is stored.
        same = external and len(held) == len(polls) and all(held.get(p.id or 0) == p for p in polls)
        in_order = self._set_polls({p.id: p for p in polls if p.id is not None}, ordered=polls, keys=keys)
        kept = list(self._order_keys) if in_order else None  # (a copy: the held ones change with the polls)
        self._read_cache = {cid: (rev, polls, annotations, scenarios, kept)} | {
            k: v for k, v in self._read_cache.items() if v[0] == rev and k != cid
        }
        self._annotations = annotations
        self._scenarios = list(scenarios)
        if cases_later:
            contest, serial = self._contest, self._open_serial

            def announce() -> None:
                if self._contest is contest and self._open_serial == serial:
                    self.scenarios_changed.emit(list(self._scenarios))  # (with any saved meanwhile)

            QTimer.singleShot(0, self, announce)
        self.polls_changed.emit(PollChange(reloaded=True, external=external, same_polls=same))
        self.annotations_changed.emit(annotations)
        if not cases_later:
            self.scenarios_changed.emit(scenarios)

    def _follow_contest(self, cid: int) -> bool:
        """After another program's change: show the open contest as stored now. False if it is gone (deleted, or
        its id taken by another contest): then the user is told, and the store's default contest is opened."""
        assert self._contest is not None
        stored = self._run(lambda s: repo.get_contest(s, cid))
        if stored is not None and _same_contest(self._identity(stored), self._born):
            if stored != self._contest:  # a teammate edited it: renamed it, candidates, colours, rules
                self._contest = stored
                self._born = self._identity(stored)
                self.contest_loaded.emit(stored)
            return True
        gone = self._contest.name
        self._contest = None
        self._read_cache.clear()
        self._set_polls({})
        self.contests_changed.emit(self.contests())
        opened = self.open_at_start(None)  # (a big one read on the writer's thread)
        if opened is not None and self._contest is None:  # (being read: the race gone shows none of its polls)
            self.polls_changed.emit(PollChange(reloaded=True))
        self.store_failed.emit(
            f"The contest '{gone}' was deleted by another program or a teammate while it was open here"
            + (f"; showing '{opened.name}'." if opened is not None else ".")
        )
        return False

    def scenarios(self) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
        """The open contest's saved scenarios, by name. With a writer: as shown (read with the contest, followed
        by the window's own saves at once and by other programs' through the watch), no store read here."""
        if self._contest is None:
            return []
        if self._writer is not None:
            return list(self._scenarios)
        cid = self._contest.id or 0
        return self._run(lambda s: repo.list_scenarios(s, cid))

    def check_poll(self, poll: Poll) -> list[str]:
        """Problems that would stop `poll` being saved, as messages naming the field."""
        if self._contest is None:
            return ["no contest is open"]
        same = self._same_dates().get((poll.fieldwork_start, poll.fieldwork_end), ())
        return poll_problems(poll, self._contest, (self._polls[i] for i in same), today=today_somewhere())

    # --- writing (all or nothing, each one transaction) -----------------------------------------------------

    def add_polls(self, polls: Sequence[Poll], *, undo: bool = False, ids: Sequence[int] | None = None) -> list[int]:
        """Store new polls (or put back deleted ones under their ids, `undo`: an undo of their delete, which a
        failure says), all or nothing.

        Args:
            ids: the polls' own ids, in their order, where the caller holds them already (the undo of a delete):
                not read from each poll again.

        Returns:
            Their ids. With a writer: at once, provisional (negative) for new polls until the write lands;
            every method here takes either id for the same poll.
        """
        contest = self._require_contest()
        cid = contest.id or 0
        if not self._codes_kept(contest):  # (no candidate or party removed since it was opened: none to look for)
            _refuse_codes_gone(contest, polls)  # (an undo of a delete, a redo of an add, after the race was edited)
        if self._writer is not None:
            return self._add_later(contest, polls, undo=undo, ids=ids)

        def write(s: Session) -> tuple[list[int], list[Poll]]:
            refuse_changed_candidates(s, contest, polls)
            ids = repo.add_polls(s, cid, polls)
            # read back as stored inside the same transaction: one BEGIN and one commit for the whole add, and
            # exactly the rows this write made (no other writer can come between the insert and the read)
            return ids, repo.list_polls(s, cid, ids=ids)

        ids, fresh = self._write(write, contest)
        self._put_polls(fresh)
        self.polls_changed.emit(PollChange(added=tuple(ids)))
        return ids

    def hold_watch(self, held: bool) -> None:
        """While another thread of this app writes (the import worker), the change watch waits.

        Otherwise the import's commit could be seen first as another program's write: a whole reload, a "from
        the shared store" message and a cleared undo history, just before adopt_added announces the same polls.
        """
        self._held = held

    def adopt_revision(self, contest_id: int, revision_before: int, revision: int) -> None:
        """Another thread of this app wrote the open race's store rows that are not plain polls (the import
        worker's two-round questions): the watch goes on, and takes that write as ours, not a teammate's (no
        reload, no "from the shared store" message, no cleared history). A write by someone else before it, or
        another race open now, is still seen by the watch's next look."""
        self._held = False
        if self._contest is not None and self._contest.id == contest_id and revision_before == self._revision:
            self._revision = revision

    def adopt_added(
        self,
        contest_id: int,
        polls: Sequence[Poll],
        revision_before: int,
        revision: int,
        prepared: PreparedOrder | None = None,
    ) -> None:
        """Polls another thread of this app stored (the import worker), read back with their ids: one announcement.

        Args:
            contest_id: the contest they were stored in.
            polls: the stored polls, ids set.
            revision_before: the store's change counter just before that write.
            revision: the counter the write left.
            prepared: the same polls merged into the order on the worker (merged_order): taken as it is if the
                order has not changed since its snapshot, else the polls are merged here.
        """
        self._held = False
        if self._contest is None or self._contest.id != contest_id:
            return  # another contest is open now: the watch's next look reloads whatever is open
        missed = revision_before != self._revision  # someone else wrote since we last looked
        self._revision = revision
        # An id a new poll of ours is shown under while its add is on its way (a spare id the import took first):
        # put there, the imported poll replaced ours on screen and then went when ours landed under another id.
        # Shown once ours has landed, by reading the store again.
        clash = {p.id for p in polls if p.id in self._polls and (p.id in self._ours_under_spare or self._touch[p.id])}
        if clash:
            polls = [p for p in polls if p.id not in clash]
            self._reload_wanted = True
            if not self._pending:
                QTimer.singleShot(0, self, self._reload_external)
        if (
            prepared is not None
            and not clash
            and prepared.version == self._order_version
            and len(prepared.ordered) == len(self._ordered) + len(polls)
            and prepared.ids == {p.id for p in polls}
            and not any(p.id in self._polls for p in polls)
        ):
            self._adopt_order(polls, prepared)
        else:
            self._put_polls(polls)
        if polls:
            self.polls_changed.emit(PollChange(added=tuple(p.id for p in polls if p.id is not None)))
        if missed:
            QTimer.singleShot(0, self, lambda: self.reload(external=True))

    def update_poll(self, poll: Poll, *, undo: bool = False, base: Poll | None = None) -> None:
        """Store an edit of a shown poll (or, `undo`, an undo's older version: a failure says so).

        Args:
            base: the version the edit was made from, as stored (the poll form's, or a merge's: see stored_poll);
                the store must hold exactly that one. None: the version shown here.

        Raises:
            StoreError: kind "conflict": another program or a teammate changed or deleted the poll since it was
                read here (the watch had not yet seen it); nothing is written and the store is read again.
        """
        assert poll.id is not None
        _refuse_codes_gone(self._require_contest(), [poll])  # (an undo or redo of an edit, after the race was edited)
        if self._writer is not None:
            self._update_later(self._require_contest(), poll, undo=undo, base=base)
            return
        pid, contest = poll.id, self._require_contest()
        seen = self._polls.get(pid) if base is None else replace(base, id=pid)

        def write(s: Session) -> Poll:
            repo.lock_for_check(s, [pid])
            stored = repo.list_polls(s, contest.id or 0, ids=[pid])
            if seen is not None and stored != [seen]:  # written over unseen, the teammate's edit would be lost
                raise StoreError(
                    f"this {poll.pollster} poll was changed or deleted by another program or a teammate since it "
                    "was shown here, so nothing was saved; the window now shows it as stored",
                    kind="conflict",
                )
            refuse_changed_candidates(s, contest, [poll])
            repo.update_poll(s, poll)
            return repo.list_polls(s, contest.id or 0, ids=[pid])[0]

        try:
            fresh = self._write(write, contest)
        except StoreError as exc:
            if exc.kind == "conflict":
                QTimer.singleShot(0, self, lambda: self.reload(external=True))
            raise
        self._put_polls([fresh])  # as stored, so that the next edit compares like with like
        self.polls_changed.emit(PollChange(updated=(pid,)))

    def delete_polls(self, poll_ids: Sequence[int], *, undo: bool = False) -> list[Poll]:
        """Delete and return the deleted polls (for undo; `undo`: an undo of their add, which a failure says).

        Raises:
            StoreError: kind "conflict": another program or a teammate changed or deleted one of them since it
                was read here (a delete, or an Undo of an add, would remove their edit unseen, or a later Redo
                put back a poll they removed); nothing is deleted and the store is read again.
        """
        if self._writer is not None:
            return self._delete_later(self._contest, poll_ids, undo=undo)
        gone = [self._polls[i] for i in poll_ids if i in self._polls]
        contest = self._contest

        def write(s: Session) -> None:
            repo.lock_for_check(s, poll_ids)
            stored = repo.list_polls(s, contest.id or 0, ids=list(poll_ids)) if contest is not None else []
            if sorted(stored, key=lambda p: p.id or 0) != sorted(gone, key=lambda p: p.id or 0):
                changed = next((p for p in gone if p not in stored), None)
                what = f"this {changed.pollster} poll" if changed is not None else "a poll to delete"
                raise StoreError(
                    f"{what} was changed or deleted by another program or a teammate since it was shown here, so "
                    "nothing was deleted; the window now shows the polls as stored",
                    kind="conflict",
                )
            repo.delete_polls(s, poll_ids)

        try:
            self._write(write, contest)
        except StoreError as exc:
            if exc.kind == "conflict":
                QTimer.singleShot(0, self, lambda: self.reload(external=True))
            raise
        self._unorder_many([p for i in poll_ids if (p := self._polls.pop(i, None)) is not None])
        self.polls_changed.emit(PollChange(removed=tuple(poll_ids)))
        return gone

    def parse_csv(self, path: Path) -> ParseResult:
        return parse_poll_file(path, self._require_contest())

    def parse_text(self, text: str) -> ParseResult:
        """Parse pasted text (a poll CSV, or a table copied from a spreadsheet: tab-separated, header first)."""
        return parse_poll_text(text, self._require_contest())

    def import_csv(self, path: Path) -> ImportOutcome:
        """Import a poll CSV all or nothing; errors name the line and field."""
        parsed = self.parse_csv(path)
        if not parsed.ok:
            return ImportOutcome(False, errors=[f"{path.name}: {e}" for e in parsed.errors])
        try:
            ids = self.add_polls(parsed.polls)
        except repo.PollRejectedError as exc:
            return ImportOutcome(False, errors=[f"{path.name}: {exc}; nothing imported"])
        return ImportOutcome(True, ids=ids)

    def export_csv(self, path: Path, polls: Sequence[Poll] | None = None, *, own_columns: bool = False) -> int:
        """Write `polls` (None: every poll shown) as a poll CSV, owner-only, all or nothing. `own_columns`: their
        columns are the codes they give figures to (core.csvformat.contest_of_codes), not the open race's (polls of
        another race, perhaps since deleted: none of their figures is left out)."""
        return self._export_job(path, polls, own_columns)(None)

    def start_export(self, path: Path) -> WorkerRun[int]:
        """export_csv of every poll shown, on a worker thread (File > Export polls): the polls are taken now (a
        teammate's poll landing meanwhile is not in this file), the file is written all or nothing, and a
        cancel before the write leaves the old file as it was (the result raises core.csvformat.ExportCancelled).
        At 100,000 polls the CSV took 3.6 s of the window's thread."""
        return WorkerRun(self._export_job(path, None, False), "warroom-export")

    def _export_job(
        self, path: Path, polls: Sequence[Poll] | None, own_columns: bool
    ) -> Callable[[WorkProgress | None], int]:
        contest = self._require_contest()
        chosen = list(polls) if polls is not None else list(self.polls)
        if own_columns:
            contest = contest_of_codes(chosen, contest)

        def job(progress: WorkProgress | None) -> int:
            text = polls_to_csv(chosen, contest, progress)  # (its last progress call comes just before the write)
            try:
                write_private_atomic(path, text)  # owner-only, all or nothing, no link
            except OSError as exc:
                raise StoreError(f"cannot write the export: {exc.strerror}", where=str(path)) from exc
            return len(chosen)

        return job

    def add_annotation(self, annotation: Annotation) -> int:
        """Store an event marker of the open contest; ValueError (nothing stored) for a date outside its dates."""
        contest = self._require_contest()
        problem = event_date_problem(annotation.when, contest.election_date)
        if problem is not None:
            raise ValueError(f"The event marker's date {problem}")
        new_id = self._write(lambda s: repo.add_annotation(s, contest.id or 0, annotation), contest)
        self._annotations = self._run(lambda s: repo.list_annotations(s, contest.id or 0))
        self.annotations_changed.emit(self.annotations)
        return new_id

    def delete_annotation(self, annotation_id: int) -> None:
        contest = self._require_contest()
        self._write(lambda s: repo.delete_annotation(s, contest.id or 0, annotation_id), contest)
        self._annotations = self._run(lambda s: repo.list_annotations(s, contest.id or 0))
        self.annotations_changed.emit(self.annotations)

    def save_scenario(self, name: str, baseline: dict[str, Any], settings: dict[str, Any]) -> None:
        contest = self._require_contest()
        if self._writer is not None:
            self._scenario_later(contest, name, (baseline, settings))
            return
        self._write(lambda s: repo.save_scenario(s, contest.id or 0, name, baseline, settings), contest)
        self.scenarios_changed.emit(self.scenarios())

    def delete_scenario(self, name: str) -> None:
        contest = self._require_contest()
        if self._writer is not None:
            self._scenario_later(contest, name, None)
            return
        self._write(lambda s: repo.delete_scenario(s, contest.id or 0, name), contest)
        self.scenarios_changed.emit(self.scenarios())

    # --- writes on the writer's thread ----------------------------------------------------------------------

    @property
    def pending_writes(self) -> int:
        """Writes from the window not yet confirmed by the store (those of a contest no longer open included)."""
        return len(self._pending) + len(self._left_behind)

    def is_pending(self, poll_id: int) -> bool:
        """Whether a pending write changed this poll (by its id as shown)."""
        return self._touch[poll_id] > 0

    def wait_for_writes(self, timeout_s: float) -> bool:
        """Block until every pending write has landed or failed (and been reported), at most `timeout_s`.

        For closing the window. True: nothing is pending any more (landed, or failed and reported)."""
        if self._writer is None:
            return True
        return self._writer.wait(timeout_s) and not self._pending and not self._left_behind

    def _new_id(self) -> int:
        """An id to show a new poll under: a spare id the store can give it, else a provisional (negative) one."""
        while self._spare_ids:
            pid = self._spare_ids.pop(0)
            if pid not in self._handed and pid not in self._polls:
                self._handed.add(pid)
                self._ours_under_spare.add(pid)
                return pid
        pid = self._next_provisional
        self._next_provisional -= 1
        return pid

    def _take_spare(self, spare: Sequence[int]) -> None:
        """Spare ids the store reported: kept for the next adds (those already given out are left out)."""
        self._spare_ids = [i for i in spare if i not in self._handed and i not in self._polls]

    def _reserve_ids(self) -> None:
        """Ask the writer for spare ids (after a contest opened), so the first add already has one."""
        if self._writer is None or self._writer.closed:
            return

        def read() -> list[int]:
            with translated(self._engine), self._sessions.begin() as session:
                limit_lock_wait(session, WARM_UP_LOCK_WAIT_MS)
                return repo.spare_poll_ids(session)

        def got(spare: list[int] | None, error: BaseException | None) -> None:
            if error is None and spare and not self._spare_ids:  # best effort: a failure means provisional ids
                self._take_spare(spare)

        self._writer.submit(read, got)

    def _shown_key(self, poll_id: int) -> int:
        """The id a poll is shown under now: its provisional id until its add landed, then the stored one."""
        if poll_id in self._polls:
            return poll_id
        stored = self._alias.get(poll_id)
        if stored is not None and stored in self._polls:
            return stored
        provisional = self._provisional_of.get(poll_id)
        if provisional is not None and provisional in self._polls:
            return provisional
        return stored if stored is not None else poll_id

    def _busy(self, stored_id: int) -> bool:
        """A pending write (still to be confirmed) changed this poll, under either of its ids."""
        provisional = self._provisional_of.get(stored_id)
        return self._touch[stored_id] > 0 or (provisional is not None and self._touch[provisional] > 0)

    def _thread_id_of(self, poll_id: int, ours_under_spare: bool = False) -> int | None:
        """(Writer thread.) The stored id for an id as the window gave it; None for a new poll. `ours_under_spare`:
        the id is a spare one our new poll was shown under (when the write was made), which the store may have
        given another program's poll first: then ours is under the id the store gave instead."""
        if ours_under_spare:
            return self._w_spare_alias.get(poll_id, poll_id)
        if poll_id >= 0:
            return poll_id
        return self._w_alias.get(poll_id)

    def _show(
        self,
        put: Sequence[Poll],
        remove: Sequence[int],
        *,
        new_ids: Sequence[int] | None = None,
        every: bool = False,
    ) -> None:
        """Change the polls shown (put: add or replace by id; remove: ids) and announce exactly that change.
        `new_ids`: the ids of `put`, in order, none of them shown (_fresh): taken in at once (_put_new), not poll by
        poll. Removing every poll shown is one step too (a select all + Delete of 100,000 polls popped each): the map
        of them is set aside whole for its undo (`every`: `remove` is every id shown, each once, as the caller has
        checked already)."""
        added: list[int] = []
        updated: list[int] = []
        removed: list[int] = []
        gone: list[Poll] = []
        whole = len(remove) > BULK_UNORDER and (
            every or (len(remove) == len(self._polls) and self._polls.keys() <= set(remove))
        )
        if whole:
            held, self._polls = self._polls, {}
            gone, removed = list(held.values()), list(remove)  # every poll shown, each once
        else:
            for pid in remove:
                poll = self._polls.pop(pid, None)
                if poll is not None:
                    gone.append(poll)
                    removed.append(pid)
        self._unorder_many(gone)
        if whole:
            self._gone_polls = held if self._gone_order is not None else None
        if new_ids is not None and len(new_ids) == len(put) and self._polls.keys().isdisjoint(new_ids):
            added = list(new_ids)
            self._put_new(put, added)
        else:
            for poll in put:
                (updated if poll.id in self._polls else added).append(poll.id or 0)
            self._put_polls(put)
        if added or updated or removed:
            self.polls_changed.emit(PollChange(added=tuple(added), updated=tuple(updated), removed=tuple(removed)))

    def _submit(
        self,
        write: _Pending,
        fn: Callable[[Session], T],
        contest: Contest,
    ) -> None:
        """Queue `fn` as one transaction on the writer thread; `write` is already shown on screen."""
        assert self._writer is not None
        epoch, identity = write.epoch, self._born if self._contest is contest else None
        write.contest_id = contest.id
        self._pending.append(write)
        self._touch.update(write.touched)
        self._scenario_touch.update(write.scenarios)
        if len(self._pending) == 1:
            self.write_state_changed.emit("saving")

        def job() -> tuple[T, int]:  # on the writer thread
            if epoch in self._w_failed:
                raise _Skipped
            try:
                with translated(self._engine), self._sessions.begin() as session:
                    limit_lock_wait(session, INTERACTIVE_LOCK_WAIT_MS, write=True)
                    self.require_still_there(session, contest, identity)
                    result = fn(session)
                    session.flush()
                    return result, repo.revision(session)
            except BaseException:
                self._w_failed.add(epoch)  # the later writes of this batch were built on this one
                self._w_last.clear()
                self._w_scenario.clear()
                raise

        self._writer.submit(job, lambda result, error: self._on_written(write, result, error))

    def _on_written(self, write: _Pending, result: Any, error: BaseException | None) -> None:
        if write.left_in:
            self._on_left_behind_written(write, error)
            return
        if write.epoch != self._epoch or not self._pending or self._pending[0] is not write:
            return  # taken back already, with the earlier write whose failure skipped it
        if error is not None:
            self._on_write_failed(error)
            return
        self._pending.popleft()
        if not self._pending:  # (the counts are those of the pending writes: none is left; a subtraction of
            # 100,000 polls a delete touched, one by one in Python, was 20-40 ms of the landing's turn)
            self._touch, self._scenario_touch = Counter(), Counter()
        else:
            self._touch.subtract(write.touched)
            self._scenario_touch.subtract(write.scenarios)
            self._touch = +self._touch
            self._scenario_touch = +self._scenario_touch
        value, rev = result
        missed = rev != self._revision + 1  # someone else wrote since we last looked
        self._revision = rev
        write.confirm(value)
        if self._watching and not self._watch.isActive():
            self._watch.start()  # stopped by a failed look at the store: the store answers again
        if missed:
            self._reload_wanted = True
        if not self._pending:
            if not self._left_behind:
                self.write_state_changed.emit("saved")
            if self._reload_wanted:
                self._reload_wanted = False
                QTimer.singleShot(0, self, self._reload_external)

    def _reload_external(self) -> None:
        """Show another program's or a teammate's change: with a writer, the store is read on its thread (100,000
        polls: seconds of reading that held the window) and what was read is shown when it arrives."""
        contest, writer = self._contest, self._writer
        if contest is None:
            return
        if writer is None or writer.closed:
            self.reload(external=True)
            return
        if self._pending:
            self._reload_wanted = True
            return
        if self._reloading:
            return  # one read at a time: what it brings is the newest when it lands
        self._reloading = True
        cid = contest.id or 0

        def read() -> _WholeRace:
            return self._run(lambda s: _whole_race(s, cid))

        def got(result: Any, error: BaseException | None) -> None:
            self._reloading = False
            if self._contest is not contest:
                return  # another contest was opened (or this one edited here) meanwhile: it was read then
            if self._pending:
                self._reload_wanted = True  # a change made meanwhile is not in what was read: read again after it
                return
            if error is not None:
                where = getattr(error, "where", "")
                self.store_failed.emit(f"{error} ({where})" if where else str(error))
                return
            stored, identity, rev, polls, annotations, scenarios = result
            if stored is None or not _same_contest(identity, self._born):
                self.reload(external=True)  # deleted or replaced: said so, and another contest opened
                return
            if stored != self._contest:  # a teammate edited it: renamed it, candidates, colours, rules
                self._contest = stored
                self._born = identity
                self.contest_loaded.emit(stored)
            self._show_read(cid, rev, polls, annotations, scenarios, external=True)

        writer.submit(read, got)

    def _on_left_behind_written(self, write: _Pending, error: BaseException | None) -> None:
        """A write of a contest no longer open landed or failed: only said (nothing of it is on screen)."""
        with contextlib.suppress(ValueError):
            self._left_behind.remove(write)
        if error is not None and not isinstance(error, _Skipped):  # (skipped: counted with the failure before it)
            skipped = [w for w in self._left_behind if w.epoch == write.epoch]
            later = len(skipped)
            where = getattr(error, "where", "") if isinstance(error, StoreError) else ""
            kind = getattr(error, "kind", "") if isinstance(error, StoreError) else ""
            message = f"Could not {write.what} in {write.left_in}: {error}" + (f" ({where})" if where else "")
            if later:
                message += f". The {later} later change(s) made there were not saved either"
            message += "; nothing of the contest open now was changed."
            self.store_failed.emit(message)
            self.write_failed.emit(
                WriteFailure(
                    write.what,
                    message,
                    kind,
                    write.polls,
                    later,
                    write.action,
                    write.left_in,
                    _unsaved_changes([write, *skipped]),
                    write.contest_id,
                    _edit_bases([write, *skipped]),
                )
            )
        if not self._pending and not self._left_behind:
            self.write_state_changed.emit("saved")

    def _on_write_failed(self, error: BaseException) -> None:
        """Take back, newest first, the failed write and every later pending one; say what and why."""
        taken = list(self._pending)
        failed = taken[0]
        self._pending.clear()
        self._touch.clear()
        self._scenario_touch.clear()
        self._epoch += 1
        for write in reversed(taken):
            write.rollback()
        kind = getattr(error, "kind", "") if isinstance(error, StoreError) else ""
        where = getattr(error, "where", "") if isinstance(error, StoreError) else ""
        reason = str(error) + (f" ({where})" if where else "")
        subject = getattr(error, "subject", "") if isinstance(error, repo.PollRejectedError) else ""
        if subject and len(failed.polls) == 1 and reason.startswith(subject + " "):
            reason = "it" + reason[len(subject) :]  # "the Acme poll: it is already stored", the poll named once
        message = f"Could not {failed.what}: {reason}"
        if len(taken) > 1:
            message += f". The {len(taken) - 1} later change(s) made meanwhile were taken back too"
        if "the window" not in reason:  # (a reason that says what the window shows now is not repeated)
            message += "; the window shows what the store holds now"
        message += "."
        self.write_state_changed.emit("failed")
        self.store_failed.emit(message)
        self.write_failed.emit(
            WriteFailure(
                failed.what,
                message,
                kind,
                failed.polls,
                len(taken) - 1,
                failed.action,
                changes=_unsaved_changes(taken),
                contest_id=failed.contest_id,
                bases=_edit_bases(taken),
            )
        )
        if kind == "conflict":
            self._reload_wanted = False
            QTimer.singleShot(0, self, self._reload_external)

    def _settle(
        self,
        stored: Sequence[Poll],
        provisional: Sequence[int] = (),
        *,
        written: Sequence[Poll] = (),
        as_written: Sequence[bool] = (),
    ) -> None:
        """A write landed: show its polls as stored, where no later pending write has changed them since.
        `provisional`: for an add, the ids they were shown under (the same order). `written`, `as_written`: the
        polls as the write was given them and, for each, whether the store holds it so (compared on the writer's
        thread): one still shown as that very object needs no comparison here (the undo of a 100,000-poll delete
        compared every poll on this thread, 0.4 s of it)."""
        put: list[Poll] = []
        remove: list[int] = []
        shown, touched = self._polls, bool(self._touch)
        for k, poll in enumerate(stored):
            sid = poll.id or 0
            if provisional and provisional[k] != sid:
                self._alias[provisional[k]] = sid
                self._provisional_of[sid] = provisional[k]
            if touched and self._busy(sid):
                continue  # a later change to it is pending: it stays as that change shows it
            key = self._shown_key(sid)  # its provisional id while shown under it, else its stored id
            self._ours_under_spare.discard(key)  # shown under its stored id from now on
            if key == sid and as_written and as_written[k] and shown.get(sid) is written[k]:
                continue  # shown as written, stored as written: nothing to announce (an undone delete)
            if key == sid and shown.get(sid) == poll:
                continue  # shown exactly as stored: nothing to announce (the usual case)
            if key in self._polls:
                if key != sid:
                    remove.append(key)
                put.append(poll)
        self._show(put, remove)

    def _add_later(
        self, contest: Contest, polls: Sequence[Poll], *, undo: bool = False, ids: Sequence[int] | None = None
    ) -> list[int]:
        cid = contest.id or 0
        if not polls:
            return []
        fresh = ids is not None and len(ids) == len(polls) and self._fresh(ids)
        if fresh and ids is not None:  # (an undo's polls, each under its own id, none shown nor known otherwise)
            shown, keys = list(polls), list(ids)
        else:
            # A poll already under the id it is shown under (an undo's: its stored one) is that very object: the
            # undo of a 100,000-poll delete copied every poll here (1-2 s of this thread), and again on the writer.
            shown = [_with_id(p, self._shown_key(p.id) if p.id is not None else self._new_id()) for p in polls]
            keys = [p.id or 0 for p in shown]
        what = f"the {polls[0].pollster} poll" if len(polls) == 1 else f"{len(polls)} polls"
        what = f"undo the delete of {what}" if undo else f"add {what}"
        # spare ids for the next adds: as many again as new polls came (none here for polls put back under their
        # own ids: the undo of a delete of 100,000 asked for 200,000, and the landing sifted each of them)
        spare_wanted = 8 if fresh else max(8, 2 * len(keys))

        def write(s: Session) -> tuple[list[Poll], list[int], list[bool], list[int]]:  # writer thread
            refuse_changed_candidates(s, contest, shown)
            given = [_with_id(p, self._thread_id_of(p.id or 0)) for p in shown]
            ids = repo.add_polls(s, cid, given)
            for key, sid in zip(keys, ids, strict=True):
                if key < 0:
                    self._w_alias[key] = sid
                elif key != sid:  # a spare id another program took first
                    self._w_spare_alias[key] = sid
            fresh = repo.list_polls(s, cid, ids=ids)
            by_id = {p.id: p for p in fresh}
            stored = [by_id[i] for i in ids]
            as_written = [p.id == q.id and p == q for p, q in zip(shown, stored, strict=True)]  # (not on the GUI's)
            # what a later write expects of each: the poll shown where the store holds it so (the window's own
            # object, not a second copy: an undone delete of 100,000 polls kept 100,000 copies here for good, and
            # the window's collector walked them)
            stored = [p if same else q for p, q, same in zip(shown, stored, as_written, strict=True)]
            self._w_last.update((p.id or 0, p) for p in stored)
            # (the copies read back are freed here, on the writer's thread: handed to the window with the result,
            # an undone delete's 100,000 were freed in the window's turn that took it, 180-230 ms of its CPU)
            del fresh, by_id
            return stored, repo.spare_poll_ids(s, spare_wanted), as_written, ids

        def landed(result: tuple[list[Poll], list[int], list[bool], list[int]]) -> None:
            stored, spare, as_written, stored_ids = result
            self._take_spare(spare)
            if len(keys) > BULK_UNORDER and self._landed_as_shown(keys, stored_ids, shown, as_written):
                return
            self._settle(stored, keys, written=shown, as_written=as_written)

        def rollback() -> None:
            self._ours_under_spare.difference_update(keys)
            self._show((), [self._shown_key(k) for k in keys])

        pending = _Pending(
            what,
            self._epoch,
            rollback,
            landed,
            tuple(keys),
            polls=tuple(polls),
            action="add",
        )
        self._show(shown, (), new_ids=keys if fresh else None)
        self._submit(pending, write, contest)
        return keys

    def _fresh(self, ids: Sequence[int]) -> bool:
        """None of these ids is shown, nor the stored or provisional id of a poll shown under another (_shown_key
        of each is itself), and none is given twice: checked as sets, not an id at a time."""
        given = set(ids)  # (against a set, each test goes through the smaller side)
        return (
            len(given) == len(ids)
            and self._polls.keys().isdisjoint(given)
            and self._alias.keys().isdisjoint(given)
            and self._provisional_of.keys().isdisjoint(given)
        )

    def _landed_as_shown(
        self, keys: Sequence[int], stored_ids: Sequence[int], written: Sequence[Poll], as_written: Sequence[bool]
    ) -> bool:
        """Whether an add that landed needs nothing more (what _settle finds poll by poll, here for all at once):
        every poll stored under the id it is shown under, as written, and shown as that very object, with no other
        write pending and none of them under a spare id. The landing of the undo of a 100,000-poll delete went
        through _settle's steps for each poll."""
        if self._touch or list(keys) != list(stored_ids) or not all(as_written):
            return False
        if not self._ours_under_spare.isdisjoint(keys):
            return False
        return all(map(operator.is_, map(self._polls.get, keys), written))

    def _update_later(self, contest: Contest, poll: Poll, *, undo: bool = False, base: Poll | None = None) -> None:
        cid = contest.id or 0
        key = self._shown_key(poll.id or 0)
        seen = self._polls.get(key)
        follows = self._touch[key] > 0  # the version shown is a pending write's: compare with what it stored
        spare = key in self._ours_under_spare
        # the version the store must hold: the edit's base when the caller knows it (a teammate's edit the watch
        # has not shown yet, merged in the form's save), else the one shown
        known = seen if base is None or follows else base

        def write(s: Session) -> Poll:  # writer thread
            sid = self._thread_id_of(key, spare)
            if sid is None:
                raise StoreError(f"this {poll.pollster} poll was never stored", kind="missing")
            repo.lock_for_check(s, [sid])
            stored = repo.list_polls(s, cid, ids=[sid])
            expected = self._w_last.get(sid) if follows else (replace(known, id=sid) if known is not None else None)
            if known is not None and stored != [expected]:
                raise StoreError(  # (what the window shows then: _on_write_failed says it)
                    "another program or a teammate changed or deleted it since it was shown here, so nothing was saved",
                    kind="conflict",
                )
            refuse_changed_candidates(s, contest, [poll])
            repo.update_poll(s, replace(poll, id=sid))
            fresh = repo.list_polls(s, cid, ids=[sid])[0]
            self._w_last[sid] = fresh
            return fresh

        def rollback() -> None:
            if seen is not None:
                self._show([replace(seen, id=self._shown_key(key))], ())
            else:
                self._show((), [self._shown_key(key)])

        pending = _Pending(
            f"{'undo' if undo else 'save'} the edit of the {poll.pollster} poll",
            self._epoch,
            rollback,
            lambda fresh: self._settle([fresh]),
            (key,),
            polls=(poll,),
            action="edit",
            base=known,
        )
        self._show([replace(poll, id=key)], ())
        self._submit(pending, write, contest)

    def _delete_later(self, contest: Contest | None, poll_ids: Sequence[int], *, undo: bool = False) -> list[Poll]:
        if contest is None:
            raise StoreError("no contest is open")
        cid = contest.id or 0
        shown, touch = self._polls, self._touch
        given = set(poll_ids)
        every = False
        if shown.keys() >= given:  # each shown under the id given (a select all + Delete): no look-up each
            every = len(given) == len(poll_ids) == len(shown)  # every poll shown, each once: taken as they are held
            # (keys in the order the polls are held too: a pending write's `touched` pairs with its `polls` by
            # position, and the selection's order kept with the held order's polls paired one poll's id with
            # another in what Retry keeps)
            keys = list(shown) if every else list(poll_ids)
            gone = list(shown.values()) if every else list(map(shown.__getitem__, keys))
            gone_ids: Sequence[int | None] = keys  # (a poll is held under its own id: no poll read for it)
        else:
            keys = [i if i in shown else self._shown_key(i) for i in poll_ids]  # (a method call each)
            gone = [shown[k] for k in keys if k in shown]
            gone_ids = [p.id for p in gone]
        # whether each follows a pending write (None: none is pending; Counter's lookup of a missing key is a Python
        # call, and a map of 100,000 polls to False was made here for nothing)
        follows = {i: touch[i or 0] > 0 for i in gone_ids} if touch else None
        spare = self._ours_under_spare.intersection(keys) if self._ours_under_spare else set()

        def write(s: Session) -> None:  # writer thread
            sids = [self._thread_id_of(k, k in spare) for k in keys]
            known = [i for i in sids if i is not None]
            repo.lock_for_check(s, known)
            stored = repo.list_polls(s, cid, ids=known)
            expected = []
            for p in gone:
                sid = self._thread_id_of(p.id or 0, (p.id or 0) in spare)
                if follows and follows[p.id]:
                    expected.append(self._w_last.get(sid or 0))
                else:  # (a poll held under its stored id is itself: 100,000 copies of it held the GIL for seconds)
                    expected.append(p if sid == p.id else replace(p, id=sid))
            if None in sids or not _same_polls(stored, expected):
                # (the poll is named by the message's start when it is the only one, what the window shows by
                # _on_write_failed: each once)
                changed = next((p for p, e in zip(gone, expected, strict=True) if e not in stored), None)
                which = "it" if len(gone) == 1 else "one of them"
                if len(gone) > 1 and changed is not None:
                    which = f"the {changed.pollster} poll"
                raise StoreError(
                    f"another program or a teammate changed or deleted {which} since it was shown here, so nothing "
                    "was deleted",
                    kind="conflict",
                )
            repo.delete_polls(s, known)
            for i in known:
                self._w_last.pop(i, None)

        def rollback() -> None:
            self._show([replace(p, id=self._shown_key(p.id or 0)) for p in gone], ())

        what = f"the {gone[0].pollster} poll" if len(gone) == 1 else f"{len(keys)} polls"
        what = f"undo the add of {what}" if undo else f"delete {what}"
        pending = _Pending(
            what, self._epoch, rollback, lambda _none: None, tuple(keys), polls=tuple(gone), action="delete"
        )
        self._show((), keys, every=every)
        self._submit(pending, write, contest)
        return gone

    def _scenario_later(
        self, contest: Contest, name: str, record: tuple[dict[str, Any], dict[str, Any]] | None
    ) -> None:
        """Save (record) or delete (None) a saved scenario: shown at once, written on the writer thread."""
        cid = contest.id or 0
        before = list(self._scenarios)
        seen = next(((b, st) for n, b, st in before if n == name), None)
        follows = self._scenario_touch[name] > 0

        def write(s: Session) -> None:  # writer thread
            repo.lock_for_check(s)  # (PostgreSQL: a teammate's save still uncommitted is waited for, then seen)
            stored = next(((b, st) for n, b, st in repo.list_scenarios(s, cid) if n == name), None)
            expected = self._w_scenario.get(name) if follows else _as_json(seen)
            if _as_json(stored) != expected:
                raise StoreError(
                    f"saved scenario '{name}' was changed or deleted by a teammate or another program since it was "
                    "shown here, so nothing was changed",
                    kind="conflict",
                )
            if record is None:
                repo.delete_scenario(s, cid, name)
            else:
                repo.save_scenario(s, cid, name, *record)
            self._w_scenario[name] = _as_json(record)

        def rollback() -> None:
            self._scenarios = before
            self.scenarios_changed.emit(list(before))

        after = [r for r in before if r[0] != name]
        if record is not None:
            after = sorted([*after, (name, *record)], key=lambda r: r[0])
        what = f"save scenario '{name}'" if record is not None else f"delete scenario '{name}'"
        pending = _Pending(what, self._epoch, rollback, lambda _none: None, scenarios=(name,), action="scenario")
        self._scenarios = after
        self.scenarios_changed.emit(list(after))
        self._submit(pending, write, contest)

    # --- contests ----------------------------------------------------------------------------------------------

    def used_codes(self) -> set[str]:
        """Candidate codes the open contest's polls refer to (those can be withdrawn, not removed)."""
        used: set[str] = set()
        for p in self._polls.values():
            used |= set(p.first_round) | set(p.second_round)
            used |= {t.from_candidate for t in p.transfers} | {t.to_candidate for t in p.transfers}
        return used

    def create_contest(self, contest: Contest) -> Contest:
        """Store a new contest and open it.

        Raises:
            ValueError: the contest is refused (its problems, or a name already taken); nothing was written.
        """
        cid = self._write(lambda s: contests_repo.create_contest(s, contest))
        self.contests_changed.emit(self.contests())
        opened = self.open_contest(cid)
        assert opened is not None
        return opened

    def update_contest(
        self, contest: Contest, base: Contest | None = None, *, born: tuple[str, datetime | None] | None = None
    ) -> Contest:
        """Store the open contest's new details (rename, candidates, colours, rules) and show them everywhere.

        Args:
            contest: the new details.
            base: the contest as the edit started from (the dialog's): if the store holds anything else now (a
                teammate's edit meanwhile), nothing is written (None: no such check).
            born: the contest's identity when the edit started (opened_identity): if the contest under its id now is
                another (it was deleted, and SQLite gave its id to the next contest made), nothing is written, every
                time (None: no such check).

        Raises:
            ValueError: refused (a problem, a taken name, removing a candidate that has polls); nothing written.
            StoreError: kind "conflict": changed elsewhere since `base`; its `current` is the contest as stored,
                the base of a save made again knowingly. The window shows it.
        """
        cid = contest.id if contest.id is not None else self._require_contest().id or 0
        shown = self._contest if self._contest is not None and self._contest.id == cid else None

        def write(s: Session) -> Contest:
            if base is not None or born is not None:
                repo.lock_for_check(s)
            _refuse_replaced(s, cid, born)
            if base is not None:
                stored = repo.get_contest(s, cid)
                if stored is not None and stored != base:  # written over, the teammate's edit would be lost
                    raise _conflict(
                        f"the contest '{base.name}' was changed by a teammate or another program while it was being "
                        "edited here, so nothing was changed; the window shows it as stored now. Save again to put "
                        "these details in place of theirs",
                        stored,
                    )
            return contests_repo.update_contest(s, cid, contest)

        before = self._revision
        try:
            stored = self._write(write, shown)
        except StoreError as exc:
            if exc.kind == "conflict" and shown is not None:
                QTimer.singleShot(0, self, lambda: self.reload(external=True))
            raise
        self.contests_changed.emit(self.contests())
        if (
            shown is not None
            and self._revision == before + 1
            and not (self._pending or self._reloading or self._reload_wanted)
        ):
            # Only this edit reached the store since what is shown was read (any other write moved the change
            # counter, and a read or reload still due is left to bring it), and an edit of a contest never changes
            # its polls (they name candidates by code, which stays; one with polls cannot go): the polls, markers
            # and saved scenarios shown are the store's. They are announced again as they are, the same objects,
            # not read again: 100,000 polls took 2-3 s of this thread to read, and new objects made every view
            # (the averages above all) work them out afresh.
            self._contest = stored
            self._born = self._identity(stored)
            self.contest_loaded.emit(stored)
            self._show_again(cid)
            return stored
        opened = self.open_contest(cid)
        assert opened is not None
        return opened

    def _show_again(self, cid: int) -> None:
        """Announce the open contest's polls, markers and saved scenarios as held, for views that were told the
        contest anew (contest_loaded) but whose polls have not changed."""
        polls, annotations = list(self._ordered), list(self._annotations)
        scenarios = self._scenarios = self.scenarios()  # (without a writer: read from the store, as ever)
        self._read_cache = {cid: (self._revision, polls, annotations, scenarios, list(self._order_keys))}
        self.polls_changed.emit(PollChange(reloaded=True))
        self.annotations_changed.emit(annotations)
        self.scenarios_changed.emit(scenarios)

    def delete_contest(self, contest_id: int, *, born: tuple[str, datetime | None] | None = None) -> Path | None:
        """Take a backup, then delete a contest with everything scoped to it; open another one.

        Args:
            born: the contest's identity when the deletion was asked (opened_identity): if the contest under its id
                now is another (a teammate deleted it and SQLite gave its id to the next contest made), or none,
                nothing is deleted (None: no such check).

        Returns:
            Where the backup went (None if the service has no backup folder).

        Raises:
            OSError: the backup could not be written (then nothing is deleted). ValueError: no such contest.
            StoreError: kind "missing": `born` is not the contest stored under its id now; nothing deleted, and no
                backup left (checked before it is taken; one taken when the race was replaced during the copy is
                removed).
        """
        # Refused before the backup, not after it: a backup for a delete that does not happen was a stray file
        # and, with BACKUPS_KEPT kept, its rotation deleted the user's oldest real backup.
        self._run(lambda s: _refuse_replaced(s, contest_id, born))
        backup: Path | None = None
        if self._backup_dir is not None:
            backup_dir, engine = self._backup_dir, self._engine
            assert engine is not None, "the session factory is bound to the store's engine"
            backup = self._run(lambda s: contests_repo.backup_before_delete(engine, backup_dir, s, contest_id))

        def write(s: Session) -> None:
            if born is not None:
                repo.lock_for_check(s)
            _refuse_replaced(s, contest_id, born)  # again, under the write lock: replaced during the backup
            contests_repo.delete_contest(s, contest_id)

        try:
            self._write(write)
        except StoreError as exc:
            if backup is not None and exc.kind == "missing":  # refused: the copy is of nothing deleted
                with contextlib.suppress(OSError):
                    backup.unlink()
            raise
        remaining = self.contests()
        self.contests_changed.emit(remaining)
        if self._contest is not None and self._contest.id == contest_id:
            self._contest = None
            self._set_polls({})
            # the store's default: the newest of the user's own, else the London demo (a big one read on the
            # writer's thread: meanwhile the race deleted is shown with none of its polls, which went with it)
            # (none left: the window shows no race, and none of the deleted one's polls either)
            self.open_at_start(None)
            if self._contest is None:
                self.polls_changed.emit(PollChange(reloaded=True))
        return backup

    def official_result(self, contest_id: int) -> OfficialResult | None:
        """A contest's stored official result (None: none)."""
        return self._run(lambda s: contests_repo.get_official_result(s, contest_id))

    def contests_with_results(self) -> list[Contest]:
        """Contests (other than the open one) whose official result is stored: possible transfer priors."""
        current = self._contest.id if self._contest is not None else None
        return [c for c in self.contests() if c.id != current and c.id is not None and self.official_result(c.id)]

    def set_official_result(
        self,
        contest: Contest,
        result: OfficialResult,
        *,
        opened_with: tuple[OfficialResult | None] | None = None,
        born: tuple[str, datetime | None] | None = None,
    ) -> None:
        """Store (or replace) a contest's official result; the contest is reopened so every view follows.

        Args:
            opened_with: (the result the dialog opened on, None if there was none); if the store holds another
                now (a teammate stored one meanwhile), nothing is written. None: no such check.

        Raises:
            ValueError: the result names someone who is not a candidate; nothing stored.
            StoreError: kind "conflict": another result was stored meanwhile; its `current` is that result. Kind
                "missing": `born` (the contest's opened_identity when the entry started) is not the contest stored
                under its id now (deleted, its id given to another): nothing is written, every time.
        """
        cid = contest.id or 0

        def write(s: Session) -> None:
            if opened_with is not None or born is not None:
                repo.lock_for_check(s)
            _refuse_replaced(s, cid, born)
            if opened_with is not None:
                stored = contests_repo.get_official_result(s, cid)
                if stored != opened_with[0]:  # replaced unseen, the teammate's figures would be lost
                    raise _conflict(
                        f"the official result of '{contest.name}' was stored by a teammate or another program while "
                        "it was being entered here, so nothing was changed. Save again to put these figures in place "
                        "of theirs",
                        stored,
                    )
            contests_repo.set_official_result(s, cid, result)

        self._write(write, contest)
        self.contests_changed.emit(self.contests())
        if self._contest is not None and self._contest.id == cid:
            self.open_contest(cid)

    def expected_valid_votes(self, contest: Contest) -> int | None:
        """The first-round valid vote to expect (its own result, else its transfer prior's)."""
        return self._run(lambda s: contests_repo.expected_valid_votes(s, contest))

    def forecast_errors(self, table_path: Path) -> ForecastErrors:
        """The forecast error table refitted with every stored race that has polls and a result."""
        return self._run(lambda s: contests_repo.forecast_errors(s, table_path))

    def irv_prior_rows(self, contest: Contest) -> dict[str, dict[str, float]] | None:
        """Next-preference rows an instant-runoff contest takes from its chosen past count (None: none)."""
        return self._run(lambda s: contests_repo.irv_prior_rows_of(s, contest))

    def transfer_priors(self, contest: Contest) -> PriorSource | None:
        """The default transfers `contest` takes from its chosen past count (None: none chosen or no result).

        Raises:
            ValueError: the past count cannot give priors (no final round, no transfers).
        """
        return self._run(lambda s: contests_repo.transfer_prior_of(s, contest))

    # --- internals -------------------------------------------------------------------------------------------

    def _same_dates(self) -> dict[tuple[date, date], set[int]]:
        """Ids of the held polls by fieldwork dates: check_poll's duplicate look-up, the few polls of those dates
        instead of every poll (10,000 polls: 40 ms per check, on every change in the poll form). Built on first
        use after a (re)load, then kept up to date as polls come and go."""
        if self._by_dates is None:
            by_dates: dict[tuple[date, date], set[int]] = {}
            for pid, poll in self._polls.items():
                by_dates.setdefault((poll.fieldwork_start, poll.fieldwork_end), set()).add(pid)
            self._by_dates = by_dates
        return self._by_dates

    def _set_polls(
        self, polls: dict[int, Poll], *, ordered: Sequence[Poll] = (), keys: Sequence[int] | None = None
    ) -> bool:
        """Replace the polls held. `ordered`: the same polls as list_polls gives them, already in fieldwork order
        (checked: one pass over their keys, in C), so that 100,000 polls are not sorted again (200 ms). `keys`:
        those polls' order keys, in that order, made already (by the writer's thread, or an earlier read).

        Returns:
            Whether `ordered` was taken as the order (else the polls were sorted here).
        """
        self._by_dates = None  # rebuilt when first asked for
        self._polls = polls
        self._gone_order = self._gone_polls = None
        self._order_version += 1
        if keys is not None and len(keys) == len(ordered) == len(polls):
            self._ordered, self._order_keys = list(ordered), list(keys)
            return True
        keys = list(map(_order_key, ordered)) if ordered and len(ordered) == len(polls) else None
        if keys is not None and keys == sorted(keys):
            self._ordered, self._order_keys = list(ordered), keys
            return True
        self._ordered = sorted(polls.values(), key=_order_key)
        self._order_keys = [_order_key(p) for p in self._ordered]
        return False

    def _put_polls(self, polls: Sequence[Poll]) -> None:
        """Add polls, or replace those with the same id, keeping the fieldwork order: a bisect each for a few, one
        merge of the two sorted runs for many (an import)."""
        polls = [p for p in polls if p.id is not None]
        for poll in polls:
            self._unorder(self._polls.get(poll.id or 0))
            self._polls[poll.id or 0] = poll
            if self._by_dates is not None:
                self._by_dates.setdefault((poll.fieldwork_start, poll.fieldwork_end), set()).add(poll.id or 0)
        self._order_version += 1
        if len(polls) > 64:
            self._ordered, self._order_keys = _merge_runs(self._ordered, self._order_keys, polls)
            return
        for poll in polls:
            key = _order_key(poll)
            at = bisect.bisect_right(self._order_keys, key)
            self._order_keys.insert(at, key)
            self._ordered.insert(at, poll)

    def _put_new(self, polls: Sequence[Poll], ids: list[int]) -> None:
        """Add polls none of which is held (`ids`: theirs, in order) at once: one dict update, their dates' index kept
        up to date (where it is made), and the fieldwork order merged with each poll's key made once; polls that are
        the very ones the last delete of every poll took away (its undo) go back as they were held: the map of them
        by id and their fieldwork order, set aside by that delete (a dict update of 100,000 polls, and a set of
        their addresses to check them against the order, were 0.1 s of the undo's turn)."""
        gone, held = self._gone_order, self._gone_polls
        self._gone_order = self._gone_polls = None
        if (
            not self._polls
            and not self._ordered
            and gone is not None
            and held is not None
            and len(gone[0]) == len(polls) == len(held)
            # each id given (none twice: _fresh) names the very poll the delete took under it: the same polls
            and all(map(operator.is_, map(held.get, ids), polls))
        ):
            self._polls = held
            self._ordered, self._order_keys = gone
            self._order_version += 1
            return  # (their dates' index went with the delete: made again when first asked for)
        self._polls.update(zip(ids, polls, strict=True))
        by_dates = self._by_dates  # (None after a delete of every poll: made again when first asked for)
        if by_dates is not None:
            for pid, poll in zip(ids, polls, strict=True):
                by_dates.setdefault((poll.fieldwork_start, poll.fieldwork_end), set()).add(pid)
        self._order_version += 1
        self._ordered, self._order_keys = _merge_runs(self._ordered, self._order_keys, polls)

    def _adopt_order(self, polls: Sequence[Poll], prepared: PreparedOrder) -> None:
        """New polls (ids not held) taken in with their order merged already (_put_polls' result, made elsewhere)."""
        by_dates = self._by_dates
        for poll in polls:
            self._polls[poll.id or 0] = poll
            if by_dates is not None:
                by_dates.setdefault((poll.fieldwork_start, poll.fieldwork_end), set()).add(poll.id or 0)
        self._ordered, self._order_keys = prepared.ordered, prepared.keys
        self._order_version += 1

    def _unorder_many(self, polls: Sequence[Poll]) -> None:
        """Take held polls out of the fieldwork order: a few one by one, many in one pass over the order (one by one,
        each removal moved every later entry: most of the 5 s a select all + Delete of 100,000 polls held the
        window, benchmarks/bench_menu_stalls.py)."""
        if len(polls) < BULK_UNORDER:
            for poll in polls:
                self._unorder(poll)
            return
        self._order_version += 1
        if not self._polls:  # every held poll went (a select all + Delete): nothing to look through
            # for the undo of this delete (_put_new)
            self._gone_order = (self._ordered, self._order_keys) if len(polls) == len(self._ordered) else None
            self._gone_polls = None  # (set by _show when it set the whole map aside: the two always of one delete)
            self._ordered, self._order_keys, self._by_dates = [], [], None
            return
        if self._by_dates is not None:
            for poll in polls:
                same = self._by_dates.get((poll.fieldwork_start, poll.fieldwork_end))
                if same is not None:
                    same.discard(poll.id or 0)
                    if not same:
                        del self._by_dates[(poll.fieldwork_start, poll.fieldwork_end)]
        ordered, keys = self._ordered, self._order_keys
        if len(polls) * FEW_AMONG < len(ordered):  # a few among many (an undone import): found by their keys
            places = sorted(bisect.bisect_left(keys, _order_key(p)) for p in polls)
            if places[-1] < len(ordered) and {id(ordered[at]) for at in places} == {id(p) for p in polls}:
                # the order between them copied slice by slice in C (a Python test of each of the 100,000 polls
                # held was most of this step in the undo of a 1,000-poll import)
                spans = list(zip([0, *(at + 1 for at in places)], [*places, len(ordered)], strict=True))
                self._ordered = list(chain.from_iterable(ordered[a:b] for a, b in spans))
                self._order_keys = list(chain.from_iterable(keys[a:b] for a, b in spans))
                return
        out = {id(p) for p in polls}  # (by identity, as _unorder finds its poll; every one is held, so alive)
        kept = [i for i, p in enumerate(ordered) if id(p) not in out]
        self._ordered = [ordered[i] for i in kept]
        self._order_keys = [keys[i] for i in kept]

    def _unorder(self, poll: Poll | None) -> None:
        """Take a held poll out of the fieldwork order (and out of the by-dates index)."""
        if poll is None:
            return
        self._order_version += 1
        if self._by_dates is not None:
            same = self._by_dates.get((poll.fieldwork_start, poll.fieldwork_end))
            if same is not None:
                same.discard(poll.id or 0)
                if not same:
                    del self._by_dates[(poll.fieldwork_start, poll.fieldwork_end)]
        key = _order_key(poll)
        at = bisect.bisect_left(self._order_keys, key)
        while at < len(self._ordered) and self._ordered[at] is not poll:  # (ids are unique: found at once)
            at += 1
        if at < len(self._ordered):
            del self._ordered[at]
            del self._order_keys[at]

    @staticmethod
    def require_still_there(
        session: Session,
        contest: Contest,
        identity: tuple[str, datetime | None] | None = None,
        *,
        since: str = "while it was open here",
    ) -> None:
        """Refuse a write into a contest another program deleted (SQLite gives its id to the next contest made, so
        the write would land in someone else's race). `identity`: its name and creation time as read when it was
        opened (a rename keeps the creation time); without it, the name must match. A store another version of
        warroom upgraded meanwhile is refused too (store.db.refuse_changed_schema). The refusal names the race, when
        (`since`: "since the import started"), and the race now under its number when there is one.

        Raises:
            StoreError: kind "missing".
        """
        refuse_changed_schema(session)
        now = repo.contest_identity(session, contest.id or 0)
        if identity is not None and identity[1] is not None:
            same = now is not None and _same_contest(now, identity)
        else:
            same = now is not None and now[0] == contest.name
        if not same:
            if now is None:
                replaced = ""
            elif now[0] == contest.name:
                replaced = " and replaced by another race of the same name, made under its number since"
            else:
                replaced = f" and replaced: '{now[0]}' is another race, made under its number since"
            raise StoreError(
                f"the contest '{contest.name}' was deleted by another program or a teammate {since}{replaced}, "
                "so nothing was saved; the window shows what the store holds now",
                kind="missing",
            )

    def _require_contest(self) -> Contest:
        if self._contest is None:
            raise StoreError("no contest is open")
        return self._contest

    def _run(self, fn: Callable[[Session], T], *, lock_wait_ms: int = INTERACTIVE_LOCK_WAIT_MS) -> T:
        with translated(self._engine), self._sessions() as session:
            limit_lock_wait(session, lock_wait_ms)  # a table lock (PostgreSQL) blocks reads too
            return fn(session)

    def _write(self, fn: Callable[[Session], T], within: Contest | None = None) -> T:
        """One transaction on this thread; `within`: the write belongs to that contest, which must still be the one
        stored. With a writer, the changes still on their way to the store are waited for first (bounded), so
        that this write comes after them, as it was made."""
        if self._pending:
            self.wait_for_writes(WRITE_WAIT_ON_SWITCH_S)
        with translated(self._engine), self._sessions.begin() as session:
            limit_lock_wait(session, INTERACTIVE_LOCK_WAIT_MS, write=True)  # on the GUI thread: no long freeze
            if within is not None:
                opened = self._contest is not None and within.id == self._contest.id
                self.require_still_there(session, within, self._born if opened else None)
            else:
                refuse_changed_schema(session)
            result = fn(session)
            session.flush()
            rev = repo.revision(session)  # inside our transaction: exactly our write's number
        missed = rev != self._revision + 1  # someone else wrote since we last looked
        self._revision = rev
        if missed:
            QTimer.singleShot(0, self, lambda: self.reload(external=True))
        return result

    def _warm_up(self, steps: list[repo.WarmUpStep] | None = None) -> None:
        """Compile, reading only, the statements of a one-poll add, edit and delete before the user makes the
        first one (10-30 ms of CPU that click cost more than every later one): one small step per turn of the
        event loop (store.polls.warm_up_steps; `steps`: those still to run, None: all of them, from the start).
        Best effort: a store problem here is left for the write itself to report."""
        if self._contest is None:
            return
        if steps is None:
            steps = repo.warm_up_steps(self._contest.id or 0)
        if not steps:
            return
        step, rest = steps[0], steps[1:]
        try:  # (a lock another program holds: not waited for, it is only a warm-up)
            self._run(step, lock_wait_ms=WARM_UP_LOCK_WAIT_MS)
        except StoreError:
            return
        QTimer.singleShot(0, self, lambda: self._warm_up(rest))

    def _on_watch_timeout(self) -> None:
        if self._contest is None or self._held:
            return
        if self._writer is not None:  # the look at the store runs on the writer's thread, after any write
            if not self._pending and not self._watch_queued and not self._writer.closed:
                self._watch_queued = True
                self._writer.submit(lambda: self._run(repo.revision), self._on_watch_read)
            return
        try:
            rev = self._run(repo.revision)
        except StoreError as exc:
            self._watch.stop()  # one message, not one a second; restarted by the next successful reload
            self.store_failed.emit(f"{exc} ({exc.where})" if exc.where else str(exc))
            return
        if rev != self._revision:
            self.reload(external=True)

    def _on_watch_read(self, rev: int | None, error: BaseException | None) -> None:
        self._watch_queued = False
        if self._contest is None or self._held or self._pending or self._reloading:
            return
        if error is not None:
            self._watch.stop()  # one message, not one a second; restarted by the next successful reload
            where = getattr(error, "where", "")
            self.store_failed.emit(f"{error} ({where})" if where else str(error))
            return
        if rev != self._revision:
            self._reload_external()


def _unsaved_changes(writes: Sequence[_Pending]) -> tuple[tuple[str, tuple[Poll, ...]], ...]:
    """The poll changes of `writes` (in the order made) as the user entered them, for Retry: a later edit of a
    poll whose add is among them goes into that add, a later delete of it takes it out of the add (the poll was
    never stored, so an edit or delete of it alone could not be retried), and an edit followed by another edit or
    a delete of the same poll gives way to the later one."""
    changes: list[tuple[str, list[tuple[int, Poll]]]] = []  # (action, [(id as shown, poll)])
    for write in writes:
        if write.action not in ("add", "edit", "delete") or not write.polls:
            continue
        keys = list(write.touched) if len(write.touched) == len(write.polls) else [p.id or 0 for p in write.polls]
        entries = list(zip(keys, write.polls, strict=True))
        if write.action in ("edit", "delete"):
            rest: list[tuple[int, Poll]] = []
            for key, poll in entries:
                earlier = next(
                    (
                        (c, k)
                        for c in reversed(changes)
                        for k, (ck, _) in enumerate(c[1])
                        if ck == key and c[0] != "delete"
                    ),
                    None,
                )
                if earlier is None:
                    rest.append((key, poll))
                elif earlier[0][0] == "add":  # never stored: the add takes the edit, or the delete takes it out
                    if write.action == "edit":
                        earlier[0][1][earlier[1]] = (key, replace(poll, id=earlier[0][1][earlier[1]][1].id))
                    else:
                        del earlier[0][1][earlier[1]]
                else:  # an earlier edit of it: the later edit or delete is what the user wanted last
                    del earlier[0][1][earlier[1]]
                    rest.append((key, poll))
            entries = rest
        if entries:
            changes.append((write.action, entries))
    return tuple((action, tuple(p for _, p in entries)) for action, entries in changes if entries)


def _edit_bases(writes: Sequence[_Pending]) -> tuple[tuple[int, Poll], ...]:
    """For each poll edited among `writes` (by its id as the edit carries it), the version the first of its edits
    there was made against: what a Retry of the kept edit (_unsaved_changes gives the later edit) is made
    against, as the form's save was."""
    bases: dict[int, Poll] = {}
    for write in writes:
        if write.action == "edit" and write.base is not None:
            for poll in write.polls:
                bases.setdefault(poll.id or 0, write.base)
    return tuple(bases.items())


def _refuse_codes_gone(contest: Contest, polls: Sequence[Poll]) -> None:
    """(GUI thread, before anything is shown or queued.) Refuse polls that give a figure to a candidate or party
    `contest` no longer has: an Undo of a delete or an edit, or a Redo of an add, made after the race was edited
    (here or by a teammate) to remove that candidate or party, which no poll held named then. Stored, the figure
    would sit under a code naming nobody (or whoever is given that code later). The codes are gathered in C (the
    undo of a 100,000-poll delete passes here); the polls are looked at one by one only to name them.

    Raises:
        StoreError: kind "conflict", naming the (first) poll, how many others, and the codes gone; nothing written.
    """
    if not polls:
        return
    allowed = contest_codes(contest)  # (core.validation.allowed_codes: the one rule)
    if (
        set().union(*map(operator.attrgetter("first_round"), polls)) <= allowed.first
        and set().union(*map(operator.attrgetter("second_round"), polls)) <= allowed.second
        and set().union(*map(operator.attrgetter("party_vi"), polls)) <= allowed.party
        and all(
            t.from_candidate in allowed.transfer_from and t.to_candidate in allowed.transfer_to
            for p in polls
            if p.transfers
            for t in p.transfers
        )
    ):
        return

    def gone(poll: Poll) -> list[str]:
        return sorted({f"{m.kind} '{m.code}'" for m in codes_not_allowed(poll, allowed)})

    refused = [(p, codes) for p in polls if (codes := gone(p))]
    first, codes = refused[0]
    every = sorted({c for _, cs in refused for c in cs})
    what = (
        f"the {first.pollster} poll (fieldwork {first.fieldwork_start.isoformat()} to "
        f"{first.fieldwork_end.isoformat()})"
    )
    if len(refused) > 1:
        what += f" and {len(refused) - 1:,} other poll(s) of these {len(polls):,}"
    raise StoreError(
        f"{what} give{'s' if len(refused) == 1 else ''} figures to {', '.join(every)}, which '{contest.name}' no "
        "longer has (removed from the race since, here or by a teammate), so nothing was put back or saved",
        kind="conflict",
    )


def refuse_changed_candidates(session: Session, contest: Contest, polls: Sequence[Poll]) -> None:
    """(Any thread; the import worker's too.) Refuse polls entered against `contest` as the window showed it when a candidate (or party) they give a
    figure to has since been removed from the stored race, or its code given to someone else, by a teammate or
    another program: the figure would be stored under a code naming nobody, or the wrong person. One read of the
    race, in the write's transaction; nothing more when its candidates and parties are as shown."""
    stored = repo.get_contest(session, contest.id or 0)
    if stored is None or (stored.candidates == contest.candidates and stored.parties == contest.parties):
        return  # (a race gone: require_still_there refused the write already)
    now = {c.code: c.name for c in stored.candidates}
    for poll in polls:
        used = set(poll.first_round) | set(poll.second_round)
        used |= {t.from_candidate for t in poll.transfers} | {t.to_candidate for t in poll.transfers}
        for c in contest.candidates:
            if c.code in used and now.get(c.code) != c.name:
                raise StoreError(
                    f"candidate {c.name} ({c.code}) was "
                    + ("removed from" if c.code not in now else f"replaced by {now[c.code]} in")
                    + f" '{stored.name}' by a teammate or another program since it was shown here, so the "
                    f"{poll.pollster} poll was not saved; the window shows the race as stored now",
                    kind="conflict",
                )
        parties = {p.code: p.name for p in stored.parties}
        for party in contest.parties:
            if party.code in poll.party_vi and parties.get(party.code) != party.name:
                raise StoreError(
                    f"party {party.name} ({party.code}) was removed or renamed in '{stored.name}' by a teammate or "
                    f"another program since it was shown here, so the {poll.pollster} poll was not saved; the "
                    "window shows the race as stored now",
                    kind="conflict",
                )


def _refuse_replaced(session: Session, contest_id: int, born: tuple[str, datetime | None] | None) -> None:
    """Refuse an edit begun on the contest `born` names (its name and creation time then) when the contest stored
    under `contest_id` now is not that one: deleted by a teammate or another program, perhaps with its id given to
    the next contest made (SQLite reuses the largest id), whose details or result the edit would replace."""
    if born is None:
        return
    now = repo.contest_identity(session, contest_id)
    if not _same_contest(now, born):
        raise StoreError(
            f"the contest '{born[0]}' was deleted by a teammate or another program while it was being edited here"
            + (f" ('{now[0]}' is another race, stored under its number since)" if now is not None else "")
            + ", so nothing was changed",
            kind="missing",
        )


def _nothing(*_args: Any) -> None:
    """A detached write's confirmation or taking back: the screen it was made on is gone."""


def _as_json(record: tuple[dict[str, Any], dict[str, Any]] | None) -> str | None:
    """A saved-scenario record as the store keeps it (JSON, keys sorted): a tuple and a list compare alike."""
    return None if record is None else json.dumps(record, sort_keys=True, default=str)


_WholeRace = tuple[Contest | None, tuple[str, datetime | None] | None, int, list[Poll], list[Annotation], list[Any]]
"""A race read whole: the contest, its identity, the store's change counter, its polls, markers, saved cases."""


def _whole_race(s: Session, cid: int) -> _WholeRace:
    """Everything of contest `cid` in one transaction (a read on the writer's thread: _read_later, a teammate's
    change shown), the change counter read before the polls: a teammate's write between them is read again, not
    lost."""
    return (
        repo.get_contest(s, cid),
        repo.contest_identity(s, cid),
        repo.revision(s),
        repo.list_polls(s, cid),
        repo.list_annotations(s, cid),
        repo.list_scenarios(s, cid),
    )


def _same_contest(now: tuple[str, datetime | None] | None, seen: tuple[str, datetime | None] | None) -> bool:
    """Whether the contest stored now under an id is the one read earlier under it: the same creation time (a
    rename keeps it; a contest deleted and replaced under the same id has a new one); with no creation time
    known, the same name."""
    if now is None or seen is None:
        return False
    if now[1] is not None and seen[1] is not None:
        return now[1] == seen[1]
    return now[0] == seen[0]
