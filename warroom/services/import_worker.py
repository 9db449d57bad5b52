"""ImportWorker: poll imports (a CSV file, a pasted table) read, checked and stored off the GUI thread.

A 10,000-poll file takes about a second and a half to parse, check, store and read back; on the GUI thread that
froze the window. Here the work runs on one worker thread with its own store sessions (the engine's pool hands
each thread its own connection; only core dataclasses cross threads), reports its progress as signals, and can
be cancelled until its one transaction commits.

The rules are the importer's own (core.csvformat and store.polls.add_polls), called, not copied:
- a problem anywhere refuses the whole import, named by source, line and field, and nothing is written;
- polls already stored (same pollster and fieldwork dates) are skipped and counted, as a bundle import does;
- everything else is written in one transaction, in chunks so that progress shows and a cancel is heard;
  a cancel (or any error) rolls the transaction back: the store is exactly as it was;
- when it is done, the poll service adopts the stored polls and announces them once (polls_changed), so the
  table and charts refresh once.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal, Slot
from sqlalchemy.orm import Session, sessionmaker

from warroom.core.csvformat import LineError, ParseResult
from warroom.core.paste import PasteError, rows_to_csv, split_table, to_poll_csv
from warroom.core.types import Contest, CountingSystem, Poll
from warroom.core.validation import today_somewhere
from warroom.services.poll_service import (
    OrderSnapshot,
    PollService,
    PreparedOrder,
    Progress,
    merged_order,
    parse_poll_file,
    parse_poll_text,
    refuse_changed_candidates,
)
from warroom.services.worker_threads import SWITCH_INTERVAL_S, gui_first, wait_landed  # noqa: F401  (moved there)
from warroom.store import polls as repo
from warroom.store.db import StoreError, translated

if TYPE_CHECKING:  # (the two-round readers and store are imported when a two-round race imports: start-up stays light)
    from warroom.core.france import Counts, PollNotice, RoundResult, TransferMatrix
    from warroom.store.questions import CampaignImport, CampaignRows

CHUNK = 500
"""Polls per add_polls call inside the one transaction: 20 progress steps (and cancel points) for 10,000
polls, each about 30 ms of writing; the per-call overhead (a revision bump, a duplicate look-up) is a few ms."""

ERRORS_SHOWN = 20
BULK_ADOPT = 64
"""More polls than this imported at once are merged into the poll service's order on the worker thread."""


class ImportCancelled(Exception):
    """The user cancelled: the transaction was rolled back, nothing was written."""


class ImportRefused(Exception):
    """The input or the store refused the import; the message names source, line and field. Nothing written.

    Attributes:
        dates_unordered: refused (among others) for dates in figures that read both ways, no order given: the
            window asks for the order and imports again with it.
        replaceable: a two-round import refused only for questions or matrices stored with other figures: the
            window asks whether the file's figures replace them (a corrected download) and imports again so.
    """

    def __init__(self, message: str, *, dates_unordered: bool = False, replaceable: bool = False) -> None:
        super().__init__(message)
        self.dates_unordered = dates_unordered
        self.replaceable = replaceable


@dataclass(frozen=True)
class ImportProgress:
    """Where an import is.

    Attributes:
        source: what is imported ("polls.csv", "the pasted table").
        stage: "checking" (reading and validating rows) or "writing" (storing polls).
        done: lines checked, or polls written.
        total: lines in the input, or polls to write.
    """

    source: str
    stage: str
    done: int
    total: int

    @property
    def text(self) -> str:
        if self.stage == "checking":
            return f"Checking {self.source}: line {self.done:,} of {self.total:,}…"
        return f"Storing polls from {self.source}: {self.done:,} of {self.total:,}…"


