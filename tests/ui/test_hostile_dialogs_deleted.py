"""The contest form, the official-result form, Compare and the forecast over time are deleted once closed (issue 16).

Each was made as a child of the window and never deleted: hidden, it lived as long as the window, one more per
New contest, Edit contest, Result, Compare or Forecast over time, each still told of every palette change. A Qt
object only Python owns, kept that way, was the kind the cyclic collector later destroyed from a worker thread
(a segmentation fault, found in the last session). Now none is left once closed and Qt's deferred deletes are
done; what the forms return (the contest typed, the result) is read before that.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication, QDialog

from warroom.ui.compare_dialog import CompareDialog
from warroom.ui.contest_dialog import ContestDialog
from warroom.ui.forecast_dialog import ForecastDialog
from warroom.ui.result_dialog import ResultDialog

pytestmark = pytest.mark.gui


def _left(kind: type) -> list[Any]:
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind)]


def _shown_then_cancelled(monkeypatch: pytest.MonkeyPatch, kind: type[QDialog]) -> list[QDialog]:
    """`kind`'s exec: shown, then closed with Cancel (as a user would), answering Rejected."""
    seen: list[QDialog] = []

    def exec_(dialog: QDialog) -> int:
        seen.append(dialog)
        dialog.show()
        dialog.reject()
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(kind, "exec", exec_)
    return seen


def test_the_contest_form_is_deleted_once_closed(room, monkeypatch) -> None:
    seen = _shown_then_cancelled(monkeypatch, ContestDialog)
    assert room.contest_actions.new_contest() is None
    assert room.contest_actions.edit_contest() is None
    assert len(seen) == 2 and _left(ContestDialog) == []


def test_the_result_form_is_deleted_once_closed(room, monkeypatch) -> None:
    seen = _shown_then_cancelled(monkeypatch, ResultDialog)
    assert room.contest_actions.edit_result() is None
    assert len(seen) == 1 and _left(ResultDialog) == []


def test_compare_is_deleted_once_closed(room, qtbot, monkeypatch) -> None:
    room.scenarios.save("Plan")
    seen = _shown_then_cancelled(monkeypatch, CompareDialog)
    room.scenario_actions.compare()
    qtbot.waitUntil(lambda: len(seen) == 1, timeout=10000)  # (the saved cases' figures come from a worker first)
    assert _left(CompareDialog) == []


def test_the_forecast_over_time_is_deleted_once_closed(room, qtbot) -> None:
    made = room.scenario_actions.forecast_dialog()  # (as scripts and the tests make it)
    made.show()
    made.close()
    assert _left(ForecastDialog) == []
    room.scenario_actions.show_forecast()  # (the menu's: on a worker, then shown)
    qtbot.waitUntil(lambda: any(w.isVisible() for w in _left(ForecastDialog)), timeout=20000)
    for dialog in _left(ForecastDialog):
        dialog.close()
    assert _left(ForecastDialog) == []


def test_a_contest_typed_in_the_form_is_still_made(room, monkeypatch) -> None:
    """Deleting the form must not lose what it holds: the contest typed is read before it goes."""
    from dataclasses import replace

    from tests.conftest import TOY

    typed = replace(TOY, name="Toyton Mayor 2028")

    def exec_(dialog: ContestDialog) -> int:
        monkeypatch.setattr(dialog, "contest", lambda: typed)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ContestDialog, "exec", exec_)
    made = room.contest_actions.new_contest()
    assert made is not None and made.name == "Toyton Mayor 2028"
    assert _left(ContestDialog) == []
