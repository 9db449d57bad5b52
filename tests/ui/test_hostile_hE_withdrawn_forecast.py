"""Fresh hostile pass hE: Scenario > Forecast over time and `warroom forecast` of a race with one candidate left
standing say why there is nothing to forecast (an empty table; "No polls with first-round figures yet")."""

from __future__ import annotations

import dataclasses

from tests.conftest import TOY, make_poll


def test_the_forecast_verb_and_dialog_say_why_a_race_of_one_standing_candidate_has_no_forecast(tmp_path, qtbot) -> None:
    from tests.cli._run import run
    from warroom.bootstrap import open_store
    from warroom.paths import AppPaths
    from warroom.store import polls as repo
    from warroom.ui.forecast_dialog import ForecastDialog

    out = dataclasses.replace(
        TOY, candidates=tuple(dataclasses.replace(c, withdrawn=c.code != "cat") for c in TOY.candidates)
    )
    paths = AppPaths.under(tmp_path)
    paths.ensure()
    opened = open_store(paths.database, backup_dir=paths.backup_dir, seed=False)
    with opened.sessions.begin() as s:
        repo.add_polls(s, repo.add_contest(s, out), [make_poll(day, a=40.5, b=37.5, c=22.0) for day in (1, 5)])
    opened.close()
    code, printed, err = run("forecast", "--contest", out.name, "--db", str(paths.database))
    assert code != 0 and "fewer than two standing candidates" in err and printed == ""  # (an empty table)
    dialog = ForecastDialog([], {}, {}, contest=out)
    qtbot.addWidget(dialog)
    assert "fewer than two standing candidates" in dialog.summary.text()


def test_the_panel_says_a_race_of_one_standing_candidate_has_no_runoff(qtbot, tmp_path) -> None:
    from tests.ui.conftest import room_of

    out = dataclasses.replace(
        TOY, candidates=tuple(dataclasses.replace(c, withdrawn=c.code != "cat") for c in TOY.candidates)
    )
    polls = [make_poll(day, a=40.5, b=37.5, c=22.0) for day in (1, 5, 9)]
    for room in room_of(qtbot, tmp_path, out, polls, ready="averages"):
        panel = room.scenario_panel
        # (it said "No poll of Toyton Mayor with first-round figures yet", though the race has three)
        qtbot.waitUntil(lambda p=panel: "fewer than two standing candidates" in p.verdict.text(), timeout=20000)
        assert room.scenarios.view is None and panel.runoff_label.text() == ""


def test_a_case_on_screen_goes_when_a_teammate_withdraws_all_but_one(room, qtbot) -> None:
    # The case of three standing (a runoff of Ann and Bob) stayed on screen, its verdict and chance, when the race
    # was edited to leave Cat alone standing: only the status bar said "No baseline: ...".
    from PySide6.QtWidgets import QDialog

    from warroom.ui.contest_dialog import ContestDialog

    qtbot.waitUntil(lambda: room.scenarios.view is not None, timeout=20000)
    edit = ContestDialog(room.poll_service.contest, [], [])
    qtbot.addWidget(edit)
    for row in (0, 1):
        edit.candidates.item(row, 4).setCheckState(edit.candidates.item(row, 4).checkState().__class__.Checked)
    answers = [QDialog.DialogCode.Accepted]
    edit.exec = lambda: answers.pop(0) if answers else QDialog.DialogCode.Rejected  # type: ignore[method-assign]
    assert room.contest_actions.edit_contest(edit) is not None
    panel = room.scenario_panel
    qtbot.waitUntil(lambda: "fewer than two standing candidates" in panel.verdict.text(), timeout=20000)
    assert room.scenarios.view is None and room.answer_view.verdict.text() == panel.verdict.text()
