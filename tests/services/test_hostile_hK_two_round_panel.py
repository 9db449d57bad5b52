"""Issue 16, hostile pass hK: the runoff panel of a race whose polled runoff has a withdrawn finalist. Failed
before its fix."""

from __future__ import annotations

import dataclasses

from tests.core.test_hostile_hK_two_round import RACE, _campaign
from warroom.core.france import FRANCE_2022_TURNOUT
from warroom.core.two_round_pipeline import Campaign


class _Given:
    """A CampaignSource that hands over one campaign."""

    def __init__(self, campaign: Campaign) -> None:
        self.campaign = campaign

    def load(self, contest: object) -> Campaign:
        return self.campaign


def test_the_runoff_panel_says_its_finalist_has_withdrawn(qtbot) -> None:
    """The panel started on Ann v Bob, Ann withdrawn, with nothing said: its source line now says it."""
    from warroom.services.two_round_service import TwoRoundController
    from warroom.ui.two_round_panel import TwoRoundPanel

    race = dataclasses.replace(
        RACE, candidates=tuple(dataclasses.replace(c, withdrawn=c.code == "ann") for c in RACE.candidates)
    )
    # (a race's own expected first round: without one no runoff is projected, issue 16's hJ)
    model = TwoRoundController(_Given(_campaign()._replace(expected=FRANCE_2022_TURNOUT)))
    with qtbot.waitSignal(model.view_ready, timeout=5000):
        model.set_contest(race)
    panel = TwoRoundPanel(model)
    qtbot.addWidget(panel)
    assert model.withdrawn_note.startswith("Ann Red has withdrawn"), model.withdrawn_note
    assert "Ann Red has withdrawn: this runoff can no longer take place" in panel.source_label.text()
    # the briefing's "Current settings" (the live case's summary) says it too: it printed the runoff bare
    from warroom.services.case_library import TwoRoundLibrary

    summary = TwoRoundLibrary(model).live_summary()
    assert summary is not None and summary.today.startswith("Ann Red has withdrawn"), summary
