"""Fifteenth hostile pass, races: a refused Delete contest leaves the backups as they were."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings

from tests.conftest import TOY
from tests.ui.conftest import toy_polls
from warroom.paths import AppPaths
from warroom.store import polls as repo
from warroom.store.db import BACKUPS_KEPT, backup_folder, backup_sqlite, list_backups
from warroom.store.recovery import RECOVERY_FILE_NAME

pytestmark = pytest.mark.gui


@pytest.fixture
def room(qapp: Any, qtbot: Any, tmp_path: Path) -> Iterator[Any]:
    """A window over a SQLite store whose Delete contest takes its backup into the data folder's backups."""
    from warroom.app import WarRoom
    from warroom.bootstrap import open_store
    from warroom.services.settings import AppSettings

    paths = AppPaths.under(tmp_path)
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir, seed=False)
    with store.sessions.begin() as s:
        cid = repo.add_contest(s, TOY)
        repo.add_polls(s, cid, toy_polls())
    settings = AppSettings(QSettings(str(paths.settings_file), QSettings.Format.IniFormat))
    made = WarRoom(
        store,
        settings,
        watch=False,
        recovery_file=paths.data_dir / RECOVERY_FILE_NAME,
        backup_dir=paths.backup_dir,
    )
    made.paths_for_test = paths
    qtbot.addWidget(made.window)
    made.window.show()
    qtbot.waitUntil(lambda: made.averages.averages is not None)
    yield made
    made.window.close()
    store.close()


def _backups(paths: AppPaths) -> list[Path]:
    return list_backups(backup_folder(paths.database, paths.backup_dir), paths.database.stem)


def test_a_refused_delete_contest_takes_no_backup_and_rotates_none_of_the_users_away(room, qtbot) -> None:
    """Delete contest confirmed after a teammate replaced the race is refused (fourteenth pass), but the backup
    was taken first: an extra before-delete file was left, and, with five backups kept, the rotation deleted the
    user's oldest real backup for a delete that never happened. Now the backups are exactly as they were."""
    paths = room.paths_for_test
    for _ in range(BACKUPS_KEPT):
        backup_sqlite(paths.database, paths.backup_dir, reason="start")
    before = _backups(paths)
    assert len(before) == BACKUPS_KEPT
    with room.store.sessions.begin() as s:
        race_b = repo.add_contest(s, replace(TOY, name="Race B"))
    room.poll_service.contests_changed.emit(room.poll_service.contests())
    picker = room.contest_actions.picker
    picker.setCurrentIndex(picker.findData(race_b))
    assert room.poll_service.contest.id == race_b
    errors: list[str] = []
    room.window.show_error = errors.append

    def teammate(_title: str, _question: str) -> bool:
        from warroom.store import contests

        with room.store.sessions.begin() as s:
            contests.delete_contest(s, race_b)
            made = repo.add_contest(s, replace(TOY, name="Teammate's race"))
            repo.add_polls(s, made, toy_polls())
        assert made == race_b
        return True

    room.contest_actions._confirm = teammate
    assert not room.contest_actions.delete_contest()
    assert any("Race B" in e for e in errors), errors
    assert _backups(paths) == before  # no extra file, none of the user's rotated away
    with room.store.sessions() as s:
        assert len(repo.list_polls(s, race_b)) == len(toy_polls())


def test_a_delete_contest_that_goes_ahead_still_takes_its_backup_first(room, qtbot) -> None:
    """The other side: a delete that goes ahead is backed up, the copy holding the race deleted."""
    paths = room.paths_for_test
    before = set(_backups(paths))
    room.contest_actions._confirm = lambda _title, _question: True
    assert room.contest_actions.delete_contest()
    made = [b for b in _backups(paths) if b not in before]
    assert len(made) == 1 and "before-delete" in made[0].name
    import sqlite3

    copy = sqlite3.connect(made[0])
    try:
        assert copy.execute("SELECT name FROM contest").fetchall() == [(TOY.name,)]
    finally:
        copy.close()


def test_a_race_replaced_while_its_backup_is_taken_leaves_no_stray_backup(room, qtbot, monkeypatch) -> None:
    """The check is made again under the write lock after the backup (a teammate may replace the race while the
    copy is written): refused then too, and the copy, of a delete that never happened, is removed."""
    from warroom.store import contests

    paths = room.paths_for_test
    before = _backups(paths)
    race = room.poll_service.contest
    taken: list[Path] = []
    real = contests.backup_before_delete

    def backup_then_teammate(engine: Any, backup_dir: Path, session: Any, contest_id: int) -> Path:
        taken.append(real(engine, backup_dir, session, contest_id))
        with room.store.sessions.begin() as s:
            contests.delete_contest(s, contest_id)
            assert repo.add_contest(s, replace(TOY, name="Teammate's race")) == contest_id
        return taken[-1]

    monkeypatch.setattr(contests, "backup_before_delete", backup_then_teammate)
    errors: list[str] = []
    room.window.show_error = errors.append
    room.contest_actions._confirm = lambda _title, _question: True
    assert not room.contest_actions.delete_contest()
    assert any(race.name in e for e in errors), errors
    assert len(taken) == 1 and not taken[0].exists()
    assert set(_backups(paths)) <= set(before)
    with room.store.sessions() as s:
        assert repo.get_contest(s, race.id).name == "Teammate's race"
