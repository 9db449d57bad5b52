"""Issue 15: picking a big race in the toolbar reads its polls on the store writer's thread, the race open until then
still shown; a read that lands after the user picked again is dropped; a teammate's poll written meanwhile is kept."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from tests.conftest import TOY
from tests.ui.conftest import toy_polls

pytestmark = pytest.mark.gui

BIG, SMALL = 40, 30  # polls of the race read later (read_later_from is set between them) and of the toy race


def _add_race(room: Any, name: str, polls: int, seed: int) -> int:
    from warroom.store import polls as repo

    with room.store.sessions.begin() as s:
        cid = repo.add_contest(s, replace(TOY, name=name, id=None))
        repo.add_polls(s, cid, toy_polls(polls, seed=seed))
    room.contest_actions.show_contests(room.poll_service.contests())  # (written behind the window's back)
    return cid


def _ids_of(room: Any, cid: int) -> set[int]:
    from sqlalchemy import select

    from warroom.store.schema import PollRow

    with room.store.sessions() as s:
        return set(s.scalars(select(PollRow.id).where(PollRow.contest_id == cid)))


def _pick(room: Any, cid: int) -> None:
    picker = room.contest_actions.picker
    picker.setCurrentIndex(picker.findData(cid))


def _hold_writer(room: Any) -> threading.Event:
    """The store writer's thread waits until the event is set: what is queued behind it waits too."""
    gate = threading.Event()
    room.store_writer.submit(lambda: gate.wait(20), lambda *_: None)
    return gate


def test_a_big_race_picked_is_read_on_the_writer_thread_with_the_old_race_shown(room, qtbot, monkeypatch) -> None:
    """Picking a race not read before read its polls on the window's thread: 100,000 polls held it 3.2 s
    (benchmarks/bench_menu_stalls.py). Now they are read on the store writer's thread; until they land the race
    open before is shown whole (its name and polls together) and the status bar says what is being loaded."""
    from warroom.store import polls as repo

    ps = room.poll_service
    toy = ps.contest
    big = _add_race(room, "Big race 2031", BIG, seed=5)
    ps.read_later_from = (BIG + SMALL) // 2
    read_on: list[int] = []
    real = repo.list_polls

    def watched(session: Any, contest_id: int, **kw: Any) -> Any:
        if contest_id == big:
            read_on.append(threading.get_ident())
        return real(session, contest_id, **kw)

    monkeypatch.setattr(repo, "list_polls", watched)
    gate = _hold_writer(room)
    _pick(room, big)
    assert ps.contest.id == toy.id  # still the race shown, with its own polls
    assert set(ps.polls_view) == _ids_of(room, toy.id)
    assert room.window.polls_pane.model.rowCount() == SMALL
    assert ps.loading is not None and ps.loading.id == big
    assert room.window.statusBar().currentMessage() == "Loading Big race 2031…"
    gate.set()
    qtbot.waitUntil(lambda: ps.contest.id == big and ps.loading is None, timeout=10000)
    assert set(ps.polls_view) == _ids_of(room, big)
    assert room.window.polls_pane.model.rowCount() == BIG
    assert room.contest_actions.picker.currentData() == big
    assert read_on and threading.get_ident() not in read_on
    assert not room.window.statusBar().currentMessage().startswith("Loading")


@pytest.mark.parametrize("then", ["back", "third"])
def test_a_read_that_lands_after_another_pick_is_dropped(room, qtbot, then: str) -> None:
    """The user picks a big race and, before it is read, picks again (back to the race shown, or a third race): the
    first read lands last and is dropped, so no race's polls are ever shown under another's name."""
    ps = room.poll_service
    toy = ps.contest
    big = _add_race(room, "Big race 2031", BIG, seed=5)
    third = _add_race(room, "Third race 2031", BIG + 2, seed=7)
    ps.read_later_from = (BIG + SMALL) // 2
    ids = {toy.id: _ids_of(room, toy.id), big: _ids_of(room, big), third: _ids_of(room, third)}
    shown: list[tuple[int, set[int]]] = []  # the contest named and the polls shown, at every change
    ps.polls_changed.connect(lambda _c: shown.append((ps.contest.id, set(ps.polls_view))))
    gate = _hold_writer(room)
    _pick(room, big)
    assert ps.loading is not None
    final = toy.id if then == "back" else third
    _pick(room, final)
    gate.set()
    qtbot.waitUntil(lambda: ps.loading is None and ps.contest.id == final, timeout=10000)
    qtbot.waitUntil(lambda: room.store_writer.wait(0), timeout=10000)
    assert ps.contest.id == final
    assert set(ps.polls_view) == ids[final]
    assert room.window.polls_pane.model.rowCount() == len(ids[final])
    assert room.contest_actions.picker.currentData() == final
    assert all(polls == ids[named] for named, polls in shown), [(n, len(p)) for n, p in shown]
    assert not any(named == big for named, _ in shown)


