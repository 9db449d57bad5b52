"""The contest dialog: two candidates the default would show alike are shown by their full names; short names
typed alike are refused as the user types (tests/core/test_names_told_apart.py)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox

from warroom.ui.contest_dialog import ContestDialog


def test_the_dialog_refuses_short_names_typed_alike_and_names_default_twins_in_full(qtbot) -> None:
    dialog = ContestDialog()
    qtbot.addWidget(dialog)
    dialog.name.setText("Uxbridge Mayor 2027")
    dialog.candidates.item(0, 0).setText("Boris Johnson")
    dialog.candidates.item(1, 0).setText("Jo Johnson")
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled(), dialog.problems()
    assert [c.display for c in dialog.contest().candidates] == ["Boris Johnson", "Jo Johnson"]
    dialog.candidates.item(0, 1).setText("Johnson")  # the short-name column
    dialog.candidates.item(1, 1).setText("Johnson")
    assert not ok.isEnabled()
    assert any("shown as 'Johnson'" in p for p in dialog.problems()), dialog.problems()
    dialog.candidates.item(1, 1).setText("Jo J.")
    assert ok.isEnabled(), dialog.problems()
