"""The New/Edit contest dialog: a 2027 mayoral race typed in, checked as it is typed (issue 10)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDialogButtonBox

from tests.conftest import TOY
from warroom.core.types import CountingSystem
from warroom.ui.contest_dialog import ContestDialog, code_for


def _ok(dialog: ContestDialog) -> bool:
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()


def test_codes_from_names() -> None:
    assert code_for("Ségolène Royal", set()) == "royal"
    assert code_for("Jo Smith", {"smith"}) == "smith2"
    assert code_for("Other", set()) == "other_candidate"


def test_a_new_mayoral_race_in_a_few_fields(qtbot) -> None:
    dialog = ContestDialog(taken_names=["London Mayor 2012"])
    qtbot.addWidget(dialog)
    assert not _ok(dialog)  # nothing typed yet
    dialog.name.setText("Cumbria Mayor 2027")
    dialog.office.setText("Mayor of Cumbria")
    dialog.election.setDate(QDate(2027, 5, 6))
    dialog.add_party("LAB", "Labour")
    dialog.add_party("REF", "Reform UK")
    dialog.candidates.item(0, 0).setText("Ada Lovelace")
    dialog.candidates.item(0, 2).setText("LAB")
    dialog.candidates.item(1, 0).setText("Rex Smith")
    dialog.candidates.item(1, 2).setText("REF")
    dialog.add_candidate("Ivy Green", "")
    assert _ok(dialog), dialog.problems()
    contest = dialog.contest()
    assert contest.name == "Cumbria Mayor 2027" and contest.election_date == date(2027, 5, 6)
    assert contest.system == CountingSystem.SV and contest.counting_rules.preferences == 2
    assert [c.code for c in contest.candidates] == ["lovelace", "smith", "green"]
    assert contest.candidate("smith").party == "REF" and contest.candidate("green").party is None
    # bad input: a duplicate name, an unknown party, a taken contest name
    dialog.candidates.item(2, 0).setText("Ada Lovelace")
    assert not _ok(dialog) and any("named" in p for p in dialog.problems())
    dialog.candidates.item(2, 0).setText("Ivy Green")
    dialog.candidates.item(1, 2).setText("XYZ")
    assert not _ok(dialog) and any("XYZ" in p for p in dialog.problems())
    dialog.candidates.item(1, 2).setText("REF")
    dialog.name.setText("london mayor 2012")
    assert not _ok(dialog) and "already called" in dialog.problem_label.text()


def test_two_round_rules_and_dates(qtbot) -> None:
    dialog = ContestDialog()
    qtbot.addWidget(dialog)
    dialog.name.setText("Présidentielle 2027")
    dialog.system.setCurrentIndex(dialog.system.findData(CountingSystem.TWO_ROUND))
    assert dialog.second.isEnabled()
    dialog.election.setDate(QDate(2027, 4, 11))
    dialog.second.setDate(QDate(2027, 4, 4))  # before the first round
    dialog.candidates.item(0, 0).setText("A B")
    dialog.candidates.item(1, 0).setText("C D")
    assert any("second round must come after" in p for p in dialog.problems())
    dialog.second.setDate(QDate(2027, 4, 25))
    assert _ok(dialog)
    dialog.rules_box.setChecked(True)
    dialog.finalists.setCurrentIndex(dialog.finalists.findData("threshold"))
    dialog.threshold.setValue(0.0)
    assert any("threshold" in p for p in dialog.problems())
    dialog.threshold.setValue(12.5)
    contest = dialog.contest()
    assert contest.second_round_date == date(2027, 4, 25)
    assert contest.rules is not None and contest.rules.qualify_threshold == 12.5


def test_editing_keeps_codes_and_refuses_removing_a_polled_candidate(qtbot) -> None:
    dialog = ContestDialog(TOY, taken_names=[TOY.name], locked_codes=["cat"])
    qtbot.addWidget(dialog)
    assert _ok(dialog)
    dialog.candidates.item(0, 0).setText("Ann Redd")  # a rename keeps the code (the polls refer to it)
    assert dialog.contest().candidates[0].code == "ann"
    dialog.candidates.selectRow(2)
    dialog._remove_selected()
    assert not _ok(dialog) and any("Withdrawn" in p for p in dialog.problems())


def test_a_web_table_is_mapped_previewed_and_imported(qtbot, tmp_path) -> None:
    """Issue 13: paste from any web table: the columns are guessed and shown before anything is imported."""
    from PySide6.QtWidgets import QDialog

    from warroom.app import WarRoom
    from warroom.bootstrap import open_store
    from warroom.paths import AppPaths
    from warroom.services.settings import open_settings
    from warroom.ui.paste_dialog import PasteDialog

    paths = AppPaths.under(tmp_path)
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir)
    room = WarRoom(store, open_settings(paths), watch=False)
    qtbot.addWidget(room.window)
    try:
        before = len(room.poll_service.polls)
        table = (
            "Polling firm\tFieldwork date\tSample size\tBoris Johnson\tLab\tLib Dem\tOthers\tLead\n"
            "WebPoll[3]\t1–2 May 2012\t1,500\t44%\t39%\t7%\t10%\t5\n"
        )
        rows = [line.split("\t") for line in table.strip().split("\n")]
        dialog = PasteDialog(rows, room.poll_service.contest, room.import_worker)
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda: not dialog.checking)
        assert [b.currentData() for b in dialog.pickers] == [
            "pollster",
            "fieldwork",
            "sample_size",
            "first:johnson",
            "first:livingstone",
            "first:paddick",
            "first:other",
            "",
        ]
        assert "1 polls will be imported" in dialog.summary.text()
        # a wrong guess is changed by hand; the preview follows (here: a field the importer then refuses)
        dialog.pickers[2].setCurrentIndex(dialog.pickers[2].findData("notes"))
        dialog.pickers[2].setCurrentIndex(dialog.pickers[2].findData("sample_size"))
        qtbot.waitUntil(lambda: not dialog.checking)
        dialog.exec = lambda: QDialog.DialogCode.Accepted  # type: ignore[method-assign]
        with qtbot.waitSignal(room.import_worker.import_finished, timeout=10000):
            room.import_actions.import_text(table, dialog)
        new = [p for p in room.poll_service.polls if p.pollster == "WebPoll"]
        assert len(room.poll_service.polls) == before + 1 and new[0].sample_size == 1500
        assert new[0].first_round["livingstone"] == 39 and new[0].fieldwork_start.day == 1
    finally:
        room.window.close()
        store.close()


def test_full_or_optional_preferential_is_chosen_for_an_instant_runoff_race(qtbot) -> None:
    dialog = ContestDialog()
    qtbot.addWidget(dialog)
    dialog.name.setText("Division of Brisbane 2028")
    dialog.candidates.item(0, 0).setText("Ada Park")
    dialog.candidates.item(1, 0).setText("Bo Nolan")
    dialog.system.setCurrentIndex(dialog.system.findData(CountingSystem.IRV))
    dialog.rules_box.setChecked(True)
    assert dialog.ballots.isEnabled() and dialog.ballots.currentData() is False  # optional by default
    dialog.preferences.setValue(5)
    dialog.ballots.setCurrentIndex(dialog.ballots.findData(True))
    # full preferential numbers everyone: the preference limit goes back to "all" and is locked
    assert dialog.preferences.value() == 0 and not dialog.preferences.isEnabled()
    assert "Optional preferential" in dialog.preferences.toolTip()
    assert _ok(dialog), dialog.problems()
    rules = dialog.contest().counting_rules
    assert rules.full_preferential and rules.preferences is None and rules.finalists == "elimination"
    # editing the stored race shows its rule again
    again = ContestDialog(dialog.contest())
    qtbot.addWidget(again)
    assert again.ballots.currentData() is True and again.rules_box.isChecked()
    # a top-two count has no such choice
    dialog.finalists.setCurrentIndex(dialog.finalists.findData("top_two"))
    assert not dialog.ballots.isEnabled() and not dialog.contest().counting_rules.full_preferential
    assert dialog.preferences.isEnabled()
