"""Several contests in one window: new, pick, edit, delete (with a backup first), the demo marked (issue 10)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDialog

from warroom.demo import FRANCE_2022_NAME, IRV_DEMO_NAME
from warroom.paths import AppPaths
from warroom.ui.contest_dialog import ContestDialog


@pytest.fixture
def room(qtbot, tmp_path: Path) -> Iterator[object]:
    from warroom.app import WarRoom
    from warroom.bootstrap import open_store
    from warroom.services.settings import open_settings

    paths = AppPaths.under(tmp_path)
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir)  # the demo race
    room = WarRoom(store, open_settings(paths), watch=False, backup_dir=paths.backup_dir)
    qtbot.addWidget(room.window)
    room.window.show()
    qtbot.waitUntil(lambda: room.scenarios.view is not None)
    yield room
    room.window.close()
    store.close()


def _answer(dialog: ContestDialog, *answers: QDialog.DialogCode) -> ContestDialog:
    queue = list(answers)
    dialog.exec = lambda: queue.pop(0) if queue else QDialog.DialogCode.Rejected  # type: ignore[method-assign]
    return dialog


def test_set_up_a_2027_race_pick_it_edit_it_and_delete_it(room, qtbot, tmp_path: Path) -> None:
    actions, ps = room.contest_actions, room.poll_service
    demo = ps.contest
    assert demo.demo and "(demo)" in room.window.windowTitle() and "(demo)" in actions.picker.currentText()
    dialog = ContestDialog(taken_names=[c.name for c in ps.contests()])
    qtbot.addWidget(dialog)
    dialog.name.setText("Cumbria Mayor 2027")
    dialog.election.setDate(QDate(2027, 5, 6))
    dialog.add_party("LAB", "Labour")
    dialog.candidates.item(0, 0).setText("Ada Lovelace")
    dialog.candidates.item(0, 2).setText("LAB")
    dialog.candidates.item(1, 0).setText("Rex Smith")
    made = actions.new_contest(_answer(dialog, QDialog.DialogCode.Accepted))
    assert made is not None and ps.contest.name == "Cumbria Mayor 2027"
    assert actions.picker.count() == 4 and actions.picker.currentText() == "Cumbria Mayor 2027"  # and three demos
    assert room.window.windowTitle().startswith("Cumbria Mayor 2027")
    assert ps.polls == [] and room.averages.averages is None  # a fresh race: no polls yet
    # switching back is one pick in the toolbar
    actions.picker.setCurrentIndex(actions.picker.findData(demo.id))
    assert ps.contest.id == demo.id and len(ps.polls) > 10
    qtbot.waitUntil(lambda: room.averages.averages is not None)
    actions.picker.setCurrentIndex(actions.picker.findData(made.id))
    # edit: rename and withdraw a candidate
    edit = ContestDialog(ps.contest, [demo.name], [])
    qtbot.addWidget(edit)
    edit.name.setText("Cumbria Mayor (May 2027)")
    edit.candidates.item(1, 4).setCheckState(edit.candidates.item(1, 4).checkState().__class__.Checked)
    assert actions.edit_contest(_answer(edit, QDialog.DialogCode.Accepted)) is not None
    assert ps.contest.name == "Cumbria Mayor (May 2027)" and ps.contest.candidate("smith").withdrawn
    assert actions.picker.findText("Cumbria Mayor (May 2027)") >= 0
    # a taken name is refused and the dialog comes back as typed
    errors: list[str] = []
    room.window.show_error = errors.append  # type: ignore[method-assign]
    clash = ContestDialog(ps.contest, [], [])
    qtbot.addWidget(clash)
    clash.name.setText(demo.name)
    assert actions.edit_contest(_answer(clash, QDialog.DialogCode.Accepted)) is None
    assert errors and "already" in errors[0] and ps.contest.name == "Cumbria Mayor (May 2027)"
    # delete: asks, backs up first, opens the remaining contest; the demo is untouched
    actions._confirm = lambda *_: True
    before = set((tmp_path / "data" / "backups").glob("*"))
    assert actions.delete_contest()
    assert set((tmp_path / "data" / "backups").glob("*")) - before  # a new backup file
    assert [c.name for c in ps.contests()] == [FRANCE_2022_NAME, demo.name, IRV_DEMO_NAME] and ps.contest.id == demo.id
    assert len(ps.polls) > 10


def test_delete_can_be_declined(room) -> None:
    room.contest_actions._confirm = lambda *_: False
    assert not room.contest_actions.delete_contest()
    assert len(room.poll_service.contests()) == 3  # London 2012, France 2022 and Burlington 2009


def test_a_new_race_takes_its_default_transfers_from_the_2012_count(room, qtbot) -> None:
    from dataclasses import replace

    from tests.conftest import make_poll
    from warroom.core.types import Candidate, Contest, CountingSystem, Party

    ps = room.poll_service
    demo = ps.contest
    assert ps.official_result(demo.id) is not None  # the demo's 2012 result is in the store
    made = ps.create_contest(
        Contest(
            "Riverside Mayor 2027",
            date(2027, 5, 6),
            CountingSystem.SV,
            (
                Candidate("ada", "Ada Lab", "LAB"),
                Candidate("cy", "Cy Con", "CON"),
                Candidate("gus", "Gus Green", "GRN"),
            ),
            (Party("LAB", "Labour"), Party("CON", "Conservative"), Party("GRN", "Green")),
        )
    )
    poll = replace(
        make_poll(1),
        fieldwork_start=date(2027, 3, 1),
        fieldwork_end=date(2027, 3, 3),
        first_round={"ada": 40, "cy": 35, "gus": 25},
    )
    ps.add_polls([poll])
    qtbot.waitUntil(lambda: room.scenarios.view is not None and room.scenarios.contest.id == made.id)
    neutral = room.scenarios.scenario.split("gus")
    assert room.contest_actions.choose_priors(pick=lambda names: demo.name) == demo.name
    qtbot.waitUntil(lambda: room.scenarios.scenario is not None and room.scenarios.scenario.split("gus") != neutral)
    prior = room.scenarios.scenario.split("gus")
    assert prior.to_a + prior.to_b == pytest.approx(100 * 185_235 / 346_626, abs=0.01)  # 2012's pooled rate
    assert prior.a_of_valid == pytest.approx(100 * 102_355 / 185_235, abs=0.01)  # Labour's finalist's share
    assert room.preferences.transfer_prior == demo.name and ps.contest.transfer_prior == demo.name  # stored
    # the command line on the same store starts from the same default split: one number, one place
    import io
    import json

    from warroom.cli import main

    out, err = io.StringIO(), io.StringIO()
    db = room.store.target
    assert main(["scenario", "--db", db, "--contest", made.name, "--json"], out=out, err=err) == 0, err.getvalue()
    cli_split = json.loads(out.getvalue())["settings"]["splits"]["gus"]
    assert cli_split == pytest.approx([prior.to_a, prior.to_b, prior.exhausted])
    # the choice is the contest's own: back on the demo there are no priors, and it comes back with Riverside
    room.contest_actions.picker.setCurrentIndex(room.contest_actions.picker.findData(demo.id))
    assert room.preferences.transfer_prior == ""
    room.contest_actions.picker.setCurrentIndex(room.contest_actions.picker.findData(made.id))
    assert room.preferences.transfer_prior == demo.name


def test_an_official_result_entered_in_the_app_is_stored_and_back_tested(room, qtbot, tmp_path: Path) -> None:
    from warroom.ui.result_dialog import ResultDialog

    ps = room.poll_service
    demo = ps.contest
    ps.create_contest(_replace_name(demo, "London Mayor 2012 (copy)"))
    copy = ps.contest
    dialog = ResultDialog(copy)
    qtbot.addWidget(dialog)
    assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()  # nothing typed
    csv = tmp_path / "result.csv"
    csv.write_text(
        "candidate,first_round,final_round\nJohnson,971931,1054811\nLivingstone,889918,992273\nJones,98913,\n"
        "Other,247713,\n"  # the other four: a final round cannot hold more votes than the first round counted
    )
    dialog.load_file(csv)
    assert dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
    dialog.table.item(0, 0).setText("not a number")
    assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
    dialog.table.item(0, 0).setText("971,931")
    stored = room.contest_actions.edit_result(_answer(dialog, QDialog.DialogCode.Accepted))
    assert stored is not None and ps.official_result(copy.id).final_round == {"johnson": 1054811, "livingstone": 992273}


def _replace_name(contest, name):
    from dataclasses import replace

    return replace(contest, name=name, id=None, demo=False)


def test_the_contest_picker_shows_every_demo_name_whole(demo, qtbot) -> None:
    """The toolbar's picker cut "Burlington Mayor 2009 (demo)" to "Burlington Mayor 2009 (den"."""
    picker = demo.contest_actions.picker
    metrics = picker.fontMetrics()
    widest = max(metrics.horizontalAdvance(picker.itemText(i)) for i in range(picker.count()))
    assert picker.count() >= 3
    for i in range(picker.count()):
        picker.setCurrentIndex(i)
        qtbot.waitUntil(lambda: picker.width() > 0)
    assert picker.width() >= widest + 20  # the text, the frame and the arrow
