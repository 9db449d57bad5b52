"""Transfer and lever inputs: sliders with a typed field beside each, in the terms pollsters publish.

* SplitSlider: three linked parts that always sum to 100 % (moving or typing one rebalances the other two).
* TransferInput: one eliminated candidate's second preferences as pollsters publish them: the share of his
  voters who name a finalist, and of those the share for the front-runner ("70/30").
* LeverInput: one lever, 0-100 % or signed (-100 to +100 %, shown "+5.0 %"), with its typed value.

Keyboard: arrows move 1 point, Page Up/Down 5 points; typing a number and Tab/Enter sets it exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import QDoubleSpinBox, QGridLayout, QHBoxLayout, QLabel, QSlider, QWidget

from warroom.ui.qt_utils import (
    NAME_IN_TITLE,
    DataLabel,
    DecimalSpinBox,
    elide_middle,
    literal_tip,
    plain_label,
    signals_blocked,
)

STEPS = 1000  # tenths of a percentage point
ARROW_STEP = 10  # one point per arrow key
PAGE_STEP = 50  # five points per Page Up/Down


def percent_slider(
    name: str, accessible: str, tip: str = "", *, signed: bool = False, cls: type[QSlider] = QSlider
) -> QSlider:
    """A 0-100 % slider (signed: -100 to +100 %) in tenths of a point, with the app's keyboard steps (`cls`: a
    QSlider subclass to make)."""
    slider = cls(Qt.Orientation.Horizontal)
    slider.setObjectName(name)
    slider.setRange(-STEPS if signed else 0, STEPS)
    slider.setSingleStep(ARROW_STEP)
    slider.setPageStep(PAGE_STEP)
    slider.setAccessibleName(accessible)
    slider.setToolTip(literal_tip(tip))  # names as typed
    return slider


class LeverField(DecimalSpinBox):
    """The typed value beside a slider: a value typed past an end stops at that end, as the slider does."""

    stops_at_ends = True


class SignedField(LeverField):
    """A typed value with its sign always shown ("+5.0 %", "-5.0 %", "+0.0 %"): a signed lever's middle reads
    as no change, not as nothing. Typing "5" or "+5" sets +5."""

    def textFromValue(self, value: float) -> str:
        return f"{value + 0.0:+.{self.decimals()}f}"  # (+ 0.0: -0.0 would read "-0.0 %")


def percent_field(name: str, accessible: str, tip: str = "", *, signed: bool = False) -> QDoubleSpinBox:
    """The typed field beside a slider: 0-100 with one decimal ("70" then Tab sets 70.0 %); signed: -100 to
    +100, its sign always shown."""
    box = SignedField() if signed else LeverField()
    box.setObjectName(name)
    box.setRange(-100.0 if signed else 0.0, 100.0)
    box.setDecimals(1)
    box.setSingleStep(1.0)
    box.setSuffix(" %")
    box.setKeyboardTracking(False)  # the value applies on Enter/Tab or arrows, not per keystroke ("7" of "70")
    box.setAccessibleName(accessible)
    box.setToolTip(literal_tip(tip))
    box.setButtonSymbols(QDoubleSpinBox.ButtonSymbols.NoButtons)
    fit_value_label(box, "-100.0 %" if signed else "100.0 %")
    return box


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


def fit_value_label(label: QWidget, widest: str = "100.0 %") -> None:
    """Fix a value field's width to its widest text ("100.0 %") in its current font (no relayout per move)."""
    label.ensurePolished()
    label.setFixedWidth(label.fontMetrics().horizontalAdvance(widest) + 14)


