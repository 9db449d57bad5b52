"""Small Qt helpers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QObject
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDoubleSpinBox


@contextmanager
def signals_blocked(obj: QObject) -> Iterator[None]:
    previous = obj.blockSignals(True)
    try:
        yield
    finally:
        obj.blockSignals(previous)


class DecimalSpinBox(QDoubleSpinBox):
    """A QDoubleSpinBox that reads a decimal typed with either separator, whatever the locale.

    Qt's own box takes only the locale's decimal point: in an English locale '12,5' was read as 12 (the comma
    refused as typed, then '125' refused as past 100), in a French or German one '12.5' the same way, and the
    field showed a figure the user did not mean. A comma or a point is the decimal separator here when the
    text has no other; NaN, infinity and values out of range are still refused, as Qt refuses them.
    """

    def _as_typed(self, text: str) -> str:
        point = self.locale().decimalPoint()
        other = "," if point == "." else "."
        if text.count(other) == 1 and point not in text:
            return text.replace(other, point)
        return text

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        return super().validate(self._as_typed(text), pos)

    def valueFromText(self, text: str) -> float:
        return super().valueFromText(self._as_typed(text))
