"""Pasted dates written without their year ("28–30 Apr", as Wikipedia's poll tables write them under a year's
heading) are read in a year the paste dialog shows and lets the user change: the contest's election year unless
changed. They were refused: "line 2, fieldwork_start: '1 May' is not a date (use YYYY-MM-DD)", though the dialog
says dates in words are read."""

from __future__ import annotations

from datetime import date


def test_dates_without_a_year_are_read_in_the_year_the_dialog_shows(demo, qtbot) -> None:
    from warroom.core.paste import split_table
    from warroom.ui.paste_dialog import PasteDialog

    room = demo
    contest = room.poll_service.contest
    names = [c.name for c in contest.candidates[:2]]
    table = (
        f"Pollster\tFieldwork\t{names[0]}\t{names[1]}\tOthers\nAcme\t28–30 Apr\t44\t38\t18\nBeta\t1 May\t43\t39\t18\n"
    )
    dialog = PasteDialog(split_table(table), contest, room.import_worker)
    qtbot.addWidget(dialog)
    assert dialog.year.value() == contest.election_date.year == 2012
    qtbot.waitUntil(lambda: not dialog.checking, timeout=10000)
    parsed = dialog.result_parse
    assert parsed is not None and parsed.ok, dialog.summary.text()
    spans = sorted((p.fieldwork_start, p.fieldwork_end) for p in parsed.polls)
    assert spans == [(date(2012, 4, 28), date(2012, 4, 30)), (date(2012, 5, 1), date(2012, 5, 1))]
    dialog.year.setValue(2011)  # the table's heading said 2011: the user says so
    qtbot.waitUntil(lambda: not dialog.checking, timeout=10000)
    assert dialog.result_parse is not None
    assert sorted(p.fieldwork_end for p in dialog.result_parse.polls) == [date(2011, 4, 30), date(2011, 5, 1)]
    assert "2011-05-01" in dialog.csv_text()