class SplitSlider(QWidget):
    """Linked sliders (three: to A / to B / exhausted; the two-round panel's four), each in tenths of a percent,
    with a typed value beside each, always summing to 100.

    Signals:
        split_changed: the parts in percent, summing to 100, on every user move.
    """

    split_changed = Signal(float, float, float)

    def __init__(
        self,
        labels: Sequence[str],
        tips: Sequence[str],
        name: str,
        parent: QWidget | None = None,
        *,
        slider: Callable[[str, str, str], QSlider] = percent_slider,
        spacing: int = 2,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        n = len(labels)
        self._values = [STEPS // n] * (n - 1) + [STEPS - (n - 1) * (STEPS // n)]
        self.sliders: list[QSlider] = []
        self.fields: list[QDoubleSpinBox] = []
        self.labels: list[QLabel] = []
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(spacing)
        for i, (label, tip) in enumerate(zip(labels, tips, strict=True)):
            text = plain_label(label)
            accessible = f"{name.replace('_', ' ')}: {label}"
            moved = slider(f"{name}_{i}", accessible, tip)
            text.setToolTip(literal_tip(tip))
            text.setBuddy(moved)
            value = percent_field(f"{name}_{i}_value", accessible, tip)
            moved.valueChanged.connect(partial(self._on_slider_value_changed, i))
            value.valueChanged.connect(partial(self._on_field_value_changed, i))
            grid.addWidget(text, i, 0)
            grid.addWidget(moved, i, 1)
            grid.addWidget(value, i, 2)
            self.sliders.append(moved)
            self.fields.append(value)
            self.labels.append(text)
        grid.setColumnStretch(1, 1)
        self._show()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):  # e.g. meeting mode's large type
            QTimer.singleShot(0, self, self._fit_value_labels)
        super().changeEvent(event)

    def _fit_value_labels(self) -> None:
        for field in self.fields:
            fit_value_label(field)

    def parts(self) -> tuple[float, ...]:
        return tuple(v / 10.0 for v in self._values)

    def set_parts(self, *parts: float) -> None:
        """Programmatic update (no signal); as tenths summing to exactly STEPS, the rounding's remainder on the
        largest part. Nothing is redrawn when they are the parts shown."""
        values = [round(p * 10) for p in parts]
        values[values.index(max(values))] += STEPS - sum(values)
        if values != self._values:
            self._values = values
            self._show()

    def _on_slider_value_changed(self, index: int, value: int) -> None:
        if value == self._values[index]:
            return
        self._values = rebalance(self._values, index, value)
        self._show()
        self.split_changed.emit(*self.parts())

    def _on_field_value_changed(self, index: int, value: float) -> None:
        self._on_slider_value_changed(index, round(value * 10))

    def _show(self) -> None:
        for slider, field, value in zip(self.sliders, self.fields, self._values, strict=True):
            if slider.value() != value:
                with signals_blocked(slider):
                    slider.setValue(value)
            if round(field.value() * 10) != value:
                with signals_blocked(field):
                    field.setValue(value / 10)


class LeverInput(QWidget):
    """One lever: a slider with its typed field, 0-100 %, or signed (-100 to +100 %, the middle "+0.0 %"); `minimum`
    (percent) stops it short of its lower end.

    Signals:
        value_changed: the new value in percent, on every user move or typed value.
    """

    value_changed = Signal(float)

    def __init__(
        self,
        name: str,
        accessible: str,
        tip: str = "",
        parent: QWidget | None = None,
        *,
        signed: bool = False,
        slider_class: type[QSlider] = QSlider,
        minimum: float | None = None,
    ) -> None:
        super().__init__(parent)
        self._signed = signed
        self.slider = percent_slider(name, accessible, tip, signed=signed, cls=slider_class)
        self.field = percent_field(f"{name}_value", accessible, tip, signed=signed)
        if minimum is not None:  # (a lever that stops short of its end: the turnout lever's -99.9 %)
            self.slider.setMinimum(round(minimum * 10))
            self.field.setMinimum(round(minimum * 10) / 10)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.field)
        self.slider.valueChanged.connect(self._on_slider_value_changed)
        self.field.valueChanged.connect(self._on_field_value_changed)

    def value(self) -> float:
        """The value in percent."""
        return self.slider.value() / 10.0

    def set_value(self, percent: float) -> None:
        """Programmatic update (no signal)."""
        with signals_blocked(self.slider):
            self.slider.setValue(round(percent * 10))
        with signals_blocked(self.field):
            self.field.setValue(round(percent * 10) / 10)

    def _on_slider_value_changed(self, tenths: int) -> None:
        if round(self.field.value() * 10) != tenths:
            with signals_blocked(self.field):
                self.field.setValue(tenths / 10)
        self.value_changed.emit(tenths / 10)

    def _on_field_value_changed(self, value: float) -> None:
        self.slider.setValue(round(value * 10))  # emits through the slider (once)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):  # e.g. meeting mode's large type
            QTimer.singleShot(0, self, self._fit_field)  # self as context: never run once the input is deleted
        super().changeEvent(event)

    def _fit_field(self) -> None:
        fit_value_label(self.field, "-100.0 %" if self._signed else "100.0 %")