@dataclass(frozen=True)
class ImportReport:
    """What a finished import did.

    Attributes:
        source: what was imported.
        contest_id: the contest the polls went into.
        added: the stored polls, read back with their ids.
        skipped: one line per poll skipped as already stored.
        revision_before: the store's change counter before the write; revision: after it.
        order: the poll service's fieldwork order with the added polls merged in, made on the worker thread from
            the order as it was when the import started (PollService.adopt_added takes it if still current).
    """

    source: str
    contest_id: int
    added: tuple[Poll, ...]
    skipped: tuple[str, ...]
    revision_before: int
    revision: int
    order: PreparedOrder | None = field(default=None, compare=False, repr=False)

    @property
    def summary(self) -> str:
        """One line for the status bar: how many added, how many skipped as duplicates."""
        if not self.added and self.skipped:
            return f"No new polls in {self.source}: all {len(self.skipped):,} are already stored"
        text = f"{len(self.added):,} poll{'s' if len(self.added) != 1 else ''} added from {self.source}"
        if self.skipped:
            text += f"; {len(self.skipped):,} already stored, skipped as duplicates"
        return text


TWO_ROUND_FILES = "a French poll compilation (NSPPolls, Mieux Voter) or the poll CSV with questions"


@dataclass(frozen=True)
class CampaignReport:
    """What a finished import into a two-round race did (its polls are notices with questions, not plain polls).

    Attributes:
        source: what was imported.
        contest_id: the race.
        kind: "nsppolls", "mieuxvoter", "results" (official rounds only) or "poll-csv" (the poll CSV with
            questions).
        in_file: what the input holds.
        added: what the store took (store.questions.CampaignImport).
        revision_before: the store's change counter before the write; revision: after it.
    """

    source: str
    contest_id: int
    kind: str
    in_file: Counts
    added: CampaignImport
    revision_before: int
    revision: int
    step: str = "import"
    """"import"; "undo" (the import's rows taken back) or "redo" (its input stored again)."""
    read: _CampaignInput | None = field(default=None, compare=False, repr=False)
    """What was read (kept for Redo)."""

    @property
    def undoable(self) -> bool:
        """Whether the import can be taken back whole: it replaced no stored figure (a replaced question's old
        figures are not kept) and its rows were kept."""
        got = self.added
        return got.rows is not None and not (got.replaced_questions or got.replaced_matrices)

    @property
    def summary(self) -> str:
        """One line for the status bar, in the words `warroom import` uses."""
        if self.step == "undo":
            return f"Undone: what was imported from {self.source} is taken out of the race"
        got = self.added
        parts = [
            _count(n, one, many)
            for n, one, many in (
                (got.polls, "poll", None),
                (got.hypotheses, "first-round hypothesis", "first-round hypotheses"),
                (got.matchups, "runoff matchup", None),
                (got.matrices, "transfer matrix", "transfer matrices"),
                (got.rounds, "official round", None),
            )
            if n
        ]
        text = f"From {self.source}: {', '.join(parts)} added" if parts else f"Nothing new in {self.source}"
        skipped = got.skipped_questions + got.skipped_matrices
        if skipped:
            text += f"; {_count(skipped, 'question or matrix', 'questions and matrices')} already stored, skipped"
        replaced = got.replaced_questions + got.replaced_matrices
        if replaced:
            text += f"; {_count(replaced, 'question or matrix', 'questions and matrices')} replaced by the file's"
        return f"Redone: {text}" if self.step == "redo" else text


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else many or one + 's'}"


def _problems(source: str, errors: Sequence[LineError]) -> str:
    shown = "\n".join(f"line {e.line}, {e.field}: {e.message}" for e in errors[:ERRORS_SHOWN])
    more = f"\n… and {len(errors) - ERRORS_SHOWN} more" if len(errors) > ERRORS_SHOWN else ""
    return f"Nothing was imported from {source}:\n\n{shown}{more}"


@dataclass(frozen=True)
class _CampaignInput:
    kind: str
    notices: tuple[PollNotice, ...]
    matrices: tuple[TransferMatrix, ...]
    results: Mapping[int, RoundResult] | None


