"""A fresh hostile pass (issue 16): two windows on one store, each keeping the changes the store refused in the
data folder's recovery file (the file's own rules: tests/store/test_hostile_hH_recovery.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from tests.conftest import make_poll
from warroom.core.types import UnsavedChange
from warroom.store.recovery import read_unsaved


def _typed(n: int, pollster: str) -> UnsavedChange:
    return UnsavedChange("add", (make_poll(n, pollster=pollster),), 1, "Toyton Mayor")


@pytest.mark.gui
def test_two_windows_on_one_store_keep_both_windows_unsaved_changes(room, qtbot, tmp_path: Path) -> None:
    """Each window kept its refused changes as the store's, in place of what was kept for it: the second window's
    change took the first's out of the file, and a kill (or a crash) of the first then lost what was typed there;
    the second settling its own deleted the first's too. Each session now keeps its own; the next start is offered
    every one, once, and takes them over (settling them there settles them in the file)."""
    from tests.ui.conftest import running_room
    from warroom.bootstrap import open_store
    from warroom.services.settings import AppSettings

    path = tmp_path / "unsaved-change.json"
    store = room.store.display_target
    other_store = open_store(room.store.target, backup_dir=None, seed=False)
    other_settings = AppSettings(QSettings(str(tmp_path / "other.ini"), QSettings.Format.IniFormat))
    rooms = running_room(qtbot, other_store, other_settings, ready="averages")
    other = next(rooms)
    try:
        room._recovery_file = other._recovery_file = path
        a, b = _typed(3, "Typed in the first window"), _typed(4, "Typed in the second")
        room.window.keep_unsaved(a)
        other.window.keep_unsaved(b)
        assert read_unsaved(path, store) == [a, b]
        other.window.discard_unsaved(b)  # the second window settled its own
        assert read_unsaved(path, store) == [a]  # the first's stays, in case it is killed now
        # the first window killed; the next start on the store is offered its change once, and takes it over
        room._recovery_file = None
        other.offer_unsaved()
        assert other.window.unsaved_changes == (a,)
        other.window.discard_unsaved(other.window.unsaved_changes[0])
        assert read_unsaved(path, store) == []
        assert not path.exists()
    finally:
        for _ in rooms:
            pass
