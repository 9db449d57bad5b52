"""Issue 16, a fresh pass on two-round races in the window (h5): the panel's controller, the pickers' qualify
line and the panel start from the same figures as `warroom qualify` and `warroom scenario`. Failed before its
fix."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from warroom.core.two_round_pipeline import two_round_report, withdrawn_names
from warroom.demo import FAR_LEFT_2022, FRANCE_2022_NAME
from warroom.paths import AppPaths
from warroom.services.two_round_service import StoreCampaigns, TwoRoundController

pytestmark = pytest.mark.gui

LE_PEN = "Marine Le Pen"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[object]:
    from warroom.bootstrap import open_store

    paths = AppPaths.under(tmp_path / "store")
    paths.ensure()
    opened = open_store(paths.database, backup_dir=paths.backup_dir)
    yield opened
    opened.close()


def test_the_panel_never_starts_on_a_withdrawn_candidates_runoff_nor_says_she_qualifies(qtbot, store) -> None:
    """Le Pen marked withdrawn: the window started on Macron v Le Pen and its qualify line gave her 93 %."""
    from warroom.store.contests import list_contests

    with store.sessions() as s:
        france = next(c for c in list_contests(s) if c.name == FRANCE_2022_NAME)
    race = replace(france, candidates=tuple(replace(c, withdrawn=c.code == "le-pen") for c in france.candidates))
    model = TwoRoundController(StoreCampaigns(store.sessions), proxies={FRANCE_2022_NAME: FAR_LEFT_2022})
    with qtbot.waitSignal(model.view_ready, timeout=20000):
        model.set_contest(race)
    assert model.matchup is not None and LE_PEN not in model.matchup
    assert model.qualify[LE_PEN] == 0.0
    assert model.campaign is not None
    report = two_round_report(model.campaign, rules=race.counting_rules, withdrawn=withdrawn_names(race))
    assert model.qualify == report.qualify  # one number, one place: `warroom qualify`'s
    assert report.matchup is not None and set(model.matchup) == {report.matchup.a, report.matchup.b}


def test_the_scenario_menus_two_round_case_says_its_finalist_withdrew_since(france_room, qtbot) -> None:
    """The window's saved two-round case (Compare's and the briefing's note, the Scenario menu's summaries) said
    nothing of Le Pen withdrawn since it was saved; it now says so, as the runoff case's note does."""
    room = france_room
    acts, model = room.scenario_actions, room.two_round
    qtbot.waitUntil(lambda: model.view is not None)
    assert acts.save_as("Plan A") is not None
    assert next(s for s in acts.summaries() if s.name == "Plan A").today == ""
    edited = replace(
        model.contest, candidates=tuple(replace(c, withdrawn=c.code == "le-pen") for c in model.contest.candidates)
    )
    with qtbot.waitSignal(model.view_ready, timeout=20000):
        model.set_contest(edited)
    summary = next(s for s in acts.summaries() if s.name == "Plan A")
    assert summary.today == "Since it was saved: Marine Le Pen has withdrawn.", summary.today
    brief = next(s for s in room.briefing().scenarios if s.name == "Plan A")
    assert "Since it was saved: Marine Le Pen has withdrawn." in brief.details  # (details end with the freshness)
