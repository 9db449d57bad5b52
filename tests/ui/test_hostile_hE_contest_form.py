"""Fresh hostile pass hE: a campaign typing its own race into the New contest form."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDialogButtonBox

from warroom.core.types import RESERVED_CODES
from warroom.ui.contest_dialog import ContestDialog, code_for


@pytest.mark.parametrize("surname", ["Other", "Exhausted", "None", "NONE", "Second"])
def test_a_code_made_from_a_name_is_never_a_reserved_one(surname: str) -> None:
    code = code_for(f"Ann {surname}", set())
    assert code.casefold() not in RESERVED_CODES


def test_a_candidate_named_none_can_be_entered(qtbot) -> None:
    # The form makes codes from surnames and shows no code to edit: "Ivy None" became the reserved code "none", and
    # OK stayed disabled on a problem the user could not fix.
    dialog = ContestDialog(taken_names=[])
    qtbot.addWidget(dialog)
    dialog.name.setText("Shire Mayor 2027")
    dialog.election.setDate(QDate(2027, 5, 6))
    dialog.candidates.item(0, 0).setText("Ivy None")
    dialog.candidates.item(1, 0).setText("Rex Exhausted")
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled(), dialog.problems()
    contest = dialog.contest()
    assert [c.name for c in contest.candidates] == ["Ivy None", "Rex Exhausted"]
    assert contest.problems() == []


def test_a_code_made_from_a_name_differs_from_a_taken_one_in_any_case() -> None:
    # A race from a contest file may have upper-case codes: "Jo Smith" typed beside its "SMITH" became "smith", the
    # same code as far as Contest.problems goes (case-folded), and OK stayed disabled on it.
    assert code_for("Jo Smith", {"SMITH"}).casefold() != "smith"
    assert code_for("Jo Smith", {"SMITH", "Smith2"}).casefold() not in {"smith", "smith2"}
