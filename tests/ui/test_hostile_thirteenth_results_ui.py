"""Issue 16, thirteenth hostile pass over official results and forecasts, in the window. Each test failed before
its fix."""

from __future__ import annotations

from pathlib import Path

from tests.core.test_hostile_thirteenth_results import ANN_45, _trio


def test_the_official_result_dialog_holds_a_result_to_the_contests_majority(qtbot, tmp_path: Path) -> None:
    """File > Official result on a race whose contest file says `majority = 40`: a result with Ann at 45 % in the
    first round and a final round of transfers was accepted (OK enabled) and stored; the dialog now says why, on
    the final round, and OK stays off. Under the usual 50 % the same figures are a result."""
    from PySide6.QtWidgets import QDialogButtonBox

    from warroom.ui.result_dialog import ResultDialog

    path = tmp_path / "result.csv"
    path.write_text(ANN_45, encoding="utf-8")
    for majority, refused in ((40.0, True), (None, False)):
        dialog = ResultDialog(_trio(majority))
        qtbot.addWidget(dialog)
        dialog.load_file(path)
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert ok.isEnabled() is not refused
        if refused:
            assert "'ann' had 45,000 of 100,000 valid votes" in dialog.problems.text()
            assert "majority of 40 %" in dialog.problems.text()
