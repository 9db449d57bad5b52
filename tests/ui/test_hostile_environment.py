"""The window in odd environments (issue 16, fourth pass): far time zones."""

from __future__ import annotations

import time
from datetime import date

import pytest


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Auckland", "Etc/GMT+12", "UTC"])
def test_a_poll_day_sits_after_its_own_date_tick_in_every_time_zone(
    qtbot, monkeypatch: pytest.MonkeyPatch, zone: str
) -> None:
    """Days are placed at noon UTC, but the date axis labelled its ticks in local time: east of UTC+12 every
    poll, average and election-day line sat after the next day's tick (2 May read as 3 May)."""
    import pyqtgraph as pg

    from warroom.ui.charts import DateAxis, day_to_epoch

    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        plot = pg.PlotWidget(axisItems={"bottom": DateAxis()})
        qtbot.addWidget(plot)
        plot.resize(800, 300)
        plot.show()
        for day in (date(2024, 5, 2), date(2024, 12, 31)):  # Auckland: summer time (UTC+13) in December
            x = float(day_to_epoch(day.toordinal()))
            plot.setXRange(x - 6 * 86400, x + 6 * 86400, padding=0)
            plot.grab()  # the axis measures its font on its first paint
            axis = plot.getPlotItem().getAxis("bottom")
            spacing, values = axis.tickValues(x - 6 * 86400, x + 6 * 86400, 800)[-1]
            assert spacing == 86400
            labels = dict(zip(values, axis.tickStrings(values, 1, spacing), strict=True))
            tick = max(v for v in values if v <= x)
            assert labels[tick] == f"{day.day:02d}", f"{day} sits after the tick labelled {labels[tick]} in {zone}"
            assert x - tick < 86400
    finally:
        monkeypatch.undo()
        time.tzset()


