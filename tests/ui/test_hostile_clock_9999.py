"""A clock set to the calendar's last year (9999) no longer breaks File > New contest (issue 16).

The new-contest form proposes next year's 6 May as the election (and a second round two weeks on): with the clock
in 9999, date(10000, 5, 6) raised "year 10000 is out of range" and the form never opened. The default is now held
to the last day whose second round the calendar still has (17 December 9999); a usual clock is unchanged.
"""

from __future__ import annotations

from datetime import date

import pytest

from warroom.ui import contest_dialog
from warroom.ui.contest_dialog import RUNOFF_AFTER, ContestDialog

pytestmark = pytest.mark.gui


def _clock(monkeypatch: pytest.MonkeyPatch, day: date) -> None:
    class Clock(date):
        @classmethod
        def today(cls) -> date:  # type: ignore[override]
            return day

    monkeypatch.setattr(contest_dialog, "date", Clock)


@pytest.mark.parametrize(
    ("today", "election"),
    [
        (date(9999, 6, 1), date(9999, 12, 17)),
        (date(9999, 12, 31), date(9999, 12, 17)),
        (date(9998, 12, 31), date(9999, 5, 6)),
        (date(2026, 12, 2), date(2027, 5, 6)),
    ],
)
def test_a_new_contest_s_default_date_fits_the_calendar(qtbot, monkeypatch, today: date, election: date) -> None:
    _clock(monkeypatch, today)
    dialog = ContestDialog()
    qtbot.addWidget(dialog)
    assert contest_dialog._pydate(dialog.election.date()) == election
    assert contest_dialog._pydate(dialog.second.date()) == election + RUNOFF_AFTER
