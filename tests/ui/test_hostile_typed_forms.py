"""The typed number fields of the poll and contest forms hold what is typed: a value past a field's limits is
shown as typed and refused on Save naming the field, never cut to the digits Qt let through."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractSpinBox

from tests.conftest import TOY
from warroom.core.validation import validate_poll
from warroom.ui.poll_dialog import PollDialog


def _type(box: QAbstractSpinBox, text: str) -> None:
    """Type `text` over a box's whole text and press Return, as a user does."""
    box.setFocus()
    box.lineEdit().selectAll()
    QTest.keyClicks(box.lineEdit(), text)
    QTest.keyClick(box.lineEdit(), Qt.Key.Key_Return)


@pytest.mark.parametrize(
    ("field", "text", "held", "named"),
    [
        ("share", "101", 101.0, "first:ann: share 101 is outside 0-100"),
        ("sample", "2147483648", 2147483648, "sample_size: 2,147,483,648 is larger than any poll"),
        ("sample", "1000000000000", 10**12, "sample_size: 1,000,000,000,000 is larger than any poll"),
        ("sample", "-1", -1, "sample_size: must be positive, got -1"),
    ],
)
def test_a_poll_figure_typed_past_its_field_s_limits_is_held_and_refused_naming_it(
    qapp, qtbot, field: str, text: str, held: float, named: str
) -> None:
    """Qt refused the key that passed a limit and kept the rest: "101" as a share was saved as 10 %, "1e400" as
    14 % (an exponent is refused now: tests/ui/test_hostile_seventeenth_numbers.py), a sample of 2,147,483,648 as 214,748,364, 10^12 as 10^9 and "-1" as a sample of one."""
    dialog = PollDialog(TOY, lambda p: [str(x) for x in validate_poll(p, TOY)])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.pollster.setText("Acme")
    dialog.start.setDate(QDate(2024, 4, 20))
    dialog.end.setDate(QDate(2024, 4, 22))
    for code, value in (("ann", 40.0), ("bob", 35.0), ("cat", 25.0)):
        dialog.first[code].setValue(value)
    box = dialog.first["ann"] if field == "share" else dialog.sample
    _type(box, text)
    poll = dialog.poll()
    if field == "share":
        assert poll.first_round["ann"] == held
    else:
        assert poll.sample_size == held
    assert box.text().replace(",", "").removesuffix(" %") == text.replace("1e400", "10000")  # shown as held
    dialog.accept()
    assert dialog.result() == 0
    assert named in dialog.problems.text()
    _type(box, "40" if field == "share" else "1,000")  # put right, it saves
    dialog.accept()
    assert dialog.result() == 1 and dialog.poll().sample_size == 1000


def test_the_sample_box_still_reads_not_published_as_no_sample(qapp, qtbot) -> None:
    dialog = PollDialog(TOY, lambda p: [str(x) for x in validate_poll(p, TOY)])
    qtbot.addWidget(dialog)
    dialog.show()
    _type(dialog.sample, "0")
    assert dialog.sample.text() == "not published" and dialog.poll().sample_size is None
    _type(dialog.sample, "not published")
    assert dialog.poll().sample_size is None
    _type(dialog.sample, "1,200")
    assert dialog.poll().sample_size == 1200


@pytest.mark.parametrize(
    ("field", "text", "named"),
    [
        ("majority", "101", "majority must lie strictly between 0 and 100 %, got 101"),
        ("majority", "0", "majority must lie strictly between 0 and 100 %, got 0"),
        ("preferences", "101", "preferences must be a whole number from 1 to 99 (or all), got 101"),
        ("preferences", "-1", "preferences must be a whole number from 1 to 99 (or all), got -1"),
    ],
)
def test_a_contest_rule_typed_past_its_limits_is_held_and_refused_naming_it(
    qapp, qtbot, field: str, text: str, named: str
) -> None:
    """Qt refused the key past an end and kept the rest: a majority typed "101" was stored as 10 % (a candidate
    with 11 % elected in the first round), "-1" preferences as 1 (a Supplementary Vote counting one)."""
    from warroom.ui.contest_dialog import ContestDialog

    dialog = ContestDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("Cumbria Mayor 2027")
    dialog.election.setDate(QDate(2027, 5, 6))
    dialog.candidates.item(0, 0).setText("Ada Lovelace")
    dialog.candidates.item(1, 0).setText("Rex Smith")
    dialog.rules_box.setChecked(True)
    assert not dialog.problems()
    _type(getattr(dialog, field), text)
    assert float(getattr(dialog, field).text().removesuffix(" %")) == float(text)  # shown as typed
    assert any(p == f"rules: {named}" or p.startswith(f"rules: {named}") for p in dialog.problems()), dialog.problems()
    _type(getattr(dialog, field), "2" if field == "preferences" else "50")
    assert not dialog.problems()
    assert dialog.contest().counting_rules.preferences == 2


def _type_date(qtbot, box: QAbstractSpinBox, text: str) -> None:
    """Tab into a date box (its year selected) and type `text` key by key, then Return."""
    window = box.window()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    box.clearFocus()  # (a fresh Tab in selects the year, as a user's would)
    box.setFocus(Qt.FocusReason.TabFocusReason)
    QTest.keyClicks(box, text)
    QTest.keyClick(box, Qt.Key.Key_Return)


def _poll_form(qtbot) -> PollDialog:
    dialog = PollDialog(TOY, lambda p: [str(x) for x in validate_poll(p, TOY)])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.pollster.setText("Acme")
    for code, value in (("ann", 40.0), ("bob", 35.0), ("cat", 25.0)):
        dialog.first[code].setValue(value)
    return dialog


