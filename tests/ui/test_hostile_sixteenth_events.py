"""Sixteenth hostile pass (issue 16): an event marker's note typed in the window follows the bundles' rule.

A campaign bundle's event note is at most 200 characters (the store's column, which PostgreSQL enforces); the
window's Event marker dialog took any length. On SQLite a 300-character note was stored, and the race's own
`export --bundle` could then not be imported back ("events[1]: the text must be at most 200 characters"); a team
store's column (VARCHAR(200)) refuses it outright. One rule now (core.types.event_note_problem).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import TOY
from tests.ui.conftest import room_of

pytestmark = pytest.mark.gui


@pytest.fixture
def room(qtbot, tmp_path: Path) -> Iterator[object]:
    yield from room_of(qtbot, tmp_path, TOY, ready="averages")


def test_an_event_note_longer_than_a_bundle_takes_is_refused_in_the_window(room, monkeypatch) -> None:
    from PySide6.QtWidgets import QInputDialog

    win = room.window
    long_note = "Debate " + "x" * 293
    answers = iter([(long_note, True), ("", False), ("2024-03-01", True)])
    offered: list[str] = []

    def get_text(*_a: object, text: str = "", **_k: object) -> tuple[str, bool]:
        offered.append(text)
        return next(answers)

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    errors: list[str] = []
    monkeypatch.setattr(win, "show_error", errors.append)
    before = list(room.poll_service.annotations)
    win.add_annotation()
    assert errors and "300 characters" in errors[0] and "200" in errors[0], errors
    assert offered[1] == long_note  # asked again as typed, to be cut short there; cancelled
    assert next(answers) == ("2024-03-01", True)  # refused before the date was asked
    assert list(room.poll_service.annotations) == before  # nothing stored


def test_an_event_note_of_200_characters_is_taken(room, monkeypatch, qtbot) -> None:
    from PySide6.QtWidgets import QInputDialog

    win = room.window
    note = "y" * 200
    answers = iter([(note, True), ("2024-03-01", True)])
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: next(answers)))
    errors: list[str] = []
    monkeypatch.setattr(win, "show_error", errors.append)
    win.add_annotation()
    assert errors == []
    qtbot.waitUntil(lambda: any(a.text == note for a in room.poll_service.annotations))
