"""Hostile pass 10 (issue 16), settings: a settings file the user made read-only."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from PySide6.QtCore import QSettings

from warroom.paths import AppPaths
from warroom.services.settings import open_settings


def test_a_settings_file_made_read_only_is_read_and_never_rewritten(qapp, tmp_path: Path) -> None:
    """A settings file the user made read-only (chmod a-w, to keep a layout for a meeting room's machine) was made
    writable and rewritten at the first change: mode 0444 became 0644, the contest and window layout replaced, as
    the store's read-only promise forbids for the store. Its settings are now read and kept for the session, the
    file never written, and the window says why changes will not be kept."""
    paths = AppPaths.under(tmp_path)
    paths.ensure()
    mine = QSettings(str(paths.settings_file), QSettings.Format.IniFormat)
    mine.setValue("data/contest", "London Mayor 2012")
    mine.setValue("view/theme", "dark")
    mine.sync()
    del mine
    os.chmod(paths.settings_file, 0o444)
    before = paths.settings_file.read_bytes()
    settings = open_settings(paths)
    assert settings.contest == "London Mayor 2012" and settings.theme == "dark"  # read as they are
    assert "read-only" in settings.notice and str(paths.settings_file) in settings.notice, settings.notice
    settings.contest = "Burlington Mayor 2009"
    settings.set_for_contest(1, "presentation_views", "answer")
    settings.sync()
    assert settings.contest == "Burlington Mayor 2009"  # this session goes on with its change
    assert paths.settings_file.read_bytes() == before
    assert stat.S_IMODE(paths.settings_file.stat().st_mode) == 0o444
    assert sorted(p.name for p in paths.settings_file.parent.iterdir()) == [paths.settings_file.name]


def test_a_writable_settings_file_is_still_written(qapp, tmp_path: Path) -> None:
    paths = AppPaths.under(tmp_path)
    paths.ensure()
    settings = open_settings(paths)
    settings.contest = "Burlington Mayor 2009"
    settings.sync()
    assert settings.notice == ""
    assert "Burlington Mayor 2009" in paths.settings_file.read_text(encoding="utf-8")