def _read_campaign_file(path: Path, contest: Contest, date_order: str | None = None) -> _CampaignInput:
    """A file for a two-round race, read as `warroom import` reads it: a compilation (recognised by its header),
    else the poll CSV with questions. Any thread: no Qt, no store."""
    from warroom.core.compilations import read_compilation
    from warroom.core.france import FranceFormatError
    from warroom.core.infile import decode_csv_bytes
    from warroom.paths import read_input_file

    refused = bundle_file_refusal(path)
    if refused is not None:
        raise ImportRefused(refused)
    try:
        compilation = read_compilation(path)
    except FranceFormatError as exc:
        raise ImportRefused(_problems(f"{path.name} ({exc.source})", exc.errors)) from None
    except OSError as exc:
        raise ImportRefused(f"Nothing was imported from {path.name}: cannot read the file: {exc.strerror}") from None
    if compilation is not None:
        results = compilation.results if compilation.results else None
        return _CampaignInput(compilation.kind, compilation.notices, compilation.matrices, results)
    try:
        data = read_input_file(path, max_bytes=2 * 1024**3)
        text = decode_csv_bytes(data)
    except OSError as exc:
        raise ImportRefused(f"Nothing was imported from {path.name}: cannot read the file: {exc.strerror}") from None
    except ValueError as exc:
        raise ImportRefused(f"Nothing was imported from {path.name}: {exc}") from None
    return _read_campaign_text(text, path.name, contest, date_order)


def _read_campaign_text(text: str, source: str, contest: Contest, date_order: str | None = None) -> _CampaignInput:
    """The poll CSV with questions (QUESTION_COLUMNS), for a two-round race; its dates in figures read in
    `date_order` ("dmy", "mdy"), else as the file shows, else refused with dates_unordered (the window asks)."""
    from warroom.core.compilations import parse_question_csv

    parsed = parse_question_csv(text, contest, today=today_somewhere(), date_order=date_order)
    if parsed.errors:
        raise ImportRefused(_problems(source, parsed.errors), dates_unordered=parsed.dates_unordered)
    return _CampaignInput("poll-csv", parsed.notices, parsed.matrices, None)


def bundle_file_refusal(path: Path) -> str | None:
    """bundle_refusal of the file at `path`, by its first bytes (a FIFO or a folder is none)."""
    from warroom.core.infile import bundle_refusal, open_regular

    if path.is_dir():
        return None
    try:
        with open_regular(path) as fh:  # (a FIFO is refused at once, never waited on)
            head = fh.read(256).decode("utf-8-sig", errors="replace")
    except OSError:
        return None
    return bundle_refusal(head, path.name, path.name)


def refuse_compilation(path: Path, contest: Contest) -> str | None:
    """Why the file at `path` cannot go into `contest` when it is one of the French compilations and the race is
    not a two-round one, else None (the file is read as a poll CSV, whose reader names its own problems). Looks
    at the file's header line only."""
    from warroom.core.compilations import COMPILATION_KINDS, compilation_kind

    kind = compilation_kind(path)
    if kind is None or contest.system == CountingSystem.TWO_ROUND:
        return None
    return (
        f"Nothing was imported from {path.name}: it is {COMPILATION_KINDS[kind]}, for a two-round race; "
        f"{contest.name} is a {contest.system.label} race. Open a two-round race to import it into, or make one "
        f"of the file with: warroom import {path.name} --new-contest NAME"
    )