def test_a_teammates_poll_written_while_a_race_is_read_is_not_lost(room, qtbot, monkeypatch) -> None:
    """A teammate adds a poll to the picked race just after its polls were read, before they are shown: the
    store's next look (the watch) finds it and shows it."""
    from warroom.store import polls as repo

    ps = room.poll_service
    big = _add_race(room, "Big race 2031", BIG, seed=5)
    ps.read_later_from = (BIG + SMALL) // 2
    real = repo.list_polls
    teammates = toy_polls(1, seed=11)[0]
    teammates = replace(teammates, pollster="Teammate Polls", fieldwork_start=date(2024, 4, 1))
    teammates = replace(teammates, fieldwork_end=date(2024, 4, 3))

    def then_teammate(session: Any, contest_id: int, **kw: Any) -> Any:
        polls = real(session, contest_id, **kw)
        if contest_id == big and not kw:
            with room.store.sessions.begin() as other:  # another connection: the teammate's program
                repo.add_polls(other, big, [teammates])
        return polls

    monkeypatch.setattr(repo, "list_polls", then_teammate)
    _pick(room, big)
    qtbot.waitUntil(lambda: ps.contest.id == big and ps.loading is None, timeout=10000)
    monkeypatch.setattr(repo, "list_polls", real)
    assert "Teammate Polls" not in {p.pollster for p in ps.polls}  # read before it was written
    ps._on_watch_timeout()  # one tick of the store watch (the tests' room runs without its timer)
    qtbot.waitUntil(lambda: "Teammate Polls" in {p.pollster for p in ps.polls}, timeout=10000)
    assert len(ps.polls) == BIG + 1
    assert set(ps.polls_view) == _ids_of(room, big)


def test_cancel_keeps_the_race_shown(room, qtbot) -> None:
    """The loading dialog's Cancel drops the read: the race shown stays, and the picker names it again."""
    ps = room.poll_service
    toy = ps.contest
    big = _add_race(room, "Big race 2031", BIG, seed=5)
    ps.read_later_from = (BIG + SMALL) // 2
    gate = _hold_writer(room)
    _pick(room, big)
    progress = room.contest_actions.loading_progress
    assert progress is not None
    from PySide6.QtWidgets import QPushButton

    progress.findChild(QPushButton).click()  # its Cancel button
    assert ps.loading is None and room.contest_actions.picker.currentData() == toy.id
    gate.set()
    qtbot.waitUntil(lambda: room.store_writer.wait(0), timeout=10000)
    assert ps.contest.id == toy.id and set(ps.polls_view) == _ids_of(room, toy.id)


def test_a_races_fieldwork_order_is_not_made_again_on_the_window_thread(room, qtbot, monkeypatch) -> None:
    """The fieldwork order's keys of a race (one Python call per poll: 100,000 polls, 0.1 s) were made on the
    window's thread each time it was shown; now on the writer's thread with its read, and kept with the read for a
    switch back."""
    from warroom.services import poll_service

    ps = room.poll_service
    toy = ps.contest
    big = _add_race(room, "Big race 2031", BIG, seed=5)
    ps.read_later_from = (BIG + SMALL) // 2
    on_gui: list[int] = []
    real = poll_service._order_key
    gui = threading.get_ident()
    monkeypatch.setattr(
        poll_service, "_order_key", lambda p: (on_gui.append(1) if threading.get_ident() == gui else None, real(p))[1]
    )
    _pick(room, big)
    qtbot.waitUntil(lambda: ps.contest.id == big and ps.loading is None, timeout=10000)
    assert on_gui == []  # read and ordered on the writer's thread
    _pick(room, toy.id)  # (read again on this thread: small, and written to since it was read)
    assert ps.contest.id == toy.id
    on_gui.clear()
    for cid in (big, toy.id, big):  # switches back: what was read is kept, its order with it
        _pick(room, cid)
        assert ps.contest.id == cid and ps.loading is None
        assert set(ps.polls_view) == _ids_of(room, cid)
        ends = [(p.fieldwork_end, p.id) for p in ps.polls]
        assert ends == sorted(ends)
    assert on_gui == []


