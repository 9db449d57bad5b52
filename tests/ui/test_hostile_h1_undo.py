"""Undo and Redo never put back figures for a candidate or party the race no longer has (issue 16, pass h1).

A poll deleted (or edited, or added) and the race then edited here or by a teammate (a candidate or party removed:
allowed, since no poll held gives it a figure any more), an Undo of that delete (or edit), or a Redo of the add,
stored the poll as it was: shares under a code that names nobody in the race, which the table, the averages and the
counts then read as nobody's (or a later candidate given that code). Now the Undo or Redo is refused, naming the
poll and the codes gone; nothing is shown or written, and the history stays usable.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TOY, make_poll
from tests.ui.conftest import AnsweredContestDialog, room_of
from warroom.core.types import Contest, Poll
from warroom.store import contests
from warroom.store import polls as repo
from warroom.ui.commands import EditPollCommand

pytestmark = pytest.mark.gui


def _two_way(day: int, pollster: str = "Acme") -> Poll:
    """A poll giving figures to ann and bob only (so cat, and the Greens, can leave the race)."""
    return replace(make_poll(day, pollster), first_round={"ann": 52, "bob": 48})


def _green(day: int = 20) -> Poll:
    """The one poll that gives cat a figure and the Greens a party figure."""
    return make_poll(day, "Greenpoll", party_vi={"R": 30, "B": 40, "G": 30})


@pytest.fixture
def race(qtbot: Any, tmp_path: Path) -> Iterator[Any]:
    yield from room_of(qtbot, tmp_path, TOY, [_two_way(3), _two_way(6, "Beta"), _green()], ready="averages")


def _without_cat(contest: Contest) -> Contest:
    """The race with cat (and her party, the Greens) removed."""
    return replace(
        contest,
        candidates=tuple(c for c in contest.candidates if c.code != "cat"),
        parties=tuple(p for p in contest.parties if p.code != "G"),
    )


def _settled(room: Any, qtbot: Any) -> None:
    qtbot.waitUntil(lambda: room.poll_service.pending_writes == 0, timeout=10000)


def _stored(room: Any) -> list[Poll]:
    with room.store.sessions() as s:
        return repo.list_polls(s, room.poll_service.contest.id)


def _errors(room: Any, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    said: list[str] = []
    monkeypatch.setattr(room.window, "show_error", said.append)
    return said


def _select(room: Any, pollster: str) -> None:
    pane = room.window.polls_pane
    row = next(r for r in range(pane.proxy.rowCount()) if pane.proxy.polls_at([r])[0].pollster == pollster)
    pane.view.selectRow(row)


def _refused(said: list[str], pollster: str, *codes: str) -> None:
    assert len(said) == 1, said
    assert pollster in said[0]
    for code in codes:
        assert f"({code})" in said[0] or f"'{code}'" in said[0] or code in said[0].split(), said[0]


def test_undo_of_a_delete_refuses_a_poll_for_a_candidate_removed_since_here(race, qtbot, monkeypatch) -> None:
    said = _errors(race, monkeypatch)
    ps, win = race.poll_service, race.window
    _select(race, "Greenpoll")
    win.delete_selected()
    _settled(race, qtbot)
    assert race.contest_actions.edit_contest(AnsweredContestDialog(_without_cat(ps.contest))) is not None  # type: ignore[arg-type]
    _settled(race, qtbot)
    assert [c.code for c in ps.contest.candidates] == ["ann", "bob"]
    assert win.undo_stack.canUndo()  # (the same race edited in place keeps its history)
    win.action_undo.trigger()
    _settled(race, qtbot)
    _refused(said, "Greenpoll", "cat", "G")
    assert "Greenpoll" not in [p.pollster for p in ps.polls]  # nothing shown
    assert "Greenpoll" not in [p.pollster for p in _stored(race)]  # nothing written
    stack = win.undo_stack
    assert 0 <= stack.index() <= stack.count() and not stack.canRedo()  # the refused step is gone, not redoable


def test_undo_of_a_delete_refuses_a_poll_for_a_party_a_teammate_removed(race, qtbot, monkeypatch) -> None:
    said = _errors(race, monkeypatch)
    ps, win = race.poll_service, race.window
    _select(race, "Greenpoll")
    win.delete_selected()
    _settled(race, qtbot)
    shown = ps.contest
    gone = _without_cat(shown)
    with race.store.sessions.begin() as s:  # a teammate: cat and the Greens out of the race
        contests.update_contest(s, shown.id, gone)
    ps.reload(external=True)  # (as the watch would, within a second)
    qtbot.waitUntil(lambda: ps.contest is not None and len(ps.contest.candidates) == 2)
    assert win.undo_stack.canUndo()  # the polls shown are as they were: the history stays
    win.action_undo.trigger()
    _settled(race, qtbot)
    _refused(said, "Greenpoll", "cat", "G")
    assert "Greenpoll" not in [p.pollster for p in _stored(race)]


def test_undo_of_an_edit_refuses_figures_for_a_candidate_removed_since(race, qtbot, monkeypatch) -> None:
    said = _errors(race, monkeypatch)
    ps, win = race.poll_service, race.window
    green = next(p for p in ps.polls if p.pollster == "Greenpoll")
    after = replace(green, first_round={"ann": 52, "bob": 48}, party_vi={"R": 45, "B": 55})
    assert win._push(EditPollCommand(ps, green, after, win.show_error))
    _settled(race, qtbot)
    assert race.contest_actions.edit_contest(AnsweredContestDialog(_without_cat(ps.contest))) is not None  # type: ignore[arg-type]
    _settled(race, qtbot)
    win.action_undo.trigger()
    _settled(race, qtbot)
    _refused(said, "Greenpoll", "cat", "G")
    assert ps.poll(green.id) == after  # shown as stored: the edit stands
    assert [p for p in _stored(race) if p.id == green.id] == [after]


def test_redo_of_an_add_refuses_a_poll_for_a_candidate_removed_since(race, qtbot, monkeypatch) -> None:
    said = _errors(race, monkeypatch)
    ps, win = race.poll_service, race.window
    _select(race, "Greenpoll")
    win.delete_selected()
    assert win.import_polls([make_poll(25, "Late")])  # gives cat a figure
    _settled(race, qtbot)
    win.action_undo.trigger()  # the Late poll out again: no poll held names cat, so she can be removed
    _settled(race, qtbot)
    assert race.contest_actions.edit_contest(AnsweredContestDialog(_without_cat(ps.contest))) is not None  # type: ignore[arg-type]
    _settled(race, qtbot)
    assert win.undo_stack.canRedo()
    win.action_redo.trigger()
    _settled(race, qtbot)
    _refused(said, "Late", "cat")
    assert "Late" not in [p.pollster for p in ps.polls]
    assert "Late" not in [p.pollster for p in _stored(race)]
    assert not win.undo_stack.canRedo()
    win.action_undo.trigger()  # the delete before it: its Greenpoll gives cat a figure too, so refused as well
    _settled(race, qtbot)
    assert len(said) == 2 and "Greenpoll" in said[1]
    assert sorted(p.pollster for p in _stored(race)) == ["Acme", "Beta"]


def test_undo_and_redo_within_the_race_as_it_is_still_work(race, qtbot, monkeypatch) -> None:
    """The check refuses only codes gone: a delete undone, and redone, with the race unchanged, as ever."""
    said = _errors(race, monkeypatch)
    win = race.window
    _select(race, "Greenpoll")
    win.delete_selected()
    _settled(race, qtbot)
    win.action_undo.trigger()
    _settled(race, qtbot)
    assert "Greenpoll" in [p.pollster for p in _stored(race)]
    win.action_redo.trigger()
    _settled(race, qtbot)
    assert "Greenpoll" not in [p.pollster for p in _stored(race)]
    assert not said


def test_an_undo_in_a_race_whose_codes_all_stand_looks_at_no_poll(race, qtbot, monkeypatch) -> None:
    """The check gathered every put-back poll's codes (80-290 ms at 100,000 polls, the busiest part of the Undo
    of a delete-everything); while the race still allows every code it allowed since it was opened (a candidate
    added is no code gone), no poll can name one gone, and none is looked at. A candidate removed brings the
    check back (the refusals above)."""
    from warroom.core.types import Candidate
    from warroom.services import poll_service

    looked: list[int] = []
    real = poll_service._refuse_codes_gone
    monkeypatch.setattr(
        poll_service, "_refuse_codes_gone", lambda c, polls: looked.append(len(polls)) or real(c, polls)
    )
    said = _errors(race, monkeypatch)
    ps, win = race.poll_service, race.window
    _select(race, "Greenpoll")
    win.delete_selected()
    _settled(race, qtbot)
    grown = replace(ps.contest, candidates=(*ps.contest.candidates, Candidate("dan", "Dan Doe", "B", "#9467bd")))
    assert race.contest_actions.edit_contest(AnsweredContestDialog(grown)) is not None  # type: ignore[arg-type]
    _settled(race, qtbot)
    win.action_undo.trigger()
    _settled(race, qtbot)
    assert "Greenpoll" in [p.pollster for p in _stored(race)] and not said
    assert looked == []
    _select(race, "Greenpoll")
    win.delete_selected()
    _settled(race, qtbot)
    assert race.contest_actions.edit_contest(AnsweredContestDialog(_without_cat(ps.contest))) is not None  # type: ignore[arg-type]
    _settled(race, qtbot)
    win.action_undo.trigger()
    _settled(race, qtbot)
    assert looked == [1]
    _refused(said, "Greenpoll", "cat", "G")
