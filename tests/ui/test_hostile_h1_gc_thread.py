"""A form dropped is freed by reference counting at once, never left in a reference cycle for Python's collector to
free on another thread (issue 16, pass h1).

The official result form (and every form with a discard guard: poll, contest, paste) was kept in a reference cycle by
its guard, which held the form it was a child of. A form the window let go of was then freed whenever the cyclic
collector next ran, on whichever thread ran it: often the store writer's. Qt objects destroyed there left their
timers registered on the window's thread, and the next timer event went to freed memory: a segmentation fault
(tests/ui/test_hostile_twelfth_dialogs.py's result-dialog test crashed the run four times in five, and a clean CI
run died so twice). Without the cycle a form goes where the last reference to it goes, on the window's thread.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtWidgets import QDialog

from tests.conftest import TOY

pytestmark = pytest.mark.gui


@pytest.fixture
def no_collector() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _freed_at_once(make: Callable[[], QDialog]) -> bool:
    dialog = make()
    ref = weakref.ref(dialog)
    del dialog
    return ref() is None


def test_a_dialog_with_a_discard_guard_is_freed_when_dropped(qapp, no_collector) -> None:
    from warroom.ui.qt_utils import DiscardGuard

    def guarded() -> QDialog:
        dialog = QDialog()
        DiscardGuard(dialog, "poll")
        return dialog

    assert _freed_at_once(guarded)


def test_the_official_result_form_is_freed_when_dropped(qapp, no_collector) -> None:
    from warroom.ui.result_dialog import ResultDialog

    assert _freed_at_once(lambda: ResultDialog(TOY))


def test_the_guard_still_asks_before_typing_goes_and_closes_an_untouched_form(qtbot, monkeypatch) -> None:
    """(Its dialog now read as its parent: the guard works as before.)"""
    from PySide6.QtWidgets import QLineEdit, QMessageBox

    from warroom.ui.qt_utils import DiscardGuard

    dialog = QDialog()
    qtbot.addWidget(dialog)
    line = QLineEdit(dialog)
    guard = DiscardGuard(dialog, "poll")
    dialog.show()
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: asked.append(box.text()) or 0)
    line.setText("typed")
    assert not guard.may_close() and asked and "Discard the poll typed?" in asked[0]
    line.setText("")
    assert guard.may_close()
