"""TwoRoundController: the one owner of the live two-round (French presidential) runoff scenario.

It holds the poll questions of the open two-round contest (a `Campaign`, from a `CampaignSource`), the chosen
runoff matchup and first-round hypothesis, the first round the runoff draws on and the `TwoRoundScenario`; views
bind to it, write through its setters and re-render on its signals. Every number comes from core: the campaign's
averages, qualify odds and head-to-head win probability from core.two_round_pipeline (the CLI's functions), the
scenario's projection and exact break-evens from core.two_round_view (which calls core.two_round).

One evaluation (projection and five exact break-evens) takes well under a millisecond
(benchmarks/bench_two_round_slider.py), so it runs on the GUI thread, coalesced to one per event-loop turn.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, Signal
from sqlalchemy.orm import Session, sessionmaker

from warroom.core.france import RoundResult, name_key
from warroom.core.pipeline import PipelineError
from warroom.core.saved_cases import NotFinalists, runoff_first_round
from warroom.core.two_round import TURNOUT_LEVER_MIN, FirstRound, Message, RunoffSplit, TwoRoundScenario
from warroom.core.two_round_pipeline import (
    QUALIFY_NEEDS_TURNOUT,
    Campaign,
    CandidateAverages,
    FirstRoundModel,
    default_matchup,
    first_round_model,
    hypothesis_labels,
    matchup_average,
    matchups_asked,
    publication_blackouts,
    qualify_odds,
    valid_share_of_base,
    withdrawn_names,
    withdrawn_runoff_note,
)
from warroom.core.two_round_view import (
    CampaignChart,
    MatchupLead,
    NoticeRows,
    NoticeTable,
    ScenarioDefaults,
    TwoRoundView,
    ValueExtent,
    campaign_chart,
    campaign_extents,
    default_scenario,
    evaluate,
    largest_other,
    matchup_points,
)
from warroom.core.types import Contest, CountingSystem
from warroom.store.questions import load_campaign


class CampaignSource(Protocol):
    """Where a two-round contest's questions come from (the store in the app)."""

    def load(self, contest: Contest) -> Campaign | None: ...


