"""Issue 15: a poll added, edited or deleted in a big contest reaches the table and the charts at once (a row
inserted or moved, points put in), the average follows from the worker thread, and what is shown then is what
a full reload of the same polls shows, whatever order the worker's results arrive in."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt

from tests.conftest import TOY
from tests.ui.conftest import running_room, toy_polls
from warroom.core.pipeline import compute_averages
from warroom.core.types import Poll
from warroom.paths import AppPaths

SERIES = ("ann", "bob", "cat", "lead1", "lead2", "lead2_implied")


@pytest.fixture
def worker_room(qtbot, tmp_path: Path, monkeypatch) -> Iterator[object]:
    """The toy war room with every recompute of the average and of the scenario's case on the worker threads, as
    a big contest's are."""
    from warroom.bootstrap import open_store
    from warroom.services.analysis_service import AverageController
    from warroom.services.scenario_service import ScenarioController
    from warroom.services.settings import AppSettings
    from warroom.store import polls as repo

    monkeypatch.setitem(AverageController.__init__.__kwdefaults__, "background_from", 1)
    # and the scenario's case, rebuilt and evaluated on its worker as the averages are made (prepare_ahead)
    monkeypatch.setitem(ScenarioController.__init__.__kwdefaults__, "background_from", 1)
    paths = AppPaths.under(tmp_path)
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir, seed=False)
    with store.sessions.begin() as s:
        repo.add_polls(s, repo.add_contest(s, TOY), toy_polls(40))
    settings = AppSettings(QSettings(str(paths.settings_file), QSettings.Format.IniFormat))
    landed: list[object] = []  # the poll lists whose averages were shown, in order
    for room in running_room(qtbot, store, settings, ready="averages"):
        room.landed = landed  # type: ignore[attr-defined]
        room.averages.averages_ready.connect(lambda polls, _averages: landed.append(polls))
        yield room


