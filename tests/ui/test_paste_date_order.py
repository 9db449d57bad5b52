"""The paste dialog reads dates in figures alone ("4/5/2012") in the order picked, else the one the table shows;
a table where every such date reads both ways imports nothing until an order is picked, and the summary names
the cell and its two readings (the words of `core.paste.table_date_order`). Read day first, a US table whose days
were all 12 or less was stored with days and months swapped, without a word."""

from __future__ import annotations

from datetime import date


def test_a_us_table_imports_nothing_until_its_date_order_is_picked(demo, qtbot) -> None:
    from warroom.core.paste import split_table
    from warroom.ui.paste_dialog import PasteDialog

    room = demo
    contest = room.poll_service.contest
    names = [c.name for c in contest.candidates[:2]]
    table = f"Pollster\tDate\t{names[0]}\t{names[1]}\tOthers\nAcme\t4/5/2012\t44\t38\t18\nBeta\t5/1/2012\t43\t39\t18\n"
    dialog = PasteDialog(split_table(table), contest, room.import_worker)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.checking, timeout=10000)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert not ok.isEnabled() and dialog.result_parse is None
    assert dialog.summary.text() == (
        "Nothing can be imported yet: column 'Date', line 2: '4/5/2012' is 4 May 2012 read day first or 5 April "
        "2012 read month first: choose the order of the table's dates"
    )
    dialog.date_order.setCurrentIndex(dialog.date_order.findData("mdy"))
    qtbot.waitUntil(lambda: not dialog.checking, timeout=10000)
    assert ok.isEnabled(), dialog.summary.text()
    assert dialog.result_parse is not None
    assert sorted(p.fieldwork_end for p in dialog.result_parse.polls) == [date(2012, 4, 5), date(2012, 5, 1)]
    assert dialog.summary.text().endswith("Dates in figures are read month/day/year.")
    assert "2012-04-05" in dialog.csv_text()


def test_a_us_poll_file_is_imported_in_the_order_the_user_gives_when_asked(demo, qtbot, tmp_path) -> None:
    """File > Import of a poll CSV whose dates in figures all read both ways asks their order and imports it read
    so (it stored 4/5/2012 as 4 May without a word); Cancel imports nothing."""
    room = demo
    contest = room.poll_service.contest
    codes = [c.code for c in contest.candidates[:2]]
    path = tmp_path / "us.csv"
    path.write_text(
        f"pollster,fieldwork_end,first:{codes[0]},first:{codes[1]},first:other\n"
        "Acme US,4/5/2012,44,38,18\nAcme US,5/1/2012,43,39,18\n"
    )
    asked: list[str] = []
    room.import_actions.ask_date_order = lambda message: asked.append(message)  # Cancel: None
    with qtbot.waitSignal(room.import_worker.busy_changed, check_params_cb=lambda busy: not busy, timeout=30000):
        room.import_actions.import_file(path)
    assert len(asked) == 1 and "'4/5/2012' is 4 May 2012 read day first or 5 April 2012 read month first" in asked[0]
    assert not [p for p in room.poll_service.polls if p.pollster == "Acme US"]
    room.import_actions.ask_date_order = lambda message: asked.append(message) or "mdy"
    with qtbot.waitSignal(room.import_worker.import_finished, timeout=30000):
        room.import_actions.import_file(path)
    ends = sorted(p.fieldwork_end for p in room.poll_service.polls if p.pollster == "Acme US")
    assert len(asked) == 2 and ends == [date(2012, 4, 5), date(2012, 5, 1)]


def test_a_file_refused_as_another_import_runs_is_not_the_one_asked_about_or_imported(demo, qtbot, tmp_path) -> None:
    """A US file imported, then at once a UK one (refused: "an import is still running"): the US file's refusal
    asks its date order and imports the US file read so. The UK file's import-again was kept in place of the
    running job's, so the user was asked about A, answered for A, and B was imported with 3 April stored as 4 March,
    A not at all."""
    room = demo
    codes = [c.code for c in room.poll_service.contest.candidates[:2]]
    head = f"pollster,fieldwork_end,first:{codes[0]},first:{codes[1]},first:other\n"
    us = tmp_path / "us_A.csv"
    us.write_text(head + "From A,4/5/2012,44,38,18\n")
    uk = tmp_path / "uk_B.csv"
    uk.write_text(head + "From B,3/4/2012,45,40,15\n")
    asked: list[str] = []
    room.import_actions.ask_date_order = lambda message: asked.append(message) or "mdy"
    with qtbot.waitSignal(room.import_worker.import_finished, timeout=30000):
        room.import_actions.import_file(us)
        room.import_actions.import_file(uk)
        assert room.window.statusBar().currentMessage() == "An import is still running; uk_B.csv was not imported"
    assert len(asked) == 1 and "'4/5/2012'" in asked[0]
    stored = {(p.pollster, p.fieldwork_end) for p in room.poll_service.polls if p.pollster.startswith("From ")}
    assert stored == {("From A", date(2012, 4, 5))}
