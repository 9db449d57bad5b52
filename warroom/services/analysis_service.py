"""AverageController: recomputes the poll average whenever the polls change, coalesced to one run per turn.

A big contest is averaged on a worker thread: the old average stays on screen (and the new poll's point is
drawn at once by the charts) until the new one lands, so adding a poll to 10,000 never freezes the window. What
follows from the averages starts there too, before they land (add_ahead: the scenario's case is rebuilt and
evaluated on its own worker meanwhile), so the GUI thread only shows results.
"""

from __future__ import annotations

import contextlib
import operator
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from warroom.core.forecast import ForecastErrors
from warroom.core.pipeline import OddsModel, PriorSource, compute_averages
from warroom.core.types import Contest, Poll
from warroom.services.worker_threads import gui_first, wait_landed

if TYPE_CHECKING:  # (scenario_service reads BACKGROUND_FROM for the first paint's panel, before any average)
    from warroom.core.averaging import ColumnBuilder, PollAverages

    _Outcome = tuple[PollAverages | None, str | None]  # the averages, or None and the failure message

BACKGROUND_FROM = 2_000
"""Polls from which a recompute runs on the worker thread. Below it the average takes a few milliseconds and
lands in the same turn (no flicker of an old line); at 10,000 it takes 30-90 ms on a two-core laptop, more
than a 60 Hz frame (benchmarks/bench_scale.py). A change of a few polls is quick there too (the column builder edits
its last columns in place), but it stays on the worker: averaging a one-poll add at 10,000 polls on this thread
(a posted event after the change's turn, the scenario rebuilt there too) was tried and measured interleaved with
this path (benchmarks/_add_frame.py, load 4-7 on two cores): 40-50 % more GUI-thread CPU per add (140-156 ms
against 91-109), its busiest turn 61-70 ms against 17-19, and no sooner on screen end to end (311-442 ms against
296-375): the worker computes on the other core while this thread paints."""

AT_ONCE_CHANGE = 8
"""A change of at most this many polls to a big contest starts its average on the worker at once, not on the next
turn's coalescing timer (set_polls); more (an import, another contest) waits for the timer, which joins a burst."""


