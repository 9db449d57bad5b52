from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warroom.ui.split_slider import STEPS, SplitSlider, rebalance


@given(
    st.lists(st.integers(0, STEPS), min_size=3, max_size=3).filter(lambda v: sum(v) == STEPS)
    | st.just([333, 333, 334]),
    st.integers(0, 2),
    st.integers(-50, STEPS + 50),
)
def test_rebalance_always_sums_to_100_and_keeps_the_moved_value(values: list[int], moved: int, new: int) -> None:
    out = rebalance(values, moved, new)
    assert sum(out) == STEPS
    assert out[moved] == max(0, min(STEPS, new))
    assert all(v >= 0 for v in out)


def test_rebalance_keeps_the_other_two_in_proportion() -> None:
    assert rebalance([700, 200, 100], 0, 400) == [400, 400, 200]
    assert rebalance([1000, 0, 0], 0, 600) == [600, 200, 200]


def test_moving_one_slider_emits_parts_summing_to_100(qtbot) -> None:
    widget = SplitSlider(["a", "b", "x"], ["", "", ""], "split_test")
    qtbot.addWidget(widget)
    widget.set_parts(70, 30, 0)
    with qtbot.waitSignal(widget.split_changed) as blocker:
        widget.sliders[2].setValue(300)
    p0, p1, p2 = blocker.args
    assert (p0, p1, p2) == (49.0, 21.0, 30.0)
    assert [s.value() for s in widget.sliders] == [490, 210, 300]


def test_typing_a_part_rebalances_like_a_drag(qtbot) -> None:
    widget = SplitSlider(["a", "b", "x"], ["", "", ""], "split_typed")
    qtbot.addWidget(widget)
    widget.set_parts(70, 30, 0)
    with qtbot.waitSignal(widget.split_changed) as blocker:
        widget.fields[2].setValue(30.0)
    assert blocker.args == [49.0, 21.0, 30.0]
    assert [f.value() for f in widget.fields] == [49.0, 21.0, 30.0]


def test_a_published_70_30_is_two_typed_fields(qtbot) -> None:
    from PySide6.QtCore import Qt

    from warroom.ui.split_slider import TransferInput

    widget = TransferInput("split_ld", "Johnson", "Livingstone", "Paddick")
    qtbot.addWidget(widget)
    widget.set_parts(27.2, 27.2, 45.6)
    widget.show()
    seen: list[tuple[float, float, float]] = []
    widget.split_changed.connect(lambda *parts: seen.append(parts))
    field = widget.a_of_valid.field
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "70")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert widget.ratio.text() == "70/30"
    to_a, to_b, ex = seen[-1]
    assert (to_a, to_b, ex) == (pytest.approx(0.7 * 54.4), pytest.approx(0.3 * 54.4), pytest.approx(45.6))
    # keyboard steps: an arrow is one point, Page Up five
    slider = widget.sliders[1]
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_Right)
    assert widget.valid.value() == pytest.approx(55.4)
    qtbot.keyClick(slider, Qt.Key.Key_PageUp)
    assert widget.valid.value() == pytest.approx(60.4)


def test_an_input_deleted_before_its_refit_is_left_alone(qtbot) -> None:
    """A style change queues a refit of the value fields; an input deleted before the event loop turns (the
    panel rebuilds its transfer inputs when the baseline changes) must not have it run on its dead fields."""
    import shiboken6

    from warroom.ui.split_slider import LeverInput, SplitSlider, TransferInput

    widgets = [
        TransferInput("split_x", "Ann", "Bob", "Cat"),
        LeverInput("lever_x", "Lever"),
        SplitSlider(["a", "b", "c"], ["", "", ""], "split_y"),
    ]
    for widget in widgets:
        widget.setStyleSheet("font-size: 30px")  # a StyleChange: each queues its refit
        shiboken6.delete(widget)
    qtbot.wait(30)  # the queued refits would raise here, on deleted C++ objects


@pytest.mark.parametrize(
    ("typed", "want", "text"), [("5", 5.0, "+5.0 %"), ("+7.5", 7.5, "+7.5 %"), ("-40", -40.0, "-40.0 %")]
)
def test_a_signed_lever_shows_its_sign_and_takes_a_typed_value(qtbot, typed: str, want: float, text: str) -> None:
    from PySide6.QtCore import Qt

    from warroom.ui.split_slider import LeverInput

    lever = LeverInput("signed_x", "Signed lever", "tip", signed=True)
    qtbot.addWidget(lever)
    lever.show()
    assert lever.field.text() == "+0.0 %" and (lever.slider.minimum(), lever.slider.maximum()) == (-1000, 1000)
    assert lever.field.width() >= lever.field.fontMetrics().horizontalAdvance("-100.0 %")
    lever.field.lineEdit().selectAll()
    qtbot.keyClicks(lever.field.lineEdit(), typed)
    with qtbot.waitSignal(lever.value_changed, timeout=1000) as got:
        qtbot.keyClick(lever.field.lineEdit(), Qt.Key.Key_Return)
    assert got.args == [pytest.approx(want)] and lever.value() == pytest.approx(want) and lever.field.text() == text
    lever.set_value(-2.0)
    assert lever.field.text() == "-2.0 %" and lever.slider.value() == -20
