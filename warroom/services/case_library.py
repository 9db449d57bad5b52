"""Saved two-round and instant-runoff scenarios of the open contest: save, list, load, compare and brief them.

The saved-scenario side of the two-round (TwoRoundController) and instant-runoff (IrvController) panels, as
ScenarioController is the runoff (SV) panel's. A library reads the store's scenario records of its own kind
only (core.saved_cases tags them), makes a saved case from its controller's live one, and loads one back by
writing through the controller's setters, so the panel shows it exactly. Every figure comes from
core.saved_cases (the panels' own core functions).

Writes go through the store protocol; the window wraps them in undo commands (ui.commands), which write the
same records back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, Protocol, TypeVar

from PySide6.QtCore import QObject, Signal

from warroom.core.france import name_key
from warroom.core.irv_pipeline import has_rows
from warroom.core.pipeline import PipelineError, name_as_saved, saved_name_in
from warroom.core.saved_cases import (
    IRV,
    TWO_ROUND,
    CaseSummary,
    SavedIrv,
    SavedTwoRound,
    TwoRoundCase,
    carry_over,
    irv_freshness,
    irv_summary,
    record_kind,
    save_irv,
    save_two_round,
    two_round_case,
    two_round_freshness,
    two_round_summary,
)
from warroom.core.two_round_view import no_projection_text
from warroom.services.irv_service import IrvController
from warroom.services.two_round_service import TwoRoundController

Record = tuple[str, dict[str, Any], dict[str, Any]]
Saved = TypeVar("Saved", SavedTwoRound, SavedIrv)


class ScenarioRecords(Protocol):
    """The store's scenario records of the open contest (PollService in the app)."""

    def scenarios(self) -> list[Record]: ...
    def save_scenario(self, name: str, baseline: dict[str, Any], settings: dict[str, Any]) -> None: ...
    def delete_scenario(self, name: str) -> None: ...


