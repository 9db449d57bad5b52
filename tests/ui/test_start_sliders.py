"""The start's first stage has the real scenario panel (issue 15: the whole window with its sliders, under half a
second): its figures are the store's, a slider moved there gives the figures the full load gives for the same
settings (and keeps them), and a scenario saved there is in the store once it is open."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QInputDialog, QLabel

from tests.ui.test_start_first_read import _start
from tests.ui.test_startup_live import cli_json
from warroom.app import Starter
from warroom.paths import AppPaths
from warroom.ui.start_shell import LATER

pytestmark = pytest.mark.usefixtures("digest_in_time")  # (tests/ui/conftest.py)

OUTPUTS = ("verdict", "first_round", "runoff", "break_even", "win_probability")


@pytest.fixture
def demo_paths(tmp_path: Path) -> AppPaths:
    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    for _ in range(2):  # a new store (seeded), then the start that records the frame a user's next start finds
        _start(paths)
    return paths


def _texts(panel: object) -> dict[str, str]:
    return {name: panel.findChild(QLabel, name).text() for name in OUTPUTS}  # type: ignore[attr-defined]


def test_a_slider_moved_in_the_first_second_gives_the_full_loads_figures_and_stays(qapp, demo_paths: AppPaths) -> None:
    seen: dict[str, object] = {}

    def move(starter: Starter) -> None:
        if seen:  # (once: the shell's fallback timer calls the build again, after the window is up)
            return
        panel = starter.shell.scenario_panel
        assert panel is not None and panel.model is starter.scenarios  # the real panel, bound to the controller
        assert starter.room is None  # (the window is not built yet)
        seen["untouched"] = _texts(panel)
        panel.message_slider.setValue(400)  # 40.0 % of the front-runner's personal vote
        panel.drag_slider.setValue(250)
        starter.scenarios.evaluate_now()  # (the coalesced evaluation the next turn runs)
        seen["view"] = starter.scenarios.view
        seen["moved"] = _texts(panel)
        seen["choosers"] = (panel.baseline_combo.isEnabled(), panel.baseline_combo.toolTip())
        seen["compare"] = panel.compare_button.isEnabled()

    starter = _start(demo_paths, before_build=move)
    assert starter.times["sliders"] == starter.times["shell"] < starter.times["window"]  # in the first paint
    assert seen["moved"] != seen["untouched"]  # the move changed the figures at once
    room = starter.room
    assert room is not None and room.scenarios is starter.scenarios  # the real window took the controller over
    sc = room.scenarios
    assert sc.scenario is not None and sc.view is not None
    assert (sc.scenario.message_strength, sc.scenario.drag_recovery) == (0.4, 0.25)  # the move kept
    # the full load rebuilt the baseline from the store: the same case, so the same figures to the last digit
    assert starter.first_read_agrees is True
    first = seen["view"]
    assert sc.view.projection == first.projection  # type: ignore[attr-defined]
    assert sc.view.odds == first.odds  # type: ignore[attr-defined]
    assert _texts(room.scenario_panel) == seen["moved"]
    # and the command line's, for the same settings (one core function)
    cli = cli_json("scenario", "--data-dir", str(demo_paths.data_dir.parent), "--message", "40", "--drag", "25")
    assert sc.view.projection.margin == pytest.approx(float(cli["margin"]), abs=5e-4)  # type: ignore[arg-type]
    assert sc.view.projection.win_probability_b == pytest.approx(float(cli["win_probability_challenger"]))  # type: ignore[arg-type]
    # the other baselines waited for the window (they need the poll average), said so, and work there
    assert seen["choosers"] == (False, LATER) and seen["compare"] is False
    assert room.scenario_panel.baseline_combo.isEnabled() and room.scenario_panel.compare_button.isEnabled()
    # moved figures are not the store's: no start frame is recorded from them
    assert starter.ready_frame is None


def test_the_first_stage_panel_shows_the_figures_the_window_shows(qapp, demo_paths: AppPaths) -> None:
    seen: dict[str, dict[str, str]] = {}

    def look(starter: Starter) -> None:
        if seen:
            return
        assert starter.shell.scenario_panel is not None
        seen["first"] = _texts(starter.shell.scenario_panel)

    starter = _start(demo_paths, before_build=look)
    assert starter.room is not None and starter.first_read_agrees is True
    assert _texts(starter.room.scenario_panel) == seen["first"]
    assert starter.ready_frame is not None and starter.ready_frame.case  # recorded again: the start's own case


def test_a_scenario_saved_in_the_first_second_is_in_the_store_once_it_opens(
    qapp, demo_paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = iter([("   ", True), ("Early push", True)])
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *_a, **_k: next(names)))
    kept: dict[str, object] = {}

    def save(starter: Starter) -> None:
        if kept:
            return
        shell = starter.shell
        panel = shell.scenario_panel
        assert panel is not None
        panel.message_slider.setValue(300)
        panel.save_button.click()  # a blank name: nothing kept
        assert shell.saves == []
        panel.save_button.click()
        kept["saves"] = list(shell.saves)
        kept["status"] = shell.status_changes.text()
        panel.message_slider.setValue(500)  # moved again after saving: the saved case keeps 30 %

    starter = _start(demo_paths, before_build=save)
    assert [s.name for s in kept["saves"]] == ["Early push"]  # type: ignore[attr-defined]
    assert kept["status"] == "1 change(s) waiting to be saved"
    room = starter.room
    assert room is not None
    saved = room.scenarios.find_saved("Early push")  # read back from the store
    assert saved.scenario.message_strength == 0.3
    assert saved.poll_ids == tuple(sorted(p.id for p in room.poll_service.polls if p.id is not None))
    assert room.scenarios.scenario is not None and room.scenarios.scenario.message_strength == 0.5
    assert room.window.undo_stack.count() == 1  # one undo step, as a save in the window makes


def test_a_scenario_saved_there_is_never_lost_unsaid(
    qapp, demo_paths: AppPaths, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Closing the first stage with a scenario saved there asks first ("No" keeps it); a start whose store then
    refuses to open says on stderr which scenario was not saved."""
    from PySide6.QtWidgets import QMessageBox

    import warroom.app as app_module
    import warroom.ui.qt_utils as qt_utils
    from tests.ui.test_startup_live import _starter

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *_a, **_k: ("Plan B", True)))
    asked: list[str] = []

    def ask(_parent: object, _title: str, text: str, **_kw: object) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(qt_utils, "ask_plain", ask)
    monkeypatch.setattr(app_module, "open_with_recovery", lambda target, paths: None)  # (the store's refusal, said)
    capsys.readouterr()

    def save_then_close(starter: Starter) -> None:
        shell = starter.shell
        if shell.saves or shell.scenario_panel is None:
            return
        shell.scenario_panel.save_button.click()
        shell.close()  # asked, and "No": the shell and its kept scenario stay
        assert shell.isVisible() and len(shell.saves) == 1

    starter = _starter(demo_paths, save_then_close)
    assert starter.run() == 3 and starter.room is None
    assert len(asked) == 1 and asked[0].startswith("1 change(s) made here")
    assert "1 change(s) made while it was opening were not saved: save scenario 'Plan B'" in capsys.readouterr().err


def test_a_case_the_pipeline_cannot_evaluate_leaves_the_headline_and_the_start_goes_on(
    qapp, demo_paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    from warroom.services.scenario_service import ScenarioController

    def refuse(*_args: object) -> None:
        raise ZeroDivisionError("a case no pipeline evaluates")

    monkeypatch.setattr(ScenarioController, "start_from", refuse)
    starter = _start(demo_paths)
    assert starter.live and starter.scenarios is None  # the frame's headline, live, without the panel
    assert starter.times["sliders"] == starter.times["window"] > starter.times["shell"]  # sliders with the window
    assert starter.room is not None and starter.room.scenarios.view is not None
