"""A race with no polls says so in its charts.

Burlington 2009 (the instant-runoff demo, no polls) showed three blank charts whose value axes ran from -0.4 to
0.4, a "share of the vote" of -0.4 %, and nothing saying why they were empty or what to do.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import TOY
from tests.ui.conftest import room_of, toy_polls
from warroom.ui.charts import EMPTY_HINT
from warroom.ui.export import plot_to_svg

pytestmark = pytest.mark.gui


@pytest.fixture
def empty_room(qtbot, tmp_path: Path):
    yield from room_of(qtbot, tmp_path, TOY, [], ready="shown")


def test_an_empty_race_says_so_in_every_chart(empty_room, qtbot, tmp_path: Path) -> None:
    charts = empty_room.window.charts
    notes = charts._empty_notes
    assert all(note.isVisible() for note in notes.values())
    assert notes["first"].toPlainText() == EMPTY_HINT
    for key, plot in charts.plots.items():
        vb = plot.getViewBox()
        lo, hi = vb.viewRange()[1]
        assert lo <= 0 < hi and hi - lo >= 20, (key, lo, hi)  # a share's or a lead's range, not -0.5 to 0.5
        box, note = vb.boundingRect(), notes[key].mapRectToParent(notes[key].boundingRect())
        assert box.contains(note.center()) and abs(note.center().x() - box.center().x()) < 2, key
    out = tmp_path / "first.svg"
    plot_to_svg(charts.plots["first"], out)
    assert "No polls yet" in out.read_text()


def test_the_first_poll_takes_the_note_away_and_fits_the_data(empty_room, qtbot) -> None:
    charts = empty_room.window.charts
    poll = toy_polls(1)[0]
    with qtbot.waitSignal(empty_room.scenarios.view_ready, timeout=5000):
        empty_room.poll_service.add_polls([poll])
    qtbot.waitUntil(lambda: not charts._empty_notes["first"].isVisible(), timeout=5000)
    assert not any(note.isVisible() for note in charts._empty_notes.values())
    vb = charts.plots["first"].getViewBox()
    assert vb.state["autoRange"][1] is not False  # the value axis follows the data again
    lo, hi = vb.viewRange()[1]
    share = max(poll.first_round.values())
    assert lo < share < hi and hi - lo < 50


def test_a_two_round_race_with_polls_shows_no_note(france_room) -> None:
    """A two-round contest's polls come as poll questions, not as the store's first-round polls: France 2022 with
    its 409 polls showed "No polls yet" over them."""
    charts = france_room.window.charts
    assert not any(note.isVisible() for note in charts._empty_notes.values())
    assert all(charts.plots[key].getViewBox().state["autoRange"][1] is not False for key in ("first", "lead1"))


def test_an_instant_runoff_race_with_no_polls_says_so(qtbot, tmp_path: Path) -> None:
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
    room = next(running_room(qtbot, store, settings, ready="irv"))
    notes = room.window.charts._empty_notes
    qtbot.waitUntil(lambda: all(note.isVisible() for note in notes.values()))
    room.window.close()
    store.close()


def test_meeting_mode_says_no_polls_yet_without_the_keyboard_hint(empty_room, qtbot) -> None:
    """On the projector the first chart said "No polls yet: add one (Ctrl+N) or import a file (Ctrl+I)": a hint
    for the keyboard in front of a room. Meeting mode says "No polls yet"; the window says the hint again after."""
    win, charts = empty_room.window, empty_room.window.charts
    win.set_presentation_views(["charts"])
    win.enter_presentation()
    try:
        qtbot.waitUntil(lambda: charts._empty_notes["first"].toPlainText() == "No polls yet", timeout=5000)
        assert charts._empty_notes["first"].isVisible()
    finally:
        win.leave_presentation()
    qtbot.waitUntil(lambda: charts._empty_notes["first"].toPlainText() == EMPTY_HINT, timeout=5000)
