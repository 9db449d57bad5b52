"""A fresh hostile pass (issue 16, helper k4): what Edit > Copy polls puts on the clipboard."""

from __future__ import annotations

from datetime import date

from tests.conftest import TOY, make_poll
from tests.ui.conftest import room_of


def test_copied_polls_paste_back_as_stored_and_never_as_formulas(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Edit > Copy polls wrote the cells as drawn: a symbol no installed font has as its name ("民調" became
    "[cjk unified ideograph-6c11][cjk unified ideograph-8abf]", and a paste stored "Zoé Ærø"), a share rounded to
    six digits (45.123456 copied as 45.1235) and a pollster or client starting with = + - @ as it is, which a
    spreadsheet runs as a formula. The clipboard now holds the stored text and exact figures, a formula-like cell
    escaped as an export escapes it; the window's paste reads the rows back as they were stored."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from warroom.core.paste import split_table
    from warroom.services.poll_service import parse_poll_text
    from warroom.ui.paste_dialog import PasteDialog

    polls = [
        make_poll(1, pollster="Zoé Ærø 民調", client="Le Monde", n=1234, a=45.123456, b=40.0, c=14.876544),
        make_poll(5, pollster='=HYPERLINK("http://x")', client="+44 Co", n=800),
        make_poll(9, pollster="Acme", client="@Ipsos", n=None),
        make_poll(
            13, pollster='Beta, Inc. "Q"', n=2000, published=date(2024, 3, 20), second_round={"ann": 53, "bob": 47}
        ),
    ]
    for room in room_of(qtbot, tmp_path, TOY, polls):
        room.window.action_copy.trigger()
        text = QApplication.clipboard().text()
        assert "[cjk" not in text and "民調" in text and "45.123456\t" in text
        rows = split_table(text)
        assert {row[0] for row in rows[1:]} >= {'\'=HYPERLINK("http://x")'}  # a spreadsheet shows it, never runs it
        assert not any(cell[:1] in "=+-@" for row in rows for cell in row[:2] if cell)  # pollster, client
        dialog = PasteDialog(rows, room.poll_service.contest, room.import_worker)
        qtbot.addWidget(dialog)
        read = parse_poll_text(dialog.csv_text(), TOY)
        assert not read.errors
        key = lambda p: p.fieldwork_end  # noqa: E731
        for back, stored in zip(sorted(read.polls, key=key), sorted(polls, key=key), strict=True):
            assert (back.pollster, back.client, back.fieldwork_start, back.fieldwork_end) == (
                stored.pollster,
                stored.client,
                stored.fieldwork_start,
                stored.fieldwork_end,
            )
            assert (back.sample_size, back.published, back.first_round) == (
                stored.sample_size,
                stored.published,
                stored.first_round,
            )
        # the rows shown, in the order shown: sorted by sample (largest first), filtered, a selection
        pane = room.window.polls_pane
        pane.view.sortByColumn(4, Qt.SortOrder.DescendingOrder)
        room.window.action_copy.trigger()
        assert [line.split("\t")[4] for line in QApplication.clipboard().text().splitlines()[1:]] == [
            "2,000",
            "1,234",
            "800",
            "—",
        ]
        leads = {line.split("\t")[-1] for line in QApplication.clipboard().text().splitlines()[1:]}
        assert leads == {"", "+6"}, leads  # the runoff lead, a figure a spreadsheet reads as one (never "'+6")
        pane.view.selectRow(1)
        room.window.action_copy.trigger()
        assert QApplication.clipboard().text().splitlines()[1].startswith("Zoé Ærø 民調\tLe Monde\t")
        pane.view.clearSelection()
        pane.proxy.setFilterFixedString("acme")
        room.window.action_copy.trigger()
        assert [line.split("\t")[:2] for line in QApplication.clipboard().text().splitlines()[1:]] == [
            ["Acme", "'@Ipsos"]
        ]
