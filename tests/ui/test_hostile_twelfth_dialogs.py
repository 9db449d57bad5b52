"""Twelfth hostile pass (issue 16): the window's dialogs driven through their widgets, and campaign bundles."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog

from tests.conftest import TOY, make_poll
from warroom.paths import AppPaths
from warroom.ui.contest_dialog import ContestDialog


@pytest.fixture
def toy_room(qtbot, tmp_path: Path) -> Iterator[object]:
    """A window on a store holding Toyton Mayor with two polls (every candidate polled)."""
    from warroom.app import WarRoom
    from warroom.bootstrap import open_store
    from warroom.services.settings import open_settings

    paths = AppPaths.under(tmp_path)
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir, seed=False)
    room = WarRoom(store, open_settings(paths), watch=False, backup_dir=paths.backup_dir)
    qtbot.addWidget(room.window)
    room.window.show()
    ps = room.poll_service
    ps.create_contest(TOY)
    ps.add_polls([make_poll(1), make_poll(5, pollster="Beta")])
    qtbot.waitUntil(lambda: len(ps.polls) == 2)
    yield room
    room.window.close()
    store.close()


def _answer(dialog: QDialog, *answers: QDialog.DialogCode) -> QDialog:
    queue = list(answers)
    dialog.exec = lambda: queue.pop(0) if queue else QDialog.DialogCode.Rejected  # type: ignore[method-assign]
    return dialog


def test_a_new_candidate_never_takes_the_code_of_a_removed_one_whose_polls_would_become_theirs(toy_room, qtbot) -> None:
    """Edit contest: removing Cat Green (who has polls) and adding 'Tom Cat' in the same edit made the new
    candidate's code 'cat' (from the surname), so the dialog saw no polled candidate removed, the store matched
    by code and kept the row, and Cat Green's 15 % in every poll silently became Tom Cat's."""
    room = toy_room
    ps = room.poll_service
    errors: list[str] = []
    room.window.show_error = errors.append  # type: ignore[method-assign]
    dialog = ContestDialog(ps.contest, [], sorted(ps.used_codes()), room.window)
    qtbot.addWidget(dialog)
    dialog.candidates.selectRow(2)
    dialog._remove_selected()
    dialog.add_candidate("Tom Cat", "G")
    codes = [c.code for c in dialog.contest().candidates]
    assert codes.count("cat") == 0 and len(set(codes)) == 3  # a code of its own
    assert any("cat" in p and "Withdrawn" in p for p in dialog.problems())
    assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
    room.contest_actions.edit_contest(_answer(dialog, QDialog.DialogCode.Accepted))  # pressed anyway
    stored = ps.contest
    assert stored.candidate("cat").name == "Cat Green"  # the polls' 15 % is still Cat Green's
    assert errors and "cat" in errors[0].casefold()