class StoreCampaigns:
    """A contest's campaign from the poll store (store.questions.load_campaign); None when it holds no notice."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def load(self, contest: Contest) -> Campaign | None:
        with self._sessions() as session:
            campaign = load_campaign(session, contest.id if contest.id is not None else contest.name)
        return campaign if campaign.notices else None


class TwoRoundController(QObject):
    """Campaign + matchup + hypothesis + scenario -> TwoRoundView, for one two-round contest.

    Signals:
        choices_changed: the matchups and hypotheses on offer changed (a contest was opened).
        matchup_changed: (a, b) the chosen runoff pair, A the one its head-to-heads put ahead.
        first_round_changed: a new FirstRound or pair (views rebuild their electorate rows).
        scenario_changed: the settings changed, whatever changed them: views show them without echo.
        view_ready: the TwoRoundView of the current settings; at most once per event-loop turn.
        lead_ready: the chosen matchup's MatchupLead (published head-to-heads and their average).
        qualify_ready: candidate -> P(reaches the runoff), from the chosen hypothesis' average.
        chart_ready: the first round on the charts (CampaignChart: averages, points, the pair's lead).
        table_ready: the poll notices as poll-table rows (NoticeTable) showing the chosen hypothesis and pair;
            None when no two-round campaign is open.
        extents_ready: chart key -> ValueExtent over every matchup and list of the campaign (core
            campaign_extents), worked out at idle once a campaign is read; None when none is open.
        choice_prepared: (CampaignChart, MatchupLead) of a matchup or list worked out ahead at idle, for the
            charts to draw ahead (the few most likely picked next).
        failed: a message for the user.
    """

    choices_changed = Signal()
    matchup_changed = Signal(str, str)
    first_round_changed = Signal(object)
    scenario_changed = Signal(object)
    view_ready = Signal(object)
    lead_ready = Signal(object)
    qualify_ready = Signal(object)
    chart_ready = Signal(object)
    table_ready = Signal(object)
    extents_ready = Signal(object)
    choice_prepared = Signal(object, object)
    failed = Signal(str)

    DRAWN_AHEAD_PAIRS = 5  # matchups (with the list shown) and lists (with the pair shown) the charts draw ahead:
    DRAWN_AHEAD_LISTS = 6  # with the one shown, no more than a chart keeps pictures of (ui.charts.DataPicture)
    PREPARE_SLICE_S = 0.004  # idle work per event-loop turn: a turn stays well inside one 60 Hz frame
    MAX_PREPARED_CHARTS = 96  # charts worked out ahead (each list with the chosen pair, each pair with the list)

    def __init__(
        self,
        source: CampaignSource | None = None,
        parent: QObject | None = None,
        *,
        proxies: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        super().__init__(parent)
        self._source = source
        # contest name -> {electorate no matrix publishes: the published one it follows}, as the CLI uses them
        self._proxies = dict(proxies or {})
        self.contest: Contest | None = None
        self.campaign: Campaign | None = None
        self.matchups: list[tuple[str, str, int]] = []
        self.hypotheses: list[tuple[str, int]] = []
        self.matchup: tuple[str, str] | None = None
        self.hypothesis: str | None = None
        self.averages: CandidateAverages | None = None
        self.qualify: dict[str, float] = {}
        self.qualify_note: str | None = None  # why `qualify` is empty (core.two_round_pipeline.QUALIFY_NEEDS_TURNOUT)
        self.lead: MatchupLead | None = None
        self.first: FirstRound | None = None
        self.first_source = ""
        # why there is no first round to project from ("" while there is one, or none was tried): the panel and
        # meeting mode's answer say it in their own place, also when made after the failure was told
        self.no_first_round = ""
        self.withdrawn_note = ""  # the runoff shown has a withdrawn finalist (two_round_pipeline.withdrawn_runoff_note)
        self.credit = ""  # whose compilations the polls and matrices come from (shown wherever they are)
        self.runoff_result: RoundResult | None = None  # the official runoff, once it is past
        self.defaults: ScenarioDefaults | None = None
        self.scenario: TwoRoundScenario | None = None
        self.electorate: str | None = None
        self.view: TwoRoundView | None = None
        self._last_chart: CampaignChart | None = None  # the same campaign's: its points are reused
        self._rows: NoticeRows | None = None  # the campaign's notices as table rows, each choice's kept
        self.table: NoticeTable | None = None
        # per list: its averages, qualify odds and why there are none (QUALIFY_NEEDS_TURNOUT), worked out once
        self._by_hypothesis: dict[str | None, tuple[CandidateAverages | None, dict[str, float], str | None]] = {}
        self._leads: dict[frozenset[str], tuple[tuple[str, str], MatchupLead]] = {}  # per pair, A first
        self._charts: dict[tuple[str | None, tuple[str, str]], CampaignChart] = {}  # per hypothesis and pair
        self._defaults: dict[tuple[object, ...], ScenarioDefaults] = {}
        # the views of a pair's defaults as they are, by first round, defaults (kept in self._defaults) and question
        self._views: dict[tuple[object, ...], TwoRoundView] = {}
        self._model: FirstRoundModel | None = None
        self._lists: dict[str | None, CandidateAverages] = {}  # each list's first-round averages (the model's view)
        self.extents: dict[str, ValueExtent] | None = None
        self._prepare: Iterator[None] | None = None
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(0)
        self._idle.timeout.connect(self._prepare_next)
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.setInterval(0)  # the next event-loop turn: one evaluation per burst of edits
        self._pending.timeout.connect(self.evaluate_now)

    @property
    def prepared(self) -> bool:
        """The idle preparation of the open campaign's choices is done (or there is none to do)."""
        return self._prepare is None

    @property
    def active(self) -> bool:
        """A two-round contest with runoff questions is open."""
        return self.campaign is not None

    # --- data down -------------------------------------------------------------------------------------------

    def set_contest(self, contest: Contest) -> None:
        """A contest was opened: load its campaign (another system's contest, or one without questions, clears)."""
        self.contest = contest
        campaign = None
        if contest.system == CountingSystem.TWO_ROUND and self._source is not None:
            try:
                campaign = self._source.load(contest)
            except (OSError, KeyError, ValueError) as exc:
                self.failed.emit(f"The poll questions of {contest.name} could not be read: {exc}")
        self.set_campaign(campaign)

    def forget_contest(self) -> None:
        """No race is open any more (the store's last one deleted): its campaign goes (choices_changed: the window
        hides the two-round panel and pickers; table_ready(None): its notices leave the poll table)."""
        self.contest = None
        self.set_campaign(None)

    def reload(self) -> None:
        """The store changed under us (another process imported questions): read the campaign again, keeping
        the chosen pair and hypothesis where they are still asked (the splits go back to the defaults)."""
        contest = self.contest
        if contest is None or contest.system != CountingSystem.TWO_ROUND:
            return
        pair, hypothesis = self.matchup, self.hypothesis
        self.set_contest(contest)
        if hypothesis is not None and any(label == hypothesis for label, _ in self.hypotheses):
            self.set_hypothesis(hypothesis)
        if pair is not None and self.matchup != pair:
            asked = {frozenset((name_key(a), name_key(b))) for a, b, _ in self.matchups}
            if frozenset(map(name_key, pair)) in asked:
                self.set_matchup(*pair)

    def set_campaign(self, campaign: Campaign | None) -> None:
        """The contest's questions (None: none): offer its matchups and hypotheses, start pooled, on the leading
        two candidates' matchup."""
        self._clear()
        self.extents_ready.emit(None)  # (until this campaign's are worked out: the charts fit what they show)
        if campaign is not None and not matchups_asked(campaign.notices):
            self.failed.emit("No runoff question in this contest's polls: no runoff scenario")
            campaign = None
        self.campaign = campaign
        if campaign is not None:
            self.matchups = matchups_asked(campaign.notices)
            self.hypotheses = hypothesis_labels(campaign.notices)
            sources = dict.fromkeys(
                [n.source for n in campaign.notices if n.source] + [m.source for m in campaign.matrices if m.source]
            )
            self.credit = "; ".join(sources)
            self.runoff_result = campaign.results.get(2)
        self.choices_changed.emit()
        if campaign is None:
            self.table_ready.emit(None)
            return
        codes = {name_key(c.name): c.code for c in self.contest.candidates} if self.contest is not None else {}
        self._rows = NoticeRows(campaign.notices, codes)
        self._average_first_round()
        a, b, _n = self.matchups[0]
        if self.averages is not None:  # the two leading candidates' runoff, if polls ask it (as the CLI shows)
            a, b = default_matchup(campaign.notices, self.averages, withdrawn_names(self.contest)) or (a, b)
        self.set_matchup(a, b)
        self._prepare = self._preparation()
        self._idle.start()

    def set_matchup(self, a: str, b: str) -> None:
        """Switch the runoff pair: its lead on the chart, its published defaults in the scenario."""
        campaign = self.campaign
        if campaign is None:
            return
        self.matchup, self.lead = self._lead_of(a, b)
        self.matchup_changed.emit(*self.matchup)
        self.lead_ready.emit(self.lead)
        self._chart()
        self._table()
        self._rebuild()
        self.evaluate_now()  # at once: the panel is painted once, with its rows and its answer together

    def set_hypothesis(self, hypothesis: str | None) -> None:
        """See the first round through one hypothesis' candidate list (None: every list, pooled): the qualify
        odds, and the first round itself before polling day."""
        if self.campaign is None:
            return
        self.hypothesis = hypothesis
        self._average_first_round()
        self._chart()
        self._table()
        self._rebuild()
        self.evaluate_now()  # at once: the panel is painted once, with its rows and its answer together

    # --- edits (the panel writes through these) ----------------------------------------------------------------

    def set_scenario(self, scenario: TwoRoundScenario) -> None:
        """Replace every setting at once."""
        if self.first is not None:
            self._apply(scenario)

    def set_split(self, electorate: str, split: RunoffSplit) -> None:
        """What one first-round electorate does in the runoff."""
        if self.scenario is not None:
            self._apply(replace(self.scenario, splits={**self.scenario.splits, electorate: split}))

    def set_turnout(self, lever: float) -> None:
        """The runoff turnout lever, TURNOUT_LEVER_MIN..1 (clamped there)."""
        if self.scenario is not None:
            self._apply(replace(self.scenario, turnout=max(TURNOUT_LEVER_MIN, min(1.0, lever))))

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
        error = self.defaults.error if self.defaults else None
        # A pair's published defaults as they are (what a matchup switch shows) are evaluated once per first round
        # and question: the very scenario object the defaults keep (self._defaults holds them for the campaign), so
        # a switch back shows the view worked out then.
        key: tuple[object, ...] | None = None
        first = self.first
        if self.defaults is not None and self.scenario is self.defaults.scenario:
            key = (tuple(first.votes.items()), first.registered, first.blank_null, id(self.defaults), self.electorate)
        view = self._views.get(key) if key is not None else None
        if view is None:
            try:
                view = evaluate(self.first, self.scenario, error=error, electorate=self.electorate)
            except ValueError as exc:
                self.failed.emit(str(exc))
                return
            if key is not None:
                if len(self._views) >= 64:
                    self._views.clear()
                self._views[key] = view
        self.view = view
        self.view_ready.emit(self.view)

    # --- private --------------------------------------------------------------------------------------------

    def _clear(self) -> None:
        self._pending.stop()
        self._idle.stop()
        self._prepare = None
        self.extents = None
        self._lists = {}
        self.campaign = None
        self.matchups, self.hypotheses = [], []
        self.matchup = self.hypothesis = None
        self.averages, self.qualify, self.qualify_note = None, {}, None
        self.first = self.defaults = self.scenario = self.view = self.lead = None
        self.electorate = None
        self.first_source = self.credit = self.no_first_round = self.withdrawn_note = ""
        self.runoff_result = None
        self._last_chart = None
        self._rows, self.table = None, None
        self._by_hypothesis, self._defaults, self._model = {}, {}, None
        self._views = {}
        self._leads, self._charts = {}, {}

    def _average_first_round(self) -> None:
        if self.campaign is None:
            return
        averages, odds, self.qualify_note = self._odds_of(self.hypothesis)
        self.averages, self.qualify = averages, dict(odds)
        self.qualify_ready.emit(self.qualify)

    def _odds_of(self, hypothesis: str | None) -> tuple[CandidateAverages | None, dict[str, float], str | None]:
        """One list's first-round averages and qualify odds, worked out once per campaign (switching back, or to a
        list prepared at idle, is immediate); a list that cannot be averaged is said and gives none. Third: why
        an averaged list has no odds (QUALIFY_NEEDS_TURNOUT, as `warroom qualify` prints it), else None."""
        cached = self._by_hypothesis.get(hypothesis)
        if cached is None:
            campaign = self.campaign
            assert campaign is not None
            try:
                # As `warroom average` does (core.two_round_pipeline.two_round_report): every poll known.
                averages: CandidateAverages | None = self._list(hypothesis)
            except ValueError as exc:
                self.failed.emit(str(exc))
                averages = None
            rules = self.contest.counting_rules if self.contest is not None else None
            base = valid_share_of_base(campaign, rules)  # (None: a threshold race with no turnout known)
            withdrawn = withdrawn_names(self.contest)
            cached = (
                averages,
                qualify_odds(averages, rules, valid_of_base=base, withdrawn=withdrawn) if averages is not None else {},
                QUALIFY_NEEDS_TURNOUT if base is None and averages is not None else None,
            )
            self._by_hypothesis[hypothesis] = cached
        return cached

    def _chart(self) -> None:
        if self.campaign is None or self.matchup is None or self.contest is None or self.averages is None:
            return
        chart = self._chart_of(self.hypothesis, self.matchup, self.averages)
        self._last_chart = chart
        self.chart_ready.emit(chart)

    def _chart_of(self, hypothesis: str | None, pair: tuple[str, str], averages: CandidateAverages) -> CampaignChart:
        """The charts of one list and pair, worked out once per campaign (the very object again after)."""
        chart = self._charts.get((hypothesis, pair))
        if chart is None:
            assert self.campaign is not None and self.contest is not None
            contest = self.contest
            codes = {name_key(c.name): c.code for c in contest.candidates}
            blackouts = publication_blackouts(contest.election_date, contest.second_round_date)
            chart = campaign_chart(
                self.campaign.notices, averages, codes, *pair, same_first=self._last_chart, blackouts=blackouts
            )
            self._charts[(hypothesis, pair)] = chart
        return chart

    def _list(self, hypothesis: str | None) -> CandidateAverages:
        """One list's first-round averages (None: pooled), smoothed once per campaign, kept."""
        averages = self._lists.get(hypothesis)
        if averages is None:
            assert self.campaign is not None
            if self._model is None:  # smoothed once per campaign; a hypothesis is a shift of it
                self._model = first_round_model(self.campaign.notices)
            averages = self._lists[hypothesis] = self._model.view(hypothesis)
        return averages

    def _lead_of(self, a: str, b: str) -> tuple[tuple[str, str], MatchupLead]:
        """A pair with A the one its head-to-heads put ahead, and its MatchupLead: averaged once per campaign."""
        assert self.campaign is not None
        notices = self.campaign.notices
        key = frozenset((name_key(a), name_key(b)))
        known = self._leads.get(key)
        if known is None:
            average = matchup_average(notices, a, b)
            if average.latest() < 50.0:  # A is the one the head-to-heads put ahead
                a, b = b, a
                average = matchup_average(notices, a, b)
            days, leads, pollsters = matchup_points(notices, a, b)
            known = self._leads[key] = ((a, b), MatchupLead(average, tuple(days), tuple(leads), tuple(pollsters)))
        return known

    def _prepare_next(self) -> None:
        """Run the idle preparation for one slice of time, and come back next turn if there is more."""
        work = self._prepare
        if work is None:
            return
        deadline = time.perf_counter() + self.PREPARE_SLICE_S
        for _ in work:
            if time.perf_counter() >= deadline:
                self._idle.start()
                return
        self._prepare = None

    def _preparation(self) -> Iterator[None]:
        """A campaign's choices worked out ahead, a step per yield (chunked at idle: the window never waits):
        every list's averages and every pair's head-to-heads, then the charts' value extents over all of them
        (extents_ready: a value axis that stays put whatever is picked), then the few choices most likely picked
        next with their qualify odds and poll-table rows, drawn ahead by the charts (choice_prepared), then the
        charts of the chosen list with every pair and of the chosen pair with every list (kept as a switch keeps
        them; bounded), so a first switch to a choice costs what a switch back does. A list or pair that cannot be
        worked out is left for its pick to say so."""
        campaign, contest = self.campaign, self.contest
        if campaign is None or contest is None:
            return
        labels: list[str | None] = [None, *(label for label, _n in self.hypotheses)]
        lists = []
        for label in labels:
            with contextlib.suppress(ValueError):  # (said when the list is picked)
                lists.append(self._list(label))
            yield
        runoffs = []
        for a, b, _n in self.matchups:
            with contextlib.suppress(ValueError):
                runoffs.append(self._lead_of(a, b)[1])
            yield
        codes = {name_key(c.name): c.code for c in contest.candidates}
        try:
            self.extents = campaign_extents(campaign.notices, codes, lists, runoffs)
        except ValueError:
            return  # (the charts keep fitting the choice shown)
        self.extents_ready.emit(self.extents)
        yield
        # the choices most likely picked next (the pickers list them most asked first), drawn ahead by the charts
        # (choice_prepared): as many as their kept pictures hold besides the one shown
        ahead: list[tuple[str | None, tuple[str, str] | None]] = [
            (self.hypothesis, self._leads[key][0])
            for a, b, _n in self.matchups[: self.DRAWN_AHEAD_PAIRS]
            if (key := frozenset((name_key(a), name_key(b)))) in self._leads
        ]
        ahead += [(label, self.matchup) for label in labels[: self.DRAWN_AHEAD_LISTS]]
        for label, pair in ahead:
            if pair is None or (label, pair) == (self.hypothesis, self.matchup) or self.campaign is not campaign:
                continue
            averages = self._lists.get(label)
            if averages is None:
                continue
            if label != self.hypothesis and label in self._lists:
                self._odds_of(label)  # its qualify odds (a simulation: the largest part of a list's first switch)
                yield
            if self._rows is not None:
                self._rows.table(label, pair)  # its poll-table rows
            with contextlib.suppress(ValueError):
                self.choice_prepared.emit(self._chart_of(label, pair, averages), self._lead_of(*pair)[1])
            yield
        made = 0
        for label in labels:
            for a, b, _n in self.matchups:
                if made >= self.MAX_PREPARED_CHARTS or self.campaign is not campaign:
                    return
                known = self._leads.get(frozenset((name_key(a), name_key(b))))
                averages = self._lists.get(label)
                if known is None or averages is None:
                    continue
                pair = known[0]
                if (label != self.hypothesis and pair != self.matchup) or (label, pair) in self._charts:
                    continue
                with contextlib.suppress(ValueError):
                    self._chart_of(label, pair, averages)
                made += 1
                yield

    def _table(self) -> None:
        if self._rows is not None:
            self.table = self._rows.table(self.hypothesis, self.matchup)
            self.table_ready.emit(self.table)

    def _rebuild(self) -> None:
        campaign, pair = self.campaign, self.matchup
        if campaign is None or pair is None:
            return
        latest = self.averages.latest() if self.averages is not None else {}
        try:
            first, said, a, b = runoff_first_round(campaign, latest, pair)
        except PipelineError as exc:
            if isinstance(exc, NotFinalists):
                self.first = self.scenario = self.view = self.defaults = None
            self.no_first_round = str(exc) if self.first is None else ""
            self.failed.emit(str(exc))
            return
        self.no_first_round = ""
        before = (self.first, self.first_source, self.defaults)
        self.first, self.first_source = first, said
        # (a withdrawn finalist's runoff was shown as the race's without a word, when every pair asked has one)
        self.withdrawn_note = withdrawn_runoff_note((a, b), self.matchups, withdrawn_names(self.contest))
        proxies = self._proxies.get(self.contest.name, {}) if self.contest is not None else {}
        key = (a, b, tuple(first.votes.items()), first.registered, first.blank_null)
        if key not in self._defaults:  # a pair's defaults are worked out once per first round
            self._defaults[key] = default_scenario(first, campaign.matrices, a, b, proxies=proxies)
        self.defaults = self._defaults[key]
        if self.electorate not in first.electorates() or self.electorate in (a, b):
            self.electorate = largest_other(first, a, b)
        # Another list over an official first round (France 2022 after polling day) leaves the runoff's first
        # round, pair and defaults as they were: the views keep their rows rather than rebuild them.
        if before != (first, said, self.defaults):
            self.first_round_changed.emit(first)
        self._apply(self.defaults.scenario)

    def _apply(self, scenario: TwoRoundScenario) -> None:
        self.scenario = scenario
        self.scenario_changed.emit(scenario)
        self._pending.start()  # already pending: this edit joins it