def test_contest_actions_on_a_locked_store_say_so_and_keep_what_was_typed(
    qtbot, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """New contest, edit contest, official result and delete contest caught only ValueError: a store error (busy,
    full, read-only, gone) escaped the Qt slot as a traceback on stderr, nothing shown, and the contest the user
    had typed was gone with its dialog. Now the message is shown and the dialog comes back as typed."""
    import sqlite3

    from PySide6.QtCore import QDate
    from PySide6.QtWidgets import QDialog

    from warroom.app import WarRoom
    from warroom.bootstrap import open_store
    from warroom.paths import AppPaths
    from warroom.services import poll_service
    from warroom.services.settings import open_settings
    from warroom.ui.contest_dialog import ContestDialog

    monkeypatch.setattr(poll_service, "INTERACTIVE_LOCK_WAIT_MS", 100)
    paths = AppPaths.under(tmp_path)
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir)
    room = WarRoom(store, open_settings(paths), watch=False, backup_dir=paths.backup_dir)
    qtbot.addWidget(room.window)
    room.window.show()
    qtbot.waitUntil(lambda: room.scenarios.view is not None)
    errors: list[str] = []
    room.window.show_error = errors.append  # type: ignore[method-assign]
    actions, ps = room.contest_actions, room.poll_service
    holder = sqlite3.connect(paths.database, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another program holds the store
    seen: list[str] = []

    def second_try() -> QDialog.DialogCode:
        seen.append(dialog.name.text())  # the dialog came back with what was typed
        holder.execute("ROLLBACK")  # the other program lets go; the user presses OK again
        return QDialog.DialogCode.Accepted

    answers = [lambda: QDialog.DialogCode.Accepted, second_try]
    try:
        dialog = ContestDialog(taken_names=[c.name for c in ps.contests()])
        qtbot.addWidget(dialog)
        dialog.name.setText("Cumbria Mayor 2027")
        dialog.election.setDate(QDate(2027, 5, 6))
        dialog.candidates.item(0, 0).setText("Ada Lovelace")
        dialog.candidates.item(1, 0).setText("Rex Smith")
        dialog.exec = lambda: answers.pop(0)() if answers else QDialog.DialogCode.Rejected  # type: ignore[method-assign]
        made = actions.new_contest(dialog)
        assert errors and "busy" in errors[0] and "not" in errors[0].lower()
        assert seen == ["Cumbria Mayor 2027"]
        assert made is not None and ps.contest.name == "Cumbria Mayor 2027"
        holder.execute("BEGIN EXCLUSIVE")
        actions._confirm = lambda *_: True
        assert not actions.delete_contest()
        assert "busy" in errors[-1] and "Cumbria Mayor 2027" in errors[-1]
        assert "Cumbria Mayor 2027" in [c.name for c in ps.contests()]
    finally:
        if holder.in_transaction:
            holder.execute("ROLLBACK")
        holder.close()
        room.window.close()
        store.close()


def test_picking_a_contest_when_the_store_fails_says_so_and_the_picker_names_what_is_shown(demo, tmp_path) -> None:
    """Switching contests with the store gone (deleted, or a server down) raised out of the picker's slot: a
    traceback on stderr, nothing shown, and the picker naming a race the window was not showing."""
    from warroom.store.db import sqlite_path

    room = demo
    errors: list[str] = []
    room.window.show_error = errors.append  # type: ignore[method-assign]
    actions, ps = room.contest_actions, room.poll_service
    shown = ps.contest
    other = next(c for c in ps.contests() if c.id != shown.id)
    db = sqlite_path(room.store.engine)
    db.rename(tmp_path / "moved-away.sqlite3")
    actions.picker.setCurrentIndex(actions.picker.findData(other.id))
    assert errors and "could not be opened" in errors[0] and "deleted, moved or replaced" in errors[0]
    assert ps.contest.id == shown.id and actions.picker.currentData() == shown.id


def test_a_settings_file_of_many_megabytes_is_set_aside_not_rewritten_on_every_change(qtbot, tmp_path) -> None:
    """A 49 MB settings.ini (planted, or grown by a fault) was read at every start and rewritten whole at every
    settings change, on the GUI thread: 16 s frozen per change of contest. It is set aside (kept, renamed) and
    the app starts with default settings, saying so in the status bar."""
    from warroom.app import WarRoom
    from warroom.bootstrap import open_store
    from warroom.paths import AppPaths
    from warroom.services.settings import SETTINGS_MAX_BYTES, open_settings

    paths = AppPaths.under(tmp_path)
    paths.ensure()
    junk = "[view]\ntheme=dark\n[junk]\n" + "".join(f"k{i}={'v' * 40}\n" for i in range(SETTINGS_MAX_BYTES // 40))
    paths.settings_file.write_text(junk)
    settings = open_settings(paths)
    aside = paths.settings_file.with_name("settings.ini.too-large")
    assert aside.read_text() == junk  # kept, nothing lost
    assert settings.theme == "system" and "settings.ini.too-large" in settings.notice
    settings.theme = "light"
    settings.sync()
    assert paths.settings_file.stat().st_size < 1000
    store = open_store(paths.database, backup_dir=paths.backup_dir)
    room = WarRoom(store, settings, watch=False)
    qtbot.addWidget(room.window)
    assert "settings.ini.too-large" in room.window.statusBar().currentMessage()
    room.window.close()
    store.close()
    small = AppPaths.under(tmp_path / "other")
    small.ensure()
    small.settings_file.write_text("[view]\ntheme=dark\n")
    assert open_settings(small).theme == "dark" and open_settings(small).notice == ""  # an ordinary file is used


def test_a_share_after_a_hebrew_or_arabic_name_stays_with_that_name_on_screen(qtbot, tmp_path) -> None:
    """The scenario panel's sentences ("First round: خان 43.0, נתניהו 39.8", "Runoff: خان 51.6 %, ...") were laid
    out by Unicode's bidi rules with each figure joined to the right-to-left name before it: shown as
    "39.8 נתניהו ,43.0 خان", read left to right it gave 43.0 to the wrong candidate. Names with right-to-left
    letters are isolated (FSI ... PDI) in those sentences; Latin names are left as they are."""
    from PySide6.QtWidgets import QLabel

    from tests.conftest import RTL_TOY
    from tests.ui.conftest import room_of

    for room in room_of(qtbot, tmp_path, RTL_TOY):
        answer = room.answer_view  # meeting mode's answer page is built the first time it is wanted (issue 15)
        qtbot.waitUntil(lambda answer=answer: any("Runoff: " in lab.text() for lab in answer.findChildren(QLabel)))
        labels = [*room.window.findChildren(QLabel), *answer.findChildren(QLabel)]  # type: ignore[attr-defined]
        texts = [label.text() for label in dict.fromkeys(labels)]  # each label once
        runoffs = [t for t in texts if "Runoff: " in t and " %, " in t]  # the panel and meeting mode's answer
        firsts = [t for t in texts if "First round: " in t]
        assert len(runoffs) >= 2 and firsts
        for text in runoffs + firsts:
            assert "\u2068خان\u2069 " in text and "\u2068נתניהו\u2069 " in text, text
            assert "\u2068Green" not in text  # a Latin name is left as it is
        assert any("Green 17" in t for t in firsts)
