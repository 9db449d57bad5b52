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
