"""A closed window's room is freed: nothing that outlives the close keeps the room, its store and its polls."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent

from tests.conftest import TOY, make_poll
from tests.ui.conftest import _MADE, _release, toy_polls
from warroom.paths import AppPaths


def _closed_with_a_change_saving(qtbot, tmp_path: Path) -> weakref.ref[object]:  # type: ignore[no-untyped-def]
    """A room closed while a change is on its way to the store, then let go of as _let_go lets go of every room
    (not given to qtbot: its window is deleted here)."""
    from warroom.app import WarRoom
    from warroom.bootstrap import open_store
    from warroom.services.settings import open_settings
    from warroom.store import polls as repo

    paths = AppPaths.under(tmp_path)
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir, seed=False)
    with store.sessions.begin() as s:
        repo.add_polls(s, repo.add_contest(s, TOY), toy_polls(8))
    room = WarRoom(store, open_settings(paths), watch=False)
    room.window.show()
    qtbot.waitUntil(lambda: room.averages.averages is not None, timeout=20000)
    assert room.window.import_polls([make_poll(20, pollster="Queued")])
    assert room.poll_service.pending_writes == 1
    room.window.close()  # waits for the change to land
    assert room.poll_service.pending_writes == 0
    store.close()
    _MADE.remove(room)
    _release(room)  # its window and parentless services deleted
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return weakref.ref(room)


def test_a_room_closed_with_changes_still_saving_is_freed(qtbot, tmp_path: Path) -> None:
    # The close waits for the changes on their way to the store with a timer whose slot (a closure) held the timer
    # itself: a parentless QTimer kept by its own connection, out of the collector's sight, and with it the room,
    # its window, store and polls, for as long as the process ran (the window tests' workers grew by a room each).
    freed = _closed_with_a_change_saving(qtbot, tmp_path)
    gc.collect()
    assert freed() is None