def _big_race_with_two_cases(room: Any, qtbot: Any) -> tuple[Any, Any, int]:
    """A big race (read on the writer's thread when picked) open, with saved cases "Plan A" and "Plan B" stored:
    the poll service, the toy race open before it, and the big race's id."""
    ps = room.poll_service
    toy = ps.contest
    big = _add_race(room, "Big race 2031", BIG, seed=5)
    ps.read_later_from = (BIG + SMALL) // 2
    _pick(room, big)
    qtbot.waitUntil(lambda: ps.contest.id == big and room.scenarios.view is not None, timeout=10000)
    for name in ("Plan A", "Plan B"):
        room.scenario_actions.save_as(name)
    qtbot.waitUntil(lambda: ps.pending_writes == 0, timeout=10000)
    return ps, toy, big


def test_a_big_races_saved_cases_are_announced_a_turn_after_its_polls(room, qtbot, monkeypatch) -> None:
    """The turn a big race read on the writer's thread lands in also read every saved case of it for the Scenario
    menu (at 100,000 polls each carries 100,000 poll ids: a third of that turn); now they are announced in the next
    turn, and the menu lists them then."""
    from PySide6.QtCore import QTimer

    from warroom.core.pipeline import SavedScenario

    ps, toy, big = _big_race_with_two_cases(room, qtbot)
    _pick(room, toy.id)
    qtbot.waitUntil(lambda: ps.contest.id == toy.id, timeout=10000)
    landing = [False]

    def on_loaded(_contest: object) -> None:  # the turn the read lands in, until its end
        landing[0] = True
        QTimer.singleShot(0, room.window, lambda: landing.__setitem__(0, False))

    ps.contest_loaded.connect(on_loaded)
    read_when: list[bool] = []
    real = SavedScenario.from_dicts

    def counted(cls: type, *args: Any, **kw: Any) -> Any:
        read_when.append(landing[0])
        return real(*args, **kw)

    monkeypatch.setattr(SavedScenario, "from_dicts", classmethod(counted))
    room.scenarios._read_saved.clear()  # (the cases read before would be kept: here they must be read again)
    _pick(room, big)
    qtbot.waitUntil(lambda: ps.contest.id == big and ps.loading is None, timeout=10000)
    qtbot.waitUntil(lambda: len(read_when) >= 2, timeout=10000)
    assert read_when and not any(read_when), read_when
    assert {name for name, _b, _s in ps.scenarios()} >= {"Plan A", "Plan B"}
    ps.contest_loaded.disconnect(on_loaded)


def test_a_big_races_saved_cases_read_again_from_the_store_are_not_parsed_again(room, qtbot, monkeypatch) -> None:
    """Switching back to a big race after the store changed reads its saved cases again on the writer's thread:
    records equal to those read before, in other objects. Each was parsed again on the window's thread
    (SavedScenario.from_dicts; 20 cases at 100,000 polls: 222 ms of that race's landing turn,
    benchmarks/bench_menu_stalls.py --profile). Now the read hands back the very records held when the race was left
    for those it finds equal (compared on the writer's thread), so none is parsed again; the menu still lists them
    all, and a case changed meanwhile is read again."""
    from warroom.core.pipeline import SavedScenario

    ps, toy, big = _big_race_with_two_cases(room, qtbot)
    assert {s.name for s in room.scenarios.saved()} == {"Plan A", "Plan B"}
    before = {id(r[1]) for r in ps.scenarios()}
    _pick(room, toy.id)
    qtbot.waitUntil(lambda: ps.contest.id == toy.id and room.scenarios.view is not None, timeout=10000)
    monkeypatch.setattr(room.window, "show_error", lambda message: pytest.fail(message))
    room.scenario_actions.save_as("Toy plan")  # the store changes: the big race is read again on the writer
    qtbot.waitUntil(lambda: ps.pending_writes == 0, timeout=10000)
    read: list[str] = []
    real = SavedScenario.from_dicts

    def counted(cls: type, name: str, *args: Any, **kw: Any) -> Any:
        read.append(name)
        return real(name, *args, **kw)

    monkeypatch.setattr(SavedScenario, "from_dicts", classmethod(counted))
    _pick(room, big)
    assert ps.loading is not None  # read on the writer's thread, as new objects
    qtbot.waitUntil(lambda: ps.contest.id == big and ps.loading is None, timeout=10000)
    qtbot.waitUntil(lambda: "Plan A" in room.scenario_actions.saved_names(), timeout=10000)
    qtbot.wait(50)
    # the records read again equal to those shown before are handed back as those very objects (compared on the
    # writer's thread), and no case is parsed again on the window's thread
    assert {id(r[1]) for r in ps.scenarios()} == before
    assert read == []
    assert set(room.scenario_actions.saved_names()) == {"Plan A", "Plan B"}
    # a case saved over (another record under its name) is read again: with another setting, as the record would
    # otherwise be the same to the second it was saved at (then rightly not read again: one run in four here)
    room.scenarios.set_message_strength(0.3)
    room.scenario_actions.save_as("Plan B")
    qtbot.waitUntil(lambda: ps.pending_writes == 0, timeout=10000)
    room.scenarios.saved()
    assert "Plan B" in read and "Plan A" not in read


