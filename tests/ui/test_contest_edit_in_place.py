"""Editing the open contest's names or colours, and what the Scenario menu reads, at the cost of the change alone
(issue 15: at 100,000 polls a rename froze the window 4.4 s and a recolour 8.1 s; benchmarks/bench_menu_stalls.py).

A rename or recolour re-read every poll from the store (new objects, so the averages were worked out again from
scratch), and the Scenario menu, filled again three times per contest opened or edited, read every saved case's
record each time (with the ids of the 100,000 polls it was made on). Now the polls shown stay (the same objects),
the averages of the same polls under the same rules are published again as they are, the poll table keeps its rows
(and the user's selection), and each saved case's record is read once per contest details.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt

import warroom.services.analysis_service as analysis_service
import warroom.store.polls as repo
import warroom.ui.main_window as main_window
from tests.ui.conftest import AnsweredContestDialog
from warroom.core.pipeline import SavedScenario
from warroom.core.types import Contest, Poll


def _counting(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> list[object]:
    calls: list[object] = []
    original = getattr(module, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def _settled(room: Any, qtbot: Any) -> None:
    qtbot.waitUntil(lambda: room.poll_service.pending_writes == 0)
    qtbot.waitUntil(lambda: not room.averages.busy and room.averages.averages is not None)
    qtbot.waitUntil(lambda: not room.scenarios.busy and room.scenarios.view is not None)


def _renamed(contest: Contest) -> Contest:
    ann = contest.candidates[0]
    return replace(
        contest, name="Toyton Mayor (renamed)", candidates=(replace(ann, name="Ann Redd"), *contest.candidates[1:])
    )


def _recoloured(contest: Contest) -> Contest:
    bob = contest.candidates[1]
    return replace(contest, candidates=(contest.candidates[0], replace(bob, colour="#123456"), *contest.candidates[2:]))


@pytest.mark.parametrize("edit", [_renamed, _recoloured], ids=["rename", "recolour"])
def test_a_rename_or_recolour_reads_no_poll_and_averages_nothing_again(room, qtbot, monkeypatch, edit) -> None:
    ps = room.poll_service
    _settled(room, qtbot)
    shown, averages = ps.polls, room.averages.averages
    reads = _counting(monkeypatch, repo, "list_polls")
    smoothed = _counting(monkeypatch, analysis_service, "compute_averages")
    view, model = room.window.polls_pane.view, room.window.polls_pane.model
    view.selectRow(3)
    picked = view.selectionModel().selectedRows()[0].data(Qt.ItemDataRole.UserRole)
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    wanted = edit(ps.contest)
    assert room.contest_actions.edit_contest(AnsweredContestDialog(wanted)) is not None  # type: ignore[arg-type]
    _settled(room, qtbot)
    assert ps.contest == wanted  # stored and shown everywhere
    assert resets == []  # the table kept its rows: before, reset twice (no rows, then every poll again)
    assert [i.data(Qt.ItemDataRole.UserRole) for i in view.selectionModel().selectedRows()] == [picked]
    assert room.window.windowTitle().startswith(wanted.name)
    header = room.window.polls_pane.model.headerData(5, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert wanted.candidates[0].name in str(header)
    assert reads == []  # before: every poll read from the store again (new objects)
    assert smoothed == []  # and averaged again (the contest was another, so its column cache went too)
    assert all(a is b for a, b in zip(ps.polls, shown, strict=True))  # the very polls shown
    assert room.averages.averages is averages
    with room.store.sessions() as s:  # and the store holds the edit
        assert repo.get_contest(s, wanted.id) == wanted


def test_an_edit_of_what_the_figures_go_by_averages_again(room, qtbot, monkeypatch) -> None:
    """A withdrawal (or a date, a rule, a candidate more) changes the figures: worked out again, not reused."""
    ps = room.poll_service
    _settled(room, qtbot)
    smoothed = _counting(monkeypatch, analysis_service, "compute_averages")
    cat = ps.contest.candidates[2]
    wanted = replace(ps.contest, candidates=(*ps.contest.candidates[:2], replace(cat, withdrawn=True)))
    assert room.contest_actions.edit_contest(AnsweredContestDialog(wanted)) is not None  # type: ignore[arg-type]
    _settled(room, qtbot)
    assert ps.contest.candidate("cat").withdrawn and smoothed


def test_a_teammates_poll_stored_before_a_rename_is_shown_after_it(room, qtbot) -> None:
    """The rename does not re-read the polls only when nothing but it reached the store since they were read: a
    teammate's poll stored meanwhile (the watch not yet looking) is read and shown with the rename."""
    ps = room.poll_service
    _settled(room, qtbot)
    theirs = replace(ps.polls[-1], id=None, pollster="Teammate Polling", fieldwork_end=date(2024, 4, 20))
    theirs = replace(theirs, fieldwork_start=date(2024, 4, 18))
    with room.store.sessions.begin() as s:  # another program's write
        repo.add_polls(s, ps.contest.id, [theirs])
    count = len(ps.polls)
    wanted = _renamed(ps.contest)
    assert room.contest_actions.edit_contest(AnsweredContestDialog(wanted)) is not None  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: len(ps.polls) == count + 1)
    _settled(room, qtbot)
    assert ps.contest == wanted and any(p.pollster == "Teammate Polling" for p in ps.polls)


