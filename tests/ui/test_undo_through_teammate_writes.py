"""The undo history survives a teammate's write that leaves the open race's polls as they are.

A write of ours that finds the store's change counter moved past ours (someone else wrote meanwhile) re-reads the
open race. That re-read cleared the history whatever it found: a teammate adding another race, or saving a scenario,
took away Ctrl+Z of the polls just typed here, though nothing of them had changed. (It showed as a flaky test: the
re-read lands after our write, so whether the history was there depended on when the test looked.) Now the history
goes only when the re-read finds the race's polls changed."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from tests.conftest import TOY, make_poll
from warroom.store import polls as repo

pytestmark = pytest.mark.gui


def _settled(room: Any, qtbot: Any) -> None:
    """Our writes landed and the re-read they asked for (if any) has been shown: the service is at the store's
    own change counter."""
    service = room.poll_service

    def at_store() -> bool:
        with room.store.sessions() as s:
            stored = repo.revision(s)
        return service.pending_writes == 0 and not service._reloading and service._revision == stored

    qtbot.waitUntil(at_store, timeout=10000)
    qtbot.wait(50)  # a re-read queued by the last write's landing (a zero timer) has run


def test_a_teammate_adding_another_race_leaves_the_polls_just_typed_undoable(room, qtbot) -> None:
    messages: list[str] = []
    room.window.statusBar().messageChanged.connect(messages.append)
    with room.store.sessions.begin() as s:  # a teammate, meanwhile: another race
        repo.add_contest(s, replace(TOY, name="Their race"))
    assert room.window.import_polls([make_poll(24, pollster="Typed here")])
    _settled(room, qtbot)
    assert room.window.undo_stack.count() == 1 and room.window.action_undo.isEnabled()
    assert not [m for m in messages if "shared store" in m]  # nothing of this race was updated
    room.window.action_undo.trigger()
    _settled(room, qtbot)
    assert "Typed here" not in [p.pollster for p in room.poll_service.polls]


def test_a_teammate_changing_the_open_races_polls_still_clears_the_history_and_says_so(room, qtbot) -> None:
    messages: list[str] = []
    room.window.statusBar().messageChanged.connect(messages.append)
    cid = room.poll_service.contest.id
    with room.store.sessions.begin() as s:  # a teammate, meanwhile: a poll in this race
        repo.add_polls(s, cid, [make_poll(23, pollster="Theirs")])
    assert room.window.import_polls([make_poll(24, pollster="Typed here")])
    _settled(room, qtbot)
    assert "Theirs" in [p.pollster for p in room.poll_service.polls]
    assert room.window.undo_stack.count() == 0  # the history no longer matches what is stored
    assert [m for m in messages if "shared store" in m]