def test_saved_cases_equal_to_those_read_before_are_not_parsed_again(room, qtbot, monkeypatch) -> None:
    """ScenarioController.saved kept what it read of a record by the record's identity only: the same records in
    other objects (read again from the store) were all parsed again (SavedScenario.from_dicts). An equal record under
    the same name gives the case read before; a record changed under its name is read again."""
    import copy

    from warroom.core.pipeline import SavedScenario

    ps, controller = room.poll_service, room.scenarios
    qtbot.waitUntil(lambda: controller.view is not None, timeout=10000)
    for name in ("One", "Two"):
        room.scenario_actions.save_as(name)
    qtbot.waitUntil(lambda: ps.pending_writes == 0, timeout=10000)
    first = controller.saved()
    assert [c.name for c in first] == ["One", "Two"]
    read: list[str] = []
    real = SavedScenario.from_dicts
    monkeypatch.setattr(
        SavedScenario, "from_dicts", classmethod(lambda cls, name, *a: (read.append(name), real(name, *a))[1])
    )
    again = copy.deepcopy(ps.scenarios())  # read again: equal records, other objects
    monkeypatch.setattr(ps, "scenarios", lambda: again)
    assert controller.saved() == first
    assert read == []
    changed = copy.deepcopy(again)
    changed[1][2]["drag_source"] = "nowhere"  # saved over under its name
    monkeypatch.setattr(ps, "scenarios", lambda: changed)
    controller.saved()
    assert read == ["Two"]


def test_switching_races_gives_the_new_race_the_charts_items_of_the_race_left(room, qtbot, monkeypatch) -> None:
    """Opening another race made every chart item again (a line, two bands and a scatter item per candidate and per
    lead series, an end label each) and took the old ones out of the scene: at 100,000 polls 70-100 ms of the turn
    a big race lands in (benchmarks/bench_menu_stalls.py). Now the items of the race left are given to the new one's
    candidates, by place, and the lead charts keep theirs, with their data cleared: no series is made, and what is
    drawn is the new race's polls alone, in its candidates' colours."""
    from warroom.ui import charts as charts_module

    ps = room.poll_service
    toy = ps.contest
    other = _add_race(room, "Other race 2031", SMALL + 6, seed=5)
    charts = room.window.ready_charts()
    assert charts is not None
    qtbot.waitUntil(lambda: len(charts.point_data("lead1")[2]) > 0, timeout=10000)
    lines = {code: series.line for code, series in charts._first.items()}
    points = {code: series.points for code, series in charts._first.items()}
    leads = (charts._lead1, charts._lead2_observed, charts._lead2_implied)
    labels = dict(charts._end_labels)
    made: list[str] = []
    real = charts_module._Series.__init__

    def counted(series: Any, plot: Any, colour: str, name: str, *args: Any, **kw: Any) -> None:
        made.append(name)
        real(series, plot, colour, name, *args, **kw)

    monkeypatch.setattr(charts_module._Series, "__init__", counted)
    for cid in (other, toy.id):
        _pick(room, cid)
        assert ps.contest.id == cid
        ids = _ids_of(room, cid)
        qtbot.waitUntil(lambda ids=ids: set(charts.point_data("lead1")[2].tolist()) == ids, timeout=10000)
        assert made == []
        assert all(charts._first[code].line is line for code, line in lines.items())
        assert all(charts._first[code].points is item for code, item in points.items())
        assert (charts._lead1, charts._lead2_observed, charts._lead2_implied) == leads
        assert all(charts._end_labels[key] is label for key, label in labels.items())
        for cand in ps.contest.candidates:  # the race's own polls, in its candidates' colours
            assert set(charts.point_data(cand.code)[2].tolist()) <= ids
            assert charts._first[cand.code].line.opts["pen"].color().name() == cand.colour.lower()


