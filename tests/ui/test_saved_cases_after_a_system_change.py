"""Issue 16, a fresh pass on saved cases: a race whose counting system is changed in the window (File > Edit
contest) keeps its saved cases, but no panel of the new system reads them. They were left out of the Scenario
menu, Compare ("Save at least one scenario first") and the briefing without a word; each is now named there with
why it is not shown, as `warroom scenario --name` names it (core.saved_cases.other_system_note). Failed before."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from tests.ui.conftest import AnsweredContestDialog
from tests.ui.test_hostile_keyboard import _all_menu_faults
from warroom.core.types import CountingSystem, Rules

pytestmark = pytest.mark.gui


def test_a_runoff_case_of_a_race_now_counted_by_instant_runoff_is_named_in_the_menu_compare_and_briefing(
    room: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ps, acts = room.poll_service, room.scenario_actions
    qtbot.waitUntil(lambda: not room.scenarios.busy and room.scenarios.view is not None)
    assert acts.save_as("Plan A") is not None
    qtbot.waitUntil(lambda: ps.pending_writes == 0)
    irv = replace(ps.contest, system=CountingSystem.IRV, rules=Rules.default_for(CountingSystem.IRV))
    assert room.contest_actions.edit_contest(AnsweredContestDialog(irv)) is not None  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: acts.kind == "irv")
    said: list[str] = []
    room.scenarios.scenario_failed.connect(said.append)
    errors: list[str] = []
    monkeypatch.setattr(room.window, "show_error", errors.append)

    acts.fill_menu()
    hidden = [a for a in room.window.scenario_menu.actions() if "Plan A" in a.text()]
    assert len(hidden) == 1 and not hidden[0].isEnabled() and hidden[0].text().startswith("&Not shown: 'Plan A'")
    assert _all_menu_faults(room.window) == []  # (a letter of its own, as every menu line)
    assert "is a runoff (SV) case" in hidden[0].toolTip() and "now counted by instant runoff" in hidden[0].toolTip()

    acts.compare()
    assert errors and "'Plan A' is a runoff (SV) case" in errors[-1] and "Save at least one" not in errors[-1]
    assert any("'Plan A' is a runoff (SV) case" in s for s in said)

    said.clear()
    acts.briefing()
    assert any("'Plan A' is a runoff (SV) case" in s for s in said)

    sv = replace(ps.contest, system=CountingSystem.SV, rules=Rules.default_for(CountingSystem.SV))
    assert room.contest_actions.edit_contest(AnsweredContestDialog(sv)) is not None  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: acts.kind == "sv" and "Plan A" in acts.saved_names())  # kept: shown again
