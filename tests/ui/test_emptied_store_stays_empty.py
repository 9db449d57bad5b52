"""A store whose races were all deleted (here, by a teammate, or by `warroom contest delete`) stays empty: every
start re-seeded it with the demo races, which the user had deleted. Only a store never written is new. The
window then opens with no race and says how to make one; the command line says the same."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from tests.cli._run import ok, run
from warroom.bootstrap import open_store
from warroom.paths import AppPaths
from warroom.store import contests
from warroom.store import polls as repo


def _emptied(tmp_path: Path) -> AppPaths:
    paths = AppPaths.under(tmp_path)
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir)
    assert store.seeded
    with store.sessions.begin() as s:
        for c in repo.list_contests(s):
            contests.delete_contest(s, c.id or 0)
    store.close()
    return paths


def test_a_store_whose_races_were_all_deleted_is_not_seeded_again(tmp_path: Path) -> None:
    paths = _emptied(tmp_path)
    again = open_store(paths.database, backup_dir=paths.backup_dir)
    try:
        assert not again.seeded
        with again.sessions() as s:
            assert repo.count_contests(s) == 0
    finally:
        again.close()
    fresh = open_store(tmp_path / "new.sqlite3", backup_dir=None)  # a new store is still seeded
    try:
        assert fresh.seeded
    finally:
        fresh.close()


def test_the_command_line_on_an_emptied_store_says_how_to_make_a_race(tmp_path: Path) -> None:
    _emptied(tmp_path / "state")
    db = ["--data-dir", str(tmp_path / "state")]
    assert "London" not in ok(*db, "contests")
    code, _out, err = run(*db, "polls")
    assert code == 1 and "the store has no contest" in err and "warroom contest new --from" in err, err


def test_the_window_on_an_emptied_store_opens_with_no_race_and_asks_for_one(qtbot, tmp_path: Path) -> None:
    """It opened with no title, an empty picker, charts of no race and Add poll on (which then failed)."""
    from warroom.app import WarRoom
    from warroom.services.settings import AppSettings
    from warroom.ui.main_window import NO_RACE_STORED_MESSAGE

    paths = _emptied(tmp_path)
    store = open_store(paths.database, backup_dir=paths.backup_dir)
    settings = AppSettings(QSettings(str(paths.settings_file), QSettings.Format.IniFormat))
    room = WarRoom(store, settings, watch=False)
    qtbot.addWidget(room.window)
    room.window.show()
    qtbot.waitExposed(room.window)
    try:
        assert not store.seeded and room.poll_service.contest is None
        window = room.window
        assert window.windowTitle().startswith("No race open")
        assert window.statusBar().currentMessage() == NO_RACE_STORED_MESSAGE
        assert not window.action_add.isEnabled() and not window.polls_pane.add_button.isEnabled()
        assert not window.action_import.isEnabled()
        _charts_say_no_race(window.charts, qtbot)
    finally:
        room.window.close()
        store.close()


def test_deleting_the_last_race_in_the_window_shows_no_race_not_the_deleted_ones_polls(room, qtbot) -> None:
    """The deleted race's title, polls, charts and scenario stayed on screen with Add poll on."""
    window, ps = room.window, room.poll_service
    assert ps.polls and window.polls_pane.model.rowCount() > 0
    room.contest_actions._confirm = lambda *_: True
    assert room.contest_actions.delete_contest()
    qtbot.waitUntil(lambda: window.polls_pane.model.rowCount() == 0)
    assert ps.contest is None and not ps.polls
    assert window.windowTitle().startswith("No race open")
    assert "No race in this store: make one with File > New contest" in window.statusBar().currentMessage()
    assert not window.action_add.isEnabled() and not window.polls_pane.add_button.isEnabled()
    assert room.contest_actions.picker.count() == 0
    _charts_say_no_race(window.charts, qtbot)
    # the runoff panel says there is no race, not "no poll of" the race deleted
    assert room.scenarios.contest is None and room.scenarios.view is None
    assert "No race in this store" in room.scenarios.cleared
    # File > New contest then opens a race as ever: its charts and panel are its own again
    from dataclasses import replace

    from tests.conftest import TOY
    from warroom.ui.charts import EMPTY_HINT

    made = ps.create_contest(replace(TOY, id=None, name="A new race"))
    ps.open_contest(made.id)
    qtbot.waitUntil(lambda: window.charts._empty_notes["first"].toPlainText() == EMPTY_HINT)
    assert ps.contest is not None and ps.contest.name == "A new race"
    assert window.action_add.isEnabled() and window.polls_pane.add_button.isEnabled()
    assert room.scenarios.contest is not None and room.scenarios.contest.name == "A new race"
    assert "A new race" in window.windowTitle()


def _charts_say_no_race(charts, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Each chart says no race is open, under its plain title: not the deleted race's candidates, nor 1970."""
    from warroom.ui.charts import CHART_TITLES, NO_RACE_HINT

    qtbot.waitUntil(lambda: charts._empty_notes["first"].toPlainText() == NO_RACE_HINT)
    qtbot.wait(300)  # (the deleted race's empty average lands after: it named its candidates in the titles)
    for key, plot in charts.plots.items():
        assert plot.titleLabel.text == CHART_TITLES[key], key
        assert charts._empty_notes[key].isVisible(), key
        assert plot.getViewBox().viewRange()[0][0] > 1.5e9, key  # (epoch seconds: a date of this century)