def test_a_races_rows_land_sorted_by_fieldwork_without_reading_each_polls_date(room, qtbot, monkeypatch) -> None:
    """The poll table, sorted by fieldwork, read every poll's fieldwork end again to sort the rows of a race opened
    or read again (PollTableModel._sort_values: 100,000 polls, 30-70 ms of the turn a big race lands in). The poll
    service keeps those days with its order (its keys): the table takes them, the same days."""
    from warroom.ui.poll_table import FIELDWORK_COLUMN, PollTableModel

    ps, model = room.poll_service, room.window.polls_pane.model
    toy = ps.contest
    big = _add_race(room, "Big race 2031", BIG, seed=5)
    ps.read_later_from = (BIG + SMALL) // 2
    sorted_by: list[int] = []
    real = PollTableModel._sort_values

    def watched(table: Any, polls: Any, column: int) -> Any:
        if polls:  # (the empty table of the contest's own reset, before its rows)
            sorted_by.append(column)
        return real(table, polls, column)

    monkeypatch.setattr(PollTableModel, "_sort_values", watched)
    for cid in (big, toy.id):  # read on the writer's thread, then opened at once
        _pick(room, cid)
        qtbot.waitUntil(lambda cid=cid: ps.contest.id == cid and ps.loading is None, timeout=10000)
        assert model.rowCount() == len(_ids_of(room, cid))
        assert FIELDWORK_COLUMN not in sorted_by
        assert model.sort_keys(FIELDWORK_COLUMN) == real(model, [model.poll_at(r) for r in range(model.rowCount())], 2)
        assert ps.fieldwork_days() == [p.fieldwork_end.toordinal() for p in ps.polls]


def test_a_big_race_shown_again_takes_back_its_column_widths_without_measuring(room, qtbot, monkeypatch) -> None:
    """Each time a big race was shown its poll table's columns were measured again (100 rows of every column, a
    Python call per cell: 50-110 ms of a 100,000-poll race's switch back, benchmarks/bench_menu_stalls.py). A race
    shown again with as many polls, under the same columns and sort, takes back the widths measured for it; one
    with another number of polls is measured again."""
    from warroom.ui import main_window

    ps = room.poll_service
    toy = ps.contest
    big = _add_race(room, "Big race 2031", BIG, seed=5)
    monkeypatch.setattr(main_window, "FIT_LATER_FROM", BIG - 5)  # (the toy race's 30 polls: measured at once)
    pane = room.window.polls_pane
    fits: list[int] = []
    real = pane.view.resizeColumnsToContents
    monkeypatch.setattr(pane.view, "resizeColumnsToContents", lambda: (fits.append(pane.proxy.rowCount()), real()))
    header = pane.view.horizontalHeader()
    measured = lambda: [n for n in fits if n]  # noqa: E731  # (not the empty table of a contest's own reset)
    _pick(room, big)
    qtbot.waitUntil(lambda: ps.contest.id == big and measured() == [BIG], timeout=10000)
    widths = [header.sectionSize(c) for c in range(header.count() - 1)]
    _pick(room, toy.id)
    assert ps.contest.id == toy.id and measured() == [BIG, SMALL]
    header.resizeSection(0, widths[0] + 40)  # (the toy race's own widths stand meanwhile)
    _pick(room, big)
    qtbot.waitUntil(lambda: ps.contest.id == big and pane.model.rowCount() == BIG, timeout=10000)
    qtbot.wait(20)  # (a fit in a later turn would have come)
    assert measured() == [BIG, SMALL]
    assert [header.sectionSize(c) for c in range(header.count() - 1)] == widths
    from warroom.store import polls as repo

    _pick(room, toy.id)
    with room.store.sessions.begin() as s:  # a teammate's poll in the big race: one poll more, measured again
        repo.add_polls(s, big, [replace(toy_polls(1, seed=9)[0], pollster="Late Polls")])
    _pick(room, big)
    qtbot.waitUntil(lambda: measured()[-1] == BIG + 1, timeout=10000)


