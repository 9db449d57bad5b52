"""IrvController: the one owner of the live instant-runoff scenario of an IRV contest.

Views bind to it and keep no copy: the panel writes one candidate's next-preference row through `set_row` and
re-renders on the signals. Every figure comes from warroom.core.irv_pipeline (the same functions the command
line calls): the chain at the scenario's values and the simulated win probabilities run on the GUI thread,
coalesced to one evaluation per event-loop turn (about 2 ms for 12 candidates and 2,000 draws,
benchmarks/bench_irv_slider.py), so they follow the finger. The evaluation is a posted event, not a zero-time
timer: Qt posts its repaint request at low priority, so the evaluation runs first and the moved sliders and
every output they change are painted together, in one pass of the same turn (a timer ran after that pass, and
the outputs waited for a second one). The exact break-evens cost up to ~200 runs of the
chain each, so they are worked out once the sliders rest (BREAK_EVEN_DELAY_MS after the last edit).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import cast

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer, Signal

from warroom.core.averaging import PollAverages
from warroom.core.forecast import ForecastErrors
from warroom.core.irv_pipeline import (
    BreakEven,
    IrvCase,
    IrvPairLead,
    IrvView,
    break_evens,
    default_row,
    evaluate_irv,
    has_rows,
    irv_baseline,
    irv_pair_lead,
    prior_rows_from_ballots,
    read_prior_ballots,
    share_sd_for,
)
from warroom.core.irv_scenario import DEFAULT_SHARE_SD, IrvOdds, IrvRun, IrvScenario, IrvSimulator, set_row
from warroom.core.pipeline import OddsModel, PipelineError
from warroom.core.types import Contest, CountingSystem, Poll
from warroom.services.worker_threads import gui_first

BIG_RACE = 40
"""Candidates from which a case's simulated chances and break-evens are worked out off the GUI thread: with 2,000
draws a new race of 200 candidates costs seconds of simulation (its standard normals alone, drawn once per race,
about a second: bench_irv_many.py) and its break-evens about one, which froze the window. Below this the
simulation follows a slider within its frame (bench_irv_slider.py, 12 candidates), as before."""

BREAK_EVEN_DELAY_MS = 150
"""The break-evens follow once the sliders have rested this long: they cost tens of milliseconds, which a
drag cannot spare on every frame, and a staffer reads them after letting go."""


class _BallotsCancelled(Exception):
    """The user cancelled reading a ballot file (raised inside the read, on its thread)."""


class _Latest:
    """One daemon thread running the latest job of each kind, in the order odds, break-evens: a job superseded
    before it started is dropped (a slider moved again, another contest opened), and nothing here keeps the
    program from ending (daemon: a simulation running at exit is abandoned, it writes nothing)."""

    KINDS = ("odds", "break_evens")

    def __init__(self) -> None:
        self._jobs: dict[str, Callable[[], None]] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def submit(self, kind: str, job: Callable[[], None]) -> None:
        with self._lock:
            self._jobs[kind] = job
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="warroom-irv-odds", daemon=True)
                self._thread.start()
        self._wake.set()

    def _loop(self) -> None:
        while True:
            self._wake.wait()
            with self._lock:
                kind = next((k for k in self.KINDS if k in self._jobs), None)
                job = self._jobs.pop(kind) if kind is not None else None
                if not self._jobs:
                    self._wake.clear()
            if job is not None:
                job()


class IrvController(QObject):
    """Polls + average + prior rows -> IrvScenario -> IrvView, for one instant-runoff contest.

    Inactive (every signal quiet, every setter a no-op) while the open contest counts by another system.

    Signals:
        case_cleared: there is no case (another contest opened, or no poll with a first round yet): the reason.
        case_changed: a new baseline IrvCase (the candidates may have changed: views rebuild their rows).
        scenario_changed: the scenario changed, whatever changed it (an edit, a reset, a new baseline).
        row_selected: the candidate whose next-preference row is being edited (str).
        view_ready: the IrvView of the current scenario; at most once per event-loop turn.
        break_evens_ready: (row code, list[BreakEven]) for the selected row, once the sliders rest.
        lead_ready: the runoff-lead chart's IrvPairLead (the baseline chain's final pair, poll by poll), on
            each new baseline.
        scenario_failed: a message for the user (something was refused or could not be made).
        notice: news for the status bar (e.g. where the next preferences now come from).
        ballots_busy: True while a ballot file chosen with load_prior_ballots is read on its worker thread.
        ballots_progress: (bytes read, the file's size; 0 if unknown) while it is read, from the worker thread.
    """

    case_cleared = Signal(str)
    case_changed = Signal(object)
    scenario_changed = Signal(object)
    row_selected = Signal(str)
    view_ready = Signal(object)
    break_evens_ready = Signal(str, object)
    lead_ready = Signal(object)
    scenario_failed = Signal(str)
    notice = Signal(str)
    _due = Signal()  # queued to itself: the coalesced evaluation, as a posted event (see the module docstring)
    _worked_out = Signal(str, object, object)  # (kind, the scenario it was for, result): from the background thread
    ballots_busy = Signal(bool)
    ballots_progress = Signal(object, object)  # (Python ints: a file may pass 2 GB)
    _ballots_read = Signal(object, object, object)  # (its cancel event, path, result): from the ballots' thread

    def __init__(self, parent: QObject | None = None, *, errors: ForecastErrors | None = None) -> None:
        super().__init__(parent)
        self._errors = errors
        self.odds: OddsModel | None = None
        self.contest: Contest | None = None
        self.polls: list[Poll] = []
        self.averages: PollAverages | None = None
        self.prior_rows: dict[str, dict[str, float]] | None = None
        self.prior_label = "past count"
        self.ballots: IrvScenario | None = None  # the contest's stored ballots prior
        self.ballots_label = "last election's ballots"
        self._prior_first = False  # the prior rows are a ballot file the user chose: before the stored ballots'
        self._data_known = False  # set_data has run for this contest (its polls, possibly none, are known)
        self.case: IrvCase | None = None
        self.scenario: IrvScenario | None = None
        self.view: IrvView | None = None
        self.lead: IrvPairLead | None = None  # the last lead_ready's (a page built later shows it at once)
        self.row: str = ""
        self.break_even_list: list[BreakEven] = []
        self._edited: dict[str, np.ndarray] = {}  # rows the user set, carried across poll updates
        self._simulator: IrvSimulator | None = None
        self._share_sd: float | None = None
        self._stale = False  # an edit waits for the evaluation posted by _due
        self._waiting: set[str] = set()  # kinds of background work whose result is still to come
        self._posted = False  # _due is in the event queue (one evaluation per burst of edits)
        self._due.connect(self._on_due, Qt.ConnectionType.QueuedConnection)
        self._resting = QTimer(self)
        self._resting.setSingleShot(True)
        self._resting.setInterval(BREAK_EVEN_DELAY_MS)
        self._resting.timeout.connect(self.compute_break_evens)
        self._background = _Latest()  # a big race's chances and break-evens (BIG_RACE)
        self._background_simulator: IrvSimulator | None = None  # the background thread's own (not thread-safe)
        self._worked_out.connect(self._on_worked_out, Qt.ConnectionType.QueuedConnection)
        self._ballots_cancel: threading.Event | None = None  # a ballot file is being read (load_prior_ballots)
        self._ballots_read.connect(self._on_ballots_read, Qt.ConnectionType.QueuedConnection)

    @property
    def working(self) -> bool:
        """A big race's chances or break-evens are being worked out off the GUI thread."""
        return bool(self._waiting)

    @property
    def break_evens_pending(self) -> bool:
        """The selected row's break-evens wait for the sliders to rest (the panel says "Working out…" meanwhile)."""
        return self._resting.isActive()

    @property
    def active(self) -> bool:
        """The open contest counts by instant runoff."""
        return self.contest is not None and self.contest.system == CountingSystem.IRV

    # --- data down -------------------------------------------------------------------------------------------

    def set_contest(self, contest: Contest) -> None:
        """A contest was opened: forget the last one's case."""
        self.contest = contest
        if self._errors is not None:
            self.odds = OddsModel(self._errors, contest.second_round_date or contest.election_date)
        self._forget_case()
        if self.active:
            self.case_cleared.emit(f"No poll of {contest.name} with first-round figures yet")

    def forget_contest(self, reason: str) -> None:
        """No race is open any more (the store's last one deleted): its case, rows and lead go, the controller is
        inactive (the window shows no instant-runoff panel), and `reason` says why (case_cleared)."""
        self.contest = None
        self._forget_case()
        self.case_cleared.emit(reason)

    def _forget_case(self) -> None:
        self.polls, self.averages, self.prior_rows, self.ballots = [], None, None, None
        self._prior_first = False
        self._data_known = False
        self.cancel_ballots()  # a ballot file still being read was for the last contest
        self.case = self.scenario = self.view = None
        self.lead = None
        self.row = ""
        self.break_even_list = []
        self._edited = {}
        self._simulator = None
        self._share_sd = None
        self._stale = False
        self._waiting = set()
        self._resting.stop()

    def set_data(self, polls: Sequence[Poll], averages: PollAverages | None) -> None:
        """The polls (and their average) changed: rebuild the baseline, keeping the user's rows."""
        self.polls = list(polls)
        self.averages = averages
        self._data_known = True
        self._rebuild()

    def set_prior_rows(self, rows: Mapping[str, Mapping[str, float]] | None, label: str = "past count") -> None:
        """Rows from the contest's chosen past count (None: none); the baseline is rebuilt."""
        self._set_prior_rows(rows, label, first=False)

    def _set_prior_rows(self, rows: Mapping[str, Mapping[str, float]] | None, label: str, *, first: bool) -> None:
        self.prior_rows = {k: dict(v) for k, v in rows.items()} if rows else None
        self.prior_label = label
        self._prior_first = first
        self._rebuild()

    def set_ballots_prior(self, prior: IrvScenario | None, label: str = "last election's ballots") -> None:
        """The contest's stored ballots prior (store.irv_priors; None: none): its rows come before a past
        count's, and a contest with no polls starts from its first preferences. The baseline is rebuilt."""
        self.ballots = prior
        self.ballots_label = label
        self._rebuild()

    @property
    def ballots_loading(self) -> bool:
        """A ballot file chosen with load_prior_ballots is being read on its worker thread."""
        return self._ballots_cancel is not None

    def load_prior_ballots(self, path: Path) -> None:
        """Take the rows no poll publishes from last election's ballot file (the Ballot CSV `warroom count`
        reads): each candidate's first-preference voters by their next preference.

        The file is read and its rows worked out on a worker thread (a 62 MB file of 10^6 ballots froze the
        window about 4 s on the GUI thread): ballots_busy(True) now, ballots_progress(bytes read, size) as it
        goes, and on the GUI thread the rows (with notice) or a message naming the file (scenario_failed), then
        ballots_busy(False). Problems, a cancel (cancel_ballots) and another contest opened meanwhile change
        nothing. One file at a time: another chosen while one is read is refused with a message."""
        if self.contest is None or not self.active:
            return
        if self._ballots_cancel is not None:
            self.scenario_failed.emit(
                f"{path.name}: another ballot file is still being read; the next preferences are unchanged"
            )
            return
        contest = self.contest
        cancel = self._ballots_cancel = threading.Event()

        def progress(done: int, total: int) -> None:
            if cancel.is_set():
                raise _BallotsCancelled
            self.ballots_progress.emit(done, total)

        def job() -> None:
            result: object
            try:
                with gui_first():
                    table, errors = read_prior_ballots(path, progress)
                    if errors:
                        first = errors[0]
                        raise ValueError(
                            f"line {first.line}: {first.field}: {first.message} ({len(errors)} problem(s))"
                        )
                    rows = prior_rows_from_ballots(table, contest, max_rankings=contest.counting_rules.preferences)
                    result = (rows, int(table.counts.sum()))
            except Exception as exc:  # reported on the GUI thread, naming the file
                result = exc
            with contextlib.suppress(RuntimeError):  # the window closed meanwhile: the controller is gone
                self._ballots_read.emit(cancel, path, result)

        self.ballots_busy.emit(True)
        threading.Thread(target=job, name="warroom-irv-ballots", daemon=True).start()

    def cancel_ballots(self) -> None:
        """Stop reading the ballot file: nothing changes (ballots_busy(False) follows at once)."""
        cancel = self._ballots_cancel
        if cancel is None:
            return
        cancel.set()
        self._ballots_cancel = None
        self.ballots_busy.emit(False)

    def _on_ballots_read(self, cancel: threading.Event, path: Path, result: object) -> None:
        if cancel is not self._ballots_cancel:  # cancelled, or another contest opened meanwhile: dropped
            return
        self._ballots_cancel = None
        self.ballots_busy.emit(False)
        if self.contest is None or not self.active:
            return
        if isinstance(result, BaseException):
            if isinstance(result, _BallotsCancelled):
                return
            exc = result
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            self.scenario_failed.emit(f"{path.name}: {why}; the next preferences are unchanged")
            return
        rows, ballots = cast(tuple[dict[str, dict[str, float]], int], result)
        self._set_prior_rows(rows, f"ballots in {path.name}", first=True)
        self.notice.emit(f"Next preferences of {len(rows)} candidates from {ballots:,} ballots in {path.name}")

    # --- edits (the panel writes through these) ----------------------------------------------------------------

    def select_row(self, code: str) -> None:
        """Edit `code`'s next-preference row from now on."""
        if self.scenario is None or code == self.row or code not in self.scenario.codes or not has_rows(self.scenario):
            return  # (two candidates: no row is ever counted, so none is edited)
        self.row = code
        self.break_even_list = []
        self.row_selected.emit(code)
        self._resting.start()

    def set_row(self, code: str, shares: Mapping[str, float]) -> None:
        """One candidate's row: other candidate code or EXHAUSTED -> percent, summing to 100."""
        if self.scenario is None:
            return
        try:
            scenario = set_row(self.scenario, code, shares)
        except (KeyError, ValueError) as exc:
            self.scenario_failed.emit(str(exc).strip("'\""))
            return
        self._edited[code] = np.array(scenario.transfers[scenario.index(code)])
        self._apply(scenario)

    def reset(self) -> None:
        """Every row back to the baseline's (the past count's or the polls')."""
        if self.case is None:
            return
        self._edited = {}
        self._apply(self.case.scenario)

    # --- outputs -----------------------------------------------------------------------------------------------

    def evaluate_now(self) -> None:
        """Evaluate the current scenario at once (normally run by the coalesced posted event)."""
        self._stale = False
        if self.scenario is None or self.case is None:
            return
        scenario = self.scenario
        if self.odds is not None and (
            self._simulator is None or (self._simulator.n, self._simulator.draws) != (scenario.n, self.odds.draws)
        ):
            self._simulator = IrvSimulator(scenario.n, self.odds.draws, self.odds.seed)
        case = IrvCase(scenario, self.case.label, self.case.as_of, self.case.names, self.case.sources)
        if self.odds is not None and self._share_sd is None:
            self._share_sd = share_sd_for(self.odds, self.case.as_of)  # once per baseline, not per move
        big = self.odds is not None and scenario.n >= BIG_RACE
        try:
            if big:  # the chain now, the chances when the background thread has them
                view = evaluate_irv(case, odds=None)
                self.view = replace(view, share_sd=self._share_sd if self._share_sd is not None else view.share_sd)
            else:
                self.view = evaluate_irv(case, odds=self.odds, simulator=self._simulator, share_sd=self._share_sd)
        except ValueError as exc:
            self.scenario_failed.emit(str(exc))
            return
        self.view_ready.emit(self.view)
        if big:
            self._work_out_odds(scenario)

    def compute_break_evens(self) -> None:
        """The exact break-evens of the selected row, now (normally once the sliders rest)."""
        self._resting.stop()
        if self.scenario is None or not self.row:
            return
        if self.view is None or self.view.scenario is not self.scenario:
            self.evaluate_now()
        run = self.view.run if self.view is not None and self.view.scenario is self.scenario else None
        names = self.case.names if self.case is not None else {}
        if self.odds is not None and self.scenario.n >= BIG_RACE:
            self._work_out_break_evens(self.scenario, self.row, names, run)
            return
        self.break_even_list = break_evens(self.scenario, self.row, names, run=run)
        self.break_evens_ready.emit(self.row, self.break_even_list)

    # --- private --------------------------------------------------------------------------------------------

    def _work_out_odds(self, scenario: IrvScenario) -> None:
        """A big race's simulated chances on the background thread (the view already shows its chain)."""
        odds, sd = self.odds, self._share_sd
        assert odds is not None
        self._waiting.add("odds")
        self.notice.emit(f"Working out the chances: {odds.draws:,} simulated counts of {scenario.n} candidates…")

        def job() -> None:
            if self.scenario is not scenario:  # superseded before it started: dropped
                return
            sim = self._background_simulator
            if sim is None or (sim.n, sim.draws, sim.seed) != (scenario.n, odds.draws, odds.seed):
                sim = self._background_simulator = IrvSimulator(scenario.n, odds.draws, odds.seed)
            try:
                result: object = sim.run(scenario, share_sd=sd if sd is not None else DEFAULT_SHARE_SD)
            except ValueError as exc:  # reported on the GUI thread
                result = exc
            self._worked_out.emit("odds", scenario, result)

        self._background.submit("odds", job)

    def _work_out_break_evens(
        self, scenario: IrvScenario, row: str, names: Mapping[str, str], run: IrvRun | None
    ) -> None:
        """A big race's break-evens of `row` on the background thread."""
        self._waiting.add("break_evens")

        def job() -> None:
            if self.scenario is not scenario or self.row != row:
                return
            try:
                result: object = (row, break_evens(scenario, row, names, run=run))
            except ValueError as exc:
                result = exc
            self._worked_out.emit("break_evens", scenario, result)

        self._background.submit("break_evens", job)

    def _on_worked_out(self, kind: str, scenario: IrvScenario, result: object) -> None:
        """A result from the background thread: shown if it is still for the case on screen, else dropped."""
        if scenario is not self.scenario:
            return  # (the newer job's result follows)
        self._waiting.discard(kind)
        if isinstance(result, ValueError):
            self.scenario_failed.emit(str(result))
            return
        if kind == "odds" and isinstance(result, IrvOdds) and self.view is not None and self.view.scenario is scenario:
            self.view = replace(self.view, odds=result)
            self.view_ready.emit(self.view)
            self.notice.emit("Chances worked out")
        elif kind == "break_evens" and isinstance(result, tuple) and result[0] == self.row:
            self.break_even_list = list(result[1])
            self.break_evens_ready.emit(self.row, self.break_even_list)

    def _apply(self, scenario: IrvScenario) -> None:
        self.scenario = scenario
        self.scenario_changed.emit(scenario)
        self._stale = True  # already posted: this edit joins it
        if not self._posted:
            self._posted = True
            self._due.emit()
        self._resting.start()  # restarted by every edit: the break-evens wait for the sliders to rest

    def _on_due(self) -> None:
        self._posted = False
        if self._stale:  # (not if evaluate_now ran meanwhile, or another contest was opened)
            self.evaluate_now()

    def _rebuild(self) -> None:
        contest = self.contest
        if contest is None or not self.active:
            return
        if self.averages is None and (self.ballots is None or not self._data_known):
            return  # (a contest's stored ballots stand in for polls only once its polls are known to be none)
        try:
            case = irv_baseline(
                contest,
                self.polls,
                self.averages,
                prior_rows=self.prior_rows,
                prior_label=self.prior_label,
                ballots=self.ballots,
                ballots_label=self.ballots_label,
                prior_first=self._prior_first,
            )
        except PipelineError as exc:
            self.scenario_failed.emit(f"No instant-runoff baseline: {exc}")
            return
        scenario = case.scenario
        if self._edited and self.scenario is not None and self.scenario.codes == scenario.codes:
            matrix = np.array(scenario.transfers)
            for code, row in self._edited.items():
                matrix[scenario.index(code)] = row
            scenario = scenario.with_values(transfers=matrix)
        else:
            self._edited = {}  # other candidates: the rows set for the old field no longer apply
        new_row = self.row not in scenario.codes
        self.case, self.scenario = case, scenario
        self._share_sd = None  # the baseline's day may have moved
        if new_row:
            self.row = default_row(scenario)
        self.case_changed.emit(case)  # views read the scenario and the row from here: both are set already
        if new_row:
            self.row_selected.emit(self.row)
        self._apply(scenario)
        self.lead = irv_pair_lead(case, self.polls, self.averages)
        self.lead_ready.emit(self.lead)
