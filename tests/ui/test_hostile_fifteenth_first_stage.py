"""Fifteenth hostile pass, the start's first stage: a poll or a scenario typed there is saved only into the race it
was typed for."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from warroom.paths import AppPaths
from warroom.store import polls as repo

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("digest_in_time")]


def _teammate_replaces_the_race(paths: AppPaths, first: Any) -> str:
    """A teammate's script: a copy of the first read's race under another name (the same candidates), then the
    race deleted. Returns the copy's name (the race the real window opens: the only one)."""
    from warroom.store import contests
    from warroom.store.db import make_engine, make_session_factory

    engine = make_engine(f"sqlite:///{paths.database}")
    try:
        with make_session_factory(engine).begin() as s:
            race = repo.get_contest(s, first.contest_id)
            assert race is not None
            copy = repo.add_contest(s, replace(race, id=None, name="Teammate's race", demo=False))
            contests.delete_contest(s, first.contest_id)
        with make_session_factory(engine)() as s:
            assert repo.get_contest(s, copy) is not None
    finally:
        engine.dispose()
    return "Teammate's race"


def test_polls_and_a_scenario_typed_in_the_first_stage_never_land_in_the_race_opened_instead(
    qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In the start's first stage (the shell, before the store is open) a poll is added and a scenario saved for
    the race the first read showed; a teammate deletes that race meanwhile, so the real window opens another one,
    with the same candidates. The shell's changes were applied to whatever race the window opened: the poll and the
    scenario landed in the teammate's race without a word. Now refused, naming both races, nothing saved there,
    and the polls kept for Edit > Retry in their own race."""
    from PySide6.QtWidgets import QInputDialog

    from tests.ui.test_start_first_read import _start
    from tests.ui.test_start_first_stage import _when_form_opens
    from warroom.ui.main_window import MainWindow

    paths = AppPaths.under(tmp_path / "state")
    paths.ensure()
    for _ in range(2):
        _start(paths)
    said: list[str] = []
    monkeypatch.setattr(MainWindow, "show_error", lambda self, message: said.append(message))
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *_a, **_k: ("Early plan", True)))
    done: dict[str, Any] = {}

    def work(starter: Any) -> None:
        if done:  # (the start's fallback timer calls the build a second time)
            return
        shell, first = starter.shell, starter.first
        assert starter.live and shell.editable and shell.scenario_panel is not None
        new = replace(first.polls[0], id=None, pollster="Early Bird", client="", published=None)
        _when_form_opens(lambda form: (form.show_poll(new), form.accept()))
        shell.add_poll()
        shell.save_scenario()
        assert len(shell.changes) == 1 and len(shell.saves) == 1
        done["race"] = first.contest.name
        done["other"] = _teammate_replaces_the_race(paths, first)

    starter = _start(paths, before_build=work)
    room = starter.room
    assert room.poll_service.contest.name == done["other"]  # the window opened the teammate's race
    import sqlite3

    conn = sqlite3.connect(paths.database)
    try:
        pollsters = [p for (p,) in conn.execute("SELECT pollster FROM poll")]
        scenarios = [n for (n,) in conn.execute("SELECT name FROM scenario")]
    finally:
        conn.close()
    assert "Early Bird" not in pollsters
    assert "Early plan" not in scenarios
    assert any(done["race"] in m and done["other"] in m and "Early Bird" in m and "Early plan" in m for m in said), said
    kept = room.window.unsaved_changes
    assert [(c.action, c.contest_name, [p.pollster for p in c.polls]) for c in kept] == [
        ("add", done["race"], ["Early Bird"])
    ]
