"""Hostile pass 12 (issue 16), the window's leftovers from pass 11: the heatmap's axis label at every size, the
window's least size on a laptop at 150 % scale, a dark palette's contrast, and a refused undo's message."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

pytestmark = pytest.mark.gui


def test_a_refused_undo_of_an_edit_says_what_happened_once_plainly(room: Any, qtbot: Any, monkeypatch: Any) -> None:
    """An edit undone after a teammate changed the poll: the message said "Could not save the edit of the X poll:
    this X poll was changed ...; the window now shows it as stored; the window shows what the store holds." (an
    undo called a save, the poll named twice, what the window shows said twice). It now says it could not undo
    the edit, why, and what the window shows, once each."""
    from warroom.store import polls as repo
    from warroom.ui.commands import EditPollCommand

    win, service = room.window, room.poll_service
    shown: list[str] = []
    monkeypatch.setattr(win, "show_error", shown.append)
    before = service.polls[0]
    after = replace(before, sample_size=(before.sample_size or 1000) + 7)
    command = EditPollCommand(service, before, after, win.show_error)
    assert win._push(command)
    qtbot.waitUntil(lambda: not service._pending, timeout=10000)
    with room.store.sessions.begin() as s:  # a teammate edits it, unseen by the watch (off)
        repo.update_poll(s, replace(after, sample_size=4242))
    win.undo_stack.undo()
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    (message,) = shown
    assert message.startswith(f"Could not undo the edit of the {before.pollster} poll: "), message
    assert "save the edit" not in message, message
    assert message.count("the window") == 1, message
    assert message.count(before.pollster) == 1, message
    assert "teammate" in message and "nothing was saved" in message, message
    qtbot.waitUntil(lambda: service.poll(before.id or 0).sample_size == 4242, timeout=5000)
