"""Issue 16: every window action does, for a race's counting system, what the command line does for it.

A two-round race's polls are notices with questions (store.questions), which no plain poll CSV can carry (their
hypotheses name candidates who are not the race's): `warroom export FILE.csv` refuses such a race, pointing to the
bundle. The window's File > Export polls wrote the race's plain polls, none, as a header line and said "0 polls
exported": a file that imports back nothing."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import TOY
from tests.ui.conftest import two_round_room
from warroom.core.types import CountingSystem

pytestmark = pytest.mark.gui


@pytest.fixture
def race(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    yield from two_round_room(qtbot, tmp_path, replace(TOY, system=CountingSystem.TWO_ROUND))


def test_export_polls_is_off_for_a_two_round_race_and_refused_as_the_command_line_refuses_it(
    race, qtbot, tmp_path, monkeypatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    from warroom.ui.main_window import TWO_ROUND_EXPORT_TIP

    win = race.window
    assert not win.action_export.isEnabled()
    assert win.action_export.toolTip() == TWO_ROUND_EXPORT_TIP
    assert "--bundle" in TWO_ROUND_EXPORT_TIP
    out = tmp_path / "polls.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), "")))
    errors: list[str] = []
    win.show_error = errors.append
    win.choose_export()  # (a route around the action: the reason, nothing written)
    assert errors == [TWO_ROUND_EXPORT_TIP + "."]
    assert not out.exists()
    assert win.exporting is None


def test_export_polls_stays_on_for_a_runoff_race(room) -> None:
    assert room.window.action_export.isEnabled()
    assert room.window.action_export.toolTip() == "Save every poll to a CSV file"


def test_official_result_is_off_for_a_two_round_race_whose_result_is_its_official_rounds(race) -> None:
    """The form's first-and-final-round result was stored beside the race's official rounds, read by none of its
    figures; `warroom contest result` refuses it the same way (the store's own refusal)."""
    from warroom.store import contests as contests_repo
    from warroom.ui.contest_actions import TWO_ROUND_RESULT_TIP

    actions = race.contest_actions
    assert not actions.action_result.isEnabled()
    assert actions.action_result.toolTip() == TWO_ROUND_RESULT_TIP
    assert "official_results.csv" in TWO_ROUND_RESULT_TIP
    errors: list[str] = []
    race.window.show_error = errors.append
    assert actions.edit_result() is None  # (a route around the action: the reason, no form)
    assert errors == [TWO_ROUND_RESULT_TIP + "."]
    with race.store.sessions() as s:
        assert contests_repo.get_official_result(s, race.poll_service.contest.id) is None


def test_official_result_stays_on_for_a_runoff_race(room) -> None:
    from warroom.ui.contest_actions import RESULT_TIP

    assert room.contest_actions.action_result.isEnabled()
    assert room.contest_actions.action_result.toolTip() == RESULT_TIP


def _past_race_with_a_result(room) -> str:  # type: ignore[no-untyped-def]
    from warroom.core.types import OfficialResult
    from warroom.store import contests as contests_repo
    from warroom.store import polls as repo

    past = replace(TOY, name="Past race")
    with room.store.sessions.begin() as s:
        pid = repo.add_contest(s, past)
        result = OfficialResult(first_round={"ann": 500, "bob": 400, "cat": 100}, final_round={"ann": 560, "bob": 440})
        contests_repo.set_official_result(s, pid, result)
    return past.name


def test_edit_contest_keeps_the_transfer_priors_chosen_for_the_race(room, qtbot) -> None:
    """File > Edit contest (a note changed) cleared the past count chosen with File > Transfer priors: the form
    has no field for it and made the race without it, so the race's default transfers went back to an even split
    without a word."""
    from tests.ui.conftest import AnsweredContestDialog
    from warroom.ui.contest_dialog import ContestDialog

    past = _past_race_with_a_result(room)
    errors: list[str] = []
    room.window.show_error = errors.append
    assert room.contest_actions.choose_priors(pick=lambda names: past) == past
    qtbot.waitUntil(lambda: room.poll_service.contest.transfer_prior == past, timeout=5000)
    form = ContestDialog(room.poll_service.contest, [past], [], room.window)
    assert form.contest().transfer_prior == past
    edited = replace(form.contest(), notes="A note added")
    form.deleteLater()
    assert room.contest_actions.edit_contest(AnsweredContestDialog(edited)) is not None  # type: ignore[arg-type]
    assert not errors, errors
    qtbot.waitUntil(lambda: room.poll_service.contest.notes == "A note added", timeout=5000)
    assert room.poll_service.contest.transfer_prior == past


def test_transfer_priors_are_off_for_a_two_round_race_which_reads_none(race) -> None:
    """A two-round race's runoff transfers come from its polls' transfer matrices: a past count chosen was stored
    and read by none of its figures."""
    from warroom.ui.contest_actions import PRIORS_TIP, TWO_ROUND_PRIORS_TIP

    actions = race.contest_actions
    assert not actions.action_priors.isEnabled()
    assert actions.action_priors.toolTip() == TWO_ROUND_PRIORS_TIP
    errors: list[str] = []
    race.window.show_error = errors.append
    assert actions.choose_priors(pick=lambda names: names[-1]) is None
    assert errors == [TWO_ROUND_PRIORS_TIP + "."]
    assert race.poll_service.contest.transfer_prior == ""
    assert PRIORS_TIP != TWO_ROUND_PRIORS_TIP


def _bundle_of(room, path: Path) -> Path:  # type: ignore[no-untyped-def]
    from warroom.store import contests as contests_repo

    with room.store.sessions() as s:
        bundle = contests_repo.export_bundle(s, room.poll_service.contest.id)
    path.write_text(contests_repo.bundle_to_text(bundle), encoding="utf-8")
    return path


@pytest.mark.parametrize("system", ["runoff", "two-round"])
def test_a_campaign_bundle_imported_or_pasted_in_the_window_is_named_as_one(system, qtbot, tmp_path, request) -> None:  # type: ignore[no-untyped-def]
    """`warroom import FILE` reads a bundle (recognised by its content); File > Import and a drop read it as a
    poll CSV, "line 1: missing column 'pollster' (have: {)", and a two-round race as the poll CSV with
    questions. Now it is named as a bundle, with the command that imports it; nothing is stored."""
    room = request.getfixturevalue("race" if system == "two-round" else "room")
    path = _bundle_of(room, tmp_path / "campaign.json")
    errors: list[str] = []
    room.window.show_error = errors.append
    with qtbot.waitSignal(room.import_worker.import_failed, timeout=20000):
        room.import_actions.import_file(path)
    assert len(errors) == 1, errors
    assert "campaign bundle" in errors[0] and "warroom import campaign.json" in errors[0], errors
    assert "missing column" not in errors[0]
    room.import_actions.import_text(path.read_text(encoding="utf-8"))  # pasted
    assert len(errors) == 2 and "campaign bundle" in errors[1], errors


def test_a_double_click_on_a_two_round_races_poll_says_how_it_changes_not_that_it_was_deleted(race, qtbot) -> None:
    """A two-round race's rows are its notices, read-only (Edit poll and Delete poll are off on them). A double
    click opened the poll form on one anyway, and saving it said "The Beta poll was deleted by a teammate or another
    program while it was open in the form", which nobody did, then offered it as a new plain poll."""
    from warroom.ui.main_window import TWO_ROUND_EDIT_TIP

    win = race.window
    view = win.polls_pane.view
    qtbot.waitUntil(lambda: view.model().rowCount() > 0, timeout=10000)
    view.selectRow(0)
    assert win.polls_pane.selected_polls()
    assert not win.action_edit.isEnabled() and not win.action_delete.isEnabled()
    asked: list[object] = []
    win._ask_poll = lambda contest, entered: asked.append(entered) or (False, entered)  # type: ignore[method-assign]
    errors: list[str] = []
    win.show_error = errors.append
    view.doubleClicked.emit(view.model().index(0, 0))
    win.delete_selected()  # (a route around the action that is off)
    assert asked == [] and errors == []
    assert win.statusBar().currentMessage() == TWO_ROUND_EDIT_TIP
    assert win.undo_stack.count() == 0
