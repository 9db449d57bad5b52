"""Edit contest: a party added by mistake is removed as a candidate is (select its row, Remove party). It could only
be emptied cell by cell before, the emptied row then silently left out; a candidate naming it is then a problem
the dialog says, and the store still refuses a party with voting-intention figures in polls."""

from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDialogButtonBox, QPushButton

from warroom.ui.contest_dialog import ContestDialog


def test_remove_party_takes_the_selected_party_out(qtbot) -> None:
    dialog = ContestDialog()
    qtbot.addWidget(dialog)
    dialog.name.setText("Cumbria Mayor 2027")
    dialog.election.setDate(QDate(2027, 5, 6))
    dialog.add_party("LAB", "Labour")
    dialog.add_party("REF", "Reform UK")
    dialog.add_party("OOPS", "Added by mistake")
    dialog.candidates.item(0, 0).setText("Ada Lovelace")
    dialog.candidates.item(0, 2).setText("LAB")
    dialog.candidates.item(1, 0).setText("Rex Smith")
    dialog.candidates.item(1, 2).setText("REF")
    remove = dialog.findChild(QPushButton, "remove_party")
    assert remove is not None and remove.isEnabled()
    dialog.parties.selectRow(2)
    remove.click()
    assert [p.code for p in dialog.contest().parties] == ["LAB", "REF"]
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled(), dialog.problems()
    dialog.parties.selectRow(1)
    remove.click()  # Rex Smith's party: the dialog says so
    assert [p.code for p in dialog.contest().parties] == ["LAB"]
    assert any("REF" in p for p in dialog.problems())
