"""ScenarioController: the one owner of the live scenario (baseline choice, baseline, settings, projection).

Views bind to it and keep no copy: they write through its setters and re-render on its signals. Every number
comes from warroom.core.pipeline, the same functions the command line, compare, meeting mode and the briefing
call. The projection, break-even, win probability and heatmap together take well under a millisecond
(benchmarks/bench_scenario.py), so they run on the GUI thread, coalesced to one evaluation per event-loop turn:
a burst of slider moves gives one recompute and the outputs still follow the finger.

Rebuilding the baseline from the polls (the party average, the default splits, the newest polls to offer) is
linear in the polls: at 100,000 polls it took 1.3-1.8 s on the GUI thread. A big contest's rebuild runs on a
worker thread, the previous case staying on screen until the new one lands (benchmarks/bench_scale.py). It starts
as soon as the average's worker has the new averages (prepare_ahead, called there before they land), and the case is
evaluated there too: when the averages reach this controller its case is ready or nearly, and the GUI thread only
shows it (benchmarks/_add_frame.py).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from warroom.core.baseline import PollOffers, poll_offers
from warroom.core.forecast import ForecastErrors
from warroom.core.pipeline import (
    BaselineChoice,
    ForecastPoint,
    Freshness,
    OddsModel,
    PipelineError,
    PriorSource,
    ProjectionView,
    SavedScenario,
    default_scenario,
    evaluate,
    forecast_days,
    forecast_last_day,
    forecast_over_time,
    freshness,
    freshness_all,
    make_case,
    name_as_saved,
    no_case_reason,
    reads_alike,
    reconcile,
    save_scenario,
    saved_name_in,
    standing_problem,
)
from warroom.core.runoff import Split
from warroom.core.scenario import Baseline, Destination, DragSource, Projection, Scenario
from warroom.core.start_case import StartCase
from warroom.core.types import Contest, Poll
from warroom.services.analysis_service import BACKGROUND_FROM
from warroom.services.worker_threads import WorkerRun, WorkProgress, gui_first, wait_landed

if TYPE_CHECKING:  # (the first paint's panel is evaluated from a start frame's case, without a poll average)
    from warroom.core.averaging import PollAverages

_Rebuilt = tuple[Baseline, Scenario, PollOffers] | PipelineError
"""What a rebuild gives: the baseline, its default settings and the polls to offer; or why there is none."""


def _rebuilt(
    choice: BaselineChoice,
    polls: Sequence[Poll],
    contest: Contest,
    averages: PollAverages | None,
    priors: PriorSource | None,
) -> _Rebuilt:
    """The pure part of a rebuild (any thread: it reads only its arguments, all immutable)."""
    try:
        baseline, defaults = make_case(choice, polls, contest, averages, priors)
        return baseline, defaults, poll_offers(polls)
    except PipelineError as exc:
        return exc


@dataclass(frozen=True, eq=False)
class _Ahead:
    """A case rebuilt and evaluated on the worker as soon as the average's worker had its averages (prepare_ahead), with
    what it was made from: set_data adopts it when its polls, averages and the controller's state are those.

    Attributes:
        polls: the list averages_ready carries (compared by identity).
        averages: the averages it was rebuilt on.
        contest, choice, priors, odds: the controller's state it was made with.
        scenario, touched: the settings it was reconciled from (and whether the user had moved them).
        outcome: the rebuild (_rebuilt).
        applied: the settings it lands with (the defaults, or the user's reconciled); None on failure.
        view: those settings evaluated; None on failure (evaluated again on this thread, which says why).
    """

    polls: object
    averages: PollAverages | None
    contest: Contest
    choice: BaselineChoice
    priors: PriorSource | None
    odds: OddsModel | None
    scenario: Scenario | None
    touched: bool
    outcome: _Rebuilt
    applied: Scenario | None = None
    view: ProjectionView | None = None


def _ahead(key: _Ahead) -> _Ahead:
    """Rebuild and evaluate `key`'s case (any thread: it reads only its arguments, all immutable)."""
    outcome = _rebuilt(key.choice, key.polls, key.contest, key.averages, key.priors)  # type: ignore[arg-type]
    if isinstance(outcome, PipelineError):
        return replace(key, outcome=outcome)
    baseline, defaults, _offers = outcome
    applied = defaults if key.scenario is None or not key.touched else reconcile(key.scenario, baseline, defaults)
    try:
        view = evaluate(baseline, applied, odds=key.odds)
    except ValueError:
        view = None
    return replace(key, outcome=outcome, applied=applied, view=view)


class ScenarioStore(Protocol):
    """Where saved scenarios live (PollService in the app)."""

    def scenarios(self) -> list[tuple[str, dict[str, Any], dict[str, Any]]]: ...
    def save_scenario(self, name: str, baseline: dict[str, Any], settings: dict[str, Any]) -> None: ...
    def delete_scenario(self, name: str) -> None: ...


@dataclass(frozen=True)
class SavedFigures:
    """The open contest's saved cases, each with its numbers as saved (its view) and on today's polls (its
    freshness), and the problems of the records that could not be read (Compare, the briefing)."""

    cases: list[tuple[SavedScenario, ProjectionView, Freshness]]
    problems: list[str]


def _read_saved(
    records: Sequence[tuple[str, dict[str, Any], dict[str, Any]]], contest: Contest
) -> tuple[list[SavedScenario], list[str]]:
    """The runoff (SV) saved cases of `records`, and a message for each that cannot be read."""
    out: list[SavedScenario] = []
    problems: list[str] = []
    for name, baseline, settings in records:
        if isinstance(baseline, Mapping) and baseline.get("kind", "sv") != "sv":  # (not a JSON object: named below)
            continue  # another counting system's case (core.saved_cases): its own library reads it
        try:
            out.append(SavedScenario.from_dicts(name, baseline, settings, contest))
        except PipelineError as exc:
            problems.append(str(exc))
    return out, problems


class ForecastRun(WorkerRun[list[ForecastPoint]]):
    """A forecast over time worked out on a worker thread (WorkerRun): `done` of `total` dates, cancel(), and its
    points as `result` (core.pipeline.ForecastCancelled once cancelled)."""

    def __init__(self, job: Callable[[Callable[[int, int], bool] | None], list[ForecastPoint]]) -> None:
        super().__init__(job, "warroom-forecast")


SAVED_CONTESTS_KEPT = 4
"""Contests whose saved cases, as read, ScenarioController.saved keeps (switching back reads none again)."""


class ScenarioController(QObject):
    """Baseline choice + polls + settings -> ProjectionView, for one contest.

    Signals:
        baseline_changed: a new Baseline (views rebuild their transfer rows if the eliminated set changed).
        scenario_changed: the settings changed, whatever changed them (an edit, a reset, a load, a new
            baseline): views show them without echoing them back.
        view_ready: the ProjectionView of the current settings; at most once per event-loop turn.
        case_cleared: there is no case to show (no poll of the race with first-round figures, nor any with party
            voting intention: every poll deleted, or a race with none opened): the reason, for the user. The
            baseline and view are dropped (the user's settings are kept for when polls come back).
        saved_changed: the saved scenarios changed (list[SavedScenario]).
        scenario_failed: a message for the user.
    """

    baseline_changed = Signal(object)
    scenario_changed = Signal(object)
    view_ready = Signal(object)
    case_cleared = Signal(str)
    saved_changed = Signal(object)
    scenario_failed = Signal(str)
    _landed = Signal(int, object)  # job number, _Rebuilt or _Ahead (from the worker)

    def __init__(
        self,
        store: ScenarioStore | None = None,
        parent: QObject | None = None,
        *,
        errors: ForecastErrors | None = None,
        background_from: int = BACKGROUND_FROM,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._errors = errors  # the historical error table: win probabilities are simulated with it
        self.odds: OddsModel | None = None
        self.contest: Contest | None = None
        self.polls: list[Poll] = []
        self.averages: PollAverages | None = None
        self.choice = BaselineChoice()
        self.baseline: Baseline | None = None
        self.scenario: Scenario | None = None
        self.view: ProjectionView | None = None
        self.cleared = ""  # why there is no case, while there is none (case_cleared's reason): for views built later
        self.offers = PollOffers()  # the newest polls (a baseline can be one of them) and the polling period
        self._defaults: Scenario | None = None  # the baseline's default settings (what reset goes back to)
        self.priors: PriorSource | None = None  # default splits from a past count, when the contest has one
        self.title = ""  # what the case is, when it is not the live one ("Saved scenario 'X'")
        self.read_only = False
        self._touched = False  # the user moved something: keep their settings across poll updates
        # Saved scenarios read from their records, by contest id, then by record: (record, contest, case). The
        # Scenario menu asks for them several times per contest opened or edited (its refresh follows three
        # signals), and each carries the ids of the polls it was made on: 20 cases at 100,000 polls took 0.6 s to
        # read, every time. The last few contests' are kept: switching back reads the same records (the poll
        # service's read cache) under the same details.
        self._read_saved: dict[int | None, dict[int, tuple[object, Contest, SavedScenario]]] = {}
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.setInterval(0)  # the next event-loop turn: one evaluation per burst of edits
        self._pending.timeout.connect(self.evaluate_now)
        self._background_from = background_from
        self._worker: ThreadPoolExecutor | None = None  # one thread, made on first use
        self._job: Future[Any] | None = None
        # a saved case loaded, with the rebuild it waits for, for what today's polls change in it (_say_freshness)
        self._fresh_after: tuple[SavedScenario, int] | None = None
        self._job_number = 0  # a landing with an older number is stale and dropped
        self._worker_lock = threading.Lock()  # prepare_ahead (the average's worker) and this thread both make it
        self._ahead: tuple[_Ahead, Future[_Ahead]] | None = None  # the case prepare_ahead started, not yet adopted
        self._ready_view: tuple[Baseline, Scenario, OddsModel | None, ProjectionView] | None = None
        self._started = False  # seeded by start_from: the store's opening of the same contest keeps the case
        self._landed.connect(self._on_landed, Qt.ConnectionType.QueuedConnection)

    @property
    def busy(self) -> bool:
        """A rebuild runs on the worker thread (the case shown is the previous one until it lands)."""
        return self._job is not None

    def wait(self, timeout_ms: int = 5000) -> bool:
        """Block until no rebuild runs and its case is applied (for scripts and tests); False on timeout."""
        wait_landed(self, self._job, timeout_ms)
        return self._job is None

    @property
    def defaults(self) -> Scenario | None:
        """The baseline's default settings (what reset goes back to; None before the first baseline)."""
        return self._defaults

    @property
    def projection(self) -> Projection | None:
        """The projection of the current settings (None before the first baseline)."""
        return self.view.projection if self.view is not None else None

    # --- data down -------------------------------------------------------------------------------------------

    def start_from(self, contest: Contest, case: StartCase, polls: Sequence[Poll]) -> None:
        """The start's first stage (issue 15): the case the start frame kept, proved current by the start's first
        read (app.live_frame), with the first read's polls, evaluated at once; the panel bound to this controller
        then works before the store is open. The store's opening of the same contest keeps the case and the user's
        settings (set_contest), and its polls and averages rebuild the baseline as any poll update does."""
        self.contest = contest
        self._drop_job()
        self.odds = case.odds
        self.polls = list(polls)
        self.averages = None
        self.choice = case.choice
        self._defaults = case.defaults
        self._touched = False
        self.offers = case.offers
        self.baseline = case.baseline
        self._started = True
        self.cleared = ""
        self.baseline_changed.emit(case.baseline)
        self._apply(case.defaults)
        self.evaluate_now()

    def start_case(self) -> StartCase | None:
        """The case as the start left it, for the next start's first stage (the start frame keeps it); None unless
        this controller holds the start's own case, evaluated: the start's baseline choice (the latest average, or
        party voting intention where the race has no poll), the default settings untouched, no rebuild or
        evaluation pending, not a saved case shown."""
        if (
            self.read_only
            or self._touched
            or self.busy
            or self._pending.isActive()
            or self.baseline is None
            or self._defaults is None
            or self.view is None
            or self.scenario != self._defaults
            or self.view.scenario != self._defaults
            or self.choice not in (BaselineChoice(), BaselineChoice("party_vi"))
        ):
            return None
        return StartCase(self.choice, self.baseline, self._defaults, self.offers, self.odds)

    def set_store(self, store: ScenarioStore, errors: ForecastErrors | None) -> None:
        """Where saved scenarios live, and the error table, for a controller made before the store was open (the
        start's first stage: start_from)."""
        self._store = store
        self._errors = errors

    def forget_contest(self, reason: str) -> None:
        """No race is open any more (the store's last one deleted): its case goes, and `reason` says why there is
        none (case_cleared), until set_contest. The polls that went with it are not a new case of it."""
        self._drop_job()
        self._pending.stop()
        self._ready_view = None
        self.contest, self.polls, self.averages = None, [], None
        self.baseline, self.view = None, None
        self.cleared = reason
        self.case_cleared.emit(reason)

    def set_contest(self, contest: Contest) -> None:
        """A contest was opened: forget the last one's case (and its polls, until the new ones arrive); the same
        contest a start_from seeded keeps its case and the user's settings until its polls arrive (set_data)."""
        started, self._started = self._started, False
        if started and self.contest is not None and contest.id == self.contest.id and contest == self.contest:
            self.contest = contest
            self._drop_job()
            if self._errors is not None:
                self.odds = OddsModel(self._errors, contest.second_round_date or contest.election_date)
            self.polls = []
            self.averages = None
            return
        self.contest = contest
        self._drop_job()
        if self._errors is not None:
            self.odds = OddsModel(self._errors, contest.second_round_date or contest.election_date)
        self.polls = []
        self.averages = None
        self.baseline = None
        self.scenario = None
        self.view = None
        self.cleared = ""
        self._defaults = None
        self.choice = BaselineChoice()
        self._touched = False
        self.offers = PollOffers()

    def set_data(self, polls: Sequence[Poll], averages: PollAverages | None) -> None:
        """The polls (and their average) changed: rebuild the baseline, keeping the user's settings (the case
        prepare_ahead began for these very polls and averages is adopted, ready or still on the worker)."""
        self.polls = list(polls)
        self.averages = averages
        ahead, self._ahead = self._ahead, None
        if ahead is not None and not self.read_only and self._fits(ahead[0], polls, averages):
            self._adopt(ahead[1])
            return
        self._rebuild()

    def prepare_ahead(self, polls: Sequence[Poll], averages: PollAverages | None) -> None:
        """Start rebuilding and evaluating the case these averages will give, on the worker, now: called on the
        average's worker thread as soon as it has them, before they land (AverageController.add_ahead). set_data
        with the same polls and averages then adopts it instead of starting its own; a case made from a state
        that changed meanwhile (another choice, contest, priors or settings) is never adopted."""
        contest, choice = self.contest, self.choice
        if (
            contest is None
            or self.read_only
            or len(polls) < self._background_from
            or (averages is None and choice.mode in ("average", "as_of"))
        ):
            return
        key = _Ahead(
            polls, averages, contest, choice, self.priors, self.odds, self.scenario, self._touched, PipelineError("")
        )
        future = self._executor().submit(lambda: _gui_first_call(_ahead, key))
        before, self._ahead = self._ahead, (key, future)
        if before is not None:
            before[1].cancel()  # superseded before it started: never computed

    def set_valid_votes(self, valid_votes: int | None) -> None:
        """The first-round valid vote to expect (break-evens in voters); the case is re-evaluated."""
        if self.odds is not None and self.odds.valid_votes != valid_votes:
            self.odds = replace(self.odds, valid_votes=valid_votes)
            self._pending.start()

    def set_priors(self, priors: PriorSource | None) -> None:
        """Default splits from a past count (None: none); the baseline and defaults are rebuilt."""
        self.priors = priors
        self._rebuild()

    def set_choice(self, choice: BaselineChoice) -> None:
        """Start from another baseline (the latest average, the average on a day, or one poll)."""
        if self.read_only:
            return
        self.choice = choice
        self._rebuild()

    # --- edits (the panel writes through these) ----------------------------------------------------------------

    def set_scenario(self, scenario: Scenario) -> None:
        """Replace every setting at once."""
        if self.read_only or self.baseline is None:
            return
        self._touched = True
        self._apply(scenario)

    def set_split(self, code: str, split: Split) -> None:
        """One eliminated candidate's transfer split."""
        if self.scenario is not None:
            self.set_scenario(replace(self.scenario, splits={**self.scenario.splits, code: split}))

    def set_message_strength(self, strength: float) -> None:
        """Share (0-1) of the front-runner's personal vote the message peels away."""
        if self.scenario is not None:
            self.set_scenario(replace(self.scenario, message_strength=strength))

    def set_message_destination(self, destination: Destination) -> None:
        """Where the peeled voters go."""
        if self.scenario is not None:
            self.set_scenario(replace(self.scenario, message_destination=destination))

    def set_message_uncertainty(self, uncertainty: float) -> None:
        """How far either way the message strength may be (0-1; 0 a firm setting)."""
        if self.scenario is not None:
            self.set_scenario(replace(self.scenario, message_uncertainty=uncertainty))

    def set_drag_recovery(self, recovery: float) -> None:
        """Share (0-1) of the challenger's drag won back."""
        if self.scenario is not None:
            self.set_scenario(replace(self.scenario, drag_recovery=recovery))

    def set_drag_source(self, source: DragSource) -> None:
        """Where the recovered voters come from."""
        if self.scenario is not None:
            self.set_scenario(replace(self.scenario, drag_source=source))

    def reset(self) -> None:
        """Every setting back to the baseline's defaults."""
        if self.baseline is None or self.contest is None or self.read_only:
            return
        self._touched = False
        defaults = self._defaults
        if defaults is None:  # (a baseline set from outside: a saved case shown)
            defaults = default_scenario(self.baseline, self.polls, self.contest, self.choice, self.priors)
        self._apply(defaults)

    # --- saved scenarios ---------------------------------------------------------------------------------------

    def saved(self) -> list[SavedScenario]:
        """The contest's saved scenarios; unreadable records are reported and left out."""
        if self._store is None or self.contest is None:
            return []
        out = []
        contest = self.contest
        known: dict[int, tuple[object, Contest, SavedScenario]] = self._read_saved.pop(contest.id, {})
        # The same records read again from the store (a switch back to a race after the store changed: read whole
        # on the writer's thread) are other objects holding equal records: found by name and compared, not read
        # again (20 cases at 100,000 polls, each with the ids of the polls it was made on: 0.2 s of the turn).
        by_name = {str(seen[0][0]): seen for seen in known.values() if isinstance(seen[0], tuple)}
        kept: dict[int, tuple[object, Contest, SavedScenario]] = {}
        for record in self._store.scenarios():
            name, baseline, settings = record
            # A record that is no JSON object (edited outside warroom) goes to from_dicts, which names it
            if isinstance(baseline, Mapping) and baseline.get("kind", "sv") != "sv":
                continue  # another counting system's case (core.saved_cases): its own library reads it
            # The very record read before (the store hands back the objects it read until something is written),
            # or one equal to it, under the same contest details, or details it does not consult (a rename, a
            # recolour: it keeps the names it was saved with), gives the same case; any other is read again.
            seen = known.get(id(record))
            if seen is None or seen[0] is not record:
                alike = by_name.get(str(name))
                seen = alike if alike is not None and alike[0] == record else None
            if seen is not None and reads_alike(baseline, seen[1], contest):
                kept[id(record)] = (record, seen[1], seen[2])
                out.append(seen[2])
                continue
            try:
                case = SavedScenario.from_dicts(name, baseline, settings, contest)
            except PipelineError as exc:
                self.scenario_failed.emit(str(exc))  # (not kept: said again each time it is asked for)
                continue
            kept[id(record)] = (record, contest, case)
            out.append(case)
        # (the newest last; none at all, as while a contest's cases are on their way, keeps what was read)
        self._read_saved[contest.id] = kept or known
        while len(self._read_saved) > SAVED_CONTESTS_KEPT:
            del self._read_saved[next(iter(self._read_saved))]
        return out

    def report(self, problems: Sequence[str]) -> None:
        """Say each problem (an unreadable saved record) to the user."""
        for message in problems:
            self.scenario_failed.emit(message)

    def saved_figures(self) -> SavedFigures:
        """Every saved case with its numbers as saved and on today's polls, worked out now (scripts and tests;
        the menus work them out on a worker: start_saved_figures)."""
        return self.saved_figures_job()(None)

    def saved_figures_job(self) -> Callable[[WorkProgress | None], SavedFigures]:
        """saved_figures on a copy of the saved records, polls, contest, average, priors and odds, to run on a
        worker: called with a progress callback (core.pipeline.freshness_all's)."""
        contest = self.contest
        records = list(self._store.scenarios()) if self._store is not None and contest is not None else []
        polls, averages, priors, odds = list(self.polls), self.averages, self.priors, self.odds

        def job(progress: WorkProgress | None) -> SavedFigures:
            if contest is None:
                return SavedFigures([], [])
            saved, problems = _read_saved(records, contest)
            fresh = freshness_all(saved, polls, contest, averages, priors, odds, progress)
            return SavedFigures([(s, s.view(odds), f) for s, f in zip(saved, fresh, strict=True)], problems)

        return job

    def start_saved_figures(self) -> WorkerRun[SavedFigures]:
        """saved_figures_job on a worker thread (Scenario > Compare, the briefing): at 100,000 polls and 20 saved
        cases they held the window 3.0-3.6 s (benchmarks/bench_menu_stalls.py)."""
        return WorkerRun(self.saved_figures_job(), "warroom-saved")

    def find_saved(self, name: str) -> SavedScenario:
        """The saved scenario of that name (PipelineError if there is none)."""
        cases = self.saved()
        found = saved_name_in(name, [case.name for case in cases])
        name = name_as_saved(name)
        for saved in cases:
            if saved.name == found:
                return saved
        raise PipelineError(f"no saved scenario named {name!r}")

    def prepare(self, name: str, *, now: datetime | None = None) -> SavedScenario:
        """The current case as a SavedScenario under `name`, not yet stored (the window stores it through an
        undoable command).

        Raises:
            PipelineError: no case yet, or a bad name.
        """
        if self.baseline is None or self.scenario is None:
            raise PipelineError("there is no scenario to save yet (the contest has no polls)")
        return save_scenario(name, self.choice, self.baseline, self.scenario, self.polls, now or datetime.now())

    def save(self, name: str, *, now: datetime | None = None) -> SavedScenario:
        """Save the current case, its baseline numbers and the polls they came from, under `name`.

        Raises:
            PipelineError: no case yet, or a bad name. StoreError from the store passes through.
        """
        self.wait(60_000)  # a rebuild in flight lands first: the baseline saved is the one of the polls saved
        if self._store is None or self.baseline is None or self.scenario is None:
            raise PipelineError("there is no scenario to save yet (the contest has no polls)")
        saved = save_scenario(name, self.choice, self.baseline, self.scenario, self.polls, now or datetime.now())
        self._store.save_scenario(saved.name, *saved.to_dicts())
        self.saved_changed.emit(self.saved())
        return saved

    def delete_saved(self, name: str) -> None:
        """Delete a saved scenario."""
        if self._store is not None:
            self._store.delete_scenario(name)
            self.saved_changed.emit(self.saved())

    def freshness(self, saved: SavedScenario) -> Freshness:
        """Would today's polls give this saved case a different answer?"""
        if self.contest is None:
            raise PipelineError("no contest is open")
        return freshness(saved, self.polls, self.contest, self.averages, self.priors, self.odds)

    def forecast_over_time(self) -> list[ForecastPoint]:
        """The win probability and forecast margin by week, each from the polls known that day (empty without
        polls or the error table)."""
        job = self.forecast_job()
        return [] if job is None else job(None)

    def forecast_job(self) -> Callable[[Callable[[int, int], bool] | None], list[ForecastPoint]] | None:
        """forecast_over_time on a copy of today's polls, contest, odds and priors, to run on a worker: called with
        a progress callback (core.pipeline.forecast_over_time's), it returns the points. None: nothing to forecast
        (no polls, or no error table)."""
        if self.contest is None or self.odds is None or not self.polls:
            return None
        polls = list(self.polls)  # (a teammate's poll landing meanwhile changes the controller's list, not this)
        days = forecast_days(polls, forecast_last_day(polls, self.contest))
        contest, odds, priors = self.contest, self.odds, self.priors

        def job(progress: Callable[[int, int], bool] | None) -> list[ForecastPoint]:
            return forecast_over_time(polls, contest, odds, days, priors, progress)

        return job

    def start_forecast(self) -> ForecastRun | None:
        """forecast_job started on a worker thread (Scenario > Forecast over time); None: nothing to forecast."""
        job = self.forecast_job()
        return None if job is None else ForecastRun(job)

    def saved_view(self, saved: SavedScenario) -> ProjectionView:
        """A saved case's numbers, exactly as the panel would show them."""
        return saved.view(self.odds)

    def load(self, name: str) -> None:
        """Work on a saved case: its baseline choice and its settings become the live ones (rebuilt on today's
        polls; the status says if that changes the answer)."""
        try:
            saved = self.find_saved(name)
        except PipelineError as exc:
            self.scenario_failed.emit(str(exc))
            return
        self.choice = saved.choice
        self._touched = True
        self.scenario = saved.scenario
        self._rebuild()
        # Whether today's polls change its answer, said once the rebuild has landed (on the worker for a big race),
        # from the very case it made: the same figures as the panel's, not a second rebuild on this thread
        self._fresh_after = (saved, self._job_number)
        self._say_freshness()

    def _say_freshness(self) -> None:
        """Say what today's polls change in the saved case just loaded, once its rebuild has landed."""
        pending = self._fresh_after
        if pending is None or self._job is not None:
            return  # nothing loaded, or its rebuild still running: said when it lands
        saved, number = pending
        self._fresh_after = None
        if number != self._job_number or self.contest is None:
            return  # superseded: the polls, the choice or the race changed meanwhile
        made = None
        if self.baseline is not None and self._defaults is not None and self.choice == saved.choice:
            made = {saved.choice: (self.baseline, self._defaults)}
        note = freshness(saved, self.polls, self.contest, self.averages, self.priors, self.odds, made=made).message
        if note:
            self.scenario_failed.emit(f"'{saved.name}': {note}")

    def show_saved(self, saved: SavedScenario) -> None:
        """Present a saved case exactly as saved (its own baseline, read-only). For a presenting controller,
        never the live one."""
        self.read_only = True
        when = f", saved {saved.saved_at[:16].replace('T', ' ')}" if saved.saved_at else ""
        self.title = f"Saved scenario '{saved.name}'{when}"
        self.choice = saved.choice
        self.baseline = saved.baseline
        self._defaults = None
        self.cleared = ""
        self.baseline_changed.emit(saved.baseline)
        self._apply(saved.scenario)
        self.evaluate_now()

    # --- private --------------------------------------------------------------------------------------------

    def _apply(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.scenario_changed.emit(scenario)
        self._pending.start()  # already pending: this edit joins it

    def _rebuild(self) -> None:
        contest = self.contest
        if contest is None or self.read_only:
            return
        standing = standing_problem(contest)  # (every baseline fails the same way: no case to keep on screen)
        if standing is not None or (self.averages is None and self.choice.mode in ("average", "as_of")):
            if standing is not None or not any(p.party_vi for p in self.polls):
                # Nothing to build a case from: the last case (from polls since deleted, or from the race open
                # before) must not stay on screen as this race's answer (its verdict and chance stayed in the
                # panel, meeting mode and the briefing while `warroom scenario` said there were no polls).
                self._drop_job()
                self._pending.stop()
                self._ready_view = None
                self.baseline, self.view = None, None
                self.cleared = standing or no_case_reason(contest)
                self.case_cleared.emit(self.cleared)
                return
            # No poll of the race has first-round figures yet (most new combined authorities): start from
            # party voting intention, and say so.
            self.choice = BaselineChoice("party_vi")
            self.scenario_failed.emit(
                "No poll of this race yet: the baseline is party voting intention plus personal votes"
            )
        self._job_number += 1
        number = self._job_number
        args = (self.choice, self.polls, contest, self.averages, self.priors)  # self.polls is replaced, never changed
        if len(self.polls) < self._background_from:
            self._job = None
            self._on_landed(number, _rebuilt(*args))
            return
        worker = self._executor()
        if self._job is not None:
            self._job.cancel()  # still queued behind a running one: never started, never wasted

        def job() -> None:
            with gui_first():  # Python code holding the GIL: the GUI thread gets it back sooner
                outcome = _rebuilt(*args)
            with contextlib.suppress(RuntimeError):  # the controller was deleted meanwhile (the app closed)
                self._landed.emit(number, outcome)

        self._job = worker.submit(job)  # one thread: jobs run in order, each later one supersedes

    def _executor(self) -> ThreadPoolExecutor:
        """The one worker thread (made on first use, from whichever thread asks first)."""
        with self._worker_lock:
            if self._worker is None:
                self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="warroom-scenario")
            return self._worker

    def _fits(self, key: _Ahead, polls: Sequence[Poll], averages: PollAverages | None) -> bool:
        """The case prepared ahead was made from these polls and averages and the state this controller has now."""
        return (
            key.polls is polls
            and key.averages is averages
            and key.contest is self.contest
            and key.choice == self.choice
            and key.priors is self.priors
            and key.odds is self.odds
        )

    def _adopt(self, future: Future[_Ahead]) -> None:
        """Take the case prepared ahead as this change's rebuild: applied at once if it is ready, else when it lands
        (as a rebuild of its own would)."""
        if self._job is not None:
            self._job.cancel()
        self._job_number += 1
        number = self._job_number
        if future.done() and not future.cancelled():
            self._job = None
            self._on_landed(number, _outcome_of(future))
            return
        self._job = future

        def landed(done: Future[_Ahead]) -> None:
            if done.cancelled():
                return
            with contextlib.suppress(RuntimeError):  # the controller was deleted meanwhile (the app closed)
                self._landed.emit(number, _outcome_of(done))

        future.add_done_callback(landed)

    def _on_landed(self, number: int, landed: _Rebuilt | _Ahead) -> None:
        if number != self._job_number:
            return  # superseded: the polls, the choice or the contest changed while it ran
        self._job = None
        if self.read_only or self.contest is None:
            return
        ahead = landed if isinstance(landed, _Ahead) else None
        outcome = ahead.outcome if ahead is not None else landed
        assert not isinstance(outcome, _Ahead)
        if isinstance(outcome, PipelineError):
            if self.choice.mode == "poll":  # the poll was deleted: fall back to the latest average
                self.choice = BaselineChoice()
                self.scenario_failed.emit(f"{outcome}; back to the latest poll average")
                self._rebuild()
            else:
                self.scenario_failed.emit(f"No baseline: {outcome}")
                self._say_freshness()
            return
        baseline, defaults, offers = outcome
        self.baseline = baseline
        self._defaults = defaults
        self.offers = offers  # before baseline_changed: views offer these polls as they show the baseline
        self.cleared = ""
        self.baseline_changed.emit(baseline)
        if (
            ahead is not None
            and ahead.applied is not None
            and ahead.scenario is self.scenario
            and ahead.touched == (self._touched)
        ):
            scenario = ahead.applied  # reconciled on the worker from these very settings
            if ahead.view is not None:
                self._ready_view = (baseline, scenario, ahead.odds, ahead.view)
        elif self.scenario is None or not self._touched:
            scenario = defaults
        else:
            scenario = reconcile(self.scenario, baseline, defaults)  # the user's settings as they are now
        self._apply(scenario)
        self._say_freshness()

    def _drop_job(self) -> None:
        """Forget a running rebuild (its result will be dropped when it lands) and a case prepared ahead."""
        self._job_number += 1
        self._job = None
        self._ahead = None

    def evaluate_now(self) -> None:
        """Evaluate the current settings at once (normally run by the coalescing timer)."""
        self._pending.stop()
        if self.baseline is None or self.scenario is None:
            return
        ready, self._ready_view = self._ready_view, None
        if ready is not None and ready[0] is self.baseline and ready[1] is self.scenario and ready[2] is self.odds:
            self.view = ready[3]  # evaluated on the worker from these very values (evaluate is pure)
            self.view_ready.emit(self.view)
            return
        try:
            self.view = evaluate(self.baseline, self.scenario, odds=self.odds)
        except ValueError as exc:
            self.scenario_failed.emit(str(exc))
            return
        self.view_ready.emit(self.view)


def _gui_first_call(fn: Any, *args: Any) -> Any:
    """fn(*args) with the GIL's switch interval shortened for the GUI thread's sake (a worker job)."""
    with gui_first():
        return fn(*args)


def _outcome_of(done: Future[_Ahead]) -> _Ahead | _Rebuilt:
    """A finished prepare_ahead's case; a failure the rebuild did not foresee becomes the rebuild's error (said)."""
    try:
        return done.result()
    except Exception as exc:  # whatever broke, the user is told and the old case stays
        return PipelineError(f"the case could not be rebuilt: {exc}")
