"""Issue 16, a fourth hostile pass, in the running war room."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.gui


def test_the_panel_saves_and_finds_a_name_trimmed_and_composed_as_the_cli_does(room, qtbot) -> None:
    """Save as " Plan é " (typed with a combining accent) is the saved "Plan é"; the panel finds it by either
    spelling, as `warroom scenario --name` and bundles do (core.pipeline.name_as_saved)."""
    qtbot.waitUntil(lambda: room.scenarios.view is not None)
    acts = room.scenario_actions
    saved = acts.save_as(" Plan e\u0301\u00a0")
    assert saved is not None and saved.name == "Plan \u00e9"
    assert [s.name for s in room.scenarios.saved()] == ["Plan \u00e9"]
    assert room.scenarios.find_saved("  Plan \u00e9 ").name == "Plan \u00e9"
    assert room.scenarios.find_saved("Plan e\u0301").name == "Plan \u00e9"
    errors: list[str] = []
    room.scenarios.scenario_failed.connect(errors.append)
    acts.load(" Plan \u00e9")
    assert not any("no saved scenario" in e for e in errors), errors
