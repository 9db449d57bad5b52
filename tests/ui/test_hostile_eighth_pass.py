"""Hostile pass 8 (issue 16) in the window: the writer thread's failures meeting a user who moved on."""

from __future__ import annotations

import dataclasses
import sqlite3
from typing import Any

import pytest

from tests.conftest import TOY, make_poll
from warroom.store import polls as repo

pytestmark = pytest.mark.gui


def _hold_the_store(room: Any) -> sqlite3.Connection:
    holder = sqlite3.connect(room.store.engine.url.database, timeout=0, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    return holder


def _stored(room: Any, contest_id: int) -> list[str]:
    with room.store.sessions() as s:
        return [p.pollster for p in repo.list_polls(s, contest_id)]


def test_retrying_an_unsaved_change_after_opening_another_race_never_writes_it_into_that_race(room, qtbot) -> None:
    """Edit > Retry unsaved change kept the change as typed but not the race it was typed in: two polls of one
    race that the store refused (busy), retried after the user had opened another race with the same candidate
    codes (a copy, next year's race), were added to that other race without a word, where they change its
    average. The retry now goes only into the race the change was made in: elsewhere it says which race that
    is and keeps the change for when that race is open again."""
    errors: list[str] = []
    room.window.show_error = errors.append  # type: ignore[method-assign]
    window, service = room.window, room.poll_service
    first = service.contest
    other = service.create_contest(dataclasses.replace(TOY, name="Toy race, next time", id=None))
    service.open_contest(first.id)
    qtbot.waitUntil(lambda: service.contest is not None and service.contest.id == first.id)
    typed = [make_poll(24, pollster="Retry One"), make_poll(25, pollster="Retry Two")]
    holder = _hold_the_store(room)
    try:
        assert window.import_polls(typed)
        qtbot.waitUntil(lambda: bool(errors), timeout=15000)
    finally:
        holder.rollback()
        holder.close()
    assert window.action_retry.isEnabled()
    errors.clear()
    service.open_contest(other.id)
    qtbot.waitUntil(lambda: service.contest is not None and service.contest.id == other.id)
    window.action_retry.trigger()
    qtbot.waitUntil(lambda: service.pending_writes == 0, timeout=10000)
    assert _stored(room, other.id or 0) == [], "the other race's polls were changed by the retry"
    assert errors and first.name in errors[0], errors
    service.open_contest(first.id)  # back in the race it was typed in, the retry is there to make
    qtbot.waitUntil(lambda: service.contest is not None and service.contest.id == first.id)
    assert window.action_retry.isEnabled()
    window.action_retry.trigger()
    qtbot.waitUntil(lambda: service.pending_writes == 0, timeout=10000)
    assert {"Retry One", "Retry Two"} <= set(_stored(room, first.id or 0))
