"""ScenarioController: a big contest's rebuild runs on a worker thread and lands as the same case, never a stale one."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from tests.conftest import TOY, make_poll
from warroom.core.pipeline import BaselineChoice, compute_averages
from warroom.core.types import Poll
from warroom.services import scenario_service
from warroom.services.scenario_service import ScenarioController


def _polls(n: int, shift: float = 0.0) -> list[Poll]:
    return [replace(make_poll(1 + d % 27, pollster=f"P{d}", a=44 + d % 5 + shift), id=d + 1) for d in range(n)]


def _case(controller: ScenarioController) -> tuple[object, object, object]:
    return controller.baseline, controller.scenario, controller.offers


def test_a_big_contests_rebuild_lands_from_the_worker_as_the_same_case(qtbot) -> None:
    polls = _polls(12)
    averages = compute_averages(polls, TOY)
    here = ScenarioController()
    here.set_contest(TOY)
    here.set_data(polls, averages)  # under the threshold: rebuilt on this thread, at once
    assert here.baseline is not None and not here.busy
    there = ScenarioController(background_from=5)
    there.set_contest(TOY)
    threads: list[str] = []
    there.baseline_changed.connect(lambda _b: threads.append(threading.current_thread().name))
    there.set_data(polls, averages)
    assert there.baseline is None  # not yet: computed elsewhere
    qtbot.waitUntil(lambda: there.baseline is not None and not there.busy, timeout=5000)
    assert threads == [threading.main_thread().name]  # announced on the GUI thread
    assert _case(there) == _case(here)
    assert there.offers.newest and there.offers.first is not None


def _held(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, list[int]]:
    """Rebuilds on the worker wait for gate.set(); `started` has the poll count of each."""
    gate, started = threading.Event(), []
    real = scenario_service._rebuilt

    def held(choice, polls, *args):  # type: ignore[no-untyped-def]
        if threading.current_thread() is not threading.main_thread():
            started.append(len(polls))
            assert gate.wait(5)
        return real(choice, polls, *args)

    monkeypatch.setattr(scenario_service, "_rebuilt", held)
    return gate, started


def test_polls_changing_during_a_rebuild_end_in_the_latest_polls_case(qtbot, monkeypatch) -> None:
    gate, started = _held(monkeypatch)
    controller = ScenarioController(background_from=5)
    controller.set_contest(TOY)
    old, new = _polls(10), _polls(12, shift=3.0)
    shown: list[object] = []
    controller.baseline_changed.connect(shown.append)
    controller.set_data(old, compute_averages(old, TOY))
    qtbot.waitUntil(lambda: started == [10])
    controller.set_data(new, compute_averages(new, TOY))  # while the first rebuild runs
    gate.set()
    qtbot.waitUntil(lambda: not controller.busy and controller.baseline is not None, timeout=5000)
    qtbot.wait(50)
    expected = ScenarioController()
    expected.set_contest(TOY)
    expected.set_data(new, compute_averages(new, TOY))
    assert _case(controller) == _case(expected)
    assert shown == [expected.baseline]  # the stale 10-poll case was never shown, not even for a moment
    assert controller.polls == new


def test_a_slider_moved_while_a_rebuild_runs_is_kept_when_it_lands(qtbot, monkeypatch) -> None:
    polls = _polls(10)
    averages = compute_averages(polls, TOY)
    controller = ScenarioController(background_from=5)
    controller.set_contest(TOY)
    controller.set_data(polls, averages)
    assert controller.wait()
    gate, _started = _held(monkeypatch)
    more = [*polls, replace(make_poll(28, pollster="Late"), id=99)]
    controller.set_data(more, compute_averages(more, TOY))
    qtbot.waitUntil(lambda: controller.busy)
    controller.set_message_strength(0.4)  # the user moves a lever on the old case meanwhile
    gate.set()
    qtbot.waitUntil(lambda: not controller.busy, timeout=5000)
    assert controller.scenario is not None and controller.scenario.message_strength == 0.4
    assert controller.polls == more and controller.baseline is not None


def test_another_contest_opened_during_a_rebuild_never_gets_its_case(qtbot, monkeypatch) -> None:
    gate, _started = _held(monkeypatch)
    controller = ScenarioController(background_from=5)
    controller.set_contest(TOY)
    polls = _polls(10)
    controller.set_data(polls, compute_averages(polls, TOY))
    qtbot.waitUntil(lambda: controller.busy)
    seen: list[object] = []
    controller.baseline_changed.connect(seen.append)
    controller.set_contest(replace(TOY, id=99, name="Other race"))
    gate.set()
    qtbot.wait(100)
    assert seen == [] and controller.baseline is None and controller.scenario is None


def test_a_one_poll_baseline_whose_poll_went_falls_back_after_the_worker(qtbot) -> None:
    polls = _polls(10)
    controller = ScenarioController(background_from=5)
    controller.set_contest(TOY)
    controller.set_data(polls, compute_averages(polls, TOY))
    assert controller.wait()
    controller.set_choice(BaselineChoice("poll", poll_id=3))
    assert controller.wait()
    assert controller.baseline is not None and "P2" in controller.baseline.label
    failures: list[str] = []
    controller.scenario_failed.connect(failures.append)
    rest = [p for p in polls if p.id != 3]
    controller.set_data(rest, compute_averages(rest, TOY))
    qtbot.waitUntil(lambda: controller.choice.mode == "average" and not controller.busy, timeout=5000)
    assert controller.wait()
    assert failures and "back to the latest poll average" in failures[0]
    assert controller.baseline is not None and controller.baseline.label.startswith("Poll average")


def test_saving_while_a_rebuild_runs_saves_the_new_polls_baseline(qtbot, monkeypatch) -> None:
    """A save waits for the rebuild in flight: the baseline saved is the one made from the polls saved."""
    saved: list[tuple[str, dict, dict]] = []

    class Store:
        def scenarios(self) -> list[tuple[str, dict, dict]]:
            return saved

        def save_scenario(self, name: str, baseline: dict, settings: dict) -> None:
            saved.append((name, baseline, settings))

        def delete_scenario(self, name: str) -> None: ...

    polls = _polls(10)
    controller = ScenarioController(Store(), background_from=5)
    controller.set_contest(TOY)
    controller.set_data(polls, compute_averages(polls, TOY))
    assert controller.wait()
    first = controller.baseline
    gate, _started = _held(monkeypatch)
    more = [*polls, replace(make_poll(28, pollster="Late", a=60, b=30, c=10), id=99)]
    controller.set_data(more, compute_averages(more, TOY))
    qtbot.waitUntil(lambda: controller.busy)
    threading.Timer(0.2, gate.set).start()
    result = controller.save("mid-rebuild")
    assert controller.baseline is not first and result.baseline == controller.baseline


def _wired(background_from: int = 5) -> tuple[object, ScenarioController]:
    """An average controller and a scenario controller wired as the app wires them (the case started on the
    average's worker before the averages land, set_data when they do)."""
    from warroom.services.analysis_service import AverageController

    averages, scenarios = (
        AverageController(background_from=background_from),
        ScenarioController(background_from=background_from),
    )
    averages.set_contest(TOY)
    scenarios.set_contest(TOY)
    averages.add_ahead(scenarios.prepare_ahead)
    averages.averages_ready.connect(scenarios.set_data)
    return averages, scenarios


def _evaluated_afresh(polls: list[Poll], scenario: object = None) -> tuple[object, object, object]:
    """What the core pipeline gives for `polls` from scratch: (baseline, settings, view)."""
    from warroom.core.pipeline import default_scenario, evaluate, make_baseline, reconcile

    averages = compute_averages(polls, TOY)
    baseline = make_baseline(BaselineChoice(), polls, TOY, averages, None)
    defaults = default_scenario(baseline, polls, TOY, BaselineChoice(), None)
    settings = defaults if scenario is None else reconcile(scenario, baseline, defaults)  # type: ignore[arg-type]
    return baseline, settings, evaluate(baseline, settings)


def test_a_change_lands_with_the_case_prepared_on_the_worker_equal_to_one_made_afresh(qtbot, monkeypatch) -> None:
    """Add, edit and delete a poll: each time the case comes from the worker's head start (no rebuild or evaluation
    on this thread) and equals the core pipeline's case for those polls computed from scratch."""
    here: list[str] = []
    real_evaluate, real_rebuilt = scenario_service.evaluate, scenario_service._rebuilt

    def on_gui(name: str, fn):  # type: ignore[no-untyped-def]
        def call(*args, **kwargs):  # type: ignore[no-untyped-def]
            if threading.current_thread() is threading.main_thread():
                here.append(name)
            return fn(*args, **kwargs)

        return call

    monkeypatch.setattr(scenario_service, "evaluate", on_gui("evaluate", real_evaluate))
    monkeypatch.setattr(scenario_service, "_rebuilt", on_gui("rebuild", real_rebuilt))
    averages, scenarios = _wired()
    polls = _polls(12)
    late = replace(make_poll(28, pollster="Late", a=47), id=99)
    views: list[object] = []
    scenarios.view_ready.connect(views.append)
    for step in (polls, [*polls, late], [*polls, replace(late, first_round={**late.first_round, "ann": 41})], polls):
        views.clear()
        averages.set_polls(step)
        qtbot.waitUntil(lambda: bool(views) and not averages.busy and not scenarios.busy, timeout=5000)
        baseline, settings, view = _evaluated_afresh(step)
        assert scenarios.baseline == baseline and scenarios.scenario == settings
        assert scenarios.view is views[-1]
        assert scenarios.view.projection == view.projection  # type: ignore[union-attr]
        assert scenarios.view.break_even_splits == view.break_even_splits  # type: ignore[union-attr]
    assert here == []  # every case was rebuilt and evaluated on the worker


def test_a_case_prepared_from_a_state_changed_meanwhile_is_never_adopted(qtbot, monkeypatch) -> None:
    """The user moves a lever (or picks another baseline) between the head start and the landing: the case shown
    is the one for the state as it is then, made on landing, never the prepared one."""
    averages, scenarios = _wired()
    polls = _polls(12)
    averages.set_polls(polls)
    qtbot.waitUntil(lambda: scenarios.view is not None and not averages.busy and not scenarios.busy, timeout=5000)
    gate = threading.Event()
    real = scenario_service._ahead

    def held(key):  # type: ignore[no-untyped-def]
        assert gate.wait(5)
        return real(key)

    monkeypatch.setattr(scenario_service, "_ahead", held)
    more = [*polls, replace(make_poll(28, pollster="Late", a=47), id=99)]
    ready: list[object] = []
    averages.averages_ready.connect(lambda p, a: ready.append(a))
    averages.set_polls(more)
    qtbot.waitUntil(lambda: bool(ready), timeout=5000)  # landed; the prepared case is held on the worker
    scenarios.set_message_strength(0.35)  # too late for the head start, which began from the old settings
    gate.set()
    qtbot.waitUntil(lambda: not scenarios.busy and scenarios.polls == more, timeout=5000)
    qtbot.wait(30)
    assert scenarios.scenario is not None and scenarios.scenario.message_strength == 0.35
    _baseline, settings, view = _evaluated_afresh(more, scenarios.scenario)
    assert scenarios.scenario == settings
    assert scenarios.view is not None and scenarios.view.projection == view.projection
