"""Three sliders whose values always sum to 100 %: moving one rebalances the other two."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QSlider, QWidget

from warroom.ui.qt_utils import signals_blocked

STEPS = 1000  # tenths of a percentage point


def rebalance(values: Sequence[int], moved: int, new_value: int, total: int = STEPS) -> list[int]:
    """New integer parts summing to `total` after part `moved` is set to `new_value`.

    The other parts keep their proportions to each other; if both are zero they share the rest equally.
    Pure, so it is tested without Qt.
    """
    new_value = max(0, min(total, int(new_value)))
    rest = total - new_value
    others = [i for i in range(len(values)) if i != moved]
    old = [max(0, values[i]) for i in others]
    out = list(values)
    out[moved] = new_value
    if sum(old) == 0:
        shares = [rest // len(others)] * len(others)
        shares[0] += rest - sum(shares)
    else:
        shares = [rest * v // sum(old) for v in old]
        # hand the rounding remainder to the largest part so the sum is exact
        shares[max(range(len(old)), key=lambda i: old[i])] += rest - sum(shares)
    for i, share in zip(others, shares, strict=True):
        out[i] = share
    return out


def fit_value_label(label: QLabel) -> None:
    """Fix a value label's width to its widest text ("100.0 %") in its current font."""
    label.ensurePolished()
    label.setFixedWidth(label.fontMetrics().horizontalAdvance("100.0 %") + 8)


class SplitSlider(QWidget):
    """Three linked sliders (e.g. to A / to B / exhausted), each in tenths of a percent.

    Signals:
        split_changed: (p0, p1, p2) in percent, summing to 100, on every user move.
    """

    split_changed = Signal(float, float, float)

    def __init__(self, labels: Sequence[str], tips: Sequence[str], name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._values = [STEPS // 3, STEPS // 3, STEPS - 2 * (STEPS // 3)]
        self.sliders: list[QSlider] = []
        self._value_labels: list[QLabel] = []
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(2)
        for i, (label, tip) in enumerate(zip(labels, tips, strict=True)):
            text = QLabel(label)
            slider = QSlider(Qt.Orientation.Horizontal)
            slider.setRange(0, STEPS)
            slider.setPageStep(50)
            slider.setSingleStep(5)
            slider.setObjectName(f"{name}_{i}")
            slider.setAccessibleName(f"{name.replace('_', ' ')}: {label}")
            slider.setToolTip(tip)
            text.setToolTip(tip)
            text.setBuddy(slider)
            value = QLabel()
            fit_value_label(value)  # fixed width: a new value repaints the label without a relayout
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            slider.valueChanged.connect(partial(self._on_slider_value_changed, i))
            grid.addWidget(text, i, 0)
            grid.addWidget(slider, i, 1)
            grid.addWidget(value, i, 2)
            self.sliders.append(slider)
            self._value_labels.append(value)
        grid.setColumnStretch(1, 1)
        self._show()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):  # e.g. meeting mode's large type
            QTimer.singleShot(0, self._fit_value_labels)
        super().changeEvent(event)

    def _fit_value_labels(self) -> None:
        for label in self._value_labels:
            fit_value_label(label)

    def parts(self) -> tuple[float, float, float]:
        return (self._values[0] / 10.0, self._values[1] / 10.0, self._values[2] / 10.0)

    def set_parts(self, p0: float, p1: float, p2: float) -> None:
        """Programmatic update (no signal)."""
        values = [round(p0 * 10), round(p1 * 10), round(p2 * 10)]
        values[values.index(max(values))] += STEPS - sum(values)
        self._values = values
        self._show()

    def _on_slider_value_changed(self, index: int, value: int) -> None:
        if value == self._values[index]:
            return
        self._values = rebalance(self._values, index, value)
        self._show()
        self.split_changed.emit(*self.parts())

    def _show(self) -> None:
        for slider, label, value in zip(self.sliders, self._value_labels, self._values, strict=True):
            with signals_blocked(slider):
                slider.setValue(value)
            label.setText(f"{value / 10:.1f} %")
