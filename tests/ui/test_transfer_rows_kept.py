"""A new baseline with the same transfer rows keeps them (issue 15: a big contest's new case landing rebuilt every
row of sliders in the turn it landed, ~20 ms at 100,000 polls), puts them in its order and writes its shares."""

from __future__ import annotations

from dataclasses import replace

from warroom.ui.scenario_panel import TransferInput


def _rows(panel) -> list[TransferInput]:
    """The transfer inputs in the order the panel lays them out (major rows, then those under the expander)."""
    found = []
    layouts = [panel.transfers_layout, getattr(panel, "_minor_layout", None)]
    for layout in layouts:
        if layout is None:
            continue
        for i in range(layout.count()):
            widget = layout.itemAt(i).widget()
            if isinstance(widget, TransferInput):
                found.append(widget)
    return found


def _title(panel, code: str) -> str:
    """The text of the title over a candidate's transfer row (the label laid out just before its input)."""
    for layout in (panel.transfers_layout, getattr(panel, "_minor_layout", None)):
        if layout is None:
            continue
        for i in range(layout.count()):
            widget = layout.itemAt(i).widget()
            if widget is not None and widget.objectName() == f"split_{code}":
                return layout.itemAt(i - 1).widget().text()
    raise AssertionError(code)


def test_a_baseline_with_the_same_rows_keeps_them_in_its_order_with_its_shares(demo, qtbot) -> None:
    room = demo
    panel = room.scenario_panel
    base = room.scenarios.baseline
    eliminated = base.eliminated
    assert len(eliminated) >= 3
    widgets = dict(panel._split_widgets)
    # the two last eliminated swap places, and the first of them gets another share (as a new poll moves them)
    first, second = eliminated[-2], eliminated[-1]
    shares = dict(base.first_round)
    shares[first], shares[second] = shares[second] - 0.05, shares[first] + 0.05
    moved = replace(base, first_round=shares)
    assert moved.eliminated != eliminated and set(moved.eliminated) == set(eliminated)
    made: list[object] = []
    original = TransferInput.__init__

    def counting(self, *args, **kwargs) -> None:
        made.append(self)
        original(self, *args, **kwargs)

    TransferInput.__init__ = counting  # type: ignore[method-assign]
    try:
        panel.show_baseline(moved)
    finally:
        TransferInput.__init__ = original  # type: ignore[method-assign]
    assert made == []  # no row built again
    assert panel._split_widgets == widgets and all(panel._split_widgets[k] is w for k, w in widgets.items())
    assert [w.objectName() for w in _rows(panel)] == [f"split_{k}" for k in moved.eliminated]
    share = moved.normalised[second]
    assert f"({share:.1f} % first round)" in _title(panel, second)
    # and rows for other candidates are built again, as before
    fewer = replace(base, first_round={k: v for k, v in base.first_round.items() if k != eliminated[0]})
    panel.show_baseline(fewer)
    assert set(panel._split_widgets) == set(fewer.eliminated)
    assert [w.objectName() for w in _rows(panel)] == [f"split_{k}" for k in fewer.eliminated]


def test_rows_kept_for_the_same_baseline_show_the_shares_of_the_new_one(demo, qtbot) -> None:
    room = demo
    panel = room.scenario_panel
    base = room.scenarios.baseline
    code = base.eliminated[0]
    shares = dict(base.first_round)
    shares[code] += 0.7  # the same order, another share
    moved = replace(base, first_round=shares)
    assert moved.eliminated == base.eliminated
    panel.show_baseline(moved)
    assert f"({moved.normalised[code]:.1f} % first round)" in _title(panel, code)