def test_the_scenario_menu_reads_each_saved_case_once_per_contest_details(room, qtbot, monkeypatch) -> None:
    ps, acts = room.poll_service, room.scenario_actions
    _settled(room, qtbot)
    for name in ("One", "Two", "Three"):
        acts.save_as(name)
    qtbot.waitUntil(lambda: ps.pending_writes == 0)
    read: list[str] = []
    original = SavedScenario.from_dicts.__func__  # type: ignore[attr-defined]

    def counted(cls: type[SavedScenario], name: str, *args: Any) -> SavedScenario:
        read.append(name)
        return original(cls, name, *args)  # type: ignore[no-any-return]

    monkeypatch.setattr(SavedScenario, "from_dicts", classmethod(counted))
    for _ in range(3):
        acts.refresh()
    assert read == []  # each was read when the menu was filled after its save; before: all on every refresh (nine)
    assert [s.name for s in room.scenarios.saved()] == ["One", "Three", "Two"]
    # a rename and a recolour read none again: each case keeps its candidates' names and parties as saved, so it
    # reads the same under the new details (core.pipeline.reads_alike); before: all three read again after each
    # (100,000 polls, twenty cases: 100-170 ms of the edit's turn)
    read.clear()
    for edit in (_renamed, _recoloured):
        assert room.contest_actions.edit_contest(AnsweredContestDialog(edit(ps.contest))) is not None  # type: ignore[arg-type]
        _settled(room, qtbot)
        acts.refresh()
    assert read == []
    assert [s.name for s in room.scenarios.saved()] == ["One", "Three", "Two"]
    # a case saved over is read again, the others not
    read.clear()
    acts.save_as("Two")
    qtbot.waitUntil(lambda: ps.pending_writes == 0)
    acts.refresh()
    assert read and set(read) == {"Two"}


def test_the_poll_table_takes_the_services_order_without_sorting_again(room, qtbot, monkeypatch) -> None:
    """A reload hands the table the polls in the order the poll service keeps them (100,000 polls: the table's own
    sort took 0.3-0.5 s of every switch, edit and reload)."""
    ps = room.poll_service
    _settled(room, qtbot)
    big_sorts: list[int] = []

    def counted(items: Any, *args: Any, **kwargs: Any) -> list[Any]:
        items = list(items)
        if len(items) == len(ps.polls) and all(isinstance(p, Poll) for p in items):
            big_sorts.append(len(items))
        return sorted(items, *args, **kwargs)

    monkeypatch.setattr(main_window, "sorted", counted, raising=False)
    ps.reload(external=True)
    _settled(room, qtbot)
    assert big_sorts == []
    model = room.window.polls_pane.model
    assert [model.data(model.index(r, 0), Qt.ItemDataRole.UserRole) for r in range(model.rowCount())] == ps.polls


def test_a_candidate_renamed_in_place_gets_the_room_his_new_name_needs(room, qtbot) -> None:
    ps = room.poll_service
    _settled(room, qtbot)
    header = room.window.polls_pane.view.horizontalHeader()
    ann = ps.contest.candidates[0]
    longer = replace(ann, short_name="Annabelle-Marguerite")
    wanted = replace(ps.contest, candidates=(longer, *ps.contest.candidates[1:]))
    before = header.sectionSize(5)
    assert room.contest_actions.edit_contest(AnsweredContestDialog(wanted)) is not None  # type: ignore[arg-type]
    _settled(room, qtbot)
    assert room.window.polls_pane.model.headerData(5, Qt.Orientation.Horizontal) == "Annabelle-Marguerite"
    assert header.sectionSize(5) >= header.sectionSizeHint(5) > before


def test_switching_contests_reads_no_saved_case_again(room, qtbot, monkeypatch) -> None:
    """Switching away reads none of the saved cases of the contest left under the one opened (the Scenario menu,
    filled as the new contest was announced, read the old one's cases under it), and switching back reads none
    again (the same records under the same details)."""
    ps, acts = room.poll_service, room.scenario_actions
    _settled(room, qtbot)
    for name in ("One", "Two"):
        acts.save_as(name)
    qtbot.waitUntil(lambda: ps.pending_writes == 0)
    with room.store.sessions.begin() as s:
        other = repo.add_contest(s, replace(ps.contest, name="Other race", id=None))
    ps.reload()  # (read at the store's new change count: switching back finds it as read)
    _settled(room, qtbot)
    home = ps.contest.id
    read: list[str] = []
    original = SavedScenario.from_dicts.__func__  # type: ignore[attr-defined]
    monkeypatch.setattr(
        SavedScenario, "from_dicts", classmethod(lambda cls, name, *a: (read.append(name), original(cls, name, *a))[1])
    )
    ps.open_contest(other)
    qtbot.waitUntil(lambda: ps.pending_writes == 0)
    assert read == []  # before: One and Two, read under the other race
    assert room.scenarios.saved() == []
    ps.open_contest(home)
    _settled(room, qtbot)
    assert read == []  # before: each again
    assert [s.name for s in room.scenarios.saved()] == ["One", "Two"]


def test_a_poll_added_just_before_a_rename_is_kept(room, qtbot) -> None:
    """Never an edit lost: a poll still on its way to the store when the contest is renamed lands, is shown after
    the rename under its stored id, and the rename is stored too."""
    ps = room.poll_service
    _settled(room, qtbot)
    count = len(ps.polls)
    new = replace(ps.polls[-1], id=None, pollster="Late Polling")
    ps.add_polls([new])  # shown at once, written on the writer's thread
    wanted = _renamed(ps.contest)
    assert room.contest_actions.edit_contest(AnsweredContestDialog(wanted)) is not None  # type: ignore[arg-type]
    _settled(room, qtbot)
    assert ps.contest == wanted and len(ps.polls) == count + 1
    late = next(p for p in ps.polls if p.pollster == "Late Polling")
    assert late.id is not None and late.id > 0
    with room.store.sessions() as s:
        assert repo.get_contest(s, wanted.id) == wanted
        assert any(p.pollster == "Late Polling" for p in repo.list_polls(s, wanted.id))
