"""Meeting mode's answer page for an instant-runoff race: the core's verdict in headline type, the exclusions that
decide the race, every contender's chance and the source, over the chain's final pair as the polls have it.

Meeting mode's "answer" showed the instant-runoff panel itself for such a race (sliders, rounds table and
break-even box in the projector's type, half the screen empty), where a Supplementary Vote or two-round race gets a
page of answer in type the back of the room reads. Every line is the core's (IrvView.headline and lines, the words
`warroom scenario` prints); the chart is the window's runoff-lead chart's pair (IrvPairLead).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.ui.test_irv_panel import irv_room  # noqa: F401  (the fixture)
from warroom.core.forecast import chance_cell
from warroom.ui.irv_answer import answer_lines


def _at_1080p(win, qtbot) -> None:  # type: ignore[no-untyped-def]
    win.setWindowState(Qt.WindowState.WindowNoState)
    win.resize(1920, 1080)
    qtbot.wait(50)


def test_the_answer_page_says_the_cores_words_over_the_final_pair(irv_room, qtbot) -> None:  # noqa: F811
    room = irv_room
    win = room.window
    view, lead = room.irv.view, room.irv.lead
    assert view is not None and lead is not None
    win.set_presentation_views(["answer"])
    win.enter_presentation()
    try:
        _at_1080p(win, qtbot)
        page = room.irv_answer
        assert win.stack.currentWidget() is page
        assert page.verdict.text() == view.headline
        lines = answer_lines(view, room.irv.case.label)
        decisive = [w for w, e in zip(view.lines(), view.run.eliminations, strict=False) if e.decisive]
        assert decisive and all(line in lines for line in decisive)
        assert view.lines()[-1] in lines  # the result, as `warroom scenario` prints it
        best = max(view.odds.p_win, key=view.odds.p_win.get)
        assert f"{view.name(best)} {chance_cell(view.odds.p_win[best])}" in page.details.toolTip() + page.details.text()
        # the chain's final pair, poll by poll, as the window's runoff-lead chart has it
        assert page.chart.isVisible() and len(lead.days) > 0
        assert page.chart.getPlotItem().titleLabel.text == lead.title
        assert sorted(page.point_layer.get_data()[1]) == pytest.approx(sorted(lead.leads))
        winner, runner = view.run.final_pair
        if set(lead.pair) == {winner, runner}:
            sign = 1.0 if winner == lead.pair[0] else -1.0
            assert page.projected.isVisible() and page.projected.value() == pytest.approx(sign * view.run.final_margin)
        assert page.chart.height() >= 300  # the answer leaves the chart room at 1920x1080
    finally:
        win.leave_presentation()


def test_a_race_with_no_polls_keeps_its_answer_at_the_top_of_the_page(qtbot, tmp_path) -> None:
    """Burlington 2009 (its ballots, no polls): no chart, and the headline and lines stay together at the top
    (the hidden chart's height had spread them down the projector)."""
    from tests.ui.conftest import running_room
    from warroom.bootstrap import open_store
    from warroom.demo import IRV_DEMO_NAME
    from warroom.paths import AppPaths
    from warroom.services.settings import open_settings

    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir)
    settings = open_settings(paths)
    settings.contest = IRV_DEMO_NAME
    for room in running_room(qtbot, store, settings, ready="shown"):
        qtbot.waitUntil(lambda room=room: room.irv.view is not None, timeout=10000)
        win = room.window
        win.set_presentation_views(["answer"])
        win.enter_presentation()
        try:
            _at_1080p(win, qtbot)
            page = room.irv_answer
            assert page.verdict.text() == room.irv.view.headline
            assert not page.chart.isVisible()
            gap = page.details.geometry().top() - page.verdict.geometry().bottom()
            assert 0 <= gap <= 40, gap
            assert "From 2009 ballots; no polls." in page.details.toolTip() + page.details.text()
            from tests.ui.test_layout import _shot_dir

            win.grab().save(str(_shot_dir(tmp_path) / "meeting_answer_burlington_1920x1080.png"))
        finally:
            win.leave_presentation()
