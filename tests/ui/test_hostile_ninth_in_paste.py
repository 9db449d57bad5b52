"""Hostile pass 9 (issue 16): inputs in the window (a 10 MB pasted cell, a scenario name like a saved one)."""

from __future__ import annotations

import pytest


def test_a_ten_megabyte_pasted_cell_is_previewed_short_and_imported_whole(room, qtbot) -> None:
    """A pasted cell of 10 MB (a page pasted into one spreadsheet cell): the preview handed Qt the whole text,
    which measured it to size the column, 3.5 s of the GUI thread before the dialog appeared. The preview now
    shows its first PREVIEW_CHARS characters and its length; the import still reads the cell whole."""
    from warroom.core.paste import split_table
    from warroom.ui.paste_dialog import PREVIEW_CHARS, PasteDialog

    note = "x" * 10_000_000
    header = "Polling firm\tFieldwork date\tSample size\tAnn Red\tBob Blue\tCat Green\t" + "N" * 1_000_000
    table = f"{header}\nAcme\t5 Mar 2024\t1,000\t45%\t40%\t15%\t{note}\n"
    dialog = PasteDialog(split_table(table), room.poll_service.contest, room.import_worker)
    qtbot.addWidget(dialog)
    shown = dialog.table.item(1, 6).text()
    assert shown.startswith("x" * PREVIEW_CHARS) and len(shown) < PREVIEW_CHARS + 40, len(shown)
    assert "10,000,000 characters" in shown
    assert len(dialog.table.horizontalHeaderItem(6).text()) < PREVIEW_CHARS + 40
    picker = dialog.pickers[6]
    picker.setCurrentIndex(picker.findData("notes"))
    assert note in dialog.csv_text()


def test_saving_a_scenario_under_a_name_like_a_saved_one_is_refused_in_the_window(tmp_path) -> None:
    """The window's Save as goes through the same store rule as the CLI: "plan a" beside a saved "Plan A" is
    refused (the error shown, nothing saved, the list as it was), never a second entry drawn alike."""
    from tests.conftest import TOY, make_poll
    from warroom.bootstrap import open_store
    from warroom.paths import AppPaths
    from warroom.services.poll_service import PollService
    from warroom.store import polls as repo
    from warroom.store.errors import StoreError
    from warroom.ui.commands import SaveScenarioCommand

    paths = AppPaths.under(tmp_path)
    paths.ensure()
    store = open_store(paths.database, backup_dir=None, seed=False)
    with store.sessions.begin() as s:
        cid = repo.add_contest(s, TOY)
        repo.add_polls(s, cid, [make_poll(1)])
    service = PollService(store.sessions, watch=False)
    service.open_contest(cid)
    errors: list[str] = []
    record = ({"kind": "sv", "v": 1}, {"drag": [0.5]})
    SaveScenarioCommand(service, "Plan A", *record, errors.append).execute()
    with pytest.raises(StoreError, match="looks like the saved scenario 'Plan A'"):  # Save as shows it, unpushed
        SaveScenarioCommand(service, "plan \u0430", *record, errors.append).execute()
    assert errors == [] and [n for n, _b, _s in service.scenarios()] == ["Plan A"]
    store.close()


def test_several_files_dropped_together_say_which_were_not_imported(room, qtbot, monkeypatch, tmp_path) -> None:
    """Three poll files dropped at once: the first was imported and the other two refused in status-bar messages
    that overwrote each other and then gave way to "N polls added", as if all three had gone in. The window now
    imports the first and says, in a message that stays, which were not imported."""
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDropEvent

    requested: list[object] = []
    shown: list[str] = []
    room.window.import_requested.disconnect()
    room.window.import_requested.connect(requested.append)
    monkeypatch.setattr(room.window, "show_error", shown.append)
    names = ["a.csv", "b.csv", "c.csv"]
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / n)) for n in names])
    event = QDropEvent(
        QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    room.window.dropEvent(event)
    assert requested == [tmp_path / "a.csv"]
    assert len(shown) == 1 and "b.csv, c.csv were not" in shown[0], shown
