"""A fresh hostile pass (issue 16): a name holding "[*]" is shown whole in window and message titles.

Qt reads "[*]" in a window title as the place of the "unsaved changes" mark and drops it: a race named
"Budget [*] 2024" was titled "Budget  2024 — warroom", and so were its official-result form and every message
box naming it ("Delete Budget  2024"). `qt_utils.title_text`, the one way a title holds data, writes it as Qt's
literal "[*][*]".
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.conftest import renamed_toy
from tests.ui.conftest import room_of

pytestmark = pytest.mark.gui

NAME = "Budget [*] 2024 [*]"


def _on_screen(widget) -> str:  # type: ignore[no-untyped-def]
    widget.show()
    QApplication.processEvents()
    return widget.windowHandle().title()


def test_a_race_named_with_the_modified_mark_is_titled_whole(qtbot, tmp_path: Path) -> None:
    from warroom.ui.result_dialog import ResultDialog

    for room in room_of(qtbot, tmp_path, renamed_toy(NAME)):
        assert _on_screen(room.window) == f"{NAME} — warroom"
        dialog = ResultDialog(room.poll_service.contest, parent=room.window)
        qtbot.addWidget(dialog)
        assert _on_screen(dialog) == f"Official result: {NAME}"


def test_a_message_box_naming_it_is_titled_whole(qtbot, monkeypatch: pytest.MonkeyPatch) -> None:
    from warroom.ui import qt_utils

    seen: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: (seen.append(_on_screen(box)), 0)[1])
    qt_utils.ask_plain(None, f"Delete {NAME}", "A backup is taken first.")
    assert seen == [f"Delete {NAME}"]