def _settle(room, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Until the store has confirmed the writes and the average of the polls held then has landed."""
    qtbot.waitUntil(lambda: room.poll_service.pending_writes == 0, timeout=10000)
    polls = room.poll_service.polls
    qtbot.waitUntil(
        lambda: (
            not room.averages.busy
            and bool(room.landed)
            and len(room.landed[-1]) == len(polls)
            and all(p is q for p, q in zip(room.landed[-1], polls, strict=True))
        ),
        timeout=10000,
    )
    qtbot.wait(30)  # the deferred listeners (the answer view, the scenario) have their turns


@pytest.fixture
def reference(qtbot) -> tuple[object, object, object]:
    """A second table and chart panel, made once per test, to be given the same polls whole (a reload)."""
    from warroom.ui.charts import ChartPanel
    from warroom.ui.poll_table import PollFilterProxy, PollTableModel

    panel = ChartPanel()
    qtbot.addWidget(panel)
    model = PollTableModel(panel)  # owned by the widget the test keeps
    proxy = PollFilterProxy(panel)
    proxy.setSourceModel(model)
    return model, proxy, panel


def _reloaded(room, reference):  # type: ignore[no-untyped-def]
    """The reference table and charts given the polls held now whole, as a reload would show them."""
    model, proxy, panel = reference
    polls = room.poll_service.polls
    model.set_contest(TOY)
    model.set_polls(polls)
    shown = room.window.polls_pane.proxy
    proxy.sort(shown.sortColumn(), shown.sortOrder())
    panel.set_contest(TOY)
    panel.show_data(polls, compute_averages(polls, TOY))
    return proxy, panel


def _rows(proxy) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    """Each row's poll id, sort value and display strings, in the order shown."""
    column = proxy.sortColumn()
    out = []
    for r in range(proxy.rowCount()):
        poll = proxy.data(proxy.index(r, 0), Qt.ItemDataRole.UserRole)
        texts = tuple(proxy.data(proxy.index(r, c)) for c in range(proxy.columnCount()))
        out.append((poll.id, proxy.data(proxy.index(r, column), Qt.ItemDataRole.UserRole + 1), texts))
    return out


def _same_as_a_reload(room, reference) -> None:  # type: ignore[no-untyped-def]
    proxy, panel = _reloaded(room, reference)
    ours, theirs = _rows(room.window.polls_pane.proxy), _rows(proxy)
    assert sorted(ours, key=repr) == sorted(theirs, key=repr)  # every row, with the same strings
    assert [key for _id, key, _t in ours] == [key for _id, key, _t in theirs]  # in the same sorted order
    charts = room.window.charts
    for key in SERIES:
        for got, want in zip(charts.point_data(key), panel.point_data(key), strict=True):
            np.testing.assert_array_equal(got, want, err_msg=key)
    assert charts.final_weeks_window() == panel.final_weeks_window()  # the default view follows the latest poll
    polls = room.poll_service.polls
    core = compute_averages(polls, TOY)  # the core function the numbers come from
    for code in ("ann", "bob", "cat"):
        x, mean = charts.curve_data(code)
        np.testing.assert_allclose(mean, core.first_round[code].mean, err_msg=code)
        np.testing.assert_allclose(x, panel.curve_data(code)[0])
    np.testing.assert_allclose(charts.curve_data("lead1")[1], core.first_lead.mean)


def _new(i: int, day: date, ann: float) -> Poll:
    return Poll(
        pollster=f"Newcomer {i}",
        fieldwork_start=day - timedelta(days=2),
        fieldwork_end=day,
        sample_size=900 + i,
        first_round={"ann": ann, "bob": 38.0, "cat": 100.0 - ann - 38.0},
        second_round={"ann": 51.0, "bob": 49.0} if i % 2 else {},
    )


def test_added_edited_and_deleted_polls_show_what_a_full_reload_shows(worker_room, reference, qtbot) -> None:
    room = worker_room
    service, table = room.poll_service, room.window.polls_pane.model
    latest = max(p.fieldwork_end for p in service.polls)
    middle = sorted(p.fieldwork_end for p in service.polls)[20]  # ends on the same day as a stored poll
    with qtbot.assertNotEmitted(table.modelReset):
        (a,) = service.add_polls([_new(1, latest + timedelta(days=1), 47.0)])
        (b,) = service.add_polls([_new(2, middle, 41.0)])
        # the rows and the points are there at once, before the average lands
        assert table.row_of(a) is not None and table.row_of(b) is not None
        assert a in room.window.charts.point_data("ann")[2] and b in room.window.charts.point_data("lead1")[2]
        _settle(room, qtbot)
        _same_as_a_reload(room, reference)
        edited = service.poll(b)
        assert edited is not None
        service.update_poll(replace(edited, fieldwork_end=middle - timedelta(days=5), first_round={"ann": 30.0}))
        _settle(room, qtbot)
        _same_as_a_reload(room, reference)
        service.delete_polls([a, service.polls[3].id or 0])  # the latest poll goes: the default view moves back
        assert room.window.charts.final_weeks_window() == _reloaded(room, reference)[1].final_weeks_window()
        _settle(room, qtbot)
        _same_as_a_reload(room, reference)
    assert table.rowCount() == 40 + 2 - 2


def test_after_an_add_an_edit_and_a_delete_the_scenario_is_what_the_core_gives_for_the_polls_whole(
    worker_room, reference, qtbot
) -> None:
    """An add, an edit and a delete in a big contest (its average from the worker, the columns edited in place):
    the charts, the table and the scenario (its baseline, party figures read from the columns, and projection:
    what the panel shows) equal what the core functions give for the polls whole."""
    from dataclasses import asdict

    from warroom.core.pipeline import BaselineChoice, evaluate, make_baseline

    room = worker_room
    service, averages, scenarios = room.poll_service, room.averages, room.scenarios

    def numbers(value: object) -> list[float]:
        """Every number in a (nested) dataclass or mapping, in order."""
        if isinstance(value, float | int) and not isinstance(value, bool):
            return [float(value)]
        if isinstance(value, dict):
            return [x for key in sorted(value, key=str) for x in numbers(value[key])]
        if isinstance(value, list | tuple):
            return [x for item in value for x in numbers(item)]
        return []

    def check() -> None:
        polls = service.polls
        qtbot.waitUntil(
            lambda: (
                averages.averages is not None
                and bool(room.landed)
                and len(room.landed[-1]) == len(polls)
                and all(p is q for p, q in zip(room.landed[-1], polls, strict=True))  # these very polls
                and scenarios.averages is averages.averages
                and scenarios.view is not None
                and not scenarios._pending.isActive()  # the new case evaluated (the panel is given it then)
                and not room.window.charts._unreleased  # every series handed its points (a few per turn)
            ),
            timeout=5000,
        )
        assert not averages.busy and not scenarios.busy
        _same_as_a_reload(room, reference)
        core = compute_averages(polls, TOY)
        baseline = make_baseline(BaselineChoice(), polls, TOY, core, scenarios.priors)
        assert scenarios.baseline is not None and scenarios.scenario is not None
        assert numbers(asdict(scenarios.baseline)) == pytest.approx(numbers(asdict(baseline)), abs=1e-12)
        assert list(scenarios.baseline.party_vi) == list(baseline.party_vi)
        view = evaluate(baseline, scenarios.scenario, odds=scenarios.odds)
        assert scenarios.view.projection.verdict == view.projection.verdict
        assert numbers(asdict(scenarios.view.projection)) == pytest.approx(numbers(asdict(view.projection)), abs=1e-9)

    latest = max(p.fieldwork_end for p in service.polls)
    (a,) = service.add_polls([_new(1, latest + timedelta(days=1), 47.0)])
    check()
    edited = service.poll(a)
    assert edited is not None
    service.update_poll(replace(edited, fieldwork_end=latest - timedelta(days=9), first_round={"ann": 30.0}))
    check()
    service.delete_polls([a])
    check()


def test_an_average_landing_after_later_changes_loses_none_of_them(worker_room, reference, qtbot, monkeypatch) -> None:
    """The worker's average of the first change arrives after two more changes: it is not shown over them;
    the points of every change stay drawn, and what lands last is the average of all of them."""
    from warroom.services import analysis_service

    room = worker_room
    service, charts = room.poll_service, room.window.charts
    gate, started = threading.Event(), []
    real = analysis_service.compute_averages

    def held(polls, *args, **kwargs):  # type: ignore[no-untyped-def]
        if threading.current_thread() is not threading.main_thread():
            started.append(len(polls))
            assert gate.wait(10)
        return real(polls, *args, **kwargs)

    monkeypatch.setattr(analysis_service, "compute_averages", held)
    shown_before = room.averages.averages
    line_before = charts.curve_data("ann")[1].copy()
    latest = max(p.fieldwork_end for p in service.polls)
    (a,) = service.add_polls([_new(1, latest + timedelta(days=1), 60.0)])
    qtbot.waitUntil(lambda: room.averages.busy)  # the first job runs (held)
    (b,) = service.add_polls([_new(2, latest + timedelta(days=2), 20.0)])
    victim = service.polls[5]
    service.delete_polls([victim.id or 0])
    qtbot.wait(50)
    # meanwhile: every change's points are drawn, the old average stays on screen
    ids = charts.point_data("ann")[2]
    a, b = (service.poll(i).id for i in (a, b))  # type: ignore[union-attr]  (stored ids once their adds landed)
    assert a in ids and b in ids and victim.id not in ids
    assert room.averages.averages is shown_before
    np.testing.assert_array_equal(charts.curve_data("ann")[1], line_before)
    gate.set()
    _settle(room, qtbot)
    assert started == [41, 41]  # the first change's job, then one for both later changes (none for a stale list)
    _same_as_a_reload(room, reference)


def test_the_charts_pixmap_caches_never_reach_an_export(qtbot, tmp_path: Path) -> None:
    """Lines and points are cached as pixmaps for the screen; an SVG export is the same vectors as with no
    cache at all (not pictures of the lines), and the caches are back on afterwards."""
    from PySide6.QtWidgets import QGraphicsItem

    from warroom.ui.charts import ChartPanel
    from warroom.ui.export import widget_to_png, widget_to_svg

    polls = [replace(p, id=i + 1) for i, p in enumerate(toy_polls(40))]
    panel = ChartPanel()
    qtbot.addWidget(panel)
    panel.resize(1200, 800)
    panel.show()
    panel.set_contest(TOY)
    panel.show_data(polls, compute_averages(polls, TOY))
    panel.grab()  # the caches are filled
    items = panel._layout_widget.scene().items()
    cached = [i for i in items if i.cacheMode() == QGraphicsItem.CacheMode.DeviceCoordinateCache]
    assert len(cached) >= 2 * 3  # a line and its points per candidate at least
    widget_to_svg(panel, tmp_path / "cached.svg")
    png = widget_to_png(panel, tmp_path / "cached.png")
    assert all(i.cacheMode() == QGraphicsItem.CacheMode.DeviceCoordinateCache for i in cached)
    for item in cached:
        item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
    widget_to_svg(panel, tmp_path / "plain.svg")
    plain_png = widget_to_png(panel, tmp_path / "plain.png")
    svg, plain_svg = (tmp_path / "cached.svg").read_text(), (tmp_path / "plain.svg").read_text()
    assert svg.count("<polyline") == plain_svg.count("<polyline") > 100  # the lines as vectors
    assert svg.count("<image") == plain_svg.count("<image")
    assert png == plain_png  # and the same pixels


def test_a_new_point_is_handed_to_the_scatter_item_alone_and_zooming_in_shows_every_point(qtbot) -> None:
    """A poll added: the scatter item gets that one point (addPoints), not the whole range restyled
    (setData); what it then holds is what re-slicing the range would give (stride 1), or the points it held
    and the new one (a thinned range); zoomed in, every poll of the range is drawn."""
    import pyqtgraph as pg

    from warroom.ui.charts import PointLayer

    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(800, 400)
    layer = PointLayer(widget.getPlotItem(), size=5)
    vb = widget.getPlotItem().getViewBox()
    n = 20_000
    x = np.arange(n, dtype=float) * 10.0
    layer.setData(x, np.sin(x), np.full(n, 5.0), np.zeros(n, dtype=np.int8), np.arange(n), presorted=True)
    calls: list[int] = []
    real = layer.item.set_points
    layer.item.set_points = lambda *a, **kw: (calls.append(1), real(*a, **kw))[1]  # type: ignore[method-assign]

    def held() -> set[tuple[float, int]]:
        return {(float(px), int(d)) for px, d in zip(layer.item.data["x"], layer.item.data["data"], strict=True)}

    for lo, hi in ((150_000.0, 152_000.0), (50_000.0, 150_000.0)):  # stride 1, then a thinned range
        vb.setXRange(lo, hi, padding=0)
        before, made = held(), len(calls)
        new_x = (lo + hi) / 2 + 5.0  # between two points
        new_id = n + int(lo)  # a new poll id
        one = np.asarray([new_x])
        layer.edit(
            np.empty(0, dtype=np.int64), one, one * 0, np.asarray([5.0]), np.zeros(1, np.int8), np.asarray([new_id])
        )
        assert len(calls) == made  # no re-handing of the range
        assert held() == before | {(new_x, new_id)}
        assert new_id in layer.get_data()[2]  # and the layer's own data has it, in order
        assert np.all(np.diff(layer.get_data()[0]) >= 0)
        if lo == 150_000.0:
            layer._refresh()  # what re-slicing the range gives: the same points
            assert held() == before | {(new_x, new_id)}
        vb.setXRange(new_x - 200.0, new_x + 200.0, padding=0)  # zoomed in: every point of the range
        lo2, hi2 = vb.viewRange()[0]
        xs, ids = layer.get_data()[0], layer.get_data()[2]
        want = {(float(a), int(b)) for a, b in zip(xs, ids, strict=True) if lo2 <= a <= hi2}
        assert want <= held() and (new_x, new_id) in want
