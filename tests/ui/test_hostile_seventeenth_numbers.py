"""Issue 16, a fresh pass on typed number boxes (`ui.qt_utils.DecimalSpinBox` and the forms' `FormNumberBox`): Qt's
box refused a letter without a word and kept the rest, so "1e2" typed as a share was saved as 12 %, "4.5e1" as
4.51 %, "12a5" as 125. A figure written with an exponent is refused in the poll CSV's words (it was read as the
number it is, where the CSV refused it); any other key a box cannot take is named by the form, with its field,
until the figure is typed again. Each test failed before its fix."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractSpinBox

from tests.conftest import TOY
from warroom.core.validation import validate_poll
from warroom.ui.poll_dialog import PollDialog

pytestmark = pytest.mark.gui


def _type(box: QAbstractSpinBox, text: str) -> None:
    """Type `text` over a box's whole text and press Return, as a user does."""
    box.setFocus()
    box.lineEdit().selectAll()
    QTest.keyClicks(box.lineEdit(), text)
    QTest.keyClick(box.lineEdit(), Qt.Key.Key_Return)


def _poll_form(qtbot) -> PollDialog:
    dialog = PollDialog(TOY, lambda p: [str(x) for x in validate_poll(p, TOY)])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.pollster.setText("Acme")
    dialog.start.setDate(QDate(2024, 4, 20))
    dialog.end.setDate(QDate(2024, 4, 22))
    for code, value in (("ann", 40.0), ("bob", 35.0), ("cat", 25.0)):
        dialog.first[code].setValue(value)
    return dialog


@pytest.mark.parametrize(
    ("field", "text", "digits"),
    [
        ("share", "4e1", "40"),  # was 41 %, then read as 40
        ("share", "4.5E1", "45"),  # was 4.51 %
        ("share", "1e2", "100"),  # was 12 %
        ("sample", "1e3", "1000"),  # was 13
        ("sample", "12E2", "1200"),  # was 122
    ],
)
def test_a_figure_written_with_an_exponent_is_refused_in_the_words_of_the_csv(
    qapp, qtbot, field: str, text: str, digits: str
) -> None:
    """Issue 16: the form read "1e2" as 100 where the poll CSV refused it: one rule, digits, and the same words in
    both places (core.validation.exponent_words), naming the field; the figure typed in digits saves."""
    from warroom.core.csvformat import parse_polls_csv

    dialog = _poll_form(qtbot)
    box = dialog.first["ann"] if field == "share" else dialog.sample
    _type(box, text)
    words = f"'{text}' is not a number: write it in digits, without an exponent ({digits})"
    dialog.accept()
    assert dialog.result() == 0
    named = "first:ann" if field == "share" else "sample_size"
    assert f"{named}: {words}" in dialog.problems.text(), dialog.problems.text()
    header = "pollster,fieldwork_start,fieldwork_end,sample_size,first:ann,first:bob,first:cat"
    row = f"{text},40,35,25" if field == "sample" else f"1000,{text},35,25"
    parsed = parse_polls_csv(f"{header}\nAcme,2024-04-20,2024-04-22,{row}\n", TOY)
    assert [(e.field, e.message) for e in parsed.errors] == [(named, words)]
    _type(box, "40" if field == "share" else "1,000")
    dialog.accept()
    assert dialog.result() == 1, dialog.problems.text()


@pytest.mark.parametrize(
    ("field", "text", "named"),
    [
        ("share", "4o", "first:ann: 'o' typed was not taken"),  # was 4 % (a letter o for a nought)
        ("share", "12a5", "first:ann: 'a' typed was not taken"),  # was 125 %: over 100, but named as a share
        ("sample", "1,0OO", "sample_size: 'O' typed was not taken"),  # was a sample of 10
        ("second", "5o", "second:bob: 'o' typed was not taken"),
        ("party", "3x0", "party:R: 'x' typed was not taken"),
    ],
)
def test_a_key_a_poll_figure_cannot_take_is_named_by_save_until_typed_again(
    qapp, qtbot, field: str, text: str, named: str
) -> None:
    dialog = _poll_form(qtbot)
    box = {
        "share": dialog.first["ann"],
        "sample": dialog.sample,
        "second": dialog.second["bob"],
        "party": dialog.party["R"],
    }[field]
    _type(box, text)
    dialog.accept()
    assert dialog.result() == 0
    assert named in dialog.problems.text(), dialog.problems.text()
    box.lineEdit().setCursorPosition(len(box.lineEdit().text()) - len(box.suffix()))
    QTest.keyClick(box.lineEdit(), Qt.Key.Key_0)  # a key added to what is shown does not put it right
    assert box.text().removesuffix(box.suffix()).endswith("0")
    dialog.accept()
    assert dialog.result() == 0 and named in dialog.problems.text()
    _type(box, "40" if field == "share" else "1,000" if field == "sample" else "30")  # typed again, it saves
    if field == "second":
        _type(dialog.second["ann"], "70")
    dialog.accept()
    assert dialog.result() == 1, dialog.problems.text()


