"""A start that made the store new while a restored copy of its backup holds the user's newer work says where that
copy is in the window's status bar (`OpenStore.notice`, from `bootstrap.made_new_notice`): it was named nowhere."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from warroom.paths import AppPaths


def test_the_window_names_the_restored_copy_when_its_store_was_made_new(qtbot, tmp_path: Path) -> None:
    from tests.ui.conftest import running_room
    from warroom.bootstrap import open_store
    from warroom.services.settings import open_settings

    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir)
    store.notice = "a new poll store was made with the demo races; the copy ... is /x/restored-polls.sqlite3"
    rooms: Iterator[object] = running_room(qtbot, store, open_settings(paths))
    room = next(rooms)
    try:
        message = room.window.statusBar().currentMessage()  # type: ignore[attr-defined]
        assert message == "A new poll store was made with the demo races; the copy ... is /x/restored-polls.sqlite3"
    finally:
        for _ in rooms:
            pass