class ImportWorker(QObject):
    """Runs poll imports on a worker thread; one at a time.

    Args:
        sessions: the store's session factory (its engine must allow use from another thread: every store
            engine of this app does; SQLite's pool gives each thread its own connection).
        polls: the poll service: the open contest, the stored polls' keys, and the adoption of the result.
        executor: runs imports (default: one worker thread).
        check_executor: runs paste previews (default: another worker thread, so a preview never waits
            behind an import).
        chunk: polls per write step.

    Signals:
        progress_changed: ImportProgress, a few dozen times per import.
        import_finished: ImportReport; the poll service has already announced the new polls.
        import_failed: a message naming source, line and field; nothing was written.
        import_needs_date_order: a message, as import_failed, for an import refused for dates in figures that read
            both ways with no order given; the window asks for the order and starts it again.
        import_needs_replace: a message, as import_failed, for an import into a two-round race refused only for
            questions or matrices stored with other figures; the window asks whether the file's replace them.
        campaign_finished: CampaignReport, for an import into a two-round race (its polls are notices with
            questions, read again by the race's controller).
        import_cancelled: the user's cancel took effect; nothing was written.
        busy_changed: True when an import starts, False when it ends (any way).
        paste_checked: (request id, ParseResult or error message) for check_paste; only the latest request
            is answered.
    """

    progress_changed = Signal(object)
    import_finished = Signal(object)
    import_failed = Signal(str)
    import_needs_date_order = Signal(str)  # refused: its dates in figures read both ways (message); nothing written
    import_needs_replace = Signal(str)  # two-round: refused only for questions stored with other figures (message)
    campaign_finished = Signal(object)  # CampaignReport: an import into a two-round race landed
    import_cancelled = Signal()
    busy_changed = Signal(bool)
    paste_checked = Signal(int, object)
    _job_done = Signal(object, str)  # (Future, source), emitted on the worker thread, handled on ours
    _check_done = Signal(int, object)  # (request id, Future)

    def __init__(
        self,
        sessions: sessionmaker[Session],
        polls: PollService,
        *,
        executor: Executor | None = None,
        check_executor: Executor | None = None,
        chunk: int = CHUNK,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._sessions = sessions
        self._engine = sessions.kw.get("bind")
        self._polls = polls
        self._own: list[ThreadPoolExecutor] = []
        if executor is None:
            executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="warroom-import")
            self._own.append(executor)
        if check_executor is None:
            check_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="warroom-paste-check")
            self._own.append(check_executor)
        self._executor = executor
        self._check_executor = check_executor
        self._chunk = max(1, chunk)
        self._cancel: threading.Event | None = None
        self._latest_check = 0
        self._closed = False
        # Queued even from our own thread: a future already done when its callback is added calls it at once,
        # and the answer must still come after the caller has the request id in hand.
        self._job_done.connect(self._on_job_done, Qt.ConnectionType.QueuedConnection)
        self._check_done.connect(self._on_check_done, Qt.ConnectionType.QueuedConnection)

    # --- imports ----------------------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._cancel is not None

    def start_file(self, path: Path, date_order: str | None = None) -> bool:
        """Import a poll CSV file (`date_order`: how its dates in figures read, "dmy" or "mdy"; None: as the file
        shows, else refused with import_needs_date_order). False (and import_failed) if it cannot start. Into a
        two-round race, the file is read as `warroom import` reads it (start_campaign_file)."""
        if self._two_round():
            return self.start_campaign_file(path)

        def parse(contest: Contest, progress: Progress) -> ParseResult:
            # (a bundle, or a header the poll CSV reader would call wrong columns)
            refused = bundle_file_refusal(path) or refuse_compilation(path, contest)
            if refused is not None:
                raise ImportRefused(refused)
            return parse_poll_file(path, contest, progress=progress, date_order=date_order)

        return self._start(path.name, parse)

    def start_campaign_file(self, path: Path, *, replace: bool = False, date_order: str | None = None) -> bool:
        """Import a file into the open two-round race: a French compilation (NSPPolls, Mieux Voter, a folder of
        one, official rounds) or the poll CSV with questions, all or nothing (store.questions.add_campaign, as
        `warroom import`). `replace`: a question or matrix stored with other figures takes the file's (else the
        import is refused with import_needs_replace). `date_order`: how the poll CSV's dates in figures read
        ("dmy", "mdy"; None: as the file shows, else refused with import_needs_date_order)."""
        return self._start_campaign(path.name, lambda contest: _read_campaign_file(path, contest, date_order), replace)

    def start_campaign_text(
        self, text: str, source: str = "the pasted table", *, replace: bool = False, date_order: str | None = None
    ) -> bool:
        """Import pasted text into the open two-round race: the poll CSV with questions (tabs, semicolons or
        commas, as split_table reads a spreadsheet's copy), its dates in figures read as start_campaign_file's."""

        def read(contest: Contest) -> _CampaignInput:
            try:
                rows = split_table(text)
            except PasteError as exc:
                raise ImportRefused(f"The pasted text is not a table of polls: {exc}") from None
            return _read_campaign_text(rows_to_csv(rows), source, contest, date_order)

        return self._start_campaign(source, read, replace)

    def start_campaign_input(self, read: _CampaignInput, source: str) -> bool:
        """Store again what an import into the open two-round race read (Redo after its Undo): all or nothing,
        checked again against what is stored now."""
        return self._start_campaign(source, lambda _contest: read, False, step="redo")

    def start_campaign_removal(self, rows: CampaignRows, source: str) -> bool:
        """Take back the rows an import into the open two-round race wrote (Undo), in one transaction."""
        return self._start_campaign(
            source, lambda _contest: _CampaignInput("undo", (), (), None), False, step="undo", removal=rows
        )

    def _two_round(self) -> bool:
        contest = self._polls.contest
        return contest is not None and contest.system == CountingSystem.TWO_ROUND

    def start_text(self, text: str, source: str = "the pasted table", date_order: str | None = None) -> bool:
        """Import pasted text: a poll CSV, or a spreadsheet table with the app's own column names."""
        return self._start(
            source, lambda contest, progress: parse_poll_text(text, contest, progress=progress, date_order=date_order)
        )

    def start_table(self, text: str, source: str = "the pasted table", date_order: str | None = None) -> bool:
        """Import a pasted table in the app's own columns as split_table reads it (tabs, semicolons or commas),
        split here on the worker: its rows go on as the comma CSV they would have been (a text that is no table is
        refused, saying so)."""

        def parse(contest: Contest, progress: Progress) -> ParseResult:
            try:
                rows = split_table(text)
            except PasteError as exc:
                raise ImportRefused(f"The pasted text is not a table of polls: {exc}") from None
            return parse_poll_text(rows_to_csv(rows), contest, progress=progress, date_order=date_order)

        return self._start(source, parse)

    def start_parsed(self, parsed: ParseResult, source: str = "the pasted table") -> bool:
        """Store polls already parsed (the paste dialog's checked preview); never into a two-round race, whose
        polls are notices with questions (they would be stored where none of its figures reads them)."""
        if self._two_round():
            self.import_failed.emit(
                f"Nothing was imported from {source}: a two-round race's polls are imported with their questions, "
                f"from {TWO_ROUND_FILES} (README: Poll CSV with questions)"
            )
            return False
        return self._start(source, lambda _contest, _progress: parsed)

    def cancel(self) -> None:
        """Ask the running import to stop; it rolls back and import_cancelled follows (unless it already
        committed: then import_finished). Safe from any thread."""
        cancel = self._cancel
        if cancel is not None:
            cancel.set()

    def shutdown(self) -> None:
        """Cancel what runs and wait for the worker threads to end (the window is closing); nothing starts after."""
        self._closed = True
        self.cancel()
        for executor in self._own:
            executor.shutdown(wait=True, cancel_futures=True)

    # --- paste previews ------------------------------------------------------------------------------------

    def check_paste(
        self,
        rows: Sequence[Sequence[str]],
        mapping: Sequence[str],
        default_year: int | None = None,
        date_order: str | None = None,
    ) -> int:
        """Parse pasted rows under a column mapping, off the GUI thread, for the preview; a date written without
        its year ("28–30 Apr", as Wikipedia's tables under a year's heading) is taken in `default_year`, one in
        figures alone ("4/5/2012") in `date_order` ("dmy", "mdy"; None: the order the table shows, else refused).

        Returns:
            The request id; paste_checked(id, ParseResult or message) follows for the latest request only, and
            an older request still running stops early.
        """
        contest = self._polls.contest
        self._latest_check += 1
        request = self._latest_check
        if self._closed:
            return request  # the window is closing: no answer comes
        # A snapshot for the other thread (the paste dialog's rows are already one: a tuple of tuples).
        if not (isinstance(rows, tuple) and all(isinstance(r, tuple) for r in rows[:1])):
            rows = tuple(tuple(r) for r in rows)
        mapping = tuple(mapping)

        def superseded(_line: int, _total: int) -> None:
            if self._latest_check != request:
                raise ImportCancelled

        def check() -> ParseResult:
            if contest is None:
                raise StoreError("no contest is open")
            with gui_first():
                return parse_poll_text(
                    to_poll_csv(rows, mapping, default_year, date_order), contest, progress=superseded
                )

        future = self._check_executor.submit(check)
        future.add_done_callback(lambda f: self._check_done.emit(request, f))
        return request

    # --- internals -------------------------------------------------------------------------------------------

    def _startable(self, source: str) -> Contest | None:
        """The open contest an import of `source` can start into now; None (and import_failed saying why) when
        the window is closing, another import runs, or no contest is open."""
        contest = self._polls.contest
        if self._closed:
            self.import_failed.emit(f"{source}: the window is closing; nothing was imported")
        elif self._cancel is not None:
            self.import_failed.emit(f"{source}: another import is still running; nothing was imported")
        elif contest is None or contest.id is None:
            self.import_failed.emit(f"{source}: no contest is open; nothing was imported")
        else:
            return contest
        return None

    def _start(self, source: str, parse: Callable[[Contest, Progress], ParseResult]) -> bool:
        contest = self._startable(source)
        if contest is None:
            return False
        # The stored polls as the poll service holds them (their keys are made on the worker: 100,000 of them
        # took 0.2 s here): a poll written meanwhile by someone else is still caught by add_polls' own
        # duplicate check (and then refuses the import, naming its line).
        snapshot = self._polls.order_snapshot()
        return self._launch(source, self._job, source, contest, snapshot, parse)

    def _launch(self, source: str, job: Callable[..., object], *args: object) -> bool:
        """Run `job(*args, cancel, born)` on the import thread: the change watch held and busy said until it is
        done (_on_job_done); `born`, the contest as opened (a teammate may replace it meanwhile)."""
        cancel = self._cancel = threading.Event()
        self._polls.hold_watch(True)
        self.busy_changed.emit(True)
        future = self._executor.submit(job, *args, cancel, self._polls.opened_identity)
        future.add_done_callback(lambda f: self._job_done.emit(f, source))
        return True

    def _start_campaign(
        self,
        source: str,
        read: Callable[[Contest], _CampaignInput],
        replace: bool,
        *,
        step: str = "import",
        removal: CampaignRows | None = None,
    ) -> bool:
        contest = self._startable(source)
        if contest is None:
            return False
        return self._launch(source, self._campaign_job, source, contest, read, replace, step, removal)

    def _campaign_job(
        self,
        source: str,
        contest: Contest,
        read: Callable[[Contest], _CampaignInput],
        replace: bool,
        step: str,
        removal: CampaignRows | None,
        cancel: threading.Event,
        born: tuple[str, datetime | None] | None,
    ) -> CampaignReport:
        """On the worker thread: read and check the input, then store it in one transaction (add_campaign); or,
        given `removal`, take those rows back (remove_campaign_rows)."""
        from warroom.core.france import counts
        from warroom.store import questions

        with gui_first():
            self.progress_changed.emit(ImportProgress(source, "checking", 0, 1))
            got = read(contest)
            if cancel.is_set():
                raise ImportCancelled
            found = counts(got.notices, got.matrices)
            self.progress_changed.emit(ImportProgress(source, "writing", 0, found.polls))
            try:
                with translated(self._engine), self._sessions.begin() as session:
                    started = "import" if step == "import" else f"import's {step}"
                    PollService.require_still_there(session, contest, born, since=f"since the {started} started")
                    before = repo.revision(session)
                    if removal is not None:
                        questions.remove_campaign_rows(session, contest.id or 0, removal)
                        added = questions.CampaignImport()
                    else:
                        added = questions.add_campaign(
                            session,
                            contest.id or 0,
                            got.notices,
                            got.matrices,
                            got.results,
                            replace=replace,
                            today=today_somewhere(),
                        )
                    session.flush()
                    revision = repo.revision(session)
                    if cancel.is_set():  # the last moment a cancel can still undo everything
                        raise ImportCancelled
            except questions.QuestionRejectedError as exc:
                shown = "\n".join(exc.problems[:ERRORS_SHOWN])
                more = f"\n… and {len(exc.problems) - ERRORS_SHOWN} more" if len(exc.problems) > ERRORS_SHOWN else ""
                raise ImportRefused(
                    f"Nothing was imported from {source}:\n\n{shown}{more}", replaceable=exc.conflicts
                ) from None
            except StoreError as exc:
                where = f" ({exc.where})" if exc.where else ""
                raise ImportRefused(f"Nothing was imported from {source}: {exc}{where}") from exc
        return CampaignReport(source, contest.id or 0, got.kind, found, added, before, revision, step, got)

    def _job(
        self,
        source: str,
        contest: Contest,
        snapshot: OrderSnapshot,
        parse: Callable[[Contest, Progress], ParseResult],
        cancel: threading.Event,
        born: tuple[str, datetime | None] | None = None,
    ) -> ImportReport:
        """On the worker thread: parse, check, write in one transaction, read back; then the poll service's order
        with the new polls merged in, ready to be swapped in on the GUI thread."""
        # Everything alive now (the window, its models, the open contest's polls) is long-lived: freezing it
        # keeps the collector's full passes during the import to the import's own objects. A full pass over the
        # app's heap holds the GIL for 300-500 ms or more, and one came due on this thread in most 10,000-poll
        # imports, stalling the window for as long (benchmarks/bench_import_stall.py). The price: cyclic
        # garbage existing at this moment is never collected (reference counting frees everything else as
        # usual), and later full passes are cheaper too.
        gc.freeze()
        with gui_first():
            known = {p.key(): p.id for p in snapshot.polls}
            report = self._import(source, contest, known, parse, cancel, born)
            if len(report.added) > BULK_ADOPT:
                report = replace(report, order=merged_order(snapshot, report.added))
            return report

    def _import(
        self,
        source: str,
        contest: Contest,
        known: dict[tuple[str, date, date], int | None],
        parse: Callable[[Contest, Progress], ParseResult],
        cancel: threading.Event,
        born: tuple[str, datetime | None] | None = None,
    ) -> ImportReport:
        """Parse, skip what is stored, write in chunks in one transaction (cancel points between), read back."""

        def step(stage: str, done: int, total: int) -> None:
            if cancel.is_set():
                raise ImportCancelled
            self.progress_changed.emit(ImportProgress(source, stage, done, total))

        parsed = parse(contest, lambda line, total: step("checking", line, total))
        if not parsed.ok:
            shown = "\n".join(str(e) for e in parsed.errors[:ERRORS_SHOWN])
            more = f"\n… and {len(parsed.errors) - ERRORS_SHOWN} more" if len(parsed.errors) > ERRORS_SHOWN else ""
            raise ImportRefused(
                f"Nothing was imported from {source}:\n\n{shown}{more}", dates_unordered=parsed.dates_unordered
            )
        fresh: list[Poll] = []
        lines: list[int] = []
        skipped: list[str] = []
        lines_of = parsed.lines if len(parsed.lines) == len(parsed.polls) else list(range(2, len(parsed.polls) + 2))
        for poll, line in zip(parsed.polls, lines_of, strict=True):
            stored = known.get(poll.key())
            if stored is not None:
                skipped.append(
                    f"line {line}: {poll.pollster} {poll.fieldwork_start} to {poll.fieldwork_end} "
                    f"(same as poll #{stored})"
                )
            else:
                fresh.append(replace(poll, id=None))
                lines.append(line)
        cid = contest.id or 0
        step("writing", 0, len(fresh))
        if not fresh:
            return ImportReport(source, cid, (), tuple(skipped), -1, -1)
        calls = 0
        try:
            with translated(self._engine), self._sessions.begin() as session:
                # a teammate may have replaced it
                PollService.require_still_there(session, contest, born, since="since the import started")
                refuse_changed_candidates(session, contest, fresh)  # or removed a candidate the file names
                ids: list[int] = []
                for k in range(0, len(fresh), self._chunk):
                    ids += repo.add_polls(session, cid, fresh[k : k + self._chunk], lines=lines[k : k + self._chunk])
                    calls += 1  # each call moves the change counter by one
                    step("writing", min(k + self._chunk, len(fresh)), len(fresh))
                session.flush()
                revision = repo.revision(session)  # inside our transaction: exactly our write's number
                if cancel.is_set():  # the last moment a cancel can still undo everything
                    raise ImportCancelled
        except repo.PollRejectedError as exc:
            raise ImportRefused(f"Nothing was imported from {source}: {exc}") from exc
        except StoreError as exc:
            where = f" ({exc.where})" if exc.where else ""
            raise ImportRefused(f"Nothing was imported from {source}: {exc}{where}") from exc
        # Committed. Read the polls back as stored (the table shows what the store holds); should that fail,
        # the polls as written, with their ids, are what the store holds too.
        try:
            with translated(self._engine), self._sessions() as session:
                added = repo.list_polls(session, cid, ids=ids)
        except StoreError:
            added = [replace(p, id=i) for p, i in zip(fresh, ids, strict=True)]
        return ImportReport(source, cid, tuple(added), tuple(skipped), revision - calls, revision)

    @Slot(object, str)
    def _on_job_done(self, future: Future[ImportReport | CampaignReport], source: str) -> None:
        self._cancel = None
        try:
            report = future.result()
        except ImportCancelled:
            self._polls.hold_watch(False)
            self.import_cancelled.emit()
        except ImportRefused as exc:
            self._polls.hold_watch(False)
            if exc.dates_unordered:
                self.import_needs_date_order.emit(str(exc))
            elif exc.replaceable:
                self.import_needs_replace.emit(str(exc))
            else:
                self.import_failed.emit(str(exc))
        except Exception as exc:  # a store or file error: shown with its source, never swallowed
            self._polls.hold_watch(False)
            where = getattr(exc, "where", "")
            self.import_failed.emit(f"Nothing was imported from {source}: {exc}" + (f" ({where})" if where else ""))
        else:
            if isinstance(report, CampaignReport):
                self._polls.adopt_revision(report.contest_id, report.revision_before, report.revision)
                self.campaign_finished.emit(report)
                self.busy_changed.emit(False)
                return
            if report.added:
                self._polls.adopt_added(
                    report.contest_id, report.added, report.revision_before, report.revision, report.order
                )
            else:
                self._polls.hold_watch(False)
            self.import_finished.emit(report)
        self.busy_changed.emit(False)

    @Slot(int, object)
    def _on_check_done(self, request: int, future: Future[ParseResult]) -> None:
        if request != self._latest_check:
            return  # superseded by a newer mapping
        try:
            result: object = future.result()
        except ImportCancelled:
            return
        except Exception as exc:  # the importer's refusal (e.g. no pollster column): shown in the preview
            result = str(exc)
        self.paste_checked.emit(request, result)