def test_switching_races_moves_the_election_day_lines_and_sets_no_theme_again(room, qtbot, monkeypatch) -> None:
    """Each switch made the three election-day lines again and set the whole theme again on items that were given
    to the new race already in it (ChartPanel._set_contest_lines: 30-40 ms of the turn that switches to the small
    race at 100,000 polls, benchmarks/bench_menu_stalls.py). Now the lines are moved to the new race's day, renamed
    and re-tipped, and the theme is set only on items made for the race."""
    from warroom.store import polls as repo
    from warroom.ui.charts import ChartPanel, day_to_epoch

    ps = room.poll_service
    toy = ps.contest
    with room.store.sessions.begin() as s:
        cid = repo.add_contest(s, replace(TOY, name="Later race 2031", id=None, election_date=date(2031, 5, 1)))
        repo.add_polls(s, cid, toy_polls(SMALL, seed=7))
    room.contest_actions.show_contests(ps.contests())
    charts = room.window.ready_charts()
    assert charts is not None
    lines = list(charts._election_lines)
    assert len(lines) == len(charts.plots)
    themed: list[object] = []
    real = ChartPanel.apply_theme
    monkeypatch.setattr(ChartPanel, "apply_theme", lambda self, theme: (themed.append(theme), real(self, theme)))
    for race in (cid, toy.id):
        _pick(room, race)
        shown = ps.contest
        assert shown.id == race
        assert themed == []
        assert charts._election_lines == lines  # the very items
        for line in lines:
            assert line.value() == pytest.approx(float(day_to_epoch(shown.election_date.toordinal())))
            assert line.toolTip() == f"Election day: {shown.election_date.day} {shown.election_date:%B %Y}"
        assert [getattr(line, "label", None) is not None for line in lines] == [False, True, True]
        assert all(line.label.format == "Election day" for line in lines[1:])


def test_a_small_race_picked_is_read_from_the_store_once(room, qtbot, monkeypatch) -> None:
    """Picking a small race (under read_later_from polls: opened at once, on the window's thread) read the race's
    details three times: with the count of its polls, to open it, and to find its own official result by its id
    (store.contests.expected_valid_votes; three statements each, 46 ms of a profiled switch's turn at 100,000
    polls, benchmarks/bench_menu_stalls.py --profile). Now the details read with the count are opened, and the
    result is looked up by the id; the race shown is the one picked, with its polls."""
    from warroom.store import polls as repo

    ps = room.poll_service
    toy = ps.contest
    other = _add_race(room, "Other race 2031", SMALL + 3, seed=9)
    reads: list[object] = []
    real = repo.get_contest
    monkeypatch.setattr(repo, "get_contest", lambda s, *a, **k: (reads.append(a), real(s, *a, **k))[1])
    for cid in (other, toy.id):
        reads.clear()
        _pick(room, cid)
        assert ps.contest.id == cid and ps.loading is None
        assert {p.id for p in ps.polls} == _ids_of(room, cid)
        assert reads == [(cid,)], reads  # (before: three times)


