"""TwoRoundController: the one owner of the live two-round (French presidential) runoff scenario.

It holds the poll questions of the open two-round contest (from a `TwoRoundSource`), the chosen runoff matchup
and first-round hypothesis, the first round the runoff draws on and the `TwoRoundScenario`; views bind to it,
write through its setters and re-render on its signals. Every number comes from warroom.core.two_round_pipeline
(which calls core.two_round): the projection, the exact break-evens, the win and qualify probabilities.

The source is a small Protocol so the data can come from the files the compilations publish (`FranceFiles`,
today) or from the poll store (once the store holds poll questions): swapping it is one argument in app.py.

One evaluation (projection and five exact break-evens) takes well under a millisecond
(benchmarks/bench_two_round_slider.py), so it runs on the GUI thread, coalesced to one per event-loop turn.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from warroom.core.france import (
    NSPPOLLS_CREDIT,
    FranceFormatError,
    PollNotice,
    RoundResult,
    TransferMatrix,
    name_key,
    parse_nsppolls_polls,
    parse_nsppolls_reports,
    parse_official_results,
)
from warroom.core.two_round import FirstRound, Message, RunoffSplit, TwoRoundScenario, qualify_probabilities
from warroom.core.two_round_pipeline import (
    HypothesisChoice,
    MatchupChoice,
    MatchupLead,
    ScenarioDefaults,
    TwoRoundView,
    default_scenario,
    evaluate,
    first_round_from,
    hypotheses_asked,
    hypothesis_average,
    largest_other,
    matchup_lead,
    matchups_asked,
)
from warroom.core.types import Contest, CountingSystem


@dataclass(frozen=True)
class TwoRoundData:
    """A two-round contest's poll questions, published matrices and official results.

    Attributes:
        notices: poll notices (each with its hypotheses and matchups).
        matrices: published vote-transfer matrices.
        official: round -> official result (empty before polling day).
        credit: whose compilation it is (shown wherever the data is).
    """

    notices: tuple[PollNotice, ...]
    matrices: tuple[TransferMatrix, ...] = ()
    official: Mapping[int, RoundResult] = field(default_factory=dict)
    credit: str = ""


class TwoRoundSource(Protocol):
    """Where a two-round contest's questions come from (the compilation files today; the store later)."""

    def load(self, contest: Contest) -> TwoRoundData | None: ...


class FranceFiles:
    """A folder in the NSPPolls layout: the polls (nsppolls_presidentielle.csv, or the shipped extract
    nsppolls_final_weeks.csv), nsppolls_reports.csv, and official_results.csv with turnout.csv when polling day
    is past. It serves the contest whose first round is `election_day`.

    Args:
        folder: the folder.
        election_day: the first round's polling day of the contest these files are about.
    """

    POLL_FILES = ("nsppolls_presidentielle.csv", "nsppolls_final_weeks.csv")

    def __init__(self, folder: Path, election_day: date) -> None:
        self.folder = folder
        self.election_day = election_day
        self._cache: TwoRoundData | None = None

    def load(self, contest: Contest) -> TwoRoundData | None:
        if contest.election_date != self.election_day:
            return None
        if self._cache is None:
            self._cache = self._read()
        return self._cache

    def _read(self) -> TwoRoundData:
        def text(name: str) -> str | None:
            path = self.folder / name
            return path.read_text(encoding="utf-8") if path.is_file() else None

        polls = next((t for t in map(text, self.POLL_FILES) if t is not None), None)
        if polls is None:
            raise FileNotFoundError(f"{self.folder}: no {' or '.join(self.POLL_FILES)}")
        reports = text("nsppolls_reports.csv")
        results, turnout = text("official_results.csv"), text("turnout.csv")
        return TwoRoundData(
            parse_nsppolls_polls(polls),
            parse_nsppolls_reports(reports) if reports else (),
            parse_official_results(results, turnout) if results and turnout else {},
            NSPPOLLS_CREDIT,
        )


