"""Fourteenth hostile pass, races: Save as… and event markers while a teammate deletes the race they were for."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings

from tests.conftest import TOY
from tests.ui.conftest import toy_polls
from warroom.paths import AppPaths
from warroom.store import polls as repo
from warroom.store.recovery import RECOVERY_FILE_NAME

pytestmark = pytest.mark.gui


def _open(paths: AppPaths) -> Any:
    from warroom.bootstrap import open_store

    return open_store(paths.database, backup_dir=paths.backup_dir, seed=False)


@pytest.fixture
def room(qapp: Any, qtbot: Any, tmp_path: Path) -> Iterator[Any]:
    from warroom.app import WarRoom
    from warroom.services.settings import AppSettings

    paths = AppPaths.under(tmp_path)
    paths.ensure()
    store = _open(paths)
    with store.sessions.begin() as s:
        cid = repo.add_contest(s, TOY)
        repo.add_polls(s, cid, toy_polls())
    settings = AppSettings(QSettings(str(paths.settings_file), QSettings.Format.IniFormat))
    made = WarRoom(store, settings, watch=False, recovery_file=paths.data_dir / RECOVERY_FILE_NAME)
    qtbot.addWidget(made.window)
    made.window.show()
    qtbot.waitUntil(lambda: made.averages.averages is not None)
    yield made
    made.window.close()
    store.close()


def _asked_while(room: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch, meanwhile: Any, name: str) -> list[str]:
    """Scenario > Save as…: `meanwhile` (a teammate's change) runs while the name dialog is open (its event loop
    lets the window catch up: the race now open is shown, its projection made), then OK."""
    from warroom.ui import actions

    seen: list[str] = []

    def get_text(*_args: Any, **_kwargs: Any) -> tuple[str, bool]:
        meanwhile()
        qtbot.waitUntil(lambda: room.scenarios.view is not None and room.scenarios.contest == room.poll_service.contest)
        seen.append(room.poll_service.contest.name)
        return name, True

    monkeypatch.setattr(actions.QInputDialog, "getText", staticmethod(get_text))
    room.scenario_actions.save()
    return seen


def _teammate_deletes(room: Any, contest_id: int) -> None:
    from warroom.store import contests

    with room.store.sessions.begin() as s:
        contests.delete_contest(s, contest_id)
    room.poll_service.reload(external=True)  # the watch's next look


def test_a_scenario_named_for_a_race_a_teammate_deletes_meanwhile_is_not_saved_into_the_race_opened_instead(
    room, qtbot, monkeypatch
) -> None:
    """Save as… asked a name for race A's settings; a teammate deleted A and the window opened race B: OK saved
    the scenario into B, with B's settings, without a word. Now refused, naming A (and B)."""
    with room.store.sessions.begin() as s:
        race_b = repo.add_contest(s, replace(TOY, name="Race B"))
        repo.add_polls(s, race_b, toy_polls())
    race_a = room.poll_service.contest.id
    errors: list[str] = []
    room.window.show_error = errors.append
    seen = _asked_while(room, qtbot, monkeypatch, lambda: _teammate_deletes(room, race_a), "Made for A")
    qtbot.waitUntil(lambda: room.poll_service.pending_writes == 0, timeout=10000)
    assert seen == ["Race B"]  # the window had moved on while the name was asked
    with room.store.sessions() as s:
        assert repo.list_scenarios(s, race_b) == []
    assert any("Made for A" in e and TOY.name in e and "Race B" in e for e in errors), errors
    assert not room.window.action_undo.isEnabled()  # nothing was done that undo could take back


def test_a_scenario_named_while_a_teammate_renames_the_race_is_still_saved_into_it(room, qtbot, monkeypatch) -> None:
    """A rename is the same race: the scenario is saved into it as asked."""
    from warroom.store import contests

    race_a = room.poll_service.contest.id
    errors: list[str] = []
    room.window.show_error = errors.append

    def rename() -> None:
        with room.store.sessions.begin() as s:
            contests.update_contest(s, race_a, replace(room.poll_service.contest, name="Renamed by a teammate"))
        room.poll_service.reload(external=True)

    seen = _asked_while(room, qtbot, monkeypatch, rename, "Kept in A")
    qtbot.waitUntil(lambda: room.poll_service.pending_writes == 0, timeout=10000)
    assert seen == ["Renamed by a teammate"] and errors == []
    with room.store.sessions() as s:
        assert [name for name, *_rest in repo.list_scenarios(s, race_a)] == ["Kept in A"]


def test_an_event_marker_typed_for_a_race_a_teammate_deletes_meanwhile_is_not_put_on_the_race_opened_instead(
    room, qtbot, monkeypatch
) -> None:
    """Charts > Add event marker asks the note, then the date; a teammate deleted the race meanwhile and the window
    opened race B: the marker went onto B's charts. Now refused, naming both races."""
    from PySide6.QtWidgets import QInputDialog

    with room.store.sessions.begin() as s:
        race_b = repo.add_contest(s, replace(TOY, name="Race B"))
    race_a = room.poll_service.contest.id
    errors: list[str] = []
    room.window.show_error = errors.append
    answers = iter([("Debate night", True), ("2024-02-10", True)])

    def get_text(*_args: Any, **_kwargs: Any) -> tuple[str, bool]:
        answer = next(answers)
        if answer[0] == "2024-02-10":  # while the date is asked
            _teammate_deletes(room, race_a)
        return answer

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    room.window.add_annotation()
    assert room.poll_service.contest.id == race_b
    with room.store.sessions() as s:
        assert repo.list_annotations(s, race_b) == []
    assert any("Debate night" in e and TOY.name in e and "Race B" in e for e in errors), errors


