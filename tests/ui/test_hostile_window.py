"""Issue 16, third hostile pass: the window's import and typed fields under odd timing and odd typing."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.ui.test_import_worker import fresh_polls, write_csv

pytestmark = pytest.mark.gui


def _polls_of(room: Any, contest_id: int) -> list[Any]:
    from warroom.store import polls as repo

    with room.store.sessions() as s:
        return repo.list_polls(s, contest_id)


def test_an_import_that_ends_after_a_switch_to_another_contest_cannot_be_undone_into_it(
    room, qtbot, tmp_path: Path
) -> None:
    """An import into race A that finished after the user switched to race B put its undo step on B's history:
    Undo deleted A's polls unseen, and Redo then added them to B (the open contest), moving them between races."""
    ps = room.poll_service
    toy = ps.contest
    ps.create_contest(replace(toy, name="Other race 2031", id=None, demo=False))
    other = ps.contest
    picker = room.contest_actions.picker
    picker.setCurrentIndex(picker.findData(toy.id))
    assert ps.contest.id == toy.id
    before = len(_polls_of(room, toy.id))
    path = write_csv(room, tmp_path / "late.csv", fresh_polls(40))
    release = threading.Event()

    def hold(progress: Any) -> None:  # runs on the worker thread: the import waits here until released
        if progress.stage == "writing":
            release.wait(10)

    room.import_worker.progress_changed.connect(hold, Qt.ConnectionType.DirectConnection)
    with qtbot.waitSignal(room.import_worker.import_finished, timeout=30000):
        room.import_actions.import_file(path)
        picker.setCurrentIndex(picker.findData(other.id))  # the user moves on while it runs
        assert ps.contest.id == other.id
        release.set()
    stack = room.window.undo_stack
    stack.undo()
    stack.redo()
    assert len(_polls_of(room, toy.id)) == before + 40  # the import stayed where it went
    assert _polls_of(room, other.id) == []  # and nothing moved into the race on screen
    assert "40 polls added" in room.window.statusBar().currentMessage()
    assert "Other race 2031" not in room.window.statusBar().currentMessage()


LOCALES = [("English", "UnitedStates"), ("French", "France"), ("German", "Germany")]


@pytest.mark.parametrize(("language", "country"), LOCALES)
def test_a_decimal_typed_with_either_separator_is_read_whole_in_every_locale(qapp, qtbot, language, country) -> None:
    """'12,5' typed in an English locale became 12 (the comma refused, then '125' past 100 refused), and '12.5'
    in a French or German one; the field showed 12 and the scenario ran on it. Every typed field beside a
    slider or in a form (split sliders, the turnout lever, the poll form, the contest
    form, the scenario panel's personal votes and message guess)."""
    from PySide6.QtCore import QLocale
    from PySide6.QtTest import QTest

    from warroom.ui.split_slider import percent_field

    def typed(text: str, *, signed: bool = False) -> float:
        """What a fresh field (showing 40) holds after `text` is typed over it and Return pressed."""
        box = percent_field("probe", "probe", signed=signed)
        qtbot.addWidget(box)
        box.setValue(40.0)
        box.lineEdit().selectAll()
        QTest.keyClicks(box.lineEdit(), text)
        QTest.keyClick(box.lineEdit(), Qt.Key.Key_Return)
        return box.value()

    old = QLocale()
    QLocale.setDefault(QLocale(getattr(QLocale.Language, language), getattr(QLocale.Country, country)))
    try:
        for text, expected in [("12,5", 12.5), ("12.5", 12.5), ("7", 7.0), ("99,9", 99.9), ("0.5", 0.5)]:
            assert typed(text) == pytest.approx(expected), text
        for text, expected in [("-12,5", -12.5), ("+7.5", 7.5), ("12.5", 12.5)]:  # a signed lever's field
            assert typed(text, signed=True) == pytest.approx(expected), text
        for text in ["nan", "inf", "1e308", "-5"]:  # never a value outside the field's range
            assert 0.0 <= typed(text) <= 100.0
    finally:
        QLocale.setDefault(old)


def test_every_typed_decimal_field_of_the_window_takes_either_separator(room) -> None:
    from PySide6.QtWidgets import QDoubleSpinBox

    from warroom.ui.qt_utils import DecimalSpinBox

    boxes = room.window.findChildren(QDoubleSpinBox)
    assert boxes and all(isinstance(b, DecimalSpinBox) for b in boxes), [
        b.objectName() for b in boxes if not isinstance(b, DecimalSpinBox)
    ]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("pollster,notes\nAcme," + "x" * 200_000 + "\n", "line 2"),  # a cell past the csv module's field limit
        ("\t".join(f"c{i}" for i in range(5000)) + "\n" + "1\t" * 4999 + "1\n", "5,000 columns"),
    ],
)
def test_a_paste_that_is_no_table_is_a_message_in_the_window(room, qtbot, monkeypatch, text: str, words: str) -> None:
    """Such a paste raised out of the paste action (a traceback on stderr, nothing on screen), or built a picker
    for each of thousands of columns."""
    shown: list[str] = []
    monkeypatch.setattr(room.window, "show_error", shown.append)
    room.window.paste_requested.emit(text)
    # (a table in the app's own columns is split on the import worker: its refusal lands from there)
    qtbot.waitUntil(lambda: bool(shown) and not room.import_worker.busy, timeout=10_000)
    qtbot.wait(50)
    assert len(shown) == 1 and words in shown[0] and "paste" in shown[0].casefold()


def test_closing_the_window_during_an_import_keeps_the_store_whole(room, qtbot, tmp_path: Path) -> None:
    """The window closed while an import writes: the import is cancelled and rolled back (or, if it had
    committed, kept whole), the worker thread is joined, and nothing raises."""
    from warroom.store import polls as repo

    path = write_csv(room, tmp_path / "big.csv", fresh_polls(3000))
    cid = room.poll_service.contest.id
    with room.store.sessions() as s:
        before = len(repo.list_polls(s, cid))
    writing = threading.Event()

    def seen(progress: Any) -> None:
        if progress.stage == "writing" and progress.done > 0:
            writing.set()

    room.import_worker.progress_changed.connect(seen, Qt.ConnectionType.DirectConnection)
    room.import_actions.import_file(path)
    assert writing.wait(30)
    room.window.close()  # cancels, rolls back, joins the thread
    assert not room.import_worker.busy or room.import_worker._closed
    with room.store.sessions() as s:
        after = len(repo.list_polls(s, cid))
    assert after in (before, before + 3000)
