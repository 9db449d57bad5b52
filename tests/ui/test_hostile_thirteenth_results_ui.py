"""Issue 16, thirteenth hostile pass over official results and forecasts, in the window. Each test failed before
its fix."""

from __future__ import annotations

from pathlib import Path


def test_the_official_result_dialog_holds_a_result_to_the_contests_majority(qtbot, tmp_path: Path) -> None:
    """File > Official result on a race whose contest file says `majority = 40`: a result with Ann at 45 % in the
    first round and a final round of transfers was accepted (OK enabled) and stored; the dialog now says why, on
    the final round, and OK stays off. Under the usual 50 % the same figures are a result."""
    from PySide6.QtWidgets import QDialogButtonBox

    from tests.core.test_hostile_thirteenth_results import ANN_45, _trio
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


def test_the_forecast_over_time_draws_a_third_candidate_with_a_real_chance(qtbot) -> None:
    """Four candidates level at 25 %: Scenario > Forecast over time drew the chance of the average's pair only,
    Able 27 % and Baker 24 %, and left out Cole, likelier than Baker at 26 % (`warroom forecast` named Able and
    Cole); every candidate whose chance reaches 5 % on some day is now drawn and given in the summary."""
    from datetime import date

    from warroom.core.forecast import chance_text
    from warroom.core.pipeline import ForecastPoint
    from warroom.ui.forecast_dialog import ForecastDialog

    chances = {"ann": 0.27, "bob": 0.24, "cat": 0.26, "dan": 0.23}
    points = [
        ForecastPoint(date(2025, 4, 15), 1, "ann", "bob", 0.0, (-9.0, 9.0), {**chances, "cat": 0.04}),
        ForecastPoint(date(2025, 4, 22), 2, "ann", "bob", 0.0, (-8.8, 8.8), chances),
    ]
    names = {"ann": "Able", "bob": "Baker", "cat": "Cole", "dan": "Dee"}
    dialog = ForecastDialog(points, names, dict.fromkeys(names, "#333333"))
    qtbot.addWidget(dialog)
    assert list(dialog.curves) == ["ann", "cat", "bob", "dan"]  # likeliest first
    _x, y = dialog.curves["cat"].getData()
    assert list(y) == [4.0, 26.0]
    assert "Able 27 %, Cole 26 %, Baker 24 %, Dee 23 %" in dialog.summary.text()
    assert chance_text(0.26) == "26 %"
