from __future__ import annotations

from dataclasses import replace

from tests.conftest import TOY, make_poll
from warroom.services.analysis_service import AverageController


def test_a_burst_of_changes_gives_one_recompute(qtbot) -> None:
    controller = AverageController()
    controller.set_contest(TOY)
    polls = [replace(make_poll(d, a=44 + d / 10), id=d) for d in range(1, 12)]
    seen = []
    controller.averages_ready.connect(lambda p, a: seen.append((len(p), a)))
    for n in range(5, 12):
        controller.set_polls(polls[:n])  # e.g. an import arriving poll by poll
    qtbot.waitUntil(lambda: len(seen) == 1)
    with qtbot.assertNotEmitted(controller.averages_ready, wait=50):
        pass
    count, averages = seen[0]
    assert count == 11 and averages is not None and (averages.a, averages.b) == ("ann", "bob")


def test_no_polls_means_no_average_and_no_error(qtbot) -> None:
    controller = AverageController()
    controller.set_contest(TOY)
    with qtbot.assertNotEmitted(controller.average_failed), qtbot.waitSignal(controller.averages_ready) as blocker:
        controller.set_polls([])
    assert blocker.args == [[], None]


def test_a_big_contest_is_averaged_on_the_worker_and_lands_as_the_same_average(qtbot) -> None:
    import threading

    import numpy as np

    from warroom.core.pipeline import compute_averages

    controller = AverageController(background_from=5)
    controller.set_contest(TOY)
    polls = [replace(make_poll(d, a=44 + d / 10), id=d) for d in range(1, 12)]
    threads: list[str] = []
    controller.averages_ready.connect(lambda p, a: threads.append(threading.current_thread().name))
    with qtbot.waitSignal(controller.averages_ready, timeout=5000) as blocker:
        controller.set_polls(polls)
        qtbot.waitUntil(lambda: controller.busy or controller.averages is not None)
    landed_polls, landed = blocker.args
    assert landed_polls == polls and landed is controller.averages and not controller.busy
    assert threads == [threading.main_thread().name]  # computed elsewhere, announced on the GUI thread
    expected = compute_averages(polls, TOY)
    assert expected is not None and (landed.a, landed.b) == (expected.a, expected.b)
    np.testing.assert_allclose(landed.first_round["ann"].mean, expected.first_round["ann"].mean)


def _held_worker(monkeypatch) -> tuple[object, list[int]]:
    """compute_averages on the worker waits for gate.set(); `started` counts the jobs."""
    import threading

    from warroom.services import analysis_service

    gate, started = threading.Event(), []
    real = analysis_service.compute_averages

    def held(polls, *args, **kwargs):  # type: ignore[no-untyped-def]
        if threading.current_thread() is not threading.main_thread():
            started.append(len(polls))
            assert gate.wait(5)
        return real(polls, *args, **kwargs)

    monkeypatch.setattr(analysis_service, "compute_averages", held)
    return gate, started


def test_changes_during_a_background_recompute_end_in_the_latest_polls_average(qtbot, monkeypatch) -> None:
    gate, started = _held_worker(monkeypatch)
    controller = AverageController(background_from=5)
    controller.set_contest(TOY)
    polls = [replace(make_poll(d, a=44 + d / 10), id=d) for d in range(1, 16)]
    seen: list[int] = []
    controller.averages_ready.connect(lambda p, a: seen.append(len(p)))
    controller.set_polls(polls[:10])
    qtbot.waitUntil(lambda: controller.busy)
    controller.set_polls(polls[:12])  # while the first job runs: the old average stays
    qtbot.wait(20)
    controller.set_polls(polls)
    qtbot.wait(20)
    assert seen == [] and controller.averages is None
    gate.set()
    qtbot.waitUntil(lambda: seen == [15] and not controller.busy, timeout=5000)
    assert started == [10, 15]  # one job for the burst that came while the first ran, none for the stale list
    assert controller.averages is not None and len(controller.averages.columns or ()) == 15


def test_another_contest_opened_meanwhile_never_gets_the_old_contests_average(qtbot, monkeypatch) -> None:
    gate, _started = _held_worker(monkeypatch)
    controller = AverageController(background_from=5)
    controller.set_contest(TOY)
    controller.set_polls([replace(make_poll(d), id=d) for d in range(1, 12)])
    qtbot.waitUntil(lambda: controller.busy)
    seen: list[object] = []
    controller.averages_ready.connect(lambda p, a: seen.append(a))
    gate.set()
    controller.set_contest(replace(TOY, id=99, name="Other race"))  # waits for the job, drops its result
    qtbot.wait(50)
    assert seen == [] and controller.averages is None and not controller.busy


def test_a_one_poll_change_to_a_big_contest_starts_its_average_on_the_worker_at_once(qtbot, monkeypatch) -> None:
    """A poll added to a big contest: the worker begins averaging in the same turn (while the GUI thread paints the
    new point), not a turn later; a burst of many polls still waits for the coalescing timer."""
    import threading

    controller = AverageController(background_from=5)
    controller.set_contest(TOY)
    polls = [replace(make_poll(d, a=44 + d / 10), id=d) for d in range(1, 16)]
    with qtbot.waitSignal(controller.averages_ready, timeout=5000):
        controller.set_polls(polls[:10])
    gate, started = _held_worker(monkeypatch)
    controller.set_polls(polls[:11])  # one poll more: submitted before this call returns
    assert controller.busy
    qtbot.waitUntil(lambda: started == [11], timeout=5000)
    gate.set()
    qtbot.waitUntil(lambda: not controller.busy and controller.averages is not None, timeout=5000)
    assert len(controller.averages.columns or ()) == 11
    started.clear()
    controller.set_polls(polls)  # four more at once is still "a few"; an import of many waits for the timer
    assert controller.busy
    qtbot.waitUntil(lambda: not controller.busy, timeout=5000)
    many = [*polls, *(replace(make_poll(d % 27 + 1, pollster=f"Q{d}"), id=100 + d) for d in range(20))]
    controller.set_polls(many)
    assert not controller.busy  # joined to the next turn's timer
    qtbot.waitUntil(lambda: not controller.busy and len(controller.averages.columns or ()) == len(many), timeout=5000)
    assert threading.main_thread().is_alive()
