"""Hostile pass 6 (issue 16): the window, with data no earlier pass tried."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QGraphicsTextItem, QGraphicsView

from tests.conftest import TOY
from tests.ui.conftest import room_of
from warroom.core.types import Annotation

NOTES = ("Debate {value} and {x}", "Half {brace", "Rate {value:.3f} }")


@pytest.fixture
def braces_room(qtbot, tmp_path: Path) -> Iterator[object]:
    notes = [Annotation(date(2024, 2, day), text) for day, text in zip((1, 5, 9), NOTES, strict=True)]
    yield from room_of(qtbot, tmp_path, TOY, annotations=notes, ready="averages")


def test_an_event_note_with_braces_is_shown_as_typed(braces_room, qtbot) -> None:
    """An event marker's note is the label of a pyqtgraph InfiniteLine, which runs it through str.format:
    "Debate {value} and {x}" was a KeyError traceback at every start (the markers after it never drawn), and
    "{value}" alone was silently replaced by the line's position in seconds since 1970."""
    qtbot.wait(300)
    shown = {
        item.toPlainText()
        for view in braces_room.window.findChildren(QGraphicsView)
        if view.scene() is not None
        for item in view.scene().items()
        if isinstance(item, QGraphicsTextItem)
    }
    assert set(NOTES) <= shown


def test_an_event_typed_with_a_direction_override_is_refused_in_the_window(braces_room, monkeypatch) -> None:
    """The window's Event marker dialog follows the bundles' rule for notes (core.types.control_problem)."""
    from PySide6.QtWidgets import QInputDialog

    win = braces_room.window
    answers = iter([("\u202ethgin etabeD", True), ("", False), ("2024-03-01", True)])
    offered: list[str] = []

    def get_text(*_a: object, text: str = "", **_k: object) -> tuple[str, bool]:
        offered.append(text)
        return next(answers)

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    errors: list[str] = []
    monkeypatch.setattr(win, "show_error", errors.append)
    before = list(braces_room.poll_service.annotations)
    win.add_annotation()
    assert errors and "direction" in errors[0]
    assert offered[1] == "\u202ethgin etabeD"  # asked again with what was typed; cancelled there
    assert next(answers) == ("2024-03-01", True)  # refused before the date was asked: nothing stored
    assert list(braces_room.poll_service.annotations) == before


MIXED = (
    b"pollster,fieldwork_start,fieldwork_end,sample_size,first:ann,first:bob,first:cat\n"
    b"Zo\xc3\xab Research,2024-03-01,2024-03-02,800,45,40,15\n"
    b"Caf\xe9 Polls,2024-03-03,2024-03-04,800,45,40,15\n"
)


def test_the_cli_refuses_a_poll_csv_in_two_encodings(tmp_path: Path) -> None:
    """`warroom import` of a UTF-8 file with one Windows-1252 row stored 'ZoÃ« Research' for 'Zoë Research'."""
    import os
    import subprocess
    import sys

    path = tmp_path / "mixed.csv"
    path.write_bytes(MIXED.replace(b"first:ann,first:bob,first:cat", b"first:johnson,first:livingstone,first:other"))
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.run(
        [sys.executable, "-m", "warroom", "--data-dir", str(tmp_path / "d"), "import", str(path)],
        text=True,
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 1 and "line 3 is not UTF-8" in proc.stderr and "Traceback" not in proc.stderr


def test_the_windows_import_refuses_a_poll_csv_in_two_encodings(tmp_path: Path) -> None:
    from tests.conftest import TOY
    from warroom.services.poll_service import parse_poll_file
    from warroom.store.errors import StoreError

    path = tmp_path / "mixed.csv"
    path.write_bytes(MIXED)
    try:
        result = parse_poll_file(path, TOY)
    except StoreError as exc:
        assert "line 3 is not UTF-8" in str(exc)
        return
    assert not result.ok and "Zo\u00c3\u00ab Research" not in [p.pollster for p in result.polls]


def test_an_event_marker_refused_is_asked_again_with_what_was_typed(braces_room, monkeypatch) -> None:
    """A date refused in the Event marker dialog (no such day, or decades from the election, which the store
    refuses) ended it: the note typed was dropped and had to be typed again from nothing. Now the date is asked again as typed, the note kept, and the marker stored once put right."""
    from PySide6.QtWidgets import QInputDialog

    win = braces_room.window
    answers = iter([("Debate night", True), ("2024-02-31", True), ("1924-03-01", True), ("2024-03-01", True)])
    offered: list[str] = []

    def get_text(*_a: object, text: str = "", **_k: object) -> tuple[str, bool]:
        offered.append(text)
        return next(answers)

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    errors: list[str] = []
    monkeypatch.setattr(win, "show_error", errors.append)
    win.add_annotation()
    assert len(errors) == 2 and "'2024-02-31' is not a date" in errors[0] and "1924" in errors[1]
    assert offered[2:] == ["2024-02-31", "1924-03-01"]  # the date asked again as typed, the note kept
    notes = [(a.when, a.text) for a in braces_room.poll_service.annotations]
    assert (date(2024, 3, 1), "Debate night") in notes
