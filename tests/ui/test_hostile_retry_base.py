"""Edit > Retry of a refused edit is made against the version the form was opened on (issue 16).

The user edited a poll's sample size; the store refused the save (busy) and the window took it back, keeping the
edit for Retry. Meanwhile a teammate changed the same poll's sample size, and the window's watch showed theirs.
Retry opened the form on the kept values against the poll as shown now (the teammate's): nothing looked changed
in the store since, so the user's figure was written over theirs without a word. The kept edit now carries the
version its form was opened on, so the retry finds the teammate's change: both changed the sample size, the save
is refused naming it and nothing of theirs is written over (PollService.update_poll's base, as a form's save).
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog

from warroom.core.types import Poll
from warroom.store import polls as repo
from warroom.ui.poll_dialog import PollDialog

pytestmark = pytest.mark.gui


def _stored(room: Any, pid: int) -> Poll:
    with room.store.sessions() as s:
        return repo.list_polls(s, room.poll_service.contest.id, ids=[pid])[0]


def test_a_retried_edit_does_not_write_over_a_teammates_change_made_since(room, qtbot, monkeypatch) -> None:
    said: list[str] = []
    monkeypatch.setattr(room.window, "show_error", said.append)
    service, window = room.poll_service, room.window
    poll = service.polls[-1]
    window.polls_pane.select_poll(poll.id)
    forms: list[Poll] = []
    answers = [
        lambda d: (d.sample.setValue(1999), QDialog.DialogCode.Accepted)[1],  # my edit, refused by a busy store
        lambda d: QDialog.DialogCode.Accepted,  # Retry: the form on my values, saved again
    ]

    def exec_(dialog: PollDialog) -> int:
        forms.append(dialog.poll())
        return answers.pop(0)(dialog) if answers else QDialog.DialogCode.Rejected

    monkeypatch.setattr(PollDialog, "exec", exec_)
    holder = sqlite3.connect(room.store.engine.url.database, timeout=0, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        window.edit_selected()
        qtbot.waitUntil(lambda: bool(said), timeout=15000)
    finally:
        holder.rollback()
        holder.close()
    qtbot.waitUntil(lambda: service.pending_writes == 0, timeout=10000)
    assert window.action_retry.isEnabled() and _stored(room, poll.id) == poll
    theirs = replace(poll, sample_size=4321)
    with room.store.sessions.begin() as s:  # a teammate's save of the same figure, through another connection
        repo.update_poll(s, theirs)
    service._reload_external()  # (what the window's watch does within a second)
    qtbot.waitUntil(lambda: service.poll(poll.id) == theirs, timeout=10000)
    said.clear()
    window.action_retry.trigger()
    qtbot.waitUntil(lambda: service.pending_writes == 0, timeout=10000)
    assert _stored(room, poll.id) == theirs, "the retry wrote my sample size over the teammate's"
    assert said and "sample size" in said[0] and poll.pollster in said[0], said
    assert forms[1].sample_size == 1999  # the retry's form was on my values


def test_an_edit_kept_past_a_close_keeps_the_version_it_was_made_against(tmp_path) -> None:
    """The recovery file (a close nobody could answer) kept the edit's polls but not its base: retried at the next
    start, it was made against the poll as shown then, a teammate's change since written over as above. The base
    is kept beside the polls (an older file, without it, still reads: the poll as shown stands for it)."""
    from datetime import datetime

    from tests.conftest import make_poll
    from warroom.core.types import UnsavedChange
    from warroom.store.recovery import read_unsaved, write_unsaved

    base = make_poll(3, n=800, id=7)
    kept = UnsavedChange("edit", (replace(base, sample_size=1999),), 1, "Toyton Mayor", datetime(2026, 1, 2), (base,))
    path = tmp_path / "unsaved-change.json"
    write_unsaved(path, [kept], "store.db")
    assert read_unsaved(path, "store.db") == [kept]
    assert read_unsaved(path, "store.db")[0].base_of(7) == base
