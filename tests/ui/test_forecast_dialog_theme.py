"""Scenario > Forecast over time draws on the window's chart page, every line readable on it.

The dialog kept pyqtgraph's black page and drew the forecast margin, the chart's subject, in #222222 on it (1.3:1):
only its band could be seen. It now takes the window's chart theme (light, dark, meeting mode's projector); the
margin is drawn in the theme's foreground and each finalist's chance in his colour made readable on the page (3:1,
WCAG's least for lines).
"""

from __future__ import annotations

import pytest

from warroom.core.colour import contrast_ratio


def _inks(dialog) -> tuple[str, list[str]]:  # type: ignore[no-untyped-def]
    page = dialog.margin.backgroundBrush().color().name()
    inks = [dialog.margin_line.opts["pen"].color().name()]
    inks += [curve.opts["pen"].color().name() for curve in dialog.curves.values()]
    return page, inks


@pytest.mark.parametrize("scheme", ["light", "dark", "projector"])
def test_the_forecast_dialogs_lines_read_on_its_page(demo, scheme: str) -> None:
    room = demo
    win = room.window
    if scheme == "dark":
        win.apply_color_scheme(True)
    if scheme == "projector":
        win.enter_presentation()
    try:
        dialog = room.scenario_actions.forecast_dialog()
        page, inks = _inks(dialog)
        assert page == win.chart_theme().background
        assert len(inks) == 3
        for ink in inks:
            assert contrast_ratio(ink, page) >= 3.0, (scheme, ink, page)
        dialog.deleteLater()
    finally:
        if scheme == "projector":
            win.leave_presentation()
