"""Issue 16, eleventh pass: the window's `--contest` finds a race as every command-line verb does."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from tests.conftest import TOY
from warroom.paths import AppPaths


@pytest.mark.parametrize("typed", ["toyton mayor", "Toyton  Mayor ", "Toyton Mayor"])
def test_the_windows_contest_option_finds_a_race_as_the_verbs_do(qtbot, tmp_path: Path, typed: str) -> None:
    """`warroom --contest "london mayor 2012"` opened the race in every verb and the start's first stage, then the
    window refused it: "no contest named 'london mayor 2012' in the store" (it compared names exactly); a race whose
    name holds a zero-width space (drawn as nothing) could not be opened by its name at all."""
    from warroom.app import WarRoom
    from warroom.bootstrap import open_store
    from warroom.services.settings import AppSettings
    from warroom.store import polls as repo

    paths = AppPaths.under(tmp_path)
    paths.ensure()
    store = open_store(paths.database, backup_dir=None, seed=False)
    with store.sessions.begin() as s:
        repo.add_contest(s, replace(TOY, name="Other Race"))
        cid = repo.add_contest(s, replace(TOY, name="Toyton\u200b Mayor"))
        repo.add_contest(s, replace(TOY, name="Third Race"))
    settings = AppSettings(QSettings(str(paths.settings_file), QSettings.Format.IniFormat))
    room = WarRoom(store, settings, watch=False, contest=typed)
    qtbot.addWidget(room.window)
    try:
        assert room.poll_service.contest is not None and room.poll_service.contest.id == cid
    finally:
        room.window.close()
        store.close()


def test_the_briefings_sources_show_a_stored_address_holding_controls_as_escapes() -> None:
    """A store written before addresses were checked (or edited outside warroom) may hold one: its briefing's
    sources printed 'https://acme.example/<U+202E>gnp.exe' as '.../exe.png', and an address holding a line break as
    a second line naming a pollster nobody polled. The sources now show such characters as \\uNNNN escapes, as the
    command line does."""
    from warroom.ui.export import sources_of

    lines = sources_of(
        [("Acme", "https://acme.example/\u202egnp.exe"), ("Bcme", "https://b.example/x\nCcme: https://fake.example/")]
    )
    assert lines == [
        "Acme: https://acme.example/\\u202egnp.exe",
        "Bcme: https://b.example/x\\x0aCcme: https://fake.example/",
    ]
