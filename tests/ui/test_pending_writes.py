"""Issues 15 and 16 in the window: a change is shown at once and saved on the writer thread ("Saving…" in the
status bar); one the store refuses is taken back with its message, the undo history (which no longer matches the
store) is cleared and Edit > Retry offers the change again as typed; closing waits for pending changes."""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

import pytest

from tests.conftest import make_poll
from warroom.store import polls as repo

pytestmark = pytest.mark.gui


def _hold_the_store(room: Any) -> sqlite3.Connection:
    """Another program's write transaction on the room's SQLite store (a database browser, say)."""
    holder = sqlite3.connect(room.store.engine.url.database, timeout=0, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    return holder


def _stored_pollsters(room: Any) -> list[str]:
    with room.store.sessions() as s:
        return [p.pollster for p in repo.list_polls(s, room.poll_service.contest.id)]


def test_a_change_the_store_refuses_is_taken_back_and_can_be_retried_as_typed(room, qtbot) -> None:
    errors: list[str] = []
    room.window.show_error = errors.append  # type: ignore[method-assign]
    window, table = room.window, room.window.polls_pane.model
    rows = table.rowCount()
    typed = [make_poll(24, pollster="Retry One"), make_poll(25, pollster="Retry Two")]
    holder = _hold_the_store(room)
    try:
        assert window.import_polls(typed)
        assert table.rowCount() == rows + 2  # shown at once
        assert window.statusBar().currentMessage() == "Saving…"
        assert window.undo_stack.count() == 1
        qtbot.waitUntil(lambda: bool(errors), timeout=15000)  # the store stays locked past the window's wait
    finally:
        holder.rollback()
        holder.close()
    assert "Could not add 2 polls" in errors[0] and "busy" in errors[0].lower(), errors[0]
    assert table.rowCount() == rows and "Retry One" not in _stored_pollsters(room)
    assert window.undo_stack.count() == 0  # the history no longer matched the store
    assert window.statusBar().currentMessage().startswith("Not saved")
    assert window.action_retry.isEnabled()
    window.action_retry.trigger()
    assert table.rowCount() == rows + 2 and not window.action_retry.isEnabled()
    qtbot.waitUntil(lambda: room.poll_service.pending_writes == 0, timeout=10000)
    assert {"Retry One", "Retry Two"} <= set(_stored_pollsters(room))
    assert window.statusBar().currentMessage() == "Saved"
    assert len(errors) == 1
    window.undo_stack.undo()  # and the retried change is one undo step, as any other
    qtbot.waitUntil(lambda: room.poll_service.pending_writes == 0, timeout=10000)
    assert "Retry One" not in _stored_pollsters(room)


def test_closing_with_a_pending_change_waits_for_it_to_be_saved(room, qtbot) -> None:
    holder = _hold_the_store(room)
    release = threading.Timer(0.8, lambda: (holder.rollback(), holder.close()))
    release.start()  # the other program commits within the window's lock wait
    try:
        assert room.window.import_polls([make_poll(24, pollster="Saved at close")])
        assert room.poll_service.pending_writes == 1
        room.window.close()
    finally:
        release.join()
    assert room.poll_service.pending_writes == 0
    assert "Saved at close" in _stored_pollsters(room)


def test_closing_while_the_store_does_not_answer_says_so_and_lets_the_user_choose(room, qtbot, monkeypatch) -> None:
    from warroom import app

    monkeypatch.setattr(app, "WRITE_WAIT_ON_CLOSE_S", 0.3)
    asked: list[tuple[int, float]] = []
    errors: list[str] = []
    room.window.show_error = errors.append  # type: ignore[method-assign]
    answers = iter([True, False])  # keep waiting once, then close with it unsaved

    def ask(pending: int, waited: float) -> bool:
        asked.append((pending, waited))
        return next(answers)

    monkeypatch.setattr(room.window, "ask_close_unsaved", ask)
    holder = _hold_the_store(room)
    try:
        assert room.window.import_polls([make_poll(24, pollster="Not yet")])
        room.window.action_quit.trigger()  # File > Quit: the user's close, who is there to answer (a signal's is not)
        assert asked == [(1, 0.3), (1, 0.3)]
        assert not room.window.isVisible()
    finally:
        holder.rollback()
        holder.close()
    qtbot.waitUntil(lambda: not room.store_writer.busy, timeout=10000)  # the write still ends, one way or another