def test_a_big_race_at_the_start_is_read_on_the_writer_thread_after_the_window_is_built(
    qtbot, tmp_path, monkeypatch
) -> None:
    """The start opened its race on the window's thread (PollService.open_contest), whatever its size: at 100,000
    polls 2-3 s before the window was first painted. A big race (read_later_from polls or more) is now read on the
    store writer's thread as a pick of it is: the window is built with no race shown (no name without its
    polls), the status bar says which is being loaded, and the race lands whole, its averages after."""
    from PySide6.QtCore import QSettings

    from tests.ui.conftest import running_room
    from warroom.bootstrap import open_store
    from warroom.paths import AppPaths
    from warroom.services import poll_service
    from warroom.services.settings import AppSettings
    from warroom.store import polls as repo

    paths = AppPaths.under(tmp_path)
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir, seed=False)
    with store.sessions.begin() as s:
        cid = repo.add_contest(s, TOY)
        repo.add_polls(s, cid, toy_polls(BIG, seed=3))
    monkeypatch.setattr(poll_service, "READ_LATER_FROM", BIG - 5)
    threads: list[str] = []
    real = repo.list_polls

    def listed(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(repo, "list_polls", listed)
    settings = AppSettings(QSettings(str(paths.settings_file), QSettings.Format.IniFormat))
    for room in running_room(qtbot, store, settings, ready="averages"):
        ps = room.poll_service
        assert ps.contest is not None and ps.contest.id == cid and len(ps.polls) == BIG
        assert threads and threading.main_thread().name not in threads, threads  # (before: MainThread)
        assert room.window.windowTitle().startswith(TOY.title)


def test_the_window_built_with_a_big_race_still_being_read_names_no_race(qtbot, tmp_path, monkeypatch) -> None:
    """While the start's big race is read on the writer's thread the window shows no race: neither its name nor
    another's, and no polls; then the race lands whole."""
    from PySide6.QtCore import QSettings

    from warroom.app import WarRoom
    from warroom.bootstrap import open_store
    from warroom.paths import AppPaths
    from warroom.services import poll_service
    from warroom.services.settings import AppSettings
    from warroom.store import polls as repo

    paths = AppPaths.under(tmp_path)
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir, seed=False)
    with store.sessions.begin() as s:
        cid = repo.add_contest(s, TOY)
        repo.add_polls(s, cid, toy_polls(BIG, seed=3))
    monkeypatch.setattr(poll_service, "READ_LATER_FROM", BIG - 5)
    settings = AppSettings(QSettings(str(paths.settings_file), QSettings.Format.IniFormat))
    room = WarRoom(store, settings, watch=False)
    qtbot.addWidget(room.window)
    # (no event-loop turn yet: a read done on the writer's thread is shown in one)
    ps = room.poll_service
    assert ps.contest is None and ps.loading is not None and ps.loading.id == cid  # (before: opened, here)
    assert len(ps.polls) == 0
    assert room.window.polls_pane.model.rowCount() == 0
    assert TOY.title not in room.window.windowTitle()
    assert "Loading" in room.window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: ps.contest is not None and len(ps.polls) == BIG, timeout=10000)
    qtbot.waitUntil(lambda: room.averages.averages is not None, timeout=10000)
    assert room.window.windowTitle().startswith(TOY.title)
    assert room.window.polls_pane.model.rowCount() == BIG
    room.window.close()
    store.close()


