"""A fresh hostile pass (issue 16): the window says where a recovery file it could not read was kept (the file's
own rules: tests/store/test_hostile_hB_recovery.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import make_poll
from tests.store.test_hostile_hB_recovery import LATER
from warroom.core.types import UnsavedChange


@pytest.mark.gui
def test_the_window_says_where_an_unreadable_recovery_file_was_kept(room, tmp_path: Path, capsys) -> None:
    """The start said the file "was left as it is"; keeping a change beside it says where it went."""
    path = tmp_path / "unsaved-change.json"
    path.write_text(LATER)
    room._recovery_file = path
    room._keep_unsaved((UnsavedChange("add", (make_poll(3, pollster="Typed now"),), 1, "Race A"),))
    aside = tmp_path / "unsaved-change.json.unreadable"
    assert aside.read_text() == LATER
    said = room.window.statusBar().currentMessage()
    assert str(aside) in said and "could not be read" in said
    assert str(aside) in capsys.readouterr().err
