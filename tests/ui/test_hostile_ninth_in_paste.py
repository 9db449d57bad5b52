"""Hostile pass 9 (issue 16): pasted tables in the window (a 10 MB cell)."""

from __future__ import annotations


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