class TwoRoundController(QObject):
    """Poll questions + matchup + hypothesis + scenario -> TwoRoundView, for one two-round contest.

    Signals:
        choices_changed: the matchups and hypotheses on offer changed (a contest was opened).
        matchup_changed: (a, b) the chosen runoff pair; its defaults are in `defaults`.
        first_round_changed: a new FirstRound (views rebuild their electorate rows if the set changed).
        scenario_changed: the settings changed, whatever changed them: views show them without echo.
        view_ready: the TwoRoundView of the current settings; at most once per event-loop turn.
        lead_ready: the chosen matchup's MatchupLead (published head-to-heads and their average).
        qualify_ready: candidate -> P(reaches the runoff), from the chosen hypothesis' average.
        failed: a message for the user.
    """

    choices_changed = Signal()
    matchup_changed = Signal(str, str)
    first_round_changed = Signal(object)
    scenario_changed = Signal(object)
    view_ready = Signal(object)
    lead_ready = Signal(object)
    qualify_ready = Signal(object)
    failed = Signal(str)

    def __init__(self, source: TwoRoundSource | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self.contest: Contest | None = None
        self.data: TwoRoundData | None = None
        self.matchups: list[MatchupChoice] = []
        self.hypotheses: list[HypothesisChoice] = []
        self.matchup: MatchupChoice | None = None
        self.hypothesis: HypothesisChoice | None = None
        self.average: dict[str, float] = {}
        self.qualify: dict[str, float] = {}
        self.first: FirstRound | None = None
        self.first_source = ""
        self.defaults: ScenarioDefaults | None = None
        self.scenario: TwoRoundScenario | None = None
        self.electorate: str | None = None
        self.view: TwoRoundView | None = None
        self.lead: MatchupLead | None = None
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.setInterval(0)  # the next event-loop turn: one evaluation per burst of edits
        self._pending.timeout.connect(self.evaluate_now)

    @property
    def active(self) -> bool:
        """A two-round contest with poll questions is open."""
        return self.data is not None

    # --- data down -------------------------------------------------------------------------------------------

    def set_source(self, source: TwoRoundSource | None) -> None:
        """Where questions come from; the open contest is reloaded from it."""
        self._source = source
        if self.contest is not None:
            self.set_contest(self.contest)

    def set_contest(self, contest: Contest) -> None:
        """A contest was opened: load its questions (a contest of another system, or without any, clears)."""
        self.contest = contest
        self._clear()
        if contest.system != CountingSystem.TWO_ROUND or self._source is None:
            self.choices_changed.emit()
            return
        try:
            data = self._source.load(contest)
        except (OSError, FranceFormatError) as exc:
            self.failed.emit(f"The poll questions of {contest.name} could not be read: {exc}")
            data = None
        self.set_data(data)

    def set_data(self, data: TwoRoundData | None) -> None:
        """The contest's questions (None: none): offer its matchups and hypotheses, start on the most asked pair
        and the latest list."""
        self._clear()
        self.data = data
        if data is not None:
            self.matchups = matchups_asked(data.notices)
            self.hypotheses = hypotheses_asked(data.notices)
            if not self.matchups:
                self.failed.emit("No runoff question in these polls: no runoff scenario")
                self.data = None
        if self.data is not None:
            self.hypothesis = self.hypotheses[0] if self.hypotheses else None
        self.choices_changed.emit()
        if self.data is None:
            return
        self._average_hypothesis()
        self.set_matchup(self.matchups[0].a, self.matchups[0].b)

    def set_matchup(self, a: str, b: str) -> None:
        """Switch the runoff pair: its lead on the chart, its published defaults in the scenario."""
        data = self.data
        if data is None:
            return
        choice = next((m for m in self.matchups if {m.a, m.b} == {a, b}), MatchupChoice(a, b, 0))
        self.matchup = choice
        self.lead = matchup_lead(data.notices, choice.a, choice.b)
        self.matchup_changed.emit(choice.a, choice.b)
        self.lead_ready.emit(self.lead)
        self._rebuild()

    def set_hypothesis(self, hypothesis: HypothesisChoice | None) -> None:
        """The first-round list whose average gives the qualify probabilities (and the first round, before
        polling day)."""
        if self.data is None:
            return
        self.hypothesis = hypothesis
        self._average_hypothesis()
        self._rebuild()

    # --- edits (the panel writes through these) ----------------------------------------------------------------

    def set_scenario(self, scenario: TwoRoundScenario) -> None:
        """Replace every setting at once."""
        if self.first is None:
            return
        self._apply(scenario)

    def set_split(self, electorate: str, split: RunoffSplit) -> None:
        """What one first-round electorate does in the runoff."""
        if self.scenario is not None:
            self._apply(replace(self.scenario, splits={**self.scenario.splits, electorate: split}))

    def set_turnout(self, lever: float) -> None:
        """The runoff turnout lever, -1..1."""
        if self.scenario is not None:
            self._apply(replace(self.scenario, turnout=max(-1.0, min(1.0, lever))))

    def set_message(self, message: Message | None) -> None:
        """A message against either finalist (None: none)."""
        if self.scenario is not None:
            self._apply(replace(self.scenario, message=message))

    def set_electorate(self, electorate: str) -> None:
        """Whose voters the break-even question is about."""
        self.electorate = electorate
        self._pending.start()

    def reset(self) -> None:
        """Every setting back to the published defaults of the pair."""
        if self.defaults is not None:
            self._apply(self.defaults.scenario)

    def evaluate_now(self) -> None:
        """Evaluate the current settings at once (normally run by the coalescing timer)."""
        self._pending.stop()
        if self.first is None or self.scenario is None:
            return
        try:
            self.view = evaluate(
                self.first,
                self.scenario,
                error=self.defaults.error if self.defaults else None,
                electorate=self.electorate,
            )
        except ValueError as exc:
            self.failed.emit(str(exc))
            return
        self.view_ready.emit(self.view)

    # --- private --------------------------------------------------------------------------------------------

    def _clear(self) -> None:
        self._pending.stop()
        self.data = None
        self.matchups, self.hypotheses = [], []
        self.matchup = self.hypothesis = None
        self.average, self.qualify = {}, {}
        self.first = self.defaults = self.scenario = self.view = self.lead = None
        self.electorate = None
        self.first_source = ""

    def _average_hypothesis(self) -> None:
        data = self.data
        if data is None:
            return
        day = self.contest.election_date if self.contest is not None else None
        self.average = hypothesis_average(data.notices, self.hypothesis, until=day)
        rules = self.contest.counting_rules if self.contest is not None else None
        self.qualify = qualify_probabilities(self.average, rules=rules) if len(self.average) >= 2 else {}
        self.qualify_ready.emit(self.qualify)

    def _rebuild(self) -> None:
        data, choice = self.data, self.matchup
        if data is None or choice is None:
            return
        try:
            first, said = first_round_from(data.official, self.average)
        except ValueError as exc:
            self.failed.emit(str(exc))
            return
        a, b = (_spelled(first, choice.a), _spelled(first, choice.b))
        if a not in first.votes or b not in first.votes:
            self.failed.emit(f"{choice.a} v {choice.b}: both must be first-round candidates of {said.lower()}")
            self.first, self.scenario, self.view = first, None, None
            self.first_round_changed.emit(first)
            return
        self.first, self.first_source = first, said
        self.defaults = default_scenario(first, data.matrices, a, b)
        if self.electorate is None or (self.electorate not in first.electorates()) or self.electorate in (a, b):
            self.electorate = largest_other(first, a, b)
        self.first_round_changed.emit(first)
        self._apply(self.defaults.scenario)

    def _apply(self, scenario: TwoRoundScenario) -> None:
        self.scenario = scenario
        self.scenario_changed.emit(scenario)
        self._pending.start()  # already pending: this edit joins it


def _spelled(first: FirstRound, name: str) -> str:
    """The first round's spelling of a name ("Eric Zemmour" in a poll is "Éric Zemmour" in the results)."""
    key = name_key(name)
    return next((k for k in first.votes if name_key(k) == key), name)