class AverageController(QObject):
    """Owns the current PollAverages of the open contest.

    Signals:
        averages_ready: (list[Poll], PollAverages | None) after every change of the polls.
        average_failed: message.
    """

    averages_ready = Signal(object, object)
    average_failed = Signal(str)
    _landed = Signal(int, object, object, object)  # job number, polls, priors, outcome (from the worker)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        errors: ForecastErrors | None = None,
        background_from: int = BACKGROUND_FROM,
    ) -> None:
        super().__init__(parent)
        self._errors = errors  # the historical error table: with it, the averages carry their forecast bands
        self._odds: OddsModel | None = None
        self._contest: Contest | None = None
        self._by_contest: dict[
            int, tuple[Contest, ColumnBuilder, tuple[list[Poll], object, PollAverages | None] | None]
        ] = {}
        self._last: tuple[list[Poll], object, PollAverages | None] | None = None
        self._polls: list[Poll] = []
        self.averages: PollAverages | None = None
        self.priors: PriorSource | None = None  # default splits for implied runoffs, from a past count
        self._background_from = background_from
        self._worker: ThreadPoolExecutor | None = None  # one thread, made on first use
        self._job: Future[None] | None = None
        self._job_number = 0  # the landing of any older job is ignored
        self._again = False  # the polls changed while a job ran: start another when it lands
        self._ahead: list[Callable[[list[Poll], PollAverages | None], None]] = []
        self._landed.connect(self._on_landed, Qt.ConnectionType.QueuedConnection)
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.setInterval(0)  # coalesce a burst of changes into one recompute, same frame
        self._pending.timeout.connect(self._start)

    @property
    def background_from(self) -> int:
        """Polls from which recomputes run on the worker thread."""
        return self._background_from

    @property
    def busy(self) -> bool:
        """A recompute is running on the worker thread (the averages shown are the previous ones)."""
        return self._job is not None

    def add_ahead(self, start: Callable[[list[Poll], PollAverages | None], None]) -> None:
        """`start(polls, averages)` is called on the worker thread as soon as a background job has the averages,
        before they land here: a listener starts its own work on them at once (it must only read them and hand
        the work to a thread of its own; it is told again by averages_ready, with the same two objects)."""
        self._ahead.append(start)

    def set_contest(self, contest: Contest) -> None:
        self._settle()
        self._contest = contest
        self._polls = []
        self.averages = None
        # Each contest keeps its column cache and last averages: switching back to it reuses both when its poll
        # objects are the very ones averaged last time (the poll service hands back the same list unchanged).
        cached = self._by_contest.get(contest.id) if contest.id is not None else None
        # The same contest as then, or an edit of only its names or colours (Contest.counts_as): a rename or a
        # recolour at 100,000 polls no longer averages every poll again (4-8 s before, on this thread and the worker).
        # An edit of its candidates, dates or rules makes it another.
        if cached is not None and cached[0].counts_as(contest):
            _same, self._columns, self._last = cached
        else:
            from warroom.core.averaging import ColumnBuilder  # (the module's import leaves it out: BACKGROUND_FROM)

            self._columns, self._last = ColumnBuilder(contest), None
        if self._errors is not None:
            self._odds = OddsModel(self._errors, contest.second_round_date or contest.election_date)

    def set_priors(self, priors: PriorSource | None) -> None:
        """Default splits for implied runoffs from a past count (None: none); recomputed next turn."""
        self.priors = priors
        self._pending.start()

    def set_polls(self, polls: Sequence[Poll]) -> None:
        self._polls = list(polls)
        last = self._last
        if (
            len(self._polls) >= self._background_from
            and self._job is None
            and not self._pending.isActive()
            and last is not None
            and abs(len(self._polls) - len(last[0])) <= AT_ONCE_CHANGE
        ):
            # A few polls added, edited or deleted: the worker starts now, averaging while this thread paints the
            # change (started by the next turn's timer it began only after that paint: 50 ms later at 10,000
            # polls, benchmarks/_add_frame.py). Another change in this same turn still gets its own run (_again).
            self._start()
            return
        self._pending.start()

    def recompute(self) -> None:
        """Recompute now, on this thread (a job still running is waited for and its result dropped)."""
        self._pending.stop()
        self._settle()
        if self._contest is None or self._reuse():
            return
        self._publish(self._polls, self.priors, self._compute(self._polls, self.priors))

    def is_current(self, polls: Sequence[Poll], averages: PollAverages | None) -> bool:
        """True while (polls, averages) from averages_ready are still the latest (for a listener called later)."""
        last = self._last
        return averages is self.averages and (last is None or last[0] is polls or averages is None)

    def wait(self, timeout_ms: int = 5000) -> bool:
        """Block until no job runs and its averages are published (for scripts and tests); False on timeout."""
        wait_landed(self, self._job, timeout_ms)
        return self._job is None

    # --- private --------------------------------------------------------------------------------------------

    def _start(self) -> None:
        if self._contest is None:
            return
        if len(self._polls) < self._background_from:
            self.recompute()
            return
        if self._job is not None:
            self._again = True  # the running job's result would be stale: run again when it lands
            return
        if self._reuse():
            return
        self._job_number += 1
        number, polls, priors = self._job_number, self._polls, self.priors
        if self._worker is None:
            self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="warroom-average")

        def job() -> None:
            with gui_first():  # Python code holding the GIL: the GUI thread gets it back sooner
                outcome = self._compute(polls, priors)
            if outcome[1] is None:
                for start in self._ahead:  # before the landing: it is under way by the time the listener is told
                    with contextlib.suppress(Exception):  # a head start only: the listener still gets averages_ready
                        start(polls, outcome[0])
            with contextlib.suppress(RuntimeError):  # the controller was deleted meanwhile (the app closed)
                self._landed.emit(number, polls, priors, outcome)

        self._job = self._worker.submit(job)

    def _on_landed(self, number: int, polls: list[Poll], priors: object, outcome: _Outcome) -> None:
        if number != self._job_number:
            return  # superseded (another contest opened, or a synchronous recompute took over)
        self._job = None
        if self._again:
            self._again = False
            if polls is not self._polls or priors is not self.priors:
                self._start()  # the old average stays on screen until the fresh one lands
                return
        self._publish(polls, priors, outcome)

    def _settle(self) -> None:
        """Let a running job finish and drop its result (it uses the column cache, which is not thread-safe)."""
        job = self._job
        if job is not None:
            job.result()
            self._job = None
            self._job_number += 1
            self._again = False

    def _reuse(self) -> bool:
        """Publish the last averages again when they were computed from these very poll objects and priors."""
        last = self._last
        if (
            last is not None
            and last[1] is self.priors
            and len(last[0]) == len(self._polls)
            # identity of every poll, compared in C (a generator took 15-50 ms per edit at 100,000 polls)
            and all(map(operator.is_, last[0], self._polls))
        ):
            self.averages = last[2]
            self.averages_ready.emit(self._polls, self.averages)
            return True
        return False

    def _compute(self, polls: list[Poll], priors: PriorSource | None) -> _Outcome:
        """The averages of `polls` (any thread: only this call touches the column cache while it runs)."""
        contest = self._contest
        assert contest is not None
        try:
            averages = compute_averages(polls, contest, columns=self._columns, priors=priors, odds=self._odds)
            if averages is not None and averages.columns is not None:
                averages.columns.in_day_order  # noqa: B018  # the charts' point order and rows in it, made here
            return averages, None
        except (ValueError, KeyError) as exc:
            return None, f"The poll average could not be computed: {exc}"

    def _publish(self, polls: list[Poll], priors: object, outcome: _Outcome) -> None:
        averages, failure = outcome
        self.averages = averages
        contest = self._contest
        if failure is None:
            self._last = (polls, priors, averages)
            if contest is not None and contest.id is not None:
                self._by_contest[contest.id] = (contest, self._columns, self._last)
        else:
            self.average_failed.emit(failure)
        self.averages_ready.emit(polls, averages)