class OneLineLabel(DataLabel):
    """A label on one line where its row has the room, wrapped where it has not: at a narrow dock's least width
    "Johnson :" over "Livingstone" (one line, it set the inputs' least width past the dock's: a sideways scroll);
    wrapped always, a layout took the narrower width a wrapped label asks for even on a projector."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.setWordWrap(True)

    def sizeHint(self) -> QSize:
        margins = self.contentsMargins()
        one = self.fontMetrics().horizontalAdvance(self.text()) + margins.left() + margins.right() + 2
        return QSize(one, self.heightForWidth(one))


class TransferInput(QWidget):
    """One eliminated candidate's second preferences, entered the way pollsters publish them.

    Two inputs: the share of his voters who name a finalist at all, and of those the share for the
    front-runner (the "70" of "70/30"). split_changed carries the three parts of all his voters (to A, to B,
    no valid preference), as core.runoff.Split.from_head_to_head makes them.

    Signals:
        split_changed: (to A, to B, exhausted) in percent of all his voters, summing to 100.
    """

    split_changed = Signal(float, float, float)

    def __init__(self, name: str, a_name: str, b_name: str, who: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._valid = 100.0
        self._a_of_valid = 50.0
        tip_a = f"Of {who}'s voters who name a finalist, the share who name {a_name} (the 70 of a published 70/30)"
        tip_v = f"Of all {who}'s voters, the share whose second preference is {a_name} or {b_name} at all"
        self.a_of_valid = LeverInput(f"{name}_a_of_valid", f"{who}: {a_name} of those who transfer", tip_a)
        self.valid = LeverInput(f"{name}_valid", f"{who}: name a finalist", tip_v)
        self.ratio = QLabel()
        self.ratio.setObjectName(f"{name}_ratio")
        self._fit_ratio()
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(2)
        # (two names beside a slider: each long one elided to half a title's, whole in the tooltip)
        a_label = OneLineLabel(
            f"{elide_middle(a_name, NAME_IN_TITLE // 2)} : {elide_middle(b_name, NAME_IN_TITLE // 2)}"
        )
        a_label.setToolTip(literal_tip(tip_a))
        a_label.setBuddy(self.a_of_valid.field)
        v_label = OneLineLabel("name a finalist")
        v_label.setToolTip(literal_tip(tip_v))
        v_label.setBuddy(self.valid.field)
        grid.addWidget(a_label, 0, 0)
        grid.addWidget(self.a_of_valid, 0, 1)
        grid.addWidget(self.ratio, 0, 2)
        grid.addWidget(v_label, 1, 0)
        grid.addWidget(self.valid, 1, 1)
        grid.setColumnStretch(1, 1)
        self.sliders = [self.a_of_valid.slider, self.valid.slider]  # stable handles for tests and benchmarks
        self.a_of_valid.value_changed.connect(self._on_a_of_valid_changed)
        self.valid.value_changed.connect(self._on_valid_changed)
        self._show()

    def _fit_ratio(self) -> None:
        fit_value_label(self.ratio)
        self.ratio.setMinimumWidth(self.ratio.fontMetrics().horizontalAdvance("100/100") + 8)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):  # e.g. meeting mode's large type
            QTimer.singleShot(0, self, self._fit_ratio)
        super().changeEvent(event)

    def parts(self) -> tuple[float, float, float]:
        """(to A, to B, exhausted) in percent of all his voters."""
        to_a = self._valid * self._a_of_valid / 100.0
        return (to_a, self._valid - to_a, 100.0 - self._valid)

    def set_parts(self, to_a: float, to_b: float, exhausted: float) -> None:
        """Programmatic update (no signal). With nobody transferring, the A:B division is kept as it was."""
        self._valid = to_a + to_b
        if self._valid > 0:
            self._a_of_valid = 100.0 * to_a / self._valid
        self._show()

    def _on_a_of_valid_changed(self, percent: float) -> None:
        self._a_of_valid = percent
        self._emit()

    def _on_valid_changed(self, percent: float) -> None:
        self._valid = percent
        self._emit()

    def _emit(self) -> None:
        self._show_ratio()
        self.split_changed.emit(*self.parts())

    def _show(self) -> None:
        self.a_of_valid.set_value(self._a_of_valid)
        self.valid.set_value(self._valid)
        self._show_ratio()

    def _show_ratio(self) -> None:
        a = round(self._a_of_valid)
        self.ratio.setText(f"{a}/{100 - a}")
