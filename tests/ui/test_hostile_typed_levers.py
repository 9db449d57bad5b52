"""Issue 16, a fresh pass on the scenario panel's typed values (the field beside every slider and lever, and every
other typed decimal field, `ui.qt_utils.DecimalSpinBox`). Each test failed before its fix."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QLocale, Qt

pytestmark = pytest.mark.gui


@pytest.fixture
def locale() -> Iterator[None]:
    old = QLocale()
    yield
    QLocale.setDefault(old)


def _typed(qtbot, text: str, *, signed: bool = False, paste: bool = False) -> tuple[float, str]:
    """What a fresh lever field (showing 40) holds, and shows, after `text` is typed (key by key, as a keyboard or
    an input method sends it) or pasted over it and Return pressed."""
    from PySide6.QtWidgets import QApplication

    from warroom.ui.split_slider import percent_field

    box = percent_field("probe", "probe", signed=signed)
    qtbot.addWidget(box)
    box.setValue(40.0)
    line = box.lineEdit()
    line.selectAll()
    if paste:
        QApplication.clipboard().setText(text)
        line.paste()
    else:
        for key in text:  # (QTest.keyClicks takes only ASCII)
            line.insert(key)
    qtbot.keyClick(line, Qt.Key.Key_Return)
    return box.value(), box.text()


@pytest.mark.parametrize(("language", "country"), [("Arabic", "Egypt"), ("Persian", "Iran")])
def test_a_decimal_comma_is_read_whole_where_the_locales_decimal_sign_is_arabic(
    qapp, qtbot, locale, language, country
) -> None:
    """In an Arabic or Persian locale the decimal sign is U+066B, neither a point nor a comma: "12.5" was read as
    12.5 but "12,5" as 12 (the comma refused, then "125" past 100), the README's "either separator in every
    locale" broken. Both now read 12.5, and so do the locale's own digits and sign."""
    QLocale.setDefault(QLocale(getattr(QLocale.Language, language), getattr(QLocale.Country, country)))
    for text in ["12,5", "12.5", QLocale().toString(12.5, "f", 1)]:  # the last in the locale's digits and sign
        assert _typed(qtbot, text)[0] == pytest.approx(12.5), text
        assert _typed(qtbot, text, paste=True)[0] == pytest.approx(12.5), text
    assert _typed(qtbot, "-12,5", signed=True)[0] == pytest.approx(-12.5)


def test_a_minus_sign_typed_as_the_typographic_minus_keeps_its_sign(qapp, qtbot, locale) -> None:
    """U+2212 (MINUS SIGN: what a Mac's Option-minus, a word processor or a web page gives) typed key by key into a
    signed lever was dropped: "−5" set +5, the message lever pushed the other way; pasted, the same text set -5."""
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    assert _typed(qtbot, "\u22125", signed=True)[0] == pytest.approx(-5.0)
    assert _typed(qtbot, "\u22125", signed=True, paste=True)[0] == pytest.approx(-5.0)
    assert 0.0 <= _typed(qtbot, "\u22125")[0] <= 100.0  # never a negative share where none may be


def test_minus_nought_on_a_signed_lever_reads_as_no_change(qapp, qtbot, locale) -> None:
    """ "-0" typed into a signed lever showed "-0.0 %", where the lever's middle reads "+0.0 %" (no change)."""
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    value, shown = _typed(qtbot, "-0", signed=True)
    assert value == 0.0 and shown == "+0.0 %"
    value, shown = _typed(qtbot, "-0,0", signed=True, paste=True)
    assert value == 0.0 and shown == "+0.0 %"


@pytest.mark.parametrize(
    ("text", "signed", "expected"),
    [
        ("101", False, 100.0),
        ("250", False, 100.0),
        ("101", True, 100.0),
        ("-101", True, -100.0),
        ("1e400", False, 40.0),  # an exponent is not read (the one rule, the poll CSV's): the lever keeps its 40
    ],
)
def test_a_value_typed_past_a_levers_end_stops_at_the_end_not_at_its_first_digits(
    qapp, qtbot, locale, text: str, signed: bool, expected: float
) -> None:
    """Typing "101" into a 0-100 % field refused its last key and set 10 % (the field read "10" when Return came):
    a transfer meant to be all one way set to a tenth. A value typed past an end now stops at that end, as the
    slider does. "1e400" stopped there too, read as a number; an exponent is not read now (core.validation's
    exponent_words, tests/ui/test_hostile_seventeenth_numbers.py)."""
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    assert _typed(qtbot, text, signed=signed)[0] == pytest.approx(expected), text


def test_the_scenario_panels_other_typed_levers_stop_at_their_ends_too(room, qtbot, locale) -> None:
    """The message's uncertainty (0-50 %) beside the message lever: "60" typed set 6 %, its "0" refused."""
    from PySide6.QtWidgets import QDoubleSpinBox

    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    box = room.window.findChild(QDoubleSpinBox, "message_uncertainty")
    assert box is not None and box.maximum() == 50.0
    box.setValue(10.0)
    line = box.lineEdit()
    line.selectAll()
    for key in "60":
        line.insert(key)
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert box.value() == 50.0