def test_a_date_typed_in_full_is_the_date_typed(qapp, qtbot) -> None:
    """Qt's date box moved on to the month by itself after four digits of year and the "-" typed next moved on
    again, to the day: "2024-04-20" typed became 2024-06-02 (month kept, day 02) and was saved so."""
    dialog = _poll_form(qtbot)
    dialog.start.setDate(QDate(2019, 6, 15))
    _type_date(qtbot, dialog.start, "2024-04-20")
    assert dialog.start.date() == QDate(2024, 4, 20)
    _type_date(qtbot, dialog.end, "2024/04/22")
    assert dialog.end.date() == QDate(2024, 4, 22)
    dialog.accept()
    assert dialog.result() == 1, dialog.problems.text()


@pytest.mark.parametrize("text", ["2024-02-31", "2023-02-29", "2024-04-31", "24-04-22"])
def test_a_date_that_does_not_exist_typed_in_a_form_is_refused_naming_the_field(qapp, qtbot, text: str) -> None:
    """Qt refused the key that made no date and kept the rest, or changed it: 31 February typed was saved as
    3 February, 29 February 2023 as the 28th, 31 April as the 30th, a two-digit year as the year shown before."""
    dialog = _poll_form(qtbot)
    dialog.start.setDate(QDate(2024, 4, 20))
    dialog.end.setDate(QDate(2024, 4, 22))
    _type_date(qtbot, dialog.end, text)
    dialog.accept()
    assert dialog.result() == 0
    assert "fieldwork_end: " in dialog.problems.text() and "type it again" in dialog.problems.text()
    _type_date(qtbot, dialog.end, "2024-04-22")  # typed again, it saves
    dialog.accept()
    assert dialog.result() == 1, dialog.problems.text()


def test_a_contest_date_that_does_not_exist_is_a_problem_naming_the_field(qapp, qtbot) -> None:
    from warroom.ui.contest_dialog import ContestDialog

    dialog = ContestDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("Cumbria Mayor 2027")
    dialog.candidates.item(0, 0).setText("Ada Lovelace")
    dialog.candidates.item(1, 0).setText("Rex Smith")
    _type_date(qtbot, dialog.election, "2027-02-29")
    assert any(p.startswith("election_date: ") for p in dialog.problems()), dialog.problems()
    assert "election_date" in dialog.problem_label.text()
    _type_date(qtbot, dialog.election, "2027-05-06")
    assert not dialog.problems() and dialog.contest().election_date.isoformat() == "2027-05-06"


@pytest.mark.parametrize(("text", "year"), [("20245", 20245), ("12", 12)])
def test_a_paste_year_typed_outside_the_years_it_reads_is_named_not_changed(room, qtbot, text: str, year: int) -> None:
    """The paste dialog's year box refused the key past 2100 and kept the rest ("20245" read the dates in 2024)
    and put a year it could not take ("12", meaning 2012) back to the election year without a word; the paste
    was then read in a year nobody typed."""
    from warroom.core.paste import split_table
    from warroom.ui.paste_dialog import PasteDialog

    table = (
        "Polling firm\tFieldwork date\tSample size\tAnn Red\tBob Blue\tCat Green\nAcme\t5 Mar\t1,000\t45%\t40%\t15%\n"
    )
    dialog = PasteDialog(split_table(table), room.poll_service.contest, room.import_worker)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.checking, timeout=10000)
    _type(dialog.year, text)
    assert round(dialog.year.value()) == year and dialog.year.text() == text
    assert f"{year}, is not a year from 1900 to 2100" in dialog.summary.text()
    assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
    _type(dialog.year, "2024")
    qtbot.waitUntil(lambda: not dialog.checking, timeout=10000)
    assert dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled(), dialog.summary.text()
    assert "2024-03-05" in dialog.csv_text()


def test_one_second_preference_figure_given_twice_in_the_form_is_refused_naming_it(qapp, qtbot) -> None:
    """Two rows of the form's second-preferences table for one pair (Cat -> Ann 70 and Cat -> Ann 20) passed
    every check and the store, which keeps one figure per pair, refused the write ("UNIQUE constraint failed")."""
    dialog = _poll_form(qtbot)
    dialog.start.setDate(QDate(2024, 4, 20))
    dialog.end.setDate(QDate(2024, 4, 22))
    dialog.add_transfer("cat", "ann", 70.0)
    dialog.add_transfer("cat", "ann", 20.0)
    dialog.accept()
    assert dialog.result() == 0
    assert "transfer:cat->ann: given twice (70 and 20): keep one" in dialog.problems.text()
    assert dialog.transfers.rowCount() == 2  # nothing typed is lost


def test_a_share_is_shown_unpadded_in_a_locale_of_other_digits(qapp, qtbot) -> None:
    """A share box shows a figure with the places it has ("12.5 %", never "12.50 %"); in an Arabic locale it
    was padded all the same ("١٢٫٥٠ %"): the zeros stripped were the ASCII 0, not the locale's own digit."""
    from PySide6.QtCore import QLocale

    dialog = _poll_form(qtbot)
    box = dialog.first["ann"]
    box.setLocale(QLocale(QLocale.Language.Arabic, QLocale.Country.Egypt))
    box.setValue(12.5)
    assert box.text() == "\u0661\u0662\u066b\u0665 %"
    box.setLocale(QLocale.c())
    box.setValue(12.5)
    assert box.text() == "12.5 %"
