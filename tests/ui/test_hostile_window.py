"""Issue 16, third hostile pass: the window's import and typed fields under odd timing and odd typing."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.ui.test_import_worker import fresh_polls, write_csv

pytestmark = pytest.mark.gui


def _polls_of(room: Any, contest_id: int) -> list[Any]:
    from warroom.store import polls as repo

    with room.store.sessions() as s:
        return repo.list_polls(s, contest_id)


def test_an_import_that_ends_after_a_switch_to_another_contest_cannot_be_undone_into_it(
    room, qtbot, tmp_path: Path
) -> None:
    """An import into race A that finished after the user switched to race B put its undo step on B's history:
    Undo deleted A's polls unseen, and Redo then added them to B (the open contest), moving them between races."""
    ps = room.poll_service
    toy = ps.contest
    ps.create_contest(replace(toy, name="Other race 2031", id=None, demo=False))
    other = ps.contest
    picker = room.contest_actions.picker
    picker.setCurrentIndex(picker.findData(toy.id))
    assert ps.contest.id == toy.id
    before = len(_polls_of(room, toy.id))
    path = write_csv(room, tmp_path / "late.csv", fresh_polls(40))
    release = threading.Event()

    def hold(progress: Any) -> None:  # runs on the worker thread: the import waits here until released
        if progress.stage == "writing":
            release.wait(10)

    room.import_worker.progress_changed.connect(hold, Qt.ConnectionType.DirectConnection)
    with qtbot.waitSignal(room.import_worker.import_finished, timeout=30000):
        room.import_actions.import_file(path)
        picker.setCurrentIndex(picker.findData(other.id))  # the user moves on while it runs
        assert ps.contest.id == other.id
        release.set()
    stack = room.window.undo_stack
    stack.undo()
    stack.redo()
    assert len(_polls_of(room, toy.id)) == before + 40  # the import stayed where it went
    assert _polls_of(room, other.id) == []  # and nothing moved into the race on screen
    assert "40 polls added" in room.window.statusBar().currentMessage()
    assert "Other race 2031" not in room.window.statusBar().currentMessage()