def test_an_event_marker_chosen_for_removal_in_a_deleted_race_never_removes_one_of_the_race_opened_instead(
    room, qtbot, monkeypatch
) -> None:
    """Remove event marker lists race A's markers; a teammate deletes A and adds a marker to race B, which SQLite
    numbers as A's was: the removal chosen from A's list deleted B's marker. Now nothing is removed, and it is said."""
    from PySide6.QtWidgets import QInputDialog

    from warroom.core.types import Annotation

    with room.store.sessions.begin() as s:
        race_b = repo.add_contest(s, replace(TOY, name="Race B"))
    race_a = room.poll_service.contest.id
    room.poll_service.add_annotation(Annotation(date(2024, 2, 1), "A's marker"))
    errors: list[str] = []
    room.window.show_error = errors.append

    def get_item(_parent: Any, _title: str, _label: str, labels: list[str], *_rest: Any) -> tuple[str, bool]:
        _teammate_deletes(room, race_a)
        with room.store.sessions.begin() as s:
            repo.add_annotation(s, race_b, Annotation(date(2024, 3, 1), "B's marker"))
        room.poll_service.reload(external=True)
        return labels[0], True

    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(get_item))
    room.window.remove_annotation()
    assert room.poll_service.contest.id == race_b
    with room.store.sessions() as s:
        assert [a.text for a in repo.list_annotations(s, race_b)] == ["B's marker"]
    assert any(TOY.name in e and "Race B" in e for e in errors), errors


def test_delete_contest_confirmed_after_a_teammate_replaced_the_race_never_deletes_theirs(room, qtbot) -> None:
    """File > Delete contest asks first; meanwhile a teammate deletes the race and makes another, which SQLite stores
    under the same number: Yes deleted the teammate's new race, with its polls. Now refused naming the race, nothing
    deleted."""
    with room.store.sessions.begin() as s:
        race_b = repo.add_contest(s, replace(TOY, name="Race B"))
    room.poll_service.contests_changed.emit(room.poll_service.contests())
    picker = room.contest_actions.picker
    picker.setCurrentIndex(picker.findData(race_b))
    assert room.poll_service.contest.id == race_b  # the newest race: its number is the next one SQLite gives
    errors: list[str] = []
    room.window.show_error = errors.append

    def teammate(_title: str, _question: str) -> bool:
        _teammate_deletes(room, race_b)
        with room.store.sessions.begin() as s:
            made = repo.add_contest(s, replace(TOY, name="Teammate's race"))
            repo.add_polls(s, made, toy_polls())
        assert made == race_b
        return True

    room.contest_actions._confirm = teammate
    assert not room.contest_actions.delete_contest()
    with room.store.sessions() as s:
        assert len(repo.list_polls(s, race_b)) == len(toy_polls())  # the teammate's race is still there
    assert any("Race B" in e for e in errors), errors


def test_transfer_priors_chosen_for_a_race_a_teammate_deletes_meanwhile_are_not_given_to_the_race_opened_instead(
    room, qtbot
) -> None:
    """Scenario's transfer priors are chosen from a list for race A; a teammate deletes A and the window opens race
    B: the choice was stored as B's. Now refused naming both, B's own left as it was."""
    from warroom.core.types import OfficialResult
    from warroom.store import contests

    with room.store.sessions.begin() as s:
        past = repo.add_contest(s, replace(TOY, name="Past race"))
        race_b = repo.add_contest(s, replace(TOY, name="Race B"))  # the newest: opened when A goes
        result = OfficialResult(
            first_round={"ann": 45, "bob": 35, "cat": 20},
            final_round={"ann": 52, "bob": 40},
            transfers=(("cat", "ann", 7), ("cat", "bob", 5)),
            exhausted=8,
        )
        contests.set_official_result(s, past, result)
    race_a = room.poll_service.contest.id
    errors: list[str] = []
    room.window.show_error = errors.append

    def pick(names: list[str]) -> str:
        _teammate_deletes(room, race_a)
        return "Past race"

    assert room.contest_actions.choose_priors(pick) is None
    assert room.poll_service.contest.id == race_b
    with room.store.sessions() as s:
        assert repo.get_contest(s, race_b).transfer_prior == ""
    assert any(TOY.name in e and "Race B" in e for e in errors), errors


def test_a_file_chosen_for_import_into_a_race_a_teammate_deletes_meanwhile_is_not_imported_into_another(
    room, qtbot, monkeypatch, tmp_path
) -> None:
    """File > Import… chose a poll file for race A; a teammate deleted A while the file dialog was open and the
    window opened race B (same candidates): the file was imported into B without a word. Now refused naming both;
    the file is still there to import again."""
    from warroom.core.csvformat import polls_to_csv
    from warroom.ui import main_window

    with room.store.sessions.begin() as s:
        race_b = repo.add_contest(s, replace(TOY, name="Race B"))
    race_a = room.poll_service.contest.id
    path = tmp_path / "more.csv"
    path.write_text(polls_to_csv(room.poll_service.polls[:2], room.poll_service.contest), encoding="utf-8")
    errors: list[str] = []
    room.window.show_error = errors.append

    def get_open_file_name(*_args: Any, **_kwargs: Any) -> tuple[str, str]:
        _teammate_deletes(room, race_a)
        return str(path), ""

    monkeypatch.setattr(main_window.QFileDialog, "getOpenFileName", staticmethod(get_open_file_name))
    room.window.choose_import()
    qtbot.waitUntil(lambda: not room.import_worker.busy, timeout=10000)
    qtbot.waitUntil(lambda: room.poll_service.pending_writes == 0, timeout=10000)
    assert room.poll_service.contest.id == race_b
    with room.store.sessions() as s:
        assert repo.list_polls(s, race_b) == []
    assert any("more.csv" in e and TOY.name in e and "Race B" in e for e in errors), errors