def test_a_key_a_second_preference_figure_cannot_take_is_named_with_its_pair(qapp, qtbot) -> None:
    dialog = _poll_form(qtbot)
    dialog.add_transfer("cat", "ann")
    box = dialog.transfers.cellWidget(0, 2)
    assert isinstance(box, QAbstractSpinBox)
    _type(box, "7q")
    dialog.accept()
    assert dialog.result() == 0 and "transfer:cat->ann: 'q' typed was not taken" in dialog.problems.text()


def test_a_poll_opened_for_editing_has_no_typed_problem_left_from_before(qapp, qtbot) -> None:
    """A figure set by the program (a poll shown) is the figure shown: what was typed before is forgotten."""
    dialog = _poll_form(qtbot)
    _type(dialog.sample, "5k")
    assert dialog.sample.typed_problem
    dialog.show_poll(dialog.poll())
    assert not dialog.sample.typed_problem
    dialog.accept()
    assert dialog.result() == 1, dialog.problems.text()


@pytest.mark.parametrize(("field", "text"), [("majority", "5o"), ("preferences", "2x")])
def test_a_key_a_contest_rule_cannot_take_is_named_until_typed_again(qapp, qtbot, field: str, text: str) -> None:
    """A majority typed "5o" (a letter o for a nought) was a majority of 5 %, a candidate with 6 % elected."""
    from warroom.ui.contest_dialog import ContestDialog

    dialog = ContestDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("Cumbria Mayor 2027")
    dialog.election.setDate(QDate(2027, 5, 6))
    dialog.candidates.item(0, 0).setText("Ada Lovelace")
    dialog.candidates.item(1, 0).setText("Rex Smith")
    dialog.rules_box.setChecked(True)
    box = getattr(dialog, field)
    _type(box, text)
    assert any(p.startswith(f"rules: {field}: {text[-1]!r} typed was not taken") for p in dialog.problems())
    assert f"rules: {field}: " in dialog.problem_label.text()
    _type(box, "50" if field == "majority" else "2")
    assert not dialog.problems()


def test_a_key_the_paste_year_cannot_take_is_named_and_nothing_imported(room, qtbot) -> None:
    """A year typed "2O24" was read as 224... then refused as no year; "202r4" as 2024 without a word."""
    from warroom.core.paste import split_table
    from warroom.ui.paste_dialog import PasteDialog

    table = (
        "Polling firm\tFieldwork date\tSample size\tAnn Red\tBob Blue\tCat Green\nAcme\t5 Mar\t1,000\t45%\t40%\t15%\n"
    )
    dialog = PasteDialog(split_table(table), room.poll_service.contest, room.import_worker)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.checking, timeout=10000)
    _type(dialog.year, "202r4")
    assert "'r' typed was not taken" in dialog.summary.text()
    assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
    _type(dialog.year, "2024")
    qtbot.waitUntil(lambda: not dialog.checking, timeout=10000)
    assert dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled(), dialog.summary.text()


@pytest.mark.parametrize("text", ["5e1", "2.5E1", "1e3"])
def test_a_lever_typed_with_an_exponent_takes_no_figure_from_it(qapp, qtbot, text: str) -> None:
    """A transfer typed "5e1" set 51 % (then 50 %, and "1e3" 100 %, as read): an exponent is not read anywhere now
    (the one rule of the CSV and the forms). The lever keeps its figure, the box naming why."""
    from warroom.ui.split_slider import percent_field

    box = percent_field("probe", "probe")
    qtbot.addWidget(box)
    box.setValue(40.0)
    _type(box, text)
    assert box.value() == 40.0
    assert f"'{text}' is not a number: write it in digits, without an exponent" in box.typed_problem


def test_an_exponent_left_unfinished_is_named_not_dropped(qapp, qtbot) -> None:
    """ "1e" then Enter: the box showed 1 and the form saved 1 % without a word (the "e" refused, or, read as the
    start of an exponent, dropped when the typing ended)."""
    dialog = _poll_form(qtbot)
    _type(dialog.first["ann"], "1e")
    assert dialog.first["ann"].value() == 1.0
    dialog.accept()
    assert dialog.result() == 0
    assert "first:ann: '1e' is not a number: write it in digits, without an exponent" in dialog.problems.text()
    _type(dialog.first["ann"], "40")
    dialog.accept()
    assert dialog.result() == 1, dialog.problems.text()