class _Library(QObject):
    """What both libraries share: the records of one kind, and reporting unreadable ones.

    Signals:
        failed: a message for the user (a record that does not read, a case that cannot be loaded).
    """

    failed = Signal(str)
    kind = ""

    def __init__(self, store: ScenarioRecords | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store

    def records(self) -> list[Record]:
        """This kind's records of the open contest."""
        if self._store is None:
            return []
        return [r for r in self._store.scenarios() if record_kind(r[1]) == self.kind]

    def names(self) -> list[str]:
        return [r[0] for r in self.records()]

    def _read(self, reader: Callable[[str, dict[str, Any], dict[str, Any]], Saved]) -> list[Saved]:
        """This kind's records read by `reader`; unreadable ones are reported (failed) and left out, with those
        whose stored text is not JSON, of whatever kind (store.polls.stored_record gives them as text)."""
        for name, baseline, settings in self._store.scenarios() if self._store is not None else ():
            if not (isinstance(baseline, Mapping) and isinstance(settings, Mapping)):
                self.failed.emit(f"saved scenario {name!r} cannot be read: its records are not JSON objects")
        out = []
        for name, baseline, settings in self.records():
            try:
                out.append(reader(name, baseline, settings))
            except PipelineError as exc:
                self.failed.emit(str(exc))
        return out

    def save(self, name: str, *, now: datetime | None = None) -> Any:
        """Save the live case under `name` (PipelineError: no case or a bad name; StoreError passes through)."""
        if self._store is None:
            raise PipelineError("there is no store to save the scenario in")
        saved = self.prepare(name, now=now)
        self._store.save_scenario(saved.name, *saved.to_dicts())
        return saved

    def delete(self, name: str) -> None:
        if self._store is not None:
            self._store.delete_scenario(name)

    def prepare(self, name: str, *, now: datetime | None = None) -> Any:
        raise NotImplementedError


def _named(saved: Sequence[Saved], name: str, noun: str) -> Saved:
    """The saved case called `name` (PipelineError naming the kind when there is none)."""
    found = saved_name_in(name, [case.name for case in saved])
    name = name_as_saved(name)
    for case in saved:
        if case.name == found:
            return case
    raise PipelineError(f"no saved {noun} scenario named {name!r}")


class TwoRoundLibrary(_Library):
    """The saved cases of a two-round contest, over its TwoRoundController."""

    kind = TWO_ROUND

    def __init__(
        self,
        controller: TwoRoundController,
        store: ScenarioRecords | None = None,
        parent: QObject | None = None,
        *,
        proxies: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        super().__init__(store, parent)
        self.controller = controller
        self._proxies = dict(proxies or {})
        # today's case per (pair, hypothesis), for the campaign it was made from: compare asks it for every
        # saved case, and most share a pair (about 20 ms each to make)
        self._today: tuple[object, dict[tuple[object, ...], tuple[TwoRoundCase | None, str]]] = (None, {})

    @property
    def active(self) -> bool:
        return self.controller.active

    def saved(self) -> list[SavedTwoRound]:
        """The contest's saved two-round cases; unreadable records are reported and left out."""
        return self._read(SavedTwoRound.from_dicts)

    def find_saved(self, name: str) -> SavedTwoRound:
        return _named(self.saved(), name, "two-round")

    def live_case(self) -> TwoRoundCase:
        """The controller's case as it stands (PipelineError when there is none)."""
        c = self.controller
        if c.first is None or c.defaults is None or c.scenario is None:
            raise PipelineError("there is no runoff scenario to save yet (no runoff question in the polls)")
        return TwoRoundCase(c.first, c.first_source, c.hypothesis, c.defaults, c.electorate or "")

    def prepare(self, name: str, *, now: datetime | None = None) -> SavedTwoRound:
        case = self.live_case()
        assert self.controller.scenario is not None
        return save_two_round(
            name,
            case,
            self.controller.scenario,
            electorate=self.controller.electorate,
            now=now,
            contest=self.controller.contest,
        )

    def today_case(self, saved: SavedTwoRound) -> tuple[TwoRoundCase | None, str]:
        """The same pair and hypothesis on today's campaign (None and why when it cannot be made)."""
        c = self.controller
        if c.campaign is None:
            return None, "no runoff questions in this contest"
        if self._today[0] is not c.campaign:
            self._today = (c.campaign, {})
        key = (frozenset(map(name_key, (saved.scenario.a, saved.scenario.b))), saved.hypothesis, c.hypothesis)
        if key not in self._today[1]:
            self._today[1][key] = self._make_today(saved)
        return self._today[1][key]

    def _make_today(self, saved: SavedTwoRound) -> tuple[TwoRoundCase | None, str]:
        c = self.controller
        assert c.campaign is not None
        proxies = self._proxies.get(c.contest.name, {}) if c.contest is not None else {}
        try:
            return (
                two_round_case(
                    c.campaign,
                    matchup=(saved.scenario.a, saved.scenario.b),
                    hypothesis=saved.hypothesis,
                    proxies=proxies,
                    # the panel's average of that hypothesis when it is the one shown (a fifth of the cost)
                    averages=c.averages if saved.hypothesis == c.hypothesis else None,
                ),
                "",
            )
        except PipelineError as exc:
            return None, str(exc)

    def freshness(self, saved: SavedTwoRound) -> str:
        return two_round_freshness(saved, *self.today_case(saved), contest=self.controller.contest)

    def reset(self) -> None:
        """Every setting back to the pair's published defaults."""
        self.controller.reset()

    def live_summary(self) -> CaseSummary | None:
        """The live case's headline (None before there is one)."""
        view = self.controller.view
        if view is None:
            return None
        summary = two_round_summary(view, name="Current settings", baseline=self.controller.first_source)
        # (a withdrawn finalist's runoff: said in the briefing and Compare, as the panel and the CLI say it)
        return replace(summary, today=self.controller.withdrawn_note) if self.controller.withdrawn_note else summary

    def sources(self) -> list[str]:
        """Where the campaign's polls and matrices come from (the compilations' credit)."""
        return [f"Polls and transfer matrices: {self.controller.credit}"] if self.controller.credit else []

    def briefing_lines(self) -> list[str]:
        """The first round the runoff draws on, in words, for the briefing's poll-average section."""
        c = self.controller
        if c.first is None:
            return [no_projection_text(c.no_first_round)] if c.no_first_round else []
        shares = sorted(c.first.shares().items(), key=lambda kv: -kv[1])
        seen = f"hypothesis {c.hypothesis!r}" if c.hypothesis else "all hypotheses pooled"
        return [", ".join(f"{k} {v:.1f} %" for k, v in shares[:6]), f"{c.first_source} ({seen})."]

    def summary(self, saved: SavedTwoRound) -> CaseSummary:
        """The saved case's headline exactly as saved, with a note where today's data differ."""
        return saved.summary(self.freshness(saved))

    def load(self, name: str) -> None:
        """Make a saved case the live one: its hypothesis, pair, electorate and settings (carried onto today's
        first round; the note says if today's data answer differently)."""
        try:
            saved = self.find_saved(name)
        except PipelineError as exc:
            self.failed.emit(str(exc))
            return
        c = self.controller
        if c.campaign is None:
            self.failed.emit(f"'{name}' is a two-round scenario; the open contest has no runoff questions")
            return
        if saved.hypothesis != c.hypothesis:
            c.set_hypothesis(saved.hypothesis)
        pair = c.matchup
        if pair is None or {name_key(x) for x in pair} != {name_key(saved.scenario.a), name_key(saved.scenario.b)}:
            c.set_matchup(saved.scenario.a, saved.scenario.b)
        if c.defaults is None or c.first is None:
            self.failed.emit(
                f"'{name}': today's data cannot rebuild the runoff {saved.scenario.a} v {saved.scenario.b}"
            )
            return
        if saved.electorate and saved.electorate in c.first.electorates():
            c.set_electorate(saved.electorate)
        try:
            carried = carry_over(saved.scenario, c.defaults.scenario)
        except PipelineError as exc:
            self.failed.emit(f"'{name}': today's data cannot rebuild it: {exc}")
            return
        c.set_scenario(carried)
        note = self.freshness(saved)
        if note:
            self.failed.emit(f"'{name}': {note}")


class IrvLibrary(_Library):
    """The saved cases of an instant-runoff contest, over its IrvController."""

    kind = IRV

    def __init__(self, controller: IrvController, store: ScenarioRecords | None = None, parent: QObject | None = None):
        super().__init__(store, parent)
        self.controller = controller

    @property
    def active(self) -> bool:
        return self.controller.active

    def saved(self) -> list[SavedIrv]:
        """The contest's saved instant-runoff cases; unreadable records are reported and left out."""
        return self._read(SavedIrv.from_dicts)

    def find_saved(self, name: str) -> SavedIrv:
        return _named(self.saved(), name, "instant-runoff")

    def prepare(self, name: str, *, now: datetime | None = None) -> SavedIrv:
        c = self.controller
        if c.case is None or c.scenario is None:
            raise PipelineError("there is no instant-runoff scenario to save yet (no poll with a first round)")
        return save_irv(name, c.case, c.scenario, row=c.row, now=now)

    def freshness(self, saved: SavedIrv) -> str:
        case = self.controller.case
        return irv_freshness(saved, case, "" if case is not None else "no baseline")

    def reset(self) -> None:
        """Every row back to the baseline's."""
        self.controller.reset()

    def live_summary(self) -> CaseSummary | None:
        """The live case's headline (None before there is one)."""
        view, case = self.controller.view, self.controller.case
        if view is None or case is None:
            return None
        return irv_summary(view, name="Current settings", baseline=case.label)

    def sources(self) -> list[str]:
        """Where the next preferences come from, beside the polls' own sources."""
        case = self.controller.case
        used = sorted(set(case.sources.values())) if case is not None and has_rows(case.scenario) else []
        return [f"Next preferences: {', '.join(used)}"] if used else []  # (none counted in a race of two)

    def briefing_lines(self) -> list[str]:
        """The first round the chain starts from, in words."""
        view, case = self.controller.view, self.controller.case
        if view is None or case is None:
            return []
        s = view.scenario
        order = sorted(s.codes, key=lambda c: -s.share(c))
        return [", ".join(f"{view.name(c)} {s.share(c):.1f} %" for c in order), f"{case.label}."]

    def summary(self, saved: SavedIrv) -> CaseSummary:
        """The saved case's headline exactly as saved (the chances simulated as the panel's are)."""
        return saved.summary(self.controller.odds, self.freshness(saved))

    def load(self, name: str) -> None:
        """Make a saved case the live one: today's baseline with the saved case's edited rows, and its row."""
        try:
            saved = self.find_saved(name)
        except PipelineError as exc:
            self.failed.emit(str(exc))
            return
        c = self.controller
        if c.scenario is None:
            self.failed.emit(f"'{name}': there is no instant-runoff baseline to load it on")
            return
        if c.scenario.codes != saved.scenario.codes:
            self.failed.emit(
                f"'{name}' was saved for {', '.join(saved.scenario.codes)}; today's polls name "
                f"{', '.join(c.scenario.codes)}: compare shows it as saved"
            )
            return
        c.reset()
        for code in saved.edited:
            c.set_row(code, saved.scenario.row(code))
        if saved.row:
            c.select_row(saved.row)
        note = self.freshness(saved)
        if note:
            self.failed.emit(f"'{name}': {note}")