def test_the_race_opened_after_the_open_one_is_deleted_is_read_on_the_writer_thread_when_big(
    room, qtbot, monkeypatch
) -> None:
    """Deleting the open race opened the store's default on the window's thread (PollService.open_contest),
    whatever its size. A big one is now read on the store writer's thread: until it lands the window shows no
    polls (none of the race deleted, none of the next under another name), then the next race whole."""
    from warroom.store import polls as repo

    ps = room.poll_service
    toy = ps.contest
    big = _add_race(room, "Big race 2031", BIG, seed=5)
    ps.read_later_from = (BIG + SMALL) // 2
    threads: list[str] = []
    real = repo.list_polls

    def listed(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(repo, "list_polls", listed)
    ps.delete_contest(toy.id, born=ps.opened_identity)
    assert ps.contest is None and ps.loading is not None and ps.loading.id == big  # (before: opened here)
    assert len(ps.polls) == 0 and room.window.polls_pane.model.rowCount() == 0
    qtbot.waitUntil(lambda: ps.contest is not None and len(ps.polls) == BIG, timeout=10000)
    assert ps.contest.id == big
    assert threads and threading.main_thread().name not in threads, threads
    assert room.window.windowTitle().startswith("Big race 2031")
    assert room.window.polls_pane.model.rowCount() == BIG


def test_a_cancelled_start_read_leaves_no_race_named_and_picking_it_again_opens_it(
    qtbot, tmp_path, monkeypatch
) -> None:
    """Issue 16 (review): Cancel (or Esc) on "Open contest" while the start's big race was read left no race open
    while the picker still named it and the title said nothing: picking it again changed no index, so nothing
    happened, and Add poll and Import failed with "no contest is open". Now the picker names no race, the window
    says none is open and asks for one, adding, importing and pasting polls are off, and picking the race again
    reads it (on the writer's thread, as at the start) and opens it."""
    from types import SimpleNamespace

    from PySide6.QtCore import QMimeData, QSettings, QUrl

    from warroom.app import WarRoom
    from warroom.bootstrap import open_store
    from warroom.paths import AppPaths
    from warroom.services import poll_service
    from warroom.services.settings import AppSettings
    from warroom.store import polls as repo

    paths = AppPaths.under(tmp_path)
    paths.ensure()
    store = open_store(paths.database, backup_dir=paths.backup_dir, seed=False)
    with store.sessions.begin() as s:
        repo.add_polls(s, repo.add_contest(s, replace(TOY, name="Small race")), toy_polls(SMALL, seed=2))
        big = repo.add_contest(s, replace(TOY, name="Big race"))
        repo.add_polls(s, big, toy_polls(BIG, seed=3))
    monkeypatch.setattr(poll_service, "READ_LATER_FROM", BIG - 5)
    settings = AppSettings(QSettings(str(paths.settings_file), QSettings.Format.IniFormat))
    settings.contest = "Big race"
    gate = threading.Event()
    room = WarRoom(store, settings, watch=False)
    qtbot.addWidget(room.window)
    try:
        ps, actions, win = room.poll_service, room.contest_actions, room.window
        assert ps.loading is not None and ps.loading.id == big and ps.contest is None
        progress = actions.loading_progress
        assert progress is not None
        progress.canceled.emit()  # the user presses Cancel (or Esc) on "Open contest"
        qtbot.wait(50)
        assert ps.contest is None and ps.loading is None
        assert actions.picker.currentIndex() == -1 and actions.picker.currentText() == ""  # (before: "Big race")
        assert win.windowTitle().startswith("No race open") and "pick one" in win.statusBar().currentMessage()
        assert not win.action_add.isEnabled() and not win.action_import.isEnabled()
        assert not win.action_paste.isEnabled() and not actions.action_edit.isEnabled()
        said: list[str] = []
        monkeypatch.setattr(win, "show_error", said.append)
        asked: list[object] = []
        win.import_requested.connect(asked.append)
        dropped = QMimeData()
        dropped.setUrls([QUrl.fromLocalFile(str(tmp_path / "polls.csv"))])
        win.dropEvent(SimpleNamespace(mimeData=lambda: dropped, acceptProposedAction=lambda: None))  # a file dropped
        assert asked == [] and said and "polls.csv was not imported: no race is open" in said[0]
        room.store_writer.submit(lambda: gate.wait(20), lambda *_: None)  # the read waits: it is on that thread
        _pick(room, big)  # (before: no currentIndexChanged, nothing opened)
        assert ps.loading is not None and ps.loading.id == big and ps.contest is None
        gate.set()
        qtbot.waitUntil(lambda: ps.contest is not None and len(ps.polls) == BIG, timeout=10000)
        assert ps.contest.id == big and win.windowTitle().startswith("Big race")
        assert actions.picker.currentText() == "Big race" and "No race" not in win.statusBar().currentMessage()
        assert win.action_add.isEnabled() and win.action_import.isEnabled() and win.action_paste.isEnabled()
    finally:
        gate.set()
        room.window.close()
        store.close()


@pytest.mark.parametrize("how", ["failed", "refused"])
def test_a_failed_read_of_the_race_opened_after_a_delete_leaves_no_race_named(how, room, qtbot, monkeypatch) -> None:
    """The race opened after the open one is deleted is read on the writer's thread when big; a read that failed
    (or was refused: the race gone by the time it was read) left the picker naming a race with none open (that
    race: picking it again did nothing). Now the failure is said, the picker names no race and the window asks
    for one; picking the race again opens it."""
    from warroom.services import poll_service

    ps = room.poll_service
    toy = ps.contest
    big = _add_race(room, "Big race 2031", BIG, seed=5)
    ps.read_later_from = (BIG + SMALL) // 2
    said: list[str] = []
    monkeypatch.setattr(room.window, "show_error", said.append)
    real = poll_service._whole_race

    def broken(s: Any, cid: int) -> Any:
        if how == "refused":  # as the store holds it once a teammate deleted it
            return (None, None, *real(s, cid)[2:])
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(poll_service, "_whole_race", broken)
    ps.delete_contest(toy.id, born=ps.opened_identity)
    assert ps.loading is not None and ps.loading.id == big
    qtbot.waitUntil(lambda: ps.loading is None, timeout=10000)
    qtbot.wait(20)
    assert ps.contest is None and said and "Big race 2031" in said[-1]
    assert ("the disk went away" if how == "failed" else "was deleted by another program") in said[-1]
    picker = room.contest_actions.picker
    assert picker.currentIndex() == -1  # (before: "Big race 2031", with no race open)
    assert room.window.windowTitle().startswith("No race open") and not room.window.action_add.isEnabled()
    monkeypatch.setattr(poll_service, "_whole_race", real)
    _pick(room, big)
    qtbot.waitUntil(lambda: ps.contest is not None and len(ps.polls) == BIG, timeout=10000)
    assert ps.contest.id == big and room.window.action_add.isEnabled()
    assert "No race" not in room.window.statusBar().currentMessage()
