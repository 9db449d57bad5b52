"""Meeting mode in and out does only what the views it shows need: the projector's stylesheet restyles the stack of
meeting views, not the hidden docks, toolbars and poll table; each theme's marker pictures are drawn once, kept in
an atlas of their own, and found again when the theme comes back; meeting mode's are drawn ahead in idle turns for
a big contest (issue 15: enter and leave each drew ~1,400 marker pictures and restyled every widget at 100,000
polls, 290-310 ms of one turn)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent, QObject

pytestmark = pytest.mark.gui


class _StyleChanges(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.StyleChange:
            self.count += 1
        return False


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every marker picture pyqtgraph draws into an atlas (its symbol, size, pen and brush)."""
    from pyqtgraph.graphicsItems import ScatterPlotItem as scatter

    pictures: list[object] = []
    render = scatter.renderSymbol

    def counted(symbol, size, pen, brush, *args, **kwargs):  # type: ignore[no-untyped-def]
        pictures.append((symbol, size))
        return render(symbol, size, pen, brush, *args, **kwargs)

    monkeypatch.setattr(scatter, "renderSymbol", counted)
    return pictures


@pytest.fixture
def prewarm_small(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The toy contest's 30 polls count as a big contest's (pictures drawn ahead)."""
    monkeypatch.setattr("warroom.ui.charts.PREWARM_FROM", 1)
    yield


def test_meeting_mode_restyles_its_views_not_the_hidden_docks_and_table(room, qtbot) -> None:
    from warroom.ui.assets import stylesheet

    win = room.window
    watcher = _StyleChanges()
    hidden = (win.polls_pane.view, win.polls_dock, win.toolbar, win.menuBar())
    for widget in hidden:
        widget.installEventFilter(watcher)
    own = win.styleSheet()
    win.enter_presentation()
    assert watcher.count == 0  # the poll table, its dock, the toolbar and menus were not restyled
    assert win.stack.styleSheet() == stylesheet("projector")  # every meeting view is a page of the stack
    assert win.stack.isAncestorOf(win.charts) and win.stack.isAncestorOf(win.stack.currentWidget())
    win.leave_presentation()
    assert watcher.count == 0  # nor on the way out
    assert win.styleSheet() == own and win.stack.styleSheet() == ""


def test_a_theme_coming_back_finds_its_marker_pictures_drawn(room, qtbot, drawn) -> None:
    win, charts = room.window, room.window.charts
    layers = charts._point_layers()
    assert layers and any(len(layer.item.data) for layer in layers)
    atlases = [layer.item.fragmentAtlas for layer in layers]
    win.enter_presentation()
    qtbot.waitUntil(lambda: charts._theme_due is None)  # (the projector's theme applied: its answer page first)
    win.leave_presentation()
    assert [layer.item.fragmentAtlas for layer in layers] == atlases  # the screen's own pictures, kept
    drawn.clear()
    win.enter_presentation()
    qtbot.wait(20)
    win.leave_presentation()
    qtbot.wait(20)
    assert drawn == []  # in and out again: every picture found, none drawn (the lead charts' drew all each time)
    lead = charts._lead1.points
    assert lead.opts["pen"].color().name() == "#202020"  # the screen's dark points again, not the projector's white
    assert (lead.data["sourceRect"]["w"] > 0).all()  # every point has its picture


def test_meeting_modes_pictures_are_drawn_ahead_in_idle_turns(prewarm_small, room, qtbot, drawn) -> None:
    win, charts = room.window, room.window.charts
    qtbot.waitUntil(
        lambda: getattr(charts, "_ahead", []) == [], timeout=10000
    )  # the idle turns drew the projector's pictures
    win.set_presentation_views(["charts"])  # (the charts are the first view: shown at once)
    drawn.clear()
    win.enter_presentation()
    assert win.stack.currentWidget() is charts
    assert drawn == []  # found drawn: none drawn in the turn that enters
    lead = charts._lead1.points
    assert lead.opts["pen"].color().name() == "#ffffff"
    assert (lead.data["sourceRect"]["w"] > 0).all()
    win.leave_presentation()


def test_charts_off_screen_take_the_projectors_theme_after_the_turn_that_enters(room, qtbot, monkeypatch) -> None:
    from warroom.ui.charts import PROJECTOR

    win, charts = room.window, room.window.charts
    themes: list[object] = []
    apply = charts.apply_theme
    monkeypatch.setattr(charts, "apply_theme", lambda theme: (themes.append(theme), apply(theme))[-1])
    assert win._views[0] == "answer"
    win.enter_presentation()
    assert themes == [] and win.stack.currentWidget() is not charts  # not restyled in the turn that enters
    win.step_view(1)  # the charts, shown (in the same turn): in the projector's theme before they paint
    assert win.stack.currentWidget() is charts and themes == [PROJECTOR] and charts._theme is PROJECTOR
    win.leave_presentation()
    themes.clear()
    win.enter_presentation()
    assert themes == []
    assert win.ready_charts() is charts and themes == [PROJECTOR]  # an export reads them in the projector's theme
    win.leave_presentation()
    themes.clear()
    win.enter_presentation()
    qtbot.waitUntil(lambda: themes == [PROJECTOR])  # else in a later turn of its own
    win.leave_presentation()
    assert charts._theme is not PROJECTOR


def test_the_heatmaps_left_label_is_centred_on_its_axis_whichever_text_fits(qtbot) -> None:
    from PySide6.QtGui import QFont

    from warroom.ui.scenario_panel import HEATMAP_Y_LABELS, Heatmap

    heatmap = Heatmap()
    qtbot.addWidget(heatmap)
    heatmap.resize(600, 420)
    heatmap.show()
    qtbot.waitExposed(heatmap)
    axis = heatmap.plot.getAxis("left")
    assert axis.labelText == HEATMAP_Y_LABELS[0]
    big = QFont()
    big.setPointSize(40)  # (meeting mode's type: the long label no longer fits, a shorter one is shown)
    heatmap.set_axis_font(big)
    assert axis.labelText != HEATMAP_Y_LABELS[0]
    # centred as pyqtgraph centres it (AxisItem.resizeEvent), not where the longer text was centred
    centre = axis.size().height() / 2 + axis.label.boundingRect().width() / 2
    assert axis.label.pos().y() == pytest.approx(int(centre), abs=1)


def test_a_chart_exported_in_meeting_mode_before_its_charts_are_shown_is_in_the_projectors_colours(
    room, qtbot, tmp_path
) -> None:
    from PySide6.QtGui import QImage

    from warroom.ui.export import chart_to_slide

    win, charts = room.window, room.window.charts

    def page(name: str) -> str:  # the slide's corner: the theme's page colour
        out = tmp_path / name
        chart_to_slide(charts, "lead1", out, 640, 360)
        return QImage(str(out)).pixelColor(2, 2).name()

    screen = page("before.png")
    win.enter_presentation()  # (its answer first: the charts' theme is due, not applied yet)
    assert win.stack.currentWidget() is not charts
    assert page("meeting.png") == "#000000"  # the projector's page, not the screen's
    win.leave_presentation()
    assert page("after.png") == screen != "#000000"


@pytest.fixture(params=[None, 8], ids=["all handed over", "a window handed over"])
def handed(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every point handed to the scatter items (the toy's 30), or a window of at most 8 a series (a big contest's)."""
    if request.param is not None:
        monkeypatch.setattr("warroom.ui.charts.PointLayer.MAX_VISIBLE", request.param)
    yield


def test_a_theme_change_resizes_the_points_in_place_without_handing_them_over(handed, room, qtbot, monkeypatch) -> None:
    from warroom.ui.charts import ChartPanel, PollScatter

    win, charts = room.window, room.window.charts
    calls: list[str] = []
    set_points, show_data = PollScatter.set_points, ChartPanel._show_data
    monkeypatch.setattr(PollScatter, "set_points", lambda *a, **k: (calls.append("set_points"), set_points(*a, **k)))
    monkeypatch.setattr(ChartPanel, "_show_data", lambda *a, **k: (calls.append("_show_data"), show_data(*a, **k)))

    def drawn_afresh() -> list[list[float]]:  # each layer's handed sizes as show_data draws them in the theme now
        charts._drawn = None
        charts.show_data(*charts._last_data)
        charts.settle_points()
        return sizes()

    def sizes() -> list[list[float]]:
        return [layer.item.data["size"].tolist() for layer in charts._point_layers()]

    for layer in charts._point_layers():
        layer.prepare_edits()  # (as a big contest's idle turns leave them: columns of their own, edited in place)
    screen = sizes()
    assert any(len(s) for s in screen) and all(x >= 5 for s in screen for x in s)  # (per point: not a dense view)
    win.set_presentation_views(["charts"])
    calls.clear()
    win.enter_presentation()
    assert calls == []  # the projector's marker sizes set in place: no series handed its points again
    meeting = sizes()
    assert meeting != screen and meeting == drawn_afresh()
    calls.clear()
    win.leave_presentation()
    assert calls == []  # nor on the way out
    assert sizes() == screen == drawn_afresh()
    for layer in charts._point_layers():
        assert (layer.item.data["sourceRect"]["w"] > 0).all()  # every point has its picture at its new size


@pytest.mark.parametrize("hidden", [None, "polls_dock"])
def test_leaving_meeting_mode_shows_the_docks_it_hid_without_restoring_the_windows_state(
    hidden, room, qtbot, monkeypatch
) -> None:
    from warroom.ui.main_window import MainWindow

    win = room.window
    win.resize(1366, 768)
    if hidden:
        getattr(win, hidden).hide()
    qtbot.wait(20)
    docks = (win.polls_dock, win.scenario_dock)
    before = [(dock.isVisible(), dock.size()) for dock in docks]
    geometry = win.geometry()
    restored: list[object] = []
    restore = MainWindow.restoreState
    monkeypatch.setattr(MainWindow, "restoreState", lambda *a, **k: (restored.append(a), restore(*a, **k))[-1])
    win.enter_presentation()
    assert not any(dock.isVisible() for dock in docks)
    win.leave_presentation()
    assert restored == []  # the docks meeting mode hid are shown again: no saved state laid out whole
    qtbot.wait(20)
    assert [(dock.isVisible(), dock.size()) for dock in docks] == before  # as they were, at their sizes
    assert win.geometry() == geometry and win.toolbar.isVisible() and win.menuBar().isVisible()
    assert win.statusBar().isVisible() and not win.runoff_toolbar.isVisible()  # (a runoff race: no two-round bar)


@pytest.mark.parametrize("hidden", ["toolbar", "statusBar", "menuBar"])
def test_leaving_meeting_mode_gives_back_each_bar_as_it_was_none_the_user_hid(hidden, room, qtbot) -> None:
    """Issue 16 (review): leaving meeting mode showed the toolbar, status bar and menu bar whatever they were
    (restoreState, which gave back the user's choice, is no longer called): a toolbar the user unticked came back.
    Each bar is now given back as it was on entering."""
    win = room.window
    bars = {"toolbar": win.toolbar, "statusBar": win.statusBar(), "menuBar": win.menuBar()}
    if hidden == "toolbar":
        win.toolbar.toggleViewAction().trigger()  # the user unticks "Main" in the toolbar area's context menu
    else:
        bars[hidden].hide()
    qtbot.wait(20)
    before = {name: bar.isVisible() for name, bar in bars.items()}
    assert not before[hidden] and sum(before.values()) == 2
    win.enter_presentation()
    assert not any(bar.isVisible() for bar in bars.values())
    win.leave_presentation()
    qtbot.wait(20)
    assert {name: bar.isVisible() for name, bar in bars.items()} == before


def test_leaving_meeting_mode_keeps_a_runoff_toolbar_the_user_hid_hidden(france_room, qtbot) -> None:
    """The two-round race's runoff toolbar, hidden by the user, stays hidden after meeting mode (it was shown by
    the contest's rule alone); shown, it is shown again."""
    win = france_room.window
    qtbot.waitUntil(lambda: win.runoff_toolbar.isVisible(), timeout=10000)
    win.enter_presentation()
    assert not win.runoff_toolbar.isVisible()
    win.leave_presentation()
    qtbot.wait(20)
    assert win.runoff_toolbar.isVisible()
    win.runoff_toolbar.toggleViewAction().trigger()  # the user hides it
    assert not win.runoff_toolbar.isVisible()
    win.enter_presentation()
    win.leave_presentation()
    qtbot.wait(20)
    assert not win.runoff_toolbar.isVisible() and win.toolbar.isVisible()


def test_meeting_modes_answer_page_is_built_ahead_in_an_idle_turn_not_in_the_turn_that_enters(
    room, qtbot, monkeypatch
) -> None:
    from warroom.ui.answer_view import AnswerView

    win = room.window
    assert win._views[0] == "answer" and win.isVisible()
    qtbot.waitUntil(lambda: room._answer_view is not None, timeout=10000)  # built ahead, the window idle
    pages = win.stack.count()
    built: list[object] = []
    init = AnswerView.__init__
    monkeypatch.setattr(AnswerView, "__init__", lambda self, *a, **k: (built.append(self), init(self, *a, **k))[-1])
    win.enter_presentation()
    assert built == [] and win.stack.currentWidget() is room.answer_view and win.stack.count() == pages
    assert room.answer_view.verdict.text() == room.scenarios.view.projection.verdict  # the live figures in
    x, y = room.answer_view.line.getData()
    assert len(x) > 0 and y[-1] == pytest.approx(room.averages.averages.second_lead.mean[-1])
    win.leave_presentation()


class _Resizes(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.sizes: list[tuple[int, int]] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.sizes.append((event.size().width(), event.size().height()))  # type: ignore[attr-defined]
        return False


def test_leaving_meeting_mode_lays_the_charts_out_once_at_the_windows_size(room, qtbot, monkeypatch) -> None:
    from warroom.ui.charts import PollScatter

    win, charts = room.window, room.window.charts
    win.resize(1366, 768)
    qtbot.wait(20)
    size = charts._layout_widget.size()
    win.set_presentation_views(["charts"])  # (on screen in meeting mode: shown at the projector's size)
    win.enter_presentation()
    qtbot.wait(20)
    assert charts._layout_widget.size() != size
    resizes = _Resizes()
    charts._layout_widget.installEventFilter(resizes)
    handed: list[object] = []
    set_points = PollScatter.set_points
    monkeypatch.setattr(PollScatter, "set_points", lambda *a, **k: (handed.append(a[0]), set_points(*a, **k)))
    win.leave_presentation()
    # one resize, to the size it has in the window (each step of the window's layout resized it, and each re-sliced
    # the points of the series whose x-range it moved)
    assert resizes.sizes == [(size.width(), size.height())] and handed == []
    qtbot.wait(20)
    assert charts._layout_widget.size() == size and resizes.sizes == [(size.width(), size.height())]
    charts._layout_widget.removeEventFilter(resizes)


@pytest.fixture
def built_by_hand(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Meeting mode's answer page is not built ahead on its own (the test builds it: MainWindow._build_ahead)."""
    monkeypatch.setattr("warroom.ui.main_window.AHEAD_MS", 600_000)
    yield


def test_an_answer_page_built_ahead_leaves_the_windows_least_size_as_it_was(built_by_hand, france_room, qtbot) -> None:
    win = france_room.window
    qtbot.waitUntil(lambda: france_room.two_round.view is not None)
    assert france_room._two_round_answer is None
    least = (win.minimumSizeHint(), win.stack.minimumSizeHint())
    win._build_ahead()
    assert france_room._two_round_answer is not None  # (a two-round race: its own answer page)
    # a page in the projector's type: as a page of the stack, it held the window's least size up to its own
    assert (win.minimumSizeHint(), win.stack.minimumSizeHint()) == least


def test_an_answer_page_built_ahead_draws_no_averages_until_it_is_shown(room, qtbot, monkeypatch) -> None:
    """The answer page built ahead of meeting mode (MainWindow._build_ahead) drew every average that landed,
    hidden, for nobody (3-9 ms of each landing's turn at 10,000-100,000 polls, the reviewer's timing). Hidden, it
    now keeps the last averages and draws them, the latest only, when meeting mode shows it."""
    from tests.conftest import make_poll
    from warroom.ui.answer_view import AnswerView

    win = room.window
    qtbot.waitUntil(lambda: room._answer_view is not None, timeout=10000)  # built ahead, the window idle
    page = room.answer_view
    assert not page.isVisible()
    drawn: list[object] = []
    show_lead = AnswerView._show_lead
    monkeypatch.setattr(AnswerView, "_show_lead", lambda self, *a: (drawn.append(a[0]), show_lead(self, *a))[-1])
    before = room.averages.averages
    room.poll_service.add_polls([make_poll(5, pollster="Late poll")])
    qtbot.waitUntil(lambda: room.averages.averages is not before, timeout=10000)
    qtbot.wait(50)  # (the page's own later turn: app._later)
    assert drawn == []  # (before: the new average drawn on the hidden page)
    win.enter_presentation()
    assert drawn == [room.averages.averages.second_lead]
    _x, y = page.line.getData()
    assert y[-1] == pytest.approx(room.averages.averages.second_lead.mean[-1])
    win.leave_presentation()


@pytest.mark.parametrize("view", ["charts", "answer"])
def test_leaving_meeting_mode_lays_the_charts_keys_and_heights_out_before_the_paint(view, room, qtbot) -> None:
    """The turn that leaves meeting mode left the fit of the charts' keys and heights (ChartPanel._fit_legends) to
    later turns: the charts were painted at the heights they had been given first, then laid out again and painted
    a second time (at 100,000 polls, 20-50 ms of painting and fitting the value axes twice)."""
    win, charts = room.window, room.window.charts
    win.resize(1366, 768)
    qtbot.waitUntil(lambda: win.charts_attached and not room.averages.busy and not room.scenarios.busy)
    qtbot.wait(300)  # (the window idle: the answer page built ahead, the pictures drawn ahead)
    win.set_presentation_views([view])
    win.enter_presentation()
    qtbot.wait(50)
    win.leave_presentation()
    # as the turn that leaves paints them: their places, and the value ranges fitted to them
    left = {key: (plot.geometry(), plot.getViewBox().viewRange()) for key, plot in charts.plots.items()}
    qtbot.wait(50)
    settled = {key: (plot.geometry(), plot.getViewBox().viewRange()) for key, plot in charts.plots.items()}
    assert left == settled


def test_leaving_meeting_mode_lays_the_docks_out_once_at_the_windows_size(room, qtbot) -> None:
    """The docks and bars were shown before the window left full screen: the poll table and the scenario panel were
    laid out at the size the window has on its way out (offscreen, the screen's) and again at its own (10-25 ms of
    leaving at 100,000 polls)."""
    win = room.window
    win.resize(1366, 768)
    qtbot.waitUntil(lambda: win.charts_attached and not room.averages.busy and not room.scenarios.busy)
    qtbot.wait(100)
    sizes = {"polls": win.polls_dock.size(), "scenario": win.scenario_dock.size()}
    win.enter_presentation()
    qtbot.wait(50)
    resizes = {"polls": _Resizes(), "scenario": _Resizes()}
    win.polls_dock.installEventFilter(resizes["polls"])
    win.scenario_dock.installEventFilter(resizes["scenario"])
    win.leave_presentation()
    qtbot.wait(50)
    win.polls_dock.removeEventFilter(resizes["polls"])
    win.scenario_dock.removeEventFilter(resizes["scenario"])
    assert {"polls": win.polls_dock.size(), "scenario": win.scenario_dock.size()} == sizes
    for key, size in sizes.items():  # each dock sized once, at its size in the window
        assert resizes[key].sizes in ([], [(size.width(), size.height())]), key
