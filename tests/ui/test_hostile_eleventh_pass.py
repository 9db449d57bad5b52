"""Hostile pass 11 (issue 16), the window: settings of a contest deleted from it."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import text

from tests.conftest import TOY
from warroom.store import contests


def test_a_contest_deleted_in_the_window_takes_its_settings_with_it(room, qtbot) -> None:
    """A contest deleted here and another made within the same second get the same id and the same creation time
    on SQLite (its clock is read to the second), so the mark on a contest's settings cannot tell them apart: the
    window drops a deleted contest's settings as it deletes it."""
    ps, prefs, settings = room.poll_service, room.preferences, room.settings
    gone = ps.contest
    prefs.set_presentation_views(["answer", "scenario:Tie him"])
    with ps._sessions.begin() as s:
        (born,) = s.execute(text("SELECT created_at FROM contest WHERE id = :i"), {"i": gone.id}).one()
    room.contest_actions._confirm = lambda *_: True
    assert room.contest_actions.delete_contest()
    with ps._sessions.begin() as s:  # a race made at once (a script, a teammate), in the same second
        made = contests.create_contest(s, replace(TOY, name="Made at once"))
        s.execute(text("UPDATE contest SET created_at = :b WHERE id = :i"), {"b": born, "i": made})
    assert made == gone.id
    shown: list[list[str]] = []
    prefs.presentation_views_changed.connect(shown.append)
    ps.open_contest(made)
    assert shown == [["answer", "charts", "scenario"]]
    assert not [k for k in settings.qsettings.allKeys() if f"contest/{gone.id}/" in k]
